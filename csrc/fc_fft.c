/*
 * fc_fft.c - tile choice and run-time dispatch of the FFT engine
 * (fc_fft.h; the kernels are fc_fft_impl.h compiled per instruction set).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc_aligned.h"
#include "fc_cachesize.h"
#include "fc_fft.h"

#define FC_FFT_DECLARE(tn, T, isa)                                                   \
    void *fc_fft_plan_new_##tn##_##isa(int, int, const ptrdiff_t *, const ptrdiff_t *,    \
                                       const T *, const ptrdiff_t *, const ptrdiff_t *,   \
                                       const ptrdiff_t *, int);                           \
    int fc_fft_plan_run_##tn##_##isa(void *, const T *, T *, int);                        \
    void fc_fft_plan_free_##tn##_##isa(void *);                                           \
    void *fc_fft_part_new_##tn##_##isa(int, ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t,    \
                                       ptrdiff_t, ptrdiff_t, int);                        \
    int fc_fft_part_run_##tn##_##isa(void *, const T *, T *, int);                        \
    void fc_fft_part_free_##tn##_##isa(void *);
#define FC_FFT_DECLARE_ISA(isa)                                                      \
    FC_FFT_DECLARE(f32, float, isa)                                                  \
    FC_FFT_DECLARE(f64, double, isa)

FC_FFT_DECLARE_ISA(baseline)
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#define FC_FFT_X86 1
FC_FFT_DECLARE_ISA(avx2)
FC_FFT_DECLARE_ISA(avx512)
#endif

/* ---------------------------------------------------------------- tiles -- */

/* The smallest 5-smooth number >= n. */
static ptrdiff_t fc_next_smooth(ptrdiff_t n)
{
    if (n <= 1)
        return 1;
    ptrdiff_t best = -1;
    for (ptrdiff_t p2 = 1;; p2 *= 2) {
        for (ptrdiff_t p3 = p2;; p3 *= 3) {
            ptrdiff_t p = p3;
            while (p < n)
                p *= 5;
            if (best < 0 || p < best)
                best = p;
            if (p3 >= n)
                break;
        }
        if (p2 >= n)
            break;
    }
    return best;
}

/* Passes of one length-n transform (radix 5, 3, 4, 2 as fc_fft_impl.h
 * factors it), plus one for the copy a single pass needs. */
static int fc_passes(ptrdiff_t n)
{
    int np = 0;
    while (n % 4 == 0) { n /= 4; np++; }
    while (n % 2 == 0) { n /= 2; np++; }
    while (n % 3 == 0) { n /= 3; np++; }
    while (n % 5 == 0) { n /= 5; np++; }
    return np == 1 ? 2 : np;
}

/* fc_fft_extra_bytes for tiles of N points in all. */
static double fc_extra_bytes(int type, int d, double N)
{
    const double scal = (type == FC_FFT_F32 || type == FC_FFT_C64) ? 4.0 : 8.0;
    const double lanes = d == 1 ? 64.0 / scal : 1.0;
    return (2.0 * 2.0 * lanes + 2.0) * N * scal;
}

/* Relative cost of a tiling, fitted to CPU times (2048^2 with 31^2 and
 * 201^2 kernels, 10^6 and 10^7 samples; AVX-512, Zen 5 with a 1 MiB L2):
 * transforms x N x (passes over the tile + 6 for filling, transposes,
 * product and output + a working-set penalty: with r = working set / L2
 * (fc_l2_bytes), 0 up to r = 1, rising to 7 at r = 2, then 1.4 per L2;
 * 1-D: 5 at r = 2, then 4 per L2).
 * On that machine the knees at 1 and 2 L2 give the fastest tiles: with
 * them at 1/2 and 1 L2, 2048^2 k31 float32 took 13% and k64 float64 23%
 * more CPU time (the column passes work on a strip of the tile at a time).
 * search: what the tile search minimises, the cost times the idle share of
 * 2 threads over the groups (so that workers=2 has an even number of them;
 * the thread count itself must not change the tiles), and a (soft) cap on
 * memory: fc_fft_extra_bytes <= 3 x the output (or 4 MiB, whichever is
 * larger).  !search: the work the method model prices
 * (src/fastconv/_method.py asks here).  Both count 1-D groups of lanes
 * whole.
 * The optimum is flat (within 10% over a factor 2 of tile size). */
