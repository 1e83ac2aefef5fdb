"""The first rows of a list, shown on the loading page while the whole list is read.

Read-only: nothing can be edited, mapped or sent from here; the list's own table replaces it
when the read ends. It sits under the progress bar and Cancel, which move to the top of the
page while it is shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QAbstractItemView, QBoxLayout, QTableView, QVBoxLayout, QWidget

from phonon_desktop.gui.models.sheet_model import SheetTableModel
from phonon_desktop.sheets.model import Sheet


class LoadPreview(QWidget):
    """A read-only table of the first rows; one per loading page (see ``for_page``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loadPreview")
        self.model = SheetTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("First rows of the list being read")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        # Rows are not checked yet: no Status column (it would say "Ready" for every row).
        self.table.setColumnHidden(SheetTableModel.STATUS_COLUMN, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.hide()

    @classmethod
    def for_page(cls, page: QWidget) -> "LoadPreview":
        """The page's preview, made and placed under its progress bar the first time."""
        found = page.findChild(LoadPreview, "loadPreview")
        if found is not None:
            return found
        pane = cls(page)
        layout = page.layout()
        if isinstance(layout, QBoxLayout):
            layout.addWidget(pane, 1)
        pane._page_layout = layout
        return pane

    def show_sheet(self, sheet: Sheet) -> None:
        self.model.set_sheet(sheet)
        self.model.set_read_only_rows(np.arange(sheet.row_count))
        self.table.setColumnHidden(self.model.STATUS_COLUMN, True)
        self._size_columns()
        self._spread(False)
        self.show()

    def _size_columns(self) -> None:
        # Measured from the texts (Qt's resizeColumnsToContents asks every cell for every role:
        # ~50 ms of the window's time for a few hundred rows).
        header = self.table.horizontalHeader()
        fm, hfm = self.table.fontMetrics(), header.fontMetrics()
        model = self.model
        header.resizeSection(model.ROW_NUMBER_COLUMN, hfm.horizontalAdvance("0000000") + 16)
        header.resizeSection(model.STATUS_COLUMN, hfm.horizontalAdvance("Status") + 28)
        for j, (name, texts) in enumerate(zip(model.sheet().headers if model.sheet() else [], model.columns())):
            widest = max([hfm.horizontalAdvance(name) + 28] + [fm.horizontalAdvance(t) + 16 for t in texts[:50].tolist()])
            header.resizeSection(model.FIRST_DATA_COLUMN + j, min(max(widest, 48), 320))

    def is_showing(self) -> bool:
        return self.isVisibleTo(self.parentWidget()) if self.parentWidget() else False

    def clear(self) -> None:
        """Forget the rows (their memory too) and give the page back its centred look."""
        if self.model.sheet() is not None:
            self.model.set_sheet(None)
        self.hide()
        self._spread(True)

    def _spread(self, centred: bool) -> None:
        # The page's stretches keep the bar in the middle; with rows shown the table takes the room.
        layout = getattr(self, "_page_layout", None)
        if not isinstance(layout, QBoxLayout):
            return
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is not None and item.spacerItem() is not None:
                layout.setStretch(i, (1 if i == 0 else 2) if centred else 0)
