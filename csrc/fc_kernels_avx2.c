/* AVX2 + FMA: 32-byte vectors, 2 rows x 4 vectors = 8 accumulators
   (FMA latency 4 x 2 pipes).  Compiled with -mavx2 -mfma. */
#include <stddef.h>
#include <string.h>
#define FC_ISA avx2
#define FC_VBYTES 32
#define FC_R 2
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
