/* nanconvolve's element-wise passes: see fc_nanpass.h. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "fc_nanpass.h"

#define FC_NAN_MAXDIM 32

/* The vectorised loops below keep LANES partial sums (one per lane, each
 * summed in order, so no reassociation is needed for the compiler to
 * vectorise them) and test or count in double precision. */
#define LANES 8

/* Samples per block of fc_nan_split without a mask: a branch-free pass,
 * then, in the blocks holding NaN or inf (x - x is not 0), a scan. */
#define SPLIT_BLOCK 32

static int split_scan(const double *a, const unsigned char *mask, ptrdiff_t lo,
                      ptrdiff_t hi, double *d, int64_t *idx, ptrdiff_t cap, ptrdiff_t *bad)
{
    int inf = 0;
    for (ptrdiff_t i = lo; i < hi; i++) {
        const double x = a[i];
        const int invalid = (x != x) | (mask ? mask[i] != 0 : 0);
        if (d)
            d[i] = invalid ? 0.0 : x;
        if (invalid) {
            if (*bad < cap)
                idx[*bad] = i;
            (*bad)++;
        } else
            inf |= fabs(x) > DBL_MAX;
    }
    return inf;
}

/* The AVX2 / AVX-512 splits (x86-64, GCC/Clang: target pragmas, no build
 * flags), chosen by fc_nan_split_select; at least SPLIT_STREAM_MIN doubles
 * are written by streaming stores (a copy too big to stay in the caches). */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#define FC_SPLIT_X86 1
#include <immintrin.h>
#include "fc_target.h"
#define SPLIT_STREAM_MIN (1 << 20)

FC_TARGET_PUSH("avx2")
#define SPLIT_ISA avx2
#define SPLIT_W 4
#define SPLIT_V __m256d
#define SPLIT_LOAD(p) _mm256_loadu_pd(p)
#define SPLIT_NAN(x) (unsigned)_mm256_movemask_pd(_mm256_cmp_pd((x), (x), _CMP_UNORD_Q))
#define SPLIT_NF(x) SPLIT_NAN(_mm256_sub_pd((x), (x)))
#define SPLIT_ZERO(x) _mm256_andnot_pd(_mm256_cmp_pd((x), (x), _CMP_UNORD_Q), (x))
#define SPLIT_STORE(p, v) _mm256_store_pd((p), (v))
#define SPLIT_STREAM(p, v) _mm256_stream_pd((p), (v))
#include "fc_nansplit_impl.h"
#undef SPLIT_ISA
#undef SPLIT_W
#undef SPLIT_V
#undef SPLIT_LOAD
#undef SPLIT_NAN
#undef SPLIT_NF
#undef SPLIT_ZERO
#undef SPLIT_STORE
#undef SPLIT_STREAM
FC_TARGET_POP
FC_TARGET_PUSH("avx512f")
#define SPLIT_ISA avx512
#define SPLIT_W 8
#define SPLIT_V __m512d
#define SPLIT_LOAD(p) _mm512_loadu_pd(p)
#define SPLIT_NAN(x) (unsigned)_mm512_cmp_pd_mask((x), (x), _CMP_UNORD_Q)
#define SPLIT_NF(x) SPLIT_NAN(_mm512_sub_pd((x), (x)))
#define SPLIT_ZERO(x) _mm512_maskz_mov_pd((__mmask8)~SPLIT_NAN(x), (x))
#define SPLIT_STORE(p, v) _mm512_store_pd((p), (v))
#define SPLIT_STREAM(p, v) _mm512_stream_pd((p), (v))
#include "fc_nansplit_impl.h"
FC_TARGET_POP
#endif

static int split_isa = 0;

int fc_nan_split_select(int isa)
{
#ifdef FC_SPLIT_X86
    split_isa = isa == 1 || isa == 2 ? isa : 0;
#else
    (void)isa;
#endif
    return split_isa;
}

ptrdiff_t fc_nan_split(const double *a, const unsigned char *mask, ptrdiff_t n,
                       double *d, int64_t *idx, ptrdiff_t cap, int *nonfinite)
{
    ptrdiff_t bad = 0;
#ifdef FC_SPLIT_X86
    if (!mask && split_isa == 2)
        return split_vec_avx512(a, n, d, idx, cap, nonfinite, n >= SPLIT_STREAM_MIN);
    if (!mask && split_isa == 1)
        return split_vec_avx2(a, n, d, idx, cap, nonfinite, n >= SPLIT_STREAM_MIN);
#endif
    if (mask || !d) {
        *nonfinite = split_scan(a, mask, 0, n, d, idx, cap, &bad);
        return bad;
    }
    int inf = 0;
    ptrdiff_t b0 = 0;
    for (; b0 + SPLIT_BLOCK <= n; b0 += SPLIT_BLOCK) {
        const double *ab = a + b0;
        double *db = d + b0;
        double acc[LANES] = {0.0};
        for (ptrdiff_t i = 0; i < SPLIT_BLOCK; i += LANES)
            for (int j = 0; j < LANES; j++) {
                const double x = ab[i + j];
                db[i + j] = x == x ? x : 0.0;
                acc[j] += x - x;
            }
        double sum = 0.0;
        for (int j = 0; j < LANES; j++)
            sum += acc[j];
        if (sum != sum)
            inf |= split_scan(a, NULL, b0, b0 + SPLIT_BLOCK, d, idx, cap, &bad);
    }
    inf |= split_scan(a, NULL, b0, n, d, idx, cap, &bad);
    *nonfinite = inf;
    return bad;
}

