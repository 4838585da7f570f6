"""Direct-method core: one operation for every public function.

``correlate_window`` computes, for an N-D input ``x`` and kernel ``k``
(both C-contiguous, same work dtype, ndim >= 2), the output window

    out[y] = sum_j k[j] * X(y + s + j)           (y, j, s are N-D indices)

where ``X`` reads ``x`` through a boundary rule (csrc/fc_boundary.h) and
``s`` is the per-axis start offset.  Convolution, correlation, modes, argument
swaps and conjugation are arithmetic done by the Python layer before this
call; this module trusts its inputs and never raises for user input.

Geometry: the last two axes are rows (Y) and columns (X) of "planes"; the
leading axes index planes.  The output is cut into work units (an output
plane x a block of rows x a block of columns) that threads share out; each
output is computed by one unit, summing kernel planes in order and, within a
plane, taps in (row, column) order, so the result does not depend on the
number of threads.  Inside a plane, the band of rows and columns whose taps
all fall inside the input goes to the SIMD micro-kernel (float32/float64,
csrc/fc_simd_impl.h) or to a tiled "one tap over many outputs" loop (other
dtypes); only border outputs fold indices.  No padded copy is ever made.
"""
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset
from cpython.pythread cimport (NOWAIT_LOCK, PyThread_acquire_lock, PyThread_allocate_lock,
                               PyThread_release_lock, PyThread_type_lock)

import numpy as np

cdef extern from "fc_boundary.h" nogil:
    int64_t fc_fold(int64_t i, int64_t n, int mode)
    int FC_FILL

cdef extern from "fc_kernels.h" nogil:
    # the SIMD micro-kernel's arguments (see fc_kernels.h)
    struct fc_band:
        void* out
        Py_ssize_t ldo
        const void* inp "in"
        Py_ssize_t ldi
        const void* k
        Py_ssize_t kh, kw, rows, cols
        int accumulate, stream
        Py_ssize_t edge_before, edge_after, row_start, done_before, done_after
        Py_ssize_t zero_before, zero_after, plane_rows
        void (*hook)(void*) noexcept nogil
        void* hook_ctx
    # element types (csrc/fc_types.h): FC_NONE or the one fc_type_for gives
    enum:
        FC_NONE, FC_K_REAL, FC_K_COMPLEX, FC_K_UINT
    int fc_type_for(int kind, size_t bytes)
    void fc_corr2d_valid(int type, fc_band* band)
    int fc_band_vector_bytes(int type, Py_ssize_t cols, Py_ssize_t kw, int edges, int* fills)
    # work-unit shapes, also used by _window.py
    enum:
        FC_UNIT_ROWS, FC_UNIT_MIN_COLS, FC_PAD_MIN_COLS
        FC_WIDE_KW, FC_WIDE_KH_MIN, FC_WIDE_KH_MAX, FC_WIDE_KH_ROWS
    Py_ssize_t FC_WIDE_F32_MIN_ROWS(Py_ssize_t kh, Py_ssize_t kw)
    int fc_select_isa(const char* requested)
    const char* fc_isa_name()
    const char* fc_isa_available()

cdef extern from "fc_row.h" nogil:
    # one kernel row over a run of outputs (float, double; border rows)
    void fc_row_f32(float* out, const float* inp, const float* k, Py_ssize_t m,
                    Py_ssize_t n)
    void fc_row_f64(double* out, const double* inp, const double* k, Py_ssize_t m,
                    Py_ssize_t n)

cdef extern from "fc_convert.h" nogil:
    # the element types' codes: rows (code, numpy kind as a char, itemsize)
    const int fc_cv_types[][3]
    enum: FC_CV_NTYPES
    int fc_cv_is_work(int code)
    # per-unit conversions (input rows into the work type, output in place)
    void fc_convert_rows(void* dst, Py_ssize_t ldd, int work_code, const void* src,
                         Py_ssize_t lds, int src_code, Py_ssize_t rows, Py_ssize_t cols)
    void fc_cast_inplace(void* p, Py_ssize_t ld, Py_ssize_t rows, Py_ssize_t cols,
                         int cast_code)

cdef extern from "fc_pairs.h" nogil:
    # exact integer units on int16 pairs (narrow integer x, int32 result)
    size_t fc_pairs_buf_bytes(Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t kh, Py_ssize_t kwp)
    void fc_pairs_unit(int32_t* out, Py_ssize_t ldo, Py_ssize_t rows, Py_ssize_t cols,
                       const void* src, int src_code, Py_ssize_t lds, Py_ssize_t ny,
                       Py_ssize_t nx, Py_ssize_t r0, Py_ssize_t c0, const uint32_t* kp,
                       Py_ssize_t kh, Py_ssize_t kwp, int fill, int stream, void* buf)
    int fc_pairs_select(int variant)

cdef extern from "fc_nanunit.h" nogil:
    # nanconvolve's sparse-weights route inside the units (float64)
    struct fc_nan_units:
        const int64_t* pts
        const int64_t* rowptr
        const int32_t* rowcnt
        Py_ssize_t rowcap, row0
        Py_ssize_t xrows
        const double* kf
        Py_ssize_t kh, kw
        double wsum, scale, tau
        int stream
        int64_t* doubt
        Py_ssize_t doubt_cap
        int64_t* ndoubt
    enum: FC_NAN_DEF_ROWS
    Py_ssize_t FC_NAN_KF_PITCH(Py_ssize_t kw)
    Py_ssize_t FC_NAN_DEF_PITCH(Py_ssize_t cols)
    struct fc_nan_pending:
        const double* top
        int active
    void fc_nan_start(fc_nan_pending* p, const fc_nan_units* u, double* out, Py_ssize_t ldo,
                      const double* top, Py_ssize_t ldt, Py_ssize_t y0, Py_ssize_t y1,
                      Py_ssize_t x0, Py_ssize_t x1, Py_ssize_t sy, Py_ssize_t sx,
                      Py_ssize_t ldx, double* row, int tid)
    void fc_nan_hook(void* ctx) noexcept
    void fc_nan_end(fc_nan_pending* p)

