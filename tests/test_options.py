"""The options beyond scipy.signal: out=, dtype=, axes= (batching), N-D
boundary=/fillvalue=, maxlag=.  Each is compared with an independent
reference: a Python loop over the batch, scipy.ndimage and np.pad + 'valid'
for boundaries, an int64 computation for dtype=, a slice of the full result
for maxlag; under both methods and workers 1 and 2.
"""
import tracemalloc

import numpy as np
import pytest

from fastconv import (convolve, convolve2d, correlate, correlate2d, correlation_lags,
                      fftconvolve, oaconvolve)

from reference import abs_bound, ref_convolve, ref_convolve2d, ref_correlate

ndimage = pytest.importorskip("scipy.ndimage")


@pytest.fixture(autouse=True)
def _threads_even_for_small_problems(monkeypatch):
    """workers=2 really runs two threads here (small problems otherwise run
    on one, see fastconv._threads.PARALLEL_MIN_SECONDS)."""
    from fastconv import _threads
    monkeypatch.setattr(_threads, "PARALLEL_MIN_SECONDS", 0)

METHODS = ("direct", "fft")
MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm", "reflect", "nearest")


def close(out, exp, bound=None, rel=64):
    """Float results within a few units of sum |x||k| (exact for integers)."""
    assert out.shape == exp.shape
    if out.dtype.kind in "biu":
        np.testing.assert_array_equal(out, exp)
        return
    eps = np.finfo(out.dtype).eps
    scale = np.max(np.abs(bound)) if bound is not None and bound.size else 1.0
    np.testing.assert_allclose(out, exp, rtol=0, atol=rel * eps * max(scale, 1.0))


def rand(rng, shape, dtype=np.float64):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -50), min(info.max, 50), size=shape, endpoint=True,
                            dtype=dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------
# axes=: batching, compared with a Python loop over the batch

def _loop_reference(func, a, b, mode, axes, **kw):
    """Apply `func` to every batch element (broadcasting lengths of 1)."""
    ndim = a.ndim
    axes = [ax % ndim for ax in np.atleast_1d(axes)]
    batch_axes = [ax for ax in range(ndim) if ax not in axes]
    bshape = [max(a.shape[ax], b.shape[ax]) for ax in batch_axes]
    results = {}
    for idx in np.ndindex(*bshape):
        sa = [slice(None)] * ndim
        sb = [slice(None)] * ndim
        for ax, i in zip(batch_axes, idx):
            sa[ax] = 0 if a.shape[ax] == 1 else i
            sb[ax] = 0 if b.shape[ax] == 1 else i
        results[idx] = func(a[tuple(sa)], b[tuple(sb)], mode, **kw)
    one = next(iter(results.values()))
    out = np.empty(tuple(bshape) + one.shape, dtype=one.dtype)
    for idx, r in results.items():
        out[idx] = r
    # batch axes are in front in `out`: move them back to their places
    order = batch_axes + axes
    return np.moveaxis(out, range(ndim), order)


AXES_CASES = [
    # (shape1, shape2, axes)
    ((4, 50), (1, 7), 1),            # kernel broadcast over rows
    ((4, 50), (4, 7), -1),           # one kernel per row
    ((1, 50), (3, 7), 1),            # one signal, three kernels
    ((30, 5), (4, 1), 0),            # columns, kernel broadcast
    ((30, 5), (4, 5), 0),            # one kernel per column
    ((3, 20, 16), (1, 5, 3), (1, 2)),
    ((3, 20, 16), (3, 5, 3), (1, 2)),
    ((20, 3, 16), (5, 3, 4), (0, 2)),
    ((20, 3, 16), (5, 1, 4), (0, 2)),
    ((2, 3, 40), (2, 1, 6), 2),
    ((2, 1, 40), (1, 3, 6), 2),
]


@pytest.mark.parametrize("s1,s2,axes", AXES_CASES)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("func,ref", [(convolve, ref_convolve), (correlate, ref_correlate)])
def test_axes_batch_matches_loop(s1, s2, axes, method, func, ref):
    rng = np.random.default_rng(abs(hash((s1, s2, str(axes)))) % 2**32)
    a, b = rand(rng, s1), rand(rng, s2)
    for mode in MODES:
        for workers in (1, 2):
            try:
                exp = _loop_reference(ref, a, b, mode, axes)
            except ValueError:
                with pytest.raises(ValueError, match="at least as large"):
                    func(a, b, mode, method=method, axes=axes, workers=workers)
                continue
            out = func(a, b, mode, method=method, axes=axes, workers=workers)
            bound = _loop_reference(lambda x, y, m: abs_bound(ref, x, y, m), a, b, mode, axes)
            close(out, exp, bound)


@pytest.mark.parametrize("dtype", [np.int16, np.uint8, np.float32, np.complex64])
def test_axes_batch_dtypes_and_boundaries(dtype):
    rng = np.random.default_rng(3)
    a = rand(rng, (5, 9, 31), dtype)
    b = rand(rng, (5, 3, 4), dtype)
    for boundary in BOUNDARIES:
        for mode in ("same", "full"):
            exp = _loop_reference(ref_convolve, a, b, mode, (1, 2), boundary=boundary)
            out = convolve(a, b, mode, method="direct", axes=(1, 2), boundary=boundary)
            close(out, exp, _loop_reference(
                lambda x, y, m: abs_bound(ref_convolve, x, y, m, boundary), a, b, mode, (1, 2)))


