"""FFT-method core: the same contract as the direct core.

``correlate_window(x, k, starts, lengths, out, nthreads)`` computes, for
N-D C-contiguous arrays ``x``, ``k``, ``out`` of one dtype (float32,
float64, complex64, complex128; same ndim >= 1),

    out[y] = sum_j k[j] * x[y + s + j]           (y, j, s are N-D indices)

for ``0 <= y < lengths`` with ``x`` read as 0 outside its extent and
``s = starts`` (per axis, may be negative).  The work is done by the C
engine in csrc/fc_fft*.{h,c}: overlap-save tiles of 5-smooth lengths,
split re/im SIMD FFTs across lines, the kernel spectrum computed once,
threads over tiles (csrc/fc_team.h) with the GIL released; the result is
bit-identical for every ``nthreads``.  Float32 data is transformed in
float32.  A 1-D window of few outputs with a long kernel goes to the
kernel-partitioned FFT instead (the kernel cut into blocks, their products
summed in the frequency domain, one inverse transform: `part_choice`),
where it costs less.

This module trusts its inputs (the Python plan validates them) and never
raises for user input, except MemoryError when the engine cannot allocate
its tile buffers (and ValueError for a `part=` length shorter than the
window, an argument for tests and tuning).
"""
cimport numpy as cnp

cnp.import_array()

cdef extern from "fc_team.h" nogil:
    void fc_team_hold(int on)


def team_hold(bint on):
    """Tests: while `on`, the FFT engine's worker team joins no call (see
    fastconv._direct.team_hold)."""
    fc_team_hold(on)


cdef extern from "fc_fft.h" nogil:
    enum:
        FC_FFT_MAXDIM, FC_FFT_F32, FC_FFT_F64, FC_FFT_C64, FC_FFT_C128
    void fc_fft_tiles(int type, int d, const Py_ssize_t* K, const Py_ssize_t* L,
                      Py_ssize_t* P)
    void fc_fft_start_tiles(int d, const Py_ssize_t* K, const Py_ssize_t* L, Py_ssize_t* P)
    double fc_fft_tile_cost(int type, int d, const Py_ssize_t* K, const Py_ssize_t* L,
                            const Py_ssize_t* P, int search)
    double fc_fft_extra_bytes(int type, int d, const Py_ssize_t* P)
    int fc_fft_correlate(int type, int d, const Py_ssize_t* xshape, const void* x,
                         const Py_ssize_t* kshape, const void* k, const Py_ssize_t* starts,
                         const Py_ssize_t* lengths, void* out, const Py_ssize_t* P,
                         int nthreads)
    double fc_fft_part_cost(int type, Py_ssize_t K, Py_ssize_t L, Py_ssize_t N, int search)
    Py_ssize_t fc_fft_part_len(int type, Py_ssize_t K, Py_ssize_t L)
    Py_ssize_t fc_fft_choose_part(int type, int d, const Py_ssize_t* K, const Py_ssize_t* L)
    int fc_fft_correlate_part(int type, const Py_ssize_t* xshape, const void* x,
                              const Py_ssize_t* kshape, const void* k, const Py_ssize_t* starts,
                              const Py_ssize_t* lengths, void* out, Py_ssize_t N, int nthreads)
    ctypedef struct fc_fft_plan:
        pass
    fc_fft_plan* fc_fft_plan_new(int type, int d, const Py_ssize_t* xshape, const void* k,
                                 const Py_ssize_t* kshape, const Py_ssize_t* starts,
                                 const Py_ssize_t* lengths, const Py_ssize_t* P)
    int fc_fft_plan_run(const fc_fft_plan* pl, const void* x, void* out, int nthreads)
    void fc_fft_plan_free(fc_fft_plan* pl)
    fc_fft_plan* fc_fft_plan_new_part(int type, const Py_ssize_t* xshape, const void* k,
                                      const Py_ssize_t* kshape, const Py_ssize_t* starts,
                                      const Py_ssize_t* lengths, Py_ssize_t N)
    int fc_fft_select_isa(const char* requested)
    const char* fc_fft_isa_name()
    const char* fc_fft_isa_available()

cdef extern from "fc_cachesize.h" nogil:
    size_t fc_l2_bytes()
    size_t fc_set_l2_bytes(size_t bytes)

