"""A plan over a chunked (dask) array: one task per output block.

`lazy_result(plan, arr, threads)` turns a plan made by `make_plan(...,
lazy=True)` on a stand-in of `arr` into a dask graph.  Each output block is
the same plan's window restricted to that block, executed by `execute` on
the input samples it reads (its input block plus the kernel's reach, the
*halo*), so every output sample is summed by the same kernel in the same
order as on the whole array.

Per convolved axis, output samples ``[o0, o1)`` read the input positions
``[o0 + offset, o1 + offset + m - 1)`` (the plan's window; `m` kernel taps).
Positions outside the array go through the plan's boundary rule:

* 'fill': the block's input is the part inside the array, and the block
  plan reads the rest as the fill value (its offset is moved by what was
  cut), exactly as the whole-array plan does;
* 'wrap', 'symm', 'reflect', 'nearest': each outside position is mapped to
  the array sample the rule reads (`source_index`; wrap reads the opposite
  end, wherever its chunk is), and the block reads only inside samples.

The positions are split into *runs*: consecutive positions in one input
chunk whose sources step by +1, -1 or 0.  Each run of each axis is a slice
(or index array) of one chunk; their products are small getitem tasks
(a whole chunk is used as it is), so a task holds its chunk plus the halo,
whatever the chunking, even chunks smaller than the reach.  Batch (not
convolved) axes keep the input's chunks, with no halo.
"""
from functools import partial
from itertools import product

import numpy as np

from ._execute import execute
from ._plan import _replace
from ._window import PAD_MIN_COLS, _layout, zero_edges

# Output cuts on the core's last axis keep the vector alignment of every
# instruction set's SIMD kernel (a multiple of their vectors' lengths).
SIMD_ALIGN = 64

__all__ = ["lazy_result", "source_index", "halo_array", "assemble"]


def source_index(i, n, boundary):
    """The array sample (0..n-1) that position `i` (int array, any value)
    reads under `boundary` (not 'fill'); numpy.pad's modes 'wrap',
    'symmetric', 'reflect' and 'edge', with any number of folds."""
    i = np.asarray(i, dtype=np.int64)
    if boundary == "wrap":
        return i % n
    if boundary == "nearest":
        return np.clip(i, 0, n - 1)
    if boundary == "symm":          # period 2n: a b c | c b a
        j = i % (2 * n)
        return np.where(j < n, j, 2 * n - 1 - j)
    if n == 1:                      # 'reflect' of one sample
        return np.zeros_like(i)
    j = i % (2 * n - 2)             # period 2n - 2: a b c | b
    return np.where(j < n, j, 2 * n - 2 - j)


def _runs(src, bounds):
    """Split source positions `src` into (chunk, local index, start, stop)
    runs: one input chunk each, the sources stepping by +1, -1 or 0
    (`start:stop` are the runs' places in `src`)."""
    cid = np.searchsorted(bounds, src, side="right") - 1
    runs, i, n = [], 0, len(src)
    while i < n:
        if src[i] < 0:                 # a zero the block holds (see _reads)
            i += 1
            continue
        c, j = cid[i], i + 1
        step = int(src[j] - src[i]) if j < n and cid[j] == c else 1
        if step not in (-1, 0, 1):
            step = 1
        while j < n and cid[j] == c and src[j] - src[j - 1] == step:
            j += 1
        first = int(src[i] - bounds[c])
        if step == 1:
            local = slice(first, first + (j - i))
        elif step == -1:
            stop = first - (j - i)
            local = slice(first, stop if stop >= 0 else None, -1)
        else:
            local = np.full(j - i, first, dtype=np.intp)
        runs.append((int(c), local, i, j))
        i = j
    return runs


