/* Box sums by block suffix + prefix sums: see fc_winsum.h. */
#include "fc_winsum.h"

/* Rows: the block of outputs [k, k + m) takes suffixes of samples
 * [k, k + m) and prefixes of [k + m, k + 2m - 1).  With s2 == NULL only the
 * plain sums are formed (the test is outside the inner loops). */
#define FC_ROW_SUMS(NAME, T)                                                     \
void NAME(const T *x, ptrdiff_t rows, ptrdiff_t len, ptrdiff_t m, double c,      \
          double *s1, double *s2, double *scratch)                               \
{                                                                                \
    const ptrdiff_t n = len - m + 1;                                             \
    double *suf1 = scratch, *suf2 = scratch + m;                                 \
    for (ptrdiff_t r = 0; r < rows; r++) {                                       \
        const T *xr = x + r * len;                                               \
        double *o1 = s1 + r * n;                                                 \
        double *o2 = s2 ? s2 + r * n : 0;                                        \
        for (ptrdiff_t k = 0; k < n; k += m) {                                   \
            const ptrdiff_t nb = k + m <= n ? m : n - k;                         \
            double a1 = 0.0, a2 = 0.0, p1 = 0.0, p2 = 0.0;                       \
            if (o2) {                                                            \
                for (ptrdiff_t j = m - 1; j >= 0; j--) {                         \
                    double v = (double)xr[k + j] - c;                            \
                    a1 += v; a2 += v * v;                                        \
                    suf1[j] = a1; suf2[j] = a2;                                  \
                }                                                                \
                o1[k] = suf1[0]; o2[k] = suf2[0];                                \
                for (ptrdiff_t j = 1; j < nb; j++) {                             \
                    double v = (double)xr[k + m + j - 1] - c;                    \
                    p1 += v; p2 += v * v;                                        \
                    o1[k + j] = suf1[j] + p1;                                    \
                    o2[k + j] = suf2[j] + p2;                                    \
                }                                                                \
            } else {                                                             \
                for (ptrdiff_t j = m - 1; j >= 0; j--) {                         \
                    a1 += (double)xr[k + j] - c;                                 \
                    suf1[j] = a1;                                                \
                }                                                                \
                o1[k] = suf1[0];                                                 \
                for (ptrdiff_t j = 1; j < nb; j++) {                             \
                    p1 += (double)xr[k + m + j - 1] - c;                         \
                    o1[k + j] = suf1[j] + p1;                                    \
                }                                                                \
            }                                                                    \
        }                                                                        \
    }                                                                            \
}

FC_ROW_SUMS(fc_row_sums_u8, unsigned char)
FC_ROW_SUMS(fc_row_sums_f32, float)
FC_ROW_SUMS(fc_row_sums_f64, double)

/* Columns: the same with whole row vectors (contiguous over q). */
void fc_col_sums(const double *a, ptrdiff_t outer, ptrdiff_t len, ptrdiff_t inner,
                 ptrdiff_t m, double *out, double *scratch)
{
    const ptrdiff_t n = len - m + 1;
    double *restrict pre = scratch + m * inner;
    for (ptrdiff_t p = 0; p < outer; p++) {
        const double *ap = a + p * len * inner;
        double *op = out + p * n * inner;
        for (ptrdiff_t k = 0; k < n; k += m) {
            const ptrdiff_t nb = k + m <= n ? m : n - k;
            /* suffixes of rows [k, k + m) */
            {
                double *restrict s = scratch + (m - 1) * inner;
                const double *restrict src = ap + (k + m - 1) * inner;
                for (ptrdiff_t q = 0; q < inner; q++)
                    s[q] = src[q];
            }
            for (ptrdiff_t j = m - 2; j >= 0; j--) {
                double *restrict s = scratch + j * inner;
                const double *restrict nxt = scratch + (j + 1) * inner;
                const double *restrict src = ap + (k + j) * inner;
                for (ptrdiff_t q = 0; q < inner; q++)
                    s[q] = src[q] + nxt[q];
            }
            {
                double *restrict o = op + k * inner;
                const double *restrict s = scratch;
                for (ptrdiff_t q = 0; q < inner; q++) {
                    o[q] = s[q];
                    pre[q] = 0.0;
                }
            }
            /* plus prefixes of rows [k + m, k + 2m - 1) */
            for (ptrdiff_t j = 1; j < nb; j++) {
                double *restrict o = op + (k + j) * inner;
                const double *restrict s = scratch + j * inner;
                const double *restrict src = ap + (k + m + j - 1) * inner;
                for (ptrdiff_t q = 0; q < inner; q++) {
                    pre[q] += src[q];
                    o[q] = s[q] + pre[q];
                }
            }
        }
    }
}

