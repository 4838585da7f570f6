/* AVX-512F: 64-byte vectors, 32 registers: 6 rows x 4 vectors = 24
   accumulators + 4 input vectors + 1 tap.  Compiled with -mavx512f -mavx512vl -mfma. */
#define FC_ISA avx512
#define FC_VBYTES 64
#define FC_R 6
#define FC_C 4
#define FC_TILE 512
#include "fc_simd_all.h"
