"""Calls mypy must reject (tools/typecheck.sh): each line marked '# E' is an error."""
import numpy as np

import fastconv
import fastconv.ndimage

x = np.ones(10)
fastconv.convolve(x, x, mode="bogus")  # E
fastconv.convolve(x, x, "full", "direct", None)  # E
fastconv.convolve2d(x, x, axes=0)  # E
fastconv.correlate2d(x, x, boundary="zero")  # E
fastconv.fftconvolve(x, x, workers="2")  # E
n: str = fastconv.next_fast_len(100)  # E
fastconv.set_cache_limit(1.5)  # E
m: int = fastconv.choose_conv_method(x, x)  # E
fastconv.ndimage.uniform_filter(x, mode="fill")  # E
