/* AVX2 + FMA: 32-byte vectors, 4 rows x 3 vectors = 12 accumulators
   (>= FMA latency 4 x 2 pipes) + 3 input vectors + 1 tap = 16 registers.  Compiled with -mavx2 -mfma. */
#define FC_ISA avx2
#define FC_VBYTES 32
#define FC_R 4
#define FC_C 3
#define FC_TILE 512
#include "fc_simd_all.h"
