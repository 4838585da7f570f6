# cython: language_level=3
"""Cython entry of the separable passes (csrc/fc_sep*.c): one call runs a
vertical + horizontal 1-D pass over every plane of a C-contiguous work
array, output rows shared among threads in bands (each output row is
computed by one thread, in a fixed order: results do not depend on the
thread count).  It validates nothing: _separable.py built the arguments.

Bands go to threads in contiguous runs (`_run_units`): thread i takes the
bands of its own run in order, so the rows a band's vertical pass shares
with the previous band (mu - 1 of them) are still in its L2; a thread done
with its run takes bands from the back of the run with the most left."""
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.stdlib cimport malloc, free
cimport numpy as cnp

cnp.import_array()

cdef extern from "fc_sep.h" nogil:
    struct fc_sep_geom:
        int64_t ny, nx, oy, ox, offy, offx, mu, mv
        int bnd_y, bnd_x, box_y, box_x, stream
    int fc_sep_rows(int type, const fc_sep_geom* g, const void* x, const void* u,
                    const void* v, const void* fill, void* out, int64_t r0, int64_t r1)
    struct fc_sep_u8pass:
        const float* w
        const double* w64
        int64_t m, off
        int sym
        float tol
        float tolf
    int fc_sep_rows_u8(const fc_sep_geom* g, const uint8_t* x, float fill,
                       const fc_sep_u8pass* vp, const fc_sep_u8pass* hp, uint8_t* out,
                       int64_t r0, int64_t r1)
    int fc_sep_select(int isa)
    int FC_SEP_RESTART
    int FC_DEBUG_BUILD

RESTART = FC_SEP_RESTART
DEBUG_BUILD = bool(FC_DEBUG_BUILD)   # (csrc/fc_sep.h: -O0, no contracted FMAs)

# element type codes of fc_sep.h, by (input, work) numpy dtype characters
TYPE_CODES = {("f", "f"): 0, ("d", "d"): 1, ("B", "B"): 2, ("H", "H"): 3, ("I", "I"): 4,
              ("L", "L"): 4 if cnp.dtype("L").itemsize == 4 else 5, ("Q", "Q"): 5,
              ("B", "f"): 6, ("H", "f"): 7, ("B", "d"): 8, ("H", "d"): 9}
# narrower input types the passes read directly, by work type
DIRECT_INPUTS = {"f": ("B", "H"), "d": ("B", "H")}


def select_isa(name):
    """Use the instruction set `name` ('baseline', 'avx2', 'avx512'), which
    the caller has checked this CPU has (_direct.isa_name())."""
    return fc_sep_select({"avx2": 1, "avx512": 2}.get(name, 0))


cdef struct _job:
    # one call's work units: bands of `rows` output rows of every plane
    const fc_sep_geom* g
    int typ                  # fc_sep.h element type code; -1: the uint8 passes
    const char* x
    char* out
    int64_t xplane, oplane   # bytes per plane
    const void* u
    const void* v
    const void* fill
    float fill8              # (the uint8 passes' fill)
    const fc_sep_u8pass* vp
    const fc_sep_u8pass* hp
    int64_t bands, rows


cdef int _unit(const _job* j, int64_t t) noexcept nogil:
    """Work unit t: output rows [r0, r1) of plane t // bands."""
    cdef int64_t p = t // j.bands
    cdef int64_t r0 = (t % j.bands) * j.rows
    cdef int64_t r1 = min(r0 + j.rows, j.g.oy)
    if j.typ < 0:
        return fc_sep_rows_u8(j.g, <const uint8_t*>(j.x + p * j.xplane), j.fill8, j.vp, j.hp,
                              <uint8_t*>(j.out + p * j.oplane) + r0 * j.g.nx, r0, r1)
    return fc_sep_rows(j.typ, j.g, j.x + p * j.xplane, j.u, j.v, j.fill,
                       j.out + p * j.oplane, r0, r1)


