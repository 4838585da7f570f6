"""The direct-method executor for object arrays: the elements' own arithmetic.

It runs the same `Plan` as the compiled core (`_window.run_direct`), in
Python: ``out[y] = sum_j kernel[j] * X(y + offset + j)`` over the convolved
axes, X being ``plan.x`` read through the plan's boundary rule (the kernel
is already flipped for convolution; correlation does not conjugate object
elements, as numpy's and scipy's object correlation does not).

Each output is ``x * k`` products summed in increasing tap order, starting
from the first product (no ``0 +``), as numpy's object ``np.convolve`` /
``np.correlate`` do; so Python ints stay exact at any size, Fractions stay
Fractions and Decimals follow their context.  With a zero fill, taps that
fall outside the input contribute nothing (no ``0 * k``); an output no tap
reaches (a lag outside the full result, with ``maxlag``) is ``0``.
One tap costs a handful of NumPy object operations over the output.
"""
import numpy as np

from ._validate import ElementArithmeticError

__all__ = ["run_objects", "boundary_index"]


def boundary_index(i, n, boundary):
    """Indices `i` (any integers) of an axis of length `n` mapped inside by
    the boundary rule; for 'fill', an index outside maps to `n` (the fill
    slot)."""
    if boundary == "fill":
        return np.where((i >= 0) & (i < n), i, n)
    if boundary == "wrap":
        return np.mod(i, n)
    if boundary == "symm":        # d c b a | a b c d | d c b a
        j = np.mod(i, 2 * n)
        return np.where(j < n, j, 2 * n - 1 - j)
    if boundary == "reflect":     # d c b | a b c d | c b a
        if n == 1:
            return np.zeros_like(i)
        j = np.mod(i, 2 * n - 2)
        return np.where(j < n, j, 2 * n - 2 - j)
    return np.clip(i, 0, n - 1)   # nearest


def _with_fill_slot(x, conv, fill):
    """`x` as objects, one extra sample holding `fill` at the end of each
    convolved axis (read where the rule is 'fill')."""
    shape = tuple(n + 1 if c else n for n, c in zip(x.shape, conv))
    ext = np.empty(shape, dtype=object)
    ext.fill(fill)
    ext[tuple(slice(0, n) for n in x.shape)] = x
    return ext


def run_objects(plan):
    """Execute a direct-method plan whose work dtype is object."""
    x, kernel, conv, shape = plan.x, plan.kernel.astype(object), plan.conv, plan.shape
    skip_outside = plan.zero_fill
    src = _with_fill_slot(x, conv, None if skip_outside else plan.fill[()])
    acc = np.empty(shape, dtype=object)
    started = np.zeros(shape, dtype=bool)
    conv_axes = [a for a in range(x.ndim) if conv[a]]
    first_tap, started_all = True, False
    try:
        for tap in np.ndindex(*(kernel.shape[a] for a in conv_axes)):
            index, valid, ksel = [], [], [slice(None)] * x.ndim
            for a in range(x.ndim):
                if not conv[a]:
                    index.append(np.arange(x.shape[a]))
                    continue
                j = tap[conv_axes.index(a)]
                ksel[a] = slice(j, j + 1)
                i = np.arange(shape[a]) + plan.offsets[a] + j
                index.append(boundary_index(i, x.shape[a], plan.boundary))
                valid.append((i >= 0) & (i < x.shape[a]))
            xs = np.broadcast_to(src[np.ix_(*index)], shape)
            ks = np.broadcast_to(kernel[tuple(ksel)], shape)
            all_valid = not skip_outside or all(v.all() for v in valid)
            if all_valid and (first_tap or started_all):   # no masks needed
                acc = xs * ks if first_tap else acc + xs * ks
                first_tap, started_all = False, True
                started[...] = True
                continue
            mask = np.ones(shape, dtype=bool)
            for a, v in zip(conv_axes, valid):
                mask &= v.reshape([-1 if b == a else 1 for b in range(x.ndim)])
            prod = xs[mask] * ks[mask]
            first = ~started[mask]
            cur = acc[mask]
            cur[first] = prod[first]
            cur[~first] = cur[~first] + prod[~first]
            acc[mask] = cur
            started |= mask
            first_tap, started_all = False, bool(started.all())
    except (TypeError, ValueError) as exc:
        raise ElementArithmeticError(
            "the elements of in1 and in2 (object arrays) could not be multiplied and added: "
            f"{type(exc).__name__}: {exc}") from exc
    acc[~started] = 0
    return acc
