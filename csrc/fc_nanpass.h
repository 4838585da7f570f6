/* nanconvolve's element-wise passes (fastconv._nanpass), one pass each over
 * the data instead of several NumPy temporaries.  Kernels trust their
 * arguments.
 *
 * fc_nan_split(a, mask, n, d, idx, cap, nonfinite):
 *     invalid = isnan(a[i]) || (mask && mask[i]);  d[i] = invalid ? 0 : a[i]
 *     (d NULL: only the list and the counts);
 *     the flat indices of the first `cap` invalid samples go to idx (which
 *     may be NULL when cap is 0); returns the number of invalid samples;
 *     *nonfinite = 1 when a valid sample is +-inf.  Without a mask, by the
 *     instruction set fc_nan_split_select chose (0 baseline, 1 AVX2, 2
 *     AVX-512, the caller checked the CPU has it; the same results).
 * fc_nan_divide(top, weight, n, scale, tau):
 *     top[i] = top[i] / weight[i] * scale;
 *     returns the number of i with |weight[i]| <= tau.
 * fc_nan_reweight(top, ndim, shape, k, kshape, origins, npts, wsum, scale,
 *                 tau, buf, bufsize, doubt, doubt_cap):
 *     the weights of a kernel sum `wsum` less the sparse deficits:
 *         weight[i] = wsum - sum over points p of k[i - origins[p]]
 *     (the terms with i - origins[p] inside the kernel; origins is npts x
 *     ndim, sorted by its first column, coordinates in top's frame, any
 *     sign), then top[i] = top[i] / weight[i] * scale as fc_nan_divide.
 *     The deficits are summed strip by strip (rows of the first axis) in
 *     buf (bufsize doubles, at least one row), the points in their order.
 *     The flat indices of the first doubt_cap outputs with |weight| <= tau
 *     go to doubt; returns their total number.
 */
#ifndef FC_NANPASS_H
#define FC_NANPASS_H
#include <stddef.h>
#include <stdint.h>

ptrdiff_t fc_nan_split(const double *a, const unsigned char *mask, ptrdiff_t n,
                       double *d, int64_t *idx, ptrdiff_t cap, int *nonfinite);
int fc_nan_split_select(int isa);
ptrdiff_t fc_nan_divide(double *top, const double *weight, ptrdiff_t n, double scale,
                        double tau);
ptrdiff_t fc_nan_reweight(double *top, int ndim, const ptrdiff_t *shape, const double *k,
                          const ptrdiff_t *kshape, const int64_t *origins, ptrdiff_t npts,
                          double wsum, double scale, double tau, double *buf,
                          ptrdiff_t bufsize, int64_t *doubt, ptrdiff_t doubt_cap);
#endif
