/* nanconvolve's element-wise passes (fastconv._nanpass), one pass each over
 * the data instead of several NumPy temporaries.  Kernels trust their
 * arguments.
 *
 * fc_nan_split(a, mask, n, d, v, nonfinite):
 *     invalid = isnan(a[i]) || (mask && mask[i]);
 *     d[i] = invalid ? 0 : a[i];  v[i] = invalid ? 0 : 1;
 *     returns the number of invalid samples; *nonfinite = 1 when a valid
 *     sample is +-inf.
 * fc_nan_divide(top, weight, n, scale, tau):
 *     top[i] = top[i] / weight[i] * scale;
 *     returns the number of i with |weight[i]| <= tau.
 */
#ifndef FC_NANPASS_H
#define FC_NANPASS_H
#include <stddef.h>

ptrdiff_t fc_nan_split(const double *a, const unsigned char *mask, ptrdiff_t n,
                       double *d, double *v, int *nonfinite);
ptrdiff_t fc_nan_divide(double *top, const double *weight, ptrdiff_t n, double scale,
                        double tau);
#endif
