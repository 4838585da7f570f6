/*
 * fc_simd_impl.h - the interior micro-kernel, written once with GCC/Clang
 * vector extensions and compiled once per instruction set (see
 * fc_kernels_*.c, which set FC_ISA, FC_VBYTES and the block shapes).
 *
 * For r in [0, rows) and x in [0, cols):
 *
 *     out[r*ldo + x] (+)= sum_{i<kh} sum_{j<kw} k[i*kw + j] * in[(r+i)*ldi + x + j]
 *
 * (added to `out` when b->accumulate, else stored: out is then never
 * read, and with b->stream written by streaming stores that
 * bypass the caches - for outputs too big to stay in cache anyway),
 * i.e. the 'valid' 2-D correlation of an input window with a (pre-flipped)
 * kernel plane, every read inside the input.  1-D is rows == kh == 1.
 * Indices and strides count elements; a complex element is two interleaved
 * scalars (re, im) and the kernel is then complex too.
 *
 * Scheme ("broadcast one tap x a block of outputs"): a block of FC_R output
 * rows x FC_C vectors stays in registers for the whole tap loop and is
 * loaded and stored once.  Input row t of the block feeds output rows
 * rr = t - i for every kernel row i, so each loaded input vector serves up
 * to FC_R rows (loads per FMA about (FC_C + FC_R) / (FC_R * FC_C)).
 * Complex: with v = (xr, xi, ...) and its pair-swap s = (xi, xr, ...),
 * acc += kr * v + (-ki, +ki, ...) * s, i.e. two FMAs per vector, no
 * horizontal work.  Columns are processed in tiles of FC_TILE elements so
 * the rows of a tile stay in L1/L2.
 *
 * Every output sums its taps in a fixed order, (i, j) = (0, 0), (0, 1), ...
 * (single kernel rows of real types: j = s, s + N, s + 2N, ... for s = 0 ..
 * N-1, N elements per vector, see FC_SLIDE), through the same vector FMAs
 * whatever block or tile it falls in (ragged tails are done as one
 * overlapping vector), so results do not depend on how the work is split
 * between threads.  They may differ in the last bits between instruction
 * sets (FMA contraction; the vector width N).
 *
 * Unsigned integers (the work types of every integer result) use the same
 * code: vector and scalar arithmetic wrap modulo 2^bits, which gives the
 * same result as scipy's wrapping accumulation in the result type.
 *
 * Included (by fc_simd_unit.h, from a row of fc_types.h) with FC_S (the
 * scalar type in memory), FC_T (the lanes' scalar type, wider than FC_S
 * for uint8 data in uint16 lanes), FC_TN (the name suffix), FC_KIND
 * (FC_K_REAL / FC_K_COMPLEX / FC_K_UINT), FC_CPLX (0/1), FC_LANES (scalars
 * per vector) and the block shape FC_BR x FC_BC (FC_B1: single rows) set.
 */
#define FC_CAT3_(a, b, c) a##_##b##_##c
#define FC_CAT3(a, b, c) FC_CAT3_(a, b, c)
#define FC_FN(base) FC_CAT3(base, FC_TN, FC_ISA)
#define FC_VT FC_CAT3(vec, FC_TN, FC_ISA)

/* FC_S narrower than the arithmetic type FC_T (uint8 data computed in
   uint16 lanes: loads widen, stores keep the low bits, which modular
   arithmetic makes the same result). */
#define FC_NARROW (sizeof(FC_S) != sizeof(FC_T))

#define FC_W ((ptrdiff_t)FC_LANES)             /* scalars per vector */
/* Software prefetch distance (scalars) along each input row the block
   reads: the block's rows are as many concurrent streams, more than the
   hardware prefetchers follow well; 768 bytes ahead measured 7-30% faster
   on 2048^2 float32/float64 images (any distance from 384 to 1536 bytes
   did as well). */
#ifndef FC_PFD
#define FC_PFD ((ptrdiff_t)(768 / sizeof(FC_S)))
#endif
#define FC_E ((ptrdiff_t)(FC_CPLX ? 2 : 1))    /* scalars per element */
/* Bytes of the buffer of two padded edge vectors' input rows, kh + FC_BR - 1
   rows of 2N + kw - 1 elements (kernels that need more get no padded
   edges: the plan then copies x with zero columns, or leaves them to the
   border code; 32 KiB holds float32 63x63 on AVX-512). */
#ifndef FC_PADTMP
#define FC_PADTMP 32768
#endif
#define FC_N (FC_W / FC_E)                     /* elements per vector */

typedef FC_T FC_VT __attribute__((vector_size(FC_VBYTES)));

#if FC_CPLX
#if FC_LANES == 2
#define FC_SWAP_IDX 1, 0
#define FC_SIGNS -1, 1
#elif FC_LANES == 4
#define FC_SWAP_IDX 1, 0, 3, 2
#define FC_SIGNS -1, 1, -1, 1
#elif FC_LANES == 8
#define FC_SWAP_IDX 1, 0, 3, 2, 5, 4, 7, 6
#define FC_SIGNS -1, 1, -1, 1, -1, 1, -1, 1
#elif FC_LANES == 16
#define FC_SWAP_IDX 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14
#define FC_SIGNS -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1
#else
#error "unsupported FC_LANES"
#endif
#endif

/* Scalar products in a type at least as wide as unsigned int: unsigned
   8/16-bit operands would otherwise be promoted to (signed) int and could
   overflow. */
#if FC_KIND == FC_K_UINT
#define FC_MUL(a, b) ((FC_T)(1u * (a) * (b)))
#else
#define FC_MUL(a, b) ((a) * (b))
#endif

/* c + a*b in scalar code, rounded exactly as the vector code rounds it: one
   fused multiply-add where the compiler contracts the vector code into FMAs
   (an optimised x86 build with FMA), else a product and a sum (an -O0 debug
   or sanitizer build contracts nothing).  Outputs that fall in a scalar tail
   then equal what the vector path would give, whatever the split of the
   work. */
#if FC_KIND != FC_K_UINT && defined(__FMA__) && defined(__OPTIMIZE__)
#define FC_MADD(a, b, c)                                                        \
    _Generic((FC_T)0, float: __builtin_fmaf((a), (b), (c)), default: __builtin_fma((a), (b), (c)))
#else
#define FC_MADD(a, b, c) ((c) + FC_MUL((a), (b)))
#endif

/* (FC_SVT is FC_VT when FC_S is FC_T: the conversions are then no-ops) */
#define FC_SVT FC_CAT3(svec, FC_TN, FC_ISA)
typedef FC_S FC_SVT __attribute__((vector_size(FC_LANES * sizeof(FC_S))));

static inline FC_VT FC_FN(loadu)(const FC_S *p)
{
    FC_SVT v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, FC_VT);
}

static inline void FC_FN(storeu)(FC_S *p, FC_VT v)
{
    const FC_SVT n = __builtin_convertvector(v, FC_SVT);   /* the low bits */
    memcpy(p, &n, sizeof n);
}
#undef FC_SVT

/* Elements [e0, e1) of the vector v (whose element 0 goes to p): the
   parts of a row that share their lines with streamed ones are stored
   alone, so no ordinary store touches a streamed line. */
static inline void FC_FN(storepart)(FC_S *p, FC_VT v, ptrdiff_t e0, ptrdiff_t e1)
{
    FC_S t[FC_W];
    FC_FN(storeu)(t, v);
    memcpy(p + e0 * FC_E, t + e0 * FC_E, (size_t)(e1 - e0) * FC_E * sizeof(FC_S));
}

/* acc[NR][NC] = the out block at o + all taps over the input block at src
   (o, src point at scalars; ldo, ldi count elements). */
/* Width copies of at most FC_UNROLL_MAX taps get the tap loop of the
   full-size block (real and unsigned types) unrolled whole
   (fc_kernels_<isa>.c sets it where it was measured to pay; 0: none, the
   copies' loop stays rolled; the generic width's is unrolled by 2). */
#ifndef FC_UNROLL_MAX
#define FC_UNROLL_MAX 0
#endif
/* LD(c, NC, j): block vector c's input vector at tap j of the row irow
   (FC_LD: a plain load; FC_LD_L / FC_LD_R: masked edge vectors, FC_FOLD) */
#define FC_LD(c, NC, j) FC_FN(loadu)(irow + (c) * FC_W + (j))
/* The input rows t of a block of NR rows at output row r0 that exist: the
   band's input rows [zb, ze) (b->zero_before, b->zero_after).  Only single
   rows read missing ones (run: those rows one at a time), so blocks of
   more rows keep their constant bounds (a variable start there made a
   2048^2 float32 5x5 'same' ~2% slower). */
#define FC_T0(NR) ((NR) == 1 && zb > r0 ? zb - r0 : 0)
#define FC_T1(NR) ((NR) == 1 && ze - r0 < kh ? ze - r0 : kh + (NR) - 1)
#if FC_CPLX
#define FC_TAPS(NR, NC, acc, LD)                                                \
    for (ptrdiff_t t = FC_T0(NR); t < FC_T1(NR); t++) {                         \
        const FC_S *irow = src + t * ldi * 2;                                   \
        _Pragma("GCC unroll 8")                                                 \
        for (int c = 0; c < NC * (FC_PFD > 0); c++)                             \
            __builtin_prefetch(irow + c * FC_W + FC_PFD, 0, 3);                 \
        for (ptrdiff_t j = 0; j < kw; j++) {                                    \
            FC_VT v[NC], s[NC];                                                 \
            _Pragma("GCC unroll 8")                                             \
            for (int c = 0; c < NC; c++) {                                      \
                v[c] = FC_FN(loadu)(irow + c * FC_W + 2 * j);                   \
                s[c] = __builtin_shufflevector(v[c], v[c], FC_SWAP_IDX);        \
            }                                                                   \
            _Pragma("GCC unroll 8")                                             \
            for (int rr = 0; rr < NR; rr++) {                                   \
                const ptrdiff_t i = t - rr;                                     \
                if (i < 0 || i >= kh)                                           \
                    continue;                                                   \
                const FC_S *kp = k + 2 * (i * kw + j);                          \
                const FC_VT a = kp[0] - (FC_VT){0};                             \
                const FC_VT b = (kp[1] - (FC_VT){0}) * (FC_VT){FC_SIGNS};       \
                _Pragma("GCC unroll 8")                                         \
                for (int c = 0; c < NC; c++) {                                  \
                    acc[rr][c] += a * v[c];                                     \
                    acc[rr][c] += b * s[c];                                     \
                }                                                               \
            }                                                                   \
        }                                                                       \
    }
