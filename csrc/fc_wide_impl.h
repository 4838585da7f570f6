/*
 * fc_wide_impl.h - wide kernels through lane segments (included by
 * fc_simd_impl.h, for real types, where the instruction set sets
 * FC_SEG_ON: AVX-512).
 *
 * The block scheme of fc_simd_impl.h loads the input vector at column
 * x + j for tap j: unaligned, so with 64-byte vectors nearly every load
 * crosses a cache line, and such loads bound it at 56-60% of the FMA peak
 * (measured, session 6) on kernels that are short in one direction
 * (15x15, 5x63).  Here a tile of T output columns of a row is instead cut
 * into N segments of L columns (N lanes per vector), segment l in lane l:
 * vector m of a "segmented" row holds the columns s_l + m of the N
 * segments (s_l: the segments' first columns).  Tap j of output vector m
 * then reads the segmented input vector m + j: whole, aligned vectors, and
 * the vectors of taps j and j + 1 overlap, so a window of FC_SEG_C vectors
 * slides along the row (one load per tap for 2 x FC_SEG_C FMAs, no shuffle
 * in the tap loop).  Each input row of a tile is put in segmented form once
 * per call (a transposition of N x N blocks: log2(N) two-vector shuffles
 * per vector), each output row transposed back before it is stored; the
 * next block's input and output rows are prefetched meanwhile (the
 * transposition reads N lines of a row at once, which the hardware
 * prefetchers do not follow).
 *
 * Every output gets the same FMAs in the same order as in fc_simd_impl.h's
 * blocks (taps (i, j) in row-major order, from zero; the zero-filled edge
 * columns read zeros as FC_EDGES does), only in other lanes and blocks: the
 * same bits, whichever path computes a row.
 *
 * Tiles: the band's columns [-padl, cols + padr) go in tiles of at most
 * FC_SEG_TMAX columns, fewer where the segmented rows a chunk of rows needs
 * (chunk + kh - 1 rows of L + kw - 1 vectors) would pass FC_SEG_BUF bytes;
 * lanes whose segment would pass the tile's end are moved back to end at it
 * (their outputs computed twice, the same values).  Row blocks are 2 rows
 * x FC_SEG_C vectors of accumulators (seg_rows), the last moved back to end
 * at the band's last row.
 *
 * Taken for kernel rows of 15 taps or more (FC_SEG_WANT; float32 with 15
 * to 23 kernel rows only in bands of 2 kh rows or more, with more never).
 * Tall narrow kernels (63x5) keep the block scheme: the kh + 11 rows a
 * 12-row work unit reads are each transposed per unit, which cost more
 * than the aligned loads saved (kernel_ab: 0.85-0.93x).
 */
#if FC_SEG_ON && FC_KIND == FC_K_REAL
#define FC_SEG 1
#include "fc_transpose.h"