def test_axes_batch_bit_identical_to_one_image():
    """A batch of 2-D images gives, per image, the same bits as a call on
    that image alone, for every thread count."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((6, 70, 90)).astype(np.float32)
    k = rng.standard_normal((1, 5, 5)).astype(np.float32)
    for workers in (1, 2):
        out = convolve(a, k, "same", method="direct", axes=(1, 2), workers=workers)
        for i in range(a.shape[0]):
            np.testing.assert_array_equal(out[i], convolve(a[i], k[0], "same", method="direct"))


def test_axes_fftconvolve_rule_shared():
    """convolve(axes=, method='fft') and fftconvolve(axes=) agree (fastconv
    keeps the broadcast shape in 'same', unlike scipy#21876)."""
    rng = np.random.default_rng(6)
    a, b = rand(rng, (1, 100)), rand(rng, (7, 10))
    for mode in MODES:
        exp = fftconvolve(a, b, mode, axes=1)
        assert exp.shape[0] == 7
        np.testing.assert_allclose(convolve(a, b, mode, method="fft", axes=1), exp,
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(convolve(a, b, mode, method="direct", axes=1), exp,
                                   rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# boundary= / fillvalue= for N-D convolve and correlate

def _pad_valid(a, k, mode, boundary, fillvalue, correlate_=False):
    """np.pad the input by the kernel's reach with the matching np.pad mode,
    then take the 'valid' convolution (an independent route to the result)."""
    npmode = {"fill": "constant", "wrap": "wrap", "symm": "symmetric",
              "reflect": "reflect", "nearest": "edge"}[boundary]
    kk = np.conj(k[tuple(slice(None, None, -1) for _ in k.shape)]) if correlate_ else k
    pads = []
    for n, m in zip(a.shape, kk.shape):
        if mode == "full":
            pads.append((m - 1, m - 1))
        else:   # same: start (m - 1) // 2 of full
            lo = m - 1 - (m - 1) // 2
            pads.append((lo, m - 1 - lo))
    kw = {"constant_values": fillvalue} if npmode == "constant" else {}
    ext = np.pad(a, pads, npmode, **kw)
    return ref_convolve(ext, kk, "valid")


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape1,shape2", [((13,), (4,)), ((9, 11), (3, 4)),
                                           ((6, 7, 8), (3, 2, 3)), ((5, 4), (7, 9))])
def test_nd_boundary_matches_pad_valid(boundary, method, shape1, shape2):
    rng = np.random.default_rng(7)
    a, k = rand(rng, shape1), rand(rng, shape2)
    fv = 1.5 if boundary == "fill" else 0
    for (func, corr), workers in zip(((convolve, False), (correlate, True)), (1, 2)):
        for mode in ("full", "same"):
            if boundary == "reflect" and min(shape1) == 1:
                continue
            exp = _pad_valid(a, k, mode, boundary, fv, corr)
            out = func(a, k, mode, method=method, boundary=boundary, fillvalue=fv,
                       workers=workers)
            np.testing.assert_array_equal(
                out, func(a, k, mode, method=method, boundary=boundary, fillvalue=fv,
                          workers=3 - workers))
            ref = (ref_correlate if corr else ref_convolve)(a, k, mode, boundary, fv)
            close(out, exp, abs_bound(ref_correlate if corr else ref_convolve, a, k, mode,
                                      boundary, fv))
            close(out, ref, abs_bound(ref_correlate if corr else ref_convolve, a, k, mode,
                                      boundary, fv))


NDIMAGE_MODES = {"fill": "constant", "wrap": "wrap", "symm": "reflect",
                 "reflect": "mirror", "nearest": "nearest"}


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("method", METHODS)
def test_nd_boundary_matches_ndimage(boundary, method):
    """'same' with an odd kernel is scipy.ndimage.convolve/correlate with
    the mode of the README's table."""
    rng = np.random.default_rng(8)
    a = rng.standard_normal((12, 10, 9))
    k = rng.standard_normal((3, 5, 3))
    cval = 2.0 if boundary == "fill" else 0.0
    exp = ndimage.convolve(a, k, mode=NDIMAGE_MODES[boundary], cval=cval)
    out = convolve(a, k, "same", method=method, boundary=boundary, fillvalue=cval)
    np.testing.assert_allclose(out, exp, rtol=1e-12, atol=1e-12)
    exp = ndimage.correlate(a, k, mode=NDIMAGE_MODES[boundary], cval=cval)
    out = correlate(a, k, "same", method=method, boundary=boundary, fillvalue=cval)
    np.testing.assert_allclose(out, exp, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("boundary", BOUNDARIES + ("circular", "symmetric", "mirror", "edge",
                                                   "pad"))
def test_convolve2d_equals_convolve_with_boundary(boundary):
    rng = np.random.default_rng(9)
    a = rng.integers(-9, 9, (15, 12))
    k = rng.integers(-3, 3, (4, 5))
    for mode in MODES:
        for method in METHODS:
            np.testing.assert_array_equal(
                convolve(a, k, mode, method=method, boundary=boundary, fillvalue=2),
                convolve2d(a, k, mode, boundary=boundary, fillvalue=2))


# ---------------------------------------------------------------------------
# dtype=

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_dtype_uint8_never_wraps(method, dtype):
    rng = np.random.default_rng(10)
    img = rng.integers(0, 256, (40, 37), dtype=np.uint8)
    k = rng.integers(0, 256, (5, 5), dtype=np.uint8)
    exp = ref_convolve(img.astype(np.int64), k.astype(np.int64), "same")
    for workers in (1, 2):
        out = convolve(img, k, "same", method=method, dtype=dtype, workers=workers)
        assert out.dtype == dtype
        if method == "fft" and np.dtype(dtype).kind == "f":   # FFT rounding
            np.testing.assert_allclose(out, exp, rtol=0, atol=1e-5 * exp.max())
        else:   # sums below 2**24: exact in float32 too
            np.testing.assert_array_equal(out, exp.astype(dtype))
        out2 = convolve2d(img, k, "same", dtype=dtype, workers=workers)
        np.testing.assert_array_equal(out2, exp.astype(dtype))
    # the default stays scipy's wrapping uint8 result
    assert convolve(img, k, "same").dtype == np.uint8


def test_dtype_float32_accumulates_in_float64():
    rng = np.random.default_rng(11)
    a = rng.standard_normal(3000).astype(np.float32)
    k = rng.standard_normal(301).astype(np.float32)
    out = convolve(a, k, method="direct", dtype=np.float64)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(
        out, convolve(a.astype(np.float64), k.astype(np.float64), method="direct"))
    f = fftconvolve(a, k, dtype=np.float64)
    np.testing.assert_allclose(f, out, rtol=0, atol=1e-10 * np.abs(out).max())
    assert fftconvolve(a.astype(np.float64), k, dtype=np.float32).dtype == np.float32


def test_dtype_signed_and_mixed():
    rng = np.random.default_rng(12)
    a = rng.integers(-128, 128, 500).astype(np.int8)
    k = rng.integers(-128, 128, 40).astype(np.int8)
    exp = np.convolve(a.astype(np.int64), k.astype(np.int64))
    for method in METHODS:
        np.testing.assert_array_equal(convolve(a, k, method=method, dtype=np.int32), exp)
        np.testing.assert_array_equal(correlate(a, k, method=method, dtype=np.int16),
                                      np.correlate(a.astype(np.int64), k.astype(np.int64),
                                                   "full").astype(np.int16))


def _int_image(rng, shape, dtype):
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype)


# (image dtype, kernel dtype and shape, result dtype): uint8 images summed
# in float32 (int32/float32 results), with negative taps, with a kernel too
# big for 16-bit sums and one too big for float32 (float64 or uint32 work),
# int8/int16/bool images, an int64 result (float64 work)
UNIT_CONVERSION_CASES = [
    (np.uint8, np.uint8, (5, 5), np.int32),
    (np.uint8, np.uint8, (5, 5), np.float32),
    (np.uint8, np.int8, (3, 7), np.int32),
    (np.uint8, np.int16, (9, 9), np.int32),       # 255 * sum|k| > 2**24
    (np.uint8, np.int16, (1, 11), np.int64),
    (np.int8, np.int8, (7, 1), np.int32),
    (np.int16, np.int8, (4, 5), np.int32),
    (np.bool_, np.uint8, (3, 3), np.int16),
    (np.uint16, np.uint8, (3, 3), np.float64),
]


@pytest.mark.parametrize("xdt,kdt,kshape,rdt", UNIT_CONVERSION_CASES)
def test_dtype_widening_converted_unit_by_unit(xdt, kdt, kshape, rdt):
    """Integer images widened to the work dtype by each work unit (and float
    sums cast to int32/int64 in place), against an int64 reference: every
    mode, fill boundaries with zero and nonzero fill values and the folding
    boundaries, workers 1 and 2 bit-identical, wide rows (SIMD bands, zero
    edges) and a 1-D signal split into column blocks."""
    from fastconv import _window
    rng = np.random.default_rng(20)
    x = _int_image(rng, (30, 2100), xdt)
    k = _int_image(rng, kshape, kdt)
    x64, k64 = x.astype(np.int64), k.astype(np.int64)
    for mode in MODES:
        for boundary, fill in (("fill", 0), ("fill", 3), ("wrap", 0), ("symm", 0)):
            exp = ref_convolve2d(x64, k64, mode, boundary=boundary, fillvalue=fill)
            outs = [convolve2d(x, k, mode, boundary=boundary, fillvalue=fill, dtype=rdt,
                               workers=w) for w in (1, 2)]
            assert outs[0].dtype == rdt
            np.testing.assert_array_equal(outs[0], exp.astype(rdt))
            np.testing.assert_array_equal(outs[1], outs[0])
    signal = _int_image(rng, 9000, xdt)
    taps = k.reshape(-1)[:7]
    exp = np.convolve(signal.astype(np.int64), taps.astype(np.int64))
    for w in (1, 2):
        np.testing.assert_array_equal(convolve(signal, taps, method="direct", dtype=rdt,
                                               workers=w), exp.astype(rdt))


def test_dtype_uint8_int32_takes_the_unit_conversions():
    """The benchmark's case (uint8 image, int32 result) runs with the
    per-unit conversions, batched over axes and into out= as well."""
    from fastconv import _plan, _window
    rng = np.random.default_rng(21)
    img = rng.integers(0, 256, (3, 40, 300), dtype=np.uint8)
    k = rng.integers(-128, 128, (5, 5), dtype=np.int16)
    plan = _plan.make_plan("convolve", img[0], k, "same", method="direct", dtype=np.int32)
    wd = plan.work
    assert _window._band_source(plan, wd, k.shape, (False, False), None) != 0
    assert _window._cast_code(wd, plan.result) != 0
    exp = np.stack([ref_convolve(p.astype(np.int64), k.astype(np.int64), "same")
                    for p in img])
    out = np.full(img.shape, -1, np.int32)
    for w in (1, 2):
        got = convolve(img, k[None], "same", method="direct", axes=(1, 2), dtype=np.int32,
                       workers=w, out=out)
        assert got is out
        np.testing.assert_array_equal(out, exp)
    strided = np.zeros((3, 40, 600), np.int64)[:, :, ::2]        # cast into out=
    convolve(img, k[None], "same", method="direct", axes=(1, 2), dtype=np.int32, out=strided)
    np.testing.assert_array_equal(strided, exp)


def _spy_pair_taps(monkeypatch):
    """A list that records, per direct call, whether the exact int16-pair
    units ran (_window._pair_taps gave taps)."""
    from fastconv import _window
    seen, orig = [], _window._pair_taps

    def spy(*args):
        got = orig(*args)
        seen.append(got is not None)
        return got
    monkeypatch.setattr(_window, "_pair_taps", spy)
    return seen


@pytest.fixture(params=["scalar", "avx2", "avx512bw", "avx512vnni"])
def pairs_variant(request):
    """Each loop of csrc/fc_pairs.h that this CPU and the ISA in use allow."""
    from fastconv import _direct
    used = _direct.select_pairs(request.param)
    try:
        if used != request.param:
            pytest.skip(f"{request.param} not available here")
        yield used
    finally:
        _direct.select_pairs(None)


# (image dtype, kernel shape, tap range, fill): odd and even widths,
# 1 and > 16, negative taps, int8 / int16 / bool images, negative fills
PAIR_CASES = [
    (np.uint8, (5, 5), (0, 256), 0),
    (np.uint8, (1, 1), (-100, 100), 7),
    (np.uint8, (3, 18), (-128, 128), 0),
    (np.int8, (4, 33), (-128, 128), -5),
    (np.int16, (2, 6), (-20, 20), -300),
    (np.bool_, (7, 17), (-300, 300), 1),
    (np.uint8, (1, 2), (-32768, 32768), 0),     # int16's extreme taps
]


@pytest.mark.parametrize("xdt,kshape,taps,fill", PAIR_CASES)
def test_dtype_int32_exact_pair_units(monkeypatch, pairs_variant, xdt, kshape, taps, fill):
    """Narrow integer images with an int32 result run the exact int16-pair
    units (csrc/fc_pairs.h) on every loop variant: equal to the int64
    reference in every mode with zero and nonzero fills (borders, unit
    edges, a row split into column blocks), workers 1 and 2 identical."""
    seen = _spy_pair_taps(monkeypatch)
    rng = np.random.default_rng(22)
    x = _int_image(rng, (29, 2100), xdt)
    k = rng.integers(*taps, kshape).astype(np.int32)
    if taps[0] == -2**15:
        k[0, :2] = (-2**15, 2**15 - 1)
    for mode in MODES:
        exp = ref_convolve2d(x.astype(np.int64), k.astype(np.int64), mode, fillvalue=fill)
        outs = [convolve2d(x, k, mode, fillvalue=fill, dtype=np.int32, workers=w)
                for w in (1, 2)]
        np.testing.assert_array_equal(outs[0], exp.astype(np.int32))
        np.testing.assert_array_equal(outs[1], outs[0])
    assert seen and all(seen)


def test_dtype_int32_pair_units_batched_kernels(monkeypatch, pairs_variant):
    """One kernel per batch plane (axes=), into out=: each plane's taps."""
    seen = _spy_pair_taps(monkeypatch)
    rng = np.random.default_rng(23)
    img = rng.integers(0, 256, (3, 40, 130), dtype=np.uint8)
    k = rng.integers(-200, 200, (3, 5, 6)).astype(np.int16)
    exp = np.stack([ref_convolve(p.astype(np.int64), q.astype(np.int64), "same")
                    for p, q in zip(img, k)])
    out = np.empty(img.shape, np.int32)
    for w in (1, 2):
        got = convolve(img, k, "same", method="direct", axes=(1, 2), dtype=np.int32,
                       workers=w, out=out)
        assert got is out
        np.testing.assert_array_equal(out, exp)
    assert seen and all(seen)


@pytest.mark.parametrize("xdt,k,fill", [
    (np.bool_, np.array([[40000, -3], [2, 1]], np.int32), 0),    # a tap beyond int16
    (np.uint8, np.array([[1, 2, 3]], np.uint8), 40000),         # a fill beyond int16
    (np.uint16, np.array([[1, 2], [3, 4]], np.uint8), 0),       # x beyond int16
])
def test_dtype_int32_pair_units_fall_back(monkeypatch, xdt, k, fill):
    """Taps, fill or image values outside int16 keep the float32 units."""
    seen = _spy_pair_taps(monkeypatch)
    rng = np.random.default_rng(24)
    x = _int_image(rng, (20, 70), xdt)
    for mode in ("full", "same"):       # ('valid' reads no fill)
        exp = ref_convolve2d(x.astype(np.int64), k.astype(np.int64), mode, fillvalue=fill)
        got = convolve2d(x, k, mode, fillvalue=fill, dtype=np.int32)
        np.testing.assert_array_equal(got, exp.astype(np.int32))
    assert seen and not any(seen)


@pytest.mark.parametrize("xdt", [np.uint8, np.int8, np.int16])
def test_dtype_int32_pair_rows_every_width(monkeypatch, pairs_variant, xdt):
    """The pair rows of every width (csrc/fc_pairs.c: the vector build of
    16 pairs at a time, AVX512_VBMI's byte permute for uint8 under the VNNI
    loop, and the scalar pairs around it): images 1..70 columns wide (and
    a 300-column one) with kernels 1..9 taps wide, every boundary and
    mode, equal to the int64 reference; workers 1 and 2 identical."""
    seen = _spy_pair_taps(monkeypatch)
    rng = np.random.default_rng(25)
    for nx in list(range(1, 71, 3)) + [300]:
        x = _int_image(rng, (9, nx), xdt)
        kw = 1 + nx % 9
        k = rng.integers(-100, 100, (3, kw)).astype(np.int16)
        for boundary in BOUNDARIES:
            for mode in MODES if nx >= kw else ("full", "same"):   # (a 'valid' swap)
                exp = ref_convolve2d(x.astype(np.int64), k.astype(np.int64), mode, boundary, 3)
                outs = [convolve2d(x, k, mode, boundary, 3, dtype=np.int32, workers=w)
                        for w in (1, 2)]
                np.testing.assert_array_equal(outs[0], exp.astype(np.int32),
                                              err_msg=f"{nx=} {kw=} {boundary} {mode}")
                np.testing.assert_array_equal(outs[1], outs[0])
    assert any(seen)


def test_dtype_int32_pair_units_streamed(monkeypatch, pairs_variant):
    """The pair units' streaming stores (outputs of at least
    _window.STREAM_MIN_BYTES: here every output, and one 4.4 MB result at
    the real threshold): rows of every alignment (widths not a multiple of
    the vector), column blocks of 2 workers, equal to the int64
    reference and to workers=1."""
    from fastconv import _window
    rng = np.random.default_rng(27)
    k = rng.integers(-300, 300, (5, 4)).astype(np.int16)
    cases = [(_int_image(rng, (1100, 1000), np.uint8), None)]
    cases += [(_int_image(rng, (40, nx), xdt), 0)
              for nx, xdt in ((16, np.uint8), (37, np.int8), (130, np.uint8), (1003, np.int16))]
    for x, threshold in cases:
        if threshold is not None:
            monkeypatch.setattr(_window, "STREAM_MIN_BYTES", threshold)
        exp = ref_convolve2d(x.astype(np.int64), k.astype(np.int64), "same").astype(np.int32)
        for w in (1, 2):
            np.testing.assert_array_equal(convolve2d(x, k, "same", dtype=np.int32, workers=w),
                                          exp, err_msg=f"{x.shape} {w=}")


def test_kept_unit_buffer_reused_and_shared():
    """_direct keeps the units' buffers for the next call: calls that
    grow and shrink it, an image after a bigger one with other values (no
    pair left from the last call is read), and calls from several Python
    threads at once (one holds the kept buffer, the others their own) all
    equal the int64 reference."""
    import concurrent.futures
    rng = np.random.default_rng(26)
    k = rng.integers(0, 256, (5, 5), dtype=np.uint8)
    imgs = [_int_image(rng, shape, np.uint8)
            for shape in ((300, 400), (20, 37), (600, 130), (5, 5), (64, 2000))]
    exps = [ref_convolve2d(a.astype(np.int64), k.astype(np.int64), "same").astype(np.int32)
            for a in imgs]
    for a, e in zip(imgs + imgs[::-1], exps + exps[::-1]):
        np.testing.assert_array_equal(convolve2d(a, k, "same", dtype=np.int32, workers=1), e)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: convolve2d(imgs[i % 5], k, "same", dtype=np.int32,
                                                 workers=1 + i % 2), range(20)))
    for i, g in enumerate(got):
        np.testing.assert_array_equal(g, exps[i % 5])


