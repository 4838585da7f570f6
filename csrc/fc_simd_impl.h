/*
 * fc_simd_impl.h - the interior micro-kernel, written once with GCC/Clang
 * vector extensions and compiled once per instruction set (see
 * fc_kernels_*.c, which set FC_ISA, FC_VBYTES and the block shape).
 *
 * For r in [0, rows) and x in [0, cols):
 *
 *     out[r*ldo + x] += sum_{i<kh} sum_{j<kw} k[i*kw + j] * in[(r+i)*ldi + x + j]
 *
 * i.e. the 'valid' 2-D correlation of an input window with a (pre-flipped)
 * kernel plane, every read inside the input.  1-D is rows == kh == 1.
 *
 * Scheme ("broadcast one tap x a block of outputs"): a block of FC_R output
 * rows x FC_C vectors stays in FC_R*FC_C vector registers for the whole tap
 * loop; each tap is broadcast once per block and FMA'd with one unaligned
 * load per accumulator; the block is loaded and stored once.  Columns are
 * processed in tiles of FC_TILE outputs so the kh+FC_R-1 input rows of a
 * tile stay in L1/L2.  Every output is summed in the fixed order
 * (i, j) = (0, 0), (0, 1), ..., whatever the block it falls in, so results
 * do not depend on the thread split; they may differ in the last bits
 * between instruction sets (FMA contraction).
 *
 * This file is included with FC_T (float/double) and FC_TN (f32/f64) set.
 */
#define FC_CAT3_(a, b, c) a##_##b##_##c
#define FC_CAT3(a, b, c) FC_CAT3_(a, b, c)
#define FC_FN(base) FC_CAT3(base, FC_TN, FC_ISA)
#define FC_VT FC_CAT3(vec, FC_TN, FC_ISA)

#define FC_W ((ptrdiff_t)(FC_VBYTES / sizeof(FC_T)))

typedef FC_T FC_VT __attribute__((vector_size(FC_VBYTES)));

