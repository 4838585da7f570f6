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
/* acc + w * x.  Where the instruction set has FMA the compiler contracts
   the vector loops' `a += w * v` into one rounding; the scalar loops (row
   tails, border columns) say so explicitly, so that a column gets the same
   bits whichever loop computes it (its place in the row decides that: a
   block of a dask array has other tails than the whole array).  Integers
   wrap as before. */
#ifndef SEP_MADD
#ifdef __FMA__
#define SEP_MADD(acc, w, x)                                                     \
    _Generic((acc), float: __builtin_fmaf((w), (x), (acc)),                    \
             double: __builtin_fma((w), (x), (acc)), default: (acc) + (w) * (x))
#else
#define SEP_MADD(acc, w, x) ((acc) + (w) * (x))
#endif
#endif
/* columns per accumulator block: 4 vectors (horizontal), 2 vectors for
   each of SEP_R rows (vertical) */
#define SEP_CH (4 * SEP_VBYTES / (int)sizeof(SEP_T))
#define SEP_CHV (2 * SEP_VBYTES / (int)sizeof(SEP_T))
#define SEP_R 4
/* prefetch distance (bytes) of the newest input rows (fc_sep_vblock), in
   runs of at least SEP_PF_MIN bytes of columns (runs of 256 bytes, a
   512 x 512 x 64 volume's vertical pass, were 6-10% slower with it) */
#define SEP_PF 512
#define SEP_PF_MIN SEP_PF
/* output columns per strip of the fused passes of short vertical kernels
   (fc_sep_rows; measured at 2048^2 float32, 3 x 3 taps: 128 columns 11%
   faster than whole rows, 512 5%; longer vertical kernels (9 taps and up)
   are slower in strips, as they re-read their mu + 3 rows per strip) */
#define SEP_COLS 128
#ifdef SEP_TILE16
#define SEP_TBR 16   /* (rows of a 16-row band) */
#else
#define SEP_TBR 0
#endif

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
                acc[k] = SEP_MADD(acc[k], wi, (SEP_T)q[k]);
        }
        for (int k = 0; k < SEP_CH; k++)
            out[c + k] = acc[k];
    }
    for (; c < n; c++) {
        SEP_T acc = w[0] * (SEP_T)rows[0][off + c];
        for (int64_t i = 1; i < m; i++)
            acc = SEP_MADD(acc, w[i], (SEP_T)rows[i][off + c]);
        out[c] = acc;
    }
}

/* SEP_R rows at once: out[r * os + c] = sum_i w[i] * rows[r + i][off + c]:
   each input row rows[k] is loaded once per SEP_R output rows and added
   into every output row r that reads it (tap i = k - r), so every output
   is summed in the same order as by fc_sep_vsum, tap 0 first (the same
   bits).  The accumulators are GCC vector-extension values (SEP_R x 2
   vectors), which the compiler keeps in registers for every element type. */
typedef SEP_T SEP_FN(fc_sep_vec) __attribute__((vector_size(SEP_VBYTES), aligned(sizeof(SEP_T))));
#define SEP_VL (SEP_VBYTES / (int)sizeof(SEP_T))
#ifdef SEP_I_IS_T
#define SEP_LOADV(ptr, k) (((const V *)(ptr))[k])
#else
typedef SEP_I SEP_FN(fc_sep_ivec)
    __attribute__((vector_size(SEP_VL * sizeof(SEP_I)), aligned(sizeof(SEP_I))));
/* (GCC converts vectors of uint8 / uint16 lanes lane by lane: a float32
   vector of them goes through the instruction set's widening to int32) */
#if defined(SEP_WIDEN32) && defined(SEP_T_F32)   /* (int32 lanes as wide as SEP_T's) */
typedef int32_t SEP_FN(fc_sep_wide) __attribute__((vector_size(SEP_VBYTES)));
#define SEP_LOADV(ptr, k)                                                                 \
    __builtin_convertvector((SEP_FN(fc_sep_wide))SEP_WIDEN32((const SEP_I *)(ptr) + (k) * SEP_VL, \
                                                             sizeof(SEP_I)),                \
                            SEP_FN(fc_sep_vec))
#else
#define SEP_LOADV(ptr, k) \
    __builtin_convertvector(((const SEP_FN(fc_sep_ivec) *)(ptr))[k], SEP_FN(fc_sep_vec))
#endif
#endif
/* the sums of SEP_R output rows at columns [c, c + 2 VL) into a0[r], a1[r] */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_vblock)(
    const SEP_I *const *rows, int64_t off, const SEP_T *w, int64_t m, int64_t c,
    SEP_FN(fc_sep_vec) *a0, SEP_FN(fc_sep_vec) *a1, int pf)
{
    typedef SEP_FN(fc_sep_vec) V;
    /* pf: the SEP_R newest rows (k >= m - 1) are read here for the first
       time (the older ones by the previous SEP_R output rows, still in
       cache): their lines SEP_PF bytes ahead are fetched now (on AMD Zen 5,
       2048^2: uniform_filter float32 size 3 1.2x faster, gaussian_filter
       uint8 sigma 1 with SEP_STORE_BYTES 1.18x; the hardware prefetcher
       does not follow these many rows at once) */
    if (pf)
        for (int64_t k = m - 1; k < m + SEP_R - 1; k++)
            for (int b = 0; b < 2 * SEP_VL * (int)sizeof(SEP_I); b += 64)
                __builtin_prefetch((const char *)(rows[k] + off + c) + SEP_PF + b, 0, 3);
    /* input rows k < SEP_R (each output row r starts at k = r) */
    for (int k = 0; k < SEP_R; k++) {
        const SEP_I *q = rows[k] + off + c;
        V x0 = SEP_LOADV(q, 0), x1 = SEP_LOADV(q, 1);
        for (int r = 0; r < SEP_R; r++) {
            if (k == r) {
                a0[r] = w[0] * x0;
                a1[r] = w[0] * x1;
            } else if (k > r && k - r < m) {
                a0[r] += w[k - r] * x0;
                a1[r] += w[k - r] * x1;
            }
        }
    }
    for (int64_t k = SEP_R; k < m; k++) {   /* rows every output row reads */
        const SEP_I *q = rows[k] + off + c;
        V x0 = SEP_LOADV(q, 0), x1 = SEP_LOADV(q, 1);
        for (int r = 0; r < SEP_R; r++) {
            a0[r] += w[k - r] * x0;
            a1[r] += w[k - r] * x1;
        }
    }
    for (int64_t k = m > SEP_R ? m : SEP_R; k < m + SEP_R - 1; k++) {   /* the last rows */
        const SEP_I *q = rows[k] + off + c;
        V x0 = SEP_LOADV(q, 0), x1 = SEP_LOADV(q, 1);
        for (int r = 0; r < SEP_R; r++)
            if (k - r < m) {
                a0[r] += w[k - r] * x0;
                a1[r] += w[k - r] * x1;
            }
    }
}

/* the sum of output row r at column c, one column (the vector loops' bits) */
static inline SEP_T SEP_FN(fc_sep_vone)(const SEP_I *const *rows, int64_t off, const SEP_T *w,
                                        int64_t m, int r, int64_t c)
{
    SEP_T acc = w[0] * (SEP_T)rows[r][off + c];
    for (int64_t i = 1; i < m; i++)
        acc = SEP_MADD(acc, w[i], (SEP_T)rows[r + i][off + c]);
    return acc;
}

static inline void SEP_FN(fc_sep_vsumR)(const SEP_I *const *rows, int64_t off, const SEP_T *w,
                                        int64_t m, SEP_T *restrict out, int64_t os, int64_t n)
{
    typedef SEP_FN(fc_sep_vec) V;
    int64_t c = 0;
    const int pf = n * (int64_t)sizeof(SEP_I) >= SEP_PF_MIN;
    for (; c + 2 * SEP_VL <= n; c += 2 * SEP_VL) {
        V a0[SEP_R], a1[SEP_R];
        SEP_FN(fc_sep_vblock)(rows, off, w, m, c, a0, a1, pf);
        for (int r = 0; r < SEP_R; r++) {
            V *o = (V *)(out + r * os + c);
            o[0] = a0[r];
            o[1] = a1[r];
        }
    }
    for (int r = 0; r < SEP_R; r++)
        for (int64_t cc = c; cc < n; cc++)
            out[r * os + cc] = SEP_FN(fc_sep_vone)(rows, off, w, m, r, cc);
}

