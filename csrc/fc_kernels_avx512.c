/* AVX-512F: 64-byte vectors, 32 registers: 4 rows x 4 vectors = 16
   accumulators.  Compiled with -mavx512f -mavx512vl -mfma. */
#include <stddef.h>
#include <string.h>
#define FC_ISA avx512
#define FC_VBYTES 64
#define FC_R 4
#define FC_C 4
#define FC_TILE 512
#define FC_T float
#define FC_TN f32
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#define FC_T double
#define FC_TN f64
#include "fc_simd_impl.h"
