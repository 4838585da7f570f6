/* fc_sep_avx2.c - the separable passes with the avx2 instruction set, x86-64
   only.  The instruction set comes from a target pragma (no build flags);
   fc_sep.c calls this variant only on a CPU that has it. */
#include <stddef.h>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(_M_X64))
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#define FC_SEP_HAVE_VARIANT 1
#define SEP_ISA avx2
#define SEP_VBYTES 32
#include "fc_sep_all.h"
#ifdef __clang__
#pragma clang attribute pop
#endif
#endif
