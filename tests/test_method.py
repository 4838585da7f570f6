"""The cost model's rules that the executors share (fastconv._method,
fastconv._threads): one thread-count rule for both methods and the model,
prices kept per geometry, the integer 2-norm bound, narrow rows."""
import builtins
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import fastconv
from fastconv import _direct, _method, _plan, _threads


def plan_of(shape, kshape, dtype=np.float32, mode="same", method="direct", workers=2):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape).astype(dtype)
    k = rng.standard_normal(kshape).astype(dtype)
    return a, k, _plan.make_plan("convolve", a, k, mode, method, workers=workers)


@pytest.fixture
def shared_calls(monkeypatch):
    """The thread counts of the calls that started threads (white-box:
    _threads._shared is entered only by multi-threaded work)."""
    seen = []
    real = _threads._shared

    def record(n, *rest):
        seen.append(n)
        return real(n, *rest)
    monkeypatch.setattr(_threads, "_shared", record)
    return seen


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_small_problems_start_no_threads(method, shared_calls):
    """workers=2 on work priced under PARALLEL_MIN_SECONDS: one thread,
    for the direct and the FFT executor alike."""
    a, k, plan = plan_of((40, 40), (5, 5), method=method)
    t_one = (_method.direct_seconds(plan, _method._direct_macs(plan, False)) if method == "direct"
             else _method.fft_seconds(plan))
    assert t_one < _threads.PARALLEL_MIN_SECONDS
    fastconv.convolve(a, k, "same", method=method, workers=2)
    assert shared_calls == []


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_large_problems_start_threads(method, shared_calls):
    if not _direct.threaded() or _threads.available_cpus() < 2:
        pytest.skip("needs OpenMP and 2 CPUs")
    a, k, plan = plan_of((700, 700), (31, 31), method=method)
    t_one = (_method.direct_seconds(plan, _method._direct_macs(plan, False)) if method == "direct"
             else _method.fft_seconds(plan))
    assert t_one >= _threads.PARALLEL_MIN_SECONDS
    out2 = fastconv.convolve(a, k, "same", method=method, workers=2)
    assert shared_calls and shared_calls[0] == 2
    np.testing.assert_array_equal(out2, fastconv.convolve(a, k, "same", method=method,
                                                          workers=1))


def test_model_prices_the_threads_the_executors_start(monkeypatch):
    """The model divides by the threads `threads_for` grants: below the
    threshold workers=2 is priced as workers=1; with the threshold at 0 the
    direct price halves."""
    _, _, p1 = plan_of((64, 64), (9, 9), workers=1)
    _, _, p2 = plan_of((64, 64), (9, 9), workers=2)
    assert _method.estimate_times(p1) == _method.estimate_times(p2)
    if _threads.available_cpus() >= 2:
        monkeypatch.setattr(_threads, "PARALLEL_MIN_SECONDS", 0.0)
        d1 = _method.estimate_times(p1)[0] - _method.DIRECT_OVERHEAD
        d2 = _method.estimate_times(p2)[0] - _method.DIRECT_OVERHEAD
        assert d2 == pytest.approx(d1 / 2)


def test_prices_cached_per_geometry_are_the_prices():
    _, _, plan = plan_of((30, 30, 30), (9, 9, 9), mode="valid")
    first = _method.estimate_times(plan)
    _method._prices.clear()
    assert _method.estimate_times(plan) == first
    _, _, other = plan_of((30, 30, 30), (9, 9, 9), mode="full")
    assert _method.estimate_times(other) != first


@pytest.mark.parametrize("dtype", [np.int16, np.uint8, np.int32, bool])
def test_norm_is_an_upper_bound_within_2_percent(dtype):
    rng = np.random.default_rng(1)
    for n in (1, 1000, (1 << 16) + 7, 3 * (1 << 20) + 5):
        if dtype is bool:
            a = rng.integers(0, 2, n).astype(bool)
        else:
            info = np.iinfo(dtype)
            a = rng.integers(max(info.min, -2**20), min(info.max, 2**20), n, dtype=dtype)
        exact = math.sqrt(int((a.astype(np.int64) ** 2).sum()))
        got = _method._norm(a)
        assert exact <= got <= 1.02 * exact + 1e-12