/* the sums out[c + k], k in [0, 4 VL), of out[c] = sum_j w[j] * t[c + j]
   into a[0..3] */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_hblock)(
    const SEP_T *restrict t, const SEP_T *w, int64_t m, SEP_FN(fc_sep_vec) *a)
{
    typedef SEP_FN(fc_sep_vec) V;
    const V *p = (const V *)t;
    SEP_T w0 = w[0];
    V a0 = w0 * p[0], a1 = w0 * p[1], a2 = w0 * p[2], a3 = w0 * p[3];
    for (int64_t j = 1; j < m; j++) {
        SEP_T wj = w[j];
        const V *q = (const V *)(t + j);
        a0 += wj * q[0];
        a1 += wj * q[1];
        a2 += wj * q[2];
        a3 += wj * q[3];
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}

/* one output of the horizontal sums (the vector loop's bits) */
static inline SEP_T SEP_FN(fc_sep_hone)(const SEP_T *t, const SEP_T *w, int64_t m)
{
    SEP_T acc = w[0] * t[0];
    for (int64_t j = 1; j < m; j++)
        acc = SEP_MADD(acc, w[j], t[j]);
    return acc;
}

/* out[c] = sum_j w[j] * t[c + j], c in [0, n): 4 vector accumulators */
static inline void SEP_FN(fc_sep_hsum)(const SEP_T *restrict t, const SEP_T *w, int64_t m,
                                       SEP_T *restrict out, int64_t n)
{
    typedef SEP_FN(fc_sep_vec) V;
    int64_t c = 0;
    for (; c + 4 * SEP_VL <= n; c += 4 * SEP_VL) {
        V a[4];
        SEP_FN(fc_sep_hblock)(t + c, w, m, a);
        V *o = (V *)(out + c);
        for (int k = 0; k < 4; k++)
            o[k] = a[k];
    }
    for (; c < n; c++)
        out[c] = SEP_FN(fc_sep_hone)(t + c, w, m);
}

/* horizontal box sums out[c] = w0 * S(c), S(c) = sum_{j<m} t[c + j], c in
   [0, n), by running sums restarted at every column c with c % B == 0
   (B = FC_SEP_RESTART, a multiple of every vector length): S(c0) summed
   afresh (the restarts of a row summed together, independent chains), then
   S(c + 1) = S(c) + d(c), d(c) = t[c + m] - t[c], a vector of VL columns at
   a time: the inclusive prefix sums of its d by log2(VL) shifted additions
   (GCC's __builtin_shuffle; other compilers: one column at a time), the
   carry S broadcast.  A constant number of operations per output whatever
   m.  Every S is a sum of at most m + B terms (m samples, B rounded d), so
   its error is at most 3 (m + B) u W, W the sum of |t| over the m + B
   samples from the restart column (fc_sep.h); restarts sit at fixed
   columns of the output row.  t is n + m - 1 long; fresh: scratch of
   n / B + 1 values. */
#if defined(__GNUC__) && !defined(__clang__)
#define SEP_SCAN 1
/* shuffle indices: integer lanes of SEP_T's width */
typedef __typeof__(__builtin_choose_expr(
    sizeof(SEP_T) == 1, (int8_t)0, __builtin_choose_expr(
    sizeof(SEP_T) == 2, (int16_t)0, __builtin_choose_expr(
    sizeof(SEP_T) == 4, (int32_t)0, (int64_t)0)))) SEP_FN(fc_sep_lane);
typedef SEP_FN(fc_sep_lane) SEP_FN(fc_sep_idx) __attribute__((vector_size(SEP_VBYTES)));
/* (aligned to a whole vector: it is read as one, fc_sep_idx, at its start) */
static const SEP_FN(fc_sep_lane) SEP_FN(fc_sep_iota)[64] __attribute__((aligned(64))) = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
    43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
/* x moved up by k lanes (lane i gets x[i - k]; zeros enter): lane i of
   (zeros, x) at VL - k + i */
#define SEP_UP(x, k)                                                                   \
    __builtin_shuffle((SEP_FN(fc_sep_vec)){0}, (x),                                    \
                      *(const SEP_FN(fc_sep_idx) *)SEP_FN(fc_sep_iota) + (SEP_VL - (k)))
/* inclusive prefix sums of the lanes of d (at most 64 lanes) */
static inline SEP_FN(fc_sep_vec) SEP_FN(fc_sep_prefix)(SEP_FN(fc_sep_vec) d)
{
    d += SEP_UP(d, 1);
    if (SEP_VL > 2)
        d += SEP_UP(d, 2);
    if (SEP_VL > 4)
        d += SEP_UP(d, 4);
    if (SEP_VL > 8)
        d += SEP_UP(d, 8);
    if (SEP_VL > 16)
        d += SEP_UP(d, 16);
    if (SEP_VL > 32)
        d += SEP_UP(d, 32);
    return d;
}
#endif
static void SEP_FN(fc_sep_hbox)(const SEP_T *restrict t, SEP_T w0, int64_t m,
                                SEP_T *restrict out, int64_t n, SEP_T *restrict fresh)
{
    const int64_t B = FC_SEP_RESTART, nb = (n + B - 1) / B;
#ifdef SEP_SCAN
    for (int64_t b = 0; b < nb; b++) {   /* VL lanes of partial sums, then their total */
        typedef SEP_FN(fc_sep_vec) V;
        typedef SEP_FN(fc_sep_idx) I;
        const SEP_T *p = t + b * B;
        V acc = (V){0};
        int64_t j = 0;
        for (; j + SEP_VL <= m; j += SEP_VL)
            acc += *(const V *)(p + j);
        if (j < m) {
            /* the last m - j samples as the first lanes of a vector, the
               others zero (no serial chain of scalar additions; the same
               bits whether the whole vector can be read or not) */
            V tail = (V){0};
            if (b * B + j + SEP_VL <= n + m - 1) {
                I keep = *(const I *)SEP_FN(fc_sep_iota) < (I){0} + (SEP_FN(fc_sep_lane))(m - j);
                tail = (V)(keep & (I) * (const V *)(p + j));
            } else {
                memcpy(&tail, p + j, sizeof(SEP_T) * (size_t)(m - j));
            }
            acc += tail;
        }
        fresh[b] = SEP_FN(fc_sep_prefix)(acc)[SEP_VL - 1];
    }
#else
    for (int64_t b = 0; b < nb; b++)
        fresh[b] = t[b * B];
    for (int64_t j = 1; j < m; j++)
        for (int64_t b = 0; b < nb; b++)
            fresh[b] += t[b * B + j];
#endif
    for (int64_t b = 0; b < nb; b++) {
        int64_t c = b * B, e = c + B < n ? c + B : n;
        SEP_T s = fresh[b];
#ifdef SEP_SCAN
        typedef SEP_FN(fc_sep_vec) V;
        V carry = (V){0} + s;
        const SEP_FN(fc_sep_idx) last = (SEP_FN(fc_sep_idx)){0} + (SEP_VL - 1);
        for (; c + SEP_VL <= e && c + SEP_VL < n; c += SEP_VL) {   /* (t[c + VL - 1 + m] exists) */
            V d = *(const V *)(t + c + m) - *(const V *)(t + c);
            d = SEP_FN(fc_sep_prefix)(d);
            *(V *)(out + c) = w0 * (carry + SEP_UP(d, 1));
            carry += __builtin_shuffle(d, last);
        }
        s = carry[0];
#endif
        for (; c < e; c++) {
            out[c] = w0 * s;
            if (c + 1 < n)
                s += t[c + m] - t[c];
        }
    }
}
#undef SEP_SCAN
#undef SEP_UP

/* the column values of row pointer p read at input column j (folded) */
static inline SEP_T SEP_FN(fc_sep_at)(const SEP_I *p, int64_t j, SEP_T fill)
{
    return j < 0 ? fill : (SEP_T)p[j];
}

static void SEP_FN(fc_sep_vborder)(const struct fc_sep_geom *g, const SEP_I *const *rows,
                                   const SEP_T *w, int64_t m, SEP_T fill, SEP_T *restrict T,
                                   int64_t W, int R, const int64_t *jx, int64_t lo, int64_t hi,
                                   int copy, int64_t rs, int64_t cs);

/* the vertical pass T(y, t), t in [0, W): weights w over the rows `rows`
   (fill rows point at `fillrow`); interior columns vectorised, then the
   border ones (fc_sep_vborder: mostly copies of interior ones) */
static void SEP_FN(fc_sep_vrow)(const struct fc_sep_geom *g, const SEP_I *const *rows,
                                const SEP_T *w, int64_t m, SEP_T fill, SEP_T *restrict T,
                                int64_t W, int R, const int64_t *jx)
{
    int64_t lo, hi;
    fc_sep_interior(g, W, &lo, &hi);
    if (R == SEP_R)
        SEP_FN(fc_sep_vsumR)(rows, g->offx + lo, w, m, T + lo, W, hi - lo);
    else
        SEP_FN(fc_sep_vsum)(rows, g->offx + lo, w, m, T + lo, hi - lo);
    SEP_FN(fc_sep_vborder)(g, rows, w, m, fill, T, W, R, jx, lo, hi, 1, W, 1);
}

/* the border columns t < lo, t >= hi of the vertical pass (fc_sep_vrow),
   which read input column jx[t] (-1: the fill value).  The vertical sums
   of a column are the same whichever loop computes them (fc_sep_impl.h
   SEP_MADD), so with `copy` (the interior columns [lo, hi) done) a column
   that reads an interior one's input column is that column's copy, and a
   fill column the fill's sum (one per call); the others are summed here.
   Row r's column t is at T[r * rs + t * cs]. */
static void SEP_FN(fc_sep_vborder)(const struct fc_sep_geom *g, const SEP_I *const *rows,
                                   const SEP_T *w, int64_t m, SEP_T fill, SEP_T *restrict T,
                                   int64_t W, int R, const int64_t *jx, int64_t lo, int64_t hi,
                                   int copy, int64_t rs, int64_t cs)
{
    int have_fill = 0;
    SEP_T fsum = 0;
    for (int64_t t = 0; t < W; t++) {
        if (t == lo)
            t = hi;
        if (t >= W)
            break;
        int64_t j = jx[t], ti = j - g->offx;
        if (copy && j >= 0 && ti >= lo && ti < hi) {
            for (int r = 0; r < R; r++)
                T[r * rs + t * cs] = T[r * rs + ti * cs];
            continue;
        }
        if (copy && j < 0 && have_fill) {
            for (int r = 0; r < R; r++)
                T[r * rs + t * cs] = fsum;
            continue;
        }
        for (int r = 0; r < R; r++) {
            SEP_T acc = w[0] * SEP_FN(fc_sep_at)(rows[r], j, fill);
            for (int64_t i = 1; i < m; i++)
                acc = SEP_MADD(acc, w[i], SEP_FN(fc_sep_at)(rows[r + i], j, fill));
            T[r * rs + t * cs] = acc;
        }
        if (j < 0) {
            have_fill = 1;
            fsum = T[t * cs];
        }
    }
}

/* one step of the vertical running sums: S[t] += a(t) - b(t) (row a in,
   row b out), then Ty[t] = u0 * S[t], t in [0, W) (columns as fc_sep_vrow) */
static void SEP_FN(fc_sep_vstep)(const struct fc_sep_geom *g, const SEP_I *a, const SEP_I *b,
                                 SEP_T fill, SEP_T u0, SEP_T *restrict S, SEP_T *restrict Ty,
                                 int64_t W, const int64_t *jx)
{
    int64_t lo, hi;
    fc_sep_interior(g, W, &lo, &hi);
    const SEP_I *pa = a + g->offx, *pb = b + g->offx;
    for (int64_t t = lo; t < hi; t++) {
        S[t] += (SEP_T)pa[t] - (SEP_T)pb[t];
        Ty[t] = u0 * S[t];
    }
    for (int64_t t = 0; t < W; t++) {
        if (t == lo)
            t = hi;
        if (t >= W)
            break;
        S[t] += SEP_FN(fc_sep_at)(a, jx[t], fill) - SEP_FN(fc_sep_at)(b, jx[t], fill);
        Ty[t] = u0 * S[t];
    }
}

/* the horizontal pass of one row buffer into an output row */
static inline void SEP_FN(fc_sep_hpass)(const struct fc_sep_geom *g, const SEP_T *T,
                                        const SEP_T *v, SEP_T *orow, SEP_T *ha)
{
    if (g->box_x && g->mv > 1)
        SEP_FN(fc_sep_hbox)(T, v[0], g->mv, orow, g->ox, ha);
    else
        SEP_FN(fc_sep_hsum)(T, v, g->mv, orow, g->ox);
}

/* fc_sep_hpass, through the row h (ox samples, in L1) and streaming stores
   when g->stream (fc_sep_stream: the output's lines are not read first) */
static inline void SEP_FN(fc_sep_hout)(const struct fc_sep_geom *g, const SEP_T *T,
                                       const SEP_T *v, SEP_T *orow, SEP_T *ha, SEP_T *h)
{
    if (!g->stream) {
        SEP_FN(fc_sep_hpass)(g, T, v, orow, ha);
        return;
    }
    SEP_FN(fc_sep_hpass)(g, T, v, h, ha);
    fc_sep_stream(orow, h, sizeof(SEP_T) * (size_t)g->ox);
}

/* the row buffer f[t] = p[off + t] (t in [lo, hi), a loop the compiler
   vectorises), else p[jx[t]] (the folded column; jx[t] < 0: the fill
   value), t in [0, W); with `add`, f[t] += those values */
static inline void SEP_FN(fc_sep_pad)(const SEP_I *p, int64_t off, int64_t lo, int64_t hi,
                                      const int64_t *jx, SEP_T fill, SEP_T *restrict f,
                                      int64_t W, int add)
{
    if (add) {
        for (int64_t t = lo; t < hi; t++)
            f[t] += (SEP_T)p[off + t];
    } else {
        for (int64_t t = lo; t < hi; t++)
            f[t] = (SEP_T)p[off + t];
    }
    for (int64_t t = 0; t < W; t++) {
        if (t == lo)
            t = hi;
        if (t >= W)
            break;
        SEP_T v = SEP_FN(fc_sep_at)(p, jx[t], fill);
        f[t] = add ? f[t] + v : v;
    }
}

#ifdef SEP_TILE16
/* Bands of 16 output rows of float32 passes with AVX-512 (fc_sep_all.h sets
   SEP_TILE16 for that instantiation only), both kernels of at least 16 taps
   (not running sums).  The horizontal pass of fc_sep_hsum loads every tap's
   vector at an unaligned address (a cache-line split on 15 of 16) and
   measured load-bound (~1.2 ns per output at 31 taps, the FMA units half
   idle).  Here it runs as a vertical pass over the transposed band: the
   vertical sums of 16 rows x 16 columns (16 accumulators, each input row
   vector loaded once for the 16 rows) are transposed in registers into
   TT, column t at TT + 16 t (its 16 rows, aligned), then the horizontal
   sums of 16 columns read TT's aligned vectors, each loaded once for the 16
   columns, and are transposed back into the output rows.  Every sum is the
   same chain as fc_sep_vone / fc_sep_hone (tap 0's product, then one fused
   multiply-add per tap in order), so the bits equal those of the 4-row
   loops that do the other rows (a band's place decides which loop runs). */
#define SEP_TB 16

/* a[r] = sum_i w[i] * rows[r + i][off + k], k in [0, 16), r in [0, 16), m >= 16 */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_tblock)(
    const float *const *rows, int64_t off, const float *w, int64_t m, __m512 *a)
{
#pragma GCC unroll 16
    for (int k = 0; k < SEP_TB; k++) {   /* rows k < 16: output rows r <= k */
        __m512 x = _mm512_loadu_ps(rows[k] + off);
        a[k] = _mm512_mul_ps(_mm512_set1_ps(w[0]), x);
#pragma GCC unroll 16
        for (int r = 0; r < k; r++)
            a[r] = _mm512_fmadd_ps(_mm512_set1_ps(w[k - r]), x, a[r]);
    }
    for (int64_t k = SEP_TB; k < m; k++) {   /* rows every output row reads */
        __m512 x = _mm512_loadu_ps(rows[k] + off);
        const float *wk = w + k;
        /* (the taps read from memory as broadcast operands: kept in
           registers from step to step, GCC rotates them by broadcasts on
           the FMA units' port) */
        __asm__("" : "+r"(wk));
#pragma GCC unroll 16
        for (int r = 0; r < SEP_TB; r++)
            a[r] = _mm512_fmadd_ps(_mm512_set1_ps(wk[-r]), x, a[r]);
    }
#pragma GCC unroll 16
    for (int kk = 0; kk < SEP_TB - 1; kk++) {   /* rows m + kk: output rows r > kk */
        __m512 x = _mm512_loadu_ps(rows[m + kk] + off);
        const float *wk = w + m + kk;
#pragma GCC unroll 16
        for (int r = kk + 1; r < SEP_TB; r++)
            a[r] = _mm512_fmadd_ps(_mm512_set1_ps(wk[-r]), x, a[r]);
    }
}

