# cython: language_level=3
"""Cython entry of the separable passes (csrc/fc_sep*.c): one call runs a
vertical + horizontal 1-D pass over every plane of a C-contiguous work
array, output rows shared among threads in bands (each output row is
computed by one thread, in a fixed order: results do not depend on the
thread count).  It validates nothing: _separable.py built the arguments."""
from cython.parallel cimport prange
from libc.stdint cimport int64_t, uint8_t
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
    int fc_sep_rows_u8(const fc_sep_geom* g, const uint8_t* x, float fill,
                       const fc_sep_u8pass* vp, const fc_sep_u8pass* hp, uint8_t* out,
                       int64_t r0, int64_t r1)
    int fc_sep_select(int isa)
    int FC_SEP_RESTART

RESTART = FC_SEP_RESTART

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


def run_planes(cnp.ndarray x, cnp.ndarray u, cnp.ndarray v, cnp.ndarray fill,
               cnp.ndarray out, int64_t offy, int64_t offx, int bnd_y, int bnd_x,
               bint box_y, bint box_x, int64_t rows_per_unit, int nthreads,
               bint stream=False):
    """x: (planes, ny, nx), out: (planes, oy, ox), C-contiguous; out, u, v
    and fill (one element) in the work dtype, x in it too or a narrower
    type of DIRECT_INPUTS that holds the fill value.  stream: a horizontal
    pass alone (u == [1]) writes the output rows by streaming stores
    (outputs too big for the cache)."""
    cdef fc_sep_geom g
    cdef int64_t planes = x.shape[0]
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
    cdef int typ = TYPE_CODES[x.dtype.char, out.dtype.char]
    cdef char* px = <char*>cnp.PyArray_DATA(x)
    cdef char* po = <char*>cnp.PyArray_DATA(out)
    cdef const void* pu = cnp.PyArray_DATA(u)
    cdef const void* pv = cnp.PyArray_DATA(v)
    cdef const void* pf = cnp.PyArray_DATA(fill)
    cdef int64_t xplane = g.ny * g.nx * x.itemsize
    cdef int64_t oplane = g.oy * g.ox * out.itemsize
    cdef int64_t bands = (g.oy + rows_per_unit - 1) // rows_per_unit
    cdef int64_t n_units = planes * bands
    cdef int64_t t, p, r0, r1
    cdef int failed = 0
    if nthreads > 1 and n_units > 1:
        for t in prange(n_units, nogil=True, num_threads=nthreads, schedule="dynamic",
                        chunksize=1):
            p = t // bands
            r0 = (t % bands) * rows_per_unit
            r1 = min(r0 + rows_per_unit, g.oy)
            if fc_sep_rows(typ, &g, px + p * xplane, pu, pv, pf, po + p * oplane, r0, r1):
                failed = 1
    else:
        with nogil:
            for p in range(planes):
                if fc_sep_rows(typ, &g, px + p * xplane, pu, pv, pf, po + p * oplane,
                               0, g.oy):
                    failed = 1
    if failed:
        raise MemoryError("fastconv: no memory for the separable passes' row buffers")


cdef int _u8pass(tuple spec, fc_sep_u8pass* p, list keep) except -1:
    """p from spec = (float32 taps, float64 taps, offset, sym, tol)."""
    cdef cnp.ndarray w = spec[0], w64 = spec[1]
    keep.append(w)
    keep.append(w64)
    p.w = <const float*>cnp.PyArray_DATA(w)
    p.w64 = <const double*>cnp.PyArray_DATA(w64)
    p.m = w.shape[0]
    p.off = spec[2]
    p.sym = spec[3]
    p.tol = spec[4]
    return 0


def run_planes_u8(cnp.ndarray x, cnp.ndarray out, float fill, int bnd, vertical, horizontal,
                  int64_t rows_per_unit, int nthreads):
    """1-D passes of uint8 planes x (planes, ny, nx) into uint8 out of the
    same shape as scipy.ndimage stores them (csrc/fc_sep.h fc_sep_rows_u8):
    `vertical` then `horizontal` (None: no such pass), each (float32 taps
    (C-contiguous), float64 taps, window offset, ndimage's symmetry of the
    taps, tol); fill: an integer 0..255."""
    cdef fc_sep_geom g
    cdef fc_sep_u8pass vp, hp
    cdef fc_sep_u8pass* pvp = NULL
    cdef fc_sep_u8pass* php = NULL
    cdef list keep = []
    if vertical is not None:
        _u8pass(vertical, &vp, keep)
        pvp = &vp
    if horizontal is not None:
        _u8pass(horizontal, &hp, keep)
        php = &hp
    cdef int64_t planes = x.shape[0]
    g.ny = x.shape[1]
    g.nx = x.shape[2]
    g.oy = g.ny
    g.ox = g.nx
    g.bnd_y = bnd
    g.bnd_x = bnd
    g.stream = 0
    cdef uint8_t* px = <uint8_t*>cnp.PyArray_DATA(x)
    cdef uint8_t* po = <uint8_t*>cnp.PyArray_DATA(out)
    cdef int64_t plane = g.ny * g.nx
    cdef int64_t bands = (g.oy + rows_per_unit - 1) // rows_per_unit
    cdef int64_t t, n_units = planes * bands
    cdef int failed = 0
    if nthreads > 1 and n_units > 1:
        for t in prange(n_units, nogil=True, num_threads=nthreads, schedule="dynamic",
                        chunksize=1):
            if _u8_unit(&g, px, po, plane, fill, pvp, php, t, bands, rows_per_unit):
                failed = 1
    else:
        with nogil:
            for t in range(n_units):
                if _u8_unit(&g, px, po, plane, fill, pvp, php, t, bands, rows_per_unit):
                    failed = 1
    if failed:
        raise MemoryError("fastconv: no memory for the separable passes' row buffers")


cdef int _u8_unit(const fc_sep_geom* g, const uint8_t* x, uint8_t* out, int64_t plane,
                  float fill, const fc_sep_u8pass* vp, const fc_sep_u8pass* hp, int64_t t,
                  int64_t bands, int64_t rows_per_unit) noexcept nogil:
    """Work unit t of run_planes_u8: a band of output rows of one plane."""
    cdef int64_t p = t // bands
    cdef int64_t r0 = (t % bands) * rows_per_unit
    cdef int64_t r1 = min(r0 + rows_per_unit, g.oy)
    return fc_sep_rows_u8(g, x + p * plane, fill, vp, hp, out + p * plane + r0 * g.nx, r0, r1)
