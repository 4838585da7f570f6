/*
 * fc_sep_impl.h - the separable passes for one element type (SEP_T, name
 * SEP_TN) and instruction set (SEP_ISA); included by fc_sep_<isa>.c via
 * fc_sep_all.h.  See fc_sep.h for the formula.  Plain C loops over columns
 * with accumulators in blocks of SEP_CH columns, which the compiler keeps in
 * vector registers (the instruction set comes from the including file).
 */
#define SEP_CAT3(a, b, c) a##_##b##_##c
#define SEP_NAME3(a, b, c) SEP_CAT3(a, b, c)
#define SEP_FN(name) SEP_NAME3(name, SEP_TN, SEP_ISA)
/* SEP_I: the element type of the input rows (default SEP_T); a narrower
   integer type (uint8/uint16 images) is converted on load, so the first
   pass needs no converted copy of the input */
#ifndef SEP_I
#define SEP_I SEP_T
#define SEP_I_IS_T 1
#endif
/* columns per accumulator block: 4 vectors (horizontal), 2 vectors for
   each of SEP_R rows (vertical) */
#define SEP_CH (4 * SEP_VBYTES / (int)sizeof(SEP_T))
#define SEP_CHV (2 * SEP_VBYTES / (int)sizeof(SEP_T))
#define SEP_R 4

/* out[c] = sum_i w[i] * rows[i][c], c in [0, n) (rows offset already) */
static inline void SEP_FN(fc_sep_vsum)(const SEP_I *const *rows, int64_t off, const SEP_T *w,
                                       int64_t m, SEP_T *restrict out, int64_t n)
{
    int64_t c = 0;
    for (; c + SEP_CH <= n; c += SEP_CH) {
        SEP_T acc[SEP_CH];
        const SEP_I *p = rows[0] + off + c;
        SEP_T w0 = w[0];
        for (int k = 0; k < SEP_CH; k++)
            acc[k] = w0 * (SEP_T)p[k];
        for (int64_t i = 1; i < m; i++) {
            const SEP_I *q = rows[i] + off + c;
            SEP_T wi = w[i];
            for (int k = 0; k < SEP_CH; k++)
                acc[k] += wi * (SEP_T)q[k];
        }
        for (int k = 0; k < SEP_CH; k++)
            out[c + k] = acc[k];
    }
    for (; c < n; c++) {
        SEP_T acc = w[0] * (SEP_T)rows[0][off + c];
        for (int64_t i = 1; i < m; i++)
            acc += w[i] * (SEP_T)rows[i][off + c];
        out[c] = acc;
    }
}

/* SEP_R rows at once: out[r * os + c] = sum_i w[i] * rows[r + i][off + c]:
   each input row is read once per SEP_R output rows, and every output is
   summed in the same order as by fc_sep_vsum (the same bits).  The
   accumulators are GCC vector-extension values (SEP_R x 2 vectors), which
   the compiler keeps in registers for every element type. */
typedef SEP_T SEP_FN(fc_sep_vec) __attribute__((vector_size(SEP_VBYTES), aligned(sizeof(SEP_T))));
#define SEP_VL (SEP_VBYTES / (int)sizeof(SEP_T))
#ifdef SEP_I_IS_T
#define SEP_LOADV(ptr, k) (((const V *)(ptr))[k])
#else
typedef SEP_I SEP_FN(fc_sep_ivec)
    __attribute__((vector_size(SEP_VL * sizeof(SEP_I)), aligned(sizeof(SEP_I))));
#define SEP_LOADV(ptr, k) \
    __builtin_convertvector(((const SEP_FN(fc_sep_ivec) *)(ptr))[k], SEP_FN(fc_sep_vec))
#endif
static inline void SEP_FN(fc_sep_vsumR)(const SEP_I *const *rows, int64_t off, const SEP_T *w,
                                        int64_t m, SEP_T *restrict out, int64_t os, int64_t n)
{
    typedef SEP_FN(fc_sep_vec) V;
    int64_t c = 0;
    for (; c + 2 * SEP_VL <= n; c += 2 * SEP_VL) {
        V a0[SEP_R], a1[SEP_R];
        SEP_T w0 = w[0];
        for (int r = 0; r < SEP_R; r++) {
            const SEP_I *p = rows[r] + off + c;
            a0[r] = w0 * SEP_LOADV(p, 0);
            a1[r] = w0 * SEP_LOADV(p, 1);
        }
        for (int64_t i = 1; i < m; i++) {
            SEP_T wi = w[i];
            for (int r = 0; r < SEP_R; r++) {
                const SEP_I *q = rows[r + i] + off + c;
                a0[r] += wi * SEP_LOADV(q, 0);
                a1[r] += wi * SEP_LOADV(q, 1);
            }
        }
        for (int r = 0; r < SEP_R; r++) {
            V *o = (V *)(out + r * os + c);
            o[0] = a0[r];
            o[1] = a1[r];
        }
    }
    for (int r = 0; r < SEP_R; r++)
        for (int64_t cc = c; cc < n; cc++) {
            SEP_T acc = w[0] * (SEP_T)rows[r][off + cc];
            for (int64_t i = 1; i < m; i++)
                acc += w[i] * (SEP_T)rows[r + i][off + cc];
            out[r * os + cc] = acc;
        }
}