/* the 16 x 16 transpose of a[0..15] (lane k of a[r] -> lane r of a[k]):
   fc_transpose.h */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_tr16)(__m512 *a)
{
    fc_tr16_ps(a);
}

/* output rows [y, y + 16) into out (row y's start): rows[i], i < mu + 15,
   the input rows (fill rows: fillrow); TT: W x 16 floats, 64-byte aligned;
   trows[s] = TT + 16 s, s < mv + 15; jx, lo, hi as fc_sep_vrow's.  pre
   (or NULL): the 16 input rows the next band reads first (NULL: none),
   fetched into the cache row after row, a few lines with each block of
   the vertical sums: the loads of a block read the band's 16 newest rows
   at one column, 16 lines a row apart, which the hardware prefetchers
   fetch late (AMD Zen 5, 2048^2 float32, 31 x 31 taps, the C passes from
   memory, medians of two runs on a busy machine: 3.17 -> 2.76 ms and
   2.90 -> 2.81 ms; streaming stores of the output made no difference) */
static void SEP_FN(fc_sep_tband)(const struct fc_sep_geom *g, const float *const *rows,
                                 const float *u, const float *v, float fill,
                                 float *restrict TT, const float *const *trows,
                                 const int64_t *jx, int64_t lo, int64_t hi, float *out,
                                 const float *const *pre)
{
    const int64_t W = g->ox + g->mv - 1, mu = g->mu, mv = g->mv, ox = g->ox;
    __m512 a[SEP_TB];
    /* (per: lines of pre fetched per block; row pr at byte po next) */
    const int64_t rowb = g->nx * (int64_t)sizeof(float);
    const int64_t nblk = (hi - lo + SEP_TB - 1) / SEP_TB;
    const int64_t per = pre ? (SEP_TB * ((rowb + 63) / 64) + nblk - 1) / nblk : 0;
    int pr = 0;
    int64_t po = 0;
    /* the vertical sums of the interior columns (a last block that would
       pass hi moved back over columns already done: the same values).
       Where the input rows are all at one offset sh (1..15 floats) after
       a 64-byte line (rows of whole lines; NumPy's own arrays sit 16 bytes
       after one), a first block at lo and the others from lo + 16 - sh
       on, each load one line (AMD Zen 5, 2048^2 float32, 31 x 31 taps, the
       rows 16 bytes after a line, the C passes: in cache 0.094 -> 0.083 ms
       per 64 rows, from memory 3.52 -> 3.07 ms) */
    int64_t sh = 0;
    if ((g->nx * sizeof(float)) % 64 == 0) {
        uintptr_t ad = (uintptr_t)(rows[mu - 1] + g->offx + lo);
        if (ad % sizeof(float) == 0)
            sh = (int64_t)(ad % 64 / sizeof(float));
    }
    int first = sh && hi - lo >= 2 * SEP_TB;
    for (int64_t t = lo; t < hi; t = first ? lo + SEP_TB - sh : t + SEP_TB, first = 0) {
        int64_t t0 = t + SEP_TB <= hi ? t : hi - SEP_TB;
        for (int64_t e = 0; e < per && pr < SEP_TB; e++) {
            if (pre[pr])
                __builtin_prefetch((const char *)pre[pr] + po, 0, 3);
            po += 64;
            if (po >= rowb) {
                po = 0;
                pr++;
            }
        }
        SEP_FN(fc_sep_tblock)(rows, g->offx + t0, u, mu, a);
        SEP_FN(fc_sep_tr16)(a);
        for (int k = 0; k < SEP_TB; k++)
            _mm512_store_ps(TT + SEP_TB * (t0 + k), a[k]);
    }
    /* the border columns (copies of the interior column they fold to, the
       fill's sums, or summed there): row r of column t at TT[16 t + r] */
    SEP_FN(fc_sep_vborder)(g, rows, u, mu, fill, TT, W, SEP_TB, jx, lo, hi, 1, 1, SEP_TB);
    /* the horizontal sums, 16 output columns (lanes: rows) at a time */
    for (int64_t c = 0; c < ox; c += SEP_TB) {
        int64_t c0 = c + SEP_TB <= ox ? c : ox - SEP_TB;
        SEP_FN(fc_sep_tblock)(trows, SEP_TB * c0, v, mv, a);
        SEP_FN(fc_sep_tr16)(a);
        for (int r = 0; r < SEP_TB; r++)
            _mm512_storeu_ps(out + r * ox + c0, a[r]);
    }
}

/* The horizontal pass alone (fc_sep_rows's mu == 1 case) over bands of 16
   rows: short rows (W <= SEP_THW columns of row buffer), and rows up to
   SEP_THW_LONG for kernels of 16 taps or more.  Row by row, a row of 64
   samples is one block of 4 accumulators whose m-tap chains of fused
   multiply-adds are the whole row's work (AMD Zen 5, 512 x 512 x 64
   float32, 9 taps: ~80 cycles a row, in cache, against 18 of FMAs), and
   rows shorter than 64 samples are summed one column at a time.  Here
   the band's rows are transposed in registers into TT (buffer column t at
   TT + 16 t: its 16 rows, aligned; border columns copies of the column they
   fold to, or the fill), and the sums of 16 output columns are 16
   independent chains, each tap's term an aligned load; transposed back into
   the output rows (streaming stores with g->stream, where a row's 16
   columns are a whole 64-byte line).  Each sum is fc_sep_hone's chain (tap
   0's product, then one fused multiply-add per tap in order): the bits of
   the row-by-row loops.  AMD Zen 5, float32 rows in L2, against the
   row-by-row loops: 64 samples 1.35x (3 taps), 1.64x (9), 2.5x (31); 16
   samples 5.8x / 13x / 26x; 256 samples 1.04x / 1.27x / 1.9x; 1024
   samples 0.78x at 3 taps, 0.65x at 9 (hence SEP_THW), 1.29x at 17 taps
   and 1.46x at 31 (up to 8192 samples, 1.42x). */
#define SEP_THW 512
#define SEP_THW_LONG 16384   /* (TT: 1 MiB) */

static void SEP_FN(fc_sep_thband)(const struct fc_sep_geom *g, const float *const *rows,
                                  const float *v, float fill, float *restrict TT,
                                  const int64_t *jx, int64_t lo, int64_t hi, float *out)
{
    const int64_t W = g->ox + g->mv - 1, mv = g->mv, ox = g->ox;
    __m512 a[SEP_TB];
    /* the interior columns (a last block that would pass hi moved back over
       columns already done: the same values) */
    for (int64_t t = lo; t < hi; t += SEP_TB) {
        int64_t t0 = t + SEP_TB <= hi ? t : hi - SEP_TB;
        for (int r = 0; r < SEP_TB; r++)
            a[r] = _mm512_loadu_ps(rows[r] + g->offx + t0);
        SEP_FN(fc_sep_tr16)(a);
        for (int k = 0; k < SEP_TB; k++)
            _mm512_store_ps(TT + SEP_TB * (t0 + k), a[k]);
    }
    /* the border columns t < lo and t >= hi: input column jx[t] of the 16
       rows, a vector copy of the interior column that reads it (as
       fc_sep_vborder with one tap of weight 1, which copies one float at a
       time: 8-17% slower at 64 samples a row) */
    const int64_t ends[2][2] = {{0, lo}, {hi, W}};
    for (int e = 0; e < 2; e++)
        for (int64_t t = ends[e][0]; t < ends[e][1]; t++) {
            int64_t j = jx[t], ti = j - g->offx;
            if (j < 0) {
                _mm512_store_ps(TT + SEP_TB * t, _mm512_set1_ps(fill));
            } else if (ti >= lo && ti < hi) {
                _mm512_store_ps(TT + SEP_TB * t, _mm512_load_ps(TT + SEP_TB * ti));
            } else {
                for (int r = 0; r < SEP_TB; r++)
                    TT[SEP_TB * t + r] = rows[r][j];
            }
        }
    const __m512 w0 = _mm512_set1_ps(v[0]);
    for (int64_t c = 0; c < ox; c += SEP_TB) {
        int64_t c0 = c + SEP_TB <= ox ? c : ox - SEP_TB;
        const float *p = TT + SEP_TB * c0;
#pragma GCC unroll 16
        for (int k = 0; k < SEP_TB; k++)
            a[k] = _mm512_mul_ps(w0, _mm512_load_ps(p + SEP_TB * k));
        for (int64_t j = 1; j < mv; j++) {
            const __m512 wj = _mm512_set1_ps(v[j]);
            const float *q = p + SEP_TB * j;
#pragma GCC unroll 16
            for (int k = 0; k < SEP_TB; k++)
                a[k] = _mm512_fmadd_ps(wj, _mm512_load_ps(q + SEP_TB * k), a[k]);
        }
        SEP_FN(fc_sep_tr16)(a);
        for (int r = 0; r < SEP_TB; r++) {
            float *o = out + r * ox + c0;
            if (g->stream && (uintptr_t)o % 64 == 0)
                _mm512_stream_ps(o, a[r]);
            else
                _mm512_storeu_ps(o, a[r]);
        }
    }
}

/* The horizontal pass alone on rows of whole vectors (nx a multiple of 16,
   at least 32; ox == nx), kernels of at most 17 taps with -16 <= offx <= 0,
   row by row without a transposition.  Each row is seen as the vectors
   V[k] = row columns [offx + 16 k, offx + 16 k + 16), k in [0, nx / 16]:
   the inner ones loaded from the row, the first and the last (which hold
   the columns read through the boundary) permuted from two vectors of the
   row (fc_sep_hedge: the same folded columns in every row) and blended
   with the fill; the window of tap j of output vector c is then the lanes
   j.. of V[c], V[c + 1] (one valignd).  8 rows at a time (independent
   chains), the tap count a constant of the loop.  Each sum is
   fc_sep_hone's chain (tap 0's product, then one fused multiply-add per
   tap in order): the bits of the other loops.  The transposed bands
   (fc_sep_thband) spend 2 x 64 shuffles per 16 x 16 block on their
   transpositions, and store and reload the block: AMD Zen 5, 64-sample
   rows, 9 taps, the C pass in cache 12.5 -> 10.8 us per 1024 rows; a
   512 x 512 x 64 volume from memory 5.2 -> 4.4 ms (fastest of 5 runs,
   a busy machine), its input 16 bytes after a line 5.4 -> 4.7 ms. */
#define SEP_HROW_MAX 17

/* the lane sources of an edge vector: lanes i whose column f (row buffer
   column t0 + i folded) is in the row read vector a (lane f - a) or b
   (lane 16 + f - b), the others (fill: f < 0) the fill; 0 when the
   columns are not within two vectors (a, b: column offsets, multiples of
   16) */