cdef extern from "fc_rowfft.h" nogil:
    # nanconvolve's sums by FFTs along the rows (float64, AVX-512)
    struct fc_rowfft:
        const double* x
        Py_ssize_t ldx, xrows, xcols
        int zero_nan
        int list_nan
        int* found
        double* out
        Py_ssize_t ldo, orows, ocols
        Py_ssize_t kh, kw, sy, sx
        const double* ksp
        Py_ssize_t chunk
        const fc_nan_units* nan
        char* const* bufs
    int fc_rowfft_available(Py_ssize_t kh, Py_ssize_t kw, Py_ssize_t ocols)
    size_t fc_rowfft_buf_bytes(const fc_rowfft* job)
    int64_t fc_rowfft_units(const fc_rowfft* job)
    void fc_rowfft_spectra(const double* k, Py_ssize_t kh, Py_ssize_t kw, double* ksp)
    void fc_rowfft_unit(const fc_rowfft* job, int64_t unit, int slot)

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    static int fc_omp_max_threads(void) { return omp_get_max_threads(); }
    static int fc_have_openmp(void) { return 1; }
    #else
    static int fc_omp_max_threads(void) { return 1; }
    static int fc_have_openmp(void) { return 0; }
    #endif
    """
    int fc_omp_max_threads() nogil
    int fc_have_openmp() nogil

cdef extern from *:
    """
    #include <time.h>
    static double fc_now(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
    }
    """
    double fc_now() nogil

cdef extern from "Python.h":
    # No `except` clause: the core decides itself when to stop.
    int PyErr_CheckSignals()

cdef extern from "fc_team.h" nogil:
    ctypedef void (*fc_team_unit_fn)(void* ctx, int64_t unit, int slot) noexcept nogil
    ctypedef int (*fc_team_poll_fn)(void* ctx) noexcept nogil
    int fc_team_run(fc_team_unit_fn fn, void* ctx, int64_t n, int nthreads,
                    fc_team_poll_fn poll)
    void fc_team_hold(int on)
    int fc_team_workers()
    int fc_team_threaded()


cdef int _raise_pending() except -1:
    """Propagate the exception a signal handler has set."""
    return -1


# Work units come in multiples of UNIT_ROWS rows (whole SIMD row blocks);
# a row split into column blocks gets blocks of at least UNIT_MIN_COLS
# columns; zero-filled edge columns by the SIMD kernel need a band of at
# least PAD_MIN_COLS columns (see correlate_window).
# csrc/fc_convert.h's element type codes: (numpy kind, itemsize) -> code,
# and the codes of the types it converts into (its work types)
CV_CODES = {(chr(fc_cv_types[i][1]), fc_cv_types[i][2]): fc_cv_types[i][0]
            for i in range(FC_CV_NTYPES)}
CV_WORK = frozenset(c for c in CV_CODES.values() if fc_cv_is_work(c))

UNIT_ROWS = FC_UNIT_ROWS
UNIT_MIN_COLS = FC_UNIT_MIN_COLS
PAD_MIN_COLS = FC_PAD_MIN_COLS
# float32 kernels of WIDE_KH_MIN..WIDE_KH_MAX rows of at least WIDE_KW taps
# want units of at least WIDE_KH_ROWS x kh rows (csrc/fc_kernels.h)
WIDE_KW = FC_WIDE_KW
WIDE_KH_MIN = FC_WIDE_KH_MIN
WIDE_KH_MAX = FC_WIDE_KH_MAX
WIDE_KH_ROWS = FC_WIDE_KH_ROWS

# Seconds between two checks for Ctrl-C (KeyboardInterrupt) during a call.
cdef double SIGNAL_CHECK_INTERVAL = 0.05

cdef enum:
    MAXDIM = 64
    # Outputs per tile of the generic loop: the tile and its input stay in L1.
    TILE = 1024
    # (border column, tap) pairs whose folded indices are tabulated per unit
    EDGE_TABLE = 2048

ctypedef float complex cfloat_t
ctypedef double complex cdouble_t
ctypedef long double longdouble_t
ctypedef long double complex clongdouble_t

ctypedef fused T:
    uint8_t
    uint16_t
    uint32_t
    uint64_t
    float
    double
    longdouble_t
    cfloat_t
    cdouble_t
    clongdouble_t


cdef struct Geometry:
    int ndim                 # >= 2; axes ndim-2 (Y) and ndim-1 (X) form a plane
    int mode                 # FC_FILL, FC_WRAP, ...
    bint stream              # the SIMD kernel may use streaming stores
    bint pad_edges           # the SIMD kernel may compute zero-filled edge columns
    bint pad_rows            # the SIMD kernel computes the border rows (zrows in _unit)
    int64_t n_ker_planes     # product of the kernel's leading extents
    int64_t rows_per_unit
    int64_t cols_per_unit
    int64_t n_row_blocks
    int64_t n_col_blocks
    # a unit of several whole planes (> 1, `_planes_unit`), else 1
    int64_t planes_per_unit
    int64_t n_out_planes
    int64_t xshape[MAXDIM]
    int64_t kshape[MAXDIM]
    int64_t oshape[MAXDIM]
    int64_t start[MAXDIM]    # s per axis
    int64_t xstride[MAXDIM]  # element strides of x (C order)
    int64_t kstride[MAXDIM]  # element strides of k (C order)
    # batch[d] (leading axes only): axis d is not summed over; output plane
    # index i reads x[i] and k[i], or index 0 where that array has extent 1
    # (broadcast).  The other leading axes are summed over, folding x's
    # index through the boundary rule.
    bint batch[MAXDIM]


cdef struct Convert:
    # Optional per-unit conversions (csrc/fc_convert.h; codes FC_CV_*):
    # src_code != 0: x is read from `src` (C-contiguous, x's shape, type
    # src_code, src_size bytes per element), each unit converting the rows
    # and columns it reads into its thread's buffer bufs[thread] (work type
    # work_code); cast_code != 0: each unit casts its output block in place
    # to that type once computed.
    # nan != NULL (float64, no src): nanconvolve's sparse weights
    # (csrc/fc_nanunit.h): each unit's sums go to its thread's block
    # tops[thread], then divided by their weights into out (rows[thread]:
    # FC_NAN_DEF_ROWS rows of deficits).
    const unsigned char* src
    int src_code
    size_t src_size
    int work_code
    int cast_code
    char** bufs
    # pairs != NULL: each unit runs fc_pairs_unit instead (csrc/fc_pairs.h):
    # x's rows widened to int16 pairs in bufs[thread], the taps packed in
    # pairs (kh x kwp per kernel plane), int32 sums written to the output
    # (the unit's whole block: no border code, no cast)
    const uint32_t* pairs
    int64_t kwp
    int pairs_fill
    const fc_nan_units* nan
    char** tops
    char** rows
    # (and the unit's division deferred into the thread's next unit, done
    # between its kernel's blocks: pend[thread], the sums of the two units
    # in tops[thread] and tops2[thread] in turn)
    char** tops2
    fc_nan_pending** pend


# ---------------------------------------------------------------- dispatch --

def select_isa(requested=None):
    """Select the micro-kernels' instruction set; return the name in use."""
    cdef bytes req = (requested or "").encode()
    fc_select_isa(req)
    return fc_isa_name().decode()


def wide_f32_min_rows(kh, kw):
    """The fewest rows a band of this float32 kernel needs for lane
    segments, 0 where no band does (csrc/fc_kernels.h,
    FC_WIDE_F32_MIN_ROWS)."""
    return int(FC_WIDE_F32_MIN_ROWS(kh, kw))


def nan_kf_pitch(kw):
    """The row pitch (doubles) of the shifted kernel copies that
    correlate_window's `nan` takes (csrc/fc_nanunit.h, FC_NAN_KF_PITCH)."""
    return int(FC_NAN_KF_PITCH(kw))


def isa_name():
    return fc_isa_name().decode()


def isa_available():
    return fc_isa_available().decode().split(",")


PAIRS_VARIANTS = ("scalar", "avx2", "avx512bw", "avx512vnni")


def select_pairs(requested=None):
    """The loop of the exact int16-pair units (csrc/fc_pairs.h): the named
    one when the ISA in use allows it, else the best it allows (None);
    returns the name in use."""
    v = PAIRS_VARIANTS.index(requested) if requested in PAIRS_VARIANTS else -1
    return PAIRS_VARIANTS[fc_pairs_select(v)]


cdef int _type_of(dt):
    """The micro-kernels' element type (csrc/fc_types.h) for work dtype
    `dt` (signed integers run as unsigned ones: the same wrapping bits), or
    FC_NONE."""
    kind = {"f": FC_K_REAL, "c": FC_K_COMPLEX, "u": FC_K_UINT, "i": FC_K_UINT}.get(dt.kind, -1)
    return fc_type_for(kind, dt.itemsize) if kind >= 0 else FC_NONE


def band_vector_bytes(dtype, cols, kw, edges):
    """(bytes per vector of the kernel that computes a band of `cols`
    columns of work `dtype` for a kernel `kw` wide, with zero-filled edge
    columns (`edges`) or without, whether the band's columns between its
    edges fill one of its vectors): csrc/fc_dispatch.c's rule, where an
    integer band too narrow for the instruction set in use runs in a
    narrower one's kernel.  (0, False) where no SIMD kernel takes `dtype`."""
    cdef int fills = 0
    vb = fc_band_vector_bytes(_type_of(np.dtype(dtype)), cols, kw, bool(edges), &fills)
    return int(vb), bool(fills)


def edge_columns(dtype, kh, kw, cols, before, after):
    """(done_before, done_after): how many zero-filled edge columns the
    SIMD kernel in use computes itself (csrc/fc_kernels.h) for a band of
    `cols` columns of a kh x kw kernel plane of `dtype` with `before` /
    `after` border columns allowed (the row's whole borders: the band
    starts `before` columns into its row); (0, 0) without a kernel.  Asked
    of the kernel with no rows (it computes nothing then)."""
    cdef fc_band band
    cdef double dummy[8]
    cdef int t = _type_of(np.dtype(dtype))
    memset(&band, 0, sizeof(band))
    band.out = dummy
    band.inp = dummy
    band.k = dummy
    band.kh = kh
    band.kw = kw
    band.cols = cols
    band.ldo = band.ldi = cols + before + after
    band.edge_before = before
    band.edge_after = after
    band.row_start = before
    fc_corr2d_valid(t, &band)
    return int(band.done_before), int(band.done_after)


def openmp_info():
    """(built with OpenMP, omp_get_max_threads())."""
    return bool(fc_have_openmp()), int(fc_omp_max_threads())


def threaded():
    """True when calls can run on more than the caller's thread (the worker
    team, csrc/fc_team.h: POSIX threads, or OpenMP without them)."""
    return bool(fc_team_threaded())


