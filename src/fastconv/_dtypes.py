"""The one place for fastconv's dtype rules.

Direct method (``convolve``, ``correlate``, ``convolve2d``, ``correlate2d``)
    result dtype = ``np.result_type(in1, in2)``, as scipy.  The kernel works in
    a *work dtype* that gives the same values:

    ========================  ===============  ==================================
    result dtype              work dtype       why
    ========================  ===============  ==================================
    bool                      uint32 / uint64  count of true products, then != 0
                                               (numpy's logical OR of ANDs)
    int8/16/32/64             uint8/16/32/64   same bits, wrapping without C's
                                               signed-overflow undefined behaviour
    uint8/16/32/64            itself           wraps like scipy
    float16                   float32          numpy/scipy have no half kernels
    float32/64, longdouble    itself
    complex64/128, clongdbl   itself
    ========================  ===============  ==================================

    except that an integer result whose every partial sum provably stays
    below 2**24 (2**53) and inside the result's range is computed in float32
    (float64), exactly (``exact_float_work``: e.g. uint8 images with
    ``dtype=np.int32`` and a small integer kernel).

``dtype=`` (every function)
    replaces the natural result dtype; the natural one must cast to it under
    numpy's 'same_kind' rule (``_validate.check_dtype``), and the work dtype
    follows from it by the table above.

``convolve(..., method='fft')``
    computes in ``fft_compute_dtype`` (float64 for integers and bool, float32
    for float16, the input precision otherwise) and casts back to the direct
    result dtype: integers are rounded to nearest, bool is ``round(x) != 0``
    (scipy casts FFT noise straight to bool; fastconv does not).

``fftconvolve`` / ``oaconvolve``
    never cast back: integers and bool become float64, float16 becomes
    float32, and the result is the ``result_type`` of the converted inputs
    (so int8 (x) float32 -> float64, as in scipy).
"""
import numpy as np

__all__ = ["result_dtype", "work_dtype", "fft_compute_dtype", "fft_input_dtype",
           "fftconvolve_result_dtype", "is_exact_dtype", "fft_cast_back",
           "exact_float_work", "exact_float_possible"]

_SIGNED_TO_UNSIGNED = {
    np.dtype(np.int8): np.dtype(np.uint8),
    np.dtype(np.int16): np.dtype(np.uint16),
    np.dtype(np.int32): np.dtype(np.uint32),
    np.dtype(np.int64): np.dtype(np.uint64),
}


def _native(dt):
    dt = np.dtype(dt)
    return dt.newbyteorder("=") if not dt.isnative else dt


def result_dtype(in1, in2):
    """Result dtype of the direct method: ``np.result_type(in1, in2)``."""
    return _native(np.result_type(in1.dtype, in2.dtype))


def work_dtype(result, taps=1):
    """dtype the direct kernel accumulates in for a given result dtype.

    `taps` (the kernel's element count) picks a wide enough counter for bool.
    """
    result = np.dtype(result)
    if result.kind == "b":
        return np.dtype(np.uint32) if taps < 2**32 else np.dtype(np.uint64)
    if result.kind == "i":
        return _SIGNED_TO_UNSIGNED[np.dtype(result.type)]
    if result == np.float16:
        return np.dtype(np.float32)
    return np.dtype(result.type)


def is_exact_dtype(dt):
    """True for dtypes whose results must be exact (integers and bool)."""
    return np.dtype(dt).kind in "biu"


def fft_input_dtype(dt):
    """dtype one input is converted to before an FFT (scipy's rule)."""
    dt = np.dtype(dt)
    if dt.kind in "biuO":      # (object: scipy.fft reads the elements as float64)
        return np.dtype(np.float64)
    if dt == np.float16:
        return np.dtype(np.float32)
    return np.dtype(dt.type)


def fftconvolve_result_dtype(dt1, dt2):
    """Result dtype of ``fftconvolve``/``oaconvolve``."""
    return np.result_type(fft_input_dtype(dt1), fft_input_dtype(dt2))


