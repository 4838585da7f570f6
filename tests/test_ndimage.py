"""fastconv.ndimage against scipy.ndimage (the oracle) and a slow NumPy reference.

Integer (and bool) outputs must equal scipy's exactly: ndimage truncates its
double sums with a C cast, and the last bit of a sum can decide the result
(a constant uint8 image of 251 under a Gaussian becomes 250 in scipy).
Float outputs agree to the rounding of float64 sums (float32 outputs: one
float32 rounding).  scipy.ndimage's own test_filters.py runs against
fastconv.ndimage in test_scipy_suite.py.
"""
import numpy as np
import pytest

sndi = pytest.importorskip("scipy.ndimage")

import fastconv.ndimage as fndi  # noqa: E402

MODES = ["reflect", "constant", "nearest", "mirror", "wrap", "grid-constant",
         "grid-mirror", "grid-wrap"]
DTYPES = [np.uint8, np.int16, np.int32, np.float32, np.float64, np.complex128]
PAD = {"reflect": "symmetric", "grid-mirror": "symmetric", "mirror": "reflect",
       "nearest": "edge", "wrap": "wrap", "grid-wrap": "wrap", "constant": "constant",
       "grid-constant": "constant"}


def _data(shape, dtype, rng):
    dt = np.dtype(dtype)
    if dt.kind == "u":
        return rng.integers(0, 256, shape).astype(dt)
    if dt.kind == "i":
        return rng.integers(-300, 300, shape).astype(dt)
    a = rng.standard_normal(shape) * 50
    if dt.kind == "c":
        a = a + 1j * rng.standard_normal(shape) * 50
    return a.astype(dt)


def _same(ours, theirs):
    """Equal dtypes; exactly equal integers/bool; floats to rounding."""
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    if ours.dtype.kind in "biu":
        np.testing.assert_array_equal(ours, theirs)
    else:
        eps = np.finfo(ours.dtype).eps
        finite = np.abs(theirs[np.isfinite(theirs)])
        scale = max(1.0, float(np.max(finite, initial=0)))
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=64 * eps * scale)


def ref_correlate(x, w, mode, cval, origins):
    """Slow reference of ndimage.correlate: np.pad + one shifted slice per tap."""
    x = np.asarray(x, dtype=np.complex128 if np.iscomplexobj(x) else np.float64)
    w = np.asarray(w, dtype=np.float64)
    before = [n // 2 + o for n, o in zip(w.shape, origins)]
    pads = [(b, n - 1 - b) for b, n in zip(before, w.shape)]
    if PAD[mode] == "constant":
        ext = np.pad(x, pads, mode="constant", constant_values=cval)
    else:
        ext = np.pad(x, pads, mode=PAD[mode])
    out = np.zeros_like(x)
    for j in np.ndindex(*w.shape):
        out += w[j] * ext[tuple(slice(k, k + n) for k, n in zip(j, x.shape))]
    return out


# ---------------------------------------------------------------- against scipy

FILTERS = [
    ("correlate1d", lambda rng, nd: ([0.5, -1.25, 2.0, 0.75],), dict(origin=1)),
    ("convolve1d", lambda rng, nd: (rng.standard_normal(5),), dict(origin=-2)),
    ("uniform_filter1d", lambda rng, nd: (4,), {}),
    ("uniform_filter", lambda rng, nd: (3,), {}),
    ("gaussian_filter1d", lambda rng, nd: (1.2,), dict(order=1)),
    ("gaussian_filter", lambda rng, nd: (0.9,), {}),
    ("sobel", lambda rng, nd: (), {}),
    ("prewitt", lambda rng, nd: (), dict(axis=0)),
    ("laplace", lambda rng, nd: (), {}),
    ("gaussian_laplace", lambda rng, nd: (1.0,), {}),
    ("gaussian_gradient_magnitude", lambda rng, nd: (0.8,), {}),
    ("correlate", lambda rng, nd: (rng.standard_normal((3, 2, 4)[:nd]),), {}),
    ("convolve", lambda rng, nd: (rng.standard_normal((2, 3, 3)[:nd]),), dict(origin=0)),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,args,kwargs", FILTERS, ids=[f[0] for f in FILTERS])
@pytest.mark.parametrize("shape", [(9,), (6, 7), (4, 5, 3)], ids=["1d", "2d", "3d"])
def test_filters_match_scipy(name, args, kwargs, dtype, shape):
    rng = np.random.default_rng(abs(hash((name, shape, np.dtype(dtype).name))) % 2**32)
    x = _data(shape, dtype, rng)
    a = args(rng, len(shape))
    for mode in MODES:
        # (integer gradient magnitudes square with wrapping: sqrt of negatives)
        with np.errstate(invalid="ignore"):
            expected = getattr(sndi, name)(x, *a, mode=mode, cval=1.5, **kwargs)
            ours = getattr(fndi, name)(x, *a, mode=mode, cval=1.5, **kwargs)
        _same(ours, expected)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 10, 23])
