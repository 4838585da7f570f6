"""Helpers shared by the test modules: random inputs and the environment of
a child interpreter that imports the fastconv under test."""
import os

import numpy as np

import fastconv


def rand(shape, dtype, rng, full_range=True):
    """Random array; integers cover the whole range (so products wrap), or
    [-20, 20] when not `full_range`."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = (info.min, info.max) if full_range else (max(info.min, -20), min(info.max, 20))
        return rng.integers(lo, hi, size=shape, dtype=dt, endpoint=True)
    if dt.kind == "f":
        scale = 4.0 if dt == np.float16 else 1.0
        return (rng.standard_normal(shape) * scale).astype(dt)
    re = rng.standard_normal(shape)
    im = rng.standard_normal(shape)
    return (re + 1j * im).astype(dt)


def child_env(*extra_paths, **variables):
    """os.environ for a child interpreter that imports this fastconv:
    PYTHONPATH starts with `extra_paths` and fastconv's root, and the
    keyword arguments are set as environment variables."""
    env = dict(os.environ, **variables)
    root = os.path.dirname(os.path.dirname(os.path.abspath(fastconv.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(p) for p in extra_paths] + [root] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def exploding(shape, chunks, calls):
    """A lazy dask array (float64) whose every block raises when computed,
    after noting its chunk location in `calls`: for laziness tests."""
    import dask.array as da

    def block(block_info=None):
        calls.append(block_info[None]["chunk-location"])
        raise AssertionError("a block was computed")
    return da.map_blocks(block, chunks=chunks, dtype=np.float64,
                         meta=np.empty((0,) * len(shape)))
