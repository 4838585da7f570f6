/* fc_rowfft.c - nanconvolve's sums by FFTs along the rows (fc_rowfft.h):
 * AVX-512 only (a target pragma, no build flags); elsewhere
 * fc_rowfft_available is 0 and the direct core's units run instead. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "fc_kernels.h"
#include "fc_rowfft.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#define FC_ROWFFT_X86 1
#include <immintrin.h>
#include "fc_target.h"
#endif

#define NF FC_ROWFFT_N
#define STEP 4                /* output rows y per step */
/* The tiles' loads prefetch the same columns PF_ROWS rows below (the next
   step's), to the L2 (PF_HINT; C harness, A/B in one process, 2048^2 9x9
   1% NaN, Zen 4: the units 11-17% faster than prefetching to the L1, where
   the lines were evicted before their use; 1, 2, 4, 8 or 12 rows ahead
   alike, none 5% slower).  (-D for such measurements.) */
#ifndef PF_ROWS
#define PF_ROWS STEP
#endif
#ifndef PF_HINT
#define PF_HINT _MM_HINT_T1
#endif
#define PAD_BYTES ((8 * NF + 64) * sizeof(double))   /* an edge group's row span */

/* twiddles between the two radix-8 stages: W64^(j k) */
static double tw_re[8][8], tw_im[8][8];
static int tw_ready;

static void tw_init(void)
{
    if (tw_ready)
        return;
    for (int j = 0; j < 8; j++)
        for (int k = 0; k < 8; k++) {
            const double a = -2.0 * M_PI * (double)(j * k) / (double)NF;
            tw_re[j][k] = cos(a);
            tw_im[j][k] = sin(a);
        }
    tw_ready = 1;
}

static size_t round64(size_t n) { return (n + 63) / 64 * 64; }

int64_t fc_rowfft_units(const struct fc_rowfft *job)
{
    const ptrdiff_t d = (job->orows + 1) / 2;
    return (int64_t)((d + job->chunk - 1) / job->chunk);
}

#ifdef FC_ROWFFT_X86
FC_TARGET_PUSH("avx512f,avx512dq,fma")

typedef double v8d __attribute__((vector_size(64)));

#define S2 0.70710678118654752440

/* x[k] = sum_p x[p] w^(p k), w = e^(-i pi / 4) (inv: its conjugate), in place */
static inline __attribute__((always_inline)) void dft8(v8d *xr, v8d *xi, const int inv)
{
    v8d ar[4], ai[4], br[4], bi[4];
    for (int p = 0; p < 4; p++) {
        ar[p] = xr[p] + xr[p + 4];
        ai[p] = xi[p] + xi[p + 4];
        br[p] = xr[p] - xr[p + 4];
        bi[p] = xi[p] - xi[p + 4];
    }
    {   /* b[p] *= w^p */
        v8d r = br[1], i = bi[1];
        br[1] = (inv ? r - i : r + i) * S2;
        bi[1] = (inv ? i + r : i - r) * S2;
        r = br[2];
        i = bi[2];
        br[2] = inv ? -i : i;
        bi[2] = inv ? r : -r;
        r = br[3];
        i = bi[3];
        br[3] = (inv ? -(r + i) : i - r) * S2;
        bi[3] = (inv ? r - i : -(r + i)) * S2;
    }
    v8d *yr[2] = {ar, br}, *yi[2] = {ai, bi};
    for (int h = 0; h < 2; h++) {
        v8d c0r = yr[h][0] + yr[h][2], c0i = yi[h][0] + yi[h][2];
        v8d c1r = yr[h][1] + yr[h][3], c1i = yi[h][1] + yi[h][3];
        v8d c2r = yr[h][0] - yr[h][2], c2i = yi[h][0] - yi[h][2];
        v8d ur = yr[h][1] - yr[h][3], ui = yi[h][1] - yi[h][3];
        v8d c3r = inv ? -ui : ui, c3i = inv ? ur : -ur;
        xr[h] = c0r + c1r;
        xi[h] = c0i + c1i;
        xr[h + 4] = c0r - c1r;
        xi[h + 4] = c0i - c1i;
        xr[h + 2] = c2r + c3r;
        xi[h + 2] = c2i + c3i;
        xr[h + 6] = c2r - c3r;
        xi[h + 6] = c2i - c3i;
    }
}

