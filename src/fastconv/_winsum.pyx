"""Box (all-ones window) sums in float64 (csrc/fc_winsum.c).

``row_sums`` slides a window of ``m`` samples along the last axis of a 2-D
array (sums of ``x - c`` and optionally of ``(x - c)**2``); ``col_sums``
slides one along the middle axis of a 3-D float64 array, a whole row vector
at a time.  Applied axis after axis they give N-D box sums in O(1) per
output and axis, whatever the window.

Each window is the sum of a suffix of one block of ``m`` samples and a
prefix of the next, so it sums only its own samples (no running
subtraction): a window of zeros gives exactly 0 and the error is at most
``2 m u sum(|samples of the window|)`` per axis (``u = 2**-53``), whatever
the length of the array.

Kernels trust their inputs (shapes, lengths and contiguity are checked in
Python).
"""

import numpy as np

cdef extern from "fc_winsum.h" nogil:
    void fc_row_sums_u8(const unsigned char *x, Py_ssize_t rows, Py_ssize_t len,
                        Py_ssize_t m, double c, double *s1, double *s2,
                        double *scratch)
    void fc_row_sums_f32(const float *x, Py_ssize_t rows, Py_ssize_t len,
                         Py_ssize_t m, double c, double *s1, double *s2,
                        double *scratch)
    void fc_row_sums_f64(const double *x, Py_ssize_t rows, Py_ssize_t len,
                         Py_ssize_t m, double c, double *s1, double *s2,
                        double *scratch)
    void fc_col_sums(const double *a, Py_ssize_t outer, Py_ssize_t len,
                     Py_ssize_t inner, Py_ssize_t m, double *out,
                     double *scratch)

ctypedef fused real_in:
    unsigned char
    float
    double


def row_sums(const real_in[:, ::1] x, Py_ssize_t m, double c,
             double[:, ::1] s1, double[:, ::1] s2, bint squares):
    """s1[r, i] = sum_{j<m} (x[r, i+j] - c); s2 likewise of the squares
    (only when `squares`).  s1, s2 have x.shape[1] - m + 1 columns."""
    cdef Py_ssize_t rows = x.shape[0], length = x.shape[1]
    cdef double *p2 = &s2[0, 0] if squares else NULL
    cdef double[::1] scratch = np.empty(2 * m)
    if rows == 0 or s1.shape[1] == 0:
        return
    with nogil:
        if real_in is float:
            fc_row_sums_f32(&x[0, 0], rows, length, m, c, &s1[0, 0], p2, &scratch[0])
        elif real_in is double:
            fc_row_sums_f64(&x[0, 0], rows, length, m, c, &s1[0, 0], p2, &scratch[0])
        else:
            fc_row_sums_u8(&x[0, 0], rows, length, m, c, &s1[0, 0], p2, &scratch[0])


def col_sums(const double[:, :, ::1] a, Py_ssize_t m, double[:, :, ::1] out):
    """out[p, i, q] = sum_{j<m} a[p, i+j, q] (out has a.shape[1] - m + 1 rows)."""
    if out.shape[0] == 0 or out.shape[1] == 0 or out.shape[2] == 0:
        return
    cdef double[::1] scratch = np.empty((m + 1) * a.shape[2])
    with nogil:
        fc_col_sums(&a[0, 0, 0], a.shape[0], a.shape[1], a.shape[2], m, &out[0, 0, 0],
                    &scratch[0])


cdef extern from "fc_ncc2d.h" nogil:
    int fc_ncc2d_select(int isa)
    Py_ssize_t fc_ncc2d_scratch(Py_ssize_t m0, Py_ssize_t m1, Py_ssize_t w)
    void fc_ncc2d_f32(const float *x, Py_ssize_t h, Py_ssize_t w, Py_ssize_t m0,
                      Py_ssize_t m1, double c, const float *num, double tvar, double tol,
                      float *out, double *scratch)
    void fc_ncc2d_f64(const double *x, Py_ssize_t h, Py_ssize_t w, Py_ssize_t m0,
                      Py_ssize_t m1, double c, const double *num, double tvar, double tol,
                      double *out, double *scratch)

ctypedef fused real_t:
    float
    double


def select_isa(name):
    """ncc2d's instruction set `name` ('baseline', 'avx2', 'avx512'), which
    the caller has checked this CPU has (_direct.isa_name())."""
    return fc_ncc2d_select({"avx2": 1, "avx512": 2}.get(name, 0))


def ncc2d(const real_t[:, ::1] x, Py_ssize_t m0, Py_ssize_t m1, double c,
          const real_t[:, ::1] num, double tvar, double tol, real_t[:, ::1] out):
    """2-D match_template's normalisation (see csrc/fc_ncc2d.h): out from the
    numerator `num` and the m0 x m1 window sums of x - c."""
    cdef Py_ssize_t w = x.shape[1]
    if out.shape[0] == 0 or out.shape[1] == 0:
        return
    cdef double[::1] scratch = np.empty(fc_ncc2d_scratch(m0, m1, w))
    with nogil:
        if real_t is float:
            fc_ncc2d_f32(&x[0, 0], x.shape[0], w, m0, m1, c, &num[0, 0], tvar, tol,
                         &out[0, 0], &scratch[0])
        else:
            fc_ncc2d_f64(&x[0, 0], x.shape[0], w, m0, m1, c, &num[0, 0], tvar, tol,
                         &out[0, 0], &scratch[0])
