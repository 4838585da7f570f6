"""Tests of the FFT method: fftconvolve, oaconvolve, next_fast_len.

Oracles: scipy.signal (values, shapes, dtypes, errors) and a slow direct
NumPy reference written here (sum of shifted products, in extended
precision), which also covers the cases where fastconv deliberately differs
from scipy (scipy#21876 and empty inputs).
"""
import math

import numpy as np
import pytest
import scipy.fft
import scipy.signal
import scipy.special

from fastconv import _fft
from fastconv import _dtypes, convolve, fftconvolve, next_fast_len, oaconvolve

FUNCS = [fftconvolve, oaconvolve]
SCIPY = {fftconvolve: scipy.signal.fftconvolve, oaconvolve: scipy.signal.oaconvolve}
MODES = ["full", "same", "valid"]
LONG = np.finfo(np.longdouble).eps < np.finfo(np.float64).eps


# ---------------------------------------------------------------------------
# Slow reference

def _work_dtype(*arrays):
    cplx = any(a.dtype.kind == "c" for a in arrays)
    long = any(a.dtype in (np.dtype(np.longdouble), np.dtype(np.clongdouble)) for a in arrays)
    if long:
        return np.clongdouble if cplx else np.longdouble
    return np.complex128 if cplx else np.float64


def ref_full(a, b, axes):
    """Full convolution over `axes`, broadcasting the other axes."""
    a = np.asarray(a)
    b = np.asarray(b)
    wdt = _work_dtype(a, b)
    a = a.astype(wdt)
    b = b.astype(wdt)
    # Loop over the input with fewer elements on the convolved axes.
    if math.prod(b.shape[x] for x in axes) > math.prod(a.shape[x] for x in axes):
        a, b = b, a
    shape = []
    for x, (n1, n2) in enumerate(zip(a.shape, b.shape)):
        if 0 in (n1, n2):
            shape.append(0)
        elif x in axes:
            shape.append(n1 + n2 - 1)
        else:
            shape.append(max(n1, n2))
    out = np.zeros(shape, dtype=wdt)
    if out.size == 0:
        return out
    for j in np.ndindex(*[b.shape[x] for x in axes]):
        bsl = [slice(None)] * a.ndim
        osl = [slice(None)] * a.ndim
        for x, jj in zip(axes, j):
            bsl[x] = slice(jj, jj + 1)
            osl[x] = slice(jj, jj + a.shape[x])
        out[tuple(osl)] += a * b[tuple(bsl)]
    return out


def ref_conv(in1, in2, mode="full", axes=None):
    """Slow reference with fastconv's semantics (incl. the scipy fixes)."""
    in1 = np.asarray(in1)
    in2 = np.asarray(in2)
    if axes is None:
        axes = list(range(in1.ndim))
    elif np.ndim(axes) == 0:
        axes = [axes % in1.ndim]
    else:
        axes = [x % in1.ndim for x in axes]
    full = ref_full(in1, in2, axes)
    s1, s2 = in1.shape, in2.shape
    sl = []
    for x in range(in1.ndim):
        n1, n2 = s1[x], s2[x]
        if x not in axes or 0 in (n1, n2):
            sl.append(slice(None))
        elif mode == "full":
            sl.append(slice(None))
        elif mode == "same":
            start = (n2 - 1) // 2
            sl.append(slice(start, start + n1))
        else:
            start = min(n1, n2) - 1
            sl.append(slice(start, start + abs(n1 - n2) + 1))
    return full[tuple(sl)]


def _eps(dt):
    dt = np.dtype(dt)
    return np.finfo(dt).eps if dt.kind in "fc" else np.finfo(np.float64).eps


def assert_close_ref(out, in1, in2, mode="full", axes=None, factor=64):
    """`out` equals the reference to a tolerance scaled to its dtype."""
    ref = ref_conv(in1, in2, mode, axes)
    assert out.shape == ref.shape
    if ref.size == 0:
        return
    mag = ref_conv(np.abs(np.asarray(in1)).astype(np.float64),
                   np.abs(np.asarray(in2)).astype(np.float64), "full", axes)
    scale = float(np.max(mag)) if mag.size else 1.0
    tol = factor * _eps(out.dtype) * max(scale, 1.0)
    err = np.max(np.abs(out.astype(ref.dtype) - ref))
    assert err <= tol, f"max error {err} > {tol}"


