"""Wide kernels through lane segments (csrc/fc_wide_impl.h: real types, two
kernel rows or more, 15 taps a row or more, bands of at least N^2 columns
for N lanes a vector; AVX-512): a tile of a row cut into N segments, one per
lane, so that every tap loads whole aligned vectors.  Every output must get
the same FMAs in the same order as in the other SIMD blocks, wherever its
lane, tile, row block or work unit falls: reference values, the same bits
for workers 1 and 2, for the image shifted by a row or a column, for the
'same' borders as for the zero-padded image, and for dask blocks."""
import zlib

import numpy as np
import pytest

import fastconv
from fastconv import _direct
from helpers import rand
from reference import abs_bound, ref_convolve
from test_direct import assert_matches, assert_workers_agree, taps_for

# (rows, cols): odd row counts (a last row block moved back), widths around
# the segment rounding, and one wide enough for several column tiles
SHAPES = [(23, 300), (40, 517), (21, 4500)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kshape", [(2, 15), (5, 63), (15, 15), (3, 40), (16, 17)])
def test_lane_segments_values_and_bits(dtype, kshape):
    rng = np.random.default_rng(zlib.crc32(repr((np.dtype(dtype).name, kshape)).encode()))
    kh, kw = kshape
    k = rand(kshape, dtype, rng)
    kc = k[::-1, ::-1]   # (convolve = correlate with this)
    for ny, nx in SHAPES:
        ny += kh
        a = rand((ny, nx), dtype, rng)
        for mode in ("valid", "same", "full"):
            got = fastconv.convolve(a, k, mode, method="direct", workers=1)
            two = fastconv.convolve(a, k, mode, method="direct", workers=2)
            assert two.tobytes() == got.tobytes(), (nx, mode)
            assert_matches(got, ref_convolve(a, k, mode), abs_bound(ref_convolve, a, k, mode),
                           taps_for(a, k, mode), what=f"{kshape} {ny}x{nx} {mode}")
        # the same sums wherever an output falls in the lanes, tiles, row blocks
        v = fastconv.correlate(a, kc, "valid", method="direct", workers=1)
        for sl in (np.s_[1:, :], np.s_[:, 1:], np.s_[:, 7:], np.s_[3:, 5:]):
            vs = fastconv.correlate(a[sl], kc, "valid", method="direct", workers=1)
            oy, ox = (s.start for s in sl)
            assert vs.tobytes() == v[oy:, ox:].tobytes(), (nx, sl)
        # 'same': where the kernel computes the zero-filled border columns
        # itself (_direct.edge_columns), they are the 'valid' correlation of
        # the zero-padded image (elsewhere the scalar border code rounds
        # otherwise); the inner columns always
        got = fastconv.convolve(a, k, "same", method="direct", workers=1)
        ox, oy = (kw - 1) // 2, (kh - 1) // 2
        left = kw - 1 - ox
        right = nx - (nx - kw + 1) - left
        pad = np.zeros((ny, nx + kw - 1), a.dtype)
        pad[:, left:left + nx] = a
        band = fastconv.correlate(pad, kc, "valid", method="direct", workers=1)
        inner = got[kh - 1 - oy:][:band.shape[0]]
        cols = (np.s_[:] if _direct.edge_columns(a.dtype, kh, kw, nx - kw + 1, left, right)
                == (left, right) else np.s_[left:nx - right])
        assert inner[:, cols].tobytes() == band[:, cols].tobytes(), (nx, "same")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lane_segments_dask_blocks(dtype):
    """dask blocks (some too narrow for lane segments, some not) bit for bit
    the whole array's results."""
    da = pytest.importorskip("dask.array")
    import fastconv.dask as fd
    rng = np.random.default_rng(7)
    a = rng.standard_normal((45, 700)).astype(dtype)
    for kshape in [(5, 63), (15, 15), (2, 20)]:
        k = rng.standard_normal(kshape).astype(dtype)
        for chunks in [(45, 700), (20, 330), (11, 90)]:
            d = da.from_array(a, chunks=chunks)
            for mode in ("valid", "same", "full"):
                got = fd.convolve(d, k, mode, "direct").compute(scheduler="sync")
                want = fastconv.convolve(a, k, mode, "direct")
                assert got.tobytes() == want.tobytes(), (kshape, chunks, mode)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kshape", [(15, 15), (23, 17), (24, 15)])
def test_lane_segments_bands_of_two_kernel_heights(dtype, kshape):
    """float32 kernels of 15 to 23 rows take lane segments only in bands of
    2 kh rows or more (work units of that many rows, _window._units), the
    block scheme elsewhere (one thread's last short unit, two threads' small
    units, a kernel of 24 rows): the same bits wherever a row falls, and
    the reference values."""
    rng = np.random.default_rng(zlib.crc32(repr((np.dtype(dtype).name, kshape)).encode()))
    kh, kw = kshape
    k = rand(kshape, dtype, rng)
    a = rand((5 * kh + 3, 333), dtype, rng)
    assert_workers_agree(a, k, ("valid", "same"), what=f"{kshape}")
    # shifted by rows: other rows at the units' (and bands') boundaries
    kc = k[::-1, ::-1]
    v = fastconv.correlate(a, kc, "valid", method="direct", workers=1)
    for dy in (1, 5, 13):
        vs = fastconv.correlate(a[dy:], kc, "valid", method="direct", workers=1)
        assert vs.tobytes() == v[dy:].tobytes(), dy
