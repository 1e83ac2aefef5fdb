"""Opening a list: by path, by drop, sheet and header choice, the empty state, hidden rows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel

from phonon_desktop.gui.main_window import PAGE_EMPTY, PAGE_TABLE

from window_helpers import contact_rows, open_and_plan, write_contacts


def cell(window, view_row, header):
    model = window.table_model
    col = model.FIRST_DATA_COLUMN + window.current_sheet().headers.index(header)
    return model.data(model.index(view_row, col))


def test_empty_window_invites_to_open_a_list(window):
    assert window.pages.currentIndex() == PAGE_EMPTY
    assert "Drop a contact list here" in [w.text() for w in window.empty_state.findChildren(QLabel)]
    assert window.empty_state.open_button.text().startswith("Open a list")
    assert not window.send_button.isEnabled()


def test_open_by_path_shows_rows_with_file_row_numbers_and_problems(qtbot, window, contacts_file):
    events = []
    window.sheet_loaded.connect(events.append)
    plan = open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    assert window.pages.currentIndex() == PAGE_TABLE
    assert len(events) == 1 and events[0] is window.current_sheet()
    assert model.rowCount() == 12
    assert model.data(model.index(0, model.ROW_NUMBER_COLUMN)) == "2"  # header is file row 1
    assert cell(window, 0, "Mobile") == "9800000001"
    assert model.headerData(model.FIRST_DATA_COLUMN + 2, Qt.Orientation.Horizontal).endswith("Number 1")
    # the bad and the missing number are errors; the summary says so and the Send button counts the rest
    assert model.data(model.index(3, model.STATUS_COLUMN)) == "Error"
    assert "12345" in model.data(model.index(3, model.FIRST_DATA_COLUMN + 2), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(3, model.FIRST_DATA_COLUMN + 2), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, model.FIRST_DATA_COLUMN + 2), Qt.ItemDataRole.BackgroundRole) is None
    assert "10 ready" in window.mapping_panel.summary.text()
    assert "2 ✖ errors" in window.mapping_panel.summary.text()
    assert window.send_button.text() == "Send 10 calls"
    assert window.send_button.isEnabled()
    assert plan is not None and window.current_mapping().contact_numbers == ["Mobile"]
    assert window.source_path() == str(contacts_file)
    assert "december list.xlsx" in window.windowTitle()


def test_open_by_dropping_a_file(qtbot, window, contacts_file):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(contacts_file))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        QApplication.sendEvent(window, drop)
    assert window.table_model.rowCount() == 12


def test_dropping_something_that_is_not_a_list_is_refused(window, tmp_path):
    other = tmp_path / "photo.png"
    other.write_bytes(b"x")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.setAccepted(False)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_choose_sheet_and_header_row(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "two sheets.xlsx", contact_rows(5), title_rows=2,
                          extra_sheets={"Backup": [["Phone", "Who"]] + [[f"97{i:08d}", f"B{i}"] for i in range(3)]})
    open_and_plan(qtbot, window, path)
    sheet = window.current_sheet()
    assert sheet.header_row == 3  # the title rows above the header were recognised
    assert window.header_row.value() == 3
    assert [window.sheet_choice.itemData(i) for i in range(window.sheet_choice.count())] == ["Contacts", "Backup"]
    # another sheet
    with qtbot.waitSignal(window.sheet_loaded, timeout=20_000):
        window.sheet_choice.setCurrentIndex(1)
        window.sheet_choice.activated.emit(1)
    assert window.current_sheet().name == "Backup"
    assert window.table_model.rowCount() == 3
    # back, and a header row chosen by hand: row 2 (a title) becomes the header
    with qtbot.waitSignal(window.sheet_loaded, timeout=20_000):
        window.sheet_choice.activated.emit(0)
    with qtbot.waitSignal(window.sheet_loaded, timeout=20_000):
        window.header_row.setValue(2)
    assert window.current_sheet().header_row == 2
    assert window.table_model.rowCount() == 6  # the real header is now a data row


def test_a_file_that_cannot_be_read_says_why_in_the_banner(qtbot, window, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)  # a damaged zip, as a cut-off download leaves it
    with qtbot.waitSignal(window.loader.failed, timeout=20_000):
        window.open_file(str(bad))
    assert window.banner.isVisibleTo(window)
    assert window.banner.level == "error"
    assert "broken.xlsx" in window.banner.text_label.text()
    assert "Traceback" not in window.banner.text_label.text()
    assert window.pages.currentIndex() == PAGE_EMPTY


def test_hidden_rows_are_offered_to_leave_out(qtbot, window, tmp_path):
    path = write_contacts(tmp_path / "hidden.xlsx", contact_rows(6), hidden=[3, 5])
    open_and_plan(qtbot, window, path)
    assert window.banner.isVisibleTo(window)
    assert "2 rows are hidden" in window.banner.text_label.text()
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        window.banner.action_button.click()
    model = window.table_model
    assert model.rowCount() == 4
    assert [model.data(model.index(r, 0)) for r in range(4)] == ["2", "4", "6", "7"]
    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        window.undo_stack.undo()
    assert model.rowCount() == 6


def test_recent_files_are_offered_in_the_empty_window(qtbot, window, contacts_file):
    from phonon_desktop.gui.main_window import MainWindow

    open_and_plan(qtbot, window, contacts_file)
    second = MainWindow()
    qtbot.addWidget(second)
    items = [second.empty_state.recent.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(second.empty_state.recent.count())]
    assert items == [str(contacts_file)]
    with qtbot.waitSignal(second.sheet_loaded, timeout=20_000):
        second.empty_state.recent_chosen.emit(items[0])
    assert second.table_model.rowCount() == 12
    second.planner.wait()


def test_model_passes_qt_model_tester(qtbot, qtmodeltester, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    qtmodeltester.check(window.table_model)
    window.table_model.sort(window.table_model.FIRST_DATA_COLUMN + 1, Qt.SortOrder.DescendingOrder)
    window.filter_bar.show_choice("Errors")
    window.table_model.set_statuses(np.array([0, 1]), np.array(["accepted", "rejected"], dtype=object))
    qtmodeltester.check(window.table_model)
