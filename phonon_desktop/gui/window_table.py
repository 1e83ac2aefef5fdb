"""The table's side of the window: selecting rows, finding text, fitting column widths.

Find searches the sheet's columns with numpy (``rows_containing``), once per text and edit,
then walks the hits in the order the table shows them: fast on a million rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
from PySide6.QtCore import Qt

from phonon_desktop.gui.models.row_order import rows_containing

if TYPE_CHECKING:
    from phonon_desktop.gui.models.sheet_model import SheetTableModel
    from phonon_desktop.gui.views.find_bar import FindBar
    from phonon_desktop.gui.views.sheet_table import SheetTableView
    from phonon_desktop.sheets.model import Sheet


class WindowTableMixin:
    """Row selection, Find (Ctrl+F) and column widths of the window's table."""

    _sheet: Sheet | None
    _find_cache: tuple[str, int, list[np.ndarray]] | None
    _edit_generation: int
    table: SheetTableView
    table_model: SheetTableModel
    find_bar: FindBar

    def select_rows(self, rows: Sequence[int] | np.ndarray) -> None:
        """Select these sheet rows (those shown under the current filter)."""
        sel = self.table.selectionModel()
        sel.clearSelection()
        model = self.table_model
        views = sorted(v for v in (model.view_row(int(r)) for r in np.asarray(rows).ravel()) if v >= 0)
        if not views:
            return
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        last = model.columnCount() - 1
        start = prev = views[0]
        for v in views[1:] + [None]:  # contiguous runs: one range each
            if v is not None and v == prev + 1:
                prev = v
                continue
            selection.select(model.index(start, 0), model.index(prev, last))
            if v is not None:
                start = prev = v
        sel.select(selection, QItemSelectionModel.SelectionFlag.Select)
        self.table.scrollTo(model.index(views[0], 0))

    def selected_rows(self) -> np.ndarray:
        """Sheet row indices of every row with a selected cell."""
        views = {i.row() for i in self.table.selectionModel().selectedIndexes()}
        if not views:
            return np.zeros(0, dtype=np.int64)
        return np.sort(self.table_model.sheet_rows(sorted(views)))

    def find(self, text: str, backwards: bool = False) -> bool:
        """Go to the next (or previous) cell containing ``text``, after the current cell."""
        model = self.table_model
        if not text or self._sheet is None or model.rowCount() == 0:
            return False
        if self._find_cache is None or self._find_cache[:2] != (text, self._edit_generation):
            hits = [np.asarray(rows_containing([col], text)) for col in model.columns()]
            self._find_cache = (text, self._edit_generation, hits)
        hits = self._find_cache[2]
        order = model.row_order()
        any_hit = np.zeros(len(order), dtype=bool)
        for h in hits:
            any_hit |= h[order]
        views = np.flatnonzero(any_hit)
        if views.size == 0:
            self.find_bar.set_result("Not found")
            return False
        cur = self.table.currentIndex()
        cur_row = cur.row() if cur.isValid() else -1
        cur_col = cur.column() - model.FIRST_DATA_COLUMN if cur.isValid() else -1
        ncols = len(hits)

        def cols_in(view: int) -> list[int]:
            r = order[view]
            return [c for c in range(ncols) if hits[c][r]]

        target = None
        if cur_row >= 0 and any_hit[cur_row]:
            same = [c for c in cols_in(cur_row) if (c < cur_col if backwards else c > cur_col)]
            if same:
                target = (cur_row, same[-1] if backwards else same[0])
        if target is None:
            if backwards:
                before = views[views < cur_row] if cur_row >= 0 else views
                view = int(before[-1]) if before.size else int(views[-1])
                target = (view, cols_in(view)[-1])
            else:
                after = views[views > cur_row]
                view = int(after[0]) if after.size else int(views[0])
                target = (view, cols_in(view)[0])
        index = model.index(target[0], target[1] + model.FIRST_DATA_COLUMN)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        position = int(np.searchsorted(views, target[0])) + 1
        self.find_bar.set_result(f"row {position:,} of {views.size:,} rows with \u201c{text}\u201d")
        return True

    def _size_columns(self) -> None:
        from phonon_desktop.gui.row_look import STATUS_WORDS

        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        hfm = header.fontMetrics()
        model = self.table_model
        sample = min(model.rowCount(), 200)  # measure the first rows only: a million would freeze
        for c in range(model.columnCount()):
            title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            # room for the bold header text and its sort arrow
            widest = max((hfm.horizontalAdvance(line) + 28 for line in title.split("\n")), default=40)
            if c == model.STATUS_COLUMN:
                widest = max([widest] + [fm.horizontalAdvance(w) + 34 for w in STATUS_WORDS.values()])
            else:
                for r in range(sample):
                    widest = max(widest, fm.horizontalAdvance(str(model.data(model.index(r, c)) or "")) + 16)
            header.resizeSection(c, min(max(widest, 48), 320))

    def _fit_headers(self) -> None:
        """Widen columns whose header (with its role line) no longer fits; never narrow them."""
        header = self.table.horizontalHeader()
        hfm = header.fontMetrics()
        model = self.table_model
        for c in range(model.FIRST_DATA_COLUMN, model.columnCount()):
            title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            need = min(max(hfm.horizontalAdvance(line) + 28 for line in title.split("\n")), 320)
            if header.sectionSize(c) < need:
                header.resizeSection(c, need)
