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
