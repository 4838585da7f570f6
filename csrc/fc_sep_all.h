/* fc_sep_all.h - the separable passes (fc_sep_impl.h) for every element type
   of the separable executor, for the instruction set of the including file
   (SEP_ISA and SEP_VBYTES, its vector size, set there).  The types are the
   real and unsigned rows of fc_types.h (complex kernels stay dense). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fc_aligned.h"
#include "fc_boundary.h"
#include "fc_sep.h"
#include "fc_transpose.h"
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#include <immintrin.h>
#endif

/* SEP_WIDEN32(p, size): the vector register of int32 lanes of the unsigned
   integers of `size` (1 or 2) bytes at p, where the instruction set widens
   them in one instruction (fc_sep_impl.h SEP_LOADV) */
#if defined(__AVX512F__) && SEP_VBYTES == 64
#define SEP_WIDEN32(p, size)                                                  \
    ((size) == 1 ? _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p))) \
                 : _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p))))
#elif defined(__AVX2__) && SEP_VBYTES == 32
#define SEP_WIDEN32(p, size)                                                  \
    ((size) == 1 ? _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p))) \
                 : _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))))
#endif

/* n bytes from src to dst: dst's whole 64-byte lines by streaming stores
   (around the caches, without reading the lines first; the widest vectors
   the including file's instruction set has), the partial lines at the ends
   by memcpy.  fc_sep_fence() before another thread may read dst. */
#if defined(__AVX512F__)
#define FC_SEP_SVB 64
#define FC_SEP_SST(d, s) _mm512_stream_si512((void *)(d), _mm512_loadu_si512((const void *)(s)))
#elif defined(__AVX__)
#define FC_SEP_SVB 32
#define FC_SEP_SST(d, s) _mm256_stream_si256((__m256i *)(d), _mm256_loadu_si256((const __m256i *)(s)))
#elif defined(__SSE2__)
#define FC_SEP_SVB 16
#define FC_SEP_SST(d, s) _mm_stream_si128((__m128i *)(d), _mm_loadu_si128((const __m128i *)(s)))
#endif
static inline void fc_sep_stream(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
#ifdef FC_SEP_SVB
    size_t head = (64 - (uintptr_t)d % 64) % 64;
    if (head < n) {
        if (head)
            memcpy(d, s, head);
        d += head, s += head, n -= head;
        for (; n >= 64; n -= 64, d += 64, s += 64)
            for (int k = 0; k < 64; k += FC_SEP_SVB)
                FC_SEP_SST(d + k, s + k);
    }
#endif
    if (n)
        memcpy(d, s, n);
}
static inline void fc_sep_fence(void)
{
#ifdef FC_SEP_SVB
    _mm_sfence();
#endif
}
#undef FC_SEP_SST
/* SEP_STOREV(p, v, nt): the vector v (SEP_VBYTES bytes) stored at p, by a
   streaming store with nt (p then aligned to SEP_VBYTES) */
#if defined(__AVX512F__) && SEP_VBYTES == 64
#define SEP_STREAMV(p, v) _mm512_stream_si512((void *)(p), (__m512i)(v))
#elif defined(__AVX__) && SEP_VBYTES == 32
#define SEP_STREAMV(p, v) _mm256_stream_si256((__m256i *)(p), (__m256i)(v))
#elif defined(__SSE2__) && SEP_VBYTES == 16
#define SEP_STREAMV(p, v) _mm_stream_si128((__m128i *)(p), (__m128i)(v))
#else
#define SEP_STREAMV(p, v) (*(__typeof__(v) *)(p) = (v))
#endif
#define SEP_STOREV(p, v, nt)                                                    \
    do {                                                                        \
        if (nt)                                                                 \
            SEP_STREAMV((p), (v));                                              \
        else                                                                    \
            *(__typeof__(v) *)(p) = (v);                                        \
    } while (0)

/* the row-buffer columns [lo, hi) of [0, W) that read input columns inside
   the row (the others fold through the boundary rule) */
static inline void fc_sep_interior(const struct fc_sep_geom *g, int64_t W, int64_t *lo,
                                   int64_t *hi)
{
    *lo = -g->offx > 0 ? -g->offx : 0;
    *hi = g->nx - g->offx < W ? g->nx - g->offx : W;
    if (*hi < *lo)
        *hi = *lo;
    if (*lo > W)
        *lo = *hi = W;
}

