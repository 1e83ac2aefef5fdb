"""The window's commands: actions with their keys (``gui.shortcuts``), the menus, the two
toolbars and how they fit the window's width, the sandbox badge, and the shortcut list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from phonon_desktop.gui import icons, shortcuts

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QComboBox, QSpinBox, QToolBar

    from phonon_desktop.gui.views.filter_bar import FilterBar
    from phonon_desktop.gui.views.find_bar import FindBar
    from phonon_desktop.gui.views.mapping_panel import MappingPanel
    from phonon_desktop.gui.views.sheet_table import SheetTableView

# The commands on the toolbar, in order (None: a separator); all of them are in the menus too.
TOOLBAR_ACTIONS = ("open", "save_copy", None, "undo", "redo", None, "find", "delete_rows")


class WindowActionsMixin:
    """Actions, menus, toolbars and the keyboard shortcut list."""

    _sandbox: Any
    _fitting_toolbars: bool = False
    actions: dict[str, QAction]
    menus: dict[str, QMenu]
    toolbar: QToolBar
    list_toolbar: QToolBar
    sheet_choice: QComboBox
    header_row: QSpinBox
    undo_stack: QUndoStack
    table: SheetTableView
    filter_bar: FilterBar
    find_bar: FindBar
    mapping_panel: MappingPanel

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

        self._build_toolbars()
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

    def _build_toolbars(self) -> None:
        """Two toolbars: the commands, then the list's sheet and header row. They share one row
        when the window is wide enough; ``fit_toolbars`` decides again at each size, font and list."""
        tb = self.toolbar
        for name in TOOLBAR_ACTIONS:
            if name is None:
                tb.addSeparator()
            else:
                tb.addAction(self.actions[name])
        lists = self.list_toolbar
        sheet_label = QLabel(" &Sheet: ")
        sheet_label.setBuddy(self.sheet_choice)
        lists.addWidget(sheet_label)
        lists.addWidget(self.sheet_choice)
        header_label = QLabel("  Header &row: ")  # Alt+H is the Help menu's
        header_label.setBuddy(self.header_row)
        lists.addWidget(header_label)
        lists.addWidget(self.header_row)

    def fit_toolbars(self) -> None:
        """Keep every toolbar command in sight with its words.

        With large text (Windows' text size, a big font on a high-DPI screen) or a long sheet
        name, one row no longer holds everything, and a toolbar would fold its last commands
        into a "»" menu that operators do not look in. Instead the sheet and header-row
        choosers move to a second row. (The commands alone always fit: the window is never
        narrower than its side panel and table, which grow with the text faster than they do.)
        """
        if self._fitting_toolbars:
            return
        self._fitting_toolbars = True
        try:
            lists = self.list_toolbar
            two_rows = self.toolbar.sizeHint().width() + lists.sizeHint().width() > self.width()
            if two_rows and not self.toolBarBreak(lists):
                self.insertToolBarBreak(lists)
            elif not two_rows and self.toolBarBreak(lists):
                self.removeToolBarBreak(lists)
        finally:
            self._fitting_toolbars = False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)  # type: ignore[misc]
        self.fit_toolbars()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)  # type: ignore[misc]
        if event.type() == QEvent.Type.FontChange:
            # The new font reaches the toolbars' buttons in the same pass: measure afterwards.
            QTimer.singleShot(0, self.fit_toolbars)

    def shortcut_lines(self) -> list[str]:
        """Every menu command that has a key, with its key(s), as the Help lists them."""
        lines = []
        for menu in self.menus.values():
            for act in menu.actions():
                keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty()]
                if keys and act.text():
                    lines.append(f"{act.text().replace('&', ''):<34} {' or '.join(keys)}")
        return lines

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(self.shortcut_lines()))