import os as _os
select_isa(_os.environ.get("FASTCONV_ISA"))


# ------------------------------------------------------------------ kernels --

cdef inline T _mul(T a, T b) noexcept nogil:
    # uint16 * uint16 promotes to (signed) int in C and may overflow: widen.
    if T is uint16_t:
        return <uint16_t>(<uint32_t>a * <uint32_t>b)
    else:
        return a * b


cdef inline int _simd_type(const T* p) noexcept nogil:
    """The micro-kernel's element type for T (csrc/fc_types.h), or FC_NONE
    (long double has no SIMD kernel): a constant for the C compiler."""
    if T is cfloat_t or T is cdouble_t or T is clongdouble_t:
        return fc_type_for(FC_K_COMPLEX, sizeof(T))
    elif T is float or T is double or T is longdouble_t:
        return fc_type_for(FC_K_REAL, sizeof(T))
    return fc_type_for(FC_K_UINT, sizeof(T))


cdef void _row(T* out, int64_t x0, int64_t x1, const T* xrow, int64_t n,
               const T* krow, int64_t m, int64_t s, int mode, T fill,
               bint outside) noexcept nogil:
    """out[x] += sum_j krow[j] * X(x + s + j) for x in [x0, x1).

    `outside`: the whole input row is fill.
    """
    cdef int64_t x, j, lo, hi, t0, t1
    cdef T acc, w
    cdef const T* src
    if outside:
        if fill == 0:
            return
        for x in range(x0, x1):
            acc = out[x]
            for j in range(m):
                acc = acc + _mul(krow[j], fill)
            out[x] = acc
        return
    # interior: 0 <= x + s and x + s + m - 1 <= n - 1, clipped to [x0, x1)
    lo = -s if -s > x0 else x0
    if lo > x1:
        lo = x1
    hi = n - m + 1 - s
    if hi > x1:
        hi = x1
    if hi < lo:
        hi = lo
    t0 = lo
    if T is float:    # (the same sums, outputs in registers: fc_row.h)
        if hi > lo:
            fc_row_f32(out + lo, xrow + s + lo, krow, m, hi - lo)
        t0 = hi
    elif T is double:
        if hi > lo:
            fc_row_f64(out + lo, xrow + s + lo, krow, m, hi - lo)
        t0 = hi
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
    _border(out, x0, lo, xrow, n, krow, m, s, mode, fill)
    _border(out, hi, x1, xrow, n, krow, m, s, mode, fill)


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


cdef void _plane_rows(T* oplane, const T* xplane, const T* kplane,
                      const Geometry* g, int64_t y0, int64_t y1, int64_t x0,
                      int64_t x1, T fill, bint outside) noexcept nogil:
    """Rows [y0, y1) x columns [x0, x1) of one output plane, one kernel plane,
    row by row with boundary folding along Y."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int64_t nx = g.oshape[X]
    cdef int64_t kh = g.kshape[Y]
    cdef int64_t kw = g.kshape[X]
    cdef int64_t y, i, iy
    for y in range(y0, y1):
        for i in range(kh):
            if outside:
                iy = -1
            else:
                iy = fc_fold(y + g.start[Y] + i, g.xshape[Y], g.mode)
            _row(oplane + y * nx, x0, x1,
                 xplane + (iy if iy > 0 else 0) * g.xstride[Y], g.xshape[X],
                 kplane + i * kw, kw, g.start[X], g.mode, fill, iy < 0)


cdef void _band_edges(T* oplane, const T* xplane, const T* kplane,
                      const Geometry* g, int64_t y0, int64_t y1, int64_t x0,
                      int64_t x1, int64_t xlo, int64_t xhi, T fill) noexcept nogil:
    """Columns [x0, xlo) and [xhi, x1) of the band rows [y0, y1) (every kernel
    row inside the input), one kernel plane: the border columns next to the
    SIMD band.  The folded column index of every (column, tap) is the same
    for all rows, so it is tabulated once; each output then sums its taps in
    (row, column) order, as `_border` does."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int64_t nx = g.oshape[X], n = g.xshape[X], ldi = g.xstride[Y]
    cdef int64_t kh = g.kshape[Y], kw = g.kshape[X]
    cdef int64_t sy = g.start[Y], sx = g.start[X]
    cdef int64_t nleft = xlo - x0
    cdef int64_t ncols = nleft + (x1 - xhi)
    cdef int64_t tab[EDGE_TABLE]
    cdef int64_t y, i, j, c, xc, t
    cdef T a0, a1, a2, a3, w, v
    cdef T* orow
    cdef const T* xrow
    cdef const T* krow
    cdef const T* p
    cdef bint four
    if ncols <= 0:
        return
    if ncols * kw > EDGE_TABLE:
        for y in range(y0, y1):
            orow = oplane + y * nx
            for i in range(kh):
                _border(orow, x0, xlo, xplane + (y + sy + i) * ldi, n,
                        kplane + i * kw, kw, sx, g.mode, fill)
                _border(orow, xhi, x1, xplane + (y + sy + i) * ldi, n,
                        kplane + i * kw, kw, sx, g.mode, fill)
        return
    for c in range(ncols):
        xc = x0 + c if c < nleft else xhi + (c - nleft)
        for j in range(kw):
            tab[c * kw + j] = fc_fold(xc + sx + j, n, g.mode)
    # Four rows at a time: independent sums in flight (one output's taps
    # form a chain of dependent adds), in registers; the same order per
    # output as one row at a time.
    y = y0
    while y < y1:
        four = y + 4 <= y1
        for c in range(ncols):
            xc = x0 + c if c < nleft else xhi + (c - nleft)
            orow = oplane + y * nx + xc
            a0 = orow[0]
            if four:
                a1 = orow[nx]
                a2 = orow[2 * nx]
                a3 = orow[3 * nx]
            for i in range(kh):
                xrow = xplane + (y + sy + i) * ldi
                krow = kplane + i * kw
                for j in range(kw):
                    t = tab[c * kw + j]
                    w = krow[j]
                    if t >= 0:
                        p = xrow + t
                        a0 = a0 + _mul(w, p[0])
                        if four:
                            a1 = a1 + _mul(w, p[ldi])
                            a2 = a2 + _mul(w, p[2 * ldi])
                            a3 = a3 + _mul(w, p[3 * ldi])
                    elif fill != 0:
                        v = _mul(w, fill)
                        a0 = a0 + v
                        if four:
                            a1 = a1 + v
                            a2 = a2 + v
                            a3 = a3 + v
            orow[0] = a0
            if four:
                orow[nx] = a1
                orow[2 * nx] = a2
                orow[3 * nx] = a3
        y += 4 if four else 1