#define SEP_T float
#define SEP_TN f32
#if defined(__AVX512F__) && SEP_VBYTES == 64
#define SEP_TILE16 1   /* (fc_sep_impl.h: bands of 16 rows, float32 only) */
#endif
#include "fc_sep_impl.h"
#undef SEP_TILE16
#undef SEP_T
#undef SEP_TN
#define SEP_T double
#define SEP_TN f64
#include "fc_sep_impl.h"
#undef SEP_T
#undef SEP_TN
#define SEP_T uint8_t
#define SEP_TN u8
#include "fc_sep_impl.h"
#undef SEP_T
#undef SEP_TN
#define SEP_T uint16_t
#define SEP_TN u16
#include "fc_sep_impl.h"
#undef SEP_T
#undef SEP_TN
#define SEP_T uint32_t
#define SEP_TN u32
#include "fc_sep_impl.h"
#undef SEP_T
#undef SEP_TN
#define SEP_T uint64_t
#define SEP_TN u64
#include "fc_sep_impl.h"
#undef SEP_T
#undef SEP_TN

/* uint8 / uint16 images read directly by float passes */
#define SEP_T float
#define SEP_T_F32 1
#define SEP_I uint8_t
#define SEP_TN f32u8
#define SEP_U8OUT 1     /* and its uint8-output pass (fc_sep_rows_u8) */
#include "fc_sep_impl.h"
#undef SEP_U8OUT
#undef SEP_I
#undef SEP_TN
#define SEP_I uint16_t
#define SEP_TN f32u16
#include "fc_sep_impl.h"
#undef SEP_I
#undef SEP_TN
#undef SEP_T
#undef SEP_T_F32
#define SEP_T double
#define SEP_I uint8_t
#define SEP_TN f64u8
#include "fc_sep_impl.h"
#undef SEP_I
#undef SEP_TN
#define SEP_I uint16_t
#define SEP_TN f64u16
#include "fc_sep_impl.h"
#undef SEP_I
#undef SEP_TN
#undef SEP_T

#undef FC_SEP_SVB

#define SEP_ENTRY_CAT(a, b) a##_##b
#define SEP_ENTRY_NAME(a, b) SEP_ENTRY_CAT(a, b)
#define SEP_CALL(tn, T) SEP_CALL2(tn, T, T)
#define SEP_CALL2(tn, T, I)                                                              \
    return SEP_ENTRY_NAME(fc_sep_run_##tn, SEP_ISA)(g, (const I *)x, (const T *)u,        \
                                                    (const T *)v, *(const T *)fill,       \
                                                    (T *)out, r0, r1)

int SEP_ENTRY_NAME(fc_sep_rows, SEP_ISA)(int type, const struct fc_sep_geom *g, const void *x,
                                         const void *u, const void *v, const void *fill,
                                         void *out, int64_t r0, int64_t r1)
{
    switch (type) {
    case FC_SEP_F32: SEP_CALL(f32, float);
    case FC_SEP_F64: SEP_CALL(f64, double);
    case FC_SEP_U8: SEP_CALL(u8, uint8_t);
    case FC_SEP_U16: SEP_CALL(u16, uint16_t);
    case FC_SEP_U32: SEP_CALL(u32, uint32_t);
    case FC_SEP_U64: SEP_CALL(u64, uint64_t);
    case FC_SEP_F32_U8: SEP_CALL2(f32u8, float, uint8_t);
    case FC_SEP_F32_U16: SEP_CALL2(f32u16, float, uint16_t);
    case FC_SEP_F64_U8: SEP_CALL2(f64u8, double, uint8_t);
    case FC_SEP_F64_U16: SEP_CALL2(f64u16, double, uint16_t);
    default: return -1;
    }
}

int SEP_ENTRY_NAME(fc_sep_u8rows, SEP_ISA)(const struct fc_sep_geom *g, const uint8_t *x,
                                           float fill, const struct fc_sep_u8pass *vp,
                                           const struct fc_sep_u8pass *hp, uint8_t *out,
                                           int64_t r0, int64_t r1)
{
    return SEP_ENTRY_NAME(fc_sep_u8rows_f32u8, SEP_ISA)(g, x, fill, vp, hp, out, r0, r1);
}
