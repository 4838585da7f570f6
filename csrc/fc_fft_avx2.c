/* fc_fft_avx2.c - the FFT engine with 32-byte vectors, x86-64 only.  The
   instruction set comes from a target pragma (the build needs no special
   flags); fc_fft.c calls this variant only on a CPU that has it. */
#include <stddef.h>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#define FF_ISA avx2
#define FF_VBYTES 32
#include "fc_fft_all.h"
#ifdef __clang__
#pragma clang attribute pop
#endif
#endif
