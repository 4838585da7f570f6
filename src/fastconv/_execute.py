"""Run a plan: pick its executor, honour ``out=``, cast back FFT results.

Nothing here validates or decides anything about the call (_plan.py did);
this is the one place where a result meets the caller's ``out`` array.
"""
import warnings

import numpy as np

from ._dtypes import fft_cast_back
from ._fft import run_fft
from ._separable import run_separable
from ._objects import run_objects
from ._window import run_direct, writes_into

__all__ = ["execute", "finish_fft"]


def _overlaps(plan):
    return any(np.may_share_memory(plan.out, a) for a in plan.sources)


def execute(plan):
    """The result of `plan` (written into ``plan.out`` when there is one)."""
    out = plan.out
    if plan.method == "product":           # 0-d inputs: their product
        res = np.multiply(plan.x, plan.kernel, dtype=plan.result)
    elif plan.method == "empty":
        res = np.zeros(plan.shape, dtype=plan.result)
    elif plan.method == "direct" and plan.work.kind == "O":
        res = run_objects(plan)
    elif plan.method == "direct":
        if out is not None and writes_into(plan, out) and not _overlaps(plan):
            return run_direct(plan, dest=out)
        res = run_direct(plan)
    elif plan.method == "separable":
        res = run_separable(plan)
    else:
        return finish_fft(plan, *run_fft(plan), out, stacklevel=4)
    return _deliver(res, out)


def _deliver(res, out):
    """`res` itself, or copied into the caller's `out` (returned)."""
    if out is None or res is out:
        return res
    np.copyto(out, res, casting="same_kind")
    return out


def finish_fft(plan, res, finite, out, stacklevel):
    """An FFT result `res` as the caller gets it: scipy's warning when it is
    not finite (convolve, correlate; `finite` True: the engine saw every
    element finite, so no check here), cast back to the result dtype, copied
    into `out` (None: returned) unless it is `out` already."""
    if plan.kind in ("convolve", "correlate") and not finite:
        with np.errstate(all="ignore"):   # a finite sum proves every element finite
            finite = np.isfinite(res.sum())
        if not finite and not np.all(np.isfinite(res)):
            warnings.warn(
                "Use of fft convolution on input with NAN or inf results in NAN "
                "or inf output. Consider using method='direct' instead.",
                RuntimeWarning, stacklevel=stacklevel)
    if res is out:
        return out
    if res.dtype != plan.result:
        res = fft_cast_back(res, plan.result)
    return _deliver(res, out)
