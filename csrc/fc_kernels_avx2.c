/* AVX2 + FMA: 32-byte vectors, 16 registers.  Real: 3 rows x 3 vectors =
   9 accumulators (>= FMA latency 4 x 2 pipes) + 3 inputs + 1 tap; complex:
   3 x 2 accumulators + 2 inputs + 2 swapped + 2 taps.  Compiled with
   -mavx2 -mfma. */
#define FC_ISA avx2
#define FC_VBYTES 32
#define FC_R 3
#define FC_C 3
#define FC_CR 3
#define FC_CC 2
#define FC_C1 8
#define FC_CC1 6
#define FC_TILE 4096
/* Unrolled width copies (fc_simd_unit.h's FC_COPIES), kept where the copy
   was measured >= 5% faster than the generic loop (2048^2 'same'; complex
   1024^2; generic time / copy time): float32 3x3 / 5x5 / 7x7 1.05 / 1.06 /
   1.10, float64 1.06 / 1.05 / 1.11; complex128 5x5 1.16 (complex64 1.02:
   none); int16 3x3 1.07 (uint8 1.03: none; int32/int64 not measured). */
#define FC_COPIES_F32 FC_W357
#define FC_COPIES_F64 FC_W357
#define FC_COPIES_C64 0
#define FC_COPIES_C128 (1 << 5)
#define FC_COPIES_U8 0
#define FC_COPIES_U16 (1 << 3)
#define FC_COPIES_UWIDE 0
/* streaming stores (whole aligned vectors; b->stream) */
#include <immintrin.h>
#define FC_STREAM(p, v) _mm256_stream_si256((__m256i *)(void *)(p), (__m256i)(v))
#define FC_STREAM_FENCE() _mm_sfence()
#include "fc_simd_unit.h"