/* The forward transform F, 64 = 8 x 8: per j, the DFT over p of x[j + 8p]
   times W64^(j k), to j + 8k; then per k, the DFT over j of [8k + j].
   Bin 8r + k ends at position 8k + r (a fixed order, which the products
   ignore).  re, im are worked in place; position f goes to out[f * pitch]
   (real part) and out[f * pitch + 1] (imaginary part). */
static void fft_fwd(v8d *re, v8d *im, v8d *out, ptrdiff_t pitch)
{
    for (int j = 0; j < 8; j++) {
        v8d xr[8], xi[8];
        for (int p = 0; p < 8; p++) {
            xr[p] = re[j + 8 * p];
            xi[p] = im[j + 8 * p];
        }
        dft8(xr, xi, 0);
        for (int k = 0; k < 8; k++) {
            v8d r = xr[k], i = xi[k];
            if (j && k) {
                const double wr = tw_re[j][k], wi = tw_im[j][k];
                const v8d t = r * wr - i * wi;
                i = r * wi + i * wr;
                r = t;
            }
            re[j + 8 * k] = r;
            im[j + 8 * k] = i;
        }
    }
    for (int k = 0; k < 8; k++) {
        v8d xr[8], xi[8];
        for (int r = 0; r < 8; r++) {
            xr[r] = re[8 * k + r];
            xi[r] = im[8 * k + r];
        }
        dft8(xr, xi, 0);
        for (int r = 0; r < 8; r++) {
            out[(8 * k + r) * pitch] = xr[r];
            out[(8 * k + r) * pitch + 1] = xi[r];
        }
    }
}

/* F's adjoint (F^H F = 64 I): the inverse transform, up to 64, from F's order. */
static void fft_adj(v8d *re, v8d *im)
{
    for (int k = 0; k < 8; k++)
        dft8(re + 8 * k, im + 8 * k, 1);
    for (int j = 0; j < 8; j++) {
        v8d xr[8], xi[8];
        for (int k = 0; k < 8; k++) {
            v8d r = re[j + 8 * k], i = im[j + 8 * k];
            if (j && k) {
                const double wr = tw_re[j][k], wi = -tw_im[j][k];
                const v8d t = r * wr - i * wi;
                i = r * wi + i * wr;
                r = t;
            }
            xr[k] = r;
            xi[k] = i;
        }
        dft8(xr, xi, 1);
        for (int p = 0; p < 8; p++) {
            re[j + 8 * p] = xr[p];
            im[j + 8 * p] = xi[p];
        }
    }
}

