"""fastconv.dask against in-memory fastconv: values (bit-identical for the
direct method, to rounding for the FFT), shapes, dtypes and chunks over
modes, kernels, boundaries, axes, chunkings and methods; errors at call time;
laziness; the threaded scheduler and a real distributed.LocalCluster with
worker processes; an input 4x larger than the workers' memory limit."""
import itertools

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402

import fastconv  # noqa: E402
import fastconv.dask as fd  # noqa: E402
from fastconv._chunked import source_index  # noqa: E402

from helpers import child_env, exploding, rand  # noqa: E402

BOUNDARIES = ["fill", "wrap", "symm", "reflect", "nearest"]
SYNC = {"scheduler": "sync"}


def check(got, ref, exact):
    """`got` (a dask array) computes to `ref`; its chunks are known and add up."""
    assert isinstance(got, da.Array)
    assert got.shape == ref.shape and got.dtype == ref.dtype
    assert all(sum(c) == n for c, n in zip(got.chunks, got.shape))
    val = got.compute(**SYNC)
    assert val.shape == ref.shape and val.dtype == ref.dtype
    if exact:
        np.testing.assert_array_equal(val, ref)
    else:
        tol = 1e-4 if ref.dtype in (np.float32, np.complex64) else 1e-10
        np.testing.assert_allclose(val, ref, rtol=tol, atol=tol * max(1.0, np.abs(ref).max()))


@pytest.mark.parametrize("boundary", ["wrap", "symm", "reflect", "nearest"])
def test_source_index_is_numpy_pad(boundary):
    mode = {"wrap": "wrap", "symm": "symmetric", "reflect": "reflect", "nearest": "edge"}
    for n in (1, 2, 3, 7):
        pad = 3 * n + 2
        want = np.pad(np.arange(n), pad, mode[boundary])
        np.testing.assert_array_equal(source_index(np.arange(-pad, n + pad), n, boundary), want)


# 1-D: every mode, boundary, odd and even kernels (also longer than a chunk
# and than the array), chunkings down to one sample, both functions
@pytest.mark.parametrize("chunks", [37, 10, 3, 1])
@pytest.mark.parametrize("m", [1, 4, 7, 12, 45])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_1d_direct_bit_identical(chunks, m, mode):
    rng = np.random.default_rng(m * 100 + chunks)
    a = rng.standard_normal(37)
    k = rng.standard_normal(m)
    d = da.from_array(a, chunks=chunks)
    for fn, b in itertools.product(["convolve", "correlate"], BOUNDARIES):
        if mode == "valid" and m > a.size:
            continue   # (in memory the kernel becomes x: sums in another order)
        ref = getattr(fastconv, fn)(a, k, mode, "direct", boundary=b, fillvalue=0.25)
        check(getattr(fd, fn)(d, k, mode, "direct", boundary=b, fillvalue=0.25), ref, True)


def test_kernel_larger_than_input_rounds():
    """When in memory the kernel becomes the streamed array, the sums run in
    another order: equal to rounding (exact for integers)."""
    rng = np.random.default_rng(5)
    a, k = rng.standard_normal(8), rng.standard_normal(12)
    for mode in ("full", "same", "valid"):
        check(fd.convolve(da.from_array(a, chunks=3), k, mode, "direct"),
              fastconv.convolve(a, k, mode, "direct"), False)
    ai, ki = rand(8, np.int64, rng), rand(12, np.int64, rng)
    check(fd.correlate(da.from_array(ai, chunks=3), ki, "valid"),
          fastconv.correlate(ai, ki, "valid"), True)


@pytest.mark.parametrize("chunks", [(16, 13), (5, 4), (2, 3), (1, 1)])
@pytest.mark.parametrize("kshape", [(3, 3), (4, 6), (7, 2), (1, 5)])
def test_2d_direct_bit_identical(chunks, kshape):
    rng = np.random.default_rng(sum(chunks) + 7 * sum(kshape))
    a = rng.standard_normal((16, 13)).astype(np.float32)
    k = rng.standard_normal(kshape).astype(np.float32)
    d = da.from_array(a, chunks=chunks)
    for mode, b in itertools.product(["full", "same", "valid"], BOUNDARIES):
        check(fd.convolve2d(d, k, mode, boundary=b, fillvalue=1.5),
              fastconv.convolve2d(a, k, mode, boundary=b, fillvalue=1.5), True)
        check(fd.correlate2d(d, k, mode, boundary=b),
              fastconv.correlate2d(a, k, mode, boundary=b), True)


