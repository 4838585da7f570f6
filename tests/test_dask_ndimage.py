"""fastconv.dask.ndimage against in-memory fastconv.ndimage (bit-identical)
and scipy.ndimage (to rounding; integers exactly): the 13 filters, every
mode (wrap across chunks), odd and even sizes, origins, output dtypes,
axes/truncate/radius, chunkings down to one sample; errors at call time;
laziness and the halo each task holds; the threaded scheduler.  (The
distributed cluster: tests/test_dask.py::test_ndimage_on_the_cluster.)"""
import numpy as np
import pytest

da = pytest.importorskip("dask.array")
ndi = pytest.importorskip("scipy.ndimage")

import dask  # noqa: E402

import fastconv  # noqa: E402
import fastconv.dask.ndimage as fdn  # noqa: E402
import fastconv.ndimage as fn  # noqa: E402

from helpers import exploding  # noqa: E402

SYNC = {"scheduler": "sync"}
MODES = ["reflect", "constant", "nearest", "mirror", "wrap", "grid-constant",
         "grid-mirror", "grid-wrap"]
W53 = np.random.default_rng(0).standard_normal((5, 3))
W44 = np.random.default_rng(1).standard_normal((4, 4))

# (name, positional args, keywords): every filter, odd and even sizes, origins
CALLS = [
    ("correlate", (W53,), {}),
    ("correlate", (W44,), {"origin": (1, -2)}),
    ("convolve", (W44,), {"origin": (-1, 1)}),
    ("convolve", (W53,), {}),
    ("correlate1d", ([1.0, -2.0, 0.5, 3.0],), {"axis": 0, "origin": -2}),
    ("convolve1d", ([1.0, 2.0, 4.0],), {"origin": 1}),
    ("uniform_filter", (), {"size": (4, 5), "origin": (1, -2)}),
    ("uniform_filter1d", (6,), {"axis": 0}),
    ("gaussian_filter", (1.5,), {}),
    ("gaussian_filter", ((2.0, 1.0),), {"order": (0, 1), "truncate": 2.5}),
    ("gaussian_filter1d", (1.2,), {"order": 2, "radius": 5}),
    ("sobel", (), {"axis": 0}),
    ("prewitt", (), {}),
    ("laplace", (), {}),
    ("gaussian_laplace", (1.0,), {}),
    ("gaussian_gradient_magnitude", (1.3,), {}),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CALLS)]


def lazy_equals(name, x, chunks, args, kw, exact=True):
    """fastconv.dask.ndimage on x in `chunks` computes to fastconv.ndimage
    on the whole x (bit for bit), with x's chunks; returns the value."""
    res = getattr(fdn, name)(da.from_array(x, chunks=chunks), *args, **kw)
    want = getattr(fn, name)(x, *args, **kw)
    assert isinstance(res, da.Array)
    assert res.shape == want.shape and res.dtype == want.dtype
    assert res.chunks == da.from_array(x, chunks=chunks).chunks
    got = res.compute(**SYNC)
    assert got.dtype == want.dtype
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        tol = 1e-12 if np.finfo(got.dtype).eps < 1e-10 else 1e-5
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    return got


@pytest.mark.parametrize("call", CALLS, ids=IDS)
def test_bit_identical_every_mode(call):
    """Every mode on float64 data (and scipy's values to rounding), three
    modes on float32, chunks coarse, of one row, and narrower than the
    filter's reach."""
    name, args, kw = call
    x = np.random.default_rng(2).standard_normal((29, 150))
    for mode in MODES:
        kwm = dict(kw, mode=mode, cval=0.75)
        got = lazy_equals(name, x, (16, 64), args, kwm)
        if mode in ("reflect", "wrap", "mirror", "constant"):
            lazy_equals(name, x, (5, 40), args, kwm)
        np.testing.assert_allclose(got, getattr(ndi, name)(x, *args, **kwm),
                                   rtol=1e-9, atol=1e-12)
    x32 = x.astype(np.float32)
    for mode in ["reflect", "wrap", "constant"]:
        lazy_equals(name, x32, (1, 150) if mode == "wrap" else (10, 64), args,
                    dict(kw, mode=mode, cval=0.75))


