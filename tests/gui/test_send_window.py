"""Sending from the window, driven as an operator would, against the sandbox over real sockets."""

from __future__ import annotations

import logging
import time

import keyring
import numpy as np
import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from phonon_desktop.gui.dialogs.history import HistoryDialog
from phonon_desktop.gui.dialogs.send_confirm import SendConfirmDialog, TestCallDialog, UnconfirmedResubmitDialog
from phonon_desktop.gui.main_window import MainWindow
from phonon_desktop.gui.secrets import SecretStore
from phonon_desktop.gui.sending import attach_sending
from phonon_desktop.gui.settings_store import FlowSettings, SettingsStore
from phonon_desktop.gui.status_style import LOOKS, status_style
from phonon_desktop.kairos.sandbox import Sandbox

from window_helpers import MemoryKeyring

CANARY = "CANARY" + "k7" * 29

DESKS: list = []


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("PHONON_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    # A question box left open would hang the run: closing a window answers "don't keep".
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    yield
    while DESKS:  # a failed test must not leave a sending thread behind
        desk = DESKS.pop()
        desk.controller.cancel()
        desk.controller.wait_idle(20_000)
        desk.window.undo_stack.blockSignals(True)  # its signals outliving the window are not ours to test
    keyring.set_keyring(before)


@pytest.fixture
def no_confirmation_expected(monkeypatch):
    def refuse(self):
        raise AssertionError("the sandbox must not ask for confirmation")

    monkeypatch.setattr(SendConfirmDialog, "exec", refuse)


def write_list(path, rows: int, bad: int = 1) -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.write("Customer ID,Name,Mobile\n")
        for i in range(rows):
            f.write(f"C{i:05d},Name {i},98{i:08d}\n")
        for i in range(bad):
            f.write(f"X{i:05d},Bad {i},12345\n")
    return str(path)


class Desk:
    """A window with sending attached, its settings and journal under tmp_path."""

    def __init__(self, qtbot, tmp_path, sandbox=None, flow_url: str | None = None) -> None:
        self.qtbot = qtbot
        self.window = MainWindow(sandbox=sandbox)
        qtbot.addWidget(self.window)
        self.settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        self.secrets = SecretStore()
        if flow_url:
            self.settings.save_flows(
                [FlowSettings("Collections-Dec", "AB12cd34", "url", url=flow_url, rate_per_minute=60_000)]
            )
            self.secrets.set("AB12cd34", CANARY)
        self.controller = attach_sending(
            self.window, settings=self.settings, secrets=self.secrets, journal_path=tmp_path / "journal.sqlite3"
        )
        self.model = self.window.table_model
        DESKS.append(self)

    def open(self, path: str) -> None:
        with self.qtbot.waitSignal(self.window.plan_changed, timeout=20_000, check_params_cb=lambda p: p is not None):
            self.window.open_file(path)
        self.idle()

    def idle(self, timeout: int = 20_000) -> None:
        self.qtbot.waitUntil(lambda: not self.controller.busy and not self.controller._threads, timeout=timeout)

    def send(self) -> None:
        self.window.send_button.click()
        self.idle()

    def statuses(self) -> np.ndarray:
        return self.model.statuses()

    def tooltip(self, row: int) -> str:
        view = self.model.view_row(row)
        return self.model.data(self.model.index(view, self.model.STATUS_COLUMN), Qt.ItemDataRole.ToolTipRole) or ""

    def background(self, row: int):
        view = self.model.view_row(row)
        return self.model.data(self.model.index(view, self.model.STATUS_COLUMN), Qt.ItemDataRole.BackgroundRole)


@pytest.fixture
def box():
    with Sandbox() as sandbox:
        yield sandbox


def test_sandbox_send_colours_rows_batch_by_batch_without_confirmation(qtbot, tmp_path, box, no_confirmation_expected):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 1200))
    calls = []
    original = desk.model.set_statuses
    desk.model.set_statuses = lambda rows, statuses, tooltips=None: (calls.append(list(set(statuses))), original(rows, statuses, tooltips))[1]

    desk.send()

    statuses = desk.statuses()
    assert (statuses[:1200] == "accepted").all()
    assert statuses[1200] == "error"  # the bad number was never sent
    assert len(box.received) == 3  # 1,200 calls: three requests of at most 500
    assert sorted(box.accepted_client_ids()) == [f"C{i:05d}" for i in range(1200)]
    # At most one table update per request (plus "sending" marks), never one per row.
    assert 1 <= sum(s == ["accepted"] for s in calls) <= 3
    assert len(calls) <= 6
    assert desk.background(0) == status_style("accepted")[0]
    tip = desk.tooltip(0)
    request = box.received[0]
    assert "Request id:" in tip and "Phonon uuid:" in tip
    assert request.calls[0]["client-identifier"] == "C00000"
    assert "Sent" in desk.controller.progress.text.text()
    assert desk.window.send_button.isEnabled()


