/*
 * fc_transpose.h - the in-register transposition of a square block of
 * vectors (lane k of r[a] becomes lane a of r[k]); lanes are moved, the
 * values keep their bits.  Used by the lane segments of the wide kernels
 * (fc_wide_impl.h seg_tr) and the 16-row bands of the separable passes
 * (fc_sep_impl.h fc_sep_tr16).
 *
 * fc_tr16_ps(a) (where AVX-512 is on): 16 vectors of 16 float lanes, in
 * four stages of in-lane unpacks and shuffles, then 128-bit block shuffles
 * (64 single-source-pattern shuffles, no index vectors).  The generic
 * stages below, compiled for 16 lanes, became 64 vpermt2ps with their
 * index vectors held in registers: the separable passes' row pass of a
 * 512 x 512 x 64 float32 volume (fc_sep_thband) took 4.5 -> 6.0 ms.
 *
 * FC_TRANSPOSE(VT, N, r): r an array (lvalue) of N vectors of type VT with
 * N lanes, N = 8 or 16 (a literal), by stages that each swap one bit of the
 * row index with that bit of the lane index: rows a and a + h (bit h of a
 * clear) become lo and hi, one two-source shuffle each
 * (__builtin_shufflevector: GCC 12 or later, Clang).
 */
#ifndef FC_TRANSPOSE_H
#define FC_TRANSPOSE_H

#define FC_TR_LO(N, c, h) (((c) & (h)) ? (N) + ((c) ^ (h)) : (c))
#define FC_TR_HI(N, c, h) (((c) & (h)) ? (N) + (c) : ((c) | (h)))
#define FC_TR_IX8(F, h) F(8, 0, h), F(8, 1, h), F(8, 2, h), F(8, 3, h), F(8, 4, h), \
    F(8, 5, h), F(8, 6, h), F(8, 7, h)
#define FC_TR_IX16(F, h) F(16, 0, h), F(16, 1, h), F(16, 2, h), F(16, 3, h), F(16, 4, h), \
    F(16, 5, h), F(16, 6, h), F(16, 7, h), F(16, 8, h), F(16, 9, h), F(16, 10, h),      \
    F(16, 11, h), F(16, 12, h), F(16, 13, h), F(16, 14, h), F(16, 15, h)
#define FC_TR_STAGE(VT, N, r, h)                                                \
    _Pragma("GCC unroll 16")                                                    \
    for (int a_ = 0; a_ < (N); a_++)                                            \
        if (!(a_ & (h))) {                                                      \
            const VT lo_ = __builtin_shufflevector((r)[a_], (r)[a_ + (h)],      \
                                                   FC_TR_IX##N(FC_TR_LO, h));   \
            const VT hi_ = __builtin_shufflevector((r)[a_], (r)[a_ + (h)],      \
                                                   FC_TR_IX##N(FC_TR_HI, h));   \
            (r)[a_] = lo_;                                                      \
            (r)[a_ + (h)] = hi_;                                                \
        }
#define FC_TR_LAST8(VT, r)
#define FC_TR_LAST16(VT, r) FC_TR_STAGE(VT, 16, r, 8)
#define FC_TRANSPOSE(VT, N, r)                                                  \
    do {                                                                        \
        FC_TR_STAGE(VT, N, r, 1)                                                \
        FC_TR_STAGE(VT, N, r, 2)                                                \
        FC_TR_STAGE(VT, N, r, 4)                                                \
        FC_TR_LAST##N(VT, r)                                                    \
    } while (0)

#ifdef __AVX512F__
#include <immintrin.h>
static inline __attribute__((always_inline)) void fc_tr16_ps(__m512 *a)
{
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {   /* pairs of rows: lanes 2j, 2j + 1 */
        t[i] = _mm512_unpacklo_ps(a[i], a[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(a[i], a[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {   /* groups of 4 rows within 128-bit blocks */
        a[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        a[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        a[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        a[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {   /* 128-bit blocks between rows 4 apart, */
        t[j] = _mm512_shuffle_f32x4(a[j], a[4 + j], 0x88);
        t[4 + j] = _mm512_shuffle_f32x4(a[j], a[4 + j], 0xDD);
        t[8 + j] = _mm512_shuffle_f32x4(a[8 + j], a[12 + j], 0x88);
        t[12 + j] = _mm512_shuffle_f32x4(a[8 + j], a[12 + j], 0xDD);
    }
    for (int j = 0; j < 4; j++) {   /* then 8 apart */
        a[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
        a[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xDD);
        a[4 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0x88);
        a[12 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0xDD);
    }
}
#endif
#endif
