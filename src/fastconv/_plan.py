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
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ._dtypes import (exact_float_work, fft_input_dtype, fftconvolve_result_dtype,
                      result_dtype, work_dtype)
from ._method import choose_method
from ._modes import window
from ._threads import resolve_workers
from ._validate import (as_input_array, check_allocation, check_boundary,
                        check_broadcast, check_dtype, check_fillvalue,
                        check_maxlag, check_method, check_mode, check_out,
                        check_same_ndim, check_valid_shapes, normalize_axes)

__all__ = ["Plan", "make_plan"]

# What each public function takes and means (the one table of kinds).
_KINDS = {
    #             correlate  2-D only  FFT function
    "convolve":    (False,   False,    False),
    "correlate":   (True,    False,    False),
    "convolve2d":  (False,   True,     False),
    "correlate2d": (True,    True,     False),
    "fftconvolve": (False,   False,    True),
    "oaconvolve":  (False,   False,    True),
}


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything an executor needs; built by `make_plan`, never changed.

    method is 'direct', 'fft' (one transform per axis), 'oa' (overlap-add
    where blocks pay, else 'fft'), 'product' (0-d inputs: the plain product,
    scipy's rule) or 'empty' (an empty result).
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
    # how a zero fill's border columns are computed (_window.zero_edges):
    # None decides from the plan; 'scalar' or 'simd' hold the blocks of a
    # chunked plan to the whole array's way (_chunked.py)
    edges: Optional[str] = None

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


def _flip(a, axes):
    sl = [slice(None)] * a.ndim
    for ax in axes:
        sl[ax] = slice(None, None, -1)
    return a[tuple(sl)]


def _conv_size(shape, conv_axes):
    return math.prod(shape[a] for a in conv_axes)


def make_plan(kind, in1, in2, mode="full", method="auto", axes=None, boundary="fill",
              fillvalue=0, maxlag=None, out=None, dtype=None, workers=None, lazy=False):
    """Validate the arguments of public function `kind` and return its Plan.

    Every user-facing error is raised here (or by the _validate helpers),
    before any work and without touching `out`.

    lazy=True plans a call whose `in1` stands for data not in memory (a
    dask array: `in1` is then a stand-in of its shape and dtype, see
    dask.py): its values are never read (the integer FFT exactness check
    goes by the dtype only), nothing is allocated for the whole result (no
    memory check), and `in1` stays ``x`` (no swap with a larger kernel).
    """
    correlate, two_d, fft_func = _KINDS[kind]
    threads = resolve_workers(workers)
    in1 = as_input_array(in1, "in1")
    in2 = as_input_array(in2, "in2")
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
    if fft_func:
        # scipy multiplies without converting when nothing needs a transform
        empty = 0 in s1 or 0 in s2
        natural = (result_dtype(in1, in2) if ndim == 0 or not (transformed or empty)
                   else fftconvolve_result_dtype(in1.dtype, in2.dtype))
    else:
        natural = result_dtype(in1, in2)
    result = check_dtype(dtype, natural)
    fill = check_fillvalue(fillvalue, result) if not fft_func else np.zeros((), result)
    lags = check_maxlag(maxlag, len(conv_axes), mode) if correlate and not two_d else None

    if mode == "valid" and ndim:
        # (scipy's FFT functions compare only the axes they transform)
        check_valid_shapes(s1, s2, transformed if fft_func else conv_axes)
        bound, fill = "fill", np.zeros((), result)   # 'valid' never reads outside

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
    out = check_out(out, shape, result)

    # the correlation kernel: conjugated (correlation) or flipped (convolution)
    if correlate:
        kernel = np.conj(in2) if in2.dtype.kind == "c" else in2
    else:
        kernel = _flip(in2, conv_axes)
    x = in1
    common = dict(kind=kind, conv=conv, shape=shape, result=result, threads=threads,
                  out=out, sources=(in1, in2), fft_dtype=fft_input_dtype(result))
    if ndim == 0 or 0 in shape:
        return Plan(x=x, kernel=kernel, offsets=(0,) * ndim, boundary="fill", fill=fill,
                    work=work_dtype(result), method="product" if ndim == 0 else "empty",
                    **common)

    zero_fill = bound == "fill" and not fill
    if (zero_fill and not lazy
            and _conv_size(kernel.shape, conv_axes) > _conv_size(x.shape, conv_axes)):
        # convolution is commutative: stream over the larger array
        x, kernel = _flip(kernel, conv_axes), _flip(x, conv_axes)
    offsets = tuple(full_starts[a] - (kernel.shape[a] - 1) if conv[a] else 0
                    for a in range(ndim))
    work = exact_float_work(result, x.dtype, kernel, fill) or work_dtype(result, kernel.size)
    if not lazy:
        _check_sizes(x, kernel, shape, work)
    plan = Plan(x=x, kernel=kernel, offsets=offsets, boundary=bound, fill=fill,
                work=work, method=method, **common)
    if method == "auto":   # (priced on the plan itself; set before anyone sees it)
        object.__setattr__(plan, "method", choose_method(plan, values=not lazy))
    return plan


def _replace(plan, **changes):
    fields = {f: getattr(plan, f) for f in plan.__dataclass_fields__}
    fields.update(changes)
    return Plan(**fields)


def with_method(plan, method):
    """The same plan executed by another method (for measure=True)."""
    return _replace(plan, method=method)


def _check_sizes(x, kernel, shape, work):
    """The output and the work copies of the inputs must be allocatable
    (checked before anything is allocated; inputs may be broadcast views)."""
    arrays = [(shape, work.itemsize), (kernel.shape, work.itemsize)]
    if not (x.flags.c_contiguous and x.dtype == work):
        arrays.append((x.shape, work.itemsize))
    check_allocation(arrays)
