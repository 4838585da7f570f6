/*
 * fc_pairs.c - exact integer work units on int16 pairs (see fc_pairs.h).
 */
#include <string.h>

#include "fc_kernels.h"
#include "fc_pairs.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && \
    (defined(FC_HAVE_AVX2) || defined(FC_HAVE_AVX512))
#include <immintrin.h>
#define FC_PAIRS_X86 1
#endif

/* Outputs per row block of the vector loops (4 vectors of the widest ISA);
   the buffer rows are filled that far, rounded up. */
#define FC_PB 64

static ptrdiff_t fc_pairs_pitch(ptrdiff_t cols, ptrdiff_t kwp)
{
    ptrdiff_t w = (cols + FC_PB - 1) / FC_PB * FC_PB + 2 * kwp;
    return (w + 15) / 16 * 16;
}

size_t fc_pairs_buf_bytes(ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t kh, ptrdiff_t kwp)
{
    ptrdiff_t ldp = fc_pairs_pitch(cols, kwp);
    /* pair rows, then one int16 row of the widened values */
    return (size_t)(rows + kh - 1) * (size_t)ldp * 4 + (size_t)(ldp + 1) * 2 + 64;
}

/* Widened values of X's row y, columns c0 .. c0 + w - 1, into t. */
static void fc_pairs_widen(int16_t *t, ptrdiff_t w, const void *src, int src_code,
                           ptrdiff_t lds, ptrdiff_t ny, ptrdiff_t nx, ptrdiff_t y,
                           ptrdiff_t c0, int16_t fill)
{
    ptrdiff_t lo = 0, hi = 0;
    if (src && y >= 0 && y < ny) {
        lo = c0 < 0 ? -c0 : 0;
        lo = lo < w ? lo : w;
        hi = nx - c0 < w ? nx - c0 : w;
        hi = hi > lo ? hi : lo;
    }
    for (ptrdiff_t c = 0; c < lo; c++)
        t[c] = fill;
    if (hi > lo) {
        ptrdiff_t off = y * lds + c0;
        if (src_code == 1) {
            const uint8_t *s = (const uint8_t *)src + off;
            for (ptrdiff_t c = lo; c < hi; c++)
                t[c] = (int16_t)s[c];
        } else if (src_code == 2) {
            const int8_t *s = (const int8_t *)src + off;
            for (ptrdiff_t c = lo; c < hi; c++)
                t[c] = (int16_t)s[c];
        } else {
            memcpy(t + lo, (const int16_t *)src + off + lo, (size_t)(hi - lo) * 2);
        }
    }
    for (ptrdiff_t c = hi; c < w; c++)
        t[c] = fill;
}

/* out[r*ldo + c] = sum_{i<kh, q<kwp} dot2(P[(r+i)*ldp + c + 2q], kp[i*kwp + q]) */
static void fc_pairs_scalar(int32_t *out, ptrdiff_t ldo, ptrdiff_t rows, ptrdiff_t cols,
                            const uint32_t *P, ptrdiff_t ldp, const uint32_t *kp,
                            ptrdiff_t kh, ptrdiff_t kwp)
{
    for (ptrdiff_t r = 0; r < rows; r++)
        for (ptrdiff_t c = 0; c < cols; c++) {
            uint32_t acc = 0;   /* (exact: the caller proved no overflow) */
            for (ptrdiff_t i = 0; i < kh; i++)
                for (ptrdiff_t q = 0; q < kwp; q++) {
                    uint32_t v = P[(r + i) * ldp + c + 2 * q], k = kp[i * kwp + q];
                    acc += (uint32_t)((int32_t)(int16_t)(v & 0xffff) * (int16_t)(k & 0xffff) +
                                      (int32_t)(int16_t)(v >> 16) * (int16_t)(k >> 16));
                }
            out[r * ldo + c] = (int32_t)acc;
        }
}

#ifdef FC_PAIRS_X86
/* The vector loops: R rows (2 or 4) x 4 vectors of sums per block.  Each
   buffer row is loaded once per block and serves the R output rows it is
   a kernel row of (input row ir is kernel row ir - rr of output row rr);
   a block's last rows past `rows` are skipped, and a row's last block is
   stored through a small array (the columns past `cols` belong to other
   units).  Every output still sums its own taps only. */
#define FC_PAIRS_ACC(A, v0, v1, v2, v3, w)                                             \
    A##0 = DOT(A##0, v0, w);                                                           \
    A##1 = DOT(A##1, v1, w);                                                           \
    A##2 = DOT(A##2, v2, w);                                                           \
    A##3 = DOT(A##3, v3, w)
/* Kernel row ir - J of output row J of the block (when USE) on the loaded
   vectors v0..v3: tap pair q of it, broadcast, into accumulators A. */