def fft_compute_dtype(result):
    """dtype ``convolve(method='fft')`` computes in for a direct result dtype."""
    return fft_input_dtype(result)


def fft_cast_back(res, result):
    """An FFT result (float/complex) -> the direct method's result dtype:
    integers rounded to nearest (wrapping like the direct method), bool
    ``round(x) != 0``."""
    if result.kind not in "biu":
        return res.astype(result, copy=False)
    # Block by block through two small buffers, not three whole-size
    # temporaries: a large fresh temporary costs the kernel's page faults
    # (a 223^3 float64 result: ~0.5 s on a process's first call, 0.1 s
    # later), the blocks stay in L2.
    src = np.ascontiguousarray(res).reshape(-1)
    got = np.empty(src.shape, result)
    n = min(src.size, _CAST_BLOCK)
    rounded = np.empty(n, src.dtype)
    wide = np.empty(n, np.int64 if result.kind == "i" else np.uint64)
    with np.errstate(invalid="ignore", over="ignore"):
        for lo in range(0, src.size, _CAST_BLOCK):
            hi = min(lo + _CAST_BLOCK, src.size)
            r = np.rint(src[lo:hi], out=rounded[:hi - lo])
            if result.kind == "b":
                np.not_equal(r, 0, out=got[lo:hi])
                continue
            w = wide[:hi - lo]
            np.copyto(w, r, casting="unsafe")
            np.copyto(got[lo:hi], w, casting="unsafe")
    return got.reshape(res.shape)


# elements per block of `fft_cast_back` (float64 + int64 buffers: 512 KiB)
_CAST_BLOCK = 1 << 15


def exact_float_work(result, x_dtype, kernel, fill):
    """float32 or float64 work for an integer result when that is exact, else None.

    With integer (or bool) inputs, every partial sum of the direct method is
    an integer of magnitude at most ``max|x| * sum|k|`` (``max|x|`` from x's
    dtype range and the fill value).  Below 2**24 (2**53) float32 (float64)
    holds all of them exactly, so the float kernels (the fastest SIMD paths,
    with FMA) give the exact integer result; and when that bound also fits
    the result dtype, no sum wraps either, so the result is the same as the
    wrapping integer arithmetic's.  uint8 images with ``dtype=np.int32``
    take this path."""
    result, x_dtype = np.dtype(result), np.dtype(x_dtype)
    if not exact_float_possible(result, x_dtype, kernel.dtype):
        return None
    xmax = max(_max_abs(x_dtype), abs(int(fill)))
    if kernel.size <= 64:     # (exact Python ints: a microsecond for a few taps)
        bound = xmax * float(sum(map(abs, kernel.ravel().tolist())))
    else:
        bound = xmax * float(np.abs(kernel.astype(np.float64)).sum())
    if bound > _iinfo(result)[1]:
        return None
    if bound < 2**24:
        return np.dtype(np.float32)
    if bound < 2**53:
        return np.dtype(np.float64)
    return None


def exact_float_possible(result, x_dtype, k_dtype):
    """Whether `exact_float_work` may answer a float work dtype for these
    dtypes (an integer result of integer or bool inputs); when not, it
    answers None whatever the kernel's values."""
    return result.kind in "iu" and x_dtype.kind in "biu" and k_dtype.kind in "biu"


_IINFO = {}


def _iinfo(dt):
    """(min, max) of integer dtype `dt` as Python ints (np.iinfo costs
    microseconds a call)."""
    got = _IINFO.get(dt)
    if got is None:
        info = np.iinfo(dt)
        got = _IINFO[dt] = (int(info.min), int(info.max))
    return got


def _max_abs(dt):
    """max |value| of integer or bool dtype `dt`."""
    if dt.kind == "b":
        return 1
    lo, hi = _iinfo(dt)
    return max(-lo, hi)
