/*
 * fc_rowfft.h - nanconvolve's sums by FFTs along the rows and taps down
 * the columns (float64, 2-D, AVX-512): the "row-FFT" route of the sparse
 * weights (fc_nanunit.h), each block of sums divided by its weights while
 * in cache, as the direct core's units do.
 *
 *     out[y, x] = sum_{i<kh, j<kw} k[i, j] * X(y + sy + i, x + sx + j)
 *
 * (X zero outside its xrows x xcols, k the core's kernel).  Each input row
 * is cut into tiles of 64 samples that overlap by kw - 1 and transformed
 * (a complex FFT of 64 points, 8 x 8); the row correlation with kernel
 * row i is then a product by that row's spectrum, and the sum over the kh
 * rows is taken in the frequency domain, down the columns of spectra
 * (three real multiply-adds per complex product); one
 * inverse FFT per output row and tile.  Two rows share each transform, as
 * its real and imaginary parts: output row y (y < D) with y + D, D =
 * ceil(orows / 2) (the kernel is real, so the two stay apart).  The
 * vector lanes hold 8 tiles side by side (a group: 8 * (65 - kw) output
 * columns), transposed in and out by 8 x 8 blocks.  Per output, ~kh * 0.23
 * vector multiply-adds for the taps and ~3.5 for the transforms, against
 * kh * kw / 8 for the direct sums.
 *
 * Units: `chunk` rows y of the upper half (and their partners y + D),
 * every group; each starts its spectra afresh (kh - 1 rows more), so a
 * unit's results do not depend on which thread ran it or on the thread
 * count.  The results differ from the direct sums by rounding (a few
 * units in the last place of sum |k x|).
 */
#ifndef FC_ROWFFT_H
#define FC_ROWFFT_H

#include <stddef.h>
#include <stdint.h>
#include "fc_nanunit.h"

#define FC_ROWFFT_N 64
#define FC_ROWFFT_MAX_KH 31
#define FC_ROWFFT_MAX_KW 57

struct fc_rowfft {
    const double *x;          /* input, row pitch ldx, xrows x xcols */
    ptrdiff_t ldx, xrows, xcols;
    int zero_nan;             /* read x's NaN as 0 */
    int list_nan;             /* (with zero_nan) each unit lists the NaN of the rows it
                                 reads itself, for its divisions (nan's pts and rowptr
                                 unused); an inf sets *found and voids the results */
    int *found;
    double *out;              /* output, row pitch ldo, orows x ocols */
    ptrdiff_t ldo, orows, ocols;
    ptrdiff_t kh, kw, sy, sx;
    const double *ksp;        /* fc_rowfft_spectra of the core's kernel */
    ptrdiff_t chunk;          /* rows y per unit */
    const struct fc_nan_units *nan;
    char *const *bufs;        /* per thread slot: fc_rowfft_buf_bytes, 64-byte aligned */
};

/* 1 when this build and CPU run the route for this kernel and output width. */
int fc_rowfft_available(ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t ocols);
/* Bytes of one slot's buffer (job's kh, kw, ocols, and with list_nan its
   chunk and xcols). */
size_t fc_rowfft_buf_bytes(const struct fc_rowfft *job);
/* The units of a job. */
int64_t fc_rowfft_units(const struct fc_rowfft *job);
/* The kernel's row spectra, as the units read them: 3 planes of kh x 64
   (the real parts, the imaginary parts, their sums). */
void fc_rowfft_spectra(const double *k, ptrdiff_t kh, ptrdiff_t kw, double *ksp);
/* Unit `unit` on thread `slot` (a fc_team_unit_fn's work). */
void fc_rowfft_unit(const struct fc_rowfft *job, int64_t unit, int slot);

#endif
