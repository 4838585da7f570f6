/*
 * fc_transpose.h - the in-register transposition of a square block of
 * vectors: FC_TRANSPOSE(VT, N, r) makes lane k of r[a] lane a of r[k]
 * (a, k < N), for r an array (lvalue) of N vectors of type VT with N lanes,
 * N = 8 or 16 (a literal).  By stages that each swap one bit of the row
 * index with that bit of the lane index: rows a and a + h (bit h of a
 * clear) become lo and hi, one two-source shuffle each
 * (__builtin_shufflevector: GCC 12 or later, Clang).  Moves lanes only: the
 * values keep their bits.  Used by the lane segments of the wide kernels
 * (fc_wide_impl.h seg_tr) and the 16-row bands of the separable passes
 * (fc_sep_impl.h fc_sep_tr16).
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
#endif
