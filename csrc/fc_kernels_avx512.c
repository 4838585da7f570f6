/* AVX-512F: 64-byte vectors, 32 registers: 4 rows x 4 vectors = 16
   accumulators.  Compiled with -mavx512f -mavx512vl -mfma. */
#define FC_ISA avx512
#define FC_VBYTES 64
#define FC_R 4
#define FC_C 4
#define FC_TILE 512
#include "fc_simd_all.h"
