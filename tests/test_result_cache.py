"""The cache of result buffers (csrc/fc_pool.h, fastconv.set_cache_limit).

Results of 1 MiB or more get their buffer from fastconv's NumPy memory
handler: they must still be ordinary arrays (own their data, resizable,
seen by tracemalloc), 64-byte aligned, correct when a buffer is reused, and
the cache must stay within its limits and be safe under threads.
"""
import threading
import tracemalloc

import numpy as np
import pytest

import fastconv
from fastconv import _memory
from helpers import child_env
from reference import ref_convolve2d

MiB = 1 << 20


def handler_name(a):
    try:
        from numpy._core.multiarray import get_handler_name
    except ImportError:  # NumPy < 2
        from numpy.core.multiarray import get_handler_name
    return get_handler_name(a)


@pytest.fixture
def cache():
    """A clean cache with the default limit, restored afterwards."""
    old = fastconv.set_cache_limit(0)
    fastconv.set_cache_limit(_memory.DEFAULT_LIMIT)
    yield
    fastconv.set_cache_limit(0)
    fastconv.set_cache_limit(old)


def inputs(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(-8, 8, shape).astype(dtype),
            rng.integers(-8, 8, (3, 5)).astype(dtype))


def test_large_result_is_an_ordinary_owning_array(cache):
    a, k = inputs((600, 600), np.float32, 1)      # 1.4 MiB result
    r = fastconv.convolve2d(a, k, "same")
    assert handler_name(r) == "fastconv_cache"
    assert r.flags.owndata and r.base is None and r.flags.writeable
    assert r.ctypes.data % 64 == 0
    np.testing.assert_array_equal(r, ref_convolve2d(a, k, "same"))
    # small results keep NumPy's allocator
    s = fastconv.convolve2d(a[:10, :10], k, "same")
    assert handler_name(s) != "fastconv_cache"


def test_freed_buffer_is_reused_and_overwritten(cache):
    a, k = inputs((700, 700), np.float64, 2)
    b, _ = inputs((700, 700), np.float64, 3)
    r = fastconv.convolve2d(a, k, "same")
    addr = r.ctypes.data
    del r
    info = _memory.cache_info()
    assert info["cached_buffers"] == 1 and info["cached_bytes"] >= 700 * 700 * 8
    r2 = fastconv.convolve2d(b, k, "same")
    assert r2.ctypes.data == addr                       # same pages again
    np.testing.assert_array_equal(r2, ref_convolve2d(b, k, "same"))
    assert _memory.cache_info()["cached_buffers"] == 0


def test_resize_and_copy_of_a_cached_result(cache):
    a, k = inputs((512, 600), np.float32, 4)
    r = fastconv.convolve2d(a, k, "same")
    expect = ref_convolve2d(a, k, "same").ravel()
    r.resize((10,), refcheck=False)                    # shrink: NumPy reallocates
    np.testing.assert_array_equal(r, expect[:10])
    r.resize((512 * 600 * 2,), refcheck=False)          # grow: zero-filled tail
    np.testing.assert_array_equal(r[:10], expect[:10])
    assert not r[512 * 600:].any()


def test_limit_zero_disables_and_releases(cache):
    a, k = inputs((600, 600), np.float32, 5)
    r = fastconv.convolve2d(a, k, "same")
    del r
    assert _memory.cache_info()["cached_bytes"] > 0
    assert fastconv.set_cache_limit(0) == _memory.DEFAULT_LIMIT
    assert _memory.cache_info()["cached_bytes"] == 0
    r = fastconv.convolve2d(a, k, "same")
    assert handler_name(r) != "fastconv_cache"
    np.testing.assert_array_equal(r, ref_convolve2d(a, k, "same"))


def test_cache_stays_within_its_limits(cache):
    fastconv.set_cache_limit(5 * MiB)
    a, k = inputs((600, 600), np.float32, 6)           # 1.4 MiB each
    results = [fastconv.convolve2d(a, k, "same") for _ in range(12)]
    del results
    info = _memory.cache_info()
    assert 0 < info["cached_bytes"] <= 5 * MiB
    assert info["cached_buffers"] == 3
    fastconv.set_cache_limit(_memory.DEFAULT_LIMIT)
    results = [fastconv.convolve2d(a, k, "same") for _ in range(12)]
    del results
    assert _memory.cache_info()["cached_buffers"] == 8   # FC_POOL_SLOTS


def test_tracemalloc_sees_cached_results(cache):
    a, k = inputs((800, 800), np.float64, 7)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        r = fastconv.convolve2d(a, k, "same")
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown >= r.nbytes


