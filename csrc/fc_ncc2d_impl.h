/* fc_ncc2d_impl.h - fc_ncc2d (see fc_ncc2d.h) for one instruction set:
 * included by fc_ncc2d.c with NCC_ISA (the name suffix), NCC_VEC (the
 * normalisation's vectors: 0 none, 1 AVX2, 2 AVX-512, 3 SSE2) and NCC_VW (samples per
 * vector of the row windows' shuffles, 0: none) set, inside the target
 * pragma of that instruction set.  The sums are plain C loops of
 * element-wise additions, which the compiler vectorises. */

#define NCC_CAT_(a, b) a##_##b
#define NCC_CAT(a, b) NCC_CAT_(a, b)
#define NCC_NAME(f) NCC_CAT(f, NCC_ISA)

/* Window sums along one chunk of a row of column sums v = s + p (suffix
 * row plus prefix row, zero beyond the row): for the n outputs from i0,
 * r[i] = sum_{j<m} v[i0 + i + j], by doubling: the windows of 2, 4 and 8
 * samples (w_2s[i] = w_s[i] + w_s[i + s]) from v, then of 16, 32, ...  The
 * windows of m's binary digits are added low digit first, the digit s at
 * offset m & ~(2 s - 1) (the higher digits' part of m; a multiple of 8 from
 * the digit 8 on).  `c` holds the chunk's buffers (NCC_CHUNK_BUFS of clen
 * doubles, fc_ncc2d.c); *o1, *o2: where the sums are. */

/* the windows of 1, 2, 4 and 8 samples from i0 (t8 of them, a multiple of
 * 8), each stored where its digit is used (NULL: not stored).  With
 * vectors of NCC_VW samples (GCC/Clang vector extensions), a pipeline over
 * blocks of NCC_VW samples: a window of s < NCC_VW samples from two
 * neighbouring blocks shifted, of s >= NCC_VW from block b + s / NCC_VW. */