/* top[i] = top[i] / w[i] * scale for i < n, w[i] = sub[i] when `dense`
 * (the weights themselves), else wsum - sub[i] (a sum less the deficits);
 * returns the number of |w[i]| <= tau. */
static inline ptrdiff_t divide(double *top, const double *sub, ptrdiff_t n, int dense,
                               double wsum, double scale, double tau)
{
    double acc[LANES] = {0.0};
    ptrdiff_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int j = 0; j < LANES; j++) {
            const double w = dense ? sub[i + j] : wsum - sub[i + j];
            top[i + j] = top[i + j] / w * scale;
            acc[j] += fabs(w) <= tau ? 1.0 : 0.0;
        }
    double count = 0.0;
    for (; i < n; i++) {
        const double w = dense ? sub[i] : wsum - sub[i];
        top[i] = top[i] / w * scale;
        count += fabs(w) <= tau;
    }
    for (int j = 0; j < LANES; j++)
        count += acc[j];
    return (ptrdiff_t)count;
}

ptrdiff_t fc_nan_divide(double *top, const double *weight, ptrdiff_t n, double scale,
                        double tau)
{
    return divide(top, weight, n, 1, 0.0, scale, tau);
}

/* Scatter-add the kernel block placed at `origin` into the part of dst
 * (axes ax.. of the output, strides ostr) it overlaps. */
static void add_block(double *dst, const double *k, int ax, int ndim,
                      const ptrdiff_t *shape, const ptrdiff_t *kshape,
                      const ptrdiff_t *ostr, const ptrdiff_t *kstr, const int64_t *origin)
{
    const ptrdiff_t s = (ptrdiff_t)origin[ax];
    const ptrdiff_t lo = s > 0 ? s : 0;
    const ptrdiff_t hi = s + kshape[ax] < shape[ax] ? s + kshape[ax] : shape[ax];
    if (ax == ndim - 1) {
        double *restrict o = dst + lo;
        const double *restrict kk = k + (lo - s);
        for (ptrdiff_t q = 0; q < hi - lo; q++)
            o[q] += kk[q];
        return;
    }
    for (ptrdiff_t i = lo; i < hi; i++)
        add_block(dst + i * ostr[ax], k + (i - s) * kstr[ax], ax + 1, ndim, shape, kshape,
                  ostr, kstr, origin);
}

ptrdiff_t fc_nan_reweight(double *top, int ndim, const ptrdiff_t *shape, const double *k,
                          const ptrdiff_t *kshape, const int64_t *origins, ptrdiff_t npts,
                          double wsum, double scale, double tau, double *buf,
                          ptrdiff_t bufsize, int64_t *doubt, ptrdiff_t doubt_cap)
{
    ptrdiff_t ostr[FC_NAN_MAXDIM], kstr[FC_NAN_MAXDIM];
    ostr[ndim - 1] = kstr[ndim - 1] = 1;
    for (int a = ndim - 2; a >= 0; a--) {
        ostr[a] = ostr[a + 1] * shape[a + 1];
        kstr[a] = kstr[a + 1] * kshape[a + 1];
    }
    const ptrdiff_t plane = ostr[0], m0 = kshape[0], rows = shape[0];
    ptrdiff_t strip = bufsize / plane;
    if (strip < 1)
        strip = 1;
    ptrdiff_t ndoubt = 0, first = 0;
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += strip) {
        const ptrdiff_t r1 = r0 + strip < rows ? r0 + strip : rows;
        double *top_s = top + r0 * plane;
        const ptrdiff_t n = (r1 - r0) * plane;
        memset(buf, 0, (size_t)n * sizeof(double));
        /* the points whose rows [s0, s0 + m0) meet [r0, r1) */
        while (first < npts && origins[first * ndim] + m0 <= r0)
            first++;
        for (ptrdiff_t p = first; p < npts && origins[p * ndim] < r1; p++) {
            const int64_t *o = origins + p * ndim;
            const ptrdiff_t s0 = (ptrdiff_t)o[0];
            const ptrdiff_t lo = s0 > r0 ? s0 : r0;
            const ptrdiff_t hi = s0 + m0 < r1 ? s0 + m0 : r1;
            for (ptrdiff_t i = lo; i < hi; i++) {
                double *dst = buf + (i - r0) * plane;
                const double *kp = k + (i - s0) * kstr[0];
                if (ndim == 1)
                    dst[0] += kp[0];
                else if (ndim == 2) {       /* (add_block's last axis, inline) */
                    const ptrdiff_t s1 = (ptrdiff_t)o[1];
                    const ptrdiff_t c0 = s1 > 0 ? s1 : 0;
                    const ptrdiff_t c1 = s1 + kshape[1] < plane ? s1 + kshape[1] : plane;
                    double *restrict dr = dst + c0;
                    const double *restrict kr = kp + (c0 - s1);
                    for (ptrdiff_t c = 0; c < c1 - c0; c++)
                        dr[c] += kr[c];
                } else
                    add_block(dst, kp, 1, ndim, shape, kshape, ostr, kstr, o);
            }
        }
        ptrdiff_t nd = divide(top_s, buf, n, 0, wsum, scale, tau);
        for (ptrdiff_t e = 0; nd && e < n; e++)    /* (rare) list the doubtful */
            if (fabs(wsum - buf[e]) <= tau) {
                if (ndoubt < doubt_cap)
                    doubt[ndoubt] = r0 * plane + e;
                ndoubt++;
                nd--;
            }
    }
    return ndoubt;
}
