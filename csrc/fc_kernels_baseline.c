/* Portable baseline (SSE2 on x86-64, NEON on arm64): 16-byte vectors.
   Real: 4 rows x 2 vectors of accumulators; complex: 3 x 2. */
#define FC_ISA baseline
#define FC_VBYTES 16
#define FC_R 4
#define FC_C 2
#define FC_CR 3
#define FC_CC 2
#define FC_C1 6
#define FC_CC1 4
#define FC_TILE 4096
/* Unrolled width copies (fc_simd_unit.h's FC_COPIES): where an AVX2 or
   AVX-512 variant is built (x86-64), the baseline is only the fallback of
   CPUs older than AVX2, and no copy (a copy set costs 60-80% of a unit's
   compile time, baseline float64: 32 s against 5 s); elsewhere (arm64:
   the only kernels) 3x3, 5x5 and 7x7 for float and complex, 3x3 for
   integers. */
#if defined(FC_HAVE_AVX2) || defined(FC_HAVE_AVX512)
#define FC_LONG_MIN 6   /* (and one group width for long rows, fc_simd_impl.h) */
#define FC_LONG_MAX 6
#define FC_COPIES_F32 0
#define FC_COPIES_F64 0
#define FC_COPIES_C64 0
#define FC_COPIES_C128 0
#define FC_COPIES_U8 0
#define FC_COPIES_U16 0
#define FC_COPIES_UWIDE 0
#else
#define FC_COPIES_F32 FC_W357
#define FC_COPIES_F64 FC_W357
#define FC_COPIES_C64 FC_W357
#define FC_COPIES_C128 FC_W357
#define FC_COPIES_U8 (1 << 3)
#define FC_COPIES_U16 (1 << 3)
#define FC_COPIES_UWIDE (1 << 3)
#endif
/* streaming stores (whole aligned vectors; b->stream) where the
   baseline has them: SSE2 on x86-64; elsewhere ordinary stores */
#if defined(__SSE2__)
#include <emmintrin.h>
#define FC_STREAM(p, v) _mm_stream_si128((__m128i *)(void *)(p), (__m128i)(v))
#define FC_STREAM_FENCE() _mm_sfence()
#endif
#include "fc_simd_unit.h"
