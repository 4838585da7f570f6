"""The direct-method executor: runs a plan (see _plan.py) on the Cython core.

It decides nothing about the call: only how the plan's arrays are laid out
for the core (axis order, work copies, work units, streaming stores).
"""
import cmath
import math
import os

import numpy as np

from . import _direct, _memory
from ._direct import PAD_MIN_COLS, UNIT_MIN_COLS, UNIT_ROWS
from ._kept import keep
from ._method import PAD_COLUMNS_ABOVE, direct_seconds, one_tap
from ._threads import thread_share

__all__ = ["run_direct", "BOUNDARY_CODES"]

# Codes understood by csrc/fc_boundary.h.
BOUNDARY_CODES = {"fill": 0, "wrap": 1, "symm": 2, "reflect": 3, "nearest": 4}


def _to_work(a, wd):
    """C-contiguous copy (or view) of `a` in the work dtype.

    Signed integers become the unsigned type of the same width (modular
    arithmetic without C's signed-overflow undefined behaviour): the same
    bits, so a native-order array is only viewed, not converted.  The
    result is aligned for its type (the C code reads it as such).
    """
    if a.dtype == wd and a.flags.c_contiguous and a.flags.aligned:
        return a
    if (a.dtype.kind == "i" and wd.kind == "u" and a.dtype.itemsize == wd.itemsize
            and a.dtype.isnative):
        a = a.view(wd)
    a = np.ascontiguousarray(a, dtype=wd)
    return a if a.flags.aligned else a.copy()


# Codes of csrc/fc_convert.h (FC_CV_TYPES): (kind, itemsize) -> code, and
# the work types it converts into.
_CV_CODES = _direct.CV_CODES
_CV_WORK = _direct.CV_WORK


def _cv_code(dt):
    return _CV_CODES.get((dt.kind, dt.itemsize), 0) if dt.isnative else 0


def _band_source(plan, wd, kshape, batch, edges):
    """The code of x's dtype when the core converts x unit by unit into the
    work dtype `wd` (csrc/fc_convert.h), else 0 (x is converted whole first,
    `_to_work`, or needs no conversion).

    Each unit converts only the input rows and columns it reads, into a
    buffer that stays in cache: no full-size copy of x goes to memory and
    back (a uint8 image summed in float32 reads a quarter of the bytes).
    Only for a 'fill' boundary (a unit then reads no row or column outside
    its reach) and one kernel plane (the summed leading axes of extent 1),
    and for the widening conversions (to a wider type: integers to float or
    unsigned integers, float to a wider float), numpy's astype.
    The converted values are the same, so are the results (bit for bit)."""
    x = plan.x.dtype
    if plan.boundary != "fill" or edges == "pad" or x == wd:
        return 0
    if _cv_code(wd) not in _CV_WORK or wd.itemsize <= x.itemsize:
        return 0            # (same width: no conversion, or a view, `_to_work`)
    if x.kind == "f" and wd.kind != "f":
        return 0
    if math.prod(k for k, b in zip(kshape[:-2], batch[:-2]) if not b) != 1:
        return 0
    return _cv_code(x)


def nan_units(plan):
    """Whether run_direct can run `plan` with nanconvolve's sparse weights
    inside its units (``nan=``, csrc/fc_nanunit.h): float64 x, work and
    result, x one plane (1-D or 2-D), a 'fill' boundary (the caller sees
    that every sample outside is valid), no padded columns, x's rows the
    core's (not one row for a one-tap kernel, `_method.one_tap`)."""
    _, batch, xshape, _, _, _ = _layout(plan)
    return (plan.method == "direct" and plan.x.dtype == np.float64
            and plan.work == np.float64 and plan.result == np.float64
            and plan.boundary == "fill" and not any(batch) and len(xshape) == 2
            and plan.x.ndim <= 2 and xshape[-1] == plan.x.shape[-1]
            and zero_edges(plan) != "pad")


def _cast_code(wd, result):
    """The code of `result` when the core casts each unit's output block in
    place from the work dtype (float32 -> int32, float64 -> int64: integer
    sums, exact, see `_dtypes.exact_float_work`), else 0."""
    if result.kind == "i" and wd.kind == "f" and result.itemsize == wd.itemsize:
        return _cv_code(result)
    return 0


