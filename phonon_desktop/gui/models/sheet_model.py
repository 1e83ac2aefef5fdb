"""The table model: the sheet's cells as the operator sees them, in a chosen row order.

A thin adapter: cell text comes straight from one object array per column; the row order
(sort and filter) is a numpy array computed on whole columns (see ``row_order``); problem
tints and tooltips come from the campaign plan. ``data()`` does a few array lookups and
nothing else, so a 1,000,000-row sheet scrolls as fast as a small one.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleDataSpan, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon

import pandas as pd

from phonon_desktop.campaign import chunked
from phonon_desktop.gui.workers.task import window_painting
from phonon_desktop.gui.models.row_order import RowFilter, filter_mask, sort_permutation, visible_order
from phonon_desktop.gui.row_look import default_status_style, problem_tint
from phonon_desktop.sheets.model import CellKind, Sheet

StatusStyle = Callable[[str], tuple[QColor, QIcon, str]]
AnyIndex = QModelIndex | QPersistentModelIndex

SHEET_ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the sheet row index behind a view row
# Roles as plain ints: data() runs for every visible cell of every repaint, and looking up a
# Qt enum member costs more than the rest of a lookup.
_DISPLAY, _EDIT = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole)
_BACKGROUND, _DECORATION = int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP, _ALIGNMENT = int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.TextAlignmentRole)
_SHEET_ROW = int(SHEET_ROW_ROLE)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# PySide6 lets Python fill the roles of one cell in one call (QAbstractItemModel.multiData) only
# where a span can be indexed.
_MULTI_DATA = hasattr(QModelRoleDataSpan, "__getitem__") and hasattr(QModelRoleDataSpan, "__len__")
LEVEL_STATUS = {0: "ready", 1: "warning", 2: "error"}
STATUS_RANK = {"error": 0, "rejected": 1, "unconfirmed": 2, "warning": 3, "not sent": 4,
               "not_sent": 4, "sending": 5, "ready": 6, "accepted": 7, "skipped": 8}


class SheetTableModel(QAbstractTableModel):
    """Columns: "#" (the row's number in the file), "Status", then the sheet's columns."""

    ROW_NUMBER_COLUMN = 0
    STATUS_COLUMN = 1
    FIRST_DATA_COLUMN = 2

    # The operator typed into a cell: (sheet row, sheet column index, new text). The window
    # turns it into an undoable edit; the model itself never changes a cell on its own.
    edit_requested = Signal(int, int, str)
    statuses_changed = Signal()  # after set_statuses or clear_statuses

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sheet: Sheet | None = None
        self._headers: list[str] = []
        self._columns: list[np.ndarray] = []
        self._row_numbers: np.ndarray = np.zeros(0, dtype=np.int64)
        self._order: np.ndarray = np.zeros(0, dtype=np.int64)
        self._inverse: np.ndarray | None = None
        self._levels: np.ndarray | None = None
        self._plan: Any = None
        self._problems: dict[int, list[Any]] = {}
        self._sent: np.ndarray = _NO_STATUSES  # status set by sending, or None
        self._rows = 0  # rows of the sheet
        self._any_sent = False  # whether any row of _sent holds a status
        self._sent_tips: dict[int, str] = {}
        self._read_only: np.ndarray | None = None
        self._roles: dict[str, str] = {}
        self._style_fn: StatusStyle = default_status_style
        self._style_cache: dict[str, tuple[QColor, QIcon, str]] = {}
        self._permutation: np.ndarray | None = None  # the sort, over all sheet rows
        self._mask: np.ndarray | None = None  # the filter, a bool per sheet row
        self.row_filter = RowFilter()
        self.sort_column = -1

    # ----- what the model shows -------------------------------------------------------
    def set_sheet(self, sheet: Sheet | None) -> None:
        self.beginResetModel()
        self._sheet = sheet
        if sheet is None:
            self._headers, self._columns = [], []
            n = 0
            self._row_numbers = np.zeros(0, dtype=np.int64)
        else:
            self._headers = list(sheet.headers)
            # The sheet's own arrays (read-only views): copying a million-row list here would
            # freeze the window; a column is copied when it is first edited (write_cells).
            self._columns = [display_column(sheet.data[h]) for h in sheet.data.columns]
            n = sheet.row_count
            self._row_numbers = np.asarray(sheet.source_rows, dtype=np.int64)
        self._order = np.arange(n, dtype=np.int64)
        self._inverse = None
        self._permutation = None
        self._mask = None
        self.row_filter = RowFilter()
        self.sort_column = -1
        self._levels = None
        self._plan = None
        self._problems = {}
        self._sent = _NO_STATUSES  # made when sending first shows a status (set_statuses)
        self._rows = n
        self._any_sent = False
        self._sent_tips = {}
        self._read_only = None
        self.endResetModel()

    def sheet(self) -> Sheet | None:
        return self._sheet

    def columns(self) -> list[np.ndarray]:
        return self._columns

    def set_plan(self, plan: Any) -> None:
        """Take the validation levels and problems of a (re)computed plan."""
        self._plan = plan
        levels = None if plan is None else np.array(plan.levels, dtype=np.int8)  # a copy: see set_plan_rows
        if levels is not None and len(levels) != self._rows:
            levels = None  # a plan of another sheet (a reload raced it): ignore
        self._levels = levels
        self._problems = {}
        self._emit_all_changed()

    def set_plan_rows(self, plan: Any, rows: Sequence[int]) -> None:
        """The plan changed for these sheet rows only (after an edit): repaint just them."""
        self._plan = plan
        rows = np.asarray(rows, dtype=np.int64)
        if plan is not None:
            before = self._levels
            self._levels = np.asarray(plan.levels, dtype=np.int8).copy()
            if before is not None and len(before) == len(self._levels):
                # checks across rows (duplicates) can change rows that were not edited
                rows = np.union1d(rows, np.flatnonzero(before != self._levels))
        self._problems = {}  # only visible rows are cached: cheap to ask again
        self._emit_rows_changed(rows)

    def levels(self) -> np.ndarray | None:
        return self._levels

    def set_roles(self, roles: dict[str, str]) -> None:
        """The campaign role of each mapped column, shown under its header ("Number 1")."""
        if roles != self._roles:
            self._roles = dict(roles)
            if self.columnCount():
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def set_status_style(self, style_fn: StatusStyle) -> None:
        self._style_fn = style_fn
        self._style_cache = {}
        self._emit_column_changed(self.STATUS_COLUMN)

    def set_statuses(self, rows: np.ndarray, statuses: np.ndarray, tooltips: Sequence[str] | None = None) -> None:
        """Show sending statuses for these sheet rows; one dataChanged for the covered range."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        if len(self._sent) != self._rows:
            self._sent = np.empty(self._rows, dtype=object)  # all None
        self._sent[rows] = np.asarray(statuses, dtype=object)
        self._any_sent = True
        if tooltips is not None:
            for r, tip in zip(rows.tolist(), tooltips):
                if tip:
                    self._sent_tips[r] = tip
                else:
                    self._sent_tips.pop(r, None)
        self._emit_rows_changed(rows)
        self.statuses_changed.emit()

    def clear_statuses(self) -> None:
        """Forget sending statuses: the Status column shows validation again."""
        if self._any_sent:
            self._sent[:] = None
        self._any_sent = False
        self._sent_tips = {}
        self._emit_column_changed(self.STATUS_COLUMN)
        self.statuses_changed.emit()

    def sent_statuses(self, rows: np.ndarray) -> np.ndarray:
        """The sending status shown for these sheet rows (None where nothing was sent)."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty(len(rows), dtype=object)  # all None
        if not self._any_sent:
            return out
        inside = (rows >= 0) & (rows < len(self._sent))  # a plan a moment older than the list
        out[inside] = self._sent[rows[inside]]
        return out

    def has_sent_statuses(self) -> bool:
        """Whether any row shows a sending status (False: every row shows its validation)."""
        return self._any_sent

    def statuses(self) -> np.ndarray:
        """The status shown for every sheet row (object array of status words)."""
        return status_words(self._levels, self._sent if self._any_sent else None, self._rows)

    def set_read_only_rows(self, rows: np.ndarray | None) -> None:
        if rows is None:
            self._read_only = None
        else:
            ro = np.zeros(self._rows, dtype=bool)
            ro[np.asarray(rows, dtype=np.int64)] = True
            self._read_only = ro

    def is_read_only(self, sheet_row: int) -> bool:
        return self._read_only is not None and bool(self._read_only[sheet_row])

    # ----- row order --------------------------------------------------------------------
    def set_row_order(self, order: np.ndarray) -> None:
        """Show these sheet rows, in this order (the result of a sort and/or filter)."""
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = [self._order[i.row()] if 0 <= i.row() < len(self._order) else -1 for i in old_persistent]
        self._order = np.asarray(order, dtype=np.int64)
        self._inverse = None
        wanted = {int(r) for r in old_rows if r >= 0}
        if len(wanted) <= 16:
            # A few rows (the current cell, a small selection): found by one comparison each,
            # instead of building the inverse of a million-row order on this thread.
            found = {r: np.flatnonzero(self._order == r) for r in wanted}
            views = {r: int(f[0]) if len(f) else -1 for r, f in found.items()}
        else:
            views = {r: self.view_row(r) for r in wanted}
        new_list = []
        for idx, sheet_row in zip(old_persistent, old_rows):
            view = views.get(int(sheet_row), -1)
            new_list.append(self.index(view, idx.column()) if view >= 0 else QModelIndex())
        self.changePersistentIndexList(old_persistent, new_list)
        self.layoutChanged.emit()

    # Above this many rows, sorting and text filtering run through ``run_heavy`` (a worker
    # thread supplied by the window) so that the window keeps painting meanwhile.
    HEAVY_ROWS = 20_000
    run_heavy: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None = None

    def _heavy(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        if self.run_heavy is not None and self._rows > self.HEAVY_ROWS:
            self.run_heavy(work, then)
        else:
            then(work())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort every row by one column, on the whole column at once (numpy, not per pair)."""
        if self._sheet is None or not 0 <= column < self.columnCount():
            return
        descending = order == Qt.SortOrder.DescendingOrder
        sheet = self._sheet
        work: Callable[[], np.ndarray]
        if column == self.ROW_NUMBER_COLUMN:
            numbers = self._row_numbers
            work = lambda: _stable_order(numbers, descending)  # noqa: E731
        elif column == self.STATUS_COLUMN:
            levels, sent, n = self._levels, (self._sent if self._any_sent else None), self._rows
            work = lambda: _stable_order(status_ranks(levels, sent, n), descending)  # noqa: E731
        else:
            values = self._columns[column - self.FIRST_DATA_COLUMN]
            work = lambda: sort_permutation(values, descending)  # noqa: E731
        self._heavy(work, lambda perm: self._sheet is sheet and self._sorted(column, perm))

    def _sorted(self, column: int, perm: np.ndarray) -> None:
        self.sort_column = column
        self._permutation = perm.astype(np.int64, copy=False)
        self._apply_order()

    def set_filter(self, wanted: RowFilter) -> None:
        """Show only the rows ``wanted`` asks for (computed on whole columns)."""
        self.row_filter = wanted
        if not wanted.active:
            self._filtered(wanted, None)
            return
        columns, levels, sheet, n = list(self._columns), self._levels, self._sheet, self._rows
        sent = self._sent if self._any_sent else None
        # The status words are made only when the filter asks for statuses, and off this thread
        # for a big list (a million of them take a moment).
        work = lambda: filter_mask(  # noqa: E731
            columns, status_words(levels, sent, n) if wanted.statuses else np.zeros(n, dtype=np.int8), levels, wanted)
        done = lambda mask: self._sheet is sheet and self._filtered(wanted, mask)  # noqa: E731
        self._heavy(work, done)

    def _filtered(self, wanted: RowFilter, mask: np.ndarray | None) -> None:
        if wanted is not self.row_filter:
            return  # a newer filter was asked for meanwhile
        self._mask = mask
        self._apply_order()

    def _apply_order(self) -> None:
        self.set_row_order(visible_order(self._permutation, self._mask, self._rows))

    def row_order(self) -> np.ndarray:
        return self._order

    def sheet_row(self, view_row: int) -> int:
        return int(self._order[view_row])

    def sheet_rows(self, view_rows: Sequence[int]) -> np.ndarray:
        return self._order[np.asarray(view_rows, dtype=np.int64)]

    def view_row(self, sheet_row: int) -> int:
        """Where a sheet row is in the view, or -1 when filtered out."""
        inv = self._inverse_order()
        if not 0 <= sheet_row < len(inv):
            return -1
        return int(inv[sheet_row])

    def _inverse_order(self) -> np.ndarray:
        if self._inverse is None:
            inv = np.full(self._rows, -1, dtype=np.int64)
            inv[self._order] = np.arange(len(self._order), dtype=np.int64)
            self._inverse = inv
        return self._inverse

    # ----- edits (called by undo commands) ----------------------------------------------
    def header_index(self, name: str) -> int:
        return self._headers.index(name)

    def write_cells(self, rows: Sequence[int], cols: Sequence[int], texts: Sequence[str]) -> None:
        """Put texts into cells (sheet coordinates) of both the sheet and the display."""
        sheet = self._sheet
        assert sheet is not None
        for c in set(cols):
            if not self._columns[c].flags.writeable:  # the sheet's read-only view: take an own copy
                self._columns[c] = np.array(self._columns[c], dtype=object)
        if len(rows) <= 64:
            for r, c, text in zip(rows, cols, texts):
                self._columns[c][r] = text
                sheet.data.iat[r, c] = text
                sheet.kinds.iat[r, c] = int(CellKind.TEXT if text != "" else CellKind.EMPTY)
        else:  # a pasted or cleared block: one assignment per column, not one per cell
            r_all, c_all = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
            t_all = np.empty(len(texts), dtype=object)
            t_all[:] = list(texts)
            for c in np.unique(c_all).tolist():
                at = c_all == c
                r, t = r_all[at], t_all[at]
                self._columns[c][r] = t
                sheet.data.iloc[r, c] = t
                sheet.kinds.iloc[r, c] = np.where(t == "", int(CellKind.EMPTY), int(CellKind.TEXT)).astype(np.int8)
        self._emit_rows_changed(np.asarray(rows, dtype=np.int64))

    def cell_text(self, sheet_row: int, col: int) -> str:
        return self._columns[col][sheet_row]

    # ----- Qt interface -----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if parent.isValid() or self._sheet is None:
            return 0
        return self.FIRST_DATA_COLUMN + len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._order):
                return str(section + 1)
            return None
        if not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.ROW_NUMBER_COLUMN:
                return "#"
            if section == self.STATUS_COLUMN:
                return "Status"
            name = self._headers[section - self.FIRST_DATA_COLUMN]
            role_name = self._roles.get(name)
            return f"{name}\n{role_name}" if role_name else name
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == self.ROW_NUMBER_COLUMN:
                return "The row's number in the file, as Excel shows it."
            if section == self.STATUS_COLUMN:
                return "Ready, warning or error from checking the row; after sending, what Phonon answered."
            name = self._headers[section - self.FIRST_DATA_COLUMN]
            role_name = self._roles.get(name)
            return f"{name}: sent as {role_name}" if role_name else f"{name}: not used in the campaign"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= self.FIRST_DATA_COLUMN and not self.is_read_only(int(self._order[index.row()])):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        # Qt's own index() asks rowCount() and columnCount(): two calls into Python for every
        # cell a repaint draws, instead of this one.
        if parent.isValid() or row < 0 or column < 0 or row >= len(self._order) or column >= self.columnCount():
            return QModelIndex()
        return self.createIndex(row, column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        window_painting()
        return self._cell_data(int(self._order[index.row()]), index.column(), int(role))

    def _multi_data(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:
        """Every role a repaint asks of one cell, in one call into Python instead of seven."""
        window_painting()
        valid = index.isValid()
        row = int(self._order[index.row()]) if valid else -1
        col = index.column()
        for i in range(len(roles)):
            wanted = roles[i]
            wanted.setData(self._cell_data(row, col, wanted.role()) if valid else None)

    if _MULTI_DATA:
        multiData = _multi_data

    def _cell_data(self, row: int, col: int, role: int) -> Any:
        if role == _DISPLAY or role == _EDIT:
            if col >= self.FIRST_DATA_COLUMN:
                return self._columns[col - self.FIRST_DATA_COLUMN][row]
            if col == self.ROW_NUMBER_COLUMN:
                return str(self._row_numbers[row])
            return self._style(self._status(row))[2]
        if role == _BACKGROUND:
            if col == self.STATUS_COLUMN:
                colour = self._style(self._status(row))[0]
                return colour if colour.alpha() else None
            if col >= self.FIRST_DATA_COLUMN:
                level = self._cell_level(row, self._headers[col - self.FIRST_DATA_COLUMN])
                if level:
                    return problem_tint(level)
            return None
        if role == _DECORATION and col == self.STATUS_COLUMN:
            return self._style(self._status(row))[1]
        if role == _TOOLTIP:
            return self._tooltip(row, col)
        if role == _ALIGNMENT and col == self.ROW_NUMBER_COLUMN:
            return _RIGHT_ALIGNED
        if role == _SHEET_ROW:
            return row
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() < self.FIRST_DATA_COLUMN:
            return False
        row = int(self._order[index.row()])
        if self.is_read_only(row):
            return False
        text = "" if value is None else str(value)
        col = index.column() - self.FIRST_DATA_COLUMN
        if text != self._columns[col][row]:
            self.edit_requested.emit(row, col, text)
        return True

    # ----- helpers ------------------------------------------------------------------------
    def _status(self, row: int) -> str:
        sent = self._sent[row] if self._any_sent else None
        if sent is not None:
            return str(sent)
        if self._levels is None:
            return "ready"
        return LEVEL_STATUS.get(int(self._levels[row]), "error")

    def _style(self, status: str) -> tuple[QColor, QIcon, str]:
        look = self._style_cache.get(status)
        if look is None:
            look = self._style_fn(status)
            self._style_cache[status] = look
        return look

    def problems(self, row: int) -> list[Any]:
        """The plan's problems for a sheet row (cached while the plan is unchanged)."""
        if self._plan is None or self._levels is None or self._levels[row] == 0:
            return []
        found = self._problems.get(row)
        if found is None:
            found = list(self._plan.problems_for(row))
            if len(self._problems) > 20_000:  # only visible rows are ever asked for
                self._problems.clear()
            self._problems[row] = found
        return found

    def _cell_level(self, row: int, column: str) -> int:
        level = 0
        for p in self.problems(row):
            if getattr(p, "column", None) == column:
                level = max(level, int(getattr(p, "level", 2)))
        return level

    def _tooltip(self, row: int, col: int) -> str | None:
        if col == self.STATUS_COLUMN:
            tip = self._sent_tips.get(row)
            problems = [problem_text(p) for p in self.problems(row)]
            lines = ([tip] if tip else []) + problems
            return "\n".join(lines) if lines else None
        if col >= self.FIRST_DATA_COLUMN:
            name = self._headers[col - self.FIRST_DATA_COLUMN]
            lines = [problem_text(p) for p in self.problems(row) if getattr(p, "column", None) == name]
            return "\n".join(lines) if lines else None
        return None

    def _emit_rows_changed(self, sheet_rows: np.ndarray) -> None:
        if sheet_rows.size == 0 or not len(self._order):
            return
        inv = self._inverse_order()
        views = inv[sheet_rows]
        views = views[views >= 0]
        if views.size == 0:
            return
        last_col = self.columnCount() - 1
        self.dataChanged.emit(self.index(int(views.min()), 0), self.index(int(views.max()), last_col))

    def _emit_column_changed(self, col: int) -> None:
        if len(self._order) and self.columnCount():
            self.dataChanged.emit(self.index(0, col), self.index(len(self._order) - 1, col))

    def _emit_all_changed(self) -> None:
        if len(self._order) and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, self.columnCount() - 1))