@pytest.mark.parametrize("bad,exc", [
    (np.float32, TypeError),     # complex into a real dtype
    ("U3", TypeError), ("not a dtype", TypeError),
])
def test_dtype_refused(bad, exc):
    a = np.ones(5, np.complex64)
    with pytest.raises(exc, match="dtype"):
        convolve(a, a, dtype=bad)


def test_dtype_float_into_int_refused():
    with pytest.raises(TypeError, match="dtype"):
        convolve(np.ones(4), np.ones(2), dtype=np.int32)
    with pytest.raises(TypeError, match="dtype"):
        fftconvolve(np.ones(4, np.int8), np.ones(2, np.int8), dtype=np.int32)


# ---------------------------------------------------------------------------
# out=

OUT_FUNCS = [
    (convolve, {}), (correlate, {}), (convolve2d, {}), (correlate2d, {}),
    (fftconvolve, {}), (oaconvolve, {}),
    (convolve, {"method": "fft"}), (correlate, {"method": "fft"}),
]


@pytest.mark.parametrize("func,kw", OUT_FUNCS)
def test_out_plain_strided_and_cast(func, kw):
    rng = np.random.default_rng(13)
    a = rng.standard_normal((30, 20)).astype(np.float32)
    k = rng.standard_normal((4, 3)).astype(np.float32)
    exp = func(a, k, "full", **kw)
    for workers in (1, 2):
        out = np.empty_like(exp)
        res = func(a, k, "full", out=out, workers=workers, **kw)
        assert res is out
        np.testing.assert_array_equal(out, exp)
        # strided, Fortran order, and a wider dtype
        big = np.zeros((exp.shape[0] * 2, exp.shape[1] * 3), np.float64)
        view = big[::2, ::3]
        assert func(a, k, "full", out=view, workers=workers, **kw) is view
        np.testing.assert_array_equal(view, exp.astype(np.float64))
        assert not big[1::2].any()
        fo = np.asfortranarray(np.zeros_like(exp))
        func(a, k, "full", out=fo, workers=workers, **kw)
        np.testing.assert_array_equal(fo, exp)


