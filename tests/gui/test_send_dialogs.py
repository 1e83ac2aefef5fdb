"""What the operator reads before and while sending: the confirmation, the status looks, the legend."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtGui import QPalette

from phonon_desktop.gui.dialogs.send_confirm import (
    SendConfirmDialog,
    SendSummary,
    TestCallDialog,
    UnconfirmedResubmitDialog,
    confirmation_text,
    start_words,
    own_phone_number,
)
from phonon_desktop.gui.status_style import LOOKS, StatusLegend, StatusStyle, canonical

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=timezone.utc)


def test_confirmation_reads_as_the_operator_expects():
    summary = SendSummary(
        calls=1180,
        flow_name="Collections-Dec",
        api_version="1.0",
        start=start_words("2026-12-01T10:30:00+05:30", NOW),
        requests=3,
        error_rows=9,
        skipped=40,
        skipped_when="26 Nov",
    )
    assert confirmation_text(summary) == (
        "1,180 calls on flow Collections-Dec (production) starting 1 Dec 10:30 India time; "
        "9 rows with errors will not be sent; 40 rows already accepted on 26 Nov are skipped."
    )


def test_confirmation_names_the_testing_version_and_a_start_in_the_past_as_now():
    text = confirmation_text(
        SendSummary(calls=1, flow_name="Reminders", api_version="TEST", start=start_words("2026-11-01T10:00:00+05:30", NOW))
    )
    assert text == "1 call on flow Reminders (testing version) starting now."
    assert start_words("2026-12-01T10:30:00+04:00", NOW) == "starting 1 Dec 10:30 UTC+04:00"


def test_send_dialog_does_not_send_on_a_habitual_enter(qtbot):
    dialog = SendConfirmDialog(SendSummary(calls=500, flow_name="F", api_version="1.0", start="starting now"))
    qtbot.addWidget(dialog)
    assert dialog.send_button.text() == "Send 500 calls"
    assert not dialog.send_button.isDefault()


def test_unconfirmed_rows_need_a_second_explicit_yes(qtbot):
    dialog = UnconfirmedResubmitDialog(3, ["c46e46f4-dc58-4839-9483-f7dd9aac28a0"])
    qtbot.addWidget(dialog)
    assert not dialog.send_button.isEnabled()
    dialog.checked.setChecked(True)
    assert dialog.send_button.isEnabled()


def test_test_call_number_is_checked_in_words(qtbot):
    assert own_phone_number("+91 98765 43210") == ("919876543210", None)
    assert own_phone_number("09876543210") == ("919876543210", None)
    number, problem = own_phone_number("12345")
    assert number is None and "10 digits" in problem
    dialog = TestCallDialog(0, 3, "Collections-Dec", file_rows=[2, 3, 5])
    qtbot.addWidget(dialog)
    assert dialog.row_spin.value() == 2  # the first data row, numbered as in the file
    dialog.number_edit.setText("12345")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "10 digits" in dialog.problem.text()
    dialog.number_edit.setText("9876543210")
    dialog.row_spin.setValue(4)  # a row left out of the list
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and "not in the list" in dialog.problem.text()
    dialog.row_spin.setValue(5)
    assert dialog.row() == 2


def test_every_status_has_its_own_word_icon_shape_and_colour(qapp):
    style = StatusStyle()
    seen_text, seen_shape, seen_colour = set(), set(), set()
    for key, look in LOOKS.items():
        colour, icon, text = style(key)
        assert not icon.isNull()
        seen_text.add(text)
        seen_shape.add(look.shape)
        seen_colour.add(colour.name())
    assert len(seen_text) == len(LOOKS)
    assert len(seen_colour) == len(LOOKS)
    # The engine's enum value "not sent" and its name NOT_SENT both find the same look.
    assert style("not sent")[2] == style("NOT_SENT")[2] == "Not sent"
    assert canonical("Accepted") == "accepted"


def test_colours_follow_a_dark_palette(qapp):
    style = StatusStyle()
    light = style("accepted")[0]
    before = qapp.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, "#202020")
    qapp.setPalette(dark)
    try:
        assert style("accepted")[0] != light
        assert style("accepted")[0].lightness() < 128
    finally:
        qapp.setPalette(before)


def test_legend_explains_each_colour_in_words(qtbot):
    legend = StatusLegend()
    qtbot.addWidget(legend)
    name, meaning = legend.rows["unconfirmed"]
    assert name.text() == "Unconfirmed"
    assert "console" in meaning.text()
    assert set(legend.rows) >= {"accepted", "rejected", "unconfirmed", "not_sent", "error"}
