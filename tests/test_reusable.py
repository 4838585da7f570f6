"""fastconv.ConvPlan: a kernel fixed once, many inputs.

A plan's call must return what the one-shot function returns with the
plan's method (same dtype, shape and bits), for every dtype, mode,
boundary, convolve/correlate, workers 1 and 2 and out=; bad arguments raise
naming the argument; inputs are never modified.
"""
import threading
import warnings

import numpy as np
import pytest

import fastconv
from fastconv import ConvPlan
from reference import abs_bound, ref_convolve, ref_correlate

MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm", "reflect", "nearest")


def rand(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(0 if dtype.kind == "u" else -50, 50, size=shape, dtype=dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    x = rng.standard_normal(shape)
    if dtype.kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def one_shot(plan_kwargs, in1, kernel, **extra):
    kw = dict(plan_kwargs)
    func = fastconv.correlate if kw.pop("correlate", False) else fastconv.convolve
    mode = kw.pop("mode", "full")
    return func(in1, kernel, mode, **kw, **extra)


def check_calls(rng, kernel, shape, dtype, n=3, **kw):
    """Every call of the plan equals the one-shot call with the plan's
    method, bit for bit; the inputs are not modified."""
    plan = ConvPlan(kernel, shape, dtype, **kw)
    kw = dict(kw, method=plan.method)
    k_before = np.array(kernel, copy=True)
    for _ in range(n):
        x = rand(rng, shape, dtype)
        x_before = x.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            got = plan(x)
            exp = one_shot(kw, x, kernel)
        assert got.dtype == exp.dtype and got.shape == exp.shape
        np.testing.assert_array_equal(got, exp)
        np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(kernel, k_before)
    return plan


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_float_dtypes_modes(dtype, mode, method, workers):
    rng = np.random.default_rng(0)
    for shape, kshape in [((60, 47), (7, 5)), ((500,), (33,)), ((12, 10, 9), (3, 4, 2))]:
        k = rand(rng, kshape, dtype)
        check_calls(rng, k, shape, dtype, mode=mode, method=method, workers=workers)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.int64, bool])
@pytest.mark.parametrize("mode", MODES)
def test_integer_dtypes_direct(dtype, mode):
    rng = np.random.default_rng(1)
    k = rand(rng, (5, 3), dtype)
    plan = check_calls(rng, k, (40, 33), dtype, mode=mode)
    assert plan.method == "direct"        # 'auto' on integers


@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", ["full", "same"])
@pytest.mark.parametrize("correlate", [False, True])
def test_boundaries_and_correlate(boundary, mode, correlate, method):
    rng = np.random.default_rng(2)
    for dtype in (np.float64, np.complex64):
        k = rand(rng, (5, 4), dtype)
        check_calls(rng, k, (23, 19), dtype, mode=mode, boundary=boundary, method=method,
                    correlate=correlate, fillvalue=0 if boundary != "fill" else 1.5)


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_axes_batch(method):
    rng = np.random.default_rng(3)
    k = rand(rng, (1, 9), np.float64)
    check_calls(rng, k, (6, 200), np.float64, mode="same", axes=1, method=method)


def test_kernel_larger_than_input():
    """One-shot calls swap the inputs there; the plan gives the same."""
    rng = np.random.default_rng(4)
    for method in ("direct", "fft"):
        check_calls(rng, rand(rng, (30, 25), np.float64), (7, 6), np.float64, mode="full",
                    method=method)


@pytest.mark.parametrize("shape, kshape, dtype", [
    ((300, 280), (31, 31), np.float32), ((40, 30), (3, 3), np.float64),
    ((4000,), (700,), np.complex64), ((30, 30, 30), (9, 9, 9), np.float32)])
def test_auto_is_the_one_shot_choice(shape, kshape, dtype):
    """'auto' takes the method a one-shot call with 'auto' takes (the same
    cost model), so a plan returns the one-shot default's bits."""
    rng = np.random.default_rng(5)
    k = rand(rng, kshape, dtype)
    plan = ConvPlan(k, shape, dtype, mode="same")
    x = rand(rng, shape, dtype)
    assert plan.method == fastconv.choose_conv_method(x, k, "same")
    np.testing.assert_array_equal(plan(x), fastconv.convolve(x, k, "same"))


