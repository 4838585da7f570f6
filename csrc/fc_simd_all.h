/* fc_simd_all.h - instantiate fc_simd_impl.h for float and double.  The
   including file sets FC_ISA, FC_VBYTES, FC_R, FC_C and FC_TILE. */
#include <stddef.h>
#include <string.h>

#define FC_T float
#define FC_TN f32
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN

#define FC_T double
#define FC_TN f64
#include "fc_simd_impl.h"
#undef FC_T
#undef FC_TN