/* o[i] lane t = r[t] lane i */
static inline __attribute__((always_inline)) void tr8(const __m512d *r, __m512d *o)
{
    const __m512i ia = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i ib = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    const __m512i lo = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i hi = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    __m512d t0 = _mm512_unpacklo_pd(r[0], r[1]), t1 = _mm512_unpackhi_pd(r[0], r[1]);
    __m512d t2 = _mm512_unpacklo_pd(r[2], r[3]), t3 = _mm512_unpackhi_pd(r[2], r[3]);
    __m512d t4 = _mm512_unpacklo_pd(r[4], r[5]), t5 = _mm512_unpackhi_pd(r[4], r[5]);
    __m512d t6 = _mm512_unpacklo_pd(r[6], r[7]), t7 = _mm512_unpackhi_pd(r[6], r[7]);
    __m512d u0 = _mm512_permutex2var_pd(t0, ia, t2), u2 = _mm512_permutex2var_pd(t0, ib, t2);
    __m512d u1 = _mm512_permutex2var_pd(t1, ia, t3), u3 = _mm512_permutex2var_pd(t1, ib, t3);
    __m512d u4 = _mm512_permutex2var_pd(t4, ia, t6), u6 = _mm512_permutex2var_pd(t4, ib, t6);
    __m512d u5 = _mm512_permutex2var_pd(t5, ia, t7), u7 = _mm512_permutex2var_pd(t5, ib, t7);
    o[0] = _mm512_permutex2var_pd(u0, lo, u4);
    o[4] = _mm512_permutex2var_pd(u0, hi, u4);
    o[1] = _mm512_permutex2var_pd(u1, lo, u5);
    o[5] = _mm512_permutex2var_pd(u1, hi, u5);
    o[2] = _mm512_permutex2var_pd(u2, lo, u6);
    o[6] = _mm512_permutex2var_pd(u2, hi, u6);
    o[3] = _mm512_permutex2var_pd(u3, lo, u7);
    o[7] = _mm512_permutex2var_pd(u3, hi, u7);
}

/* x with its NaN lanes 0 (when zero_nan) */
static inline __attribute__((always_inline)) __m512d zero_nan(__m512d x, const int zero)
{
    return zero ? _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(x, x, _CMP_ORD_Q), x) : x;
}

/* The lanes of x that are NaN or inf */
static inline __attribute__((always_inline)) __mmask8 nonfinite(__m512d x)
{
    return _mm512_fpclass_pd_mask(x, 0x99);   /* QNaN, +inf, -inf, SNaN */
}

/* A row's list being made (job->list_nan): the flat indices of the NaN of
   the row in the group's own input columns [glo, ghi) are appended to
   pts[*cnt ...] in ascending order (each column is some group's own, and
   in it one tile's own); an inf sets *found. */
struct row_list {
    int64_t *pts;
    int32_t *cnt;
    ptrdiff_t glo, ghi;
    int *found;
};

/* Lane l of the set lanes in k, at column c + l of row p (flat base
   `flat`), in [glo, ghi): listed (NaN) or found (inf). */
static inline void list_lanes(struct row_list *L, const double *p, ptrdiff_t flat, ptrdiff_t c,
                              uint64_t k)
{
    while (k) {
        const ptrdiff_t e = c + __builtin_ctzll(k);
        k &= k - 1;
        if (e < L->glo || e >= L->ghi)
            continue;
        if (p[e] == p[e])
            __atomic_store_n(L->found, 1, __ATOMIC_RELAXED);
        else
            L->pts[(*L->cnt)++] = (int64_t)(flat + e);
    }
}

static inline __attribute__((always_inline)) void tiles_from(const double *p,
                                                              ptrdiff_t ahead, ptrdiff_t m,
                                                              v8d *v, const int zero,
                                                              uint64_t *tm)
{
    if (tm)
        for (int t = 0; t < 8; t++)
            tm[t] = 0;
    for (int b = 0; b < NF / 8; b++) {
        __m512d r[8];
#pragma GCC unroll 8
        for (int t = 0; t < 8; t++) {
            const double *q = p + m * t + 8 * b;
            const __m512d x = _mm512_loadu_pd(q);
            if (tm) {
                const __mmask8 k = nonfinite(x);
                r[t] = _mm512_maskz_mov_pd((__mmask8)~k, x);
                tm[t] |= (uint64_t)k << (8 * b);
            } else
                r[t] = zero_nan(x, zero);
            if (ahead)
                _mm_prefetch((const char *)(q + ahead), PF_HINT);
        }
        tr8(r, (__m512d *)(v + 8 * b));
    }
}

