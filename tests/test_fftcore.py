"""The FFT engine (fastconv._fftcore, csrc/fc_fft*) against scipy.signal.

``correlate_window(x, k, starts, lengths, out, nthreads)`` computes
``out[y] = sum_j k[j] * x[y + s + j]`` (x read as 0 outside).  A convolution
window [start, start + len) of ``conv_full = x * h`` is that with
``k = flip(h)`` and ``s = start - (m - 1)``.  The reference is the direct
sum in long double; the engine's relative error (max |error| / max |ref|)
must not exceed scipy.signal.fftconvolve's on the same inputs (float32 and
complex64: 4x scipy's), plus a few units of rounding of the result dtype
for tiny problems where scipy's error happens to be ~0.
"""
import itertools

import numpy as np
import pytest
from scipy import signal

from fastconv import _fftcore

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
SINGLE = (np.float32, np.complex64)


def _rng(seed):
    return np.random.default_rng(seed)


def _data(shape, dt, rng):
    a = rng.standard_normal(shape)
    if np.dtype(dt).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dt)


def _flip(h):
    return h[(slice(None, None, -1),) * h.ndim]


def _window(n, m, mode):
    """(start, length) of `mode` inside the full convolution, per axis."""
    if mode == "full":
        return 0, n + m - 1
    if mode == "same":
        return (m - 1) // 2, n
    return m - 1, max(n - m + 1, 0)  # valid (callers keep n >= m)


def _cut(full, starts, lengths):
    """full[start:start + length] per axis, zeros outside full."""
    out = np.zeros(lengths, full.dtype)
    so, sf = [], []
    for f0, n, fn in zip(starts, lengths, full.shape):
        lo, hi = max(0, -f0), min(n, fn - f0)
        hi = max(hi, lo)
        so.append(slice(lo, hi))
        sf.append(slice(f0 + lo, f0 + hi))
    out[tuple(so)] = full[tuple(sf)]
    return out


def _engine_conv(x, h, starts, lengths, nthreads=1, tiles=None):
    out = np.full(lengths, np.nan, x.dtype) if x.dtype.kind == "f" else np.empty(lengths, x.dtype)
    s = [st - (m - 1) for st, m in zip(starts, h.shape)]
    r = _fftcore.correlate_window(x, np.ascontiguousarray(_flip(h)), s, lengths, out, nthreads,
                                  tiles=tiles)
    assert r is out
    return out


def _exact_full(x, h):
    wide = np.clongdouble if x.dtype.kind == "c" else np.longdouble
    return signal.convolve(x.astype(wide), h.astype(wide), mode="full", method="direct")


def _relerr(a, ref):
    scale = np.abs(ref).max() if ref.size else 1.0
    if scale == 0:
        scale = 1.0
    return float(np.abs(a.astype(ref.dtype) - ref).max() / scale) if ref.size else 0.0


def _check(x, h, starts, lengths, tiles=None):
    got = _engine_conv(x, h, starts, lengths, tiles=tiles)
    assert got.dtype == x.dtype and got.shape == tuple(lengths)
    full = _exact_full(x, h)
    ref = _cut(full, starts, lengths)
    sp = _cut(signal.fftconvolve(x, h, mode="full"), starts, lengths)
    e_sp = _relerr(sp, ref)
    e = _relerr(got, ref)
    eps = np.finfo(x.dtype).eps
    factor = 4.0 if x.dtype.type in SINGLE else 1.0
    # (+6 eps: on short transforms both errors are a few eps and the engines
    # round differently; over 700 1-D 'same' cases, x of 2-8 and h of 30-79
    # samples, the worst excess over scipy's error was 4.8 eps (engine before
    # the radix-10 pass) and 5.0 eps (after), on the baseline ISA, no FMA)
    assert e <= factor * e_sp + 6 * eps, (e, e_sp)
    return e, e_sp