def label_count(text: str) -> int:
    """The number in "Send 7 remaining calls" / "Send 37 calls"."""
    return int(text.split()[1].replace(",", ""))


def not_accepted(desk) -> int:
    sendable = np.asarray(desk.window.current_plan().sendable_rows(), dtype=np.int64)
    return int(np.count_nonzero(~np.isin(desk.statuses()[sendable], ["accepted", "skipped"])))


def test_send_button_counts_only_the_calls_a_press_would_send(qtbot, tmp_path, box):
    from phonon_desktop.gui.app import sample_list_path

    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(str(sample_list_path()))
    button = desk.window.send_button
    sendable = len(desk.window.current_plan().sendable_rows())
    assert button.text() == f"Send {sendable} calls" and button.isEnabled()

    # The whole request is rejected: nothing is left that Send would send (Resubmit would).
    box.inject("code:205")
    desk.send()
    assert int((desk.statuses() == "rejected").sum()) == sendable
    assert button.text() == "Nothing left to send"
    assert "rejected" in button.toolTip()
    before = len(box.received)
    desk.send()  # a press sends nothing and says why
    assert len(box.received) == before
    assert "Nothing to send" in desk.window.banner.text_label.text()

    desk.controller.resubmit_all_rejected()
    desk.idle()
    assert button.text() == "All sendable rows are accepted"
    assert not_accepted(desk) == 0

    # The operator fixes two rows that had errors: Send offers exactly those two.
    model = desk.model
    mobile = model.FIRST_DATA_COLUMN + list(desk.window.current_sheet().headers).index("Mobile")
    fixed = [r for r in np.flatnonzero(desk.window.current_plan().levels >= 2).tolist()
             if not desk.window.current_sheet().data.iloc[r, mobile - model.FIRST_DATA_COLUMN]][:1]
    fixed.append(3)  # "981234567": a digit short
    for row, number in zip(fixed, ["9812999001", "9812345671"]):
        model.setData(model.index(model.view_row(row), mobile), number)
    qtbot.waitUntil(lambda: set(fixed) <= set(np.asarray(desk.window.current_plan().sendable_rows()).tolist()),
                    timeout=10_000)
    qtbot.waitUntil(lambda: button.text() == "Send 2 remaining calls", timeout=5_000)
    assert label_count(button.text()) == not_accepted(desk) == 2

    before = len(box.received)
    desk.send()
    assert len(box.received) == before + 1
    assert sorted(c["client-identifier"] for c in box.received[-1].calls) == sorted(
        str(desk.window.current_sheet().data.iloc[r, 0]) for r in fixed)
    assert button.text() == "All sendable rows are accepted"