static int SEP_FN(fc_sep_hedge)(const struct fc_sep_geom *g, int64_t t0, int64_t *a,
                                int64_t *b, __m512i *idx, __mmask16 *keep)
{
    const int64_t nx = g->nx;
    int64_t lo = -1, hi = -1;
    for (int i = 0; i < SEP_TB; i++) {
        int64_t f = fc_fold(g->offx + t0 + i, nx, g->bnd_x);
        if (f < 0)
            continue;
        if (lo < 0 || f / SEP_TB < lo)
            lo = f / SEP_TB;
        if (hi < 0 || f / SEP_TB > hi)
            hi = f / SEP_TB;
    }
    if (lo < 0)
        lo = hi = 0;
    int32_t ix[SEP_TB];
    unsigned k = 0;
    for (int i = 0; i < SEP_TB; i++) {
        int64_t f = fc_fold(g->offx + t0 + i, nx, g->bnd_x);
        ix[i] = 0;
        if (f < 0)
            continue;
        if (f / SEP_TB != lo && f / SEP_TB != hi)
            return 0;
        ix[i] = (int32_t)(f / SEP_TB == lo ? f % SEP_TB : SEP_TB + f % SEP_TB);
        k |= 1u << i;
    }
    if (hi * SEP_TB + SEP_TB > nx)
        return 0;
    *a = lo * SEP_TB;
    *b = hi * SEP_TB;
    *idx = _mm512_loadu_si512((const void *)ix);
    *keep = (__mmask16)k;
    return 1;
}

/* R rows (R <= SEP_HR_R; pointers rows[r], fill rows: fillrow) into out
   (the first row's start), row r at out + r * nx: one output vector of
   each row at a time, the rows' sums interleaved (independent chains: one
   row's chain of mv fused multiply-adds is latency-bound).  e*: the first
   and last vectors' sources (fc_sep_hedge of columns t = 0 and t = nx). */
#define SEP_HR_R 8
/* the sums of one output vector of the R rows into acc, V[c] in lo,
   V[c + 1] in hi: tap j's window is their lanes j.. (valignd; loads of
   the windows inside the row for even j instead, as fc_sep_hwin's, were
   1.3x slower here: most of them cross a line) */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_hvec)(
    const int R, const int mv, const float *v, const __m512 *lo, const __m512 *hi,
    __m512 *acc)
{
    for (int r = 0; r < R; r++)
        acc[r] = _mm512_mul_ps(_mm512_set1_ps(v[0]), lo[r]);
#define SEP_HR_TAP(J)                                                                  \
    if ((J) < mv)                                                                      \
        for (int r = 0; r < R; r++)                                                    \
            acc[r] = _mm512_fmadd_ps(                                                  \
                _mm512_set1_ps(v[(J)]),                                                \
                (J) == SEP_TB ? hi[r] : _mm512_castsi512_ps(_mm512_alignr_epi32(       \
                    _mm512_castps_si512(hi[r]), _mm512_castps_si512(lo[r]), (J) & 15)), \
                acc[r]);
    SEP_HR_TAP(1) SEP_HR_TAP(2) SEP_HR_TAP(3) SEP_HR_TAP(4) SEP_HR_TAP(5)
    SEP_HR_TAP(6) SEP_HR_TAP(7) SEP_HR_TAP(8) SEP_HR_TAP(9) SEP_HR_TAP(10)
    SEP_HR_TAP(11) SEP_HR_TAP(12) SEP_HR_TAP(13) SEP_HR_TAP(14) SEP_HR_TAP(15)
    SEP_HR_TAP(16)
#undef SEP_HR_TAP
}

static inline __attribute__((always_inline)) void SEP_FN(fc_sep_hrowsR)(
    const struct fc_sep_geom *g, const float *const *rows, const int R, const int mv,
    const float *v, __m512 fv, int64_t ea0, int64_t eb0, __m512i ei0, __mmask16 ek0,
    int64_t ea1, int64_t eb1, __m512i ei1, __mmask16 ek1, float *out)
{
    const int64_t nx = g->nx, offx = g->offx, nv = nx / SEP_TB;
    __m512 lo[SEP_HR_R], hi[SEP_HR_R], acc[SEP_HR_R];
    for (int r = 0; r < R; r++)
        lo[r] = _mm512_mask_blend_ps(ek0, fv, _mm512_mask_permutex2var_ps(
            _mm512_loadu_ps(rows[r] + ea0), ek0, ei0, _mm512_loadu_ps(rows[r] + eb0)));
    for (int64_t c = 0; c < nv; c++) {
        const int64_t q = SEP_TB * c + offx;
        for (int r = 0; r < R; r++) {
            if (c + 1 < nv)
                hi[r] = _mm512_loadu_ps(rows[r] + q + SEP_TB);
            else
                hi[r] = _mm512_mask_blend_ps(ek1, fv, _mm512_mask_permutex2var_ps(
                    _mm512_loadu_ps(rows[r] + ea1), ek1, ei1, _mm512_loadu_ps(rows[r] + eb1)));
        }
        SEP_FN(fc_sep_hvec)(R, mv, v, lo, hi, acc);
        for (int r = 0; r < R; r++) {
            float *o = out + r * nx + SEP_TB * c;
            if (g->stream && (uintptr_t)o % 64 == 0)
                _mm512_stream_ps(o, acc[r]);
            else
                _mm512_storeu_ps(o, acc[r]);
            lo[r] = hi[r];
        }
    }
}

/* n rows (pointers rows[r]) into out: SEP_HR_R at a time, the rest one by
   one; mv a constant in each (the accumulators stay in registers) */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_hrows_m)(
    const struct fc_sep_geom *g, const float *const *rows, int64_t n, const int mv,
    const float *v, __m512 fv, int64_t ea0, int64_t eb0, __m512i ei0, __mmask16 ek0,
    int64_t ea1, int64_t eb1, __m512i ei1, __mmask16 ek1, float *out)
{
    int64_t r = 0;
    for (; r + SEP_HR_R <= n; r += SEP_HR_R)
        SEP_FN(fc_sep_hrowsR)(g, rows + r, SEP_HR_R, mv, v, fv, ea0, eb0, ei0, ek0, ea1, eb1,
                              ei1, ek1, out + r * g->nx);
    for (; r < n; r++)
        SEP_FN(fc_sep_hrowsR)(g, rows + r, 1, mv, v, fv, ea0, eb0, ei0, ek0, ea1, eb1, ei1,
                              ek1, out + r * g->nx);
}

static void SEP_FN(fc_sep_hrows)(const struct fc_sep_geom *g, const float *const *rows,
                                 int64_t n, const float *v, float fill, int64_t ea0,
                                 int64_t eb0, __m512i ei0, __mmask16 ek0, int64_t ea1,
                                 int64_t eb1, __m512i ei1, __mmask16 ek1, float *out)
{
    const __m512 fv = _mm512_set1_ps(fill);
#define SEP_HR_M(M)                                                                    \
    case M:                                                                            \
        SEP_FN(fc_sep_hrows_m)(g, rows, n, M, v, fv, ea0, eb0, ei0, ek0, ea1, eb1, ei1,   \
                               ek1, out);                                              \
        break;
    switch (g->mv) {
    SEP_HR_M(1) SEP_HR_M(2) SEP_HR_M(3) SEP_HR_M(4) SEP_HR_M(5) SEP_HR_M(6) SEP_HR_M(7)
    SEP_HR_M(8) SEP_HR_M(9) SEP_HR_M(10) SEP_HR_M(11) SEP_HR_M(12) SEP_HR_M(13)
    SEP_HR_M(14) SEP_HR_M(15) SEP_HR_M(16) SEP_HR_M(17)
    default: break;   /* (mv <= SEP_HROW_MAX: not reached) */
    }
#undef SEP_HR_M
}
#endif

/* row r of x (r < 0: none) fetched into the cache now, SEP_PFR rows ahead
   of the newest row read: its first SEP_PF bytes, so a short row (which
   fc_sep_vblock does not prefetch) whole, a longer one up to where
   fc_sep_vblock's prefetches start.  AMD Zen 5: a 512 x 512 x 64 float32
   correlate1d, 9 taps, rows of 256 bytes: along axis 1, with its streamed
   output, 1.5x faster at 8 rows ahead, 1.64x at 24 (that pass is now
   fc_sep_vdirect's, with chunks read first instead); along axis 2 1.07x;
   2048^2 uniform_filter float32 size 3 1.23x -> 1.36x with the first
   bytes of long rows. */
#define SEP_PFR 24
static inline void SEP_FN(fc_sep_pfrow)(const SEP_I *x, int64_t nx, int64_t r)
{
    int64_t bytes = nx * (int64_t)sizeof(SEP_I);
    if (r < 0)
        return;
    if (bytes > SEP_PF)
        bytes = SEP_PF;
    const char *p = (const char *)(x + r * nx);
    for (int64_t b = 0; b < bytes; b += 64)
        __builtin_prefetch(p + b, 0, 3);
}

/* rows first + SEP_PFR + i (i < n) of x, folded by the vertical
   boundary, fetched (fc_sep_pfrow): SEP_PFR rows ahead of the n rows
   read newest, rows first .. first + n - 1 */
static inline void SEP_FN(fc_sep_pfahead)(const struct fc_sep_geom *g, const SEP_I *x,
                                          int64_t nx, int64_t first, int n)
{
    for (int i = 0; i < n; i++)
        SEP_FN(fc_sep_pfrow)(x, nx, fc_fold(first + SEP_PFR + i, g->ny, g->bnd_y));
}

/* fc_sep_vdirect: the new input rows of up to SEP_PRE_BYTES of rows read
   before their output rows are summed (rows of at most SEP_PRE_BYTES /
   SEP_R bytes; longer ones prefetched as by the other passes), and
   the row pass alone in 16-row bands (fc_sep_thband) */
#define SEP_PRE_BYTES (128 * 1024)
/* every 64-byte line of the n rows rows[i] (bytes each) read, by loads
   independent of each other (many misses in flight at once); rows that
   follow each other in memory as one run */
static inline void SEP_FN(fc_sep_touch)(const SEP_I *const *rows, int64_t n, int64_t bytes)
{
    typedef uint64_t L __attribute__((vector_size(SEP_VBYTES), aligned(1)));
    L acc = {0};
    for (int64_t i = 0; i < n;) {
        const unsigned char *p = (const unsigned char *)rows[i];
        int64_t len = bytes;
        for (i++; i < n && (const unsigned char *)rows[i] == p + len; i++)
            len += bytes;
        int64_t b = 0;
        for (; b + SEP_VBYTES <= len; b += 64)
            acc |= *(const L *)(p + b);
        if (b < len)
            acc[0] |= p[len - 1];
    }
    __asm__ volatile("" : : "m"(acc));
}

