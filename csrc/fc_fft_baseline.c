/* fc_fft_baseline.c - the FFT engine with 16-byte vectors (SSE2 on x86-64,
   NEON on arm64): runs on every CPU. */
#define FF_ISA baseline
#define FF_VBYTES 16
#include "fc_fft_all.h"
