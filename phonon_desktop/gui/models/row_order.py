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


def sort_permutation(values: np.ndarray, descending: bool = False) -> np.ndarray:
    """Sheet row indices in the order of ``values`` (an object array of cell texts).

    A column that is mostly numbers sorts by value (9 before 10); other columns sort as
    text, case-insensitively. Empty cells always go last. The sort is stable, so sorting by
    one column and then another keeps the first order within equal values.
    """
    n = len(values)
    if n == 0:
        return np.arange(0, dtype=np.int64)
    series = pd.Series(values, dtype=object, copy=False)
    empty = (series == "").to_numpy()
    numbers = pd.to_numeric(series.where(~empty), errors="coerce").to_numpy(dtype=float)
    filled = int((~empty).sum())
    numeric = filled > 0 and np.count_nonzero(~np.isnan(numbers)) >= 0.9 * filled
    if numeric:
        # Texts in a number column sort after the numbers, before the empty cells.
        text_codes, _ = pd.factorize(series.str.casefold(), sort=True)
        is_text = np.isnan(numbers) & ~empty
        primary = np.where(np.isnan(numbers), 0.0, numbers)
        if descending:
            primary = -primary
            text_codes = -text_codes
        group = np.where(empty, 2, np.where(is_text, 1, 0))
        return np.lexsort((text_codes, primary, group)).astype(np.int64)
    codes, _ = pd.factorize(series.str.casefold(), sort=True)
    codes = codes.astype(np.int64)
    if descending:
        codes = -codes
    return np.lexsort((codes, empty)).astype(np.int64)


def contains_text(values: np.ndarray, text: str) -> np.ndarray:
    """Bool per row: the cell contains ``text``, ignoring case."""
    if not text:
        return np.ones(len(values), dtype=bool)
    series = pd.Series(values, dtype=object, copy=False)
    return series.str.contains(text, case=False, regex=False, na=False).to_numpy(dtype=bool)


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
        mask &= np.isin(statuses, np.array(sorted(wanted.statuses), dtype=object))
    if wanted.text:
        mask &= rows_containing(columns, wanted.text)
    return mask


def visible_order(permutation: np.ndarray | None, mask: np.ndarray | None, n: int) -> np.ndarray:
    """The view's row order: the sort permutation (or file order) keeping masked rows."""
    order = np.arange(n, dtype=np.int64) if permutation is None else permutation
    if mask is None:
        return order
    return order[mask[order]]