@pytest.mark.parametrize("method", METHODS)
def test_out_overlapping_the_input(method):
    rng = np.random.default_rng(14)
    a = rng.standard_normal((40, 40))
    k = rng.standard_normal((5, 5))
    exp = convolve(a, k, "same", method=method)
    b = a.copy()
    assert convolve(b, k, "same", method=method, out=b) is b
    np.testing.assert_allclose(b, exp, rtol=1e-13, atol=1e-13)
    # a shifted view of the same buffer
    buf = np.zeros((41, 40))
    buf[1:] = a
    convolve(buf[1:], k, "same", method=method, out=buf[:-1])
    np.testing.assert_allclose(buf[:-1], exp, rtol=1e-13, atol=1e-13)
    # the kernel is the output
    kk = k.copy()
    small = convolve(kk, kk, "same", method=method)
    convolve(kk, kk, "same", method=method, out=kk)
    np.testing.assert_allclose(kk, small, rtol=1e-13, atol=1e-13)


def test_out_integer_results():
    a = np.arange(20, dtype=np.uint8).reshape(4, 5)
    k = np.ones((2, 2), np.uint8)
    out = np.empty((5, 6), np.int64)
    convolve(a, k, out=out)
    np.testing.assert_array_equal(out, ref_convolve(a, k).astype(np.int64))
    out32 = np.empty((5, 6), np.int32)
    convolve(a, k, dtype=np.int32, out=out32)
    np.testing.assert_array_equal(out32, ref_convolve(a.astype(np.int64), k.astype(np.int64)))