def test_2d_image_larger_than_the_band():
    """Blocks large enough for the SIMD band and the border code side by
    side; a zero fill's border columns computed as on the whole array (by
    the SIMD kernel with the zeros, or by the border code when a tap is
    inf)."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((150, 260)).astype(np.float32)
    k = rng.standard_normal((7, 7)).astype(np.float32)
    kinf = k.copy()
    kinf[3, 2] = np.inf
    d = da.from_array(a, chunks=(64, 100))
    for (b, fv), mode, kern in itertools.product(
            [(b, 0) for b in BOUNDARIES] + [("fill", 2.5)], ["full", "same"], [k, kinf]):
        check(fd.convolve(d, kern, mode, boundary=b, fillvalue=fv),
              fastconv.convolve(a, kern, mode, "direct", boundary=b, fillvalue=fv), True)
        check(fd.correlate(d, kern, mode, "direct", boundary=b, fillvalue=fv),
              fastconv.correlate(a, kern, mode, "direct", boundary=b, fillvalue=fv), True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64])
def test_wide_kernel_whole_border_columns(dtype):
    """Kernels whose zero-filled border columns are several vectors wide,
    which the whole array's SIMD kernel computes itself (no padded copy,
    _window.zero_edges 'simd'): the blocks' borders the same way, bit for
    bit, and the inner blocks' cuts too."""
    rng = np.random.default_rng(21)
    a = rng.standard_normal((40, 300)).astype(dtype)
    for kshape in [(5, 63), (3, 40), (2, 33)]:
        k = rng.standard_normal(kshape).astype(dtype)
        for chunks in [(40, 300), (17, 150), (9, 70)]:
            d = da.from_array(a, chunks=chunks)
            for mode in ("same", "full"):
                check(fd.convolve(d, k, mode, "direct"),
                      fastconv.convolve(a, k, mode, "direct"), True)
                check(fd.correlate(d, k, mode, "direct"),
                      fastconv.correlate(a, k, mode, "direct"), True)


def test_long_kernel_zero_columns():
    """Long kernels, where the whole-array plan adds zero columns."""
    rng = np.random.default_rng(15)
    a, k = rng.standard_normal(3000), rng.standard_normal(1000)
    d = da.from_array(a, chunks=700)
    for mode in ("full", "same"):
        check(fd.convolve(d, k, mode, "direct"), fastconv.convolve(a, k, mode, "direct"), True)
    check(fd.correlate(d, k, maxlag=1500, method="direct"),
          fastconv.correlate(a, k, maxlag=1500, method="direct"), True)


@pytest.mark.parametrize("dtype,kdtype,out", [
    (np.int64, np.int64, None), (np.uint8, np.uint8, np.int32), (np.int16, np.int16, None),
    (np.complex128, np.complex128, None), (np.float64, np.float32, None),
    (np.bool_, np.bool_, None), (np.uint8, np.float32, None)])
def test_dtypes(dtype, kdtype, out):
    rng = np.random.default_rng(11)
    a, k = rand((12, 9), dtype, rng), rand((3, 4), kdtype, rng)
    d = da.from_array(a, chunks=(5, 2))
    for fn, mode, b in itertools.product(["convolve", "correlate"], ["full", "same"],
                                         ["fill", "wrap"]):
        ref = getattr(fastconv, fn)(a, k, mode, "direct", boundary=b, dtype=out)
        check(getattr(fd, fn)(d, k, mode, "direct", boundary=b, dtype=out), ref, True)