def rand(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(info.min, -20), min(info.max, 20)
        return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------
# next_fast_len

def _brute(target, primes):
    n = max(target, 0)
    while True:
        m = n
        for p in primes:
            while m and m % p == 0:
                m //= p
        if m <= 1:
            return n
        n += 1


def test_next_fast_len_minimal_and_smooth():
    for t in range(0, 3000):
        r = next_fast_len(t, real=True)
        c = next_fast_len(t, real=False)
        assert r == _brute(t, (2, 3, 5)), t
        assert c == _brute(t, (2, 3, 5, 7, 11)), t


def test_next_fast_len_equals_scipy():
    rng = np.random.default_rng(7)
    targets = list(range(0, 2000)) + rng.integers(2000, 10**9, 300).tolist()
    targets += [10**9, 10**9 + 7, 2**30 + 1, 999_999_937]
    for t in targets:
        assert next_fast_len(t, True) == scipy.fft.next_fast_len(t, True), t
        assert next_fast_len(t, False) == scipy.fft.next_fast_len(t, False), t
        assert next_fast_len(t) == scipy.fft.next_fast_len(t)


def test_next_fast_len_fast_for_large_targets():
    import time
    _fft._next_smooth.cache_clear()
    t0 = time.perf_counter()
    for t in range(10**9, 10**9 + 20):
        next_fast_len(t, real=False)
        next_fast_len(t, real=True)
    assert time.perf_counter() - t0 < 1.0
    assert next_fast_len(2**40 + 1, True) == scipy.fft.next_fast_len(2**40 + 1, True)


def test_next_fast_len_integer_like():
    assert next_fast_len(np.int64(97), real=True) == 100
    assert next_fast_len(np.uint16(97), real=False) == 98
    assert next_fast_len(True) == 1
    assert isinstance(next_fast_len(np.int32(1000)), int)


@pytest.mark.parametrize("bad", [2.5, 3.0, "5", None, np.float64(4), [4]])
def test_next_fast_len_bad_type(bad):
    with pytest.raises(ValueError, match="target"):
        next_fast_len(bad)
    with pytest.raises(TypeError, match="target"):
        next_fast_len(bad, real=False)


@pytest.mark.parametrize("bad", [-1, -1000, np.int64(-3)])
def test_next_fast_len_negative(bad):
    with pytest.raises(ValueError, match="target"):
        next_fast_len(bad)


# ---------------------------------------------------------------------------
# Values, shapes, dtypes against scipy and the reference

DTYPES = [np.int8, np.int64, np.uint8, np.bool_, np.float16, np.float32, np.float64,
          np.longdouble, np.complex64, np.complex128, np.clongdouble]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes_single(func, dtype):
    rng = np.random.default_rng(1)
    a = rand(rng, 40, dtype)
    b = rand(rng, 7, dtype)
    for mode in MODES:
        out = func(a, b, mode)
        exp = SCIPY[func](a, b, mode)
        assert out.dtype == exp.dtype
        assert out.shape == exp.shape
        assert_close_ref(out, a, b, mode)


MIXED = [(np.int8, np.float32), (np.uint8, np.int8), (np.bool_, np.float64),
         (np.float16, np.float32), (np.float16, np.complex64), (np.float32, np.complex128),
         (np.float32, np.float64), (np.int64, np.complex64), (np.longdouble, np.complex64),
         (np.float64, np.clongdouble), (np.bool_, np.bool_), (np.float16, np.int16)]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("dt1, dt2", MIXED)
def test_dtypes_mixed(func, dt1, dt2):
    rng = np.random.default_rng(2)
    a = rand(rng, (30, 3), dt1)
    b = rand(rng, (4, 3), dt2)
    for x, y in [(a, b), (b, a)]:
        out = func(x, y, "full", axes=0)
        exp = SCIPY[func](x, y, "full", axes=0)
        assert out.dtype == exp.dtype
        assert_close_ref(out, x, y, "full", 0)


# literal table: dtypes in -> dtype out
DTYPE_TABLE = [
    ("int8", "int8", "float64"), ("uint8", "int8", "float64"), ("bool", "bool", "float64"),
    ("int8", "float32", "float64"), ("float16", "float16", "float32"),
    ("float16", "float32", "float32"), ("float32", "float32", "float32"),
    ("float32", "complex64", "complex64"), ("float16", "complex64", "complex64"),
    ("float64", "complex64", "complex128"), ("int32", "complex64", "complex128"),
    ("longdouble", "float64", "longdouble"), ("longdouble", "complex64", "clongdouble"),
    ("clongdouble", "int8", "clongdouble"), (">f8", ">f8", "float64"),
    (">i4", ">c8", "complex128"), ("<f4", ">f4", "float32"),
]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("dt1, dt2, expected", DTYPE_TABLE)
def test_result_dtype_table(func, dt1, dt2, expected):
    a = np.ones(9, dtype=dt1)
    b = np.ones(3, dtype=dt2)
    out = func(a, b)
    assert out.dtype == np.dtype(expected)
    assert out.dtype.isnative
    assert out.dtype == SCIPY[func](a, b).dtype


SHAPES = [
    ((1,), (1,)), ((1,), (5,)), ((5,), (1,)), ((2,), (2,)), ((7,), (3,)), ((8,), (4,)),
    ((3,), (11,)), ((50,), (6,)), ((47,), (4,)), ((101,), (10,)), ((64,), (64,)),
    ((4, 5), (2, 3)), ((1, 9), (3, 1)), ((9, 1), (1, 4)), ((6, 7), (6, 7)),
    ((3, 4), (5, 8)), ((50, 47), (4, 6)), ((40, 1), (3, 1)), ((1, 60), (1, 5)),
    ((30, 4), (5, 30)), ((5, 6, 7), (2, 3, 4)), ((1, 5, 1), (3, 1, 2)),
    ((12, 10, 9), (3, 2, 1)), ((2, 3, 4), (6, 7, 8)), ((40, 3, 20), (5, 3, 4)),
]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("s1, s2", SHAPES)
def test_shapes_all_modes(func, s1, s2):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(s1)
    b = rng.standard_normal(s2)
    for mode in MODES:
        try:
            exp = SCIPY[func](a, b, mode)
        except ValueError:
            with pytest.raises(ValueError, match="For 'valid' mode"):
                func(a, b, mode)
            continue
        out = func(a, b, mode)
        assert out.shape == exp.shape, (mode, out.shape, exp.shape)
        assert out.dtype == exp.dtype
        np.testing.assert_allclose(out, exp, rtol=1e-10, atol=1e-10)
        assert_close_ref(out, a, b, mode)


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("s1, s2", [((40,), (5,)), ((6, 30), (3, 4)), ((7, 8, 9), (2, 3, 4))])
def test_complex_shapes(func, s1, s2):
    rng = np.random.default_rng(4)
    a = rand(rng, s1, np.complex128)
    b = rand(rng, s2, np.complex128)
    for mode in MODES:
        out = func(a, b, mode)
        exp = SCIPY[func](a, b, mode)
        assert out.shape == exp.shape
        np.testing.assert_allclose(out, exp, rtol=1e-10, atol=1e-10)
        assert_close_ref(out, a, b, mode)


AXES_CASES = [
    ((4, 30), (4, 5), 1), ((4, 30), (4, 5), -1), ((4, 30), (4, 5), [1]),
    ((30, 4), (5, 4), (0,)), ((30, 4), (5, 1), 0), ((30, 1), (5, 4), -2),
    ((3, 20, 6), (3, 4, 6), [1]), ((3, 20, 6), (1, 4, 6), [1]),
    ((3, 20, 16), (1, 4, 5), [-1, 1]), ((2, 20, 16, 1), (2, 4, 5, 3), (2, 1)),
    ((1, 20, 3), (4, 20, 1), (1,)), ((5, 6, 2, 1), (5, 6, 1, 4), [0, 1]),
]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("s1, s2, axes", AXES_CASES)
def test_axes(func, s1, s2, axes):
    rng = np.random.default_rng(5)
    a = rng.standard_normal(s1)
    b = rng.standard_normal(s2)
    for mode in MODES:
        try:
            exp = SCIPY[func](a, b, mode, axes=axes)
        except ValueError:
            with pytest.raises(ValueError, match="For 'valid' mode"):
                func(a, b, mode, axes=axes)
            continue
        out = func(a, b, mode, axes=axes)
        assert_close_ref(out, a, b, mode, axes)
        bshape = np.broadcast_shapes(
            tuple(1 if x in np.atleast_1d(axes) % a.ndim else n for x, n in enumerate(s1)),
            tuple(1 if x in np.atleast_1d(axes) % a.ndim else n for x, n in enumerate(s2)))
        if mode != "same" or np.all([s1[x] >= s2[x] for x in range(a.ndim)
                                     if x not in np.atleast_1d(axes) % a.ndim]):
            # scipy agrees except for 'same' where in1 is the broadcast one
            assert out.shape == exp.shape
            np.testing.assert_allclose(out, exp, rtol=1e-10, atol=1e-10)
        for x in range(a.ndim):
            if x not in np.atleast_1d(axes) % a.ndim:
                assert out.shape[x] == max(bshape[x], 1)


@pytest.mark.parametrize("func", FUNCS)
def test_same_broadcast_axes_scipy_21876(func):
    rng = np.random.default_rng(6)
    a = rng.standard_normal((1, 100))
    b = rng.standard_normal((7, 10))
    out = func(a, b, "same", axes=1)
    assert out.shape == (7, 100)
    assert_close_ref(out, a, b, "same", 1)
    out = func(b, a, "same", axes=1)
    assert out.shape == (7, 10)
    assert_close_ref(out, b, a, "same", 1)
    # 3-D, two broadcast axes and a long input for overlap-add
    a = rng.standard_normal((1, 3, 500))
    b = rng.standard_normal((4, 1, 9))
    out = func(a, b, "same", axes=-1)
    assert out.shape == (4, 3, 500)
    assert_close_ref(out, a, b, "same", -1)


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("axes", [None, 0, [0], -1, (-1,)])
def test_scipy_examples(func, axes):
    kw = {} if axes is None else {"axes": axes}
    np.testing.assert_allclose(func([1, 2, 3], [1, 2, 3], **kw), [1, 4, 10, 12, 9.],
                               atol=1e-12)
    a = [3, 2, 1]
    b = [3, 3, 5, 6, 8, 7, 9, 0, 1]
    np.testing.assert_allclose(func(a, b, "valid", **kw), [24., 31., 41., 43., 49., 25., 12.])
    np.testing.assert_allclose(func(b, a, "valid", **kw), [24., 31., 41., 43., 49., 25., 12.])
    np.testing.assert_allclose(func([1, 2, 3], b, "same", **kw), [35., 41., 47.])


# ---------------------------------------------------------------------------
# Empty, 0-d and single-element inputs

@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("a, b", [([], []), ([5, 6], []), ([], [7])])
def test_empty_1d_like_scipy(func, a, b):
    out = func(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(out, SCIPY[func](np.asarray(a), np.asarray(b)))
    assert out.shape == (0,)
    assert out.dtype == np.float64


EMPTY = [
    ((0, 5), (3, 2), "full", None, (0, 6)),
    ((0, 5), (3, 2), "same", None, (0, 5)),
    ((4, 0), (2, 3), "full", None, (5, 0)),
    ((4, 3), (2, 0), "same", None, (4, 0)),
    ((4, 5), (0, 2), "valid", None, (0, 4)),
    ((0, 5), (0, 2), "valid", None, (0, 4)),
    ((0,), (3,), "valid", None, (0,)),
    ((3, 0, 7), (1, 0, 2), "full", None, (3, 0, 8)),
    ((0, 9), (1, 4), "same", 1, (0, 9)),
    ((3, 9), (3, 0), "full", 1, (3, 0)),
    ((0, 9), (1, 4), "full", 1, (0, 12)),
]


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("s1, s2, mode, axes, expected", EMPTY)
@pytest.mark.parametrize("dtype", [np.int16, np.float32, np.complex64])
def test_empty_nd(func, s1, s2, mode, axes, expected, dtype):
    a = np.ones(s1, dtype)
    b = np.ones(s2, dtype)
    out = func(a, b, mode, axes=axes)
    assert out.shape == expected
    assert out.dtype == _dtypes.fftconvolve_result_dtype(a.dtype, b.dtype)
    assert ref_conv(a, b, mode, axes).shape == expected


@pytest.mark.parametrize("func", FUNCS)
def test_empty_valid_still_checks(func):
    with pytest.raises(ValueError, match="For 'valid' mode"):
        func(np.ones((0, 5)), np.ones((3, 2)), "valid")
    with pytest.raises(ValueError, match="incompatible shapes"):
        func(np.ones((0, 5)), np.ones((3, 2)), axes=1)


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("a, b", [(4967, 3920), (np.float32(2.5), 2.0), (1 + 2j, 3.0),
                                  (np.int8(3), np.int8(4)), (True, True)])
def test_zero_rank(func, a, b):
    x, y = np.asarray(a), np.asarray(b)
    out = func(x, y)
    exp = SCIPY[func](x, y)
    assert type(out) is type(exp)
    assert np.asarray(out).dtype == np.asarray(exp).dtype
    assert out == exp


@pytest.mark.parametrize("func", FUNCS)
def test_single_element_like_scipy(func):
    # scipy multiplies without conversion when no axis needs a transform
    a = np.asarray([4967])
    b = np.asarray([3920])
    out = func(a, b)
    exp = SCIPY[func](a, b)
    assert out.dtype == exp.dtype
    np.testing.assert_array_equal(out, exp)
    out = func(np.ones((3, 1)), np.ones((1, 4)), "same")
    exp = SCIPY[func](np.ones((3, 1)), np.ones((1, 4)), "same")
    np.testing.assert_array_equal(out, exp)


# ---------------------------------------------------------------------------
# Memory layouts; inputs never modified

def _layouts(rng):
    base = rng.standard_normal((30, 24))
    kern = rng.standard_normal((5, 4))
    yield base, kern
    yield base[::2, ::3], kern[:, ::2]
    yield base[::-1, ::-2], kern[::-1]
    yield np.asfortranarray(base), np.asfortranarray(kern)
    yield base.astype(">f8"), kern.astype(">f8")
    yield (base + 1j * base[::-1]).astype(">c16"), kern.astype(">f4")
    yield (base * 10).astype(">i4"), kern
    ro1, ro2 = base.copy(), kern.copy()
    ro1.flags.writeable = False
    ro2.flags.writeable = False
    yield ro1, ro2


@pytest.mark.parametrize("func", FUNCS)
def test_layouts_and_no_modification(func):
    rng = np.random.default_rng(8)
    for a, b in _layouts(rng):
        a0, b0 = a.copy(), b.copy()
        wa, wb = a.flags.writeable, b.flags.writeable
        for mode in MODES:
            out = func(a, b, mode)
            native = func(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("=")),
                          np.ascontiguousarray(b).astype(b.dtype.newbyteorder("=")), mode)
            assert out.dtype.isnative
            assert out.dtype == SCIPY[func](a, b, mode).dtype
            assert out.flags.c_contiguous and out.flags.writeable
            np.testing.assert_allclose(out, native, rtol=1e-12, atol=1e-12)
            assert_close_ref(out, a, b, mode)
        np.testing.assert_array_equal(a, a0)
        np.testing.assert_array_equal(b, b0)
        assert a.dtype == a0.dtype and b.dtype == b0.dtype
        assert (a.flags.writeable, b.flags.writeable) == (wa, wb)


@pytest.mark.parametrize("func", FUNCS)
def test_result_owns_compact_memory(func):
    rng = np.random.default_rng(9)
    a = rng.standard_normal((300,))
    b = rng.standard_normal((9,))
    for mode in MODES:
        out = func(a, b, mode)
        root = out
        while isinstance(root.base, np.ndarray):
            root = root.base
        assert root.nbytes == out.nbytes


def test_array_likes():
    assert fftconvolve([1, 2], [[3]][0]).tolist() == pytest.approx([3, 6])
    assert oaconvolve((1.0, 2.0), np.array([1, 1])).tolist() == pytest.approx([1, 3, 2])


# ---------------------------------------------------------------------------
# Errors (messages as scipy's tests match them)

@pytest.mark.parametrize("func", FUNCS)
def test_invalid_shapes(func):
    a = np.arange(1, 7).reshape((2, 3))
    b = np.arange(-6, 0).reshape((3, 2))
    with pytest.raises(ValueError, match="For 'valid' mode, one must be at least "
                                         "as large as the other in every dimension"):
        func(a, b, mode="valid")


@pytest.mark.parametrize("func", FUNCS)
def test_invalid_shapes_axes(func):
    a = np.zeros([5, 6, 2, 1])
    b = np.zeros([5, 6, 3, 1])
    with pytest.raises(ValueError, match=r"incompatible shapes for in1 and in2:"
                                         r" \(5L?, 6L?, 2L?, 1L?\) and"
                                         r" \(5L?, 6L?, 3L?, 1L?\)"):
        func(a, b, axes=[0, 1])


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("a, b", [([1], 2), (1, [2]), ([3], [[2]])])
def test_mismatched_dims(func, a, b):
    with pytest.raises(ValueError, match="in1 and in2 should have the same dimensionality"):
        func(a, b)


@pytest.mark.parametrize("func", FUNCS)
def test_invalid_flags(func):
    with pytest.raises(ValueError, match="acceptable mode flags are 'valid', 'same', or 'full'"):
        func([1], [2], mode="chips")
    with pytest.raises(ValueError, match="acceptable mode flags"):
        func([1, 2, 3], [2, 1], mode=1)
    with pytest.raises(ValueError, match="acceptable mode flags"):
        func(2, 3, mode="bad")
    with pytest.raises(ValueError, match="when provided, axes cannot be empty"):
        func([1], [2], axes=[])
    with pytest.raises(ValueError, match="axes must be a scalar or iterable of integers"):
        func([1], [2], axes=[[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="axes must be a scalar or iterable of integers"):
        func([1], [2], axes=[1., 2., 3., 4.])
    with pytest.raises(ValueError, match="axes exceeds dimensionality of input"):
        func([1], [2], axes=[1])
    with pytest.raises(ValueError, match="axes exceeds dimensionality of input"):
        func([1], [2], axes=[-2])
    with pytest.raises(ValueError, match="all axes must be unique"):
        func([1], [2], axes=[0, 0])
    with pytest.raises(ValueError, match="all axes must be unique"):
        func(np.ones((3, 4)), np.ones((2, 2)), axes=[1, -1])


@pytest.mark.parametrize("func", FUNCS)
def test_non_numeric_inputs(func):
    with pytest.raises(TypeError, match="in1"):
        func(np.array(["a", "b"]), [1.0])
    with pytest.raises(TypeError, match="in2"):
        func([1.0], None)


# ---------------------------------------------------------------------------
# Precision

def test_float32_stays_float32():
    rng = np.random.default_rng(10)
    a = rng.standard_normal(1000).astype(np.float32)
    b = rng.standard_normal(30).astype(np.float32)
    for func in FUNCS:
        out = func(a, b)
        assert out.dtype == np.float32
        assert_close_ref(out, a, b, factor=64)


@pytest.mark.skipif(not LONG, reason="longdouble is float64 here")
@pytest.mark.parametrize("dtype", [np.longdouble, np.clongdouble])
def test_longdouble_precision_kept(dtype):
    rng = np.random.default_rng(11)
    a = rand(rng, 500, dtype)
    b = rand(rng, 40, dtype)
    for func in FUNCS:
        out = func(a, b)
        assert out.dtype == dtype
        ref = ref_conv(a, b)
        err = np.max(np.abs(out - ref)) / np.max(np.abs(ref))
        assert err < 50 * np.finfo(np.longdouble).eps  # well below float64 eps


# ---------------------------------------------------------------------------
# Overlap-add specifics

@pytest.mark.parametrize("k", list(range(1, 60)) + [100, 511, 1000, 4095, 10**5, 10**7])
def test_oa_block_optimum_matches_lambertw(k):
    mine = _fft._oa_optimal_block(k)
    exact = -k * scipy.special.lambertw(-1 / (2 * math.e * k), k=-1).real
    assert mine == pytest.approx(exact, rel=1e-12)
    assert math.ceil(mine) == math.ceil(exact)


def test_oa_block_rule():
    assert _fft._oa_block(100, 100, True) is None        # equal
    assert _fft._oa_block(100, 1, True) is None          # length 1
    assert _fft._oa_block(100, 50, True) is None         # short >= long / 2
    assert _fft._oa_block(30, 10, True) is None          # one block covers it
    block = _fft._oa_block(100_000, 100, True)
    assert block is not None and block < 100_000
    assert block == next_fast_len(block)


@pytest.mark.parametrize("s1, s2, axes, dtype", [
    ((20000,), (31,), None, np.float64),
    ((5, 3000), (1, 12), 1, np.complex128),
    ((300, 200), (9, 7), None, np.float32),
    ((7, 200), (40, 9), None, np.float64),     # blocks on axis 1 only
    ((9, 400), (200, 3), None, np.float64),    # in2 long on axis 0, in1 long on axis 1
    ((3, 250, 60, 1), (3, 6, 4, 2), (1, 2, 3), np.complex64),
])
def test_oa_uses_blocks(monkeypatch, s1, s2, axes, dtype):
    rng = np.random.default_rng(12)
    a = rand(rng, s1, dtype)
    b = rand(rng, s2, dtype)

    def no_plain_fft(*args, **kwargs):
        raise AssertionError("fell back to the plain FFT")

    for mode in MODES:
        for x, y in [(a, b), (b, a)]:
            try:
                exp = scipy.signal.fftconvolve(x, y, mode, axes=axes)
            except ValueError:
                with pytest.raises(ValueError, match="For 'valid' mode"):
                    oaconvolve(x, y, mode, axes=axes)
                continue
            with monkeypatch.context() as m:
                m.setattr(_fft, "_fft_window", no_plain_fft)
                out = oaconvolve(x, y, mode, axes=axes)
            assert out.dtype == exp.dtype
            assert_close_ref(out, x, y, mode, axes)
            if out.shape == exp.shape:   # not scipy#21876
                scale = np.max(np.abs(exp))
                tol = 200 * _eps(exp.dtype) * np.sqrt(a.size) * scale
                np.testing.assert_allclose(out, exp, rtol=0, atol=tol)
            else:
                assert mode == "same"


def test_oa_agrees_with_reference_on_blocks():
    rng = np.random.default_rng(13)
    a = rng.standard_normal((3, 700))
    b = rng.standard_normal((2, 11))
    for mode in MODES:
        out = oaconvolve(a, b, mode)
        assert_close_ref(out, a, b, mode)


# ---------------------------------------------------------------------------
# convolve(method='fft'): the same FFT executor, cast back to the direct dtype

def test_convolve_fft_method_matches_fftconvolve():
    rng = np.random.default_rng(14)
    a = rng.standard_normal((40, 30))
    b = rng.standard_normal((5, 3))
    for mode in MODES:
        for x, y in [(a, b), (b, a)]:
            try:
                exp = fftconvolve(x, y, mode)
            except ValueError:
                continue
            np.testing.assert_allclose(convolve(x, y, mode, method="fft"), exp,
                                       rtol=1e-12, atol=1e-12)
    # no scipy quirk: length-1 integer inputs keep the direct result dtype
    out = convolve(np.array([3], np.int8), np.array([4], np.int8), "full", method="fft")
    assert out.dtype == np.int8 and out.tolist() == [12]
    out = convolve(np.arange(5, dtype=np.int8), np.ones(2, np.int8), "same", method="fft",
                   dtype=np.float32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0, 1, 3, 5, 7], rtol=0, atol=1e-5)
    assert convolve(np.ones((0, 3)), np.ones((2, 2)), "full", method="fft").shape == (0, 4)
    x = rng.standard_normal(5000)
    k = rng.standard_normal(20)
    np.testing.assert_allclose(convolve(x, k, "valid", method="fft"), fftconvolve(x, k, "valid"),
                               rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------------------
# A randomized sweep against the reference (kept small)

def test_random_sweep():
    rng = np.random.default_rng(15)
    for _ in range(60):
        ndim = int(rng.integers(1, 4))
        s1 = tuple(int(n) for n in rng.integers(1, 12, ndim))
        s2 = tuple(int(n) for n in rng.integers(1, 6, ndim))
        dtype = DTYPES[int(rng.integers(len(DTYPES)))]
        a = rand(rng, s1, dtype)
        b = rand(rng, s2, dtype)
        mode = MODES[int(rng.integers(3))]
        for func in FUNCS:
            try:
                exp = SCIPY[func](a, b, mode)
            except ValueError:
                with pytest.raises(ValueError):
                    func(a, b, mode)
                continue
            out = func(a, b, mode)
            assert out.shape == exp.shape and out.dtype == exp.dtype
            if out.dtype.kind in "fc":
                assert_close_ref(out, a, b, mode)


def test_old_numpy_fallback(monkeypatch):
    """numpy < 2 transforms only in float64: results are cast back."""
    monkeypatch.setattr(_fft, "_NATIVE_FFT_FLOATS", frozenset({np.dtype(np.float64)}))
    rng = np.random.default_rng(16)
    for dtype in (np.float32, np.complex64, np.longdouble, np.clongdouble):
        a = rand(rng, 300, dtype)
        b = rand(rng, 9, dtype)
        for func in FUNCS:
            out = func(a, b, "same")
            assert out.dtype == dtype
            assert_close_ref(out, a, b, "same", factor=64 * _eps(np.float64) / _eps(dtype)
                             if _eps(dtype) < _eps(np.float64) else 64)