CASES_1D = [(1, 1), (7, 3), (97, 33), (1000, 200), (4099, 31), (5, 9), (3, 50), (2, 1)]
CASES_2D = [((1, 1), (1, 1)), ((37, 41), (5, 7)), ((64, 64), (9, 9)), ((13, 30), (20, 3)),
            ((120, 97), (31, 31)), ((3, 200), (3, 17)), ((50, 1), (4, 1))]
CASES_3D = [((20, 21, 22), (3, 4, 5)), ((9, 10, 11), (12, 3, 2)), ((1, 30, 7), (1, 5, 7))]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n,m", CASES_1D)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_1d_modes(dt, n, m, mode):
    if mode == "valid" and n < m:
        n, m = m, n
    rng = _rng(n * 31 + m)
    x, h = _data((n,), dt, rng), _data((m,), dt, rng)
    s, L = _window(n, m, mode)
    _check(x, h, [s], [L])


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs", CASES_2D + CASES_3D)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_nd_modes(dt, xs, hs, mode):
    if mode == "valid":
        xs = tuple(max(a, b) for a, b in zip(xs, hs))
        hs = tuple(min(a, b) for a, b in zip(xs, hs))
    rng = _rng(sum(xs) * 7 + sum(hs))
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    win = [_window(n, m, mode) for n, m in zip(xs, hs)]
    _check(x, h, [w[0] for w in win], [w[1] for w in win])


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,starts,lengths", [
    ((50,), (7,), (-10,), (80,)),          # starts before the full window, runs past it
    ((50,), (7,), (60,), (5,)),            # entirely outside: zeros
    ((30, 40), (5, 6), (-3, 17), (45, 9)),
    ((30, 40), (5, 6), (2, -8), (1, 60)),
    ((8, 9, 10), (3, 3, 3), (-1, 4, 2), (12, 3, 9)),
])
def test_arbitrary_windows(dt, xs, hs, starts, lengths):
    rng = _rng(len(xs) + sum(starts) + 100)
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    _check(x, h, list(starts), list(lengths))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,tiles", [
    ((300,), (7,), (20,)),
    ((1000,), (33,), (40,)),
    ((50, 60), (5, 7), (9, 15)),
    ((41, 30), (50, 3), (54, 10)),         # kernel longer than the input on axis 0
    ((20, 21, 22), (3, 4, 5), (5, 8, 9)),
])
def test_many_tiles(dt, xs, hs, tiles):
    """Small forced tiles: many overlap-save tiles, odd tile counts (real data
    pairs tiles, the last one with zeros), tiles at every border."""
    rng = _rng(sum(tiles))
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    win = [_window(n, m, "full") for n, m in zip(xs, hs)]
    _check(x, h, [w[0] for w in win], [w[1] for w in win], tiles=tiles)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,starts,lengths,tiles", [
    ((50,), (7,), (-200,), (400,), (10,)),
    ((50,), (7,), (-200,), (400,), (48,)),
    ((20, 30), (3, 5), (-60, -70), (140, 170), (8, 16)),
    ((6, 7, 8), (2, 2, 3), (-20, 5, -30), (45, 10, 70), (4, 5, 6)),
])
def test_tiles_outside_input(dt, xs, hs, starts, lengths, tiles):
    """Windows reaching far past x: whole tiles read only zeros (a tile left
    of x once wrote past the end of its buffer)."""
    rng = _rng(11)
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    _check(x, h, list(starts), list(lengths), tiles=tiles)


