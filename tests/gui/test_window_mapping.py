"""Mapping the columns, choosing the start time, saving and reopening the mapping, preview."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone

from window_helpers import FIXED_NOW, contact_rows, open_and_plan, write_contacts

HEADERS = ["Customer ID", "Name", "Mobile", "Alt Mobile", "Language", "Amount Due"]


def rich_rows(n: int) -> list[list[object]]:
    return [[f"C{i:03d}", f"Customer {i}", f"98{i:08d}", f"97{i:08d}" if i % 2 else "", "Hindi", str(100 + i)]
            for i in range(1, n + 1)]


def header_text(window, name):
    model = window.table_model
    return model.headerData(model.FIRST_DATA_COLUMN + window.current_sheet().headers.index(name),
                            Qt.Orientation.Horizontal)


def wait_replan(qtbot, window, change):
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        change()
    return window.current_plan()


def test_proposed_mapping_is_shown_and_column_roles_appear_in_the_headers(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "rich.xlsx", rich_rows(8), headers=HEADERS)
    open_and_plan(qtbot, window, path)
    panel = window.mapping_panel
    assert [panel.numbers.item(i).text() for i in range(panel.numbers.count())] == ["Mobile", "Alt Mobile"]
    assert panel.client_id.currentText() == "Customer ID"
    assert header_text(window, "Mobile") == "Mobile\nNumber 1"
    assert header_text(window, "Alt Mobile") == "Alt Mobile\nNumber 2"
    assert header_text(window, "Customer ID") == "Customer ID\nID"
    assert "$flow.key." in header_text(window, "Name")


def test_reorder_numbers_generate_ids_and_edit_flow_variables(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "rich.xlsx", rich_rows(8), headers=HEADERS)
    open_and_plan(qtbot, window, path)
    panel = window.mapping_panel
    panel.numbers.setCurrentRow(1)
    plan = wait_replan(qtbot, window, panel.up_button.click)  # Alt Mobile is dialled first now
    assert window.current_mapping().contact_numbers == ["Alt Mobile", "Mobile"]
    assert header_text(window, "Alt Mobile") == "Alt Mobile\nNumber 1"
    assert plan.contact_numbers(0) == ("919700000001", "919800000001")
    plan = wait_replan(qtbot, window, lambda: panel.client_id.setCurrentIndex(0))  # generated ids
    assert window.current_mapping().client_identifier is None
    assert len(set(plan.client_ids)) == 8
    # flow variables: remove all, add one named Due from Amount Due, then rename it
    while panel.keys.rowCount():
        panel.keys.setCurrentCell(0, 0)
        panel.remove_key.click()
    panel.add_key.click()
    panel.keys.item(0, 0).setText("Due")
    combo = panel.keys.cellWidget(0, 1)
    wait_replan(qtbot, window, lambda: combo.setCurrentIndex(combo.findText("Amount Due")))
    assert window.current_mapping().keys == {"Due": "Amount Due"}
    assert header_text(window, "Amount Due") == "Amount Due\n$flow.key.Due"
    wait_replan(qtbot, window, lambda: panel.keys.item(0, 0).setText("AmountDue"))
    assert window.current_mapping().keys == {"AmountDue": "Amount Due"}
    assert window.current_plan().call(0).keys == (("AmountDue", "101"),)


def test_a_bad_variable_name_is_explained_and_nothing_is_sendable(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "rich.xlsx", rich_rows(4), headers=HEADERS)
    open_and_plan(qtbot, window, path)
    panel = window.mapping_panel
    with qtbot.waitSignal(window.plan_changed, timeout=20_000) as blocker:
        panel.keys.item(0, 0).setText("Customer Name!")
    assert blocker.args == [None]
    assert "Customer Name!" in panel.message.text()
    assert not window.send_button.isEnabled()


def test_save_a_mapping_and_open_it_again(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "rich.xlsx", rich_rows(6), headers=HEADERS)
    open_and_plan(qtbot, window, path)
    panel = window.mapping_panel
    panel.numbers.setCurrentRow(1)
    wait_replan(qtbot, window, panel.remove_number.click)  # Mobile only
    saved = tmp_path / "my mapping.json"
    assert window.save_mapping_to(str(saved))
    on_disk = json.loads(saved.read_text(encoding="utf-8"))
    assert on_disk["contact_numbers"] == ["Mobile"]
    assert on_disk["sheet"] == "Contacts" and on_disk["header_row"] == 1
    # change it, then reopen the file: the panel shows the saved mapping again
    wait_replan(qtbot, window, lambda: panel.add_number.activated.emit(panel.add_number.findText("Alt Mobile")))
    assert window.current_mapping().contact_numbers == ["Mobile", "Alt Mobile"]
    wait_replan(qtbot, window, lambda: window.open_mapping_from(str(saved)))
    assert window.current_mapping().contact_numbers == ["Mobile"]


def test_a_mapping_naming_a_missing_column_is_refused_in_plain_words(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "rich.xlsx", rich_rows(3), headers=HEADERS)
    open_and_plan(qtbot, window, path)
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"contact_numbers": ["Phone Number"]}), encoding="utf-8")
    assert not window.open_mapping_from(str(bad))
    assert "Phone Number" in window.banner.text_label.text()
    assert window.current_mapping().contact_numbers == ["Mobile", "Alt Mobile"]


def test_the_last_mapping_for_the_same_headers_is_offered_automatically(qtbot, window, tmp_path):
    first = write_contacts(tmp_path / "monday.xlsx", rich_rows(3), headers=HEADERS)
    open_and_plan(qtbot, window, first)
    panel = window.mapping_panel
    panel.numbers.setCurrentRow(0)
    wait_replan(qtbot, window, panel.remove_number.click)  # the operator dials only Alt Mobile
    second = write_contacts(tmp_path / "tuesday.xlsx", rich_rows(5), headers=list(reversed(HEADERS)))
    from phonon_desktop.gui.main_window import MainWindow

    other = MainWindow(now=lambda: FIXED_NOW)
    qtbot.addWidget(other)
    open_and_plan(qtbot, other, second)
    assert other.current_mapping().contact_numbers == ["Alt Mobile"]
    assert "last time" in other.mapping_panel.message.text()


def test_pick_one_start_time_in_india_time_with_warnings(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    box = window.mapping_panel.start
    box.machine_zone = ZoneInfo("Europe/London")
    wait_replan(qtbot, window, box.at_radio.click)
    assert box.when.isVisibleTo(box) and box.when.calendarPopup()
    assert box.zone_caption.text() == "India time"
    # 1 Dec 2026 10:30 India time
    wait_replan(qtbot, window, lambda: box.when.setDateTime(QDateTime(QDate(2026, 12, 1), QTime(10, 30), QTimeZone.utc())))
    assert window.current_mapping().start_time.at == datetime(2026, 12, 1, 10, 30, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert window.current_plan().call(0).start_time == "2026-12-01T10:30:00+05:30"
    assert box.local_label.text() == "10:30 India time = 05:00 on this computer (GMT)"
    assert not box.warning_label.text()
    # at night: warned, and the rows say so too
    wait_replan(qtbot, window, lambda: box.when.setTime(QTime(22, 0)))
    assert "outside the calling hours 09:00–21:00" in box.warning_label.text()
    # yesterday: a past date
    wait_replan(qtbot, window, lambda: box.when.setDateTime(QDateTime(QDate(2026, 11, 26), QTime(10, 0), QTimeZone.utc())))
    assert "past date" in box.warning_label.text()
    assert window.send_button.text() == "Send 0 calls" or not window.send_button.isEnabled()


def test_same_zone_shows_no_conversion(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    box = window.mapping_panel.start
    box.machine_zone = ZoneInfo("Asia/Kolkata")
    wait_replan(qtbot, window, box.at_radio.click)
    assert box.local_label.text() == "" and not box.local_label.isVisibleTo(box)


def test_waves_spread_the_calls_and_warn_when_the_last_wave_runs_late(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "many.xlsx", contact_rows(30))
    open_and_plan(qtbot, window, path)
    box = window.mapping_panel.start
    box.wave_calls.setValue(10)
    box.wave_minutes.setValue(60)
    box.set_start(datetime(2026, 12, 1, 19, 0, tzinfo=ZoneInfo("Asia/Kolkata")))
    wait_replan(qtbot, window, box.waves_radio.click)
    start = window.current_mapping().start_time
    assert (start.kind, start.spread_calls, start.spread_every_minutes) == ("spread", 10, 60)
    plan = window.current_plan()
    assert plan.call(0).start_time == "2026-12-01T19:00:00+05:30"
    assert plan.call(29).start_time == "2026-12-01T21:00:00+05:30"
    assert "outside" not in box.warning_label.text()
    wait_replan(qtbot, window, lambda: box.wave_calls.setValue(5))  # six waves: the last at 00:00
    assert "The last wave would start at 00:00" in box.warning_label.text()


def test_start_from_a_column(qtbot, window, tmp_path):
    rows = [r + ["2026-12-01 11:00"] for r in contact_rows(3)]
    path = write_contacts(tmp_path / "times.xlsx", rows, headers=["Customer ID", "Name", "Mobile", "Language", "When"])
    open_and_plan(qtbot, window, path)
    box = window.mapping_panel.start
    box.column.setCurrentIndex(box.column.findText("When"))
    wait_replan(qtbot, window, box.column_radio.click)
    assert window.current_mapping().start_time.column == "When"
    assert window.current_plan().call(0).start_time == "2026-12-01T11:00:00+05:30"
    assert "Start" in header_text(window, "When").split("\n")[1].split(", ")


def test_preview_shows_the_first_request_with_the_secret_hidden(qtbot, window, contacts_file):
    from phonon_desktop.gui.dialogs.preview import PreviewDialog

    open_and_plan(qtbot, window, contacts_file)
    PreviewDialog.flow_choice = staticmethod(lambda: ("1.0", "AbCd1234", "S" * 60 + "WXYZ"))
    try:
        dialog = PreviewDialog(window.current_plan(), window.current_sheet(), window.current_mapping(), window)
        qtbot.addWidget(dialog)
        body = json.loads(dialog.text.toPlainText())
        assert body["security-id"] == "••••WXYZ"
        assert body["flow-id"] == "AbCd1234"
        assert len(body["calls"]) == 10
        assert body["calls"][0]["contact-numbers"] == ["919800000001"]
        qtbot.waitUntil(lambda: "calls in" in dialog.sizes_label.text(), timeout=20_000)
        assert dialog.sizes_label.text().startswith("10 calls in 1 request")
        dialog.reject()
    finally:
        PreviewDialog.flow_choice = None