cdef bint _pad_rows(T* oplane, const T* xplane, const T* kplane, const Geometry* g,
                    int64_t y0, int64_t y1, int64_t x0, int64_t x1, int64_t xlo,
                    int64_t xhi, T fill) noexcept nogil:
    """Border rows [y0, y1) (some kernel rows outside the input) of a zero
    fill, one kernel plane, added to the output (zeroed before): the input
    rows they read are copied into a buffer with zero rows outside, and the
    SIMD kernel runs on it with the whole kernel (columns [xlo, xhi), every
    tap inside), `_band_edges` on the border columns.  Each output sums its
    taps in (row, column) order as in the band, the rows outside adding
    exact zeros (the kernel is finite, _window.pad_rows).  Which code
    computes an output depends only on its place, not on the units.
    Returns False (nothing done) if there is no SIMD kernel or no memory."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int64_t nx = g.oshape[X], n = g.xshape[X], ldi = g.xstride[Y]
    cdef int64_t kh = g.kshape[Y], kw = g.kshape[X]
    cdef int64_t sy = g.start[Y], sx = g.start[X]
    cdef int64_t ra = y0 + sy, rb = y1 + sy + kh - 1   # the input rows read
    cdef int64_t cl = max(0, x0 + sx), ch = min(n, x1 + sx + kw - 1)   # and columns
    cdef int64_t r
    cdef T* buf
    cdef const T* vplane
    cdef fc_band band
    if _simd_type(xplane) == FC_NONE or y1 <= y0:
        return False
    if ch <= cl:
        return True     # (no input column: every tap reads the zero fill)
    buf = <T*>malloc(<size_t>((rb - ra) * ldi + ch - cl) * sizeof(T))
    if buf == NULL:
        return False
    # buf[0] stands for xplane[ra * ldi + cl]: element (r, c) at vplane[r * ldi + c]
    vplane = buf - (ra * ldi + cl)
    for r in range(ra, rb):
        if 0 <= r < g.xshape[Y]:
            memcpy(buf + (r - ra) * ldi, xplane + r * ldi + cl, <size_t>(ch - cl) * sizeof(T))
        else:
            memset(buf + (r - ra) * ldi, 0, <size_t>(ch - cl) * sizeof(T))
    if xhi > xlo:
        band.out = oplane + y0 * nx + xlo
        band.ldo = nx
        band.inp = vplane + ra * ldi + xlo + sx
        band.ldi = ldi
        band.k = kplane
        band.kh = kh
        band.kw = kw
        band.rows = y1 - y0
        band.cols = xhi - xlo
        band.accumulate = True
        band.stream = False
        band.edge_before = 0
        band.edge_after = 0
        band.row_start = xlo
        band.zero_before = 0
        band.zero_after = 0
        band.plane_rows = 0
        band.hook = NULL
        fc_corr2d_valid(_simd_type(xplane), &band)
    _band_edges(oplane, vplane, kplane, g, y0, y1, x0, x1, xlo, xhi, fill)
    free(buf)
    return True


cdef void _edge_rows(T* oplane, const T* xplane, const T* kplane, const Geometry* g,
                     int64_t y0, int64_t y1, int64_t x0, int64_t x1, int64_t xlo,
                     int64_t xhi, T fill) noexcept nogil:
    """Columns [x0, xlo) and [xhi, x1) of the border rows [y0, y1) of a zero
    fill (some kernel rows outside the input), one kernel plane, whose other
    columns the kernel computed (fc_band.zero_before): each output from
    zero, its taps inside the input in (row, column) order, those outside
    left out.  The same sums, bit for bit, as `_band_edges` over the rows
    `_pad_rows` extends with zero rows: a sum that starts at +0 never
    becomes -0, so the zero products there change nothing."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int64_t nx = g.oshape[X], n = g.xshape[X], ldi = g.xstride[Y]
    cdef int64_t kh = g.kshape[Y], kw = g.kshape[X]
    cdef int64_t sy = g.start[Y], sx = g.start[X]
    cdef int64_t y, i, r
    cdef T* orow
    if x0 >= xlo and xhi >= x1:
        return
    for y in range(y0, y1):
        orow = oplane + y * nx
        _zero_rows(oplane, nx, y, y + 1, x0, xlo)
        _zero_rows(oplane, nx, y, y + 1, xhi, x1)
        for i in range(kh):
            r = y + sy + i
            if r < 0 or r >= g.xshape[Y]:
                continue
            _border(orow, x0, xlo, xplane + r * ldi, n, kplane + i * kw, kw, sx, g.mode, fill)
            _border(orow, xhi, x1, xplane + r * ldi, n, kplane + i * kw, kw, sx, g.mode, fill)


cdef bint _plane_offset(const Geometry* g, const int64_t* oi, int64_t q,
                        int64_t* xoff, int64_t* koff) noexcept nogil:
    """Offsets of the input plane and the kernel plane that kernel-plane
    number `q` (counting only summed axes) pairs with output plane `oi`;
    returns True when that input plane lies outside the input (fill)."""
    cdef int d
    cdef int64_t kj, i, mi
    cdef bint outside = False
    xoff[0] = 0
    koff[0] = 0
    for d in range(g.ndim - 3, -1, -1):
        if g.batch[d]:
            if g.xshape[d] > 1:
                xoff[0] += oi[d] * g.xstride[d]
            if g.kshape[d] > 1:
                koff[0] += oi[d] * g.kstride[d]
            continue
        kj = q % g.kshape[d]
        q = q // g.kshape[d]
        koff[0] += kj * g.kstride[d]
        i = oi[d] + g.start[d] + kj
        mi = fc_fold(i, g.xshape[d], g.mode)
        if mi < 0:
            outside = True
        else:
            xoff[0] += mi * g.xstride[d]
    return outside


cdef inline void _zero_rows(T* oplane, int64_t nx, int64_t y0, int64_t y1,
                            int64_t x0, int64_t x1) noexcept nogil:
    cdef int64_t y, x
    if x1 - x0 >= 16:
        for y in range(y0, y1):
            memset(oplane + y * nx + x0, 0, <size_t>(x1 - x0) * sizeof(T))
    elif x1 > x0:  # a few border columns: no call per row
        for y in range(y0, y1):
            for x in range(x0, x1):
                oplane[y * nx + x] = 0


cdef bint _whole_planes(const T* x, const Geometry* g, bint plain) noexcept nogil:
    """Whether units of several whole planes (`_planes_unit`) compute what
    units of one plane compute (`_unit` with zrows, the same calls but the
    kernel's, bit for bit): a zero fill whose border rows the kernel
    computes (Geometry.pad_rows), one kernel plane the same for every
    output plane, x's planes one after the other, each as tall as an
    output plane, read in the output planes' order (so that plane p of x
    is the rows that follow plane p - 1's: fc_band.plane_rows), band rows
    and columns in every plane, a SIMD kernel for T, and `plain` (no
    conversion, cast or nanconvolve's weights: the caller knows)."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int d
    cdef int64_t sy = g.start[Y], sx = g.start[X]
    if not (plain and g.pad_rows and g.n_ker_planes == 1 and _simd_type(x) != FC_NONE
            and g.xshape[Y] == g.oshape[Y]):
        return False
    for d in range(Y):
        if (g.kshape[d] != 1 or g.xshape[d] != g.oshape[d]
                or (not g.batch[d] and g.start[d] != 0)):
            return False
    # (the band: _unit's ylo < yhi and xlo < xhi over a whole plane)
    return (max(-sy, 0) < min(g.xshape[Y] - g.kshape[Y] + 1 - sy, g.oshape[Y])
            and max(-sx, 0) < min(g.xshape[X] - g.kshape[X] + 1 - sx, g.oshape[X]))


cdef void _planes_unit(T* out, const T* x, const T* k, const Geometry* g, int64_t u,
                       T fill) noexcept nogil:
    """Unit `u` of whole planes (Geometry.planes_per_unit, `_whole_planes`):
    one kernel call for all of them, as a stack of planes
    (fc_band.plane_rows), then each plane's border columns as `_unit` does
    them after its call."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int64_t ny = g.oshape[Y], nx = g.oshape[X]
    cdef int64_t kh = g.kshape[Y], kw = g.kshape[X]
    cdef int64_t sy = g.start[Y], sx = g.start[X], ldi = g.xstride[Y]
    cdef int64_t p0 = u * g.planes_per_unit
    cdef int64_t n = min(g.planes_per_unit, g.n_out_planes - p0)
    cdef int64_t ylo = max(-sy, 0), yhi = min(g.xshape[Y] - kh + 1 - sy, ny)
    cdef int64_t xlo = max(-sx, 0), xhi = min(g.xshape[X] - kw + 1 - sx, nx)
    cdef int64_t p, tmp, xoff, koff
    cdef int64_t oi[MAXDIM]
    cdef int d
    cdef fc_band band
    cdef T* oplane
    cdef const T* xplane
    tmp = p0
    for d in range(Y - 1, -1, -1):
        oi[d] = tmp % g.oshape[d]
        tmp = tmp // g.oshape[d]
    _plane_offset(g, oi, 0, &xoff, &koff)
    band.out = out + p0 * ny * nx + xlo
    band.ldo = nx
    band.inp = x + xoff + sy * ldi + xlo + sx
    band.ldi = ldi
    band.k = k + koff
    band.kh = kh
    band.kw = kw
    band.rows = n * ny
    band.cols = xhi - xlo
    band.zero_before = max(0, -sy)
    band.zero_after = max(0, ny + sy + kh - 1 - g.xshape[Y])
    band.plane_rows = ny
    band.hook = NULL
    band.accumulate = False
    band.stream = g.stream
    band.edge_before = xlo if g.pad_edges else 0
    band.edge_after = nx - xhi if g.pad_edges else 0
    band.row_start = xlo
    fc_corr2d_valid(_simd_type(x), &band)
    for p in range(n):
        oplane = out + (p0 + p) * ny * nx
        xplane = x + xoff + p * ny * ldi
        _zero_rows(oplane, nx, ylo, yhi, 0, xlo - band.done_before)
        _zero_rows(oplane, nx, ylo, yhi, xhi + band.done_after, nx)
        _band_edges(oplane, xplane, k + koff, g, ylo, yhi, 0, nx,
                    xlo - band.done_before, xhi + band.done_after, fill)
        _edge_rows(oplane, xplane, k + koff, g, 0, ylo, 0, nx, xlo, xhi, fill)
        _edge_rows(oplane, xplane, k + koff, g, yhi, ny, 0, nx, xlo, xhi, fill)


