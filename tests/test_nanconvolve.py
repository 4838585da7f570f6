"""fastconv.nanconvolve against astropy.convolution (convolve, and convolve_fft
where the two agree) and a slow NumPy reference of the definition."""
import itertools
import warnings

import numpy as np
import pytest

import fastconv

aconv = pytest.importorskip("astropy.convolution")

BOUNDARIES = [None, "fill", "wrap", "extend"]
METHODS = ["direct", "fft"]


def astropy_convolve(*args, **kw):
    with warnings.catch_warnings():     # astropy warns about NaN holes
        warnings.simplefilter("ignore")
        return aconv.convolve(*args, **kw)


def nanconvolve(*args, **kw):
    with warnings.catch_warnings():     # (the hole warning has its own test)
        warnings.simplefilter("ignore", RuntimeWarning)
        return fastconv.nanconvolve(*args, **kw)


def reference(a, k, boundary="fill", fill_value=0.0, normalize_kernel=True):
    """Slow definition for nan_treatment='interpolate': the kernel-weighted
    mean of the valid samples of each window (the sample itself where no
    valid sample is under a nonzero tap); float64 sums of every window."""
    a = np.asarray(a, float)
    k = np.asarray(k, float)
    half = [(m // 2, m // 2) for m in k.shape]
    if boundary == "fill":
        p = np.pad(a, half, mode="constant", constant_values=fill_value)
    elif boundary is None:
        p = a
    else:
        p = np.pad(a, half, mode={"wrap": "wrap", "extend": "edge"}[boundary])
    win = np.lib.stride_tricks.sliding_window_view(p, k.shape)
    kf = k[(slice(None, None, -1),) * k.ndim]          # convolution flips
    valid = ~np.isnan(win)
    axes = tuple(range(a.ndim, 2 * a.ndim))
    top = np.where(valid, win, 0.0) * kf
    wsum = np.sum(valid * kf, axis=axes)
    count = np.sum(valid & (kf != 0), axis=axes)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.sum(top, axis=axes) / wsum
    centre = a if boundary is not None else a[tuple(slice(m // 2, n - m // 2)
                                                    for n, m in zip(a.shape, k.shape))]
    out = np.where(count == 0, centre, out)
    if not normalize_kernel:
        out = out * k.sum()
    if boundary is None:
        full = np.zeros(a.shape)
        full[tuple(slice(m // 2, n - m // 2) for n, m in zip(a.shape, k.shape))] = out
        out = full
    return out


def assert_same(ours, theirs, rtol=1e-10, atol=1e-12):
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def data(shape, rng, frac=0.1):
    a = rng.standard_normal(shape)
    a[rng.random(shape) < frac] = np.nan
    return a


CASES = [((41,), (5,)), ((23, 30), (3, 5)), ((9, 10, 11), (3, 5, 3)), ((9, 10), (11, 3))]


@pytest.mark.parametrize("shape,kshape", CASES)
@pytest.mark.parametrize("method", METHODS)
def test_all_keywords_vs_astropy(shape, kshape, method):
    rng = np.random.default_rng(sum(shape) + len(kshape))
    a = data(shape, rng)
    k = rng.random(kshape) + 0.05
    k0 = k.copy()
    k0.flat[0] = 0.0                      # a zero tap: the count is not a box sum
    mask = rng.random(shape) < 0.05
    for boundary, fill, nan_treatment, normalize, preserve, m, kern in itertools.product(
            BOUNDARIES, [0.0, 2.5, np.nan], ["interpolate", "fill"], [True, False],
            [False, True], [None, mask], [k, k0]):
        kw = dict(boundary=boundary, fill_value=fill, nan_treatment=nan_treatment,
                  normalize_kernel=normalize, preserve_nan=preserve, mask=m)
        if boundary is None and any(n <= q - 1 for n, q in zip(shape, kshape)):
            with pytest.raises(ValueError, match="boundary=None"):
                fastconv.nanconvolve(a, kern, method=method, **kw)
            continue
        assert_same(nanconvolve(a, kern, method=method, **kw), astropy_convolve(a, kern, **kw))


@pytest.mark.parametrize("shape,kshape,boundary", [
    (s, k, b) for (s, k), b in itertools.product(CASES, BOUNDARIES)
    if b is not None or all(n > q - 1 for n, q in zip(s, k))])
def test_reference_definition(shape, kshape, boundary):
    rng = np.random.default_rng(7)
    a = data(shape, rng, 0.3)
    k = rng.standard_normal(kshape) ** 2 + 0.01
    for method in METHODS:
        assert_same(nanconvolve(a, k, boundary=boundary, fill_value=1.5, method=method),
                    reference(a, k, boundary, 1.5))
        assert_same(nanconvolve(a, k, boundary=boundary, normalize_kernel=False,
                                method=method),
                    reference(a, k, boundary, normalize_kernel=False))


def test_four_dimensions_vs_reference():
    """astropy stops at 3-D; fastconv takes any number of dimensions."""
    rng = np.random.default_rng(3)
    a = data((5, 6, 4, 7), rng, 0.2)
    k = rng.random((3, 1, 3, 5)) + 0.1
    for method in METHODS:
        assert_same(nanconvolve(a, k, boundary="extend", method=method),
                    reference(a, k, "extend"))


def test_direct_and_fft_same_nan_pattern_with_holes():
    """Holes larger than the kernel: the same NaN pattern from both methods
    (empty windows decided from exact counts), values within rounding."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((120, 130))
    a[10:40, 20:70] = np.nan
    a[80:83, 5:9] = np.nan
    a[rng.random(a.shape) < 0.2] = np.nan
    k = np.exp(-np.add.outer(np.arange(-7, 8) ** 2, np.arange(-7, 8) ** 2) / 20.0)
    k[0, 0] = 0.0
    for boundary in ("fill", "wrap", "extend", None):
        d = nanconvolve(a, k, boundary=boundary, method="direct")
        f = nanconvolve(a, k, boundary=boundary, method="fft")
        assert np.isnan(d).any()
        assert f.base is None          # not a view of the batched plan's result
        assert_same(d, f, rtol=1e-9, atol=1e-11)
        assert_same(d, astropy_convolve(a, k, boundary=boundary))


def test_hole_warning_and_preserve_nan():
    a = np.ones((30, 30))
    a[5:20, 5:20] = np.nan
    k = np.ones((3, 3))
    with pytest.warns(RuntimeWarning, match="no valid sample"):
        r = fastconv.nanconvolve(a, k)
    assert np.isnan(r[8:17, 8:17]).all() and not np.isnan(r[:4]).any()
    r = fastconv.nanconvolve(a, k, preserve_nan=True)     # NaN asked for: no warning
    np.testing.assert_array_equal(np.isnan(r), np.isnan(a))


@pytest.mark.parametrize("shape,kshape", [((300,), (31,)), ((60, 70), (9, 11))])
@pytest.mark.parametrize("boundary", ["fill", "wrap"])
def test_vs_convolve_fft_where_they_agree(shape, kshape, boundary):
    """convolve_fft agrees with convolve for finite data with NaN holes
    smaller than the kernel (it gives 0, not the sample, where a window is
    empty; astropy#16497, #11920)."""
    rng = np.random.default_rng(11)
    a = data(shape, rng, 0.05)
    k = rng.random(kshape) + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = aconv.convolve_fft(a, k, boundary=boundary)
    for method in METHODS:
        np.testing.assert_allclose(fastconv.nanconvolve(a, k, boundary=boundary,
                                                        method=method),
                                   theirs, rtol=1e-9, atol=1e-12)


def test_no_nan_is_a_plain_normalised_convolution():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((50, 40))
    k = rng.random((5, 7))
    for method in METHODS:
        for b, sb in (("fill", "fill"), ("wrap", "wrap"), ("extend", "nearest")):
            np.testing.assert_allclose(
                fastconv.nanconvolve(a, k, boundary=b, fill_value=0.5, method=method),
                fastconv.convolve(a, k / k.sum(), "same", boundary=sb, fillvalue=0.5),
                rtol=1e-12, atol=1e-13)


def test_dtypes_masked_arrays_and_kernels():
    rng = np.random.default_rng(4)
    a = data((20, 21), rng)
    k = rng.random((3, 3))
    r32 = fastconv.nanconvolve(a.astype(np.float32), k)
    assert r32.dtype == np.float32
    assert fastconv.nanconvolve(np.arange(10), [1, 1, 1]).dtype == np.float64
    ma = np.ma.masked_array(np.nan_to_num(a), mask=np.isnan(a))
    assert_same(fastconv.nanconvolve(ma, k), fastconv.nanconvolve(a, k))
    assert_same(fastconv.nanconvolve(ma, k), astropy_convolve(ma, k))
    g = aconv.Gaussian2DKernel(1.5)
    assert_same(fastconv.nanconvolve(a, g), astropy_convolve(a, g))


def test_inf_data_take_the_direct_method():
    rng = np.random.default_rng(6)
    a = data((30, 30), rng)
    a[3, 4] = np.inf
    k = rng.random((5, 5))
    assert_same(nanconvolve(a, k, method="fft"), astropy_convolve(a, k))


def test_inputs_not_modified_and_workers():
    rng = np.random.default_rng(8)
    a = data((64, 64), rng)
    mask = rng.random(a.shape) < 0.1
    k = rng.random((7, 7))
    a0, k0, m0 = a.copy(), k.copy(), mask.copy()
    r1 = fastconv.nanconvolve(a, k, mask=mask, nan_treatment="fill", workers=1)
    r2 = fastconv.nanconvolve(a, k, mask=mask, nan_treatment="fill", workers=2)
    np.testing.assert_array_equal(r1, r2)
    r1 = fastconv.nanconvolve(a, k, mask=mask, workers=1)
    np.testing.assert_array_equal(r1, fastconv.nanconvolve(a, k, mask=mask, workers=2))
    for x, y in ((a, a0), (k, k0), (mask, m0)):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: fastconv.nanconvolve(np.ones(10), np.ones(4)), ValueError, "kernel size must be odd"),
    (lambda: fastconv.nanconvolve(np.ones((5, 5)), np.ones(3)), ValueError, "kernel must have"),
    (lambda: fastconv.nanconvolve(np.ones(10), [1, np.nan, 1]), ValueError, "kernel must be finite"),
    (lambda: fastconv.nanconvolve(np.full(10, np.nan), [1, 1, 1]), ValueError, "array has no valid"),
    (lambda: fastconv.nanconvolve(np.ones(10), [1, 1, 1], mask=np.ones(9)), ValueError, "mask must have"),
    (lambda: fastconv.nanconvolve(np.ones(10), [1, 1, 1], boundary="symm"), ValueError, "boundary="),
    (lambda: fastconv.nanconvolve(np.ones(10), [1, 1, 1], nan_treatment="zero"), ValueError,
     "nan_treatment="),
    (lambda: fastconv.nanconvolve(np.ones(10), [1, -1, 0]), ValueError, "cannot be normalised"),
    (lambda: fastconv.nanconvolve(np.ones(4), np.ones(5), boundary=None), ValueError, "boundary=None"),
    (lambda: fastconv.nanconvolve(np.ones(4) + 1j, [1, 1, 1]), TypeError, "array must be real"),
    (lambda: fastconv.nanconvolve(np.ones(4), [1, 1, 1], fill_value="x"), TypeError, "fill_value"),
    (lambda: fastconv.nanconvolve(np.ones(4), [1, 1, 1], normalize_kernel=None), TypeError,
     "normalize_kernel"),
    (lambda: fastconv.nanconvolve(np.ones(4), [1, 1, 1], method="fast"), ValueError, "method"),
    (lambda: fastconv.nanconvolve(np.ones(()), np.ones(())), ValueError, "array must be"),
    (lambda: fastconv.nanconvolve(np.ones(0), np.ones(1)), ValueError, "array must be"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_bad_input_matches_astropy_refusals():
    """Where astropy refuses (even kernels, unnormalisable kernels with NaN),
    fastconv refuses too."""
    for args, kw in (((np.ones(10), np.ones(4)), {}),
                     ((np.array([1.0, np.nan, 2.0, 3.0]), [1.0, -1.0, 0.0]), {})):
        with pytest.raises(Exception):
            astropy_convolve(*args, **kw)
        with pytest.raises(ValueError):
            fastconv.nanconvolve(*args, **kw)


# --- the sparse weights (sum(k) less the taps on invalid samples) --------

@pytest.fixture(params=["sparse", "dense"])
def weights(request, monkeypatch):
    """Force the weights' path: sparse (kernel sum less the scattered taps
    of the invalid samples) or dense (a convolution of the validity); the
    result must not depend on it beyond rounding."""
    from fastconv import _nan
    price = 0.0 if request.param == "sparse" else np.inf
    monkeypatch.setattr(_nan, "SPARSE_SECONDS_PER_ROW", price)
    monkeypatch.setattr(_nan, "SPARSE_SECONDS_PER_TAP", price)
    return request.param


def sparse_calls(monkeypatch):
    """A list that records each call of the sparse weights' pass (on its
    own, or inside the direct core's units)."""
    from fastconv import _nan
    calls = []
    real, fused = _nan.nan_reweight, _nan._fused_weights

    def spy(*args):
        calls.append(args[2].shape[0])
        return real(*args)

    def spy_fused(plan, bad, *args, **kw):
        calls.append(len(bad))
        return fused(plan, bad, *args, **kw)
    monkeypatch.setattr(_nan, "nan_reweight", spy)
    monkeypatch.setattr(_nan, "_fused_weights", spy_fused)
    return calls


def nan_patterns(shape, rng):
    """Scattered, clustered (holes larger than the kernel), on the edges and
    corners, and a single invalid sample."""
    a = rng.standard_normal(shape)
    scattered = a.copy()
    scattered[rng.random(shape) < 0.03] = np.nan
    clustered = scattered.copy()
    clustered[tuple(slice(n // 4, n // 4 + max(1, n // 3)) for n in shape)] = np.nan
    edges = a.copy()
    for ax in range(a.ndim):
        edges[(slice(None),) * ax + (0,)] = np.where(
            rng.random(edges[(slice(None),) * ax + (0,)].shape) < 0.5, np.nan, 1.0)
        edges[(slice(None),) * ax + (-1,)] = np.nan
    single = a.copy()
    single[(0,) * a.ndim] = np.nan
    return {"scattered": scattered, "clustered": clustered, "edges": edges,
            "single": single}


@pytest.mark.parametrize("shape,kshape", [((97,), (7,)), ((40, 37), (9, 5)),
                                          ((12, 9, 14), (3, 5, 5)), ((6, 30), (13, 3))])
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_sparse_and_dense_weights_vs_reference(shape, kshape, boundary, weights):
    rng = np.random.default_rng(len(shape) * 100 + kshape[0])
    k = rng.random(kshape) + 0.05
    k0 = k.copy()
    k0.flat[1] = 0.0
    if boundary is None and any(n <= q - 1 for n, q in zip(shape, kshape)):
        return
    for name, a in nan_patterns(shape, rng).items():
        for method in METHODS:
            for kern in (k, k0):
                for fill in (0.0, 2.0):
                    ours = nanconvolve(a, kern, boundary=boundary, fill_value=fill,
                                       method=method)
                    assert_same(ours, reference(a, kern, boundary, fill), rtol=1e-9,
                                atol=1e-11)
            ours = nanconvolve(a, k, boundary=boundary, normalize_kernel=False,
                               preserve_nan=True, method=method)
            theirs = reference(a, k, boundary, normalize_kernel=False)
            theirs[np.isnan(a)] = np.nan
            assert_same(ours, theirs, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_sparse_weights_direct_and_fft_same_pattern(boundary, weights, monkeypatch):
    """Holes larger than the kernel, NaN on the edges, a mask: the same NaN
    pattern from both methods on either weights' path, and the same as the
    other path."""
    calls = sparse_calls(monkeypatch)
    rng = np.random.default_rng(9)
    a = rng.standard_normal((90, 96))     # (invalid samples: under 1/8, listed)
    a[5:20, 10:30] = np.nan
    a[:, 0] = np.nan
    a[-1, 30:] = np.nan
    a[rng.random(a.shape) < 0.03] = np.nan
    mask = rng.random(a.shape) < 0.01
    k = np.exp(-np.add.outer(np.arange(-4, 5) ** 2, np.arange(-3, 4) ** 2) / 6.0)
    k[0, 0] = 0.0
    d = nanconvolve(a, k, boundary=boundary, mask=mask, method="direct")
    f = nanconvolve(a, k, boundary=boundary, mask=mask, method="fft")
    assert np.isnan(d).any()
    assert_same(d, f, rtol=1e-9, atol=1e-11)
    assert_same(d, astropy_convolve(a, k, boundary=boundary, mask=mask))
    assert len(calls) == (2 if weights == "sparse" else 0)


def test_sparse_dense_switch(monkeypatch):
    """The sparse weights for few invalid samples and a small kernel, the
    convolution of the validity for many; both sides agree with astropy."""
    calls = sparse_calls(monkeypatch)
    rng = np.random.default_rng(12)
    k = rng.random((9, 9)) + 0.1
    for frac, sparse in ((0.01, True), (0.6, False)):
        a = data((300, 280), rng, frac)
        del calls[:]
        for boundary in BOUNDARIES:
            assert_same(nanconvolve(a, k, boundary=boundary, method="direct"),
                        astropy_convolve(a, k, boundary=boundary))
        assert len(calls) == (4 if sparse else 0)
    a = data((300, 280), rng, 0.01)
    del calls[:]
    # NaN fill (outside is missing), negative taps: the dense weights
    assert_same(nanconvolve(a, k, fill_value=np.nan), reference(a, k, "fill", np.nan))
    kneg = k.copy()
    kneg[4, 4] = -0.5
    assert_same(nanconvolve(a, kneg), astropy_convolve(a, kneg))
    assert calls == []


@pytest.mark.parametrize("method", METHODS)
def test_empty_window_with_a_zero_tap_on_one_side(method, weights):
    """A window whose only valid sample lies under the zero tap is empty:
    the doubtful windows are read with the kernel flipped, as the
    convolution reads them (an FFT weight of ~1e-17 must not give 0 or inf)."""
    a = np.array([np.nan, -0.36, np.nan, 1.22, np.nan, -0.37, np.nan, np.nan, np.nan])
    k = np.array([0.0, 0.55, 0.52])
    for boundary in BOUNDARIES:
        assert_same(nanconvolve(a, k, boundary=boundary, method=method),
                    reference(a, k, boundary))
        assert_same(nanconvolve(a, k[::-1], boundary=boundary, method=method),
                    reference(a, k[::-1], boundary))


def isas():
    from fastconv import _direct
    return sorted(_direct.isa_available())


class isa_selected:
    """The direct kernels (with the units' division, csrc/fc_nanunit.c) and
    nan_split on instruction set `isa` inside the block."""
    def __init__(self, isa):
        self.isa = isa

    def __enter__(self):
        from fastconv import _direct, _nanpass
        self.old = _direct.isa_name()
        _direct.select_isa(self.isa)
        assert _direct.isa_name() == self.isa
        _nanpass.select_isa(self.isa)

    def __exit__(self, *exc):
        from fastconv import _direct, _nanpass
        _direct.select_isa(self.old)
        _nanpass.select_isa(self.old)


@pytest.mark.parametrize("isa", isas())
def test_split_vs_numpy_every_isa(isa):
    """nan_split (vector loops with lane bits, streaming stores from 2**20
    samples) against NumPy: the zero-filled copy, the invalid samples in
    order (the first len(idx) of them), the infinite-sample flag; every
    alignment of the start and of the end, NaN / inf in the first and last
    lanes, a mask, and a copy big enough to stream."""
    from fastconv._nanpass import nan_split
    rng = np.random.default_rng(7)
    base = rng.standard_normal((1 << 20) + 40)
    base[rng.random(base.size) < 0.01] = np.nan
    base[[0, 7, 8, 15, 16, 17, base.size - 1]] = np.nan
    with isa_selected(isa):
        for lo, hi, inf_at, use_mask, cap in [
                (0, 1000, None, False, 1000), (1, 1000, 3, False, 1000),
                (3, 997, 996, False, 1000), (5, 29, None, False, 2),
                (0, 0, None, False, 4), (2, 5, 4, False, 4),
                (0, 300, None, True, 300), (0, base.size, None, False, base.size),
                (3, base.size - 1, base.size - 2, False, 100)]:
            a = base[lo:hi].copy()
            if inf_at is not None:
                a[inf_at - lo] = -np.inf if inf_at % 2 else np.inf
            mask = (rng.random(a.size) < 0.05).view(np.uint8) if use_mask else None
            invalid = np.isnan(a) if mask is None else np.isnan(a) | (mask != 0)
            buf = np.full(a.size + 8, 7.0)
            d = buf[lo % 8:lo % 8 + a.size]     # (every alignment)
            idx = np.full(cap, -1, np.int64)
            nbad, nonfinite = nan_split(a, mask, d, idx)
            np.testing.assert_array_equal(d, np.where(invalid, 0.0, a))
            assert nbad == invalid.sum()
            listed = np.flatnonzero(invalid)[:cap]
            np.testing.assert_array_equal(idx[:len(listed)], listed)
            assert nonfinite == bool(np.isinf(a[~invalid]).any())


@pytest.mark.parametrize("isa", isas())
@pytest.mark.parametrize("shape,kshape", [((300, 280), (9, 9)), ((60000,), (9,)),
                                          ((7, 5000), (3, 7)), ((40, 37), (9, 5)),
                                          ((50, 700), (3, 17)), ((30, 400), (5, 1)),
                                          ((64, 600), (15, 15))])
@pytest.mark.parametrize("boundary", [None, "fill"])
def test_sparse_weights_in_units_same_bits_as_separate_passes(isa, shape, kshape, boundary,
                                                             monkeypatch):
    """The sparse weights inside the direct core's units (each unit
    dividing its own sums by their weights, the results streamed or not)
    give the bits of the separate passes (convolution, then the weights
    scattered and the division), at 1 and 2 threads, with holes, with and
    without a mask, an infinite sample, on every instruction set."""
    from fastconv import _nan, _window
    calls = sparse_calls(monkeypatch)
    monkeypatch.setattr(_nan, "SPARSE_SECONDS_PER_ROW", 0.0)     # (sparse whatever
    monkeypatch.setattr(_nan, "SPARSE_SECONDS_PER_TAP", 0.0)     # the cost model says)
    rng = np.random.default_rng(sum(shape))
    a = data(shape, rng, 0.02)
    a[tuple(slice(n // 3, n // 3 + 12) for n in shape)] = np.nan   # (a hole)
    a[(1,) * a.ndim] = np.inf
    mask = rng.random(shape) < 0.01
    k = rng.random(kshape) + 0.05
    k.flat[0] = 0.0
    kw = dict(boundary=boundary, fill_value=0.5, method="direct")
    with isa_selected(isa):
        fused = {w: nanconvolve(a, k, workers=w, mask=mask, **kw) for w in (1, 2)}
        fused_pn = nanconvolve(a, k, preserve_nan=True, normalize_kernel=False, **kw)
        with monkeypatch.context() as m:    # (the results by streaming stores)
            m.setattr(_window, "STREAM_MIN_BYTES", 0)
            np.testing.assert_array_equal(
                nanconvolve(a, k, workers=1, mask=mask, **kw), fused[1])
        assert len(calls) == 4 and calls[0] > 0
        monkeypatch.setattr(_nan, "nan_units", lambda plan: False)
        np.testing.assert_array_equal(fused[1], nanconvolve(a, k, workers=1, mask=mask, **kw))
        np.testing.assert_array_equal(fused[2], fused[1])
        np.testing.assert_array_equal(
                fused_pn, nanconvolve(a, k, preserve_nan=True, normalize_kernel=False, **kw))
    assert len(calls) == 6


@pytest.mark.parametrize("isa", isas())
@pytest.mark.parametrize("shape,kshape,boundary", [((203, 1024), (9, 9), "fill"),
                                                   ((150, 1164), (7, 5), None),
                                                   ((97, 520), (3, 9), "fill"),
                                                   ((61, 2048), (9, 9), None)])
def test_streamed_units_same_bits(isa, shape, kshape, boundary, monkeypatch):
    """The sparse weights in the units with the results streamed (the
    output rows here are whole vectors; each unit's division done between
    the kernel blocks of its thread's next unit, fc_nan_hook): the bits of
    the separate passes,
    at 1 and 2 threads (other unit seams), on every instruction set.  NaN in the
    first and last rows and columns, at the unit seams and their halo
    rows, on either side of the band's column edges (16 columns in, then
    blocks of 48), a hole larger than the kernel (empty windows and
    doubtful weights inside the band), an infinite sample, a mask."""
    from fastconv import _nan, _window
    calls = sparse_calls(monkeypatch)
    monkeypatch.setattr(_nan, "SPARSE_SECONDS_PER_ROW", 0.0)
    monkeypatch.setattr(_nan, "SPARSE_SECONDS_PER_TAP", 0.0)
    monkeypatch.setattr(_window, "STREAM_MIN_BYTES", 0)
    rng = np.random.default_rng(shape[1] + kshape[0])
    a = data(shape, rng, 0.01)
    ny, nx = shape
    rows = [0, 1, 2, 5, 11, 12, 13, 23, 24, 25, 35, 36, 47, 48, 49, ny - 6, ny - 2, ny - 1]
    cols = [0, 1, 3, 4, 7, 8, 15, 16, 19, 20, 23, 24, 27, 28, 31, 32, 71, 72, 75, 76,
            119, 120, nx - 57, nx - 52, nx - 21, nx - 20, nx - 17, nx - 16, nx - 9, nx - 1]
    a[np.ix_([r for r in rows if r < ny], cols)] = np.nan
    a[ny // 2:ny // 2 + 12, nx // 2:nx // 2 + 14] = np.nan     # (a hole)
    a[ny // 3, nx // 3] = -np.inf
    mask = rng.random(shape) < 0.005
    k = rng.random(kshape) + 0.05
    kw = dict(boundary=boundary, fill_value=0.25, method="direct")
    with isa_selected(isa):
        fused = {w: nanconvolve(a, k, workers=w, **kw) for w in (1, 2)}
        fused_mask = nanconvolve(a, k, mask=mask, preserve_nan=True, **kw)
        assert len(calls) == 3 and min(calls) > 0
        monkeypatch.setattr(_nan, "nan_units", lambda plan: False)
        np.testing.assert_array_equal(fused[1], nanconvolve(a, k, workers=1, **kw))
        np.testing.assert_array_equal(fused[2], fused[1])
        np.testing.assert_array_equal(
            fused_mask, nanconvolve(a, k, mask=mask, preserve_nan=True, **kw))
    assert len(calls) == 5
    assert np.isnan(fused[1]).any() and np.isinf(fused[1]).any()     # (the hole, the inf)


def rowfft_calls(monkeypatch):
    """A list that records, for each nanconvolve sums through run_direct
    with the sparse weights, whether the row-FFT route took them."""
    from fastconv import _nan, _window
    calls = []
    real = _window.run_direct

    def spy(plan, dest=None, nan=None, rowfft=False, source=None, listing=False):
        if nan is not None:
            calls.append(bool(rowfft and _window.rowfft_runs(plan)))
        return real(plan, dest, nan, rowfft, source, listing)
    monkeypatch.setattr(_nan, "run_direct", spy)
    return calls


def rowfft_in_use():
    from fastconv import _direct
    return _direct.rowfft_available(9, 9, 4096)


@pytest.mark.parametrize("shape,kshape,boundary", [
    ((61, 448), (9, 9), "fill"),        # one group of tiles, exactly
    ((64, 456), (9, 9), None),
    ((1, 896), (9, 9), "fill"),         # one row: no partner row
    ((2, 864), (9, 11), "fill"),
    ((3, 1344), (9, 9), "fill"),
    ((301, 1000), (11, 13), "fill"),    # several units, rows odd, the last
    ((140, 2100), (13, 9), None),       # group over the one before
    ((90, 900), (3, 41), "fill"),       # a long row kernel: narrow tiles
    ((75, 1300), (9, 25), "fill"),
    ((120, 1000), (21, 15), "fill"),    # kh up to 31
    ((90, 1100), (31, 9), None)])
def test_row_fft_sums_vs_direct(shape, kshape, boundary, monkeypatch):
    """method='auto' takes the sums by FFTs along the rows (csrc/fc_rowfft.h)
    where they run: the NaN pattern of the direct sums (method='direct'),
    the values within rounding, the same bits at 1 and 2 threads; NaN in
    the edge rows and columns, a hole larger than the kernel, a mask,
    preserve_nan and an unnormalised kernel."""
    calls = rowfft_calls(monkeypatch)
    rng = np.random.default_rng(shape[0] * 7 + shape[1])
    a = data(shape, rng, 0.02)
    ny, nx = shape
    a[np.ix_([0, ny - 1], [0, 1, 5, nx // 2, nx - 2, nx - 1])] = np.nan
    if ny > 20:
        a[ny // 3:ny // 3 + 14, nx // 2:nx // 2 + 16] = np.nan   # (a hole)
    mask = rng.random(shape) < 0.005
    k = rng.random(kshape) + 0.05
    for extra in ({}, dict(mask=mask, preserve_nan=True, normalize_kernel=False)):
        kw = dict(boundary=boundary, **extra)
        with warnings.catch_warnings():     # (the hole's warning)
            warnings.simplefilter("ignore", RuntimeWarning)
            got = {w: fastconv.nanconvolve(a, k, workers=w, **kw) for w in (1, 2)}
            ref = fastconv.nanconvolve(a, k, method="direct", workers=1, **kw)
        for w in (1, 2):
            np.testing.assert_array_equal(np.isnan(got[w]), np.isnan(ref))
            fin = np.isfinite(ref)
            scale = np.abs(ref[fin]).max()
            np.testing.assert_allclose(got[w][fin], ref[fin], rtol=0, atol=1e-13 * scale)
        if rowfft_in_use():     # (elsewhere the method may differ with the threads)
            np.testing.assert_array_equal(got[1], got[2])
    # (per set of keywords: workers 1 and 2, then method='direct')
    if rowfft_in_use():
        assert calls == [True, True, False] * 2
    else:
        assert not any(calls)


def test_row_fft_sums_vs_astropy(monkeypatch):
    """The row-FFT route's results against astropy.convolution.convolve
    (an image wide enough for it, 1% NaN)."""
    calls = rowfft_calls(monkeypatch)
    rng = np.random.default_rng(5)
    a = data((40, 896), rng, 0.01)
    k = rng.random((9, 9)) + 0.1
    got = fastconv.nanconvolve(a, k)
    want = astropy_convolve(a, k)
    assert calls == [rowfft_in_use()]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("shape,kshape", [
    ((61, 448), (9, 9)),        # one group of tiles, exactly
    ((1, 896), (9, 9)),         # one row
    ((2, 864), (9, 11)),
    ((301, 1000), (11, 13)),    # several units, the last group over the one before
    ((140, 2100), (13, 9)),
    ((90, 900), (3, 41)),       # narrow tiles
    ((150, 1100), (25, 21))])
def test_units_listing_same_bits_as_split(shape, kshape, monkeypatch):
    """Where the row FFTs' units list the NaN themselves (no pass before
    them), the same bits as with the NaN listed first (each NaN listed
    once, in order: NaN on every tile's and group's first and last
    columns, at the array's edges, in runs across tiles, and a hole larger
    than the kernel, whose outputs are then decided from a list made
    after), at 1 and 2 threads."""
    from fastconv import _nan
    rng = np.random.default_rng(shape[1])
    ny, nx = shape
    a = data(shape, rng, 0.01 if ny > 2 else 0.0)   # (few NaN enough to list)
    # the columns where the tiles' and groups' own columns begin
    # (csrc/fc_rowfft.c: 8 tiles of m outputs a group, the last group ending
    # at the last column)
    mmax = 65 - kshape[1]
    ngroups = -(-nx // (8 * mmax))
    m = -(-nx // (8 * ngroups))
    starts = [min(gi * 8 * m, nx - 8 * m) + m * t for gi in range(ngroups) for t in range(8)]
    a[0, [0, nx - 1]] = np.nan
    for row, e, ends in ((min(1, ny - 1), 0, [0, 1]), (ny // 2, -1, [nx - 1]),
                         (ny - 1, -1, [nx - 1])):
        cols = [c + e - kshape[1] // 2 for c in starts] + ends
        a[row, [c for c in cols if 0 <= c < nx]] = np.nan
    if ny > 2:
        a[ny - 1, 100:130] = np.nan
    if ny > 64:
        a[ny // 3:ny // 3 + 14, nx // 2:nx // 2 + 16] = np.nan   # (a hole)
    k = rng.random(kshape) + 0.05
    listed = []
    real = _nan._listed_in_units

    def spy(*args):
        res = real(*args)
        listed.append(res is not None)
        return res
    monkeypatch.setattr(_nan, "_listed_in_units", spy)
    for extra in ({}, dict(normalize_kernel=False)):
        with warnings.catch_warnings():     # (the hole's warning)
            warnings.simplefilter("ignore", RuntimeWarning)
            got = {w: fastconv.nanconvolve(a, k, workers=w, **extra) for w in (1, 2)}
            monkeypatch.setattr(_nan, "_listed_in_units", lambda *args: None)
            want = fastconv.nanconvolve(a, k, workers=1, **extra)
            monkeypatch.setattr(_nan, "_listed_in_units", spy)
        # (without the row FFTs the model may choose by the thread count)
        for w in (1, 2) if rowfft_in_use() else (1,):
            np.testing.assert_array_equal(got[w], want)
    assert listed == ([True] * 4 if rowfft_in_use() else [])


@pytest.mark.parametrize("case", ["inf", "many_nan", "fill_value", "method_direct",
                                  "narrow", "small_kernel"]
                         + [i for i in isas() if i != "avx512"])
def test_row_fft_sums_not_taken(case, monkeypatch):
    """Where the row FFTs would be wrong or slower, or cannot run, the
    direct sums: an infinite sample (a transform would spread it), a
    nonzero fill outside (the tiles read zeros there), method='direct',
    outputs narrower than a group of tiles, a kernel the direct sums do
    more cheaply (3x3), the kernels of an instruction set below AVX-512."""
    calls = rowfft_calls(monkeypatch)
    rng = np.random.default_rng(11)
    shape, k = (50, 896), rng.random((9, 9)) + 0.1
    kw = {}
    if case == "inf":
        a = data(shape, rng, 0.01)
        a[7, 9] = np.inf
    elif case == "many_nan":     # (the dense weights)
        a = data(shape, rng, 0.7)
    else:
        a = data((50, 440) if case == "narrow" else shape, rng, 0.01)
    if case == "fill_value":
        kw = dict(fill_value=0.5)
    if case == "small_kernel":
        k = k[:3, :3]
    if case == "method_direct":
        kw = dict(method="direct")
    with isa_selected(case if case in isas() else _direct_isa()):   # (a narrower ISA's
        got = fastconv.nanconvolve(a, k, **kw)                   # kernels: no row FFTs)
        if case == "inf" and rowfft_in_use():
            # (the units listing the NaN themselves meet the inf: void, then
            # the direct sums)
            assert calls == [True, False]
        else:
            assert not any(calls)
        kw.pop("method", None)
        np.testing.assert_array_equal(got, fastconv.nanconvolve(a, k, method="direct", **kw))


def _direct_isa():
    from fastconv import _direct
    return _direct.isa_name()


def test_row_fft_sums_from_the_array_itself(monkeypatch):
    """Where the row FFTs are foreseen, the split only lists the NaN and
    the transforms read the array (its NaN as 0): the bits of the route
    that reads the split's copy, with holes, NaN in the edge rows and
    columns, at 1 and 2 threads."""
    from fastconv import _nan
    rng = np.random.default_rng(3)
    a = data((130, 1344), rng, 0.02)
    a[0, :7] = a[-1, -5:] = a[:, 0] = np.nan
    a[50:64, 600:620] = np.nan
    k = rng.random((9, 9)) + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = {w: fastconv.nanconvolve(a, k, workers=w) for w in (1, 2)}
        foreseen = []
        real = _nan._rowfft_foreseen
        monkeypatch.setattr(_nan, "_rowfft_foreseen",
                            lambda *args: foreseen.append(real(*args) is not None))
        want = fastconv.nanconvolve(a, k, workers=1)
    assert foreseen == [rowfft_in_use()]
    np.testing.assert_array_equal(got[1], want)
    np.testing.assert_array_equal(got[2], want)