def test_kernel_sizes_even_odd_and_longer_than_input(size, mode):
    rng = np.random.default_rng(size)
    x = _data((6, 5), np.float64, rng)
    w = rng.standard_normal(size)
    for origin in {0, -(size // 2), (size - 1) // 2}:
        for axis in (0, 1):
            _same(fndi.correlate1d(x, w, axis, mode=mode, cval=-2.0, origin=origin),
                  sndi.correlate1d(x, w, axis, mode=mode, cval=-2.0, origin=origin))
            _same(fndi.convolve1d(x, w, axis, mode=mode, origin=origin),
                  sndi.convolve1d(x, w, axis, mode=mode, origin=origin))
        _same(fndi.uniform_filter1d(x, size, mode=mode, origin=origin),
              sndi.uniform_filter1d(x, size, mode=mode, origin=origin))
    w2 = rng.standard_normal((size, max(1, size - 1)))
    origins = ((size - 1) // 2, -(max(1, size - 1) // 2))
    # scipy's N-D correlate folds 'reflect' offsets of exactly -2 * len (and
    # multiples) to -1, reading outside the array: kernels reaching that far
    # are checked against the NumPy reference instead.
    scipy_ok = PAD[mode] != "symmetric" or size < 2 * min(x.shape)
    for func in ("correlate", "convolve"):
        got = getattr(fndi, func)(x, w2, mode=mode, origin=origins)
        if scipy_ok:
            _same(got, getattr(sndi, func)(x, w2, mode=mode, origin=origins))
        elif func == "correlate":
            np.testing.assert_allclose(got, ref_correlate(x, w2, mode, 0.0, origins),
                                       atol=1e-9)


@pytest.mark.parametrize("mode", MODES)
def test_correlate_against_numpy_reference(mode):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((7, 6, 5))
    w = rng.standard_normal((3, 4, 2))
    origins = (1, -2, 0)
    got = fndi.correlate(x, w, mode=mode, cval=0.75, origin=origins)
    np.testing.assert_allclose(got, ref_correlate(x, w, mode, 0.75, origins), atol=1e-12)
    big = rng.standard_normal((9, 1))                       # longer than the input
    got = fndi.correlate(x[:3, :1, 0], big, mode=mode, cval=0.75)
    np.testing.assert_allclose(got, ref_correlate(x[:3, :1, 0], big, mode, 0.75, (0, 0)),
                               atol=1e-12)


@pytest.mark.parametrize("out", [np.uint8, np.int16, np.uint16, np.int32, np.uint32,
                                 np.int64, np.uint64, np.float32, np.float64, bool,
                                 np.complex64])
@pytest.mark.parametrize("src", [np.uint8, np.int32, np.float32, np.float64])
def test_output_dtypes(src, out):
    rng = np.random.default_rng(3)
    x = _data((8, 9), src, rng)
    for name, a in [("gaussian_filter", (1.1,)), ("correlate1d", ([-1.5, 0.25, 2.0],)),
                    ("uniform_filter", (3,)), ("correlate", ([[0.5, -2.0], [1.0, 3.25]],))]:
        if name == "uniform_filter" and out == np.uint64 and src != np.uint8:
            # negative means wrap to ~1.8e19 in the first pass: the second
            # pass's window sums are inexact in float64, and ndimage's
            # running sums round differently (a documented difference)
            continue
        if np.dtype(out).kind == "c":   # real filters: scipy has no complex output
            with pytest.raises(RuntimeError) as theirs:
                getattr(sndi, name)(x, *a, output=out)
            with pytest.raises(RuntimeError, match="output"):
                getattr(fndi, name)(x, *a, output=out)
            assert "not supported" in str(theirs.value)
            continue
        _same(getattr(fndi, name)(x, *a, output=out), getattr(sndi, name)(x, *a, output=out))


def test_integer_outputs_exact_where_truncation_shows():
    """Constant images: the Gaussian's sum is c * (sum of weights), which
    ndimage's order rounds below c for some c (251 -> 250)."""
    for c in range(0, 256, 5):
        img = np.full((12, 13), c, np.uint8)
        img[3, 4] = 251
        for sigma in (0.6, 1.3, 2.0, (1.7, 0.4)):
            _same(fndi.gaussian_filter(img, sigma), sndi.gaussian_filter(img, sigma))
        for w in ([1 / 3] * 3, [0.1, 0.2, 0.3, 0.4]):
            _same(fndi.correlate1d(img, w), sndi.correlate1d(img, w))
            _same(fndi.correlate(img, np.outer(w, w)), sndi.correlate(img, np.outer(w, w)))
        _same(fndi.uniform_filter(img, 3), sndi.uniform_filter(img, 3))


@pytest.mark.parametrize("mode", MODES)
def test_uint8_passes_exact(mode):
    """uint8 in and out: float32 passes whose sums near an integer are
    recomputed in ndimage's order (csrc/fc_sep.h fc_sep_rows_u8), exact on
    random, binary and adversarial images (sums landing on integers and
    halves), every order, origin, cval, 2-D (the passes fused) and 3-D."""
    rng = np.random.default_rng(12)
    images = [rng.integers(0, 256, (67, 150)).astype(np.uint8),
              (rng.integers(0, 2, (40, 70)) * 255).astype(np.uint8),
              rng.integers(0, 256, (6, 9, 40)).astype(np.uint8)]
    for x in images:
        cval = int(rng.integers(0, 256))
        for order in range(4):
            for sigma in (0.7, 1.0, (2.5, 1.2, 0.8)[: x.ndim]):
                _same(fndi.gaussian_filter(x, sigma, order=order, mode=mode, cval=cval),
                      sndi.gaussian_filter(x, sigma, order=order, mode=mode, cval=cval))
        for w in ([0.5, 0.5], [0.25, 0.5, 0.25], [1, 0, -1], [0.1, 0.2, 0.3, 0.4]):
            for axis in range(x.ndim):
                for origin in (-1, 0):
                    _same(fndi.correlate1d(x, w, axis, mode=mode, cval=cval, origin=origin),
                          sndi.correlate1d(x, w, axis, mode=mode, cval=cval, origin=origin))
        for f in ("sobel", "prewitt", "laplace"):
            _same(getattr(fndi, f)(x, mode=mode), getattr(sndi, f)(x, mode=mode))
    for c in range(256):        # c * (sum of weights) rounds below c for some c
        img = np.full((9, 70), c, np.uint8)
        _same(fndi.gaussian_filter(img, 1.3, mode=mode), sndi.gaussian_filter(img, 1.3, mode=mode))


@pytest.mark.parametrize("mode", ["reflect", "constant", "wrap", "mirror"])
def test_uint8_passes_wide_rows(mode):
    """The uint8 passes' vector blocks, their scalar tails and the cast in
    registers (csrc/fc_sep_impl.h fc_sep_u8v / fc_sep_u8h): rows of every
    width around the blocks of 4 vectors (64 + a few columns), kernels
    shorter and longer than a vector, origins, and images whose sums land
    on integers (flat patches, ramps), exactly scipy's values."""
    rng = np.random.default_rng(21)
    for width in (63, 64, 65, 97, 130, 200):
        noisy = rng.integers(0, 256, (37, width)).astype(np.uint8)
        flat = np.repeat(np.repeat(rng.integers(0, 256, (5, 5)), 8, 0), -(-width // 5), 1)
        flat = flat[:37, :width].astype(np.uint8)
        ramp = (np.add.outer(np.arange(37), np.arange(width)) % 256).astype(np.uint8)
        for x in (noisy, flat, ramp):
            for sigma in (1.0, 3.0, (4.5, 0.6)):
                _same(fndi.gaussian_filter(x, sigma, mode=mode, cval=7),
                      sndi.gaussian_filter(x, sigma, mode=mode, cval=7))
            w = rng.random(9)
            for origin in (-4, 2, 4):
                for axis in (0, 1):
                    _same(fndi.correlate1d(x, w, axis, mode=mode, origin=origin),
                          sndi.correlate1d(x, w, axis, mode=mode, origin=origin))


def _isas():
    from fastconv import _direct
    return sorted(_direct.isa_available())


@pytest.mark.parametrize("isa", _isas())
def test_uint8_passes_folded_short_kernels(isa):
    """Short symmetric and antisymmetric kernels (3 to 17 taps: their folded
    sums, csrc/fc_sep_impl.h fc_sep_foldcast, and the lanes near an integer
    recomputed at once, fc_sep_fixlanes) on each instruction set: rows of
    widths around 1, 2 and 4 vectors, random, flat (every sum near an
    integer) and ramp images, both passes and each alone, every mode;
    kernels that are symmetric in float64 but not once rounded to float32
    (and so not folded) and the reverse: exactly scipy's values."""
    from fastconv import _direct, _sepcore
    rng = np.random.default_rng(33)
    lo = float(np.float32(0.3))
    hi = float(np.nextafter(np.float32(0.3), np.float32(1)))
    mid = (lo + hi) / 2                 # float32 rounds mid and the next double apart
    kernels = [[0.25, 0.5, 0.25], [1.0, 0.0, -1.0], [-0.3, -0.1, 0.0, 0.1, 0.3],
               [0.05, 0.2, 0.5, 0.2, 0.05], [0.1, 0.2, 0.3, 0.4, 0.3, 0.2, 0.1],
               [2.0, -1.0, 0.5, 3.0, 0.5, -1.0, 2.0],
               [-0.2, 0.1, 0.3, 0.7, 0.0, -0.7, -0.3, -0.1, 0.2],
               [mid, 0.4, np.nextafter(mid, 1.0)],
               [lo, 0.4, lo + 1e-12],
               np.r_[np.arange(1.0, 8.0), 2.5, np.arange(7.0, 0.0, -1)] / 60,
               np.r_[-np.arange(1.0, 8.0), 0.0, np.arange(7.0, 0.0, -1)] / 30,
               np.r_[np.arange(1.0, 9.0), 9.0, np.arange(8.0, 0.0, -1)] / 81]
    old = _direct.isa_name()
    _sepcore.select_isa(isa)
    try:
        for width in (15, 16, 17, 33, 64, 70, 131):
            noisy = rng.integers(0, 256, (23, width)).astype(np.uint8)
            flat = np.full((23, width), int(rng.integers(1, 256)), np.uint8)
            flat[7:15, width // 3:] = 255
            ramp = (np.add.outer(3 * np.arange(23), np.arange(width)) % 256).astype(np.uint8)
            for x in (noisy, flat, ramp):
                for mode in MODES:
                    for sigma in (0.3, 0.5, 0.7, 1.0, 1.3, 1.5, 1.8, 2.0):
                        _same(fndi.gaussian_filter(x, sigma, mode=mode, cval=9),
                              sndi.gaussian_filter(x, sigma, mode=mode, cval=9))
                for w in kernels:
                    for axis in (0, 1):
                        _same(fndi.correlate1d(x, w, axis, mode="mirror"),
                              sndi.correlate1d(x, w, axis, mode="mirror"))
                    _same(fndi.correlate(x, np.outer(w, w)), sndi.correlate(x, np.outer(w, w)))
                _same(fndi.sobel(x, 0), sndi.sobel(x, 0))
    finally:
        _sepcore.select_isa(old)


def test_uint8_passes_workers_and_outputs():
    import fastconv
    x = np.random.default_rng(5).integers(0, 256, (300, 257)).astype(np.uint8)
    want = sndi.gaussian_filter(x, 2.0)
    for workers in (1, 2):
        with fastconv.set_workers(workers):
            _same(fndi.gaussian_filter(x, 2.0), want)
    strided = np.zeros((300, 514), np.uint8)[:, ::2]
    fndi.gaussian_filter(x, 2.0, output=strided)
    _same(strided, want)
    y = x.copy()
    fndi.gaussian_filter(y, 2.0, output=y)
    _same(y, want)
    _same(fndi.gaussian_filter(x, 2.0, mode=["wrap", "nearest"]),
          sndi.gaussian_filter(x, 2.0, mode=["wrap", "nearest"]))
    _same(fndi.gaussian_filter(x, 1.0, mode="constant", cval=2.5),
          sndi.gaussian_filter(x, 1.0, mode="constant", cval=2.5))


@pytest.mark.parametrize("out", [np.int8, np.uint8, np.int16, np.uint16, np.int32,
                                 np.uint32, np.int64, np.uint64, bool])
def test_casts_out_of_range_and_nan_as_scipy(out):
    x = np.array([1.0, -1.0, 3.5, -7.75, 0.0, np.nan])
    for w in (1.0, -1.0, 1e6, 3e9, 1e10, 1e19, -1e19, 1e30, np.inf):
        with np.errstate(invalid="ignore", over="ignore"):
            _same(fndi.correlate1d(x, [w], output=out), sndi.correlate1d(x, [w], output=out))


def test_per_axis_modes_origins_and_axes():
    rng = np.random.default_rng(11)
    x = _data((7, 6, 5), np.float64, rng)
    modes = ["reflect", "constant", "wrap"]
    _same(fndi.gaussian_filter(x, (1.0, 0.5, 2.0), mode=modes, cval=2.0, order=(0, 1, 2)),
          sndi.gaussian_filter(x, (1.0, 0.5, 2.0), mode=modes, cval=2.0, order=(0, 1, 2)))
    _same(fndi.uniform_filter(x, (2, 3, 4), mode=modes, origin=(0, 1, -2)),
          sndi.uniform_filter(x, (2, 3, 4), mode=modes, origin=(0, 1, -2)))
    for f in ("sobel", "prewitt"):
        _same(getattr(fndi, f)(x, axis=1, mode=modes), getattr(sndi, f)(x, axis=1, mode=modes))
    _same(fndi.laplace(x, mode=modes[:2], axes=(2, 0)), sndi.laplace(x, mode=modes[:2], axes=(2, 0)))
    _same(fndi.gaussian_laplace(x, (1.0, 2.0), axes=(0, 2), mode=modes[:2]),
          sndi.gaussian_laplace(x, (1.0, 2.0), axes=(0, 2), mode=modes[:2]))
    _same(fndi.gaussian_gradient_magnitude(x, 1.0, axes=(1,), truncate=2.0),
          sndi.gaussian_gradient_magnitude(x, 1.0, axes=(1,), truncate=2.0))
    _same(fndi.gaussian_filter(x, 1.5, radius=(1, 2), axes=(0, 2)),
          sndi.gaussian_filter(x, 1.5, radius=(1, 2), axes=(0, 2)))
    w = rng.standard_normal((3, 2))
    _same(fndi.correlate(x, w, axes=(0, 2), origin=(1, -1)),
          sndi.correlate(x, w, axes=(0, 2), origin=(1, -1)))
    _same(fndi.convolve(x, w, axes=(2, 1), origin=(-1, 0)),
          sndi.convolve(x, w, axes=(2, 1), origin=(-1, 0)))


@pytest.mark.parametrize("order", [0, 1, 2, 3])
@pytest.mark.parametrize("truncate,radius", [(4.0, None), (2.0, None), (4.0, 3), (4.0, 0)])
def test_gaussian_orders_truncate_radius(order, truncate, radius):
    x = _data((40,), np.float64, np.random.default_rng(order))
    _same(fndi.gaussian_filter1d(x, 1.7, order=order, truncate=truncate, radius=radius),
          sndi.gaussian_filter1d(x, 1.7, order=order, truncate=truncate, radius=radius))
    xi = _data((40,), np.int32, np.random.default_rng(order))
    _same(fndi.gaussian_filter1d(xi, 1.7, order=order, truncate=truncate, radius=radius),
          sndi.gaussian_filter1d(xi, 1.7, order=order, truncate=truncate, radius=radius))


def test_gaussian_taps_kept_per_sigma_type():
    """The Gaussian taps are kept between calls (ndimage._gaussian_taps):
    a float32 sigma computes them in float32 as scipy does (1.5e-8 away
    from the float sigma of the same value), so neither call may be
    answered with the other's taps, and a caller cannot change them."""
    x = _data((50,), np.float64, np.random.default_rng(5))
    for sigma in (np.float32(1.3), 1.3, np.float32(1.3), np.float64(1.3)):
        for order in (0, 2):
            _same(fndi.gaussian_filter1d(x, sigma, order=order),
                  sndi.gaussian_filter1d(x, sigma, order=order))
    assert np.abs(sndi.gaussian_filter1d(x, np.float32(1.3)) - sndi.gaussian_filter1d(x, 1.3)).max() > 0
    w = fndi._gaussian_weights(1.3, 0, 4.0, None)
    with pytest.raises(ValueError):
        w[0] = 1.0
    x32 = x.astype(np.float32)
    _same(fndi.gaussian_filter(x32, 1.3), sndi.gaussian_filter(x32, 1.3))
    _same(fndi.gaussian_filter(x32, 1.3), sndi.gaussian_filter(x32, 1.3))


def test_non_finite_input_under_zero_taps():
    """ndimage's N-D correlate skips zero taps (a NaN there does not spread);
    correlate1d does not."""
    x = np.zeros((6, 7))
    x[0, 0], x[3, 3], x[5, 6] = np.nan, np.inf, -np.inf
    cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1e-17, 0]])
    for mode in MODES:
        _same(fndi.correlate(x, cross, mode=mode), sndi.correlate(x, cross, mode=mode))
        _same(fndi.convolve(x, cross, mode=mode), sndi.convolve(x, cross, mode=mode))
        _same(fndi.correlate1d(x, [0, 1, 0], mode=mode), sndi.correlate1d(x, [0, 1, 0], mode=mode))
        _same(fndi.correlate(x.astype(np.float32), cross, mode=mode),
              sndi.correlate(x.astype(np.float32), cross, mode=mode))


def test_complex_inputs_weights_and_cval():
    rng = np.random.default_rng(5)
    x = _data((6, 7), np.complex128, rng)
    xr = _data((6, 7), np.float32, rng)
    wc = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    w1 = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    for mode in ("constant", "reflect"):
        for inp in (x, xr, x.astype(np.complex64)):
            cval = 1 + 2j if inp.dtype.kind == "c" else 1.5
            for f, w in (("correlate", wc), ("convolve", wc), ("correlate1d", w1),
                         ("convolve1d", w1)):
                _same(getattr(fndi, f)(inp, w, mode=mode, cval=cval),
                      getattr(sndi, f)(inp, w, mode=mode, cval=cval))
        for f, a in (("gaussian_filter", (1.0,)), ("uniform_filter", (3,)),
                     ("uniform_filter1d", (4,)), ("sobel", ()), ("laplace", ())):
            _same(getattr(fndi, f)(x, *a, mode=mode, cval=1 - 1j),
                  getattr(sndi, f)(x, *a, mode=mode, cval=1 - 1j))


def test_output_array_and_in_place():
    rng = np.random.default_rng(9)
    x = _data((10, 11), np.float64, rng)
    for f, a in (("gaussian_filter", (1.0,)), ("correlate", (np.ones((3, 2)),)),
                 ("uniform_filter", (4,)), ("sobel", ())):
        out = np.empty((10, 11), np.float32)
        res = getattr(fndi, f)(x, *a, output=out)
        assert res is out
        _same(out, getattr(sndi, f)(x, *a, output=np.float32))
        ours, theirs = x.copy(), x.copy()
        assert getattr(fndi, f)(ours, *a, output=ours) is ours
        getattr(sndi, f)(theirs, *a, output=theirs)
        _same(ours, theirs)
        strided = np.zeros((10, 22))[:, ::2]
        getattr(fndi, f)(x, *a, output=strided)
        _same(strided, getattr(sndi, f)(x, *a))


def test_inputs_never_modified():
    rng = np.random.default_rng(2)
    x = _data((6, 5), np.int16, rng)
    w = rng.standard_normal((2, 3))
    x0, w0 = x.copy(), w.copy()
    for f, a in (("correlate", (w,)), ("convolve", (w,)), ("correlate1d", (w[0],)),
                 ("gaussian_filter", (1.0,)), ("gaussian_laplace", (1.0,)),
                 ("gaussian_gradient_magnitude", (1.0,)), ("uniform_filter", (3,))):
        getattr(fndi, f)(x, *a)
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(w, w0)


def test_result_dtype_table():
    """dtypes in -> dtype out (scipy's rule: the input's dtype; complex
    weights or uniform filters of complex input: complex)."""
    table = [
        ("gaussian_filter", np.uint8, None, np.uint8),
        ("gaussian_filter", np.float32, None, np.float32),
        ("gaussian_filter", np.int64, None, np.int64),
        ("gaussian_filter", bool, None, bool),
        ("correlate", np.int16, np.float64, np.int16),
        ("correlate", np.float32, np.complex128, np.complex64),
        ("correlate", np.uint8, np.complex64, np.complex64),
        ("correlate", np.float64, np.complex64, np.complex128),
        ("correlate", np.complex64, np.float64, np.complex64),
        ("uniform_filter", np.complex64, None, np.complex64),
    ]
    for f, src, wdt, out in table:
        x = np.ones((4, 4), src)
        a = (np.ones((2, 2), wdt),) if wdt is not None else ((1.0,) if "gauss" in f else (3,))
        assert getattr(fndi, f)(x, *a).dtype == np.dtype(out), (f, src, wdt)
        assert getattr(sndi, f)(x, *a).dtype == np.dtype(out), (f, src, wdt)


def test_empty_and_zero_sigma():
    for f, a in (("gaussian_filter", (1.0,)), ("uniform_filter", (3,)),
                 ("correlate1d", ([1.0, 2.0],)), ("correlate", (np.ones((2, 2)),))):
        x = np.zeros((0, 4))
        _same(getattr(fndi, f)(x, *a), getattr(sndi, f)(x, *a))
    x = _data((5, 5), np.int32, np.random.default_rng(0))
    _same(fndi.gaussian_filter(x, 0), sndi.gaussian_filter(x, 0))
    _same(fndi.uniform_filter(x, 1), sndi.uniform_filter(x, 1))
    _same(fndi.gaussian_filter(x, (0, 1.5)), sndi.gaussian_filter(x, (0, 1.5)))


def test_threads_bit_identical():
    import fastconv
    x = _data((300, 200), np.float32, np.random.default_rng(4))
    with fastconv.set_workers(1):
        one = fndi.gaussian_filter(x, 3.0)
    with fastconv.set_workers(2):
        two = fndi.gaussian_filter(x, 3.0)
    np.testing.assert_array_equal(one, two)


# ---------------------------------------------------------------- bad input

BAD = [
    ("correlate1d", (np.ones(5), [[1, 2]]), {}, "weights"),
    ("correlate1d", (np.ones(5), []), {}, "weights"),
    ("correlate1d", (np.ones(5), [1, 2, 3]), dict(origin=2), "origin"),
    ("correlate1d", (np.ones(5), [1, 2, 3]), dict(axis=1), "axis"),
    ("correlate1d", (np.ones(5), [1, 2]), dict(mode="bogus"), "mode"),
    ("correlate1d", (np.ones(5), [1, 2]), dict(output=np.ones(4)), "output"),
    ("correlate1d", (np.ones(5), [1, 2]), dict(cval=1j), "cval"),
    ("correlate1d", (np.ones(5, np.float16), [1, 2]), {}, "input"),
    ("correlate1d", (np.ones(5), [1, 2]), dict(output=np.float16), "output"),
    ("correlate1d", (np.ones(5), [1j, 2]), dict(output="f8"), "output"),
    ("correlate1d", (np.ones(5), [1, 2]), dict(output="U3"), "output"),
    ("correlate", (np.ones((4, 4)), np.ones(3)), {}, "weights.ndim"),
    ("correlate", (np.ones((4, 4)), np.ones((3, 3))), dict(mode=["reflect", "wrap"]), "mode"),
    ("correlate", (np.ones((4, 4)), np.ones((3, 3))), dict(origin=(0, 2)), "origin"),
    ("correlate", (np.ones((4, 4)), np.ones((3, 3))), dict(origin=(0, 1, 0)), "origin"),
    ("convolve", (np.ones((4, 4)), np.ones((2, 2))), dict(origin=1), "origin"),
    ("correlate", (np.ones((4, 4)), np.ones(3)), dict(axes=(0, 0)), "axes"),
    ("correlate", (np.ones((4, 4)), np.ones(3)), dict(axes=(2,)), "axes"),
    ("correlate", (np.ones((4, 4)), np.ones(3)), dict(axes="x"), "axes"),
    ("uniform_filter1d", (np.ones(5), 0), {}, "size"),
    ("uniform_filter1d", (np.ones(5), 3), dict(origin=2), "origin"),
    ("uniform_filter", (np.ones((4, 4)), (3, 3, 3)), {}, "size"),
    ("uniform_filter", (np.ones((4, 4)), 3), dict(origin=(0, 5)), "origin"),
    ("gaussian_filter1d", (np.ones(5), 1.0), dict(radius=-1), "radius"),
    ("gaussian_filter1d", (np.ones(5), 1.0), dict(radius=1.5), "radius"),
    ("gaussian_filter1d", (np.ones(5), 1.0), dict(order=-1), "order"),
    ("gaussian_filter", (np.ones((4, 4)), (1.0, 2.0, 3.0)), {}, "sigma"),
    ("gaussian_filter", (np.ones((4, 4)), 1.0), dict(mode=["wrap"]), "mode"),
    ("gaussian_filter", (np.ones((4, 4), np.float16), 1.0), {}, "input"),
    ("sobel", (np.ones((4, 4)),), dict(axis=2), "axis"),
    ("prewitt", (np.ones((4, 4)),), dict(mode=["wrap"] * 3), "mode"),
    ("laplace", (np.ones((4, 4)),), dict(mode="nope"), "mode"),
    ("gaussian_laplace", (np.ones((4, 4)), (1.0, 1.0, 1.0)), {}, "sigma"),
]


@pytest.mark.parametrize("name,args,kwargs,word", BAD,
                         ids=[f"{b[0]}-{b[3]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_raises_as_scipy(name, args, kwargs, word):
    with pytest.raises(Exception) as theirs:
        getattr(sndi, name)(*args, **kwargs)
    with pytest.raises(Exception) as ours:
        getattr(fndi, name)(*args, **kwargs)
    assert isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
    assert word in str(ours.value), ours.value


def test_complex_output_dtype_promotion_warns_as_scipy():
    x = np.ones(5, np.complex64)
    with pytest.warns(UserWarning, match="promoting specified output dtype to complex"):
        res = fndi.correlate1d(x, [1.0, 2.0], output=np.float32)
    assert res.dtype == np.complex64


@pytest.mark.parametrize("dtype", [">i2", ">u2", ">f4", ">f8"])
def test_byte_swapped_inputs_and_outputs(dtype):
    x = (np.random.default_rng(1).random((9, 8)) * 100).astype(dtype)
    for f, a in (("gaussian_filter", (1.2,)), ("correlate", (np.ones((2, 3)) / 7,)),
                 ("uniform_filter", (3,)), ("sobel", ())):
        _same(getattr(fndi, f)(x, *a), getattr(sndi, f)(x, *a))
        ours, theirs = np.zeros((9, 8), ">f4"), np.zeros((9, 8), ">f4")
        getattr(fndi, f)(x, *a, output=ours)
        getattr(sndi, f)(x, *a, output=theirs)
        _same(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int16])
@pytest.mark.parametrize("mode", MODES)
def test_kept_gaussian_filter_same_bits_as_first_call(monkeypatch, dtype, mode):
    """A repeated gaussian_filter call of the same signature runs the kept
    separable plan (ndimage._KEPT): the first call's bits, 1 and 2 threads,
    a new array each call (the earlier result untouched), the input left
    alone; another argument type (a float32 sigma, computed in float32 as
    scipy does), a non-contiguous input or an output argument are calls of
    their own; scipy's values throughout."""
    import fastconv
    from fastconv import ndimage as nd
    monkeypatch.setattr(nd, "_KEPT", {})
    rng = np.random.default_rng(len(mode) + np.dtype(dtype).itemsize)
    x = _data((70, 53), dtype, rng)
    x0 = x.copy()
    first = fndi.gaussian_filter(x, 2.0, mode=mode, cval=1.5)
    _same(first, sndi.gaussian_filter(x, 2.0, mode=mode, cval=1.5))
    snap = first.copy()
    # (one plan does it all: a float output, not a non-zero cval's pass per axis)
    one_plan = np.dtype(dtype).kind == "f" and "constant" not in mode
    assert len(nd._KEPT) == (1 if one_plan else 0)
    for workers in (1, 2, 1):
        with fastconv.set_workers(workers):
            again = fndi.gaussian_filter(x, 2.0, mode=mode, cval=1.5)
        assert again is not first and again.tobytes() == snap.tobytes()
    assert first.tobytes() == snap.tobytes() and np.array_equal(x, x0)
    others = [((x, np.float32(2.0)), {}), ((x[:, ::-1], 2.0), {}),
              ((x, 2.0), {"output": np.float64}), ((x, 2), {"truncate": 3.0})]
    for args, kw in others:
        ours = fndi.gaussian_filter(*args, mode=mode, cval=1.5, **kw)
        _same(ours, sndi.gaussian_filter(*args, mode=mode, cval=1.5, **kw))
        ours2 = fndi.gaussian_filter(*args, mode=mode, cval=1.5, **kw)
        assert ours2.tobytes() == ours.tobytes()
