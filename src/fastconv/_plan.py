"""One plan per call.

Every public convolution function validates its arguments here, once, and
describes the work as an immutable `Plan`; the executors (`_execute.py`:
the direct core through `_window.py`, the FFT path in `_fft.py`) run plans
and decide nothing again.

The one core operation
----------------------
A plan always asks for a window of a *correlation* of ``x`` with a
``kernel``, reading ``x`` through a boundary rule::

    out[y] = sum_j kernel[j] * X(y + offset + j)

summed over the convolved axes.  Convolution flips ``in2`` on the convolved
axes, correlation conjugates it; both happen here, once.  The offsets come
from the mode's window of the full result (`_modes.window`): for a window
starting at ``start`` of an axis on which the kernel has ``m`` taps,
``offset = start - (m - 1)``, for convolution and correlation alike.

Axes that are not convolved are *batch* axes: ``x`` and ``kernel`` have there
the output's length or 1 (broadcast), with offset 0.  With a zero fill,
convolution is commutative, so the larger array on the convolved axes
becomes ``x`` (the one the fast loops stream over).
"""
import math
from dataclasses import MISSING, dataclass, fields
from typing import Optional

import numpy as np

from ._dtypes import (exact_float_possible, exact_float_work, fft_input_dtype,
                      fftconvolve_result_dtype, result_dtype, work_dtype)
from ._factors import SEP_WORK_TYPES, factor_kernel, factor_probe, is_box
from ._kept import keep
from ._method import choose_method, one_d_shapes, surely_direct
from ._modes import window
from ._threads import resolve_workers
from ._validate import (as_input_array, check_allocation, check_boundary,
                        check_broadcast, check_dtype, check_fillvalue,
                        check_maxlag, check_method, check_mode, check_out,
                        check_object_product, check_same_ndim, check_valid_shapes,
                        fft_numbers,
                        normalize_axes)

__all__ = ["Plan", "make_plan", "filter_plan"]

# What each public function takes and means (the one table of kinds).
_KINDS = {
    #             correlate  2-D only  FFT function
    "convolve":    (False,   False,    False),
    "correlate":   (True,    False,    False),
    "convolve2d":  (False,   True,     False),
    "correlate2d": (True,    True,     False),
    "fftconvolve": (False,   False,    True),
    "oaconvolve":  (False,   False,    True),
    "sepconvolve": (False,   False,    False),
    "sepcorrelate": (True,   False,    False),
}
# Functions whose dense kernels are tested for an outer product
# (_factors.factor_kernel) when the direct method may run.
_DETECT_FACTORS = ("convolve", "correlate", "convolve2d", "correlate2d")