#define FC_SEG_R 2   /* rows of a block (seg_rows) */
#ifndef FC_SEG_C     /* its vectors (registers: 2 x FC_SEG_C + FC_SEG_C + 2) */
#define FC_SEG_C 8
#endif
#ifndef FC_SEG_TMAX
#define FC_SEG_TMAX 2048
#endif
#ifndef FC_SEG_BUF   /* bytes of segmented input rows (L2-resident) */
#define FC_SEG_BUF (384 * 1024)
#endif
/* which bands take it: kernels of two rows at least (a single row sums its
   taps in another order, FC_SLIDE), FC_WIDE_KW (15) taps a row at least;
   float32 (16 lanes) with FC_WIDE_KH_MIN to FC_WIDE_KH_MAX (15 to 23) rows
   only in bands of at least FC_WIDE_KH_ROWS x kh rows (their work units
   have them, _window._units), with more rows never.  Session 7 (Intel, 1024^2, one
   thread, CPU time, medians of 7, best of 3 runs, main -> this, 12-row
   bands): float32 5x63 6.63 -> 6.21 ms 'valid', 7.04 -> 5.80 'same', but
   15x15 4.94 -> 5.15, 31x31 16.0 -> 16.5; float64 15x15 9.27 -> 8.77, 5x63
   16.2 -> 11.2, 31x31 39.5 -> 32.4.  Session 8 (AMD Zen 5, kernel_ab, 1024^2 float32, the block
   scheme / this, 21 interleaved rounds, three runs): in 12-row bands 15x15
   0.96-1.02x; in 36-row bands 15x15 1.033 / 1.038 / 1.039, 23x23 1.005 /
   1.008 / 1.011, 31x31 1.008, but 63x63 0.79 (its segmented rows pass
   FC_SEG_BUF: chunks of a few rows, each rearranging kh + chunk - 1).  The
   input rows a band rearranges per output row, (rows + kh - 1) / rows,
   are what the rows pay for.  (float64 15x15 in 36-row units measured
   0.91-0.95x its 12-row units in bench_wide, 47x47 in 96-row units
   1.09-1.11x: not taken, the units of float64 are unchanged.) */
#ifndef FC_SEG_WANT
#define FC_SEG_WANT(kh, kw, rows)                                               \
    ((kh) >= 2 && (kw) >= FC_WIDE_KW &&                                         \
     (FC_LANES == 8 || (kh) < FC_WIDE_KH_MIN ||                                 \
      ((kh) <= FC_WIDE_KH_MAX && (rows) >= FC_WIDE_F32_MIN_ROWS(kh, kw))))
#endif

/* The transposition of r[0..N) (N = FC_W) as an N x N matrix
   (fc_transpose.h) */
#if FC_LANES == 16
static inline __attribute__((always_inline)) void FC_FN(seg_tr)(FC_VT *r)
{
    fc_tr16_ps((__m512 *)r);
}
#elif FC_LANES == 8
static inline __attribute__((always_inline)) void FC_FN(seg_tr)(FC_VT *r)
{
    FC_TRANSPOSE(FC_VT, 8, r);
}
#else
#error "lane segments: 8 or 16 lanes"
#endif

/* lanes set in `mask` from consecutive elements at p, the others zero
   (AVX-512 vexpandps / vexpandpd: reads only the elements it sets) */
#if FC_LANES == 16
#define FC_SEG_XLOAD(mask, p) ((FC_VT)_mm512_maskz_expandloadu_ps((__mmask16)(mask), (p)))
#else
#define FC_SEG_XLOAD(mask, p) ((FC_VT)_mm512_maskz_expandloadu_pd((__mmask8)(mask), (p)))
#endif

/* Input row `irow` (column 0 of the band's input) in segmented form:
   dst[m] lane l = irow[s[l] + m], m < e, zero outside [0, lim). */
static void FC_FN(seg_in)(FC_VT *restrict dst, const FC_S *restrict irow, const ptrdiff_t *s,
                          ptrdiff_t e, ptrdiff_t lim)
{
    for (ptrdiff_t m0 = 0;; m0 += FC_W) {
        if (m0 > e - FC_W)
            m0 = e - FC_W;   /* (the last group moved back: e >= N) */
        FC_VT r[FC_W];
        if (s[0] + m0 >= 0 && s[FC_W - 1] + m0 + FC_W <= lim) {   /* (s ascends) */
            _Pragma("GCC unroll 16")
            for (int l = 0; l < FC_W; l++)
                r[l] = FC_FN(loadu)(irow + s[l] + m0);
        } else {   /* a zero-filled edge: lanes q0..q1 of lane l's vector */
            for (int l = 0; l < FC_W; l++) {
                const ptrdiff_t c = s[l] + m0;
                const ptrdiff_t q0 = c < 0 ? -c : 0, q1 = lim - c < FC_W ? lim - c : FC_W;
                if (q0 == 0 && q1 == FC_W)
                    r[l] = FC_FN(loadu)(irow + c);
                else if (q1 <= q0)
                    r[l] = (FC_VT){0};
                else   /* (reads only the elements in [0, lim)) */
                    r[l] = FC_SEG_XLOAD(((1u << q1) - 1) & ~((1u << q0) - 1), irow + c + q0);
            }
        }
        FC_FN(seg_tr)(r);
        for (int q = 0; q < FC_W; q++)
            dst[m0 + q] = r[q];
        if (m0 == e - FC_W)
            break;
    }
}

