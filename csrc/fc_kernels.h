/*
 * fc_kernels.h - interior micro-kernels and their run-time dispatch.
 *
 * fc_corr2d_valid_<type>(out, ldo, in, ldi, k, kh, kw, rows, cols):
 *     out[r*ldo + x] (+)= sum_{i<kh, j<kw} k[i*kw + j] * in[(r+i)*ldi + x + j]
 * for r < rows, x < cols (added when the last argument, `flags`, has
 * FC_ACCUMULATE, else stored; FC_STREAM_STORES: store with streaming
 * stores where the ISA has them); every read inside `in` (see
 * fc_simd_impl.h).
 *
 * `edge` (NULL: none) asks for zero-filled edge columns: on entry edge[0]
 * (edge[1]) is how many output columns before column 0 (after column
 * cols - 1) the kernel may also compute, reading the input columns
 * outside [0, cols + kw - 1) of each row as zero, and edge[2] is where
 * column 0 is in its row (vectors are laid out from the row's start); the
 * caller promises that those columns exist in `out` and that zero is the
 * right value for the reads outside (a zero-filled border whose first
 * input column is in[0]).  On return edge[0] and edge[1] hold how many it
 * computed, for every row: the columns that share the first (last)
 * output's vector, when they are no more than allowed and the kernel can
 * do it (stored, not accumulated; see fc_corr2d_valid in fc_simd_impl.h);
 * else 0.  That depends only on the arguments, not on the addresses.
 * <type> is f32, f64, c64 / c128 (interleaved complex float / double,
 * passed as float / double pointers; strides and sizes count elements), or
 * u8 / u16 / u32 / u64 (wrapping unsigned arithmetic; u8 computes in
 * 16-bit lanes, see fc_simd_all.h).
 *
 * The same source is compiled for several instruction sets; fc_select_isa()
 * picks the best one the CPU supports, or the one named by the environment
 * variable FASTCONV_ISA ("baseline", "avx2", "avx512"; an unsupported or
 * unknown name falls back to the best supported one and is reported by
 * fc_isa_name()).
 */
#ifndef FC_KERNELS_H
#define FC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

typedef void (*fc_corr2d_f32_fn)(float *, ptrdiff_t, const float *, ptrdiff_t,
                                 const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int,
                                 ptrdiff_t *);
typedef void (*fc_corr2d_f64_fn)(double *, ptrdiff_t, const double *, ptrdiff_t,
                                 const double *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int,
                                 ptrdiff_t *);
#define FC_INT_FN_TYPE(T, tn)                                                        \
    typedef void (*fc_corr2d_##tn##_fn)(T *, ptrdiff_t, const T *, ptrdiff_t, const T *, \
                                        ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int, ptrdiff_t *);
FC_INT_FN_TYPE(uint8_t, u8)
FC_INT_FN_TYPE(uint16_t, u16)
FC_INT_FN_TYPE(uint32_t, u32)
FC_INT_FN_TYPE(uint64_t, u64)

/* flags of fc_corr2d_valid */
#define FC_ACCUMULATE 1
#define FC_STREAM_STORES 2

enum fc_isa { FC_ISA_BASELINE = 0, FC_ISA_AVX2 = 1, FC_ISA_AVX512 = 2 };

/* Element types of the micro-kernel (FC_NONE: no kernel for that type). */
enum fc_type { FC_NONE = 0, FC_F32, FC_F64, FC_C64, FC_C128, FC_U8, FC_U16, FC_U32, FC_U64 };

/* The micro-kernel in use for element type `type` (one of enum fc_type;
   FC_NONE does nothing). */
void fc_corr2d_valid(int type, void *out, ptrdiff_t ldo, const void *in, ptrdiff_t ldi,
                     const void *k, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t rows,
                     ptrdiff_t cols, int flags, ptrdiff_t *edge);

/* Choose the kernels (once, at import).  `requested` is a name or NULL/""
   for automatic; returns the ISA in use. */
int fc_select_isa(const char *requested);
/* Name of the ISA in use, and a comma-separated list of those compiled in
   and supported by this CPU. */
const char *fc_isa_name(void);
const char *fc_isa_available(void);

extern fc_corr2d_f32_fn fc_corr2d_valid_f32;
extern fc_corr2d_f64_fn fc_corr2d_valid_f64;
extern fc_corr2d_f32_fn fc_corr2d_valid_c64;
extern fc_corr2d_f64_fn fc_corr2d_valid_c128;
extern fc_corr2d_u8_fn fc_corr2d_valid_u8;
extern fc_corr2d_u16_fn fc_corr2d_valid_u16;
extern fc_corr2d_u32_fn fc_corr2d_valid_u32;
extern fc_corr2d_u64_fn fc_corr2d_valid_u64;

#endif
