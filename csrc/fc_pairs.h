/*
 * fc_pairs.h - exact integer work units for narrow integer images with a
 * widened integer result (uint8 / int8 / bool / int16 inputs, integer taps
 * in int16 range, int32 sums that cannot overflow: _window._pair_taps
 * decides), called by _direct.pyx's work units in place of the per-unit
 * float32 conversion (fc_convert.h).
 *
 * A unit computes, for r < rows, c < cols,
 *
 *     out[r*ldo + c] = sum_{i<kh, j<kw} k[i][j] * X(r0 + r + i, c0 + c + j)
 *
 * where X(y, x) is src[y*lds + x] for 0 <= y < ny, 0 <= x < nx (element type
 * src_code: 1 uint8/bool, 2 int8, 4 int16, fc_convert.h's codes) and
 * `fill` elsewhere (a 'fill' boundary; src NULL: every X is fill).
 *
 * The rows the unit reads are widened to int16 into a buffer of its
 * thread, pair-interleaved: the 32-bit element c of a row holds
 * (X(y, c0 + c), X(y, c0 + c + 1)), the fill value already in place outside
 * the input, so the whole unit is one loop with no border case.  The taps
 * come packed in pairs kp[i*kwp + p] = (k[i][2p], k[i][2p+1]) (0 for an odd
 * last tap; kwp = ceil(kw / 2)), and one multiply-add of 16-bit pairs into
 * 32-bit sums (vpdpwssd with AVX512_VNNI, else vpmaddwd + vpaddd) does two
 * taps of 16 (AVX-512) or 8 (AVX2) outputs.  Every sum is an exact integer,
 * so the result does not depend on the order: it is the same as the
 * float32 path's (bit for bit) and the same on every ISA.
 *
 * Compiled once, in _direct's dispatch unit: the vector variants are
 * functions with a target attribute, picked at run time from the ISA in
 * use (fc_dispatch.c) and a CPU check for VNNI.
 */
#ifndef FC_PAIRS_H
#define FC_PAIRS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of one thread's buffer for units of at most rows x cols outputs. */
size_t fc_pairs_buf_bytes(ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t kh, ptrdiff_t kwp);

/* One unit (see above); buf: fc_pairs_buf_bytes(rows, cols, kh, kwp) bytes
   (or more), 64-byte aligned; stream: the output's whole vectors written
   with streaming stores (vector loops only; an sfence after them). */
void fc_pairs_unit(int32_t *out, ptrdiff_t ldo, ptrdiff_t rows, ptrdiff_t cols,
                   const void *src, int src_code, ptrdiff_t lds, ptrdiff_t ny, ptrdiff_t nx,
                   ptrdiff_t r0, ptrdiff_t c0, const uint32_t *kp, ptrdiff_t kh,
                   ptrdiff_t kwp, int fill, int stream, void *buf);

/* The loop variant in use: 0 scalar, 1 AVX2 (vpmaddwd), 2 AVX-512BW
   (vpmaddwd), 3 AVX512_VNNI (vpdpwssd): the best the ISA in use (and the
   CPU) allows, or `variant` when that is allowed (tests; -1: automatic).
   Returns the variant in use. */
int fc_pairs_select(int variant);

#endif