cdef extern from "fc_runs.h" nogil:
    void fc_runs_init(uint64_t* run, int n, int64_t units)
    int64_t fc_runs_take(uint64_t* run, int n, int me)


def split_runs(int64_t n_units, int nthreads):
    """The units [front, back) of each thread's run (`_run_units`): the
    unit range cut into nthreads contiguous runs whose lengths differ by at
    most one unit (what `_run_units` starts from: fc_runs_init)."""
    cdef uint64_t* run = <uint64_t*>malloc(sizeof(uint64_t) * max(nthreads, 1))
    if run == NULL:
        raise MemoryError("fastconv: no memory for the separable passes' schedule")
    fc_runs_init(run, nthreads, n_units)
    try:
        return [(<int64_t>(run[i] >> 32), <int64_t>(run[i] & 0xffffffffu)) for i in range(nthreads)]
    finally:
        free(run)


cdef extern from "fc_team.h" nogil:
    ctypedef void (*fc_team_unit_fn)(void* ctx, int64_t unit, int slot) noexcept nogil
    ctypedef int (*fc_team_poll_fn)(void* ctx) noexcept nogil
    int fc_team_run(fc_team_unit_fn fn, void* ctx, int64_t n, int nthreads,
                    fc_team_poll_fn poll)
    void fc_team_hold(int on)


def team_hold(bint on):
    """Tests: while `on`, this extension's worker team joins no call (see
    fastconv._direct.team_hold)."""
    fc_team_hold(on)


cdef extern from *:
    """
    static void fc_flag_set(int *p) { __atomic_store_n(p, 1, __ATOMIC_RELAXED); }
    """
    void fc_flag_set(int* p) nogil   # (several threads may set it)


cdef struct _runs_job:
    const _job* j
    uint64_t* run
    int nthreads
    int failed


cdef void _run_role(void* ctx, int64_t me, int slot) noexcept nogil:
    """fc_team_unit_fn: run `me`'s units, then the ones it steals.  The
    roles are the team's units, so a role no worker thread took in time
    is run by the caller after its own (and finds its units stolen)."""
    cdef _runs_job* rj = <_runs_job*>ctx
    cdef int64_t t = fc_runs_take(rj.run, rj.nthreads, <int>me)
    while t >= 0:
        if _unit(rj.j, t):
            fc_flag_set(&rj.failed)
        t = fc_runs_take(rj.run, rj.nthreads, <int>me)


cdef int _run_units(_job* j, int64_t planes, int64_t rows_per_unit, int nthreads) except -1:
    """Every unit of the job, shared among nthreads threads (the worker
    team of csrc/fc_team.h: no thread waits for one that has not started):
    contiguous runs of units, one per thread, taken in order, the last ones
    stolen from the back of the fullest run (fc_runs_take; a unit's rows
    are computed the same way whoever takes it)."""
    j.rows = max(1, rows_per_unit)
    j.bands = (j.g.oy + j.rows - 1) // j.rows
    cdef int64_t t, n_units = planes * j.bands
    cdef int failed = 0
    cdef _runs_job rj
    if nthreads > n_units:
        nthreads = <int>n_units
    if nthreads > 1 and n_units < (<int64_t>1 << 31):
        rj.run = <uint64_t*>malloc(sizeof(uint64_t) * nthreads)
        if rj.run == NULL:
            raise MemoryError("fastconv: no memory for the separable passes' schedule")
        fc_runs_init(rj.run, nthreads, n_units)
        rj.j = j
        rj.nthreads = nthreads
        rj.failed = 0
        with nogil:
            fc_team_run(_run_role, &rj, nthreads, nthreads, NULL)
        free(rj.run)
        failed = rj.failed
    else:
        with nogil:
            for t in range(n_units):
                if _unit(j, t):
                    failed = 1
    if failed:
        raise MemoryError("fastconv: no memory for the separable passes' row buffers")
    return 0