/* The 8 tiles of input row `row` (zero outside the input) whose first
   samples are at columns c0 + m t, transposed: v[e] lane t = X(row, c0 + m t + e).
   `pad`: room for 7 m + 64 doubles (the tiles at an edge are read from a
   copy of their span with zeros outside the row).  L (job->list_nan, else
   NULL): the row's list, tile t's own columns [c0 + m t, c0 + m t + m)
   (the last tile's, its 64). */
static void load_tiles(const struct fc_rowfft *job, ptrdiff_t row, ptrdiff_t c0, ptrdiff_t m,
                       v8d *v, double *pad, struct row_list *L)
{
    if (row < 0 || row >= job->xrows) {
        for (int e = 0; e < NF; e++)
            v[e] = (v8d){0};
        return;
    }
    const double *p = job->x + row * job->ldx;
    const ptrdiff_t flat = row * job->ldx;
    /* (the same columns STEP rows below: the next step's loads) */
    const ptrdiff_t ahead = row + PF_ROWS < job->xrows ? PF_ROWS * job->ldx : 0;
    const ptrdiff_t n = job->xcols, span = 7 * m + NF;
    if (c0 >= 0 && c0 + span <= n) {
        if (L) {
            uint64_t tm[8];
            tiles_from(p + c0, ahead, m, v, 1, tm);
            for (int t = 0; t < 8; t++)
                if (tm[t]) {
                    /* (tile t's own lanes; a lane's column is in one tile's own) */
                    const int own = t < 7 ? (int)m : NF;
                    list_lanes(L, p, flat, c0 + m * t,
                               own < 64 ? tm[t] & ((1ull << own) - 1) : tm[t]);
                }
        } else if (job->zero_nan)
            tiles_from(p + c0, ahead, m, v, 1, NULL);
        else
            tiles_from(p + c0, ahead, m, v, 0, NULL);
        return;
    }
    for (ptrdiff_t e = 0; e < span; e += 8) {
        const ptrdiff_t c = c0 + e;
        __m512d r;
        if (c >= 0 && c + 8 <= n)
            r = _mm512_loadu_pd(p + c);
        else {
            /* lanes l with 0 <= c + l < n (masked lanes are not read) */
            const ptrdiff_t lo = c < 0 ? (-c < 8 ? -c : 8) : 0;
            const ptrdiff_t hi = n - c < 8 ? (n - c > 0 ? n - c : 0) : 8;
            const __mmask8 k = lo < hi ? (__mmask8)(((1u << hi) - 1u) & ~((1u << lo) - 1u)) : 0;
            r = _mm512_maskz_loadu_pd(k, p + c);
        }
        if (L) {
            const __mmask8 k = nonfinite(r);
            if (k)
                list_lanes(L, p, flat, c, k);
            r = _mm512_maskz_mov_pd((__mmask8)~k, r);
        } else
            r = zero_nan(r, job->zero_nan);
        _mm512_store_pd(pad + e, r);
        if (ahead && c >= 0 && c < n)
            _mm_prefetch((const char *)(p + ahead + c), PF_HINT);
    }
    tiles_from(pad, 0, m, v, 0, NULL);
}

/* The inverse of one output row's tiles (v, transposed) to dst[m t + p], p < m. */
static void store_tiles(double *dst, ptrdiff_t m, const v8d *v)
{
    const ptrdiff_t nb = m / 8, rest = m % 8;
    for (ptrdiff_t b = 0; b < nb + (rest != 0); b++) {
        __m512d o[8];
        tr8((const __m512d *)(v + 8 * b), o);
        if (b < nb)
            for (int t = 0; t < 8; t++)
                _mm512_storeu_pd(dst + m * t + 8 * b, o[t]);
        else
            for (int t = 0; t < 8; t++)
                _mm512_mask_storeu_pd(dst + m * t + 8 * b, (__mmask8)((1u << rest) - 1u), o[t]);
    }
}

