"""The in-memory sheet: a grid of display text plus where each cell's text came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import pandas as pd


class CellKind(IntEnum):
    """What a cell held in the file, kept beside its display text (one int8 per cell)."""

    EMPTY = 0
    TEXT = 1
    NUMBER = 2  # a whole or decimal number cell, shown in its shortest exact form
    DATE = 3
    DATETIME = 4
    BOOL = 5
    ERROR = 6  # #N/A, #VALUE!, ... shown as their text
    FORMULA_NO_VALUE = 7  # a formula whose result was never calculated (script-written files)
    NUMBER_DAMAGED = 8  # a number cell with more than 15 significant digits: digits already lost
    TIME = 9


class SheetError(Exception):
    """A sheet that cannot be read, with a sentence the operator can act on.

    ``str(err)`` is that sentence; it names the file and what to do.
    """

    def __init__(self, message: str, *, path: str | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.reason = reason  # a short machine tag: "locked", "password", "corrupt", ...


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int  # rows holding data (after dropping trailing empty ones)
    columns: int
    hidden: bool = False
    has_data: bool = True


@dataclass
class Sheet:
    """One sheet of a workbook, as text.

    ``data`` has one column per header (unique display names, in sheet order) and one row per
    data row below the header; every value is a Python ``str`` and empty cells are ``""``.
    ``kinds`` has the same shape and holds ``CellKind`` values as int8.
    """

    path: str
    name: str
    header_row: int  # 1-based row number of the header in the file
    headers: list[str]
    data: pd.DataFrame
    kinds: pd.DataFrame
    source_rows: np.ndarray  # 1-based row number in the file of each data row
    original_headers: list[str] = field(default_factory=list)  # as in the file, before de-duplication
    hidden_rows: np.ndarray | None = None  # bool per data row
    hidden_columns: list[str] = field(default_factory=list)
    sheets: list[SheetInfo] = field(default_factory=list)  # every sheet of the workbook
    notes: list[str] = field(default_factory=list)  # plain-language remarks about the read

    @property
    def row_count(self) -> int:
        return len(self.data)

    def column_kind_counts(self, column: str) -> dict[CellKind, int]:
        values, counts = np.unique(self.kinds[column].to_numpy(), return_counts=True)
        return {CellKind(int(v)): int(c) for v, c in zip(values, counts)}