@pytest.mark.parametrize("call", CALLS, ids=IDS)
def test_halo_gathering_unaligned(call, monkeypatch):
    """With the alignment off, every block is exactly its chunk plus the
    reach, gathered from many chunks (and from the far end for 'wrap'):
    integer outputs are scipy's exactly, floating ones agree to rounding."""
    name, args, kw = call
    for attr in ("SIMD_ALIGN", "ROW_ALIGN", "RESTART"):
        monkeypatch.setattr(fdn, attr, 1)
    rng = np.random.default_rng(3)
    xi = rng.integers(-50, 50, (13, 17)).astype(np.int32)
    xf = rng.standard_normal((13, 17))
    for mode, chunks in [("wrap", (2, 3)), ("mirror", (3, 2)), ("constant", (5, 4))]:
        kwm = dict(kw, mode=mode, cval=3)
        got = lazy_equals(name, xi, chunks, args, kwm)
        np.testing.assert_array_equal(got, getattr(ndi, name)(xi, *args, **kwm))
        if mode == "wrap":
            lazy_equals(name, xf, chunks, args, kwm, exact=False)


def test_1d_chunks_of_one_and_long_filters():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(100)
    w = rng.standard_normal(20)
    for mode in MODES:
        lazy_equals("correlate1d", x, 9, (w,), {"mode": mode, "origin": 9})
        lazy_equals("gaussian_filter1d", x, 9, (6.0,), {"mode": mode})
        lazy_equals("uniform_filter1d", x, 9, (32,), {"mode": mode, "origin": -16})
    for mode in ("wrap", "mirror"):
        lazy_equals("correlate1d", x, 1, (w,), {"mode": mode, "origin": -10})