static double fc_tile_cost(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L,
                           const ptrdiff_t *P, int search, double l2)
{
    const int cplx = type == FC_FFT_C64 || type == FC_FFT_C128;
    const double scal = (type == FC_FFT_F32 || type == FC_FFT_C64) ? 4.0 : 8.0;
    double N = 1, nt = 1, outb = 1, passes = 0;
    for (int a = 0; a < d; a++) {
        const ptrdiff_t B = P[a] - K[a] + 1;
        N *= (double)P[a];
        nt *= (double)((L[a] + B - 1) / B);
        outb *= (double)L[a];
        passes += fc_passes(P[a]);
    }
    outb *= scal * (cplx ? 2 : 1);
    const double ntrans = cplx ? nt : 0.5 * nt;
    const double lanes = d == 1 ? 64.0 / scal : 1.0;   /* 1-D: tiles side by side */
    /* working set in L2s: the tile's two planes (1-D: and the 4 planes of
       Stockham scratch, as long as the tiles) */
    const double r = (d == 1 ? 6.0 : 2.0) * N * scal * lanes / l2;
    /* (1-D: 5 at r = 2, then 4 per L2: fitted with the whole-group count
       below to 44 1-D problems timed at 10-15 tile lengths each (float32 to
       complex128, 16-4096 taps, 10^4-10^7 samples; Zen 5): the chosen
       tiles' geometric-mean regret 1.080 against 1.093 with the N-D knee,
       which took 20000 for [10^6] * [4096] float32 (3.75 ms; 10000: 3.14) */
    const double knee = d == 1 ? 5.0 : 7.0, slope = d == 1 ? 4.0 : 1.4;
    const double pen = r <= 1.0 ? 0.0 : r <= 2.0 ? knee * (r - 1.0) : knee + slope * (r - 2.0);
    double cost = ntrans * N * (passes + 6.0 + pen);
    /* a partial group of 1-D lanes costs a whole one (the search too: with
       it counting only the transforms, [10^4] * [4096] complex64 took one
       tile of 14400 in 1.48 ms where 10 tiles of 5120, one group, take
       0.39 ms; [10^4] * [64] complex64: 625 in 57 us, 192 in 26 us) */
    const double groups = d == 1 ? ceil(ntrans / lanes) : ceil(ntrans);
    if (lanes > 1.0)
        cost *= groups * lanes / ntrans;
    if (!search)
        return cost;
    /* balance over 2 threads: a last round with one group busy costs a full
       round */
    cost *= 2.0 * ceil(groups / 2.0) / groups;
    const double extra = fc_extra_bytes(type, d, N);
    if (extra > 3.0 * outb && extra > 4.0 * 1048576.0)
        cost *= 100.0;
    return cost;
}

double fc_fft_tile_cost(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L,
                        const ptrdiff_t *P, int search)
{
    return fc_tile_cost(type, d, K, L, P, search, (double)fc_l2_bytes());
}

double fc_fft_extra_bytes(int type, int d, const ptrdiff_t *P)
{
    double N = 1;
    for (int a = 0; a < d; a++)
        N *= (double)P[a];
    return fc_extra_bytes(type, d, N);
}

static int fc_cmp_len(const void *a, const void *b)
{
    const ptrdiff_t x = *(const ptrdiff_t *)a, y = *(const ptrdiff_t *)b;
    return (x > y) - (x < y);
}

/* The 5-smooth numbers in [lo, hi], ascending (at most `cap`); returns the count. */
static int fc_smooth_range(ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t *v, int cap)
{
    int n = 0;
    for (ptrdiff_t p2 = 1; p2 <= hi; p2 *= 2)
        for (ptrdiff_t p3 = p2; p3 <= hi; p3 *= 3)
            for (ptrdiff_t p5 = p3; p5 <= hi; p5 *= 5)
                if (p5 >= lo && n < cap)
                    v[n++] = p5;
    qsort(v, (size_t)n, sizeof *v, fc_cmp_len);
    return n;
}

