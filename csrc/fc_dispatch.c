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

#define FC_DECLARE1(T, tn, isa)                                                      \
    void fc_corr2d_valid_##tn##_##isa(T *, ptrdiff_t, const T *, ptrdiff_t, const T *, \
                                      ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int, ptrdiff_t *);
#define FC_DECLARE(isa)                                                              \
    FC_DECLARE1(float, f32, isa)                                                     \
    FC_DECLARE1(double, f64, isa)                                                    \
    FC_DECLARE1(float, c64, isa)                                                     \
    FC_DECLARE1(double, c128, isa)                                                   \
    FC_DECLARE1(uint8_t, u8, isa)                                                    \
    FC_DECLARE1(uint16_t, u16, isa)                                                  \
    FC_DECLARE1(uint32_t, u32, isa)                                                  \
    FC_DECLARE1(uint64_t, u64, isa)

FC_DECLARE(baseline)
#ifdef FC_HAVE_AVX2
FC_DECLARE(avx2)
#endif
#ifdef FC_HAVE_AVX512
FC_DECLARE(avx512)
#endif

fc_corr2d_f32_fn fc_corr2d_valid_f32 = fc_corr2d_valid_f32_baseline;
fc_corr2d_f64_fn fc_corr2d_valid_f64 = fc_corr2d_valid_f64_baseline;
fc_corr2d_f32_fn fc_corr2d_valid_c64 = fc_corr2d_valid_c64_baseline;
fc_corr2d_f64_fn fc_corr2d_valid_c128 = fc_corr2d_valid_c128_baseline;
fc_corr2d_u8_fn fc_corr2d_valid_u8 = fc_corr2d_valid_u8_baseline;
fc_corr2d_u16_fn fc_corr2d_valid_u16 = fc_corr2d_valid_u16_baseline;
fc_corr2d_u32_fn fc_corr2d_valid_u32 = fc_corr2d_valid_u32_baseline;
fc_corr2d_u64_fn fc_corr2d_valid_u64 = fc_corr2d_valid_u64_baseline;

#define FC_USE(isa)                                                                  \
    do {                                                                             \
        fc_corr2d_valid_f32 = fc_corr2d_valid_f32_##isa;                             \
        fc_corr2d_valid_f64 = fc_corr2d_valid_f64_##isa;                             \
        fc_corr2d_valid_c64 = fc_corr2d_valid_c64_##isa;                             \
        fc_corr2d_valid_c128 = fc_corr2d_valid_c128_##isa;                           \
        fc_corr2d_valid_u8 = fc_corr2d_valid_u8_##isa;                               \
        fc_corr2d_valid_u16 = fc_corr2d_valid_u16_##isa;                             \
        fc_corr2d_valid_u32 = fc_corr2d_valid_u32_##isa;                             \
        fc_corr2d_valid_u64 = fc_corr2d_valid_u64_##isa;                             \
    } while (0)

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

static void fc_use(int isa)
{
    fc_current = isa;
    switch (isa) {
#ifdef FC_HAVE_AVX512
    case FC_ISA_AVX512:
        FC_USE(avx512);
        break;
#endif
#ifdef FC_HAVE_AVX2
    case FC_ISA_AVX2:
        FC_USE(avx2);
        break;
#endif
    default:
        fc_current = FC_ISA_BASELINE;
        FC_USE(baseline);
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
const char *fc_isa_available(void) { return fc_available; }

#define FC_CALL(fn, T)                                                               \
    fn((T *)out, ldo, (const T *)in, ldi, (const T *)k, kh, kw, rows, cols, flags, edge)

void fc_corr2d_valid(int type, void *out, ptrdiff_t ldo, const void *in, ptrdiff_t ldi,
                     const void *k, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t rows,
                     ptrdiff_t cols, int flags, ptrdiff_t *edge)
{
    switch (type) {
    case FC_F32: FC_CALL(fc_corr2d_valid_f32, float); break;
    case FC_F64: FC_CALL(fc_corr2d_valid_f64, double); break;
    case FC_C64: FC_CALL(fc_corr2d_valid_c64, float); break;    /* interleaved */
    case FC_C128: FC_CALL(fc_corr2d_valid_c128, double); break; /* interleaved */
    case FC_U8: FC_CALL(fc_corr2d_valid_u8, uint8_t); break;
    case FC_U16: FC_CALL(fc_corr2d_valid_u16, uint16_t); break;
    case FC_U32: FC_CALL(fc_corr2d_valid_u32, uint32_t); break;
    case FC_U64: FC_CALL(fc_corr2d_valid_u64, uint64_t); break;
    default:
        if (edge)
            edge[0] = edge[1] = 0;
        break;
    }
}
