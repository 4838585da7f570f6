"""Separable kernels (fastconv.sepconvolve / sepcorrelate, the detection in
convolve/correlate/convolve2d/correlate2d, the internal entry
_separable.plan_passes) and box sums.

Every result is compared with the dense outer-product kernel run through
the slow NumPy reference (tests/reference.py) and fastconv's dense direct
method, and with scipy.signal / scipy.ndimage where they have the
operation: exactly for integers, within the error bound for floats.
"""
import math

import numpy as np
import pytest

import fastconv
from fastconv._execute import execute
from fastconv._factors import BOX_MIN_TAPS, RHO_MAX_ULPS, factor_kernel
from fastconv._plan import make_plan, with_method
from fastconv._separable import RESTART, plan_passes

from helpers import rand
from reference import abs_bound, ref_convolve, ref_correlate

signal = pytest.importorskip("scipy.signal")
ndimage = pytest.importorskip("scipy.ndimage")

BOUNDARIES = ["fill", "wrap", "symm", "reflect", "nearest"]
MODES = ["full", "same", "valid"]


def _outer(ks, dtype=None):
    dt = dtype or np.result_type(*ks)
    dense = np.ones((1,) * len(ks), dt)
    for a, k in enumerate(ks):
        shape = [1] * len(ks)
        shape[a] = len(k)
        dense = dense * np.asarray(k).astype(dt).reshape(shape)
    return dense


def _check(res, ref, bound, dtype):
    assert res.dtype == ref.dtype
    assert res.shape == ref.shape
    if np.dtype(dtype).kind in "iu":
        np.testing.assert_array_equal(res, ref)
    else:
        eps = np.finfo(res.dtype).eps
        assert np.all(np.abs(res.astype(np.float64) - ref.astype(np.float64))
                      <= 8 * eps * bound + 1e-300)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int16, np.int64])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("func", ["sepconvolve", "sepcorrelate"])
def test_matches_dense_reference(dtype, mode, boundary, func):
    rng = np.random.default_rng(hash((str(dtype), mode, boundary, func)) % 2**32)
    x = rand((23, 30), dtype, rng)
    ks = [rand((5,), dtype, rng), rand((4,), dtype, rng)]   # odd and even
    fill = 3 if boundary == "fill" else 0
    dense = _outer(ks)
    ref_fn = ref_convolve if func == "sepconvolve" else ref_correlate
    ref = ref_fn(x, dense, mode, boundary, fill)
    res = getattr(fastconv, func)(x, ks, mode, method="direct", boundary=boundary,
                                  fillvalue=fill)
    bound = abs_bound(ref_fn, x, dense, mode, boundary, fill) * 2 if dtype in (
        np.float32, np.float64) else None
    _check(res, ref, bound, dtype)
    dense_fc = getattr(fastconv, func.replace("sep", ""))(
        x, dense, mode, method="direct", boundary=boundary, fillvalue=fill)
    _check(res, dense_fc, bound, dtype)


