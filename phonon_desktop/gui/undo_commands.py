"""Undoable edits of the open list: cell texts and deleted rows.

The original file is never touched: edits change the in-memory sheet only, until the
operator saves a copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
from PySide6.QtGui import QUndoCommand

from phonon_desktop.sheets.model import Sheet

if TYPE_CHECKING:
    from phonon_desktop.gui.main_window import MainWindow


class EditCells(QUndoCommand):
    """New texts for some cells (one typed cell, a pasted block, cleared cells)."""

    def __init__(self, window: "MainWindow", rows: Sequence[int], cols: Sequence[int], texts: Sequence[str],
                 description: str) -> None:
        super().__init__(description)
        self._window = window
        model = window.table_model
        self.rows = list(map(int, rows))
        self.cols = list(map(int, cols))
        self.new = list(texts)
        self.old = [model.cell_text(r, c) for r, c in zip(self.rows, self.cols)]
        self._sheet = model.sheet()

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, texts: list[str]) -> None:
        if self._window.table_model.sheet() is not self._sheet:
            return  # the list was reloaded since: this edit belongs to the old one
        self._window.table_model.write_cells(self.rows, self.cols, texts)
        self._window.cells_edited(sorted(set(self.rows)))


def without_rows(sheet: Sheet, rows: np.ndarray) -> Sheet:
    """A copy of the sheet without the given data rows (indices into ``sheet.data``)."""
    keep = np.ones(sheet.row_count, dtype=bool)
    keep[rows] = False
    hidden = None if sheet.hidden_rows is None else np.asarray(sheet.hidden_rows)[keep]
    return Sheet(
        path=sheet.path,
        name=sheet.name,
        header_row=sheet.header_row,
        headers=list(sheet.headers),
        data=sheet.data[keep].reset_index(drop=True),
        kinds=sheet.kinds[keep].reset_index(drop=True),
        source_rows=np.asarray(sheet.source_rows)[keep],
        original_headers=list(sheet.original_headers),
        hidden_rows=hidden,
        hidden_columns=list(sheet.hidden_columns),
        sheets=list(sheet.sheets),
        notes=list(sheet.notes),
    )


class DeleteRows(QUndoCommand):
    """Leave rows out of the list (the file keeps them)."""

    def __init__(self, window: "MainWindow", rows: np.ndarray, description: str) -> None:
        super().__init__(description)
        self._window = window
        self.before = window.table_model.sheet()
        assert self.before is not None
        self.after = without_rows(self.before, np.asarray(rows, dtype=np.int64))

    def redo(self) -> None:
        self._window.replace_sheet(self.after)

    def undo(self) -> None:
        self._window.replace_sheet(self.before)