static int SEP_FN(fc_sep_rows)(const struct fc_sep_geom *g, const SEP_I *x, const SEP_T *u,
                               const SEP_T *v, SEP_T fill, SEP_T *out, int64_t r0, int64_t r1)
{
    const int64_t W = g->ox + g->mv - 1, mu = g->mu, nx = g->nx;
    const int direct_out = g->mv == 1 && v[0] == (SEP_T)1;
    SEP_T *T = malloc(sizeof(SEP_T) * (size_t)((SEP_R + 2) * W + g->ox + 1));
    const SEP_I **rows = malloc(sizeof(SEP_I *) * (size_t)(mu + SEP_R + SEP_TBR));
    SEP_I *fillrow = malloc(sizeof(SEP_I) * (size_t)(nx + 1));   /* (fill fits SEP_I) */
    int64_t *jx = malloc(sizeof(int64_t) * (size_t)(W + 1));     /* folded columns */
    if (!T || !rows || !fillrow || !jx) {
        free(T);
        free(rows);
        free(fillrow);
        free(jx);
        return -1;
    }
    for (int64_t t = 0; t < W; t++)
        jx[t] = fc_fold(g->offx + t, nx, g->bnd_x);
    SEP_T *S = T + SEP_R * W;
    SEP_T *ha = T + (SEP_R + 1) * W, *h = T + (SEP_R + 2) * W;
    for (int64_t c = 0; c < nx; c++)
        fillrow[c] = (SEP_I)fill;
    if (mu == 1 && u[0] == (SEP_T)1 && !direct_out) {
        /* the horizontal pass alone (the vertical one copies): the input
           rows laid out in the row buffers SEP_R at a time, with their
           border columns (the T that fc_sep_vrow gives: the same bits),
           then each one's horizontal sums */
        int64_t lo, hi, y = r0;
        fc_sep_interior(g, W, &lo, &hi);
#ifdef SEP_TILE16
        /* rows of whole vectors, short kernels: row by row (fc_sep_hrows),
           in chunks of SEP_PRE_BYTES of rows */
        int64_t ea0, eb0, ea1, eb1;
        __m512i ei0, ei1;
        __mmask16 ek0, ek1;
        if (!g->box_x && g->ox == nx && nx % SEP_TB == 0 && nx >= 2 * SEP_TB &&
            g->mv <= SEP_HROW_MAX && g->offx >= -SEP_TB && g->offx <= 0 &&
            SEP_FN(fc_sep_hedge)(g, 0, &ea0, &eb0, &ei0, &ek0) &&
            SEP_FN(fc_sep_hedge)(g, nx, &ea1, &eb1, &ei1, &ek1)) {
            const int64_t rowb = nx * (int64_t)sizeof(SEP_I);
            const int64_t K = SEP_PRE_BYTES / rowb > SEP_TB ? SEP_PRE_BYTES / rowb : SEP_TB;
            /* the first chunk's rows read first; then after each group of
               16 rows summed, the group K rows ahead prefetched (when its
               rows are the plane's, in order): the next chunk arrives while
               this one is summed (AMD Zen 5, 512 x 512 x 64 float32, 9 taps,
               the C pass from memory, input 16 bytes after a line: 4.45 ->
               3.27 ms median of 5, against the chunks read before their
               sums; with prefetches to L2 only 3.33 ms) */
            for (; y < r1; y += K) {
                const int64_t n = r1 - y < K ? r1 - y : K;
                for (int sum = y > r0; sum < 2; sum++)
                    for (int64_t yy = y; yy < y + n; yy += SEP_TB) {
                        const int64_t m = y + n - yy < SEP_TB ? y + n - yy : SEP_TB;
                        const SEP_I *tr[SEP_TB];
                        for (int64_t r = 0; r < m; r++) {
                            int64_t ry = fc_fold(yy + r + g->offy, g->ny, g->bnd_y);
                            tr[r] = ry < 0 ? fillrow : x + ry * nx;
                        }
                        if (!sum) {
                            SEP_FN(fc_sep_touch)(tr, m, rowb);
                            continue;
                        }
                        SEP_FN(fc_sep_hrows)(g, tr, m, v, fill, ea0, eb0, ei0, ek0, ea1, eb1,
                                             ei1, ek1, out + yy * g->ox);
                        const int64_t ya = yy + K + g->offy;   /* (the rows ahead) */
                        if (yy + K + SEP_TB <= r1 && ya >= 0 && ya + SEP_TB <= g->ny) {
                            const char *pa = (const char *)(x + ya * nx);
                            for (int64_t b = 0; b < SEP_TB * rowb; b += 64)
                                __builtin_prefetch(pa + b, 0, 3);
                        }
                    }
            }
        }
        /* short rows: bands of 16 rows through the transposed pass */
        if (!g->box_x && (W <= SEP_THW || (g->mv >= SEP_TB && W <= SEP_THW_LONG)) &&
            hi - lo >= SEP_TB && g->ox >= SEP_TB &&
            r1 - y >= SEP_TB) {
            float *TTmem = malloc(sizeof(float) * (size_t)(SEP_TB * W + SEP_TB));
            if (TTmem) {   /* (else the row-by-row loops: the same values) */
                float *TT = (float *)(((uintptr_t)TTmem + 63) & ~(uintptr_t)63);
                /* chunks of SEP_PRE_BYTES of rows read first, as
                   fc_sep_vdirect's (AMD Zen 5, 512 x 512 x 64 float32 along
                   axis 2, C harness, rows from memory: 4.9-5.2 ms with the
                   prefetches ahead, 4.7-4.9 with the chunks; with the
                   prefetches this pass had become 6.0-6.2 ms once
                   fc_sep_vdirect was in the build, which no reordering of
                   the code undid) */
                const int64_t rowb = nx * (int64_t)sizeof(SEP_I);
                const int64_t K = SEP_PRE_BYTES / rowb / SEP_TB * SEP_TB;
                int64_t next = y;
                for (; r1 - y >= SEP_TB; y += SEP_TB) {
                    for (int r = 0; r < SEP_TB; r++) {
                        int64_t ry = fc_fold(y + r + g->offy, g->ny, g->bnd_y);
                        rows[r] = ry < 0 ? fillrow : x + ry * nx;
                    }
                    if (K && y >= next) {
                        next = y + K;
                        for (int64_t yy = y; yy < next && yy < r1; yy += SEP_TB) {
                            const SEP_I *tr[SEP_TB];
                            for (int r = 0; r < SEP_TB; r++) {
                                int64_t ry = fc_fold(yy + r + g->offy, g->ny, g->bnd_y);
                                tr[r] = ry < 0 ? fillrow : x + ry * nx;
                            }
                            SEP_FN(fc_sep_touch)(tr, SEP_TB, rowb);
                        }
                    } else if (!K) {
                        SEP_FN(fc_sep_pfahead)(g, x, nx, y + g->offy, SEP_TB);
                    }
                    SEP_FN(fc_sep_thband)(g, rows, v, fill, TT, jx, lo, hi, out + y * g->ox);
                }
                free(TTmem);
            }
        }
#endif
        for (; y < r1; y += SEP_R) {
            int R = r1 - y >= SEP_R ? SEP_R : (int)(r1 - y);
            for (int r = 0; r < R; r++) {
                int64_t ry = fc_fold(y + r + g->offy, g->ny, g->bnd_y);
                SEP_FN(fc_sep_pfahead)(g, x, nx, y + r + g->offy, 1);
                SEP_FN(fc_sep_pad)(ry < 0 ? fillrow : x + ry * nx, g->offx, lo, hi, jx, fill,
                                   T + r * W, W, 0);
            }
            for (int r = 0; r < R; r++)
                SEP_FN(fc_sep_hout)(g, T + r * W, v, out + (y + r) * g->ox, ha, h);
        }
        goto done;
    }
    if (!(g->box_y && mu > 1)) {
#ifdef SEP_TILE16
        /* bands of 16 rows through the transposed horizontal pass */
        int64_t tlo, thi;
        fc_sep_interior(g, W, &tlo, &thi);
        float *TT = NULL, *TTmem = NULL;
        const float **trows = NULL;
        if (mu >= SEP_TB && g->mv >= SEP_TB && !g->box_x && !direct_out && thi - tlo >= SEP_TB &&
            g->ox >= SEP_TB && r1 - r0 >= SEP_TB) {
            TTmem = malloc(sizeof(float) * (size_t)(SEP_TB * W + SEP_TB));
            trows = malloc(sizeof(float *) * (size_t)(g->mv + SEP_TB));
            if (!TTmem || !trows) {
                free(TTmem);
                free(trows);
                TTmem = NULL;
                trows = NULL;   /* (the 4-row loops instead: the same values) */
            } else {
                TT = (float *)(((uintptr_t)TTmem + 63) & ~(uintptr_t)63);
                for (int64_t s = 0; s < g->mv + SEP_TB - 1; s++)
                    trows[s] = TT + SEP_TB * s;
            }
        }
#endif
        /* SEP_R rows at a time (the last ones of the band one by one) */
        for (int64_t y = r0; y < r1;) {
            int R = r1 - y >= SEP_R ? SEP_R : 1;
#ifdef SEP_TILE16
            if (TT && r1 - y >= SEP_TB) {
                for (int64_t i = 0; i < mu + SEP_TB - 1; i++) {
                    int64_t r = fc_fold(y + g->offy + i, g->ny, g->bnd_y);
                    rows[i] = r < 0 ? fillrow : x + r * nx;
                }
                /* (the next band's newest rows, when it is a band too) */
                const float *pre[SEP_TB], *const *prep = NULL;
                if (r1 - y >= 2 * SEP_TB) {
                    for (int r = 0; r < SEP_TB; r++) {
                        int64_t ri = fc_fold(y + SEP_TB + g->offy + mu - 1 + r, g->ny, g->bnd_y);
                        pre[r] = ri < 0 ? NULL : x + ri * nx;
                    }
                    prep = pre;
                }
                SEP_FN(fc_sep_tband)(g, rows, u, v, fill, TT, trows, jx, tlo, thi,
                                     out + y * g->ox, prep);
                y += SEP_TB;
                continue;
            }
#endif
            for (int64_t i = 0; i < mu + R - 1; i++) {
                int64_t r = fc_fold(y + g->offy + i, g->ny, g->bnd_y);
                rows[i] = r < 0 ? fillrow : x + r * nx;
            }
            SEP_FN(fc_sep_pfahead)(g, x, nx, y + g->offy + mu - 1, R);
            if (R == SEP_R && !direct_out && !g->box_x && g->ox > 2 * SEP_COLS && mu <= 3) {
                /* at most 3 vertical taps: column strips of SEP_COLS
                   outputs, the vertical sums of a strip read back by the
                   horizontal pass while in L1
                   (each T column computed as by fc_sep_vrow: the same bits) */
                int64_t lo, hi, ox = g->ox, mv = g->mv;
                fc_sep_interior(g, W, &lo, &hi);
                SEP_FN(fc_sep_vborder)(g, rows, u, mu, fill, T, W, R, jx, lo, hi, 0, W, 1);
                for (int64_t o0 = 0; o0 < ox; o0 += SEP_COLS) {
                    int64_t o1 = o0 + SEP_COLS < ox ? o0 + SEP_COLS : ox;
                    int64_t a = lo > o0 ? lo : o0, b = hi < o1 + mv - 1 ? hi : o1 + mv - 1;
                    if (b > a)
                        SEP_FN(fc_sep_vsumR)(rows, g->offx + a, u, mu, T + a, W, b - a);
                    for (int r = 0; r < R; r++)
                        SEP_FN(fc_sep_hsum)(T + r * W + o0, v, mv, out + (y + r) * ox + o0,
                                            o1 - o0);
                }
                y += R;
                continue;
            }
            if (direct_out && g->stream) {
                /* a vertical pass alone (mv == 1: W == ox) through T, its
                   rows streamed out (fc_sep_stream) */
                SEP_FN(fc_sep_vrow)(g, rows, u, mu, fill, T, W, R, jx);
                for (int r = 0; r < R; r++)
                    fc_sep_stream(out + (y + r) * g->ox, T + r * W, sizeof(SEP_T) * (size_t)W);
                y += R;
                continue;
            }
            SEP_FN(fc_sep_vrow)(g, rows, u, mu, fill, direct_out ? out + y * g->ox : T, W, R, jx);
            if (!direct_out)
                for (int r = 0; r < R; r++) {
                    SEP_FN(fc_sep_hpass)(g, T + r * W, v, out + (y + r) * g->ox, ha);
                }
            y += R;
        }
#ifdef SEP_TILE16
        free(TTmem);
        free(trows);
#endif
        goto done;
    }
    /* running sums of mu rows in S, restarted at fixed rows */
    for (int64_t y = r0; y < r1; y++) {
        SEP_T *orow = out + y * g->ox;
        SEP_T *Ty = direct_out ? orow : T;
        int64_t yy = y;
        if (y == r0 || y % FC_SEP_RESTART == 0) {
            /* a fresh sum at the restart row, then on to y (a band may
               start between restarts) */
            int64_t ys = y - y % FC_SEP_RESTART, lo, hi;
            fc_sep_interior(g, W, &lo, &hi);
            for (int64_t i = 0; i < mu; i++) {   /* S = row 0, then S += row i */
                int64_t r = fc_fold(ys + g->offy + i, g->ny, g->bnd_y);
                SEP_FN(fc_sep_pad)(r < 0 ? fillrow : x + r * nx, g->offx, lo, hi, jx, fill, S,
                                   W, i > 0);
            }
            yy = ys + 1;
        }
        for (; yy <= y; yy++) {   /* one row in, one row out */
            int64_t rin = fc_fold(yy + g->offy + mu - 1, g->ny, g->bnd_y);
            int64_t rout = fc_fold(yy + g->offy - 1, g->ny, g->bnd_y);
            SEP_FN(fc_sep_vstep)(g, rin < 0 ? fillrow : x + rin * nx,
                                 rout < 0 ? fillrow : x + rout * nx, fill, u[0], S, Ty, W, jx);
        }
        if (y % FC_SEP_RESTART == 0)   /* (a restart row: no step above) */
            for (int64_t c = 0; c < W; c++)
                Ty[c] = u[0] * S[c];
        if (!direct_out)
            SEP_FN(fc_sep_hpass)(g, T, v, orow, ha);
    }
done:
    if (g->stream)
        fc_sep_fence();
    free(T);
    free(rows);
    free(fillrow);
    free(jx);
    return 0;
}