#include <math.h>

/* Window sums along one row of column sums (suffixes of a block of m1
 * plus prefixes of the next): r1[i] = sum_{j<m1} v1[i + j], r2 likewise.
 * Two blocks at a time, so twice the independent addition chains. */
static void fc_row_windows(const double *v1, const double *v2, ptrdiff_t w, ptrdiff_t m1,
                           double *r1, double *r2, double *suf)
{
    const ptrdiff_t n = w - m1 + 1;
    double *sa1 = suf, *sa2 = suf + m1, *sb1 = suf + 2 * m1, *sb2 = suf + 3 * m1;
    ptrdiff_t k = 0;
    for (; k + 2 * m1 <= n; k += 2 * m1) {           /* two whole blocks */
        const ptrdiff_t kb = k + m1;
        double a1 = 0.0, a2 = 0.0, b1 = 0.0, b2 = 0.0;
        for (ptrdiff_t j = m1 - 1; j >= 0; j--) {
            a1 += v1[k + j]; a2 += v2[k + j];
            b1 += v1[kb + j]; b2 += v2[kb + j];
            sa1[j] = a1; sa2[j] = a2; sb1[j] = b1; sb2[j] = b2;
        }
        double p1 = 0.0, p2 = 0.0, q1 = 0.0, q2 = 0.0;
        r1[k] = sa1[0]; r2[k] = sa2[0]; r1[kb] = sb1[0]; r2[kb] = sb2[0];
        for (ptrdiff_t j = 1; j < m1; j++) {
            p1 += v1[k + m1 + j - 1]; p2 += v2[k + m1 + j - 1];
            q1 += v1[kb + m1 + j - 1]; q2 += v2[kb + m1 + j - 1];
            r1[k + j] = sa1[j] + p1; r2[k + j] = sa2[j] + p2;
            r1[kb + j] = sb1[j] + q1; r2[kb + j] = sb2[j] + q2;
        }
    }
    for (; k < n; k += m1) {                          /* the rest, one block */
        const ptrdiff_t nb = k + m1 <= n ? m1 : n - k;
        double a1 = 0.0, a2 = 0.0, p1 = 0.0, p2 = 0.0;
        for (ptrdiff_t j = m1 - 1; j >= 0; j--) {
            a1 += v1[k + j]; a2 += v2[k + j];
            sa1[j] = a1; sa2[j] = a2;
        }
        r1[k] = sa1[0]; r2[k] = sa2[0];
        for (ptrdiff_t j = 1; j < nb; j++) {
            p1 += v1[k + m1 + j - 1]; p2 += v2[k + m1 + j - 1];
            r1[k + j] = sa1[j] + p1; r2[k + j] = sa2[j] + p2;
        }
    }
}

/* One output row: window sums, then the normalisation (branch-free, so it
 * vectorises; masked lanes may compute inf/NaN, which are discarded). */
