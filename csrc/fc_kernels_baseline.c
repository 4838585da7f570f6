/* Portable baseline (SSE2 on x86-64, NEON on arm64): 16-byte vectors. */
#include <stddef.h>
#include <string.h>
#define FC_ISA baseline
#define FC_VBYTES 16
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