static inline FC_VT FC_FN(loadu)(const FC_T *p)
{
    FC_VT v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void FC_FN(storeu)(FC_T *p, FC_VT v)
{
    memcpy(p, &v, sizeof v);
}

/* acc[NR][NC] = out block at o + all taps over the input block at src.
   Input row t of the block feeds output rows rr = t - i for every kernel row
   i: each loaded input vector serves up to NR rows (loads per FMA ~
   (NC + NR) / (NR * NC)), and every output still sums its taps in (i, j)
   order, whatever NR and NC are. */
#define FC_COMPUTE(NR, NC, acc)                                                 \
    do {                                                                        \
        for (int rr = 0; rr < NR; rr++)                                         \
            for (int c = 0; c < NC; c++)                                        \
                acc[rr][c] = FC_FN(loadu)(o + rr * ldo + c * FC_W);             \
        for (ptrdiff_t t = 0; t < kh + NR - 1; t++) {                           \
            const FC_T *irow = src + t * ldi;                                   \
            for (ptrdiff_t j = 0; j < kw; j++) {                                \
                FC_VT v[NC];                                                    \
                _Pragma("GCC unroll 8")                                         \
                for (int c = 0; c < NC; c++)                                    \
                    v[c] = FC_FN(loadu)(irow + c * FC_W + j);                   \
                _Pragma("GCC unroll 8")                                         \
                for (int rr = 0; rr < NR; rr++) {                               \
                    const ptrdiff_t i = t - rr;                                 \
                    if (i < 0 || i >= kh)                                       \
                        continue;                                               \
                    const FC_VT w = k[i * kw + j] - (FC_VT){0};  /* broadcast */ \
                    _Pragma("GCC unroll 8")                                     \
                    for (int c = 0; c < NC; c++)                                \
                        acc[rr][c] += w * v[c];                                 \
                }                                                               \
            }                                                                   \
        }                                                                       \
    } while (0)

#define FC_BLOCK(NR, NC)                                                        \
    do {                                                                        \
        FC_VT acc[NR][NC];                                                      \
        FC_COMPUTE(NR, NC, acc);                                                \
        for (int rr = 0; rr < NR; rr++)                                         \
            for (int c = 0; c < NC; c++)                                        \
                FC_FN(storeu)(o + rr * ldo + c * FC_W, acc[rr][c]);             \
    } while (0)

/* Rows [r0, r0+NR) of the tile [x0, x1): blocks of FC_C vectors, then single
   vectors.  A ragged tail (x1 - x0 not a multiple of the vector width) is
   computed as one vector ending at x1, *before* the columns it overlaps are
   updated, and only its last lanes are stored: every output goes through the
   same vector FMAs, so results do not depend on where a tile starts.  Only
   tiles narrower than one vector use scalar code. */
#define FC_ROWS(NR)                                                             \
    do {                                                                        \
        ptrdiff_t xm = x0 + ((x1 - x0) / FC_W) * FC_W;                          \
        if (xm == x0) {                                                         \
            for (ptrdiff_t x = x0; x < x1; x++) {                               \
                for (int rr = 0; rr < NR; rr++) {                               \
                    FC_T s = out[(r0 + rr) * ldo + x];                          \
                    for (ptrdiff_t i = 0; i < kh; i++)                          \
                        for (ptrdiff_t j = 0; j < kw; j++)                      \
                            s += k[i * kw + j] * in[(r0 + rr + i) * ldi + x + j]; \
                    out[(r0 + rr) * ldo + x] = s;                               \
                }                                                               \
            }                                                                   \
            break;                                                              \
        }                                                                       \
        FC_VT tail[NR][1];                                                      \
        if (xm < x1) {                                                          \
            FC_T *o = out + r0 * ldo + x1 - FC_W;                               \
            const FC_T *src = in + r0 * ldi + x1 - FC_W;                        \
            FC_COMPUTE(NR, 1, tail);                                            \
        }                                                                       \
        ptrdiff_t x = x0;                                                       \
        for (; x + FC_C * FC_W <= xm; x += FC_C * FC_W) {                       \
            FC_T *o = out + r0 * ldo + x;                                       \
            const FC_T *src = in + r0 * ldi + x;                                \
            FC_BLOCK(NR, FC_C);                                                 \
        }                                                                       \
        for (; x < xm; x += FC_W) {                                             \
            FC_T *o = out + r0 * ldo + x;                                       \
            const FC_T *src = in + r0 * ldi + x;                                \
            FC_BLOCK(NR, 1);                                                    \
        }                                                                       \
        if (xm < x1) {                                                          \
            for (int rr = 0; rr < NR; rr++) {                                   \
                FC_T lanes[FC_VBYTES / sizeof(FC_T)];                           \
                memcpy(lanes, &tail[rr][0], sizeof lanes);                      \
                memcpy(out + (r0 + rr) * ldo + xm, lanes + (FC_W - (x1 - xm)),  \
                       (size_t)(x1 - xm) * sizeof(FC_T));                       \
            }                                                                   \
        }                                                                       \
    } while (0)

void FC_FN(fc_corr2d_valid)(FC_T *restrict out, ptrdiff_t ldo,
                            const FC_T *restrict in, ptrdiff_t ldi,
                            const FC_T *restrict k, ptrdiff_t kh, ptrdiff_t kw,
                            ptrdiff_t rows, ptrdiff_t cols)
{
    for (ptrdiff_t x0 = 0, x1; x0 < cols; x0 = x1) {
        x1 = x0 + FC_TILE;
        if (cols - x1 < FC_W)   /* no tile narrower than a vector, but the only one */
            x1 = cols;
        ptrdiff_t r0 = 0;
        for (; r0 + FC_R <= rows; r0 += FC_R)
            FC_ROWS(FC_R);
        for (; r0 < rows; r0++)
            FC_ROWS(1);
    }
}

#undef FC_BLOCK
#undef FC_COMPUTE
#undef FC_ROWS
#undef FC_W
#undef FC_VT
#undef FC_FN
