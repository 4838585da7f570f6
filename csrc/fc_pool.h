/*
 * fc_pool.h - a small cache of large, 64-byte aligned result buffers, used
 * as a NumPy memory handler (NEP 49) for the arrays fastconv returns.
 *
 * Why: a fresh multi-megabyte buffer comes from the operating system as
 * untouched pages, and the first write to each page costs a fault and the
 * kernel zeroing it (about 2.5 ms for a 32 MiB 2048x2048 float64 result on
 * the development machine, a third of the convolution itself).  Glibc
 * keeps freed blocks up to 32 MiB for reuse but returns larger ones to the
 * system.  When a result array is freed, its buffer goes back here (up to
 * a byte limit; the oldest cached buffers are released to make room for
 * the newest) and the next result of a similar size reuses it, pages
 * already mapped.  Small buffers go straight to the C allocator.  The FFT
 * engine's work blocks come from here too (fc_fft.h, fc_fft_set_allocator). 
 *
 * Every buffer (small or large) carries a 64-byte header holding its
 * capacity, so the data is 64-byte aligned (whole cache lines; what the
 * streaming stores of the micro-kernels need) and free/realloc need not
 * trust the size NumPy passes.
 */
#ifndef FC_POOL_H
#define FC_POOL_H

#include <stddef.h>

/* Buffers of at least this many bytes are cached. */
#define FC_POOL_MIN_BYTES ((size_t)1 << 20)
/* At most this many buffers are cached at once. */
#define FC_POOL_SLOTS 8

/* Call once before use (registers the fork handlers). */
void fc_pool_init(void);

/* The four functions of a NumPy PyDataMemAllocator (ctx is unused). */
void *fc_pool_malloc(void *ctx, size_t size);
void *fc_pool_calloc(void *ctx, size_t nelem, size_t elsize);
void *fc_pool_realloc(void *ctx, void *ptr, size_t new_size);
void fc_pool_free(void *ctx, void *ptr, size_t size);

/* Set the byte limit of the cache (0 disables caching) and return the old
   one; lowering it releases cached buffers until the cache fits. */
size_t fc_pool_set_limit(size_t limit);
/* One consistent snapshot: the limit, and the bytes and buffers cached. */
void fc_pool_stats(size_t *limit, size_t *bytes, int *count);

#endif
