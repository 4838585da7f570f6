"""Reusable kernel plans: one kernel, many inputs of one shape and dtype.

`ConvPlan` validates and decides everything once, through `make_plan` on a
template input (zeros of the given shape and dtype); each call then only
checks the input's type, shape and dtype and runs:

- FFT method on the C engine: one ``_fftcore.KernelPlan`` holds the tiling,
  the kernel's spectrum and the tile buffers; a call extends the input
  through the boundary rule (not for a zero fill) and runs the plan.
- direct method (and whatever the engine does not take): the plan with the
  input substituted for the template, its kernel already in the core's work
  dtype and layout, goes to `execute` as a one-shot call's plan would.
- when the kernel is larger than the input on the convolved axes, one-shot
  calls swap the two (convolution commutes); the plan then makes a plan per
  call, with the same results.

``planner='measure'`` times the engine on random data of the plan's shape
for tile shapes around the engine's own choice (one thread, per axis in
turn, `_measure_tiles`) and keeps the fastest; with method='auto' it first
times direct against FFT (`ConvPlan._timed_method`).  The default,
'estimate', takes the cost model's method and the engine's tiles, as
one-shot calls do.
"""
import math
import operator
import time

import numpy as np

from . import _fftcore
from ._execute import execute, finish_fft
from ._fft import _next_smooth, engine_input, run_engine
from ._method import choose_method, engine_extra_bytes, estimate_times
from ._plan import _replace, make_plan, with_method
from ._validate import as_input_array
from ._validate import check_out
from ._window import _layout

__all__ = ["ConvPlan"]

PLANNERS = ("estimate", "measure")