@dataclass(frozen=True, eq=False, init=False)
class Plan:
    """Everything an executor needs; built by `make_plan`, never changed.

    method is 'direct', 'fft' (one transform per axis), 'oa' (overlap-add
    where blocks pay, else 'fft'), 'separable' (1-D passes with `factors`,
    `_separable.py`), 'product' (0-d inputs: the plain product, scipy's
    rule) or 'empty' (an empty result).

    factors: None, or per convolved axis (in axis order) the 1-D
    correlation kernel (work dtype) whose outer product is `kernel`; box:
    per convolved axis, run that factor as running sums (constant taps).
    """
    kind: str                     # the public function (for messages)
    x: np.ndarray                 # read through the boundary rule
    kernel: np.ndarray            # the correlation kernel (flipped/conjugated)
    conv: tuple                   # per axis: True where summed (convolved)
    offsets: tuple                # per axis: see the module docstring
    shape: tuple                  # of the result
    boundary: str                 # canonical name ('fill', 'wrap', ...)
    fill: np.ndarray              # 0-d, the result dtype (read for 'fill')
    result: np.dtype              # dtype of the result
    work: np.dtype                # direct method: the dtype the core sums in
    fft_dtype: np.dtype           # FFT method: the dtype it computes in
    method: str
    threads: int
    out: Optional[np.ndarray]     # the caller's array, or None
    sources: tuple                # the caller's arrays (for overlap checks)
    factors: Optional[tuple] = None   # separable: 1-D kernel per convolved axis
    box: tuple = ()                   # separable: running sums per convolved axis
    # how a zero fill's border columns are computed (_window.zero_edges):
    # None decides from the plan; 'scalar' or 'simd' hold the blocks of a
    # chunked plan to the whole array's way (_chunked.py)
    edges: Optional[str] = None

    def __init__(self, **values):
        """Keywords only: every field, those with a default optional.  (A
        frozen dataclass's own __init__ sets the fields one by one through
        object.__setattr__: 7 us of every call's fixed cost; this, 1 us.)"""
        d = self.__dict__
        d.update(_PLAN_DEFAULTS)
        d.update(values)
        if d.keys() != _PLAN_FIELDS:
            raise TypeError(f"Plan: missing {sorted(_PLAN_FIELDS - d.keys())}, "
                            f"unknown {sorted(d.keys() - _PLAN_FIELDS)}")

    @property
    def zero_fill(self):
        """Samples outside x contribute nothing."""
        return self.boundary == "fill" and not self.fill

    @property
    def batch_shape(self):
        return tuple(n for n, c in zip(self.shape, self.conv) if not c)

    @property
    def paired(self):
        """Per axis: a batch axis the executors must treat as one (x and
        kernel indexed by the output, or broadcast).  A batch axis on which
        the kernel has one sample and x the output's length is just an axis
        with a one-tap kernel."""
        return [not c and not (self.kernel.shape[a] == 1 and self.x.shape[a] == self.shape[a])
                for a, c in enumerate(self.conv)]


_PLAN_FIELDS = frozenset(f.name for f in fields(Plan))
_PLAN_DEFAULTS = {f.name: f.default for f in fields(Plan) if f.default is not MISSING}


def _flipping(ndim, axes):
    """The index that reverses an array of `ndim` dimensions on `axes`."""
    sl = [slice(None)] * ndim
    for ax in axes:
        sl[ax] = slice(None, None, -1)
    return tuple(sl)


def _conv_size(shape, conv_axes):
    return math.prod(shape[a] for a in conv_axes)


