/*
 * fc_aligned.h - the one aligned allocation of the C parts: the FFT
 * engine's twiddles (fc_fft_impl.h) and default work blocks (fc_fft.c), and
 * the buffer cache's fresh buffers (fc_pool.c).
 *
 * fc_aligned_alloc returns `bytes` (0 counts as 1) aligned to `align` (a
 * power of two, a multiple of sizeof(void *)), or NULL; the memory is not
 * zeroed.  Release it with fc_aligned_free (on Windows it must not go to
 * free()).
 */
#ifndef FC_ALIGNED_H
#define FC_ALIGNED_H
#include <stddef.h>
#include <stdlib.h>
#ifdef _WIN32
#include <malloc.h>
#endif

static inline void *fc_aligned_alloc(size_t bytes, size_t align)
{
    void *p = NULL;
    if (bytes == 0)
        bytes = 1;
#ifdef _WIN32
    p = _aligned_malloc(bytes, align);
#else
    if (posix_memalign(&p, align, bytes) != 0)
        p = NULL;
#endif
    return p;
}

static inline void fc_aligned_free(void *p)
{
#ifdef _WIN32
    _aligned_free(p);
#else
    free(p);
#endif
}

#endif
