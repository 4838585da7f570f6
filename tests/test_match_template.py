"""fastconv.match_template against skimage.feature.match_template, the
masked NCC of skimage.registration (cross_correlate_masked), and a slow
NumPy reference."""
import itertools

import numpy as np
import pytest

import fastconv

skfeature = pytest.importorskip("skimage.feature")
skmasked = pytest.importorskip("skimage.registration._masked_phase_cross_correlation")

MODES = ["constant", "edge", "reflect", "symmetric", "wrap", "mean"]
METHODS = ["direct", "fft"]
TOL = {np.float32: 1e-5, np.float64: 1e-10}


def reference(image, template, mask=None):
    """Slow ZNCC of every placement ('valid'), float64, from the window's
    own deviations from its mean (no cancellation); 0 for flat windows."""
    image = np.asarray(image, float)
    t = np.asarray(template, float)
    m = np.ones(t.shape, bool) if mask is None else np.asarray(mask, bool)
    win = np.lib.stride_tricks.sliding_window_view(image, t.shape)
    wm = win[..., m]                                        # (..., n)
    tm = t[m] - t[m].mean()
    dev = wm - wm.mean(axis=-1, keepdims=True)
    num = dev @ tm
    den = np.sqrt((dev * dev).sum(axis=-1) * (tm @ tm))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den, 0.0)
    return np.clip(out, -1, 1)


def data(shape, dtype, rng):
    return rng.random(shape).astype(dtype)


CASES = [((50, 60), (7, 4)), ((31, 30), (1, 30)), ((17, 18, 19), (3, 4, 5)), ((20, 20), (20, 20))]


@pytest.mark.parametrize("shape,tshape", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vs_skimage(shape, tshape, dtype):
    """float64 to 1e-10; float32 to 1e-5 of skimage run in float64 (skimage's
    own float32 integral images drift by more on large images) with
    skimage's result dtype."""
    rng = np.random.default_rng(sum(shape))
    image, template = data(shape, dtype, rng), data(tshape, dtype, rng)
    for pad_input, mode in itertools.product([False, True], MODES):
        theirs = skfeature.match_template(image.astype(float), template.astype(float),
                                          pad_input, mode, constant_values=0.3)
        for method in METHODS:
            ours = fastconv.match_template(image, template, pad_input, mode,
                                           constant_values=0.3, method=method)
            assert ours.dtype == skfeature.match_template(image, template).dtype
            assert ours.shape == theirs.shape
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL[dtype])


def _isas():
    from fastconv import _direct
    return sorted(_direct.isa_available())


@pytest.mark.parametrize("isa", _isas())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_2d_rows_chunks_every_isa(isa, dtype):
    """The 2-D normalisation (csrc/fc_ncc2d.c: row windows by doubling, in
    chunks of 512 outputs) on rows of several chunks, template widths with
    every low binary digit and wider than a chunk, template heights over
    several row blocks, on each instruction set: skimage (float64) to
    1e-10 / 1e-5, flat windows 0; the slow reference for one case."""
    from fastconv import _direct, _winsum
    rng = np.random.default_rng(7)
    image = data((21, 1100), dtype, rng)
    image[:, 300:420] = 0.25                      # flat windows
    old = _direct.isa_name()
    _winsum.select_isa(isa)
    try:
        for tshape in [(1, 1), (3, 2), (2, 7), (4, 8), (5, 13), (1, 37), (2, 128),
                       (6, 200), (2, 530)]:
            template = data(tshape, dtype, rng)
            ours = fastconv.match_template(image, template)
            theirs = skfeature.match_template(image.astype(float), template.astype(float))
            flat = np.zeros(ours.shape, bool)
            if tshape != (1, 1):
                flat[:, 300:max(300, 421 - tshape[1])] = True  # (skimage: ~1e-7 there)
            np.testing.assert_allclose(ours[~flat], theirs[~flat], rtol=0, atol=TOL[dtype])
            assert np.all(ours[flat] == 0.0)
            assert ours.min() >= -1.0 and ours.max() <= 1.0
        template = data((3, 13), dtype, rng)
        np.testing.assert_allclose(fastconv.match_template(image[:, :700], template),
                                   reference(image[:, :700], template), atol=TOL[dtype])
    finally:
        _winsum.select_isa(old)


def test_integer_images_and_reference():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 255, (40, 50), dtype=np.uint8)
    template = image[5:14, 10:16].astype(np.int16)
    ours = fastconv.match_template(image, template)
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, skfeature.match_template(image, template), atol=1e-10)
    np.testing.assert_allclose(ours, reference(image, template), atol=1e-10)
    assert abs(ours[5, 10] - 1.0) < 1e-12 and np.unravel_index(np.argmax(ours), ours.shape) == (5, 10)


