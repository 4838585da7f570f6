/*
 * fc_dispatch.c - pick the micro-kernels for this CPU (see fc_kernels.h).
 *
 * The AVX2 and AVX-512 variants exist only when setup.py compiled them
 * (FC_HAVE_AVX2 / FC_HAVE_AVX512, x86-64 with GCC or Clang); the baseline is
 * always there.  CPU support is asked with __builtin_cpu_supports, which also
 * checks that the OS saves the wide registers.  The AVX-512 variant is built
 * with BW and DQ (16-bit lanes, 64-bit multiply) and needs them: a CPU with
 * AVX-512F alone (Xeon Phi) gets the AVX2 variant.
 */
#include <stdlib.h>
#include <string.h>

#include "fc_kernels.h"

/* one kernel per element type (fc_types.h) and instruction set */
#define FC_DECLARE_ROW(ID, tn, S, T, LB, KIND, isa) void fc_corr2d_valid_##tn##_##isa(struct fc_band *);
#define FC_DECLARE_BASELINE(...) FC_DECLARE_ROW(__VA_ARGS__, baseline)
#define FC_DECLARE_AVX2(...) FC_DECLARE_ROW(__VA_ARGS__, avx2)
#define FC_DECLARE_AVX512(...) FC_DECLARE_ROW(__VA_ARGS__, avx512)
FC_TYPES(FC_DECLARE_BASELINE)
#ifdef FC_HAVE_AVX2
FC_TYPES(FC_DECLARE_AVX2)
#endif
#ifdef FC_HAVE_AVX512
FC_TYPES(FC_DECLARE_AVX512)
#endif

/* the kernels in use, by enum fc_type (FC_NONE: none) */
static fc_corr2d_fn fc_table[FC_NTYPES];

/* Integer types only (their wrapping arithmetic gives the same bits in
   every instruction set): the kernel of the next narrower instruction set
   in use, for bands whose columns between the edges fill less than one of
   the current set's vectors (a kernel computes those element by element,
   fc_simd_impl.h FC_SCALAR: 22-wide int16 planes, 32 lanes with AVX-512,
   ran 3-4x slower than in the AVX2 kernel's 16 lanes); their lanes per
   vector.  NULL / 0: none. */
#define FC_NISA (FC_ISA_AVX512 + 1)
static fc_corr2d_fn fc_narrow[FC_NISA][FC_NTYPES];
static ptrdiff_t fc_lanes[FC_NISA][FC_NTYPES];
static const int fc_vbytes[FC_NISA] = {16, 32, 64};