@pytest.mark.parametrize("axes", [1, (0, 2), (2,)])
def test_axes_batch(axes):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((4, 11, 9))
    d = da.from_array(a, chunks=(3, 4, 2))
    conv = np.atleast_1d(axes) % 3
    taps = {0: 3, 1: 4, 2: 5}
    shared = tuple(taps[i] if i in conv else 1 for i in range(3))       # one kernel
    paired = tuple(taps[i] if i in conv else a.shape[i] for i in range(3))   # one per element
    for kshape, mode, b in itertools.product([shared, paired, (1, 1, 1)],
                                             ["full", "same", "valid"], ["fill", "symm"]):
        k = rng.standard_normal(kshape)
        ref = fastconv.convolve(a, k, mode, "direct", axes=axes, boundary=b)
        got = fd.convolve(d, k, mode, "direct", axes=axes, boundary=b)
        check(got, ref, True)
        for ax in range(3):   # batch axes keep their chunks
            if ax not in conv:
                assert got.chunks[ax] == d.chunks[ax]


def test_broadcast_input_axis():
    """in1 of length 1 on a batch axis where the kernel is longer."""
    rng = np.random.default_rng(4)
    a, k = rng.standard_normal((1, 20)), rng.standard_normal((3, 5))
    check(fd.convolve(da.from_array(a, chunks=(1, 6)), k, "same", axes=1),
          fastconv.convolve(a, k, "same", axes=1), True)


def test_maxlag():
    rng = np.random.default_rng(6)
    a, k = rng.standard_normal(50), rng.standard_normal(9)
    d = da.from_array(a, chunks=7)
    for lag in (0, 3, 20, 70):
        check(fd.correlate(d, k, maxlag=lag, method="direct"),
              fastconv.correlate(a, k, maxlag=lag, method="direct"), True)


@pytest.mark.parametrize("fn", ["fftconvolve", "oaconvolve"])
def test_fft_functions(fn):
    rng = np.random.default_rng(8)
    a = rng.standard_normal((40, 33))
    d = da.from_array(a, chunks=(9, 16))
    for kshape, mode in itertools.product([(5, 4), (1, 7), (12, 1)], ["full", "same", "valid"]):
        k = rng.standard_normal(kshape)
        check(getattr(fd, fn)(d, k, mode), getattr(fastconv, fn)(a, k, mode), False)
    k = rng.standard_normal((1, 6))
    check(getattr(fd, fn)(d, k, "same", axes=1), getattr(fastconv, fn)(a, k, "same", axes=1),
          False)


def test_fft_method_boundaries():
    rng = np.random.default_rng(9)
    a = rng.standard_normal((30, 30)).astype(np.float32)
    k = rng.standard_normal((6, 5)).astype(np.float32)
    d = da.from_array(a, chunks=(4, 11))
    for mode, b in itertools.product(["full", "same"], BOUNDARIES):
        check(fd.correlate(d, k, mode, "fft", boundary=b, fillvalue=2.0),
              fastconv.correlate(a, k, mode, "fft", boundary=b, fillvalue=2.0), False)


def test_auto_integers_exact():
    """method='auto' decides once; integer results stay exact."""
    rng = np.random.default_rng(10)
    a, k = rand((300, 200), np.int32, rng), rand((31, 31), np.int32, rng, False)
    ref = fastconv.convolve(a, k, "same", method="direct")
    check(fd.convolve(da.from_array(a, chunks=128), k, "same"), ref, True)


def test_zero_dim_and_empty():
    check(fd.convolve(da.from_array(np.array(3.0)), np.array(2.0)),
          fastconv.convolve(np.array(3.0), np.array(2.0)), True)
    a = np.zeros((0, 5))
    check(fd.convolve(da.from_array(a, chunks=2), np.ones((2, 2))),
          fastconv.convolve(a, np.ones((2, 2))), True)


def test_numpy_input_accepted():
    a = np.arange(10.0)
    check(fd.convolve(a, [1.0, 2.0]), fastconv.convolve(a, [1.0, 2.0]), True)


