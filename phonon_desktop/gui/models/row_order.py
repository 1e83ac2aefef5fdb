"""Which sheet rows the table shows, and in what order: sort and filter on whole columns.

Pure numpy/pandas, no Qt. A QSortFilterProxyModel would call back into Python for every
comparison (48 s to sort 200,000 rows); sorting the column's factorized codes takes a
fraction of a second for a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from phonon_desktop.campaign import chunked


# Texts up to this many characters sort as a fixed-width numpy array (fast); a column with
# longer cells sorts through pandas' factorize, which needs no width-sized copy.
_FIXED_WIDTH_LIMIT = 64


def _numbers(values: np.ndarray, empty: np.ndarray) -> np.ndarray | None:
    """The column as floats when it is (at least 90 %) numbers; None for a text column."""
    filled = np.flatnonzero(~empty)
    if len(filled) == 0:
        return None
    sample = values[filled[:: max(1, len(filled) // 2000)]]  # decide on ~2,000 cells, not a million
    if pd.to_numeric(pd.Series(sample, dtype=object), errors="coerce").notna().mean() < 0.9:
        return None

    def part(s: slice) -> np.ndarray:
        piece = pd.Series(values[s], dtype=object).where(~empty[s])
        return pd.to_numeric(piece, errors="coerce").to_numpy(dtype=float)

    numbers = chunked.build(len(values), float, part)
    return numbers if np.count_nonzero(~np.isnan(numbers)) >= 0.9 * len(filled) else None


def _text_keys(values: np.ndarray) -> np.ndarray:
    """Sortable keys of the texts, ignoring case (built a slice at a time: see ``chunked``)."""
    n = len(values)
    folded = chunked.build(n, object, lambda s: [t.casefold() if isinstance(t, str) else "" for t in values[s].tolist()])
    width = int(chunked.lengths(folded).max()) if n else 0
    if width <= _FIXED_WIDTH_LIMIT:
        return chunked.build(n, f"U{max(width, 1)}", lambda s: folded[s])
    codes, _ = pd.factorize(folded, sort=True)
    return codes.astype(np.int64)


def _reversed(keys: np.ndarray) -> np.ndarray:
    """A contiguous reversed copy, a slice at a time (numpy's own copy would hold the GIL)."""
    n = len(keys)
    return chunked.build(n, keys.dtype, lambda s: keys[n - s.stop: n - s.start][::-1])


def sort_permutation(values: np.ndarray, descending: bool = False) -> np.ndarray:
    """Sheet row indices in the order of ``values`` (an object array of cell texts).

    A column that is mostly numbers sorts by value (9 before 10); other columns sort as
    text, case-insensitively. Empty cells always go last. The sort is stable, so sorting by
    one column and then another keeps the first order within equal values.
    """
    n = len(values)
    if n == 0:
        return np.arange(0, dtype=np.int64)
    values = np.asarray(values, dtype=object)
    empty = chunked.build(n, bool, lambda s: values[s] == "")
    numbers = _numbers(values, empty)
    if numbers is not None:
        # Texts in a number column sort after the numbers, before the empty cells.
        is_text = np.isnan(numbers) & ~empty
        primary = np.where(np.isnan(numbers), 0.0, numbers)
        text_keys = _text_keys(values) if is_text.any() else np.zeros(n, dtype=np.int64)
        group = np.where(empty, 2, np.where(is_text, 1, 0))
        order = np.lexsort((text_keys, -primary if descending else primary, group))
        if descending and is_text.any():  # texts among numbers: reverse them as well
            texts = order[group[order] == 1]
            order[group[order] == 1] = texts[::-1]
        return order.astype(np.int64)
    keys = _text_keys(values)
    if descending:
        # Sorting the reversed column and reading the result backwards gives descending
        # order with equal values still in file order.
        order = (n - 1 - np.argsort(_reversed(keys), kind="stable"))[::-1]
    else:
        order = np.argsort(keys, kind="stable")
    # empty cells last, whatever the direction
    return np.concatenate([order[~empty[order]], order[empty[order]]]).astype(np.int64)


def contains_text(values: np.ndarray, text: str) -> np.ndarray:
    """Bool per row: the cell contains ``text``, ignoring case."""
    if not text:
        return np.ones(len(values), dtype=bool)

    # As pandas' str.contains(case=False, regex=False) compares, but as a Python loop: pandas
    # calls its per-cell function from C, which keeps the interpreter for a whole slice, and a
    # repaint of the window (thousands of short calls into Python) then waits for every slice.
    needle = text.upper()

    def part(s: slice) -> list[bool]:
        return [isinstance(x, str) and needle in x.upper() for x in values[s].tolist()]

    return chunked.build(len(values), bool, part)


def rows_containing(columns: Sequence[np.ndarray], text: str) -> np.ndarray:
    """Bool per row: any of ``columns`` contains ``text``."""
    n = len(columns[0]) if columns else 0
    hit = np.zeros(n, dtype=bool)
    for col in columns:
        hit |= contains_text(col, text)
    return hit


@dataclass
class RowFilter:
    """What the operator asked to see. An empty filter shows every row."""

    text: str = ""
    statuses: frozenset[str] = field(default_factory=frozenset)  # empty: any status
    problems_only: bool = False

    @property
    def active(self) -> bool:
        return bool(self.text or self.statuses or self.problems_only)

    def describe(self) -> str:
        parts = []
        if self.problems_only:
            parts.append("rows with problems")
        if self.statuses:
            parts.append("status " + " or ".join(sorted(self.statuses)))
        if self.text:
            parts.append(f'containing "{self.text}"')
        return ", ".join(parts)


def filter_mask(
    columns: Sequence[np.ndarray],
    statuses: np.ndarray,
    levels: np.ndarray | None,
    wanted: RowFilter,
) -> np.ndarray:
    """Bool per sheet row: shown under ``wanted``."""
    n = len(statuses)
    mask = np.ones(n, dtype=bool)
    if wanted.problems_only and levels is not None:
        mask &= levels > 0
    if wanted.statuses:
        chosen = np.array(sorted(wanted.statuses), dtype=object)
        mask &= chunked.build(n, bool, lambda s: np.isin(statuses[s], chosen))
    if wanted.text:
        mask &= rows_containing(columns, wanted.text)
    return mask


def visible_order(permutation: np.ndarray | None, mask: np.ndarray | None, n: int) -> np.ndarray:
    """The view's row order: the sort permutation (or file order) keeping masked rows."""
    order = np.arange(n, dtype=np.int64) if permutation is None else permutation
    if mask is None:
        return order
    return order[mask[order]]