def run_planes(cnp.ndarray x, cnp.ndarray u, cnp.ndarray v, cnp.ndarray fill,
               cnp.ndarray out, int64_t offy, int64_t offx, int bnd_y, int bnd_x,
               bint box_y, bint box_x, int64_t rows_per_unit, int nthreads,
               bint stream=False):
    """x: (planes, ny, nx), out: (planes, oy, ox), C-contiguous; out, u, v
    and fill (one element) in the work dtype, x in it too or a narrower
    type of DIRECT_INPUTS that holds the fill value.  stream: a horizontal
    pass alone (u == [1]) or a vertical one (v == [1], not box sums) writes
    the output rows by streaming stores (outputs too big for the cache)."""
    cdef fc_sep_geom g
    g.ny = x.shape[1]
    g.nx = x.shape[2]
    g.oy = out.shape[1]
    g.ox = out.shape[2]
    g.offy = offy
    g.offx = offx
    g.mu = u.shape[0]
    g.mv = v.shape[0]
    g.bnd_y = bnd_y
    g.bnd_x = bnd_x
    g.box_y = box_y
    g.box_x = box_x
    g.stream = stream
    cdef _job j
    j.g = &g
    j.typ = TYPE_CODES[x.dtype.char, out.dtype.char]
    j.x = <const char*>cnp.PyArray_DATA(x)
    j.out = <char*>cnp.PyArray_DATA(out)
    j.xplane = g.ny * g.nx * x.itemsize
    j.oplane = g.oy * g.ox * out.itemsize
    j.u = cnp.PyArray_DATA(u)
    j.v = cnp.PyArray_DATA(v)
    j.fill = cnp.PyArray_DATA(fill)
    _run_units(&j, x.shape[0], rows_per_unit, nthreads)


cdef int _u8pass(tuple spec, fc_sep_u8pass* p, list keep) except -1:
    """p from spec = (float32 taps, float64 taps, offset, sym, tol, tolf)."""
    cdef cnp.ndarray w = spec[0], w64 = spec[1]
    keep.append(w)
    keep.append(w64)
    p.w = <const float*>cnp.PyArray_DATA(w)
    p.w64 = <const double*>cnp.PyArray_DATA(w64)
    p.m = w.shape[0]
    p.off = spec[2]
    p.sym = spec[3]
    p.tol = spec[4]
    p.tolf = spec[5]
    return 0


def run_planes_u8(cnp.ndarray x, cnp.ndarray out, float fill, int bnd, vertical, horizontal,
                  int64_t rows_per_unit, int nthreads):
    """1-D passes of uint8 planes x (planes, ny, nx) into uint8 out of the
    same shape as scipy.ndimage stores them (csrc/fc_sep.h fc_sep_rows_u8):
    `vertical` then `horizontal` (None: no such pass), each (float32 taps
    (C-contiguous), float64 taps, window offset, ndimage's symmetry of the
    taps, tol, tolf); fill: an integer 0..255."""
    cdef fc_sep_geom g
    cdef fc_sep_u8pass vp, hp
    cdef list keep = []
    cdef _job j
    j.vp = NULL
    j.hp = NULL
    if vertical is not None:
        _u8pass(vertical, &vp, keep)
        j.vp = &vp
    if horizontal is not None:
        _u8pass(horizontal, &hp, keep)
        j.hp = &hp
    g.ny = x.shape[1]
    g.nx = x.shape[2]
    g.oy = g.ny
    g.ox = g.nx
    g.bnd_y = bnd
    g.bnd_x = bnd
    g.stream = 0
    j.g = &g
    j.typ = -1
    j.x = <const char*>cnp.PyArray_DATA(x)
    j.out = <char*>cnp.PyArray_DATA(out)
    j.xplane = j.oplane = g.ny * g.nx
    j.fill8 = fill
    _run_units(&j, x.shape[0], rows_per_unit, nthreads)