/* A vertical pass alone (mv == 1, v[0] == 1, not running sums) whose
   output columns all read their own input column (no border columns:
   offx == 0), rows [r0, r1) of out written from the accumulators (no row
   buffer): the band's input rows folded once, SEP_R output rows at a time
   down the band, by streaming stores with `nt` (every output row whole
   64-byte lines, the vector stores aligned).  Short rows go in chunks of
   SEP_PRE_BYTES of input, whose new rows are first read by fc_sep_touch:
   AMD Zen 5, 512 x 512 x 64 float32, 9 taps along axis 1 (rows of 256
   bytes): the passes summing rows straight from memory took 4.8 ms, with
   the chunks read first 3.4-4.1 ms (32 KiB chunks 4.3-4.5; prefetching
   rows ahead, SEP_PFR, to any cache level and at any distance made no
   difference: the hardware prefetchers and software prefetches do not keep
   up with these rows, a burst of loads does).  The sums of fc_sep_vrow
   (fc_sep_vblock, fc_sep_vone, fc_sep_vsum): the same bits.  Returns 0,
   or -1 when out of memory. */
static int SEP_FN(fc_sep_vdirect)(const struct fc_sep_geom *g, const SEP_I *x,
                                  const SEP_I *fillrow, const SEP_T *u, SEP_T *out, int64_t r0,
                                  int64_t r1, int nt)
{
    typedef SEP_FN(fc_sep_vec) V;
    const int64_t mu = g->mu, nx = g->nx;
    const SEP_I **rows = malloc(sizeof(SEP_I *) * (size_t)(r1 - r0 + mu));
    if (!rows)
        return -1;
    for (int64_t i = 0; i < r1 - r0 + mu - 1; i++) {
        int64_t r = fc_fold(r0 + g->offy + i, g->ny, g->bnd_y);
        rows[i] = r < 0 ? fillrow : x + r * nx;
    }
    const int64_t rowb = nx * (int64_t)sizeof(SEP_I);
    const int pf = rowb >= SEP_PF_MIN;
    /* K: output rows per chunk (0: no chunks) */
    const int64_t K = rowb <= SEP_PRE_BYTES / SEP_R ? SEP_PRE_BYTES / rowb / SEP_R * SEP_R : 0;
    int64_t y = r0, next = r0;   /* (next: the first output row of the next chunk) */
    for (; y + SEP_R <= r1; y += SEP_R) {
        const SEP_I *const *ry = rows + (y - r0);
        SEP_T *o = out + y * nx;
        if (K && y >= next) {   /* the chunk's input rows not read yet */
            next = y + K < r1 ? y + K : r1;
            const int64_t first = y == r0 ? 0 : mu - 1;
            SEP_FN(fc_sep_touch)(ry + first, next - y + mu - 1 - first, rowb);
        } else if (!K) {
            SEP_FN(fc_sep_pfahead)(g, x, nx, y + g->offy + mu - 1, SEP_R);
        }
        int64_t c = 0;
        for (; c + 2 * SEP_VL <= nx; c += 2 * SEP_VL) {
            V a0[SEP_R], a1[SEP_R];
            SEP_FN(fc_sep_vblock)(ry, 0, u, mu, c, a0, a1, pf);
            for (int r = 0; r < SEP_R; r++) {
                SEP_STOREV(o + r * nx + c, a0[r], nt);
                SEP_STOREV(o + r * nx + c + SEP_VL, a1[r], nt);
            }
        }
        /* (the last columns one by one, as fc_sep_vsumR: with nt, a vector
           of columns that is not streamed, in a line of its own) */
        for (int r = 0; r < SEP_R; r++)
            for (int64_t cc = c; cc < nx; cc++)
                o[r * nx + cc] = SEP_FN(fc_sep_vone)(ry, 0, u, mu, r, cc);
    }
    for (; y < r1; y++)   /* the band's last rows one by one */
        SEP_FN(fc_sep_vsum)(rows + (y - r0), 0, u, mu, out + y * nx, nx);
    free(rows);
    return 0;
}

/* fc_sep.h fc_sep_rows: a vertical pass alone whose output columns read
   their own input column by fc_sep_vdirect (streamed where its rows are
   whole lines, else with ordinary stores where the output is not
   streamed), the rest by fc_sep_rows. */
static int SEP_FN(fc_sep_run)(const struct fc_sep_geom *g, const SEP_I *x, const SEP_T *u,
                              const SEP_T *v, SEP_T fill, SEP_T *out, int64_t r0, int64_t r1)
{
    if (g->mv == 1 && v[0] == (SEP_T)1 && !(g->box_y && g->mu > 1) && g->offx == 0 &&
        g->ox == g->nx) {
        const int nt =
            g->stream && (uintptr_t)out % 64 == 0 && g->nx * sizeof(SEP_T) % 64 == 0;
        if (nt || !g->stream) {
            SEP_I *fillrow = malloc(sizeof(SEP_I) * (size_t)(g->nx + 1));   /* (fill fits SEP_I) */
            int rc = -1;
            if (fillrow) {
                for (int64_t c = 0; c < g->nx; c++)
                    fillrow[c] = (SEP_I)fill;
                rc = SEP_FN(fc_sep_vdirect)(g, x, fillrow, u, out, r0, r1, nt);
                free(fillrow);
            }
            if (nt)
                fc_sep_fence();
            return rc;
        }
    }
    return SEP_FN(fc_sep_rows)(g, x, u, v, fill, out, r0, r1);
}

#ifdef SEP_U8OUT
/* The uint8 passes (fc_sep.h fc_sep_rows_u8), in the instantiation whose
   SEP_T is float and SEP_I uint8_t: the vertical pass reads the uint8 rows
   (converted on load, fc_sep_vblock), the horizontal one a float row F of
   the vertical pass's uint8 results.  A float sum s is cast in registers:
   k = (int32_t)(s + tol), which is (int32_t)s, and ndimage's cast of its
   float64 sum, unless (int32_t)(s - tol) differs, i.e. an integer other
   than 0 lies within about tol of s (truncation changes only there; tol
   has room for the rounding of s +- tol, _ndi_filters._u8_tol).  Those
   columns get a byte in `near` and are recomputed in float64 from their
   window of m samples in ndimage's order (fc_sep_ndi_u8). */
typedef int32_t SEP_FN(fc_sep_i32v) __attribute__((vector_size(SEP_VBYTES)));
typedef uint8_t SEP_FN(fc_sep_bytes) __attribute__((vector_size(SEP_VL), aligned(1)));
/* *p = the low bytes of the int32 lanes of k.  With AVX-512 the narrowing
   (vpmovdb) goes to a register, then an ordinary store: its form with a
   memory operand, which GCC picks otherwise, is slow on AMD Zen 4/5 (the
   gaussian_filter uint8 sigma=1 passes stalled on it) */
#if defined(__AVX512F__) && SEP_VBYTES == 64 && defined(__GNUC__)
#define SEP_STORE_BYTES(p, k)                                                      \
    do {                                                                           \
        SEP_FN(fc_sep_bytes) b_ = __builtin_convertvector((k), SEP_FN(fc_sep_bytes)); \
        __asm__("" : "+v"(b_));                                                    \
        *(SEP_FN(fc_sep_bytes) *)(p) = b_;                                         \
    } while (0)
#else
#define SEP_STORE_BYTES(p, k) \
    (*(SEP_FN(fc_sep_bytes) *)(p) = __builtin_convertvector((k), SEP_FN(fc_sep_bytes)))
#endif

/* k of the sums s (see above); near bytes (1: recompute) at nb, their OR
   into *any */
static inline __attribute__((always_inline)) SEP_FN(fc_sep_i32v)
SEP_FN(fc_sep_cast)(SEP_FN(fc_sep_vec) s, float tol, uint8_t *nb, SEP_FN(fc_sep_i32v) *any)
{
    typedef SEP_FN(fc_sep_i32v) IV;
    IV k = __builtin_convertvector(s + tol, IV);
    IV ne = k != __builtin_convertvector(s - tol, IV);
    SEP_STORE_BYTES(nb, ne);
    *any |= ne;
    return k;
}

static inline int32_t SEP_FN(fc_sep_cast1)(float s, float tol, uint8_t *nb)
{
    int32_t k = (int32_t)(s + tol);
    *nb = k != (int32_t)(s - tol);
    return k;
}

/* the columns c in [lo, n) with near[c] set: dst[c] = ndimage's value of
   the window rows[i][c] (rows != NULL), else t[c + i], i in [0, m); dst
   uint8 (f NULL) or float (f) */
static void SEP_FN(fc_sep_fix)(const uint8_t *near, int64_t lo, int64_t n,
                               const uint8_t *const *rows, const float *t, const double *w64,
                               int64_t m, int sym, double *vals, uint8_t *o8, float *f)
{
    for (int64_t c0 = lo; c0 < n; c0 += 32) {
        uint64_t b[4] = {1, 0, 0, 0};
        if (c0 + 32 <= n)
            memcpy(b, near + c0, 32);
        if (!(b[0] | b[1] | b[2] | b[3]))
            continue;
        for (int64_t c = c0; c < c0 + 32 && c < n; c++) {
            if (!near[c])
                continue;
            for (int64_t i = 0; i < m; i++)
                vals[i] = rows ? (double)rows[i][c] : (double)t[c + i];
            uint8_t v = fc_sep_ndi_u8(vals, w64, m, sym);
            if (f)
                f[c] = v;
            else
                o8[c] = v;
        }
    }
}

/* Short symmetric or antisymmetric kernels (odd m <= SEP_FOLD_MAX, in the
   vertical pass m <= SEP_FOLD_VMAX; the float32 taps w[k] == +-w[m - 1 - k]
   exactly): the passes below with m a
   constant (the taps in registers, the loops unrolled) and the taps
   folded, s = w[h] x[h] + sum_{k<h} w[k] (x[k] +- x[m-1-k]), h = m / 2:
   the pairs are integers of at most 510 in magnitude, exact in float32, so
   s is a float32 sum of h + 1 products of the float32 taps, within tolf
   (fc_sep.h; _ndi_filters._u8_tol) of ndimage's float64 sum.  The products
   go into two chains (the latency of one multiply-add chain of h + 1 would
   bound the loop).  A sum near an integer (the lanes whose casts of
   s - tol and s + tol differ) is recomputed at once from its window in
   ndimage's order (fc_sep_fixlanes; rarely: about a fraction 2 tolf of the
   sums of random images).  AMD Zen 5,
   gaussian_filter 2048^2 uint8 sigma=1 (9 taps), both passes in C: 1.8 ms
   with the generic loops (fc_sep_vblock / fc_sep_hblock, near bytes
   stored), 1.5 ms folded, 1.4 with the lane shifts (fc_sep_hwin), 1.37
   with tolf (fewer sums recomputed), 1.15 with the byte-range kernels'
   truncation in float and packed stores (fc_sep_foldsign 2).  Longer
   kernels (the C passes alone, 2048^2, Gaussian taps): the vertical pass
   folded 0.82 -> 0.64 ms at 11 taps, 0.89 -> 0.74 at 13, but 0.97 -> 1.3
   at 15 and 1.12 -> 1.3 at 17 (registers spilled); the horizontal one
   1.06 -> 0.66 ms at 11, 1.21 -> 0.74 at 13, 1.43 -> 0.82 at 15, 1.5 ->
   0.89 at 17 (gaussian_filter sigma=2). */
