/* fc_row.h - one kernel row over a run of outputs, for the border rows of
 * the direct core (_direct.pyx's _row; the SIMD kernels of fc_kernels.h do
 * the band), float and double:
 *
 *     out[x] = out[x] + k[0] * in[x] + k[1] * in[x + 1] + ... + k[m-1] * in[x + m-1]
 *
 * for x in [0, n), each product rounded and added in that order (as the
 * Cython loop it replaces: no fused multiply-add in a portable build, so the
 * same bits).  Runs of 16 floats (8 doubles) are kept in registers over the taps:
 * one load and store of `out` per kernel row, where one tap at a time over
 * the row read and wrote it per tap (border rows then cost a 256^2 5x5
 * 'same' batch about 6% of its time).  Compiled into _direct.c (baseline
 * instruction set).
 */
#ifndef FC_ROW_H
#define FC_ROW_H

#include <stddef.h>
#include <string.h>

/* (4 vectors of 16 bytes: 16 floats or 8 doubles per run, in registers) */
#define FC_ROW_DEF(name, S)                                                     \
    static inline void name(S *restrict out, const S *restrict in,              \
                            const S *restrict k, ptrdiff_t m, ptrdiff_t n)      \
    {                                                                           \
        typedef S v_t __attribute__((vector_size(16), aligned(sizeof(S))));     \
        enum { L = 16 / sizeof(S) };                                            \
        ptrdiff_t x = 0;                                                        \
        for (; x + 4 * L <= n; x += 4 * L) {                                    \
            const v_t *o = (const v_t *)(out + x);                              \
            v_t a0 = o[0], a1 = o[1], a2 = o[2], a3 = o[3];                     \
            for (ptrdiff_t j = 0; j < m; j++) {                                 \
                const v_t w = k[j] - (v_t){0};                                  \
                const v_t *v = (const v_t *)(in + x + j);                       \
                a0 = a0 + w * v[0];                                             \
                a1 = a1 + w * v[1];                                             \
                a2 = a2 + w * v[2];                                             \
                a3 = a3 + w * v[3];                                             \
            }                                                                   \
            v_t *p = (v_t *)(out + x);                                          \
            p[0] = a0, p[1] = a1, p[2] = a2, p[3] = a3;                         \
        }                                                                       \
        for (; x < n; x++) {                                                    \
            S acc = out[x];                                                     \
            for (ptrdiff_t j = 0; j < m; j++)                                   \
                acc = acc + k[j] * in[x + j];                                   \
            out[x] = acc;                                                       \
        }                                                                       \
    }
FC_ROW_DEF(fc_row_f32, float)
FC_ROW_DEF(fc_row_f64, double)
#undef FC_ROW_DEF

#endif
