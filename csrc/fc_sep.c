/* fc_sep.c - pick the separable passes' instruction set (the one the direct
   kernels use: _sepcore.pyx passes fc_select_isa's choice, see
   fc_dispatch.c) and run them. */
#include <stdint.h>
#include "fc_sep.h"
/* fc_sep_ndi_u8 must not fuse its multiply-adds (where the target has FMA
   in its baseline, e.g. arm64) */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

typedef int (*fc_sep_fn)(int, const struct fc_sep_geom *, const void *, const void *,
                         const void *, const void *, void *, int64_t, int64_t);

int fc_sep_rows_baseline(int, const struct fc_sep_geom *, const void *, const void *,
                         const void *, const void *, void *, int64_t, int64_t);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#define FC_SEP_X86 1
int fc_sep_rows_avx2(int, const struct fc_sep_geom *, const void *, const void *,
                     const void *, const void *, void *, int64_t, int64_t);
int fc_sep_rows_avx512(int, const struct fc_sep_geom *, const void *, const void *,
                       const void *, const void *, void *, int64_t, int64_t);
#endif

#define FC_SEP_U8_ARGS const struct fc_sep_geom *, const uint8_t *, float,                 \
                       const struct fc_sep_u8pass *, const struct fc_sep_u8pass *, uint8_t *,  \
                       int64_t, int64_t
typedef int (*fc_sep_u8_fn)(FC_SEP_U8_ARGS);
int fc_sep_u8rows_baseline(FC_SEP_U8_ARGS);
#ifdef FC_SEP_X86
int fc_sep_u8rows_avx2(FC_SEP_U8_ARGS);
int fc_sep_u8rows_avx512(FC_SEP_U8_ARGS);
#endif

static fc_sep_fn fc_sep_current = fc_sep_rows_baseline;
static fc_sep_u8_fn fc_sep_u8_current = fc_sep_u8rows_baseline;
static int fc_sep_isa = 0;

int fc_sep_select(int isa)
{
    fc_sep_current = fc_sep_rows_baseline;
    fc_sep_u8_current = fc_sep_u8rows_baseline;
    fc_sep_isa = 0;
#ifdef FC_SEP_X86
    if (isa == 2) {
        fc_sep_current = fc_sep_rows_avx512;
        fc_sep_u8_current = fc_sep_u8rows_avx512;
        fc_sep_isa = 2;
    } else if (isa == 1) {
        fc_sep_current = fc_sep_rows_avx2;
        fc_sep_u8_current = fc_sep_u8rows_avx2;
        fc_sep_isa = 1;
    }
#else
    (void)isa;
#endif
    return fc_sep_isa;
}

int fc_sep_rows(int type, const struct fc_sep_geom *g, const void *x, const void *u,
                const void *v, const void *fill, void *out, int64_t r0, int64_t r1)
{
    return fc_sep_current(type, g, x, u, v, fill, out, r0, r1);
}

int fc_sep_rows_u8(const struct fc_sep_geom *g, const uint8_t *x, float fill,
                   const struct fc_sep_u8pass *vp, const struct fc_sep_u8pass *hp,
                   uint8_t *out, int64_t r0, int64_t r1)
{
    return fc_sep_u8_current(g, x, fill, vp, hp, out, r0, r1);
}

/* (this file is built without FMA flags: `tmp += a * b` rounds twice) */
uint8_t fc_sep_ndi_u8(const double *vals, const double *w, int64_t m, int sym)
{
    const int64_t c = m / 2;
    double tmp;
    if (sym) {
        tmp = vals[c] * w[c];
        for (int64_t j = -c; j < 0; j++)
            tmp += (sym > 0 ? vals[c + j] + vals[c - j] : vals[c + j] - vals[c - j]) * w[c + j];
    } else {
        tmp = vals[m - 1] * w[m - 1];
        for (int64_t j = 0; j < m - 1; j++)
            tmp += vals[j] * w[j];
    }
    /* C's (uint8_t) of a double as x86-64 does it: through int32, whose
       conversion gives INT32_MIN (low byte 0) out of range */
    if (!(tmp >= -2147483648.0 && tmp < 2147483648.0))
        return 0;
    return (uint8_t)(int32_t)tmp;
}
