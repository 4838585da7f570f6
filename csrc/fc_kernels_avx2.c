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
/* streaming stores (whole aligned vectors; b->stream) */
#include <immintrin.h>
#define FC_STREAM(p, v) _mm256_stream_si256((__m256i *)(void *)(p), (__m256i)(v))
#define FC_STREAM_FENCE() _mm_sfence()
#include "fc_simd_unit.h"