/* A segmented output row src[0..n) to the row `orow` (column 0 of the
   band's output): orow[s[l] + m] = src[m] lane l. */
static void FC_FN(seg_out)(FC_S *restrict orow, const FC_VT *restrict src, const ptrdiff_t *s,
                           ptrdiff_t n)
{
    for (ptrdiff_t m0 = 0;; m0 += FC_W) {
        if (m0 > n - FC_W)
            m0 = n - FC_W;
        FC_VT r[FC_W];
        for (int q = 0; q < FC_W; q++)
            r[q] = src[m0 + q];
        FC_FN(seg_tr)(r);
        for (int l = 0; l < FC_W; l++)
            FC_FN(storeu)(orow + s[l] + m0, r[l]);
        if (m0 == n - FC_W)
            break;
    }
}

/* Lines to prefetch while a row block is computed: those of the two input
   rows the next block puts in segmented form (in[r], NULL: none) and of the
   two output rows it stores (out[r]), `lines` lines of each from there. */
struct fc_seg_pf {
    const void *in[2];
    void *out[2];
    ptrdiff_t lines;
};

/* Step u of a window pass over segmented input row t (tap jj = j + u):
   output vector c reads the input vector jj + c, held by window slot
   (u + c) % NC (slot s holds the vectors q = s mod NC, jj <= q < jj + NC),
   into block row 0 (kernel row t, tap k0[jj]) and block row 1 (kernel row
   t - 1, k1[jj]) as ROWS (bit 0, bit 1) says; then slot u, whose vector jj
   no tap needs any more, takes the vector jj + NC (if a tap needs it). */
#define FC_SEG_STEP(ROWS, u)                                                    \
    do {                                                                        \
        const ptrdiff_t jj = j + (u);                                           \
        if ((ROWS) & 1) {                                                       \
            const FC_VT w = (FC_T)k0[jj] - (FC_VT){0}; /* broadcast */          \
            _Pragma("GCC unroll 16")                                            \
            for (int c = 0; c < NC; c++)                                        \
                acc[0][c] += w * win[((u) + c) % NC];                           \
        }                                                                       \
        if ((ROWS) & 2) {                                                       \
            const FC_VT w = (FC_T)k1[jj] - (FC_VT){0};                          \
            _Pragma("GCC unroll 16")                                            \
            for (int c = 0; c < NC; c++)                                        \
                acc[1][c] += w * win[((u) + c) % NC];                           \
        }                                                                       \
        if (jj + 1 < kw)                                                        \
            win[(u)] = irow[jj + NC];                                           \
    } while (0)
/* All kw taps of segmented input row t (irow: the block's first vector)
   for the block rows that ROWS names: a window of NC input vectors slides
   along the row, one load per tap for 2 x NC FMAs; unrolled by NC, so the
   slots are fixed registers. */
#define FC_SEG_PASS(ROWS)                                                       \
    do {                                                                        \
        FC_VT win[NC];                                                          \
        _Pragma("GCC unroll 16")                                                \
        for (int c = 0; c < NC; c++)                                            \
            win[c] = irow[c];                                                   \
        ptrdiff_t j = 0;                                                        \
        for (; j + NC <= kw; j += NC) {                                         \
            _Pragma("GCC unroll 16")                                            \
            for (int u = 0; u < NC; u++)                                        \
                FC_SEG_STEP(ROWS, u);                                           \
        }                                                                       \
        _Pragma("GCC unroll 16")                                                \
        for (int u = 0; u < NC; u++) {                                          \
            if (j + u >= kw)                                                    \
                break;                                                          \
            FC_SEG_STEP(ROWS, u);                                               \
        }                                                                       \
    } while (0)