@pytest.mark.parametrize("call", [
    lambda f, a: f.convolve(a, np.ones(3), mode="middle"),
    lambda f, a: f.convolve(a, np.ones((3, 3))),
    lambda f, a: f.convolve(a, np.ones(3), boundary="periodic"),
    lambda f, a: f.convolve(a, np.ones(3), method="fast"),
    lambda f, a: f.correlate(a, np.ones(3), "same", maxlag=2),
    lambda f, a: f.convolve(a, np.ones(40), "same", axes=3),
    lambda f, a: f.convolve(a, np.ones(3), dtype=np.int8),
    lambda f, a: f.convolve(a, np.ones(3), boundary="fill", fillvalue=1j),
    lambda f, a: f.convolve2d(a, np.ones(3)),
    lambda f, a: f.fftconvolve(a, np.ones(3), axes=(0, 0)),
    lambda f, a: f.convolve(a, None),
])
def test_errors_at_call_time_are_fastconvs(call):
    a = np.arange(20.0)
    with pytest.raises((ValueError, TypeError)) as want:
        call(fastconv, a)
    with pytest.raises(want.type) as got:
        call(fd, da.from_array(a, chunks=5))
    assert str(got.value) == str(want.value)


def test_dask_kernel_and_unknown_chunks_rejected():
    d = da.from_array(np.arange(10.0), chunks=5)
    with pytest.raises(TypeError, match="in2 must be an in-memory array"):
        fd.convolve(d, da.ones(3))
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        fd.convolve(d[d > 3], np.ones(3))


def test_lazy_graph_reads_nothing():
    calls = []
    x = exploding((40, 40), ((10,) * 4, (10,) * 4), calls)
    for fn in ("convolve", "correlate"):
        for mode, b in itertools.product(["full", "same", "valid"], BOUNDARIES):
            getattr(fd, fn)(x, np.ones((5, 4)), mode, boundary=b)
    fd.fftconvolve(x, np.ones((30, 30)), "same")
    fd.correlate(x, np.ones((3, 3)), maxlag=2)
    assert calls == []
    with pytest.raises(AssertionError, match="a block was computed"):
        fd.convolve(x, np.ones((3, 3))).compute(**SYNC)


def test_each_task_holds_its_block_plus_halo():
    """Every block task gets its output block plus the kernel's reach, from
    its own chunk and slices of its neighbours (wrap: the far end)."""
    from fastconv._chunked import _run_block

    k = np.ones((5, 4))
    for b in BOUNDARIES:
        d = da.from_array(np.arange(2000.0).reshape(40, 50), chunks=(10, 10))
        res = fd.convolve(d, k, "same", boundary=b)
        layer = res.dask.layers[res.name]
        tasks = [t for t in dict(layer).values() if t[0] is _run_block]
        assert len(tasks) == res.npartitions
        assert res.chunks == d.chunks          # 'same': the input's chunks
        for t in tasks:
            ext_shape = t[2]
            assert ext_shape[0] <= 10 + 4 and ext_shape[1] <= 10 + 3
        for key, t in dict(layer).items():
            if t[0] is not _run_block:   # halo pieces: within one input chunk
                assert t[1][0] == d.name


def test_tiny_chunks_no_rechunk_error():
    """Chunks smaller than the kernel's reach (cf. dask#11934)."""
    rng = np.random.default_rng(12)
    a = rng.standard_normal((9, 30))
    k = rng.standard_normal((9, 9))
    d = da.from_array(a, chunks=(2, 3))
    for b in BOUNDARIES:
        check(fd.convolve(d, k, "same", "direct", boundary=b),
              fastconv.convolve(a, k, "same", "direct", boundary=b), True)


def test_threaded_scheduler():
    rng = np.random.default_rng(13)
    a = rng.standard_normal((200, 150)).astype(np.float32)
    k = rng.standard_normal((5, 5)).astype(np.float32)
    res = fd.convolve(da.from_array(a, chunks=(64, 40)), k, "same", boundary="wrap")
    with dask.config.set(scheduler="threads", num_workers=2):
        got = res.compute()
    np.testing.assert_array_equal(got, fastconv.convolve(a, k, "same", boundary="wrap"))


@pytest.fixture(scope="module")
def client():
    """A real cluster: two worker processes (started and closed here)."""
    env = {"PYTHONPATH": child_env()["PYTHONPATH"]}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", env=env) as cluster, \
            distributed.Client(cluster, set_as_default=False) as cl:
        yield cl


