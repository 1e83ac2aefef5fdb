"""Whole-column work in slices, so that the window keeps painting while a worker computes.

numpy and pandas hold Python's GIL for the whole of most calls on object arrays: one call
over a million cells takes 30-250 ms, and for that long no other thread runs Python, the
window's included (it cannot paint or answer a click). Cut into slices of ``CHUNK`` rows,
each call stays within a few milliseconds and the interpreter can switch threads between
them. The result is the same array, built in place, without a concatenating copy at the end.

Between two slices, ``give_way`` (set by the window, a no-op otherwise) lets a worker stand
aside while the window paints: a repaint calls into Python thousands of times, and each of
those calls would otherwise wait its turn for the interpreter behind the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

# 2-8 ms of work on most columns: a repaint that starts meanwhile waits at most that long
# before the worker gives way (65,536 rows held the window up to 30 ms per slice, measured).
CHUNK = 16_384


def _no_pause() -> None:
    pass


_give_way: Callable[[], None] = _no_pause


def set_give_way(pause: Callable[[], None] | None) -> None:
    """Call ``pause`` between slices (from the slicing thread); None: go straight on."""
    global _give_way
    _give_way = pause or _no_pause


def give_way() -> None:
    """Let the window go first if it is busy painting (see ``set_give_way``)."""
    _give_way()


def slices(n: int, size: int | None = None) -> Iterator[slice]:
    """Consecutive slices covering ``range(n)``, ``size`` (default ``CHUNK``) rows each."""
    size = size or CHUNK
    for start in range(0, n, size):
        if start:
            _give_way()
        yield slice(start, min(start + size, n))


def build(n: int, dtype: Any, part: Callable[[slice], Any]) -> np.ndarray:
    """An array of ``n`` values whose slice ``s`` is ``part(s)``, computed slice by slice."""
    out = np.empty(n, dtype=dtype)
    for s in slices(n):
        out[s] = part(s)
    return out


def filled(n: int, value: Any) -> np.ndarray:
    """An object array of ``n`` times ``value`` (``np.full`` spends ~0.1 s per million here)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def texts(values: np.ndarray) -> np.ndarray:
    """An own copy of a column of cell texts, with None/NaN (a cell emptied by an edit) as ""."""
    values = np.asarray(values, dtype=object)

    def part(s: slice) -> np.ndarray:
        piece = values[s].copy()
        missing = pd.isna(piece)
        if missing.any():
            piece[missing] = ""
        return piece

    return build(len(values), object, part)


def lengths(values: np.ndarray) -> np.ndarray:
    """The length of every text of an object array, as int64."""
    return build(len(values), np.int64, lambda s: np.fromiter(map(len, values[s].tolist()), dtype=np.int64, count=s.stop - s.start))

