/*
 * fc_fft_impl.h - the FFT convolution engine, written once with GCC/Clang
 * vector extensions and compiled once per scalar type and instruction set
 * (fc_fft_baseline.c, fc_fft_avx2.c, fc_fft_avx512.c include it with FF_T =
 * float/double, FF_TN = f32/f64, FF_ISA and FF_VBYTES set).
 *
 * Computes the window of the full correlation (see fc_fft.h)
 *
 *     out[y] = sum_j k[j] * x[y + s + j]     (x reads 0 outside its extent)
 *
 * by overlap-save: the output is cut into tiles of B[a] = P[a] - K[a] + 1
 * outputs per axis; tile origin y0 reads the input block x[y0 + s + t],
 * t in [0, P) (zeros outside x), whose circular convolution with
 * g[t] = k[(-t) mod P] is exact for t < B.  The kernel spectrum H = DFT(g) / N
 * (N = prod P) is computed once.
 *
 * Transforms are complex.  Real data puts two tiles in one transform (tile
 * 2i in the real part, 2i + 1 in the imaginary part): since g is real,
 * conv(a + ib, g) = conv(a, g) + i conv(b, g).
 *
 * Vectorised across lines: every 1-D DFT runs down the columns of a matrix
 * (split re/im planes, row stride a whole number of vectors), one SIMD lane
 * per column, as a Stockham autosort FFT with radix 5, 3, 4, 2 passes
 * (twiddles precomputed in double, stored per pass).  A tile (d >= 2) is
 * kept in C order with its last axis padded to ldN (the "N form"); the other
 * axes are transformed down its columns.  The last axis is transformed in
 * an "S block" of FW lines x P[d-1] (lanes = lines, in L1/L2): filled from x
 * by an in-register transpose, transformed, stored transposed as N rows;
 * the inverse reads FW rows back and writes the outputs from the block.
 * 1-D: the S block's lanes are C = FW different tiles.
 * Inverse DFT = forward DFT with the re and im planes swapped.
 *
 * Threads: over groups (one transform: tile g, or tiles 2g and 2g + 1; in
 * contiguous runs of groups, fc_runs.h) on the worker team of fc_team.h
 * (FF(team_run): no step waits for a thread that has not started), or,
 * with fewer groups than threads, all threads of an OpenMP team on each
 * group in turn (lines, column blocks and product rows dealt out, barriers
 * between phases).  A one-shot call's kernel spectrum is computed in the
 * run, first, by all its threads, its lines and column blocks dealt out as
 * a group's (FF(spectrum), FF(team), FF(team_run)).
 *
 * Determinism: the tile geometry P and the pairing of tiles never depend on
 * the thread count, lanes of a vector are independent, and every tile goes
 * through the same sequence of operations, so the result does not depend
 * on nthreads (it may differ in the last bits between instruction sets:
 * FMA contraction).
 */
#define FF_CAT3_(a, b, c) a##_##b##_##c
#define FF_CAT3(a, b, c) FF_CAT3_(a, b, c)
#define FF(base) FF_CAT3(base, FF_TN, FF_ISA)
#define FV FF(ffvec)
#define FW ((ptrdiff_t)(FF_VBYTES / sizeof(FF_T)))

typedef FF_T FV __attribute__((vector_size(FF_VBYTES), aligned(FF_VBYTES)));

#ifndef FF_COMMON_DEFINED
#define FF_COMMON_DEFINED
#define FF_MAXPASS 64
static inline ptrdiff_t ff_min(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }
static inline ptrdiff_t ff_max(ptrdiff_t a, ptrdiff_t b) { return a > b ? a : b; }
static inline ptrdiff_t ff_roundup(ptrdiff_t a, ptrdiff_t m) { return (a + m - 1) / m * m; }
/* 64-byte aligned, whole 64-byte lines, zeroed (the twiddles; the work
 * blocks come from fc_fft_block_alloc) */
static void *ff_alloc(size_t bytes)
{
    bytes = (bytes + 63) / 64 * 64;
    if (bytes == 0)
        bytes = 64;
    void *p = fc_aligned_alloc(bytes, 64);
    if (p)
        memset(p, 0, bytes);
    return p;
}
/* multi-index of flat index f over extents n[0..d) (C order) */
static inline void ff_unflatten(ptrdiff_t f, int d, const ptrdiff_t *n, ptrdiff_t *idx)
{
    for (int a = d - 1; a >= 0; a--) {
        idx[a] = f % n[a];
        f /= n[a];
    }
}
#endif

/* ------------------------------------------------------------------ plan -- */

typedef struct {
    ptrdiff_t n;                 /* transform length (5-smooth) */
    int npass;
    int radix[FF_MAXPASS];
    ptrdiff_t off[FF_MAXPASS];   /* pass i: twr at tw + off[i], twi after it */
    ptrdiff_t nvmax;             /* vectors per column block */
    FF_T *tw;
} FF(plan);

static int FF(plan_init)(FF(plan) *pl, ptrdiff_t n)
{
    memset(pl, 0, sizeof *pl);
    pl->n = n;
    ptrdiff_t r = n;
    int np = 0;
    /* the largest radices first: the first pass reads the lines from the
       tile (strided, from L2), where the radix-5 butterflies' arithmetic
       hides that wait better than a radix-2 pass (2048^2 float64 with a
       63^2 kernel, tiles of 250 = 5^3 2: 5-8% less CPU time than 2 5 5 5) */
    while (r % 5 == 0 && np < FF_MAXPASS) { pl->radix[np++] = 5; r /= 5; }
    while (r % 3 == 0 && np < FF_MAXPASS) { pl->radix[np++] = 3; r /= 3; }
    while (r % 4 == 0 && np < FF_MAXPASS) { pl->radix[np++] = 4; r /= 4; }
    while (r % 2 == 0 && np < FF_MAXPASS) { pl->radix[np++] = 2; r /= 2; }
    if (r != 1)
        return -1;
    /* ... 5, 2 ends in one radix-10 pass (fc_fft.c's cost model still
       counts the two passes' arithmetic) */
    if (np >= 2 && pl->radix[np - 2] == 5 && pl->radix[np - 1] == 2)
        pl->radix[--np - 1] = 10;
    pl->npass = np;
    ptrdiff_t cur = n, total = 0;
    for (int i = 0; i < np; i++) {
        ptrdiff_t p = pl->radix[i], m = cur / p;
        pl->off[i] = total;
        total += 2 * m * (p - 1);
        cur = m;
    }
    pl->tw = (FF_T *)ff_alloc((size_t)total * sizeof(FF_T));
    if (!pl->tw)
        return -1;
    cur = n;
    for (int i = 0; i < np; i++) {
        ptrdiff_t p = pl->radix[i], m = cur / p;
        FF_T *twr = pl->tw + pl->off[i], *twi = twr + m * (p - 1);
        for (ptrdiff_t q = 0; q < m; q++)
            for (ptrdiff_t k = 1; k < p; k++) {
                ptrdiff_t j = (q * k) % cur;
                double a = -2.0 * 3.14159265358979323846 * (double)j / (double)cur;
                twr[q * (p - 1) + k - 1] = (FF_T)cos(a);
                twi[q * (p - 1) + k - 1] = (FF_T)sin(a);
            }
        cur = m;
    }
    ptrdiff_t nv = 32768 / (n * (ptrdiff_t)FF_VBYTES);
    pl->nvmax = nv < 1 ? 1 : (nv > 8 ? 8 : nv);
    return 0;
}

static void FF(plan_free)(FF(plan) *pl)
{
    fc_aligned_free(pl->tw);
    pl->tw = NULL;
}

/* ------------------------------------------------------- radix passes -- */
/* Stockham pass of radix R on sub-length n with stride s (m = n / R):
 *   y[q + s(R p + k)] = w_n^{pk} sum_j x[q + s(p + j m)] w_R^{jk}
 * for p < m, q < s; a "row" is nv vectors, row r of x at x + r * xs. */

