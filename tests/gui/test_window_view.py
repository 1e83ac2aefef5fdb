"""Seeing the list: filters, the summary's parts, sorting, find, and a big list loading smoothly."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer

from window_helpers import contact_rows, open_and_plan, write_contacts


def column(window, header):
    model = window.table_model
    c = model.FIRST_DATA_COLUMN + window.current_sheet().headers.index(header)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


def test_filters_by_problems_status_and_text(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    bar = window.filter_bar
    bar.show_choice("Rows with problems")
    assert column(window, "Customer ID") == ["C0004", "C0007"]
    assert bar.count_label.text() == "Showing 2 of 12 rows"
    bar.show_choice("Ready")
    assert len(column(window, "Customer ID")) == 10
    bar.show_choice("All rows")
    bar.text.setText("customer 1")
    bar.text.returnPressed.emit()
    assert column(window, "Name") == ["Customer 1", "Customer 10", "Customer 11", "Customer 12"]
    bar.show_all_button.click()
    assert window.table_model.rowCount() == 12


def test_summary_parts_filter_the_table(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    window.mapping_panel.summary.linkActivated.emit("error")
    assert window.filter_bar.choice.currentText() == "Errors"
    assert column(window, "Customer ID") == ["C0004", "C0007"]


def test_sort_numbers_as_numbers_text_ignoring_case_and_empty_last(qtbot, window, tmp_path):
    rows = [["C1", "bina", "9800000010", "100"], ["C2", "Amit", "9800000002", "9"],
            ["C3", "", "9800000003", ""], ["C4", "chetan", "9800000004", "25"]]
    path = write_contacts(tmp_path / "sort.xlsx", rows, headers=["Customer ID", "Name", "Mobile", "Amount"])
    open_and_plan(qtbot, window, path)
    model = window.table_model
    amount = model.FIRST_DATA_COLUMN + 3
    window.table.sortByColumn(amount, Qt.SortOrder.AscendingOrder)
    assert column(window, "Amount") == ["9", "25", "100", ""]
    window.table.sortByColumn(amount, Qt.SortOrder.DescendingOrder)
    assert column(window, "Amount") == ["100", "25", "9", ""]
    window.table.sortByColumn(model.FIRST_DATA_COLUMN + 1, Qt.SortOrder.AscendingOrder)
    assert column(window, "Name") == ["Amit", "bina", "chetan", ""]
    window.table.sortByColumn(model.ROW_NUMBER_COLUMN, Qt.SortOrder.DescendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(4)] == ["5", "4", "3", "2"]


def test_sort_by_status_puts_errors_first_and_edits_follow_the_row(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    window.table.sortByColumn(model.STATUS_COLUMN, Qt.SortOrder.AscendingOrder)
    assert column(window, "Customer ID")[:2] == ["C0004", "C0007"]
    # an edit in a sorted view changes the row it was typed in
    model.setData(model.index(0, model.FIRST_DATA_COLUMN + 1), "Renamed")
    assert window.current_sheet().data.iat[3, 1] == "Renamed"


def test_find_moves_to_each_matching_cell(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    window.actions["find"].trigger()
    assert window.find_bar.isVisibleTo(window)
    assert window.find(" 11", False)
    cur = window.table.currentIndex()
    assert window.table_model.data(cur) == "Customer 11"
    assert window.find("9800000012", False)
    assert window.table_model.data(window.table.currentIndex()) == "9800000012"
    assert window.find("customer 1", False)  # wraps around to the first match
    assert window.table_model.data(window.table.currentIndex()) == "Customer 1"
    assert window.find("customer 1", True)  # backwards wraps to the last
    assert window.table_model.data(window.table.currentIndex()) == "Customer 12"
    assert not window.find("nobody by this name", False)
    assert window.find_bar.result_label.text() == "Not found"


def test_keyboard_shortcuts_are_named_once_and_reach_the_actions(window):
    from phonon_desktop.gui import shortcuts

    for name in ("open", "undo", "redo", "find", "preview", "send", "delete_rows"):
        assert window.actions[name].shortcuts() == shortcuts.keys(name)
    assert "Ctrl+Shift+Z" in [k.toString() for k in window.actions["redo"].shortcuts()]


def test_a_200k_row_list_loads_in_the_background_while_the_window_keeps_ticking(qtbot, window, tmp_path):
    n = 200_000
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("Customer ID,Name,Mobile,Language\n")
        for i in range(n):
            f.write(f"C{i},Customer {i},98{i:08d},Hindi\n")
    ticks = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    progress = []
    window.loader.progress.connect(lambda rows, total: progress.append(rows))
    plans = []  # recorded from the start: the check may finish before the load's wait returns
    window.plan_changed.connect(plans.append)
    loaded = []
    window.sheet_loaded.connect(loaded.append)
    heartbeat.start()
    with qtbot.waitSignal(window.sheet_loaded, timeout=120_000):
        window.open_file(str(path))
        # Opening returns at once, on the progress page, before the list has been read.
        assert loaded == []
        assert window.progress.isVisibleTo(window) or window.pages.currentIndex() == 1
    ticks_while_loading = len(ticks)
    qtbot.waitUntil(lambda: bool(plans), timeout=120_000)
    heartbeat.stop()
    assert window.table_model.rowCount() == n
    assert len(progress) >= 2 and progress[-1] > progress[0]  # the bar moved
    # The event loop ran while the list was read (a read on the GUI thread leaves none: the
    # timer fires only from the loop). How many ticks depends on the machine, not the window.
    assert ticks_while_loading >= 1
    assert window.mapping_panel.send_button.text() == f"Send {n:,} calls"


def test_sort_permutation_keeps_ties_in_file_order_both_ways():
    from phonon_desktop.gui.models.row_order import sort_permutation

    values = np.array(["b", "A", "", "a", "B", "10", "9"], dtype=object)
    assert sort_permutation(values).tolist() == [5, 6, 1, 3, 0, 4, 2]  # "10" < "9" as text; A/a tie
    assert sort_permutation(values, descending=True).tolist() == [0, 4, 1, 3, 6, 5, 2]
    numbers = np.array(["10", "9", "", "100"] + [str(i) for i in range(200, 210)] + ["n/a"], dtype=object)
    order = sort_permutation(numbers).tolist()
    assert order[:3] == [1, 0, 3] and order[-2:] == [14, 2]  # numbers by value, then text, then empty


def test_big_lists_sort_and_filter_in_the_background_with_the_same_result(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    model.HEAVY_ROWS = 5  # treat this small list as a big one
    with qtbot.waitSignal(model.layoutChanged, timeout=20_000):
        window.table.sortByColumn(model.FIRST_DATA_COLUMN + 1, Qt.SortOrder.DescendingOrder)
    assert column(window, "Name")[:3] == ["Customer 9", "Customer 8", "Customer 7"]
    with qtbot.waitSignal(model.layoutChanged, timeout=20_000):
        window.filter_bar.text.setText("customer 1")
        window.filter_bar.text.returnPressed.emit()
    assert column(window, "Name") == ["Customer 12", "Customer 11", "Customer 10", "Customer 1"]
    assert window.filter_bar.count_label.text() == "Showing 4 of 12 rows"


def test_cancel_a_load_returns_to_where_the_operator_was(qtbot, window, contacts_file, tmp_path):
    open_and_plan(qtbot, window, contacts_file)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("Customer ID,Name,Mobile\n")
        for i in range(150_000):
            f.write(f"C{i},Customer {i},98{i:08d}\n")
    loaded = []
    window.sheet_loaded.connect(loaded.append)
    window.open_file(str(path))
    assert window.pages.currentIndex() == 1  # the progress page, with its Cancel button
    window.cancel_load_button.click()
    assert window.pages.currentIndex() == 2  # back to the list that was open
    assert window.current_sheet().row_count == 12
    window.loader.wait(60_000)
    qtbot.wait(50)
    assert loaded == []  # the cancelled read never replaces the list
    assert window.status_label.text() == "Opening cancelled."
