"""Client identifiers made for rows when the sheet has no identifier column."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd


def generated_ids(primary: np.ndarray, values: list[np.ndarray]) -> np.ndarray:
    """``PD-`` + a short hash of the row's main number and flow variable values.

    The same row content gives the same identifier on every run, so a re-run of the same
    sheet is recognised; rows with identical content get ``-2``, ``-3``, ... in sheet order,
    so every identifier in the campaign is unique.
    """
    n = len(primary)
    columns = [primary, *values]
    joined = ["\x1f".join(parts) for parts in zip(*(c.tolist() for c in columns))] if n else []
    ids = np.array(
        ["PD-" + hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest() for text in joined] or [""],
        dtype=object,
    )[:n]
    codes, uniques = pd.factorize(ids)
    if len(uniques) < n:
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
        rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = rank_sorted
        for row in np.flatnonzero(rank > 0).tolist():
            ids[row] = f"{ids[row]}-{rank[row] + 1}"
    return ids
