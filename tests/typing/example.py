"""A typed user of fastconv: `mypy --strict` must accept it (tools/typecheck.sh).

It also runs (tests/test_typing.py executes it), so the types describe real calls.
"""
from typing import Literal

import numpy as np
from numpy.typing import NDArray

import fastconv
import fastconv.ndimage


def smooth(image: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    kernel = np.full((width, width), 1.0 / width**2)
    out: NDArray[np.float64] = fastconv.convolve2d(image, kernel, mode="same", boundary="symm")
    return out


def main() -> None:
    rng = np.random.default_rng(0)
    image = rng.standard_normal((64, 64))
    signal = rng.standard_normal(1000)
    taps = [0.25, 0.5, 0.25]

    a = fastconv.convolve(signal, taps)
    b = fastconv.correlate(signal, taps, "same", method="direct", workers=1)
    c = fastconv.correlate2d(image, np.eye(3), "valid", "wrap", 0.0)
    d = fastconv.fftconvolve(image, np.ones((5, 5)), "same", axes=(0, 1))
    e = fastconv.oaconvolve(signal, np.ones(31), mode="valid")
    method: Literal["direct", "fft"] = fastconv.choose_conv_method(signal, taps)
    best, times = fastconv.choose_conv_method(signal, taps, "full", measure=True)
    lags = fastconv.correlation_lags(signal.size, len(taps), mode="same")
    n = fastconv.next_fast_len(1021, real=True) + fastconv.get_workers()
    with fastconv.set_workers(1):
        f = smooth(image, 3)
    previous = fastconv.set_cache_limit(0)
    fastconv.set_cache_limit(previous)
    assert method in ("direct", "fft") and best in times
    assert lags.shape == b.shape and n > 1021
    g = fastconv.ndimage.gaussian_filter(image, (1.0, 2.0), mode=["reflect", "wrap"])
    h = fastconv.ndimage.correlate1d(image, [1.0, 2.0], axis=0, output=np.float32)
    i = fastconv.nanconvolve(image, np.ones((3, 3)), boundary=None, preserve_nan=True)
    j = fastconv.match_template(image, image[:4, :4], mask=np.ones((4, 4), bool))
    assert all(x.size for x in (a, c, d, e, f, g, h, i, j))


if __name__ == "__main__":
    main()