def test_complex_kernel_real_parts_differ():
    """Complex kernels are not conjugated: out = sum_j k[j] x[y + s + j]."""
    x = np.array([1, 2, 3, 4], np.complex128)
    k = np.array([1j, 2], np.complex128)
    out = np.empty(3, np.complex128)
    _fftcore.correlate_window(x, k, [0], [3], out, 1)
    np.testing.assert_allclose(out, [1j * 1 + 2 * 2, 1j * 2 + 2 * 3, 1j * 3 + 2 * 4], atol=1e-14)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,tiles", [
    ((2000,), (65,), None), ((2000,), (65,), (96,)),
    ((130, 150), (11, 9), None), ((130, 150), (11, 9), (32, 27)),
    ((30, 31, 33), (5, 4, 3), (10, 12, 9)),
    # 162 groups: runs of groups per thread, the last ones taken from the
    # back of another's run, the spectrum by thread 0 alone meanwhile
    ((300, 320), (9, 9), (24, 27)),
])
def test_threads_bit_identical(dt, xs, hs, tiles):
    rng = _rng(5)
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    win = [_window(n, m, "same") for n, m in zip(xs, hs)]
    st, L = [w[0] for w in win], [w[1] for w in win]
    outs = [_engine_conv(x, h, st, L, nthreads=t, tiles=tiles) for t in (1, 2, 3, 8)]
    for o in outs[1:]:
        assert np.array_equal(o, outs[0])


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,tiles", [
    # many column blocks and lines (the spectrum's work dealt to the team),
    # odd and prime extents, a 3-D tile, groups fewer than threads (shared)
    ((301, 257), (31, 29), (125, 90)), ((97, 211), (13, 61), (75, 64)),
    ((40, 45, 50), (7, 6, 9), (20, 18, 25)), ((60, 70), (33, 35), (64, 72)),
])
def test_team_spectrum_bit_identical(dt, xs, hs, tiles):
    """A one-shot call computes the kernel spectrum in its run (thread 0
    while the others start their first tiles; with fewer groups than
    threads, the team sharing one N form); a KernelPlan computes it alone
    at creation.  Every thread count gives the plan's bits, within scipy's
    error."""
    rng = _rng(31)
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    win = [_window(n, m, "same") for n, m in zip(xs, hs)]
    st, L = [w[0] for w in win], [w[1] for w in win]
    s = [a - (m - 1) for a, m in zip(st, hs)]
    plan = _fftcore.KernelPlan(np.ascontiguousarray(_flip(h)), xs, s, L, tiles)
    want = plan.run(x, np.empty(L, dt), 1)
    for t in (1, 2, 3, 5):
        assert np.array_equal(_engine_conv(x, h, st, L, nthreads=t, tiles=tiles), want)
        assert np.array_equal(plan.run(x, np.empty(L, dt), t), want)
    _check(x, h, st, L, tiles=tiles)


@pytest.mark.parametrize("isa", ["baseline", "avx2", "avx512"])
def test_each_instruction_set(isa):
    before = _fftcore.isa_name()
    if isa not in _fftcore.isa_available():
        pytest.skip(f"CPU or build lacks {isa}")
    try:
        assert _fftcore.select_isa(isa) == isa
        for dt, (xs, hs, tiles) in itertools.product(DTYPES, [((300,), (7,), (20,)),
                                                             ((50, 60), (5, 7), (9, 15)),
                                                             ((64, 70), (9, 9), None)]):
            rng = _rng(9)
            x, h = _data(xs, dt, rng), _data(hs, dt, rng)
            win = [_window(n, m, "full") for n, m in zip(xs, hs)]
            _check(x, h, [w[0] for w in win], [w[1] for w in win], tiles=tiles)
    finally:
        _fftcore.select_isa(before)


def test_inputs_not_modified():
    rng = _rng(3)
    x, h = _data((40, 50), np.float32, rng), _data((7, 9), np.float32, rng)
    x0, h0 = x.copy(), h.copy()
    _engine_conv(x, h, [0, 0], [46, 58], nthreads=2)
    assert np.array_equal(x, x0) and np.array_equal(h, h0)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("kshape,lengths", [((31, 31), (2048, 2048)), ((1000,), (10 ** 7,)),
                                            ((9, 9, 9), (256, 256, 64)), ((1,), (1,)),
                                            ((201, 201), (2048, 2048)), ((50,), (3,))])
