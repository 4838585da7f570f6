/* fc_simd_unit.h - instantiate fc_simd_impl.h for one element type: the row
   of fc_types.h that setup.py passes as -DFC_UNIT=<its arguments> (one
   translation unit per instruction set and element type, compiled in
   parallel).  The including file sets FC_ISA, FC_VBYTES, FC_TILE and the
   register-block shapes FC_R x FC_C (real; float and double may have
   their own, FC_R32 x FC_C32 and FC_RF64 x FC_CF64) and FC_CR x FC_CC
   (complex, which needs a swapped copy of every input vector), and
   FC_C1 / FC_CC1, the vectors of a single-row block (1-D signals,
   leftover rows). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fc_kernels.h"

#ifndef FC_UNIT
#error "compile once per row of FC_TYPES (fc_types.h) with -DFC_UNIT=<the row's arguments>"
#endif

#define FC_ROW_ARG(m, row) m row
#define FC_ROW_TN(ID, tn, S, T, LB, KIND) tn
#define FC_ROW_S(ID, tn, S, T, LB, KIND) S
#define FC_ROW_T(ID, tn, S, T, LB, KIND) T
#define FC_ROW_LB(ID, tn, S, T, LB, KIND) LB
#define FC_ROW_KIND(ID, tn, S, T, LB, KIND) KIND

#define FC_TN FC_ROW_ARG(FC_ROW_TN, (FC_UNIT))
#define FC_S FC_ROW_ARG(FC_ROW_S, (FC_UNIT))
#define FC_T FC_ROW_ARG(FC_ROW_T, (FC_UNIT))
#define FC_KIND FC_ROW_ARG(FC_ROW_KIND, (FC_UNIT))
#define FC_LANES (FC_VBYTES / FC_ROW_ARG(FC_ROW_LB, (FC_UNIT)))
#define FC_CPLX (FC_KIND == FC_K_COMPLEX)

#if FC_CPLX
#define FC_BR FC_CR
#define FC_BC FC_CC
#define FC_B1 FC_CC1
#elif defined(FC_R32) && FC_KIND == FC_K_REAL && FC_ROW_ARG(FC_ROW_LB, (FC_UNIT)) == 4
#define FC_BR FC_R32   /* float's own block shape */
#define FC_BC FC_C32
#define FC_B1 FC_C1
#elif defined(FC_RF64) && FC_KIND == FC_K_REAL && FC_ROW_ARG(FC_ROW_LB, (FC_UNIT)) == 8
#define FC_BR FC_RF64   /* double's own block shape */
#define FC_BC FC_CF64
#define FC_B1 FC_C1
#else
#define FC_BR FC_R
#define FC_BC FC_C
#define FC_B1 FC_C1
#endif
/* The kernel widths with an unrolled copy in this unit (bit w: kw == w),
   from the instruction set's FC_COPIES_<type> lists (fc_kernels_<isa>.c). */
#if FC_CPLX
#define FC_COPIES (sizeof(FC_S) == 4 ? FC_COPIES_C64 : FC_COPIES_C128)
#elif FC_KIND == FC_K_REAL
#define FC_COPIES (sizeof(FC_S) == 4 ? FC_COPIES_F32 : FC_COPIES_F64)
#else
#define FC_COPIES (sizeof(FC_S) == 1 ? FC_COPIES_U8 : sizeof(FC_S) == 2 ? FC_COPIES_U16 : FC_COPIES_UWIDE)
#endif
#define FC_WIDTH_COPY(w) ((FC_COPIES >> (w)) & 1)
#define FC_W357 ((1 << 3) | (1 << 5) | (1 << 7))

_Static_assert(FC_UNIT_ROWS % FC_BR == 0, "work units must be whole row blocks (fc_kernels.h)");

#include "fc_simd_impl.h"