def make_plan(kind, in1, in2, mode="full", method="auto", axes=None, boundary="fill",
              fillvalue=0, maxlag=None, out=None, dtype=None, workers=None, factors=None,
              lazy=False):
    """Validate the arguments of public function `kind` and return its Plan.

    Every user-facing error is raised here (or by the _validate helpers),
    before any work and without touching `out`.  `factors` (sepconvolve,
    sepcorrelate): the caller's 1-D kernels, one per convolved axis, whose
    outer product is `in2`.

    lazy=True plans a call whose `in1` stands for data not in memory (a
    dask array: `in1` is then a stand-in of its shape and dtype, see
    dask.py): its values are never read (the integer FFT exactness check
    goes by the dtype only), nothing is allocated for the whole result (no
    memory check) and `in1` stays ``x`` (no swap with a larger kernel).

    What depends on the call's signature alone (the function, the inputs'
    shapes, dtypes and contiguity, and every other argument but `out`,
    `workers` and `factors`) is checked and derived once per signature
    (`_signature`) and kept for the calls that repeat it; what depends on
    the inputs' values (the kernel, integer work dtypes, separable factors,
    the method when that depends on them) is derived here on every call.
    """
    threads = resolve_workers(workers)
    in1 = as_input_array(in1, "in1")
    in2 = as_input_array(in2, "in2")
    key = sig = None
    if factors is None and in1.dtype.kind != "O" and in2.dtype.kind != "O":
        key = (kind, in1.shape, in2.shape, in1.dtype, in2.dtype, in1.flags.c_contiguous,
               in2.flags.c_contiguous, mode, method, axes, boundary, type(fillvalue),
               fillvalue, maxlag, dtype, lazy)
        try:
            sig = _signatures.get(key)
        except TypeError:   # (an unhashable argument: axes as a list, an array fill ...)
            key = None
    if sig is None:
        sig, in1, in2 = _signature(kind, in1, in2, mode, method, axes, boundary, fillvalue,
                                   maxlag, dtype, lazy)
        if key is not None:
            keep(_signatures, key, sig, _SIGNATURE_CACHE_SIZE)
    out = check_out(out, sig.shape, sig.result)

    # the correlation kernel: conjugated (correlation) or flipped (convolution)
    if sig.correlate:
        # (object elements are not conjugated: numpy's and scipy's rule)
        kernel = np.conj(in2) if in2.dtype.kind == "c" else in2
    else:
        kernel = in2[sig.flip]
    x = in1
    common = dict(kind=kind, conv=sig.conv, shape=sig.shape, result=sig.result,
                  threads=threads, out=out, sources=(in1, in2), fft_dtype=sig.fft_dtype)
    if sig.method in ("product", "empty"):
        return Plan(x=x, kernel=kernel, offsets=sig.offsets, boundary="fill", fill=sig.fill,
                    work=work_dtype(sig.result), method=sig.method, **common)
    if sig.swapped:
        # convolution is commutative: stream over the larger array
        x, kernel = kernel[sig.flip], x[sig.flip]
    work = sig.work
    if work is None:
        work = (exact_float_work(sig.result, x.dtype, kernel, sig.fill)
                or work_dtype(sig.result, kernel.size))
    if not lazy and work not in sig.sizes_checked:
        if _check_sizes(x, kernel, sig.shape, work):
            sig.sizes_checked += (work,)     # (the shapes alone decided it)
    seps, box = None, ()
    if factors is not None:
        if sig.factorable:
            seps = _given_factors(factors, sig.correlate, work)
            box = tuple(is_box(f) for f in seps) if seps else ()
    elif sig.detect:
        seps = factor_kernel(kernel, sig.conv, work, sig.result, sig.probe)
        # running sums in the auto path only where they are exact
        exact = work.kind in "iu" or sig.result.kind in "iu"
        box = tuple(exact and is_box(f) for f in seps) if seps else ()
    method = sig.method
    plan = Plan(x=x, kernel=kernel, offsets=sig.offsets, boundary=sig.boundary, fill=sig.fill,
                work=work, method=method, factors=None if seps is None else tuple(seps),
                box=box, **common)
    # (priced on the plan itself; set before anyone sees it)
    if factors is not None and seps is not None and method == "direct":
        object.__setattr__(plan, "method", "separable")   # sepconvolve's direct method
    elif method == "auto" or (method == "direct" and seps is not None):
        # (sig.surely_direct was decided with this work dtype when the
        # signature fixes it, else with the dearest price: ask again)
        choice = ("direct" if sig.surely_direct else
                  choose_method(plan, allow_fft=method == "auto", data=not lazy,
                                small=None if sig.work is None else False))
        if factors is not None and seps is not None and choice == "direct":
            choice = "separable"
        object.__setattr__(plan, "method", choice)
    return plan


# The signatures of recent calls (make_plan's key) and what they give.
_signatures = {}
_SIGNATURE_CACHE_SIZE = 1024


class _Signature:
    """What `make_plan` derives from a call's signature alone (no value of
    the inputs read), every argument in it validated.  Shared by the plans
    of the calls with that signature: nothing in it is ever changed, except
    `sizes_checked` (the work dtypes whose allocations were found possible
    from the shapes alone, see `_check_sizes`)."""
    __slots__ = ("correlate", "flip", "conv", "shape", "offsets", "boundary",
                 "fill", "result", "work", "fft_dtype", "method", "swapped", "factorable",
                 "detect", "probe", "surely_direct", "sizes_checked")

    def __init__(self, **values):
        self.work, self.sizes_checked = None, ()
        self.offsets, self.swapped, self.factorable, self.detect = (), False, False, False
        self.surely_direct, self.probe = False, None
        for name, value in values.items():
            setattr(self, name, value)


