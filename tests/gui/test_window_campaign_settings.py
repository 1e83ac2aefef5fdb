"""The campaign's own settings in the side panel: the country of numbers without a country
code, allowing a number twice, and the calls' time zone, as an operator changes them."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtTest import QTest

from window_helpers import FIXED_NOW, contact_rows, open_and_plan, write_contacts

UAE_MOBILE = "501234567"  # 050 123 4567 written without its trunk 0: nine digits


def wait_replan(qtbot, window, change):
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        change()
    return window.current_plan()


def problems(plan, row):
    return " ".join(p.message for p in plan.problems_for(row))


def pick(qtbot, chooser, typed: str, wanted: str) -> None:
    """Type part of an entry into a searchable chooser and take the first match with Enter."""
    chooser.setFocus()
    chooser.lineEdit().selectAll()
    QTest.keyClicks(chooser.lineEdit(), typed)
    popup = chooser.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert popup.model().rowCount() >= 1
    assert popup.model().index(0, 0).data() == wanted
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)


def test_numbers_of_another_country_a_uae_number_becomes_valid(qtbot, window, tmp_path):
    rows = contact_rows(4)
    rows[3][2] = UAE_MOBILE
    plan = open_and_plan(qtbot, window, write_contacts(tmp_path / "dubai.xlsx", rows))
    panel = window.mapping_panel
    assert panel.country.currentText() == "India (+91)"
    assert plan.levels[3] >= 2 and UAE_MOBILE in problems(plan, 3)
    model = window.table_model
    status, mobile = model.index(3, model.STATUS_COLUMN), model.index(3, model.FIRST_DATA_COLUMN + 2)
    assert model.data(status) == "Error"
    assert UAE_MOBILE in (model.data(mobile, Qt.ItemDataRole.ToolTipRole) or "")
    tint = model.data(mobile, Qt.ItemDataRole.BackgroundRole)

    window.show()
    plan = wait_replan(qtbot, window, lambda: pick(qtbot, panel.country, "emirates", "United Arab Emirates (+971)"))

    assert panel.country.value() == "AE"
    assert window.current_mapping().default_country == "AE"
    assert plan.levels[3] == 0
    assert plan.contact_numbers(3)[0] == "971501234567"
    assert model.data(status) == "Ready"  # what the operator sees: the row is ready, its tint gone
    assert model.data(mobile, Qt.ItemDataRole.BackgroundRole) != tint
    assert not model.data(mobile, Qt.ItemDataRole.ToolTipRole)


def test_a_typed_text_that_matches_no_country_leaves_the_choice_as_it_was(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    country = window.mapping_panel.country
    country.lineEdit().setText("Atlantis")
    country.lineEdit().editingFinished.emit()
    assert country.currentText() == "India (+91)" and country.value() == "IN"


def test_allowing_a_number_twice_turns_the_duplicate_error_into_a_warning(qtbot, window, tmp_path):
    rows = contact_rows(5)
    rows[4][2] = rows[1][2]  # the same customer number in rows 2 and 5 of the list
    plan = open_and_plan(qtbot, window, write_contacts(tmp_path / "twice.xlsx", rows))
    panel = window.mapping_panel
    assert plan.levels[4] >= 2 and plan.levels[1] == 0
    assert "✖ error" in panel.summary.text()
    assert "1 ✖ error" in panel.summary.text()

    plan = wait_replan(qtbot, window, panel.allow_duplicates.click)

    assert window.current_mapping().allow_duplicates is True
    assert plan.levels[4] == 1  # still pointed out, no longer held back
    assert "0 ✖ errors" in panel.summary.text()
    assert window.send_button.text() == "Send 5 calls"


def test_changing_the_zone_changes_the_start_warning_and_the_times_sent(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    box = window.mapping_panel.start
    box.machine_zone = ZoneInfo("Asia/Kolkata")
    assert box.zone_choice.currentText() == "Asia/Kolkata (India)"
    wait_replan(qtbot, window, box.at_radio.click)
    # 10:00 today: already passed in India (it is 11:30 there)
    wait_replan(qtbot, window, lambda: box.when.setDateTime(
        QDateTime(QDate(2026, 11, 27), QTime(10, 0), QTimeZone.utc())))
    assert "has already passed" in box.warning_label.text()
    assert box.local_label.text() == ""

    window.show()
    plan = wait_replan(qtbot, window, lambda: pick(qtbot, box.zone_choice, "london", "Europe/London (United Kingdom)"))

    # 10:00 in London is still to come (it is 06:00 there), and India's time is said beside it
    assert window.current_mapping().timezone == "Europe/London"
    assert not box.warning_label.text()
    assert box.zone_caption.text() == "London time"
    assert box.local_label.text() == "10:00 London time = 15:30 India time"
    assert plan.call(0).start_time == "2026-11-27T10:00:00+00:00"


def test_a_start_in_another_zone_is_also_shown_on_this_computers_clock(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    box = window.mapping_panel.start
    box.machine_zone = ZoneInfo("America/New_York")
    box.set_zone("Asia/Dubai")
    box.at_radio.click()
    box.when.setDateTime(QDateTime(QDate(2026, 12, 1), QTime(1, 30), QTimeZone.utc()))
    assert box.local_label.text() == ("01:30 Dubai time = 03:00 India time = 16:30 Mon 30 Nov on this computer (EST)")


def test_the_settings_are_saved_with_the_mapping_and_offered_again_for_the_same_headers(qtbot, window, tmp_path):
    from phonon_desktop.gui.main_window import MainWindow

    first = write_contacts(tmp_path / "first.xlsx", contact_rows(4))
    open_and_plan(qtbot, window, first)
    panel = window.mapping_panel
    wait_replan(qtbot, window, lambda: panel.country.setCurrentIndex(panel.country.findData("AE")))
    wait_replan(qtbot, window, panel.allow_duplicates.click)
    wait_replan(qtbot, window, panel.allow_other_countries.click)
    wait_replan(qtbot, window, lambda: panel.start.zone_choice.setCurrentIndex(
        panel.start.zone_choice.findData("Asia/Dubai")))

    saved = tmp_path / "dubai mapping.json"
    assert window.save_mapping_to(str(saved))
    obj = json.loads(saved.read_text(encoding="utf-8"))
    assert (obj["timezone"], obj["default_country"], obj["allow_duplicates"], obj["allow_other_countries"]) == (
        "Asia/Dubai", "AE", True, True)

    other = MainWindow(now=lambda: FIXED_NOW)
    qtbot.addWidget(other)
    open_and_plan(qtbot, other, write_contacts(tmp_path / "second.xlsx", contact_rows(3)))
    shown = other.mapping_panel
    assert shown.country.currentText() == "United Arab Emirates (+971)"
    assert shown.start.zone_choice.currentText() == "Asia/Dubai (United Arab Emirates)"
    assert shown.allow_duplicates.isChecked() and shown.allow_other_countries.isChecked()
    assert other.current_mapping().timezone == "Asia/Dubai"


def test_opening_a_mapping_file_shows_its_settings(qtbot, window, contacts_file, tmp_path):
    open_and_plan(qtbot, window, contacts_file)
    path = tmp_path / "gb.json"
    path.write_text(json.dumps({"contact_numbers": ["Mobile"], "timezone": "Europe/London",
                                "default_country": "GB"}), encoding="utf-8-sig")
    plan = wait_replan(qtbot, window, lambda: window.open_mapping_from(str(path)))
    panel = window.mapping_panel
    assert panel.country.value() == "GB" and panel.start.zone == "Europe/London"
    assert not panel.allow_duplicates.isChecked()
    assert plan is window.current_plan() and window.current_mapping().default_country == "GB"


def test_saving_a_mapping_where_it_cannot_be_written_says_so(qtbot, window, contacts_file, tmp_path):
    open_and_plan(qtbot, window, contacts_file)
    target = tmp_path / "no such folder" / "mapping.json"
    assert not window.save_mapping_to(str(target))
    assert window.banner.level == "error"
    assert str(target) in window.banner.text_label.text()


def test_a_new_list_starts_in_the_time_zone_chosen_in_preferences(qtbot, window, contacts_file, tmp_path):
    from dataclasses import replace

    from PySide6.QtCore import QSettings

    from phonon_desktop.gui.secrets import SecretStore
    from phonon_desktop.gui.sending import attach_sending
    from phonon_desktop.gui.settings_store import SettingsStore

    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.save_defaults(replace(settings.defaults(), time_zone="Asia/Singapore"))
    attach_sending(window, settings=settings, secrets=SecretStore(), journal_path=tmp_path / "journal.sqlite3")

    open_and_plan(qtbot, window, contacts_file)

    assert window.mapping_panel.start.zone_choice.currentText() == "Asia/Singapore (Singapore)"
    assert window.current_mapping().timezone == "Asia/Singapore"
