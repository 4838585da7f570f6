/*
 * fc_fft.h - FFT convolution engine (overlap-save, SIMD across lines).
 *
 * fc_fft_correlate computes, over N-D C-contiguous arrays of one element type
 * (FC_FFT_F32, _F64, _C64, _C128; complex interleaved),
 *
 *     out[y] = sum_{j < kshape} k[j] * x[y + s + j]      for 0 <= y < lengths
 *
 * where x reads 0 outside [0, xshape) and s = starts (per axis, may be
 * negative) - the same contract as the direct core.  It trusts its
 * arguments (the Python plan validates them) and returns 0 when every
 * output is finite, 1 when some output may be NaN or infinite (each value
 * written is checked in the tile buffer, in L1, where it costs next to
 * nothing; values of discarded lanes too, so 1 is not proof), or -1 when
 * memory could not be allocated (out is then incomplete).
 *
 * Tile lengths P (per axis, 5-smooth, P >= kshape) come from fc_fft_tiles,
 * a cost formula that does not depend on the thread count; the result is
 * bit-identical for every nthreads.  Peak extra memory about
 * (2 * threads + 2) * prod(P) scalars (2-D/3-D: a tile's two planes per
 * thread, or one shared, plus the kernel spectrum) or
 * 6 * threads * P * lanes + 2 * P scalars (1-D; lanes = 64 / sizeof scalar
 * or fewer); the tile cost formula keeps this within 3x the output (or
 * 4 MiB).
 */
#ifndef FC_FFT_H
#define FC_FFT_H
#include <stddef.h>

#define FC_FFT_MAXDIM 8

enum fc_fft_type { FC_FFT_F32 = 1, FC_FFT_F64 = 2, FC_FFT_C64 = 3, FC_FFT_C128 = 4 };

/* Choose the tile lengths P[0..d) for kernel extents K and output extents
 * L (all >= 1) and element type `type`: a coordinate descent over 5-smooth
 * lengths in [K, next_smooth(L + K - 1)] from fc_fft_start_tiles, on
 * fc_fft_tile_cost(search = 1).  The cost weighs a tile's working set
 * against the machine's L2 (fc_cachesize.h), so the tiles, and the last
 * bits of results, may differ between machines with different L2 sizes. */
void fc_fft_tiles(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L, ptrdiff_t *P);
/* The search's start: per axis next_smooth(max(4 K, 16)), at most
 * next_smooth(L + K - 1), at least next_smooth(K). */
void fc_fft_start_tiles(int d, const ptrdiff_t *K, const ptrdiff_t *L, ptrdiff_t *P);
/* The one statement of the tile rule's cost (see fc_fft.c): search = 1 what
 * fc_fft_tiles minimises, 0 the work the method model prices. */
double fc_fft_tile_cost(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L,
                        const ptrdiff_t *P, int search);
/* Bytes of the tile buffers of 2 threads and the kernel spectrum for tiles
 * P, as the memory cap counts them: (2 x 2 threads + 2) tiles (1-D: tiles
 * of 64 bytes side by side). */
double fc_fft_extra_bytes(int type, int d, const ptrdiff_t *P);

/* The kernel-partitioned FFT (1-D; fc_fft_part_impl.h): the kernel cut
 * into blocks of B = N - L + 1 taps, each block's share of the L outputs a
 * length-N correlation with a segment of x, the products summed in the
 * frequency domain and one inverse transform at the end - about one
 * transform of N per block where overlap-save needs tiles longer than the
 * kernel (a long kernel, few outputs: correlate's maxlag, 'valid' with a
 * kernel almost as long as x).  Bit-identical for every nthreads (chunks
 * of blocks with their own sums, added in a fixed order).  Extra memory
 * O(N x lanes) (per thread, and up to 4 chunk sums).
 * fc_fft_part_cost: its cost in fc_fft_tile_cost's units (search as
 * there); fc_fft_part_len: the N that minimises it (search = 1);
 * fc_fft_choose_part: that N when the engine runs a problem (no tiles
 * given) by the partitioned FFT, i.e. d == 1, K > L and it costs less than
 * overlap-save at fc_fft_tiles, else 0 (the engine asks with the taps that
 * can meet x: [max(0, -s - L + 1), min(K, xshape - s))). */
