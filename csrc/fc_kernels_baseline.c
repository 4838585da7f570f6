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
/* streaming stores (whole aligned vectors; b->stream) where the
   baseline has them: SSE2 on x86-64; elsewhere ordinary stores */
#if defined(__SSE2__)
#include <emmintrin.h>
#define FC_STREAM(p, v) _mm_stream_si128((__m128i *)(void *)(p), (__m128i)(v))
#define FC_STREAM_FENCE() _mm_sfence()
#endif
#include "fc_simd_unit.h"
