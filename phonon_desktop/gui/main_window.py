"""The operator's window: open a list, see it, fix it, map it, choose the start, preview.

Sending attaches to it from outside (``gui.sending.attach_sending``) through the hooks at the
top of ``MainWindow``: the send signals, the current sheet, plan and mapping, the banner, the
status area, read-only rows and the table model's ``set_statuses``.

This module holds the hooks, the wiring of signals to slots, and the work that runs in the
background: reading a list, checking its rows, sorting and filtering. The rest of the window
comes from one mixin per concern: ``window_layout`` (widgets, Tab order), ``window_actions``
(actions, menus, tool bars), ``window_files`` (choosing what to open), ``window_editing``
(undoable edits, Save a copy), ``window_campaign`` (the mapping offered, mapping files, the
summary, Preview, Send requests), ``window_table`` (selection, Find, column widths) and
``window_state`` (page, title, what Send offers).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QPushButton, QWidget

from phonon_desktop.gui import campaign_link, sizes, user_files
from phonon_desktop.gui.models.row_order import RowFilter
from phonon_desktop.gui.models.sheet_model import SheetTableModel
from phonon_desktop.gui.window_actions import WindowActionsMixin
from phonon_desktop.gui.window_campaign import WindowCampaignMixin, column_roles
from phonon_desktop.gui.window_editing import WindowEditingMixin
from phonon_desktop.gui.window_files import KNOWN_SUFFIXES, OPEN_FILTER, WindowFilesMixin  # noqa: F401
from phonon_desktop.gui.window_layout import WindowLayoutMixin
from phonon_desktop.gui.window_state import (  # noqa: F401 - the window's words, imported from here too
    PAGE_EMPTY,
    PAGE_LOADING,
    PAGE_TABLE,
    SEND_LEAVES,
    WindowStateMixin,
    plural_calls,
    send_label,
)
from phonon_desktop.gui.window_table import WindowTableMixin
from phonon_desktop.gui.views.load_preview import LoadPreview
from phonon_desktop.gui.workers.load_worker import Loader, Reader
from phonon_desktop.gui.workers.task import LatestOnly
from phonon_desktop.sheets.model import Sheet


class MainWindow(WindowLayoutMixin, WindowActionsMixin, WindowFilesMixin, WindowEditingMixin,
                 WindowCampaignMixin, WindowTableMixin, WindowStateMixin, QMainWindow):
    # ----- hooks for sending ----------------------------------------------------------------
    send_requested = Signal()
    test_call_requested = Signal()
    sheet_loaded = Signal(object)  # the Sheet, after each load or reload
    plan_changed = Signal(object)  # the Plan (or None), after each (re)validation

    def __init__(self, sandbox: Any = None, reader: Reader | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self._sandbox = sandbox
        self._now = now or (lambda: datetime.now().astimezone())
        self._sheet: Sheet | None = None
        self._plan: Any = None
        self._mapping: Any = None
        self._path: str | None = None
        self._signature: str | None = None
        self._mapping_note = ""  # said above the summary: where the mapping came from, open questions
        self._find_cache: tuple[str, int, list[np.ndarray]] | None = None
        self._edit_generation = 0
        self._sending_busy = False  # set by sending: from Send pressed until the run has ended
        self._send_left: dict[str, int] | None = None  # sendable rows Send leaves alone, by status
        self.menus: dict[str, QMenu] = {}
        self.actions: dict[str, QAction] = {}
        self.undo_stack = QUndoStack(self)
        self.table_model = SheetTableModel(self)
        self.loader = Loader(self, reader)
        self.planner = LatestOnly(self)
        self.orderer = LatestOnly(self)  # sorts and text filters of big lists
        self.table_model.run_heavy = self._run_heavy
        self.setAcceptDrops(True)
        self.resize(1280, 760)
        self._build_ui()
        self._build_actions()
        self._chain_tabs()
        self._connect()
        self._show_page(PAGE_EMPTY)
        self.empty_state.set_recent(user_files.recent_files())
        self._update_title()
        self._update_enabled()
        if sandbox is not None:
            self.show_banner("Sandbox: calls go to a practice server on this computer. Nobody is called.", "info")

    # ----- hooks ------------------------------------------------------------------------------
    def current_sheet(self) -> Sheet | None:
        return self._sheet

    def current_plan(self) -> Any:
        return self._plan

    def current_mapping(self) -> Any:
        return self._mapping

    def source_path(self) -> str | None:
        return self._path

    def sandbox(self) -> Any:
        return self._sandbox

    def show_banner(self, text: str, level: str = "info", action_text: str | None = None,
                    action: Callable[[], object] | None = None) -> None:
        self.banner.show_message(text, level, action_text, action)

    def hide_banner(self) -> None:
        self.banner.hide()

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def set_sending_busy(self, busy: bool) -> None:
        """While a send is prepared, confirmed or running, Send and Test call are off."""
        self._sending_busy = busy
        self._update_enabled()

    def set_rows_read_only(self, rows: np.ndarray | None) -> None:
        self.table_model.set_read_only_rows(rows)
        self._update_enabled()

    @property
    def send_button(self) -> QPushButton:
        return self.mapping_panel.send_button

    @property
    def test_call_button(self) -> QPushButton:
        return self.mapping_panel.test_call_button

    # ----- wiring -----------------------------------------------------------------------------
    def _connect(self) -> None:
        self.empty_state.open_requested.connect(self.choose_file)
        self.empty_state.recent_chosen.connect(self.open_file)
        self.empty_state.sample_requested.connect(self.open_sample)
        self.cancel_load_button.clicked.connect(self.cancel_load)
        self.loader.progress.connect(self._on_load_progress)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.cancelled.connect(self._on_load_cancelled)
        self.planner.done.connect(self._on_planned)
        self.orderer.done.connect(self._on_ordered)
        self.orderer.failed.connect(self._on_order_failed)
        self.planner.failed.connect(self._on_plan_failed)
        self.table_model.edit_requested.connect(self._on_edit_requested)
        self.table.paste_requested.connect(self.paste)
        self.table.copy_requested.connect(self.copy)
        self.table.clear_requested.connect(self.clear_cells)
        self.filter_bar.filter_changed.connect(self.apply_filter)
        self.find_bar.find_requested.connect(self.find)
        self.find_bar.closed.connect(self.table.setFocus)
        self.mapping_panel.mapping_changed.connect(self.replan)
        self.mapping_panel.summary_clicked.connect(self._on_summary_clicked)
        self.mapping_panel.preview_requested.connect(self.preview)
        self.mapping_panel.send_button.clicked.connect(self._request_send)
        self.mapping_panel.test_call_button.clicked.connect(self._request_test_call)
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.indexChanged.connect(self._update_enabled)
        self.sheet_choice.activated.connect(self._on_sheet_chosen)
        self.header_row.valueChanged.connect(self._on_header_row_chosen)
        self.table.selectionModel().selectionChanged.connect(self._update_enabled)
        self.table_model.modelReset.connect(self._update_counts)
        self.table_model.statuses_changed.connect(self._on_statuses_changed)
        self.table_model.layoutChanged.connect(self._update_counts)

    # ----- opening ------------------------------------------------------------------------------
    def open_file(self, path: str, sheet: str | None = None, header_row: int | None = None) -> None:
        """Read a list in the background; its first rows show early, read-only, and the table
        (editable, checked) appears when it is read."""
        if not self._may_discard_edits():
            return
        if not getattr(self, "_preview_connected", False):
            self.loader.preview.connect(self._on_load_preview)
            self._preview_connected = True
        LoadPreview.for_page(self.progress.parentWidget()).clear()
        self.progress.setMinimumWidth(sizes.chars(self.progress, 36))  # "about 448,074 of 1,000,001 rows" on one line
        self._pending = (os.path.abspath(path), sheet, header_row)
        self.loading_label.setText(f"Opening {os.path.basename(path)}…")
        self.progress.setRange(0, 0)
        self._show_page(PAGE_LOADING)
        self.status_label.setText(f"Opening {path}…")
        self.planner.discard()
        self.loader.start(os.path.abspath(path), sheet, header_row)

    def reload(self, sheet: str | None = None, header_row: int | None = None) -> None:
        if self._path:
            self.open_file(self._path, sheet if sheet is not None else (self._sheet.name if self._sheet else None),
                           header_row)

    def cancel_load(self) -> None:
        self.loader.cancel()

    def _on_load_progress(self, rows: int, total: int) -> None:
        # While the file is parsed the reader can only estimate how far it is: "about".
        about = "about " if self.loader.estimated and rows < total else ""
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(rows, total))
            self.progress.setFormat(f"{about}{rows:,} of {total:,} rows")
        else:
            self.progress.setFormat(f"{rows:,} rows")
        if LoadPreview.for_page(self.progress.parentWidget()).is_showing():
            self.loading_label.setText(f"Loading… {about}{rows:,} of {total:,} rows — you can look, editing starts "
                                       "when the list is read." if total > 0 else
                                       "Loading… — you can look, editing starts when the list is read.")

    def _on_load_preview(self, sheet: Sheet) -> None:
        """The first rows of the list being read: shown to look at, nothing editable or sendable."""
        if self.pages.currentIndex() != PAGE_LOADING:
            return
        LoadPreview.for_page(self.progress.parentWidget()).show_sheet(sheet)
        total = next((info.rows for info in sheet.sheets if info.name == sheet.name), 0)
        shown = f"The first {sheet.row_count:,} rows" + (f" of about {total:,}" if total > sheet.row_count else "")
        self.loading_label.setText(f"Loading… {shown} — you can look, editing starts when the list is read.")
        self.status_label.setText(f"Showing the first rows of {os.path.basename(sheet.path)} while it is read.")

    def _on_load_cancelled(self) -> None:
        LoadPreview.for_page(self.progress.parentWidget()).clear()
        self.status_label.setText("Opening cancelled.")
        self._show_page(PAGE_TABLE if self._sheet is not None else PAGE_EMPTY)

    def _on_load_failed(self, message: str) -> None:
        LoadPreview.for_page(self.progress.parentWidget()).clear()
        self._show_page(PAGE_TABLE if self._sheet is not None else PAGE_EMPTY)
        self.status_label.setText("The list could not be opened.")
        path = self._pending[0] if getattr(self, "_pending", None) else None
        self.show_banner(message, "error", "Try again" if path else None,
                         (lambda: self.open_file(path)) if path else None)

    def _on_loaded(self, sheet: Sheet) -> None:
        if self.banner.level == "error":
            self.hide_banner()  # the failure of an earlier attempt no longer applies
        same_file = self._path == sheet.path
        self._path = sheet.path
        self.undo_stack.clear()
        user_files.add_recent_file(sheet.path)
        self.empty_state.set_recent(user_files.recent_files())
        self._set_sheet(sheet)
        self._fill_sheet_choosers(sheet)
        LoadPreview.for_page(self.progress.parentWidget()).clear()
        self._show_page(PAGE_TABLE)
        self._update_title()
        self.table.setFocus()
        # The mapping, then the hidden rows and sending's look-ups, come on later turns of the
        # event loop: the table paints first, and the window never spends ~100 ms in one go. A
        # timer rather than a queued call: queued calls all run before the timers and input
        # that are due, so the window would still not answer in between.
        QTimer.singleShot(1, lambda: self._on_load_shown(sheet, same_file))

    def _on_load_shown(self, sheet: Sheet, same_file: bool) -> None:
        if self._sheet is not sheet:
            return  # another list (or a changed copy) came meanwhile
        self._offer_mapping(sheet, keep_current=same_file)
        QTimer.singleShot(1, lambda: self._on_load_offered(sheet))

    def _on_load_offered(self, sheet: Sheet) -> None:
        if self._sheet is not sheet:
            return
        self._offer_hidden_rows(sheet)
        self.sheet_loaded.emit(sheet)

    def _set_sheet(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._plan = None
        self._find_cache = None
        self.table_model.set_sheet(sheet)
        self._send_left = self._no_sent_rows()
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._size_columns()
        self._update_counts()
        self._update_enabled()

    def replace_sheet(self, sheet: Sheet) -> None:
        """A changed copy of the list (rows left out, or put back by undo); re-plans it."""
        wanted = self.table_model.row_filter
        self._set_sheet(sheet)
        if wanted.active:
            self.table_model.set_filter(wanted)
        self.sheet_loaded.emit(sheet)
        self.replan()

    # ----- mapping and plan ---------------------------------------------------------------------
    def replan(self) -> None:
        """Check every row against the mapping (in the background)."""
        sheet = self._sheet
        if sheet is None:
            return
        obj = self.mapping_panel.mapping_json()
        self.table_model.set_roles(column_roles(obj))
        self._fit_headers()
        try:
            mapping = campaign_link.mapping_from_json(obj)
            mapping.check_columns(list(sheet.headers)) if hasattr(mapping, "check_columns") else None
        except campaign_link.mapping_error_types() as exc:
            self._mapping = None
            self._set_plan(None)
            self.mapping_panel.set_message(getattr(exc, "message", str(exc)))
            return
        except ImportError:
            return
        self._mapping = mapping
        if self._signature:
            user_files.remember_mapping(self._signature, obj)
        now = self._now()
        hours = campaign_link.calling_hours(self)  # Preferences' calling hours, read on this thread
        self.mapping_panel.start.set_calling_hours(hours)
        self.status_label.setText("Checking the rows…")
        self.planner.submit(lambda: campaign_link.plan(sheet, mapping, now=now, calling_hours=hours))

    def _on_planned(self, plan: Any) -> None:
        if self._sheet is None or len(plan.levels) != self._sheet.row_count:
            return  # planned for a list since changed
        notes = [self._mapping_note] + list(getattr(plan, "questions", []) or [])
        self.mapping_panel.set_message("\n".join(n for n in notes if n))
        self._set_plan(plan)
        self.status_label.setText("")

    def _on_plan_failed(self, message: str) -> None:
        self._set_plan(None)
        self.mapping_panel.set_message(message)
        self.status_label.setText("")

    def _set_plan(self, plan: Any) -> None:
        self._plan = plan
        self._send_left = self._no_sent_rows()
        self.table_model.set_plan(plan)
        if self.table_model.row_filter.active:
            self.table_model.set_filter(self.table_model.row_filter)
        self._update_summary()
        self.plan_changed.emit(plan)

    def _no_sent_rows(self) -> dict[str, int] | None:
        """The Send button's count of rows left alone, known at once when nothing was sent yet
        (counting a million statuses on this thread would freeze the window); else None:
        counted when asked."""
        return None if self.table_model.has_sent_statuses() else {}

    def cells_edited(self, rows: list[int]) -> None:
        """After an edit or its undo: re-check only these rows."""
        self._find_cache = None
        self._edit_generation += 1
        if self._plan is not None:
            if len(rows) > 5_000:
                # A big pasted or cleared block: every row is checked again in the background
                # rather than on this thread (seconds on a million rows). Until that check is
                # back there is no plan, so nothing is sent from the check before the edit.
                self._set_plan(None)
                self.replan()
                return
            try:
                self._plan = campaign_link.revalidate(self._plan, rows)
            except Exception as exc:  # noqa: BLE001 - fall back to a full check, never a traceback
                self.status_label.setText(getattr(exc, "message", "Checking all rows again…"))
                self.replan()
                return
            self.table_model.set_plan_rows(self._plan, rows)
            self._send_left = self._no_sent_rows()  # the edited rows may have become sendable, or stopped being
            self._update_summary()
            self.plan_changed.emit(self._plan)

    # ----- view: filter, sort (in the background) ------------------------------------------------
    def apply_filter(self, wanted: RowFilter) -> None:
        self.table_model.set_filter(wanted)

    def _run_heavy(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run a sort or filter of a big list in the background; show its result when done."""
        self._heavy_then = then
        self.status_label.setText("Sorting and filtering…")
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.orderer.submit(work)

    def _on_ordered(self, result: Any) -> None:
        QApplication.restoreOverrideCursor()
        self.status_label.setText("")
        then, self._heavy_then = getattr(self, "_heavy_then", None), None
        if then is not None:
            then(result)

    def _on_order_failed(self, message: str) -> None:
        QApplication.restoreOverrideCursor()
        self.status_label.setText(message)

    # ----- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_discard_edits():
            event.ignore()
            return
        self.loader.cancel()
        self.loader.wait(5000)
        self.planner.wait(30_000)
        self.orderer.wait(30_000)
        super().closeEvent(event)