#define FC_USE_ROW(ID, tn, S, T, LB, KIND, isa) fc_table[FC_##ID] = fc_corr2d_valid_##tn##_##isa;
#define FC_USE_BASELINE(...) FC_USE_ROW(__VA_ARGS__, baseline)
#define FC_USE_AVX2(...) FC_USE_ROW(__VA_ARGS__, avx2)
#define FC_USE_AVX512(...) FC_USE_ROW(__VA_ARGS__, avx512)
#define FC_NARROW_ROW(ID, tn, S, T, LB, KIND, isa, I)                           \
    if ((KIND) == FC_K_UINT) {                                                  \
        fc_narrow[I][FC_##ID] = fc_corr2d_valid_##tn##_##isa;                   \
        fc_lanes[I][FC_##ID] = fc_vbytes[I] / (LB);                             \
    }
#define FC_NARROW_BASELINE(...) FC_NARROW_ROW(__VA_ARGS__, baseline, FC_ISA_BASELINE)
#define FC_NARROW_AVX2(...) FC_NARROW_ROW(__VA_ARGS__, avx2, FC_ISA_AVX2)
#define FC_NARROW_AVX512(...) FC_NARROW_ROW(__VA_ARGS__, avx512, FC_ISA_AVX512)

static int fc_current = FC_ISA_BASELINE;
static const char *const fc_names[] = {"baseline", "avx2", "avx512"};
static char fc_available[64] = "baseline";

static int fc_cpu_has(int isa)
{
    if (isa == FC_ISA_BASELINE)
        return 1;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
#ifdef FC_HAVE_AVX2
    if (isa == FC_ISA_AVX2)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#ifdef FC_HAVE_AVX512
    if (isa == FC_ISA_AVX512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("fma");
#endif
#endif
    return 0;
}

/* AVX512_VNNI (vpdpwssd, fc_pairs.c), only where the AVX-512 variant runs. */
int fc_cpu_has_vnni(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && defined(FC_HAVE_AVX512)
    return fc_cpu_has(FC_ISA_AVX512) && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

static void fc_use(int isa)
{
    memset(fc_narrow, 0, sizeof fc_narrow);
    memset(fc_lanes, 0, sizeof fc_lanes);
    FC_TYPES(FC_NARROW_BASELINE)
#ifdef FC_HAVE_AVX2
    if (isa >= FC_ISA_AVX2)
        FC_TYPES(FC_NARROW_AVX2)
#endif
#ifdef FC_HAVE_AVX512
    if (isa >= FC_ISA_AVX512)
        FC_TYPES(FC_NARROW_AVX512)
#endif
    fc_current = isa;
    switch (isa) {
#ifdef FC_HAVE_AVX512
    case FC_ISA_AVX512:
        FC_TYPES(FC_USE_AVX512)
        break;
#endif
#ifdef FC_HAVE_AVX2
    case FC_ISA_AVX2:
        FC_TYPES(FC_USE_AVX2)
        break;
#endif
    default:
        fc_current = FC_ISA_BASELINE;
        FC_TYPES(FC_USE_BASELINE)
    }
}

int fc_select_isa(const char *requested)
{
    int best = FC_ISA_BASELINE;
    fc_available[0] = '\0';
    strcat(fc_available, "baseline");
    for (int isa = FC_ISA_AVX2; isa <= FC_ISA_AVX512; isa++) {
        if (fc_cpu_has(isa)) {
            best = isa;
            strcat(fc_available, ",");
            strcat(fc_available, fc_names[isa]);
        }
    }
    int chosen = best;
    if (requested && requested[0]) {
        for (int isa = FC_ISA_BASELINE; isa <= FC_ISA_AVX512; isa++)
            if (strcmp(requested, fc_names[isa]) == 0 && fc_cpu_has(isa))
                chosen = isa;
    }
    fc_use(chosen);
    return fc_current;
}

const char *fc_isa_name(void) { return fc_names[fc_current]; }
int fc_isa_current(void) { return fc_current; }
const char *fc_isa_available(void) { return fc_available; }

/* The ISA whose kernel computes a band of `cols` columns of valid type
   `type` (kernel `kw` wide, zero-filled edge columns allowed or not): the
   one in use, or for a narrow integer band the widest set whose vector its
   columns between the edges fill (the one statement of this rule; Python's
   cost model asks it through fc_band_vector_bytes). */
static ptrdiff_t fc_band_inner(ptrdiff_t cols, ptrdiff_t kw, int edges)
{
    return cols - (edges ? kw - 1 : 0);
}

static int fc_band_isa(int type, ptrdiff_t cols, ptrdiff_t kw, int edges)
{
    const ptrdiff_t inner = fc_band_inner(cols, kw, edges);
    int isa = fc_current;
    if (isa > FC_ISA_BASELINE && fc_narrow[isa][type] && inner < fc_lanes[isa][type]) {
        do
            isa--;
        while (isa > FC_ISA_BASELINE && inner < fc_lanes[isa][type]);
    }
    return isa;
}

int fc_band_vector_bytes(int type, ptrdiff_t cols, ptrdiff_t kw, int edges, int *fills)
{
    *fills = 0;
    if (type <= FC_NONE || type >= FC_NTYPES || !fc_table[type])
        return 0;
    const int isa = fc_band_isa(type, cols, kw, edges);
    /* (lanes of the kernel's type: its bytes over the lane's, fc_types.h) */
    const ptrdiff_t lanes = fc_lanes[isa][type] ? fc_lanes[isa][type] : 1;
    *fills = fc_band_inner(cols, kw, edges) >= lanes;
    return fc_vbytes[isa];
}

void fc_corr2d_valid(int type, struct fc_band *b)
{
    if (type > FC_NONE && type < FC_NTYPES && fc_table[type]) {
        const int isa = fc_band_isa(type, b->cols, b->kw, b->edge_before || b->edge_after);
        if (isa != fc_current)
            fc_narrow[isa][type](b);
        else
            fc_table[type](b);
    } else {
        b->done_before = 0;
        b->done_after = 0;
    }
}
