/* fc_fft_all.h - the FFT engine (fc_fft_impl.h) for float and double, for
   the instruction set of the including file (FF_ISA, FF_VBYTES set). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "fc_aligned.h"
#include "fc_fft.h"
#include "fc_runs.h"
#include "fc_team.h"

/* the steps of a run on the worker team (fc_fft_impl.h: FF(job)) */
enum { FF_STEP_FRESH, FF_STEP_LINES, FF_STEP_AXIS, FF_STEP_AXIS0, FF_STEP_GROUPS };

#define FF_T float
#define FF_TN f32
#define FF_TSIZE 4
#include "fc_fft_impl.h"
#undef FF_T
#undef FF_TN
#undef FF_TSIZE

#define FF_T double
#define FF_TN f64
#define FF_TSIZE 8
#include "fc_fft_impl.h"
#undef FF_T
#undef FF_TN
#undef FF_TSIZE
