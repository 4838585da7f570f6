"""nanconvolve's element-wise passes (csrc/fc_nanpass.c): split the data
into (data with invalid samples -> 0, validity) in one pass, and divide by
the weights while counting the doubtful ones.  Arrays are C-contiguous
float64 (checked by the caller)."""

cdef extern from "fc_nanpass.h" nogil:
    Py_ssize_t fc_nan_split(const double *a, const unsigned char *mask, Py_ssize_t n,
                            double *d, double *v, int *nonfinite)
    Py_ssize_t fc_nan_divide(double *top, const double *weight, Py_ssize_t n,
                             double scale, double tau)


def nan_split(const double[::1] a, const unsigned char[::1] mask, double[::1] d,
              double[::1] v):
    """(number of invalid samples, a valid sample is +-inf); mask may be None."""
    cdef int nonfinite = 0
    cdef Py_ssize_t bad
    cdef const unsigned char *m = &mask[0] if mask is not None else NULL
    with nogil:
        bad = fc_nan_split(&a[0], m, a.shape[0], &d[0], &v[0], &nonfinite)
    return bad, bool(nonfinite)


def nan_divide(double[::1] top, const double[::1] weight, double scale, double tau):
    """top = top / weight * scale in place; the number of |weight| <= tau."""
    cdef Py_ssize_t doubt
    with nogil:
        doubt = fc_nan_divide(&top[0], &weight[0], top.shape[0], scale, tau)
    return doubt
