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
