/* fc_sep.c - pick the separable passes' instruction set (the one the direct
   kernels use: _sepcore.pyx passes fc_select_isa's choice, see
   fc_dispatch.c) and run them. */
#include <stdint.h>
#include "fc_sep.h"

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

static fc_sep_fn fc_sep_current = fc_sep_rows_baseline;
static int fc_sep_isa = 0;

int fc_sep_select(int isa)
{
    fc_sep_current = fc_sep_rows_baseline;
    fc_sep_isa = 0;
#ifdef FC_SEP_X86
    if (isa == 2) {
        fc_sep_current = fc_sep_rows_avx512;
        fc_sep_isa = 2;
    } else if (isa == 1) {
        fc_sep_current = fc_sep_rows_avx2;
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