#else
#define FC_TAPS(NR, NC, acc, LD)                                                \
    for (ptrdiff_t t = FC_T0(NR); t < FC_T1(NR); t++) {                         \
        const FC_S *irow = src + t * ldi;                                       \
        _Pragma("GCC unroll 8")                                                 \
        for (int c = 0; c < NC * (FC_PFD > 0); c++)                             \
            __builtin_prefetch(irow + c * FC_W + FC_PFD, 0, 3);                 \
        /* the tap loop of the full-size block (the bulk of the work)       \
           unrolled: whole in a width copy up to FC_UNROLL_MAX taps (kw a   \
           constant, see fc_corr2d_valid), by 2 for the generic width (not  \
           in the other copies: AVX2's 5x5 / 7x7 copies measured 3-7%       \
           slower so); so is a width copy's 4-vector block, the middle of a \
           256-wide row (6 | 4 | 6 vectors with FC_FOLD: a quarter of a     \
           64 x 256^2 float32 5x5 'same' batch; its rolled loop branched    \
           per tap and row; same compile time, measured); the other blocks  \
           keep it rolled (compile time).  The same FMAs in the same        \
           order. */                                                        \
        if (NR == FC_BR && (NC == FC_BC || NC == 4) && __builtin_constant_p(kw) && \
            kw <= FC_UNROLL_MAX) {                                              \
            _Pragma("GCC unroll 8")                                             \
            for (ptrdiff_t j = 0; j < kw; j++)                                  \
                FC_TAP_J(NR, NC, acc, j, LD);                                   \
        } else if (NR == FC_BR && NC == FC_BC && !__builtin_constant_p(kw)) {   \
            _Pragma("GCC unroll 2")                                             \
            for (ptrdiff_t j = 0; j < kw; j++)                                  \
                FC_TAP_J(NR, NC, acc, j, LD);                                   \
        } else {                                                                \
            for (ptrdiff_t j = 0; j < kw; j++)                                  \
                FC_TAP_J(NR, NC, acc, j, LD);                                   \
        }                                                                       \
    }
/* tap j of input row t (irow) for the block's rows that it feeds */
#define FC_TAP_J(NR, NC, acc, j, LD)                                            \
        do {                                                                    \
            FC_VT v[NC];                                                        \
            _Pragma("GCC unroll 8")                                             \
            for (int c = 0; c < NC; c++)                                        \
                v[c] = LD(c, NC, j);                                            \
            _Pragma("GCC unroll 8")                                             \
            for (int rr = 0; rr < NR; rr++) {                                   \
                const ptrdiff_t i = t - rr;                                     \
                if (i < 0 || i >= kh)                                           \
                    continue;                                                   \
                const FC_VT w = (FC_T)k[i * kw + j] - (FC_VT){0}; /* broadcast */ \
                _Pragma("GCC unroll 8")                                         \
                for (int c = 0; c < NC; c++)                                    \
                    acc[rr][c] += w * v[c];                                     \
            }                                                                   \
        } while (0)
#endif

/* Single kernel rows (kh == 1: every 1-D signal), real types: the taps go
   in the order j = s, s + N, s + 2N, ... for s = 0 .. N-1 (N = elements per
   vector), so a loaded input vector serves several taps.  Output vector c
   at tap j = q*N + s reads the input vector L[c + q] at offset s, the same
   one output vector c+1 reads at tap j - N: a window of NC input vectors
   slides along the row, one new load and one tap broadcast per NC FMAs
   (the broadcast-one-tap scheme above needs a load, most of them split
   across cache lines, per FMA, and its loads bound it at about half the
   FMA peak).  Slot (q + c) % NC holds L[q + c]; unrolled by NC, the slots
   are fixed registers. */
#ifndef FC_SLIDE1_ON   /* (0: every row through FC_TAPS, for comparison) */
#define FC_SLIDE1_ON 1
#endif
#define FC_SLIDE1 (FC_SLIDE1_ON && !FC_CPLX)
#define FC_SLIDE_STEP(NC, acc, u)                                               \
    do {                                                                        \
        const FC_VT w = (FC_T)k[(q + (u)) * FC_N + s] - (FC_VT){0};            \
        _Pragma("GCC unroll 16")                                                \
        for (int c = 0; c < NC; c++)                                            \
            acc[0][c] += w * win[((u) + c) % NC];                               \
        if (q + (u) + 1 < qe)   /* the next window vector, if any tap needs it */ \
            win[(u)] = FC_FN(loadu)(src + (q + (u) + NC) * FC_W + s);           \
    } while (0)
/* Long kernels go in tiles of FC_SLIDE_TAPS taps (all N phases s of a tile,
   then the next tile): each phase reads every N-th tap, so without tiles a
   kernel larger than the caches would come from memory N times per block.
   Kernels up to FC_SLIDE_TAPS taps are one tile (the order s, s+N, ...). */
#define FC_SLIDE_TAPS 2048
#define FC_SLIDE(NC, acc)                                                       \
    for (ptrdiff_t qt = 0; qt * FC_N < kw; qt += FC_SLIDE_TAPS / FC_N)          \
    for (ptrdiff_t s = 0; s < FC_N && s < kw; s++) {                            \
        const ptrdiff_t qn = (kw - s + FC_N - 1) / FC_N; /* taps s + q*N < kw */ \
        const ptrdiff_t qe = qn < qt + FC_SLIDE_TAPS / FC_N ? qn : qt + FC_SLIDE_TAPS / FC_N; \
        if (qt >= qe)                                                           \
            continue;                                                           \
        FC_VT win[NC];                                                          \
        _Pragma("GCC unroll 16")                                                \
        for (int c = 0; c < NC; c++)                                            \
            win[c] = FC_FN(loadu)(src + (qt + c) * FC_W + s);                   \
        ptrdiff_t q = qt;                                                       \
        for (; q + NC <= qe; q += NC) {                                         \
            _Pragma("GCC unroll 16")                                            \
            for (int u = 0; u < NC; u++)                                        \
                FC_SLIDE_STEP(NC, acc, u);                                      \
        }                                                                       \
        _Pragma("GCC unroll 16")                                                \
        for (int u = 0; u < NC; u++) {                                          \
            if (q + u >= qe)                                                    \
                break;                                                          \
            FC_SLIDE_STEP(NC, acc, u);                                          \
        }                                                                       \
    }

#define FC_COMPUTE(NR, NC, acc) FC_COMPUTE_LD(NR, NC, acc, FC_LD)
#define FC_COMPUTE_LD(NR, NC, acc, LD)                                          \
    do {                                                                        \
        for (int rr = 0; rr < NR; rr++)                                         \
            for (int c = 0; c < NC; c++)                                        \
                acc[rr][c] = accumulate ? FC_FN(loadu)(o + rr * ldb * FC_E + c * FC_W) \
                                        : (FC_VT){0};                           \
        if (FC_SLIDE1 && NR == 1 && kh == 1) {                                  \
            FC_SLIDE(NC, acc)                                                   \
        } else {                                                                \
            FC_TAPS(NR, NC, acc, LD)                                            \
        }                                                                       \
    } while (0)

/* The block's stores: streaming (around the caches, no read of the
   output's lines first) when `st`, then every store is vector-aligned; `st`
   is never set without FC_STREAM (see fc_corr2d_valid). */
/* (never with FC_NARROW: `stream` is then 0) */
#if defined(FC_STREAM)
#define FC_STREAM_STORE(p, v) FC_STREAM(p, v)
#else
#define FC_STREAM_STORE(p, v) FC_FN(storeu)(p, v)
#endif
#define FC_STORE_BLOCK(NR, NC, acc, st)                                         \
    do {                                                                        \
        if (st) {                                                               \
            for (int rr = 0; rr < NR; rr++)                                     \
                for (int c = 0; c < NC; c++)                                    \
                    FC_STREAM_STORE(o + rr * ldb * FC_E + c * FC_W, acc[rr][c]); \
        } else {                                                                \
            for (int rr = 0; rr < NR; rr++)                                     \
                for (int c = 0; c < NC; c++)                                    \
                    FC_FN(storeu)(o + rr * ldb * FC_E + c * FC_W, acc[rr][c]);  \
        }                                                                       \
    } while (0)

/* FC_PFROWS: each block also prefetches (into L2) the lines of the input
   rows the *next* row block will read first, a whole row sweep ahead of use
   (measured 7-11% faster on 2048^2 float32 3x3 from cold caches; neutral
   on larger kernels). */
#ifndef FC_PFROWS
#define FC_PFROWS 1
#endif
#define FC_BLOCK(NR, NC, st) FC_BLOCK_LD(NR, NC, st, FC_LD)
#define FC_BLOCK_LD(NR, NC, st, LD)                                             \
    do {                                                                        \
        FC_VT acc[NR][NC];                                                      \
        if (FC_PFROWS && NR > 1)   /* single rows (1-D) have no next block */ \
            for (int q = 0; q < NR; q++)                                        \
                for (int c = 0; c < NC; c++)                                    \
                    __builtin_prefetch(src + (kh + NR - 1 + q) * ldi * FC_E + c * FC_W, 0, 2); \
        FC_COMPUTE_LD(NR, NC, acc, LD);                                         \
        FC_STORE_BLOCK(NR, NC, acc, st);                                        \
    } while (0)

