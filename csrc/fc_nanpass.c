/* nanconvolve's element-wise passes: see fc_nanpass.h. */
#include <float.h>
#include <math.h>
#include "fc_nanpass.h"

ptrdiff_t fc_nan_split(const double *a, const unsigned char *mask, ptrdiff_t n,
                       double *d, double *v, int *nonfinite)
{
    ptrdiff_t bad = 0;
    int inf = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        const double x = a[i];
        const int invalid = (x != x) | (mask ? mask[i] != 0 : 0);
        const double di = invalid ? 0.0 : x;
        d[i] = di;
        v[i] = invalid ? 0.0 : 1.0;
        inf |= fabs(di) > DBL_MAX;
        bad += invalid;
    }
    *nonfinite = inf;
    return bad;
}

ptrdiff_t fc_nan_divide(double *top, const double *weight, ptrdiff_t n, double scale,
                        double tau)
{
    ptrdiff_t doubt = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        const double w = weight[i];
        top[i] = top[i] / w * scale;
        doubt += fabs(w) <= tau;
    }
    return doubt;
}