def test_tile_shape(dt, kshape, lengths):
    P = _fftcore.tile_shape(kshape, lengths, dt)
    assert len(P) == len(kshape)
    for p, k in zip(P, kshape):
        assert p >= k
        r = p
        for f in (2, 3, 5):
            while r % f == 0:
                r //= f
        assert r == 1


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,starts,lengths", [
    ((3000,), (65,), (-64,), (3064,)),
    ((130, 150), (11, 9), (-5, -4), (130, 150)),
    ((30, 31, 33), (5, 4, 3), (0, 0, 0), (26, 28, 31)),
])
def test_kernel_plan_reuse(dt, xs, hs, starts, lengths):
    """A KernelPlan gives correlate_window's bits for every input, at any
    thread count, and does not depend on the kernel array after creation."""
    rng = _rng(21)
    k = _data(hs, dt, rng)
    plan = _fftcore.KernelPlan(k, xs, starts, lengths)
    k_orig = k.copy()
    assert plan.tiles == _fftcore.tile_shape(hs, lengths, dt)
    k[...] = 0  # the plan holds the spectrum, not the array
    for i in range(3):
        x = _data(xs, dt, rng)
        want = np.empty(lengths, dt)
        _fftcore.correlate_window(x, k_orig, starts, lengths, want, 1)
        for t in (1, 2):
            got = plan.run(x, np.empty(lengths, dt), t)
            assert np.array_equal(got, want)


def test_kernel_plan_shared_by_threads():
    import threading
    rng = _rng(22)
    k = _data((9, 9), np.float32, rng)
    plan = _fftcore.KernelPlan(k, (200, 210), (-4, -4), (200, 210))
    xs = [_data((200, 210), np.float32, rng) for _ in range(4)]
    want = [_fftcore.correlate_window(x, k, (-4, -4), (200, 210), np.empty((200, 210), np.float32), 1)
            for x in xs]
    got = [None] * 4

    def work(i):
        got[i] = plan.run(xs[i], np.empty((200, 210), np.float32), 1 + i % 2)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for g, w in zip(got, want):
        assert np.array_equal(g, w)


def test_empty_kernel_gives_zeros():
    out = np.full((3, 4), 7.0, np.complex64)
    _fftcore.correlate_window(np.ones((3, 4), np.complex64), np.ones((0, 2), np.complex64),
                              [0, 0], [3, 4], out, 1)
    assert np.array_equal(out, np.zeros((3, 4), np.complex64))


def test_empty_window_writes_nothing():
    x = np.ones(10, np.float64)
    out = np.full((0,), 7.0)
    _fftcore.correlate_window(x, np.ones(3), [0], [0], out, 1)
    out2 = np.full((4, 0), 7.0)
    _fftcore.correlate_window(np.ones((4, 5)), np.ones((2, 2)), [0, 0], [4, 0], out2, 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("l2", [None, 128 << 10, 8 << 20])
def test_engine_tiles_minimise_their_tile_cost(dtype, l2):
    """The tile rule lives once, in C (fc_fft_tile_cost); the cost model
    prices with it (_method.tile_cost asks the engine) and the engine's tile
    search must minimise it: its tiles are a coordinate-wise optimum of
    tile_cost(planner=True) over the 5-smooth lengths it searches, whatever
    the L2 size the cost assumes, and the model's starting tiles are where
    that search starts."""
    from fastconv._method import tile_cost, start_tiles
    from fastconv._fft import _next_smooth

    def smooth(lo, hi):
        out = []
        p2 = 1
        while p2 <= hi:
            p3 = p2
            while p3 <= hi:
                p5 = p3
                while p5 <= hi:
                    if p5 >= lo:
                        out.append(p5)
                    p5 *= 5
                p3 *= 3
            p2 *= 2
        return out

    problems = [((31, 31), (2048, 2048)), ((201, 201), (2048, 2048)), ((9, 9, 9), (256, 256, 64)),
                ((1000,), (10 ** 7,)), ((4096,), (10 ** 6,)), ((31, 31), (300, 280)),
                ((3, 5), (100, 90)), ((64,), (10_000,)), ((21, 21, 21), (100, 100, 100))]
    old = _fftcore.set_l2_bytes(l2 or 0)
    try:
        for kshape, lengths in problems:
            P = _fftcore.tile_shape(kshape, lengths, dtype)
            best = tile_cost(kshape, lengths, P, dtype, planner=True)
            assert best == _fftcore.tile_cost(kshape, lengths, P, dtype, True)
            for a in range(len(kshape)):
                for n in smooth(kshape[a], _next_smooth(lengths[a] + kshape[a] - 1, (3, 5))):
                    Q = P[:a] + (n,) + P[a + 1:]
                    assert tile_cost(kshape, lengths, Q, dtype, planner=True) >= best * (1 - 1e-9), \
                        (kshape, lengths, P, Q)
            for a, p0 in enumerate(start_tiles(kshape, lengths)):
                assert kshape[a] <= p0 <= _next_smooth(lengths[a] + kshape[a] - 1, (3, 5))
    finally:
        _fftcore.set_l2_bytes(old)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs", [((300, 280), (31, 31)), ((20000,), (65,)),
                                   ((40, 36, 30), (9, 9, 9))])