/* out[c] = sum_j w[j] * t[c + j], c in [0, n): 4 vector accumulators */
static inline void SEP_FN(fc_sep_hsum)(const SEP_T *restrict t, const SEP_T *w, int64_t m,
                                       SEP_T *restrict out, int64_t n)
{
    typedef SEP_FN(fc_sep_vec) V;
    int64_t c = 0;
    for (; c + 4 * SEP_VL <= n; c += 4 * SEP_VL) {
        const V *p = (const V *)(t + c);
        SEP_T w0 = w[0];
        V a0 = w0 * p[0], a1 = w0 * p[1], a2 = w0 * p[2], a3 = w0 * p[3];
        for (int64_t j = 1; j < m; j++) {
            SEP_T wj = w[j];
            const V *q = (const V *)(t + c + j);
            a0 += wj * q[0];
            a1 += wj * q[1];
            a2 += wj * q[2];
            a3 += wj * q[3];
        }
        V *o = (V *)(out + c);
        o[0] = a0;
        o[1] = a1;
        o[2] = a2;
        o[3] = a3;
    }
    for (; c < n; c++) {
        SEP_T acc = w[0] * t[c];
        for (int64_t j = 1; j < m; j++)
            acc += w[j] * t[c + j];
        out[c] = acc;
    }
}

/* horizontal box sums out[c] = w0 * sum_{j<m} t[c + j], c in [0, n), by
   doubling: p_s[c] = sum of s samples from c (s = 1, 2, 4, ...: one
   vector pass each) and the sums of the set bits of m added up; about
   2 log2(m) vector additions per output, a summation tree of that depth
   (error at most 2 log2(m) u sum|t|).  t is n + m - 1 long; a, b are
   scratch of that length. */
static void SEP_FN(fc_sep_hbox)(const SEP_T *restrict t, SEP_T w0, int64_t m,
                                SEP_T *restrict out, int64_t n, SEP_T *restrict a,
                                SEP_T *restrict b)
{
    const int64_t L = n + m - 1;
    const SEP_T *p = t;
    int64_t size = 1, off = 0, have = 0;
    SEP_T *acc = out;
    for (;;) {
        if (m & size) {
            if (!have)
                for (int64_t c = 0; c < n; c++)
                    acc[c] = p[c + off];
            else
                for (int64_t c = 0; c < n; c++)
                    acc[c] += p[c + off];
            have = 1;
            off += size;
        }
        if (2 * size > m)
            break;
        /* p2[c] = p[c] + p[c + size] for c < L - 2 size + 1 */
        SEP_T *q = (p == a) ? b : a;
        int64_t len = L - 2 * size + 1;
        for (int64_t c = 0; c < len; c++)
            q[c] = p[c] + p[c + size];
        p = q;
        size *= 2;
    }
    for (int64_t c = 0; c < n; c++)
        out[c] = w0 * acc[c];
}

/* the column values of row pointer p read at input column j (folded) */
static inline SEP_T SEP_FN(fc_sep_at)(const SEP_I *p, int64_t j, SEP_T fill)
{
    return j < 0 ? fill : (SEP_T)p[j];
}

/* the vertical pass T(y, t), t in [0, W): weights w over the rows `rows`
   (fill rows point at `fillrow`); interior columns vectorised, the border
   ones folded */
static void SEP_FN(fc_sep_vrow)(const struct fc_sep_geom *g, const SEP_I *const *rows,
                                const SEP_T *w, int64_t m, SEP_T fill, SEP_T *restrict T,
                                int64_t W, int R)
{
    int64_t lo = -g->offx > 0 ? -g->offx : 0;
    int64_t hi = g->nx - g->offx < W ? g->nx - g->offx : W;
    if (hi < lo)
        hi = lo;
    if (lo > W)
        lo = hi = W;
    if (R == SEP_R)
        SEP_FN(fc_sep_vsumR)(rows, g->offx + lo, w, m, T + lo, W, hi - lo);
    else
        SEP_FN(fc_sep_vsum)(rows, g->offx + lo, w, m, T + lo, hi - lo);
    for (int64_t t = 0; t < W; t++) {
        if (t == lo)
            t = hi;
        if (t >= W)
            break;
        int64_t j = fc_fold(g->offx + t, g->nx, g->bnd_x);
        for (int r = 0; r < R; r++) {
            SEP_T acc = w[0] * SEP_FN(fc_sep_at)(rows[r], j, fill);
            for (int64_t i = 1; i < m; i++)
                acc += w[i] * SEP_FN(fc_sep_at)(rows[r + i], j, fill);
            T[r * W + t] = acc;
        }
    }
}

