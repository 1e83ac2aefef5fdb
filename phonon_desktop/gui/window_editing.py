"""Editing the open list from the window: typed cells, paste, copy, clear, leaving rows out,
and saving a copy. Every change goes through the undo stack (``undo_commands``); the
original file is never written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from phonon_desktop.gui import shortcuts
from phonon_desktop.gui.undo_commands import DeleteRows, EditCells
from phonon_desktop.gui.views.sheet_table import block_text, parse_block

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QLabel

    from phonon_desktop.gui.models.sheet_model import SheetTableModel
    from phonon_desktop.gui.views.sheet_table import SheetTableView
    from phonon_desktop.sheets.model import Sheet


class WindowEditingMixin:
    """Cell edits, paste/copy/clear, Delete rows and Save a copy, all undoable until saved."""

    _sheet: Sheet | None
    table: SheetTableView
    table_model: SheetTableModel
    undo_stack: QUndoStack
    status_label: QLabel

    def _on_edit_requested(self, row: int, col: int, text: str) -> None:
        name = self._sheet.headers[col] if self._sheet else ""
        number = self._sheet.source_rows[row] if self._sheet is not None else row + 1
        self.undo_stack.push(EditCells(self, [row], [col], [text], f"Edit {name} in row {number}"))

    def _selected_data_cells(self) -> list[tuple[int, int]]:
        """(sheet row, sheet column) of selected data cells, in view order."""
        model = self.table_model
        out = []
        for idx in sorted(self.table.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())):
            if idx.column() >= model.FIRST_DATA_COLUMN:
                out.append((model.sheet_row(idx.row()), idx.column() - model.FIRST_DATA_COLUMN))
        return out

    def paste(self) -> None:
        """Paste a block copied from Excel, from the current cell down and right."""
        text = QGuiApplication.clipboard().text()
        model = self.table_model
        current = self.table.currentIndex()
        if not text or not current.isValid() or self._sheet is None:
            return
        block = parse_block(text)
        selected = self._selected_data_cells()
        rows, cols, texts = [], [], []
        skipped_ro = 0
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            for r, c in selected:  # one value onto many cells: fill them all, as Excel does
                if model.is_read_only(r):
                    skipped_ro += 1
                    continue
                rows.append(r), cols.append(c), texts.append(block[0][0])
            lost = 0
        else:
            top = current.row()
            left = max(current.column(), model.FIRST_DATA_COLUMN) - model.FIRST_DATA_COLUMN
            ncols = len(self._sheet.headers)
            lost = 0
            for i, line in enumerate(block):
                view = top + i
                if view >= model.rowCount():
                    lost += 1
                    continue
                r = model.sheet_row(view)
                if model.is_read_only(r):
                    skipped_ro += 1
                    continue
                for j, value in enumerate(line):
                    if left + j < ncols:
                        rows.append(r), cols.append(left + j), texts.append(value.strip())
        if rows:
            self.undo_stack.push(EditCells(self, rows, cols, texts, f"Paste {len(texts):,} cells"))
        notes = []
        if lost:
            notes.append(f"{lost:,} pasted lines did not fit below the last row and were left out.")
        if skipped_ro:
            notes.append(f"{skipped_ro:,} rows are being sent and were not changed.")
        self.status_label.setText(" ".join(notes) or f"Pasted {len(texts):,} cells (Undo: {shortcuts.describe('undo')}).")

    def copy(self) -> None:
        model = self.table_model
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        lines = [[str(model.data(model.index(r, c)) or "") for c in cols] for r in rows[:100_000]]
        QGuiApplication.clipboard().setText(block_text(lines))

    def clear_cells(self) -> None:
        cells = [(r, c) for r, c in self._selected_data_cells() if not self.table_model.is_read_only(r)]
        if cells:
            rows, cols = zip(*cells)
            self.undo_stack.push(EditCells(self, rows, cols, [""] * len(cells), f"Clear {len(cells):,} cells"))

    def delete_selected_rows(self) -> None:
        rows = self.selected_rows()
        if not len(rows):
            self.status_label.setText("Select the rows to leave out first (click their # number).")
            return
        if self.table_model._read_only is not None and np.any(self.table_model._read_only[rows]):
            self.status_label.setText("Some of these rows are being sent: wait until sending ends.")
            return
        word = "row" if len(rows) == 1 else "rows"
        self.undo_stack.push(DeleteRows(self, rows, f"Leave out {len(rows):,} {word}"))
        self.status_label.setText(f"{len(rows):,} {word} left out of the list (the file is unchanged; Undo puts them back).")

    def save_copy(self) -> bool:
        if self._sheet is None:
            return False
        from phonon_desktop.gui.save_copy import suggested_copy_name

        start = suggested_copy_name(self._sheet.path)
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy of the list", start, "Excel workbook (*.xlsx)")
        if not path:
            return False
        return self.save_copy_to(path)

    def save_copy_to(self, path: str) -> bool:
        from phonon_desktop.gui.save_copy import save_sheet_copy

        assert self._sheet is not None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            save_sheet_copy(self._sheet, path)
        except OSError as exc:
            self.show_banner(f"{path} could not be written ({exc.strerror or exc}). If it is open in Excel, close "
                             "it there, or choose another name.", "error")
            return False
        self.undo_stack.setClean()
        self.status_label.setText(f"Saved a copy as {path}. The original file is unchanged.")
        return True
