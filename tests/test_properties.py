"""Property-based tests (hypothesis) of every public convolution function
against the slow NumPy reference in tests/reference.py.

Each example draws shapes (1-D to 3-D, with 0 and 1 along any axis, kernels
larger than the input), a dtype (every supported one), a memory layout for
each input (C, Fortran, strided, negative strides, byte-swapped, read-only),
a mode, a boundary and fill value (2-D functions), a method (convolve /
correlate) and a thread count, and checks:

* the value against the reference: integers and bool exactly; floats within
  ``4 * taps * eps * sum|x||k|`` per output (direct), plus
  ``16 * eps * log2(N) * ||x|| ||k||`` when an FFT may be used (N the
  transform size);
* the result dtype and shape;
* the inputs are not modified and the output shares no memory with them;
* ``workers=1`` and ``workers=2`` give bit-identical results.  To make the
  threads really run on these small problems, the serial threshold
  ``fastconv._threads.PARALLEL_MIN_SECONDS`` is set to 0 for this module.

Profiles (tests/conftest.py): ``quick`` (default, derandomized) and ``long``:

    FASTCONV_HYPOTHESIS_PROFILE=long PYTHONPATH=src python -m pytest tests/test_properties.py
"""
import math
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import event, given, note, strategies as st  # noqa: E402

import fastconv  # noqa: E402
from fastconv import _direct, _fft, _threads  # noqa: E402
from helpers import rand  # noqa: E402
from reference import (abs_bound, ref_convolve, ref_convolve2d,  # noqa: E402
                       ref_correlate, ref_correlate2d, ref_correlate_window,
                       result_dtype)

ALL_DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
              np.uint16, np.uint32, np.uint64, np.float16, np.float32,
              np.float64, np.longdouble, np.complex64, np.complex128,
              np.clongdouble]
MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "pad", "wrap", "circular", "symm", "symmetric",
              "reflect", "mirror", "nearest", "edge")
LAYOUTS = ("C", "F", "strided", "negative", "strided-negative")

ND_FUNCS = {"convolve": (fastconv.convolve, ref_convolve),
            "correlate": (fastconv.correlate, ref_correlate)}
TWO_D_FUNCS = {"convolve2d": (fastconv.convolve2d, ref_convolve2d),
               "correlate2d": (fastconv.correlate2d, ref_correlate2d)}
FFT_FUNCS = {"fftconvolve": fastconv.fftconvolve, "oaconvolve": fastconv.oaconvolve}


@pytest.fixture(scope="module", autouse=True)
def threads_on_small_problems():
    """Let workers=2 really use two threads on tiny inputs (white-box: the
    direct method's serial threshold and the FFT path's threading size)."""
    knobs = [(_threads, "PARALLEL_MIN_SECONDS"), (_fft, "THREAD_MIN_SIZE")]
    saved = [(mod, name, getattr(mod, name)) for mod, name in knobs if hasattr(mod, name)]
    for mod, name, _ in saved:
        setattr(mod, name, 0)
    yield
    for mod, name, old in saved:
        setattr(mod, name, old)


# ------------------------------------------------------------- strategies
def layout(arr, kind, swapped, readonly):
    """An array equal to `arr` with the requested memory layout."""
    dt = arr.dtype.newbyteorder() if swapped else arr.dtype
    if kind == "C":
        out = np.ascontiguousarray(arr, dtype=dt)
    elif kind == "F":
        out = np.asfortranarray(arr, dtype=dt)
    else:
        step = 2 if kind.startswith("strided") else 1
        big = np.zeros(tuple(step * s + 1 for s in arr.shape), dtype=dt)
        sl = tuple(slice(None, step * s, step) for s in arr.shape)
        if kind.endswith("negative"):
            sl = tuple(slice(step * s - step, None, -step) if s else slice(0, 0)
                       for s in arr.shape)
        big[sl] = arr
        out = big[sl]
    if readonly:
        out.flags.writeable = False
    assert np.array_equal(out, arr)
    return out