/* One output element (rr, x) in scalar code: only for tiles narrower than a
   vector, which every split of the work treats alike (the taps of missing
   input rows left out, FC_T0). */
#define FC_ROW_IN(t) ((t) >= zb && (t) < ze)
#if FC_CPLX
#define FC_SCALAR(rr, x)                                                        \
    do {                                                                        \
        FC_S *op = ob + (rr * ldb + x - xo) * 2;                                \
        FC_T sr = accumulate ? op[0] : 0, si = accumulate ? op[1] : 0;         \
        for (ptrdiff_t i = 0; i < kh; i++)                                      \
            for (ptrdiff_t j = 0; j < kw && FC_ROW_IN(r0 + rr + i); j++) {      \
                const FC_S *kp = k + 2 * (i * kw + j);                          \
                const FC_S *ip = in + ((r0 + rr + i) * ldi + x + j) * 2;        \
                sr = FC_MADD(kp[0], ip[0], sr);                                 \
                sr = FC_MADD(-kp[1], ip[1], sr);                                \
                si = FC_MADD(kp[0], ip[1], si);                                 \
                si = FC_MADD(kp[1], ip[0], si);                                 \
            }                                                                   \
        op[0] = sr;                                                             \
        op[1] = si;                                                             \
    } while (0)
#else
#define FC_SCALAR(rr, x)                                                        \
    do {                                                                        \
        FC_T sum = accumulate ? ob[rr * ldb + x - xo] : 0;                     \
        if (FC_SLIDE1 && kh == 1) {   /* the tap order of FC_SLIDE */           \
            for (ptrdiff_t t = 0; t < kw; t += FC_SLIDE_TAPS)                   \
                for (ptrdiff_t s = 0; s < FC_N && t + s < kw; s++)              \
                    for (ptrdiff_t j = t + s; j < kw && j < t + FC_SLIDE_TAPS; j += FC_N) \
                        sum = FC_MADD(k[j], in[(r0 + rr) * ldi + x + j], sum);  \
        } else {                                                                \
            for (ptrdiff_t i = 0; i < kh; i++)                                  \
                for (ptrdiff_t j = 0; j < kw && FC_ROW_IN(r0 + rr + i); j++)    \
                    sum = FC_MADD(k[i * kw + j], in[(r0 + rr + i) * ldi + x + j], sum); \
        }                                                                       \
        ob[rr * ldb + x - xo] = sum;                                            \
    } while (0)
#endif

/* The zero-filled edge columns next to the band (see fc_corr2d_valid), of
   rows [r0, r0+NR): the region [ra, rb) = [-padl, xb) before the band's
   first block and [xe, cols + padr) after its last, each in whole vectors
   laid out from the row's start (the last one of a region that is not a
   whole number of vectors moved back to end at its end), reading the input
   columns outside [0, cols + kw - 1) as zeros.  Two vectors at a time
   (an NR x 2 block: as many FMA chains as a block of two), a last odd one
   alone: the rows they read are copied into the buffer `pt` (pitch
   2N + kw - 1 elements) with zeros outside, and they go through the same
   FMAs as every other vector.  Each output is stored once (a moved-back
   vector stores only its lanes past the others); with `st`, by streaming
   stores where the vector is aligned (where the row's vectors are).  One
   function per row-block height, not inlined into each width copy (the
   edges keep their tap loop rolled: compile time). */
/* one vector's elements from s to d (a constant size: one vector move) */
#define FC_VCOPY(d, s) memcpy((d), (s), (size_t)(FC_N * FC_E) * sizeof(FC_S))
/* ... in a loop: an empty asm keeps the compiler from turning the loop
   into a memset / memcpy call (their start-up is the cost avoided) */
#define FC_VCOPY1(d, s)                                                         \
    do {                                                                        \
        FC_VCOPY(d, s);                                                         \
        __asm__ volatile("" : : "r"(d));                                        \
    } while (0)
static const FC_S FC_FN(zeros)[FC_W];
#define FC_EDGE_COPY(NR, xs, nv)                                                    \
    do {                                                                        \
        const ptrdiff_t tp = (nv) * FC_N + kw - 1, tw = tp;                     \
        const ptrdiff_t e0 = (xs) < 0 ? -(xs) : 0;            /* first inside */ \
        const ptrdiff_t e1 = lim - (xs) < tw ? lim - (xs) : tw; /* end */       \
        for (ptrdiff_t t = 0; t < kh + NR - 1; t++) {                           \
            const FC_S *irow = in + ((r0 + t) * ldi + (xs)) * FC_E;             \
            FC_S *trow = pt + t * tp * FC_E;                                    \
            if (e1 - e0 >= FC_N) {                                              \
                /* whole vectors (a call per part cost 10% of a 256-wide    \
                   'same' batch: 'rep movs' start-up): zeros over [0, e0),  \
                   the inside over [e0, e1), the last vector ending at e1,  \
                   zeros over [e1, tw); a zero vector may reach past its    \
                   part, into the next (written after it), the next row's   \
                   (written later) or pt's spare vector */                  \
                for (ptrdiff_t e = 0; e < e0; e += FC_N)                        \
                    FC_VCOPY1(trow + e * FC_E, FC_FN(zeros));                   \
                for (ptrdiff_t e = e0; e < e1 - FC_N; e += FC_N)                \
                    FC_VCOPY1(trow + e * FC_E, irow + e * FC_E);                \
                FC_VCOPY(trow + (e1 - FC_N) * FC_E, irow + (e1 - FC_N) * FC_E); \
                for (ptrdiff_t e = e1; e < tw; e += FC_N)                       \
                    FC_VCOPY1(trow + e * FC_E, FC_FN(zeros));                   \
            } else {                                                            \
                memset(trow, 0, (size_t)tw * FC_E * sizeof(FC_S));              \
                if (e1 > e0)                                                    \
                    memcpy(trow + e0 * FC_E, irow + e0 * FC_E,                  \
                           (size_t)(e1 - e0) * FC_E * sizeof(FC_S));            \
            }                                                                   \
        }                                                                       \
    } while (0)
#define FC_EDGE_STORE(NR, v, xs)                                                    \
    do {                                                                        \
        const ptrdiff_t vs = (xs) + (v) * FC_N;                                 \
        const ptrdiff_t l0 = done > vs ? done - vs : 0;                         \
        const int sv = st && !l0 && (vs + row_start) % FC_N == 0;               \
        for (int rr = 0; rr < NR; rr++) {                                       \
            FC_S *o = ob + (rr * ldb + vs - xo) * FC_E;                         \
            if (l0)                                                             \
                FC_FN(storepart)(o, ev[rr][v], l0, FC_N);                       \
            else if (sv)                                                        \
                FC_STREAM_STORE(o, ev[rr][v]);                                  \
            else                                                                \
                FC_FN(storeu)(o, ev[rr][v]);                                    \
        }                                                                       \
        done = vs + FC_N;                                                       \
    } while (0)
#define FC_EDGE_FN(name, NR)                                                    \
    static __attribute__((noinline)) void                                       \
    name(FC_S *ob, ptrdiff_t ldb, ptrdiff_t xo, const FC_S *restrict in, ptrdiff_t ldi, \
         const FC_S *restrict k, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t r0, ptrdiff_t cols, \
         ptrdiff_t ra, ptrdiff_t rb, ptrdiff_t row_start, int st, FC_S *restrict pt) \
    {                                                                           \
        const int accumulate = 0;   /* (FC_COMPUTE: padding only when storing) */ \
        const ptrdiff_t zb = r0, ze = r0 + kh + NR - 1; /* (rows all there) */ \
        const ptrdiff_t lim = cols + kw - 1;                                   \
        ptrdiff_t done = ra;   /* [ra, done) stored */                          \
        for (ptrdiff_t p = ra; p < rb;) {                                       \
            if (rb - p >= 2 * FC_N) {                                           \
                FC_VT ev[NR][2];                                                \
                FC_EDGE_COPY(NR, p, 2);                                               \
                {                                                               \
                    const ptrdiff_t ldi = 2 * FC_N + kw - 1; /* (pt's rows) */  \
                    const FC_S *src = pt;                                       \
                    FC_S *o = ob;   /* (not read) */                            \
                    FC_COMPUTE(NR, 2, ev);                                      \
                }                                                               \
                FC_EDGE_STORE(NR, 0, p);                                              \
                FC_EDGE_STORE(NR, 1, p);                                              \
                p += 2 * FC_N;                                                  \
            } else {                                                            \
                const ptrdiff_t xs = rb - p >= FC_N ? p : rb - FC_N;            \
                FC_VT ev[NR][1];                                                \
                FC_EDGE_COPY(NR, xs, 1);                                              \
                {                                                               \
                    const ptrdiff_t ldi = FC_N + kw - 1;                        \
                    const FC_S *src = pt;                                       \
                    FC_S *o = ob;                                               \
                    FC_COMPUTE(NR, 1, ev);                                      \
                }                                                               \
                FC_EDGE_STORE(NR, 0, xs);                                             \
                p = xs + FC_N;                                                  \
            }                                                                   \
        }                                                                       \
    }
FC_EDGE_FN(FC_FN(edges_blk), FC_BR)
#if FC_BR != 1
FC_EDGE_FN(FC_FN(edges_row), 1)
#else
#define edges_row edges_blk
#endif

