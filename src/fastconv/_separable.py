"""The separable executor: runs a plan whose kernel is one 1-D correlation
kernel per convolved axis (``Plan.factors``) as 1-D passes.

It decides nothing about the call (`_plan.make_plan` found the factors,
`_method.py` chose this executor); it lays the plan out for the C passes
of `_sepcore` (csrc/fc_sep*.c):

* x in the work dtype, C order, broadcast on the batch axes (one copy at
  most; no axis is moved); a uint8/uint16 x with float work is read as it
  is, converted on load (`_input`);
* when the last two axes are convolved they are done together, band of
  rows by band of rows: the vertical pass of SEP_R rows goes into a row
  buffer, the horizontal pass reads it back at once, so that intermediate
  never leaves the cache;
* every other convolved axis gets a pass of its own: the last axis as a
  horizontal pass of every row, any other as a vertical pass over the
  array seen as (outer, n, inner) planes (a full-size intermediate between
  such passes: 3 or more convolved axes, or axes that are not the last two).

Boundary rules fold indices per axis (csrc/fc_boundary.h), which commutes
with summing along another axis; a fill value ``f`` seen by a later pass is
what the earlier passes make of it, ``f * prod(sum(factor))``.

Constant factors (``Plan.box``) run as running sums (csrc/fc_sep.h states
their error bound).

`plan_passes` is the internal entry for callers that already know their
per-axis kernels and offsets (fastconv.ndimage's separable filters).
"""
import math

import numpy as np

from . import _direct, _memory, _sepcore
from ._method import SECONDS_PER_SEP_TAP, separable_seconds
from ._threads import resolve_workers, thread_share
from ._window import BOUNDARY_CODES, _from_work, _to_work

__all__ = ["run_separable", "plan_passes", "RESTART", "u8_passes", "Kept"]

_sepcore.select_isa(_direct.isa_name())
RESTART = _sepcore.RESTART   # running sums restart every RESTART samples

# Output rows per work unit at least (SEP_R of fc_sep_impl.h is 4).
MIN_BAND_ROWS = 8


# Bands of more rows than this are a multiple of it (the 16-row bands of the
# float32 AVX-512 passes, SEP_TB of csrc/fc_sep_impl.h: a band of 86 rows
# would do its last 6 rows by the slower 4-row loops).
BAND_ALIGN = 16


# Work units per thread (bands of rows, every plane cut alike): the last
# unit's thread finishes alone, so the two threads' ends differ by about half
# a unit.  16 per thread, not 8: 2048^2 float32 gaussian_filter on 2
# threads, 8 per thread took 1.85-1.87x the time of 1 thread at sigma 1-8,
# 16 per thread 1.94-2.03x (AMD Zen 5, medians of 60 interleaved rounds); the
# vertical FIR pass re-reads its mu - 1 halo rows at a band's start (from L2
# when the same thread did the band before).  Box sums (running sums) restart
# at every band over mu - 1 rows, work the band count multiplies: they keep
# 8 (uniform_filter 63, 2048^2: 1.6x at 8 per thread, 1.4x at 16).
UNITS_PER_THREAD = 16
BOX_UNITS_PER_THREAD = 8