cdef void _unit(T* out, const T* x, const T* k, const Geometry* g, int64_t u,
                T fill, const Convert* cv, int tid) noexcept nogil:
    """One work unit: an output plane x a block of rows x a block of columns."""
    cdef int Y = g.ndim - 2
    cdef int X = g.ndim - 1
    cdef int64_t oi[MAXDIM]
    cdef int64_t cb, rb, p, q, q0, xoff, koff, tmp
    cdef int d
    cdef bint outside, store, first, pad_before, pad_after, pad_rows, zrows
    cdef int64_t ra, rz
    cdef fc_band band
    cdef int64_t ny = g.oshape[Y], nx = g.oshape[X]
    cdef int64_t kh = g.kshape[Y], kw = g.kshape[X]
    cdef int64_t sy = g.start[Y], sx = g.start[X]
    cdef int64_t y0, y1, x0, x1, ylo, yhi, xlo, xhi
    cdef T* oplane
    cdef const T* kplane
    cdef Geometry gl
    cdef int64_t r_lo, r_hi, c_lo, c_hi
    cdef const unsigned char* xsrc
    cdef int64_t ldx = g.xstride[Y]
    cdef T* dplane
    cdef int64_t dy0, dy1, dx0, dx1, dnx, dsy, dsx

    if g.planes_per_unit > 1:
        _planes_unit(out, x, k, g, u, fill)
        return
    cb = u % g.n_col_blocks
    tmp = u // g.n_col_blocks
    rb = tmp % g.n_row_blocks
    p = tmp // g.n_row_blocks
    y0 = rb * g.rows_per_unit
    y1 = min(y0 + g.rows_per_unit, ny)
    x0 = cb * g.cols_per_unit
    x1 = nx if cb == g.n_col_blocks - 1 else x0 + g.cols_per_unit
    oplane = out + p * ny * nx
    tmp = p
    for d in range(Y - 1, -1, -1):
        oi[d] = tmp % g.oshape[d]
        tmp = tmp // g.oshape[d]
    if cv.pairs != NULL:
        # exact integer unit (_window._pair_taps): its whole block at once
        xsrc = NULL
        if not _plane_offset(g, oi, 0, &xoff, &koff):
            xsrc = cv.src + xoff * cv.src_size
        fc_pairs_unit(<int32_t*>(oplane + y0 * nx + x0), nx, y1 - y0, x1 - x0,
                      xsrc, cv.src_code,
                      g.xstride[Y], g.xshape[Y], g.xshape[X], y0 + sy, x0 + sx,
                      cv.pairs + koff // (kh * kw) * kh * cv.kwp, kh, cv.kwp,
                      cv.pairs_fill, g.stream, cv.bufs[tid])
        return
    if cv.src_code != 0:
        # x from the source: the rows and columns this unit reads (a 'fill'
        # boundary, one kernel plane: _window._band_source), converted into
        # this thread's buffer, which then stands for x (the same element
        # offsets, with the buffer's row pitch)
        outside = _plane_offset(g, oi, 0, &xoff, &koff)
        r_lo = max(0, y0 + sy)
        r_hi = min(g.xshape[Y], y1 + sy + kh - 1)
        c_lo = max(0, x0 + sx)
        c_hi = min(g.xshape[X], x1 + sx + kw - 1)
        gl = g[0]
        gl.xstride[Y] = max(1, c_hi - c_lo)
        x = <const T*>cv.bufs[tid]
        if not outside and r_lo < r_hi and c_lo < c_hi:
            fc_convert_rows(cv.bufs[tid], c_hi - c_lo, cv.work_code,
                            cv.src + (xoff + r_lo * g.xstride[Y] + c_lo) * cv.src_size,
                            g.xstride[Y], cv.src_code, r_hi - r_lo, c_hi - c_lo)
            x = x - (xoff + r_lo * gl.xstride[Y] + c_lo)
        g = &gl
    # (the SIMD kernel's zero-filled border columns: only in the unit that
    # has its rows' first / last column, see correlate_window)
    pad_before = g.pad_edges and x0 == 0
    pad_after = g.pad_edges and x1 == nx
    # (border rows by the SIMD kernel, zrows / _pad_rows: not for nanconvolve's units)
    pad_rows = g.pad_rows and cv.nan == NULL
    dplane = oplane
    dy0, dy1, dx0, dx1, dnx, dsy, dsx = y0, y1, x0, x1, nx, sy, sx
    if cv.nan != NULL:
        gl = g[0]
        g = &gl
        # nanconvolve: the unit's sums go to this thread's block, as the
        # window of the output at (y0, x0) (the same sums: each output's
        # taps in the same order), divided below (during the next unit)
        gl.oshape[Y] = y1 - y0
        gl.oshape[X] = x1 - x0
        gl.start[Y] = sy + y0
        gl.start[X] = sx + x0
        gl.stream = False
        sy, sx, ny, nx = gl.start[Y], gl.start[X], y1 - y0, x1 - x0
        y0, y1, x0, x1 = 0, ny, 0, nx
        oplane = <T*>(cv.tops2[tid] if cv.pend[tid].active and
                      cv.pend[tid].top == <const double*>cv.tops[tid] else cv.tops[tid])
    # the band of rows / columns whose taps all fall inside the input
    ylo = min(max(-sy, y0), y1)
    yhi = max(min(g.xshape[Y] - kh + 1 - sy, y1), ylo)
    xlo = min(max(-sx, x0), x1)
    xhi = max(min(g.xshape[X] - kw + 1 - sx, x1), xlo)

    # The band goes to the SIMD kernel (for the types that have one).  Its first kernel
    # plane inside the input *stores* the band (no zeroing, no read of the
    # output); that is exact when no plane before it added fill values.
    # Everything else starts from zero, cleared just before use so the
    # lines are in cache.
    q0 = -1
    if _simd_type(x) != FC_NONE and xhi > xlo and yhi > ylo:
        for q in range(g.n_ker_planes):
            if not _plane_offset(g, oi, q, &xoff, &koff):
                q0 = q
                break
    store = q0 == 0 or (q0 > 0 and fill == 0)
    # Border rows with the band (_window.pad_rows, one kernel plane, which
    # the kernel stores): in the same kernel call, which leaves out the taps
    # of the rows past the plane's ends (fc_band.zero_before / zero_after:
    # the sums _pad_rows makes over zero rows, without its copy, and in the
    # band's row blocks), their border columns after it (_edge_rows).
    zrows = pad_rows and q0 == 0 and g.n_ker_planes == 1
    ra, rz = (y0, y1) if zrows else (ylo, yhi)   # the rows of the kernel call
    if store:
        # (the band rows' border columns: after the kernel, see below)
        if not zrows:
            _zero_rows(oplane, nx, y0, ylo, x0, x1)
            _zero_rows(oplane, nx, yhi, y1, x0, x1)
    else:
        _zero_rows(oplane, nx, y0, y1, x0, x1)

    for q in range(g.n_ker_planes):
        outside = _plane_offset(g, oi, q, &xoff, &koff)
        kplane = k + koff
        if outside:
            if fill != 0:
                _plane_rows(oplane, x, kplane, g, y0, y1, x0, x1, fill, True)
            continue
        if not zrows:
            if not (pad_rows and
                    _pad_rows(oplane, x + xoff, kplane, g, y0, ylo, x0, x1, xlo, xhi, fill)):
                _plane_rows(oplane, x + xoff, kplane, g, y0, ylo, x0, x1, fill, False)
            if not (pad_rows and
                    _pad_rows(oplane, x + xoff, kplane, g, yhi, y1, x0, x1, xlo, xhi, fill)):
                _plane_rows(oplane, x + xoff, kplane, g, yhi, y1, x0, x1, fill, False)
        if q0 >= 0:
            first = store and q == q0   # the plane the kernel stores
            band.out = oplane + ra * nx + xlo
            band.ldo = nx
            # (with zrows, the address of the plane's row ra + sy, which may
            # be before it: the kernel reads no row outside it)
            band.inp = x + xoff + (ra + sy) * g.xstride[Y] + xlo + sx
            band.ldi = g.xstride[Y]
            band.k = kplane
            band.kh = kh
            band.kw = kw
            band.rows = rz - ra
            band.cols = xhi - xlo
            band.zero_before = max(0, -(ra + sy))
            band.zero_after = max(0, rz + sy + kh - 1 - g.xshape[Y])
            band.plane_rows = 0
            # (nanconvolve: the thread's pending division between its blocks)
            band.hook = NULL
            band.hook_ctx = NULL
            if cv.nan != NULL and first:
                band.hook = fc_nan_hook
                band.hook_ctx = cv.pend[tid]
            band.accumulate = not first
            band.stream = g.stream and first
            # The kernel may also compute zero-filled border columns next
            # to the band (up to edge_before before it, edge_after after):
            # only in the plane it stores, and only from the whole border
            # of a row (this unit has the row's first / last column); it
            # says how many it did (done_before, done_after).
            band.edge_before = xlo if pad_before and first else 0
            band.edge_after = nx - xhi if pad_after and first else 0
            band.row_start = xlo
            fc_corr2d_valid(_simd_type(x), &band)
            if first:
                _zero_rows(oplane, nx, ylo, yhi, x0, xlo - band.done_before)
                _zero_rows(oplane, nx, ylo, yhi, xhi + band.done_after, x1)
            _band_edges(oplane, x + xoff, kplane, g, ylo, yhi, x0, x1,
                        xlo - band.done_before, xhi + band.done_after, fill)
            if zrows:
                _edge_rows(oplane, x + xoff, kplane, g, y0, ylo, x0, x1, xlo, xhi, fill)
                _edge_rows(oplane, x + xoff, kplane, g, yhi, y1, x0, x1, xlo, xhi, fill)
        else:
            _plane_rows(oplane, x + xoff, kplane, g, ylo, yhi, x0, x1, fill, False)
    if cv.cast_code != 0:
        fc_cast_inplace(oplane + y0 * nx + x0, nx, y1 - y0, x1 - x0, cv.cast_code)
    if cv.nan != NULL:
        # the previous unit's division (what its blocks left), then this
        # one's begun, for the next unit's blocks (or correlate_window's end)
        fc_nan_end(cv.pend[tid])
        fc_nan_start(cv.pend[tid], cv.nan, <double*>dplane, dnx, <double*>oplane, nx, dy0,
                     dy1, dx0, dx1, dsy, dsx, ldx, <double*>cv.rows[tid], tid)


