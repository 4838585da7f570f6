/* fc_pool.c - see fc_pool.h. */
#include "fc_pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fc_aligned.h"

#ifndef _WIN32
#include <pthread.h>
#include <sys/mman.h>
#endif

#define HDR 64      /* header bytes before the data: keeps 64-byte alignment */
#define ALIGN 64

typedef struct {
    size_t cap;     /* usable bytes after the header */
} header;

/* A spin lock: NumPy allocates and frees with the GIL held, but a lock
   costs nothing here and keeps the cache safe without it. */
#if defined(__GNUC__) || defined(__clang__)
static int lock_word;
static void lock(void) { while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) ; }
static void unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }
#else
#include <windows.h>
static volatile LONG lock_word;
static void lock(void) { while (InterlockedExchange(&lock_word, 1)) ; }
static void unlock(void) { InterlockedExchange(&lock_word, 0); }
#endif

static struct {
    void *base[FC_POOL_SLOTS];
    size_t cap[FC_POOL_SLOTS];
    int n;
    size_t bytes;
    size_t limit;
} cache = {{0}, {0}, 0, 0, (size_t)256 << 20};

static header *head(void *data) { return (header *)((char *)data - HDR); }

/* A new buffer of at least `size` bytes (NULL when out of memory). */
static void *fresh(size_t size)
{
    if (size > SIZE_MAX - HDR - 4096)
        return NULL;
    size_t cap = size ? size : 1;
    if (cap >= FC_POOL_MIN_BYTES)
        cap = (cap + 4095) & ~(size_t)4095;   /* whole pages: reusable by near sizes */
    char *base = fc_aligned_alloc(HDR + cap, ALIGN);
    if (!base)
        return NULL;
    header *h = (header *)base;
    h->cap = cap;
#if defined(MADV_HUGEPAGE)
    /* as NumPy's own allocator does: transparent huge pages for big
       buffers, fewer faults and TLB misses */
    if (cap >= ((size_t)4 << 20)) {
        uintptr_t lo = ((uintptr_t)base + HDR + ((1u << 21) - 1)) & ~(uintptr_t)((1u << 21) - 1);
        uintptr_t hi = ((uintptr_t)base + HDR + cap) & ~(uintptr_t)((1u << 21) - 1);
        if (hi > lo)
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    return base + HDR;
}

/* Remove entry i, keeping the others oldest first (lock held). */
static void take(int i)
{
    cache.bytes -= cache.cap[i];
    cache.n--;
    for (; i < cache.n; i++) {
        cache.base[i] = cache.base[i + 1];
        cache.cap[i] = cache.cap[i + 1];
    }
}

/* A cached buffer with room for `size` bytes and not much more, or NULL. */
static void *reuse(size_t size)
{
    if (size < FC_POOL_MIN_BYTES)
        return NULL;
    void *got = NULL;
    lock();
    int best = -1;
    for (int i = 0; i < cache.n; i++)
        if (cache.cap[i] >= size && cache.cap[i] - size <= size / 4 &&
            (best < 0 || cache.cap[i] < cache.cap[best]))
            best = i;
    if (best >= 0) {
        got = cache.base[best];
        take(best);
    }
    unlock();
    return got ? (char *)got + HDR : NULL;
}

void *fc_pool_malloc(void *ctx, size_t size)
{
    (void)ctx;
    void *p = reuse(size);
    return p ? p : fresh(size);
}

void *fc_pool_calloc(void *ctx, size_t nelem, size_t elsize)
{
    (void)ctx;
    if (elsize && nelem > SIZE_MAX / elsize)
        return NULL;
    size_t size = nelem * elsize;
    void *p = fc_pool_malloc(NULL, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void fc_pool_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;   /* the header knows the capacity */
    if (!ptr)
        return;
    header *h = head(ptr);
    size_t cap = h->cap;
    /* The newest buffer is kept; the oldest ones make room for it, so
       buffers of sizes no longer in use do not hold the cache. */
    void *drop[FC_POOL_SLOTS];
    int nd = 0, kept = 0;
    if (cap >= FC_POOL_MIN_BYTES) {
        lock();
        if (cap <= cache.limit) {
            while (cache.n > 0 && (cache.n == FC_POOL_SLOTS || cache.bytes + cap > cache.limit)) {
                drop[nd++] = cache.base[0];
                take(0);
            }
            cache.base[cache.n] = h;
            cache.cap[cache.n] = cap;
            cache.n++;
            cache.bytes += cap;
            kept = 1;
        }
        unlock();
    }
    for (int i = 0; i < nd; i++)
        fc_aligned_free(drop[i]);
    if (!kept)
        fc_aligned_free(h);
}

void *fc_pool_realloc(void *ctx, void *ptr, size_t new_size)
{
    (void)ctx;
    if (!ptr)
        return fc_pool_malloc(NULL, new_size);
    size_t cap = head(ptr)->cap;
    if (new_size <= cap && (cap < FC_POOL_MIN_BYTES || cap - new_size <= cap / 2))
        return ptr;
    void *p = fc_pool_malloc(NULL, new_size);
    if (!p)
        return NULL;   /* ptr stays valid, as realloc promises */
    memcpy(p, ptr, new_size < cap ? new_size : cap);
    fc_pool_free(NULL, ptr, cap);
    return p;
}

size_t fc_pool_set_limit(size_t limit)
{
    void *drop[FC_POOL_SLOTS];
    int nd = 0;
    lock();
    size_t old = cache.limit;
    cache.limit = limit;
    while (cache.n > 0 && cache.bytes > limit) {
        drop[nd++] = cache.base[0];
        take(0);
    }
    unlock();
    for (int i = 0; i < nd; i++)
        fc_aligned_free(drop[i]);
    return old;
}

void fc_pool_stats(size_t *limit, size_t *bytes, int *count)
{
    lock();
    *limit = cache.limit;
    *bytes = cache.bytes;
    *count = cache.n;
    unlock();
}

#ifndef _WIN32
/* fork(): hold the lock across it, so the child never inherits it taken
   or the cache half-updated by another thread. */
static void before_fork(void) { lock(); }
static void after_fork(void) { unlock(); }
#endif

void fc_pool_init(void)
{
#ifndef _WIN32
    static int done;   /* registered twice, the lock would be taken twice */
    if (!done) {
        done = 1;
        pthread_atfork(before_fork, after_fork, after_fork);
    }
#endif
}