def _band_rows(planes, oy, nthreads, per_thread=UNITS_PER_THREAD):
    """Rows per unit: the whole plane on one thread, else bands small enough
    to give every thread `per_thread` units or more (the result is the
    same), rounded up to a multiple of BAND_ALIGN rows when longer."""
    if nthreads <= 1:
        return max(1, oy)
    per_plane = -(-per_thread * nthreads // max(1, planes))
    rows = max(MIN_BAND_ROWS, -(-oy // per_plane))
    return rows if rows <= BAND_ALIGN else -(-rows // BAND_ALIGN) * BAND_ALIGN


# A horizontal pass alone (a 1-D pass along the last axis) writes outputs at
# least this big by streaming stores, when its rows are mostly whole 64-byte
# lines (rows that share lines, each line part streamed and part stored,
# measured 1.3x slower than ordinary stores on 512^2 x 64 float32): a
# 512^2 x 64 float32 correlate1d along the last axis (64 MiB) took 18.6 ->
# 15.5 ms CPU.  Not the two fused passes (measured on an Intel Sapphire
# Rapids, not re-checked on AMD Zen 5): streamed, a 4096^2 float32
# gaussian_filter (64 MiB) took 10% longer, uniform_filter 63 7% (their
# row buffers already keep the input's traffic low); nor at 16 MiB, which
# stays in this machine's L3 between calls (2048^2 uniform_filter +0-10%).
# A vertical pass alone too (AMD Zen 5: a 512^2 x 64 float32 correlate1d
# along axis 1, 7.3 -> 5.3 ms CPU; along axis 2 the stores made no
# difference there).
STREAM_MIN_BYTES = 32 << 20


def _stream(dst):
    """Whether a 1-D pass writes `dst` (planes, rows, columns) by streaming
    stores (STREAM_MIN_BYTES)."""
    row = dst.shape[2] * dst.itemsize
    return dst.nbytes >= STREAM_MIN_BYTES and \
        (row >= 1024 or (row % 64 == 0 and dst.ctypes.data % 64 == 0))


def _run(src, u, v, fill, dst, offy, offx, bnd, box_y, box_x, nthreads, stream=False):
    planes, oy = dst.shape[0], dst.shape[1]
    _sepcore.run_planes(src, u, v, fill, dst, offy, offx, bnd, bnd, box_y, box_x,
                        _band_rows(planes, oy, nthreads,
                                   BOX_UNITS_PER_THREAD if box_y else UNITS_PER_THREAD),
                        nthreads, stream)


_ONES = {}   # work dtype char -> [1] (the taps of the axis a 1-D pass leaves alone)


def _one(wd):
    one = _ONES.get(wd.char)
    if one is None:
        one = _ONES[wd.char] = np.ones(1, wd)
        one.flags.writeable = False
    return one


def _input(x, xshape, wd, fill):
    """x as the first pass reads it: itself when it is a C-contiguous
    uint8/uint16 array of the output's batch shape and holds the fill value
    (converted on load, csrc/fc_sep_impl.h SEP_I), else a work-dtype copy."""
    if (x.dtype.char in _sepcore.DIRECT_INPUTS.get(wd.char, ()) and x.shape == xshape
            and x.flags.c_contiguous and x.flags.aligned and x.dtype.isnative):
        with np.errstate(all="ignore"):
            if np.asarray(fill).astype(x.dtype) == fill:
                return x
    return _to_work(x if x.shape == xshape else np.broadcast_to(x, xshape), wd)


def _dest(plan, shape, wd):
    """Where the last pass writes: the caller's ``out`` itself when it can
    take the work dtype's values as they are (C order, the result dtype is
    the work dtype, no memory shared with the inputs), else a new buffer."""
    out = plan.out
    if (out is not None and out.shape == shape and out.dtype == wd == plan.result
            and out.flags.c_contiguous and out.flags.aligned and out.flags.writeable
            and not any(np.may_share_memory(out, a) for a in plan.sources)):
        return out
    return _memory.empty(shape, wd)


class _Pass:
    """One C call of the executor: a 1-D pass along `axis` (a horizontal
    pass of every row for the last axis, else a vertical pass over
    (outer, n, inner) planes), or with `fused` the last two axes together,
    band by band; `shape`: its output's shape."""
    __slots__ = ("axis", "fused", "shape", "u", "v", "fill", "offy", "offx", "bnd", "box_y",
                 "box_x")

    def run(self, cur, nxt, nthreads):
        """The pass from `cur` (C order) into `nxt` (C order, work dtype)."""
        a, L = self.axis, self.shape[self.axis]
        if self.fused:
            ny, nx = cur.shape[-2], cur.shape[-1]
            _run(cur.reshape(-1, ny, nx), self.u, self.v, self.fill,
                 nxt.reshape(-1, self.shape[-2], L), self.offy, self.offx, self.bnd,
                 self.box_y, self.box_x, nthreads)
        elif a == cur.ndim - 1:     # along rows: a horizontal pass of every row
            rows = math.prod(cur.shape[:-1])
            dst = nxt.reshape(1, rows, L)
            _run(cur.reshape(1, rows, cur.shape[-1]), self.u, self.v, self.fill, dst, 0,
                 self.offx, self.bnd, False, self.box_x, nthreads, _stream(dst))
        else:                       # a vertical pass over (outer, n, inner) planes
            outer, inner = math.prod(cur.shape[:a]), math.prod(cur.shape[a + 1:])
            dst = nxt.reshape(outer, L, inner)
            _run(cur.reshape(outer, cur.shape[a], inner), self.u, self.v, self.fill, dst,
                 self.offy, 0, self.bnd, self.box_y, False, nthreads, _stream(dst))


def _passes(plan):
    """The C calls that compute `plan`, in order (`_Pass`)."""
    wd = plan.work
    ndim = len(plan.shape)
    conv_axes = [a for a, c in enumerate(plan.conv) if c]
    factors = dict(zip(conv_axes, (np.ascontiguousarray(f, dtype=wd) for f in plan.factors)))
    box = dict(zip(conv_axes, plan.box))
    fill = np.asarray(plan.fill).astype(wd).reshape(1)
    one = _one(wd)
    bnd = BOUNDARY_CODES[plan.boundary]
    fused = len(conv_axes) >= 2 and conv_axes[-2:] == [ndim - 2, ndim - 1]
    shape = [plan.shape[a] if not c else n for a, (n, c) in enumerate(zip(plan.x.shape,
                                                                           plan.conv))]
    passes = []
    for a in conv_axes[:-2] if fused else conv_axes:   # one pass each, on the array's layout
        p = _Pass()
        shape[a] = plan.shape[a]
        p.axis, p.fused, p.shape, p.fill, p.bnd = a, False, tuple(shape), fill, bnd
        last = a == ndim - 1
        p.u, p.v = (one, factors[a]) if last else (factors[a], one)
        p.offy, p.offx = (0, plan.offsets[a]) if last else (plan.offsets[a], 0)
        p.box_y, p.box_x = (False, box[a]) if last else (box[a], False)
        passes.append(p)
        with np.errstate(all="ignore"):   # (an inf or wrapping fill)
            fill = (fill * factors[a].sum(dtype=wd)).astype(wd)
    if fused:   # the last two axes together, band by band
        ay, ax = ndim - 2, ndim - 1
        p = _Pass()
        shape[ay], shape[ax] = plan.shape[ay], plan.shape[ax]
        p.axis, p.fused, p.shape, p.fill, p.bnd = ax, True, tuple(shape), fill, bnd
        p.u, p.v, p.offy, p.offx = factors[ay], factors[ax], plan.offsets[ay], plan.offsets[ax]
        p.box_y, p.box_x = box[ay], box[ax]
        passes.append(p)
    return passes


def _run_passes(passes, cur, wd, threads, seconds, last=None):
    """Run `passes` (`_Pass`) from `cur` on the threads `thread_share`
    grants; each writes a new array of work dtype `wd`, the last one
    ``last(shape)`` when given.  Returns the last pass's output."""
    with thread_share(threads, seconds) as nthreads:
        for p in passes:
            nxt = (last(p.shape) if last is not None and p is passes[-1]
                   else _memory.empty(p.shape, wd))
            p.run(cur, nxt, nthreads)
            cur = nxt
    return cur


def run_separable(plan):
    """Execute a plan with ``method == 'separable'``; returns the result
    (result dtype), which is ``plan.out`` itself when the passes could write
    into it (`_dest`)."""
    wd = plan.work
    xshape = tuple(plan.shape[a] if not c else n
                   for a, (n, c) in enumerate(zip(plan.x.shape, plan.conv)))
    cur = _run_passes(_passes(plan), _input(plan.x, xshape, wd, plan.fill), wd,
                      plan.threads, separable_seconds(plan),
                      lambda shape: _dest(plan, shape, wd))
    return _from_work(cur, plan.result)


class Kept:
    """A separable plan's C calls kept for later calls of the same signature
    (`fastconv.ndimage`'s kept filters): `run` gives `run_separable`'s
    result for another input of the plan's shape and dtype that the first
    pass reads as it is, into a new array, on the threads of the call's
    context.  `keep` returns None for plans whose result is not the work
    dtype or whose input is not read as it is."""
    __slots__ = ("passes", "xshape", "xdtype", "work", "seconds")

    @classmethod
    def keep(cls, plan):
        wd = plan.work
        if plan.result != wd or any(not c and n != L for n, L, c in
                                    zip(plan.x.shape, plan.shape, plan.conv)):
            return None
        if plan.x.dtype != wd and plan.x.dtype.char not in _sepcore.DIRECT_INPUTS.get(
                wd.char, ()):
            return None
        with np.errstate(all="ignore"):
            if plan.x.dtype != wd and np.asarray(plan.fill).astype(plan.x.dtype) != plan.fill:
                return None
        k = cls()
        k.passes, k.xshape, k.xdtype, k.work = _passes(plan), plan.x.shape, plan.x.dtype, wd
        k.seconds = separable_seconds(plan)
        return k

    def takes(self, x):
        """Whether `x` is read as it is (C order, aligned, native, the
        plan's shape and dtype)."""
        return (x.shape == self.xshape and x.dtype == self.xdtype and x.flags.c_contiguous
                and x.flags.aligned)

    def run(self, x, workers=None):
        return _run_passes(self.passes, x, self.work, resolve_workers(workers), self.seconds)


def plan_passes(x, factors, axes, offsets, boundary="fill", fillvalue=0, *, shape=None,
                dtype=None, running=True, workers=None, out=None):
    """A separable plan for callers that know their per-axis kernels.

    ``result[y] = sum_j prod_a factors[a][j_a] * X(y + offset + j)``: on each
    axis ``axes[a]`` the 1-D *correlation* kernel ``factors[a]`` (not
    flipped), the output window starting at ``offsets[a]`` in the sense of
    `_plan` (``offset = -(len(factors[a]) // 2) - origin`` is scipy.ndimage's
    ``origin``), x read through `boundary` (a fastconv name: 'fill',
    'wrap', 'symm', 'reflect', 'nearest' and their aliases) with
    `fillvalue`.  `shape`: the result's shape (default x's); `dtype`: the
    result dtype (default ``np.result_type(x, *factors)``); `running`:
    constant factors by running sums.  Run it with ``_execute.execute``.
    """
    from ._plan import make_separable_plan
    return make_separable_plan(x, factors, axes, offsets, boundary, fillvalue, shape, dtype,
                               running, workers, out)


def u8_passes(x, passes, boundary, fill, dest):
    """1-D passes of the C-contiguous uint8 array `x` into the C-contiguous
    uint8 array `dest` (x's shape) as scipy.ndimage stores integer outputs
    (csrc/fc_sep.h fc_sep_rows_u8): float32 sums cast to uint8, those within
    `tol` of an integer recomputed from the float64 taps in ndimage's order.
    `passes`: one or two (axis, float64 taps in correlation order, window
    offset, ndimage's symmetry of the taps, tol, the tol of the folded
    sums of a short symmetric kernel); two only along the last
    two axes in order (done row band by row band: the uint8 rows between
    them stay in cache).  `fill`: an integer 0..255 (boundary 'fill')."""
    specs = [(np.ascontiguousarray(w, dtype=np.float32), np.ascontiguousarray(w, np.float64),
              int(off), int(sym), float(tol), float(tolf))
             for _, w, off, sym, tol, tolf in passes]
    axis = passes[0][0]
    if len(passes) == 2:            # the last two axes: (planes, ny, nx)
        planes, ny, nx = math.prod(x.shape[:-2]), x.shape[-2], x.shape[-1]
        vertical, horizontal = specs
    elif axis == x.ndim - 1:        # along rows: a horizontal pass
        planes, ny, nx = 1, math.prod(x.shape[:-1]), x.shape[-1]
        vertical, horizontal = None, specs[0]
    else:                           # a vertical pass over (outer, n, inner) planes
        planes, ny, nx = math.prod(x.shape[:axis]), x.shape[axis], math.prod(x.shape[axis + 1:])
        vertical, horizontal = specs[0], None
    seconds = x.size * sum(len(s[0]) for s in specs) * SECONDS_PER_SEP_TAP["f4"]
    with thread_share(resolve_workers(None), seconds) as nthreads:
        _sepcore.run_planes_u8(x.reshape(planes, ny, nx), dest.reshape(planes, ny, nx),
                               float(fill), BOUNDARY_CODES[boundary], vertical, horizontal,
                               _band_rows(planes, ny, nthreads), nthreads)
    return dest
