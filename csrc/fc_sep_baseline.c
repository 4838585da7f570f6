/* fc_sep_baseline.c - the separable passes with 16-byte vectors (SSE2 on
   x86-64, NEON on arm64): runs on every CPU. */
#define SEP_ISA baseline
#define SEP_VBYTES 16
#include "fc_sep_all.h"