void fc_fft_start_tiles(int d, const ptrdiff_t *K, const ptrdiff_t *L, ptrdiff_t *P)
{
    for (int a = 0; a < d; a++) {
        const ptrdiff_t hi = fc_next_smooth(L[a] + K[a] - 1);
        /* about 4 K (a good size for 2-D overlap-save), within range */
        ptrdiff_t p = fc_next_smooth(4 * K[a] > 16 ? 4 * K[a] : 16);
        P[a] = p < hi ? p : hi;
        if (P[a] < K[a])
            P[a] = fc_next_smooth(K[a]);
    }
}

void fc_fft_tiles(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L, ptrdiff_t *P)
{
    enum { CAP = 4096 };
    const double l2 = (double)fc_l2_bytes();   /* (once: one size for the whole search) */
    ptrdiff_t *cand = (ptrdiff_t *)malloc(CAP * sizeof(ptrdiff_t));
    fc_fft_start_tiles(d, K, L, P);
    if (!cand)
        return;
    /* coordinate descent over 5-smooth lengths in [K, next_smooth(L + K - 1)] */
    for (int round = 0; round < 3; round++) {
        int changed = 0;
        for (int a = 0; a < d; a++) {
            const int nc = fc_smooth_range(K[a], fc_next_smooth(L[a] + K[a] - 1), cand, CAP);
            ptrdiff_t best = P[a];
            double bestc = fc_tile_cost(type, d, K, L, P, 1, l2);
            const ptrdiff_t keep = P[a];
            for (int i = 0; i < nc; i++) {
                P[a] = cand[i];
                const double cst = fc_tile_cost(type, d, K, L, P, 1, l2);
                if (cst < bestc * (1 - 1e-12)) {
                    bestc = cst;
                    best = cand[i];
                }
            }
            P[a] = best;
            changed |= best != keep;
        }
        if (!changed)
            break;
    }
    free(cand);
}

/* ------------------------------------------------ partitioned kernel -- */

/* Relative cost of the kernel-partitioned FFT (fc_fft_part_impl.h) with
 * transforms of N for K taps and L outputs, in the units of fc_tile_cost:
 * per block (real data; complex: two) one forward transform of N with its
 * staging and frequency-domain sum, FC_PART_UNIT x N x (passes + 4 + the
 * 1-D working-set penalty, whose working set is the S block(s), the
 * scratch, the accumulator and the lines streaming in), whole groups of
 * lanes, plus the one inverse transform (a group).  FC_PART_UNIT is that
 * work beside an overlap-save transform's (forward, product, inverse):
 * on Zen 5 (AVX-512, 1 MiB L2; 2026-12-03, one thread) [10^6] x [10^6]
 * float64 with 201 outputs ran at 400-550 ps per unit of 0.5 over N = 384
 * .. 4096 (2.4-3.5 ms; powers of two slower), overlap-save tiles of 1024 -
 * 2048 on 10^6 samples at 350-390 ps per unit.  search: with the idle share of 2
 * threads over the chunks (fc_fft_part_impl.h: up to 4, contiguous) and
 * the memory cap of fc_tile_cost. */
#define FC_PART_UNIT 0.6
#define FC_PART_CHUNKS 4
static double fc_part_cost(int type, ptrdiff_t K, ptrdiff_t L, ptrdiff_t N, int search,
                           double l2)
{
    const int cplx = type == FC_FFT_C64 || type == FC_FFT_C128;
    const double scal = (type == FC_FFT_F32 || type == FC_FFT_C64) ? 4.0 : 8.0;
    const double lanes = 64.0 / scal;
    const ptrdiff_t B = N - L + 1;
    if (B < 1 || K < 1)
        return HUGE_VAL;
    const double nblk = (double)((K + B - 1) / B), groups = ceil(nblk / lanes);
    /* (the S block(s) 2 (4), scratch 4, accumulator 2, and the lines of x
       and k streaming through: 12 (14) planes of N x lanes) */
    const double r = (cplx ? 14.0 : 12.0) * (double)N * scal * lanes / l2;
    const double pen = r <= 1.0 ? 0.0 : r <= 2.0 ? 5.0 * (r - 1.0) : 5.0 + 4.0 * (r - 2.0);
    const double passes = fc_passes(N);
    double cost = FC_PART_UNIT * groups * lanes * (cplx ? 2.0 : 1.0) * (double)N *
                  (passes + 4.0 + pen);
    cost += FC_PART_UNIT * lanes * (double)N * (passes + 4.0);   /* the inverse */
    if (!search)
        return cost;
    /* 2 threads: whole chunks of groups each */
    const double nch = groups < FC_PART_CHUNKS ? groups : FC_PART_CHUNKS;
    const double busiest = ceil(nch / 2.0) * ceil(groups / nch);
    cost *= 2.0 * busiest / groups;
    const double outb = (double)L * scal * (cplx ? 2 : 1);
    const double extra = (2.0 * (cplx ? 6.0 : 4.0) * lanes + 2.0 * nch * lanes) * (double)N * scal;
    if (extra > 3.0 * outb && extra > 4.0 * 1048576.0)
        cost *= 100.0;
    return cost;
}