/* With masked loads (FC_MLOAD: the AVX-512 units of the real and unsigned
   types, but uint8 in uint16 lanes), kernels up to FC_EDGE_MAXKW taps
   wide and more than one kernel row, the edge vectors read `in` itself
   instead of a padded copy, the lanes outside [0, lim) masked to zero
   (and never a fault there), and those of both sides go together, two
   at a time (an NR x 2 block: 2 NR FMA chains; a 256-wide 'same' row has
   one edge vector a side, which alone kept 4 chains).  The same FMAs in
   the same order on the same values as the copy's: each sum over (i, j)
   in the blocks' order (FC_TAP_J's loop nest, the masks of each tap
   computed once).  On a 64 x 256^2 float32 5x5 'same' batch, the copy
   (and its loads straddling two of the copy's stores: no store
   forwarding) and the 4 chains made the edge vectors ~1.7x the time per
   output of the others; so, ~1.35x (perf), the kernel 4-7% faster. */
#if defined(FC_MLOAD) && !FC_CPLX
#define FC_EDGE_MAXKW 64
/* the mask of lanes l with 0 <= base + l < lim */
static inline unsigned long long FC_FN(lanes)(ptrdiff_t base, ptrdiff_t lim)
{
    const ptrdiff_t lo = base < 0 ? (-base < FC_N ? -base : FC_N) : 0;
    const ptrdiff_t hi = lim - base < FC_N ? (lim - base > 0 ? lim - base : 0) : FC_N;
    return hi > lo ? (~0ull >> (64 - hi)) & (~0ull << lo) : 0;
}
/* vectors at columns vx[0..NC) of rows [r0, r0+NR), into ev */
#define FC_EDGE_MTAPS(NR, NC)                                                   \
    do {                                                                        \
        unsigned long long mk[NC][FC_EDGE_MAXKW];                               \
        for (int c = 0; c < NC; c++)                                            \
            for (ptrdiff_t j = 0; j < kw; j++)                                  \
                mk[c][j] = FC_FN(lanes)(vx[c] + j, lim);                        \
        for (int rr = 0; rr < NR; rr++)                                         \
            for (int c = 0; c < NC; c++)                                        \
                ev[rr][c] = (FC_VT){0};                                         \
        for (ptrdiff_t t = 0; t < kh + NR - 1; t++) {                           \
            const FC_S *irow = in + (r0 + t) * ldi;                             \
            for (ptrdiff_t j = 0; j < kw; j++) {                                \
                FC_VT v[NC];                                                    \
                _Pragma("GCC unroll 8")                                         \
                for (int c = 0; c < NC; c++)                                    \
                    v[c] = (FC_VT)FC_MLOAD(irow + vx[c] + j, mk[c][j]);         \
                _Pragma("GCC unroll 8")                                         \
                for (int rr = 0; rr < NR; rr++) {                               \
                    const ptrdiff_t i = t - rr;                                 \
                    if (i < 0 || i >= kh)                                       \
                        continue;                                               \
                    const FC_VT w = (FC_T)k[i * kw + j] - (FC_VT){0};           \
                    _Pragma("GCC unroll 8")                                     \
                    for (int c = 0; c < NC; c++)                                \
                        ev[rr][c] += w * v[c];                                  \
                }                                                               \
            }                                                                   \
        }                                                                       \
        for (int c = 0; c < NC; c++) {                                          \
            const int sv = st && !l0[c] && (vx[c] + row_start) % FC_N == 0;     \
            for (int rr = 0; rr < NR; rr++) {                                   \
                FC_S *o = ob + rr * ldb + vx[c] - xo;                           \
                if (l0[c])                                                      \
                    FC_FN(storepart)(o, ev[rr][c], l0[c], FC_N);                \
                else if (sv)                                                    \
                    FC_STREAM_STORE(o, ev[rr][c]);                              \
                else                                                            \
                    FC_FN(storeu)(o, ev[rr][c]);                                \
            }                                                                   \
        }                                                                       \
    } while (0)
/* The regions [ra[s], rb[s]) of both sides s (empty: none), laid out in
   vectors as FC_EDGE_FN lays them out (each from its start, the last moved
   back to end at its end, storing only its lanes past the others). */
#define FC_EDGE_MFN(name, NR)                                                   \
    static __attribute__((noinline)) void                                       \
    name(FC_S *ob, ptrdiff_t ldb, ptrdiff_t xo, const FC_S *restrict in, ptrdiff_t ldi, \
         const FC_S *restrict k, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t r0, ptrdiff_t cols, \
         const ptrdiff_t *ra, const ptrdiff_t *rb, ptrdiff_t row_start, int st) \
    {                                                                           \
        const ptrdiff_t lim = cols + kw - 1;                                    \
        ptrdiff_t xs[2 * (FC_EDGE_MAXKW + FC_N) / FC_N + 2], ls[sizeof xs / sizeof *xs]; \
        int n = 0;                                                              \
        for (int s = 0; s < 2; s++) {                                           \
            ptrdiff_t done = ra[s];                                             \
            for (ptrdiff_t p = ra[s]; p < rb[s]; n++) {                         \
                xs[n] = rb[s] - p >= FC_N ? p : rb[s] - FC_N;                   \
                ls[n] = done > xs[n] ? done - xs[n] : 0;                        \
                p = done = xs[n] + FC_N;                                        \
            }                                                                   \
        }                                                                       \
        int v = 0;                                                              \
        for (; v + 2 <= n; v += 2) {                                            \
            FC_VT ev[NR][2];                                                    \
            const ptrdiff_t *vx = xs + v, *l0 = ls + v;                         \
            FC_EDGE_MTAPS(NR, 2);                                               \
        }                                                                       \
        if (v < n) {                                                            \
            FC_VT ev[NR][1];                                                    \
            const ptrdiff_t *vx = xs + v, *l0 = ls + v;                         \
            FC_EDGE_MTAPS(NR, 1);                                               \
        }                                                                       \
    }
FC_EDGE_MFN(FC_FN(medges_blk), FC_BR)
#if FC_BR != 1
FC_EDGE_MFN(FC_FN(medges_row), 1)
#else
#define medges_row medges_blk
#endif
#define FC_EDGE_MCALL(NR, st)                                                   \
    do {                                                                        \
        const ptrdiff_t ra[2] = {eh ? x0 - padl : 0, et ? xe : 0};              \
        const ptrdiff_t rb[2] = {eh ? xb : 0, et ? x1 + padr : 0};              \
        (NR == 1 ? FC_FN(medges_row) : FC_FN(medges_blk))(                      \
            ob, ldb, xo, in, ldi, k, kh, kw, r0, cols, ra, rb, row_start, st);  \
    } while (0)
/* (borders up to FC_EDGE_MAXKW columns a side: the vector lists' size) */
#define FC_EDGE_MASKED(NR)                                                      \
    (!FC_NARROW && kw <= FC_EDGE_MAXKW && padl <= FC_EDGE_MAXKW &&              \
     padr <= FC_EDGE_MAXKW && !(FC_SLIDE1 && NR == 1 && kh == 1))
#else
#define FC_EDGE_MCALL(NR, st) do { } while (0)
#define FC_EDGE_MASKED(NR) 0
#endif
/* FC_PFROWS for the edge vectors: the lines of input columns [a, b) of the
   rows the next row block reads first (FC_BLOCK asks for the band's, from
   the columns of each block; without these the next block's edge vectors,
   computed first, waited for their lines: a 64 x 256^2 float32 5x5 'same'
   batch spent ~30% of its time on the left edge's first loads when its
   input came from memory) */
#define FC_EDGE_PF(NR, a, b)                                                    \
    do {                                                                        \
        if (!FC_PFROWS || NR == 1 || (b) <= (a))                                \
            break;                                                              \
        for (int q = 0; q < NR; q++) {                                          \
            const FC_S *pr = in + (r0 + kh + NR - 1 + q) * ldi * FC_E;          \
            for (ptrdiff_t e = (a) * FC_E; e < (b) * FC_E;                      \
                 e += FC_VBYTES / (ptrdiff_t)sizeof(FC_S))                      \
                __builtin_prefetch(pr + e, 0, 2);                               \
            __builtin_prefetch(pr + (b) * FC_E - 1, 0, 2);                      \
        }                                                                       \
    } while (0)
#define FC_EDGES(NR, st)                                                        \
    if (phead)                                                                  \
        FC_EDGE_PF(NR, x0 - padl > 0 ? x0 - padl : 0,                           \
                   xb + kw - 1 < cols + kw - 1 ? xb + kw - 1 : cols + kw - 1);  \
    if (ptail)                                                                  \
        FC_EDGE_PF(NR, xe, cols + kw - 1);                                      \
    if ((eh || et) && FC_EDGE_MASKED(NR))                                       \
        FC_EDGE_MCALL(NR, st);                                                  \
    else                                                                        \
        for (int side = 0; side < 2; side++) {                                  \
            if (!(side ? et : eh))                                              \
                continue;                                                       \
            (NR == 1 ? FC_FN(edges_row) : FC_FN(edges_blk))(                    \
                ob, ldb, xo, in, ldi, k, kh, kw, r0, cols, side ? xe : x0 - padl, \
                side ? x1 + padr : xb, row_start, st, pt);                      \
        }

/* FC_FOLD (with FC_EDGE_MASKED, float and double): a side whose edge
   region is one vector (padl + hl == N: every 'same' / 'full' border up
   to a vector wide) goes into the full-size block next to it, whose
   loads of that vector are masked as FC_EDGE_MTAPS's (FC_LD_L, FC_LD_R;
   the masks of each tap once per band, mkl / mkr in run): the same FMAs
   in the same order on the same values, so the same bits, without the
   edge function's rolled, branchy tap loop and its 2-vector block (a
   256-wide 'same' row: E | 6 6 2 | E became 6 | 4 | 6; the edge vectors
   cost ~2.5x the others per output: 21% of a 64 x 256^2 float32 5x5
   'same' batch).  Rows of full-size blocks only (NR == FC_BR), and only
   when the middle has room for both blocks' other vectors; otherwise
   FC_EDGES as before.  FC_FOLD_SIDES sets fl, fr: the sides folded
   (FC_EDGES then computes only the others' edge vectors, prefetching as
   before); FC_FOLD_BLOCKS computes their blocks and moves xb, xe past
   them. */