/* the horizontal pass of one row buffer into an output row */
static inline void SEP_FN(fc_sep_hpass)(const struct fc_sep_geom *g, const SEP_T *T,
                                        const SEP_T *v, SEP_T *orow, SEP_T *ha, SEP_T *hb)
{
    if (g->box_x && g->mv > 1)
        SEP_FN(fc_sep_hbox)(T, v[0], g->mv, orow, g->ox, ha, hb);
    else
        SEP_FN(fc_sep_hsum)(T, v, g->mv, orow, g->ox);
}

static int SEP_FN(fc_sep_rows)(const struct fc_sep_geom *g, const SEP_I *x, const SEP_T *u,
                               const SEP_T *v, SEP_T fill, SEP_T *out, int64_t r0, int64_t r1)
{
    const int64_t W = g->ox + g->mv - 1, mu = g->mu, nx = g->nx;
    const int direct_out = g->mv == 1 && v[0] == (SEP_T)1;
    SEP_T *T = malloc(sizeof(SEP_T) * (size_t)((SEP_R + 3) * W + 1));
    const SEP_I **rows = malloc(sizeof(SEP_I *) * (size_t)(mu + SEP_R));
    SEP_I *fillrow = malloc(sizeof(SEP_I) * (size_t)(nx + 1));   /* (fill fits SEP_I) */
    if (!T || !rows || !fillrow) {
        free(T);
        free(rows);
        free(fillrow);
        return -1;
    }
    SEP_T *S = T + SEP_R * W;
    SEP_T *ha = T + (SEP_R + 1) * W, *hb = T + (SEP_R + 2) * W;
    for (int64_t c = 0; c < nx; c++)
        fillrow[c] = (SEP_I)fill;
    const SEP_T one = 1;
    if (!(g->box_y && mu > 1)) {
        /* SEP_R rows at a time (the last ones of the band one by one) */
        for (int64_t y = r0; y < r1;) {
            int R = r1 - y >= SEP_R ? SEP_R : 1;
            for (int64_t i = 0; i < mu + R - 1; i++) {
                int64_t r = fc_fold(y + g->offy + i, g->ny, g->bnd_y);
                rows[i] = r < 0 ? fillrow : x + r * nx;
            }
            SEP_FN(fc_sep_vrow)(g, rows, u, mu, fill, direct_out ? out + y * g->ox : T, W, R);
            if (!direct_out)
                for (int r = 0; r < R; r++) {
                    SEP_FN(fc_sep_hpass)(g, T + r * W, v, out + (y + r) * g->ox, ha, hb);
                }
            y += R;
        }
        free(T);
        free(rows);
        free(fillrow);
        return 0;
    }
    /* running sums of mu rows in S, restarted at fixed rows */
    for (int64_t y = r0; y < r1; y++) {
        SEP_T *orow = out + y * g->ox;
        SEP_T *Ty = direct_out ? orow : T;
        int64_t yy = y;
        if (y == r0 || y % FC_SEP_RESTART == 0) {
            /* a fresh sum at the restart row, then on to y (a band may
               start between restarts) */
            int64_t ys = y - y % FC_SEP_RESTART;
            const SEP_I *pr[1];
            for (int64_t i = 0; i < mu; i++) {
                int64_t r = fc_fold(ys + g->offy + i, g->ny, g->bnd_y);
                pr[0] = r < 0 ? fillrow : x + r * nx;
                SEP_FN(fc_sep_vrow)(g, pr, &one, 1, fill, i ? Ty : S, W, 1);
                if (i)
                    for (int64_t c = 0; c < W; c++)
                        S[c] += Ty[c];
            }
            yy = ys + 1;
        }
        for (; yy <= y; yy++) {   /* one row in, one row out */
            int64_t rin = fc_fold(yy + g->offy + mu - 1, g->ny, g->bnd_y);
            int64_t rout = fc_fold(yy + g->offy - 1, g->ny, g->bnd_y);
            const SEP_I *two[2] = {rin < 0 ? fillrow : x + rin * nx,
                                   rout < 0 ? fillrow : x + rout * nx};
            SEP_T w2[2] = {1, (SEP_T)0 - (SEP_T)1};
            SEP_FN(fc_sep_vrow)(g, two, w2, 2, fill, Ty, W, 1);
            for (int64_t c = 0; c < W; c++)
                S[c] += Ty[c];
        }
        SEP_T u0 = u[0];
        for (int64_t c = 0; c < W; c++)
            Ty[c] = u0 * S[c];
        if (!direct_out)
            SEP_FN(fc_sep_hpass)(g, T, v, orow, ha, hb);
    }
    free(T);
    free(rows);
    free(fillrow);
    return 0;
}

#undef SEP_CAT3
#undef SEP_NAME3
#undef SEP_FN
#undef SEP_CH
#undef SEP_CHV
#undef SEP_R
#undef SEP_VL
#undef SEP_LOADV
#ifdef SEP_I_IS_T
#undef SEP_I
#undef SEP_I_IS_T
#endif