class ConvPlan:
    """A convolution (or correlation) with a fixed kernel, for many inputs.

    Fixes the kernel, the input shape and dtype, the mode, the boundary
    rule and the method; calling the plan with an input of that shape and
    dtype returns what ``fastconv.convolve(in1, kernel, mode, ...)`` (or
    ``fastconv.correlate``) returns: the same dtype and shape, the same bits
    for the direct method and for the FFT method.  The kernel's spectrum
    (FFT method) or its flipped work copy (direct method) and the FFT tile
    buffers are made once.

    Parameters
    ----------
    kernel : array_like
        The second input of `convolve` / `correlate` (copied: changing it
        later does not change the plan).
    shape : tuple of int
        Shape of every input the plan will take.
    dtype : data-type, optional
        Dtype of every input (default float64).
    mode : {'full', 'valid', 'same'}, optional
        As in `convolve`.
    correlate : bool, optional
        False (default): convolve, as `convolve`; True: correlate, as
        `correlate`.
    method : {'auto', 'direct', 'fft'}, optional
        As in `convolve`; 'auto' chooses once, for the shape and dtype, by
        the cost model a one-shot call uses (`choose_conv_method`), so a
        float plan takes the method a one-shot call takes.  For integer
        inputs the FFT must be exact for every input of the dtype (a
        one-shot call may look at its data), so a plan can pick 'direct'
        where a one-shot call picks 'fft'.
    axes, boundary, fillvalue, workers
        As in `convolve`.
    planner : {'estimate', 'measure'}, optional
        How the FFT engine's overlap-save tiles are chosen.  'estimate'
        (default): by the engine's cost formula, as one-shot calls choose
        them, so calls return the one-shot call's bits.  'measure' (the
        idea of FFTW's FFTW_MEASURE): the plan times the engine on random
        data of its shape and dtype, on one thread, for tile shapes around
        the formula's, and keeps the fastest (``plan.tiles``).  Making the
        plan then takes some 20-40 engine runs; calls may be faster (2048^2
        float32 with a 31x31 kernel: about 5-10% less CPU time on this
        project's machine), and return the one-shot result within rounding
        (other tiles round differently), the same bits for every
        `workers`.  The tiles chosen may differ from one plan to the next
        (timings vary).  With ``method='auto'`` and float or complex
        inputs, 'measure' also times the direct method against the FFT (one
        thread, where the cost model puts them within 4x of each other) and
        keeps the faster.  Otherwise ignored unless the FFT engine runs
        the plan.

    Raises
    ------
    ValueError, TypeError
        At construction, for any argument `convolve` would reject (the
        message names it; the kernel is called ``in2``), or a bad `shape`
        or `dtype`; at a call, when
        `in1` is not a NumPy array of the plan's shape and dtype, or `out`
        is not a valid output array.

    Notes
    -----
    A plan may be called from several threads at once.  The FFT method
    keeps the tile buffers of its last call for the next (concurrent calls
    make their own): memory of about ``2 * workers + 2`` tiles stays
    allocated while the plan lives.  Passing `out` (C-contiguous, of the
    result dtype) also saves allocating the result.  ``plan.method`` says
    which method runs, ``plan.tiles`` the FFT engine's tile shape (None
    when the engine does not run the plan).

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> k = np.array([1.0, 2.0, 1.0])
    >>> plan = fastconv.ConvPlan(k, (5,), np.float64, mode='same')
    >>> plan
    ConvPlan(convolve, kernel shape (3,), input (5,) float64, mode='same',
             boundary='fill', method='direct')
    >>> plan(np.array([0.0, 1.0, 0.0, 0.0, 2.0]))
    array([1., 2., 1., 2., 4.])
    >>> np.array_equal(plan(np.arange(5.0)), fastconv.convolve(np.arange(5.0), k, 'same'))
    True
    """

    def __init__(self, kernel, shape, dtype=np.float64, mode="full", *, correlate=False,
                 method="auto", axes=None, boundary="fill", fillvalue=0, workers=None,
                 planner="estimate"):
        try:
            shape = (tuple(operator.index(n) for n in shape) if np.iterable(shape)
                     else (operator.index(shape),))
        except TypeError:
            raise TypeError(f"shape must be a tuple of non-negative integers; got "
                            f"shape={shape!r}") from None
        if any(n < 0 for n in shape):
            raise ValueError(f"shape must be a tuple of non-negative integers; got "
                             f"shape={shape}")
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"dtype must be a NumPy dtype; got dtype={dtype!r}") from None
        if not isinstance(planner, str) or planner not in PLANNERS:
            raise ValueError(f"planner must be 'estimate' or 'measure'; got "
                             f"planner={planner!r}")
        self.planner = planner
        kernel = np.array(as_input_array(kernel, "in2"), copy=True)
        if kernel.dtype.kind == "O" or dtype.kind == "O":
            raise TypeError(
                "ConvPlan takes numeric kernels and inputs; object arrays go through "
                f"fastconv.convolve/correlate (got in2 dtype {kernel.dtype}, dtype={dtype})")
        template = np.zeros(shape, dtype)
        self._kind = "correlate" if correlate else "convolve"
        self._kernel = kernel
        self.shape = shape
        self.dtype = dtype
        self.mode = mode
        self.boundary = boundary
        self._options = dict(mode=mode, method=method, axes=axes, boundary=boundary,
                             fillvalue=fillvalue, workers=workers)
        auto = method == "auto"
        if auto:    # the one-shot rule, but not from the template's data
            self._options["method"] = "direct"
        plan = make_plan(self._kind, template, kernel, **self._options)
        if auto and plan.method == "direct":
            plan = with_method(plan, choose_method(plan, data=False))
        if (auto and planner == "measure" and plan.method in ("direct", "fft")
                and plan.x is template and dtype.kind in "fc" and plan.result.kind in "fc"):
            plan = with_method(plan, self._timed_method(template, plan))
        self._build(template, plan, planner)
        self._options["method"] = self.method

    def _timed_method(self, template, plan):
        """planner='measure', method='auto': 'direct' or 'fft', whichever ran
        faster on random data, on one thread (so that the choice, and with
        it the rounding, never depends on `workers`); measured only where
        the cost model puts the two within 4x of each other."""
        t_direct, t_fft = estimate_times(plan)
        if max(t_direct, t_fft) > 4 * min(t_direct, t_fft):
            return plan.method
        one = make_plan(self._kind, template, self._kernel, **dict(self._options, workers=1))
        x = _random(template.shape, template.dtype)
        seconds = {}
        for method in ("direct", "fft"):
            self._build(template, with_method(one, method))
            seconds[method] = _seconds(lambda: self._run(x, None))
        return min(seconds, key=seconds.get)

    def _build(self, template, plan, planner="estimate"):
        """Set the plan, its runner and the engine for `plan` (the engine's
        tiles chosen by `planner`)."""
        self._plan, self._engine, self.tiles = plan, None, None
        self.method = plan.method
        if plan.x is not template:        # kernel and input swapped: per call
            self._run = self._per_call
        elif plan.method in ("fft", "oa") and self._setup_engine(plan, template, planner):
            self._run = self._fft
        else:
            if plan.method == "direct":   # the kernel once, as the core reads it
                order = _layout(plan)[0]
                kw = np.ascontiguousarray(plan.kernel.transpose(order), dtype=plan.work)
                self._plan = _replace(plan, kernel=kw.transpose(np.argsort(order)))
            self._run = self._execute

    def _setup_engine(self, plan, template, planner):
        x, offsets, engine = engine_input(plan, template)
        if not engine:
            return False
        kw = np.require(plan.kernel, plan.fft_dtype, ["C", "A"])
        if planner == "measure":
            self._engine = _measure_tiles(kw, x.shape, tuple(offsets), plan.shape)
        else:
            self._engine = _fftcore.KernelPlan(kw, x.shape, tuple(offsets), plan.shape)
        self.tiles = self._engine.tiles
        return True

    # -- per call ----------------------------------------------------------

    def _check(self, in1, out):
        if not isinstance(in1, np.ndarray):
            raise TypeError(f"in1 must be a NumPy array of shape {self.shape} and dtype "
                            f"{self.dtype}; got {type(in1).__name__}")
        if in1.shape != self.shape:
            raise ValueError(f"in1 has shape {in1.shape}, but this plan takes shape "
                             f"{self.shape}")
        if in1.dtype != self.dtype:
            raise TypeError(f"in1 has dtype {in1.dtype}, but this plan takes dtype "
                            f"{self.dtype}")
        return check_out(out, self._plan.shape, self._plan.result)

    def __call__(self, in1, out=None):
        """``convolve(in1, kernel, mode, ...)`` (or correlate) with this
        plan's kernel and options.

        Parameters
        ----------
        in1 : ndarray
            An input of the plan's shape and dtype.
        out : ndarray, optional
            As in `convolve`: the result is written there and returned.

        Returns
        -------
        ndarray
            What the one-shot call with ``method=plan.method`` returns
            (``planner='measure'``: within rounding of it).

        Examples
        --------
        >>> import numpy as np
        >>> import fastconv
        >>> plan = fastconv.ConvPlan(np.ones(2), (3,), mode='full')
        >>> plan.convolve(np.array([1.0, 2.0, 3.0]))
        array([1., 3., 5., 3.])
        """
        out = self._check(in1, out)
        return self._run(in1, out)

    convolve = __call__

    def _per_call(self, in1, out):
        return execute(make_plan(self._kind, in1, self._kernel, out=out, **self._options))

    def _execute(self, in1, out):
        return execute(_replace(self._plan, x=in1, sources=(in1, self._kernel), out=out))

    def _fft(self, in1, out):
        plan = self._plan
        x, offsets = engine_input(plan, in1)[:2]
        direct_out = (out is not None and out.dtype == plan.fft_dtype == plan.result
                      and out.flags.c_contiguous and out.flags.aligned
                      and not np.may_share_memory(out, in1))
        res = out if direct_out else np.empty(plan.shape, dtype=plan.fft_dtype)
        res, finite = run_engine(plan, x, offsets, res, self._engine)
        return finish_fft(plan, res, finite, out, stacklevel=4)

    def __repr__(self):
        return (f"ConvPlan({self._kind}, kernel shape {self._kernel.shape}, input "
                f"{self.shape} {self.dtype}, mode={self.mode!r}, "
                f"boundary={self.boundary!r}, method={self.method!r})")