#if defined(FC_MLOAD) && FC_KIND == FC_K_REAL
#define FC_FOLD 1
#define FC_LD_L(c, NC, j) ((c) == 0 ? (FC_VT)FC_MLOAD(irow + (j), mkl[j]) : FC_LD(c, NC, j))
#define FC_LD_R(c, NC, j)                                                       \
    ((c) == (NC) - 1 ? (FC_VT)FC_MLOAD(irow + (c) * FC_W + (j), mkr[j]) : FC_LD(c, NC, j))
#define FC_FOLD_SIDES(NR)                                                       \
    do {                                                                        \
        if (NR != FC_BR || !FC_EDGE_MASKED(NR))                                 \
            break;                                                              \
        fl = phead && padl + hl == FC_N;                                        \
        fr = ptail && hr + padr == FC_N;                                        \
        if (xe - xb < (fl + fr) * (FC_BC - 1) * FC_N)                           \
            fl = fr = 0;                                                        \
    } while (0)
#define FC_FOLD_BLOCKS(NR)                                                      \
    do {                                                                        \
        if (fl) {                                                               \
            FC_S *o = ob + (x0 - padl - xo) * FC_E;                             \
            const FC_S *src = in + (r0 * ldi + x0 - padl) * FC_E;               \
            FC_BLOCK_LD(NR, FC_BC, st, FC_LD_L);                                \
            xb += (FC_BC - 1) * FC_N;                                           \
        }                                                                       \
        if (fr) {                                                               \
            xe -= (FC_BC - 1) * FC_N;                                           \
            FC_S *o = ob + (xe - xo) * FC_E;                                    \
            const FC_S *src = in + (r0 * ldi + xe) * FC_E;                      \
            FC_BLOCK_LD(NR, FC_BC, st, FC_LD_R);                                \
        }                                                                       \
    } while (0)
#else
#define FC_FOLD 0
#define FC_FOLD_SIDES(NR) do { } while (0)
#define FC_FOLD_BLOCKS(NR) do { } while (0)
#endif

/* whether rows [r0, r0+NR) read no missing input row (FC_T0): only those
   get edge columns */
#define FC_FULL(NR) (r0 >= zb && r0 + kh + (NR) - 1 <= ze)

/* Rows [r0, r0+NR) of the tile [x0, x1) (elements): blocks of NC vectors,
   then smaller blocks.  A ragged tail is computed as one vector ending at
   x1 *before* the columns it overlaps are updated (they may be accumulated
   into), and stored last: whole (every output goes through the same vector
   FMAs, so the overlapped lanes are rewritten with the values already
   there), or, after streaming blocks, only its lanes past them. */
#define FC_ROWS(NR, NC)                                                         \
    do {                                                                        \
        /* xb, xe: where the blocks start and end.  With streaming stores,  \
           xb is the first vector-aligned column, the columns before it     \
           computed as one vector at x0 (same FMAs, so the same values) of  \
           which only they are stored.  With zero-filled edge columns       \
           (padl / padr, see fc_corr2d_valid), the band's first hl and last \
           hr columns are in the edge regions' vectors (FC_EDGES), computed \
           first, or in the folded blocks (FC_FOLD), after which xb and xe  \
           move past those blocks' other vectors. */                        \
        const int phead = padl && x0 == 0 && FC_FULL(NR);                       \
        const int ptail = padr && x1 == cols && FC_FULL(NR);                    \
        ptrdiff_t xb = phead ? x0 + hl : x0;                                    \
        ptrdiff_t xe = ptail ? x1 - hr : x1;                                    \
        int st = 0;                                                             \
        if (stream_b && x1 - x0 >= 2 * FC_N) {                                  \
            const size_t mis = (uintptr_t)(ob + (x0 - xo) * FC_E) % FC_VBYTES;     \
            if (mis % (sizeof(FC_S) * FC_E) == 0) {                             \
                st = 1;                                                         \
                /* the next row block's first and last lines, which get     \
                   ordinary stores (they read the line first): asked for    \
                   now, a block ahead of use */                              \
                const int pend = !ptail && (uintptr_t)(ob + (x1 - xo) * FC_E) % FC_VBYTES != 0; \
                for (int rr = NR; rr < 2 * NR; rr++) {                          \
                    if (mis && !phead)                                          \
                        __builtin_prefetch(ob + (rr * ldb + x0 - xo) * FC_E, 1, 3); \
                    if (pend)                                                   \
                        __builtin_prefetch(ob + (rr * ldb + x1 - 1 - xo) * FC_E, 1, 3); \
                }                                                               \
                if (mis && !phead) {                                            \
                    FC_S *o = ob + (x0 - xo) * FC_E;                            \
                    const FC_S *src = in + (r0 * ldi + x0) * FC_E;              \
                    xb = x0 + (ptrdiff_t)((FC_VBYTES - mis) / (sizeof(FC_S) * FC_E)); \
                    FC_VT head[NR][1];                                          \
                    FC_COMPUTE(NR, 1, head);                                    \
                    for (int rr = 0; rr < NR; rr++)                             \
                        FC_FN(storepart)(o + rr * ldb * FC_E, head[rr][0], 0, xb - x0); \
                }                                                               \
            }                                                                   \
        }                                                                       \
        int fl = 0, fr = 0;                                                     \
        FC_FOLD_SIDES(NR);                                                      \
        const int eh = phead && !fl, et = ptail && !fr;                         \
        FC_EDGES(NR, st);                                                       \
        FC_FOLD_BLOCKS(NR);                                                     \
        ptrdiff_t xm = xb + ((xe - xb) / FC_N) * FC_N;                          \
        if (xm == xb) {   /* (fewer than a vector between the edge vectors) */ \
            for (ptrdiff_t x = xb; x < xe; x++)                                 \
                for (int rr = 0; rr < NR; rr++)                                 \
                    FC_SCALAR(rr, x);                                           \
            break;                                                              \
        }                                                                       \
        FC_VT tail[NR][1];                                                      \
        for (int rr = 0; rr < NR; rr++)                                         \
            tail[rr][0] = (FC_VT){0};                                           \
        if (xm < xe) {                                                          \
            FC_S *o = ob + (xe - FC_N - xo) * FC_E;                             \
            const FC_S *src = in + (r0 * ldi + xe - FC_N) * FC_E;               \
            FC_COMPUTE(NR, 1, tail);                                            \
        }                                                                       \
        ptrdiff_t x = xb;                                                       \
        for (; x + NC * FC_N <= xm; x += NC * FC_N) {                           \
            FC_S *o = ob + (x - xo) * FC_E;                                     \
            const FC_S *src = in + (r0 * ldi + x) * FC_E;                       \
            FC_BLOCK(NR, NC, st);                                               \
            FC_DRAIN(NR, x);                                                     \
            if (hook)                                                           \
                hook(hctx);                                                     \
        }                                                                       \
        /* leftover vectors: blocks of 4, 2, 1 (keeps FMAs in flight on     \
           narrow images) */                                                   \
        while (x < xm) {                                                        \
            FC_S *o = ob + (x - xo) * FC_E;                                     \
            const FC_S *src = in + (r0 * ldi + x) * FC_E;                       \
            const ptrdiff_t nv = (xm - x) / FC_N;                               \
            if (nv >= 4 && NC > 4) {                                            \
                FC_BLOCK(NR, 4, st);                                            \
                x += 4 * FC_N;                                                  \
            } else if (nv >= 2) {                                               \
                FC_BLOCK(NR, 2, st);                                            \
                x += 2 * FC_N;                                                  \
            } else {                                                            \
                FC_BLOCK(NR, 1, st);                                            \
                x += FC_N;                                                      \
            }                                                                   \
        }                                                                       \
        /* the whole tail vector: its lanes before xm hold the values the   \
           blocks stored there (same FMAs from the same starting values);   \
           after streaming blocks only its lanes from xm on, as the head    \
           above (an ordinary store into a line just streamed to would wait \
           for the line to go to memory and read it back) */                \
        if (xm < xe)                                                            \
            for (int rr = 0; rr < NR; rr++) {                                   \
                FC_S *o = ob + (rr * ldb + xe - FC_N - xo) * FC_E;              \
                if (st)                                                         \
                    FC_FN(storepart)(o, tail[rr][0], FC_N - (xe - xm), FC_N);   \
                else                                                            \
                    FC_FN(storeu)(o, tail[rr][0]);                              \
            }                                                                   \
    } while (0)

#if defined(FC_STREAM)
#define FC_ODD_STREAM 1
/* Rows [0, nr) of the scratch block `src` (row pitch lds) to `dst` (row
   pitch ldo), each source row at the same address modulo FC_VBYTES as its
   destination: drain streams the whole vectors of bytes [dn[rr], upto) of
   row rr (dn[rr]: where they start, the first vector boundary, then how
   far they went), while the block is computed (the streamed stores then
   overlap its arithmetic, as the blocks' own streamed stores do: copied
   out after it, a 2048^2 float32 5x5 'same' was ~12% slower); copyout
   the rest of n elements, the partial lines at the ends by ordinary
   stores. */
