/*
 * fc_nanunit.h - nanconvolve's division by the weights inside the direct
 * core's work units (_direct.pyx, float64 only): the sparse-weights route
 * of fastconv.nanconvolve convolves the data (its invalid samples set to 0)
 * and each unit's sums, computed into its thread's block `top` (one of
 * two, which stay in the L2/L3 caches), are divided by their weights
 * while the thread's next unit is computed, between the SIMD kernel's
 * blocks (struct fc_nan_pending; the last unit's after the job),
 * FC_NAN_DEF_ROWS output rows at a time:
 *
 *     weight[x] = wsum - (the taps that fall on invalid samples)
 *     out[x]    = top[x] / weight[x] * scale
 *
 * the taps summed in rows of a small buffer (L1/L2) from the listed samples
 * of the input rows those output rows read, each sample visited once for
 * all the rows it reaches, in the listed (flat index) order, as
 * fc_nan_reweight (fc_nanpass.c) sums them: the same weights and results
 * bit for bit, whatever the units.  The results go to `out` by streaming
 * stores where the caller asks for them.  The flat indices of the outputs
 * with |weight| <= tau go to the thread's doubt list (their windows are
 * then checked exactly by the caller).  So the sums are written once and
 * never read back from memory, and no weight array is written.
 *
 * The invalid samples are given as a CSR list over x's rows: the flat
 * indices (row * ldx + column, ascending) pts[rowptr[r] .. rowptr[r+1]) are
 * those of row r (or given as a list per row, rowcnt).  Outputs and the
 * kernel are in the core's frame:
 * out[y, x] = sum_{i,j} k[i, j] * X(y + sy + i, x + sx + j), x 2-D (one
 * plane), every sample outside x valid (a finite 'fill').  Compiled in
 * csrc/fc_nanunit.c once per instruction set (baseline, and on x86-64 with
 * GCC/Clang AVX2 and AVX-512 by target pragmas), the one the direct kernels
 * use chosen at each call (fc_isa_current): the same operations per element
 * in every variant (IEEE subtraction, division, multiplication, and the
 * taps added in the listed order), so the same bits.
 */
#ifndef FC_NANUNIT_H
#define FC_NANUNIT_H

#include <stddef.h>
#include <stdint.h>

struct fc_nan_units {
    const int64_t *pts;       /* flat indices into x of the invalid samples, ascending */
    const int64_t *rowptr;    /* x's rows + 1 entries: row r's are pts[rowptr[r]..rowptr[r+1]) */
    /* or, rowcnt not NULL (a unit's own lists, fc_rowfft.h): row r's are
       pts[(r - row0) * rowcap ..] rowcnt[r - row0] of them (the rows the
       unit's outputs read; rowptr unused) */
    const int32_t *rowcnt;
    ptrdiff_t rowcap, row0;
    ptrdiff_t xrows;          /* rows of x */
    const double *kf;         /* the core's kernel reversed on both axes, in 8 copies
                                 shifted by s = 0..7 columns: kf[(s * kh + i) *
                                 FC_NAN_KF_PITCH(kw) + p] = krev[i][p - s] (0 outside
                                 the taps); 64-byte aligned */
    ptrdiff_t kh, kw;
    double wsum, scale, tau;
    int stream;               /* write the results with streaming stores */
    int64_t *doubt;           /* per thread t: doubt[t * doubt_cap ...] */
    ptrdiff_t doubt_cap;
    int64_t *ndoubt;          /* per thread: how many (may exceed doubt_cap) */
};

/* The deficits of FC_NAN_DEF_ROWS output rows are summed at once (each
   listed sample visited once for all of them), in rows of
   FC_NAN_DEF_PITCH(columns) doubles (whole 64-byte vectors). */
#define FC_NAN_DEF_ROWS 4
#define FC_NAN_KF_PITCH(kw) (((kw) + 7 + 7) / 8 * 8)
#define FC_NAN_DEF_PITCH(cols) (((cols) + 7) / 8 * 8)

/* A unit's division, pending: begun by fc_nan_start, done piece by piece
   (fc_nan_hook: the SIMD kernel calls it between the blocks of the
   thread's next unit, fc_band.hook, so its streamed stores overlap that
   arithmetic, as a plain convolution's own do) and ended by fc_nan_end.
   Its fields are the state of the work; the caller only reads `active`
   and `top` (which of its two sums blocks is still to be divided). */
struct fc_nan_pending {
    const struct fc_nan_units *u;
    double *out;              /* the outputs [y0, y1) x [x0, x1), row pitch ldo */
    ptrdiff_t ldo;
    const double *top;        /* the unit's sums, top[0] output (y0, x0), pitch ldt */
    ptrdiff_t ldt, y0, y1, x0, x1, sy, sx, ldx;
    double *def;              /* FC_NAN_DEF_ROWS rows of deficits */
    int tid;                  /* the thread whose doubt list it fills */
    int active;               /* begun and not ended */
    /* progress: the deficit group at row ya, its rows divided up to (y, e) */
    ptrdiff_t ya, y, e, count;
    int dividing;
    int some[FC_NAN_DEF_ROWS];
    void (*step)(struct fc_nan_pending *, ptrdiff_t);
};

/* Begin the division of the outputs [y0, y1) x [x0, x1) of out (row pitch
   ldo) from the unit's sums top (row pitch ldt, top[0] is output (y0, x0);
   only read; it must stay until the end); x has row pitch ldx; def is a
   buffer of FC_NAN_DEF_ROWS rows of FC_NAN_DEF_PITCH(x1 - x0) doubles
   (64-byte aligned for speed); tid the thread.  Nothing is written yet. */
void fc_nan_start(struct fc_nan_pending *p, const struct fc_nan_units *u, double *out,
                  ptrdiff_t ldo, const double *top, ptrdiff_t ldt, ptrdiff_t y0,
                  ptrdiff_t y1, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t sy, ptrdiff_t sx,
                  ptrdiff_t ldx, double *def, int tid);
/* fc_nan_start with def already 0 (as every division of its rows leaves it) */
void fc_nan_begin(struct fc_nan_pending *p, const struct fc_nan_units *u, double *out,
                  ptrdiff_t ldo, const double *top, ptrdiff_t ldt, ptrdiff_t y0,
                  ptrdiff_t y1, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t sy, ptrdiff_t sx,
                  ptrdiff_t ldx, double *def, int tid);
/* A piece of p's work (about FC_NAN_HOOK_OUTPUTS outputs), if it is active
   (a fc_band hook: ctx is p) */
#define FC_NAN_HOOK_OUTPUTS 512
void fc_nan_hook(void *ctx);
/* The rest of p's work, if it is active */
void fc_nan_end(struct fc_nan_pending *p);

#endif
