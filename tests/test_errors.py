"""The bad-input catalogue: every user error, its exception type and a message
fragment that names the offending argument.

Table-driven: each row is (call, exception type, regex the message must match).
"""
import numpy as np
import pytest

import fastconv
from fastconv import (choose_conv_method, convolve, convolve2d, correlate,
                      correlate2d, correlation_lags)

ND_FUNCS = [convolve, correlate]
TWO_D_FUNCS = [convolve2d, correlate2d]
ALL_FUNCS = ND_FUNCS + TWO_D_FUNCS

v3 = np.arange(3.0)
m22 = np.ones((2, 2))
m33 = np.ones((3, 3))


def rows():
    r = []

    def add(id_, call, exc, match):
        r.append(pytest.param(call, exc, match, id=id_))

    # --- mismatched ndim
    for f in ND_FUNCS:
        n = f.__name__
        add(f"{n}-ndim-1v2", lambda f=f: f(v3, m22), ValueError,
            "in1 and in2 should have the same dimensionality")
        add(f"{n}-ndim-3v2", lambda f=f: f(np.ones((2, 2, 2)), m22), ValueError,
            "in1 and in2 should have the same dimensionality")
        add(f"{n}-ndim-0v1", lambda f=f: f(np.array(2.0), v3), ValueError,
            "in1 and in2 should have the same dimensionality")
        add(f"{n}-ndim-empty", lambda f=f: f(np.zeros((0,)), np.zeros((0, 0))), ValueError,
            "in1 and in2 should have the same dimensionality")

    # --- 2-D functions need 2-D inputs
    for f in TWO_D_FUNCS:
        n = f.__name__
        add(f"{n}-1d", lambda f=f: f(v3, v3), ValueError, r"(?s)(in1|in2).*2-D|2-D.*(in1|in2)")
        add(f"{n}-3d", lambda f=f: f(np.ones((2, 2, 2)), np.ones((2, 2, 2))), ValueError,
            r"(?s)(in1|in2).*2-D|2-D.*(in1|in2)")
        add(f"{n}-2d-1d", lambda f=f: f(m22, v3), ValueError, r"(?s)(in1|in2).*2-D|2-D.*(in1|in2)")
        add(f"{n}-1d-2d", lambda f=f: f(v3, m22), ValueError, r"(?s)(in1|in2).*2-D|2-D.*(in1|in2)")
        add(f"{n}-0d", lambda f=f: f(2.0, 3.0), ValueError, r"(?s)(in1|in2).*2-D|2-D.*(in1|in2)")

    # --- unknown mode (message says 'mode' and shows the value)
    for f in ALL_FUNCS:
        n = f.__name__
        a, b = (m33, m22)
        for bad, pat in (("fulll", "fulll"), ("FULL", "FULL"), ("", "mode"), (1, "1"),
                         (None, "None")):
            add(f"{n}-mode-{bad!r}", lambda f=f, a=a, b=b, bad=bad: f(a, b, bad), ValueError,
                rf"(?s)mode.*{pat}|{pat}.*mode")
        add(f"{n}-mode-empty-input", lambda f=f: f(np.zeros((0, 2)), m22, "bogus"),
            ValueError, r"(?s)mode.*bogus")
    for bad in ("fulll", 2, None):
        add(f"choose_conv_method-mode-{bad!r}",
            lambda bad=bad: choose_conv_method(v3, v3, bad), ValueError, rf"(?s)mode.*{bad}")
        add(f"correlation_lags-mode-{bad!r}",
            lambda bad=bad: correlation_lags(5, 3, bad), ValueError, rf"(?s){bad}")
    add("convolve-0d-mode", lambda: convolve(np.array(2.0), np.array(3.0), "nope"),
        ValueError, r"(?s)mode.*nope")

    # --- unknown boundary
    for f in TWO_D_FUNCS:
        n = f.__name__
        for bad in ("reflec", "constant", "Fill", "", None, 0):
            add(f"{n}-boundary-{bad!r}", lambda f=f, bad=bad: f(m33, m22, "same", bad),
                ValueError, "boundary")
        add(f"{n}-boundary-valid", lambda f=f: f(m33, m22, "valid", "bogus"),
            ValueError, r"(?s)boundary.*bogus")

    # --- unknown method
    for f in ND_FUNCS:
        n = f.__name__
        for bad in ("fftt", "overlap-add", "oa", "Direct", None, ""):
            add(f"{n}-method-{bad!r}", lambda f=f, bad=bad: f(v3, v3, method=bad),
                ValueError, "method")
        add(f"{n}-method-0d", lambda f=f: f(np.array(1.0), np.array(2.0), method="x"),
            ValueError, "method")

    # --- 'valid' needs one input at least as large as the other everywhere
    for f in ALL_FUNCS:
        n = f.__name__
        add(f"{n}-valid-2x3-3x2", lambda f=f: f(np.ones((2, 3)), np.ones((3, 2)), "valid"),
            ValueError, "one must be at least as large")
        add(f"{n}-valid-5x1-1x5", lambda f=f: f(np.ones((5, 1)), np.ones((1, 5)), "valid"),
            ValueError, "one must be at least as large")
        add(f"{n}-valid-empty", lambda f=f: f(np.ones((0, 3)), np.ones((2, 2)), "valid"),
            ValueError, "one must be at least as large")
    for f in ND_FUNCS:
        add(f"{f.__name__}-valid-3d",
            lambda f=f: f(np.ones((2, 3, 4)), np.ones((3, 3, 3)), "valid", method="direct"),
            ValueError, "one must be at least as large")
        add(f"{f.__name__}-valid-3d-fft",
            lambda f=f: f(np.ones((2, 3, 4)), np.ones((3, 3, 3)), "valid", method="fft"),
            ValueError, "one must be at least as large")

    # --- non-numeric inputs: TypeError naming the argument
    bad_inputs = {
        "object-str": np.array(["a", "b"], dtype=object),
        "object-none": np.array([None, None]),
        "object-mixed": np.array([1.0, "x"], dtype=object),
        "unicode": np.array(["ab", "cd"]),
        "bytes": np.array([b"ab", b"cd"]),
        "str": "abc",
        "None": None,
        "datetime": np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"),
    }
    for f in ALL_FUNCS:
        n = f.__name__
        for key, bad in bad_inputs.items():
            good = np.ones(2) if f in ND_FUNCS else np.ones((1, 2))
            if f in TWO_D_FUNCS and isinstance(bad, np.ndarray):
                bad = bad.reshape(1, 2)
            if f in ND_FUNCS and key in ("str", "None"):
                good = np.array(1.0)  # 0-d, so only the type can be wrong
            add(f"{n}-in1-{key}", lambda f=f, bad=bad, good=good: f(bad, good), TypeError, "in1")
            add(f"{n}-in2-{key}", lambda f=f, bad=bad, good=good: f(good, bad), TypeError, "in2")

    # --- fillvalue
    f_real = np.ones((3, 3))
    i_u8 = np.ones((3, 3), np.uint8)
    for f in TWO_D_FUNCS:
        n = f.__name__
        cases = [
            ("complex-into-float", f_real, 1j, ValueError),
            ("complex-into-float-arr", f_real, np.array([1 + 2j]), ValueError),
            ("complex-into-int", i_u8, 2 + 1j, ValueError),
            ("nonscalar-list", f_real, [1.0, 2.0], ValueError),
            ("nonscalar-2d", f_real, np.ones((2, 2)), ValueError),
            ("nonscalar-empty", f_real, np.array([]), ValueError),
            ("nan-into-int", i_u8, np.nan, ValueError),
            ("inf-into-int", np.ones((3, 3), np.int32), np.inf, ValueError),
            ("nan-into-int64", np.ones((3, 3), np.int64), float("nan"), ValueError),
            ("300-into-uint8", i_u8, 300, ValueError),
            ("neg-into-uint8", i_u8, -1, ValueError),
            ("128-into-int8", np.ones((3, 3), np.int8), 128, ValueError),
            ("2**63-into-int64", np.ones((3, 3), np.int64), 2**63, ValueError),
            ("2**64-into-uint64", np.ones((3, 3), np.uint64), 2**64, ValueError),
            ("string", f_real, "a", (TypeError, ValueError)),
            ("None-into-int", i_u8, None, ValueError),   # None is NaN, as scipy
            ("float-array-into-int", i_u8, np.array([2.0]), ValueError),
            ("str-array", f_real, np.array(["1"]), TypeError),
        ]
        for key, arr, fv, exc in cases:
            add(f"{n}-fillvalue-{key}",
                lambda f=f, arr=arr, fv=fv: f(arr, np.ones((2, 2), arr.dtype), "full", "fill", fv),
                exc, "fillvalue")
        add(f"{n}-fillvalue-checked-in-valid",
            lambda f=f: f(f_real, np.ones((2, 2)), "valid", "fill", [1, 2]),
            ValueError, "fillvalue")

    return r


