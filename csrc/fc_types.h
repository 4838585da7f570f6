/*
 * fc_types.h - the element types of the micro-kernel, listed once.
 *
 * Each row FC_TYPES(X) gives X(ID, tn, S, T, LB, KIND):
 *   ID    enum fc_type value FC_<ID> (what Cython passes, see FC_TYPE_FOR)
 *   tn    suffix of the kernel functions fc_corr2d_valid_<tn>_<isa>
 *   S     the scalar type of the arrays in memory (a complex element is two)
 *   T     the scalar type of the vector lanes the kernel computes in (wider
 *         than S: loads widen, stores keep the low bits - uint8 in 16-bit
 *         lanes, x86 has no 8-bit multiply)
 *   LB    sizeof(T), as a number the preprocessor can use (lanes per vector)
 *   KIND  FC_K_REAL (float/double: FMA), FC_K_COMPLEX (interleaved re, im)
 *         or FC_K_UINT (wrapping unsigned arithmetic: the work type of every
 *         integer result)
 * From this list come the enum (fc_kernels.h), the kernel declarations and
 * the dispatch table (fc_dispatch.c), one compiled kernel per row and
 * instruction set (setup.py reads the rows and compiles fc_kernels_<isa>.c
 * once per row with -DFC_UNIT=<the row's arguments>, see fc_simd_unit.h),
 * and the type Cython asks for (FC_TYPE_FOR).  Adding a type is one row
 * (plus, in _direct.pyx, its C type in the fused type T if it is new).
 *
 * A type without a row goes through the generic tiled loop of _direct.pyx
 * (long double).  The uint32/uint64 rows (int32/int64 results too) pay:
 * 4-15x (uint32) and 1.3-2x (uint64) faster than that loop, measured on
 * 1024^2 3x3..9x9 and 1-D 7-tap convolutions (AVX-512).
 */
#ifndef FC_TYPES_H
#define FC_TYPES_H

#define FC_K_REAL 1
#define FC_K_COMPLEX 2
#define FC_K_UINT 3

/* clang-format off */
#define FC_TYPES(X)                                          \
    X(F32,  f32,  float,    float,    4, FC_K_REAL)         \
    X(F64,  f64,  double,   double,   8, FC_K_REAL)         \
    X(C64,  c64,  float,    float,    4, FC_K_COMPLEX)      \
    X(C128, c128, double,   double,   8, FC_K_COMPLEX)      \
    X(U8,   u8,   uint8_t,  uint16_t, 2, FC_K_UINT)         \
    X(U16,  u16,  uint16_t, uint16_t, 2, FC_K_UINT)         \
    X(U32,  u32,  uint32_t, uint32_t, 4, FC_K_UINT)         \
    X(U64,  u64,  uint64_t, uint64_t, 8, FC_K_UINT)
/* clang-format on */

#endif