@pytest.mark.parametrize("mode", MODES)
def test_nd_axes_against_scipy(mode):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((9, 11, 6, 5))
    ks = [rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal(2)]
    axes = (2, 0, 1)          # kernels[i] along axes[i]
    dense = np.ones((1, 1, 1, 1))
    for k, a in zip(ks, axes):
        shape = [1] * 4
        shape[a] = k.size
        dense = dense * k.reshape(shape)
    res = fastconv.sepconvolve(x, ks, mode, axes=axes)
    ref = signal.convolve(x, dense, mode)
    np.testing.assert_allclose(res, ref, rtol=1e-12, atol=1e-12)
    res = fastconv.sepcorrelate(x, ks, mode, axes=axes, method="fft")
    np.testing.assert_allclose(res, signal.correlate(x, dense, mode), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_nd_boundaries_three_axes(boundary):
    rng = np.random.default_rng(3)
    x = rng.integers(-50, 50, (7, 8, 9)).astype(np.int32)
    ks = [np.array([1, -2, 3]), np.array([2, 1]), np.array([1, 0, 0, -1])]
    dense = _outer(ks, np.int64)
    for mode in MODES:
        res = fastconv.sepcorrelate(x, ks, mode, boundary=boundary, fillvalue=-4)
        ref = ref_correlate(x, dense, mode, boundary, -4)
        np.testing.assert_array_equal(res, ref)


def test_integer_wrapping_bit_identical():
    rng = np.random.default_rng(11)
    # full range: products wrap; large enough that make_plan looks for
    # factors (tiny problems go direct without, _method.surely_direct)
    x = rand((160, 170), np.int32, rng)
    u = rand((7,), np.int32, rng, full_range=False)
    v = np.array([1, -3, 5, 9, -2], np.int32)
    k = np.outer(u, v).astype(np.int32)   # (factors exact over the integers)
    plan = make_plan("correlate2d", x, k, "same", "direct", boundary="symm")
    assert plan.factors is not None
    sep = execute(with_method(plan, "separable"))
    np.testing.assert_array_equal(sep, execute(with_method(plan, "direct")))
    np.testing.assert_array_equal(sep, signal.correlate2d(x, k, "same", "symm"))


def test_detection_takes_float_outer_products():
    rng = np.random.default_rng(5)
    g = np.exp(-np.linspace(-3, 3, 31) ** 2)
    k = np.outer(g, g).astype(np.float32)
    x = rng.random((300, 280), dtype=np.float32)
    plan = make_plan("convolve2d", x, k, "same", "direct")
    assert plan.method == "separable"
    res = fastconv.convolve2d(x, k, "same")
    ref = ref_convolve(x.astype(np.float64), k.astype(np.float64), "same")
    bound = abs_bound(ref_convolve, x, k, "same")
    # within the dense direct method's own bound gamma_N sum|x||k|
    n = k.size
    u = np.finfo(np.float32).eps / 2
    assert np.all(np.abs(res - ref) <= n * u / (1 - n * u) * bound)
    assert np.abs(res - ref).max() > 0     # (the check is not vacuous)


@pytest.mark.parametrize("case", ["random", "perturbed", "small", "rank2", "complex", "bool"])
def test_detection_rejects(case):
    rng = np.random.default_rng(9)
    g = rng.random(8) + 0.5
    work = np.dtype(np.float64)
    if case == "random":
        k = rng.random((8, 8))
    elif case == "perturbed":           # near-separable: a few hundred ulps off
        k = np.outer(g, g)
        k[3, 4] *= 1 + 300 * np.finfo(np.float64).eps
    elif case == "small":               # 3x3: 6 + 1 + rho > 9 taps' bound
        k = np.outer(g[:3], g[:3])
    elif case == "rank2":
        k = np.outer(g, g) + np.outer(g[::-1], g[::-1] ** 2)
    elif case == "complex":
        k = np.outer(g, g) * 1j
        work = np.dtype(np.complex128)
    else:
        k = np.outer(g > 1, g > 1)
        work = np.dtype(np.uint32)
    assert factor_kernel(k, (True, True), work, np.dtype(np.float64)) is None
    x = rng.random((40, 40))
    assert make_plan("convolve2d", x, k, "same", "direct").method == "direct"


def test_detection_accepts_rounded_outer_product():
    rng = np.random.default_rng(2)
    for n in (4, 9, 31):
        g = (rng.random(n) + 0.1).astype(np.float32)
        k = np.outer(g, g)
        f = factor_kernel(k, (True, True), np.dtype(np.float32), np.dtype(np.float32))
        assert f is not None
        resid = np.abs(np.outer(f[0].astype(np.float64), f[1]) - k) / k
        assert resid.max() <= RHO_MAX_ULPS * np.finfo(np.float32).eps / 2


def _same_answers(quick, exact):
    """Assert that two lists of factor_kernel answers are the same; the
    number of kernels taken."""
    taken = 0
    for q, e in zip(quick, exact):
        assert (q is None) == (e is None)
        if e is not None:
            taken += 1
            assert all(np.array_equal(a, b) for a, b in zip(q, e))
    return taken


def test_quick_rejection_agrees_with_the_exact_test(monkeypatch):
    """The looks at a 2x2 minor and at a few corners in float64 before the
    long double test (`_factors._minor_shows_not_outer` on the minor
    `factor_probe` names, `_clearly_not_outer`)
    reject no kernel the exact test takes:
    over exact, rounded and slightly perturbed outer products (zeros, tiny
    and huge values, signs, NaN and inf included), 2-D and 3-D, float32
    and float64, the answers are the same with and without it."""
    from fastconv import _factors
    rng = np.random.default_rng(11)
    kernels = []
    for i in range(400):
        dt = (np.float32, np.float64)[i % 2]
        shape = [(4, 5), (9, 9), (3, 4, 5), (31, 2)][i % 4]
        e = 12 if dt == np.float32 else 90          # (products stay in range)
        fs = [rng.standard_normal(n) * 10.0 ** rng.integers(-e, e) for n in shape]
        for f in fs:
            f[rng.random(f.size) < 0.2] = 0
        k = fs[0].reshape(-1, *([1] * (len(shape) - 1)))
        for a, f in enumerate(fs[1:], 1):
            k = k * f.reshape([-1 if b == a else 1 for b in range(len(shape))])
        k = k.astype(dt)
        v = i % 5
        if v == 1:      # one tap off by a few units of rounding
            j = tuple(rng.integers(0, n) for n in shape)
            k[j] *= 1 + rng.integers(1, 9) * np.finfo(dt).eps
        elif v == 2:    # off by much more, at a corner or inside
            j = (0,) * len(shape) if i % 3 else tuple(n // 2 for n in shape)
            k[j] += 1e-3 * np.abs(k).max()
        elif v == 3:
            k.flat[rng.integers(0, k.size)] = (np.nan, np.inf, -np.inf)[i % 3]
        elif v == 4:
            k = rng.standard_normal(shape).astype(dt)
        kernels.append(k)
    conv = {2: (True, True), 3: (True, True, True)}
    quick = [factor_kernel(k, conv[k.ndim], k.dtype, k.dtype) for k in kernels]
    probed = [factor_kernel(k, conv[k.ndim], k.dtype, k.dtype,
                            _factors.factor_probe(k.shape, conv[k.ndim], k.dtype))
              for k in kernels]
    monkeypatch.setattr(_factors, "_clearly_not_outer", lambda Kf, factors: False)
    monkeypatch.setattr(_factors, "_minor_shows_not_outer", lambda a, b, c, d, rel: False)
    exact = [factor_kernel(k, conv[k.ndim], k.dtype, k.dtype) for k in kernels]
    assert 40 < _same_answers(quick, exact) < 300     # both answers occur
    assert _same_answers(probed, exact) == _same_answers(quick, exact)


def test_integer_quick_rejection_agrees_with_the_exact_test(monkeypatch):
    """The exact look at the leading 2x2 minor (`_factors._minor_shows_not_outer`)
    and the one-pass rank test of the first unfolding (`_not_rank_one`,
    8- and 16-bit integer kernels) reject no kernel the exact test takes:
    over outer products (zeros, signs, a zero first row), ones with a tap
    changed, ones whose first unfolding is rank one but not the rest (f0 x G,
    G of rank two), random and all-zero kernels, 2-D and 3-D, the answers
    are the same with and without them."""
    from fastconv import _factors
    rng = np.random.default_rng(12)
    kernels = []
    for i in range(300):
        dt = (np.uint8, np.int8, np.int16, np.uint16)[i % 4]
        shape = [(3, 3), (5, 4), (3, 4, 5), (9, 9, 9)][i % 4]
        lo = 0 if np.dtype(dt).kind == "u" else -5
        fs = [rng.integers(lo, 6, n) for n in shape]
        if i % 7 == 0:
            fs[0][0] = 0
        k = fs[0].reshape(-1, *([1] * (len(shape) - 1)))
        for a, f in enumerate(fs[1:], 1):
            k = k * f.reshape([-1 if b == a else 1 for b in range(len(shape))])
        v = i % 5
        if v == 1:
            k.flat[rng.integers(0, k.size)] += 1
        elif v == 2 and len(shape) == 3:
            g = rng.integers(lo, 6, shape[1:])
            k = fs[0].reshape(-1, 1, 1) * g
        elif v == 3:
            k = rng.integers(lo, 6, shape)
        elif v == 4 and i % 3 == 0:
            k = np.zeros(shape, int)
        kernels.append(k.astype(dt))
    conv = {2: (True, True), 3: (True, True, True)}
    work = {1: np.dtype(np.uint8), 2: np.dtype(np.uint16)}

    def answers():
        return [factor_kernel(k, conv[k.ndim], work[k.itemsize], k.dtype) for k in kernels]
    assert _factors._not_rank_one(np.arange(9, dtype=np.int16).reshape(3, 3) ** 2)
    assert not _factors._not_rank_one(np.outer([0, 1, 2], [3, 0, 1]).astype(np.int8))
    quick = answers()
    monkeypatch.setattr(_factors, "_not_rank_one", lambda K: False)
    monkeypatch.setattr(_factors, "_minor_shows_not_outer", lambda a, b, c, d, rel: False)
    exact = answers()
    assert 40 < _same_answers(quick, exact) < 250     # both answers occur


@pytest.mark.parametrize("kshape, conv", [((3, 1, 4), (True, False, True)),
                                          ((1, 5, 2, 3), (False, True, True, True)),
                                          ((2, 7), (True, True)), ((1, 6, 2), (True, True, True))])
def test_factor_probe_reads_the_leading_minor(kshape, conv):
    """`_factors.factor_probe` (kept per call signature) names the kernel
    elements of the 2x2 minor `_minor_shows_not_outer` judges, of the kernel
    reshaped to its convolved axes, for flipped views and batch axes too;
    no minor (a convolved first axis of 1) gives None, and shapes or
    dtypes that are never factored give False."""
    from fastconv import _factors
    k = np.arange(1, math.prod(kshape) + 1, dtype=np.float64).reshape(kshape) ** 1.5
    for view in (k, k[tuple(slice(None, None, -1) for _ in kshape)]):
        probe = _factors.factor_probe(view.shape, conv, view.dtype)
        K = view.reshape([n for n, c in zip(kshape, conv) if c])
        M = K.reshape(K.shape[0], -1)
        if M.shape[0] < 2:
            assert probe is None
            continue
        assert [view.item(i) for i in probe] == M[:2, :2].ravel().tolist()
    assert _factors.factor_probe((4, 4), (True, True), np.dtype(np.complex64)) is False
    assert _factors.factor_probe((2, 2), (True, True), np.dtype(np.float32)) is False
    assert _factors.factor_probe((1, 9), (True, True), np.dtype(np.int16)) is False


def test_integer_kernels_detected_exactly():
    k = np.outer([1, 2, 1], [1, 0, -1])               # Sobel
    f = factor_kernel(k, (True, True), np.dtype(np.uint16), np.dtype(np.int16))
    assert f is not None
    np.testing.assert_array_equal(np.outer(f[0].astype(np.int64), f[1].astype(np.int16)) % 2**16,
                                  k % 2**16)
    k[0, 0] = 2
    assert factor_kernel(k, (True, True), np.dtype(np.uint16), np.dtype(np.int16)) is None


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("taps", [(9, 8), (BOX_MIN_TAPS + 3, BOX_MIN_TAPS + 4)])
def test_workers_bit_identical(boundary, taps):
    rng = np.random.default_rng(1)
    x = rng.random((517, 389), dtype=np.float32)
    ks = [rng.random(taps[0]).astype(np.float32), rng.random(taps[1]).astype(np.float32)]
    if taps[0] > 9:   # box sums
        ks = [np.full(taps[0], 0.25, np.float32), np.full(taps[1], 0.5, np.float32)]
    r1 = fastconv.sepcorrelate(x, ks, "same", method="direct", boundary=boundary, workers=1)
    r2 = fastconv.sepcorrelate(x, ks, "same", method="direct", boundary=boundary, workers=2)
    np.testing.assert_array_equal(r1, r2)
    ref = ref_correlate(x.astype(np.float64), _outer([k.astype(np.float64) for k in ks]),
                        "same", boundary)
    np.testing.assert_allclose(r1, ref, rtol=2e-5, atol=2e-5 * np.abs(ref).max())


@pytest.mark.parametrize("axis", [0, 1])
def test_box_sum_error_bound_on_1e7_samples(axis):
    """Box sums of 10**7 float32 samples (running sums restarted every B
    rows along axis 0, every B columns along the last axis, fc_sep.h): the
    error stays under the stated bounds, (m + 2 B) u W (vertical) and
    3 (m + B) u W (horizontal), W the sum of |values| summed since the
    restart, everywhere along the signal."""
    m, n = 63, 10**7
    rng = np.random.default_rng(0)
    sig = (rng.random(n, dtype=np.float32) * 100 + 1000).astype(np.float32)
    x = sig.reshape((n, 1) if axis == 0 else (1, n))
    w = np.ones(m, np.float32)
    res = fastconv.sepcorrelate(x, [w], "valid", axes=axis, method="direct").reshape(-1)
    c = np.concatenate([[0], np.cumsum(sig.astype(np.longdouble))])
    exact = (c[m:] - c[:-m]).astype(np.float64)
    err = np.abs(res.astype(np.float64) - exact)
    u = np.finfo(np.float32).eps / 2
    W = (m + RESTART) * float(sig.max())
    bound = (m + 2 * RESTART) * u * W if axis == 0 else 3 * (m + RESTART) * u * W
    assert err.max() <= bound
    # and it does not grow along the signal
    assert err[-n // 10:].max() <= 2 * err[: n // 10].max() + u * exact.max()


def test_box_sums_integers_exact():
    rng = np.random.default_rng(4)
    x = rand((300, 1000), np.int32, rng)
    ks = [np.full(40, 7, np.int32), np.full(BOX_MIN_TAPS, -3, np.int32)]
    for boundary in BOUNDARIES:
        plan = make_plan("sepcorrelate", x, _outer(ks), "same", "direct", boundary=boundary,
                         fillvalue=5, factors=ks)
        assert plan.method == "separable" and plan.box == (True, True)
        res = execute(plan)
        np.testing.assert_array_equal(res, execute(with_method(plan, "direct")))
    k = np.ones((30, 20), np.int64)              # a constant kernel in convolve
    plan = make_plan("convolve", x.astype(np.int64), k, "same", "direct")
    assert plan.box == (True, True)
    np.testing.assert_array_equal(execute(plan), execute(with_method(plan, "direct")))


@pytest.mark.parametrize("mode,boundary", [("reflect", "symm"), ("mirror", "reflect"),
                                           ("nearest", "nearest"), ("wrap", "wrap"),
                                           ("constant", "fill")])
@pytest.mark.parametrize("origin", [-1, 0, 2])
def test_plan_passes_is_ndimage_correlate1d(mode, boundary, origin):
    rng = np.random.default_rng(6)
    x = rng.random((40, 33, 6))
    w = rng.random(7)
    for axis in range(3):
        ref = ndimage.correlate1d(x, w, axis=axis, mode=mode, cval=1.5, origin=origin)
        plan = plan_passes(x, [w], [axis], [-(w.size // 2) - origin], boundary, 1.5)
        np.testing.assert_allclose(execute(plan), ref, rtol=1e-13, atol=1e-13)
    # uint8 data accumulated in float64, as ndimage does
    x8 = rng.integers(0, 256, (50, 45), dtype=np.uint8)
    ref = ndimage.correlate1d(x8, w, axis=0, mode=mode, output=np.float64, origin=origin)
    plan = plan_passes(x8, [w], [0], [-(w.size // 2) - origin], boundary, dtype=np.float64)
    np.testing.assert_allclose(execute(plan), ref, rtol=1e-13, atol=1e-12)


def test_gaussian_2d_matches_ndimage():
    rng = np.random.default_rng(8)
    x = rng.random((120, 97)).astype(np.float32)
    sigma, r = 2.0, 8
    t = np.arange(-r, r + 1)
    g = np.exp(-0.5 * t ** 2 / sigma ** 2)
    g /= g.sum()
    res = fastconv.sepcorrelate(x, [g.astype(np.float32)] * 2, "same", boundary="symm")
    ref = ndimage.gaussian_filter(x.astype(np.float64), sigma, mode="reflect")
    np.testing.assert_allclose(res, ref, rtol=1e-5, atol=1e-6)


def test_auto_prices_the_separable_plan():
    rng = np.random.default_rng(12)
    g = rng.random(21) + 0.5
    x = rng.random((512, 512), dtype=np.float32)
    k = np.outer(g, g).astype(np.float32)
    assert make_plan("convolve", x, k, "same", "auto", workers=1).method == "separable"
    assert fastconv.choose_conv_method(x, k, "same") == "direct"   # (scipy's names)
    # a kernel the size of the image: the FFT is cheaper than 2 x 400 taps
    big = np.outer(rng.random(400), rng.random(400))
    assert make_plan("convolve", x.astype(np.float64), big, "same", "auto").method == "fft"


def test_bad_kernels():
    x = np.zeros((5, 5))
    with pytest.raises(ValueError, match="kernels"):
        fastconv.sepconvolve(x, [[1, 2]])
    with pytest.raises(ValueError, match=r"kernels\[1\]"):
        fastconv.sepconvolve(x, [[1, 2], [[1], [2]]])
    with pytest.raises(TypeError, match="kernels"):
        fastconv.sepconvolve(x, 3)
    with pytest.raises(TypeError, match=r"kernels\[0\]"):
        fastconv.sepconvolve(x, [["a"], [1]])


def test_inputs_not_modified_and_out():
    rng = np.random.default_rng(13)
    x = rng.random((50, 60))
    ks = [rng.random(5), rng.random(6)]
    x0, k0 = x.copy(), [k.copy() for k in ks]
    out = np.empty((50, 60), np.float64)
    res = fastconv.sepcorrelate(x, ks, "same", boundary="wrap", out=out, workers=2)
    assert res is out
    np.testing.assert_array_equal(x, x0)
    for k, kk in zip(ks, k0):
        np.testing.assert_array_equal(k, kk)
    again = fastconv.sepcorrelate(x, ks, "same", boundary="wrap", workers=1)
    np.testing.assert_array_equal(again, out)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("work", [np.float32, np.float64])
@pytest.mark.parametrize("boundary,fill", [("fill", 0), ("fill", 7), ("fill", -1.5),
                                           ("symm", 0), ("wrap", 0)])
def test_narrow_integer_images_read_directly(dtype, work, boundary, fill):
    """uint8/uint16 images go to float passes without a converted copy; the
    values are those of the converted image (to rounding: FMA contraction may
    differ between the two compiled paths), the same for 1 and 2 threads."""
    rng = np.random.default_rng(14)
    x = rand((61, 75), dtype, rng)
    ks = [rng.random(7).astype(work), rng.random(6).astype(work)]
    for axes in [(0, 1), (1,), (0,)]:
        kk = ks[:len(axes)]
        res = fastconv.sepcorrelate(x, kk, "same", boundary=boundary, fillvalue=fill,
                                    axes=axes, dtype=work)
        ref = fastconv.sepcorrelate(x.astype(work), kk, "same", boundary=boundary,
                                    fillvalue=fill, axes=axes)
        np.testing.assert_allclose(res, ref, rtol=4 * np.finfo(work).eps, atol=0)
    big = rand((700, 300), dtype, rng)
    r1 = fastconv.sepcorrelate(big, ks, "same", boundary=boundary, fillvalue=fill,
                               dtype=work, workers=1)
    r2 = fastconv.sepcorrelate(big, ks, "same", boundary=boundary, fillvalue=fill,
                               dtype=work, workers=2)
    np.testing.assert_array_equal(r1, r2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int32])
@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 63, 127, 128, 129, 300, 1000])
@pytest.mark.parametrize("m", [BOX_MIN_TAPS, 13, 64, 200])
def test_row_box_sums_across_restarts(dtype, n, m):
    """Box sums along rows (running sums restarted every RESTART columns, a
    vector of columns at a time) against the dense reference, for rows that
    end anywhere in a vector or a restart block, boxes longer than the row,
    and integers (exact in the wrapping arithmetic)."""
    rng = np.random.default_rng(n * 1000 + m)
    x = rand((3, n), dtype, rng)
    k = np.full(m, 3 if np.dtype(dtype).kind in "iu" else 0.5, dtype)
    one = np.ones(1, dtype)
    for boundary in ("fill", "symm", "wrap"):
        plan = make_plan("sepcorrelate", x, _outer([one, k]), "same", "direct",
                         boundary=boundary, fillvalue=2, factors=[one, k])
        assert plan.method == "separable" and plan.box == (False, True)
        res = execute(plan)
        ref = execute(with_method(plan, "direct"))
        if np.dtype(dtype).kind in "iu":
            np.testing.assert_array_equal(res, ref)
        else:
            bound = 3 * (m + RESTART) * np.finfo(dtype).eps * 0.5 * (m + RESTART) * 2
            np.testing.assert_allclose(res, ref, rtol=0, atol=bound)


def test_ndimage_float32_results_written_into_output():
    """fastconv.ndimage's float32 filters write the separable passes straight
    into a C-ordered output (the returned array is it); other outputs, and an
    output that is the input, get the same values."""
    from fastconv import ndimage as fndi
    rng = np.random.default_rng(21)
    x = rng.random((70, 90), dtype=np.float32)
    ref = ndimage.uniform_filter(x, 63)
    res = fndi.uniform_filter(x, 63)
    np.testing.assert_allclose(res, ref, rtol=1e-5, atol=1e-6)
    for out in (np.empty_like(x), np.empty_like(x, order="F"), x.copy()):
        src = out if out.flags.c_contiguous and np.array_equal(out, x) else x
        got = fndi.uniform_filter(src, 63, output=out)
        assert got is out
        np.testing.assert_array_equal(out, res)
    g = fndi.gaussian_filter(x, 2, output=np.empty_like(x))
    np.testing.assert_allclose(g, ndimage.gaussian_filter(x, 2), rtol=1e-5, atol=1e-6)


def _streamed_runs(monkeypatch, shape, wd, call):
    """call(out, workers) into out= views of `shape` and dtype `wd` at 0..3
    elements past a cache line's start, with streaming stores off and on
    (_separable.STREAM_MIN_BYTES), on 1 and 2 threads: copies of the results
    (call returns out; the elements around it are left alone)."""
    from fastconv import _separable
    runs = []
    size = math.prod(shape)
    for stream, workers, shift in [(False, 1, 0), (True, 1, 0), (True, 2, 0), (True, 1, 1),
                                   (True, 2, 3)]:
        monkeypatch.setattr(_separable, "STREAM_MIN_BYTES", 0 if stream else 1 << 62)
        base = np.full(size + 32, 77, wd)
        a = (-base.ctypes.data % 64) // wd.itemsize      # (a line's start)
        buf = base[a:a + size + 16]
        out = buf[shift:shift + size].reshape(shape)
        assert call(out, workers) is out
        assert np.all(buf[:shift] == 77) and np.all(buf[shift + size:] == 77)
        runs.append(out.copy())
    return runs


@pytest.mark.parametrize("dtype,work", [(np.float32, None), (np.float64, None),
                                        (np.int32, None), (np.uint8, np.float32)])
@pytest.mark.parametrize("n", [1, 7, 16, 64, 333])
def test_streaming_stores_same_values(monkeypatch, dtype, work, n):
    """Outputs written by streaming stores (fc_sep_stream, for outputs past
    _separable.STREAM_MIN_BYTES) hold the bits of ordinary stores: a horizontal
    pass alone (fc_sep_rows' row-buffer path; weighted and box sums) or a
    vertical one (weighted sums through the row buffer T; box sums, which
    store directly) at output
    rows that start anywhere in a cache line (out= views shifted by 0..3
    elements), for 1 and 2 threads; and the values of the dense plan (also
    for both passes, which are never streamed)."""
    from fastconv import _separable, _sepcore
    rng = np.random.default_rng(n)
    x = rand((45, n), dtype, rng)
    wd = np.dtype(work or dtype)
    ks = [rand((5,), wd, rng), rand((9,), wd, rng)]
    box = [np.full(4, 3, wd), np.full(BOX_MIN_TAPS + 2, 3, wd)]
    for kk, axes in [(ks[1:], (1,)), (ks, (0, 1)), (box, (0, 1)), (box[1:], (1,)),
                     (ks[1:], (0,)), (box[1:], (0,))]:
        runs = _streamed_runs(monkeypatch, x.shape, wd, lambda out, workers: fastconv.sepcorrelate(
            x, kk, "same", axes=axes, boundary="symm", out=out, dtype=work, workers=workers))
        for r in runs[1:]:
            if _sepcore.DEBUG_BUILD and wd == np.float32 and axes == (1,):
                # (-O0: a float32 row pass's 16-row bands (2 threads: none)
                # fuse a * b + c that the row loops round twice, see
                # test_row_pass_16_row_bands_same_bits)
                np.testing.assert_allclose(r, runs[0], rtol=1e-5, atol=1e-5)
            else:
                assert r.tobytes() == runs[0].tobytes(), (axes, n)
        dense = (_outer(kk, wd) if len(axes) == 2 else
                 np.asarray(kk[0]).reshape((1, -1) if axes == (1,) else (-1, 1)))
        ref = fastconv.correlate(x.astype(wd), dense, "same", method="direct",
                                 boundary="symm") if wd.kind == "f" else None
        if ref is None:
            ref = fastconv.correlate(x, dense.astype(dtype), "same", method="direct",
                                     boundary="symm")
            np.testing.assert_array_equal(runs[0], ref)
        else:
            np.testing.assert_allclose(runs[0], ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint16])
def test_vertical_pass_chunks_same_bits(monkeypatch, dtype):
    """A vertical pass alone writes its output rows from the accumulators
    (csrc/fc_sep_impl.h fc_sep_vdirect: short rows in chunks of
    SEP_PRE_BYTES of input, read first), streamed where every row is whole
    64-byte lines; a misaligned out= goes through the row buffer T and
    fc_sep_stream.  Bands of several chunks (1003 rows of 512 or 48 bytes,
    4 and 3 planes), 1 and 2 threads, every boundary: the bits of the row
    buffer path, and the values of the dense plan."""
    rng = np.random.default_rng(7)
    wd = np.dtype(dtype)
    for shape in [(4, 1003, 512 // wd.itemsize), (3, 1003, 48 // wd.itemsize)]:
        x = rand(shape, dtype, rng)
        k = rand((9,), wd, rng)
        for boundary in ("symm", "fill", "wrap", "reflect"):
            runs = _streamed_runs(
                monkeypatch, shape, wd, lambda out, workers: fastconv.sepcorrelate(
                    x, [k], "same", axes=(1,), boundary=boundary, fillvalue=3, out=out,
                    workers=workers))
            for r in runs[1:]:
                assert r.tobytes() == runs[0].tobytes(), (shape, boundary)
            ref = fastconv.correlate(x, k.reshape(1, -1, 1), "same", method="direct",
                                     boundary=boundary, fillvalue=3)
            if wd.kind == "u":
                np.testing.assert_array_equal(runs[0], ref)
            else:
                np.testing.assert_allclose(runs[0], ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_16_row_bands_same_bits_as_4_row_loops(monkeypatch, boundary, mode):
    """float32 kernels of at least 16 taps on both axes run in bands of 16 rows
    through the transposed horizontal pass (AVX-512: csrc/fc_sep_impl.h
    SEP_TILE16).  Each output has the bits of the 4-row loops (work units of 4
    rows never take a 16-row band; a dask block's bands fall elsewhere):
    shapes around the 16 x 16 blocks (a last block moved back, bands of 16
    and leftover rows), kernels of 16 to 40 taps (wider than a block), every
    boundary, window offsets off centre (plan_passes with ndimage's origins),
    1 and 2 threads; values of the dense reference and of ndimage."""
    from fastconv import _separable, _sepcore
    if _sepcore.DEBUG_BUILD:
        pytest.skip("a debug (-O0) build contracts none of the 4-row loops' a * b + c into "
                    "FMAs: they round twice where the bands' FMAs round once")
    rng = np.random.default_rng(len(boundary) * 7 + len(mode))
    fill = 1.5 if boundary == "fill" else 0.0
    cases = [((40, 40), (16, 16)), ((50, 47), (17, 31)), ((70, 100), (31, 20)),
             ((64, 60), (31, 40)), ((33, 16), (16, 16))]
    for shape, taps in cases:
        x = rng.standard_normal(shape).astype(np.float32)
        ks = [rng.standard_normal(m).astype(np.float32) for m in taps]
        if mode == "valid" and any(n < m for n, m in zip(shape, taps)):
            continue
        runs = []
        for units, workers in [(None, 1), (None, 2), (4, 1)]:
            if units:
                monkeypatch.setattr(_separable, "_band_rows", lambda p, oy, nt, *per: units)
            runs.append(fastconv.sepcorrelate(x, ks, mode, method="direct",
                                              boundary=boundary, fillvalue=fill,
                                              workers=workers))
            monkeypatch.undo()
        for r in runs[1:]:
            assert r.tobytes() == runs[0].tobytes(), (shape, taps)
        ref = ref_correlate(x.astype(np.float64), _outer([k.astype(np.float64) for k in ks]),
                            mode, boundary, fill)
        bound = abs_bound(ref_correlate, x.astype(np.float64),
                          _outer([k.astype(np.float64) for k in ks]), mode, boundary, fill)
        assert np.all(np.abs(runs[0] - ref) <= 8 * np.finfo(np.float32).eps * bound)
    # window offsets (ndimage's origins) off centre, up to the kernel's ends
    if mode == "same":
        x = rng.standard_normal((48, 61)).astype(np.float32)
        ks = [rng.standard_normal(m).astype(np.float32) for m in (19, 23)]
        for origin in (-9, -4, 0, 5, 9):
            offs = [-(k.size // 2) - origin for k in ks]
            runs = []
            for units in (None, 4):
                if units:
                    monkeypatch.setattr(_separable, "_band_rows", lambda p, oy, nt, *per: units)
                runs.append(execute(plan_passes(x, ks, [0, 1], offs, boundary, fill)))
                monkeypatch.undo()
            assert runs[1].tobytes() == runs[0].tobytes(), origin
            mode_nd = {"fill": "constant", "wrap": "wrap", "symm": "reflect",
                       "reflect": "mirror", "nearest": "nearest"}[boundary]
            ref = ndimage.correlate1d(x.astype(np.float64), ks[0].astype(np.float64), axis=0,
                                      mode=mode_nd, cval=fill, origin=origin)
            ref = ndimage.correlate1d(ref, ks[1].astype(np.float64), axis=1, mode=mode_nd,
                                      cval=fill * ks[0].astype(np.float64).sum(),
                                      origin=origin)
            np.testing.assert_allclose(runs[0], ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())



def _at_line_offset(x, floats):
    """A C-contiguous copy of the float32 array `x` placed `floats` floats
    after the start of a 64-byte line."""
    buf = np.empty(x.size + 32, np.float32)
    start = (-buf.ctypes.data % 64) // 4 + floats
    y = buf[start:start + x.size].reshape(x.shape)
    y[...] = x
    assert y.ctypes.data % 64 == 4 * floats
    return y


@pytest.mark.parametrize("boundary", ["fill", "symm", "wrap"])
def test_16_row_bands_any_input_alignment(monkeypatch, boundary):
    """The 16-row bands' vertical sums start their blocks of 16 columns at
    the input's 64-byte lines when its rows are whole lines (csrc/fc_sep_impl.h
    fc_sep_tband: a first block at the interior's start, the next ones
    overlapping it): the same bits wherever the input lies after a line (0,
    1, 4, 15 floats; NumPy's arrays are 16 bytes after one), and as the
    4-row loops; rows of 64 and 128 samples, kernels of 16 to 31 taps,
    window offsets off centre (the interior's start moves), bands of the
    whole plane and of 16 rows.  (A debug build contracts none of the 4-row
    loops' a * b + c into FMAs: there they equal the bands to rounding.)"""
    from fastconv import _separable, _sepcore
    rng = np.random.default_rng(len(boundary) + 40)
    fill = 0.5 if boundary == "fill" else 0.0
    for shape, taps, origin in [((50, 64), (17, 31), 0), ((40, 128), (16, 23), 5),
                                ((35, 64), (31, 16), -7)]:
        x = rng.standard_normal(shape).astype(np.float32)
        ks = [rng.standard_normal(m).astype(np.float32) for m in taps]
        offs = [-(k.size // 2) - origin for k in ks]
        runs = []
        for floats in (0, 1, 4, 15):
            xa = _at_line_offset(x, floats)
            for units in (None, 16):
                if units:
                    monkeypatch.setattr(_separable, "_band_rows", lambda p, oy, nt, *per: units)
                runs.append(execute(plan_passes(xa, ks, [0, 1], offs, boundary, fill)))
                monkeypatch.undo()
        for r in runs[1:]:
            assert r.tobytes() == runs[0].tobytes(), (shape, taps, origin)
        monkeypatch.setattr(_separable, "_band_rows", lambda p, oy, nt, *per: 4)
        rows4 = execute(plan_passes(x, ks, [0, 1], offs, boundary, fill))
        monkeypatch.undo()
        if _sepcore.DEBUG_BUILD:
            np.testing.assert_allclose(rows4, runs[0], rtol=1e-5, atol=1e-5)
        else:
            assert rows4.tobytes() == runs[0].tobytes(), (shape, taps, origin)
        mode_nd = {"fill": "constant", "wrap": "wrap", "symm": "reflect"}[boundary]
        ref = ndimage.correlate1d(x.astype(np.float64), ks[0].astype(np.float64), axis=0,
                                  mode=mode_nd, cval=fill, origin=origin)
        ref = ndimage.correlate1d(ref, ks[1].astype(np.float64), axis=1, mode=mode_nd,
                                  cval=fill * ks[0].astype(np.float64).sum(), origin=origin)
        np.testing.assert_allclose(runs[0], ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())

@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_row_pass_16_row_bands_same_bits(monkeypatch, boundary):
    """A float32 pass along the last axis alone runs in bands of 16 rows
    through a transposed pass (AVX-512: csrc/fc_sep_impl.h fc_sep_thband)
    for short rows, and for long ones with kernels of 16 taps or more.  Each
    output has the bits of the row-by-row loops (work units of 4 rows never
    take a band): rows of 16 to 300 samples (a last block of 16 columns
    moved back), 1200 with 17 taps, kernels wider than the row, leftover
    rows, window offsets left of, inside and right of the row (columns read
    through the boundary that no interior column holds), 1 and 2 threads,
    streaming stores or not; values of the dense reference."""
    from fastconv import _separable, _sepcore
    if _sepcore.DEBUG_BUILD:
        pytest.skip("a debug (-O0) build contracts none of the row loops' a * b + c into "
                    "FMAs: they round twice where the bands' FMAs round once")
    rng = np.random.default_rng(len(boundary))
    fill = -2.5 if boundary == "fill" else 0.0
    cases = [((37, 64), 9, None), ((48, 16), 3, None), ((35, 100), 31, None),
             ((16, 300), 1, None), ((33, 17), 40, None), ((21, 1200), 17, None),
             ((40, 50), 9, 3), ((40, 50), 9, -12), ((19, 64), 5, 60), ((40, 40), 9, 20)]
    for shape, m, off in cases:
        x = rng.standard_normal(shape).astype(np.float32)
        k = rng.standard_normal(m).astype(np.float32)
        offs = [-(m // 2) if off is None else off]
        runs = []
        for units, workers, stream in [(None, 1, False), (None, 2, False), (4, 1, False),
                                       (None, 1, True)]:
            monkeypatch.setattr(_separable, "STREAM_MIN_BYTES", 0 if stream else 1 << 62)
            if units:
                monkeypatch.setattr(_separable, "_band_rows", lambda p, oy, nt, *per: units)
            runs.append(execute(plan_passes(x, [k], [1], offs, boundary, fill,
                                            workers=workers)))
            monkeypatch.undo()
        for r in runs[1:]:
            assert r.tobytes() == runs[0].tobytes(), (shape, m, off)
        # the dense reference: x padded by the boundary rule, then the window
        xp = np.pad(x.astype(np.float64), [(0, 0), (m + abs(offs[0]), m + abs(offs[0]))],
                    **({"mode": "constant", "constant_values": fill} if boundary == "fill"
                       else {"mode": {"wrap": "wrap", "symm": "symmetric",
                                      "reflect": "reflect", "nearest": "edge"}[boundary]}))
        base = m + abs(offs[0]) + offs[0]
        ref = sum(float(k[j]) * xp[:, base + j:base + j + shape[1]] for j in range(m))
        bound = sum(abs(float(k[j])) * np.abs(xp[:, base + j:base + j + shape[1]])
                    for j in range(m))
        assert np.all(np.abs(runs[0] - ref) <= 8 * np.finfo(np.float32).eps * bound + 1e-30), \
            (shape, m, off)



@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_row_pass_whole_vector_rows_same_bits(monkeypatch, boundary):
    """A float32 pass along the last axis alone on rows of whole vectors (a
    multiple of 16 samples, at least 32) with at most 17 taps and the window
    starting at most 16 samples left of the output runs row by row from lane
    shifts of the row's vectors, the first and last permuted from the row
    through the boundary rule (AVX-512: csrc/fc_sep_impl.h fc_sep_hrows).
    Each output has the bits of the vertical pass of the transposed array
    (tap 0's product, then one fused multiply-add per tap in order): rows of
    32 to 128 samples, 1 to 17 taps, every window offset from -16 to 0,
    input 16 bytes after a line or on one, fewer and more rows than a group
    of 8, 1 and 2 threads, streaming stores or not; values of the dense
    reference.  (A debug build contracts none of the vertical loops' a * b + c
    into FMAs: there they equal the row pass to rounding.)"""
    from fastconv import _separable, _sepcore
    rng = np.random.default_rng(len(boundary) + 70)
    fill = 1.25 if boundary == "fill" else 0.0
    cases = [((37, 64), 9, -4), ((5, 32), 17, -16), ((20, 48), 1, 0), ((19, 128), 16, -3),
             ((40, 64), 3, -1), ((9, 32), 17, 0), ((33, 96), 8, -9), ((17, 64), 2, -16)]
    for shape, m, off in cases:
        x = rng.standard_normal(shape).astype(np.float32)
        k = rng.standard_normal(m).astype(np.float32)
        vert = execute(plan_passes(np.ascontiguousarray(x.T), [k], [0], [off], boundary,
                                   fill)).T
        runs = []
        for floats, workers, stream in [(4, 1, False), (0, 1, False), (4, 2, False),
                                        (0, 1, True)]:
            monkeypatch.setattr(_separable, "STREAM_MIN_BYTES", 0 if stream else 1 << 62)
            runs.append(execute(plan_passes(_at_line_offset(x, floats), [k], [1], [off],
                                            boundary, fill, workers=workers)))
            monkeypatch.undo()
        for r in runs[1:]:
            assert r.tobytes() == runs[0].tobytes(), (shape, m, off)
        if _sepcore.DEBUG_BUILD:
            np.testing.assert_allclose(vert, runs[0], rtol=1e-5, atol=1e-5)
        else:
            assert np.ascontiguousarray(vert).tobytes() == runs[0].tobytes(), (shape, m, off)
        xp = np.pad(x.astype(np.float64), [(0, 0), (m + 16, m + 16)],
                    **({"mode": "constant", "constant_values": fill} if boundary == "fill"
                       else {"mode": {"wrap": "wrap", "symm": "symmetric",
                                      "reflect": "reflect", "nearest": "edge"}[boundary]}))
        base = m + 16 + off
        ref = sum(float(k[j]) * xp[:, base + j:base + j + shape[1]] for j in range(m))
        bound = sum(abs(float(k[j])) * np.abs(xp[:, base + j:base + j + shape[1]])
                    for j in range(m))
        assert np.all(np.abs(runs[0] - ref) <= 8 * np.finfo(np.float32).eps * bound + 1e-30), \
            (shape, m, off)

def test_band_runs_split_every_unit_once():
    """_sepcore.split_runs (the contiguous runs of bands each thread starts
    from) covers every unit once, in order, runs differing by at most one
    unit; _band_rows rounds bands over 16 rows up to a multiple of 16."""
    from fastconv import _separable, _sepcore
    for n_units in (1, 2, 3, 7, 16, 17, 101):
        for nthreads in (1, 2, 3, 5, 8):
            runs = _sepcore.split_runs(n_units, nthreads)
            assert [r for a, b in runs for r in range(a, b)] == list(range(n_units))
            lens = [b - a for a, b in runs]
            assert max(lens) - min(lens) <= 1
    for planes, oy, nt in [(1, 2048, 2), (1, 2048, 3), (1, 1031, 5), (3, 517, 2), (1, 40, 2)]:
        for per in (_separable.UNITS_PER_THREAD, _separable.BOX_UNITS_PER_THREAD):
            rows = _separable._band_rows(planes, oy, nt, per)
            assert rows >= _separable.MIN_BAND_ROWS
            assert rows <= _separable.BAND_ALIGN or rows % _separable.BAND_ALIGN == 0
            units = -(-oy // rows) * planes
            # every thread gets `per` units, unless bands would fall under
            # MIN_BAND_ROWS rows (or the rounding to BAND_ALIGN rows takes one)
            assert units >= per * nt or rows == _separable.MIN_BAND_ROWS \
                or -(-oy // (rows - _separable.BAND_ALIGN)) * planes >= per * nt
        assert _separable._band_rows(planes, oy, 1) == oy
    # 2048 rows on 2 threads: 16 bands of 64 rows per thread (FIR), 8 of 128 (box sums)
    assert _separable._band_rows(1, 2048, 2) == 64
    assert _separable._band_rows(1, 2048, 2, _separable.BOX_UNITS_PER_THREAD) == 128


@pytest.mark.parametrize("taps", [(9, 9), (33, 17), (65, 65), (BOX_MIN_TAPS + 2, BOX_MIN_TAPS + 5)])
def test_band_runs_bits_for_every_thread_count(monkeypatch, taps):
    """Bands dealt out in contiguous runs per thread, the rest stolen from
    the back of the fullest run (_sepcore._run_units): results bit-identical
    to workers=1 for workers 2, 3, 5, odd sizes, several planes, bands of
    the rule and of odd row counts (more threads than bands too).  (A debug
    build: equal to rounding, see test_16_row_bands_same_bits_as_4_row_loops.)"""
    from fastconv import _separable, _sepcore
    rng = np.random.default_rng(sum(taps))
    box = taps[0] >= BOX_MIN_TAPS and taps[0] not in (33, 65)
    for shape in [(517, 389), (3, 131, 77), (1031, 97)]:
        x = rng.standard_normal(shape).astype(np.float32)
        if box:
            ks = [np.full(taps[0], 0.25, np.float32), np.full(taps[1], 0.5, np.float32)]
        else:
            ks = [rng.standard_normal(m).astype(np.float32) for m in taps]
        axes = (-2, -1)
        one = fastconv.sepcorrelate(x, ks, "same", method="direct", boundary="symm",
                                    axes=axes, workers=1)
        for units in (None, 13, 37, 2000):
            for workers in (2, 3, 5):
                if units:
                    monkeypatch.setattr(_separable, "_band_rows",
                                        lambda p, oy, nt, *per, u=units: u if nt > 1 else oy)
                got = fastconv.sepcorrelate(x, ks, "same", method="direct", boundary="symm",
                                            axes=axes, workers=workers)
                monkeypatch.undo()
                if _sepcore.DEBUG_BUILD:
                    # (-O0: the 4-row loops' a * b + c round twice, the
                    # leftover rows' explicit FMAs once, so the bits follow
                    # where the bands end; the values are still the same)
                    np.testing.assert_allclose(got, one, rtol=1e-5, atol=1e-5 * np.abs(one).max(),
                                               err_msg=f"{shape} {units} {workers}")
                else:
                    assert got.tobytes() == one.tobytes(), (shape, units, workers)


def test_int64_kernel_holding_its_minimum_is_not_factored():
    """-2**63 has no magnitude in int64: a kernel holding it is an outer
    product only modulo 2**64 ([1, 2, ..., 2] x [1, ..., 1, -2**63]), so it
    is never factored (no separable answer off by 2.8e20, no division by a
    zero pivot) and the result is the dense one."""
    f0 = np.array([1] + [2] * 15, np.int64)
    f1 = np.array([1] * 30 + [-2**63], np.int64)
    k = f0[:, None] * f1
    assert factor_kernel(k, (True, True), np.dtype(np.uint64), np.dtype(np.int64)) is None
    m = np.iinfo(np.int64).min
    assert factor_kernel(np.array([[0, m], [m, 0]]), (True, True), np.dtype(np.uint64),
                         np.dtype(np.int64)) is None
    x = np.ones((40, 40))
    np.testing.assert_array_equal(fastconv.correlate(x, k, "same"),
                                  fastconv.correlate(x, k, "same", method="direct"))