def test_auto_integers_exact_for_any_input():
    """Integers: the plan cannot look at its future inputs, so 'auto' takes
    the FFT only where it is exact for every value of the dtype; a one-shot
    call on small values may take it where the plan does not."""
    rng = np.random.default_rng(8)
    # (a kernel so large that some int16 input would not be exact in
    # float64: x's dtype bound times the kernel's own norm is past the limit)
    k = rng.integers(-30000, 30001, (64, 64)).astype(np.int16)
    x = rng.integers(-3, 4, (512, 512)).astype(np.int16)
    plan = ConvPlan(k, x.shape, np.int16, mode="same")
    assert fastconv.choose_conv_method(x, k, "same") == "fft"
    assert plan.method == "direct"
    np.testing.assert_array_equal(plan(x), fastconv.convolve(x, k, "same"))
    ku = rng.integers(0, 4, (64, 64)).astype(np.uint8)   # (not an outer product)
    u8 = ConvPlan(ku, (512, 512), np.uint8, mode="same")
    assert u8.method == "fft"          # every uint8 input is exact in float64
    xu = rng.integers(0, 256, (512, 512)).astype(np.uint8)
    np.testing.assert_array_equal(u8(xu), fastconv.convolve(xu, ku, "same", method="direct"))


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_out(method):
    rng = np.random.default_rng(6)
    k = rand(rng, (9, 7), np.float32)
    plan = ConvPlan(k, (50, 40), np.float32, "same", method=method)
    for out_dtype, order in [(np.float32, "C"), (np.float64, "C"), (np.float32, "F"),
                             (np.complex64, "C")]:
        x = rand(rng, (50, 40), np.float32)
        out = np.full((50, 40), -7, dtype=out_dtype, order=order)
        got = plan(x, out=out)
        assert got is out
        exp = fastconv.convolve(x, k, "same", method=method).astype(out_dtype)
        np.testing.assert_array_equal(out, exp)
    # an out that is the input itself: computed aside first
    x = rand(rng, (50, 40), np.float32)
    exp = fastconv.convolve(x, k, "same", method=method)
    np.testing.assert_array_equal(plan(x, out=x), exp)


def test_reuse_after_nan_input():
    """Buffers kept between FFT calls carry nothing from one call to the next."""
    rng = np.random.default_rng(7)
    k = rand(rng, (15, 15), np.float32)
    plan = ConvPlan(k, (200, 170), np.float32, "same", method="fft", workers=2)
    bad = rand(rng, (200, 170), np.float32)
    bad[100, 80] = np.nan
    with pytest.warns(RuntimeWarning, match="NAN or inf"):
        plan(bad)
    x = rand(rng, (200, 170), np.float32)
    np.testing.assert_array_equal(plan(x), fastconv.convolve(x, k, "same", method="fft",
                                                             workers=2))