def test_norm_stops_early_only_when_the_full_bound_fails_too():
    rng = np.random.default_rng(2)
    a = rng.integers(-32768, 32767, 5 * (1 << 16) + 11, dtype=np.int16)
    full = _method._norm(a)
    for other, limit in ((2.0, 0.5 * full), (1.0, 0.99 * full), (1.0, 1.01 * full),
                         (3.0, 10 * full), (0.0, 1.0)):
        got = _method._norm(a, other, limit)
        assert got <= full
        assert (got * other < limit) == (full * other < limit)
        if got < full:    # stopped early: on a chunk boundary, and failing
            assert got * other >= limit
    # the stop comes after the first chunk when that already fails
    head = _method._norm(a[:1 << 16])
    assert _method._norm(a, 1.0, head) == head


def test_norm_buffer_is_per_thread():
    import threading
    rng = np.random.default_rng(3)
    arrays = [rng.integers(-100 * (i + 1), 100 * (i + 1), 3 * (1 << 16) + i, dtype=np.int32)
              for i in range(4)]
    want = [_method._norm(a) for a in arrays]
    got = [None] * 4

    def run(i):
        for _ in range(20):
            v = _method._norm(arrays[i])
            if v != want[i]:
                got[i] = v
                return
        got[i] = want[i]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want


def test_short_rows_of_3d_problems_cost_a_row_price():
    rng = np.random.default_rng(4)
    a, k = rng.standard_normal((22, 22, 22)), rng.standard_normal((9, 9, 9))
    plan = _plan.make_plan("convolve", a, k, "full", "direct", workers=1)
    rows = 30 * 30 * 9 * 9       # output rows x kernel rows
    macs = 30 ** 3 * 9 ** 3
    t1 = _method._geometry_prices(plan)[2]
    assert math.isclose(t1, macs * _method._geometry_prices(plan)[0]
                        + rows * _method.DIRECT_SECONDS_PER_ROW)


def test_narrow_rows_are_priced_as_scalar_code():
    """Rows narrower than a SIMD vector run in scalar code: the per-MAC
    price of a 3-D 'valid' window with 14-output rows is W times that of
    a wide 2-D one (W = vector elements)."""
    _, _, narrow = plan_of((22, 22, 22), (9, 9, 9), mode="valid", workers=1)
    _, _, wide = plan_of((1024, 1024), (9, 9), mode="valid", workers=1)
    w = _method._vector_bytes(np.dtype(np.float32)) // 4
    if w <= 14:
        pytest.skip("vectors of at most 14 float32: the rows are SIMD here")
    per_narrow = _method.direct_seconds(narrow, 1)
    per_wide = _method.direct_seconds(wide, 1)
    assert per_narrow == pytest.approx(w * _method.SECONDS_PER_MAC["f4"])
    assert per_wide < 1.1 * _method.SECONDS_PER_MAC["f4"]