cdef extern from *:
    """
    /* The engine's work blocks through a NumPy memory handler capsule. */
    static int fc_fft_use_handler(PyObject *capsule)
    {
        PyDataMem_Handler *h = (PyDataMem_Handler *)PyCapsule_GetPointer(capsule, "mem_handler");
        if (!h)
            return -1;
        fc_fft_set_allocator(h->allocator.malloc, h->allocator.free, h->allocator.ctx);
        return 0;
    }
    """
    int fc_fft_use_handler(object capsule) except -1


MAXDIM = FC_FFT_MAXDIM

cdef int _type_code(cnp.ndarray a):
    cdef int num = cnp.PyArray_TYPE(a)
    if num == cnp.NPY_FLOAT32:
        return FC_FFT_F32
    if num == cnp.NPY_FLOAT64:
        return FC_FFT_F64
    if num == cnp.NPY_COMPLEX64:
        return FC_FFT_C64
    return FC_FFT_C128


cdef int _dtype_code(dtype) except -1:
    import numpy as np
    return _type_code(np.empty(0, dtype))


cdef int _shape(obj, Py_ssize_t* v, int d) except -1:
    """v[0..d) = obj (a sequence of d ints)."""
    cdef int a
    if len(obj) != d or d > FC_FFT_MAXDIM:
        raise ValueError("fastconv FFT engine: shapes must have one length per axis")
    for a in range(d):
        v[a] = obj[a]
    return 0


def tile_shape(kshape, lengths, dtype):
    """Overlap-save tile lengths (5-smooth, per axis) the engine uses for a
    kernel of shape `kshape`, an output window of shape `lengths` and
    `dtype` (float32/float64/complex64/complex128); they depend on the L2
    size (`l2_bytes`), never on the thread count."""
    cdef Py_ssize_t K[FC_FFT_MAXDIM]
    cdef Py_ssize_t L[FC_FFT_MAXDIM]
    cdef Py_ssize_t P[FC_FFT_MAXDIM]
    cdef int d = len(kshape), a
    cdef int t = _dtype_code(dtype)
    _shape(kshape, K, d)
    _shape(lengths, L, d)
    fc_fft_tiles(t, d, K, L, P)
    return tuple(P[a] for a in range(d))


def start_tiles(kshape, lengths):
    """Where the engine's tile search starts (fc_fft_start_tiles): per axis
    the next 5-smooth length >= max(4 K, 16), at most the whole padded axis
    next_smooth(L + K - 1), at least next_smooth(K)."""
    cdef Py_ssize_t K[FC_FFT_MAXDIM]
    cdef Py_ssize_t L[FC_FFT_MAXDIM]
    cdef Py_ssize_t P[FC_FFT_MAXDIM]
    cdef int d = len(kshape), a
    _shape(kshape, K, d)
    _shape(lengths, L, d)
    fc_fft_start_tiles(d, K, L, P)
    return tuple(P[a] for a in range(d))


def tile_cost(kshape, lengths, tiles, dtype, bint search=False):
    """The engine's cost of overlap-save tiles `tiles` (fc_fft_tile_cost,
    the one statement of the tile rule): search=True what its tile search
    minimises, False the work the method model prices."""
    cdef Py_ssize_t K[FC_FFT_MAXDIM]
    cdef Py_ssize_t L[FC_FFT_MAXDIM]
    cdef Py_ssize_t P[FC_FFT_MAXDIM]
    cdef int d = len(kshape)
    cdef int t = _dtype_code(dtype)
    _shape(kshape, K, d)
    _shape(lengths, L, d)
    _shape(tiles, P, d)
    return fc_fft_tile_cost(t, d, K, L, P, search)


def part_choice(kshape, lengths, dtype):
    """The transform length N of the kernel-partitioned FFT when the engine
    runs a kernel of shape `kshape` and a window `lengths` by it (1-D, a
    kernel longer than the window, cheaper than overlap-save at
    `tile_shape`; csrc/fc_fft.h, fc_fft_choose_part), else 0.  (The engine
    itself asks with the taps that can meet x.)"""
    cdef Py_ssize_t K[FC_FFT_MAXDIM]
    cdef Py_ssize_t L[FC_FFT_MAXDIM]
    cdef int d = len(kshape)
    cdef int t = _dtype_code(dtype)
    _shape(kshape, K, d)
    _shape(lengths, L, d)
    return fc_fft_choose_part(t, d, K, L)


