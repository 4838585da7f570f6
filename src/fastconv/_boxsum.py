"""N-D box sums: the sum of every window of a given shape ('valid' mode).

Axis after axis by the running sums of `_winsum` (float64; the error bound
is in its docstring and does not grow with the array).  Used for the window
statistics of `match_template` and the valid-sample counts of `nanconvolve`.
"""
import math

import numpy as np

from ._winsum import col_sums, row_sums

__all__ = ["box_sums"]


def box_sums(x, window, c=0.0, squares=False):
    """Sums of ``x - c`` (and of ``(x - c)**2`` when `squares`) over every
    window of shape `window` inside `x`: arrays of shape
    ``x.shape - window + 1`` in float64 (the second is None without
    `squares`).  `x` is uint8, float32 or float64; every window axis fits."""
    x = np.ascontiguousarray(x)
    if x.ndim == 0:
        x = x.reshape(1)
        window = (1,)
    shape = x.shape
    out_last = shape[-1] - window[-1] + 1
    rows = math.prod(shape[:-1])
    s1 = np.empty((rows, out_last))
    s2 = np.empty((rows, out_last)) if squares else s1
    row_sums(x.reshape(rows, shape[-1]), window[-1], float(c), s1, s2, squares)
    sums = [s1, s2] if squares else [s1]
    cur = list(shape[:-1]) + [out_last]
    for ax in range(x.ndim - 2, -1, -1):
        m = window[ax]
        if m == 1:
            continue
        before, length, after = math.prod(cur[:ax]), cur[ax], math.prod(cur[ax + 1:])
        nxt = cur.copy()
        nxt[ax] = length - m + 1
        new = []
        for s in sums:
            o = np.empty((before, nxt[ax], after))
            col_sums(s.reshape(before, length, after), m, o)
            new.append(o)
        sums, cur = new, nxt
    res = [s.reshape(cur) for s in sums]
    return (res[0], res[1]) if squares else (res[0], None)