def _signature(kind, in1, in2, mode, method, axes, boundary, fillvalue, maxlag, dtype, lazy):
    """(`_Signature`, in1, in2) of a call (see make_plan); object inputs
    come back as the FFT reads them where it will."""
    correlate, two_d, fft_func = _KINDS[kind]
    if in1.ndim == 0 and in2.ndim == 0:
        check_object_product(in1, in2)   # (scipy multiplies them first)
    if two_d and (in1.ndim != 2 or in2.ndim != 2):
        raise ValueError(
            f"{kind} inputs must both be 2-D arrays; got in1.shape={in1.shape} "
            f"and in2.shape={in2.shape}")
    check_mode(mode)
    if not (two_d or fft_func):
        check_method(method)
    if fft_func:
        method = "oa" if kind == "oaconvolve" else "fft"
    elif two_d:
        method = "direct"
    bound = check_boundary(boundary)
    if fft_func and in1.ndim == 0 and in2.ndim == 0:
        normalize_axes(axes, 0)
    check_same_ndim(in1, in2)
    ndim = in1.ndim
    conv_axes = list(range(ndim)) if (axes is None or two_d) else normalize_axes(axes, ndim)
    conv = tuple(a in conv_axes for a in range(ndim))
    check_broadcast(in1.shape, in2.shape, conv_axes)
    s1, s2 = in1.shape, in2.shape

    # dtypes: one decision
    transformed = [a for a in conv_axes if s1[a] != 1 and s2[a] != 1]
    computed = ndim and transformed and not (0 in s1 or 0 in s2)
    if fft_func and computed:   # (object arrays: the FFT reads float64, as scipy)
        in1, in2 = fft_numbers(in1, in2)
    if fft_func:
        # scipy multiplies without converting when nothing needs a transform
        empty = 0 in s1 or 0 in s2
        natural = (result_dtype(in1, in2) if ndim == 0 or not (transformed or empty)
                   else fftconvolve_result_dtype(in1.dtype, in2.dtype))
    else:
        natural = result_dtype(in1, in2)
    result = check_dtype(dtype, natural)
    # (scipy reads fillvalue only for boundary='fill')
    fill = (check_fillvalue(fillvalue, result) if bound == "fill" and not fft_func
            else np.zeros((), result))
    lags = check_maxlag(maxlag, len(conv_axes), mode) if correlate and not two_d else None
    fft_dtype = fft_input_dtype(result)
    if method == "fft" and not fft_func and result.kind == "O" and computed:
        # convolve(..., method='fft') of objects: scipy's FFT reads float64
        # (complex128) and the result is cast back to objects
        in1, in2 = fft_numbers(in1, in2)
        fft_dtype = fftconvolve_result_dtype(in1.dtype, in2.dtype)

    if mode == "valid" and ndim:
        # (scipy's FFT functions compare only the axes they transform)
        check_valid_shapes(s1, s2, transformed if fft_func else conv_axes)
        bound, fill = "fill", np.zeros((), result)   # 'valid' never reads outside
    fill.flags.writeable = False     # (shared by the plans of the signature)

    # the output window on each convolved axis, the batch extent on the others
    starts, lengths = window(mode, s1, s2, correlate2d_same=(kind == "correlate2d"))
    shape, full_starts = [], []
    for a in range(ndim):
        if not conv[a]:
            shape.append(0 if 0 in (s1[a], s2[a]) else max(s1[a], s2[a]))
            full_starts.append(0)
        elif lags is not None and s1[a] and s2[a]:
            lag = lags[conv_axes.index(a)]
            shape.append(2 * lag + 1)
            full_starts.append(s2[a] - 1 - lag)
        else:
            shape.append(lengths[a])
            full_starts.append(starts[a])
    shape = tuple(shape)
    sig = _Signature(correlate=correlate, flip=_flipping(ndim, conv_axes), conv=conv,
                     shape=shape,
                     boundary=bound, fill=fill, result=result, fft_dtype=fft_dtype,
                     method=method)
    if ndim == 0 or 0 in shape:
        sig.method = "product" if ndim == 0 else "empty"
        sig.offsets = (0,) * ndim
        return sig, in1, in2

    zero_fill = bound == "fill" and not fill
    # (the kernel: in2, flipped or conjugated, make_plan)
    sig.swapped = swapped = (zero_fill and not lazy
                             and _conv_size(s2, conv_axes) > _conv_size(s1, conv_axes))
    kshape, xdtype, kdtype = (s1, in2.dtype, in1.dtype) if swapped else (s2, in1.dtype, in2.dtype)
    sig.offsets = tuple(full_starts[a] - (kshape[a] - 1) if conv[a] else 0
                        for a in range(ndim))
    taps = math.prod(kshape)
    if not exact_float_possible(result, xdtype, kdtype):
        sig.work = work_dtype(result, taps)    # (else from the kernel's values)
    # separable factors: the caller's (sepconvolve), or looked for in the
    # kernel where they may change the method
    sig.factorable = (method in ("auto", "direct") and not swapped
                      and all(kshape[a] == 1 for a in range(ndim) if not conv[a]))
    # (the one method for tiny problems: `choose_method` needs no factors;
    # the probe False: no kernel of this shape and dtype has any)
    one_d = one_d_shapes(s1, s2, conv)
    detectable = sig.factorable and kind in _DETECT_FACTORS
    if detectable:
        sig.probe = factor_probe(kshape, conv, kdtype)
        detectable = sig.probe is not False
    sig.surely_direct = result.kind == "O" or surely_direct(shape, taps, sig.work, one_d,
                                                            detectable)
    sig.detect = detectable and not sig.surely_direct
    return sig, in1, in2