@st.composite
def views(draw, shape, dtype, seed, small=False):
    rng = np.random.default_rng(seed)
    base = rand(shape, dtype, rng, full_range=not small)
    kind = draw(st.sampled_from(LAYOUTS))
    swapped = draw(st.booleans())
    readonly = draw(st.booleans())
    return layout(base, kind, swapped, readonly), (kind, swapped, readonly)


@st.composite
def axis_len(draw, big):
    """0 (5%), 1 (20%) or 2..5 (2..9 when `big`): small, so the reference is fast."""
    r = draw(st.integers(0, 19))
    if r == 0:
        return 0
    if r < 5:
        return 1
    return draw(st.integers(2, 9 if big else 5))


@st.composite
def shape_pair(draw, ndim=None):
    nd = ndim or draw(st.integers(1, 3))
    big = nd == 1
    s1 = tuple(draw(axis_len(big)) for _ in range(nd))
    s2 = tuple(draw(axis_len(False)) for _ in range(nd))
    return s1, s2


# ------------------------------------------------------------- checks
def snapshot(x):
    return (x.dtype, x.shape, x.strides, x.flags.writeable, x.tobytes(order="A"))


def call_checked(func, in1, in2, *args, **kwargs):
    """Call; check inputs unchanged and output not aliasing them."""
    before = (snapshot(in1), snapshot(in2))
    out = func(in1, in2, *args, **kwargs)
    assert isinstance(out, np.ndarray)
    assert (snapshot(in1), snapshot(in2)) == before, "an input was modified"
    for x in (in1, in2):
        assert not np.shares_memory(out, x), "output shares memory with an input"
    return out


def eps_of(dt):
    dt = np.dtype(dt)
    if dt.kind in "biu":
        return 0.0
    if dt == np.float16:
        return float(np.finfo(np.float32).eps)  # computed in float32
    return np.finfo(dt).eps


def compare(got, exp, tol, what):
    assert got.shape == exp.shape, f"{what}: shape {got.shape} != {exp.shape}"
    assert got.dtype == exp.dtype, f"{what}: dtype {got.dtype} != {exp.dtype}"
    if got.dtype.kind in "biu":
        if not np.array_equal(got, exp):
            bad = np.argwhere(got != exp)[:5].tolist()
            raise AssertionError(f"{what}: differs at {bad}\ngot\n{got}\nexpected\n{exp}")
        return
    wide = np.longdouble if got.dtype in (np.longdouble, np.clongdouble) else np.float64
    g = got.astype(np.result_type(got.dtype, wide))
    e = exp.astype(np.result_type(exp.dtype, wide))
    nan_g, nan_e = np.isnan(g), np.isnan(e)
    assert np.array_equal(nan_g, nan_e), f"{what}: NaN positions differ\n{got}\n{exp}"
    if got.dtype == np.float16:
        tol = tol + np.finfo(np.float16).eps * np.abs(e) + np.finfo(np.float16).smallest_subnormal
    tol = np.nan_to_num(np.asarray(tol, dtype=wide), nan=np.inf) + np.finfo(wide).tiny
    with np.errstate(invalid="ignore"):
        ok = nan_e | (g == e) | (np.abs(g - e) <= tol)
    if not ok.all():
        bad = np.argwhere(~ok)[:5].tolist()
        raise AssertionError(f"{what}: float results differ at {bad}:\n"
                             f"got\n{got}\nexpected\n{exp}\ntol\n{tol}")


def direct_tol(ref, in1, in2, mode, boundary, fill, rdt, taps):
    if rdt.kind in "biu":
        return 0
    bound = abs_bound(ref, in1, in2, mode, boundary, fill)
    return 4 * max(taps, 1) * eps_of(rdt) * bound