def test_l2_size_sets_the_tiles_never_the_bits_across_threads(dt, xs, hs):
    """The tile cost weighs a tile's working set against the L2 size: a
    smaller L2 gives tiles no larger (here strictly smaller), and the
    engine runs the tiles tile_shape reports at that size.  Whatever the
    L2 size, every thread count gives the same bits, within scipy's error."""
    rng = _rng(41)
    x, h = _data(xs, dt, rng), _data(hs, dt, rng)
    win = [_window(n, m, "same") for n, m in zip(xs, hs)]
    st, L = [w[0] for w in win], [w[1] for w in win]
    old = _fftcore.set_l2_bytes(64 << 20)
    try:
        big = _fftcore.tile_shape(hs, L, dt)
        _fftcore.set_l2_bytes(64 << 10)
        small = _fftcore.tile_shape(hs, L, dt)
        assert np.prod(small) < np.prod(big), (small, big)
        want = _engine_conv(x, h, st, L, tiles=small)
        for t in (1, 2, 3):
            assert np.array_equal(_engine_conv(x, h, st, L, nthreads=t), want)
        s = [a - (m - 1) for a, m in zip(st, hs)]
        plan = _fftcore.KernelPlan(np.ascontiguousarray(_flip(h)), xs, s, L)
        assert plan.tiles == small
        assert np.array_equal(plan.run(x, np.empty(L, dt), 2), want)
        _check(x, h, st, L)
    finally:
        _fftcore.set_l2_bytes(old)


