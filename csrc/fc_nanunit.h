/*
 * fc_nanunit.h - nanconvolve's division by the weights inside the direct
 * core's work units (_direct.pyx, float64 only): the sparse-weights route
 * of fastconv.nanconvolve convolves the data (its invalid samples set to 0)
 * and each unit, its sums just computed into its thread's block `top`
 * (which stays in the L2 cache), divides them by their weights
 * (fc_nan_finish), one output row at a time:
 *
 *     weight[x] = wsum - (the taps that fall on invalid samples)
 *     out[x]    = top[x] / weight[x] * scale
 *
 * the taps summed in a row buffer (L1) from the listed samples of the kh
 * input rows the row reads, in the listed (flat index) order, as
 * fc_nan_reweight (fc_nanpass.c) sums them: the same weights and results
 * bit for bit, whatever the units.  The results go to `out` by streaming
 * stores where the caller asks for them.  The flat indices of the outputs
 * with |weight| <= tau go to the thread's doubt list (their windows are
 * then checked exactly by the caller).  So the sums are written once and
 * never read back from memory, and no weight array is written.
 *
 * The invalid samples are given as a CSR list over x's rows: the flat
 * indices (row * ldx + column, ascending) pts[rowptr[r] .. rowptr[r+1]) are
 * those of row r.  Outputs and the kernel are in the core's frame:
 * out[y, x] = sum_{i,j} k[i, j] * X(y + sy + i, x + sx + j), x 2-D (one
 * plane), every sample outside x valid (a finite 'fill').  Compiled once,
 * in _direct's module (no per-ISA copies).
 */
#ifndef FC_NANUNIT_H
#define FC_NANUNIT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

struct fc_nan_units {
    const int64_t *pts;       /* flat indices into x of the invalid samples, ascending */
    const int64_t *rowptr;    /* x's rows + 1 entries: row r's are pts[rowptr[r]..rowptr[r+1]) */
    ptrdiff_t xrows;          /* rows of x */
    const double *kf;         /* kh x kw: the core's kernel reversed on both axes */
    ptrdiff_t kh, kw;
    double wsum, scale, tau;
    int stream;               /* write the results with streaming stores */
    int64_t *doubt;           /* per thread t: doubt[t * doubt_cap ...] */
    ptrdiff_t doubt_cap;
    int64_t *ndoubt;          /* per thread: how many (may exceed doubt_cap) */
};

/* n doubles from src to dst, by streaming stores where the target allows. */
static void fc_nan_store(double *dst, const double *src, ptrdiff_t n, int stream)
{
    ptrdiff_t i = 0;
#if defined(__SSE2__)
    if (stream && ((uintptr_t)dst & 7) == 0) {
        for (; i < n && ((uintptr_t)(dst + i) & 15) != 0; i++)
            dst[i] = src[i];
        for (; i + 2 <= n; i += 2)
            _mm_stream_pd(dst + i, _mm_loadu_pd(src + i));
    }
#else
    (void)stream;
#endif
    memcpy(dst + i, src + i, (size_t)(n - i) * sizeof(double));
}

/* Lanes of the partial counts of the division loop (each summed in order:
   the compiler vectorises it without reassociating). */
#define FC_NAN_LANES 8

/* top[e] = top[e] / (wsum - def[e]) * scale (def NULL: no deficit) for
   e < n; returns how many weights are within tau of 0. */
static ptrdiff_t fc_nan_divide_row(double *restrict top, const double *restrict def,
                                   ptrdiff_t n, double wsum, double scale, double tau)
{
    double acc[FC_NAN_LANES] = {0.0};
    ptrdiff_t e = 0;
    if (def) {
        for (; e + FC_NAN_LANES <= n; e += FC_NAN_LANES)
            for (int j = 0; j < FC_NAN_LANES; j++) {
                const double v = wsum - def[e + j];
                acc[j] += fabs(v) <= tau ? 1.0 : 0.0;
                top[e + j] = top[e + j] / v * scale;
            }
        for (; e < n; e++) {
            const double v = wsum - def[e];
            acc[0] += fabs(v) <= tau ? 1.0 : 0.0;
            top[e] = top[e] / v * scale;
        }
    } else {
        for (; e < n; e++)
            top[e] = top[e] / wsum * scale;
        acc[0] = fabs(wsum) <= tau ? (double)n : 0.0;
    }
    double count = 0.0;
    for (int j = 0; j < FC_NAN_LANES; j++)
        count += acc[j];
    return (ptrdiff_t)count;
}

/* The outputs [y0, y1) x [x0, x1) of out (row pitch ldo) from the unit's
   sums top (row pitch ldt, top[0] is output (y0, x0); overwritten); x has
   row pitch ldx; def is a buffer of x1 - x0 doubles; tid the thread. */
static void fc_nan_finish(const struct fc_nan_units *u, double *out, ptrdiff_t ldo,
                          double *top, ptrdiff_t ldt, ptrdiff_t y0, ptrdiff_t y1,
                          ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t sy, ptrdiff_t sx,
                          ptrdiff_t ldx, double *def, int tid)
{
    const ptrdiff_t n = x1 - x0, kh = u->kh, kw = u->kw;
    const double wsum = u->wsum, tau = u->tau;
    for (ptrdiff_t y = y0; y < y1; y++) {
        double *t = top + (y - y0) * ldt;
        const ptrdiff_t rlo = y + sy > 0 ? y + sy : 0;
        const ptrdiff_t rhi = y + sy + kh < u->xrows ? y + sy + kh : u->xrows;
        const int some = rlo < rhi && u->rowptr[rhi] > u->rowptr[rlo];
        if (some) {
            /* the taps on the invalid samples of input rows [rlo, rhi) */
            memset(def, 0, (size_t)n * sizeof(double));
            for (ptrdiff_t r = rlo; r < rhi; r++) {
                /* kernel row i = r - y - sy; reversed: row kh - 1 - i */
                const double *kr = u->kf + (kh - 1 - (r - y - sy)) * kw;
                for (int64_t q = u->rowptr[r]; q < u->rowptr[r + 1]; q++) {
                    /* outputs x + sx + j = c: x = c - sx - kw + 1 + j' */
                    const ptrdiff_t o = (ptrdiff_t)(u->pts[q] - r * ldx) - sx - kw + 1 - x0;
                    const ptrdiff_t lo = o > 0 ? o : 0;
                    const ptrdiff_t hi = o + kw < n ? o + kw : n;
                    for (ptrdiff_t e = lo; e < hi; e++)
                        def[e] += kr[e - o];
                }
            }
        }
        if (fc_nan_divide_row(t, some ? def : NULL, n, wsum, u->scale, tau)) {
            /* (rare) list the outputs with |weight| <= tau */
            int64_t *list = u->doubt + (ptrdiff_t)tid * u->doubt_cap;
            for (ptrdiff_t e = 0; e < n; e++)
                if (fabs(some ? wsum - def[e] : wsum) <= tau) {
                    if (u->ndoubt[tid] < u->doubt_cap)
                        list[u->ndoubt[tid]] = (int64_t)(y * ldo + x0 + e);
                    u->ndoubt[tid]++;
                }
        }
        fc_nan_store(out + y * ldo + x0, t, n, u->stream);
    }
#if defined(__SSE2__)
    if (u->stream)
        _mm_sfence();   /* (the streamed stores before any later store) */
#endif
}

#endif
