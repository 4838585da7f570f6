/* fc_nanunit.c - nanconvolve's division inside the direct core's units
 * (fc_nanunit.h): fc_nanunit_impl.h compiled for the baseline and, on
 * x86-64 with GCC/Clang, for AVX2 and AVX-512 (target pragmas, no build
 * flags); each call runs the variant of the instruction set the direct
 * kernels use (fc_isa_current, fc_dispatch.c). */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "fc_kernels.h"
#include "fc_nanunit.h"
/* (no multiply-adds fused: the same bits as the baseline's mulpd after divpd) */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#define FC_NAN_X86 1
#include <immintrin.h>
#include "fc_target.h"
#endif

#define NAN_ISA baseline
#ifdef FC_NAN_X86
#define NAN_VB 16
#define NAN_STREAM(p, v) _mm_stream_pd((p), (__m128d)(v))
#endif
#include "fc_nanunit_impl.h"

#ifdef FC_NAN_X86
#undef NAN_ISA
#undef NAN_VB
#undef NAN_STREAM
FC_TARGET_PUSH("avx2")
#define NAN_ISA avx2
#define NAN_VB 32
#define NAN_STREAM(p, v) _mm256_stream_pd((p), (__m256d)(v))
#include "fc_nanunit_impl.h"
FC_TARGET_POP

#undef NAN_ISA
#undef NAN_VB
#undef NAN_STREAM
FC_TARGET_PUSH("avx512f,avx512vl,avx512dq")
#define NAN_ISA avx512
#define NAN_VB 64
#define NAN_STREAM(p, v) _mm512_stream_pd((p), (__m512d)(v))
#include "fc_nanunit_impl.h"
FC_TARGET_POP
#endif

void fc_nan_start(struct fc_nan_pending *p, const struct fc_nan_units *u, double *out,
                  ptrdiff_t ldo, const double *top, ptrdiff_t ldt, ptrdiff_t y0,
                  ptrdiff_t y1, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t sy, ptrdiff_t sx,
                  ptrdiff_t ldx, double *def, int tid)
{
    fc_nan_begin(p, u, out, ldo, top, ldt, y0, y1, x0, x1, sy, sx, ldx, def, tid);
    /* (the deficit rows start at 0; each division leaves its row 0) */
    if (p->active)
        memset(def, 0, (size_t)(FC_NAN_DEF_ROWS * FC_NAN_DEF_PITCH(x1 - x0)) * sizeof(double));
}

void fc_nan_begin(struct fc_nan_pending *p, const struct fc_nan_units *u, double *out,
                  ptrdiff_t ldo, const double *top, ptrdiff_t ldt, ptrdiff_t y0,
                  ptrdiff_t y1, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t sy, ptrdiff_t sx,
                  ptrdiff_t ldx, double *def, int tid)
{
    p->u = u;
    p->out = out;
    p->ldo = ldo;
    p->top = top;
    p->ldt = ldt;
    p->y0 = y0;
    p->y1 = y1;
    p->x0 = x0;
    p->x1 = x1;
    p->sy = sy;
    p->sx = sx;
    p->ldx = ldx;
    p->def = def;
    p->tid = tid;
    p->ya = y0;
    p->y = y0;
    p->e = 0;
    p->count = 0;
    p->dividing = 0;
    p->active = y0 < y1 && x0 < x1;
    p->step = nan_step_baseline;
#ifdef FC_NAN_X86
    switch (fc_isa_current()) {
    case FC_ISA_AVX512:
        p->step = nan_step_avx512;
        break;
    case FC_ISA_AVX2:
        p->step = nan_step_avx2;
        break;
    default:
        break;
    }
#endif
}

void fc_nan_hook(void *ctx)
{
    struct fc_nan_pending *p = ctx;
    if (p->active)
        p->step(p, FC_NAN_HOOK_OUTPUTS);
}

void fc_nan_end(struct fc_nan_pending *p)
{
    if (p->active)
        p->step(p, -1);
}