def test_distributed_cluster(client):
    rng = np.random.default_rng(14)
    a = rng.standard_normal((120, 90))
    k = rng.standard_normal((4, 7))
    d = da.from_array(a, chunks=(25, 20))
    for fn, mode, b in itertools.product(["convolve", "correlate"], ["full", "same", "valid"],
                                         ["fill", "wrap", "reflect"]):
        res = getattr(fd, fn)(d, k, mode, "direct", boundary=b)
        got = client.compute(res).result()
        np.testing.assert_array_equal(got, getattr(fastconv, fn)(a, k, mode, "direct",
                                                                 boundary=b))
    got = client.compute(fd.fftconvolve(d, k, "same")).result()
    np.testing.assert_allclose(got, fastconv.fftconvolve(a, k, "same"), atol=1e-10)
    assert len(client.scheduler_info()["workers"]) == 2


def test_ndimage_on_the_cluster(client):
    """fastconv.dask.ndimage through the worker processes: bit-identical to
    in-memory fastconv.ndimage ('wrap' across chunks, an origin)."""
    import fastconv.dask.ndimage as fdn
    import fastconv.ndimage as fn

    rng = np.random.default_rng(15)
    a = rng.standard_normal((90, 200)).astype(np.float32)
    d = da.from_array(a, chunks=(25, 64))
    for name, args, kw in [("gaussian_filter", (2.0,), {"mode": "wrap"}),
                           ("uniform_filter", (4,), {"origin": 1, "mode": "mirror"}),
                           ("sobel", (), {"mode": "constant", "cval": 1.0})]:
        got = client.compute(getattr(fdn, name)(d, *args, **kw)).result()
        np.testing.assert_array_equal(got, getattr(fn, name)(a, *args, **kw))


def _random_blocks(size, chunk, seed):
    def gen(block_info=None):
        info = block_info[None]
        rng = np.random.default_rng([seed, *info["chunk-location"]])
        return rng.random(info["chunk-shape"], dtype=np.float32)
    n = -(-size // chunk)
    chunks = tuple(tuple(min(chunk, size - i * chunk) for i in range(n)) for _ in range(2))
    return da.map_blocks(gen, chunks=chunks, dtype=np.float32,
                         meta=np.empty((0, 0), np.float32))


@pytest.mark.slow
def test_out_of_core(tmp_path):
    """An input 4x the workers' total memory limit completes, no worker is
    restarted, and crops equal in-memory fastconv on the same crops."""
    limit = 400 * 2**20
    size, chunk = 30720, 2048
    x = _random_blocks(size, chunk, seed=1)
    assert x.nbytes >= 4 * 2 * limit
    k = np.random.default_rng(2).standard_normal((5, 5)).astype(np.float32)
    res = fd.convolve(x, k, "same", boundary="wrap")
    env = {"PYTHONPATH": child_env()["PYTHONPATH"]}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  memory_limit=limit, dashboard_address=":0",
                                  local_directory=str(tmp_path), env=env) as cluster, \
            distributed.Client(cluster, set_as_default=False) as cl:
        before = set(cl.scheduler_info()["workers"])
        total = cl.compute(res.sum(dtype=np.float64)).result()
        crops = [(slice(0, 300), slice(0, 300)), (slice(2040, 2060), slice(4090, 4110)),
                 (slice(size - 100, size), slice(size - 50, size)),
                 (slice(0, 64), slice(size - 64, size))]
        got = cl.gather(cl.compute([res[c] for c in crops]))
        after = set(cl.scheduler_info()["workers"])
        logs = "\n".join(str(v) for v in cl.get_worker_logs(nanny=True).values())
    assert before == after and len(after) == 2
    assert "restart" not in logs.lower() and "killed" not in logs.lower()
    assert np.isfinite(total)
    for c, g in zip(crops, got):
        # the crop's input with the kernel's reach around it (wrap at the edges)
        rows = np.arange(c[0].start - 2, c[0].stop + 2) % size
        cols = np.arange(c[1].start - 2, c[1].stop + 2) % size
        ext = x.vindex[rows[:, None], cols[None, :]].compute(**SYNC)
        # (at the edges the whole array's border code sums in another order)
        np.testing.assert_allclose(g, fastconv.convolve(ext, k, "valid"), rtol=1e-5, atol=1e-5)


def test_docstring_examples():
    import doctest
    result = doctest.testmod(fd, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6 and result.failed == 0
