"""The calling hours set in Preferences count in the window: the rows' warnings, the summary,
and a change of hours saved in Preferences re-checks the open list at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, QSettings, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QDialog

from phonon_desktop.gui.dialogs.preferences import PreferencesDialog
from phonon_desktop.gui.main_window import MainWindow
from phonon_desktop.gui.secrets import SecretStore
from phonon_desktop.gui.sending import attach_sending
from phonon_desktop.gui.settings_store import SendDefaults, SettingsStore

from window_helpers import FIXED_NOW, MemoryKeyring, contact_rows, open_and_plan, write_contacts



@pytest.fixture
def settings(tmp_path):
    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def sending_window(qtbot, tmp_path, settings):
    window = MainWindow(now=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    attach_sending(window, settings=settings, secrets=SecretStore(MemoryKeyring()),
                   journal_path=tmp_path / "journal.sqlite3")
    return window


def start_at(qtbot, window, hour: int, minute: int):
    """Choose "At one time", 1 Dec 2026 at this India time, and wait for the rows to be checked."""
    box = window.mapping_panel.start
    if not box.at_radio.isChecked():
        with qtbot.waitSignal(window.plan_changed, timeout=20_000):
            box.at_radio.click()
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        box.when.setDateTime(QDateTime(QDate(2026, 12, 1), QTime(hour, minute), QTimeZone.utc()))
    plan = window.current_plan()
    assert plan.call(0).start_time == f"2026-12-01T{hour:02d}:{minute:02d}:00+05:30"
    return plan


def summary(window) -> str:
    return window.mapping_panel.summary.text()


def row_words(window, row: int) -> str:
    return " ".join(p.message for p in window.current_plan().problems_for(row))


def status_tooltip(window, row: int) -> str:
    model = window.table_model
    index = model.index(model.view_row(row), model.STATUS_COLUMN)
    return model.data(index, Qt.ItemDataRole.ToolTipRole) or ""


def test_a_0930_start_is_warned_with_the_hours_set_in_preferences(qtbot, tmp_path, settings, contacts_file):
    settings.save_defaults(SendDefaults(calling_from="10:00", calling_until="19:00"))
    window = sending_window(qtbot, tmp_path, settings)
    open_and_plan(qtbot, window, contacts_file)
    start_at(qtbot, window, 9, 30)
    # 12 rows: two with a bad or missing number (errors), the ten others warned.
    assert "10 ⚠ warnings" in summary(window) and "2 ✖ errors" in summary(window)
    assert "outside your calling hours 10:00–19:00 (Preferences)" in row_words(window, 0)
    assert "10:00–19:00" in status_tooltip(window, 0)
    # The start box under the chosen time says it too, before the operator looks at any row.
    box = window.mapping_panel.start
    assert box.warning_label.isVisibleTo(window)
    assert "09:30 India time, outside the calling hours 10:00–19:00" in box.warning_label.text()


def test_wider_hours_in_preferences_do_not_lift_indias_rule(qtbot, tmp_path, settings, contacts_file):
    settings.save_defaults(SendDefaults(calling_from="08:00", calling_until="22:00"))
    window = sending_window(qtbot, tmp_path, settings)
    open_and_plan(qtbot, window, contacts_file)
    start_at(qtbot, window, 8, 30)
    assert "10 ⚠ warnings" in summary(window)
    words = row_words(window, 0)
    assert "outside 09:00–21:00 in India, when commercial calls are allowed" in words
    assert "your calling hours" not in words


def test_saving_new_hours_in_preferences_changes_the_open_lists_summary_at_once(
        qtbot, tmp_path, settings, contacts_file, monkeypatch):
    window = sending_window(qtbot, tmp_path, settings)
    open_and_plan(qtbot, window, contacts_file)
    start_at(qtbot, window, 9, 30)
    assert "10 ready" in summary(window) and "0 ⚠ warnings" in summary(window)  # 09:00–21:00 by default

    def choose_hours(start: QTime, until: QTime):
        def exec_(dialog: PreferencesDialog):
            dialog.calling_from.setTime(start)
            dialog.calling_until.setTime(until)
            dialog.accept()
            return QDialog.DialogCode.Accepted if dialog.result() == QDialog.DialogCode.Accepted else QDialog.DialogCode.Rejected
        return exec_

    monkeypatch.setattr(PreferencesDialog, "exec", choose_hours(QTime(10, 0), QTime(19, 0)))
    with qtbot.waitSignal(window.plan_changed, timeout=20_000, check_params_cb=lambda p: p is not None):
        window.send_controller.open_preferences()
    assert settings.defaults().calling_from == "10:00"
    assert "0 ready" in summary(window) and "10 ⚠ warnings" in summary(window)
    assert "outside your calling hours 10:00–19:00 (Preferences)" in row_words(window, 0)

    # Hours that take 09:30 in again: the warnings go.
    monkeypatch.setattr(PreferencesDialog, "exec", choose_hours(QTime(9, 0), QTime(18, 0)))
    with qtbot.waitSignal(window.plan_changed, timeout=20_000, check_params_cb=lambda p: p is not None):
        window.send_controller.open_preferences()
    assert "10 ready" in summary(window) and "0 ⚠ warnings" in summary(window)



def test_an_edited_start_time_is_checked_against_the_hours_from_preferences(qtbot, tmp_path, settings):
    settings.save_defaults(SendDefaults(calling_from="10:00", calling_until="19:00"))
    window = sending_window(qtbot, tmp_path, settings)
    rows = [r + ["2026-12-01 11:00"] for r in contact_rows(3)]
    open_and_plan(qtbot, window, write_contacts(tmp_path / "times.xlsx", rows,
                                                headers=["Customer ID", "Name", "Mobile", "Language", "When"]))
    box = window.mapping_panel.start
    box.column.setCurrentIndex(box.column.findText("When"))
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        box.column_radio.click()
    assert "3 ready" in summary(window)
    model = window.table_model
    when = model.FIRST_DATA_COLUMN + window.current_sheet().headers.index("When")
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        model.setData(model.index(model.view_row(1), when), "2026-12-01 09:45")  # as the operator types it
    assert "2 ready" in summary(window) and "1 ⚠ warning" in summary(window)
    assert "outside your calling hours 10:00–19:00 (Preferences)" in row_words(window, 1)


def test_without_sending_attached_the_window_keeps_nine_to_nine(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    start_at(qtbot, window, 9, 30)
    assert "10 ready" in summary(window)
    start_at(qtbot, window, 21, 30)
    assert "10 ⚠ warnings" in summary(window)
    assert "outside 09:00–21:00 in India" in row_words(window, 0)