static inline size_t FC_FN(head)(const FC_S *dst, size_t bytes)
{
    const size_t head = (FC_VBYTES - (uintptr_t)dst % FC_VBYTES) % FC_VBYTES;
    return head < bytes ? head : bytes;
}
static void FC_FN(drain)(FC_S *dst, ptrdiff_t ldo, const FC_S *src, ptrdiff_t lds,
                         ptrdiff_t nr, size_t *dn, size_t upto)
{
    for (ptrdiff_t rr = 0; rr < nr; rr++) {
        unsigned char *d = (unsigned char *)(dst + rr * ldo * FC_E);
        const unsigned char *s = (const unsigned char *)(src + rr * lds * FC_E);
        size_t p = dn[rr];
        for (; p + FC_VBYTES <= upto; p += FC_VBYTES) {
            FC_VT v;
            memcpy(&v, s + p, sizeof v);
            FC_STREAM(d + p, v);
        }
        dn[rr] = p;
    }
}
static void FC_FN(copyout)(FC_S *dst, ptrdiff_t ldo, const FC_S *src, ptrdiff_t lds,
                           ptrdiff_t nr, ptrdiff_t n, size_t *dn)
{
    const size_t bytes = (size_t)n * FC_E * sizeof(FC_S);
    FC_FN(drain)(dst, ldo, src, lds, nr, dn, bytes);
    for (ptrdiff_t rr = 0; rr < nr; rr++) {
        unsigned char *d = (unsigned char *)(dst + rr * ldo * FC_E);
        const unsigned char *s = (const unsigned char *)(src + rr * lds * FC_E);
        memcpy(d, s, FC_FN(head)(dst + rr * ldo * FC_E, bytes));
        if (dn[rr] < bytes)
            memcpy(d + dn[rr], s + dn[rr], bytes - dn[rr]);
    }
}
#else
#define FC_ODD_STREAM 0
#endif

/* Each row block of a tile goes to `out` (the block's stores streaming when
   `stream`), or, with `scratch` (streaming asked for, but rows that are not
   a whole number of vectors long start at different alignments), is
   computed into a scratch block whose rows have the alignments of theirs
   (pitch lds = ldo modulo a vector) and copied out with streaming stores. */
static inline __attribute__((always_inline)) void
FC_FN(run)(FC_S *restrict out, ptrdiff_t ldo, const FC_S *restrict in, ptrdiff_t ldi,
           const FC_S *restrict k, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t rows,
           ptrdiff_t cols, int accumulate, int stream, FC_S *restrict scratch, ptrdiff_t lds,
           ptrdiff_t padl, ptrdiff_t padr, ptrdiff_t row_start, FC_S *restrict pt,
           ptrdiff_t zb, ptrdiff_t ze, void (*hook)(void *), void *hctx)
{
    /* band columns in the first / last edge vector (FC_ROWS, FC_EDGES) */
    const ptrdiff_t hl = (FC_N - row_start % FC_N) % FC_N, hr = (row_start + cols) % FC_N;
#if FC_FOLD
    /* the folded edge vectors' masks per tap (FC_FOLD: the left one at
       column -padl of x0 == 0, the right one ending at cols + padr) */
    unsigned long long mkl[FC_EDGE_MAXKW], mkr[FC_EDGE_MAXKW];
    for (ptrdiff_t j = 0; j < kw && j < FC_EDGE_MAXKW; j++) {
        mkl[j] = FC_FN(lanes)(j - padl, cols + kw - 1);
        mkr[j] = FC_FN(lanes)(cols + padr - FC_N + j, cols + kw - 1);
    }
#endif
    FC_S *ob;            /* the block's first output row at column xo */
    ptrdiff_t ldb, xo;   /* its row pitch (elements) */
    int stream_b;
    /* the scratch rows' room for the padl edge columns before column x0
       (whole vectors: the alignments stay those of the output rows) */
    const ptrdiff_t ve = FC_VBYTES / (ptrdiff_t)(FC_E * sizeof(FC_S));
    const ptrdiff_t spre = (padl + ve - 1) / ve * ve;
    (void)spre;
    /* (through the scratch block: the columns copied out are the tile's
       and the edge columns computed with it, el before and er after) */
    ptrdiff_t el = 0, er = 0;
    size_t dn[FC_BR];
    (void)dn, (void)el, (void)er;
#define FC_ROWS_TO(NR, NC)                                                      \
    do {                                                                        \
        el = padl && x0 == 0 && FC_FULL(NR) ? padl : 0;                         \
        er = padr && x1 == cols && FC_FULL(NR) ? padr : 0;                      \
        if (FC_ODD_STREAM && scratch) {                                         \
            for (int rr = 0; rr < NR; rr++)                                     \
                dn[rr] = FC_FN(head)(out + ((r0 + rr) * ldo + x0 - el) * FC_E,  \
                                     (size_t)(x1 - x0 + el + er) * FC_E * sizeof(FC_S)); \
            const size_t mis = (uintptr_t)(out + (r0 * ldo + x0) * FC_E) % FC_VBYTES; \
            ob = scratch + spre * FC_E + mis / sizeof(FC_S), ldb = lds, xo = x0, stream_b = 0; \
        } else {                                                                \
            ob = out + r0 * ldo * FC_E, ldb = ldo, xo = 0, stream_b = stream;   \
        }                                                                       \
        FC_ROWS(NR, NC);                                                        \
        FC_COPYOUT(NR);                                                         \
    } while (0)
#if FC_ODD_STREAM
#define FC_COPYOUT(NR)                                                          \
    if (scratch)                                                                \
        FC_FN(copyout)(out + (r0 * ldo + x0 - el) * FC_E, ldo, ob - el * FC_E, lds, NR, \
                       x1 - x0 + el + er, dn)
/* (FC_ROWS, after the block at column xc: the columns before it, all
   computed; not the block's own, whose unaligned stores may still wait in
   the store buffer, where the aligned loads spanning two of them would
   wait for them: ~3% slower, measured) */
#define FC_DRAIN(NR, xc)                                                        \
    if (scratch)                                                                \
        FC_FN(drain)(out + (r0 * ldo + x0 - el) * FC_E, ldo, ob - el * FC_E, lds, NR, dn, \
                     (size_t)((xc) - x0 + el) * FC_E * sizeof(FC_S))
#else
#define FC_COPYOUT(NR) (void)lds
#define FC_DRAIN(NR, xc) do { } while (0)
#endif
    for (ptrdiff_t x0 = 0, x1; x0 < cols; x0 = x1) {
        x1 = x0 + FC_TILE;
        if (cols - x1 < FC_N)   /* no tile narrower than a vector, but the only one */
            x1 = cols;
        ptrdiff_t r0 = 0;
        /* the rows that read missing input rows (FC_T0), first [0, rt) and
           last [rm, rows), one at a time; the others [rt, rm) in blocks */
        const ptrdiff_t rt = zb <= 0 ? 0 : zb < rows ? zb : rows;
        const ptrdiff_t rm = ze - kh + 1 > rows ? rows : ze - kh + 1 < rt ? rt : ze - kh + 1;
        for (; r0 < rt; r0++)
            FC_ROWS_TO(1, FC_B1);
        /* (kh == 1: no row shares an input row, and every row goes through
           FC_SLIDE, whatever the split of the rows) */
        if (!(FC_SLIDE1 && kh == 1))
            for (; r0 + FC_BR <= rm; r0 += FC_BR)
                FC_ROWS_TO(FC_BR, FC_BC);
        /* leftover rows (all rows of a 1-D signal): one row, more vectors,
           to keep enough FMAs in flight */
        for (; r0 < rows; r0++)
            FC_ROWS_TO(1, FC_B1);
    }
#undef FC_ROWS_TO
#undef FC_COPYOUT
#undef FC_DRAIN
}

/* Long single kernel rows of real types (kh == 1, kw > FC_SLIDE_TAPS: a
   maxlag window, 201 outputs x 10^6 taps).  The same FMAs in the same
   order as FC_SLIDE's tiles (and FC_SCALAR): per output, tap tile t, then
   phase s, then j = t + s, t + s + N, ...; only the grouping of the output
   vectors differs, which never changes a sum.  Per tap tile, the outputs
   go in groups of FC_LONG_MIN..FC_LONG_MAX vectors, as even as possible:
   each group keeps that many FMA chains in flight (FMA latency x pipes),
   where FC_ROWS's leftover blocks of 1-2 vectors (and a ragged tail
   vector) would wait on one chain each; a ragged end is covered by moving
   the last group back to end at the last output (its overlapped lanes are
   the same sums), accumulated in a buffer of its own.  The first group
   prefetches the next tile of taps and input (from memory: the kernel is
   read once). */
#ifndef FC_LONG_MIN   /* (2 x FC_LONG_MAX + 1 registers) */
#define FC_LONG_MIN 6
#define FC_LONG_MAX 7
#endif
#if FC_KIND == FC_K_REAL && FC_SLIDE1_ON
#define FC_LONG_STEP(NC, u)                                                     \
    do {                                                                        \
        const FC_VT w = k[(q + (u)) * FC_N + s] - (FC_VT){0};                   \
        if (pfs) {                                                              \
            __builtin_prefetch(k + FC_SLIDE_TAPS + (q + (u)) * FC_N, 0, 2);     \
            __builtin_prefetch(src + FC_SLIDE_TAPS + (q + (u)) * FC_N, 0, 2);   \
        }                                                                       \
        _Pragma("GCC unroll 16")                                                \
        for (int c = 0; c < NC; c++)                                            \
            acc[c] += w * win[((u) + c) % NC];                                  \
        if (q + (u) + 1 < qe)                                                   \
            win[(u)] = FC_FN(loadu)(src + (q + (u) + NC) * FC_W + s);           \
    } while (0)
/* One group of NC output vectors, taps [0, tw) of a tile: acc_io holds
   the group's sums (read unless `first`, stored). */