/* The spectra of STEP output rows: o[j] = sum_i K_i Z(y + j + i), bin by
   bin, Z(q) the spectrum of row pair q, at ring[(f * nz + sl[s]) * 2] (real
   part; the imaginary part next), sl[s] the ring slot of row pair y + s:
   the bins' columns of spectra lie together (the loads run through the
   ring in order: from the L2, ~20% faster than row by row, measured).
   Each complex product by three real ones (Gauss): with P = Kr zr, Q = Ki
   zi and T = (Kr + Ki)(zr + zi) summed over i, the real part is P - Q and
   the imaginary part T - P - Q (the sum zr + zi taken once for the STEP
   rows; ksp: the planes Kr, Ki, Kr + Ki). */
static inline __attribute__((always_inline)) void taps(const v8d *ring, const int *sl,
                                                        const double *ksp, v8d *o, const int KH)
{
    const double *kre = ksp, *kim = ksp + KH * NF, *ks = ksp + 2 * KH * NF;
    const int nz = KH + STEP - 1;
    for (int f = 0; f < NF; f++) {
        const v8d *b = ring + f * nz * 2;
        v8d p[STEP], q[STEP], t[STEP];
        for (int j = 0; j < STEP; j++)
            p[j] = q[j] = t[j] = (v8d){0};
#pragma GCC unroll 34
        for (int s = 0; s < KH + STEP - 1; s++) {
            const v8d zr = b[sl[s] * 2], zi = b[sl[s] * 2 + 1], zs = zr + zi;
#pragma GCC unroll 4
            for (int j = 0; j < STEP; j++) {
                const int i = s - j;
                if (i < 0 || i >= KH)
                    continue;
                /* (the taps broadcast from memory: registers for the sums) */
                p[j] = _mm512_fmadd_pd(zr, _mm512_set1_pd(kre[i * NF + f]), p[j]);
                q[j] = _mm512_fmadd_pd(zi, _mm512_set1_pd(kim[i * NF + f]), q[j]);
                t[j] = _mm512_fmadd_pd(zs, _mm512_set1_pd(ks[i * NF + f]), t[j]);
            }
        }
        for (int j = 0; j < STEP; j++) {
            o[j * 2 * NF + f] = p[j] - q[j];
            o[j * 2 * NF + NF + f] = t[j] - p[j] - q[j];
        }
    }
}

static void taps_kh(const v8d *ring, const int *sl, const double *ksp, v8d *o, ptrdiff_t kh)
{
    switch (kh) {
    case 3: taps(ring, sl, ksp, o, 3); break;
    case 5: taps(ring, sl, ksp, o, 5); break;
    case 7: taps(ring, sl, ksp, o, 7); break;
    case 9: taps(ring, sl, ksp, o, 9); break;
    case 11: taps(ring, sl, ksp, o, 11); break;
    case 13: taps(ring, sl, ksp, o, 13); break;
    case 15: taps(ring, sl, ksp, o, 15); break;
    case 17: taps(ring, sl, ksp, o, 17); break;
    case 19: taps(ring, sl, ksp, o, 19); break;
    case 21: taps(ring, sl, ksp, o, 21); break;
    case 23: taps(ring, sl, ksp, o, 23); break;
    case 25: taps(ring, sl, ksp, o, 25); break;
    case 27: taps(ring, sl, ksp, o, 27); break;
    case 29: taps(ring, sl, ksp, o, 29); break;
    case 31: taps(ring, sl, ksp, o, 31); break;
    default: break;
    }
}

static void spectra_avx512(const double *k, ptrdiff_t kh, ptrdiff_t kw, double *ksp)
{
    double *kre = ksp, *kim = ksp + kh * NF, *ks = ksp + 2 * kh * NF;
    v8d re[NF], im[NF], sp[2 * NF];
    for (ptrdiff_t i = 0; i < kh; i++) {
        for (int e = 0; e < NF; e++)
            re[e] = im[e] = (v8d){0};
        for (ptrdiff_t j = 0; j < kw; j++)
            re[j] = (v8d){0} + k[i * kw + j];
        fft_fwd(re, im, sp, 2);
        /* correlation: the conjugate spectrum; the inverse's 1 / 64 */
        for (int f = 0; f < NF; f++) {
            kre[i * NF + f] = sp[2 * f][0] / NF;
            kim[i * NF + f] = -sp[2 * f + 1][0] / NF;
            ks[i * NF + f] = kre[i * NF + f] + kim[i * NF + f];
        }
    }
}

