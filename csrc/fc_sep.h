/*
 * fc_sep.h - separable correlation of one plane band by band (fc_sep*.c).
 *
 * For a plane x of ny rows and nx columns it computes rows [r0, r1) of
 *
 *     out[y][c] = sum_j v[j] * T(y, c + j),   T(y, t) = sum_i u[i] * X(y + offy + i, offx + t)
 *
 * with X read through the boundary rules of fc_boundary.h (bnd_y on rows,
 * bnd_x on columns; a fill read is `fill`).  The vertical pass for one
 * output row goes into a row buffer T (ox + mv - 1 samples, in L1/L2) and
 * the horizontal pass reads it back at once: no full-size intermediate.
 *
 * Box sums (box_y / box_x: every tap of u / v equal).  Vertical: running
 * sums, the sum of mu rows updated by one row in and one row out per output
 * row and restarted (summed afresh) at every row y with
 * y % FC_SEP_RESTART == 0, so a sum has at most B - 1 updates since its
 * restart (B = FC_SEP_RESTART): its rounding error is at most
 * (m + 2 B) u W, u the unit round-off and W the sum of |values| over the
 * m + B rows since the restart, whatever the size of the image; restarts
 * sit at fixed rows, so the result does not depend on how rows are shared
 * among threads.  Horizontal: the same scheme along the row buffer, restarted
 * at every output column c with c % B == 0 (a vector of columns at a time
 * by prefix sums of the updates, fc_sep_impl.h fc_sep_hbox): a sum of at
 * most m + B terms, error at most 3 (m + B) u W, W the sum of |values| over
 * the m + B samples from the restart column.  Both take a constant number
 * of operations per output whatever m.  Integers
 * (wrapping unsigned arithmetic) are exact.
 */
#ifndef FC_SEP_H
#define FC_SEP_H
#include <stdint.h>

#define FC_SEP_RESTART 128

/* 1 in a debug build (setup.py's FASTCONV_DEBUG / FASTCONV_SANITIZE, -O0):
   GCC then contracts no a * b + c of the vector loops into a fused
   multiply-add, so loops written that way round twice where their -O3
   build (and the intrinsics' FMAs) rounds once (_sepcore.DEBUG_BUILD). */
#ifndef FC_DEBUG_BUILD
#define FC_DEBUG_BUILD 0
#endif

struct fc_sep_geom {
    int64_t ny, nx;      /* input plane */
    int64_t oy, ox;      /* output plane */
    int64_t offy, offx;  /* window offsets (fc_boundary.h indices) */
    int64_t mu, mv;      /* taps of the vertical / horizontal kernel */
    int bnd_y, bnd_x;    /* enum fc_boundary */
    int box_y, box_x;    /* running sums on that axis */
    int stream;          /* a horizontal pass alone (mu == 1, u[0] == 1) or a
                            vertical one (mv == 1, v[0] == 1, not box sums)
                            writes its output rows by streaming stores (outputs
                            too big for the cache: no read of their lines first) */
};

/* element types (codes used by _sepcore.pyx): work type, and for the last
   four the input's narrower integer type (x read and converted on load) */
enum fc_sep_type { FC_SEP_F32 = 0, FC_SEP_F64, FC_SEP_U8, FC_SEP_U16, FC_SEP_U32, FC_SEP_U64,
                   FC_SEP_F32_U8, FC_SEP_F32_U16, FC_SEP_F64_U8, FC_SEP_F64_U16,
                   FC_SEP_NTYPES };

/* rows [r0, r1) of one plane; returns 0, or -1 when out of memory */
int fc_sep_rows(int type, const struct fc_sep_geom *g, const void *x, const void *u,
                const void *v, const void *fill, void *out, int64_t r0, int64_t r1);
/* 1-D passes of a uint8 plane into a uint8 output as scipy.ndimage stores
   an integer output (fastconv.ndimage): a vertical pass (vp; NULL: none)
   and then a horizontal pass (hp; NULL: none) on its uint8 result, rows
   [r0, r1) of the output (of the input's shape; `out` points at row r0).
   A pass sums in float32 (w: its float32 taps, off: its window offset; the
   fill value an integer 0..255) and stores a sum s as (uint8_t)(int32_t)s,
   which is ndimage's cast of its float64 sum unless an integer other than 0
   lies within `tol` of s (tol bounds the difference of the two sums,
   _ndi_filters.py): those sums are recomputed from the float64 taps w64 in
   ndimage's order (fc_sep_ndi_u8; sym: ndimage's symmetry of w64); tolf:
   the tol of a short symmetric kernel's folded sums (fc_sep_impl.h
   fc_sep_foldcast, m // 2 + 1 products).  g:
   ny, nx, bnd_y, bnd_x.  Returns 0, or -1 when out of memory. */
struct fc_sep_u8pass {
    const float *w;
    const double *w64;
    int64_t m, off;
    int sym;
    float tol, tolf;
};
int fc_sep_rows_u8(const struct fc_sep_geom *g, const uint8_t *x, float fill,
                   const struct fc_sep_u8pass *vp, const struct fc_sep_u8pass *hp,
                   uint8_t *out, int64_t r0, int64_t r1);
/* scipy.ndimage's correlate1d sum of the m values `vals` (the window, in
   order) with the float64 taps w: a symmetric (sym 1) or antisymmetric
   (-1) odd kernel pairs the taps about the centre, outermost pair first,
   else the sum starts from the last tap and adds the others in order; no
   fused multiply-add (fc_sep.c is built without one), as ndimage's
   baseline x86-64 build.  Then its C cast to uint8 (through int32). */
uint8_t fc_sep_ndi_u8(const double *vals, const double *w, int64_t m, int sym);
/* 0 baseline, 1 AVX2, 2 AVX-512 (as fc_kernels.h); returns the one in use */
int fc_sep_select(int isa);
#endif
