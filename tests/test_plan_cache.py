"""Calls that repeat a signature (_plan._signature, _window._geometry).

make_plan keeps what it derives from a call's signature alone (shapes,
dtypes, flags) and run_direct what it derives from a plan's geometry: a
call that repeats a signature with other values must still get its own
values' answer (integer work dtypes, separable factors, the kernel's
finiteness, the fill), the same exceptions, and never a result that
depends on what an earlier call saw.  Results are compared with the slow
NumPy reference (tests/reference.py), exactly for integers, and with
scipy.signal.
"""
import numpy as np
import pytest
from scipy import signal

import fastconv
from fastconv import _plan
from helpers import rand
from reference import ref_convolve, ref_convolve2d


def _fresh(fn, *args, **kwargs):
    """fn's answer with no signature or geometry kept from earlier calls."""
    _plan._signatures.clear()
    fastconv._window._geometries.clear()
    return fn(*args, **kwargs)


@pytest.mark.parametrize("dtype", [np.int16, np.uint8, np.int32])
def test_integer_kernels_of_one_signature(dtype):
    """An integer result's work dtype follows the kernel's values (exact
    float sums for small taps, wrapping integers for large ones): calls of
    one signature alternate between them."""
    rng = np.random.default_rng(1)
    x = rand((20, 23), dtype, rng)
    small = rand((3, 4), dtype, rng, full_range=False)
    large = rand((3, 4), dtype, rng)
    for k in (small, large, small, large):
        for mode in ("full", "same", "valid"):
            np.testing.assert_array_equal(fastconv.convolve(x, k, mode),
                                          ref_convolve(x, k, mode))