/* One slot's buffer: a ring of spectra per group (bin-major: the ring
   slots of a bin together), a row pair's tiles, the output spectra, two
   sets of a step's sums (two halves each, the whole width: one divided
   while the other is computed), for each half its deficit rows and its
   pending division, an edge group's row span; with job->list_nan, per
   half, the unit's lists: list_rows rows of xcols flat indices, and their
   counts. */
struct slot_buf {
    v8d *ring, *tiles, *ospec;
    double *top[2], *def[2], *pad;
    struct fc_nan_pending *pend[2];
    int64_t *lpts[2];
    int32_t *lcnt[2];
};

static size_t ring_bytes(ptrdiff_t kh) { return (size_t)(kh + STEP - 1) * 2 * NF * sizeof(v8d); }

static size_t top_bytes(ptrdiff_t ocols) { return round64(2 * STEP * (size_t)ocols * sizeof(double)); }

static size_t def_bytes(ptrdiff_t ocols)
{
    return round64((size_t)FC_NAN_DEF_ROWS * FC_NAN_DEF_PITCH(ocols) * sizeof(double));
}

static ptrdiff_t groups(ptrdiff_t kw, ptrdiff_t ocols)
{
    const ptrdiff_t mmax = NF - kw + 1;
    return (ocols + 8 * mmax - 1) / (8 * mmax);
}

/* The rows a unit reads, per half (its lists' rows) */
static ptrdiff_t list_rows(ptrdiff_t chunk, ptrdiff_t kh) { return chunk + STEP + kh; }

/* The slot's layout from `base` (NULL: only its size) */
static size_t slot_layout(char *base, const struct fc_rowfft *job, struct slot_buf *s)
{
    const ptrdiff_t ocols = job->ocols, rows = list_rows(job->chunk, job->kh);
    size_t off = 0, at[14];
    int n = 0;
    at[n++] = off;                                         /* ring */
    off += ring_bytes(job->kh) * (size_t)groups(job->kw, ocols);
    at[n++] = off;                                         /* tiles */
    off += 2 * NF * sizeof(v8d);
    at[n++] = off;                                         /* ospec */
    off += STEP * 2 * NF * sizeof(v8d);
    for (int h = 0; h < 2; h++) {
        at[n++] = off;                                     /* top[h] */
        off += top_bytes(ocols);
        at[n++] = off;                                     /* def[h] */
        off += def_bytes(ocols);
        at[n++] = off;                                     /* pend[h] */
        off += round64(sizeof(struct fc_nan_pending));
    }
    at[n++] = off;                                         /* pad */
    off += PAD_BYTES;
    for (int h = 0; h < 2; h++) {
        at[n++] = off;                                     /* lpts[h] */
        off += job->list_nan ? round64((size_t)rows * (size_t)job->xcols * sizeof(int64_t)) : 0;
        at[n++] = off;                                     /* lcnt[h] */
        off += job->list_nan ? round64((size_t)rows * sizeof(int32_t)) : 0;
    }
    if (base) {
        s->ring = (v8d *)(base + at[0]);
        s->tiles = (v8d *)(base + at[1]);
        s->ospec = (v8d *)(base + at[2]);
        for (int h = 0; h < 2; h++) {
            s->top[h] = (double *)(base + at[3 + 3 * h]);
            s->def[h] = (double *)(base + at[4 + 3 * h]);
            s->pend[h] = (struct fc_nan_pending *)(base + at[5 + 3 * h]);
            s->lpts[h] = job->list_nan ? (int64_t *)(base + at[10 + 2 * h]) : NULL;
            s->lcnt[h] = job->list_nan ? (int32_t *)(base + at[11 + 2 * h]) : NULL;
        }
        s->pad = (double *)(base + at[9]);
    }
    return off;
}