@pytest.mark.parametrize("bad,exc,match", [
    (np.empty((5, 5)), ValueError, "shape"),
    (np.empty((5, 6), np.int32), TypeError, "out"),      # float result into int
    ([[0.0] * 6] * 5, TypeError, "out"),
    (np.empty((5, 6), np.complex128)[:, :].real, None, None),   # fine: a strided view
])
def test_out_refused(bad, exc, match):
    a, k = np.ones((4, 5)), np.ones((2, 2))
    if exc is None:
        convolve(a, k, out=bad)
        return
    before = np.array(bad, copy=True)
    with pytest.raises(exc, match=match):
        convolve(a, k, out=bad)
    np.testing.assert_array_equal(np.asarray(bad), before)


def test_out_read_only_refused():
    out = np.zeros((5, 6))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="out"):
        convolve(np.ones((4, 5)), np.ones((2, 2)), out=out)
    assert not out.any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64])
@pytest.mark.parametrize("mode", ["same", "full"])
def test_out_at_every_alignment_same_bits(monkeypatch, dtype, mode):
    """out= at every element-aligned byte offset 0..63 (and rows that are
    not a whole number of vectors apart), streaming stores on: the same
    bits as fastconv's own output, and nothing written outside out (the
    direct kernel streams rows that start off the vector alignment through
    a scratch block, with the edge columns laid out from the row's start
    whatever the address)."""
    from fastconv import _window
    monkeypatch.setattr(_window, "STREAM_MIN_BYTES", 0)
    rng = np.random.default_rng(16)
    es = np.dtype(dtype).itemsize
    for shape, kshape in (((37, 301), (5, 5)), ((21, 150), (3, 7)), ((13, 90), (4, 21)),
                          ((6, 4400), (3, 5))):   # (the last: two column tiles)
        a = rng.standard_normal(shape).astype(dtype)
        k = rng.standard_normal(kshape).astype(dtype)
        if np.iscomplexobj(a):
            a = a + 1j * rng.standard_normal(shape).astype(dtype)
            k = k - 1j * rng.standard_normal(kshape).astype(dtype)
        for workers in (1, 2):
            exp = convolve(a, k, mode, method="direct", workers=workers)
            h, w = exp.shape
            for extra in (0, 1):    # row pitch w or w + 1 elements
                raw = np.empty(h * (w + extra) + 128 // es, dtype)
                for off in range(0, 64, es):
                    raw[...] = np.nan
                    b = (-raw.ctypes.data % 64 + off) // es
                    out = raw[b:b + h * (w + extra)].reshape(h, w + extra)[:, :w]
                    assert convolve(a, k, mode, method="direct", workers=workers,
                                    out=out) is out
                    assert out.tobytes() == exp.tobytes(), (shape, kshape, workers, extra, off)
                    rest = np.ones(raw.shape, bool)
                    rest[b:b + h * (w + extra)].reshape(h, w + extra)[:, :w] = False
                    assert np.isnan(raw[rest]).all()


def test_out_repeated_calls_allocate_nothing_that_grows():
    rng = np.random.default_rng(15)
    a = rng.standard_normal((512, 512)).astype(np.float32)
    k = rng.standard_normal((5, 5)).astype(np.float32)
    out = np.empty_like(a)
    convolve(a, k, "same", method="direct", out=out)      # warm up
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        for _ in range(20):
            convolve(a, k, "same", method="direct", out=out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # far below one image (1 MiB): only small per-call Python objects
    assert peak - before < 64 * 1024, peak - before


# ---------------------------------------------------------------------------
# maxlag=

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n1,n2,maxlag", [(50, 50, 5), (50, 20, 7), (20, 50, 3), (8, 5, 20),
                                          (30, 1, 4), (1, 30, 0)])
