"""NaN-aware normalised convolution (astropy.convolution.convolve semantics).

One definition for both methods.  With ``v`` the validity of each sample
(not NaN, not masked) and ``d`` the data with invalid samples set to 0,
each output of ``nan_treatment='interpolate'`` is::

    top = conv(d, k)            weight = conv(v, k)        count = conv(v, k != 0)
    out = top / weight          (out = the sample itself where count == 0)

(times ``sum(k)`` when ``normalize_kernel=False``).  ``top`` is a
convolution plan run by the existing executors (direct or FFT, the method
model's choice).  ``weight`` is either a second plan of the same method
(dense), or, when few samples are invalid and the kernel has no negative
tap, ``sum(k)`` less the taps that fall on invalid samples, scattered from
the list of invalid samples (sparse, `_sparse_origins`; every sample
outside the array is then valid or the image of an invalid one); the
cheaper by the cost model, never by the thread count.  The sparse weights
of a direct plan with a 'fill' boundary in 1-D or 2-D are summed inside
the direct core's units (`_fused_weights`, csrc/fc_nanunit.c: each unit
divides its sums while they are in cache and streams the results out, and
no array of sums or weights goes to memory), elsewhere in a pass after the convolution
(fc_nan_reweight); the two give the same bits.  With method='auto' those
units may take their sums by FFTs along the rows (csrc/fc_rowfft.h,
`_window.rowfft_runs`: 2-D, a zero fill, AVX-512), where the cost model
prices them below the direct sums (and, where the plan chose the FFT
executor, below its tiles): the same weights and division, the sums within
rounding of the direct ones, the same NaN pattern.  Whether a window
holds a valid sample under a nonzero tap is decided exactly where the
weight does not prove it (|weight| <= tau): the doubtful windows are
gathered and counted, or, when they are many, all are (box sums of ``v``,
`_boxsum`, when no tap is zero, else a plan of 0/1 values rounded to
integers).  So the direct and FFT methods, and the dense and sparse
weights, give the same NaN pattern; rounding cannot turn an empty window
into a tiny nonzero weight.

Boundaries: astropy's None ('same' outputs whose window leaves the array
are 0; here the plans run in 'valid' mode), 'fill' (``fill_value``; a NaN
fill is an invalid sample), 'wrap', 'extend' (fastconv's 'nearest').
"""
import math
import warnings

import numpy as np

from ._boxsum import box_sums
from ._execute import execute
from ._memory import empty as cached_empty
from ._method import direct_seconds, fft_seconds
from . import _direct, _nanpass
from ._nanpass import nan_divide, nan_reweight, nan_split
from ._plan import make_plan
from ._validate import as_input_array, check_mask, check_method
from ._window import nan_units, rowfft_runs, rowfft_taps, run_direct

__all__ = ["nanconvolve"]

_nanpass.select_isa(_direct.isa_name())   # (nan_split's, as the direct kernels')

_BOUNDARIES = {None: "fill", "fill": "fill", "wrap": "wrap", "extend": "nearest"}
_PAD_MODE = {"wrap": "wrap", "nearest": "edge"}   # np.pad names
_MAX_NORMALIZATION = 100   # astropy's: kernels summing below 1/100 are refused


def _as_real(x, name):
    if isinstance(x, np.ma.MaskedArray):
        return np.asarray(x.data), np.ma.getmaskarray(x)
    x = getattr(x, "array", x) if not isinstance(x, np.ndarray) else x   # astropy Kernel
    arr = as_input_array(x, name)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real; got dtype {arr.dtype}")
    return arr, None


def _check(array, kernel, boundary, fill_value, nan_treatment, normalize_kernel, mask,
           method):
    array, amask = _as_real(array, "array")
    kernel, kmask = _as_real(kernel, "kernel")
    if kmask is not None and kmask.any():
        raise ValueError("kernel is a masked array with masked values; fill them first")
    if array.ndim == 0 or array.size == 0:
        raise ValueError(f"array must be a non-empty array of at least 1 dimension; "
                         f"got shape {array.shape}")
    if kernel.ndim != array.ndim:
        raise ValueError(f"kernel must have the array's number of dimensions "
                         f"({array.ndim}); got kernel.shape={kernel.shape}")
    if any(m % 2 == 0 for m in kernel.shape):
        raise ValueError(f"kernel size must be odd on every axis; got kernel.shape="
                         f"{kernel.shape}")
    kernel = kernel.astype(np.float64)
    if not np.all(np.isfinite(kernel)):
        raise ValueError("kernel must be finite; it contains NaN or inf")
    if boundary not in _BOUNDARIES:
        raise ValueError(f"boundary must be None, 'fill', 'wrap' or 'extend'; "
                         f"got boundary={boundary!r}")
    if boundary is None and any(n <= m - 1 for n, m in zip(array.shape, kernel.shape)):
        raise ValueError(
            f"boundary=None needs the array larger than the kernel on every axis; got "
            f"array.shape={array.shape}, kernel.shape={kernel.shape} (use 'fill', "
            "'wrap' or 'extend')")
    if (isinstance(fill_value, (bool, np.bool_)) or not np.isscalar(fill_value)
            or np.iscomplexobj(fill_value) or isinstance(fill_value, (str, bytes))):
        raise TypeError(f"fill_value must be a real number; got fill_value={fill_value!r}")
    if nan_treatment not in ("interpolate", "fill"):
        raise ValueError(f"nan_treatment must be 'interpolate' or 'fill'; "
                         f"got nan_treatment={nan_treatment!r}")
    if not isinstance(normalize_kernel, (bool, np.bool_)):
        raise TypeError(f"normalize_kernel must be True or False; "
                        f"got normalize_kernel={normalize_kernel!r}")
    check_method(method)
    if mask is not None:
        mask = check_mask(mask, array.shape, "array")
    if amask is not None:
        mask = amask if mask is None else (mask | amask)
    return array, kernel, mask


