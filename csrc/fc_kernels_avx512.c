/* AVX-512F: 64-byte vectors, 32 registers.  Real: 6 rows x 4 vectors = 24
   accumulators + 4 inputs + 1 tap; float: 4 rows x 6 vectors (its 16-lane
   vectors make a 6-row block read 8-12 input rows at once, which an image
   whose rows are a power of two of bytes apart (2048 floats) maps to one
   8-way L1 set: 4 x 6 measured 6-11% faster on 2048^2 3x3..7x7, the same
   on other widths); double too: 4 x 6 measured 5-25% faster than 6 x 4
   on 1024^2 and 2048^2 float64 3x3 .. 31x31 (the integers keep 6 x 4);
   complex: 4 x 3.  Compiled with -mavx512f -mavx512vl
   -mavx512bw -mavx512dq -mfma (BW: whole-register 8/16-bit integer lanes;
   DQ: 64-bit integer multiply). */
#define FC_ISA avx512
#define FC_VBYTES 64
#define FC_R 6
#define FC_C 4
#define FC_R32 4
#define FC_C32 6
#define FC_RF64 4
#define FC_CF64 6
#define FC_CR 4
#define FC_CC 3
#define FC_C1 8
#define FC_CC1 6
#define FC_TILE 4096
/* Unrolled width copies (fc_simd_unit.h's FC_COPIES): kept where the
   copy was measured >= 5% faster than the generic loop (2048^2 'same';
   complex 1024^2; generic time / copy time): float32 5x5 1.07 (3x3 1.01,
   7x7 1.02: dropped); float64 3x3 1.09, 5x5 1.14 (7x7 0.93: dropped);
   complex64 / complex128 5x5 1.07 / 1.06; uint8 3x3 1.07; int16 3x3
   0.97, int32/int64 not measured: none. */
#define FC_COPIES_F32 (1 << 5)
#define FC_COPIES_F64 ((1 << 3) | (1 << 5))
#define FC_COPIES_C64 (1 << 5)
#define FC_COPIES_C128 (1 << 5)
#define FC_COPIES_U8 (1 << 3)
#define FC_COPIES_U16 0
#define FC_COPIES_UWIDE 0
/* long single rows (maxlag windows): groups of 8-10 output vectors */
#define FC_LONG_MIN 8
#define FC_LONG_MAX 10
/* the width copies' tap loops unrolled whole (fc_simd_impl.h's
   FC_UNROLL_MAX; generic widths by 2): 1024^2 63x5 float64 1.15-1.19x,
   float32 1.16x, 2048^2 5x5 1.04-1.06x (against the loop rolled: GCC did
   not unroll the copies' 4 x 6 block by itself); a 9-tap copy unrolled
   whole measured 0.85x: none */
#define FC_UNROLL_MAX 8
/* wide kernels (15+ taps or rows) of real types through lane segments
   (fc_wide_impl.h): aligned loads only in the tap loop */
#ifndef FC_SEG_ON
#define FC_SEG_ON 1
#endif
/* streaming stores (whole aligned vectors; b->stream) */
#include <immintrin.h>
#define FC_STREAM(p, v) _mm512_stream_si512((__m512i *)(void *)(p), (__m512i)(v))
#define FC_STREAM_FENCE() _mm_sfence()
/* masked loads (zeros in the lanes off the mask m, one bit per scalar,
   and no fault there): the zero-filled edge vectors (fc_simd_impl.h) */
#define FC_MLOAD(p, m)                                                          \
    (sizeof(*(p)) == 8   ? _mm512_maskz_loadu_epi64((__mmask8)(m), (p))         \
     : sizeof(*(p)) == 4 ? _mm512_maskz_loadu_epi32((__mmask16)(m), (p))        \
     : sizeof(*(p)) == 2 ? _mm512_maskz_loadu_epi16((__mmask32)(m), (p))        \
                         : _mm512_maskz_loadu_epi8((__mmask64)(m), (p)))
#include "fc_simd_unit.h"