def _axis_blocks(plan, a, n, in_chunks, edges=None):
    """Per output block of axis `a`: (out length, block offset, kernel slice,
    runs of the input it reads, the block input's length).

    `edges`: on the core's last axis, how the whole array's plan computes a
    zero fill's border columns (_window.zero_edges).  'pad' (with the
    zeros, by the SIMD kernel): the blocks hold those zeros (see _reads).
    'simd' (the SIMD kernel computes the border columns that share a vector
    with the band's first or last output, the border code the others):
    the edge blocks keep the whole array's vector alignment and a band wide
    enough for it (cuts at multiples of SIMD_ALIGN, edge blocks at least
    PAD_MIN_COLS wider than their border)."""
    bounds = np.concatenate([[0], np.cumsum(in_chunks)]).astype(np.int64)
    L = plan.shape[a]
    if not plan.conv[a]:
        pairs = ([(int(b0), int(b1)) for b0, b1 in zip(bounds[:-1], bounds[1:])]
                 if n == L else [(0, L)])
        blocks = []
        for o0, o1 in pairs:
            src = np.arange(o0, o1) if n == L else np.zeros(1, np.int64)
            kern = slice(o0, o1) if plan.kernel.shape[a] == L and L != 1 else slice(None)
            blocks.append((o1 - o0, 0, kern, _runs(src, bounds), len(src)))
        return blocks
    m, off = plan.kernel.shape[a], plan.offsets[a]
    # output cuts where the input's fall: as they are for an output of the
    # input's length ('same'), else shifted by the kernel's centre
    shift = 0 if L == n else off + (m - 1) // 2
    cuts = {min(max(int(b) - shift, 0), L) for b in bounds[1:-1]}
    if edges == "simd":
        left = min(max(0, -off), L)
        right = min(max(0, L - (n - m + 1 - off)), L)
        cuts = {c - c % SIMD_ALIGN for c in cuts}
        cuts = {c for c in cuts if left + PAD_MIN_COLS <= c <= L - right - PAD_MIN_COLS}
    edges_at = sorted(cuts | {0, L})
    blocks = []
    for o0, o1 in zip(edges_at[:-1], edges_at[1:]):
        lo, hi = o0 + off, o1 + off + m - 1
        src, boff = _reads(lo, hi, n, plan.boundary, edges == "pad")
        blocks.append((o1 - o0, boff, slice(None), _runs(src, bounds), len(src)))
    return blocks


def _reads(lo, hi, n, boundary, zeros=False):
    """The array samples a block that reads positions [lo, hi) of an axis of
    length n is given, and the block plan's offset on that axis.

    The block plan reads through the same boundary rule as the whole-array
    plan, from a block whose edges fold onto the same samples: outputs
    whose taps leave the array leave the block too (the core's border code,
    the same sums), and the others stay inside it.  So the block's values
    are the whole array's, bit for bit.

    `zeros` (a zero fill on the core's last axis where the whole array's
    plan adds zero columns, _window.zero_edges 'pad'):
    the block holds those zeros (source -1), so that it computes them the
    same way."""
    if lo >= 0 and hi <= n:                        # inside: nothing folds
        return np.arange(lo, hi), 0
    left, right = max(0, -lo), max(0, hi - n)
    if zeros:
        i = np.arange(lo, hi)
        return np.where((i >= 0) & (i < n), i, -1), 0
    if boundary == "fill":                         # outside reads the fill
        start, stop = max(lo, 0), min(hi, n)
        if start >= stop:                          # only the fill: one sample will do
            start = min(max(lo, 0), n - 1)
            stop = start + 1
        return np.arange(start, stop), lo - start
    # how far a fold reaches back into the block, per rule
    back = {"wrap": 0, "nearest": 0, "symm": 0, "reflect": 1}[boundary]
    if (left and right) or max(left, right) + back > n:
        return np.arange(n), lo                    # the whole axis folds
    if left:
        stop = max(hi, left + back)
        if boundary == "wrap":                     # the far end after the block
            return np.concatenate([np.arange(stop), np.arange(n - left, n)]), lo
        return np.arange(stop), lo
    start = min(lo, n - right - back)
    if boundary == "wrap":                         # the array's start before it
        return np.concatenate([np.arange(right), np.arange(lo, n)]), right
    return np.arange(start, n), lo - start


def _take(block, index):
    """`block` indexed axis by axis (slices together, index arrays one by one)."""
    out = block[tuple(ix if isinstance(ix, slice) else slice(None) for ix in index)]
    for a, ix in enumerate(index):
        if not isinstance(ix, slice):
            out = np.take(out, ix, axis=a)
    return out


