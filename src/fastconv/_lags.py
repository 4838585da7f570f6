"""Lag indices of a 1-D cross-correlation."""
import operator

import numpy as np

from ._validate import MODES, check_maxlag


class LengthTypeError(TypeError, ValueError):
    """A length that is not an integer: the TypeError scipy raises for None,
    and the ValueError it raises for others (numpy's arange failing)."""

__all__ = ["correlation_lags"]


def correlation_lags(in1_len, in2_len, mode="full", *, maxlag=None):
    """Lag indices for the output of a 1-D `correlate` (drop-in for scipy's).

    Parameters
    ----------
    in1_len : int
        Length of the first input.
    in2_len : int
        Length of the second input.
    mode : {'full', 'valid', 'same'}, optional
        The mode given to `correlate`.
    maxlag : int, optional
        The `maxlag` given to `correlate` (fastconv extension): the lags are
        then ``-maxlag .. maxlag`` (with ``mode='full'``).

    Returns
    -------
    lags : ndarray of int
        ``lags[i]`` is the shift k of output ``i`` in
        ``out[k] = sum_n in1[n + k] * conj(in2[n])``.

    Notes
    -----
    For 'same', the lags are those of the window `correlate` actually
    returns (start ``(in2_len - 1) // 2`` of the full correlation).  scipy
    1.17 returns lags one too large when `in1_len` is odd and `in2_len` is
    even (e.g. 5 and 2 give ``[0 .. 4]`` although ``correlate(.., 'same')``
    holds lags ``-1 .. 3``); fastconv returns the lags of its output.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.correlation_lags(3, 2)
    array([-1,  0,  1,  2])
    >>> fastconv.correlation_lags(5, 2, mode='same')
    array([-1,  0,  1,  2,  3])
    >>> fastconv.correlation_lags(1000, 1000, maxlag=2)
    array([-2, -1,  0,  1,  2])
    """
    if not (isinstance(mode, str) and mode in MODES):   # (checked first, as scipy)
        raise ValueError(
            f"Mode {mode} is invalid; acceptable mode flags are 'valid', 'same', "
            f"or 'full' (got mode={mode!r})")
    try:
        n1 = operator.index(in1_len)
        n2 = operator.index(in2_len)
    except TypeError:
        raise LengthTypeError(
            f"in1_len and in2_len must be integers; got in1_len={in1_len!r}, "
            f"in2_len={in2_len!r}") from None
    if n1 < 0 or n2 < 0:
        raise ValueError(
            f"in1_len and in2_len must be non-negative; got {n1} and {n2}")
    lags = check_maxlag(maxlag, 1, mode)
    if lags is not None:
        return np.arange(-lags[0], lags[0] + 1)
    if mode == "full":
        return np.arange(-n2 + 1, n1)
    if mode == "same":
        first = (n2 - 1) // 2 - (n2 - 1)
        return np.arange(first, first + n1)
    # 'valid'
    bound = n1 - n2
    return np.arange(bound + 1) if bound >= 0 else np.arange(bound, 1)