#define SEP_FOLD_MAX 17
#define SEP_FOLD_VMAX 13
#define SEP_TOZERO (_MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)
/* the lanes of the int32 vectors a, b that differ, as the bits of an
   unsigned int (lane i: bit i) */
#if defined(__AVX512F__) && SEP_VBYTES == 64
#define SEP_NEBITS(a, b) ((unsigned)_mm512_cmpneq_epi32_mask((__m512i)(a), (__m512i)(b)))
#elif defined(__AVX2__) && SEP_VBYTES == 32
#define SEP_NEBITS(a, b) ((unsigned)_mm256_movemask_ps((__m256)((a) != (b))))
#elif defined(__SSE2__) && SEP_VBYTES == 16
#define SEP_NEBITS(a, b) ((unsigned)_mm_movemask_ps((__m128)((a) != (b))))
#else
#define SEP_NEBITS(a, b) SEP_FN(fc_sep_nebits)((a), (b))
static inline unsigned SEP_FN(fc_sep_nebits)(SEP_FN(fc_sep_i32v) a, SEP_FN(fc_sep_i32v) b)
{
    unsigned bits = 0;
    for (int k = 0; k < SEP_VL; k++)
        bits |= (unsigned)(a[k] != b[k]) << k;
    return bits;
}
#endif

/* ndimage's values of the lanes set in `bits` of the VL outputs from
   column c: the window rows[i][c + l] (rows != NULL) or t[c + l + i], i
   in [0, m), into o8[l] (f NULL) or f[l] (floats) */
static __attribute__((noinline, cold)) void SEP_FN(fc_sep_fixlanes)(
    unsigned bits, const uint8_t *const *rows, const float *t, int64_t c,
    const struct fc_sep_u8pass *p, uint8_t *o8, float *f)
{
    double vals[SEP_FOLD_MAX];
    for (int l = 0; l < SEP_VL; l++) {
        if (!(bits >> l & 1))
            continue;
        for (int64_t i = 0; i < p->m; i++)
            vals[i] = rows ? (double)rows[i][c + l] : (double)t[c + l + i];
        uint8_t v = fc_sep_ndi_u8(vals, p->w64, p->m, p->sym);
        if (f)
            f[l] = v;
        else
            o8[l] = v;
    }
}

/* the vectors of p's m taps (constant m when inlined) */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_foldtaps)(
    const struct fc_sep_u8pass *p, const int m, SEP_FN(fc_sep_vec) *wv)
{
    for (int k = 0; k < m; k++)
        wv[k] = (SEP_FN(fc_sep_vec)){0} + p->w[k];
}

/* the folded sum s of the window x[0..m) (taps wv, sg > 0: pairs added,
   else subtracted) */
static inline __attribute__((always_inline)) SEP_FN(fc_sep_vec) SEP_FN(fc_sep_foldsum)(
    const SEP_FN(fc_sep_vec) *x, const SEP_FN(fc_sep_vec) *wv, const int m, const int sg)
{
    typedef SEP_FN(fc_sep_vec) V;
    const int h = m / 2;
    V a = wv[h] * x[h], b = (V){0};
    for (int k = h - 1; k >= 0; k--) {
        V pr = sg > 0 ? x[k] + x[m - 1 - k] : x[k] - x[m - 1 - k];
        if ((h - 1 - k) % 2)
            a += wv[k] * pr;
        else if (k == h - 1)
            b = wv[k] * pr;
        else
            b += wv[k] * pr;
    }
    return a + b;
}

/* k = (int32_t)(s + tol) of the folded sum s, and in *bits the lanes where
   (int32_t)(s - tol) differs (fc_sep_cast) */
static inline __attribute__((always_inline)) SEP_FN(fc_sep_i32v) SEP_FN(fc_sep_foldcast)(
    const SEP_FN(fc_sep_vec) *x, const SEP_FN(fc_sep_vec) *wv, const int m, const int sg,
    SEP_FN(fc_sep_vec) tol, unsigned *bits)
{
    typedef SEP_FN(fc_sep_i32v) IV;
    SEP_FN(fc_sep_vec) s = SEP_FN(fc_sep_foldsum)(x, wv, m, sg);
    IV k = __builtin_convertvector(s + tol, IV);
    *bits = SEP_NEBITS(k, __builtin_convertvector(s - tol, IV));
    return k;
}

/* the vertical pass of SEP_R rows (fc_sep_u8v), columns [0, end) in
   vectors of VL, end returned; m constant when inlined */
static inline __attribute__((always_inline)) int64_t SEP_FN(fc_sep_u8v_fold_m)(
    const uint8_t *const *rows, const struct fc_sep_u8pass *p, const int m, const int sg,
    int64_t nx, uint8_t *o8, float *f, int64_t fs)
{
    typedef SEP_FN(fc_sep_vec) V;
    typedef SEP_FN(fc_sep_i32v) IV;
    V wv[SEP_FOLD_MAX];
    SEP_FN(fc_sep_foldtaps)(p, m, wv);
    const V tol = (V){0} + p->tolf;
    const int pf = nx >= SEP_PF_MIN;
    int64_t c = 0;
    for (; c + SEP_VL <= nx; c += SEP_VL) {
        V x[SEP_FOLD_MAX + SEP_R - 1];
        if (pf && c % 64 == 0)
            for (int k = m - 1; k < m + SEP_R - 1; k++)
                __builtin_prefetch((const char *)(rows[k] + c) + SEP_PF, 0, 3);
        for (int k = 0; k < m + SEP_R - 1; k++)
            x[k] = SEP_LOADV(rows[k] + c, 0);
        for (int r = 0; r < SEP_R; r++) {
            unsigned bits;
#if SEP_VBYTES == 64 && defined(__AVX512F__)
            if (sg == 2 && f) {
                /* (sums in [0, 255.5): F's floats are the sums truncated in
                   float, their comparison the test) */
                V s = SEP_FN(fc_sep_foldsum)(x + r, wv, m, sg);
                __m512 hi = _mm512_roundscale_ps((__m512)(s + tol), SEP_TOZERO);
                __m512 lo = _mm512_roundscale_ps((__m512)(s - tol), SEP_TOZERO);
                bits = _mm512_cmp_ps_mask(hi, lo, _CMP_NEQ_UQ);
                *(V *)(f + r * fs + c) = (V)hi;
                if (__builtin_expect(bits != 0, 0))
                    SEP_FN(fc_sep_fixlanes)(bits, rows + r, NULL, c, p, NULL, f + r * fs + c);
                continue;
            }
#endif
            IV k = SEP_FN(fc_sep_foldcast)(x + r, wv, m, sg, tol, &bits);
            if (f)
                *(V *)(f + r * fs + c) = __builtin_convertvector(k & 255, V);
            else
                SEP_STORE_BYTES(o8 + r * nx + c, k);
            if (__builtin_expect(bits != 0, 0))
                SEP_FN(fc_sep_fixlanes)(bits, rows + r, NULL, c, p,
                                        o8 + r * nx + c, f ? f + r * fs + c : NULL);
        }
    }
    return c;
}

#if SEP_VBYTES == 64 && defined(__GNUC__) && !defined(__clang__)
#define SEP_HSHIFT 1
#endif
/* x[0..m) = the vectors t[k .. k + VL) (constant m when inlined).  With
   `shift` (SEP_HSHIFT; t at a 64-byte line, F's layout, fc_sep_u8rows):
   odd k by lane shifts (vpermt2ps) of the aligned vectors at t and t + VL,
   even k by loads (each but the first across two lines).  AMD Zen 5, the
   horizontal pass at 2048^2, 9 taps: all by loads 0.77 ms, all by shifts
   0.75, odd k by shifts 0.66 (even k 0.69, k <= 4 or k >= 5 0.68-0.69). */
static inline __attribute__((always_inline)) void SEP_FN(fc_sep_hwin)(
    const float *t, const int m, int shift, SEP_FN(fc_sep_vec) *x)
{
    typedef SEP_FN(fc_sep_vec) V;
#ifdef SEP_HSHIFT
    if (shift) {
        typedef SEP_FN(fc_sep_idx) I;
        const V lo = *(const V *)t, hi = *(const V *)(t + SEP_VL);
        const I iota = *(const I *)SEP_FN(fc_sep_iota);
        x[0] = lo;
        for (int k = 1; k < m; k++)
            x[k] = k % 2 ? __builtin_shuffle(lo, hi, iota + k) : *(const V *)(t + k);
        return;
    }
#else
    (void)shift;
#endif
    for (int k = 0; k < m; k++)
        x[k] = *(const V *)(t + k);
}

/* the horizontal pass of one row (fc_sep_u8h), columns [0, end) in
   vectors of VL, end returned */
static inline __attribute__((always_inline)) int64_t SEP_FN(fc_sep_u8h_fold_m)(
    const float *t, const struct fc_sep_u8pass *p, const int m, const int sg, int64_t nx,
    uint8_t *o8)
{
    typedef SEP_FN(fc_sep_vec) V;
    typedef SEP_FN(fc_sep_i32v) IV;
    V wv[SEP_FOLD_MAX];
    SEP_FN(fc_sep_foldtaps)(p, m, wv);
    const V tol = (V){0} + p->tolf;
    const int shift = (uintptr_t)t % 64 == 0;
    int64_t c = 0;
#if SEP_VBYTES == 64 && defined(__AVX512BW__)
    if (sg == 2 && shift)   /* (casts in [0, 255]: 4 vectors packed into bytes) */
        for (; c + 4 * SEP_VL <= nx; c += 4 * SEP_VL) {
            __m512i k[4];
            unsigned bits[4];
            for (int q = 0; q < 4; q++) {
                V x[SEP_FOLD_MAX];
                SEP_FN(fc_sep_hwin)(t + c + q * SEP_VL, m, 1, x);
                k[q] = (__m512i)SEP_FN(fc_sep_foldcast)(x, wv, m, sg, tol, &bits[q]);
            }
            __m512i b = _mm512_packus_epi16(_mm512_packus_epi32(k[0], k[1]),
                                            _mm512_packus_epi32(k[2], k[3]));
            /* (dword j of 128-bit lane i: 4 bytes of vector j, its lane i) */
            b = _mm512_permutexvar_epi32(
                _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), b);
            _mm512_storeu_si512((void *)(o8 + c), b);
            for (int q = 0; q < 4; q++)
                if (__builtin_expect(bits[q] != 0, 0))
                    SEP_FN(fc_sep_fixlanes)(bits[q], NULL, t, c + q * SEP_VL, p,
                                            o8 + c + q * SEP_VL, NULL);
        }
#endif
    for (; c + SEP_VL <= nx; c += SEP_VL) {
        V x[SEP_FOLD_MAX];
        unsigned bits;
        SEP_FN(fc_sep_hwin)(t + c, m, shift, x);
        IV k = SEP_FN(fc_sep_foldcast)(x, wv, m, sg, tol, &bits);
        SEP_STORE_BYTES(o8 + c, k);
        if (__builtin_expect(bits != 0, 0))
            SEP_FN(fc_sep_fixlanes)(bits, NULL, t, c, p, o8 + c, NULL);
    }
    return c;
}

/* the sign of the fold of p's float32 taps (1: w[k] == w[m-1-k], -1: w[k]
   == -w[m-1-k]), 0 where the fold is not taken (m even, 1 or over
   vmax, or taps neither); 2: symmetric taps >= 0 whose sums of
   samples of at most 255 stay below 255.5 (with the float32 rounding and
   tolf), so that every cast (int32_t)(s + tol) is a byte (Gaussians) */