def assemble(ext_shape, places, pieces):
    """A block's input from its pieces (zeros where no piece goes: a zero
    fill held in the block)."""
    if len(pieces) == 1 and pieces[0].shape == ext_shape:
        return pieces[0]
    x = np.zeros(ext_shape, dtype=pieces[0].dtype)
    for place, piece in zip(places, pieces):
        x[place] = piece
    return x


def _run_block(plan, ext_shape, places, *pieces):
    """Assemble the block's input from its pieces and execute its plan."""
    x = assemble(ext_shape, places, pieces)
    return execute(_replace(plan, x=x, sources=(x, plan.kernel)))


def _product(plan, block):
    return execute(_replace(plan, x=block, sources=(block, plan.kernel)))


def lazy_result(plan, arr, threads):
    """The lazy dask array of `plan` (made with lazy=True) on dask array `arr`,
    each task running `threads` threads."""
    import dask.array as da
    from dask.base import tokenize

    base = _replace(plan, x=None, sources=(), out=None, threads=threads)
    if plan.method == "empty":
        return da.zeros(plan.shape, dtype=plan.result)
    if plan.method == "product":
        return da.map_blocks(partial(_product, base), arr, dtype=plan.result)

    ndim = arr.ndim
    # a zero fill's border columns: as the whole array's plan computes them
    edges = zero_edges(plan) if plan.method == "direct" else None
    last = _layout(plan)[0][-1]
    base = _replace(base, edges=edges or "scalar")
    axes = [_axis_blocks(plan, a, arr.shape[a], arr.chunks[a], edges if a == last else None)
            for a in range(ndim)]
    token = tokenize(arr.name, plan.kernel, plan.offsets, plan.shape, plan.boundary,
                     plan.fill, plan.result, plan.work, plan.method, plan.conv, threads)
    name = "fastconv-" + token

    def task(blocks, ext_shape, places, keys):
        bplan = _replace(base, shape=tuple(b[0] for b in blocks),
                         offsets=tuple(b[1] for b in blocks),
                         kernel=base.kernel[tuple(b[2] for b in blocks)])
        return (_run_block, bplan, ext_shape, places) + tuple(keys)
    return halo_array(arr, axes, name, task, plan.result)


def halo_array(arr, axes, name, task, dtype):
    """The dask array `name` of one task per output block, built from the
    per-axis blocks `axes` (`_axis_blocks`' tuples: out length, ..., runs,
    block input length): ``task(blocks, ext_shape, places, keys)`` gives the
    block's task, which receives its input's pieces (the dask keys `keys`,
    to be put at `places` of an array of `ext_shape`)."""
    import dask.array as da
    from dask.highlevelgraph import HighLevelGraph

    ndim = arr.ndim
    piece_name = name.replace("-", "-halo-", 1)
    whole = [[int(b) for b in arr.chunks[a]] for a in range(ndim)]
    dsk = {}
    for out_idx in product(*(range(len(b)) for b in axes)):
        blocks = [axes[a][i] for a, i in enumerate(out_idx)]
        ext_shape = tuple(b[4] for b in blocks)
        places, keys = [], []
        for k, combo in enumerate(product(*(b[3] for b in blocks))):
            chunk = tuple(r[0] for r in combo)
            local = tuple(r[1] for r in combo)
            places.append(tuple(slice(r[2], r[3]) for r in combo))
            if all(isinstance(ix, slice) and ix.step is None and ix.start == 0
                   and ix.stop == whole[a][c] for a, (ix, c) in enumerate(zip(local, chunk))):
                keys.append((arr.name,) + chunk)        # the whole chunk, as it is
            else:
                key = (piece_name,) + out_idx + (k,)
                dsk[key] = (_take, (arr.name,) + chunk, local)
                keys.append(key)
        dsk[(name,) + out_idx] = task(blocks, ext_shape, places, keys)
    chunks = tuple(tuple(b[0] for b in axes[a]) for a in range(ndim))
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=[arr])
    return da.Array(graph, name, chunks, meta=np.empty((0,) * ndim, dtype=dtype))