def test_send_asks_a_plain_confirmation_and_keeps_the_secret_out_of_files_and_logs(
    qtbot, tmp_path, box, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    desk = Desk(qtbot, tmp_path, flow_url=box.url)
    desk.open(write_list(tmp_path / "list.csv", 600))
    asked = []

    def answer(self, reply):
        asked.append(self.text.text())
        return reply

    monkeypatch.setattr(SendConfirmDialog, "exec", lambda self: answer(self, QDialog.DialogCode.Rejected))
    desk.send()
    assert asked and box.received == []  # "Don't send" sends nothing
    assert (desk.statuses()[:600] == "ready").all()

    monkeypatch.setattr(SendConfirmDialog, "exec", lambda self: answer(self, QDialog.DialogCode.Accepted))
    desk.send()
    assert asked[-1] == "600 calls on flow Collections-Dec (production) starting now; 1 row with errors will not be sent."
    assert (desk.statuses()[:600] == "accepted").all()
    assert len(box.received) == 2
    assert box.received[0].calls and CANARY.encode() in box.received[0].body  # it did go to the server

    # Pressing Send again: everything is already accepted, nothing is re-sent.
    desk.send()
    assert len(box.received) == 2
    assert "already accepted" in desk.window.banner.text_label.text()

    leaks = [p for p in tmp_path.rglob("*") if p.is_file() and CANARY.encode() in p.read_bytes()]
    assert leaks == []
    assert CANARY not in caplog.text


def test_cancel_stops_after_the_request_in_flight(qtbot, tmp_path):
    with Sandbox(latency=0.4) as slow:
        desk = Desk(qtbot, tmp_path, sandbox=slow)
        desk.open(write_list(tmp_path / "list.csv", 2500, bad=0))
        desk.window.send_button.click()
        qtbot.waitUntil(lambda: (desk.statuses() == "accepted").any(), timeout=10_000)
        desk.controller.progress.cancel_button.click()
        desk.idle()
        statuses = desk.statuses()
        accepted = int((statuses == "accepted").sum())
        assert 0 < accepted < 2500
        assert accepted == len(slow.accepted_client_ids())  # every request that left has its answer shown
        assert int((statuses == "not sent").sum()) == 2500 - accepted
        assert not (statuses == "sending").any()
        assert "cancelled" in desk.window.banner.text_label.text().lower()
        # Rows are editable again once sending has ended.
        assert not desk.model.is_read_only(2499)


def test_rows_being_sent_cannot_be_edited_and_send_cannot_fire_twice(qtbot, tmp_path):
    with Sandbox(latency=0.3) as slow:
        desk = Desk(qtbot, tmp_path, sandbox=slow)
        desk.open(write_list(tmp_path / "list.csv", 1000, bad=0))
        qtbot.mouseDClick(desk.window.send_button, Qt.MouseButton.LeftButton)
        desk.window.send_button.click()
        qtbot.waitUntil(lambda: desk.controller.job is not None, timeout=10_000)
        assert desk.model.is_read_only(10)
        assert not desk.window.send_button.isEnabled()
        desk.window.send_requested.emit()  # Ctrl+Enter while sending
        desk.idle()
        ids = slow.accepted_client_ids()
        assert len(ids) == len(set(ids)) == 1000
        assert len(slow.received) == 2


def test_an_account_level_stop_shows_one_banner_and_leaves_rows_not_sent(qtbot, tmp_path, box):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 1200, bad=0))
    box.inject("code:212")
    desk.send()
    statuses = desk.statuses()
    assert (statuses == "not sent").all()
    assert not (statuses == "rejected").any()
    assert len(box.received) == 1  # nothing more after the stop
    banner = desk.window.banner
    assert not banner.isHidden() and banner.level == "error"
    assert "balance" in banner.text_label.text().lower()
    # After the account is topped up, Send continues: every row once.
    desk.send()
    assert sorted(box.accepted_client_ids()) == [f"C{i:05d}" for i in range(1200)]


