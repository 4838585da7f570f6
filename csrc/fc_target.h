/* fc_target.h - FC_TARGET_PUSH("avx2") ... FC_TARGET_POP: the functions
 * between compiled for an instruction set by a target pragma (x86-64 with
 * GCC or Clang; no build flags), for a file's per-ISA variants. */
#ifndef FC_TARGET_H
#define FC_TARGET_H
#define FC_PRAGMA_(x) _Pragma(#x)
#ifdef __clang__
#define FC_TARGET_PUSH(t) \
    FC_PRAGMA_(clang attribute push(__attribute__((target(t))), apply_to = function))
#define FC_TARGET_POP FC_PRAGMA_(clang attribute pop)
#else
#define FC_TARGET_PUSH(t) FC_PRAGMA_(GCC push_options) FC_PRAGMA_(GCC target(t))
#define FC_TARGET_POP FC_PRAGMA_(GCC pop_options)
#endif
#endif
