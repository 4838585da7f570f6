/* 2-D match_template's normalisation (fastconv._winsum.ncc2d).  Kernels
 * trust their arguments.
 *
 * fc_ncc2d_<T>(x, h, w, m0, m1, c, num, tvar, tol, out, scratch):
 * the zero-normalised cross-correlation from its numerator, one output row
 * at a time (no full-size temporaries):
 *     s1, s2 = sums of (x - c) and (x - c)**2 over the m0 x m1 window,
 *     var = s2 - s1*s1/(m0*m1);
 *     out = 0 if var <= tol * s2 or tvar == 0, else
 *           clip(num / sqrt(var * tvar), -1, 1).
 * num and out have (h - m0 + 1) x (w - m1 + 1) samples; scratch holds
 * fc_ncc2d_scratch(m0, m1, w) doubles.
 *
 * Each window sums only its own samples, no value is ever subtracted:
 * along columns the block suffix + prefix scheme of fc_winsum.h, along
 * rows by
 * doubling (windows of 2, 4, 8, ... samples, each the sum of two of the
 * previous, then the windows of m1's binary digits added), so the error of
 * a window sum is at most (2 m0 + log2(m1) + popcount(m1)) u times the
 * sum of its absolute values, u = 2**-53, whatever the image size.
 *
 * The work runs with the instruction set fc_ncc2d_select chose (0
 * baseline, 1 AVX2, 2 AVX-512; the caller checked the CPU has it): the
 * same additions in the same order, but where the instruction set has FMA
 * a square added to a sum or subtracted may be rounded once instead of
 * twice, so the last bits may differ between instruction sets.
 */
#ifndef FC_NCC2D_H
#define FC_NCC2D_H
#include <stddef.h>

int fc_ncc2d_select(int isa);
ptrdiff_t fc_ncc2d_scratch(ptrdiff_t m0, ptrdiff_t m1, ptrdiff_t w);
void fc_ncc2d_f32(const float *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,
                  double c, const float *num, double tvar, double tol, float *out,
                  double *scratch);
void fc_ncc2d_f64(const double *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,
                  double c, const double *num, double tvar, double tol, double *out,
                  double *scratch);
#endif