@pytest.mark.parametrize("call,exc,match", rows())
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ----------------------------------------------------- accepted, not errors
@pytest.mark.parametrize("fv", [np.array([2.0]), [[2.0]], np.float32(2), 2, True,
                                np.array(2.0)])
def test_one_element_fillvalue_accepted(fv):
    got = convolve2d(np.ones((3, 3)), np.ones((2, 2)), "full", "fill", fv)
    exp = convolve2d(np.ones((3, 3)), np.ones((2, 2)), "full", "fill", 2.0)
    assert np.array_equal(got, exp) or fv is True
    assert got.shape == (4, 4)


@pytest.mark.parametrize("fv,exp", [(None, np.nan), ("2", 2.0), ("2.5", 2.5),
                                    (np.datetime64(3, "D"), 3.0)])
def test_fillvalue_read_as_scipy_reads_it(fv, exp):
    """scipy reads fillvalue as numpy converts to complex128 (None is NaN)."""
    from scipy import signal
    a, k = np.arange(9.0).reshape(3, 3), np.ones((2, 2))
    got = convolve2d(a, k, "full", "fill", fv)
    np.testing.assert_array_equal(got, signal.convolve2d(a, k, "full", "fill", fv))
    np.testing.assert_array_equal(got, convolve2d(a, k, "full", "fill", exp))