def test_uint8_rows_are_priced_in_16_bit_lanes():
    """uint8 data run in 16-bit lanes (csrc/fc_types.h): uint8 and uint16
    rows are priced alike, in vectors of (vector bytes / 2) lanes.  A row
    too narrow for one (a 24-wide uint8 row: 32 uint16 lanes on AVX-512,
    though 64 bytes) goes to the widest narrower instruction set whose
    vector its columns between the edges fill (fc_dispatch.c), priced at
    its vectors times the lane ratio (a 'valid' band of 14 has no edges:
    SSE2's 8 lanes; 24 columns, AVX2's 16); with none (4 columns) it is
    scalar code, w times the MAC.  These are the dispatcher's own answers
    (`_direct.band_vector_bytes`)."""
    w = _direct.band_vector_bytes(np.uint16, 1 << 20, 1, False)[0] // 2
    for shape, kshape, mode, narrow in (((22, 22, 22), (9, 9, 9), "valid", 8),
                                        ((30, 30, 24), (3, 3, 1), "same", 16),
                                        ((30, 30, 6), (3, 3, 3), "valid", None)):
        _, _, u8 = plan_of(shape, kshape, dtype=np.uint8, mode=mode, workers=1)
        _, _, u16 = plan_of(shape, kshape, dtype=np.uint16, mode=mode, workers=1)
        assert u8.work == np.uint8 and u16.work == np.uint16
        L = u8.shape[-1]
        if L >= w:
            continue      # (the rows are SIMD in the widest set here)
        if narrow is not None and narrow >= w:
            continue      # (no narrower set than the one in use)
        factor = w if narrow is None else w / narrow * (narrow * -(-L // narrow)) / L
        vb, fills = _direct.band_vector_bytes(np.uint16, L, 1, False)
        assert (vb // 2, fills) == ((narrow, True) if narrow else (16 // 2, False))
        assert _method._row_factor(u8) == _method._row_factor(u16) == pytest.approx(factor)
        assert _method.direct_seconds(u8, 1) == pytest.approx(
            factor * _method.SECONDS_PER_MAC["i1"])


def test_exact_by_norms_answers_as_the_full_bounds():
    """`_exact_by_norms` (x's first chunk predicting a failure: the squares
    summed first, stopping once a lower bound fails) answers as "max|x|
    sqrt(n) or the 2-norm bound passes", for full-range, small-valued and
    constant inputs, limits on both sides of each bound."""
    rng = np.random.default_rng(4)
    n = 6 * (1 << 16) + 13
    arrays = [rng.integers(-32768, 32767, n, dtype=np.int16, endpoint=True),
              rng.integers(-20, 20, n, dtype=np.int16),
              np.full(n, -32768, np.int16),       # the norm bound above max|x| sqrt(n)
              np.concatenate([np.full(1 << 16, 30000, np.int32),
                              rng.integers(-3, 3, n, dtype=np.int32)])]
    for x in arrays:
        norm, top = _method._norm(x), _method._max_norm_bound(x)
        for nk in (1.0, 7.5):
            for bound in sorted({norm, top, 0.5 * norm, 0.9 * norm, 2 * norm}):
                for limit in (bound * nk * (1 - 1e-9), bound * nk, bound * nk * (1 + 1e-9)):
                    want = top * nk < limit or norm * nk < limit
                    assert _method._exact_by_norms(x, nk, limit) == want, (x[:3], nk, limit)


@pytest.mark.parametrize("dtype", [np.int16, np.uint8, np.int64])
def test_small_norm_is_an_upper_bound(dtype):
    """Arrays of at most _NORM_SMALL elements: one float64 dot product."""
    rng = np.random.default_rng(5)
    info = np.iinfo(dtype)
    for n in (1, 17, _method._NORM_SMALL):
        a = rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        exact = math.sqrt(sum(int(v) ** 2 for v in a.tolist()))
        assert exact <= _method._norm(a) <= 1.011 * exact
        assert _method._norm(a[::-1].reshape(-1, 1)) == pytest.approx(_method._norm(a), rel=1e-12)


def test_one_group_1d_fft_prices_its_spectrum_on_one_thread():
    """1-D FFT tiles run in groups of lanes, one thread per group
    (csrc/fc_fft_impl.h), and the kernel's spectrum is one more group's
    transform: a problem of one group ([5000] * [4096] complex64 'same',
    tiles of 4500) is priced (1 + FFT_1D_SPECTRUM_GROUPS) times its group
    and gains nothing from a second thread (which it is worth starting);
    a problem of many groups still does."""
    _, _, one = plan_of((5000,), (4096,), np.complex64, "same", "auto", workers=1)
    _, _, two = plan_of((5000,), (4096,), np.complex64, "same", "auto", workers=2)
    assert _method.fft_groups(4096, 5000, np.complex64) == 1
    assert _threads.threads_for(2, _method.fft_seconds(two)) == 2
    assert _method.estimate_times(two)[1] == pytest.approx(_method.estimate_times(one)[1])
    group = (_method.fft_units((4096,), (5000,), np.dtype(np.complex64))
             * _method.SECONDS_PER_FFT_UNIT["c8"] * _method.FFT_1D_COMPLEX_FACTOR)
    assert _method.fft_seconds(one) == pytest.approx(group * (1 + _method.FFT_1D_SPECTRUM_GROUPS))
    _, _, many1 = plan_of((1_000_000,), (64,), np.complex64, "same", "auto", workers=1)
    _, _, many2 = plan_of((1_000_000,), (64,), np.complex64, "same", "auto", workers=2)
    assert _method.fft_groups(64, 1_000_000, np.complex64) > 2
    assert _threads.threads_for(2, _method.fft_seconds(many2)) == 2
    assert _method.estimate_times(many2)[1] < _method.estimate_times(many1)[1]


def test_complex_direct_rows_price_their_outputs():
    """N-D complex work pays DIRECT_SECONDS_PER_ROW_OUTPUT per output and
    kernel row (the accumulators of each row pass) on top of the float
    kernels' row price; 1-D complex work (priced by its own factor) and
    real work do not."""
    extra = _method.DIRECT_SECONDS_PER_ROW_OUTPUT["c8"]
    assert extra > 0
    for shape, kshape, mode in (((100, 100), (9, 9), "full"), ((22, 22, 22), (3, 3, 3), "same")):
        _, _, c = plan_of(shape, kshape, np.complex64, mode, workers=1)
        _, _, f = plan_of(shape, kshape, np.float32, mode, workers=1)
        krows = math.prod(kshape[:-1])
        assert (_method._direct_row_seconds(c) - _method._direct_row_seconds(f)
                == pytest.approx(math.prod(c.shape) * krows * extra))
    _, _, c1 = plan_of((10_000,), (64,), np.complex64, "same", workers=1)
    _, _, f1 = plan_of((10_000,), (64,), np.float32, "same", workers=1)
    assert _method._direct_row_seconds(c1) == _method._direct_row_seconds(f1)


@pytest.fixture
def restore_prices():
    """Put this machine's table back after a test that switches tables."""
    yield
    env = os.environ.get("FASTCONV_PRICES")
    _method.use_prices(None if env == "generic" else _method.machine_key())


def test_machine_prices_override_and_restore(restore_prices):
    """A machine with overrides (`_MACHINE_PRICES`) prices with them; any
    other key, and None, with the generic table; switching clears the
    prices kept per geometry, so a plan seen before is priced anew."""
    key, table = next(iter(_method._MACHINE_PRICES.items()))
    assert _method.use_prices(None) == "generic"
    generic = {name: getattr(_method, name) for name in table}
    _, _, one = plan_of((10_000,), (512,), np.float64, "full", "auto", workers=1)
    _, _, two = plan_of((200, 200), (31, 31), np.float64, "full", "auto", workers=1)
    t1, t2 = _method.estimate_times(one), _method.estimate_times(two)
    assert _method.use_prices(key) == f"{key[0]}/{key[1]}"
    for name, value in table.items():
        assert getattr(_method, name) == value != generic[name]
    assert _method.estimate_times(one)[1] != t1[1]      # (not the kept price)
    assert _method.estimate_times(two) == t2             # (no N-D override)
    assert _method.use_prices(("NoSuchVendor", 1)) == "generic"
    assert {name: getattr(_method, name) for name in table} == generic
    assert _method.estimate_times(one) == t1


def test_one_d_fft_overhead_is_its_own(restore_prices, monkeypatch):
    """1-D plans pay FFT_OVERHEAD_1D, N-D ones FFT_OVERHEAD; `surely_direct`
    compares with the smaller unless told the problem is N-D."""
    _method.use_prices(None)
    _, _, one = plan_of((10_000,), (512,), np.float64, "full", "auto", workers=1)
    _, _, two = plan_of((200, 200), (31, 31), np.float64, "full", "auto", workers=1)
    before = _method.estimate_times(one)[1], _method.estimate_times(two)[1]
    monkeypatch.setattr(_method, "FFT_OVERHEAD_1D", _method.FFT_OVERHEAD_1D + 1e-3)
    _method._prices.clear()       # (kept with the geometry's prices)
    assert _method.estimate_times(one)[1] == pytest.approx(before[0] + 1e-3)
    assert _method.estimate_times(two)[1] == before[1]
    monkeypatch.setattr(_method, "FFT_OVERHEAD", _method.FFT_OVERHEAD + 1e-3)
    _method._prices.clear()
    assert _method.estimate_times(two)[1] == pytest.approx(before[1] + 1e-3)
    n = int(1e-5 / _method.MAX_SECONDS_PER_MAC)    # priced ~1e-5 s direct
    assert n * _method.MAX_SECONDS_PER_MAC < _method.FFT_OVERHEAD
    assert _method.surely_direct((n,), 1)
    monkeypatch.setattr(_method, "FFT_OVERHEAD_1D", 1e-6)
    assert not _method.surely_direct((n,), 1)


def test_machine_key_from_cpuinfo(monkeypatch, tmp_path):
    """machine_key reads (vendor, family) from /proc/cpuinfo; None when it
    cannot (no such file, or no such fields)."""
    real_open = builtins.open
    info = tmp_path / "cpuinfo"

    def fake_open(path, *args, **kw):
        return real_open(info if path == "/proc/cpuinfo" else path, *args, **kw)
    monkeypatch.setattr(builtins, "open", fake_open)
    info.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n"
                    "model\t\t: 2\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n")
    assert _method.machine_key() == ("AuthenticAMD", 26)
    info.write_text("processor\t: 0\nmodel name\t: something\n")
    assert _method.machine_key() is None
    info.unlink()
    assert _method.machine_key() is None


def test_generic_prices_by_environment():
    """FASTCONV_PRICES=generic: the generic table whatever the machine."""
    code = "from fastconv import _method as m; print(m.PRICES, m.FFT_1D_FACTOR)"
    env = dict(os.environ, FASTCONV_PRICES="generic")
    got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    _method.use_prices(None)
    try:
        assert got == ["generic", repr(_method.FFT_1D_FACTOR)]
    finally:
        _method.use_prices(None if os.environ.get("FASTCONV_PRICES") == "generic"
                           else _method.machine_key())


def test_surely_direct_with_the_work_dtype():
    """Knowing the work dtype, rows of 64 outputs or more are priced at twice
    its own price per MAC (not the dearest dtype's): [300, 300] * [3, 3]
    uint8 'same' goes direct without pricing the FFT; the same outputs in
    rows of 8 (narrow rows can cost a vector per element) or an unknown work
    dtype are priced."""
    u16 = np.dtype(np.uint16)       # (int16 data's work: the 'i2' class)
    assert 2 * _method.SECONDS_PER_MAC["i"] < _method.MAX_SECONDS_PER_MAC
    assert _method.surely_direct((300, 300), 9, np.dtype(np.uint8), one_d=False, separable=False)
    assert not _method.surely_direct((300, 300), 9, one_d=False, separable=False)
    assert not _method.surely_direct((11250, 8), 9, np.dtype(np.uint8), one_d=False,
                                     separable=False)
    # (a kernel that may have factors: the separable passes' fixed cost)
    assert not _method.surely_direct((300, 300), 9, np.dtype(np.uint8), one_d=False)
    n = int(min(_method.FFT_OVERHEAD, _method.FFT_OVERHEAD_1D)
            / (2 * _method.SECONDS_PER_MAC[_method._mac_class(u16)])) + 1
    assert not _method.surely_direct((n,), 1, u16, separable=False)
    assert _method.surely_direct((n // 2,), 1, u16, separable=False)
    a = np.ones((300, 300), np.uint8)
    assert _plan.make_plan("convolve", a, a[:3, :3], "same", "auto").method == "direct"



def test_contended_call_backs_off_to_one_thread(monkeypatch, shared_calls):
    """CONTENDED_STRIKES multi-threaded calls in a row that each take over
    CONTENDED_FACTOR x their price + CONTENDED_SLACK (threads waiting for
    CPUs other processes hold) make the calls of the next CONTENDED_HOLD
    seconds run on one thread, with the same results; one such call alone,
    a call within its price, or one that raised, does not; after the hold,
    threads again (a fake clock: no timing)."""
    if _threads.available_cpus() < 2 or not _direct.threaded():
        pytest.skip("one CPU or no OpenMP: no threads to back off from")
    now = [1000.0]
    monkeypatch.setattr(_threads, "_clock", lambda: now[0])
    monkeypatch.setattr(_threads, "_serial_until", 0.0)
    monkeypatch.setattr(_threads, "_strikes", 0)
    monkeypatch.setattr(_threads, "CONTENDED_HOLD", 0.25)   # (conftest turns it off)
    price = 1e-3
    slow = _threads.CONTENDED_FACTOR * price + _threads.CONTENDED_SLACK
    with _threads.thread_share(2, price) as n:
        now[0] += 0.9 * slow            # within its price: nothing changes
    assert n == 2
    with pytest.raises(KeyboardInterrupt):
        with _threads.thread_share(2, price):
            now[0] += 10 * slow
            raise KeyboardInterrupt
    assert _threads.CONTENDED_STRIKES == 2
    with _threads.thread_share(2, price) as n:
        now[0] += 1.1 * slow            # waited beyond its price: one strike
    with _threads.thread_share(2, price) as n:
        now[0] += 0.5 * slow            # a call within its price clears it
    for strike in range(2):
        with _threads.thread_share(2, price) as n:
            assert n == 2
            now[0] += 1.1 * slow        # twice in a row
    with _threads.thread_share(2, price) as n:
        assert n == 1
    a, k, plan = plan_of((600, 600), (9, 9), workers=2)
    assert _threads.threads_for(2, _method.direct_seconds(plan, _method._direct_macs(plan, False))) == 2
    seen = len(shared_calls)
    held = fastconv.convolve(a, k, "same", method="direct", workers=2)
    assert len(shared_calls) == seen      # (no multi-threaded call)
    now[0] += _threads.CONTENDED_HOLD
    again = fastconv.convolve(a, k, "same", method="direct", workers=2)
    assert len(shared_calls) == seen + 1 and shared_calls[-1] == 2
    assert held.tobytes() == again.tobytes()


def test_fft_tiles_are_the_engines_in_1d_and_its_start_in_nd():
    """The model prices the engine's own tiles for 1-D problems (its search
    counts whole groups of lanes: [10^4] * [4096] complex64 in tiles of
    less than 2x the kernel, not one 14400-point tile) and the starting
    tiles for N-D ones."""
    from fastconv import _fftcore
    c8 = np.dtype(np.complex64)
    for K, L, dt in ((4096, 10_000, c8), (64, 10_000, np.dtype(np.float64)),
                     (4096, 1_000_000, np.dtype(np.float32))):
        assert _method.fft_tiles((K,), (L,), dt) == _fftcore.tile_shape((K,), (L,), dt)
    assert K <= _method.fft_tiles((4096,), (10_000,), c8)[0] < 2 * 4096
    assert (_method.fft_tiles((31, 31), (2048, 2048), np.dtype(np.float32))
            == _method.start_tiles((31, 31), (2048, 2048)))


@pytest.mark.parametrize("shape, kshape, dtype", [
    ((100, 100), (9, 9), np.float32), ((80, 80), (9, 9), np.float32),
    ((300, 300), (3, 3), np.uint8), ((10, 1000), (1, 64), np.float64),
    ((1000,), (64,), np.float32), ((4, 30, 30), (1, 5, 5), np.float64)])
def test_signature_surely_direct_is_the_plans(shape, kshape, dtype):
    """What `_plan` decides once per signature (surely direct, with its
    one-dimensionality from the shapes and whether a kernel of that shape
    and dtype may have factors) is what `choose_method` decides from the
    plan; and a small 2-D problem whose kernel is an outer product still
    gets its separable factors (the separable passes' fixed cost is below
    the FFT's: [100, 100] * 9x9 float32 Gaussian 'same' is priced 26 us
    separable against 57 direct)."""
    a, k, plan = plan_of(shape, kshape, dtype, "same", "auto", workers=1)
    sig = next(s for key, s in _plan._signatures.items()
               if key[1] == a.shape and key[2] == k.shape and key[3] == a.dtype)
    factors_possible = sig.probe is not False and sig.factorable
    assert sig.surely_direct == _method.surely_direct(
        plan.shape, plan.kernel.size, plan.work, _method._one_d(plan), factors_possible)
    g = np.exp(-np.linspace(-2, 2, 9) ** 2).astype(np.float32)
    x = np.random.default_rng(1).random((100, 100), dtype=np.float32)
    p = _plan.make_plan("convolve", x, np.outer(g, g), "same", "auto", workers=1)
    assert p.method == "separable"



def test_fft_1d_class_factor_prices_only_its_1d_class(monkeypatch):
    """FFT_1D_CLASS (a machine table's per-dtype factor of the 1-D FFT
    price) scales the 1-D FFTs of its class only: not another class, not
    an N-D FFT."""
    _, _, f8 = plan_of((10_000,), (256,), np.float64, "same", "auto", workers=1)
    _, _, f4 = plan_of((10_000,), (256,), np.float32, "same", "auto", workers=1)
    _, _, nd = plan_of((200, 200), (31, 31), np.float64, "same", "auto", workers=1)
    monkeypatch.setattr(_method, "FFT_1D_CLASS", {})
    _method._prices.clear()
    before = [_method.fft_seconds(p) for p in (f8, f4, nd)]
    monkeypatch.setattr(_method, "FFT_1D_CLASS", {"f8": 2.0})
    _method._prices.clear()
    after = [_method.fft_seconds(p) for p in (f8, f4, nd)]
    _method._prices.clear()
    assert after[0] == pytest.approx(2 * before[0])
    assert after[1:] == before[1:]