def part_length(Py_ssize_t K, Py_ssize_t L, dtype):
    """The partitioned FFT's own transform length for K taps and L outputs
    (fc_fft_part_len: the 5-smooth N >= L of least `part_cost`)."""
    return fc_fft_part_len(_dtype_code(dtype), K, L)


def part_cost(Py_ssize_t K, Py_ssize_t L, Py_ssize_t N, dtype, bint search=False):
    """The engine's cost of the partitioned FFT with transforms of N, in
    `tile_cost`'s units (fc_fft_part_cost)."""
    return fc_fft_part_cost(_dtype_code(dtype), K, L, N, search)


def extra_bytes(tiles, dtype):
    """Bytes of the engine's tile buffers for 2 threads and its kernel
    spectrum with tiles `tiles`, as its memory cap counts them
    (fc_fft_extra_bytes)."""
    cdef Py_ssize_t P[FC_FFT_MAXDIM]
    cdef int d = len(tiles)
    cdef int t = _dtype_code(dtype)
    _shape(tiles, P, d)
    return fc_fft_extra_bytes(t, d, P)


def l2_bytes():
    """The L2 cache size (bytes per core) the tile cost assumes: the
    FASTCONV_L2_BYTES environment variable (bytes, or 1024K / 1M) if set,
    else the machine's, else 1 MiB (csrc/fc_cachesize.h)."""
    return fc_l2_bytes()


def set_l2_bytes(size_t nbytes):
    """Set the L2 size the tile cost assumes (for tests; 0: find it again)
    and return the old one."""
    return fc_set_l2_bytes(nbytes)


def correlate_window(cnp.ndarray x, cnp.ndarray k, starts, lengths, cnp.ndarray out,
                     int nthreads=1, tiles=None, bint check=False, part=None):
    """out[y] = sum_j k[j] * x[y + starts + j] for 0 <= y < lengths (see the
    module docstring).  `tiles`: optional tile lengths per axis (5-smooth,
    >= k.shape) instead of the engine's choice (for tests and tuning).
    `part` (1-D): the kernel-partitioned FFT with transforms of that length
    (5-smooth, >= lengths; 0: its own length) instead of the engine's
    choice.
    Returns `out`, or with `check` ``(out, finite)``: finite is True when
    the engine saw every output finite as it wrote it (False: some output
    may be NaN or infinite)."""
    cdef Py_ssize_t xs[FC_FFT_MAXDIM]
    cdef Py_ssize_t ks[FC_FFT_MAXDIM]
    cdef Py_ssize_t st[FC_FFT_MAXDIM]
    cdef Py_ssize_t L[FC_FFT_MAXDIM]
    cdef Py_ssize_t P[FC_FFT_MAXDIM]
    cdef const Py_ssize_t* Pp = NULL
    cdef int d = cnp.PyArray_NDIM(x), a, rc
    cdef int t = _type_code(x)
    cdef const void* xp = cnp.PyArray_DATA(x)
    cdef const void* kp = cnp.PyArray_DATA(k)
    cdef void* op = cnp.PyArray_DATA(out)
    for a in range(d):
        xs[a] = x.shape[a]
        ks[a] = k.shape[a]
        st[a] = starts[a]
        L[a] = lengths[a]
    if tiles is not None:
        for a in range(d):
            P[a] = tiles[a]
        Pp = P
    cdef Py_ssize_t N = -1 if part is None else part
    if N >= 0 and d != 1:
        raise ValueError("fastconv FFT engine: the partitioned FFT is 1-D")
    if 0 < N < L[0]:
        raise ValueError(f"fastconv FFT engine: part={N} is shorter than the window "
                         f"({L[0]} outputs)")
    with nogil:
        if N >= 0:
            rc = fc_fft_correlate_part(t, xs, xp, ks, kp, st, L, op, N, nthreads)
        else:
            rc = fc_fft_correlate(t, d, xs, xp, ks, kp, st, L, op, Pp, nthreads)
    return _result(rc, out, check)


cdef _result(int rc, cnp.ndarray out, bint check):
    """An engine run's return code rc (0: all outputs finite, 1: some may
    not be, -1: out of memory) as correlate_window / KernelPlan.run return it."""
    if rc < 0:
        raise MemoryError("fastconv FFT engine: cannot allocate its tile buffers")
    return (out, rc == 0) if check else out


