/*
 * fc_convert.h - element conversions of the direct core's work units
 * (_direct.pyx), so that an input in a narrower type than the work type
 * (uint8 images summed in float32 for an int32 or float32 result) and a
 * result in another type than the work type need no full-size converted
 * copy: each work unit converts the input rows it reads into a buffer of
 * its thread (which stays in the L2 cache), runs the kernels on it, and
 * casts its own output block in place while it is still in cache.
 * (uint8 / int8 / bool / int16 images with int16 taps and an int32 result
 * take the exact integer units of fc_pairs.h instead.)
 *
 * Conversions are numpy's astype (C casts), all widening: integers of at
 * most 16 (32) bits into float32 (float64) and float32 into float64 are
 * exact, integers into wider unsigned ones wrap (sign-extended modulo
 * 2^bits).
 * The in-place casts (float32 -> int32, float64 -> int64) are applied only
 * to sums that are integers within the result type's range (see
 * _dtypes.exact_float_work), so truncation is exact.
 *
 * The element types' codes are FC_CV_TYPES's (_direct.CV_CODES gives them
 * to _window.py, which chooses them from the dtypes); a pair that is not
 * listed does nothing (the callers never ask for one).  Compiled once, in the baseline module (about 1 s): AVX2 /
 * AVX-512 clones of the loops (target_clones) were measured 15-25% faster
 * on these loops but 3% of a uint8 -> int32 call, for +3 s of compile.
 */
#ifndef FC_CONVERT_H
#define FC_CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The element types: X(NAME, code, numpy kind, itemsize) (bool shares
   uint8's code).  The one statement of the codes: the enum below and
   _direct.CV_CODES, the (kind, itemsize) -> code map of _window.py, are
   made from it. */
#define FC_CV_TYPES(X)                                                          \
    X(U8, 1, 'u', 1) X(BOOL, 1, 'b', 1) X(I8, 2, 'i', 1) X(U16, 3, 'u', 2)     \
    X(I16, 4, 'i', 2) X(U32, 5, 'u', 4) X(I32, 6, 'i', 4) X(U64, 7, 'u', 8)    \
    X(I64, 8, 'i', 8) X(F32, 9, 'f', 4) X(F64, 10, 'f', 8)
#define FC_CV_ENUM(NAME, CODE, KIND, SIZE) FC_CV_##NAME = CODE,
enum { FC_CV_TYPES(FC_CV_ENUM) };
#undef FC_CV_ENUM
#define FC_CV_ROW(NAME, CODE, KIND, SIZE) {CODE, KIND, SIZE},
static const int fc_cv_types[][3] = { FC_CV_TYPES(FC_CV_ROW) };
#undef FC_CV_ROW
enum { FC_CV_NTYPES = sizeof fc_cv_types / sizeof fc_cv_types[0] };

/* The conversions that widen (the callers ask for no other): X(CODE, C
   type) of the sources of each size, and FC_CV_WORK's rows X(CODE, C
   type, the source lists it reads). */
#define FC_CV_FROM1(X) X(FC_CV_U8, uint8_t) X(FC_CV_I8, int8_t)
#define FC_CV_FROM2(X) X(FC_CV_U16, uint16_t) X(FC_CV_I16, int16_t)
#define FC_CV_FROM4I(X) X(FC_CV_U32, uint32_t) X(FC_CV_I32, int32_t)
#define FC_CV_WORK(X)                                                           \
    X(FC_CV_U16, uint16_t, FC_CV_FROM1(FC_CV_LOOP))                             \
    X(FC_CV_U32, uint32_t, FC_CV_FROM1(FC_CV_LOOP) FC_CV_FROM2(FC_CV_LOOP))     \
    X(FC_CV_U64, uint64_t, FC_CV_FROM1(FC_CV_LOOP) FC_CV_FROM2(FC_CV_LOOP)      \
      FC_CV_FROM4I(FC_CV_LOOP))                                                 \
    X(FC_CV_F32, float, FC_CV_FROM1(FC_CV_LOOP) FC_CV_FROM2(FC_CV_LOOP))        \
    X(FC_CV_F64, double, FC_CV_FROM1(FC_CV_LOOP) FC_CV_FROM2(FC_CV_LOOP)        \
      FC_CV_FROM4I(FC_CV_LOOP) FC_CV_LOOP(FC_CV_F32, float))

/* 1 if `code` is a work type of FC_CV_WORK (a conversion target). */
#define FC_CV_IS_WORK(WC, WTYPE, CASES) case WC: return 1;
static int fc_cv_is_work(int code)
{
    switch (code) { FC_CV_WORK(FC_CV_IS_WORK) default: return 0; }
}
#undef FC_CV_IS_WORK

/* dst[r*ldd + c] = (work type) src[r*lds + c] for r < rows, c < cols. */
#define FC_CV_LOOP(SC, ST)                                                      \
    case SC: {                                                                  \
        const ST *s = (const ST *)src;                                          \
        for (ptrdiff_t r = 0; r < rows; r++)                                    \
            for (ptrdiff_t c = 0; c < cols; c++)                                \
                d[r * ldd + c] = (WT)s[r * lds + c];                            \
        return;                                                                 \
    }
#define FC_CV_TO(WC, WTYPE, CASES)                                              \
    case WC: {                                                                  \
        typedef WTYPE WT;                                                       \
        WT *d = (WT *)dst;                                                      \
        switch (src_code) { CASES default: return; }                            \
    }

static void fc_convert_rows(void *dst, ptrdiff_t ldd, int work_code, const void *src,
                            ptrdiff_t lds, int src_code, ptrdiff_t rows, ptrdiff_t cols)
{
    switch (work_code) {
        FC_CV_WORK(FC_CV_TO)
    default:
        return;
    }
}
#undef FC_CV_LOOP
#undef FC_CV_TO

/* The rows x cols block at p (row pitch ld elements) of float32 (float64)
   sums, rewritten in place as int32 (int64).  Each element is read before
   it is written and no other is touched in between, so the loops carry no
   dependence (ivdep); the two types view the memory through may_alias
   types. */
typedef float fc_cv_f32 __attribute__((may_alias));
typedef int32_t fc_cv_i32 __attribute__((may_alias));
typedef double fc_cv_f64 __attribute__((may_alias));
typedef int64_t fc_cv_i64 __attribute__((may_alias));

/* cast_code FC_CV_I32: float32 -> int32, FC_CV_I64: float64 -> int64 (the
   codes of the results); anything else does nothing. */
static void fc_cast_inplace(void *p, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t cols,
                            int cast_code)
{
    for (ptrdiff_t r = 0; r < rows; r++) {
        if (cast_code == FC_CV_I32) {
            const fc_cv_f32 *f = (const fc_cv_f32 *)p + r * ld;
            fc_cv_i32 *v = (fc_cv_i32 *)p + r * ld;
#pragma GCC ivdep
            for (ptrdiff_t c = 0; c < cols; c++)
                v[c] = (int32_t)f[c];
        } else if (cast_code == FC_CV_I64) {
            const fc_cv_f64 *f = (const fc_cv_f64 *)p + r * ld;
            fc_cv_i64 *v = (fc_cv_i64 *)p + r * ld;
#pragma GCC ivdep
            for (ptrdiff_t c = 0; c < cols; c++)
                v[c] = (int64_t)f[c];
        }
    }
}

#endif