def filter_plan(x, kernel, offsets, boundary, fill, work, workers=None):
    """The plan of one scipy.ndimage-style filter pass (``fastconv.ndimage``).

    The output has x's shape; ``out[y] = sum_j kernel[j] * X(y + offsets + j)``
    on every axis (a 1-D pass is a kernel of length 1 on the other axes),
    read through `boundary` (a canonical name) with `fill`, summed in `work`
    (also the result dtype: ndimage's casts are `_ndi_arith.store`'s).  The
    caller (``_ndi_filters``) has validated everything in scipy.ndimage's terms.
    """
    work = np.dtype(work)
    common = dict(kind="ndimage", conv=(True,) * x.ndim, shape=x.shape, result=work,
                  work=work, fft_dtype=work, threads=resolve_workers(workers), out=None,
                  sources=(x, kernel), fill=np.asarray(fill).astype(work).reshape(()))
    if x.ndim == 0 or x.size == 0:
        return Plan(x=x, kernel=kernel, offsets=(0,) * x.ndim, boundary="fill",
                    method="product" if x.ndim == 0 else "empty", **common)
    _check_sizes(x, kernel, x.shape, work)
    return Plan(x=x, kernel=kernel, offsets=tuple(offsets), boundary=boundary,
                method="direct", **common)


def _given_factors(factors, correlate, work):
    """The caller's 1-D kernels as correlation factors in the work dtype
    (flipped for convolution), or None when the separable passes cannot
    run them (complex or long double work)."""
    if work not in SEP_WORK_TYPES or any(f.dtype.kind == "c" for f in factors):
        return None
    return [np.ascontiguousarray((f if correlate else f[::-1])).astype(work) for f in factors]


def make_separable_plan(x, factors, axes, offsets, boundary="fill", fillvalue=0, shape=None,
                        dtype=None, running=True, workers=None, out=None):
    """The plan of `_separable.plan_passes` (see there): correlation
    factors and window offsets given per axis, the separable executor.
    What the call's signature alone decides (`_separable_signature`) is kept
    per signature, as `make_plan` does; the factors' values, `out` and the
    threads are read on every call."""
    x = as_input_array(x, "input")
    factors = [as_input_array(f, "weights") for f in factors]
    sig = None
    try:
        key = (x.shape, x.dtype, tuple((f.shape, f.dtype) for f in factors),
               axes if isinstance(axes, int) else tuple(axes), tuple(offsets), boundary,
               type(fillvalue), fillvalue, shape if shape is None else tuple(shape), dtype)
        sig = _separable_signatures.get(key)
    except TypeError:   # (an unhashable argument: not kept)
        key = None
    if sig is None:
        sig = _separable_signature(x, factors, axes, offsets, boundary, fillvalue, shape, dtype)
        if key is not None:
            keep(_separable_signatures, key, sig, _SIGNATURE_CACHE_SIZE)
    result, work, shape = sig.result, sig.work, sig.shape
    out = check_out(out, shape, result)
    seps = tuple(np.ascontiguousarray(factors[i]).astype(work) for i in sig.order)
    return Plan(kind="separable", x=x, kernel=sig.kernel, conv=sig.conv,
                offsets=sig.offsets, shape=shape, boundary=sig.boundary, fill=sig.fill,
                result=result, work=work, fft_dtype=sig.fft_dtype, method="separable",
                threads=resolve_workers(workers), out=out, sources=(x, *factors),
                factors=seps, box=tuple(running and is_box(f) for f in seps))