def test_rejected_rows_fixed_in_place_are_resubmitted(qtbot, tmp_path, box):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 5, bad=0))
    box.inject("code:205")
    desk.send()
    assert (desk.statuses() == "rejected").all()
    assert "Rejected:" in desk.tooltip(2) and "Resubmit" in desk.tooltip(2)

    # The operator fixes row 3's number in place, selects the rejected rows and resubmits them.
    mobile = desk.model.FIRST_DATA_COLUMN + 2
    desk.model.setData(desk.model.index(desk.model.view_row(2), mobile), "9811112222")
    qtbot.waitUntil(lambda: desk.window.current_plan().call(2).contact_numbers == ("919811112222",), timeout=10_000)
    desk.window.select_rows([0, 1, 2, 3, 4])
    desk.controller.resubmit_selected_rejected()
    desk.idle()
    assert (desk.statuses() == "accepted").all()
    assert len(box.received) == 2
    assert box.received[1].calls[2]["contact-numbers"] == ["919811112222"]
    assert box.received[0].sha256 != box.received[1].sha256


def test_unconfirmed_rows_after_a_dropped_connection_need_a_second_confirmation(qtbot, tmp_path, box, monkeypatch):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 700, bad=0))
    box.inject("drop")
    desk.send()
    statuses = desk.statuses()
    assert (statuses[:500] == "unconfirmed").all()
    assert (statuses[500:] == "accepted").all()
    assert "check the Phonon console" in desk.tooltip(0)
    assert "unconfirmed" in desk.window.banner.text_label.text()

    # Send again: unconfirmed rows are held back, never re-sent on their own.
    before = len(box.received)
    desk.send()
    assert len(box.received) == before

    asked = []
    monkeypatch.setattr(UnconfirmedResubmitDialog, "exec", lambda self: asked.append(1) or QDialog.DialogCode.Rejected)
    desk.window.select_rows(np.arange(0, 500))
    desk.controller.resubmit_unconfirmed()
    desk.idle()
    assert asked and len(box.received) == before

    monkeypatch.setattr(UnconfirmedResubmitDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    desk.controller.resubmit_unconfirmed()
    desk.idle()
    assert len(box.received) == before + 1
    assert (desk.statuses() == "accepted").all()


def test_export_writes_status_columns_with_the_table_colours(qtbot, tmp_path, box):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 3, bad=1))
    desk.send()
    out = tmp_path / "results folder é" / "results.xlsx"
    out.parent.mkdir()
    desk.controller.export_results(str(out))
    desk.idle()
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Customer ID", "Name", "Mobile"]
    assert header[3:] == ["Status", "Code", "Message", "Request ID", "Phonon UUID", "Client identifier", "Sent at"]
    first = [c.value for c in ws[2]]
    assert first[1] == "Name 0" and first[2] == "9800000000"
    assert first[3] == "Accepted"
    assert first[6] and first[6] in desk.tooltip(0)  # the request id, as in the row's tooltip
    assert first[7] and first[8] == "C00000"
    assert [c.value for c in ws[5]][3] == "Error"
    assert ws.cell(2, 4).fill.fgColor.rgb[-6:].upper() == LOOKS["accepted"].light[1:].upper()
    assert ws.cell(5, 4).fill.fgColor.rgb[-6:].upper() == LOOKS["error"].light[1:].upper()


def test_reopening_the_list_shows_its_statuses_and_offers_to_continue(qtbot, tmp_path):
    path = write_list(tmp_path / "list.csv", 1500, bad=0)
    with Sandbox(latency=0.3) as slow:
        first = Desk(qtbot, tmp_path, sandbox=slow)
        first.open(path)
        first.window.send_button.click()
        qtbot.waitUntil(lambda: (first.statuses() == "accepted").any(), timeout=10_000)
        first.controller.cancel()
        first.idle()
        sent = int((first.statuses() == "accepted").sum())
        assert 0 < sent < 1500
        first.window.close()

        again = Desk(qtbot, tmp_path, sandbox=slow)
        again.open(path)
        qtbot.waitUntil(lambda: (again.statuses() == "accepted").sum() == sent, timeout=10_000)
        banner = again.window.banner
        qtbot.waitUntil(lambda: "Continue" in banner.action_button.text(), timeout=10_000)
        assert f"{1500 - sent:,} rows not sent yet" in banner.text_label.text()
        assert "Request id:" in again.tooltip(0)

        banner.action_button.click()
        again.idle()
        assert (again.statuses() == "accepted").all()
        ids = slow.accepted_client_ids()
        assert len(ids) == len(set(ids)) == 1500  # nobody called twice


