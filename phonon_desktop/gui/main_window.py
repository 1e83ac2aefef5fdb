"""The operator's window: open a list, see it, fix it, map it, choose the start, preview.

Sending attaches to it from outside (``gui.sending.attach_sending``) through the hooks at the
top of ``MainWindow``: the send signals, the current sheet, plan and mapping, the banner, the
status area, read-only rows and the table model's ``set_statuses``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop import APP_NAME
from phonon_desktop.gui import campaign_link, icons, shortcuts, sizes, user_files
from phonon_desktop.gui.models.row_order import RowFilter, rows_containing
from phonon_desktop.gui.models.sheet_model import SheetTableModel
from phonon_desktop.gui.undo_commands import DeleteRows, EditCells
from phonon_desktop.gui.views.banner import Banner
from phonon_desktop.gui.views.empty_state import EmptyState
from phonon_desktop.gui.views.filter_bar import FilterBar
from phonon_desktop.gui.views.find_bar import FindBar
from phonon_desktop.gui.views.mapping_panel import MappingPanel
from phonon_desktop.gui.views.sheet_table import SheetTableView, block_text, parse_block
from phonon_desktop.gui.workers.load_worker import Loader, Reader
from phonon_desktop.gui.workers.task import LatestOnly
from phonon_desktop.sheets.model import Sheet

from phonon_desktop.gui.window_campaign import WindowCampaignMixin, column_roles
from phonon_desktop.gui.window_editing import WindowEditingMixin
from phonon_desktop.gui.window_files import KNOWN_SUFFIXES, OPEN_FILTER, WindowFilesMixin  # noqa: F401
from phonon_desktop.gui.window_state import (  # noqa: F401 - the window's words, used by tests
    PAGE_EMPTY,
    PAGE_LOADING,
    PAGE_TABLE,
    SEND_LEAVES,
    WindowStateMixin,
    plural_calls,
    send_label,
)
from phonon_desktop.gui.window_table import WindowTableMixin


class MainWindow(WindowFilesMixin, WindowEditingMixin, WindowCampaignMixin, WindowTableMixin,
                 WindowStateMixin, QMainWindow):
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

    # ----- building ---------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        self.sheet_choice = QComboBox()
        self.sheet_choice.setAccessibleName("Sheet")
        self.sheet_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1000)
        self.header_row.setAccessibleName("Header row")
        self.header_row.setToolTip("The row of the file that holds the column names")
        self.header_row.setKeyboardTracking(False)  # reload once the number is typed, not per digit

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(6, 4, 6, 4)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.pages = QStackedWidget()
        lay.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.empty_state = EmptyState()
        self.pages.addWidget(self.empty_state)

        loading = QWidget()
        ll = QVBoxLayout(loading)
        ll.addStretch(1)
        self.loading_label = QLabel("Opening…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(sizes.chars(self.progress, 75))
        self.progress.setTextVisible(True)
        self.cancel_load_button = QPushButton(icons.icon("cancel"), "Cancel")
        ll.addWidget(self.loading_label)
        ll.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        ll.addWidget(self.cancel_load_button, 0, Qt.AlignmentFlag.AlignHCenter)
        ll.addStretch(2)
        self.pages.addWidget(loading)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        tl = QVBoxLayout(left)
        tl.setContentsMargins(0, 0, 0, 0)
        self.filter_bar = FilterBar()
        self.table = SheetTableView()
        self.table.setModel(self.table_model)
        self.find_bar = FindBar()
        tl.addWidget(self.filter_bar)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.find_bar)
        self.mapping_panel = MappingPanel(start_box=None)
        self.mapping_panel.start._now = self._now
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.mapping_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        panel_width = max(self.mapping_panel.minimumSizeHint().width(), sizes.chars(self.mapping_panel, 54))
        self.splitter.setSizes([max(self.width() - panel_width, 1), panel_width])
        self.pages.addWidget(self.splitter)

        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

    def _chain_tabs(self) -> None:
        """Tab goes as the operator reads the window: the list's choosers in the toolbar, the
        filter bar, the table, the find bar (when open), then the side panel down to Send."""
        chain = [self.sheet_choice, self.header_row, self.filter_bar.choice, self.filter_bar.text,
                 self.filter_bar.show_all_button, self.table, self.find_bar.edit, self.mapping_panel.numbers]
        for before, after in zip(chain, chain[1:]):
            self.setTabOrder(before, after)
        self.mapping_panel.chain_tabs()

    def _action(self, name: str, text: str, slot: Callable[[], object], icon: str | None = None,
                tip: str | None = None) -> QAction:
        act = QAction(text, self)
        if icon:
            act.setIcon(icons.icon(icon))
        if name in shortcuts.SHORTCUTS:
            act.setShortcuts(shortcuts.keys(name))
        act.setToolTip(f"{tip or text.replace('&', '').rstrip('…')} ({shortcuts.describe(name)})"
                       if name in shortcuts.SHORTCUTS else (tip or text))
        act.triggered.connect(lambda _checked=False: slot())
        self.actions[name] = act
        self.addAction(act)  # shortcuts work wherever the focus is
        return act

    def _build_actions(self) -> None:
        a = self._action
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(shortcuts.keys("undo"))
        undo.setIcon(icons.icon("undo"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(shortcuts.keys("redo"))
        redo.setIcon(icons.icon("redo"))
        self.actions["undo"], self.actions["redo"] = undo, redo
        a("open", "&Open…", self.choose_file, "open", "Open a contact list")
        a("save_copy", "Save a &copy…", self.save_copy, "save_copy", "Save the list with your changes as a new file")
        a("reload", "&Reload from file", self.reload, "reload")
        a("quit", "&Quit", self.close)
        a("find", "&Find…", self.find_bar.open_bar, "find", "Find text in the list")
        a("find_next", "Find &next", lambda: self.find(self.find_bar.edit.text(), False))
        a("find_previous", "Find &previous", lambda: self.find(self.find_bar.edit.text(), True))
        a("paste", "&Paste", self.paste)
        a("copy", "&Copy", self.copy)
        a("clear_cells", "C&lear cells", self.clear_cells)
        a("delete_rows", "&Delete rows", self.delete_selected_rows, "delete_rows", "Leave the selected rows out")
        a("show_problems", "Show rows with &problems", lambda: self.filter_bar.show_choice("Rows with problems"))
        a("show_all", "Show &all rows", self.filter_bar.clear)
        a("focus_table", "Go to the &list", self.table.setFocus)
        a("focus_mapping", "Go to the &campaign panel", self.mapping_panel.numbers.setFocus)
        a("preview", "&Preview…", self.preview, "preview", "See exactly what will be sent")
        a("send", "&Send…", self._request_send, "send")
        a("test_call", "&Test call…", self._request_test_call, "test_call")
        a("open_mapping", "&Open mapping…", self.open_mapping, "mapping_open")
        a("save_mapping", "Save &mapping…", self.save_mapping, "mapping_save")
        a("help_keys", "&Keyboard shortcuts", self.show_shortcuts)
        self.actions["paste"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.actions["copy"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.actions["clear_cells"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.actions["close_find"] = QAction(self)

        bar = self.menuBar()
        for key, title, names in (
            ("file", "&File", ["open", None, "save_copy", "reload", None, "quit"]),
            ("edit", "&Edit", ["undo", "redo", None, "copy", "paste", "clear_cells", "delete_rows", None, "find",
                               "find_next", "find_previous"]),
            ("view", "&View", ["show_problems", "show_all", None, "focus_table", "focus_mapping"]),
            ("campaign", "&Campaign", ["open_mapping", "save_mapping", None, "preview", "test_call", "send"]),
            ("help", "&Help", ["help_keys"]),
        ):
            menu = bar.addMenu(title)
            self.menus[key] = menu
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions[name])
        self.recent_menu = QMenu("Open &recent", self)
        self.menus["file"].insertMenu(self.menus["file"].actions()[1], self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

        tb = self.toolbar
        for name in ("open", "save_copy", None, "undo", "redo", None, "find", "delete_rows"):
            if name is None:
                tb.addSeparator()
            else:
                tb.addAction(self.actions[name])
        tb.addSeparator()
        sheet_label = QLabel(" &Sheet: ")
        sheet_label.setBuddy(self.sheet_choice)
        tb.addWidget(sheet_label)
        tb.addWidget(self.sheet_choice)
        header_label = QLabel("  &Header row: ")
        header_label.setBuddy(self.header_row)
        tb.addWidget(header_label)
        tb.addWidget(self.header_row)
        if self._sandbox is not None:
            # Always in sight, unlike a banner that other messages replace or the operator closes;
            # in the menu bar's corner, which (unlike the toolbar) never folds it away when large
            # text makes the toolbar too long for the window.
            self.sandbox_badge = QLabel(" SANDBOX · practice server · nobody is called ")
            self.sandbox_badge.setObjectName("sandboxBadge")
            self.sandbox_badge.setToolTip(
                "Every call goes to a practice server on this computer. Start the program "
                "without --sandbox to send real calls."
            )
            self.sandbox_badge.setStyleSheet(
                "#sandboxBadge { background: #6a1b9a; color: white; font-weight: bold; "
                "border-radius: 4px; padding: 3px 6px; }"
            )
            self.menuBar().setCornerWidget(self.sandbox_badge, Qt.Corner.TopRightCorner)

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
        """Read a list in the background; the table appears when it is read."""
        if not self._may_discard_edits():
            return
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
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(rows, total))
            self.progress.setFormat(f"{rows:,} of {total:,} rows")
        else:
            self.progress.setFormat(f"{rows:,} rows")

    def _on_load_cancelled(self) -> None:
        self.status_label.setText("Opening cancelled.")
        self._show_page(PAGE_TABLE if self._sheet is not None else PAGE_EMPTY)

    def _on_load_failed(self, message: str) -> None:
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
        self._show_page(PAGE_TABLE)
        self._update_title()
        self.table.setFocus()
        self._offer_mapping(sheet, keep_current=same_file)
        self._offer_hidden_rows(sheet)
        self.sheet_loaded.emit(sheet)

    def _set_sheet(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._plan = None
        self._send_left = None
        self._find_cache = None
        self.table_model.set_sheet(sheet)
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
        self.status_label.setText("Checking the rows…")
        self.planner.submit(lambda: campaign_link.plan(sheet, mapping, now=now))

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
        self._send_left = None
        self.table_model.set_plan(plan)
        if self.table_model.row_filter.active:
            self.table_model.set_filter(self.table_model.row_filter)
        self._update_summary()
        self.plan_changed.emit(plan)

    def cells_edited(self, rows: list[int]) -> None:
        """After an edit or its undo: re-check only these rows."""
        self._find_cache = None
        self._edit_generation += 1
        if self._plan is not None:
            try:
                self._plan = campaign_link.revalidate(self._plan, rows)
            except Exception as exc:  # noqa: BLE001 - fall back to a full check, never a traceback
                self.status_label.setText(getattr(exc, "message", "Checking all rows again…"))
                self.replan()
                return
            self.table_model.set_plan_rows(self._plan, rows)
            self._send_left = None  # the edited rows may have become sendable, or stopped being
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

    # ----- help ----------------------------------------------------------------------------------
    def shortcut_lines(self) -> list[str]:
        """Every menu command that has a key, with its key(s), as the Help lists them."""
        from PySide6.QtGui import QKeySequence

        lines = []
        for menu in self.menus.values():
            for act in menu.actions():
                keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty()]
                if keys and act.text():
                    lines.append(f"{act.text().replace('&', ''):<34} {' or '.join(keys)}")
        return lines

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(self.shortcut_lines()))

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