double fc_fft_part_cost(int type, ptrdiff_t K, ptrdiff_t L, ptrdiff_t N, int search)
{
    return fc_part_cost(type, K, L, N, search, (double)fc_l2_bytes());
}

ptrdiff_t fc_fft_part_len(int type, ptrdiff_t K, ptrdiff_t L)
{
    enum { CAP = 4096 };
    const double l2 = (double)fc_l2_bytes();
    ptrdiff_t *cand = (ptrdiff_t *)malloc(CAP * sizeof(ptrdiff_t));
    const ptrdiff_t lo = L > 16 ? L : 16, hi = fc_next_smooth(lo + K - 1);
    ptrdiff_t best = fc_next_smooth(lo);
    if (!cand)
        return best;
    const int nc = fc_smooth_range(lo, hi, cand, CAP);
    double bestc = HUGE_VAL;
    for (int i = 0; i < nc; i++) {
        const double cst = fc_part_cost(type, K, L, cand[i], 1, l2);
        if (cst < bestc * (1 - 1e-12)) {
            bestc = cst;
            best = cand[i];
        }
    }
    free(cand);
    return best;
}

ptrdiff_t fc_fft_choose_part(int type, int d, const ptrdiff_t *K, const ptrdiff_t *L)
{
    /* (a kernel shorter than the window: overlap-save's own case) */
    if (d != 1 || K[0] <= L[0])
        return 0;
    ptrdiff_t P;
    fc_fft_tiles(type, 1, K, L, &P);
    const ptrdiff_t N = fc_fft_part_len(type, K[0], L[0]);
    const double l2 = (double)fc_l2_bytes();
    return fc_part_cost(type, K[0], L[0], N, 0, l2) < fc_tile_cost(type, 1, K, L, &P, 0, l2)
               ? N
               : 0;
}

/* --------------------------------------------------------------- memory -- */

static void *fc_fft_default_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    return fc_aligned_alloc(bytes, 64);
}

static void fc_fft_default_release(void *ctx, void *p, size_t bytes)
{
    (void)ctx;
    (void)bytes;
    fc_aligned_free(p);
}

static struct {
    fc_fft_alloc_fn alloc;
    fc_fft_release_fn release;
    void *ctx;
} fc_fft_mem = {fc_fft_default_alloc, fc_fft_default_release, NULL};

void fc_fft_set_allocator(fc_fft_alloc_fn alloc, fc_fft_release_fn release, void *ctx)
{
    const int given = alloc && release;
    fc_fft_mem.alloc = given ? alloc : fc_fft_default_alloc;
    fc_fft_mem.release = given ? release : fc_fft_default_release;
    fc_fft_mem.ctx = given ? ctx : NULL;
}

void *fc_fft_block_alloc(size_t bytes) { return fc_fft_mem.alloc(fc_fft_mem.ctx, bytes); }

void fc_fft_block_release(void *p, size_t bytes)
{
    if (p)
        fc_fft_mem.release(fc_fft_mem.ctx, p, bytes);
}

/* ------------------------------------------------------------- dispatch -- */

enum { FC_FFT_BASELINE = 0, FC_FFT_AVX2 = 1, FC_FFT_AVX512 = 2 };
static const char *const fc_fft_names[] = {"baseline", "avx2", "avx512"};
static int fc_fft_isa = FC_FFT_BASELINE;
static char fc_fft_avail[64] = "baseline";