def test_maxlag_is_a_slice_of_full(method, n1, n2, maxlag):
    rng = np.random.default_rng(16)
    for dtype in (np.float64, np.complex128, np.int32):
        a, b = rand(rng, n1, dtype), rand(rng, n2, dtype)
        full = correlate(a, b, method="direct")
        lags_full = correlation_lags(n1, n2)
        lags = correlation_lags(n1, n2, maxlag=maxlag)
        np.testing.assert_array_equal(lags, np.arange(-maxlag, maxlag + 1))
        exp = np.zeros(2 * maxlag + 1, full.dtype)
        for i, lag in enumerate(lags):
            hit = np.nonzero(lags_full == lag)[0]
            if hit.size:
                exp[i] = full[hit[0]]
        for workers in (1, 2):
            out = correlate(a, b, maxlag=maxlag, method=method, workers=workers)
            close(out, exp, np.full(exp.shape, np.abs(a).sum() * np.abs(b).max() + 1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16])
def test_maxlag_long_signals_split_between_threads(dtype):
    # 201 outputs of 12000 taps: one column block per thread (_window._units,
    # borderless rows); bit-identical for every thread count.
    rng = np.random.default_rng(19)
    a, b = rand(rng, 12000, dtype), rand(rng, 12000, dtype)
    one = correlate(a, b, maxlag=100, method="direct", workers=1)
    two = correlate(a, b, maxlag=100, method="direct", workers=2)
    np.testing.assert_array_equal(one, two)
    full = correlate(a, b, method="direct", workers=1)
    close(one, full[11999 - 100:11999 + 101],
          np.full(one.shape, np.abs(a.astype(float)).sum() * np.abs(b.astype(float)).max() + 1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.uint8, np.int64])