#define FF_LOOP_BEGIN(R)                                                             \
    const ptrdiff_t xj = s * m * xs, yk = s * ys;                                    \
    for (ptrdiff_t p = p0; p < p1; p++) {                                            \
        const FF_T *wr = twr + p * (R - 1), *wi = twi + p * (R - 1);                 \
        (void)wr; (void)wi;                                                          \
        for (ptrdiff_t q = 0; q < s; q++) {                                          \
            const FV *restrict ar = xr + (q + s * p) * xs, *restrict ai = xi + (q + s * p) * xs; \
            FV *restrict br = yr + (q + s * R * p) * ys, *restrict bi = yi + (q + s * R * p) * ys; \
            for (ptrdiff_t v = 0; v < nv; v++) {

#define FF_LOOP_END }}}

#define FF_STORE(k, zr, zi, TW)                                                      \
    do {                                                                             \
        if (TW) {                                                                    \
            const FF_T w_r = wr[k - 1], w_i = wi[k - 1];                             \
            br[k * yk + v] = zr * w_r - zi * w_i;                                    \
            bi[k * yk + v] = zr * w_i + zi * w_r;                                    \
        } else {                                                                     \
            br[k * yk + v] = zr;                                                     \
            bi[k * yk + v] = zi;                                                     \
        }                                                                            \
    } while (0)

#define FF_PASS_ARGS                                                                 \
    const FV *restrict xr, const FV *restrict xi, ptrdiff_t xs, FV *restrict yr,     \
        FV *restrict yi, ptrdiff_t ys, ptrdiff_t m, ptrdiff_t s, ptrdiff_t p0,         \
        ptrdiff_t p1, const FF_T *twr, const FF_T *twi, ptrdiff_t nv

#define FF_DEFINE_PASS(R, BODY)                                                      \
    static void FF(pass##R##_tw)(FF_PASS_ARGS) { FF_LOOP_BEGIN(R) BODY(1) FF_LOOP_END } \
    static void FF(pass##R##_nt)(FF_PASS_ARGS) { FF_LOOP_BEGIN(R) BODY(0) FF_LOOP_END }

#define FF_BODY2(TW)                                                                 \
    {                                                                                \
        FV a0r = ar[v], a0i = ai[v], a1r = ar[xj + v], a1i = ai[xj + v];             \
        br[v] = a0r + a1r;                                                           \
        bi[v] = a0i + a1i;                                                           \
        FV dr = a0r - a1r, di = a0i - a1i;                                           \
        FF_STORE(1, dr, di, TW);                                                     \
    }

#define FF_BODY4(TW)                                                                 \
    {                                                                                \
        FV a0r = ar[v], a0i = ai[v], a1r = ar[xj + v], a1i = ai[xj + v];             \
        FV a2r = ar[2 * xj + v], a2i = ai[2 * xj + v];                               \
        FV a3r = ar[3 * xj + v], a3i = ai[3 * xj + v];                               \
        FV s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;   \
        FV s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;   \
        br[v] = s02r + s13r;                                                         \
        bi[v] = s02i + s13i;                                                         \
        FV y1r = d02r + d13i, y1i = d02i - d13r;                                     \
        FV y2r = s02r - s13r, y2i = s02i - s13i;                                     \
        FV y3r = d02r - d13i, y3i = d02i + d13r;                                     \
        FF_STORE(1, y1r, y1i, TW);                                                   \
        FF_STORE(2, y2r, y2i, TW);                                                   \
        FF_STORE(3, y3r, y3i, TW);                                                   \
    }

#define FF_BODY3(TW)                                                                 \
    {                                                                                \
        const FF_T h = (FF_T)0.5, s3 = (FF_T)0.86602540378443864676;                 \
        FV a0r = ar[v], a0i = ai[v], a1r = ar[xj + v], a1i = ai[xj + v];             \
        FV a2r = ar[2 * xj + v], a2i = ai[2 * xj + v];                               \
        FV sr = a1r + a2r, si = a1i + a2i, dr = a1r - a2r, di = a1i - a2i;           \
        br[v] = a0r + sr;                                                            \
        bi[v] = a0i + si;                                                            \
        FV tr = a0r - sr * h, ti = a0i - si * h;                                     \
        FV y1r = tr + di * s3, y1i = ti - dr * s3;                                   \
        FV y2r = tr - di * s3, y2i = ti + dr * s3;                                   \
        FF_STORE(1, y1r, y1i, TW);                                                   \
        FF_STORE(2, y2r, y2i, TW);                                                   \
    }

#define FF_BODY5(TW)                                                                 \
    {                                                                                \
        const FF_T c1 = (FF_T)0.30901699437494742410, c2 = (FF_T)-0.80901699437494742410; \
        const FF_T s1 = (FF_T)0.95105651629515357212, s2 = (FF_T)0.58778525229247312917; \
        FV a0r = ar[v], a0i = ai[v], a1r = ar[xj + v], a1i = ai[xj + v];             \
        FV a2r = ar[2 * xj + v], a2i = ai[2 * xj + v];                               \
        FV a3r = ar[3 * xj + v], a3i = ai[3 * xj + v];                               \
        FV a4r = ar[4 * xj + v], a4i = ai[4 * xj + v];                               \
        FV b1r = a1r + a4r, b1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;       \
        FV b2r = a2r + a3r, b2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;       \
        br[v] = a0r + b1r + b2r;                                                     \
        bi[v] = a0i + b1i + b2i;                                                     \
        FV tar = a0r + b1r * c1 + b2r * c2, tai = a0i + b1i * c1 + b2i * c2;         \
        FV tbr = a0r + b1r * c2 + b2r * c1, tbi = a0i + b1i * c2 + b2i * c1;         \
        FV uar = d1r * s1 + d2r * s2, uai = d1i * s1 + d2i * s2;                     \
        FV ubr = d1r * s2 - d2r * s1, ubi = d1i * s2 - d2i * s1;                     \
        FV y1r = tar + uai, y1i = tai - uar, y4r = tar - uai, y4i = tai + uar;       \
        FV y2r = tbr + ubi, y2i = tbi - ubr, y3r = tbr - ubi, y3i = tbi + ubr;       \
        FF_STORE(1, y1r, y1i, TW);                                                   \
        FF_STORE(2, y2r, y2i, TW);                                                   \
        FF_STORE(3, y3r, y3i, TW);                                                   \
        FF_STORE(4, y4r, y4i, TW);                                                   \
    }

FF_DEFINE_PASS(2, FF_BODY2)
FF_DEFINE_PASS(3, FF_BODY3)
FF_DEFINE_PASS(4, FF_BODY4)
FF_DEFINE_PASS(5, FF_BODY5)

/* A 5-point DFT in place (the arithmetic of FF_BODY5). */
static inline void FF(dft5)(FV *r, FV *i)
{
    const FF_T c1 = (FF_T)0.30901699437494742410, c2 = (FF_T)-0.80901699437494742410;
    const FF_T s1 = (FF_T)0.95105651629515357212, s2 = (FF_T)0.58778525229247312917;
    const FV b1r = r[1] + r[4], b1i = i[1] + i[4], d1r = r[1] - r[4], d1i = i[1] - i[4];
    const FV b2r = r[2] + r[3], b2i = i[2] + i[3], d2r = r[2] - r[3], d2i = i[2] - i[3];
    const FV a0r = r[0], a0i = i[0];
    const FV tar = a0r + b1r * c1 + b2r * c2, tai = a0i + b1i * c1 + b2i * c2;
    const FV tbr = a0r + b1r * c2 + b2r * c1, tbi = a0i + b1i * c2 + b2i * c1;
    const FV uar = d1r * s1 + d2r * s2, uai = d1i * s1 + d2i * s2;
    const FV ubr = d1r * s2 - d2r * s1, ubi = d1i * s2 - d2i * s1;
    r[0] = a0r + b1r + b2r;
    i[0] = a0i + b1i + b2i;
    r[1] = tar + uai, i[1] = tai - uar, r[4] = tar - uai, i[4] = tai + uar;
    r[2] = tbr + ubi, i[2] = tbi - ubr, r[3] = tbr - ubi, i[3] = tbi + ubr;
}

/* The last pass of a length 10 s transform (m = 1) when it ends in 5 x 2:
 * a radix-10 pass (two 5-point DFTs of the even and odd inputs, combined
 * with w_10^k) saves the memory traffic of a separate radix-2 pass. */
static void FF(pass10_nt)(FF_PASS_ARGS)
{
    static const double w10r[5] = {1.0, 0.80901699437494742410, 0.30901699437494742410,
                                   -0.30901699437494742410, -0.80901699437494742410};
    static const double w10i[5] = {0.0, -0.58778525229247312917, -0.95105651629515357212,
                                   -0.95105651629515357212, -0.58778525229247312917};
    FF_LOOP_BEGIN(10)
        FV er[5], ei[5], orr[5], oi[5];
        for (int j = 0; j < 5; j++) {
            er[j] = ar[2 * j * xj + v];
            ei[j] = ai[2 * j * xj + v];
            orr[j] = ar[(2 * j + 1) * xj + v];
            oi[j] = ai[(2 * j + 1) * xj + v];
        }
        FF(dft5)(er, ei);
        FF(dft5)(orr, oi);
        br[v] = er[0] + orr[0];
        bi[v] = ei[0] + oi[0];
        br[5 * yk + v] = er[0] - orr[0];
        bi[5 * yk + v] = ei[0] - oi[0];
        for (int k = 1; k < 5; k++) {
            const FF_T w_r = (FF_T)w10r[k], w_i = (FF_T)w10i[k];
            const FV tr = orr[k] * w_r - oi[k] * w_i, ti = orr[k] * w_i + oi[k] * w_r;
            br[k * yk + v] = er[k] + tr;
            bi[k * yk + v] = ei[k] + ti;
            br[(k + 5) * yk + v] = er[k] - tr;
            bi[(k + 5) * yk + v] = ei[k] - ti;
        }
    FF_LOOP_END
}

/* In-place forward DFT of length pl->n down the columns [0, ncols) of the
 * matrix (re, im) with row stride ld (ld, ncols multiples of FW; 64-byte
 * aligned).  scr: 4 * n * nvmax * FW scalars. */
static void FF(fft_cols)(const FF(plan) *pl, FF_T *re, FF_T *im, ptrdiff_t ld,
                         ptrdiff_t ncols, FF_T *scr)
{
    const ptrdiff_t n = pl->n;
    if (n <= 1)
        return;
    const ptrdiff_t ldv = ld / FW;
    for (ptrdiff_t c0 = 0; c0 < ncols; c0 += pl->nvmax * FW) {
        const ptrdiff_t nv = ff_min(pl->nvmax, (ncols - c0) / FW);
        FV *tr = (FV *)(re + c0), *ti = (FV *)(im + c0);
        /* ping-pong between two scratch blocks; the last pass writes the tile */
        FV *s0 = (FV *)scr, *s1 = s0 + 2 * n * nv;
        const FV *xr = tr, *xi = ti;
        ptrdiff_t xs = ldv, cur = n, s = 1;
        for (int i = 0; i < pl->npass; i++) {
            /* (a single pass goes through s0: a pass cannot run in place) */
            const int last = i == pl->npass - 1 && i > 0;
            FV *yr = last ? tr : (i % 2 ? s1 : s0), *yi = last ? ti : yr + n * nv;
            const ptrdiff_t ys = last ? ldv : nv;
            const int R = pl->radix[i];
            const ptrdiff_t m = cur / R;
            const FF_T *twr = pl->tw + pl->off[i], *twi = twr + m * (R - 1);
#define FF_RUN(RR)                                                                   \
    case RR:                                                                         \
        FF(pass##RR##_nt)(xr, xi, xs, yr, yi, ys, m, s, 0, 1, twr, twi, nv);          \
        if (m > 1)                                                                   \
            FF(pass##RR##_tw)(xr, xi, xs, yr, yi, ys, m, s, 1, m, twr, twi, nv);      \
        break;
            switch (R) {
            case 10: /* only as the last pass (m == 1) */
                FF(pass10_nt)(xr, xi, xs, yr, yi, ys, m, s, 0, 1, twr, twi, nv);
                break;
            FF_RUN(2)
            FF_RUN(3)
            FF_RUN(4)
            default:
            FF_RUN(5)
            }
#undef FF_RUN
            xr = yr;
            xi = yi;
            xs = ys;
            s *= R;
            cur = m;
        }
        if (pl->npass == 1)
            for (ptrdiff_t r = 0; r < n; r++)
                for (ptrdiff_t v = 0; v < nv; v++) {
                    tr[r * ldv + v] = s0[r * nv + v];
                    ti[r * ldv + v] = s0[(n + r) * nv + v];
                }
    }
}

/* ------------------------------------------------------ data movement -- */

/* Lanes <-> lines.  A block of FF_LANES lines x FF_LANES elements is moved
 * between "one line per vector" (rows of x, of out, of the N form) and "one
 * line per lane" (columns of the T form) by loading FF_LANES vectors and
 * transposing them in registers (log2(lanes) stages of two-vector shuffles,
 * each swapping the off-diagonal h x h blocks).  GCC's __builtin_shuffle; a
 * scalar loop elsewhere. */
#define FF_LANES (FF_VBYTES / FF_TSIZE)
#define FVU FF(ffvecu)
#define FMI FF(ffmask)
typedef FF_T FVU __attribute__((vector_size(FF_VBYTES), aligned(FF_TSIZE)));
#if FF_TSIZE == 4
typedef int FMI __attribute__((vector_size(FF_VBYTES)));
#else
typedef long long FMI __attribute__((vector_size(FF_VBYTES)));
#endif
#if FF_LANES == 2
#define FF_SEQ(f, h) f(0, h), f(1, h)
#elif FF_LANES == 4
#define FF_SEQ(f, h) f(0, h), f(1, h), f(2, h), f(3, h)
#elif FF_LANES == 8
#define FF_SEQ(f, h) f(0, h), f(1, h), f(2, h), f(3, h), f(4, h), f(5, h), f(6, h), f(7, h)
#else
#define FF_SEQ(f, h) f(0, h), f(1, h), f(2, h), f(3, h), f(4, h), f(5, h), f(6, h), f(7, h), \
        f(8, h), f(9, h), f(10, h), f(11, h), f(12, h), f(13, h), f(14, h), f(15, h)
#endif
#define FF_MLO(j, h) (((j) & (h)) ? FF_LANES + (j) - (h) : (j))
#define FF_MHI(j, h) (((j) & (h)) ? FF_LANES + (j) : (j) + (h))
#define FF_MEVEN(j, h) (2 * (j) + (h))
#define FF_MZIP(j, h) (((j) & 1) ? FF_LANES + ((j) >> 1) + (h) : ((j) >> 1) + (h))

#if defined(__GNUC__) && !defined(__clang__)
#define FF_VTRANSPOSE 1
#define FF_STAGE(h)                                                                  \
    if ((h) < FF_LANES)                                                              \
        for (int i = 0; i < FF_LANES; i++)                                           \
            if (!(i & (h))) {                                                        \
                const FV a = r[i], b = r[i + ((h) % FF_LANES)];                      \
                r[i] = __builtin_shuffle(a, b, (FMI){FF_SEQ(FF_MLO, h)});            \
                r[i + ((h) % FF_LANES)] = __builtin_shuffle(a, b, (FMI){FF_SEQ(FF_MHI, h)}); \
            }
static inline void FF(vtranspose)(FV *r)
{
    FF_STAGE(8)
    FF_STAGE(4)
    FF_STAGE(2)
    FF_STAGE(1)
}
#else
#define FF_VTRANSPOSE 0
#endif

/* dst[t * ld + l] (, di) = line l element t (p[l][t * es], es = 2: re, im
 * interleaved) for l < FF_LANES, t < n. */
static void FF(load_lines)(const FF_T *const *p, int es, ptrdiff_t n, FF_T *dr, FF_T *di,
                           ptrdiff_t ld)
{
    ptrdiff_t t = 0;
#if FF_VTRANSPOSE
    FV r[FF_LANES], q[FF_LANES];
    for (; t + FF_LANES <= n; t += FF_LANES) {
        if (es == 1) {
            for (int l = 0; l < FF_LANES; l++)
                r[l] = *(const FVU *)(p[l] + t);
        } else {
            for (int l = 0; l < FF_LANES; l++) {
                const FV a = *(const FVU *)(p[l] + 2 * t), b = *(const FVU *)(p[l] + 2 * t + FF_LANES);
                r[l] = __builtin_shuffle(a, b, (FMI){FF_SEQ(FF_MEVEN, 0)});
                q[l] = __builtin_shuffle(a, b, (FMI){FF_SEQ(FF_MEVEN, 1)});
            }
            FF(vtranspose)(q);
            for (int l = 0; l < FF_LANES; l++)
                *(FVU *)(di + (t + l) * ld) = q[l];
        }
        FF(vtranspose)(r);
        for (int l = 0; l < FF_LANES; l++)
            *(FVU *)(dr + (t + l) * ld) = r[l];
    }
#endif
    for (; t < n; t++)
        for (int l = 0; l < FF_LANES; l++) {
            dr[t * ld + l] = p[l][t * es];
            if (es == 2)
                di[t * ld + l] = p[l][t * es + 1];
        }
}

/* line l element t (p[l][t * es]) = sr[t * ld + l] (, si), l < FF_LANES, t < n. */
static void FF(store_lines)(FF_T *const *p, int es, ptrdiff_t n, const FF_T *sr,
                            const FF_T *si, ptrdiff_t ld)
{
    ptrdiff_t t = 0;
#if FF_VTRANSPOSE
    FV r[FF_LANES], q[FF_LANES];
    for (; t + FF_LANES <= n; t += FF_LANES) {
        for (int l = 0; l < FF_LANES; l++)
            r[l] = *(const FVU *)(sr + (t + l) * ld);
        FF(vtranspose)(r);
        if (es == 1) {
            for (int l = 0; l < FF_LANES; l++)
                *(FVU *)(p[l] + t) = r[l];
        } else {
            for (int l = 0; l < FF_LANES; l++)
                q[l] = *(const FVU *)(si + (t + l) * ld);
            FF(vtranspose)(q);
            for (int l = 0; l < FF_LANES; l++) {
                *(FVU *)(p[l] + 2 * t) = __builtin_shuffle(r[l], q[l], (FMI){FF_SEQ(FF_MZIP, 0)});
                *(FVU *)(p[l] + 2 * t + FF_LANES) =
                    __builtin_shuffle(r[l], q[l], (FMI){FF_SEQ(FF_MZIP, FF_LANES / 2)});
            }
        }
    }
#endif
    for (; t < n; t++)
        for (int l = 0; l < FF_LANES; l++) {
            p[l][t * es] = sr[t * ld + l];
            if (es == 2)
                p[l][t * es + 1] = si[t * ld + l];
        }
}

/* (re, im)[i] *= (hr, hi)[i] for cnt scalars (a multiple of FW). */
static void FF(mul)(FF_T *re, FF_T *im, const FF_T *hr, const FF_T *hi, ptrdiff_t cnt)
{
    FV *r = (FV *)re, *i = (FV *)im;
    const FV *a = (const FV *)hr, *b = (const FV *)hi;
    for (ptrdiff_t v = 0; v < cnt / FW; v++) {
        const FV xr = r[v], xi = i[v], yr = a[v], yi = b[v];
        r[v] = xr * yr - xi * yi;
        i[v] = xr * yi + xi * yr;
    }
}

/* ------------------------------------------------------------ context -- */

typedef struct {
    int d, cplx, es;                 /* es: scalars per element (1 or 2) */
    const FF_T *x, *k;
    FF_T *out;
    ptrdiff_t xs[FC_FFT_MAXDIM], ks[FC_FFT_MAXDIM], st[FC_FFT_MAXDIM], L[FC_FFT_MAXDIM];
    ptrdiff_t P[FC_FFT_MAXDIM], B[FC_FFT_MAXDIM], nt[FC_FFT_MAXDIM];
    ptrdiff_t ntiles, ngroups, M, ldN, C;   /* C: tiles (columns) per plane, 1-D only */
    ptrdiff_t sizeBlk, sizeN, sizeS, sizeZ;
    FF(plan) plan[FC_FFT_MAXDIM];
    FF_T *Hr, *Hi;                   /* d >= 2: N form values in blocks (product_axis0);
                                        d == 1: P[0] values; one work block at Hr */
    size_t Hbytes;                   /* that block's size */
    void *cache;                     /* a plan's buffers kept between runs (FF(sets)) */
} FF(ctx);

typedef struct {
    FF_T *Sr, *Si;     /* the S block: P[d-1] rows x FW lanes (1-D: x C tiles) */
    FF_T *Nr, *Ni;     /* the N form (d >= 2) */
    FF_T *scr;         /* Stockham scratch */
    FF_T *zero, *trash; /* a line of zeros to read, one to write lanes nobody wants */
    FF_T *chk;         /* one vector: the sum of 0 * every value written out (NaN
                          once a non-finite value was written; FF(check)) */
} FF(bufs);

/* ----------------------------------------------------- tiles of N-D -- */
/* d >= 2.  A tile's lines (all axes but the last; M of them, line m = flat
 * index over P[0..d-2]) are processed FW at a time in the S block (P[d-1]
 * rows x FW lanes, both planes, in L1/L2): filled from x by an in-register
 * transpose, transformed along the last axis, and stored transposed as rows
 * of the N form (the tile in C order); the other axes are transformed down
 * the columns of the N form.  The inverse goes back the same way and writes
 * the outputs straight from the S block. */

/* rows [r0, r1) of one vector-wide column block of the plane(s) = 0 */
static void FF(zero_rows)(FF_T *dr, FF_T *di, ptrdiff_t ld, ptrdiff_t r0, ptrdiff_t r1)
{
    const FV z = {0};
    for (ptrdiff_t r = r0; r < r1; r++) {
        *(FV *)(dr + r * ld) = z;
        if (di)
            *(FV *)(di + r * ld) = z;
    }
}

/* Lines m0 .. m0 + FW of tile t of x: p[l] points at element lo of line
 * m0 + l (or at zeros: lines outside x or past M, t >= ntiles); [lo, hi)
 * is the part of the last axis inside x. */
static void FF(tile_lines)(const FF(ctx) *c, ptrdiff_t t, ptrdiff_t m0, const FF_T *zero,
                           const FF_T **p, ptrdiff_t *plo, ptrdiff_t *phi)
{
    const int d = c->d, es = c->es;
    const ptrdiff_t Pl = c->P[d - 1];
    ptrdiff_t ti[FC_FFT_MAXDIM], o[FC_FFT_MAXDIM], u[FC_FFT_MAXDIM];
    ptrdiff_t lo = 0, hi = 0;
    for (ptrdiff_t l = 0; l < FW; l++)
        p[l] = zero;
    *plo = *phi = 0;
    if (t >= c->ntiles)
        return;
    ff_unflatten(t, d, c->nt, ti);
    for (int a = 0; a < d; a++)
        o[a] = ti[a] * c->B[a] + c->st[a];
    lo = ff_min(ff_max(0, -o[d - 1]), Pl);
    hi = ff_max(ff_min(Pl, c->xs[d - 1] - o[d - 1]), lo);
    *plo = lo;
    *phi = hi;
    if (hi == lo)
        return;
    for (ptrdiff_t l = 0; l < FW && m0 + l < c->M; l++) {
        ff_unflatten(m0 + l, d - 1, c->P, u);
        ptrdiff_t row = 0;
        int ok = 1;
        for (int a = 0; a < d - 1 && ok; a++) {
            const ptrdiff_t r = o[a] + u[a];
            ok = r >= 0 && r < c->xs[a];
            row = row * c->xs[a] + r;
        }
        if (ok)
            p[l] = c->x + (row * c->xs[d - 1] + o[d - 1] + lo) * es;
    }
}

/* S plane(s) (FW lanes) = the lines p over [lo, hi), zeros elsewhere. */
static void FF(fill)(const FF(ctx) *c, FF_T *sr, FF_T *si, const FF_T *const *p, int es,
                     ptrdiff_t lo, ptrdiff_t hi)
{
    const ptrdiff_t Pl = c->P[c->d - 1];
    FF(zero_rows)(sr, es == 2 ? si : NULL, FW, 0, lo);
    FF(load_lines)(p, es, hi - lo, sr + lo * FW, es == 2 ? si + lo * FW : NULL, FW);
    FF(zero_rows)(sr, es == 2 ? si : NULL, FW, hi, Pl);
}

/* Transform the S block along the last axis; store it as N rows m0.. */
static void FF(block_to_N)(const FF(ctx) *c, const FF(bufs) *b, ptrdiff_t m0)
{
    const ptrdiff_t Pl = c->P[c->d - 1];
    FF_T *q[64], *qi[64];
    FF(fft_cols)(&c->plan[c->d - 1], b->Sr, b->Si, FW, FW, b->scr);
    for (ptrdiff_t l = 0; l < FW; l++) {
        const int in = m0 + l < c->M;
        q[l] = in ? b->Nr + (m0 + l) * c->ldN : b->trash;
        qi[l] = in ? b->Ni + (m0 + l) * c->ldN : b->trash;
    }
    FF(store_lines)(q, 1, Pl, b->Sr, NULL, FW);
    FF(store_lines)(qi, 1, Pl, b->Si, NULL, FW);
}

/* DFTs along axis a < d-1 of the N form (planes re, im: swapped for the
 * inverse) for the outer indices (axes < a) below lim.  Work items (outer
 * index x column block) go to thread tid of nthr, i % nthr == tid. */
static void FF(axis_pass)(const FF(ctx) *c, const FF(bufs) *b, int a, FF_T *re, FF_T *im,
                          const ptrdiff_t *lim, int tid, int nthr)
{
    ptrdiff_t outer = 1, inner = c->ldN, u[FC_FFT_MAXDIM];
    for (int e = 0; e < a; e++)
        outer *= lim[e];
    for (int e = a + 1; e < c->d - 1; e++)
        inner *= c->P[e];
    const ptrdiff_t chunk = c->plan[a].nvmax * FW, nb = (inner + chunk - 1) / chunk;
    for (ptrdiff_t i = tid; i < outer * nb; i += nthr) {
        const ptrdiff_t o = i / nb, c0 = (i % nb) * chunk;
        ff_unflatten(o, a, lim, u);
        ptrdiff_t f = 0;
        for (int e = 0; e < a; e++)
            f = f * c->P[e] + u[e];
        const ptrdiff_t off = f * c->P[a] * inner + c0;
        FF(fft_cols)(&c->plan[a], re + off, im + off, inner, ff_min(chunk, inner - c0), b->scr);
    }
}

#ifdef _OPENMP
#define FF_BARRIER(nthr)                                                             \
    do {                                                                             \
        if ((nthr) > 1) {                                                            \
            _Pragma("omp barrier")                                                   \
        }                                                                            \
    } while (0)
#else
#define FF_BARRIER(nthr) ((void)0)
#endif

/* Forward DFT of group g (tile g, or tiles 2g and 2g + 1 for real data),
 * shared by the nthr threads of a team (nthr == 1: one thread alone). */
static void FF(forward_group)(const FF(ctx) *c, ptrdiff_t g, const FF(bufs) *b, int tid,
                              int nthr)
{
    const FF_T *pa[64], *pb[64];
    ptrdiff_t lo, hi;
    for (ptrdiff_t m0 = tid * FW; m0 < c->M; m0 += nthr * FW) {
        if (c->cplx) {
            FF(tile_lines)(c, g, m0, b->zero, pa, &lo, &hi);
            FF(fill)(c, b->Sr, b->Si, pa, 2, lo, hi);
        } else {
            FF(tile_lines)(c, 2 * g, m0, b->zero, pa, &lo, &hi);
            FF(fill)(c, b->Sr, NULL, pa, 1, lo, hi);
            FF(tile_lines)(c, 2 * g + 1, m0, b->zero, pb, &lo, &hi);
            FF(fill)(c, b->Si, NULL, pb, 1, lo, hi);
        }
        FF(block_to_N)(c, b, m0);
    }
    /* axis 0 is done by product_axis0 */
    for (int a = c->d - 2; a >= 1; a--) {
        FF_BARRIER(nthr);
        FF(axis_pass)(c, b, a, b->Nr, b->Ni, c->P, tid, nthr);
    }
}

/* The column blocks of the N form that product_axis0 works on: row stride
 * inner, columns [0, width) in blocks of chunk (2-D: the columns past P[1],
 * row padding never read back, are skipped). */
static void FF(col_blocks)(const FF(ctx) *c, ptrdiff_t *inner, ptrdiff_t *width,
                           ptrdiff_t *chunk)
{
    *inner = c->ldN;
    for (int e = 1; e < c->d - 1; e++)
        *inner *= c->P[e];
    *width = c->d == 2 ? ff_roundup(c->P[1], FW) : *inner;
    *chunk = c->plan[0].nvmax * FW;
}

/* Per column block of the N form, while it is in cache: the forward DFT
 * along axis 0, the product with H and the inverse DFT along axis 0.  H is
 * stored block by block (block c0: P[0] rows of w values at Hr + c0 P[0]),
 * so that it streams from memory in order. */
static void FF(product_axis0)(const FF(ctx) *c, const FF(bufs) *b, int tid, int nthr)
{
    ptrdiff_t inner, width, chunk;
    FF(col_blocks)(c, &inner, &width, &chunk);
    const ptrdiff_t nb = (width + chunk - 1) / chunk;
    for (ptrdiff_t i = tid; i < nb; i += nthr) {
        const ptrdiff_t c0 = i * chunk, w = ff_min(chunk, width - c0);
        const FF_T *hr = c->Hr + c0 * c->P[0], *hi = c->Hi + c0 * c->P[0];
        FF(fft_cols)(&c->plan[0], b->Nr + c0, b->Ni + c0, inner, w, b->scr);
        for (ptrdiff_t r = 0; r < c->P[0]; r++) {
            const ptrdiff_t off = r * inner + c0;
            FF(mul)(b->Nr + off, b->Ni + off, hr + r * w, hi + r * w, w);
        }
        FF(fft_cols)(&c->plan[0], b->Ni + c0, b->Nr + c0, inner, w, b->scr);
    }
}

/* Output geometry of tile t: first output y0 and count cnt per axis;
 * 0 when t does not exist. */
static int FF(tile_out)(const FF(ctx) *c, ptrdiff_t t, ptrdiff_t *y0, ptrdiff_t *cnt)
{
    ptrdiff_t ti[FC_FFT_MAXDIM];
    if (t >= c->ntiles)
        return 0;
    ff_unflatten(t, c->d, c->nt, ti);
    for (int a = 0; a < c->d; a++) {
        y0[a] = ti[a] * c->B[a];
        cnt[a] = ff_min(c->B[a], c->L[a] - y0[a]);
    }
    return 1;
}

/* Fold rows [0, rows) of an S plane (ld scalars per row, a multiple of FW)
 * into b->chk: each value times 0 is 0, or NaN when the value is NaN or
 * infinite.  Lanes nobody wants are folded too, which can only give a false
 * "maybe not finite" (their values come from the same finite input). */
static void FF(check)(const FF(bufs) *b, const FF_T *s, ptrdiff_t rows, ptrdiff_t ld)
{
    const FV z = {0};
    FV a0 = *(FV *)b->chk, a1 = z;
    const ptrdiff_t n = rows * (ld / FW);
    const FV *v = (const FV *)s;
    ptrdiff_t i = 0;
    for (; i + 2 <= n; i += 2) {
        a0 += v[i] * z;
        a1 += v[i + 1] * z;
    }
    if (i < n)
        a0 += v[i] * z;
    *(FV *)b->chk = a0 + a1;
}

/* Write the outputs of tile t held by lanes (lines u0 + l along axis d-2,
 * outer indices uo) of the S plane(s). */
static void FF(write_lanes)(const FF(ctx) *c, const FF(bufs) *b, ptrdiff_t t,
                            const ptrdiff_t *uo, ptrdiff_t u0, const FF_T *sr, const FF_T *si)
{
    const int d = c->d, es = c->es;
    ptrdiff_t y0[FC_FFT_MAXDIM] = {0}, cnt[FC_FFT_MAXDIM] = {0};
    FF_T *q[64];
    if (!FF(tile_out)(c, t, y0, cnt))
        return;
    ptrdiff_t row = 0;
    int ok = 1;
    for (int a = 0; a < d - 2; a++) {
        ok &= uo[a] < cnt[a];
        row = row * c->L[a] + y0[a] + uo[a];
    }
    if (!ok)
        return;
    const ptrdiff_t ldo = c->L[d - 1] * es;
    FF_T *base = c->out + ((row * c->L[d - 2] + y0[d - 2]) * c->L[d - 1] + y0[d - 1]) * es;
    int any = 0;
    for (ptrdiff_t l = 0; l < FW; l++) {
        const int in = u0 + l < cnt[d - 2];
        q[l] = in ? base + (u0 + l) * ldo : b->trash;
        any |= in;
    }
    if (any) {
        FF(store_lines)(q, es, cnt[d - 1], sr, si, FW);
        FF(check)(b, sr, cnt[d - 1], FW);
        if (si)
            FF(check)(b, si, cnt[d - 1], FW);
    }
}

/* Inverse DFT (unnormalised; forward with re and im swapped) of the N form
 * of group g, writing its tiles' outputs (threads as forward_group). */
static void FF(inverse_group)(const FF(ctx) *c, ptrdiff_t g, const FF(bufs) *b, int tid,
                              int nthr)
{
    const int d = c->d;
    ptrdiff_t u[FC_FFT_MAXDIM];
    /* axes 1 .. d-2 (0: product_axis0), only the lines whose indices on
       earlier axes are < B */
    for (int a = 1; a < d - 1; a++) {
        FF_BARRIER(nthr);
        FF(axis_pass)(c, b, a, b->Ni, b->Nr, c->B, tid, nthr);
    }
    FF_BARRIER(nthr);
    /* last axis: lines with indices below B, FW at a time along axis d-2 */
    const ptrdiff_t Pl = c->P[d - 1], run = c->B[d - 2], nb = (run + FW - 1) / FW;
    ptrdiff_t runs = 1;
    for (int e = 0; e < d - 2; e++)
        runs *= c->B[e];
    const FF_T *pr[64], *pi[64];
    for (ptrdiff_t i = tid; i < runs * nb; i += nthr) {
        const ptrdiff_t o = i / nb, u0 = (i % nb) * FW;
        ff_unflatten(o, d - 2, c->B, u);
        ptrdiff_t f = 0;
        for (int e = 0; e < d - 2; e++)
            f = f * c->P[e] + u[e];
        const ptrdiff_t mb = f * c->P[d - 2];
        for (ptrdiff_t l = 0; l < FW; l++) {
            const int in = u0 + l < run;
            pr[l] = in ? b->Nr + (mb + u0 + l) * c->ldN : b->zero;
            pi[l] = in ? b->Ni + (mb + u0 + l) * c->ldN : b->zero;
        }
        FF(load_lines)(pr, 1, Pl, b->Sr, NULL, FW);
        FF(load_lines)(pi, 1, Pl, b->Si, NULL, FW);
        FF(fft_cols)(&c->plan[d - 1], b->Si, b->Sr, FW, FW, b->scr);
        if (c->cplx) {
            FF(write_lanes)(c, b, g, u, u0, b->Sr, b->Si);
        } else {
            FF(write_lanes)(c, b, 2 * g, u, u0, b->Sr, NULL);
            FF(write_lanes)(c, b, 2 * g + 1, u, u0, b->Si, NULL);
        }
    }
    FF_BARRIER(nthr); /* the N form is reused by the next group */
}

/* ------------------------------------------------------------- groups -- */

/* 1-D: column j of the T form of group g holds tile(s) of column g*C + j. */
static void FF(gather1)(const FF(ctx) *c, ptrdiff_t g, const FF(bufs) *b)
{
    const ptrdiff_t P = c->P[0], C = c->C, n = c->xs[0];
    /* fast path: every tile of the block lies inside x (C == FW lanes) */
    if (C == FW) {
        int inside = 1;
        const FF_T *pr[64], *pi[64];
        for (ptrdiff_t j = 0; j < C && inside; j++) {
            const ptrdiff_t col = g * C + j;
            for (int part = 0; part < (c->cplx ? 1 : 2); part++) {
                const ptrdiff_t t = c->cplx ? col : 2 * col + part;
                const ptrdiff_t o = t * c->B[0] + c->st[0];
                if (t >= c->ntiles || o < 0 || o + P > n) {
                    inside = 0;
                    break;
                }
                (part ? pi : pr)[j] = c->x + o * c->es;
            }
        }
        if (inside) {
            if (c->cplx) {
                FF(load_lines)(pr, 2, P, b->Sr, b->Si, C);
            } else {
                FF(load_lines)(pr, 1, P, b->Sr, NULL, C);
                FF(load_lines)(pi, 1, P, b->Si, NULL, C);
            }
            return;
        }
    }
    for (ptrdiff_t j = 0; j < C; j++) {
        const ptrdiff_t col = g * C + j;
        for (int part = 0; part < (c->cplx ? 1 : 2); part++) {
            const ptrdiff_t t = c->cplx ? col : 2 * col + part;
            FF_T *dr = (part ? b->Si : b->Sr) + j, *di = c->cplx ? b->Si + j : NULL;
            ptrdiff_t lo = 0, hi = 0, o = 0;
            if (t < c->ntiles) {
                o = t * c->B[0] + c->st[0];
                lo = ff_min(ff_max(0, -o), P); /* the tile may lie wholly outside x */
                hi = ff_max(ff_min(P, n - o), lo);
            }
            for (ptrdiff_t r = 0; r < lo; r++) {
                dr[r * C] = 0;
                if (di)
                    di[r * C] = 0;
            }
            if (c->cplx) {
                const FF_T *src = c->x + 2 * o;
                for (ptrdiff_t r = lo; r < hi; r++) {
                    dr[r * C] = src[2 * r];
                    di[r * C] = src[2 * r + 1];
                }
            } else {
                const FF_T *src = c->x + o;
                for (ptrdiff_t r = lo; r < hi; r++)
                    dr[r * C] = src[r];
            }
            for (ptrdiff_t r = hi; r < P; r++) {
                dr[r * C] = 0;
                if (di)
                    di[r * C] = 0;
            }
        }
    }
}

static void FF(scatter1)(const FF(ctx) *c, ptrdiff_t g, const FF(bufs) *b)
{
    const ptrdiff_t C = c->C;
    FF(check)(b, b->Sr, c->B[0], C);
    FF(check)(b, b->Si, c->B[0], C);
    if (C == FW) {
        int inside = 1;
        FF_T *pr[64], *pi[64];
        for (ptrdiff_t j = 0; j < C && inside; j++) {
            const ptrdiff_t col = g * C + j;
            for (int part = 0; part < (c->cplx ? 1 : 2); part++) {
                const ptrdiff_t t = c->cplx ? col : 2 * col + part;
                if (t >= c->ntiles || (t + 1) * c->B[0] > c->L[0]) {
                    inside = 0;
                    break;
                }
                (part ? pi : pr)[j] = c->out + t * c->B[0] * c->es;
            }
        }
        if (inside) {
            if (c->cplx) {
                FF(store_lines)(pr, 2, c->B[0], b->Sr, b->Si, C);
            } else {
                FF(store_lines)(pr, 1, c->B[0], b->Sr, NULL, C);
                FF(store_lines)(pi, 1, c->B[0], b->Si, NULL, C);
            }
            return;
        }
    }
    for (ptrdiff_t j = 0; j < C; j++) {
        const ptrdiff_t col = g * C + j;
        for (int part = 0; part < (c->cplx ? 1 : 2); part++) {
            const ptrdiff_t t = c->cplx ? col : 2 * col + part;
            if (t >= c->ntiles)
                continue;
            const ptrdiff_t y0 = t * c->B[0], cnt = ff_min(c->B[0], c->L[0] - y0);
            const FF_T *sr = (part ? b->Si : b->Sr) + j;
            if (c->cplx) {
                FF_T *dst = c->out + 2 * y0;
                for (ptrdiff_t r = 0; r < cnt; r++) {
                    dst[2 * r] = sr[r * C];
                    dst[2 * r + 1] = b->Si[r * C + j];
                }
            } else {
                FF_T *dst = c->out + y0;
                for (ptrdiff_t r = 0; r < cnt; r++)
                    dst[r] = sr[r * C];
            }
        }
    }
}

static void FF(run_group)(const FF(ctx) *c, ptrdiff_t g, const FF(bufs) *b, int tid, int nthr)
{
    if (c->d == 1) {
        const ptrdiff_t P = c->P[0], C = c->C;
        FF(gather1)(c, g, b);
        FF(fft_cols)(&c->plan[0], b->Sr, b->Si, C, C, b->scr);
        FV *r = (FV *)b->Sr, *i = (FV *)b->Si;
        const ptrdiff_t cv = C / FW;
        for (ptrdiff_t t = 0; t < P; t++) {
            const FF_T hr = c->Hr[t], hi = c->Hi[t];
            for (ptrdiff_t v = 0; v < cv; v++) {
                const FV xr = r[t * cv + v], xi = i[t * cv + v];
                r[t * cv + v] = xr * hr - xi * hi;
                i[t * cv + v] = xr * hi + xi * hr;
            }
        }
        FF(fft_cols)(&c->plan[0], b->Si, b->Sr, C, C, b->scr);
        FF(scatter1)(c, g, b);
        return;
    }
    FF(forward_group)(c, g, b, tid, nthr);
    FF_BARRIER(nthr);
    FF(product_axis0)(c, b, tid, nthr);
    FF(inverse_group)(c, g, b, tid, nthr);
}

/* The spectrum's first step (d >= 2), thread tid of nthr: g in the N
 * form, then the DFT along the last axis (see FF(spectrum)). */
static void FF(spectrum_lines)(const FF(ctx) *c, const FF(bufs) *b, int tid, int nthr)
{
    const int d = c->d, es = c->es;
    ptrdiff_t jj[FC_FFT_MAXDIM];
    /* g in the N form, then the forward DFT in place, FW lines at a time:
       the thread that takes lines m0 .. m0 + FW zeroes them and places
       their taps first (no other thread touches them before the barrier).
       Lines without taps (most of them: K of P per axis) stay zero, their
       DFT, untransformed (2048^2 float32, 201^2 kernel, 900x720 tiles:
       201 of 900 lines transformed) */
    const FF_T *pr[64], *pi[64];
    for (ptrdiff_t m0 = tid * FW; m0 < c->M; m0 += nthr * FW) {
        const ptrdiff_t m1 = ff_min(m0 + FW, c->M);
        int taps = 0;
        memset(b->Nr + m0 * c->ldN, 0, (size_t)((m1 - m0) * c->ldN) * sizeof(FF_T));
        memset(b->Ni + m0 * c->ldN, 0, (size_t)((m1 - m0) * c->ldN) * sizeof(FF_T));
        for (ptrdiff_t m = m0; m < m1; m++) {
            /* line m holds kernel line jj (axes < d-1): jj = (-u) mod P */
            ptrdiff_t u[FC_FFT_MAXDIM], jrow = 0;
            int in = 1;
            ff_unflatten(m, d - 1, c->P, u);
            for (int a = 0; a < d - 1; a++) {
                jj[a] = u[a] ? c->P[a] - u[a] : 0;
                in &= jj[a] < c->ks[a];
                jrow = jrow * c->ks[a] + jj[a];
            }
            taps |= in;
            for (ptrdiff_t jl = 0; in && jl < c->ks[d - 1]; jl++) {
                const ptrdiff_t j = jrow * c->ks[d - 1] + jl;
                const ptrdiff_t tl = jl ? c->P[d - 1] - jl : 0;
                b->Nr[m * c->ldN + tl] = c->k[j * es];
                if (es == 2)
                    b->Ni[m * c->ldN + tl] = c->k[j * es + 1];
            }
        }
        if (!taps)
            continue;
        for (ptrdiff_t l = 0; l < FW; l++) {
            const int in = m0 + l < c->M;
            pr[l] = in ? b->Nr + (m0 + l) * c->ldN : b->zero;
            pi[l] = in ? b->Ni + (m0 + l) * c->ldN : b->zero;
        }
        FF(fill)(c, b->Sr, NULL, pr, 1, 0, c->P[d - 1]);
        FF(fill)(c, b->Si, NULL, pi, 1, 0, c->P[d - 1]);
        FF(block_to_N)(c, b, m0);
    }
}

/* The spectrum's last step (d >= 2), thread tid of nthr: the DFT along
 * axis 0 and H = it / N (see FF(spectrum)). */
static void FF(spectrum_axis0)(const FF(ctx) *c, const FF(bufs) *b, int tid, int nthr)
{
    ptrdiff_t N = 1;
    for (int a = 0; a < c->d; a++)
        N *= c->P[a];
    const FF_T scale = (FF_T)(1.0 / (double)N);
    /* axis 0 and H in product_axis0's block order, column block by column
       block (the columns are independent: as axis_pass's blocks) */
    ptrdiff_t inner, width, chunk;
    FF(col_blocks)(c, &inner, &width, &chunk);
    for (ptrdiff_t c0 = tid * chunk; c0 < width; c0 += nthr * chunk) {
        const ptrdiff_t w = ff_min(chunk, width - c0);
        FF(fft_cols)(&c->plan[0], b->Nr + c0, b->Ni + c0, inner, w, b->scr);
        for (ptrdiff_t r = 0; r < c->P[0]; r++)
            for (ptrdiff_t j = 0; j < w; j++) {
                c->Hr[c0 * c->P[0] + r * w + j] = b->Nr[r * inner + c0 + j] * scale;
                c->Hi[c0 * c->P[0] + r * w + j] = b->Ni[r * inner + c0 + j] * scale;
            }
    }
}

/* H = DFT(g) / N with g[t] = k[(-t) mod P] (per axis), computed by thread
 * tid of a team of nthr (nthr == 1: alone) with its buffers b, whose N form
 * (d >= 2) is the one all threads of the team share.  The work is dealt out
 * as in a group's forward DFT (lines, then column blocks), each line
 * transformed by the same operations whichever thread takes it, so H does
 * not depend on nthr.  Ends with the team's barrier.  1-D: nthr must be 1. */
static void FF(spectrum)(const FF(ctx) *c, const FF(bufs) *b, int tid, int nthr)
{
    const int d = c->d, es = c->es;
    ptrdiff_t nk = 1, N = 1;
    for (int a = 0; a < d; a++) {
        nk *= c->ks[a];
        N *= c->P[a];
    }
    const FF_T scale = (FF_T)(1.0 / (double)N);
    if (d == 1) {
        memset(b->Sr, 0, (size_t)c->sizeBlk * sizeof(FF_T));
        memset(b->Si, 0, (size_t)c->sizeBlk * sizeof(FF_T));
        for (ptrdiff_t j = 0; j < nk; j++) {
            const ptrdiff_t t = j ? c->P[0] - j : 0;
            b->Sr[t * c->C] = c->k[j * es];
            if (es == 2)
                b->Si[t * c->C] = c->k[j * es + 1];
        }
        FF(fft_cols)(&c->plan[0], b->Sr, b->Si, c->C, c->C, b->scr);
        for (ptrdiff_t t = 0; t < c->P[0]; t++) {
            c->Hr[t] = b->Sr[t * c->C] * scale;
            c->Hi[t] = b->Si[t * c->C] * scale;
        }
        return;
    }
    FF(spectrum_lines)(c, b, tid, nthr);
    for (int a = d - 2; a >= 1; a--) {
        FF_BARRIER(nthr);
        FF(axis_pass)(c, b, a, b->Nr, b->Ni, c->P, tid, nthr);
    }
    FF_BARRIER(nthr);
    FF(spectrum_axis0)(c, b, tid, nthr);
    FF_BARRIER(nthr); /* H complete; the N form free for a group */
}

/* ---------------------------------------------------------------- entry -- */

/* Row stride (scalars) for rows of n: whole vectors, and an odd number of
 * 64-byte lines, so that a column's elements spread over all cache sets. */
static ptrdiff_t FF(ld)(ptrdiff_t n)
{
    ptrdiff_t ld = ff_roundup(n, FW);
    const ptrdiff_t line = 64 / (ptrdiff_t)sizeof(FF_T);
    if (ld >= line && (ff_roundup(ld, line) / line) % 2 == 0)
        ld = ff_roundup(ld, line) + line;
    return ld;
}

/* Zero buffer set b where a run reads what it has not written: the S
 * block and the scratch (small), and when own the N form's row padding
 * (columns P[d-1] .. ldN of every line: the column DFTs transform it,
 * lanes nobody reads back, kept zero so that a reused block's stale values
 * never run through them).  The rest of the N form is written (block_to_N)
 * before it is read. */
static void FF(bufs_zero)(const FF(ctx) *c, const FF(bufs) *b, int own)
{
    memset(b->Sr, 0, (size_t)c->sizeBlk * sizeof(FF_T));
    memset(b->Si, 0, (size_t)c->sizeBlk * sizeof(FF_T));
    memset(b->scr, 0, (size_t)c->sizeS * sizeof(FF_T));
    const ptrdiff_t Pl = c->P[c->d - 1], pad = c->ldN - Pl;
    for (ptrdiff_t m = 0; own && c->sizeN && pad > 0 && m < c->M; m++) {
        memset(b->Nr + m * c->ldN + Pl, 0, (size_t)pad * sizeof(FF_T));
        memset(b->Ni + m * c->ldN + Pl, 0, (size_t)pad * sizeof(FF_T));
    }
}

/* Scalars of a region of n in a work block: whole 64-byte lines. */
static ptrdiff_t FF(span)(ptrdiff_t n) { return ff_roundup(n, 64 / (ptrdiff_t)sizeof(FF_T)); }

/* The buffer sets of a run: n (one per thread; shared: one N form, set
 * 0's, for all), carved from one block of work memory (fc_fft.h's
 * allocator: reused blocks have their pages mapped).  A plan keeps the
 * sets of its last run for the next one: a run takes them (atomically, so
 * concurrent runs never share buffers: a run that finds none allocates its
 * own) and puts its sets back when done.  Without GCC/Clang atomics every
 * run allocates. */
typedef struct {
    FF(bufs) *bufs;
    int n, shared;
    int fresh;      /* just made: not yet zeroed (FF(bufs_zero)) */
    void *mem;      /* the block, and its size */
    size_t bytes;
} FF(sets);

static void FF(sets_free)(FF(sets) *k)
{
    if (k) {
        fc_fft_block_release(k->mem, k->bytes);
        free(k->bufs);
        free(k);
    }
}

/* n sets for plan c (shared: one N form); the large buffers are not zeroed
 * here (FF(bufs_zero), by the threads), the line of zeros is. */
static FF(sets) *FF(sets_new)(const FF(ctx) *c, int n, int shared)
{
    const ptrdiff_t blk = FF(span)(c->sizeBlk), scr = FF(span)(c->sizeS),
                    z = FF(span)(c->sizeZ), chk = FF(span)(FW), nf = FF(span)(c->sizeN);
    const ptrdiff_t own = 2 * blk + scr + 2 * z + chk;
    FF(sets) *k = (FF(sets) *)calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->n = n;
    k->shared = shared;
    k->fresh = 1;
    k->bytes = (size_t)(n * own + (shared ? 1 : n) * 2 * nf) * sizeof(FF_T);
    k->bufs = (FF(bufs) *)calloc((size_t)n, sizeof(FF(bufs)));
    k->mem = fc_fft_block_alloc(k->bytes);
    if (!k->bufs || !k->mem) {
        FF(sets_free)(k);
        return NULL;
    }
    FF_T *p = (FF_T *)k->mem;
    for (int i = 0; i < n; i++) {
        FF(bufs) *b = &k->bufs[i];
        b->Sr = p;
        b->Si = p + blk;
        b->scr = p + 2 * blk;
        b->zero = b->scr + scr;
        b->trash = b->zero + z;
        b->chk = b->trash + z;
        p += own;
        memset(b->zero, 0, (size_t)(2 * z + chk) * sizeof(FF_T));
        if (shared && i > 0) {
            b->Nr = k->bufs[0].Nr;
            b->Ni = k->bufs[0].Ni;
        } else {
            b->Nr = p;
            b->Ni = p + nf;
            p += 2 * nf;
        }
    }
    return k;
}

#if defined(__GNUC__) || defined(__clang__)
#define FF_XCHG(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define FF_HAVE_XCHG 1
#else
#define FF_HAVE_XCHG 0
#endif

/* n sets for a run of plan c: the plan's kept ones if they fit, else new. */
static FF(sets) *FF(sets_take)(FF(ctx) *plan, const FF(ctx) *c, int n, int shared)
{
    FF(sets) *k = NULL;
#if FF_HAVE_XCHG
    k = (FF(sets) *)FF_XCHG(&plan->cache, (void *)NULL);
#else
    (void)plan;
#endif
    if (k && k->n == n && k->shared == shared) {
        k->fresh = 0;
        return k;
    }
    FF(sets_free)(k);
    return FF(sets_new)(c, n, shared);
}

static void FF(sets_give)(FF(ctx) *plan, FF(sets) *k)
{
#if FF_HAVE_XCHG
    FF(sets_free)((FF(sets) *)FF_XCHG(&plan->cache, (void *)k));
#else
    (void)plan;
    FF(sets_free)(k);
#endif
}

void FF(fc_fft_plan_free)(void *plan)
{
    FF(ctx) *c = (FF(ctx) *)plan;
    if (!c)
        return;
    FF(sets_free)((FF(sets) *)c->cache);
    fc_fft_block_release(c->Hr, c->Hbytes);
    for (int a = 0; a < c->d; a++)
        FF(plan_free)(&c->plan[a]);
    free(c);
}

/* The geometry, the DFT plans and the kernel spectrum of a call (see
 * fc_fft.h, fc_fft_plan_new); NULL when memory is short. */
void *FF(fc_fft_plan_new)(int cplx, int d, const ptrdiff_t *xshape, const ptrdiff_t *kshape,
                          const FF_T *k, const ptrdiff_t *starts, const ptrdiff_t *lengths,
                          const ptrdiff_t *P, int defer)
{
    FF(ctx) *c = (FF(ctx) *)calloc(1, sizeof(FF(ctx)));
    if (!c)
        return NULL;
    c->d = d;
    c->cplx = cplx;
    c->es = cplx ? 2 : 1;
    c->k = k;
    c->ntiles = 1;
    for (int a = 0; a < d; a++) {
        c->xs[a] = xshape[a];
        c->ks[a] = kshape[a];
        c->st[a] = starts[a];
        c->L[a] = lengths[a];
        c->P[a] = P[a];
        c->B[a] = P[a] - kshape[a] + 1;
        c->nt[a] = (lengths[a] + c->B[a] - 1) / c->B[a];
        c->ntiles *= c->nt[a];
    }
    if (d == 1) {
        /* columns of the S block: one tile (complex) or a pair (real) */
        const ptrdiff_t cols = cplx ? c->ntiles : (c->ntiles + 1) / 2;
        c->C = FW;
        c->M = 1;
        c->sizeN = 0;
        c->ngroups = (cols + c->C - 1) / c->C;
    } else {
        c->M = 1;
        for (int a = 0; a < d - 1; a++)
            c->M *= P[a];
        c->ldN = FF(ld)(P[d - 1]);
        c->sizeN = c->M * c->ldN;
        c->ngroups = cplx ? c->ntiles : (c->ntiles + 1) / 2;
    }
    int err = 0;
    for (int a = 0; a < d; a++) {
        if (FF(plan_init)(&c->plan[a], P[a]) != 0)
            err = 1;
        const ptrdiff_t need = 4 * P[a] * c->plan[a].nvmax * FW;
        if (need > c->sizeS)
            c->sizeS = need;
    }
    c->sizeZ = P[d - 1] * 2;
    c->sizeBlk = P[d - 1] * FW;
    const ptrdiff_t hsize = d == 1 ? P[0] : c->sizeN;
    /* (H: written by the spectrum where product_axis0 reads it) */
    c->Hbytes = (size_t)(2 * FF(span)(hsize)) * sizeof(FF_T);
    c->Hr = (FF_T *)fc_fft_block_alloc(c->Hbytes);
    c->Hi = c->Hr ? c->Hr + FF(span)(hsize) : NULL;
    if (err || !c->Hr) {
        FF(fc_fft_plan_free)(c);
        return NULL;
    }
    if (defer && d >= 2)
        return c; /* the first run's team computes the spectrum from k */
    FF(sets) *w = FF(sets_new)(c, 1, 0);
    if (!w) {
        FF(fc_fft_plan_free)(c);
        return NULL;
    }
    FF(bufs_zero)(c, w->bufs, 1);
    FF(spectrum)(c, w->bufs, 0, 1);
    FF(sets_free)(w);
    c->k = NULL;
    return c;
}

/* The work of thread tid of an OpenMP team of nthr sharing set 0's N form
 * (fewer groups than threads), or of nthr == 1 thread alone: zero its
 * fresh buffers, compute a deferred kernel spectrum (spec; the team on set
 * 0's N form), then the groups, each (shared) by the whole team in turn. */
static void FF(team)(const FF(ctx) *c, FF(bufs) *bufs, int shared, int fresh, int spec,
                     int tid, int nthr)
{
    if (fresh) {
        /* (set 0's N form: shared, or the spectrum's, zeroed by its lines) */
        FF(bufs_zero)(c, &bufs[tid], tid > 0 ? !shared : !spec);
        if (shared && !spec)
            FF_BARRIER(nthr); /* thread 0 zeroes the N form the team shares */
    }
    if (spec) {
        FF(bufs) b = bufs[tid];
        b.Nr = bufs[0].Nr;
        b.Ni = bufs[0].Ni;
        FF(spectrum)(c, &b, tid, nthr);
    }
    for (ptrdiff_t g = 0; g < c->ngroups; g++)
        FF(run_group)(c, g, &bufs[tid], shared ? tid : 0, shared ? nthr : 1);
}

/* A run on the worker team (fc_team.h) instead of an OpenMP team, in
 * steps with no barrier inside: the fresh buffers (set by set), a deferred
 * spectrum's lines (FW at a time) and axis passes, its axis 0 (column block
 * by column block), then the groups (runs, as FF(team)).  Lines and column
 * blocks are the team's units, claimed by whichever thread is free, on
 * that thread's buffers (slot) with set 0's N form; the other steps' units
 * are thread numbers ("roles"): a role no worker took in time runs on the
 * caller's thread after its own, and a group run's last groups are stolen
 * by the thread that ends first.  The end of a step waits only for the
 * threads that started on it: no step waits for a thread that has not
 * been scheduled (on a loaded machine, or a VM whose idle vCPU wakes late,
 * that wait took milliseconds).  Each line, column block and group is
 * computed the same way whichever thread takes it.  Not for the shared N
 * form (fewer groups than threads), whose barriers stay inside a group. */
typedef struct {
    const FF(ctx) *c;
    FF(bufs) *bufs;
    uint64_t *run;      /* the groups' runs (fc_runs.h), or NULL: `next` */
    int64_t next;
    int64_t units;      /* this step's units (lines and axis 0: blocks) */
    int nthr, spec, step, axis;
} FF(job);

static void FF(job_unit)(void *ctx, int64_t u, int slot)
{
    FF(job) *j = (FF(job) *)ctx;
    const FF(ctx) *c = j->c;
    const int tid = (int)u;
    /* the spectrum's steps: the thread's buffers with set 0's N form */
    FF(bufs) b = j->bufs[slot];
    b.Nr = j->bufs[0].Nr;
    b.Ni = j->bufs[0].Ni;
    switch (j->step) {
    case FF_STEP_FRESH:
        FF(bufs_zero)(c, &j->bufs[tid], tid > 0 || !j->spec);
        break;
    case FF_STEP_LINES:     /* lines u FW .. u FW + FW: spectrum_lines' share u of units */
        FF(spectrum_lines)(c, &b, tid, (int)j->units);
        break;
    case FF_STEP_AXIS:
        b = j->bufs[tid];
        b.Nr = j->bufs[0].Nr;
        b.Ni = j->bufs[0].Ni;
        FF(axis_pass)(c, &b, j->axis, b.Nr, b.Ni, c->P, tid, j->nthr);
        break;
    case FF_STEP_AXIS0:     /* column block u */
        FF(spectrum_axis0)(c, &b, tid, (int)j->units);
        break;
    default:
        if (j->run) {
            for (int64_t g = fc_runs_take(j->run, j->nthr, tid); g >= 0;
                 g = fc_runs_take(j->run, j->nthr, tid))
                FF(run_group)(c, (ptrdiff_t)g, &j->bufs[tid], 0, 1);
        } else {
            for (int64_t g; (g = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < c->ngroups;)
                FF(run_group)(c, (ptrdiff_t)g, &j->bufs[tid], 0, 1);
        }
    }
}

static void FF(team_run)(const FF(ctx) *c, FF(bufs) *bufs, int fresh, int spec, uint64_t *run,
                         int nthr)
{
    FF(job) j = {c, bufs, run, 0, nthr, nthr, spec && c->d >= 2, FF_STEP_FRESH, 0};
    if (fresh)
        fc_team_run(FF(job_unit), &j, nthr, nthr, NULL);
    if (j.spec) {
        ptrdiff_t inner, width, chunk;
        j.step = FF_STEP_LINES;
        j.units = (c->M + FW - 1) / FW;
        fc_team_run(FF(job_unit), &j, j.units, nthr, NULL);
        j.step = FF_STEP_AXIS;
        for (j.axis = c->d - 2; j.axis >= 1; j.axis--)
            fc_team_run(FF(job_unit), &j, nthr, nthr, NULL);
        j.step = FF_STEP_AXIS0;
        FF(col_blocks)(c, &inner, &width, &chunk);
        j.units = (width + chunk - 1) / chunk;
        fc_team_run(FF(job_unit), &j, j.units, nthr, NULL);
    }
    j.step = FF_STEP_GROUPS;
    fc_team_run(FF(job_unit), &j, nthr, nthr, NULL);
}

/* out = the window of x correlated with the plan's kernel; 0 when every
 * output is finite, 1 when some may not be (FF(check)), or -1 when memory is
 * short.  Concurrent runs are fine: the plan is only read, but for its
 * kept tile buffers (see FF(sets)) - and but for a plan made with its
 * spectrum deferred (fc_fft.c's one-shot calls: one run only), whose run
 * computes it first, with all its threads. */
int FF(fc_fft_plan_run)(void *plan, const FF_T *x, FF_T *out, int nthreads)
{
    FF(ctx) c = *(const FF(ctx) *)plan;
    const ptrdiff_t ngroups = c.ngroups;
    const int spec = c.k != NULL;
    c.x = x;
    c.out = out;
    if (nthreads < 1)
        nthreads = 1;
    /* threads over groups, or (fewer groups than threads, d >= 2) all
       threads on each group in turn, sharing its N form: its barriers cost
       more than an uneven last round of groups on a busy machine */
    const int shared = c.d >= 2 && nthreads > 1 && ngroups < nthreads;
    if (!shared && nthreads > ngroups)
        nthreads = (int)(ngroups > 0 ? ngroups : 1);
    FF(sets) *kept = FF(sets_take)((FF(ctx) *)plan, &c, nthreads, shared);
    if (!kept)
        return -1;
    FF(bufs) *bufs = kept->bufs;
    const int fresh = kept->fresh;
    const int on_team = !shared && nthreads > 1;   /* FF(team_run) */
    /* groups to threads in contiguous runs (fc_runs.h): the tiles of a run
       lie side by side, so the input columns neighbouring tiles both read
       and the cache lines where their outputs meet mostly stay with one
       thread (2048^2 float64, 31^2 kernel, 66 groups of 375x125 tiles: a
       group took 1.3x the CPU of one thread's when the two threads took
       alternate groups, 1.03x in runs) */
    uint64_t *run = NULL;
    if (on_team && ngroups <= FC_RUNS_MAX_UNITS) {
        run = (uint64_t *)malloc((size_t)nthreads * sizeof(uint64_t));
        if (!run) {
            FF(sets_give)((FF(ctx) *)plan, kept);
            return -1;
        }
        fc_runs_init(run, nthreads, (int64_t)ngroups);
    }
    for (int i = 0; i < kept->n; i++)
        memset(bufs[i].chk, 0, (size_t)FW * sizeof(FF_T));
    if (on_team) {
        FF(team_run)(&c, bufs, fresh, spec, run, nthreads);
    } else {
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
        FF(team)(&c, bufs, shared, fresh, spec, omp_get_thread_num(), omp_get_num_threads());
#else
        FF(team)(&c, bufs, shared, fresh, spec, 0, 1);
#endif
    }
    free(run);
    if (spec)
        ((FF(ctx) *)plan)->k = NULL;
    int maybe_nonfinite = 0;
    for (int i = 0; i < kept->n; i++)
        for (int l = 0; l < FW; l++)
            maybe_nonfinite |= bufs[i].chk[l] != 0;   /* NaN != 0; 0 * finite == +-0 */
    FF(sets_give)((FF(ctx) *)plan, kept);
    return maybe_nonfinite;
}

/* the kernel-partitioned FFT (1-D, long kernels, few outputs) */
#include "fc_fft_part_impl.h"

#undef FV
#undef FW
#undef FVU
#undef FMI
#undef FF_SEQ
#undef FF_STAGE
#undef FF_VTRANSPOSE
#undef FF_BARRIER
#undef FF_XCHG
#undef FF_HAVE_XCHG
#undef FF
#undef FF_CAT3
#undef FF_CAT3_
