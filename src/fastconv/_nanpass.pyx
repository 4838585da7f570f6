"""nanconvolve's element-wise passes (csrc/fc_nanpass.c): split the data
into (data with invalid samples -> 0, where the invalid samples are) in one
pass; divide by the weights while counting the doubtful ones,
the weights given densely or as a kernel sum less sparse deficits.  Arrays
are C-contiguous (checked by the caller)."""
from libc.stdint cimport int64_t

cdef extern from "fc_nanpass.h" nogil:
    Py_ssize_t fc_nan_split(const double *a, const unsigned char *mask, Py_ssize_t n,
                            double *d, int64_t *idx, Py_ssize_t cap, int *nonfinite)
    int fc_nan_split_select(int isa)
    Py_ssize_t fc_nan_divide(double *top, const double *weight, Py_ssize_t n,
                             double scale, double tau)
    Py_ssize_t fc_nan_reweight(double *top, int ndim, const Py_ssize_t *shape,
                               const double *k, const Py_ssize_t *kshape,
                               const int64_t *origins, Py_ssize_t npts, double wsum,
                               double scale, double tau, double *buf, Py_ssize_t bufsize,
                               int64_t *doubt, Py_ssize_t doubt_cap)

cdef enum:
    MAXDIM = 32     # (FC_NAN_MAXDIM)


def select_isa(name):
    """nan_split's instruction set `name` ('baseline', 'avx2', 'avx512'),
    which the caller has checked this CPU has (_direct.isa_name())."""
    return fc_nan_split_select({"avx2": 1, "avx512": 2}.get(name, 0))


def nan_split(const double[::1] a, const unsigned char[::1] mask, double[::1] d,
              int64_t[::1] idx):
    """d = a with the invalid samples (NaN or masked) set to 0; returns
    (number of invalid samples, a valid sample is +-inf).  The flat indices
    of the first len(idx) invalid samples go to idx.  mask may be None; d
    None: only the list and the counts."""
    cdef int nonfinite = 0
    cdef Py_ssize_t bad
    if a.shape[0] == 0:     # (no &a[0] of an empty array: the bounds-checked build)
        return 0, False
    cdef double *dp = &d[0] if d is not None else NULL
    cdef const unsigned char *m = &mask[0] if mask is not None else NULL
    cdef int64_t *ip = &idx[0] if idx is not None and idx.shape[0] else NULL
    cdef Py_ssize_t cap = idx.shape[0] if ip != NULL else 0
    with nogil:
        bad = fc_nan_split(&a[0], m, a.shape[0], dp, ip, cap, &nonfinite)
    return bad, bool(nonfinite)


def nan_divide(double[::1] top, const double[::1] weight, double scale, double tau):
    """top = top / weight * scale in place; the number of |weight| <= tau."""
    cdef Py_ssize_t doubt
    if top.shape[0] == 0:
        return 0
    with nogil:
        doubt = fc_nan_divide(&top[0], &weight[0], top.shape[0], scale, tau)
    return doubt


def nan_reweight(top, kernel, const int64_t[:, ::1] origins, double wsum, double scale,
                 double tau, double[::1] buf, int64_t[::1] doubt):
    """top = top / (wsum - deficits) * scale in place (fc_nan_reweight):
    top and kernel C-contiguous float64 of one ndim, origins (npts, ndim)
    sorted by the first column.  Returns the number of doubtful outputs,
    the first len(doubt) of them written to doubt."""
    cdef double[::1] t = top.reshape(-1)
    cdef const double[::1] k = kernel.reshape(-1)
    cdef int ndim = top.ndim
    cdef Py_ssize_t shape[MAXDIM]
    cdef Py_ssize_t kshape[MAXDIM]
    cdef Py_ssize_t nd, npts = origins.shape[0]
    cdef int i
    if ndim > MAXDIM or kernel.ndim != ndim or (npts and origins.shape[1] != ndim):
        raise ValueError("nan_reweight: top, kernel and origins must have one ndim")
    for i in range(ndim):
        shape[i] = top.shape[i]
        kshape[i] = kernel.shape[i]
    cdef const int64_t *op = &origins[0, 0] if npts else NULL
    cdef int64_t *dp = &doubt[0] if doubt.shape[0] else NULL
    with nogil:
        nd = fc_nan_reweight(&t[0], ndim, shape, &k[0], kshape, op, npts, wsum, scale,
                             tau, &buf[0], buf.shape[0], dp, doubt.shape[0])
    return nd