@pytest.mark.parametrize("n1,n2", [(5003, 4000), (3000, 7001)])
def test_maxlag_long_kernel_same_bits_as_full(dtype, n1, n2):
    # Kernels longer than a tap tile (2048) go through the long-row kernel
    # (fc_simd_impl.h, FC_LONG: groups of output vectors, the last one moved
    # back over the one before to end at the last output).  Every output
    # keeps its tap order, so a maxlag window (a few dozen to a few hundred
    # outputs, in groups laid out differently, or too few for a group) has
    # the bits of the same lags of the full result (thousands of outputs,
    # other groups) and of the 'valid' windows of the padded input, for
    # every thread count.
    rng = np.random.default_rng(21)
    a, b = rand(rng, n1, dtype), rand(rng, n2, dtype)
    full = correlate(a, b, method="direct", workers=1)
    close(full, ref_correlate(a, b, "full"), abs_bound(ref_correlate, a, b, "full"))
    for maxlag in (37, 100, 123, 333):
        lo = n2 - 1 - maxlag
        exp = full[lo:lo + 2 * maxlag + 1]
        for workers in (1, 2):
            got = correlate(a, b, maxlag=maxlag, method="direct", workers=workers)
            np.testing.assert_array_equal(got, exp, err_msg=f"maxlag={maxlag} workers={workers}")
    # a 2-D input of long single kernel rows, rows and columns split between threads
    x = rand(rng, (3, 2 * n2 + 77), dtype)
    k = rand(rng, (1, n2), dtype)
    one = correlate(x, k, "valid", method="direct", workers=1)
    np.testing.assert_array_equal(one, correlate(x, k, "valid", method="direct", workers=2))
    for r in range(3):
        np.testing.assert_array_equal(one[r], correlate(x[r], k[0], "valid", method="direct"))
        for c0, c1 in ((0, 70), (3, 78), (11, 78)):   # (ragged, too few for a group)
            np.testing.assert_array_equal(
                one[r, c0:c1], correlate(x[r, c0:c1 + n2 - 1], k[0], "valid", method="direct"))


