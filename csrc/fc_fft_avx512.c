/* fc_fft_avx512.c - the FFT engine with 64-byte vectors, x86-64 only.  The
   instruction set comes from a target pragma (the build needs no special
   flags); fc_fft.c calls this variant only on a CPU that has it. */
#include <stddef.h>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512dq,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512vl,avx512dq,fma")
#endif
#define FF_ISA avx512
#define FF_VBYTES 64
#include "fc_fft_all.h"
#ifdef __clang__
#pragma clang attribute pop
#endif
#endif