# The units' buffers of the last call, kept for the next one (at most
# KEPT_BUFFER_MAX bytes): a fresh malloc of this size is a fresh mmap whose
# pages fault in on every call (a 256^2 uint8 image with dtype=int32 spent
# half its time there).  One caller at a time holds it (_kept_lock, taken
# without waiting: a concurrent call mallocs its own).
KEPT_BUFFER_MAX = 16 << 20
cdef PyThread_type_lock _kept_lock = PyThread_allocate_lock()
cdef char* _kept_mem = NULL
cdef size_t _kept_bytes = 0


cdef char* _kept_buffer(size_t need):
    """The kept buffer, at least `need` bytes, with _kept_lock held (the
    caller releases it), or NULL (too big, held by another call, or no
    memory: the caller mallocs its own)."""
    global _kept_mem, _kept_bytes
    if need > KEPT_BUFFER_MAX or _kept_lock == NULL:
        return NULL
    if not PyThread_acquire_lock(_kept_lock, NOWAIT_LOCK):
        return NULL
    if _kept_bytes < need:
        free(_kept_mem)
        _kept_mem = <char*>malloc(need)
        _kept_bytes = need if _kept_mem != NULL else 0
        if _kept_mem == NULL:
            PyThread_release_lock(_kept_lock)
            return NULL
    return _kept_mem


cdef struct Job:
    # one call's units for the worker team (csrc/fc_team.h): T's pointers
    # as void, `type` naming T (the order of the fused type T)
    int type
    void* out
    const void* x
    const void* k
    const Geometry* g
    const void* fill
    const Convert* cv
    double last_check


cdef void _job_unit(void* ctx, int64_t u, int slot) noexcept nogil:
    """fc_team_unit_fn: unit u of the call `ctx` (a Job) on thread `slot`."""
    cdef Job* j = <Job*>ctx
    if j.type == 0:
        _unit[uint8_t](<uint8_t*>j.out, <const uint8_t*>j.x, <const uint8_t*>j.k, j.g, u,
                       (<const uint8_t*>j.fill)[0], j.cv, slot)
    elif j.type == 1:
        _unit[uint16_t](<uint16_t*>j.out, <const uint16_t*>j.x, <const uint16_t*>j.k, j.g, u,
                        (<const uint16_t*>j.fill)[0], j.cv, slot)
    elif j.type == 2:
        _unit[uint32_t](<uint32_t*>j.out, <const uint32_t*>j.x, <const uint32_t*>j.k, j.g, u,
                        (<const uint32_t*>j.fill)[0], j.cv, slot)
    elif j.type == 3:
        _unit[uint64_t](<uint64_t*>j.out, <const uint64_t*>j.x, <const uint64_t*>j.k, j.g, u,
                        (<const uint64_t*>j.fill)[0], j.cv, slot)
    elif j.type == 4:
        _unit[float](<float*>j.out, <const float*>j.x, <const float*>j.k, j.g, u,
                     (<const float*>j.fill)[0], j.cv, slot)
    elif j.type == 5:
        _unit[double](<double*>j.out, <const double*>j.x, <const double*>j.k, j.g, u,
                      (<const double*>j.fill)[0], j.cv, slot)
    elif j.type == 6:
        _unit[longdouble_t](<longdouble_t*>j.out, <const longdouble_t*>j.x,
                            <const longdouble_t*>j.k, j.g, u,
                            (<const longdouble_t*>j.fill)[0], j.cv, slot)
    elif j.type == 7:
        _unit[cfloat_t](<cfloat_t*>j.out, <const cfloat_t*>j.x, <const cfloat_t*>j.k, j.g, u,
                        (<const cfloat_t*>j.fill)[0], j.cv, slot)
    elif j.type == 8:
        _unit[cdouble_t](<cdouble_t*>j.out, <const cdouble_t*>j.x, <const cdouble_t*>j.k, j.g,
                         u, (<const cdouble_t*>j.fill)[0], j.cv, slot)
    else:
        _unit[clongdouble_t](<clongdouble_t*>j.out, <const clongdouble_t*>j.x,
                             <const clongdouble_t*>j.k, j.g, u,
                             (<const clongdouble_t*>j.fill)[0], j.cv, slot)


cdef int _job_poll(void* ctx) noexcept nogil:
    """fc_team_poll_fn: nonzero when a signal handler raised (Ctrl-C); looks
    every SIGNAL_CHECK_INTERVAL seconds."""
    cdef Job* j = <Job*>ctx
    cdef int raised = 0
    if fc_now() - j.last_check > SIGNAL_CHECK_INTERVAL:
        j.last_check = fc_now()
        with gil:
            raised = PyErr_CheckSignals() != 0
    return raised


# nanconvolve's row-FFT route (csrc/fc_rowfft.h): output rows y (and
# their partners y + D) per unit; enough for the threads, few enough halos
ROWFFT_CHUNK = 64


def rowfft_available(kh, kw, ocols):
    """Whether nan_rowfft runs a kernel kh x kw for outputs `ocols` wide
    (the AVX-512 kernels in use, an odd kh <= 31, kw <= 57, and a group of
    8 tiles fits the width)."""
    return bool(fc_rowfft_available(kh, kw, ocols))


cdef void _rowfft_unit(void* ctx, int64_t u, int slot) noexcept nogil:
    fc_rowfft_unit(<const fc_rowfft*>ctx, u, slot)


