"""Object arrays: results computed with the elements' own arithmetic.

Compared with scipy.signal (whose direct method handles 1-D object arrays
through numpy) for values, element types and dtype, and with a slow
pure-Python reference (`py_convolve`) everywhere, including where scipy
refuses object arrays (N-D `convolve`, `convolve2d`/`correlate2d`).
"""
import itertools
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import fastconv
from fastconv import (choose_conv_method, convolve, convolve2d, correlate, correlate2d,
                      fftconvolve, oaconvolve)

signal = pytest.importorskip("scipy.signal")

MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm", "reflect", "nearest")


def _index(i, n, boundary):
    """Index `i` of an axis of length `n` through the boundary rule (None:
    outside, for 'fill')."""
    if 0 <= i < n:
        return i
    if boundary == "fill":
        return None
    if boundary == "wrap":
        return i % n
    if boundary == "nearest":
        return min(max(i, 0), n - 1)
    if boundary == "symm":
        j = i % (2 * n)
        return j if j < n else 2 * n - 1 - j
    if n == 1:   # reflect
        return 0
    j = i % (2 * n - 2)
    return j if j < n else 2 * n - 2 - j


def py_convolve(a, k, mode="full", boundary="fill", fillvalue=0, same_start=None):
    """Slow pure-Python N-D convolution over nested object arrays: Python
    loops, each output the sum of ``k[j] * ext(a)[p - j]`` in tap order,
    starting from the first term; taps outside with a zero fill skipped."""
    a = np.asarray(a, dtype=object)
    k = np.asarray(k, dtype=object)
    if mode == "valid" and not all(x >= y for x, y in zip(a.shape, k.shape)):
        a, k = k, a   # (convolution commutes)
    same_start = same_start or (lambda n2: (n2 - 1) // 2)
    starts, lengths = [], []
    for n1, n2 in zip(a.shape, k.shape):
        if mode == "full":
            starts.append(0), lengths.append(n1 + n2 - 1)
        elif mode == "same":
            starts.append(same_start(n2)), lengths.append(n1)
        else:
            starts.append(n2 - 1), lengths.append(n1 - n2 + 1)
    if mode == "valid":
        boundary, fillvalue = "fill", 0
    out = np.empty(lengths, dtype=object)
    for q in itertools.product(*(range(n) for n in lengths)):
        total, started = 0, False
        for j in itertools.product(*(range(n) for n in k.shape)):
            idx = [_index(s + qq - jj, n, boundary)
                   for s, qq, jj, n in zip(starts, q, j, a.shape)]
            if None in idx:
                if fillvalue == 0:
                    continue
                x = fillvalue
            else:
                x = a[tuple(idx)]
            term = x * k[j]
            total, started = (total + term, True) if started else (term, True)
        out[q] = total
    return out


def py_correlate(a, k, mode="full", boundary="fill", fillvalue=0, same_start=None):
    """Correlation of objects: the kernel reversed, not conjugated (as numpy
    and scipy treat object elements)."""
    k = np.asarray(k, dtype=object)
    return py_convolve(a, k[(slice(None, None, -1),) * k.ndim], mode, boundary, fillvalue,
                       same_start)


def same_objects(got, exp):
    """Equal values and element types, dtype object, same shape."""
    got, exp = np.asarray(got), np.asarray(exp)
    assert got.dtype == object and exp.dtype == object
    assert got.shape == exp.shape
    for g, e in zip(got.ravel(), exp.ravel()):
        assert type(g) is type(e) and g == e, (g, e)


BIG = np.array([2**70 + 1, -(3**50), 7, 2**64], dtype=object)
BIG_K = np.array([3**41, -1, 2**65 + 5], dtype=object)
FRAC = np.array([Fraction(1, 3), Fraction(-2, 7), 5, Fraction(9, 4), 1], dtype=object)
FRAC_K = np.array([Fraction(1, 2), Fraction(3, 5)], dtype=object)
DEC = np.array([Decimal("1.25"), Decimal("-3.5"), Decimal("0.125"), Decimal(2)],
               dtype=object)
DEC_K = np.array([Decimal("0.5"), Decimal("4")], dtype=object)
PAIRS_1D = {
    "bigint": (BIG, BIG_K),
    "fraction": (FRAC, FRAC_K),
    "decimal": (DEC, DEC_K),
    "object*int64": (np.array([3, -4, 5, 6], dtype=np.int64), BIG_K),
    "fraction*float64": (FRAC, np.array([0.5, -2.25])),
    "int32*fraction": (np.array([1, 2, 3, 4, 5], dtype=np.int32), FRAC_K),
    "fraction*complex128": (FRAC, np.array([1 + 2j, 0.5])),
}


@pytest.mark.parametrize("method", ["auto", "direct"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pair", list(PAIRS_1D))
@pytest.mark.parametrize("func", ["convolve", "correlate"])
def test_1d_equals_scipy_and_reference(func, pair, mode, method):
    a, k = PAIRS_1D[pair]
    a0, k0 = a.copy(), k.copy()
    got = getattr(fastconv, func)(a, k, mode, method)
    if func == "correlate" and k.dtype.kind == "c":
        # scipy conjugates a complex128 in2 with method='auto' but not with
        # 'direct' (numpy's object correlate); fastconv always conjugates it
        same_objects(got, signal.correlate(a, k, mode, "auto"))
        same_objects(got, py_correlate(a, np.conj(k), mode))
        return
    same_objects(got, getattr(signal, func)(a, k, mode, method))
    ref = py_convolve if func == "convolve" else py_correlate
    same_objects(got, ref(a, k, mode))
    assert np.array_equal(a, a0) and np.array_equal(k, k0)   # inputs untouched


def test_polynomial_product_exact_beyond_2_64():
    p = [2**80 + 3, 0, -(2**70), 1]
    q = [5**40, 2**66 - 1]
    got = convolve(np.array(p, dtype=object), np.array(q, dtype=object))
    exp = [0] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        for j, y in enumerate(q):
            exp[i + j] += x * y
    assert got.tolist() == exp and all(type(v) is int for v in got)


@pytest.mark.parametrize("func", ["convolve", "correlate"])
def test_1d_kernel_longer_than_input(func):
    """'valid' swaps as scipy; 'same' with a longer kernel (scipy refuses
    objects there: its N-D loop) follows the reference."""
    a, k = FRAC_K, FRAC
    same_objects(getattr(fastconv, func)(a, k, "valid"), getattr(signal, func)(a, k, "valid"))
    with pytest.raises(ValueError):
        getattr(signal, func)(a, k, "same")
    ref = py_convolve if func == "convolve" else py_correlate
    same_objects(getattr(fastconv, func)(a, k, "same"), ref(a, k, "same"))


A2 = np.array([[Fraction(1, 2), 2, -3], [4, Fraction(5, 3), 6], [7, 8, 2**70]], dtype=object)
K2 = np.array([[1, Fraction(-1, 4)], [2**65, 3]], dtype=object)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", ["convolve", "correlate"])
def test_nd_direct_equals_reference(func, mode):
    """N-D object arrays (scipy raises ValueError 'Unsupported type')."""
    with pytest.raises(ValueError):
        getattr(signal, func)(A2, K2, mode)
    ref = py_convolve if func == "convolve" else py_correlate
    same_objects(getattr(fastconv, func)(A2, K2, mode), ref(A2, K2, mode))
    a3 = np.arange(12).reshape(2, 3, 2).astype(object) * Fraction(1, 3)
    k3 = np.array([[[1], [Fraction(1, 2)]]], dtype=object)
    same_objects(getattr(fastconv, func)(a3, k3, mode), ref(a3, k3, mode))


@pytest.mark.parametrize("boundary,fillvalue", [("fill", 0), ("fill", 2), ("fill", Fraction(1, 3))]
                         + [(b, 0) for b in BOUNDARIES[1:]])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", ["convolve2d", "correlate2d"])
def test_2d_every_mode_and_boundary(func, mode, boundary, fillvalue):
    with pytest.raises(ValueError):
        getattr(signal, func)(A2, K2, mode, "fill")
    got = getattr(fastconv, func)(A2, K2, mode, boundary, fillvalue)
    if func == "convolve2d":
        exp = py_convolve(A2, K2, mode, boundary, fillvalue)
    else:
        exp = py_correlate(A2, K2, mode, boundary, fillvalue, same_start=lambda n2: n2 // 2)
    same_objects(got, exp)
    # a kernel larger than the image folds through the boundary too
    got = getattr(fastconv, func)(K2, A2, "same", boundary, fillvalue)
    exp = (py_convolve(K2, A2, "same", boundary, fillvalue) if func == "convolve2d" else
           py_correlate(K2, A2, "same", boundary, fillvalue, same_start=lambda n2: n2 // 2))
    same_objects(got, exp)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_nd_boundary_extension(boundary):
    got = convolve(A2, K2, "same", boundary=boundary, fillvalue=Fraction(1, 7))
    same_objects(got, py_convolve(A2, K2, "same", boundary, Fraction(1, 7)))


def test_axes_maxlag_out_dtype():
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8]], dtype=object) * Fraction(1, 2)
    k = np.array([[1, Fraction(1, 3)]], dtype=object)
    got = convolve(x, k, axes=1)
    for r in range(2):
        same_objects(got[r], py_convolve(x[r], k[0]))
    lags = correlate(BIG, BIG_K, maxlag=4)
    full = py_correlate(BIG, BIG_K)   # lags -2 .. 3
    assert lags.dtype == object and lags.shape == (9,)
    assert lags.tolist() == [0, 0] + full.tolist() + [0]
    out = np.empty(6, dtype=object)
    res = convolve(BIG, BIG_K, out=out)
    assert res is out
    same_objects(out, py_convolve(BIG, BIG_K))
    exact = convolve(np.array([2**40, 3], dtype=np.int64), np.array([2**40, 1]),
                     dtype=object)
    assert exact.tolist() == [2**80, 2**40 + 3 * 2**40, 3]   # no int64 wrap
    with pytest.raises(TypeError, match="out"):
        convolve(BIG, BIG_K, out=np.empty(6))   # objects do not cast to float64
    with pytest.raises(TypeError, match="in2|dtype"):
        fastconv.ConvPlan(BIG_K, (4,), dtype=np.float64)


@pytest.mark.parametrize("func", ["fftconvolve", "oaconvolve"])
def test_fft_functions_read_objects_as_float64(func):
    """scipy's FFT functions convert object arrays to float64 (complex128
    beside a complex input) and return that dtype; so does fastconv."""
    for a, k in [(FRAC, FRAC_K), (DEC, DEC_K), (A2, K2), (FRAC, np.array([1j, 2]))]:
        exp = getattr(signal, func)(a, k)
        got = getattr(fastconv, func)(a, k)
        assert got.dtype == exp.dtype and got.shape == exp.shape
        np.testing.assert_allclose(got, exp, rtol=1e-9, atol=1e-9 * np.abs(exp).max())
    bad = np.array([1j, 2], dtype=object)   # complex elements beside a real input
    with pytest.raises(TypeError) as exc_s:
        getattr(signal, func)(bad, FRAC_K)
    with pytest.raises(TypeError, match="in1"):
        getattr(fastconv, func)(bad, FRAC_K)
    assert exc_s.type is TypeError
    # 0-d inputs: the product of the elements, as scipy
    assert fftconvolve(np.array(Fraction(1, 2), dtype=object),
                       np.array(3, dtype=object)) == Fraction(3, 2)


@pytest.mark.parametrize("func", ["convolve", "correlate"])
def test_method_fft_gives_objects_of_floats(func):
    for a, k in [(FRAC, FRAC_K), (A2, K2)]:
        exp = getattr(signal, func)(a, k, method="fft")
        got = getattr(fastconv, func)(a, k, method="fft")
        assert got.dtype == exp.dtype == object and got.shape == exp.shape
        assert all(type(v) is float for v in got.ravel())
        np.testing.assert_allclose(got.astype(float), exp.astype(float), rtol=1e-9,
                                   atol=1e-9 * np.abs(exp.astype(float)).max())


def test_choose_conv_method_answers_direct():
    for a, k in [(BIG, BIG_K), (FRAC, FRAC_K), (np.ones(3000, object), np.ones(3000, object))]:
        assert choose_conv_method(a, k) == signal.choose_conv_method(a, k) == "direct"
    method, times = choose_conv_method(FRAC, FRAC_K, measure=True)
    assert method == "direct" and set(times) == {"fft", "direct"}


def test_choose_conv_method_non_numbers_beside_integers():
    """scipy takes abs() of both inputs when one is an integer array: None
    or string elements raise its TypeError; numbers answer 'direct'."""
    bad = np.array([None, 1], dtype=object)
    with pytest.raises(TypeError):
        signal.choose_conv_method(bad, np.array([1, 2]))
    with pytest.raises(TypeError, match="in1"):
        choose_conv_method(bad, np.array([1, 2]))
    assert choose_conv_method(bad, np.array([1.0, 2.0])) == "direct" == \
        signal.choose_conv_method(bad, np.array([1.0, 2.0]))


def test_element_errors_are_type_and_value_errors():
    """None elements: numpy's TypeError (scipy's 1-D path), and the
    ValueError scipy raises for N-D object arrays."""
    bad = np.array([None, 1, 2], dtype=object)
    with pytest.raises(TypeError):
        signal.convolve(bad, BIG_K)
    with pytest.raises(TypeError, match="in1 and in2"):
        convolve(bad, BIG_K)
    with pytest.raises(ValueError, match="in1 and in2"):
        convolve2d(bad.reshape(1, 3), K2)


def test_other_element_types_use_their_arithmetic():
    """Strings repeat and concatenate, as in scipy's 1-D object path."""
    s = np.array(["a", "b"], dtype=object)
    n = np.array([1, 2], dtype=object)
    same_objects(convolve(s, n), signal.convolve(s, n))
    same_objects(correlate(s, n, "valid"), signal.correlate(s, n, "valid"))
