"""Keyboard all the way: Tab walks the window in reading order, and every command has its key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog

from phonon_desktop.gui import shortcuts
from window_helpers import open_and_plan


def press_tab_until(qtbot, window, wanted, limit: int = 80) -> list:
    """Press Tab from the focused control until ``wanted`` has the focus; the controls passed."""
    passed = []
    for _ in range(limit):
        current = QApplication.focusWidget()
        if current is wanted:
            return passed
        passed.append(current)
        qtbot.keyClick(current, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {wanted!r}; went through {[type(w).__name__ for w in passed]}")


def test_tab_from_the_table_walks_the_side_panel_down_to_send(qtbot, window, contacts_file):
    window.show()
    qtbot.waitExposed(window)
    open_and_plan(qtbot, window, contacts_file)
    panel = window.mapping_panel
    panel.start.waves_radio.setChecked(True)  # the waves' own controls are in the walk too
    panel._add_key_row("Name", "Name")
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table)

    passed = press_tab_until(qtbot, window, window.send_button)

    variable_column = panel.keys.cellWidget(panel.keys.rowCount() - 1, 1)
    in_order = [window.table, panel.numbers, panel.add_number, panel.up_button, panel.down_button,
                panel.remove_number, panel.country, panel.allow_other_countries, panel.client_id,
                panel.allow_duplicates, panel.start.zone_choice, panel.start.waves_radio, panel.start.when,
                panel.start.wave_calls, panel.start.wave_minutes, panel.keys, variable_column, panel.add_key,
                panel.remove_key, panel.preview_button, panel.test_call_button]
    firsts = [passed.index(w) for w in in_order]  # each control is reached, top to bottom
    assert firsts == sorted(firsts)

    # On from Send, Tab comes round through the toolbar and the filter bar to the table again.
    qtbot.keyClick(window.send_button, Qt.Key.Key_Tab)
    around = press_tab_until(qtbot, window, window.table)
    assert around[:4] == [window.sheet_choice, window.header_row, window.filter_bar.choice, window.filter_bar.text]


def test_tab_while_editing_a_cell_saves_it_and_edits_the_next_one(qtbot, window, contacts_file):
    window.show()
    qtbot.waitExposed(window)
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    name = model.index(0, model.FIRST_DATA_COLUMN + 1)
    window.table.setCurrentIndex(name)
    window.table.edit(name)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Asha Rao")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert model.data(name) == "Asha Rao"
    assert window.table.currentIndex().column() == name.column() + 1  # on to the next cell, as in Excel


def test_open_find_and_undo_are_commands_with_their_keys(qtbot, window, contacts_file, monkeypatch, tmp_path):
    from PySide6.QtCore import QSettings

    from phonon_desktop.gui.secrets import SecretStore
    from phonon_desktop.gui.sending import attach_sending
    from phonon_desktop.gui.settings_store import SettingsStore

    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    attach_sending(window, settings=settings, secrets=SecretStore(), journal_path=tmp_path / "journal.sqlite3")
    window.show()
    qtbot.waitExposed(window)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (asked.append(a), ("", ""))[1])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1  # Ctrl+O asks which list to open

    open_and_plan(qtbot, window, contacts_file)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()

    model = window.table_model
    name = model.index(0, model.FIRST_DATA_COLUMN + 1)
    before = model.data(name)
    model.setData(name, "Changed")
    assert model.data(name) == "Changed"
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.data(name) == before

    # Each of them is a menu command showing its key, and every key of every menu is one of
    # the window's listed shortcuts (no key set somewhere else, none listed twice).
    menu_actions = [a for m in window.menus.values() for a in m.actions()]
    for key in ("Ctrl+O", "Ctrl+F", "Ctrl+Z"):
        assert any(QKeySequence(key) in a.shortcuts() for a in menu_actions), key
    listed = {k.toString() for name in shortcuts.SHORTCUTS for k in shortcuts.keys(name) if not k.isEmpty()}
    used = [k.toString() for a in menu_actions for k in a.shortcuts() if not k.isEmpty()]
    assert set(used) <= listed
    assert len(used) == len(set(used))
    assert any(line.startswith("Preferences") and "Ctrl+," in line for line in window.shortcut_lines())


def test_alt_letters_of_the_menus_tool_bars_and_side_panel_are_all_different(window):
    """Alt plus an underlined letter goes to exactly one place; two with one letter would make
    the operator press it twice and guess."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    def letter(text: str) -> str | None:
        found = re.search(r"&([^&\s])", text.replace("&&", ""))
        return found.group(1).lower() if found else None

    owners: dict[str, list[str]] = {}
    texts = [a.text() for a in window.menuBar().actions()]
    for place in (window.toolbar, window.list_toolbar, window.filter_bar, window.mapping_panel):
        for widget in place.findChildren(QLabel) + place.findChildren(QAbstractButton) + place.findChildren(QGroupBox):
            texts.append(widget.title() if isinstance(widget, QGroupBox) else widget.text())
    for text in texts:
        key = letter(text)
        if key:
            owners.setdefault(key, []).append(text)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
