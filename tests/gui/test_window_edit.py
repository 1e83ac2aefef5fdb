"""Fixing the list in place: edit, undo/redo, paste a block from Excel, clear, delete rows, save a copy."""

from __future__ import annotations

import numpy as np
import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from window_helpers import contact_rows, open_and_plan, write_contacts


def col_of(window, header):
    return window.table_model.FIRST_DATA_COLUMN + window.current_sheet().headers.index(header)


def text(window, view_row, header):
    model = window.table_model
    return model.data(model.index(view_row, col_of(window, header)))


def summary(window):
    return window.mapping_panel.summary.text()


def test_fixing_a_bad_number_changes_the_counts_and_undo_brings_the_error_back(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    assert "2 ✖ errors" in summary(window)
    planned = []
    window.plan_changed.connect(planned.append)
    index = model.index(3, col_of(window, "Mobile"))
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    model.setData(index, "+91 98765 43210")  # what the table's editor does when the operator types
    assert text(window, 3, "Mobile") == "+91 98765 43210"
    assert model.data(model.index(3, model.STATUS_COLUMN)) == "Ready"
    assert "1 ✖ error" in summary(window) and "11 ready" in summary(window)
    assert window.send_button.text() == "Send 11 calls"
    assert planned and planned[-1] is window.current_plan()
    assert window.isWindowModified()
    assert window.current_sheet().data.iat[3, 2] == "+91 98765 43210"

    window.actions["undo"].trigger()
    assert text(window, 3, "Mobile") == "12345"
    assert model.data(model.index(3, model.STATUS_COLUMN)) == "Error"
    assert "2 ✖ errors" in summary(window)
    assert not window.isWindowModified()
    window.actions["redo"].trigger()
    assert text(window, 3, "Mobile") == "+91 98765 43210"
    assert "1 ✖ error" in summary(window)


def test_the_original_file_is_never_changed_and_a_copy_keeps_the_edits_as_text(qtbot, window, contacts_file, tmp_path):
    before = contacts_file.read_bytes()
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    model.setData(model.index(0, col_of(window, "Mobile")), "=HYPERLINK(\"x\")")
    model.setData(model.index(1, col_of(window, "Mobile")), "09812345678")
    assert contacts_file.read_bytes() == before
    out = tmp_path / "कॉपी copy.xlsx"
    assert window.save_copy_to(str(out))
    assert not window.isWindowModified()
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == ["Customer ID", "Name", "Mobile", "Language"]
    assert ws["C2"].value == '=HYPERLINK("x")' and ws["C2"].data_type == "s"  # text, never a formula
    assert ws["C3"].value == "09812345678"  # the leading zero stays


def test_paste_a_block_copied_from_excel(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    window.table.setCurrentIndex(model.index(2, col_of(window, "Name")))
    QGuiApplication.clipboard().setText("Asha\t9811111111\nBimal\t+91 98222 22222\r\n")
    window.paste()
    assert [text(window, r, "Name") for r in (2, 3)] == ["Asha", "Bimal"]
    assert [text(window, r, "Mobile") for r in (2, 3)] == ["9811111111", "+91 98222 22222"]
    assert text(window, 4, "Name") == "Customer 5"  # the trailing line break is no extra row
    assert model.data(model.index(3, model.STATUS_COLUMN)) == "Ready"  # row 3's bad number was pasted over
    window.undo_stack.undo()  # one paste, one undo
    assert [text(window, r, "Name") for r in (2, 3)] == ["Customer 3", "Customer 4"]
    assert text(window, 3, "Mobile") == "12345"


def test_paste_below_the_last_row_says_what_was_left_out(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    window.table.setCurrentIndex(model.index(11, col_of(window, "Name")))
    QGuiApplication.clipboard().setText("Last\nOne more\nAnd another\n")
    window.paste()
    assert text(window, 11, "Name") == "Last"
    assert "2 pasted lines did not fit" in window.status_label.text()


def test_one_value_pasted_on_a_selection_fills_every_cell(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    c = col_of(window, "Language")
    window.table.setCurrentIndex(model.index(0, c))
    window.select_rows([])  # clear
    sel = window.table.selectionModel()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sel.select(QItemSelection(model.index(0, c), model.index(4, c)), QItemSelectionModel.SelectionFlag.Select)
    QGuiApplication.clipboard().setText("Tamil\n")
    window.paste()
    assert [text(window, r, "Language") for r in range(5)] == ["Tamil"] * 5
    assert text(window, 5, "Language") != "Tamil"


def test_clear_cells_with_delete_key(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    window.table.setCurrentIndex(model.index(0, col_of(window, "Mobile")))
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert text(window, 0, "Mobile") == ""
    assert model.data(model.index(0, model.STATUS_COLUMN)) == "Error"  # no number left
    window.undo_stack.undo()
    assert text(window, 0, "Mobile") == "9800000001"


def test_delete_rows_and_undo(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    window.select_rows([3, 6])  # the two rows with errors
    assert list(window.selected_rows()) == [3, 6]
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        window.actions["delete_rows"].trigger()
    assert model.rowCount() == 10
    assert window.current_sheet().row_count == 10
    assert "0 ✖ errors" in summary(window)
    assert window.send_button.text() == "Send 10 calls"
    assert "5" not in [model.data(model.index(r, 0)) for r in range(10)]  # file row 5 is gone
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        window.actions["undo"].trigger()
    assert model.rowCount() == 12
    assert "2 ✖ errors" in summary(window)


def test_rows_being_sent_cannot_be_edited(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    window.set_rows_read_only(np.array([0, 1]))
    index = model.index(0, col_of(window, "Name"))
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "changed")
    window.table.setCurrentIndex(model.index(0, col_of(window, "Name")))
    QGuiApplication.clipboard().setText("X\nY\nZ\n")
    window.paste()
    assert text(window, 0, "Name") == "Customer 1" and text(window, 2, "Name") == "Z"
    window.set_rows_read_only(None)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_sending_statuses_arrive_as_one_range(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    changes = []
    model.dataChanged.connect(lambda a, b, roles: changes.append((a.row(), b.row())))
    rows = np.arange(0, 10)
    model.set_statuses(rows, np.array(["accepted"] * 10, dtype=object), ["request-id r1"] * 10)
    assert changes == [(0, 9)]
    assert model.data(model.index(0, model.STATUS_COLUMN)) == "Accepted"
    assert "request-id r1" in model.data(model.index(0, model.STATUS_COLUMN), Qt.ItemDataRole.ToolTipRole)

    from PySide6.QtGui import QColor, QIcon

    def sending_look(status):
        return QColor("#ccffcc"), QIcon(), status.upper()

    model.set_status_style(sending_look)
    assert model.data(model.index(0, model.STATUS_COLUMN)) == "ACCEPTED"
    assert model.data(model.index(0, model.STATUS_COLUMN), Qt.ItemDataRole.BackgroundRole) == QColor("#ccffcc")
    model.clear_statuses()
    assert model.data(model.index(0, model.STATUS_COLUMN)) == "READY"


def test_fixing_a_duplicate_clears_the_other_row_too(qtbot, window, tmp_path):
    rows = contact_rows(4)
    rows[2][0] = rows[0][0]  # the same customer id twice
    path = write_contacts(tmp_path / "dup.xlsx", rows)
    open_and_plan(qtbot, window, path)
    model = window.table_model
    statuses = lambda: [model.data(model.index(r, model.STATUS_COLUMN)) for r in range(4)]  # noqa: E731
    assert "Error" in statuses()
    model.setData(model.index(2, col_of(window, "Customer ID")), "C9999")
    assert statuses() == ["Ready"] * 4
    window.undo_stack.undo()
    assert "Error" in statuses()
