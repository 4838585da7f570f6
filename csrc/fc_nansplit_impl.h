/* fc_nansplit_impl.h - fc_nan_split without a mask for one instruction set,
 * included by fc_nanpass.c with SPLIT_ISA (the name's suffix), SPLIT_W
 * (doubles per vector), SPLIT_V (the vector type) and
 *     SPLIT_LOAD(p)       an unaligned load
 *     SPLIT_NAN(x)        the bits of x's NaN lanes
 *     SPLIT_NF(x)         the bits of x's NaN or +-inf lanes
 *     SPLIT_ZERO(x)       x with its NaN lanes 0
 *     SPLIT_STORE(p, v)   an aligned store, SPLIT_STREAM(p, v) a streaming one
 * A vector at a time: d written by aligned (or streaming) stores (d NULL:
 * not written), the invalid samples listed from the lane bits (ascending). */
#define SPLIT_CAT_(a, b) a##_##b
#define SPLIT_CAT(a, b) SPLIT_CAT_(a, b)

static ptrdiff_t SPLIT_CAT(split_vec, SPLIT_ISA)(const double *a, ptrdiff_t n, double *d,
                                                int64_t *idx, ptrdiff_t cap, int *nonfinite,
                                                int stream)
{
    ptrdiff_t bad = 0, i = 0;
    /* (d NULL: the list only) */
    while (i < n && ((uintptr_t)(d ? d + i : a + i) & (SPLIT_W * 8 - 1)) != 0)
        i++;
    int inf = split_scan(a, NULL, 0, i, d, idx, cap, &bad);
    for (; i + SPLIT_W <= n; i += SPLIT_W) {
        const SPLIT_V x = SPLIT_LOAD(a + i);
        const unsigned nf = SPLIT_NF(x);
        if (!d)
            ;
        else if (stream)
            SPLIT_STREAM(d + i, SPLIT_ZERO(x));
        else
            SPLIT_STORE(d + i, SPLIT_ZERO(x));
        if (nf) {
            unsigned nan = SPLIT_NAN(x);
            inf |= (nf & ~nan) != 0;
            for (; nan; nan &= nan - 1) {
                if (bad < cap)
                    idx[bad] = i + __builtin_ctz(nan);
                bad++;
            }
        }
    }
    inf |= split_scan(a, NULL, i, n, d, idx, cap, &bad);
    if (stream)
        _mm_sfence();
    *nonfinite = inf;
    return bad;
}
#undef SPLIT_CAT
#undef SPLIT_CAT_
