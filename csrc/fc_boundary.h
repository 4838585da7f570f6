/*
 * fc_boundary.h - index folding for reads outside the input.
 *
 * The direct kernels compute, along one axis of length n,
 *
 *     out[y] = sum_j k[j] * X(y + s + j)
 *
 * where X(i) = x[i] for 0 <= i < n and, outside, X(i) follows the boundary
 * rule.  fc_fold() maps an index i to the index of the input sample it reads,
 * or returns -1 when the read is the fill value.  It works for any i, so a
 * kernel larger than the input (many periods away) folds correctly.
 *
 *   FC_FILL     ... f f | a b c d | f f ...  (returns -1 outside)
 *   FC_WRAP     ... c d | a b c d | a b ...  i mod n
 *   FC_SYMM     ... b a | a b c d | d c ...  half-sample symmetric: period 2n,
 *                                            r = i mod 2n, r < n ? r : 2n-1-r
 *                                            (scipy 'symm', np.pad 'symmetric')
 *   FC_REFLECT  ... c b | a b c d | c b ...  whole-sample mirror: period 2n-2,
 *                                            r < n ? r : 2n-2-r; n == 1 -> 0
 *                                            (np.pad 'reflect', ndimage 'mirror')
 *   FC_NEAREST  ... a a | a b c d | d d ...  clamp (np.pad 'edge')
 *
 * Callers guarantee n >= 1.  All arithmetic is 64-bit.
 */
#ifndef FC_BOUNDARY_H
#define FC_BOUNDARY_H

#include <stdint.h>

enum fc_boundary { FC_FILL = 0, FC_WRAP = 1, FC_SYMM = 2, FC_REFLECT = 3, FC_NEAREST = 4 };

static inline int64_t fc_mod(int64_t i, int64_t p)
{
    int64_t r = i % p;
    return r < 0 ? r + p : r;
}

static inline int64_t fc_fold(int64_t i, int64_t n, int mode)
{
    if (i >= 0 && i < n)
        return i;
    switch (mode) {
    case FC_WRAP:
        return fc_mod(i, n);
    case FC_SYMM: {
        int64_t r = fc_mod(i, 2 * n);
        return r < n ? r : 2 * n - 1 - r;
    }
    case FC_REFLECT: {
        if (n == 1)
            return 0;
        int64_t r = fc_mod(i, 2 * n - 2);
        return r < n ? r : 2 * n - 2 - r;
    }
    case FC_NEAREST:
        return i < 0 ? 0 : n - 1;
    default:
        return -1;
    }
}

#endif /* FC_BOUNDARY_H */