#define FC_LONG_GROUP(NC)                                                       \
    static void FC_FN(long##NC)(FC_S *restrict acc_io, const FC_S *restrict src, \
                                const FC_S *restrict k, ptrdiff_t tw, int first, int pf) \
    {                                                                           \
        FC_VT acc[NC];                                                          \
        for (int c = 0; c < NC; c++)                                            \
            acc[c] = first ? (FC_VT){0} : FC_FN(loadu)(acc_io + c * FC_W);      \
        for (ptrdiff_t s = 0; s < FC_N && s < tw; s++) {                        \
            const ptrdiff_t qe = (tw - s + FC_N - 1) / FC_N;                    \
            const int pfs = pf && s == 0;                                       \
            FC_VT win[NC];                                                      \
            _Pragma("GCC unroll 16")                                            \
            for (int c = 0; c < NC; c++)                                        \
                win[c] = FC_FN(loadu)(src + c * FC_W + s);                      \
            ptrdiff_t q = 0;                                                    \
            for (; q + NC <= qe; q += NC) {                                     \
                _Pragma("GCC unroll 16")                                        \
                for (int u = 0; u < NC; u++)                                    \
                    FC_LONG_STEP(NC, u);                                        \
            }                                                                   \
            _Pragma("GCC unroll 16")                                            \
            for (int u = 0; u < NC; u++) {                                      \
                if (q + u >= qe)                                                \
                    break;                                                      \
                FC_LONG_STEP(NC, u);                                            \
            }                                                                   \
        }                                                                       \
        for (int c = 0; c < NC; c++)                                            \
            FC_FN(storeu)(acc_io + c * FC_W, acc[c]);                           \
    }
