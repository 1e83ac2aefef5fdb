"""Finding the header row and naming every column so the operator can tell them apart."""

from __future__ import annotations

import re

HEADER_SCAN_ROWS = 30

_NUMBERISH = re.compile(r"^[\s+\-]*[\d\s.,/:()\-]+$")


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters → 0-based column index (A → 0)."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _looks_like_label(text: str) -> bool:
    return bool(text.strip()) and not _NUMBERISH.match(text)


def detect_header_row(rows: list[list[str]]) -> int:
    """The 1-based row (among ``rows``, the sheet's first rows as text) that holds the headers.

    Title rows (one merged cell: "December collections"), blank rows and notes above the
    table are common. The header is the first row that is nearly as wide as the table, made
    of distinct labels rather than numbers or dates, and is followed by a row of data.
    """
    scan = rows[:HEADER_SCAN_ROWS]
    filled = [sum(1 for v in row if v.strip()) for row in scan]
    if not filled or max(filled) == 0:
        return 1
    widest = max(filled)
    need = max(1, (widest * 6 + 9) // 10) if widest > 1 else 1
    for i, row in enumerate(scan):
        if filled[i] < need or (filled[i] < 2 and widest >= 2):
            continue
        cells = [v.strip() for v in row if v.strip()]
        labels = sum(1 for v in cells if _looks_like_label(v))
        distinct = len({v.casefold() for v in cells})
        if labels * 10 < len(cells) * 6 or distinct * 10 < len(cells) * 8:
            continue
        return i + 1
    for i, count in enumerate(filled):
        if count:
            return i + 1
    return 1


def unique_headers(names: list[str], columns: list[int]) -> list[str]:
    """Header names made unique and visible: blank → ``Column F``; repeats → ``Mobile (2)``."""
    result: list[str] = []
    seen: set[str] = set()
    for name, col in zip(names, columns):
        base = " ".join(name.split()) or f"Column {column_letter(col)}"
        candidate, n = base, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{base} ({n})"
        seen.add(candidate.casefold())
        result.append(candidate)
    return result