/* A piece of the pending divisions (the upper half's first). */
static inline void divide_some(struct slot_buf *sb)
{
    fc_nan_hook(sb->pend[sb->pend[0]->active ? 0 : 1]);
}

static void unit_avx512(const struct fc_rowfft *job, int64_t unit, int slot)
{
    struct slot_buf sb;
    slot_layout(job->bufs[slot], job, &sb);
    const ptrdiff_t kh = job->kh, nz = kh + STEP - 1;
    const ptrdiff_t d = (job->orows + 1) / 2, ocols = job->ocols;
    const ptrdiff_t ya = (ptrdiff_t)unit * job->chunk;
    const ptrdiff_t yb = ya + job->chunk < d ? ya + job->chunk : d;
    /* the fewest groups of 8 tiles of at most 65 - kw outputs, the tiles
       as narrow as they can be (m outputs each; the last group ends at the
       last column, over the one before by less than 8 tiles' rest) */
    const ptrdiff_t ngroups = groups(job->kw, ocols);
    const ptrdiff_t m = (ocols + 8 * ngroups - 1) / (8 * ngroups), g = 8 * m;
    const ptrdiff_t ring = (ptrdiff_t)(ring_bytes(kh) / sizeof(v8d));
    /* (the deficit rows start at 0; each division leaves them 0) */
    for (int h = 0; h < 2; h++) {
        memset(sb.def[h], 0, def_bytes(ocols));
        sb.pend[h]->active = 0;
    }
    /* the lists: the unit's own, of the rows it reads (row q + sy of the
       upper half, q + sy + d of the lower, at q - ya), where it lists */
    const int listing = job->list_nan;
    struct fc_nan_units own[2];
    const struct fc_nan_units *un[2] = {job->nan, job->nan};
    if (listing) {
        for (int h = 0; h < 2; h++) {
            own[h] = *job->nan;
            own[h].pts = sb.lpts[h];
            own[h].rowptr = NULL;
            own[h].rowcnt = sb.lcnt[h];
            own[h].rowcap = job->xcols;
            own[h].row0 = ya + job->sy + (h ? d : 0);
            un[h] = &own[h];
        }
    }
    int cur = 0;             /* the set of sums this step computes */
    ptrdiff_t have = ya;     /* spectra rows q in [ya, have) are in the rings */
    for (ptrdiff_t y = ya; y < yb; y += STEP) {
        const ptrdiff_t need = y + STEP + kh - 1;
        const ptrdiff_t nj = yb - y < STEP ? yb - y : STEP;
        double *top0 = sb.top[cur], *top1 = sb.top[cur] + STEP * ocols;
        for (ptrdiff_t gi = 0; gi < ngroups; gi++) {
            /* the group's tiles (the last group's end at the last column) */
            const ptrdiff_t xg = (gi + 1) * g <= ocols ? gi * g : ocols - g;
            v8d *rg = sb.ring + gi * ring;
            /* the group's own input columns: those of its outputs not in
               the groups before (the first and last from the edges on) */
            const ptrdiff_t c0 = xg + job->sx;
            const ptrdiff_t newlo = gi == ngroups - 1 ? (ngroups - 1) * g : xg;
            const ptrdiff_t glo = newlo == 0 ? c0 : newlo + job->sx;
            const ptrdiff_t ghi = gi == ngroups - 1 ? c0 + 7 * m + NF : xg + g + job->sx;
            for (ptrdiff_t q = have; q < need; q++) {
                v8d *zr = sb.tiles, *zi = zr + NF;
                struct row_list L[2], *pl[2] = {NULL, NULL};
                if (listing)
                    for (int h = 0; h < 2; h++) {
                        int32_t *cnt = sb.lcnt[h] + (q - ya);
                        if (gi == 0)
                            *cnt = 0;
                        L[h] = (struct row_list){sb.lpts[h] + (q - ya) * job->xcols, cnt, glo,
                                                 ghi, job->found};
                        pl[h] = &L[h];
                    }
                load_tiles(job, q + job->sy, c0, m, zr, sb.pad, pl[0]);
                load_tiles(job, q + job->sy + d, c0, m, zi, sb.pad, pl[1]);
                fft_fwd(zr, zi, rg + (q % nz) * 2, 2 * nz);
                divide_some(&sb);
            }
            int sl[FC_ROWFFT_MAX_KH + STEP - 1];
            for (ptrdiff_t s = 0; s < nz; s++)
                sl[s] = (int)((y + s) % nz);
            taps_kh(rg, sl, job->ksp, sb.ospec, kh);
            divide_some(&sb);
            for (ptrdiff_t j = 0; j < nj; j++) {
                v8d *orr = sb.ospec + j * 2 * NF, *oi = orr + NF;
                fft_adj(orr, oi);
                store_tiles(top0 + j * ocols + xg, m, orr);
                store_tiles(top1 + j * ocols + xg, m, oi);
                divide_some(&sb);
            }
        }
        have = need;
        /* the last step's divisions finished, this one's begun: done
           between the next step's transforms (or at the unit's end) */
        fc_nan_end(sb.pend[0]);
        fc_nan_end(sb.pend[1]);
        const ptrdiff_t b1 = y + nj + d < job->orows ? y + nj + d : job->orows;
        if (nj > 0)
            fc_nan_begin(sb.pend[0], un[0], job->out, job->ldo, top0, ocols, y, y + nj, 0,
                         ocols, job->sy, job->sx, job->ldx, sb.def[0], slot);
        if (y + d < b1)
            fc_nan_begin(sb.pend[1], un[1], job->out, job->ldo, top1, ocols, y + d, b1, 0,
                         ocols, job->sy, job->sx, job->ldx, sb.def[1], slot);
        cur ^= 1;
    }
    fc_nan_end(sb.pend[0]);
    fc_nan_end(sb.pend[1]);
}