cdef class KernelPlan:
    """correlate_window for one kernel, input shape, window and dtype, reused.

    ``KernelPlan(k, xshape, starts, lengths, tiles=None)`` computes the
    tiling, the DFT twiddles and the kernel's spectrum once (k is copied
    into the spectrum: it may change afterwards); ``plan.run(x, out,
    nthreads=1)`` then writes ``out[y] = sum_j k[j] * x[y + starts + j]``
    for any ``x`` of shape ``xshape`` and k's dtype, bit-identical to
    ``correlate_window``.  Trusts its inputs like correlate_window.  Threads
    may share a plan; it keeps the tile buffers of its last run for the next
    (concurrent runs allocate their own).  Without `tiles` a 1-D plan may be
    the kernel-partitioned FFT (`part_choice`; or `part`, as in
    correlate_window): then ``plan.part`` is True and ``plan.tiles`` is
    ``(N,)``, its transform length (it keeps a copy of the kernel).
    """
    cdef fc_fft_plan* pl
    cdef readonly tuple tiles
    cdef readonly bint part

    def __cinit__(self, cnp.ndarray k, xshape, starts, lengths, tiles=None, part=None):
        cdef Py_ssize_t xs[FC_FFT_MAXDIM]
        cdef Py_ssize_t ks[FC_FFT_MAXDIM]
        cdef Py_ssize_t st[FC_FFT_MAXDIM]
        cdef Py_ssize_t L[FC_FFT_MAXDIM]
        cdef Py_ssize_t P[FC_FFT_MAXDIM]
        cdef int d = cnp.PyArray_NDIM(k), a
        cdef int t = _type_code(k)
        cdef const void* kp = cnp.PyArray_DATA(k)
        self.pl = NULL
        for a in range(d):
            xs[a] = xshape[a]
            ks[a] = k.shape[a]
            st[a] = starts[a]
            L[a] = lengths[a]
        cdef Py_ssize_t N = 0, j0, Ke
        if part is not None:
            if d != 1 or 0 < part < L[0]:
                raise ValueError("fastconv FFT engine: part= needs a 1-D window no "
                                 "longer than it")
            N = part if part > 0 else fc_fft_part_len(t, ks[0], L[0])
        elif tiles is None and d == 1:
            # (the engine's choice for the taps that can meet x, as fc_fft.c's)
            j0 = max(0, -st[0] - L[0] + 1)
            Ke = max(1, min(ks[0], xs[0] - st[0]) - j0)
            N = fc_fft_choose_part(t, 1, &Ke, L)
        self.part = N > 0
        if self.part:
            self.tiles = (N,)
            with nogil:
                self.pl = fc_fft_plan_new_part(t, xs, kp, ks, st, L, N)
            if self.pl == NULL:
                raise MemoryError("fastconv FFT engine: cannot allocate the kernel plan")
            return
        if tiles is None:
            fc_fft_tiles(t, d, ks, L, P)
        else:
            for a in range(d):
                P[a] = tiles[a]
        self.tiles = tuple(P[a] for a in range(d))
        with nogil:
            self.pl = fc_fft_plan_new(t, d, xs, kp, ks, st, L, P)
        if self.pl == NULL:
            raise MemoryError("fastconv FFT engine: cannot allocate the kernel plan")

    def __dealloc__(self):
        fc_fft_plan_free(self.pl)

    def run(self, cnp.ndarray x, cnp.ndarray out, int nthreads=1, bint check=False):
        """Write the window of `x` correlated with the plan's kernel into
        `out` (C-contiguous, the plan's dtype and shapes); returns `out`, or
        ``(out, finite)`` with `check` (as correlate_window)."""
        cdef const void* xp = cnp.PyArray_DATA(x)
        cdef void* op = cnp.PyArray_DATA(out)
        cdef int rc
        with nogil:
            rc = fc_fft_plan_run(self.pl, xp, op, nthreads)
        return _result(rc, out, check)


def select_isa(requested=None):
    """Select the FFT kernels' instruction set; return the name in use
    (plans keep the instruction set they were made with)."""
    cdef bytes req = (requested or "").encode()
    fc_fft_select_isa(req)
    return fc_fft_isa_name().decode()


def isa_name():
    return fc_fft_isa_name().decode()


def isa_available():
    return fc_fft_isa_available().decode().split(",")


import os as _os
select_isa(_os.environ.get("FASTCONV_ISA"))

# (work blocks from fastconv's cache of large buffers: a repeated call finds
# their pages mapped; csrc/fc_fft.h, fc_fft_set_allocator)
from . import _memory as _mem
fc_fft_use_handler(_mem.handler())