static int fc_fft_cpu_has(int isa)
{
    if (isa == FC_FFT_BASELINE)
        return 1;
#ifdef FC_FFT_X86
    __builtin_cpu_init();
    if (isa == FC_FFT_AVX2)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (isa == FC_FFT_AVX512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
#endif
    return 0;
}

int fc_fft_select_isa(const char *requested)
{
    int best = FC_FFT_BASELINE;
    strcpy(fc_fft_avail, "baseline");
    for (int isa = FC_FFT_AVX2; isa <= FC_FFT_AVX512; isa++)
        if (fc_fft_cpu_has(isa)) {
            best = isa;
            strcat(fc_fft_avail, ",");
            strcat(fc_fft_avail, fc_fft_names[isa]);
        }
    fc_fft_isa = best;
    if (requested && requested[0])
        for (int isa = FC_FFT_BASELINE; isa <= FC_FFT_AVX512; isa++)
            if (strcmp(requested, fc_fft_names[isa]) == 0 && fc_fft_cpu_has(isa))
                fc_fft_isa = isa;
    return fc_fft_isa;
}

const char *fc_fft_isa_name(void) { return fc_fft_names[fc_fft_isa]; }
const char *fc_fft_isa_available(void) { return fc_fft_avail; }

/* A plan: the engine's per-type, per-ISA context and how to run it. */
struct fc_fft_plan {
    int (*run)(void *, const void *, void *, int);
    void (*release)(void *);
    void *ctx;
    int empty;                 /* an empty kernel: the result is zeros */
    size_t out_bytes;
};

#define FC_FFT_BIND(tn, T, isa)                                                      \
    do {                                                                             \
        pl->ctx = fc_fft_plan_new_##tn##_##isa(cplx, d, xshape, kshape, (const T *)k, starts, \
                                               lengths, P, defer);                   \
        pl->run = (int (*)(void *, const void *, void *, int))fc_fft_plan_run_##tn##_##isa; \
        pl->release = fc_fft_plan_free_##tn##_##isa;                                 \
    } while (0)
#define FC_FFT_BIND_ISA(isa)                                                         \
    do {                                                                             \
        if (single)                                                                  \
            FC_FFT_BIND(f32, float, isa);                                            \
        else                                                                         \
            FC_FFT_BIND(f64, double, isa);                                           \
    } while (0)

#define FC_FFT_BIND_PART(tn, T, isa)                                                 \
    do {                                                                             \
        pl->ctx = fc_fft_part_new_##tn##_##isa(cplx, xshape[0], kshape[0], (const T *)k, \
                                               starts[0], lengths[0], part, defer);  \
        pl->run = (int (*)(void *, const void *, void *, int))fc_fft_part_run_##tn##_##isa; \
        pl->release = fc_fft_part_free_##tn##_##isa;                                 \
    } while (0)
#define FC_FFT_BIND_PART_ISA(isa)                                                    \
    do {                                                                             \
        if (single)                                                                  \
            FC_FFT_BIND_PART(f32, float, isa);                                       \
        else                                                                         \
            FC_FFT_BIND_PART(f64, double, isa);                                      \
    } while (0)

/* part (1-D only): the transform length of the kernel-partitioned FFT, -1
 * its own choice (fc_fft_part_len), or 0: P's overlap-save tiles, or
 * without P the engine's choice between the two (fc_fft_choose_part).
 * defer: leave the kernel spectrum (d >= 2) to the plan's first run, which
 * computes it with all its threads (k must then live until that run; the
 * plan is for that one run: fc_fft_correlate). */