static inline int SEP_FN(fc_sep_foldsign)(const struct fc_sep_u8pass *p, int64_t vmax)
{
    const int64_t m = p->m;
    int pos = 1, neg = 1;
    if (m % 2 == 0 || m < 3 || m > vmax)
        return 0;
    double sum = 0;
    int nonneg = 1;
    for (int64_t k = 0; k < m / 2; k++) {
        pos &= p->w[k] == p->w[m - 1 - k];
        neg &= p->w[k] == -p->w[m - 1 - k];
    }
    for (int64_t k = 0; k < m; k++) {
        nonneg &= p->w[k] >= 0;
        sum += p->w[k];
    }
    /* (a float32 sum of at most 9 products: within 10 2^-24 of their sum) */
    if (pos && nonneg && 255 * sum * (1 + 1e-6) + p->tolf < 255.5)
        return 2;
    return pos ? 1 : neg ? -1 : 0;
}

/* dispatch on m and the sign (2, 1 or -1): the vertical pass m <= 13,
   the horizontal one m <= 17 (fc_sep_foldsign's vmax / SEP_FOLD_MAX) */
#define SEP_FOLD_CASE(call, M) \
    case M: return sg > 1 ? call(M, 2) : sg > 0 ? call(M, 1) : call(M, -1);
#define SEP_FOLD_CASES13(call) \
    SEP_FOLD_CASE(call, 3) SEP_FOLD_CASE(call, 5) SEP_FOLD_CASE(call, 7) \
    SEP_FOLD_CASE(call, 9) SEP_FOLD_CASE(call, 11) SEP_FOLD_CASE(call, 13)
static int64_t SEP_FN(fc_sep_u8v_fold)(const uint8_t *const *rows,
                                       const struct fc_sep_u8pass *p, int sg, int64_t nx,
                                       uint8_t *o8, float *f, int64_t fs)
{
#define SEP_V_(M, S) SEP_FN(fc_sep_u8v_fold_m)(rows, p, M, S, nx, o8, f, fs)
    switch (p->m) {
    SEP_FOLD_CASES13(SEP_V_)
    default: return 0;   /* (not folded) */
    }
#undef SEP_V_
}
static int64_t SEP_FN(fc_sep_u8h_fold)(const float *t, const struct fc_sep_u8pass *p, int sg,
                                       int64_t nx, uint8_t *o8)
{
#define SEP_H_(M, S) SEP_FN(fc_sep_u8h_fold_m)(t, p, M, S, nx, o8)
    switch (p->m) {
    SEP_FOLD_CASES13(SEP_H_)
    SEP_FOLD_CASE(SEP_H_, 15)
    SEP_FOLD_CASE(SEP_H_, 17)
    default: return 0;   /* (not folded) */
    }
#undef SEP_H_
}
#undef SEP_FOLD_CASE
#undef SEP_FOLD_CASES13

static inline int SEP_FN(fc_sep_any)(SEP_FN(fc_sep_i32v) any)
{
    int32_t r = 0;
    for (int k = 0; k < SEP_VL; k++)
        r |= any[k];
    return r != 0;
}

/* the vertical pass of R rows (SEP_R, or 1) of nx columns, rows[i] the
   uint8 input rows: output row r into o8 + r * nx (uint8; f NULL) or
   f + r * fs (floats of the uint8 values); sg: fc_sep_foldsign(p, SEP_FOLD_VMAX) */
static void SEP_FN(fc_sep_u8v)(const uint8_t *const *rows, const struct fc_sep_u8pass *p,
                               int sg, int64_t nx, int R, uint8_t *o8, float *f, int64_t fs,
                               uint8_t *near, double *vals)
{
    typedef SEP_FN(fc_sep_vec) V;
    typedef SEP_FN(fc_sep_i32v) IV;
    const float tol = p->tol, *w = p->w;
    const int64_t m = p->m;
    IV any = {0};
    int64_t c = 0, lo = 0;   /* (lo: the first column with a near byte) */
    const int pf = nx * (int64_t)sizeof(uint8_t) >= SEP_PF_MIN;
    if (R == SEP_R && sg)
        c = lo = SEP_FN(fc_sep_u8v_fold)(rows, p, sg, nx, o8, f, fs);
    else if (R == SEP_R)
        for (; c + 2 * SEP_VL <= nx; c += 2 * SEP_VL) {
            V a0[SEP_R], a1[SEP_R];
            SEP_FN(fc_sep_vblock)(rows, 0, w, m, c, a0, a1, pf);
            for (int r = 0; r < SEP_R; r++) {
                IV k0 = SEP_FN(fc_sep_cast)(a0[r], tol, near + r * nx + c, &any);
                IV k1 = SEP_FN(fc_sep_cast)(a1[r], tol, near + r * nx + c + SEP_VL, &any);
                if (f) {   /* (the uint8 values: k mod 256) */
                    *(V *)(f + r * fs + c) = __builtin_convertvector(k0 & 255, V);
                    *(V *)(f + r * fs + c + SEP_VL) = __builtin_convertvector(k1 & 255, V);
                } else {
                    SEP_STORE_BYTES(o8 + r * nx + c, k0);
                    SEP_STORE_BYTES(o8 + r * nx + c + SEP_VL, k1);
                }
            }
        }
    int flagged = SEP_FN(fc_sep_any)(any);
    for (int r = 0; r < R; r++)
        for (int64_t cc = c; cc < nx; cc++) {
            int32_t k = SEP_FN(fc_sep_cast1)(SEP_FN(fc_sep_vone)(rows, 0, w, m, r, cc), tol,
                                             near + r * nx + cc);
            flagged |= near[r * nx + cc];
            if (f)
                f[r * fs + cc] = (float)(uint8_t)k;
            else
                o8[r * nx + cc] = (uint8_t)k;
        }
    if (flagged)
        for (int r = 0; r < R; r++)
            SEP_FN(fc_sep_fix)(near + r * nx, lo, nx, rows + r, NULL, p->w64, m, p->sym, vals,
                               o8 + r * nx, f ? f + r * fs : NULL);
}

/* the horizontal pass of one row: o8[c] from the floats t[c + j]; sg:
   fc_sep_foldsign(p, SEP_FOLD_MAX) */
static void SEP_FN(fc_sep_u8h)(const float *t, const struct fc_sep_u8pass *p, int sg,
                               int64_t nx, uint8_t *o8, uint8_t *near, double *vals)
{
    typedef SEP_FN(fc_sep_vec) V;
    typedef SEP_FN(fc_sep_i32v) IV;
    const float tol = p->tol;
    IV any = {0};
    int64_t c = 0, lo = 0;   /* (lo: the first column with a near byte) */
    if (sg)
        c = lo = SEP_FN(fc_sep_u8h_fold)(t, p, sg, nx, o8);
    for (; !sg && c + 4 * SEP_VL <= nx; c += 4 * SEP_VL) {
        V a[4];
        SEP_FN(fc_sep_hblock)(t + c, p->w, p->m, a);
        for (int k = 0; k < 4; k++)
            SEP_STORE_BYTES(o8 + c + k * SEP_VL,
                            SEP_FN(fc_sep_cast)(a[k], tol, near + c + k * SEP_VL, &any));
    }
    int flagged = SEP_FN(fc_sep_any)(any);
    for (; c < nx; c++) {
        o8[c] = (uint8_t)SEP_FN(fc_sep_cast1)(SEP_FN(fc_sep_hone)(t + c, p->w, p->m), tol,
                                              near + c);
        flagged |= near[c];
    }
    if (flagged)
        SEP_FN(fc_sep_fix)(near, lo, nx, NULL, t, p->w64, p->m, p->sym, vals, o8, NULL);
}

/* fc_sep.h fc_sep_rows_u8: SEP_R rows at a time (the band's last ones one
   by one), the vertical pass's results as floats in F (a row of E + nx + E
   samples per output row, column c at E + c), their border columns copied
   from them (or the fill value), then the horizontal pass of each. */
static int SEP_FN(fc_sep_u8rows)(const struct fc_sep_geom *g, const uint8_t *x, float fill,
                                 const struct fc_sep_u8pass *vp,
                                 const struct fc_sep_u8pass *hp, uint8_t *out, int64_t r0,
                                 int64_t r1)
{
    const int64_t nx = g->nx, mu = vp ? vp->m : 1, mv = hp ? hp->m : 1;
    const int64_t W = nx + mv - 1, offx = hp ? hp->off : 0;
    /* (E: the horizontal pass's first sample, column offx, at the start of
       a 64-byte line, fc_sep_u8h_fold_m; border columns of mv + |offx| on
       either side, and a vector more on the right) */
    const int64_t ax = offx < 0 ? -offx : offx, L = 64 / (int64_t)sizeof(float);
    const int64_t E = (mv + 2 * ax + L - 1) / L * L - offx;
    const int64_t fs = (E + nx + mv + ax + L + L - 1) / L * L;
    float *F = fc_aligned_alloc(sizeof(float) * (size_t)(SEP_R * fs), 64);
    uint8_t *near = malloc((size_t)(SEP_R * nx + 1));
    uint8_t *fillrow = malloc((size_t)(nx + 1));
    const uint8_t **rows = malloc(sizeof(uint8_t *) * (size_t)(mu + SEP_R));
    int64_t *jx = malloc(sizeof(int64_t) * (size_t)(W + 1));
    const int vsg = vp ? SEP_FN(fc_sep_foldsign)(vp, SEP_FOLD_VMAX) : 0;
    const int hsg = hp ? SEP_FN(fc_sep_foldsign)(hp, SEP_FOLD_MAX) : 0;
    double *vals = malloc(sizeof(double) * (size_t)((mu > mv ? mu : mv) + 1));
    int rc = -1;
    if (!F || !near || !fillrow || !rows || !jx || !vals)
        goto done;
    memset(fillrow, (int)fill, (size_t)nx);
    int64_t lo = -offx > 0 ? -offx : 0, hi = nx - offx < W ? nx - offx : W;
    if (hi < lo)
        hi = lo;
    if (lo > W)
        lo = hi = W;
    for (int64_t t = 0; t < W; t++)
        jx[t] = fc_fold(offx + t, nx, g->bnd_x);
    for (int64_t y = r0; y < r1;) {
        int R = r1 - y >= SEP_R ? SEP_R : 1;
        uint8_t *o = out + (y - r0) * nx;
        if (vp) {
            for (int64_t i = 0; i < mu + R - 1; i++) {
                int64_t r = fc_fold(y + vp->off + i, g->ny, g->bnd_y);
                rows[i] = r < 0 ? fillrow : x + r * nx;
            }
            SEP_FN(fc_sep_pfahead)(g, x, nx, y + vp->off + mu - 1, R);
            SEP_FN(fc_sep_u8v)(rows, vp, vsg, nx, R, o, hp ? F + E : NULL, fs, near, vals);
        } else {
            for (int r = 0; r < R; r++)
                for (int64_t c = 0; c < nx; c++)
                    F[r * fs + E + c] = x[(y + r) * nx + c];
        }
        if (hp)
            for (int r = 0; r < R; r++) {
                float *f = F + r * fs + E;   /* column c at f[c] */
                for (int64_t t = 0; t < W; t++) {
                    if (t == lo)
                        t = hi;
                    if (t >= W)
                        break;
                    f[offx + t] = jx[t] < 0 ? fill : f[jx[t]];
                }
                SEP_FN(fc_sep_u8h)(f + offx, hp, hsg, nx, o + r * nx, near, vals);
            }
        y += R;
    }
    rc = 0;
done:
    fc_aligned_free(F);
    free(near);
    free(fillrow);
    free(rows);
    free(jx);
    free(vals);
    return rc;
}
#endif

#undef SEP_CAT3
#undef SEP_NAME3
#undef SEP_FN
#undef SEP_CH
#undef SEP_CHV
#undef SEP_R
#undef SEP_PF
#undef SEP_PF_MIN
#undef SEP_PFR
#undef SEP_COLS
#undef SEP_TBR
#undef SEP_TB
#undef SEP_THW
#undef SEP_THW_LONG
#undef SEP_HROW_MAX
#undef SEP_HR_R
#undef SEP_VL
#undef SEP_LOADV
#undef SEP_STORE_BYTES
#undef SEP_FOLD_MAX
#undef SEP_FOLD_VMAX
#undef SEP_TOZERO
#undef SEP_NEBITS
#undef SEP_HSHIFT
#ifdef SEP_I_IS_T
#undef SEP_I
#undef SEP_I_IS_T
#endif