#if NCC_VW
typedef double NCC_NAME(ncc_vec) __attribute__((vector_size(NCC_VW * 8)));
#define NCC_V NCC_NAME(ncc_vec)
#define NCC_LD(p) NCC_NAME(ncc_ld)(p)
#define NCC_ST(p, v) NCC_NAME(ncc_st)((p), (v))
static inline NCC_V NCC_NAME(ncc_ld)(const double *p)
{
    NCC_V v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
static inline void NCC_NAME(ncc_st)(double *p, NCC_V v)
{
    __builtin_memcpy(p, &v, sizeof v);
}
/* (v = s + p of block t; the windows of 1, 2, 4, 8 from t stored) */
#define NCC_STORES(t, x1, x2, x4, x8)                                            \
    do {                                                                         \
        if (w1)                                                                  \
            NCC_ST(w1 + (t), x1);                                                \
        if (w2)                                                                  \
            NCC_ST(w2 + (t), x2);                                                \
        if (w4)                                                                  \
            NCC_ST(w4 + (t), x4);                                                \
        if (w8)                                                                  \
            NCC_ST(w8 + (t), x8);                                                \
    } while (0)
#define NCC_VB(t) (NCC_LD(s + (t)) + NCC_LD(p + (t)))
static void NCC_NAME(ncc_small)(const double *s, const double *p, ptrdiff_t t8,
                                double *w1, double *w2, double *w4, double *w8)
{
#if NCC_VW >= 4
    /* block t's v, t-1's windows of 2, t-2's of 4, t-3's windows of 8
     * (with blocks of 4: t's and t+1's windows of 4) */
#if NCC_VW == 8
#define NCC_SH1(a, b) __builtin_shufflevector(a, b, 1, 2, 3, 4, 5, 6, 7, 8)
#define NCC_SH2(a, b) __builtin_shufflevector(a, b, 2, 3, 4, 5, 6, 7, 8, 9)
#define NCC_W8(a, b) ((a) + __builtin_shufflevector(a, b, 4, 5, 6, 7, 8, 9, 10, 11))
#else
#define NCC_SH1(a, b) __builtin_shufflevector(a, b, 1, 2, 3, 4)
#define NCC_SH2(a, b) __builtin_shufflevector(a, b, 2, 3, 4, 5)
#define NCC_W8(a, b) ((a) + (b))
#endif
    NCC_V v0 = NCC_VB(0), v1 = NCC_VB(NCC_VW), v2 = NCC_VB(2 * NCC_VW);
    NCC_V a0 = v0 + NCC_SH1(v0, v1), a1 = v1 + NCC_SH1(v1, v2);
    NCC_V b0 = a0 + NCC_SH2(a0, a1);
    for (ptrdiff_t t = 0; t < t8; t += NCC_VW) {
        const NCC_V v3 = NCC_VB(t + 3 * NCC_VW);
        const NCC_V a2 = v2 + NCC_SH1(v2, v3);
        const NCC_V b1 = a1 + NCC_SH2(a1, a2);
        NCC_STORES(t, v0, a0, b0, NCC_W8(b0, b1));
        v0 = v1; v1 = v2; v2 = v3;
        a0 = a1; a1 = a2;
        b0 = b1;
    }
#undef NCC_W8
#else
    /* blocks of 2: windows of 4 from blocks t, t+1; of 8 from t, t+2 */
#define NCC_SH1(a, b) __builtin_shufflevector(a, b, 1, 2)
    NCC_V v0 = NCC_VB(0), v1 = NCC_VB(2), v2 = NCC_VB(4), v3 = NCC_VB(6);
    NCC_V a0 = v0 + NCC_SH1(v0, v1), a1 = v1 + NCC_SH1(v1, v2), a2 = v2 + NCC_SH1(v2, v3);
    NCC_V b0 = a0 + a1, b1 = a1 + a2;
    for (ptrdiff_t t = 0; t < t8; t += 2) {
        const NCC_V v4 = NCC_VB(t + 8);
        const NCC_V a3 = v3 + NCC_SH1(v3, v4);
        const NCC_V b2 = a2 + a3;
        NCC_STORES(t, v0, a0, b0, b0 + b2);
        v0 = v1; v1 = v2; v2 = v3; v3 = v4;
        a0 = a1; a1 = a2; a2 = a3;
        b0 = b1; b1 = b2;
    }
#endif
#undef NCC_SH1
#undef NCC_SH2
}
#undef NCC_VB
#undef NCC_STORES
#undef NCC_LD
#undef NCC_ST
#undef NCC_V
#else
static void NCC_NAME(ncc_small)(const double *restrict s, const double *restrict p,
                                ptrdiff_t t8, double *restrict w1, double *restrict w2,
                                double *restrict w4, double *restrict w8)
{
    /* the same sums by plain loops, through w1 .. w8 (all given here) */
    for (ptrdiff_t i = 0; i < t8 + 24; i++)
        w1[i] = s[i] + p[i];
    for (ptrdiff_t i = 0; i < t8 + 16; i++)
        w2[i] = w1[i] + w1[i + 1];
    for (ptrdiff_t i = 0; i < t8 + 8; i++)
        w4[i] = w2[i] + w2[i + 2];
    for (ptrdiff_t i = 0; i < t8; i++)
        w8[i] = w4[i] + w4[i + 4];
}
#endif

/* r (+)= w[off ...] for n samples of both sums */
static void NCC_NAME(ncc_add)(double *restrict r1, double *restrict r2, const double *w1,
                              const double *w2, ptrdiff_t n, int have)
{
    const double *restrict p1 = w1, *restrict p2 = w2;
    if (have) {
        for (ptrdiff_t i = 0; i < n; i++) {
            r1[i] += p1[i]; r2[i] += p2[i];
        }
    } else {
        for (ptrdiff_t i = 0; i < n; i++) {
            r1[i] = p1[i]; r2[i] = p2[i];
        }
    }
}

static void NCC_NAME(ncc_row_windows)(const double *s1, const double *s2, const double *p1,
                                      const double *p2, ptrdiff_t n, ptrdiff_t m,
                                      double *c, ptrdiff_t clen, const double **o1,
                                      const double **o2)
{
    double *a1 = c, *a2 = c + clen, *b1 = c + 2 * clen, *b2 = c + 3 * clen;
    double *r1 = c + 4 * clen, *r2 = c + 5 * clen;
    double *w1[3] = {c + 6 * clen, c + 8 * clen, c + 10 * clen};
    double *w2[3] = {c + 7 * clen, c + 9 * clen, c + 11 * clen};
    const ptrdiff_t t8 = (n + m - 1 + 7) / 8 * 8;
    int have = 0;
#if NCC_VW
    const int all = 0;
#else
    const int all = 1;
#endif
    for (int d = 0; d < 2; d++) {       /* the sum, then the sum of squares */
        const double *s = d ? s2 : s1, *p = d ? p2 : p1;
        double **w = d ? w2 : w1;
        NCC_NAME(ncc_small)(s, p, t8, all || (m & 1) ? w[0] : 0, all || (m & 2) ? w[1] : 0,
                            all || (m & 4) ? w[2] : 0,
                            all || m >= 8 ? (d ? a2 : a1) : 0);
    }
    for (int k = 0; k < 3; k++)
        if (m & (1 << k)) {
            const ptrdiff_t off = m & ~((2 << k) - 1);
            if (!have && m == (1 << k)) {
                *o1 = w1[k]; *o2 = w2[k];
                return;
            }
            NCC_NAME(ncc_add)(r1, r2, w1[k] + off, w2[k] + off, n, have);
            have = 1;
        }
    ptrdiff_t len = t8;
    for (ptrdiff_t s = 8; s <= m; s *= 2) {
        if (m & s) {
            if (!have && m == s) {
                *o1 = a1; *o2 = a2;
                return;
            }
            const ptrdiff_t off = m & ~(2 * s - 1);
            NCC_NAME(ncc_add)(r1, r2, a1 + off, a2 + off, n, have);
            have = 1;
        }
        if (2 * s <= m) {
            len -= s;
            const double *restrict q1 = a1, *restrict q2 = a2;
            double *restrict u1 = b1, *restrict u2 = b2;
            for (ptrdiff_t i = 0; i < len; i++) {
                u1[i] = q1[i] + q1[i + s]; u2[i] = q2[i] + q2[i + s];
            }
            double *t1 = a1, *t2 = a2;
            a1 = b1; a2 = b2; b1 = t1; b2 = t2;
        }
    }
    *o1 = r1; *o2 = r2;
}

/* One output row's normalisation from its window sums (fc_ncc2d.h); the
 * vector loops select with masks (flat windows' lanes may compute inf or
 * NaN, which are discarded), the clip keeps a NaN as the scalar loop. */
#define NCC_NORM_SCALAR(T)                                                       \
    for (; i < n; i++) {                                                         \
        const double s1 = r1[i], s2 = r2[i];                                     \
        const double var = s2 - s1 * s1 * inv_n;                                 \
        double r = (double)num[i] / sqrt(var * tvar);                            \
        r = r > 1.0 ? 1.0 : r;                                                   \
        r = r < -1.0 ? -1.0 : r;                                                 \
        out[i] = (T)(var > tol * s2 ? r : 0.0);                                  \
    }

/* the instruction set's vectors of doubles: NV lanes, and the operations */
#if NCC_VEC == 2
#define NV 8
#define NV_T __m512d
#define NV_OP(op) _mm512_##op##_pd
#define NV_KEEP(var, lim, r) _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(var, lim, _CMP_GT_OQ), r)
#define NCC_LOAD_F32(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define NCC_STORE_F32(p, v) _mm256_storeu_ps((p), _mm512_cvtpd_ps(v))
#elif NCC_VEC == 1
#define NV 4
#define NV_T __m256d
#define NV_OP(op) _mm256_##op##_pd
#define NV_KEEP(var, lim, r) _mm256_and_pd(_mm256_cmp_pd(var, lim, _CMP_GT_OQ), r)
#define NCC_LOAD_F32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define NCC_STORE_F32(p, v) _mm_storeu_ps((p), _mm256_cvtpd_ps(v))
#elif NCC_VEC == 3
#define NV 2
#define NV_T __m128d
#define NV_OP(op) _mm_##op##_pd
#define NV_KEEP(var, lim, r) _mm_and_pd(_mm_cmpgt_pd(var, lim), r)
#define NCC_LOAD_F32(p) _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(p))))
#define NCC_STORE_F32(p, v) _mm_storel_pi((__m64 *)(p), _mm_cvtpd_ps(v))
#endif
#if NCC_VEC
#define NCC_LOAD_F64(p) NV_OP(loadu)(p)
#define NCC_STORE_F64(p, v) NV_OP(storeu)((p), (v))
#define NCC_NORM_VEC(LOADN, STOREN)                                              \
    {                                                                            \
        const NV_T vinv = NV_OP(set1)(inv_n), vt = NV_OP(set1)(tvar);            \
        const NV_T vtol = NV_OP(set1)(tol), one = NV_OP(set1)(1.0);              \
        const NV_T mone = NV_OP(set1)(-1.0);                                     \
        for (; i + NV <= n; i += NV) {                                           \
            const NV_T s1 = NV_OP(loadu)(r1 + i), s2 = NV_OP(loadu)(r2 + i);     \
            const NV_T var = NV_OP(sub)(s2, NV_OP(mul)(NV_OP(mul)(s1, s1), vinv)); \
            NV_T r = NV_OP(div)(LOADN(num + i), NV_OP(sqrt)(NV_OP(mul)(var, vt))); \
            r = NV_OP(min)(one, NV_OP(max)(mone, r));                            \
            STOREN(out + i, NV_KEEP(var, NV_OP(mul)(vtol, s2), r));              \
        }                                                                        \
    }
#else
#define NCC_NORM_VEC(LOADN, STOREN)
#endif

#define NCC_NORM(TN, T, LOADN, STOREN)                                           \
static void NCC_NAME(ncc_norm_##TN)(const double *restrict r1, const double *restrict r2, \
                                    ptrdiff_t n, double inv_n, const T *restrict num, \
                                    double tvar, double tol, T *restrict out)    \
{                                                                                \
    ptrdiff_t i = 0;                                                             \
    NCC_NORM_VEC(LOADN, STOREN)                                                  \
    NCC_NORM_SCALAR(T)                                                           \
}
NCC_NORM(f32, float, NCC_LOAD_F32, NCC_STORE_F32)
NCC_NORM(f64, double, NCC_LOAD_F64, NCC_STORE_F64)

/* the next row of the image to be read, asked for ahead of its loop (the
 * hardware's prefetch restarts at each row) */
#if defined(__GNUC__)
#define NCC_PREFETCH_ROW(p, w)                                                   \
    for (ptrdiff_t q_ = 0; q_ < (ptrdiff_t)((w) * sizeof *(p)); q_ += 64)         \
        __builtin_prefetch((const char *)(p) + q_)
#else
#define NCC_PREFETCH_ROW(p, w) ((void)0)
#endif

/* Column sums of rows [i, i + m0) for every output row i: within a block
 * of m0 output rows, suffix rows of the block plus a running prefix of
 * the next block's rows; then the row's window sums and normalisation,
 * chunk by chunk (the chunk's buffers stay in the L1 cache).  Rows of
 * the scratch are NCC_ROWLEN(w) long, zero beyond w. */
#define NCC_2D(TN, T)                                                            \
void NCC_NAME(fc_ncc2d_##TN)(const T *x, ptrdiff_t h, ptrdiff_t w, ptrdiff_t m0, \
                             ptrdiff_t m1, double c, const T *num, double tvar,  \
                             double tol, T *out, double *scratch)                \
{                                                                                \
    const ptrdiff_t nh = h - m0 + 1, nw = w - m1 + 1, ws = NCC_ROWLEN(w);        \
    const ptrdiff_t chunk = NCC_CHUNK(m1), clen = NCC_CHUNK_LEN(chunk, m1);      \
    const double inv_n = 1.0 / ((double)m0 * (double)m1);                        \
    if (!(tvar > 0.0)) {                                                         \
        for (ptrdiff_t i = 0; i < nh * nw; i++)                                  \
            out[i] = 0;                                                          \
        return;                                                                  \
    }                                                                            \
    double *base = scratch + (8 - (ptrdiff_t)((uintptr_t)scratch / 8 % 8)) % 8;  \
    double *suf1 = base, *suf2 = base + m0 * ws;                                 \
    double *restrict pre1 = base + 2 * m0 * ws, *restrict pre2 = pre1 + ws;      \
    double *cbuf = pre2 + ws;                                                    \
    for (ptrdiff_t j = 0; j < 2 * m0; j++)                                       \
        for (ptrdiff_t q = w; q < ws; q++)                                       \
            suf1[j * ws + q] = 0.0;                                              \
    for (ptrdiff_t k = 0; k < nh; k += m0) {                                     \
        const ptrdiff_t nb = k + m0 <= nh ? m0 : nh - k;                         \
        for (ptrdiff_t j = m0 - 1; j >= 0; j--) {                                \
            const T *restrict xr = x + (k + j) * w;                              \
            if (j)                                                               \
                NCC_PREFETCH_ROW(xr - w, w);                                     \
            double *restrict s1 = suf1 + j * ws, *restrict s2 = suf2 + j * ws;   \
            if (j == m0 - 1) {                                                   \
                for (ptrdiff_t q = 0; q < w; q++) {                              \
                    const double v = (double)xr[q] - c;                          \
                    s1[q] = v; s2[q] = v * v;                                    \
                }                                                                \
            } else {                                                             \
                const double *restrict n1 = s1 + ws, *restrict n2 = s2 + ws;     \
                for (ptrdiff_t q = 0; q < w; q++) {                              \
                    const double v = (double)xr[q] - c;                          \
                    s1[q] = v + n1[q]; s2[q] = v * v + n2[q];                    \
                }                                                                \
            }                                                                    \
        }                                                                        \
        for (ptrdiff_t q = 0; q < ws; q++) { pre1[q] = 0.0; pre2[q] = 0.0; }     \
        for (ptrdiff_t j = 0; j < nb; j++) {                                     \
            const double *s1 = suf1 + j * ws, *s2 = suf2 + j * ws;               \
            if (j) {                                                             \
                const T *restrict xr = x + (k + m0 + j - 1) * w;                 \
                if (j + 1 < nb)                                                  \
                    NCC_PREFETCH_ROW(xr + w, w);                                 \
                for (ptrdiff_t q = 0; q < w; q++) {                              \
                    const double v = (double)xr[q] - c;                          \
                    pre1[q] += v; pre2[q] += v * v;                              \
                }                                                                \
            }                                                                    \
            for (ptrdiff_t i0 = 0; i0 < nw; i0 += chunk) {                       \
                const ptrdiff_t n = nw - i0 < chunk ? nw - i0 : chunk;           \
                const double *o1, *o2;                                           \
                NCC_NAME(ncc_row_windows)(s1 + i0, s2 + i0, pre1 + i0, pre2 + i0, n, \
                                          m1, cbuf, clen, &o1, &o2);             \
                NCC_NAME(ncc_norm_##TN)(o1, o2, n, inv_n, num + (k + j) * nw + i0, \
                                        tvar, tol, out + (k + j) * nw + i0);     \
            }                                                                    \
        }                                                                        \
    }                                                                            \
}
NCC_2D(f32, float)
NCC_2D(f64, double)

#undef NCC_2D
#undef NCC_PREFETCH_ROW
#undef NCC_NORM
#undef NCC_NORM_VEC
#undef NCC_NORM_SCALAR
#undef NCC_LOAD_F32
#undef NCC_STORE_F32
#undef NCC_LOAD_F64
#undef NCC_STORE_F64
#undef NV
#undef NV_T
#undef NV_OP
#undef NV_KEEP
#undef NCC_NAME
#undef NCC_CAT
#undef NCC_CAT_