double fc_fft_part_cost(int type, ptrdiff_t K, ptrdiff_t L, ptrdiff_t N, int search);
ptrdiff_t fc_fft_part_len(int type, ptrdiff_t K, ptrdiff_t L);
ptrdiff_t fc_fft_choose_part(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L);

/* One call: plan, run, free (tiles P given, or NULL: fc_fft_tiles, or
 * for d == 1 the partitioned FFT where fc_fft_choose_part takes it).  The
 * kernel spectrum (d >= 2) is left to the run: its first thread computes it
 * while the others start their first tiles' forward DFTs (or, with few
 * tiles per thread, the team together), and every thread prepares its own
 * tile buffers, so that the call has no serial part before the tiles but
 * the geometry. */
int fc_fft_correlate(int type, int d, const ptrdiff_t *xshape, const void *x,
                     const ptrdiff_t *kshape, const void *k, const ptrdiff_t *starts,
                     const ptrdiff_t *lengths, void *out, const ptrdiff_t *P, int nthreads);
/* One call by the partitioned FFT (1-D) with transforms of N (5-smooth,
 * N >= lengths[0]; N <= 0: fc_fft_part_len's). */
int fc_fft_correlate_part(int type, const ptrdiff_t *xshape, const void *x,
                          const ptrdiff_t *kshape, const void *k, const ptrdiff_t *starts,
                          const ptrdiff_t *lengths, void *out, ptrdiff_t N, int nthreads);

/* A reusable plan: geometry, DFT plans and the kernel's spectrum for one
 * kernel, input shape, window and type, made with the instruction set in
 * use at the time (k is read only here).  NULL when memory is short.
 * fc_fft_plan_run then computes out for any x of that shape (0, 1 or -1 as
 * fc_fft_correlate); runs may be concurrent.  A plan keeps the tile buffers
 * of its last run (per-thread sets for that nthreads) for the next one, so
 * that repeated runs allocate nothing; concurrent runs allocate their own.
 * fc_fft_plan_free releases them. */
typedef struct fc_fft_plan fc_fft_plan;
fc_fft_plan *fc_fft_plan_new(int type, int d, const ptrdiff_t *xshape, const void *k,
                             const ptrdiff_t *kshape, const ptrdiff_t *starts,
                             const ptrdiff_t *lengths, const ptrdiff_t *P);
int fc_fft_plan_run(const fc_fft_plan *pl, const void *x, void *out, int nthreads);
void fc_fft_plan_free(fc_fft_plan *pl);
/* A reusable plan of the partitioned FFT (1-D; N as fc_fft_correlate_part):
 * it keeps a copy of the kernel taps that can meet x. */
fc_fft_plan *fc_fft_plan_new_part(int type, const ptrdiff_t *xshape, const void *k,
                                  const ptrdiff_t *kshape, const ptrdiff_t *starts,
                                  const ptrdiff_t *lengths, ptrdiff_t N);

/* Where the engine's work memory comes from: per call one block for the
 * kernel spectrum and one for the threads' tile buffers (fc_fft_correlate;
 * a plan keeps its spectrum block, and the tile block of its last run).
 * By default posix_memalign/free.  fc_fft_set_allocator makes it a
 * caller's pair instead (NULL, NULL: the default again): NumPy's memory
 * handler interface, so that fastconv's cache of large buffers
 * (fc_pool.h) serves the blocks and a repeated call finds its pages mapped
 * instead of faulting in and zeroing fresh ones (2048^2 float32 with a
 * 201^2 kernel: 2500 faults per call, a third of the call's time with one
 * thread, and more with two, whose faults contend in the kernel).  alloc
 * returns memory aligned to 64 bytes (or NULL); release gets back the
 * pointer and the size asked for.  Set it before any plan exists (the
 * blocks of a plan are released through the pair in use at release). */
typedef void *(*fc_fft_alloc_fn)(void *ctx, size_t bytes);
typedef void (*fc_fft_release_fn)(void *ctx, void *p, size_t bytes);
void fc_fft_set_allocator(fc_fft_alloc_fn alloc, fc_fft_release_fn release, void *ctx);
/* (the engine's own use: a block through the pair in use, and back) */
void *fc_fft_block_alloc(size_t bytes);
void fc_fft_block_release(void *p, size_t bytes);

/* Instruction set of the FFT kernels: "baseline", "avx2", "avx512". */
int fc_fft_select_isa(const char *requested);
const char *fc_fft_isa_name(void);
const char *fc_fft_isa_available(void);

#endif