#define FC_PAIRS_TAP(A, USE, J, VT, SET1)                                              \
    if (USE) {                                                                         \
        VT w = SET1((int)kp[(ir - (J)) * kwp + q]);                                    \
        FC_PAIRS_ACC(A, v0, v1, v2, v3, w);                                            \
    }
#define FC_PAIRS_STORE(A, rr, L, STORE, OSTORE)                                        \
    if ((rr) < nr) {                                                                   \
        int32_t *o = out + (r + (rr)) * ldo + c;                                       \
        if (n >= 4 * (L)) {                                                            \
            OSTORE(o, A##0); OSTORE(o + (L), A##1);                                    \
            OSTORE(o + 2 * (L), A##2); OSTORE(o + 3 * (L), A##3);                      \
        } else {                                                                       \
            STORE(tail, A##0); STORE(tail + (L), A##1);                                \
            STORE(tail + 2 * (L), A##2); STORE(tail + 3 * (L), A##3);                  \
            memcpy(o, tail, (size_t)n * 4);                                            \
        }                                                                              \
    }
#define FC_PAIRS_LOOP(NAME, TARGET, VT, L, R, LOAD, SET1, ZERO, STORE, OSTORE)         \
    __attribute__((target(TARGET))) static void NAME(                                  \
        int32_t *out, ptrdiff_t ldo, ptrdiff_t rows, ptrdiff_t cols, const uint32_t *P, \
        ptrdiff_t ldp, const uint32_t *kp, ptrdiff_t kh, ptrdiff_t kwp, int stream)    \
    {                                                                                  \
        int32_t tail[4 * (L)];                                                         \
        for (ptrdiff_t r = 0; r < rows; r += (R)) {                                    \
            ptrdiff_t nr = rows - r < (R) ? rows - r : (R);                            \
            for (ptrdiff_t c = 0; c < cols; c += 4 * (L)) {                            \
                VT a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;                         \
                VT b0 = ZERO, b1 = ZERO, b2 = ZERO, b3 = ZERO;                         \
                VT c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;                         \
                VT d0 = ZERO, d1 = ZERO, d2 = ZERO, d3 = ZERO;                         \
                for (ptrdiff_t ir = 0; ir < kh + nr - 1; ir++) {                       \
                    const uint32_t *p = P + (r + ir) * ldp + c;                        \
                    int ua = ir < kh, ub = ir >= 1 && ir - 1 < kh && nr > 1;           \
                    int uc = (R) > 2 && ir >= 2 && ir - 2 < kh && nr > 2;              \
                    int ud = (R) > 3 && ir >= 3 && ir - 3 < kh && nr > 3;              \
                    for (ptrdiff_t q = 0; q < kwp; q++, p += 2) {                      \
                        VT v0 = LOAD(p), v1 = LOAD(p + (L));                           \
                        VT v2 = LOAD(p + 2 * (L)), v3 = LOAD(p + 3 * (L));             \
                        FC_PAIRS_TAP(a, ua, 0, VT, SET1)                               \
                        FC_PAIRS_TAP(b, ub, 1, VT, SET1)                               \
                        FC_PAIRS_TAP(c, uc, 2, VT, SET1)                               \
                        FC_PAIRS_TAP(d, ud, 3, VT, SET1)                               \
                    }                                                                  \
                }                                                                      \
                ptrdiff_t n = cols - c;                                                \
                FC_PAIRS_STORE(a, 0, L, STORE, OSTORE)                                 \
                FC_PAIRS_STORE(b, 1, L, STORE, OSTORE)                                 \
                if ((R) > 2) {                                                         \
                    FC_PAIRS_STORE(c, 2, L, STORE, OSTORE)                             \
                    FC_PAIRS_STORE(d, 3, L, STORE, OSTORE)                             \
                }                                                                      \
            }                                                                          \
        }                                                                              \
    }

/* Pair row from an x row whose columns 0 .. n are all inside:
   p[c] = (x[c], x[c + 1]) for c < n (a multiple of L). */
#define FC_PAIRS_BUILD(NAME, TARGET, VT, L, LD8, LD16, SET1, STORE, U8, I8, I16, AND, OR, SLLI) \
    __attribute__((target(TARGET))) static void NAME(uint32_t *p, const void *src,           \
                                                     int src_code, ptrdiff_t n)              \
    {                                                                                        \
        const VT m = SET1(0xffff);                                                           \
        for (ptrdiff_t c = 0; c < n; c += (L)) {                                             \
            VT a, b;                                                                         \
            if (src_code == 1) {                                                             \
                const uint8_t *s = (const uint8_t *)src + c;                                 \
                a = U8(LD8(s)), b = U8(LD8(s + 1));                                          \
            } else if (src_code == 2) {                                                      \
                const int8_t *s = (const int8_t *)src + c;                                   \
                a = I8(LD8(s)), b = I8(LD8(s + 1));                                          \
            } else {                                                                         \
                const int16_t *s = (const int16_t *)src + c;                                 \
                a = I16(LD16(s)), b = I16(LD16(s + 1));                                      \
            }                                                                                \
            STORE(p + c, OR(AND(a, m), SLLI(b, 16)));                                        \
        }                                                                                    \
    }

#ifdef FC_HAVE_AVX2
#define FC_LD256(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define FC_ST256(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define FC_LD64(p) _mm_loadl_epi64((const __m128i *)(const void *)(p))
#define FC_LD128(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define DOT(a, x, w) _mm256_add_epi32(a, _mm256_madd_epi16(x, w))
#define FC_OST256(p, v) (stream && !((uintptr_t)(p) & 31) ? \
    _mm256_stream_si256((__m256i *)(void *)(p), v) : FC_ST256(p, v))
FC_PAIRS_LOOP(fc_pairs_avx2, "avx2", __m256i, 8, 2, FC_LD256, _mm256_set1_epi32,
              _mm256_setzero_si256(), FC_ST256, FC_OST256)
FC_PAIRS_BUILD(fc_pairs_build_avx2, "avx2", __m256i, 8, FC_LD64, FC_LD128, _mm256_set1_epi32,
               FC_ST256, _mm256_cvtepu8_epi32, _mm256_cvtepi8_epi32, _mm256_cvtepi16_epi32,
               _mm256_and_si256, _mm256_or_si256, _mm256_slli_epi32)
#undef DOT
#endif
#ifdef FC_HAVE_AVX512
#define FC_LD512(p) _mm512_loadu_si512((const void *)(p))
#define FC_ST512(p, v) _mm512_storeu_si512((void *)(p), v)
#define FC_LD256B(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define FC_LD128B(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
/* the output's whole vectors: streaming stores where the caller asks
   (outputs too big for the cache, _window.STREAM_MIN_BYTES) and the
   address allows */
#define FC_OST512(p, v) (stream && !((uintptr_t)(p) & 63) ? \
    _mm512_stream_si512((void *)(p), v) : FC_ST512(p, v))
#define DOT(a, x, w) _mm512_add_epi32(a, _mm512_madd_epi16(x, w))
FC_PAIRS_LOOP(fc_pairs_avx512bw, "avx512f,avx512bw", __m512i, 16, 4, FC_LD512,
              _mm512_set1_epi32, _mm512_setzero_si512(), FC_ST512, FC_OST512)
#undef DOT
#define DOT _mm512_dpwssd_epi32
FC_PAIRS_LOOP(fc_pairs_vnni, "avx512f,avx512bw,avx512vnni", __m512i, 16, 4, FC_LD512,
              _mm512_set1_epi32, _mm512_setzero_si512(), FC_ST512, FC_OST512)
#undef DOT
FC_PAIRS_BUILD(fc_pairs_build_avx512, "avx512f,avx512bw", __m512i, 16, FC_LD128B, FC_LD256B,
               _mm512_set1_epi32, FC_ST512, _mm512_cvtepu8_epi32, _mm512_cvtepi8_epi32,
               _mm512_cvtepi16_epi32, _mm512_and_si512, _mm512_or_si512, _mm512_slli_epi32)
/* uint8 pair rows with AVX512_VBMI: one byte permute per 16 pairs (bytes
   j and j + 1 of a masked 17-byte load into the low bytes of the two
   halves of pair j, the other bytes zeroed), against two widening loads, a
   shift and a merge; the same pairs.  (The masked load reads no byte past
   column n.) */
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi"))) static void
fc_pairs_build_u8_vbmi(uint32_t *p, const uint8_t *s, ptrdiff_t n)
{
    const __m512i j = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i idx = _mm512_or_si512(
        j, _mm512_slli_epi32(_mm512_add_epi32(j, _mm512_set1_epi32(1)), 16));
    for (ptrdiff_t c = 0; c < n; c += 16) {
        __m256i v = _mm256_maskz_loadu_epi8((__mmask32)0x1ffff, s + c);
        _mm512_storeu_si512((void *)(p + c), _mm512_maskz_permutexvar_epi8(
            (__mmask64)0x5555555555555555ULL, idx, _mm512_castsi256_si512(v)));
    }
}
#endif
#endif

/* The uint8 pair rows take fc_pairs_build_u8_vbmi under the VNNI loop
   (variant 3) on a CPU with AVX512_VBMI (variant 2 keeps the widening
   build: the tests force both). */
static int fc_pairs_has_vbmi(void)
{
#if defined(FC_PAIRS_X86) && defined(FC_HAVE_AVX512)
    static int known = -1;
    if (known < 0)
        known = __builtin_cpu_supports("avx512vbmi") ? 1 : 0;
    return known;
#else
    return 0;
#endif
}

static int fc_pairs_forced = -1;

static int fc_pairs_best(void)
{
    switch (fc_isa_current()) {
#if defined(FC_PAIRS_X86) && defined(FC_HAVE_AVX512)
    case FC_ISA_AVX512:
        return fc_cpu_has_vnni() ? 3 : 2;
#endif
#if defined(FC_PAIRS_X86) && defined(FC_HAVE_AVX2)
    case FC_ISA_AVX2:
        return 1;
#endif
    default:
        return 0;
    }
}

static int fc_pairs_variant(void)
{
    int best = fc_pairs_best();
    /* (AVX2 is allowed under AVX-512: its CPUs have AVX2) */
    return fc_pairs_forced >= 0 && fc_pairs_forced <= best ? fc_pairs_forced : best;
}

int fc_pairs_select(int variant)
{
    fc_pairs_forced = variant;
    return fc_pairs_variant();
}

void fc_pairs_unit(int32_t *out, ptrdiff_t ldo, ptrdiff_t rows, ptrdiff_t cols,
                   const void *src, int src_code, ptrdiff_t lds, ptrdiff_t ny, ptrdiff_t nx,
                   ptrdiff_t r0, ptrdiff_t c0, const uint32_t *kp, ptrdiff_t kh,
                   ptrdiff_t kwp, int fill, int stream, void *buf)
{
    ptrdiff_t ldp = fc_pairs_pitch(cols, kwp);
    ptrdiff_t w = (cols + FC_PB - 1) / FC_PB * FC_PB + 2 * kwp;   /* <= ldp */
    uint32_t *P = (uint32_t *)buf;
    int16_t *t = (int16_t *)(P + (rows + kh - 1) * ldp);
    int variant = fc_pairs_variant(), vbmi = variant == 3 && fc_pairs_has_vbmi();
    size_t size = src_code == 4 ? 2 : 1;
    for (ptrdiff_t y = 0; y < rows + kh - 1; y++) {
        uint32_t *prow = P + y * ldp;
        /* the pairs whose both columns are inside x: vectors where the ISA has them */
        ptrdiff_t lo = 0, v = 0;
        if (src && r0 + y >= 0 && r0 + y < ny && variant > 0) {
            ptrdiff_t hi = nx - c0 < w + 1 ? nx - c0 : w + 1;
            lo = c0 < 0 ? -c0 : 0;
            v = hi - 1 - lo > 0 ? (hi - 1 - lo) / 16 * 16 : 0;
            if (v > 0) {
                const char *s = (const char *)src + ((r0 + y) * lds + c0 + lo) * (ptrdiff_t)size;
#ifdef FC_PAIRS_X86
#ifdef FC_HAVE_AVX512
                if (vbmi && src_code == 1)
                    fc_pairs_build_u8_vbmi(prow + lo, (const uint8_t *)s, v);
                else if (variant >= 2)
                    fc_pairs_build_avx512(prow + lo, s, src_code, v);
                else
#endif
#ifdef FC_HAVE_AVX2
                    fc_pairs_build_avx2(prow + lo, s, src_code, v);
#else
                    v = 0;
#endif
#else
                v = 0;
#endif
            }
        }
        /* the others from the widened values (with the fill) */
        if (v > 0) {
            fc_pairs_widen(t, lo + 1, src, src_code, lds, ny, nx, r0 + y, c0, (int16_t)fill);
            fc_pairs_widen(t + lo + v, w + 1 - lo - v, src, src_code, lds, ny, nx, r0 + y,
                           c0 + lo + v, (int16_t)fill);
        } else {
            fc_pairs_widen(t, w + 1, src, src_code, lds, ny, nx, r0 + y, c0, (int16_t)fill);
        }
        for (ptrdiff_t c = 0; c < w; c++) {
            if (c == lo)
                c += v;
            if (c < w)
                prow[c] = (uint32_t)(uint16_t)t[c] | (uint32_t)(uint16_t)t[c + 1] << 16;
        }
    }
    switch (variant) {
#ifdef FC_PAIRS_X86
#ifdef FC_HAVE_AVX512
    case 3:
        fc_pairs_vnni(out, ldo, rows, cols, P, ldp, kp, kh, kwp, stream);
        break;
    case 2:
        fc_pairs_avx512bw(out, ldo, rows, cols, P, ldp, kp, kh, kwp, stream);
        break;
#endif
#ifdef FC_HAVE_AVX2
    case 1:
        fc_pairs_avx2(out, ldo, rows, cols, P, ldp, kp, kh, kwp, stream);
        break;
#endif
#endif
    default:
        fc_pairs_scalar(out, ldo, rows, cols, P, ldp, kp, kh, kwp);
        return;
    }
#ifdef FC_PAIRS_X86
    if (stream)   /* (the vector loops' streaming stores) */
        _mm_sfence();
#endif
}
