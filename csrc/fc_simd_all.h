/* fc_simd_all.h - instantiate fc_simd_impl.h for float, double, complex64,
   complex128 and the unsigned integers.  The including file sets FC_ISA, FC_VBYTES, FC_TILE and
   the register-block shapes FC_R x FC_C (real; float may have its own,
   FC_R32 x FC_C32) and FC_CR x FC_CC (complex,
   which needs a swapped copy of every input vector), and FC_C1 / FC_CC1,
   the vectors of a single-row block (1-D signals, leftover rows). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fc_kernels.h"

#define FC_BR FC_R
#define FC_BC FC_C
#define FC_B1 FC_C1
#define FC_CPLX 0
/* float may have its own block shape (FC_R32 x FC_C32) */
#ifdef FC_R32
#undef FC_BR
#undef FC_BC
#define FC_BR FC_R32
#define FC_BC FC_C32
#endif
#define FC_T float
#define FC_TN f32
#define FC_LANES (FC_VBYTES / 4)
#define FC_SFMA __builtin_fmaf
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#undef FC_SFMA
#undef FC_BR
#undef FC_BC
#define FC_BR FC_R
#define FC_BC FC_C
#define FC_T double
#define FC_TN f64
#define FC_LANES (FC_VBYTES / 8)
#define FC_SFMA __builtin_fma
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#undef FC_SFMA

#define FC_WIDE unsigned int
/* uint8 data in uint16 lanes (x86 has no 8-bit multiply) */
#define FC_S uint8_t
#define FC_T uint16_t
#define FC_TN u8
#define FC_LANES (FC_VBYTES / 2)
#include "fc_simd_impl.h"
#undef FC_S
#undef FC_T
#undef FC_TN
#undef FC_LANES
#define FC_T uint16_t
#define FC_TN u16
#define FC_LANES (FC_VBYTES / 2)
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#define FC_T uint32_t
#define FC_TN u32
#define FC_LANES (FC_VBYTES / 4)
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#undef FC_WIDE
#define FC_T uint64_t
#define FC_TN u64
#define FC_LANES (FC_VBYTES / 8)
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#undef FC_CPLX
#undef FC_BR
#undef FC_BC
#undef FC_B1

#define FC_BR FC_CR
#define FC_BC FC_CC
#define FC_B1 FC_CC1
#define FC_CPLX 1
#define FC_T float
#define FC_TN c64
#define FC_LANES (FC_VBYTES / 4)
#define FC_SFMA __builtin_fmaf
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#undef FC_SFMA
#define FC_T double
#define FC_TN c128
#define FC_LANES (FC_VBYTES / 8)
#define FC_SFMA __builtin_fma
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
#undef FC_LANES
#undef FC_SFMA
#undef FC_CPLX
#undef FC_BR
#undef FC_BC
#undef FC_B1
