"""Modes as windows of the full convolution.

Every mode of every function is a window of the *full convolution*
``conv_full[p] = sum_j h[j] * x[p - j]`` (length n1 + n2 - 1 per axis):

=========  =======================  ===========================
mode       start (per axis)         length
=========  =======================  ===========================
'full'     0                        n1 + n2 - 1
'same'     (n2 - 1) // 2            n1
'same'*    n2 // 2                  n1          (* correlate2d)
'valid'    min(n1, n2) - 1          abs(n1 - n2) + 1
=========  =======================  ===========================

Correlation is the convolution with ``conj(in2)`` reversed on every axis, and
its full correlation uses the same index (lag + n2 - 1), so the table covers
both.  An axis on which either input is empty has length 0 (fastconv's one
rule for empty inputs).
"""

__all__ = ["window"]


def window(mode, shape1, shape2, correlate2d_same=False):
    """Per-axis (starts, lengths) of `mode`'s window in the full convolution."""
    starts, lengths = [], []
    for n1, n2 in zip(shape1, shape2):
        if n1 == 0 or n2 == 0:
            starts.append(0)
            lengths.append(0)
        elif mode == "full":
            starts.append(0)
            lengths.append(n1 + n2 - 1)
        elif mode == "same":
            starts.append(n2 // 2 if correlate2d_same else (n2 - 1) // 2)
            lengths.append(n1)
        else:
            starts.append(min(n1, n2) - 1)
            lengths.append(abs(n1 - n2) + 1)
    return tuple(starts), tuple(lengths)