_NO_STATUSES = np.zeros(0, dtype=object)


def display_column(series: pd.Series) -> np.ndarray:
    """A sheet column as an object array of texts, without copying it when it already is one."""
    if series.dtype == object:
        return series.to_numpy(dtype=object)
    values = series.to_numpy()
    return chunked.build(len(values), object, lambda s: values[s].astype(object))


def status_words(levels: np.ndarray | None, sent: np.ndarray | None, n: int) -> np.ndarray:
    """The status shown for each of ``n`` rows: the sending status where there is one (``sent``,
    None where nothing was sent), else ready/warning/error from the validation ``levels``."""
    words = np.array(["ready", "warning", "error"], dtype=object)
    if levels is None:
        shown = chunked.filled(n, "ready")
    else:
        shown = chunked.build(n, object, lambda s: words[np.clip(levels[s], 0, 2)])
    if sent is not None:
        for s in chunked.slices(n):
            piece = sent[s]
            has = piece != None  # noqa: E711 - elementwise on an object array
            shown[s][has] = piece[has]
    return shown


def status_ranks(levels: np.ndarray | None, sent: np.ndarray | None, n: int) -> np.ndarray:
    """The sort rank of each row's shown status (errors first, as STATUS_RANK says)."""
    by_level = np.array([STATUS_RANK["ready"], STATUS_RANK["warning"], STATUS_RANK["error"]], dtype=np.int64)
    ranks = np.full(n, STATUS_RANK["ready"], dtype=np.int64) if levels is None else by_level[np.clip(levels, 0, 2)]
    if sent is not None:
        for s in chunked.slices(n):
            piece = sent[s]
            has = np.flatnonzero(piece != None)  # noqa: E711
            if len(has):
                ranks[s.start + has] = [STATUS_RANK.get(str(x), 99) for x in piece[has].tolist()]
    return ranks


def _stable_order(keys: np.ndarray, descending: bool) -> np.ndarray:
    """Row indices by ``keys`` (numbers), ties in file order whichever the direction."""
    if descending:
        return np.argsort(-keys, kind="stable")
    return np.argsort(keys, kind="stable")


def problem_text(problem: Any) -> str:
    """One problem as the operator reads it."""
    message = getattr(problem, "message", None)
    return str(message) if message else str(problem)