def test_separable_factors_looked_for_on_every_call():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 300))
    g = np.exp(-np.linspace(-2, 2, 15) ** 2)
    outer = np.outer(g, g)
    dense = rng.standard_normal((15, 15))
    methods = [_plan.make_plan("convolve", x, k, "same").factors is not None
               for k in (outer, dense, outer, dense)]
    assert methods == [True, False, True, False]
    for k in (dense, outer):
        np.testing.assert_allclose(fastconv.convolve(x, k, "same"),
                                   signal.convolve(x, k, "same", method="direct"),
                                   rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shape, kshape", [((40,), (5,)), ((12, 40), (3, 5))])
def test_kernel_finiteness_per_call(shape, kshape):
    """The zero fill's border outputs go through the SIMD kernel only for a
    finite kernel (inf * 0 is NaN, where numpy.convolve skips the taps
    outside): each call gets the answer of a call with nothing kept."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    finite = rng.standard_normal(kshape)
    inf = finite.copy()
    inf.flat[0] = np.inf
    with np.errstate(invalid="ignore"):
        fresh = {id(k): _fresh(fastconv.convolve, x, k, "full", method="direct")
                 for k in (finite, inf)}
        for k in (finite, inf, finite, inf):
            res = fastconv.convolve(x, k, "full", method="direct")
            np.testing.assert_array_equal(res, fresh[id(k)])
            if x.ndim == 1:
                np.testing.assert_array_equal(np.isnan(res), np.isnan(np.convolve(x, k)))
    assert not np.isnan(fresh[id(inf)]).all() and np.isinf(fresh[id(inf)]).any()


def test_fill_values_of_one_signature():
    """fillvalue is part of the signature with its type: 0, 0.0, False, 2
    and 2.5 on int and float images."""
    rng = np.random.default_rng(4)
    for dtype in (np.int32, np.float64):
        x = rand((9, 11), dtype, rng, full_range=False)
        k = rand((3, 2), dtype, rng, full_range=False)
        fills = (0, 2, 0.0, False, 2, True) + ((2.5, -0.0) if dtype == np.float64 else ())
        for fill in fills:
            res = fastconv.convolve2d(x, k, "same", fillvalue=fill)
            for ref in (ref_convolve2d(x, k, "same", fillvalue=fill),
                        signal.convolve2d(x, k, "same", fillvalue=fill)):
                if dtype == np.int32:
                    np.testing.assert_array_equal(res, ref)
                else:
                    np.testing.assert_allclose(res, ref, rtol=1e-12, atol=1e-12)


def test_contiguity_and_byte_order_of_one_shape():
    rng = np.random.default_rng(5)
    base = rng.standard_normal((30, 34))
    k = rng.standard_normal((4, 3))
    for x in (base, base.T.copy().T, np.asfortranarray(base), base.astype(">f8"),
              base[:, ::-1].copy()[:, ::-1]):
        np.testing.assert_allclose(fastconv.convolve(x, k), signal.convolve(base, k),
                                   rtol=1e-12, atol=1e-12)


def test_errors_after_a_good_call():
    """A repeated signature skips no check that depends on the call."""
    x, k = np.ones(50), np.ones(5)
    fastconv.convolve(x, k)
    with pytest.raises(ValueError, match="out has shape"):
        fastconv.convolve(x, k, out=np.empty(10))
    with pytest.raises(ValueError, match="workers must not be 0"):
        fastconv.convolve(x, k, workers=0)
    fastconv.convolve(x, k, mode="valid")
    with pytest.raises(ValueError, match="acceptable mode flags"):
        fastconv.convolve(x, k, mode=["valid"])
    fastconv.convolve2d(x.reshape(5, 10), k.reshape(1, 5), fillvalue=1)
    with pytest.raises(ValueError, match="fillvalue"):
        fastconv.convolve2d(x.reshape(5, 10).astype(int), k.reshape(1, 5).astype(int),
                            fillvalue=np.nan)


def test_same_plans_with_and_without_kept_signatures():
    rng = np.random.default_rng(6)
    cases = [("convolve", (100,), (5,), "float32"), ("correlate", (16, 16), (3, 3), "complex64"),
             ("convolve", (8, 8, 8), (3, 3, 3), "int16"), ("correlate2d", (12, 9), (4, 5), "uint8"),
             ("fftconvolve", (64, 64), (5, 5), "float64"), ("convolve", (5,), (9,), "float64")]
    for kind, s1, s2, dtype in cases:
        a, b = rand(s1, dtype, rng, full_range=False), rand(s2, dtype, rng, full_range=False)
        fresh = _fresh(_plan.make_plan, kind, a, b)
        kept = _plan.make_plan(kind, a, b)
        for field in ("shape", "offsets", "boundary", "result", "work", "fft_dtype", "method",
                      "conv", "factors", "box", "threads"):
            assert getattr(kept, field) == getattr(fresh, field), (kind, field)
        assert kept.fill == fresh.fill and not kept.fill.flags.writeable
        f = getattr(fastconv, kind)
        np.testing.assert_array_equal(f(a, b), _fresh(f, a, b))


def test_separable_plans_of_one_signature():
    """fastconv.ndimage's separable plans (_plan.make_separable_plan) keep
    their signature too: taps of one length with other values, other fill
    values of one type, other modes and output dtypes, each call answered
    as scipy.ndimage answers it, and as with nothing kept."""
    sndi = pytest.importorskip("scipy.ndimage")
    import fastconv.ndimage as fndi
    rng = np.random.default_rng(7)
    x = rng.standard_normal((30, 41))
    xi = rng.integers(0, 200, (30, 41)).astype(np.uint8)
    for sigma in (1.0, 1.1, 0.9, 1.0):            # one radius (4), other taps
        for mode, cval in (("constant", 0.0), ("constant", 2.5), ("reflect", 0.0),
                           ("constant", 2.5), ("wrap", 0.0)):
            ours = fndi.gaussian_filter(x, sigma, mode=mode, cval=cval)
            np.testing.assert_allclose(ours, sndi.gaussian_filter(x, sigma, mode=mode, cval=cval),
                                       rtol=1e-13, atol=1e-13)
            _plan._separable_signatures.clear()
            np.testing.assert_array_equal(ours, fndi.gaussian_filter(x, sigma, mode=mode,
                                                                     cval=cval))
        for w in (np.array([1.0, 2.0, 1.0]), np.array([1.0, -2.0, 1.0]), np.ones(3)):
            for out in (np.float32, np.float64):
                np.testing.assert_allclose(
                    fndi.correlate1d(x, w, axis=0, output=out),
                    sndi.correlate1d(x, w, axis=0, output=out), rtol=1e-6, atol=1e-5)
            np.testing.assert_allclose(fndi.correlate1d(xi, w, output=np.float64),
                                       sndi.correlate1d(xi, w, output=np.float64))