def _inner(shape, kshape):
    """The outputs whose window stays inside the array (boundary=None)."""
    return tuple(slice(m // 2, n - m // 2) for n, m in zip(shape, kshape))


def _windows(boundary, fill_value):
    """mode, fastconv boundary name, fill of the data, fill of the validity."""
    if boundary is None:
        return "valid", "fill", 0.0, 0.0
    if boundary == "fill":
        finite = bool(np.isfinite(fill_value))
        return "same", "fill", (float(fill_value) if finite else 0.0), float(finite)
    return "same", _BOUNDARIES[boundary], 0.0, 0.0


def _padded_validity(valid, kernel, mode, bound, vfill):
    """The validity as the plans read it: uint8, extended by the kernel's
    half-width through the boundary rule ('same'), or as is ('valid')."""
    v8 = valid.view(np.uint8)
    if mode == "valid":
        return v8
    widths = [(m // 2, m // 2) for m in kernel.shape]
    if bound == "fill":
        return np.pad(v8, widths, mode="constant", constant_values=int(vfill))
    return np.pad(v8, widths, mode=_PAD_MODE[bound])


def _empty_windows(doubt, shape, valid, kernel, mode, bound, vfill, conv):
    """Where no valid sample lies under a nonzero tap, decided exactly.

    `doubt`: the indices (a tuple of arrays) of the outputs whose weight
    does not prove a valid sample there, |weight| <= tau (tau = 2**-20
    sum|k|, far above the rounding error of either method and of the
    sparse weights: direct, taps u sum|k|; FFT, a few u log2(tile) sum|k|);
    their windows are gathered and counted.  None when they are many: all
    outputs are counted (box sums of the validity when no tap is zero, else
    a plan of 0/1 values rounded to integers)."""
    nz = kernel != 0
    if doubt is not None:
        vp = np.lib.stride_tricks.sliding_window_view(
            _padded_validity(valid, kernel, mode, bound, vfill), kernel.shape)
        axes = tuple(range(1, 1 + kernel.ndim))
        nzw = nz[(slice(None, None, -1),) * kernel.ndim]    # as a window reads it
        empty = np.zeros(shape, bool)
        step = max(1, (1 << 22) // kernel.size)
        for s in range(0, len(doubt[0]), step):
            sel = tuple(ix[s:s + step] for ix in doubt)
            empty[sel] = ~np.any(vp[sel].astype(bool) & nzw, axis=axes)
        return empty
    if nz.all():
        return box_sums(_padded_validity(valid, kernel, mode, bound, vfill),
                        kernel.shape)[0] == 0
    return np.rint(conv(valid.astype(np.float64), nz.astype(np.float64), vfill)) == 0


def _keep_empty(res, doubt, valid, a, kernel, mode, bound, vfill, conv, normalize_kernel,
                ksum):
    """The outputs with no valid sample under a nonzero tap (`_empty_windows`)
    keep the input sample (NaN where it is invalid); whether any is NaN."""
    empty = _empty_windows(doubt, res.shape, valid, kernel, mode, bound, vfill, conv)
    if not empty.any():
        return False
    inner = _inner(a.shape, kernel.shape)
    centre = a[inner] if mode == "valid" else a
    cv = valid[inner] if mode == "valid" else valid
    res[empty] = np.where(cv[empty], centre[empty], np.nan)
    if not normalize_kernel:
        res[empty] *= ksum
    return bool(np.isnan(res[empty]).any())


def _warn_holes():
    warnings.warn(
        "nanconvolve: some outputs have no valid sample under the kernel and "
        "stay NaN (a hole larger than the kernel); use a larger kernel",
        RuntimeWarning, stacklevel=3)


def _gather_limit(size, ksize):
    """The most doubtful outputs worth gathering one by one (`_empty_windows`)."""
    return (4 * size + 4096) // ksize


def _origins(bad, shape, kshape, mode, bound):
    """Where each invalid sample's kernel block sits in the output frame
    (``fc_nan_reweight``'s origins): (points, ndim) int64 sorted by the
    first axis.  Samples read through the boundary ('wrap', 'extend') are
    invalid again at their images outside the array."""
    pts = np.stack(np.unravel_index(bad, shape), axis=1)
    if mode == "same" and bound in ("wrap", "nearest"):
        extra = False
        for ax, (n, m) in enumerate(zip(shape, kshape)):
            h = m // 2
            if h == 0:
                continue
            parts = [pts]
            c = pts[:, ax]
            if bound == "wrap":
                for j in range(1, -(-h // n) + 1):
                    for t in (c - j * n, c + j * n):
                        sel = (t >= -h) & (t < n + h)
                        if sel.any():
                            q = pts[sel]
                            q[:, ax] = t[sel]
                            parts.append(q)
            else:
                for edge, steps in ((0, range(-h, 0)), (n - 1, range(n, n + h))):
                    q0 = pts[c == edge]
                    for t in (steps if len(q0) else ()):
                        q = q0.copy()
                        q[:, ax] = t
                        parts.append(q)
            if len(parts) > 1:
                pts = np.concatenate(parts)
                extra = True
        if extra:
            pts = pts[np.argsort(pts[:, 0], kind="stable")]
    shift = np.array([m // 2 if mode == "same" else m - 1 for m in kshape], np.int64)
    pts -= shift
    return np.ascontiguousarray(pts)


# Sparse weights (`_sparse_origins`): one-thread seconds per kernel row
# and per tap scattered into the weight deficits (fc_nan_reweight; 2048^2
# with 1% invalid, 9x9, 31x31 and 101x101 kernels, measured at load ~19 on
# 2 cores and scaled by 0.6, the ratio of the direct model's price to the
# direct kernels' time in the same run).
SPARSE_SECONDS_PER_ROW = 5e-9
SPARSE_SECONDS_PER_TAP = 3e-10
# The deficits are summed in strips of this many doubles (L2-resident).
_STRIP_DOUBLES = 1 << 15


def _sparse_allowed(kernel, mode, bound, vfill):
    """``weight = sum(k) - (the taps on invalid samples)`` holds where every
    sample outside the array is valid (not a NaN fill); the kernel has no
    negative tap, so that no window's weight is a cancellation the dense
    sum would not make."""
    return not (mode == "same" and bound == "fill" and vfill != 1.0) and kernel.min() >= 0


def _sparse_pays(npoints, kernel, plan, method):
    """The sparse weights of `npoints` kernel blocks are cheaper than a
    convolution of the validity.  The choice depends on the data (how many
    samples are invalid), never on the threads."""
    dense = (fft_seconds(plan) if method == "fft"
             else direct_seconds(plan, math.prod(plan.shape) * kernel.size))
    rows = kernel.size // kernel.shape[-1]
    per_point = rows * (SPARSE_SECONDS_PER_ROW + kernel.shape[-1] * SPARSE_SECONDS_PER_TAP)
    return npoints * per_point < dense


def _sparse_origins(bad, shape, kernel, mode, bound, vfill, plan, method):
    """The origins of the sparse weights (`_origins`) when they are cheaper
    than a convolution of the validity (`_sparse_pays`), else None."""
    if bad is None or not _sparse_allowed(kernel, mode, bound, vfill) \
            or not _sparse_pays(len(bad), kernel, plan, method):
        return None
    pts = _origins(bad, shape, kernel.shape, mode, bound)
    return pts if _sparse_pays(len(pts), kernel, plan, method) else None


def _rowfft_foreseen(pair, kernel, boundary, fill_value, workers):
    """The plan (method 'auto') whose sums of pair[0] (2-D, not yet
    written) the row FFTs (`_window.rowfft_runs`) will take if the data
    have few NaN and no inf (`_rowfft_plan`, the sparse weights allowed),
    else None."""
    mode, bound, dfill, vfill = _windows(boundary, fill_value)
    if not (np.isfinite(dfill) and _sparse_allowed(kernel, mode, bound, vfill)):
        return None
    plan = make_plan("convolve", pair[0], kernel, mode, "auto", boundary=bound,
                     fillvalue=dfill, workers=workers)
    return _rowfft_plan(plan, pair, kernel, mode, bound, dfill, workers)


def _rowfft_plan(plan, pair, kernel, mode, bound, dfill, workers):
    """The plan nanconvolve runs by the row FFTs, given the call's plan of
    pair[0] with method 'auto' (2-D, few NaN, no inf, the sparse weights
    allowed), else None: that plan where the row FFTs take it, or where the
    model chose the FFT executor, the direct plan when it prices the row
    FFTs (their division included) below that executor's route, priced as
    its plan of the pair of planes (data and validity; measured on 2048^2
    1% NaN, Zen 4: 40.6 ms for 25x25 and 46.9 for 31x31 against 44.6 and
    46.3 priced)."""
    if plan.method == "fft":
        d = pair[0]
        dplan = make_plan("convolve", d, kernel, mode, "direct", boundary=bound,
                          fillvalue=dfill, workers=workers)
        if not (nan_units(dplan) and rowfft_runs(dplan)):
            return None
        both = make_plan("convolve", pair, kernel[None], mode, "fft", axes=(1, 2),
                         boundary=bound, fillvalue=dfill, workers=workers)
        rows = direct_seconds(dplan, math.prod(dplan.shape)
                              * rowfft_taps(kernel.shape, dplan.shape[-1]))
        return dplan if rows < fft_seconds(both) else None
    return plan if plan.method == "direct" and nan_units(plan) and rowfft_runs(plan) else None


def _fused_weights(plan, bad, ksum, scale, tau, cap, rowfft=False, source=None,
                   listing=False):
    """Run `plan` (one `_window.nan_units` accepts) with the sparse weights
    in the direct core's units (each unit divides its sums while they are
    in cache; no array of weights or sums goes to memory): the result, and
    the flat indices of its outputs with |weight| <= tau (None: more than
    `cap`).  `listing` (the row FFTs reading `source`): the units list the
    NaN themselves (`bad` unused); (None, None) where source holds an inf."""
    # (2048^2 9x9 1% NaN, one thread, process time, load ~5: the units'
    # part costs ~7 ms over the plain convolution, ~3 ms of it scattering
    # the deficits (vector adds at aligned addresses since: ~2 ms less),
    # the rest the division and its streamed stores.  Measured, no faster
    # and not kept: the division by a reciprocal and FMAs (rcp14, Newton
    # steps and Markstein's correction: vdivpd's bits in a quarter of its
    # cycles); the deficits of kh output rows at once (a ring of rows: no
    # sample's load waiting for the store of the row before); plain stores
    # instead of streamed ones (~2 ms slower); the units copying their rows
    # with the NaN set to 0 behind a pass that only lists them (nan_split
    # writing no data): slower, the list alone costs what the split did
    # (the pass is bound by reading x) and the copies added ~3 ms,
    # prefetched a unit ahead or not.  Left: the divide after the kernel
    # cannot overlap its arithmetic, as the plain convolution's streamed
    # stores do.  Measured since (nan11; same case, process time): quiet
    # (load 0.4) the call is 26.9 ms, the plain convolve(d, k, 'same') 15.2,
    # nan_split 4.8 (np.copyto of the image 6.0); perf shares: the direct
    # kernel 50%, nan_split 14%, the divide loop 11%, the deficits 5.5%.
    # Division replaced by a multiplication (wrong values; the bound on any
    # faster divide, reciprocal or constant weight): the divide loop's
    # share fell to 7.5%, ~1 ms of the call: the loop then waits on its
    # loads and streamed stores.  Units of 4, 8 or 12 rows instead of 24:
    # no change.  nan_split with plain stores (d left in the L3 for the
    # kernel): slower, min 28.9 vs 26.7 ms.  nan12, AMD Zen 5 (1 MiB L2),
    # process time, medians under load 1-6: the call ~11.3 ms, the plain
    # run_direct of d 6.7-7.1, the units' run 9.4-9.9, nan_split 1.3-1.5.
    # Inside the units' part: the deficits and their memset 1.7 ms (the
    # scatter alone 1.3: loads of the one kernel copy at a shift crossing
    # cache lines; aligned loads from 8 shifted copies are ~1.6x faster
    # in isolation), the division and its streamed stores the rest (a
    # copy instead of the division: 0.1 ms less; the loop waits on the
    # streamed stores, which no longer overlap the kernel's arithmetic as
    # the plain convolution's do).  Now: each NaN visited once per 4
    # output rows, from the shifted copies, the rows zeroed by the division
    # instead of a memset: the call ~0.3-0.5 ms less (base 11.2-11.5, now
    # 10.8-11.0, minima, alternated processes).  Measured, no faster and
    # not kept: the next 4 rows' deficits summed in installments between
    # the divisions of these (two sets of rows; the scatter's work while
    # the streamed stores drain); plain stores of the results (~1 ms
    # slower).  nan13 (same case, Zen 5, process time, load 3-7): the
    # deficits without the scatter ~1.2 ms less, the division and its
    # streamed stores ~0.7 ms; the scatter then one tight loop per row of
    # listed samples (nan_row_taps) instead of a call and a branch per
    # sample: fc_nan_finish's perf samples ~1.9 instead of ~3.0 ms a call,
    # the same bits.  Deficit groups of 8 rows instead of 4: no change.
    # ncc3 (same case, Zen 5, process time, load 5-8, base and change
    # alternated): each unit's division deferred into the thread's next
    # unit, a slice of it (a deficit group, then as many outputs as the
    # block computed, or a quarter of that) in a hook the SIMD kernel
    # called after each block of outputs (two sums blocks per thread), the
    # rest after that kernel: no faster, medians 10.8-11.4 vs 10.3-11.3
    # ms, with units of 24, 12 or 6 rows; not kept.  nan14 (same case,
    # Zen 5, process time, load 4-7, base and change in alternated
    # processes): the unit's deficits summed first into a buffer of the
    # unit's shape, then the SIMD kernel computing its band through its
    # scratch block and dividing each row block's sums as it drained them
    # out with streaming stores between its blocks (the division and its
    # stores among the arithmetic), the border rows after it: slower, this
    # function / run_direct of d 1.36 vs 1.29 (medians); with ordinary
    # stores 1.92; with a multiplication instead of the division, or the
    # deficits not set back to 0, no change: neither is the cost; not
    # kept.  Measured then: the plain 9x9 float64 direct kernel at 96
    # GFLOP/s, 79% of the 122 GFLOP/s of a one-thread 512-bit FMA loop;
    # the call ~4 ms over it: nan_split ~1.5, the units' part ~2.3, the
    # Python around them ~0.1.  nan15 (same case, Zen 5, medians of 15
    # calls, main's build and the change in alternated processes, load
    # ~3): no nan_split at all, the units reading the image itself (the
    # SIMD kernel reading NaN as 0, a flag of fc_band: a compare and a
    # masked move per loaded vector; the border rows and columns from
    # copies of what they read without NaN; each unit listing the NaN of
    # the rows it reads after its kernel call, from the caches, for its
    # deficits and a count per row; the route chosen from the NaN of 64
    # sampled rows, the units' count checked after): the same bits as the
    # split (300 random cases, every boundary, 1, 2 threads), but no
    # faster: 10.2 vs 10.0 ms (process), 10.4 vs 10.4 (wall).  perf: the
    # kernel inside the units ~14% slower (the plain band with the same
    # zeroing loads: 7.05 vs 6.72 ms; with vfixupimmpd, one instruction,
    # instead: 7.9), the listing ~0.8 ms (32 rows per 24-row unit read
    # back from L2 / L3), against nan_split's ~1.4.  With the NaN lanes
    # left out by merge-masked FMAs instead (a compare, no move): slower,
    # 10.6-10.9 vs 10.0-10.3 ms.  Not kept.  nan16 (same case, Zen 5,
    # process time, medians of 15-25 calls, quiet): no nan_split, each
    # unit copying the rows it reads from the image into an L2 buffer with
    # their NaN set to 0 and listing them (its own CSR list for the
    # deficits; the route foreseen from 64 sampled rows, the count checked
    # after), the SIMD kernel meanwhile prefetching the next unit's rows of
    # the image (an offset added to its next-row-block prefetches): the
    # same bits as the split (300 random cases), but no faster, 11.1-11.5
    # vs 10.6-11.0 ms; with the prefetch offset or without, the same (the
    # kernel 5% faster from the L2 copy, the copy costing what nan_split
    # did: the image's reads from memory still not overlapped).  A probe
    # (C, this VM): 384 KiB prefetched into L2 one line per few FMAs during
    # 200 us of arithmetic read back slower (27 us) than cold (13 us).  Not
    # kept.  The plain 9x9 float64 kernel's other ~18%: neither a width
    # copy for kw 9 (6.9 vs 6.8 ms), nor lane segments (fc_wide_impl.h,
    # 7.9), nor the tap vectors made from two aligned loads per input row
    # by vpermt2pd instead of a line-crossing load per tap (7.1 vs 6.5 ms;
    # float32 5x5 1.64 vs 1.26) was faster.  nan17 (same case, Zen 5,
    # process time, alternated processes, load 1-2): each unit's division
    # deferred into its thread's next unit, done between that kernel's
    # blocks (fc_nan_hook; kept: the call 10.11 -> 9.93 ms, medians of 8).
    # Measured with it: the kernel alone in the units 6.75 ms, the deficits
    # ~0.6 and the division with its streamed stores ~0.8 over it, between
    # the blocks or after them (a division by 1.0, or a multiplication:
    # the same).  The split done by the units too, a unit ahead of their
    # kernel, in pieces of 256 samples between its blocks (one thread, the
    # route foreseen from 64 sampled rows): the same bits, but slower, the
    # units' run 13.1 ms with the pass's 1.4 left out; with the image
    # prefetched 1024-4096 samples ahead, 10.4-10.8, what the pass and the
    # units cost apart (1.4 + 8.8): not kept.  nan18 (same case, Zen 5,
    # process time, alternated processes): the divided results not stored
    # at all (wrong values, the bound): run_direct ~0.5 ms less; no load of
    # the sums, or none of the deficits, in the division: no change; the
    # hook's budget 128..8192 outputs, units of 4..24 rows: no change.  The
    # image's read is the split's cost: 1.27 ms for a max over it from
    # memory, 1.4-1.6 for nan_split (cold), software prefetch 512-8192 bytes
    # ahead in it: no change.  The kernel: no set conflicts to remove (rows
    # 2040..2080 doubles apart within 2%); its middle rows (all 4 block rows
    # fed) without the per-row tests: same bits, same time; 8 x 3 blocks
    # 1.1x slower whatever the row pitch; a 9-row sliding window (27
    # accumulators, one load per input vector and tap) at 87 GFLOP/s in L2
    # against the block kernel's ~100 on the image; a loop of 24 FMAs takes
    # the same time with 4 or 8 broadcasts and 6-12 line-crossing loads added
    # (the loads are not the limit by count).  The Python around the C
    # calls: ~0.45 ms a call here (make_plan 6 us warm, ~70 cold, after the
    # call's own streams).  Not kept.  nan19 (same case, AMD Zen 4 VM:
    # AVX-512 at half width, the plain direct kernel ~40 GFLOP/s, 15-17 ms;
    # astropy 292-428 ms): the sums by FFTs along the rows (csrc/fc_rowfft.h,
    # kept).  Phases of its units (C harness, rdtsc, 2048^2): the tiles'
    # loads and transposes ~2.4 ms from the caches (~5 from memory), the
    # forward FFTs ~1.9, the taps ~4.7 (2.15 multiply-adds per ns, the
    # direct kernel's 2.6; with the taps held in registers for 4 rows, 1.9:
    # spills), the inverse FFTs and stores ~3, the division ~3.7 (a
    # multiplication instead: the same; plain stores instead of streamed:
    # 5.7).  Measured and not kept: radix-4 stages (forward 349 / inverse
    # 384 ns per 8 tiles; radix 8 x 8: 296 / 348); the spectra walked group
    # by group down the unit (the loads' memory stalls: slower); software
    # prefetch 4, 8, 12 or 16 rows ahead, to L1 or L2, or of the next
    # group's columns: within the noise; units of 16, 32, 64 or 128 row
    # pairs: 64 and 128 alike, 16 slower.  nan20 (same case and machine;
    # a C harness running two builds of fc_rowfft.c alternately in one
    # process, 20-40 rounds, min and median ratio, where the earlier
    # process-to-process comparisons were lost in the VM's noise): the
    # products by three multiply-adds alone, 3.5% slower (the taps' loads
    # from the L2 were the bound: 24 spectra rows 8 KB apart per bin); with
    # the ring bin-major (a bin's 12 slots together), 7% faster units (the
    # taps alone 3.5 -> 2.7 ms in isolation; the four-product taps
    # bin-major: 3.5); the tiles' prefetch to the L2 instead of the L1:
    # 11-17% faster (1, 2, 4, 8 or 12 rows ahead alike); the units listing
    # the NaN while loading the tiles: the split's ~1.2 ms gone for ~0.2.
    # Kept, all: the call 17.5 -> 12.3-13.4 ms, 21.9-22.4x astropy.
    # Measured and not kept: STEP 6 or 8 rows (spills: 1.5x slower), 2
    # (1.07x); the edge tiles read from per-tile copies (the others through
    # a pointer per tile: 5% slower); a whole-row scan for the NaN when a
    # row is first loaded (as costly as the split); hook pieces of 128,
    # 256 or 1024 outputs (alike); units of 96, 128 or 256 row pairs
    # (1% faster at 128: not worth fewer units for the threads); the taps'
    # broadcasts as embedded {1to8} operands by inline asm (the same).
    # The division stays vdivpd: ~1.45 ms of 4M outputs on Zen 4, a
    # multiplication ~0.7, but a reciprocal changes the bits the routes
    # share.)
    shape = plan.x.shape if plan.x.ndim == 2 else (1,) + plan.x.shape
    rowptr = None if listing else np.searchsorted(
        bad, np.arange(shape[0] + 1, dtype=np.int64) * shape[1])
    threads = max(1, plan.threads)
    doubt = cached_empty((threads, cap + 1), np.int64)
    ndoubt = np.zeros(threads, np.int64)
    res = run_direct(plan, nan=(bad, rowptr, ksum, scale, tau, doubt, ndoubt), rowfft=rowfft,
                     source=source, listing=listing)
    if listing:
        res, inf = res
        if inf:
            return None, None
    if not ndoubt.any():
        return res, np.empty(0, np.int64)
    if ndoubt.sum() > cap:
        return res, None
    return res, np.sort(np.concatenate([doubt[t, :n] for t, n in enumerate(ndoubt)]))


# The row FFTs' units list the NaN themselves (no pass before them) where a
# sample of every _SAMPLE_STEP-th row foresees the sparse weights paying
# with twice the NaN it finds (as many where it holds every row).
_SAMPLE_STEP = 32


def _listed_in_units(a, plan, kernel, normalize_kernel, tol, workers, where):
    """nanconvolve of a 2-D float64 `a` (NaN interpolated, a zero fill, no
    mask, NaN not kept) by the row FFTs' units listing the NaN themselves
    (`plan`: `_rowfft_foreseen`'s), where few NaN are foreseen; None
    otherwise (and where `a` holds an inf): the caller's way then."""
    ksum = float(kernel.sum())
    if ksum < 1.0 / _MAX_NORMALIZATION or abs(ksum) <= tol:
        return None      # (the caller's errors, which depend on the NaN)
    mode, bound, dfill, vfill = _windows("fill", 0.0)
    sample = a[::_SAMPLE_STEP]
    foreseen = np.count_nonzero(np.isnan(sample)) * a.shape[0] // sample.shape[0]
    if sample.shape[0] < a.shape[0]:
        foreseen *= 2
    if not _sparse_pays(foreseen, kernel, plan, "direct"):
        return None
    scale = 1.0 if normalize_kernel else ksum
    tau = 2.0 ** -20 * float(np.abs(kernel).sum())
    res, doubt = _fused_weights(plan, None, ksum, scale, tau,
                                _gather_limit(math.prod(plan.shape), kernel.size),
                                rowfft=True, source=a, listing=True)
    if res is None:
        return None
    if doubt is None or len(doubt):
        # outputs whose windows may hold no valid sample: decided from the
        # NaN, listed now
        nbad, _ = nan_split(a.reshape(-1), None, None, where)
        if nbad <= len(where):
            valid = np.ones(a.shape, bool)
            valid.reshape(-1)[where[:nbad]] = False
        else:
            valid = ~np.isnan(a)
        if doubt is not None:
            doubt = np.unravel_index(doubt, res.shape)

        def conv(x, k, fill, axes=None):
            return execute(make_plan("convolve", x, k, mode, "direct", axes=axes,
                                     boundary=bound, fillvalue=fill, workers=workers))

        if _keep_empty(res, doubt, valid, a, kernel, mode, bound, vfill, conv,
                       normalize_kernel, ksum):
            _warn_holes()
    return res


def nanconvolve(array, kernel, boundary="fill", fill_value=0.0, nan_treatment="interpolate",
                normalize_kernel=True, mask=None, preserve_nan=False,
                normalization_zero_tol=1e-8, *, method="auto", workers=None):
    """Convolve an array with a kernel, interpolating over NaN and masked
    samples (drop-in for ``astropy.convolution.convolve``).

    ``out[i] = sum_j k[j] a[i - j + c] / sum_j k[j] v[i - j + c]`` (``c``
    the kernel's centre, ``v`` 1 where ``a`` is valid, the sums over valid
    samples only): each output is the kernel-weighted mean of the valid
    samples around it.

    Parameters
    ----------
    array : array_like
        N-D real array (astropy: 1-D to 3-D); NaN marks missing samples.  A
        ``numpy.ma.MaskedArray``'s masked samples are missing too.
    kernel : array_like
        Real, finite kernel with the array's number of dimensions and an
        odd size on every axis (an astropy ``Kernel`` is accepted).
    boundary : {'fill', None, 'wrap', 'extend'}, optional
        Outside the array: 'fill' (default) reads `fill_value` (a NaN fill
        counts as missing), None gives 0 wherever the kernel leaves the
        array, 'wrap' is periodic, 'extend' repeats the edge sample.
    fill_value : float, optional
        Value outside the array for ``boundary='fill'``, and of missing
        samples for ``nan_treatment='fill'`` (default 0).
    nan_treatment : {'interpolate', 'fill'}, optional
        'interpolate' (default): missing samples are left out and the
        kernel renormalised over the valid ones; 'fill': they are replaced
        by `fill_value` first.
    normalize_kernel : bool, optional
        Divide by the kernel's sum (default True).  With False, the
        interpolated result is multiplied back by the kernel's sum.
    mask : array_like, optional
        Array's shape; nonzero marks a missing sample.
    preserve_nan : bool, optional
        Missing samples are NaN in the result (default False).
    normalization_zero_tol : float, optional
        A kernel whose sum is within this of 0 (or below 0.01) cannot be
        normalised: ValueError when normalising or interpolating.
    method : {'auto', 'direct', 'fft'}, optional
        fastconv extension: 'auto' (default) by fastconv's cost model,
        which may take the sums by FFTs along the rows (2-D float64, a zero
        fill, AVX-512; within rounding of 'direct').  Arrays holding inf
        always use 'direct' (its direct sums).
    workers : int, optional
        Threads (as in `fastconv.convolve`).

    Returns
    -------
    ndarray
        The array's shape; the array's float dtype, else float64.  Outputs
        with no valid sample under a nonzero tap keep the input sample
        (NaN if it is missing; a RuntimeWarning says so).

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> fastconv.nanconvolve([1.0, np.nan, 3.0], [1, 1, 1], boundary='extend')
    array([1., 2., 3.])
    """
    array, kernel, mask = _check(array, kernel, boundary, fill_value, nan_treatment,
                                 normalize_kernel, mask, method)
    auto = method == "auto"    # (the sums by row FFTs allowed: not 'direct')
    result_dtype = array.dtype if array.dtype.kind == "f" else np.dtype(np.float64)
    a = np.ascontiguousarray(array, dtype=np.float64)
    pair = cached_empty((2,) + a.shape, np.float64)     # (a cached buffer)
    d, v = pair[0], pair[1]                              # data, validity (if needed)
    m8 = None if mask is None else np.ascontiguousarray(mask).view(np.uint8).reshape(-1)
    # the invalid samples (a cached buffer: its pages mapped, ~0.3 ms of
    # 2048^2 less than a fresh one)
    where = cached_empty((a.size // 8 + 16,), np.int64)
    # (one pass, ~4.6 ms of 2048^2 with AVX-512 lane masks and streaming
    # stores, was ~9 ms.  Measured instead, no faster: the units copying the
    # rows they read with the NaN set to 0 and listing them themselves, no
    # pass before; 46.3 vs 45.3 ms, the reads of x then no longer overlap the
    # kernel's arithmetic; prefetching the next unit's rows while dividing
    # made it slower still.  Again on AMD Zen 5 (nan12; 2048^2 9x9 1% NaN,
    # process time): the units' copies of their rows with NaN set to 0
    # (AVX-512, no listing) cost 1.2-1.4 ms, what the whole pass costs,
    # with units of 12 or 24 rows, with or without the next unit's rows
    # prefetched (one line per divided vector): the read of x from memory
    # is the cost wherever it is not overlapped with the kernel's
    # arithmetic)
    # (the row FFTs foreseen: they read the array itself, its NaN as 0, and
    # the split only lists; d is written after all where they do not run)
    rplan = (_rowfft_foreseen(pair, kernel, boundary, fill_value, workers)
             if auto and m8 is None and nan_treatment == "interpolate" and a.ndim == 2
             else None)
    listed_only = rplan is not None
    if listed_only and boundary == "fill" and not preserve_nan:
        res = _listed_in_units(a, rplan, kernel, normalize_kernel, normalization_zero_tol,
                               workers, where)
        if res is not None:
            return res.astype(result_dtype, copy=False)
    nbad, nonfinite = nan_split(a.reshape(-1), m8, None if listed_only else d.reshape(-1),
                                where)
    bad = where[:nbad] if nbad <= len(where) else None   # (None: too many listed)

    def invalid():
        """The invalid samples: flat indices, or a boolean array."""
        if bad is not None:
            return bad
        inv = np.isnan(a)
        return inv if mask is None else np.logical_or(inv, mask, out=inv)

    if nan_treatment == "fill" and nbad:
        d.reshape(-1)[invalid().reshape(-1)] = fill_value
        nonfinite = nonfinite or not np.isfinite(fill_value)
    interpolate = nan_treatment == "interpolate" and (
        nbad > 0 or (boundary == "fill" and np.isnan(fill_value)))
    ksum = float(kernel.sum())
    if (normalize_kernel or interpolate) and (
            ksum < 1.0 / _MAX_NORMALIZATION or abs(ksum) <= normalization_zero_tol):
        raise ValueError(
            f"kernel cannot be normalised: its sum is {ksum!r} (below "
            f"{1.0 / _MAX_NORMALIZATION} or within normalization_zero_tol of 0); "
            + ("for data with NaN use nan_treatment='fill'" if interpolate
               else "use normalize_kernel=False"))
    if interpolate and nbad == a.size:
        raise ValueError("array has no valid sample (all NaN or masked): nothing "
                         "to interpolate from")
    mode, bound, dfill, vfill = _windows(boundary, fill_value)
    if nan_treatment == "fill" and boundary == "fill":
        dfill = float(fill_value)     # a NaN fill is data here
    if nonfinite or not np.isfinite(dfill):
        method = "direct"             # NaN/inf samples: the FFT would spread them
        auto = False                  # (the row FFTs too)
    plan = make_plan("convolve", d, kernel, mode, method, boundary=bound, fillvalue=dfill,
                     workers=workers)
    if (auto and plan.method == "fft" and interpolate and bad is not None and a.ndim == 2
            and _sparse_allowed(kernel, mode, bound, vfill)):
        # the direct plan's units with their sums by row FFTs, when the
        # model prices them below the FFT engine's tiles (one thread)
        plan = rplan or _rowfft_plan(plan, pair, kernel, mode, bound, dfill, workers) or plan
    method = plan.method if plan.method in ("direct", "fft") else "direct"

    def conv(x, k, fill, axes=None):
        return execute(make_plan("convolve", x, k, mode, method, axes=axes, boundary=bound,
                                 fillvalue=fill, workers=workers))

    scale = 1.0 if normalize_kernel else ksum
    tau = 2.0 ** -20 * float(np.abs(kernel).sum())
    # the sparse weights inside the direct core's units where it can (the
    # same bits as `origins`' separate passes)
    fused = (interpolate and bad is not None and a.ndim <= 2 and nan_units(plan)
             and _sparse_allowed(kernel, mode, bound, vfill)
             and _sparse_pays(nbad, kernel, plan, method))
    if listed_only and not (fused and auto and rowfft_runs(plan)):
        nan_split(a.reshape(-1), m8, d.reshape(-1), where)    # (d after all)
        listed_only = False
    origins = (_sparse_origins(bad, a.shape, kernel, mode, bound, vfill, plan, method)
               if interpolate and not fused else None)
    holes = False
    if not interpolate:
        top = execute(plan)
        res = np.divide(top, ksum, out=top) if normalize_kernel else top
    elif fused:
        res, doubt = _fused_weights(plan, bad, ksum, scale, tau,
                                    _gather_limit(math.prod(plan.shape), kernel.size),
                                    rowfft=auto, source=a if listed_only else None)
        ndoubt = doubt is None or len(doubt)
        if ndoubt and doubt is not None:
            doubt = np.unravel_index(doubt, res.shape)
    elif origins is not None:
        # the weights as the kernel's sum less the taps on invalid samples
        res = execute(plan)
        doubt = np.empty(_gather_limit(res.size, kernel.size), np.int64)
        buf = np.empty(max(_STRIP_DOUBLES, math.prod(res.shape[1:])))
        ndoubt = nan_reweight(res, kernel, origins, ksum, scale, tau, buf, doubt)
        if ndoubt:
            doubt = np.unravel_index(doubt[:ndoubt], res.shape) if ndoubt <= len(doubt) \
                else None
    else:
        v[...] = 1.0
        v.reshape(-1)[invalid().reshape(-1)] = 0.0
        if method == "fft" and (dfill == vfill or vfill == 1.0 and dfill == 0.0):
            # one FFT plan for both (the kernel's spectrum and the tiles shared);
            # a fill of 1 for the validity becomes a zero fill for the invalidity
            flip = dfill != vfill
            if flip:
                np.subtract(1.0, v, out=v)
            both = conv(pair, kernel[None], dfill, axes=tuple(range(1, pair.ndim)))
            if flip:
                np.subtract(1.0, v, out=v)
                np.subtract(ksum, both[1], out=both[1])
            top, weight = both[0], both[1]
        else:
            top = execute(plan)
            weight = conv(v, kernel, vfill)
        ndoubt = nan_divide(top.reshape(-1), weight.reshape(-1), scale, tau)
        res = top
        if ndoubt:
            doubt = np.abs(weight) <= tau
            doubt = np.nonzero(doubt) if ndoubt <= _gather_limit(weight.size, kernel.size) \
                else None
    if interpolate and ndoubt:
        if origins is None and not fused:
            valid = v != 0
        else:   # (no validity array was written: from the listed samples)
            valid = np.ones(a.shape, bool)
            valid.reshape(-1)[invalid().reshape(-1)] = False
        holes = _keep_empty(res, doubt, valid, a, kernel, mode, bound, vfill, conv,
                            normalize_kernel, ksum)
    if mode == "valid":
        full = cached_empty(a.shape, np.float64)
        inner = _inner(a.shape, kernel.shape)
        full[inner] = res
        for ax, sl in enumerate(inner):     # the borders (windows leaving the array)
            full[(slice(None),) * ax + (slice(0, sl.start),)] = 0.0
            full[(slice(None),) * ax + (slice(sl.stop, None),)] = 0.0
        res = full
    if preserve_nan and nbad:
        res.reshape(-1)[invalid().reshape(-1)] = np.nan
    elif interpolate and holes:
        _warn_holes()
    if res.base is not None and res.dtype == result_dtype:
        res = res.copy()              # (not a view holding the batched plan's pair)
    return res.astype(result_dtype, copy=False)