def test_fillvalue_ignored_unless_fill():
    """As in scipy, fillvalue is only read for boundary='fill'."""
    a, k = np.arange(9.0).reshape(3, 3), np.ones((2, 2))
    np.testing.assert_array_equal(convolve2d(a, k, "full", "wrap", "junk"),
                                  convolve2d(a, k, "full", "wrap"))


def test_complex_fillvalue_with_complex_result_is_fine():
    got = convolve2d(np.ones((2, 2), complex), np.ones((2, 2)), "full", "fill", 1 + 1j)
    assert got[0, 0] == 1 + 3 * (1 + 1j)
    got = correlate2d(np.ones((2, 2), np.float32), np.ones((2, 2), np.complex64), "full",
                      "fill", 1j)
    assert got.dtype == np.complex64


def test_complex_fill_with_zero_imaginary_into_real_is_refused_as_scipy():
    with pytest.raises(ValueError, match=r"could not cast `fillvalue`.*fillvalue=\(1\+0j\)"):
        convolve2d(np.ones((2, 2)), np.ones((2, 2)), "full", "fill", 1 + 0j)


def test_integer_fillvalue_edges_accepted():
    assert convolve2d(np.ones((2, 2), np.uint8), np.ones((1, 1), np.uint8), "full",
                      "fill", 255).dtype == np.uint8
    assert convolve2d(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), "full",
                      "fill", -128)[0, 0] == np.array(-128 * 3 + 1).astype(np.int8)


def test_object_arrays_of_numbers_accepted():
    a = np.array([1, 2, 3], dtype=object)
    assert np.array_equal(convolve(a, [1, 1]), [1, 3, 5, 3])
    assert np.array_equal(correlate2d(np.array([[1.0, 2.0]], dtype=object), [[1.0]]),
                          [[1.0, 2.0]])


def test_mode_and_method_aliases_are_exact_strings():
    # scipy accepts only the exact names; numpy's integer modes are refused
    with pytest.raises(ValueError, match="mode"):
        convolve(v3, v3, 0)
    for mode in ("full", "same", "valid"):
        assert convolve(v3, v3, mode).ndim == 1
        assert correlation_lags(3, 3, mode).ndim == 1


def test_errors_leave_inputs_untouched():
    a = np.arange(6.0).reshape(2, 3)
    b = np.ones((3, 2))
    before = (a.copy(), b.copy())
    for f in ALL_FUNCS:
        with pytest.raises(ValueError):
            f(a, b, "valid")
    assert np.array_equal(a, before[0]) and np.array_equal(b, before[1])


def test_public_names():
    for name in ("convolve", "correlate", "convolve2d", "correlate2d",
                 "choose_conv_method", "correlation_lags", "__version__"):
        assert hasattr(fastconv, name), name


# Sizes that cannot be allocated are refused before anything is allocated
# (inputs are zero-stride broadcast views, so the test itself needs no memory).
_HUGE_1D = np.broadcast_to(np.float64(1.0), (2**31,))
_HUGE_2D = np.broadcast_to(np.float64(1.0), (2**29, 2**29))
_ABSURD = [
    ("convolve-1d-exhausts-memory", fastconv.convolve, (_HUGE_1D, _HUGE_1D), MemoryError),
    ("correlate-copy-exhausts-memory", fastconv.correlate, (_HUGE_1D, np.ones(3)), MemoryError),
    ("convolve-2d-bytes-overflow", fastconv.convolve, (_HUGE_2D, _HUGE_2D), ValueError),
    ("convolve2d-exhausts-memory", fastconv.convolve2d, (_HUGE_2D, np.ones((3, 3))), MemoryError),
    ("fftconvolve-exhausts-memory", fastconv.fftconvolve, (_HUGE_1D, _HUGE_1D), MemoryError),
    ("oaconvolve-bytes-overflow", fastconv.oaconvolve, (_HUGE_2D, _HUGE_2D), ValueError),
]


@pytest.mark.parametrize("func,args,exc", [a[1:] for a in _ABSURD], ids=[a[0] for a in _ABSURD])
def test_absurd_sizes_refused_before_allocating(func, args, exc):
    import time
    t0 = time.perf_counter()
    with pytest.raises(exc, match=r"shape \(\d+"):
        func(*args)
    assert time.perf_counter() - t0 < 5.0