# -- planner='measure' -------------------------------------------------------

def _tile_candidates(K, L, P, most=8):
    """5-smooth tile lengths for one axis to time against P: from about P/4
    (at least K + 1, so that a tile has 2 outputs) up to 2 P, within the
    whole padded axis; at most `most` of them, spread evenly in log."""
    hi = min(_next_smooth(L + K - 1, (3, 5)), 2 * P)
    n, found = max(K + 1, P // 4), []
    while n <= hi:
        n = _next_smooth(n, (3, 5))
        if n <= hi:
            found.append(n)
        n += 1
    if len(found) > most:
        found = [found[round(i * (len(found) - 1) / (most - 1))] for i in range(most)]
    return found


def _seconds(run):
    """This thread's CPU seconds for ``run()``: the least of 2 runs (the
    first allocates the FFT tile buffers), or of up to 5 within 50 ms."""
    best, spent, n = math.inf, 0.0, 0
    while n < 2 or (n < 5 and spent < 0.05):
        t = time.thread_time()
        run()
        dt = time.thread_time() - t
        best, spent, n = min(best, dt), spent + dt, n + 1
    return best


def _random(shape, dtype):
    """Standard normal data of a float or complex dtype, to time runs on."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    if dtype.kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _measure_tiles(kw, xshape, offsets, lengths):
    """A `_fftcore.KernelPlan` for kernel `kw` with the tiles that ran
    fastest here: from the engine's own tiles, each axis in turn tries
    `_tile_candidates` (the others fixed at the best so far), within the
    engine's memory cap (3x the output or 4 MiB, or what its own tiles take)."""
    x = _random(xshape, kw.dtype)
    out = np.empty(lengths, kw.dtype)
    start = _fftcore.tile_shape(kw.shape, lengths, kw.dtype)
    cap = max(3 * out.nbytes, 4 << 20, engine_extra_bytes(start, kw.dtype))
    timed = {}

    def seconds(tiles):
        if tiles not in timed:
            eng = _fftcore.KernelPlan(kw, xshape, offsets, lengths, tiles=tiles)
            timed[tiles] = (_seconds(lambda: eng.run(x, out, 1)), eng)
        return timed[tiles][0]

    best = start
    for a in range(len(start)):
        for p in _tile_candidates(kw.shape[a], lengths[a], start[a]):
            tiles = best[:a] + (p,) + best[a + 1:]
            if (engine_extra_bytes(tiles, kw.dtype) <= cap
                    and seconds(tiles) < 0.99 * seconds(best)):
                best = tiles
    return timed[best][1] if best in timed else _fftcore.KernelPlan(
        kw, xshape, offsets, lengths, tiles=best)
