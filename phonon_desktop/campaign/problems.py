"""Problems found in rows: their level, their sentence, and the compact form they are kept in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Level(IntEnum):
    OK = 0
    WARNING = 1
    ERROR = 2


@dataclass(frozen=True)
class Problem:
    row: int  # 0-based index into sheet.data
    column: str | None
    level: Level
    message: str  # names the cell: "Row 14 (Mobile): '12345' is not a phone number: ..."


@dataclass
class Check:
    """One kind of check over all rows: a code per row and what each code means."""

    column: str | None
    codes: np.ndarray  # int8 per row, 0 = fine
    levels: np.ndarray  # Level per code value
    explain: Callable[[int, int], str]  # (row, code) -> the sentence after "Row N (column): "


def level_table(mapping: dict[int, Level]) -> np.ndarray:
    table = np.zeros(64, dtype=np.int8)
    for code, level in mapping.items():
        table[int(code)] = level
    return table
