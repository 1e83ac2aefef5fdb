"""Which earlier row holds the same value: for duplicate numbers and identifiers.

Built once over a whole column with a dictionary, a slice of rows at a time (see
``chunked``: the window keeps painting meanwhile). After an edit of a few cells only
the values those cells had and now have are looked up again (one comparison over the
column each, a few milliseconds on a million rows); a large paste rebuilds the whole.
"""

from __future__ import annotations

import numpy as np

from phonon_desktop.campaign import chunked

# Past this many changed values a fresh pass over the column is cheaper than lookups.
_LOOKUPS_BEFORE_REBUILD = 16


class FirstSeen:
    """``first[row]``: the first row with the same value as ``row`` (-1 where no value)."""

    def __init__(self, values: np.ndarray, present: np.ndarray) -> None:
        values = np.asarray(values, dtype=object)
        present = np.asarray(present, dtype=bool)
        # None where no value
        self.values = chunked.build(len(values), object, lambda s: np.where(present[s], values[s], None))
        self.first = self._first_rows(self.values)

    @staticmethod
    def _first_rows(values: np.ndarray) -> np.ndarray:
        n = len(values)
        first = np.empty(n, dtype=np.int64)
        seen: dict[object, int] = {}  # value -> the first row holding it
        for s in chunked.slices(n):
            first[s] = [-1 if v is None else seen.setdefault(v, row) for row, v in enumerate(values[s].tolist(), s.start)]
        return first

    def is_later(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """True for rows whose value already appeared on an earlier row."""
        first = self.first[rows]
        index = np.arange(len(self.first))[rows]
        return (first >= 0) & (first != index)

    def update(self, rows: np.ndarray, values: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Take the new values of ``rows``; return every row whose ``first`` may have changed."""
        old = self.values[rows]
        new = np.where(present, values, None).astype(object)
        self.values[rows] = new
        touched = {v for v in old.tolist() if v is not None} | {v for v in new.tolist() if v is not None}
        if len(touched) > _LOOKUPS_BEFORE_REBUILD:
            before = self.first
            self.first = self._first_rows(self.values)
            return np.union1d(rows, np.flatnonzero(before != self.first))
        self.first[rows[new == None]] = -1  # noqa: E711
        affected = [rows]
        for value in touched:
            members = np.flatnonzero(self.values == value)
            if len(members):
                self.first[members] = members[0]
                affected.append(members)
        return np.unique(np.concatenate(affected))
