/* Portable baseline (SSE2 on x86-64, NEON on arm64): 16-byte vectors,
   2 rows x 4 vectors of accumulators. */
#define FC_ISA baseline
#define FC_VBYTES 16
#define FC_R 2
#define FC_C 4
#define FC_TILE 512
#include "fc_simd_all.h"
