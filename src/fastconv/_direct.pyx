"""Direct-method core: one operation for every public function.

``correlate_window`` computes, for an N-D input ``x`` and kernel ``k``
(both C-contiguous, same work dtype), the output window

    out[y] += sum_j k[j] * X(y + s + j)          (y, j, s are N-D indices)

where ``X`` reads ``x`` through a boundary rule (csrc/fc_boundary.h) and
``s`` is the per-axis start offset.  Convolution, correlation, modes, argument
swaps and conjugation are arithmetic done by the Python layer (_api.py) before
this call; this module trusts its inputs and never raises for user input.

Work is split over output rows (all axes but the last): each output row is
computed by one thread, summing kernel rows in a fixed order and, within a
kernel row, taps in increasing order, so the result is bit-identical for any
thread count.  Along a row, the interior (all taps inside the input) runs an
unchecked "one tap broadcast over a tile of outputs" loop; only the border
outputs fold indices.  No padded copy of the input is made.
"""
from cython.parallel cimport prange
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t

cdef extern from "fc_boundary.h" nogil:
    int64_t fc_fold(int64_t i, int64_t n, int mode)
    int FC_FILL

cdef enum:
    MAXDIM = 64
    # Outputs per tile: the tile of outputs and the input it reads stay in L1.
    TILE = 1024

ctypedef fused T:
    uint8_t
    uint16_t
    uint32_t
    uint64_t
    float
    double
    long double
    float complex
    double complex
    long double complex


cdef struct Geometry:
    int ndim                 # >= 1
    int mode                 # FC_FILL, FC_WRAP, ...
    int64_t n_out_rows       # product of the output's leading dims
    int64_t n_ker_rows       # product of the kernel's leading dims
    int64_t xshape[MAXDIM]
    int64_t kshape[MAXDIM]
    int64_t oshape[MAXDIM]
    int64_t start[MAXDIM]    # s per axis
    int64_t xstride[MAXDIM]  # element strides of x (C order)


cdef inline T _mul(T a, T b) noexcept nogil:
    # uint16 * uint16 promotes to (signed) int in C and may overflow: widen.
    if T is uint16_t:
        return <uint16_t>(<uint32_t>a * <uint32_t>b)
    else:
        return a * b


cdef void _row(T* out, int64_t nx, const T* xrow, int64_t n, const T* krow,
               int64_t m, int64_t s, int mode, T fill, bint outside) noexcept nogil:
    """out[x] += sum_j krow[j] * X(x + s + j) for x in [0, nx)."""
    cdef int64_t x, j, lo, hi, t0, t1
    cdef T acc, w
    cdef const T* src
    if outside:                       # the whole input row is fill
        if fill == 0:
            return
        for x in range(nx):
            acc = out[x]
            for j in range(m):
                acc = acc + _mul(krow[j], fill)
            out[x] = acc
        return
    # interior: 0 <= x + s and x + s + m - 1 <= n - 1
    lo = -s if s < 0 else 0
    if lo > nx:
        lo = nx
    hi = n - m + 1 - s
    if hi > nx:
        hi = nx
    if hi < lo:
        hi = lo
    t0 = lo
    while t0 < hi:
        t1 = t0 + TILE
        if t1 > hi:
            t1 = hi
        for j in range(m):
            w = krow[j]
            src = xrow + s + j
            for x in range(t0, t1):
                out[x] = out[x] + _mul(w, src[x])
        t0 = t1
    _border(out, 0, lo, xrow, n, krow, m, s, mode, fill)
    _border(out, hi, nx, xrow, n, krow, m, s, mode, fill)