def fft_tol(in1, in2, rdt):
    """16 eps log2(N) ||x|| ||k|| (a global bound: FFT error spreads)."""
    n = 1
    for a, b in zip(in1.shape, in2.shape):
        n *= max(a + b - 1, 1)
    wide = np.longdouble if np.dtype(rdt) in (np.longdouble, np.clongdouble) else np.float64
    nx = np.sqrt(np.sum(np.abs(in1.astype(np.result_type(in1.dtype, np.float32))).astype(wide) ** 2))
    nk = np.sqrt(np.sum(np.abs(in2.astype(np.result_type(in2.dtype, np.float32))).astype(wide) ** 2))
    return 16 * eps_of(rdt) * math.log2(n + 2) * nx * nk


def valid_ok(s1, s2):
    return all(a >= b for a, b in zip(s1, s2)) or all(a <= b for a, b in zip(s1, s2))


def bit_identical(a, b):
    """Same dtype, shape and bits (for long double: same values and signs,
    since the 80-bit format's padding bytes are undefined)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype in (np.longdouble, np.clongdouble) and a.dtype.itemsize > 8 * (1 + (a.dtype.kind == "c")):
        parts = (np.real(a), np.imag(a), np.real(b), np.imag(b))
        ra, ia, rb, ib = parts
        return (np.array_equal(ra, rb, equal_nan=True) and np.array_equal(ia, ib, equal_nan=True)
                and np.array_equal(np.signbit(ra), np.signbit(rb))
                and np.array_equal(np.signbit(ia), np.signbit(ib)))
    return a.tobytes() == b.tobytes()


def draw_isa(data):
    """One of the micro-kernel instruction sets this CPU supports."""
    return data.draw(st.sampled_from(sorted(_direct.isa_available())), label="isa")


class isa_selected:
    def __init__(self, isa):
        self.isa = isa

    def __enter__(self):
        self.old = _direct.isa_name()
        _direct.select_isa(self.isa)

    def __exit__(self, *exc):
        _direct.select_isa(self.old)


# ------------------------------------------------------------- tests
@given(data=st.data(), name=st.sampled_from(sorted(ND_FUNCS)),
       dtype=st.sampled_from(ALL_DTYPES), dtype2=st.sampled_from([None] + ALL_DTYPES),
       shapes=shape_pair(), mode=st.sampled_from(MODES),
       method=st.sampled_from(["direct", "fft", "auto"]),
       seed=st.integers(0, 2**32 - 1))
def test_convolve_correlate(data, name, dtype, dtype2, shapes, mode, method, seed):
    fc, ref = ND_FUNCS[name]
    s1, s2 = shapes
    dtype2 = dtype if dtype2 is None else dtype2
    small = method == "fft"  # FFT results for integers are exact only for small values
    in1, lay1 = data.draw(views(s1, dtype, seed, small), label="in1")
    in2, lay2 = data.draw(views(s2, dtype2, seed + 1, small), label="in2")
    isa = draw_isa(data)
    note(f"in1 {in1.dtype} {in1.shape} {lay1}; in2 {in2.dtype} {in2.shape} {lay2}")
    what = f"{name}({in1.dtype}{s1}, {in2.dtype}{s2}, {mode!r}, method={method!r}, isa={isa})"
    if mode == "valid" and not valid_ok(s1, s2):
        with pytest.raises(ValueError, match="valid"):
            fc(in1, in2, mode, method=method)
        event("'valid' shapes refused")
        return
    with isa_selected(isa):
        got1 = call_checked(fc, in1, in2, mode, method=method, workers=1)
        got2 = call_checked(fc, in1, in2, mode, method=method, workers=2)
    event("empty output" if got1.size == 0 else "non-empty output")
    exp = ref(in1, in2, mode)
    rdt = result_dtype(in1, in2)
    assert got1.dtype == rdt
    taps = min(in1.size, in2.size)
    tol = direct_tol(ref, in1, in2, mode, "fill", 0, rdt, taps)
    if method != "direct" and rdt.kind in "fc":
        tol = tol + fft_tol(in1, in2, rdt)
    compare(got1, exp, tol, what + " workers=1")
    assert bit_identical(got1, got2), f"{what}: workers=1 and workers=2 differ"


def fill_values(rdt):
    """Valid fill values for a result dtype, in various containers."""
    rdt = np.dtype(rdt)
    if rdt.kind == "b":
        scalars = st.sampled_from([0, 1, True, False])
    elif rdt.kind in "iu":
        info = np.iinfo(rdt)
        scalars = st.one_of(st.integers(int(info.min), int(info.max)),
                            st.sampled_from([int(info.min), int(info.max), 0, 1]),
                            st.floats(max(float(info.min), -100.0), min(float(info.max), 100.0)))
    elif rdt.kind == "f":
        scalars = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 2.5, -3, np.nan, np.inf]),
                            st.floats(-10, 10))
    else:
        scalars = st.one_of(st.sampled_from([0.0, 1j, 2 - 1j, -3]),
                            st.complex_numbers(max_magnitude=10))
    container = st.sampled_from(["python", "numpy", "array1"])
    return st.tuples(scalars, container).map(lambda t: _wrap_fill(t[0], t[1], rdt))


def _wrap_fill(value, container, rdt):
    if container == "python":
        return value
    if rdt.kind in "iu" and isinstance(value, float):
        return value  # a float into an integer result stays a Python float
    arr = np.array(value, dtype=rdt) if container == "numpy" else np.array([value], dtype=rdt)
    return arr[()] if container == "numpy" else arr


@given(data=st.data(), name=st.sampled_from(sorted(TWO_D_FUNCS)),
       dtype=st.sampled_from(ALL_DTYPES), dtype2=st.sampled_from([None] + ALL_DTYPES),
       shapes=shape_pair(ndim=2), mode=st.sampled_from(MODES),
       boundary=st.sampled_from(BOUNDARIES), seed=st.integers(0, 2**32 - 1))
def test_convolve2d_correlate2d(data, name, dtype, dtype2, shapes, mode, boundary, seed):
    fc, ref = TWO_D_FUNCS[name]
    s1, s2 = shapes
    dtype2 = dtype if dtype2 is None else dtype2
    in1, lay1 = data.draw(views(s1, dtype, seed), label="in1")
    in2, lay2 = data.draw(views(s2, dtype2, seed + 1), label="in2")
    rdt = result_dtype(in1, in2)
    fill = data.draw(fill_values(rdt), label="fillvalue")
    isa = draw_isa(data)
    note(f"in1 {in1.dtype} {in1.shape} {lay1}; in2 {in2.dtype} {in2.shape} {lay2}")
    what = (f"{name}({in1.dtype}{s1}, {in2.dtype}{s2}, {mode!r}, {boundary!r}, "
            f"fillvalue={fill!r}, isa={isa})")
    if mode == "valid" and not valid_ok(s1, s2):
        with pytest.raises(ValueError, match="valid"):
            fc(in1, in2, mode, boundary, fill)
        event("'valid' shapes refused")
        return
    with isa_selected(isa):
        got1 = call_checked(fc, in1, in2, mode, boundary, fill, workers=1)
        got2 = call_checked(fc, in1, in2, mode, boundary, fill, workers=2)
    event("empty output" if got1.size == 0 else "non-empty output")
    event("kernel larger than input" if any(b > a for a, b in zip(s1, s2)) else "kernel fits")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # inf * 0 in the reference
        exp = ref(in1, in2, mode, boundary, fill)
        # every output sums at most in2.size products (fill and boundaries
        # included; when in2 is the larger, 'valid'/'fill' sums fewer)
        taps = in2.size
        tol = direct_tol(ref, in1, in2, mode, boundary, fill, rdt, taps)
    compare(got1, exp, tol, what)
    assert bit_identical(got1, got2), f"{what}: workers=1 and workers=2 differ"


NEAR_BLOCK_EDGES = st.builds(lambda base, d: base + d,
                             st.sampled_from([8192, 10240, 12288, 16384]), st.integers(-9, 9))


@given(data=st.data(), dtype=st.sampled_from(ALL_DTYPES),
       n1=st.one_of(st.integers(8000, 20000), NEAR_BLOCK_EDGES), n2=st.integers(1, 9),
       mode=st.sampled_from(MODES), seed=st.integers(0, 2**32 - 1))
def test_long_rows_split_into_columns(data, dtype, n1, n2, mode, seed):
    """1-D outputs >= 8192 long are cut into column blocks (multiples of
    4096 here) across threads; lengths near those edges put the last
    interior outputs alone in a block."""
    in1, _ = data.draw(views((n1,), dtype, seed), label="in1")
    in2, _ = data.draw(views((n2,), dtype, seed + 1), label="in2")
    name = data.draw(st.sampled_from(sorted(ND_FUNCS)), label="func")
    isa = draw_isa(data)
    fc, ref = ND_FUNCS[name]
    with isa_selected(isa):
        got1 = call_checked(fc, in1, in2, mode, method="direct", workers=1)
        got2 = call_checked(fc, in1, in2, mode, method="direct", workers=2)
    assert bit_identical(got1, got2), (
        f"{name}({in1.dtype}, n1={n1}, n2={n2}, {mode!r}, isa={isa}): workers=1 and workers=2 differ "
        f"at {np.flatnonzero(got1 != got2)[:8].tolist()}")
    rdt = result_dtype(in1, in2)
    exp = ref(in1, in2, mode)
    compare(got1, exp, direct_tol(ref, in1, in2, mode, "fill", 0, rdt, n2), name)


@given(data=st.data(), name=st.sampled_from(sorted(ND_FUNCS) + sorted(TWO_D_FUNCS)),
       dtype=st.sampled_from([np.float32, np.float64] * 4 + ALL_DTYPES),
       h=st.integers(1, 40), w=st.integers(1, 70), kh=st.integers(1, 9), kw=st.integers(1, 9),
       mode=st.sampled_from(MODES), boundary=st.sampled_from(BOUNDARIES),
       seed=st.integers(0, 2**32 - 1))
def test_medium_2d_simd_paths(data, name, dtype, h, w, kh, kw, mode, boundary, seed):
    """Images wide enough for the SIMD micro-kernels' main loops and tails
    (AVX-512 float32 = 16 lanes), every ISA, against the reference."""
    in1, lay1 = data.draw(views((h, w), dtype, seed), label="in1")
    in2, lay2 = data.draw(views((kh, kw), dtype, seed + 1), label="in2")
    isa = draw_isa(data)
    note(f"in1 {in1.dtype} {in1.shape} {lay1}; in2 {in2.dtype} {in2.shape} {lay2}")
    if name in TWO_D_FUNCS:
        fc, ref = TWO_D_FUNCS[name]
        args, rargs = (mode, boundary, 0), (mode, boundary, 0)
        kwargs = {}
    else:
        fc, ref = ND_FUNCS[name]
        args, rargs = (mode,), (mode,)
        kwargs = {"method": "direct"}
    what = f"{name}({in1.dtype}{in1.shape}, {in2.shape}, {args}, isa={isa})"
    if mode == "valid" and not valid_ok(in1.shape, in2.shape):
        with pytest.raises(ValueError, match="valid"):
            fc(in1, in2, *args, **kwargs)
        return
    with isa_selected(isa):
        got1 = call_checked(fc, in1, in2, *args, workers=1, **kwargs)
        got2 = call_checked(fc, in1, in2, *args, workers=2, **kwargs)
    assert bit_identical(got1, got2), f"{what}: workers=1 and workers=2 differ"
    rdt = result_dtype(in1, in2)
    exp = ref(in1, in2, *rargs)
    boundary_ = boundary if name in TWO_D_FUNCS else "fill"
    compare(got1, exp, direct_tol(ref, in1, in2, mode, boundary_, 0, rdt, in2.size), what)


@given(data=st.data(), name=st.sampled_from(sorted(FFT_FUNCS)),
       dtype=st.sampled_from(ALL_DTYPES), dtype2=st.sampled_from([None] + ALL_DTYPES),
       shapes=shape_pair(), mode=st.sampled_from(MODES), seed=st.integers(0, 2**32 - 1))
def test_fftconvolve_oaconvolve(data, name, dtype, dtype2, shapes, mode, seed):
    fc = FFT_FUNCS[name]
    s1, s2 = shapes
    dtype2 = dtype if dtype2 is None else dtype2
    in1, lay1 = data.draw(views(s1, dtype, seed, small=True), label="in1")
    in2, lay2 = data.draw(views(s2, dtype2, seed + 1, small=True), label="in2")
    note(f"in1 {in1.dtype} {in1.shape} {lay1}; in2 {in2.dtype} {in2.shape} {lay2}")
    what = f"{name}({in1.dtype}{s1}, {in2.dtype}{s2}, {mode!r})"
    # as scipy: 'valid' compares sizes only on axes that need a transform
    fft_axes = [a for a in range(len(s1)) if s1[a] != 1 and s2[a] != 1]
    if mode == "valid" and not valid_ok([s1[a] for a in fft_axes], [s2[a] for a in fft_axes]):
        with pytest.raises(ValueError, match="valid"):
            fc(in1, in2, mode)
        return
    got = call_checked(fc, in1, in2, mode, workers=1)
    got2 = call_checked(fc, in1, in2, mode, workers=2)
    assert bit_identical(got, got2), f"{what}: workers=1 and workers=2 differ"
    fdt = np.dtype(fastconv._dtypes.fftconvolve_result_dtype(in1.dtype, in2.dtype))
    # scipy's quirk, kept: no axis needs a transform -> plain product dtype
    no_transform = all(a == 1 or b == 1 for a, b in zip(s1, s2)) and 0 not in s1 + s2
    if no_transform and got.dtype != fdt:
        assert got.dtype == result_dtype(in1, in2), what
        fdt = got.dtype
    assert got.dtype == fdt, f"{what}: dtype {got.dtype} != {fdt}"
    x1 = in1.astype(fdt.newbyteorder("=")) if fdt.kind in "fc" else in1
    x2 = in2.astype(fdt.newbyteorder("=")) if fdt.kind in "fc" else in2
    if mode == "valid":  # per axis, even where the shapes are not ordered
        starts = [min(a, b) - 1 if a and b else 0 for a, b in zip(s1, s2)]
        lengths = [abs(a - b) + 1 if a and b else 0 for a, b in zip(s1, s2)]
        exp = ref_correlate_window(x1, x2, starts, lengths)
    else:
        exp = ref_convolve(x1, x2, mode)
    exp = exp.astype(fdt)
    if fdt.kind in "fc":
        bound = ref_correlate_window(np.abs(x1), np.abs(x2), starts, lengths) \
            if mode == "valid" else abs_bound(ref_convolve, x1, x2, mode)
        tol = (4 * max(min(in1.size, in2.size), 1) * eps_of(fdt) * np.abs(bound)
               + fft_tol(x1, x2, fdt))
    else:
        tol = 0
    compare(got, exp, tol, what)


@pytest.mark.parametrize("n1,n2", [(2000, 1000), (8000, 4000), (20000, 10000)])
def test_auto_keeps_large_integers_exact(n1, n2):
    """'auto' promises exact integer results.  Here every worst-case sum
    m * m * overlap stays just below 2**52 (the cost model's exactness
    limit): the outputs are about 4.5e15, where float64's spacing is 0.5-1,
    so an FFT rounds some of them to the wrong integer.  (Which sizes 'auto'
    sends to the FFT depends on the cost model; all must be exact.)"""
    m = int((2**52 / n2) ** 0.5) - 1
    rng = np.random.default_rng(1)
    a = rng.integers(m - 1000, m, n1, dtype=np.int64)
    k = rng.integers(m - 1000, m, n2, dtype=np.int64)
    exp = np.convolve(a, k, "valid")  # exact: every sum < 2**52 fits int64
    got = fastconv.convolve(a, k, "valid", method="auto")
    wrong = np.count_nonzero(got != exp)
    assert wrong == 0, (
        f"auto chose {fastconv.choose_conv_method(a, k, 'valid')!r}: {wrong} of "
        f"{exp.size} outputs wrong, max error {np.abs(got - exp).max()}")