def test_3d_axes_mixed_modes_dtypes():
    """3-D, bit-identical too: a pass along the first axis runs over the
    flattened later axes, whose row tails and border columns fall elsewhere
    in a block than in the whole array (the separable passes' scalar loops
    round as the vector loops do: fc_sep_impl.h's SEP_MADD)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 12, 70)).astype(np.float32)
    chunks = (3, 5, 30)
    lazy_equals("gaussian_filter", x, chunks, (1.5,), {"axes": (0, 2)})
    # a second derivative along the first axis (taps of both signs: the
    # sums cancel, and a different rounding shows)
    lazy_equals("gaussian_filter1d", x.astype(np.float64), chunks, (1.0,),
                {"axis": 0, "order": 2})
    lazy_equals("gaussian_filter", x, chunks, ((1.0, 2.0, 0.0),),
                {"mode": ["wrap", "reflect", "constant"], "cval": 2.0})
    lazy_equals("uniform_filter", x, chunks, ((3, 4),), {"axes": (1, 2), "mode": "wrap"})
    lazy_equals("correlate", x, chunks, (W44,), {"axes": (0, 2), "mode": "grid-wrap"})
    # wrap on an axis in one pass and another mode in the other
    lazy_equals("gaussian_gradient_magnitude", x, chunks, (1.0,),
                {"mode": ["wrap", "nearest", "reflect"]})
    lazy_equals("laplace", x, chunks, (), {"mode": ["wrap", "constant", "mirror"]})
    lazy_equals("gaussian_filter", x, chunks, (1.0,), {"output": np.float64})
    lazy_equals("gaussian_filter", x, chunks, (1.0,), {"output": "int16"})
    lazy_equals("sobel", x.astype(np.uint8), chunks, (), {"axis": 1})
    lazy_equals("uniform_filter", x.astype(np.int16), chunks, (5,), {})
    lazy_equals("prewitt", x.astype(np.complex64), chunks, (), {"mode": "wrap"})
    lazy_equals("correlate", x[0].astype(np.complex128), (5, 30),
                (W53 + 1j * W53[::-1],), {"mode": "wrap"})   # 2-D


def test_threaded_scheduler():
    x = np.random.default_rng(6).standard_normal((200, 300)).astype(np.float32)
    res = fdn.gaussian_filter(da.from_array(x, chunks=(64, 100)), 2.0, mode="wrap")
    with dask.config.set(scheduler="threads", num_workers=2):
        got = res.compute()
    np.testing.assert_array_equal(got, fn.gaussian_filter(x, 2.0, mode="wrap"))


@pytest.mark.parametrize("call", [
    lambda f, a: f.gaussian_filter(a, 1.0, mode="bogus"),
    lambda f, a: f.correlate(a, np.ones((3, 3)), origin=2),
    lambda f, a: f.uniform_filter(a, 3, origin=(0, 5)),
    lambda f, a: f.gaussian_filter(a, (1.0, 2.0, 3.0)),
    lambda f, a: f.sobel(a, axis=2),
    lambda f, a: f.convolve(a, np.ones(3)),
    lambda f, a: f.gaussian_filter1d(a, 1.0, radius=-1),
    lambda f, a: f.laplace(a, axes=(0, 0)),
    lambda f, a: f.correlate1d(a, []),
    lambda f, a: f.gaussian_filter(a, 1.0, output=np.complex128),
    lambda f, a: f.gaussian_filter(a, 1.0, cval=1j, mode="constant"),
    lambda f, a: f.uniform_filter1d(a, 3, bogus=1),
])
def test_errors_at_call_time_are_in_memorys(call):
    a = np.arange(20.0).reshape(4, 5)
    with pytest.raises(Exception) as want:
        call(fn, a)
    with pytest.raises(want.type) as got:
        call(fdn, da.from_array(a, chunks=2))
    assert str(got.value) == str(want.value)


def test_output_array_and_dask_weights_rejected():
    d = da.from_array(np.arange(20.0).reshape(4, 5), chunks=2)
    with pytest.raises(TypeError, match="output must be None or a dtype"):
        fdn.gaussian_filter(d, 1.0, output=np.zeros((4, 5)))
    with pytest.raises(TypeError, match="output must be None or a dtype"):
        fdn.sobel(d, 0, np.zeros((4, 5)))
    with pytest.raises(TypeError, match="weights must be an in-memory array"):
        fdn.correlate(d, da.ones((3, 3)))
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        fdn.uniform_filter(d[d > 3], 3)


def test_numpy_input_and_empty():
    x = np.arange(30.0).reshape(5, 6)
    res = fdn.uniform_filter(x, 3)
    assert isinstance(res, da.Array)
    np.testing.assert_array_equal(res.compute(**SYNC), fn.uniform_filter(x, 3))
    e = fdn.gaussian_filter(da.zeros((0, 4), chunks=2, dtype=np.int16), 1.0)
    assert e.shape == (0, 4) and e.dtype == np.int16 and e.compute(**SYNC).shape == (0, 4)


def test_lazy_and_each_task_holds_its_chunk_plus_halo():
    from fastconv.dask.ndimage import _run_block

    calls = []
    x = exploding((256, 512), ((64,) * 4, (128,) * 4), calls)
    for name, args, kw in CALLS:
        for mode in MODES:
            res = getattr(fdn, name)(x, *args, mode=mode, **kw)
            assert res.chunks == x.chunks
            if name != "gaussian_filter" or mode != "wrap":
                continue
            tasks = [t for t in dict(res.dask.layers[res.name]).values()
                     if t[0] is _run_block]
            assert len(tasks) == res.npartitions
            for t in tasks:    # sigma 1.5: 6 samples each side, plus the alignment
                rows, cols = t[5]
                assert rows <= 64 + 2 * 6 + 2 * fdn.ROW_ALIGN
                assert cols <= 128 + 2 * 6 + 2 * fdn.SIMD_ALIGN
    assert calls == []
    with pytest.raises(AssertionError, match="a block was computed"):
        fdn.sobel(x).compute(**SYNC)


def test_docstring_examples():
    import doctest
    result = doctest.testmod(fdn, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 13 * 3 and result.failed == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, args", [("uniform_filter", (3,)), ("sobel", ()),
                                        ("prewitt", ()), ("correlate", (W53[:3, :3],)),
                                        ("uniform_filter", ((2, 7),))])
def test_wide_rows_short_vertical_kernels(name, args, dtype):
    """Rows wider than the fused passes' column strips (csrc/fc_sep_impl.h
    SEP_COLS, at most 3 vertical taps): chunk edges at other columns than the
    strips' give the same bits, whatever the workers, and scipy's values."""
    x = np.random.default_rng(5).standard_normal((37, 700)).astype(dtype)
    for mode in ["reflect", "constant", "wrap", "mirror", "nearest"]:
        kw = {"mode": mode, "cval": 0.5}
        got = lazy_equals(name, x, (16, 300), args, kw)
        lazy_equals(name, x, (9, 257), args, kw)
        with fastconv.set_workers(2):
            np.testing.assert_array_equal(getattr(fn, name)(x, *args, **kw), got)
        tol = 1e-12 if dtype == np.float64 else 2e-5
        want = getattr(ndi, name)(x.astype(np.float64), *args, **kw)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())