FC_TARGET_POP
#endif

int fc_rowfft_available(ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t ocols)
{
#ifdef FC_ROWFFT_X86
    return fc_isa_current() == FC_ISA_AVX512 && kh >= 3 && kh <= FC_ROWFFT_MAX_KH
           && kh % 2 == 1 && kw >= 2 && kw <= FC_ROWFFT_MAX_KW
           && ocols >= 8 * (NF - kw + 1);
#else
    (void)kh;
    (void)kw;
    (void)ocols;
    return 0;
#endif
}

size_t fc_rowfft_buf_bytes(const struct fc_rowfft *job)
{
#ifdef FC_ROWFFT_X86
    struct slot_buf s;
    return slot_layout(NULL, job, &s);
#else
    (void)job;
    return 64;
#endif
}

void fc_rowfft_spectra(const double *k, ptrdiff_t kh, ptrdiff_t kw, double *ksp)
{
    tw_init();   /* (the caller holds the GIL: one thread fills the tables, before any unit) */
#ifdef FC_ROWFFT_X86
    if (fc_isa_current() == FC_ISA_AVX512)
        spectra_avx512(k, kh, kw, ksp);
#else
    (void)k; (void)kh; (void)kw; (void)ksp;
#endif
}

void fc_rowfft_unit(const struct fc_rowfft *job, int64_t unit, int slot)
{
#ifdef FC_ROWFFT_X86
    unit_avx512(job, unit, slot);
#else
    (void)job; (void)unit; (void)slot;
#endif
}