def test_history_lists_the_campaigns_of_this_list(qtbot, tmp_path, box, monkeypatch):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 10, bad=0))
    box.inject("code:205")
    desk.send()
    desk.controller.resubmit_all_rejected()
    desk.idle()
    shown = []
    monkeypatch.setattr(HistoryDialog, "exec", lambda self: shown.append(self) or 0)
    desk.controller.show_history()
    table = shown[0].table
    assert table.rowCount() >= 1
    texts = {table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())}
    assert "10" in texts  # ten accepted
    assert box.received[-1].calls[0]["client-identifier"].startswith("C00000")


def test_test_call_rings_the_operators_phone_and_leaves_the_row_alone(qtbot, tmp_path, box, monkeypatch):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 5, bad=0))

    def fill(self):
        self.number_edit.setText("98765 43210")
        self.row_spin.setValue(4)  # as numbered in the "#" column: file row 4 is the third customer
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TestCallDialog, "exec", fill)
    desk.window.test_call_button.click()
    desk.idle()
    assert len(box.received) == 1
    call = box.received[0].calls[0]
    assert call["contact-numbers"] == ["919876543210"]
    assert call["client-identifier"].startswith("C00002-test-")
    assert {"name": "$flow.key.Name", "value": "Name 2"} in call["keys"]
    assert (desk.statuses() == "ready").all()  # the customer was not called
    assert "Test call accepted" in desk.window.banner.text_label.text()


def test_closing_mid_send_asks_and_waits_for_the_request_in_flight(qtbot, tmp_path, monkeypatch):
    with Sandbox(latency=0.5) as slow:
        desk = Desk(qtbot, tmp_path, sandbox=slow)
        desk.window.show()
        desk.open(write_list(tmp_path / "list.csv", 1500, bad=0))
        monkeypatch.setattr(type(desk.controller), "ask_stop_and_close", lambda self: True)
        desk.window.send_button.click()
        qtbot.waitUntil(lambda: desk.controller.job is not None, timeout=10_000)
        desk.window.close()
        assert desk.window.isVisible()  # still open: the request in flight is awaited
        desk.idle()
        qtbot.waitUntil(lambda: not desk.window.isVisible(), timeout=10_000)
        statuses = desk.statuses()
        assert not (statuses == "sending").any()
        assert int((statuses == "accepted").sum()) == len(slow.accepted_client_ids())


def test_leaving_rows_out_after_sending_keeps_the_other_rows_statuses(qtbot, tmp_path, box):
    desk = Desk(qtbot, tmp_path, sandbox=box)
    desk.open(write_list(tmp_path / "list.csv", 6, bad=1))
    box.inject("code:205")
    desk.send()
    assert list(desk.statuses()) == ["rejected"] * 6 + ["error"]
    desk.window.select_rows([0, 1])
    desk.controller.resubmit_selected_rejected()
    desk.idle()
    accepted_tip = desk.tooltip(1)
    # The operator leaves out the bad row and one rejected row (as numbered 4 in the file).
    desk.window.select_rows([2, 6])
    with qtbot.waitSignal(desk.window.plan_changed, timeout=10_000):
        desk.window.delete_selected_rows()
    assert list(desk.statuses()) == ["accepted", "accepted", "rejected", "rejected", "rejected"]
    assert desk.tooltip(1) == accepted_tip
    desk.controller.resubmit_all_rejected()
    desk.idle()
    assert (desk.statuses() == "accepted").all()
    assert sorted(set(box.accepted_client_ids())) == ["C00000", "C00001", "C00003", "C00004", "C00005"]