def test_direct_border_rows_every_boundary():
    # the border rows of small images, under every boundary
    rng = np.random.default_rng(20)
    a = rng.standard_normal((5, 40, 70))
    k = rng.standard_normal((1, 9, 7))
    for b in ("fill", "wrap", "symm", "reflect", "nearest"):
        got = convolve(a, k, "same", method="direct", axes=(1, 2), boundary=b)
        for i in range(5):
            exp = ref_convolve(a[i], k[0], "same", boundary=b)
            np.testing.assert_allclose(got[i], exp, rtol=1e-12, atol=1e-12)


def test_maxlag_per_axis_2d():
    rng = np.random.default_rng(17)
    a, b = rng.standard_normal((20, 30)), rng.standard_normal((6, 9))
    full = correlate(a, b)
    out = correlate(a, b, maxlag=(2, 4))
    # full index = lag + n2 - 1
    np.testing.assert_allclose(out, full[5 - 2:5 + 3, 8 - 4:8 + 5], rtol=1e-12, atol=1e-12)
    out = correlate(a, b, maxlag=3, method="fft")
    np.testing.assert_allclose(out, full[2:9, 5:12], rtol=1e-12, atol=1e-12)


def test_maxlag_with_axes():
    rng = np.random.default_rng(18)
    a, b = rng.standard_normal((3, 400)), rng.standard_normal((3, 300))
    out = correlate(a, b, axes=1, maxlag=10)
    for i in range(3):
        full = correlate(a[i], b[i])
        np.testing.assert_allclose(out[i], full[299 - 10:299 + 11], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bad,exc", [(-1, ValueError), (1.5, TypeError), ("3", TypeError),
                                     ((1, 2), ValueError), ([-1], ValueError)])
def test_maxlag_refused(bad, exc):
    with pytest.raises(exc, match="maxlag"):
        correlate(np.ones(5), np.ones(3), maxlag=bad)
    with pytest.raises(exc, match="maxlag"):
        correlation_lags(5, 3, maxlag=bad)


def test_maxlag_needs_full_mode():
    with pytest.raises(ValueError, match="maxlag"):
        correlate(np.ones(5), np.ones(3), "same", maxlag=1)


# ---------------------------------------------------------------------------
# bad axes / boundary: named, before any work, out untouched

@pytest.mark.parametrize("kw,exc,match", [
    ({"axes": 2}, ValueError, "axes"), ({"axes": (0, 0)}, ValueError, "axes"),
    ({"axes": []}, ValueError, "axes"), ({"axes": 1.5}, ValueError, "axes"),
    ({"boundary": "constant"}, ValueError, "boundary"),
    ({"boundary": None}, ValueError, "boundary"),
    ({"fillvalue": [1, 2]}, ValueError, "fillvalue"),
    ({"fillvalue": 1j}, ValueError, "fillvalue"),
])
def test_bad_options_refused_before_work(kw, exc, match):
    out = np.full((5, 6), 7.0)
    for func in (convolve, correlate):
        with pytest.raises(exc, match=match):
            func(np.ones((4, 5)), np.ones((2, 2)), out=out, **kw)
        assert (out == 7.0).all()


def test_batch_shapes_must_broadcast():
    with pytest.raises(ValueError, match="incompatible shapes"):
        convolve(np.ones((3, 10)), np.ones((2, 3)), axes=1)


@pytest.mark.parametrize("method", METHODS)
def test_dtype_widening_exact_at_the_float_limits(method):
    """Integer results computed through float work dtypes stay exact at the
    2**24 / 2**53 bounds, and wide sums fall back to integer arithmetic."""
    rng = np.random.default_rng(19)
    cases = [
        (np.uint8, np.int32, 255, 3 * 21931),        # 255 * sum|k| = 2**24 - 1: float32
        (np.uint8, np.int32, 255, 3 * 21932),        # just over 2**24: float64
        (np.int16, np.int64, 32767, 2**20),          # float64
        (np.uint16, np.int64, 65535, 2**40),         # over 2**53: integer path
        (np.int32, np.int64, 2**31 - 1, 3),
    ]
    for xdt, rdt, xmax, kmax in cases:
        x = rng.integers(-xmax if np.dtype(xdt).kind == "i" else 0, xmax, (23, 31),
                         endpoint=True).astype(xdt)
        x[0, :3] = xmax
        k = np.full((1, 3), kmax // 3 or 1, dtype=np.int64)
        x[1, :3] = xmax - 1                          # odd partial sums too
        exp = ref_convolve(x.astype(object), k.astype(object), "same")
        out = convolve(x, k, "same", method="direct", dtype=rdt)
        assert out.dtype == rdt
        np.testing.assert_array_equal(out, exp.astype(rdt))
        if method == "fft" and np.abs(exp).max() < 2**50:
            np.testing.assert_array_equal(convolve(x, k, "same", method="fft", dtype=rdt),
                                          exp.astype(rdt))