def test_large_offset_accuracy():
    """Data far from 0 (1e6 + noise): the window statistics are taken about
    the image mean, so the result keeps 1e-8 of the slow reference."""
    rng = np.random.default_rng(2)
    image = 1e6 + rng.random((60, 70))
    template = rng.random((9, 8))
    np.testing.assert_allclose(fastconv.match_template(image, template),
                               reference(image, template), atol=1e-8)


def test_flat_windows_and_range():
    rng = np.random.default_rng(3)
    image = rng.random((60, 60))
    image[10:40, 10:40] = 0.7
    template = rng.random((6, 6))
    for method in METHODS:
        r = fastconv.match_template(image, template, method=method)
        assert np.all(r[10:35, 10:35] == 0.0)
        assert r.min() >= -1.0 and r.max() <= 1.0
        np.testing.assert_allclose(r, reference(image, template), atol=1e-10)
    flat_t = np.full((5, 5), 2.0)
    assert np.all(fastconv.match_template(image, flat_t) == 0.0)
    exact = fastconv.match_template(image, image[3:9, 41:50] * 3 + 1)
    assert abs(exact[3, 41] - 1.0) < 1e-12
    assert np.unravel_index(np.argmax(exact), exact.shape) == (3, 41)


@pytest.mark.parametrize("shape,tshape", [((50, 60), (7, 5)), ((16, 17, 18), (3, 4, 5))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mask_vs_cross_correlate_masked(shape, tshape, dtype):
    rng = np.random.default_rng(4)
    image, template = data(shape, dtype, rng), data(tshape, dtype, rng)
    mask = rng.random(tshape) < 0.6
    full = skmasked.cross_correlate_masked(image.astype(float), template.astype(float),
                                           np.ones(shape, bool), mask, mode="full",
                                           axes=tuple(range(len(shape))), overlap_ratio=0)
    theirs = full[tuple(slice(m - 1, n) for n, m in zip(shape, tshape))]
    for method in METHODS:
        ours = fastconv.match_template(image, template, mask=mask, method=method)
        assert ours.dtype == dtype
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(fastconv.match_template(image, template, mask=mask),
                               reference(image, template, mask), atol=TOL[dtype])


def test_mask_all_true_is_unmasked_and_padding():
    rng = np.random.default_rng(5)
    image, template = rng.random((30, 40)), rng.random((5, 6))
    np.testing.assert_array_equal(
        fastconv.match_template(image, template, True, "edge", mask=np.ones((5, 6))),
        fastconv.match_template(image, template, True, "edge"))
    mask = rng.random((5, 6)) < 0.5
    padded = np.pad(image, [(2, 2), (3, 2)], mode="reflect")
    np.testing.assert_allclose(
        fastconv.match_template(image, template, True, "reflect", mask=mask),
        fastconv.match_template(padded, template, mask=mask), atol=1e-12)


def test_inputs_not_modified_and_workers():
    rng = np.random.default_rng(6)
    image, template = rng.random((70, 80)), rng.random((9, 9))
    i0, t0 = image.copy(), template.copy()
    r1 = fastconv.match_template(image, template, workers=1)
    np.testing.assert_array_equal(r1, fastconv.match_template(image, template, workers=2))
    np.testing.assert_array_equal(image, i0)
    np.testing.assert_array_equal(template, t0)


NAN_IMAGE = np.ones((10, 10))
NAN_IMAGE[3, 3] = np.nan


@pytest.mark.parametrize("call,exc,match", [
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((6, 2))), ValueError,
     "template must not be larger"),
    (lambda: fastconv.match_template(np.ones((5, 5)), [[1, np.inf]]), ValueError,
     "template must be finite"),
    (lambda: fastconv.match_template(NAN_IMAGE, np.ones((2, 2))), ValueError, "image must be finite"),
    (lambda: fastconv.match_template(np.full((5, 5), np.nan), np.ones((2, 2))), ValueError,
     "image must be finite"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((2, 2)), mask=np.ones(3)),
     ValueError, "mask must have"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((2, 2)), mask=np.zeros((2, 2))),
     ValueError, "mask selects no"),
    (lambda: fastconv.match_template(np.ones(5), np.ones(2)), ValueError, "image must be 2-D"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones(2)), ValueError,
     "template must have"),
    (lambda: fastconv.match_template(np.ones((5, 5)) + 1j, np.ones((2, 2))), TypeError,
     "image must be real"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((2, 2)) * 1j), TypeError,
     "template must be real"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((2, 2)), True, "bogus"),
     ValueError, "mode must be"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((2, 2)), constant_values=np.nan),
     ValueError, "constant_values"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((0, 2))), ValueError,
     "must not be empty"),
    (lambda: fastconv.match_template(np.ones((5, 5)), np.ones((2, 2)), method="x"), ValueError,
     "method"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