def nan_rowfft(const double[:, ::1] x, double[:, ::1] out, const double[:, ::1] k,
               Py_ssize_t sy, Py_ssize_t sx, nan, int nthreads, bint stream,
               bint zero_nan=False, bint list_nan=False):
    """nanconvolve's sparse-weights route with the sums by FFTs along the
    rows (csrc/fc_rowfft.h): out[y, x] = sum k[i, j] x[y + sy + i, x + sx
    + j] (zero outside x, and at x's NaN when `zero_nan`) divided by the
    weights as correlate_window's `nan` units do; `nan` as
    correlate_window takes it.  `list_nan` (with `zero_nan`): the units
    list x's NaN themselves (nan's pts and rowptr are not read: None will
    do).  Returns False, or True where x holds an inf with `list_nan` (out
    is then void)."""
    cdef Py_ssize_t kh = k.shape[0], kw = k.shape[1]
    if not fc_rowfft_available(kh, kw, out.shape[1]):
        raise ValueError(f"nan_rowfft: no row-FFT route for a {kh}x{kw} kernel and "
                         f"{out.shape[1]} columns")
    if list_nan and not zero_nan:
        raise ValueError("nan_rowfft: list_nan needs zero_nan")
    n_pts, n_rowptr, n_kf = nan[0], nan[1], nan[2]
    n_doubt, n_count = nan[6], nan[7]
    nthreads = max(1, min(nthreads, 256))
    if n_doubt.shape[0] < nthreads or n_count.shape[0] < n_doubt.shape[0]:
        raise ValueError("nan_rowfft: nan's doubt lists: one per thread")
    cdef const int64_t[::1] pts
    cdef const int64_t[::1] rowptr
    cdef const double[::1] kf = n_kf
    cdef int64_t[:, ::1] doubt = n_doubt
    cdef int64_t[::1] count = n_count
    cdef fc_nan_units nanu
    nanu.rowcnt = NULL
    nanu.rowcap = nanu.row0 = 0
    if list_nan:
        nanu.pts = NULL
        nanu.rowptr = NULL
        nanu.xrows = x.shape[0]
    else:
        pts = n_pts
        rowptr = n_rowptr
        nanu.pts = &pts[0] if pts.shape[0] else NULL
        nanu.rowptr = &rowptr[0]
        nanu.xrows = rowptr.shape[0] - 1
    nanu.kf = &kf[0]
    nanu.kh, nanu.kw = kh, kw
    nanu.wsum, nanu.scale, nanu.tau = nan[3], nan[4], nan[5]
    nanu.stream = stream
    nanu.doubt = &doubt[0, 0]
    nanu.doubt_cap = doubt.shape[1]
    nanu.ndoubt = &count[0]
    spectra = np.empty((3, kh, 64))
    cdef double[:, :, ::1] sp = spectra
    fc_rowfft_spectra(&k[0, 0], kh, kw, &sp[0, 0, 0])
    cdef fc_rowfft job
    job.x, job.ldx, job.xrows, job.xcols = &x[0, 0], x.shape[1], x.shape[0], x.shape[1]
    job.zero_nan = zero_nan
    job.list_nan = list_nan
    cdef int found = 0
    job.found = &found
    job.out, job.ldo, job.orows, job.ocols = &out[0, 0], out.shape[1], out.shape[0], out.shape[1]
    job.kh, job.kw, job.sy, job.sx = kh, kw, sy, sx
    job.ksp = &sp[0, 0, 0]
    job.chunk = ROWFFT_CHUNK
    job.nan = &nanu
    cdef int64_t n_units = fc_rowfft_units(&job)
    nthreads = <int>min(<int64_t>nthreads, n_units)
    cdef size_t per = (fc_rowfft_buf_bytes(&job) + 127) // 128 * 128
    cdef char* bufptrs[256]
    cdef size_t need = per * nthreads + 128
    cdef char* mem = _kept_buffer(need)
    cdef bint kept = mem != NULL
    if not kept:
        mem = <char*>malloc(need)
    if mem == NULL:
        raise MemoryError()
    cdef int d
    for d in range(nthreads):
        bufptrs[d] = mem + (128 - <size_t><void*>mem % 128) % 128 + d * per
    job.bufs = bufptrs
    cdef int64_t u
    with nogil:
        if nthreads > 1 and n_units > 1:
            fc_team_run(_rowfft_unit, &job, n_units, nthreads, NULL)
        else:
            for u in range(n_units):
                fc_rowfft_unit(&job, u, 0)
    if kept:
        PyThread_release_lock(_kept_lock)
    else:
        free(mem)
    return found != 0


def team_hold(bint on):
    """Tests: while `on`, the worker team's threads join no call (as if
    other processes held their cores); calls then finish on their own
    thread."""
    fc_team_hold(on)


def team_workers():
    """Worker threads the team has started in this process."""
    return fc_team_workers()


