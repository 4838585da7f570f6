/* fc_sep_avx512.c - the separable passes with the avx512 instruction set, x86-64
   only.  The instruction set comes from a target pragma (no build flags);
   fc_sep.c calls this variant only on a CPU that has it. */
#include <stddef.h>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")
#endif
#define FC_SEP_HAVE_VARIANT 1
#define SEP_ISA avx512
#define SEP_VBYTES 64
#include "fc_sep_all.h"
#ifdef __clang__
#pragma clang attribute pop
#endif
#endif