/* Output rows r and r + 1 of a segmented row block, ob[rr * n + m] for
   m < n (n >= NC), from the segmented input rows ib[t * e + ...] (t <= kh):
   blocks of 2 rows x NC vectors, the last moved back to end at n.  Input
   row t feeds output row 0 through kernel row t and row 1 through kernel
   row t - 1, so each output sums its taps (i, j) in row-major order. */
static void FC_FN(seg_rows)(FC_VT *restrict ob, const FC_VT *restrict ib, const FC_S *restrict k,
                            ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t n, ptrdiff_t e,
                            const struct fc_seg_pf *pf, void (*hook)(void *), void *hctx)
{
#define NC FC_SEG_C
    /* the prefetches, spread over the blocks' input-row passes */
    const ptrdiff_t passes = (kh + 1) * ((n + NC - 1) / NC);
    const ptrdiff_t per = (2 * pf->lines + passes - 1) / passes;
    ptrdiff_t pl = 0;   /* lines asked for (of each of the 2 x 2 rows) */
    for (ptrdiff_t m = 0;; m += NC) {
        if (m > n - NC)
            m = n - NC;
        FC_VT acc[2][NC];
        for (int rr = 0; rr < 2; rr++)
            for (int c = 0; c < NC; c++)
                acc[rr][c] = (FC_VT){0};
        for (ptrdiff_t t = 0; t <= kh; t++) {
            const FC_VT *irow = ib + t * e + m;
            const FC_S *k0 = k + t * kw, *k1 = k0 - kw;
            for (ptrdiff_t q = 0; q < per && pl < 2 * pf->lines; q++, pl++) {
                const int r = pl >= pf->lines;
                const ptrdiff_t o = (pl - r * pf->lines) * 64;
                if (pf->in[r])
                    __builtin_prefetch((const char *)pf->in[r] + o, 0, 2);
                __builtin_prefetch((const char *)pf->out[r] + o, 1, 2);
            }
            if (t == 0)
                FC_SEG_PASS(1);
            else if (t == kh)
                FC_SEG_PASS(2);
            else
                FC_SEG_PASS(3);
        }
        for (int rr = 0; rr < 2; rr++)
            for (int c = 0; c < NC; c++)
                ob[rr * n + m + c] = acc[rr][c];
        if (hook)   /* (fc_band.hook: after each block, as the block scheme's) */
            hook(hctx);
        if (m == n - NC)
            break;
    }
#undef NC
}

/* The tiles: their count for a band of w columns, given the rows of a
   chunk (0: none fits, or the band is too narrow). */
static ptrdiff_t FC_FN(seg_tiles)(ptrdiff_t w, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t chunk)
{
    for (ptrdiff_t nt = (w + FC_SEG_TMAX - 1) / FC_SEG_TMAX;; nt++) {
        const ptrdiff_t t = w / nt;                       /* narrowest tile */
        if (t < FC_W * FC_W)
            return 0;
        const ptrdiff_t tl = (w + nt - 1) / nt;           /* widest */
        const ptrdiff_t l = ((tl + FC_W - 1) / FC_W + FC_SEG_C - 1) / FC_SEG_C * FC_SEG_C;
        if ((size_t)(chunk + kh - 1) * (size_t)(l + kw - 1) * FC_VBYTES <= FC_SEG_BUF)
            return nt;
    }
}

/* Rows [0, rows) x columns [-padl, cols + padr) of the band by lane
   segments (see above); 0 if it cannot (too few rows or columns, no
   memory), and nothing is written then. */
