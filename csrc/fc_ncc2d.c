/* fc_ncc2d.c - match_template's 2-D normalisation (see fc_ncc2d.h) for the
 * baseline instruction set and, on x86-64 with GCC/Clang, for AVX2 and
 * AVX-512 by target pragmas (no build flags); fc_ncc2d_select picks one. */
#include <math.h>
#include <stdint.h>
#include "fc_ncc2d.h"

/* the scratch's geometry (fc_ncc2d_impl.h): rows of column sums padded
 * with zeros (the row windows read up to 39 samples past the row); outputs
 * per chunk of a row, and the length of each of the chunk's buffers */
#define NCC_ROWLEN(w) (((w) + 40 + 7) / 8 * 8)
#define NCC_CHUNK(m1) ((m1) <= 512 ? 512 : ((m1) + 7) / 8 * 8)
#define NCC_CHUNK_LEN(n, m1) (((n) + (m1) + 40 + 7) / 8 * 8)
#define NCC_CHUNK_BUFS 12

#if defined(__SSE2__) && (defined(__GNUC__) || defined(_MSC_VER))
#include <emmintrin.h>
#define NCC_VEC 3
#else
#define NCC_VEC 0
#endif
#define NCC_ISA baseline
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define NCC_VW 2    /* (__builtin_shufflevector) */
#else
#define NCC_VW 0
#endif
#include "fc_ncc2d_impl.h"
#undef NCC_ISA
#undef NCC_VEC
#undef NCC_VW

#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#define FC_NCC_X86 1
#include <immintrin.h>
#include "fc_target.h"
FC_TARGET_PUSH("avx2,fma")
#define NCC_ISA avx2
#define NCC_VEC 1
#define NCC_VW 4
#include "fc_ncc2d_impl.h"
#undef NCC_ISA
#undef NCC_VEC
#undef NCC_VW
FC_TARGET_POP
FC_TARGET_PUSH("avx512f,avx512vl,avx512dq,fma")
#define NCC_ISA avx512
#define NCC_VEC 2
#define NCC_VW 8
#include "fc_ncc2d_impl.h"
#undef NCC_ISA
#undef NCC_VEC
#undef NCC_VW
FC_TARGET_POP
#endif

static int ncc_isa = 0;

int fc_ncc2d_select(int isa)
{
#ifdef FC_NCC_X86
    ncc_isa = isa == 1 || isa == 2 ? isa : 0;
#else
    (void)isa;
#endif
    return ncc_isa;
}

ptrdiff_t fc_ncc2d_scratch(ptrdiff_t m0, ptrdiff_t m1, ptrdiff_t w)
{
    /* (and 8 to align the start to 64 bytes) */
    return 8 + (2 * m0 + 2) * NCC_ROWLEN(w) + NCC_CHUNK_BUFS * NCC_CHUNK_LEN(NCC_CHUNK(m1), m1);
}

#ifdef FC_NCC_X86
#define NCC_DISPATCH(TN, ...)                                                    \
    if (ncc_isa == 2)                                                            \
        fc_ncc2d_##TN##_avx512(__VA_ARGS__);                                     \
    else if (ncc_isa == 1)                                                       \
        fc_ncc2d_##TN##_avx2(__VA_ARGS__);                                       \
    else                                                                         \
        fc_ncc2d_##TN##_baseline(__VA_ARGS__)
#else
#define NCC_DISPATCH(TN, ...) fc_ncc2d_##TN##_baseline(__VA_ARGS__)
#endif

void fc_ncc2d_f32(const float *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,
                  double c, const float *num, double tvar, double tol, float *out,
                  double *scratch)
{
    NCC_DISPATCH(f32, x, h, w, m0, m1, c, num, tvar, tol, out, scratch);
}

void fc_ncc2d_f64(const double *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, ptrdiff_t m1,
                  double c, const double *num, double tvar, double tol, double *out,
                  double *scratch)
{
    NCC_DISPATCH(f64, x, h, w, m0, m1, c, num, tvar, tol, out, scratch);
}