#define FC_LONG_HAS(NC) (FC_LONG_MIN <= (NC) && (NC) <= FC_LONG_MAX)
#if FC_LONG_HAS(4)
FC_LONG_GROUP(4)
#endif
#if FC_LONG_HAS(5)
FC_LONG_GROUP(5)
#endif
#if FC_LONG_HAS(6)
FC_LONG_GROUP(6)
#endif
#if FC_LONG_HAS(7)
FC_LONG_GROUP(7)
#endif
#if FC_LONG_HAS(8)
FC_LONG_GROUP(8)
#endif
#if FC_LONG_HAS(9)
FC_LONG_GROUP(9)
#endif
#if FC_LONG_HAS(10)
FC_LONG_GROUP(10)
#endif
#if FC_LONG_MIN < 4 || FC_LONG_MAX > 10
#error "FC_LONG_MIN..FC_LONG_MAX: groups of 4 to 10 vectors"
#endif
#define FC_LONG_CASE(NC)                                                        \
    case NC:                                                                    \
        FC_FN(long##NC)(acc_io, src, k, tw, first, pf);                         \
        break;

static void FC_FN(long_group)(ptrdiff_t nc, FC_S *acc_io, const FC_S *src, const FC_S *k,
                              ptrdiff_t tw, int first, int pf)
{
    switch (nc) {
#if FC_LONG_HAS(4)
        FC_LONG_CASE(4)
#endif
#if FC_LONG_HAS(5)
        FC_LONG_CASE(5)
#endif
#if FC_LONG_HAS(6)
        FC_LONG_CASE(6)
#endif
#if FC_LONG_HAS(7)
        FC_LONG_CASE(7)
#endif
#if FC_LONG_HAS(8)
        FC_LONG_CASE(8)
#endif
#if FC_LONG_HAS(9)
        FC_LONG_CASE(9)
#endif
#if FC_LONG_HAS(10)
        FC_LONG_CASE(10)
#endif
    default:
        break;
    }
}

/* Outputs [0, cols) of one row (cols >= FC_LONG_MIN vectors), all kw taps,
   in column chunks of about FC_TILE outputs. */
static void FC_FN(long_row)(FC_S *out, const FC_S *in, const FC_S *k, ptrdiff_t kw,
                            ptrdiff_t cols, int accumulate)
{
    FC_S last[FC_LONG_MAX * FC_W] __attribute__((aligned(64)));
    const ptrdiff_t nch = (cols + FC_TILE - 1) / FC_TILE;
    for (ptrdiff_t ch = 0; ch < nch; ch++) {
        const ptrdiff_t c0 = cols * ch / nch, c1 = cols * (ch + 1) / nch;
        const ptrdiff_t nv = (c1 - c0 + FC_N - 1) / FC_N;  /* vectors, a ragged one too */
        ptrdiff_t ng = (nv + FC_LONG_MAX - 1) / FC_LONG_MAX;
        if (ng == 1 && nv * FC_N > c1 - c0)   /* (one group cannot end at c1) */
            ng = 2;
        /* widths: nv split evenly, or (too few vectors for that) groups of
           FC_LONG_MIN; laid out from c0, the last moved back to end at c1,
           overlapping the one before */
        const int even = nv >= ng * FC_LONG_MIN;
        const ptrdiff_t base = even ? nv / ng : FC_LONG_MIN, extra = even ? nv % ng : 0;
        const ptrdiff_t wl = base;                        /* the last group's width */
        const ptrdiff_t xl = c1 - wl * FC_N;              /* and its first output */
        if (accumulate)
            memcpy(last, out + xl, (size_t)(wl * FC_W) * sizeof(FC_S));
        for (ptrdiff_t t = 0; t < kw; t += FC_SLIDE_TAPS) {
            const ptrdiff_t tw = kw - t < FC_SLIDE_TAPS ? kw - t : FC_SLIDE_TAPS;
            const int first = t == 0 && !accumulate;
            ptrdiff_t x = c0;
            for (ptrdiff_t g = 0; g + 1 < ng; g++) {
                const ptrdiff_t w = base + (g < extra);
                FC_FN(long_group)(w, out + x, in + x + t, k + t, tw, first, g == 0);
                x += w * FC_N;
            }
            FC_FN(long_group)(wl, last, in + xl + t, k + t, tw, first, ng == 1);
        }
        memcpy(out + xl, last, (size_t)(wl * FC_W) * sizeof(FC_S));
    }
}
#undef FC_LONG_STEP
#undef FC_LONG_GROUP
#undef FC_LONG_CASE
#undef FC_LONG_HAS
#define FC_LONG 1
#else
#define FC_LONG 0
#endif

#ifndef FC_SEG_ON
#define FC_SEG_ON 0
#endif
#include "fc_wide_impl.h"

void FC_FN(fc_corr2d_valid)(struct fc_band *b)
{
    FC_S *restrict out = (FC_S *)b->out;
    const FC_S *restrict in = (const FC_S *)b->in;
    const FC_S *restrict k = (const FC_S *)b->k;
    const ptrdiff_t ldo = b->ldo, ldi = b->ldi, kh = b->kh, kw = b->kw;
    const ptrdiff_t rows = b->rows, cols = b->cols;
    /* rows per plane (fc_band.plane_rows; all of them: one plane) */
    const ptrdiff_t prow = b->plane_rows > 0 && b->plane_rows < rows ? b->plane_rows : rows;
    if (prow < rows && (kh == 1 || (FC_SEG && kw >= FC_WIDE_KW))) {
        /* the paths other than `run` (long single rows, lane segments):
           a call per plane */
        struct fc_band c = *b;
        c.plane_rows = 0;
        c.rows = prow;
        for (ptrdiff_t p0 = 0; p0 < rows; p0 += prow) {
            c.out = out + p0 * ldo * FC_E;
            c.in = in + p0 * ldi * FC_E;
            FC_FN(fc_corr2d_valid)(&c);
        }
        b->done_before = c.done_before;
        b->done_after = c.done_after;
        return;
    }
    if (FC_LONG && kh == 1 && kw > FC_SLIDE_TAPS && cols >= FC_LONG_MIN * FC_N) {
#if FC_LONG
        for (ptrdiff_t r = 0; r < rows; r++)
            FC_FN(long_row)(out + r * ldo, in + r * ldi, k, kw, cols, b->accumulate);
#endif
        b->done_before = b->done_after = 0;
        return;
    }
    if (FC_SLIDE1 && kh == 1 && kw > FC_SLIDE_TAPS) {
        /* A single-row kernel longer than a tap tile (FC_SLIDE): tile by
           tile over all the outputs, accumulating, so that each tile of
           the kernel and of the input is read from memory once rather
           than once per block of outputs (a maxlag window: 201 outputs of
           10^6 taps).  The same FMAs in the same order as FC_SLIDE's tiles
           (and FC_SCALAR): the same bits.  No zero-filled edge columns
           (their buffer holds no such kernel anyway). */
        for (ptrdiff_t t = 0; t < kw; t += FC_SLIDE_TAPS) {
            struct fc_band c = {0};
            c.out = out;
            c.ldo = ldo;
            c.in = in + t * FC_E;
            c.ldi = ldi;
            c.k = k + t * FC_E;
            c.kh = 1;
            c.kw = kw - t < FC_SLIDE_TAPS ? kw - t : FC_SLIDE_TAPS;
            c.rows = rows;
            c.cols = cols;
            c.accumulate = t > 0 || b->accumulate;
            FC_FN(fc_corr2d_valid)(&c);
        }
        b->done_before = b->done_after = 0;
        return;
    }
    const int accumulate = b->accumulate != 0;
    /* Zero-filled edge columns (see fc_kernels.h): the vectors are laid
       out from the start of the row (b->row_start columns before the band),
       and all the edge columns allowed before (after) the band are
       computed too, padl = edge_before (padr = edge_after), reading the
       input outside [0, cols + kw - 1) as zero (FC_EDGES), when they
       include the cl (cr) that share the band's first (last) vector and
       make at least a vector with its band columns.  The row then needs no
       partial store (an ordinary store into a line whose other part is
       streamed, and a part-line read for ownership: measured 8% of a
       2048^2 float32 3x3 or 5x5 'same' band), and the caller no border
       code for them (a 1024^2 5x63 'same' no padded copy of the input,
       _window.zero_edges).  Whether it does depends only on the arguments,
       not on the addresses (so neither do the results); rows == 0 computes
       nothing but says what it would do (done_before, done_after). */
    ptrdiff_t padl = 0, padr = 0;
    /* (+ a spare vector: FC_EDGES' zeros past a row end in whole vectors) */
    FC_S pt[FC_PADTMP / sizeof(FC_S) + FC_W] __attribute__((aligned(64)));
    const ptrdiff_t row_start = b->row_start;
    {
        const size_t es = sizeof(FC_S) * FC_E;
        if (!FC_NARROW && !accumulate && cols >= 2 * FC_N && row_start >= 0 &&
            (uintptr_t)out % es == 0 &&
            (size_t)(kh + FC_BR - 1) * (size_t)(2 * FC_N + kw - 1) * es <= FC_PADTMP) {
            const ptrdiff_t cl = row_start % FC_N;
            const ptrdiff_t cr = (FC_N - (row_start + cols) % FC_N) % FC_N;
            const ptrdiff_t eb = b->edge_before, ea = b->edge_after;
            padl = cl <= eb && eb + (FC_N - cl) % FC_N >= FC_N ? eb : 0;
            padr = cr <= ea && ea + (FC_N - cr) % FC_N >= FC_N ? ea : 0;
        }
        b->done_before = padl;
        b->done_after = padr;
    }
    /* the input rows there are, [zb, ze) (fc_kernels.h: missing rows; of
       each plane, which has prow rows) */
    const ptrdiff_t zb = kh > 1 ? b->zero_before : 0;
    const ptrdiff_t ze = prow + kh - 1 - (kh > 1 ? b->zero_after : 0);
#if FC_SEG
    /* wide kernels: lane segments (fc_wide_impl.h), the same sums; with
       missing input rows, for the rows that read none of them (rt, rm as
       in run), the others as below */
    {
        const ptrdiff_t rt = zb <= 0 ? 0 : zb < rows ? zb : rows;
        const ptrdiff_t rm = ze - kh + 1 > rows ? rows : ze - kh + 1 < rt ? rt : ze - kh + 1;
        if (!accumulate && FC_SEG_WANT(kh, kw, rm - rt) &&
            FC_FN(seg_band)(out + rt * ldo * FC_E, ldo, in + rt * ldi * FC_E, ldi, k, kh, kw,
                            rm - rt, cols, padl, padr, b->hook, b->hook_ctx)) {
            if (rt == 0 && rm == rows)
                return;
            /* the rows that read missing ones: no edge columns, no
               streaming stores (a few rows) */
            FC_FN(run)(out, ldo, in, ldi, k, kh, kw, rt, cols, 0, 0, NULL, 0, padl, padr,
                       row_start, pt, zb, ze, b->hook, b->hook_ctx);
            FC_FN(run)(out + rm * ldo * FC_E, ldo, in + rm * ldi * FC_E, ldi, k, kh, kw,
                       rows - rm, cols, 0, 0, NULL, 0, padl, padr, row_start, pt, zb - rm,
                       ze - rm, b->hook, b->hook_ctx);
            return;
        }
    }
#endif
    int stream = 0;
    FC_S *scratch = NULL;
    ptrdiff_t lds = 0;
#if FC_ODD_STREAM
    void *mem = NULL;
    /* Streaming stores pay for row blocks (+7% to +40% on 2048^2 and
       1024^2 images, 3x3 to 7x7) but not for a single row (1-D: 12-20%
       slower, measured), which keeps ordinary stores; so do narrow types
       (uint8), whose stores are half a vector.  Rows that all start at the
       same vector alignment (a whole number of vectors apart) are streamed
       by the blocks themselves, others through a scratch block. */
    stream = b->stream && !accumulate && !FC_NARROW && rows > 1 &&
             (uintptr_t)out % sizeof(FC_S) == 0;
    /* rows a whole number of vectors apart: all at one alignment */
    const int rows_aligned = ((size_t)ldo * FC_E * sizeof(FC_S)) % FC_VBYTES == 0;
    /* (padded edges lay the vectors out from the row's start, whatever
       the addresses: the blocks stream them only if every row starts where
       the streamed stores' alignment is; otherwise, as rows at different
       alignments, through the scratch block, which computes the same
       vectors, so the same bits, and streams them out.  Not streaming
       instead: a 2048^2 float32 5x5 'same' into an out= at 16 bytes past
       a line, as NumPy allocates large arrays, was 35-45% slower.) */
    const int rows_whole = rows_aligned &&
        (!(padl || padr) || (uintptr_t)(out - row_start % FC_N * FC_E) % FC_VBYTES == 0);
    if (stream && !rows_whole) {
        const ptrdiff_t ve = FC_VBYTES / (ptrdiff_t)(FC_E * sizeof(FC_S)); /* elements per vector */
        const ptrdiff_t tw = cols < FC_TILE + FC_N ? cols : FC_TILE + FC_N; /* widest tile */
        /* a row: the room before column 0 for padl (run's spre), the
           tile's start within a vector, the tile, padr after it */
        const ptrdiff_t pre = (padl + ve - 1) / ve * ve;
        lds = (pre + tw + padr + 2 * ve - 1) / ve * ve + ldo % ve;
        const size_t bytes = ((size_t)FC_BR * lds + ve) * FC_E * sizeof(FC_S);
        mem = malloc(bytes + FC_VBYTES);
        if (mem)
            scratch = (FC_S *)((unsigned char *)mem +
                               (FC_VBYTES - (uintptr_t)mem % FC_VBYTES) % FC_VBYTES);
        else
            stream = 0;   /* no memory for it: ordinary stores */
    }
#endif
    /* Small kernel widths get their own copy with the tap loop unrolled,
       where the unit's FC_COPIES (fc_simd_unit.h, from the instruction
       set's list) has the width's bit: only the copies that a measured row
       pays for, as each copy costs compile time (issue 15: a 3-width copy
       set is 60-80% of a unit's).  An `if` on a constant, so the copies
       not listed are not compiled. */
    /* (plane by plane: fc_band.plane_rows; each plane's rows as a band
       of their own, the missing rows [0, zb) and [ze, prow + kh - 1) of
       each; the loop outside run, whose code stays that of one plane: a
       loop over planes around its row blocks, inside it, made a 2048^2
       float32 5x5 band 6% slower) */
    for (ptrdiff_t p0 = 0; p0 < rows; p0 += prow) {
        FC_S *const po = out + p0 * ldo * FC_E;
        const FC_S *const pi = in + p0 * ldi * FC_E;
        if (FC_WIDTH_COPY(3) && kw == 3)
            FC_FN(run)(po, ldo, pi, ldi, k, kh, 3, prow, cols, accumulate, stream, scratch, lds,
                       padl, padr, row_start, pt, zb, ze, b->hook, b->hook_ctx);
        else if (FC_WIDTH_COPY(5) && kw == 5)
            FC_FN(run)(po, ldo, pi, ldi, k, kh, 5, prow, cols, accumulate, stream, scratch, lds,
                       padl, padr, row_start, pt, zb, ze, b->hook, b->hook_ctx);
        else if (FC_WIDTH_COPY(7) && kw == 7)
            FC_FN(run)(po, ldo, pi, ldi, k, kh, 7, prow, cols, accumulate, stream, scratch, lds,
                       padl, padr, row_start, pt, zb, ze, b->hook, b->hook_ctx);
        else
            FC_FN(run)(po, ldo, pi, ldi, k, kh, kw, prow, cols, accumulate, stream, scratch, lds,
                       padl, padr, row_start, pt, zb, ze, b->hook, b->hook_ctx);
    }
#if FC_ODD_STREAM
    free(mem);
    if (stream)
        FC_STREAM_FENCE();   /* the streamed stores are ordered before any later store */
#endif
}

#undef FC_TAPS
#undef FC_TAP_J
#undef FC_UNROLL_MAX
#undef FC_EDGES
#undef FC_EDGE_PF
#undef FC_EDGE_FN
#undef FC_EDGE_COPY
#undef FC_EDGE_MTAPS
#undef FC_EDGE_MFN
#undef FC_EDGE_MCALL
#undef FC_EDGE_MASKED
#undef FC_EDGE_MAXKW
#undef FC_EDGE_STORE
#undef FC_VCOPY
#undef FC_VCOPY1
#undef FC_ODD_STREAM
#undef FC_SLIDE
#undef FC_SLIDE_STEP
#undef FC_SLIDE_TAPS
#undef FC_SLIDE1
#undef FC_LONG
#undef FC_LONG_MIN
#undef FC_LONG_MAX
#undef FC_SEG
#undef FC_SEG_ON
#undef FC_SEG_R
#undef FC_SEG_C
#undef FC_SEG_TMAX
#undef FC_SEG_BUF
#undef FC_SEG_WANT
#undef FC_COMPUTE
#undef FC_COMPUTE_LD
#undef FC_BLOCK_LD
#undef FC_LD
#undef FC_LD_L
#undef FC_T0
#undef FC_T1
#undef FC_ROW_IN
#undef FC_FULL
#undef FC_LD_R
#undef FC_FOLD
#undef FC_FOLD_SIDES
#undef FC_FOLD_BLOCKS
#undef FC_BLOCK
#undef FC_STORE_BLOCK
#undef FC_STREAM_STORE
#undef FC_PFROWS
#undef FC_SCALAR
#undef FC_ROWS
#undef FC_SWAP_IDX
#undef FC_SIGNS
#undef FC_MUL
#undef FC_MADD
#undef FC_W
#undef FC_PFD
#undef FC_E
#undef FC_N
#undef FC_VT
#undef FC_FN
#undef FC_NARROW