# x dtypes of the exact integer units (csrc/fc_pairs.h), by conversion code:
# max |x| of uint8 / bool, int8, int16
_PAIR_SOURCES = {_CV_CODES[("u", 1)]: 255, _CV_CODES[("i", 1)]: 128, _CV_CODES[("i", 2)]: 2**15}


def _pair_taps(plan, kernel, kshape, src_code, cast_code):
    """(taps, fill): the kernel (of the core's shape `kshape`) packed as
    int16 tap pairs for the exact integer units of csrc/fc_pairs.h (uint32
    (kernel planes, kh, ceil(kw / 2)): the low half k[.., 2p], the high
    half k[.., 2p + 1], 0 past the last tap) and the fill as an int, or
    None (the float32 units then run).

    Only where the float32 units would run with an int32 result (x
    converted unit by unit, `_band_source`; sums cast to int32), for an x of
    at most 16 bits (uint8, bool, int8, int16), integer taps and fill in
    int16 range, and int32 sums that cannot overflow: max|x| * sum|k| <
    2**31, max|x| from x's dtype range and the fill.  Every sum is then an
    exact integer, the same as the float32 units' (bit for bit)."""
    if src_code not in _PAIR_SOURCES or cast_code != _CV_CODES[("i", 4)]:
        return None
    if kernel.dtype.kind not in "biu":
        return None
    fill = np.asarray(plan.fill)
    if fill.dtype.kind not in "biuf":
        return None
    fill = float(fill)
    if not fill.is_integer() or not -2**15 <= fill < 2**15:
        return None
    k = kernel.astype(np.int64)
    if k.size and (k.min() < -2**15 or k.max() >= 2**15):
        return None
    xmax = _PAIR_SOURCES[src_code]
    if max(xmax, abs(int(fill))) * int(np.abs(k).sum()) >= 2**31:
        return None
    kh, kw = kshape[-2], kshape[-1]      # (the core's layout)
    k = k.reshape(-1, kh, kw)
    if kw % 2:
        k = np.concatenate([k, np.zeros((k.shape[0], kh, 1), np.int64)], axis=2)
    pairs = (k[..., 0::2] & 0xFFFF) | ((k[..., 1::2] & 0xFFFF) << 16)
    return np.ascontiguousarray(pairs.astype(np.uint32)), int(fill)


def _from_work(out, result):
    if out.dtype == result:
        return out
    if result.kind == "b":
        return out != 0
    if result.kind == "i" and out.dtype.kind == "u":
        return out.view(result)
    if out.dtype != result:
        return out.astype(result)
    return out


def _layout(plan):
    """Axis order and shapes the core works on.

    The core sums over every axis except leading axes flagged *batch*; its
    last two axes form the planes its SIMD kernel runs on.  The plan's
    paired batch axes are moved in front and flagged, and unit axes are
    added until a plane has two axes.  Returns (order, batch flags, x shape,
    kernel shape, out shape, offsets) in the core's layout.
    """
    batch = plan.paired
    if not any(batch):      # (the common cases, quickly)
        nd = len(batch)
        if nd >= 2 and not one_tap(plan):
            return (list(range(nd)), tuple(batch), plan.x.shape, plan.kernel.shape,
                    plan.shape, plan.offsets)
        if nd >= 2:         # (one row: see _method.one_tap)
            return (list(range(nd)), (False,) * 2, (1, plan.x.size), (1, 1),
                    (1, plan.x.size), (0, 0))
        ones = (1,) * (2 - nd)
        return (list(range(nd)), (False,) * 2, ones + plan.x.shape, ones + plan.kernel.shape,
                ones + plan.shape, (0,) * (2 - nd) + plan.offsets)
    order = [a for a in range(len(batch)) if batch[a]] + \
        [a for a in range(len(batch)) if not batch[a]]
    lead = sum(batch)
    if len(batch) - lead >= 2 and one_tap(plan):
        # (the summed axes as one row, see _method.one_tap)
        rest = math.prod(plan.shape[a] for a in order[lead:])
        return (order, tuple(batch[a] for a in order[:lead]) + (False, False),
                tuple(plan.x.shape[a] for a in order[:lead]) + (1, rest),
                tuple(plan.kernel.shape[a] for a in order[:lead]) + (1, 1),
                tuple(plan.shape[a] for a in order[:lead]) + (1, rest), (0,) * (lead + 2))
    pad = max(0, 2 - (len(batch) - lead))

    def arrange(values, unit):
        values = [values[a] for a in order]
        return tuple(values[:lead]) + (unit,) * pad + tuple(values[lead:])

    return (order, arrange(batch, False), arrange(plan.x.shape, 1),
            arrange(plan.kernel.shape, 1), arrange(plan.shape, 1), arrange(plan.offsets, 0))


