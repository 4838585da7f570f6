/* Box (all-ones window) sums in float64 (fastconv._winsum).  Kernels trust
 * their arguments.
 *
 * fc_row_sums_<T>(x, rows, len, m, c, s1, s2, scratch):
 *     s1[r*n + i] = sum_{j<m} (x[r*len + i + j] - c),  n = len - m + 1,
 *     s2 likewise of the squares (skipped when s2 is NULL);
 *     scratch holds 2 m doubles.
 * fc_col_sums(a, outer, len, inner, m, out, scratch):
 *     out[(p*n + i)*inner + q] = sum_{j<m} a[(p*len + i + j)*inner + q];
 *     scratch holds (m + 1) * inner doubles.
 *
 * The windows starting in one block of m samples are each the sum of a
 * suffix of that block and a prefix of the next one (van Herk / Gil-Werman
 * for sums): no value is ever subtracted, so a window sums only its own
 * samples, in at most 2 m - 1 additions; a window of zeros gives exactly 0,
 * and |error| <= 2 m u sum(|samples of the window|), u = 2**-53, whatever
 * the length of the array.
 */
#ifndef FC_WINSUM_H
#define FC_WINSUM_H
#include <stddef.h>

void fc_row_sums_u8(const unsigned char *x, ptrdiff_t rows, ptrdiff_t len, ptrdiff_t m,
                    double c, double *s1, double *s2, double *scratch);
void fc_row_sums_f32(const float *x, ptrdiff_t rows, ptrdiff_t len, ptrdiff_t m,
                     double c, double *s1, double *s2, double *scratch);
void fc_row_sums_f64(const double *x, ptrdiff_t rows, ptrdiff_t len, ptrdiff_t m,
                     double c, double *s1, double *s2, double *scratch);
void fc_col_sums(const double *a, ptrdiff_t outer, ptrdiff_t len, ptrdiff_t inner,
                 ptrdiff_t m, double *out, double *scratch);
#endif

#ifndef FC_WINSUM_NCC_H
#define FC_WINSUM_NCC_H
/* fc_ncc2d_<T>(x, h, w, m0, m1, c, num, tvar, tol, out, scratch):
 * the zero-normalised cross-correlation of 2-D match_template from its
 * numerator, one output row at a time (no full-size temporaries):
 *     s1, s2 = sums of (x - c) and (x - c)**2 over the m0 x m1 window,
 *     var = s2 - s1*s1/(m0*m1);
 *     out = 0 if var <= tol * s2 or tvar == 0, else
 *           clip(num / sqrt(var * tvar), -1, 1).
 * num and out have (h - m0 + 1) x (w - m1 + 1) samples; scratch holds
 * (2 m0 + 6) w + 4 m1 doubles.  The window sums use the block
 * suffix + prefix scheme above on both axes. */
void fc_ncc2d_f32(const float *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,
                  double c, const float *num, double tvar, double tol, float *out,
                  double *scratch);
void fc_ncc2d_f64(const double *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,
                  double c, const double *num, double tvar, double tol, double *out,
                  double *scratch);
#endif
