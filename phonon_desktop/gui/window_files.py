"""Opening lists from the window: the Open dialog, recent files, drag and drop, the sample,
the sheet and header-row choosers, hidden rows, and asking before changes are dropped.

Reading itself (``open_file`` and the loader's signals) stays in ``main_window``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from phonon_desktop import APP_NAME
from phonon_desktop.gui import user_files
from phonon_desktop.gui.undo_commands import DeleteRows
from phonon_desktop.sheets.model import Sheet

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QSpinBox

OPEN_FILTER = "Contact lists (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"
KNOWN_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"}


class WindowFilesMixin:
    """Choosing which list, sheet and header row to open."""

    _sheet: Sheet | None
    _path: str | None
    sheet_choice: QComboBox
    header_row: QSpinBox
    recent_menu: QMenu
    status_label: QLabel
    undo_stack: QUndoStack

    def choose_file(self) -> None:
        start = os.path.dirname(self._path) if self._path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open a contact list", start, OPEN_FILTER)
        if path:
            self.open_file(path)

    def open_sample(self) -> None:
        from phonon_desktop.gui.app import sample_list_path

        self.open_file(str(sample_list_path()))

    def _may_discard_edits(self) -> bool:
        if self.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self, APP_NAME,
            "You changed this list. Opening another list (or the same one again) drops those changes.\n"
            "Save a copy first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_copy()
        return answer == QMessageBox.StandardButton.Discard

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in user_files.recent_files():
            act = self.recent_menu.addAction(os.path.basename(path))
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_file(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _fill_sheet_choosers(self, sheet: Sheet) -> None:
        with QSignalBlocker(self.sheet_choice):
            self.sheet_choice.clear()
            infos = [i for i in sheet.sheets if i.has_data] or [i for i in sheet.sheets if i.name == sheet.name]
            for info in infos:
                label = f"{info.name}  ({info.rows:,} rows)" + ("  — hidden in Excel" if info.hidden else "")
                self.sheet_choice.addItem(label, info.name)
            self.sheet_choice.setCurrentIndex(max(0, self.sheet_choice.findData(sheet.name)))
        with QSignalBlocker(self.header_row):
            self.header_row.setValue(sheet.header_row)
        self.fit_toolbars()  # a longer sheet name may no longer fit beside the commands

    def _on_sheet_chosen(self, index: int) -> None:
        name = self.sheet_choice.itemData(index)
        if self._sheet is not None and name and name != self._sheet.name:
            self.reload(sheet=name, header_row=None)

    def _on_header_row_chosen(self, value: int) -> None:
        if self._sheet is not None and value != self._sheet.header_row:
            self.reload(header_row=value)

    def _offer_hidden_rows(self, sheet: Sheet) -> None:
        hidden = sheet.hidden_rows
        if sheet.notes:  # remarks about the read, not problems: the status bar, not the banner
            self.status_label.setText(" ".join(sheet.notes))
        if hidden is None or not np.any(hidden):
            return
        rows = np.flatnonzero(np.asarray(hidden, dtype=bool))
        numbers = ", ".join(str(n) for n in np.asarray(sheet.source_rows)[rows[:5]]) + (" …" if len(rows) > 5 else "")
        word = "row is" if len(rows) == 1 else "rows are"
        self.show_banner(f"{len(rows):,} {word} hidden in Excel (row {numbers}). Hidden rows are usually meant to "
                         "be left out.", "warning", "Leave hidden rows out",
                         lambda: self._leave_out_hidden())

    def _leave_out_hidden(self) -> None:
        sheet = self._sheet
        if sheet is None or sheet.hidden_rows is None:
            return
        rows = np.flatnonzero(np.asarray(sheet.hidden_rows, dtype=bool))
        if len(rows):
            self.undo_stack.push(DeleteRows(self, rows, f"Leave out {len(rows):,} hidden rows"))
        self.hide_banner()
        self.status_label.setText(f"{len(rows):,} hidden rows left out (Undo puts them back).")

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            path = url.toLocalFile()
            if path and Path(path).suffix.lower() in KNOWN_SUFFIXES:
                return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_file(path))