def writes_into(plan, out):
    """True when the core can write the result straight into `out` (the
    caller checks that `out` shares no memory with the inputs)."""
    wd, result = plan.work, plan.result
    return (out.dtype == result and out.flags.c_contiguous and out.flags.aligned
            and (result == wd or (result.kind == "i" and wd.kind == "u")
                 or _cast_code(wd, result))
            and _layout(plan)[0] == list(range(out.ndim)))


def zero_edges(plan, layout=None, finite=None):
    """How the core computes a zero-fill plan's border columns (the outputs
    whose taps reach past the ends of the core's last axis): 'pad' (x is
    copied with zero columns added, `_pad_columns`: long kernels, maxlag
    windows, where most of the work is there), 'simd' (the SIMD kernel
    computes them with the zeros, in its band rows) or None (the scalar
    border code, which skips the taps outside).  The rounding differs (FMA
    against multiply and add), so this is decided once per plan, from the
    plan alone.  A plan's `edges` field holds it to 'scalar' (None here), or
    to 'simd' where the geometry allows it (never 'pad').  `layout`:
    ``_layout(plan)``, and `finite`: ``_finite(plan.kernel)``, when the
    caller has them.

    'simd' needs a kernel with no inf or NaN (the SIMD kernel multiplies
    the zeros outside: inf * 0 is NaN, where numpy.convolve skips them) and
    the unit that has a row's first (last) column to have the whole left
    (right) border and at least PAD_MIN_COLS band columns, whatever the
    split into units (every column block is at least min(nx, UNIT_MIN_COLS)
    wide, `_units`), so that which code computes a border output never
    depends on the thread count.  Where the kernel computes the whole
    borders itself (`_direct.edge_columns`: it copies the rows an edge
    vector reads into a stack buffer, which must hold them), 'simd' is
    chosen before 'pad': the same sums without the padded copy."""
    if not plan.zero_fill or plan.edges == "scalar":
        return None
    _, batch, xshape, kshape, oshape, offsets = layout or _layout(plan)
    n, m, L, s = xshape[-1], kshape[-1], oshape[-1], offsets[-1]
    left = min(max(0, -s), L)
    right = min(max(0, L - (n - m + 1 - s)), L)
    if finite is None:
        finite = _finite(plan.kernel)
    simd = (finite and L - left - right >= PAD_MIN_COLS
            and left + PAD_MIN_COLS <= min(L, UNIT_MIN_COLS)
            and right + PAD_MIN_COLS <= min(L, UNIT_MIN_COLS))
    # (the kernel computes the whole borders itself: the same sums as
    # 'pad' without the copy, which cost a 1024^2 5x63 'same' 10-15%)
    if simd and (left or right) and _direct.edge_columns(
            plan.work, kshape[-2], m, L - left - right, left, right) == (left, right):
        return "simd"
    taps = math.prod(k for k, b in zip(kshape, batch) if not b)
    border_macs = (left + right) * taps * (math.prod(oshape) // L)
    if border_macs > PAD_COLUMNS_ABOVE * math.prod(xshape) and plan.edges is None:
        return "pad"
    return "simd" if simd else None


def pad_rows(plan, layout=None, finite=None):
    """Whether the core computes a zero-fill plan's border rows (the outputs
    whose taps reach past the ends of the core's next-to-last axis) with the
    SIMD kernel, as sums over zero rows outside (in the band's kernel call,
    which leaves out those taps, or `_direct._pad_rows`'s copy of the rows),
    rather than with the scalar row code: a row
    block of the SIMD kernel against a multiply and an add per tap and
    output (a 1024^2 float32 'same' with a 63x63 kernel spent 70 of its
    150 ms there).  The rounding differs (FMA against multiply and add),
    so it is decided from the plan alone, never from the units or the
    block of a chunked array; the kernel must be finite (the zeros are
    multiplied: inf * 0 is NaN, where scipy skips the taps outside).  Only
    for one kernel plane (leading axes batch or of one tap) of at least two
    rows and two columns: a block of a chunked array whose batch axis is one
    element long is laid out with other axes than the whole array
    (`_layout`); a plane of one column there is the whole array's row, whose
    border the scalar column code computes.  `layout`: ``_layout(plan)``,
    and `finite`: ``_finite(plan.kernel)``, when the caller has them."""
    _, batch, _, kshape, _, _ = layout or _layout(plan)
    planes = math.prod(k for k, b in zip(kshape[:-2], batch[:-2]) if not b)
    return (bool(plan.zero_fill) and planes == 1 and kshape[-2] > 1 and kshape[-1] > 1
            and (_finite(plan.kernel) if finite is None else finite))


def _pad_columns(xw, xshape, kshape, oshape, offsets):
    """x with zero columns added on the core's last axis, so that every
    output runs in the SIMD band (`zero_edges` 'pad').  The sums are the
    same as the SIMD kernel's: the added zeros contribute exact zeros."""
    n, m, L, s = xshape[-1], kshape[-1], oshape[-1], offsets[-1]
    pad_left, pad_right = max(0, -s), max(0, L + s + m - 1 - n)
    # (only the added columns zeroed: np.zeros of a buffer from the heap
    # writes every byte before the copy writes them again)
    padded = _memory.empty(xshape[:-1] + (n + pad_left + pad_right,), xw.dtype)
    padded[..., :pad_left] = 0
    padded[..., pad_left + n:] = 0
    padded[..., pad_left:pad_left + n] = xw.reshape(xshape)
    return padded, padded.shape, offsets[:-1] + (s + pad_left,)


class _Geometry:
    """What run_direct derives from a plan's geometry and dtypes alone, kept
    per geometry (`_geometry`); `borders` per finiteness of the kernel
    (`_borders`)."""
    __slots__ = ("layout", "taps", "identity", "fill", "cast_code", "cv_code", "result_shape",
                 "result_dtype", "units", "seconds", "borders")


# Geometries of recent direct plans (`_geometry`'s key) and what they give.
_geometries = {}
_GEOMETRY_CACHE_SIZE = 1024


def _geometry(plan):
    """The plan's `_Geometry`, from the cache when seen before: the
    decisions of `_layout`, `_cast_code` ... depend only on what the key
    holds."""
    wd = plan.work
    key = (plan.x.shape, plan.kernel.shape, plan.shape, plan.conv, plan.offsets, plan.boundary,
           plan.fill.tobytes(), plan.fill.dtype, plan.edges, plan.x.dtype, wd, plan.result)
    g = _geometries.get(key)
    if g is not None:
        return g
    g = _Geometry()
    g.layout = layout = _layout(plan)
    order, batch, xshape, kshape, oshape, offsets = layout
    g.taps = math.prod(n for n, b in zip(kshape, batch) if not b)   # per output
    g.fill = np.asarray(plan.fill).astype(wd).reshape(1)
    g.fill.flags.writeable = False
    g.identity = order == list(range(len(order)))
    g.cast_code = _cast_code(wd, plan.result)
    g.cv_code = _cv_code(wd)
    g.result_shape = tuple(plan.shape[a] for a in order)
    g.result_dtype = plan.result if g.cast_code else wd
    g.units = {}
    g.borders = {}
    g.seconds = None
    return keep(_geometries, key, g, _GEOMETRY_CACHE_SIZE)


def _borders(plan, g, finite):
    """(zero_edges, _band_source, pad_rows) of a plan of geometry `g` whose
    kernel is `finite` or not, kept in `g`."""
    got = g.borders.get(finite)
    if got is None:
        _, batch, _, kshape, _, _ = g.layout
        edges = zero_edges(plan, g.layout, finite)
        got = g.borders[finite] = (edges, _band_source(plan, plan.work, kshape, batch, edges),
                                   pad_rows(plan, g.layout, finite))
    return got


def rowfft_runs(plan):
    """Whether run_direct's `rowfft` route takes `plan` (one `nan_units`
    accepts): 2-D in the caller's axis order, zero outside the input (the
    transforms read zeros there), cheaper than the direct sums by
    `rowfft_taps`, and what csrc/fc_rowfft.h runs (AVX-512 in use, an
    odd kh <= 31, kw <= 57, the output at least one group of 8 tiles
    wide)."""
    order, batch, xshape, kshape, oshape, _ = _geometry(plan).layout
    return (len(xshape) == 2 and plan.x.ndim == 2 and order == [0, 1] and plan.zero_fill
            and rowfft_taps(kshape, oshape[1]) < kshape[0] * kshape[1]
            and _direct.rowfft_available(kshape[0], kshape[1], oshape[1]))


# The row-FFT route's price per output, in taps of the direct kernels:
# (64 / outputs per tile) * (ROWFFT_TAPS_FIXED + ROWFFT_TAPS_PER_ROW * kh)
# (the transforms, and the products down the columns).  Fitted on 2048^2
# float64 with 1% NaN, one thread, AMD Zen 4 (nanconvolve, process time,
# medians of 15 interleaved calls, the row FFTs forced against
# method='direct', two runs: 3x3 10.1 vs 9.4 ms, 5x5 11.1 vs 11.9, 7x7
# 12.2 vs 15.7, 9x9 15.9 vs 22.3, 11x11 17.2 vs 29.4, 13x13 18.6 vs 36.7,
# 9x25 18.2 vs 43.5, 5x41 18.8 vs 39.4, 3x15 12.4 vs 16.9; and the row
# FFTs against method='fft': 15x15 20.9 vs 32.7, 17x17 20.2 vs 32.5, 19x19
# 23.4 vs 36.6, 21x21 27.5 vs 38.1, 23x23 26.9 vs 38.8, 25x25 28.3 vs
# 40.6, 31x31 37.5 vs 46.9, 31x15 29.5 vs 39.0, 21x31 33.2 vs 42.0); the
# direct calls ~7.9 ms + 0.171 ms per tap, the row FFTs' in those taps
# fitted against kh; since their taps' three multiply-adds, bin-major
# spectra, L2 prefetch and own NaN lists.  Was 20.5 + 4.25 kh.
ROWFFT_TAPS_FIXED = 10.0
ROWFFT_TAPS_PER_ROW = 2.6


def rowfft_taps(kshape, ocols):
    """The row-FFT route's price per output in direct taps (see above), or
    inf where it does not run."""
    kh, kw = kshape
    if kw > 57 or ocols < 1:
        return math.inf
    mmax = 65 - kw
    groups = -(-ocols // (8 * mmax))
    m = -(-ocols // (8 * groups))
    return 64 / m * (ROWFFT_TAPS_FIXED + ROWFFT_TAPS_PER_ROW * kh)


def run_direct(plan, dest=None, nan=None, rowfft=False, source=None, listing=False):
    """Execute a direct-method plan; returns an array of the result dtype.

    `dest`: an array the core may write into (see `writes_into`), which is
    then returned.  `nan` (a plan `nan_units` accepts): nanconvolve's
    sparse weights, (pts, rowptr, wsum, scale, tau, doubt, ndoubt) as
    `_direct.correlate_window` takes them (less the kernel): the result
    is then the sums divided by the weights, unit by unit.  `rowfft`
    (with `nan`): the sums by FFTs along the rows where `rowfft_runs`
    (csrc/fc_rowfft.h; they then differ from the direct sums by rounding).
    `source` (with `rowfft`, where `rowfft_runs`): the array those read
    instead of plan.x, its NaN as 0 (plan.x then need not be written).
    `listing` (with `source`): the units list source's NaN themselves (the
    nan tuple's samples unused); returns (result, whether source holds an
    inf: the result is then void).
    """
    wd = plan.work
    g = _geometry(plan)
    order, batch, xshape, kshape, oshape, offsets = g.layout
    identity, cast_code = g.identity, g.cast_code
    x = plan.x if identity else plan.x.transpose(order)
    kw = _to_work(plan.kernel if identity else plan.kernel.transpose(order), wd)
    # (the kernel's finiteness from its C-contiguous work copy: the same values)
    edges, src_code, padded_rows = _borders(plan, g, _finite(kw) if plan.zero_fill else True)
    if nan is not None:
        # (reversed, in 8 copies shifted by 0..7 columns, rows of a whole
        # number of 64-byte vectors, 64-byte aligned: csrc/fc_nanunit.h)
        kh_, kw_ = kshape[-2], kshape[-1]
        pitch = _direct.nan_kf_pitch(kw_)
        raw = np.zeros(8 * kh_ * pitch + 8)
        off = (-raw.ctypes.data // 8) % 8
        kf = raw[off:off + 8 * kh_ * pitch].reshape(8, kh_, pitch)
        for shift in range(8):
            kf[shift, :, shift:shift + kw_] = kw.reshape(kshape)[::-1, ::-1]
        nan = tuple(nan[:2]) + (kf.reshape(-1),) + tuple(nan[2:])
    if listing and source is None:
        raise ValueError("run_direct: listing= needs source=")
    if nan is not None and rowfft and rowfft_runs(plan):
        result = _memory.empty(g.result_shape, g.result_dtype) if dest is None else dest
        out = result.view(wd).reshape(oshape)
        with thread_share(plan.threads, direct_seconds(plan, out.size * g.taps)) as nthreads:
            inf = _direct.nan_rowfft(_to_work(x, wd) if source is None else source, out,
                                     kw.reshape(kshape), offsets[0], offsets[1], nan, nthreads,
                                     out.nbytes >= STREAM_MIN_BYTES, source is not None,
                                     listing)
        return (result, inf) if listing else result
    if source is not None or listing:
        raise ValueError("run_direct: source= and listing= only for the row-FFT route")
    if src_code:    # (x converted unit by unit, see _band_source)
        src = np.require(x, requirements=["C", "A"])
        xw = np.zeros(1, wd)
    else:
        src = None
        xw = _to_work(x, wd)
    if edges == "pad":
        xw, xshape, offsets = _pad_columns(xw, xshape, kshape, oshape, offsets)
    pairs, pairs_fill = (_pair_taps(plan, plan.kernel if identity else
                                    plan.kernel.transpose(order), kshape, src_code,
                                    cast_code)
                         if src_code else None) or (None, 0)
    if dest is not None:
        result = dest
    else:   # (in the caller's axis order when that is the core's)
        result = _memory.empty(g.result_shape, g.result_dtype)
    out = result.view(wd).reshape(oshape)    # the core writes every element
    # no output column reads outside the rows (e.g. after _pad_columns)
    borderless = offsets[-1] >= 0 and offsets[-1] + oshape[-1] + kshape[-1] - 1 <= xshape[-1]
    taps = g.taps
    seconds = 0.0
    if plan.threads > 1:   # (the price of the work, for the threads worth starting)
        seconds = g.seconds
        if seconds is None:
            seconds = g.seconds = direct_seconds(plan, out.size * taps)
    with thread_share(plan.threads, seconds) as nthreads:
        units = g.units.get((nthreads, borderless))
        if units is None:
            units = g.units[nthreads, borderless] = _units(oshape, nthreads, taps, borderless,
                                                           _wide_rows(wd, kshape))
        # (casting in place: the unit's output block must stay in cache;
        # the pair units write their int32 sums directly)
        stream = out.nbytes >= STREAM_MIN_BYTES and (not cast_code or pairs is not None)
        _direct.correlate_window(xw.reshape(-1), xshape, kw.reshape(-1), kshape,
                                 out.reshape(-1), oshape, offsets, batch,
                                 BOUNDARY_CODES[plan.boundary], g.fill, units[0], units[1],
                                 nthreads, stream, edges == "simd", src, src_code, g.cv_code,
                                 cast_code, pairs, pairs_fill, nan, padded_rows, units[2])
    if dest is not None:
        return dest
    if not identity:    # back to the caller's axis order
        result = np.ascontiguousarray(result.transpose(np.argsort(order)))
    return _from_work(result, plan.result)


# Outputs at least this big are written with streaming stores, which skip
# reading each output line into the cache before overwriting it (a third
# of the memory traffic of a small kernel) but leave the result out of
# cache: worth it only when the result would not fit there anyway (4 MiB:
# 4x a core's L2 here; 1024^2 float32 3x3 measured 1.4x faster).
STREAM_MIN_BYTES = int(os.environ.get("FASTCONV_STREAM_MIN_BYTES", 4 << 20))

# Multiply-adds per work unit: small enough for load balance between
# threads and for a prompt Ctrl-C, large enough that a unit's set-up is noise.
UNIT_MACS = 4_000_000

# The narrowest column block of a borderless row split between threads.
NARROW_COLS = 16


def _finite(k):
    """No element of `k` is inf or NaN (one sum when that proves it)."""
    if k.dtype.kind not in "fc":
        return True
    if k.size <= 64 and k.itemsize <= (8 if k.dtype.kind == "f" else 16):
        # (Python numbers: a microsecond for a few taps; long double excluded)
        return all(map(math.isfinite if k.dtype.kind == "f" else cmath.isfinite,
                       k.ravel().tolist()))
    if k.size <= 1024:     # (cheaper than the sum's floating-point state)
        return bool(np.isfinite(k).all())
    with np.errstate(all="ignore"):
        return bool(np.isfinite(k.sum())) or bool(np.isfinite(k).all())


def _wide_rows(work, kshape):
    """The fewest rows a work unit of this kernel should have: WIDE_KH_ROWS x
    kh for the float32 kernels whose SIMD code takes lane segments only in
    bands that tall (csrc/fc_kernels.h: rows of WIDE_KW taps or more,
    WIDE_KH_MIN..WIDE_KH_MAX of them), else 0."""
    return _direct.wide_f32_min_rows(kshape[-2], kshape[-1]) if work == np.float32 else 0


def _units(shape, nthreads, taps, borderless=False, min_rows=0):
    """(rows, columns, planes) of one work unit for an output of `shape`
    (ndim >= 2): rows x columns of a plane, or `planes` whole planes.

    Units are what threads share out and where Ctrl-C is checked; they never
    change a result (each output is summed by one unit in a fixed order).
    Rows come in blocks (multiples of UNIT_ROWS = whole SIMD row blocks when
    possible); long rows, such as a 1-D signal's only row, are also split
    into column blocks.  Column blocks are at least UNIT_MIN_COLS wide, which
    keeps a row's border columns in one unit (see correlate_window), except
    in `borderless` rows too few for the threads: a maxlag window (201
    outputs of 10^6 taps) then goes in one column block per thread, each
    streaming the kernel once.  `min_rows` (`_wide_rows`): units have at
    least that many rows, rounded up to whole row blocks, unless the output
    has fewer or the threads want more units.  Where that many rows hold
    several whole planes (a batch of small images), a unit is as many
    planes (`planes`), which the core computes in one kernel call where it
    can (`_direct.correlate_window`'s planes_per_unit), else plane by plane.
    """
    planes = math.prod(shape[:-2])
    ny, nx = shape[-2], shape[-1]
    row_macs = max(1, nx * taps)
    # (at least UNIT_ROWS rows, whole SIMD row blocks, however wide the
    # kernel: a unit of fewer rows than a row block goes through the
    # kernel's single-row code, which loads an input vector per FMA where
    # a row block shares it between its rows: 47x47 and 63x63 float32 ran
    # at 45 GFLOP/s in units of one row, 23x23 in units of 7 rows, against
    # 83 for 31x31 in units of 4; the larger unit is still about a
    # millisecond of work)
    rows = max(UNIT_ROWS, UNIT_MACS // row_macs)
    rows = max(rows, -(-min_rows // UNIT_ROWS) * UNIT_ROWS)
    if nthreads > 1:
        rows = min(rows, max(1, -(-ny * planes // (8 * nthreads))))
    if rows >= UNIT_ROWS:
        rows -= rows % UNIT_ROWS
    whole = rows // ny      # (whole planes in that many rows)
    rows = min(rows, ny)
    n_units = planes * -(-ny // rows)
    pieces = -(-row_macs * rows // UNIT_MACS)
    if nthreads > 1 and n_units < 8 * nthreads:
        pieces = max(pieces, -(-8 * nthreads // n_units))
    cols = nx if pieces <= 1 else min(nx, max(UNIT_MIN_COLS, -(-nx // pieces)))
    if (borderless and nthreads > 1 and n_units * -(-nx // cols) < nthreads
            and nx >= NARROW_COLS * nthreads):
        cols = nx // nthreads
    return rows, cols, (whole if whole > 1 and cols == nx and planes > 1 else 1)