static int FC_FN(seg_band)(FC_S *restrict out, ptrdiff_t ldo, const FC_S *restrict in,
                           ptrdiff_t ldi, const FC_S *restrict k, ptrdiff_t kh, ptrdiff_t kw,
                           ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t padl, ptrdiff_t padr,
                           void (*hook)(void *), void *hctx)
{
    if (rows < FC_SEG_R)
        return 0;
    const ptrdiff_t x0 = -padl, w = cols + padl + padr, lim = cols + kw - 1;
    ptrdiff_t chunk = rows < 64 ? rows : 64, nt = 0;
    while (!(nt = FC_FN(seg_tiles)(w, kh, kw, chunk)) && chunk > FC_SEG_R)
        chunk = chunk / 2 > FC_SEG_R ? chunk / 2 : FC_SEG_R;
    if (!nt)
        return 0;
    const ptrdiff_t tl = (w + nt - 1) / nt;
    const ptrdiff_t lmax = ((tl + FC_W - 1) / FC_W + FC_SEG_C - 1) / FC_SEG_C * FC_SEG_C;
    const size_t ni = (size_t)(chunk + kh - 1) * (size_t)(lmax + kw - 1);
    const size_t no = (size_t)FC_SEG_R * (size_t)lmax;
    FC_VT *ib = aligned_alloc(FC_VBYTES, (ni + no) * sizeof(FC_VT));
    if (!ib)
        return 0;
    FC_VT *ob = ib + ni;
    for (ptrdiff_t ti = 0; ti < nt; ti++) {
        const ptrdiff_t ta = x0 + w * ti / nt, tw = x0 + w * (ti + 1) / nt - ta;
        const ptrdiff_t n = ((tw + FC_W - 1) / FC_W + FC_SEG_C - 1) / FC_SEG_C * FC_SEG_C;
        const ptrdiff_t e = n + kw - 1;
        ptrdiff_t s[FC_W];
        for (int l = 0; l < FC_W; l++)
            s[l] = ta + (l * n < tw - n ? l * n : tw - n);
        for (ptrdiff_t ra = 0; ra < rows;) {
            ptrdiff_t rb = rows - ra < chunk ? rows : ra + chunk;
            if (rb - ra < FC_SEG_R)   /* (a short last chunk moved back) */
                ra = rb - FC_SEG_R;
            ptrdiff_t q = ra;   /* the input rows [ra, q) are in segmented form */
            for (ptrdiff_t r0 = ra;; r0 += FC_SEG_R) {
                if (r0 > rb - FC_SEG_R)
                    r0 = rb - FC_SEG_R;
                for (; q <= r0 + kh; q++)   /* (the rows the block reads) */
                    FC_FN(seg_in)(ib + (q - ra) * e, in + q * ldi, s, e, lim);
                /* the next block's new input rows and its output rows (or
                   the rows after the band's: most often the next band's) */
                struct fc_seg_pf pf;
                pf.lines = (tw + kw - 1 + FC_W - 1) / FC_W + 1;
                for (int r = 0; r < 2; r++) {
                    pf.in[r] = q + r < rows + kh - 1 || r0 + FC_SEG_R >= rb
                                   ? in + (q + r) * ldi + ta : NULL;
                    pf.out[r] = out + (r0 + FC_SEG_R + r < rb ? r0 + FC_SEG_R + r : r0 + r) * ldo + ta;
                }
                FC_FN(seg_rows)(ob, ib + (r0 - ra) * e, k, kh, kw, n, e, &pf, hook, hctx);
                for (int rr = 0; rr < FC_SEG_R; rr++)
                    FC_FN(seg_out)(out + (r0 + rr) * ldo, ob + rr * n, s, n);
                if (r0 == rb - FC_SEG_R)
                    break;
            }
            ra = rb;
        }
    }
    free(ib);
    return 1;
}
#undef FC_SEG_STEP
#undef FC_SEG_PASS
#undef FC_SEG_XLOAD
#else
#define FC_SEG 0
#endif