def test_l2_size_from_the_environment():
    """FASTCONV_L2_BYTES overrides the machine's L2 size (bytes, K or M),
    clamped to [64 KiB, 64 MiB]; a value that is not a size is ignored."""
    import os
    import subprocess
    import sys

    def l2(value):
        env = dict(os.environ)
        env.pop("FASTCONV_L2_BYTES", None)
        if value is not None:
            env["FASTCONV_L2_BYTES"] = value
        code = "from fastconv import _fftcore; print(_fftcore.l2_bytes())"
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True)
        return int(r.stdout)

    machine = l2(None)
    assert (64 << 10) <= machine <= (64 << 20)
    assert l2("524288") == 524288
    assert l2("3M") == 3 << 20
    assert l2("768k") == 768 << 10
    assert l2("1") == 64 << 10
    assert l2("junk") == machine
    assert l2("-5") == machine
    old = _fftcore.set_l2_bytes(2 << 20)
    try:
        assert _fftcore.l2_bytes() == 2 << 20
        assert _fftcore.set_l2_bytes(0) == 2 << 20
        assert _fftcore.l2_bytes() == machine or "FASTCONV_L2_BYTES" in os.environ
    finally:
        _fftcore.set_l2_bytes(old)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,starts,lengths", [
    ((3000,), (65,), (-64,), (3064,)),          # 1-D full
    ((1000,), (7,), (0,), (994,)),              # 1-D valid
    ((130, 150), (11, 9), (-5, -4), (130, 150)),
    ((30, 31, 33), (5, 4, 3), (0, 0, 0), (26, 28, 31)),
])
def test_engine_reports_non_finite_outputs(dt, xs, hs, starts, lengths):
    """With check=True the engine says whether every output it wrote was
    finite: True exactly for finite results here (a NaN or inf in x, or
    sums overflowing, make some output non-finite), at 1 and 2 threads and
    through a KernelPlan, with the same bits as without the check."""
    rng = _rng(31)
    k = _data(hs, dt, rng)
    plan = _fftcore.KernelPlan(k, xs, starts, lengths)
    big = np.finfo(dt).max / 4
    for case in ("finite", "nan", "inf", "-inf", "overflow"):
        x = _data(xs, dt, rng)
        # an element every output window of the valid/same/full cases reads
        # at least once: the centre
        centre = tuple(n // 2 for n in xs)
        if case in ("nan", "inf", "-inf"):
            x[centre] = float(case)
        elif case == "overflow":
            x[...] = big
        for t in (1, 2):
            want = np.empty(lengths, dt)
            _fftcore.correlate_window(x, k, starts, lengths, want, t)
            got, finite = _fftcore.correlate_window(x, k, starts, lengths,
                                                    np.empty(lengths, dt), t, check=True)
            assert np.array_equal(got, want, equal_nan=True)
            assert finite == bool(np.all(np.isfinite(want))), (case, t)
            assert finite == (case == "finite"), (case, t)
            got2, finite2 = plan.run(x, np.empty(lengths, dt), t, check=True)
            assert np.array_equal(got2, want, equal_nan=True) and finite2 == finite


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("xs,hs,starts,lengths", [
    ((130, 150), (11, 9), (-5, -4), (130, 150)),
    ((30, 31, 33), (5, 4, 3), (0, 0, 0), (26, 28, 31)),
])
def test_stale_values_in_kept_buffers_never_reach_a_result(dt, xs, hs, starts, lengths):
    """A KernelPlan keeps its tile buffers between runs, not zeroed again
    (only a fresh set's row padding and S blocks are): after a run on an
    all-NaN input, a run on finite data gives the bits of a fresh call and
    reports every output finite, at 1 and 2 threads."""
    rng = _rng(32)
    k = _data(hs, dt, rng)
    plan = _fftcore.KernelPlan(k, xs, starts, lengths)
    x = _data(xs, dt, rng)
    for t in (1, 2):
        want = _fftcore.correlate_window(x, k, starts, lengths, np.empty(lengths, dt), t)
        _, finite = plan.run(np.full(xs, np.nan, dt), np.empty(lengths, dt), t, check=True)
        assert not finite
        got, finite = plan.run(x, np.empty(lengths, dt), t, check=True)
        assert finite and np.array_equal(got, want)


@pytest.mark.parametrize("dt", DTYPES)
def test_fft_warning_follows_the_result(dt):
    """convolve(method='fft') warns (scipy's RuntimeWarning) exactly when the
    result holds a NaN or inf, one-shot and through a ConvPlan."""
    import warnings

    import fastconv
    rng = _rng(32)
    k = _data((9, 9), dt, rng)
    plan = fastconv.ConvPlan(k, (120, 100), dt, "same", method="fft")
    for case in ("finite", "nan", "inf", "overflow"):
        x = _data((120, 100), dt, rng)
        if case == "nan":
            x[60, 50] = np.nan
        elif case == "inf":
            x[0, 99] = np.inf
        elif case == "overflow":
            x[...] = np.finfo(dt).max / 2
        for f in (lambda: fastconv.convolve(x, k, "same", method="fft"), lambda: plan(x)):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                res = f()
            warned = any("NAN or inf" in str(m.message) for m in w)
            assert warned == (not np.all(np.isfinite(res))), case
            assert warned == (case in ("nan", "inf", "overflow")), case