# The signatures of recent make_separable_plan calls and what they give.
_separable_signatures = {}


class _SeparableSignature:
    """What a separable plan takes from its call's signature alone (no value
    of the inputs read), every argument validated; shared by the plans of
    that signature, never changed.  `order`: the factors' order along the
    axes; `kernel`: the plans' stand-in kernel of the summed shape."""
    __slots__ = ("result", "work", "shape", "order", "conv", "offsets", "boundary", "fill",
                 "fft_dtype", "kernel")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


def _separable_signature(x, factors, axes, offsets, boundary, fillvalue, shape, dtype):
    """The `_SeparableSignature` of a make_separable_plan call."""
    axes = normalize_axes(axes, x.ndim)
    if len(factors) != len(axes) or len(offsets) != len(axes) or any(f.ndim != 1 or f.size == 0
                                                                      for f in factors):
        raise ValueError(f"one non-empty 1-D kernel and one offset per axis are needed; got "
                         f"{len(factors)} kernels and {len(offsets)} offsets for axes {axes}")
    shape = tuple(x.shape) if shape is None else tuple(int(n) for n in shape)
    result = check_dtype(dtype, _native_result(x, factors))
    fill = check_fillvalue(fillvalue, result)
    bound = check_boundary(boundary)
    order = sorted(range(len(axes)), key=lambda i: axes[i])
    kshape = [1] * x.ndim
    for i in order:
        kshape[axes[i]] = factors[i].size
    work = work_dtype(result, math.prod(kshape))
    if work not in SEP_WORK_TYPES:
        raise TypeError(f"the separable passes do not run in {work}; got input dtype {x.dtype}")
    fill = np.array(fill)             # (a copy: shared by the plans of the signature)
    fill.flags.writeable = False
    off = [0] * x.ndim
    for i, a in enumerate(axes):
        off[a] = int(offsets[i])
    return _SeparableSignature(
        result=result, work=work, shape=shape, order=order,
        conv=tuple(a in axes for a in range(x.ndim)), offsets=tuple(off), boundary=bound,
        fill=fill, fft_dtype=fft_input_dtype(result),
        kernel=np.ndarray(tuple(kshape), work, _ZERO, strides=(0,) * x.ndim))


_ZERO = bytes(16)   # the separable plans' stand-in kernel's one element


def _native_result(x, factors):
    return result_dtype(x, np.empty(0, np.result_type(*[f.dtype for f in factors])))


def _replace(plan, **changes):
    fields = {f: getattr(plan, f) for f in plan.__dataclass_fields__}
    fields.update(changes)
    return Plan(**fields)


def with_method(plan, method):
    """The same plan executed by another method (for measure=True)."""
    return _replace(plan, method=method)


def _check_sizes(x, kernel, shape, work):
    """The output and the work copies of the inputs must be allocatable
    (checked before anything is allocated; inputs may be broadcast views).
    True when the shapes alone decided it (`check_allocation`)."""
    arrays = [(shape, work.itemsize), (kernel.shape, work.itemsize)]
    if not (x.flags.c_contiguous and x.dtype == work):
        arrays.append((x.shape, work.itemsize))
    return check_allocation(arrays)