cdef void _border(T* out, int64_t x0, int64_t x1, const T* xrow, int64_t n,
                  const T* krow, int64_t m, int64_t s, int mode, T fill) noexcept nogil:
    """Outputs x in [x0, x1) whose taps may fall outside the input."""
    cdef int64_t x, j, i, jlo, jhi
    cdef T acc
    for x in range(x0, x1):
        acc = out[x]
        if mode == FC_FILL and fill == 0:
            # only taps that land inside the input contribute
            jlo = -(x + s)
            if jlo < 0:
                jlo = 0
            jhi = n - x - s
            if jhi > m:
                jhi = m
            for j in range(jlo, jhi):
                acc = acc + _mul(krow[j], xrow[x + s + j])
        else:
            for j in range(m):
                i = fc_fold(x + s + j, n, mode)
                if i < 0:
                    acc = acc + _mul(krow[j], fill)
                else:
                    acc = acc + _mul(krow[j], xrow[i])
        out[x] = acc


cdef void _out_row(T* out, const T* x, const T* k, const Geometry* g,
                   int64_t r, T fill) noexcept nogil:
    """Accumulate every kernel row into output row `r`."""
    cdef int L = g.ndim - 1
    cdef int64_t oi[MAXDIM]
    cdef int64_t kj[MAXDIM]
    cdef int64_t tmp, q, xoff, i, mi
    cdef int d
    cdef bint outside
    cdef int64_t nx = g.oshape[L]
    cdef int64_t n = g.xshape[L]
    cdef int64_t m = g.kshape[L]
    tmp = r
    for d in range(L - 1, -1, -1):
        oi[d] = tmp % g.oshape[d]
        tmp = tmp // g.oshape[d]
    for d in range(L):
        kj[d] = 0
    for q in range(g.n_ker_rows):
        xoff = 0
        outside = False
        for d in range(L):
            i = oi[d] + g.start[d] + kj[d]
            mi = fc_fold(i, g.xshape[d], g.mode)
            if mi < 0:
                outside = True
                break
            xoff = xoff + mi * g.xstride[d]
        _row(out + r * nx, nx, x + xoff, n, k + q * m, m, g.start[L], g.mode,
             fill, outside)
        # odometer step over the kernel's leading index
        for d in range(L - 1, -1, -1):
            kj[d] += 1
            if kj[d] < g.kshape[d]:
                break
            kj[d] = 0


def correlate_window(const T[::1] x, xshape, const T[::1] k, kshape, T[::1] out, oshape,
                     starts, int mode, const T[::1] fill, int nthreads=1):
    """out[y] += sum_j k[j] * X(y + starts + j) over N-D C-contiguous arrays.

    All arrays are flat views of C-contiguous arrays with the given shapes
    (every extent >= 1, len(shape) <= 64); `fill` holds one element (the
    fill value, used only when ``mode == FC_FILL``).  `out` must be zeroed
    (or hold values to accumulate onto).  Runs without the GIL.
    """
    cdef Geometry g
    cdef int d
    cdef int64_t r, stride
    cdef T fv = fill[0]
    cdef int ndim = len(xshape)
    g.ndim = ndim
    g.mode = mode
    for d in range(ndim):
        g.xshape[d] = xshape[d]
        g.kshape[d] = kshape[d]
        g.oshape[d] = oshape[d]
        g.start[d] = starts[d]
    stride = 1
    for d in range(ndim - 1, -1, -1):
        g.xstride[d] = stride
        stride *= g.xshape[d]
    g.n_out_rows = 1
    g.n_ker_rows = 1
    for d in range(ndim - 1):
        g.n_out_rows *= g.oshape[d]
        g.n_ker_rows *= g.kshape[d]
    cdef T* po = &out[0]
    cdef const T* px = &x[0]
    cdef const T* pk = &k[0]
    if nthreads > 1 and g.n_out_rows > 1:
        for r in prange(g.n_out_rows, nogil=True, num_threads=nthreads,
                        schedule="static"):
            _out_row(po, px, pk, &g, r, fv)
    else:
        with nogil:
            for r in range(g.n_out_rows):
                _out_row(po, px, pk, &g, r, fv)
