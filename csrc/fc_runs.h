/*
 * fc_runs.h - work units shared among a team of threads in contiguous runs
 * (the separable passes' bands, _sepcore.pyx; the FFT engine's tile
 * groups, fc_fft_impl.h).
 *
 * Units [0, units) are cut into n runs, one per thread, of lengths that
 * differ by at most one (fc_runs_init).  Thread `me` takes the units of its
 * own run in order (fc_runs_take: its run's front); a thread whose run is
 * empty takes the last unit of the run with the most units left, so a late
 * or slow thread's share still ends with the others'.  Neighbouring units
 * mostly go to one thread: what they share (rows of input in L2, the cache
 * lines where their outputs meet) stays with it.  Which thread takes a
 * unit never changes how it is computed.
 *
 * Run i is packed as front << 32 | back in run[i] (units < 2^32), changed
 * by compare-and-swap (FC_CAS64: 1 when *p held `old` and now holds `new`).
 */
#ifndef FC_RUNS_H
#define FC_RUNS_H
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define FC_LOAD64(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define FC_CAS64(p, old, new) __atomic_compare_exchange_n((p), &(old), (new), 0, \
                                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#else
#include <intrin.h>
#define FC_LOAD64(p) ((uint64_t)_InterlockedOr64((volatile __int64 *)(p), 0))
#define FC_CAS64(p, old, new) ((uint64_t)_InterlockedCompareExchange64( \
    (volatile __int64 *)(p), (__int64)(new), (__int64)(old)) == (old))
#endif

/* The most units fc_runs_* can share out. */
#define FC_RUNS_MAX_UNITS ((int64_t)0xffffffff)

/* run[0..n) = units [0, units) in n contiguous runs (units <= FC_RUNS_MAX_UNITS). */
static inline void fc_runs_init(uint64_t *run, int n, int64_t units)
{
    for (int i = 0; i < n; i++)
        run[i] = ((uint64_t)(units * i / n) << 32) | (uint64_t)(units * (i + 1) / n);
}

/* The next unit of thread `me` (< n): the front of its own run, else the
 * back of the run with the most units left; -1 when none is left. */
static inline int64_t fc_runs_take(uint64_t *run, int n, int me)
{
    for (;;) {
        uint64_t s = FC_LOAD64(&run[me]);
        uint64_t f = s >> 32, b = s & 0xffffffffu;
        if (f >= b)
            break;
        if (FC_CAS64(&run[me], s, ((f + 1) << 32) | b))
            return (int64_t)f;
    }
    for (;;) {
        int best = -1;
        uint64_t most = 0, s = 0;
        for (int i = 0; i < n; i++) {
            uint64_t t = FC_LOAD64(&run[i]);
            uint64_t f = t >> 32, b = t & 0xffffffffu;
            if (b > f && b - f > most) {
                most = b - f;
                best = i;
                s = t;
            }
        }
        if (best < 0)
            return -1;
        uint64_t b = s & 0xffffffffu;
        if (FC_CAS64(&run[best], s, (s & ~(uint64_t)0xffffffffu) | (b - 1)))
            return (int64_t)(b - 1);
    }
}

#endif