def test_threads_share_the_cache_safely(cache):
    a, k = inputs((400, 700), np.float32, 8)           # 1.07 MiB results
    expect = ref_convolve2d(a, k, "same")
    errors = []

    def work():
        try:
            for _ in range(40):
                r = fastconv.convolve2d(a, k, "same", workers=1)
                if not np.array_equal(r, expect):
                    errors.append("wrong values")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors
    assert _memory.cache_info()["cached_buffers"] <= 8


def test_fft_engine_work_blocks_come_from_the_cache(cache):
    """The FFT engine takes its work blocks (kernel spectrum, tile buffers)
    from the cache and gives them back: a repeated call reuses them (pages
    mapped), and a reused block's stale values (NaN from a call on NaN data)
    never reach the result: bit-identical to a run on fresh memory."""
    from fastconv import _fftcore
    rng = np.random.default_rng(11)
    x = rng.standard_normal((1000, 1000)).astype(np.float32)
    k = rng.standard_normal((201, 201)).astype(np.float32)    # tiles of 450x720
    starts, lengths = (-100, -100), x.shape
    for workers in (1, 2):
        fastconv.set_cache_limit(0)                          # fresh memory
        ref = _fftcore.correlate_window(x, k, starts, lengths, np.empty_like(x), workers)
        assert _memory.cache_info()["cached_buffers"] == 0
        fastconv.set_cache_limit(_memory.DEFAULT_LIMIT)
        bad = np.full_like(x, np.nan)
        _, finite = _fftcore.correlate_window(bad, k, starts, lengths, np.empty_like(x),
                                              workers, check=True)
        assert not finite
        info = _memory.cache_info()
        # the spectrum's block (2 planes of 450 x 720) and the threads' one
        assert info["cached_buffers"] == 2 and info["cached_bytes"] >= 2 * 450 * 720 * 4 * 2
        for _ in range(2):
            r, finite = _fftcore.correlate_window(x, k, starts, lengths, np.empty_like(x),
                                                  workers, check=True)
            assert finite
            np.testing.assert_array_equal(r, ref)
            assert _memory.cache_info() == info                # the same blocks again


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), ("64", TypeError),
                                      (True, TypeError), (None, TypeError)])
def test_set_cache_limit_rejects_bad_values(bad, exc):
    with pytest.raises(exc, match="nbytes"):
        fastconv.set_cache_limit(bad)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork()")
def test_fork_child_can_use_the_cache(cache):
    """The cache's lock is held across fork(), so a child is never left with
    it taken; the child computes with cached buffers."""
    import os
    a, k = inputs((600, 600), np.float32, 9)
    expect = ref_convolve2d(a, k, "same")
    r = fastconv.convolve2d(a, k, "same", workers=1)
    del r                                                # one buffer cached
    pid = os.fork()
    if pid == 0:  # child: must not touch pytest; exit code says it all
        ok = all(np.array_equal(fastconv.convolve2d(a, k, "same", workers=1), expect)
                 for _ in range(3))
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_new_sizes_displace_old_ones(cache):
    """A cache filled with buffers of sizes no longer used still takes the
    newest result's buffer (the oldest are released), so a loop over a new
    size reuses memory."""
    k = np.ones((3, 3), np.float32)
    olds = [fastconv.convolve2d(np.ones((520 + 8 * i, 520)), k, "same") for i in range(8)]
    del olds
    assert _memory.cache_info()["cached_buffers"] == 8
    before = _memory.cache_info()["cached_bytes"]
    a, _ = inputs((1024, 1024), np.float64, 10)
    r = fastconv.convolve2d(a, k, "same")
    addr = r.ctypes.data
    del r
    # the 8 MiB buffer went in, the oldest ~2 MiB one out
    assert _memory.cache_info()["cached_bytes"] > before + 5 * MiB
    r = fastconv.convolve2d(a, k, "same")
    assert r.ctypes.data == addr
    np.testing.assert_array_equal(r, ref_convolve2d(a, k, "same"))
    assert _memory.cache_info()["cached_buffers"] <= 8


@pytest.mark.parametrize("value, expect", [("64", 64 << 20), ("0", 0), ("inf", None),
                                           ("nan", None), ("-1", None), ("lots", None),
                                           ("1e308", None)])
def test_cache_limit_from_environment(value, expect):
    """FASTCONV_CACHE_MB sets the limit at import; a bad value warns and
    keeps the default, never breaks the import."""
    import subprocess
    import sys
    code = ("import warnings; warnings.simplefilter('always')\n"
            "import fastconv\nfrom fastconv import _memory\n"
            "print(_memory.cache_info()['limit'], _memory.DEFAULT_LIMIT)")
    proc = subprocess.run([sys.executable, "-c", code], env=child_env(FASTCONV_CACHE_MB=value),
                          capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    limit, default = map(int, proc.stdout.split())
    if expect is None:
        assert limit == default and "FASTCONV_CACHE_MB" in proc.stderr
    else:
        assert limit == expect and "FASTCONV_CACHE_MB" not in proc.stderr