#define FC_NCC_ROW(NAME, T)                                                      \
static void NAME(const double *v1, const double *v2, ptrdiff_t w, ptrdiff_t m1,  \
                 double inv_n, const T *restrict num, double tvar, double tol,   \
                 T *restrict out, double *suf)                                   \
{                                                                                \
    const ptrdiff_t n = w - m1 + 1;                                              \
    double *restrict r1 = suf + 4 * m1, *restrict r2 = r1 + w;                   \
    fc_row_windows(v1, v2, w, m1, r1, r2, suf);                                  \
    const int keep = tvar > 0.0;                                                 \
    for (ptrdiff_t i = 0; i < n; i++) {                                          \
        const double s1 = r1[i], s2 = r2[i];                                     \
        const double var = s2 - s1 * s1 * inv_n;                                 \
        double r = (double)num[i] / sqrt(var * tvar);                            \
        r = r > 1.0 ? 1.0 : r;                                                   \
        r = r < -1.0 ? -1.0 : r;                                                 \
        out[i] = (T)((var > tol * s2) & keep ? r : 0.0);                         \
    }                                                                            \
}

/* Column sums of rows [i, i + m0) for every output row i: within a block
 * of m0 output rows, suffix rows of the block plus a running prefix of
 * the next block's rows. */
#define FC_NCC2D(NAME, ROW, T)                                                   \
FC_NCC_ROW(ROW, T)                                                               \
void NAME(const T *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,      \
          double c, const T *num, double tvar, double tol, T *out,               \
          double *scratch)                                                       \
{                                                                                \
    const ptrdiff_t nh = h - m0 + 1, nw = w - m1 + 1;                            \
    const double inv_n = 1.0 / ((double)m0 * (double)m1);                        \
    double *suf1 = scratch, *suf2 = scratch + m0 * w;                            \
    double *restrict pre1 = scratch + 2 * m0 * w, *restrict pre2 = pre1 + w;     \
    double *restrict v1 = pre2 + w, *restrict v2 = v1 + w;                       \
    double *rsuf = v2 + w;                                                       \
    for (ptrdiff_t k = 0; k < nh; k += m0) {                                     \
        const ptrdiff_t nb = k + m0 <= nh ? m0 : nh - k;                         \
        for (ptrdiff_t j = m0 - 1; j >= 0; j--) {                                \
            const T *restrict xr = x + (k + j) * w;                              \
            double *restrict s1 = suf1 + j * w, *restrict s2 = suf2 + j * w;     \
            if (j == m0 - 1) {                                                   \
                for (ptrdiff_t q = 0; q < w; q++) {                              \
                    const double v = (double)xr[q] - c;                          \
                    s1[q] = v; s2[q] = v * v;                                    \
                }                                                                \
            } else {                                                             \
                const double *restrict n1 = s1 + w, *restrict n2 = s2 + w;       \
                for (ptrdiff_t q = 0; q < w; q++) {                              \
                    const double v = (double)xr[q] - c;                          \
                    s1[q] = v + n1[q]; s2[q] = v * v + n2[q];                    \
                }                                                                \
            }                                                                    \
        }                                                                        \
        for (ptrdiff_t q = 0; q < w; q++) { pre1[q] = 0.0; pre2[q] = 0.0; }      \
        for (ptrdiff_t j = 0; j < nb; j++) {                                     \
            const double *restrict s1 = suf1 + j * w, *restrict s2 = suf2 + j * w;\
            if (j) {                                                             \
                const T *restrict xr = x + (k + m0 + j - 1) * w;                 \
                for (ptrdiff_t q = 0; q < w; q++) {                              \
                    const double v = (double)xr[q] - c;                          \
                    pre1[q] += v; pre2[q] += v * v;                              \
                }                                                                \
            }                                                                    \
            for (ptrdiff_t q = 0; q < w; q++) {                                  \
                v1[q] = s1[q] + pre1[q]; v2[q] = s2[q] + pre2[q];                \
            }                                                                    \
            ROW(v1, v2, w, m1, inv_n, num + (k + j) * nw, tvar, tol,             \
                out + (k + j) * nw, rsuf);                                       \
        }                                                                        \
    }                                                                            \
}

FC_NCC2D(fc_ncc2d_f32, fc_ncc_row_f32, float)
FC_NCC2D(fc_ncc2d_f64, fc_ncc_row_f64, double)