def test_threads_share_a_plan():
    rng = np.random.default_rng(8)
    k = rand(rng, (11, 11), np.float64)
    plan = ConvPlan(k, (120, 110), np.float64, "same", method="fft")
    xs = [rand(rng, (120, 110), np.float64) for _ in range(8)]
    exp = [fastconv.convolve(x, k, "same", method="fft") for x in xs]
    got = [None] * len(xs)

    def work(i):
        for _ in range(5):
            got[i] = plan(xs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(xs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for g, e in zip(got, exp):
        np.testing.assert_array_equal(g, e)


def test_kernel_is_copied():
    k = np.array([1.0, 2.0, 3.0])
    plan = ConvPlan(k, (6,), method="direct")
    k[:] = 0
    np.testing.assert_array_equal(plan(np.ones(6)), fastconv.convolve(np.ones(6),
                                                                       [1.0, 2.0, 3.0]))


def test_repr_and_attributes():
    plan = ConvPlan(np.ones((3, 3)), (10, 12), np.float32, "valid", method="fft")
    assert plan.shape == (10, 12) and plan.dtype == np.float32 and plan.method == "fft"
    assert repr(plan) == ("ConvPlan(convolve, kernel shape (3, 3), input (10, 12) float32, "
                          "mode='valid', boundary='fill', method='fft')")


# ---------------------------------------------------------------- errors --

@pytest.fixture
def plan():
    return ConvPlan(np.ones((3, 3), np.float32), (8, 9), np.float32, "same")


@pytest.mark.parametrize("bad, exc, name", [
    (np.ones((8, 10), np.float32), ValueError, "in1"),
    (np.ones((9, 8), np.float32), ValueError, "in1"),
    (np.ones(72, np.float32), ValueError, "in1"),
    (np.ones((8, 9), np.float64), TypeError, "in1"),
    (np.ones((8, 9), np.int32), TypeError, "in1"),
    (np.ones((8, 9)).tolist(), TypeError, "in1"),
    (None, TypeError, "in1"),
    ("abc", TypeError, "in1"),
])
def test_bad_inputs(plan, bad, exc, name):
    with pytest.raises(exc, match=name):
        plan(bad)


@pytest.mark.parametrize("out, exc", [
    (np.empty((8, 8), np.float32), ValueError),
    (np.empty((8, 9), np.int32), TypeError),
    ([0.0] * 72, TypeError),
])
def test_bad_out_untouched(plan, out, exc):
    before = np.array(out, copy=True)
    with pytest.raises(exc, match="out"):
        plan(np.ones((8, 9), np.float32), out=out)
    np.testing.assert_array_equal(np.asarray(out), before)


@pytest.mark.parametrize("args, kwargs, exc, name", [
    ((np.ones(3), (5, 5)), {}, ValueError, "dimension|ndim|in1|in2"),
    ((np.ones(3), "abc"), {}, TypeError, "shape"),
    ((np.ones(3), (-1,)), {}, ValueError, "shape"),
    ((np.ones(3), (5,), "not-a-dtype"), {}, TypeError, "dtype"),
    ((np.ones(3), (5,)), {"mode": "middle"}, ValueError, "mode"),
    ((np.ones(3), (5,)), {"method": "magic"}, ValueError, "method"),
    ((np.ones(3), (5,)), {"boundary": "bounce"}, ValueError, "boundary"),
    ((np.ones(3), (5,)), {"workers": 0}, ValueError, "workers"),
    ((np.ones(3), (5,)), {"axes": 3}, (ValueError, np.exceptions.AxisError), "ax"),
    ((np.ones((7, 3)), (5, 5)), {"mode": "valid"}, ValueError, "valid"),
    ((None, (5,)), {}, TypeError, "in2"),
    ((np.array(["a", "b"]), (5,)), {}, TypeError, "in2"),
])
def test_bad_construction(args, kwargs, exc, name):
    with pytest.raises(exc, match=name):
        ConvPlan(*args, **kwargs)


# ------------------------------------------------------- planner='measure' --

def _close_to_reference(got, x, k, mode, boundary="fill", fillvalue=0, correlate=False):
    """got equals the slow reference within FFT rounding: 64 eps per unit
    of sum |x| |k| (the bound of tests/test_fft.py)."""
    ref_f = ref_correlate if correlate else ref_convolve
    ref = ref_f(x, k, mode, boundary, fillvalue)
    bound = abs_bound(ref_f, x, k, mode, boundary, fillvalue)
    eps = np.finfo(got.dtype).eps
    assert got.dtype == ref.dtype and got.shape == ref.shape
    assert np.all(np.abs(got.astype(np.complex128) - ref) <= 64 * eps * (bound + 1))


@pytest.mark.parametrize("dtype, workers", [(np.float32, 1), (np.float64, 2),
                                            (np.complex64, 2), (np.complex128, 1)])
def test_measure_matches_one_shot(dtype, workers):
    """planner='measure': the one-shot result within rounding (and the slow
    reference), whatever tiles the timing chose; inputs not modified."""
    rng = np.random.default_rng(11)
    for shape, kshape, mode, boundary, corr in [
            ((300, 260), (13, 11), "same", "fill", False),
            ((200, 90), (9, 21), "full", "symm", True),
            ((3000,), (101,), "valid", "fill", False),
            ((40, 36, 30), (5, 3, 4), "same", "wrap", False)]:
        k = rand(rng, kshape, dtype)
        kw = dict(mode=mode, boundary=boundary, correlate=corr, method="fft", workers=workers)
        plan = ConvPlan(k, shape, dtype, planner="measure", **kw)
        assert plan.planner == "measure" and len(plan.tiles) == len(shape)
        assert all(kn <= p for kn, p in zip(kshape, plan.tiles))
        for _ in range(2):
            x = rand(rng, shape, dtype)
            x_before = x.copy()
            got = plan(x)
            exp = one_shot(kw, x, k)
            assert got.dtype == exp.dtype and got.shape == exp.shape
            _close_to_reference(got, x, k, mode, boundary, correlate=corr)
            np.testing.assert_array_equal(x, x_before)
            if plan.tiles == ConvPlan(k, shape, dtype, **kw).tiles:   # the engine's own
                np.testing.assert_array_equal(got, exp)


def test_measure_vs_scipy():
    scipy_signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(12)
    k = rand(rng, (31, 31), np.float32)
    x = rand(rng, (260, 250), np.float32)
    plan = ConvPlan(k, x.shape, np.float32, "same", planner="measure")
    assert plan.method == "fft"
    got = plan(x)
    exp = scipy_signal.fftconvolve(x.astype(np.float64), k.astype(np.float64), "same")
    scale = np.abs(x).max() * np.abs(k).sum()
    assert np.max(np.abs(got - exp)) <= 64 * np.finfo(np.float32).eps * scale


def test_measure_same_bits_for_every_workers():
    """A measured plan's calls with 2 threads equal its engine on one thread."""
    rng = np.random.default_rng(13)
    k = rand(rng, (17, 17), np.float32)
    plan = ConvPlan(k, (500, 470), np.float32, "same", method="fft", workers=2,
                    planner="measure")
    x = rand(rng, (500, 470), np.float32)
    one = np.empty((500, 470), np.float32)
    plan._engine.run(x, one, 1)
    np.testing.assert_array_equal(plan(x), one)


def test_tiles_attribute():
    rng = np.random.default_rng(14)
    k = rand(rng, (9, 9), np.float64)
    direct = ConvPlan(k, (30, 30), method="direct")
    assert direct.tiles is None and direct.planner == "estimate"
    est = ConvPlan(k, (300, 200), method="fft")
    assert est.tiles == fastconv._fftcore.tile_shape((9, 9), (308, 208), np.float64)
    # planner is ignored where the engine does not run
    meas = ConvPlan(k, (30, 30), method="direct", planner="measure")
    assert meas.tiles is None
    x = rand(rng, (30, 30), np.float64)
    np.testing.assert_array_equal(meas(x), direct(x))


@pytest.mark.parametrize("planner", ["fast", "MEASURE", None, 1, ("measure",)])
def test_bad_planner(planner):
    with pytest.raises(ValueError, match="planner"):
        ConvPlan(np.ones(3), (5,), planner=planner)


@pytest.mark.parametrize("winner", ["direct", "fft"])
def test_measure_times_the_methods(monkeypatch, winner):
    """method='auto' with planner='measure': the method that timed faster
    (timings faked here: direct is timed first), with its results."""
    import fastconv._reusable as reusable
    times = iter([1.0, 2.0] * 20 if winner == "direct" else [2.0, 1.0] * 20)
    calls = []

    def fake_seconds(run):
        run()
        calls.append(1)
        return next(times)

    monkeypatch.setattr(reusable, "estimate_times", lambda plan: (1e-3, 1.5e-3))
    monkeypatch.setattr(reusable, "_tile_candidates", lambda K, L, P: [])
    monkeypatch.setattr(reusable, "_seconds", fake_seconds)
    rng = np.random.default_rng(15)
    k = rand(rng, (7, 6), np.float64)
    plan = ConvPlan(k, (40, 50), np.float64, "same", planner="measure", workers=2)
    assert plan.method == winner and len(calls) == 2
    assert (plan.tiles is None) == (winner == "direct")
    x = rand(rng, (40, 50), np.float64)
    np.testing.assert_array_equal(plan(x), fastconv.convolve(x, k, "same", method=winner,
                                                             workers=2))