def correlate_window(const T[::1] x, xshape, const T[::1] k, kshape, T[::1] out,
                     oshape, starts, batch, int mode, const T[::1] fill,
                     rows_per_unit, cols_per_unit, int nthreads=1, bint stream=False,
                     bint pad_edges=False, src=None, int src_code=0, int work_code=0,
                     int cast_code=0, pairs=None, int pairs_fill=0, nan=None,
                     bint pad_rows=False, planes_per_unit=1):
    """out[y] = sum_j k[j] * X(y + starts + j) over N-D C-contiguous arrays.

    All arrays are flat views of C-contiguous arrays with the given shapes
    (2 <= ndim <= 64, every extent >= 1).  `batch` flags leading axes that
    are not summed over (see Geometry.batch; their start is 0, and x and k
    have there the output's extent or 1); `fill` holds one element (the fill
    value, read only when ``mode == FC_FILL``); `out` is overwritten (its
    initial contents are never read).  The output is split into units of `rows_per_unit` x
    `cols_per_unit` that `nthreads` threads share.  `stream`: the SIMD
    kernel writes with streaming stores (for outputs too big for the
    caches).  `pad_edges`: the SIMD kernel computes the zero-filled border
    columns of the band rows (the caller decides, `_window.pad_edges`; only
    with a zero fill, and only when every unit that has a row's first (last)
    column has the whole left (right) border and at least PAD_MIN_COLS band
    columns).  `pad_rows`: the SIMD kernel computes the border rows too,
    in the band's call, leaving out the taps past the plane's ends (or, in
    a unit without band rows, from a copy of the rows they read with zero
    rows outside, `_pad_rows`; the caller decides, `_window.pad_rows`: a
    zero fill and a finite
    kernel).  `planes_per_unit`: with units of whole planes (`rows_per_unit`
    and `cols_per_unit` at least a plane's), units of that many planes, each
    in one kernel call, where that gives the same results (`_whole_planes`:
    a zero fill with `pad_rows`, x's planes in the output's order, ...);
    else a unit per plane.  `src` (with `src_code`, `work_code`: see Convert and
    csrc/fc_convert.h): x's elements in another type, C-contiguous with
    x's shape (x itself is then not read), converted unit by unit; only for
    a 'fill' boundary and a kernel with one plane (summed leading axes of
    extent 1).  `cast_code`: each unit casts its output block in place (out
    then holds the results in that type).  `pairs` (with `src`, a uint8 /
    bool / int8 / int16 x, and `pairs_fill`, the integer fill): the kernel
    as int16 tap pairs, uint32 of shape (kernel planes, kh, ceil(kw / 2)),
    for the exact integer units of csrc/fc_pairs.h (out then holds int32
    sums; the caller proved them exact, _window._pair_taps).  `nan`
    (float64, x one plane, no `src`: nanconvolve's sparse weights,
    csrc/fc_nanunit.h): (pts, rowptr, kf, wsum, scale, tau, doubt,
    ndoubt), the invalid samples of x as flat indices (ascending) and row
    pointers, the kernel reversed in 8 shifted copies (rows of
    `nan_kf_pitch(kw)` doubles, 64-byte aligned), the weights' sum, the scale, the doubt
    threshold, and per thread a row of `doubt` (int64, at least nthreads
    rows) and a count in `ndoubt` (int64, zeroed): out = sums / weights *
    scale.  Runs without the GIL.  Returns the planes per unit it ran
    (1: none of several planes).
    """
    cdef Geometry g
    cdef int d
    cdef int64_t u, stride, n_units, n_out_planes
    cdef T fv = fill[0]
    cdef int ndim = len(xshape)
    cdef Convert cv
    cdef const unsigned char[::1] src_bytes
    cdef const uint32_t[::1] pairs_flat
    cdef int nbufs = max(1, nthreads)
    cdef size_t buf_bytes = 0
    cdef char* bufmem = NULL
    cdef size_t need
    cdef bint kept = False
    cdef char* bufptrs[256]
    cdef char* topptrs[256]
    cdef char* rowptrs[256]
    cdef fc_nan_units nanu
    cdef const int64_t[::1] n_pts, n_rowptr
    cdef const double[::1] n_kf
    cdef int64_t[:, ::1] n_doubt
    cdef int64_t[::1] n_count
    cdef size_t top_bytes = 0, sums_bytes = 0, wide, def_bytes = 0
    cdef char* top2ptrs[256]
    cdef fc_nan_pending* pendptrs[256]
    g.ndim = ndim
    g.mode = mode
    g.stream = stream
    for d in range(ndim):
        g.xshape[d] = xshape[d]
        g.kshape[d] = kshape[d]
        g.oshape[d] = oshape[d]
        g.start[d] = starts[d]
        g.batch[d] = d < ndim - 2 and bool(batch[d])
    stride = 1
    for d in range(ndim - 1, -1, -1):
        g.xstride[d] = stride
        stride *= g.xshape[d]
    stride = 1
    for d in range(ndim - 1, -1, -1):
        g.kstride[d] = stride
        stride *= g.kshape[d]
    n_out_planes = 1
    g.n_ker_planes = 1
    for d in range(ndim - 2):
        n_out_planes *= g.oshape[d]
        if not g.batch[d]:
            g.n_ker_planes *= g.kshape[d]
    g.rows_per_unit = rows_per_unit
    g.cols_per_unit = cols_per_unit
    g.n_row_blocks = (g.oshape[ndim - 2] + g.rows_per_unit - 1) // g.rows_per_unit
    # (the last column block takes the remainder: every block is at least
    # cols_per_unit wide, which pad_edges below relies on)
    g.n_col_blocks = max(1, g.oshape[ndim - 1] // g.cols_per_unit)
    n_units = n_out_planes * g.n_row_blocks * g.n_col_blocks
    # Zero-filled border columns by the SIMD kernel (fc_kernels.h): the
    # caller's decision (_window.pad_edges), for a zero fill only.
    g.pad_edges = pad_edges and mode == FC_FILL and fv == 0
    g.pad_rows = pad_rows and mode == FC_FILL and fv == 0
    cv.src_code = 0
    cv.cast_code = cast_code
    cv.work_code = work_code
    cv.bufs = bufptrs
    cv.pairs = NULL
    cv.tops = topptrs
    cv.rows = rowptrs
    cv.nan = NULL
    cv.tops2 = top2ptrs
    cv.pend = pendptrs
    if nan is not None and T is double and src_code == 0:
        n_pts, n_rowptr, n_kf = nan[0], nan[1], nan[2]
        n_doubt, n_count = nan[6], nan[7]
        if n_doubt.shape[0] < min(max(1, nthreads), 256) or n_count.shape[0] < n_doubt.shape[0]:
            raise ValueError("correlate_window: nan's doubt lists: one per thread")
        nanu.pts = &n_pts[0] if n_pts.shape[0] else NULL
        nanu.rowptr = &n_rowptr[0]
        nanu.rowcnt = NULL
        nanu.rowcap = nanu.row0 = 0
        nanu.xrows = n_rowptr.shape[0] - 1
        nanu.kf = &n_kf[0]
        nanu.kh = g.kshape[ndim - 2]
        nanu.kw = g.kshape[ndim - 1]
        nanu.wsum, nanu.scale, nanu.tau = nan[3], nan[4], nan[5]
        nanu.stream = stream
        nanu.doubt = &n_doubt[0, 0]
        nanu.doubt_cap = n_doubt.shape[1]
        nanu.ndoubt = &n_count[0]
        cv.nan = &nanu
    if src is not None and src_code != 0:
        src_bytes = src.reshape(-1).view(np.uint8)
        cv.src = &src_bytes[0]
        cv.src_code = src_code
        cv.src_size = src.dtype.itemsize
        # a unit reads at most rows_per_unit + kh - 1 rows of at most
        # 2 cols_per_unit + kw - 1 columns (the last column block is the
        # widest)
        buf_bytes = <size_t>(min(g.xshape[ndim - 2], g.rows_per_unit + g.kshape[ndim - 2] - 1) *
                             min(g.xshape[ndim - 1], 2 * g.cols_per_unit + g.kshape[ndim - 1] - 1))
        buf_bytes = (buf_bytes * sizeof(T) + 127) // 128 * 128
        if pairs is not None:
            pairs_flat = pairs.reshape(-1)
            cv.pairs = &pairs_flat[0]
            cv.kwp = pairs.shape[pairs.ndim - 1]
            cv.pairs_fill = pairs_fill
            buf_bytes = fc_pairs_buf_bytes(
                min(g.oshape[ndim - 2], g.rows_per_unit), min(g.oshape[ndim - 1],
                                                             2 * g.cols_per_unit),
                g.kshape[ndim - 2], cv.kwp)
            buf_bytes = (buf_bytes + 127) // 128 * 128
    if cv.src_code != 0 or cv.nan != NULL:
        nbufs = min(nbufs, 256)
        if cv.nan != NULL:
            # a unit's sums and FC_NAN_DEF_ROWS rows of deficits (the
            # widest unit: the last column block)
            wide = <size_t>min(g.oshape[ndim - 1], 2 * g.cols_per_unit)
            sums_bytes = (<size_t>min(g.oshape[ndim - 2], g.rows_per_unit) * wide * sizeof(T)
                          + 127) // 128 * 128
            def_bytes = (FC_NAN_DEF_ROWS * <size_t>FC_NAN_DEF_PITCH(wide) *
                         sizeof(T) + 127) // 128 * 128
            top_bytes = (2 * sums_bytes + def_bytes
                         + (sizeof(fc_nan_pending) + 127) // 128 * 128)
        need = (buf_bytes + top_bytes) * nbufs + 128
        bufmem = _kept_buffer(need)
        kept = bufmem != NULL
        if not kept:
            bufmem = <char*>malloc(need)
        if bufmem == NULL:
            raise MemoryError()
        for d in range(nbufs):
            bufptrs[d] = (bufmem + (128 - <size_t><void*>bufmem % 128) % 128
                          + d * (buf_bytes + top_bytes))
            topptrs[d] = bufptrs[d] + buf_bytes
            rowptrs[d] = topptrs[d] + sums_bytes
            if cv.nan != NULL:
                top2ptrs[d] = rowptrs[d] + def_bytes
                pendptrs[d] = <fc_nan_pending*>(top2ptrs[d] + sums_bytes)
                pendptrs[d].active = 0
                pendptrs[d].top = NULL
        nthreads = nbufs
    # units of several whole planes where they give the same results
    # (_whole_planes) and the units are whole planes anyway
    g.planes_per_unit = 1
    g.n_out_planes = n_out_planes
    if (planes_per_unit > 1 and n_out_planes > 1 and g.n_row_blocks == 1
            and g.n_col_blocks == 1
            and _whole_planes(&x[0], &g, cv.src_code == 0 and cv.cast_code == 0
                              and cv.pairs == NULL and cv.nan == NULL)):
        g.planes_per_unit = min(<int64_t>planes_per_unit, n_out_planes)
        n_units = (n_out_planes + g.planes_per_unit - 1) // g.planes_per_unit
    cdef T* po = &out[0]
    cdef const T* px = &x[0]
    cdef const T* pk = &k[0]
    # Ctrl-C: the calling thread looks for pending signals every
    # SIGNAL_CHECK_INTERVAL seconds, between units.  A signal handler that
    # raises (KeyboardInterrupt) stops the call: the remaining units are
    # skipped and the exception propagates.  The output is then discarded
    # by the caller, so no partial result escapes.
    cdef int stop = 0
    cdef Job job
    job.out, job.x, job.k, job.g, job.fill, job.cv = po, px, pk, &g, &fv, &cv
    job.last_check = fc_now()
    if T is uint8_t:
        job.type = 0
    elif T is uint16_t:
        job.type = 1
    elif T is uint32_t:
        job.type = 2
    elif T is uint64_t:
        job.type = 3
    elif T is float:
        job.type = 4
    elif T is double:
        job.type = 5
    elif T is longdouble_t:
        job.type = 6
    elif T is cfloat_t:
        job.type = 7
    elif T is cdouble_t:
        job.type = 8
    else:
        job.type = 9
    with nogil:
        if nthreads > 1 and n_units > 1:
            stop = fc_team_run(_job_unit, &job, n_units, nthreads, _job_poll)
        else:
            for u in range(n_units):
                _unit(po, px, pk, &g, u, fv, &cv, 0)
                if _job_poll(&job):
                    stop = 1
                    break
        if cv.nan != NULL:
            for d in range(nbufs):
                fc_nan_end(pendptrs[d])
    if kept:
        PyThread_release_lock(_kept_lock)
    else:
        free(bufmem)
    if stop:
        _raise_pending()
    return g.planes_per_unit
