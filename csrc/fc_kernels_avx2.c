/* AVX2 + FMA: 32-byte vectors, 2 rows x 4 vectors = 8 accumulators
   (FMA latency 4 x 2 pipes).  Compiled with -mavx2 -mfma. */
#define FC_ISA avx2
#define FC_VBYTES 32
#define FC_R 2
#define FC_C 4
#define FC_TILE 512
#include "fc_simd_all.h"