static fc_fft_plan *fc_fft_plan_make(int type, int d, const ptrdiff_t *xshape, const void *k,
                                     const ptrdiff_t *kshape, const ptrdiff_t *starts,
                                     const ptrdiff_t *lengths, const ptrdiff_t *P,
                                     ptrdiff_t part, int defer)
{
    ptrdiff_t Pc[FC_FFT_MAXDIM];
    size_t nout = 1;
    int empty = 0;
    const int cplx = type == FC_FFT_C64 || type == FC_FFT_C128;
    const int single = type == FC_FFT_F32 || type == FC_FFT_C64;
    fc_fft_plan *pl = (fc_fft_plan *)calloc(1, sizeof *pl);
    if (!pl)
        return NULL;
    for (int a = 0; a < d; a++) {
        nout *= (size_t)(lengths[a] > 0 ? lengths[a] : 0);
        empty |= lengths[a] <= 0 || kshape[a] <= 0;
    }
    pl->out_bytes = nout * (size_t)(single ? 4 : 8) * (size_t)(cplx ? 2 : 1);
    if (empty) { /* no outputs, or an empty sum */
        pl->empty = 1;
        return pl;
    }
    if (!P && part == 0 && d == 1) {
        /* the engine's choice: the partitioned FFT where it costs less (for
           the taps that can meet x) */
        const ptrdiff_t j0 = starts[0] + lengths[0] - 1 > 0 ? 0 : -starts[0] - lengths[0] + 1;
        const ptrdiff_t j1 = kshape[0] < xshape[0] - starts[0] ? kshape[0] : xshape[0] - starts[0];
        const ptrdiff_t Ke = j1 - j0 > 1 ? j1 - j0 : 1;
        part = fc_fft_choose_part(type, 1, &Ke, lengths);
    }
    if (part < 0)
        part = fc_fft_part_len(type, kshape[0], lengths[0]);
    if (part > 0) {
        switch (fc_fft_isa) {
#ifdef FC_FFT_X86
        case FC_FFT_AVX512: FC_FFT_BIND_PART_ISA(avx512); break;
        case FC_FFT_AVX2: FC_FFT_BIND_PART_ISA(avx2); break;
#endif
        default: FC_FFT_BIND_PART_ISA(baseline); break;
        }
    } else {
        if (!P) {
            fc_fft_tiles(type, d, kshape, lengths, Pc);
            P = Pc;
        }
        switch (fc_fft_isa) {
#ifdef FC_FFT_X86
        case FC_FFT_AVX512: FC_FFT_BIND_ISA(avx512); break;
        case FC_FFT_AVX2: FC_FFT_BIND_ISA(avx2); break;
#endif
        default: FC_FFT_BIND_ISA(baseline); break;
        }
    }
    if (!pl->ctx) {
        free(pl);
        return NULL;
    }
    return pl;
}

fc_fft_plan *fc_fft_plan_new(int type, int d, const ptrdiff_t *xshape, const void *k,
                             const ptrdiff_t *kshape, const ptrdiff_t *starts,
                             const ptrdiff_t *lengths, const ptrdiff_t *P)
{
    return fc_fft_plan_make(type, d, xshape, k, kshape, starts, lengths, P, 0, 0);
}

fc_fft_plan *fc_fft_plan_new_part(int type, const ptrdiff_t *xshape, const void *k,
                                  const ptrdiff_t *kshape, const ptrdiff_t *starts,
                                  const ptrdiff_t *lengths, ptrdiff_t N)
{
    return fc_fft_plan_make(type, 1, xshape, k, kshape, starts, lengths, NULL, N > 0 ? N : -1, 0);
}

int fc_fft_plan_run(const fc_fft_plan *pl, const void *x, void *out, int nthreads)
{
    if (pl->empty) {
        memset(out, 0, pl->out_bytes);
        return 0;
    }
    return pl->run(pl->ctx, x, out, nthreads);
}

void fc_fft_plan_free(fc_fft_plan *pl)
{
    if (!pl)
        return;
    if (pl->ctx)
        pl->release(pl->ctx);
    free(pl);
}

int fc_fft_correlate(int type, int d, const ptrdiff_t *xshape, const void *x,
                     const ptrdiff_t *kshape, const void *k, const ptrdiff_t *starts,
                     const ptrdiff_t *lengths, void *out, const ptrdiff_t *P, int nthreads)
{
    /* (the spectrum deferred to the run: its threads compute it, and they
       prepare their buffers, not this thread) */
    fc_fft_plan *pl = fc_fft_plan_make(type, d, xshape, k, kshape, starts, lengths, P, 0, 1);
    if (!pl)
        return -1;
    const int rc = fc_fft_plan_run(pl, x, out, nthreads);
    fc_fft_plan_free(pl);
    return rc;
}

int fc_fft_correlate_part(int type, const ptrdiff_t *xshape, const void *x,
                          const ptrdiff_t *kshape, const void *k, const ptrdiff_t *starts,
                          const ptrdiff_t *lengths, void *out, ptrdiff_t N, int nthreads)
{
    fc_fft_plan *pl = fc_fft_plan_make(type, 1, xshape, k, kshape, starts, lengths, NULL,
                                       N > 0 ? N : -1, 1);
    if (!pl)
        return -1;
    const int rc = fc_fft_plan_run(pl, x, out, nthreads);
    fc_fft_plan_free(pl);
    return rc;
}
