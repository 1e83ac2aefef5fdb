"""A big list is sorted and filtered in the background, whichever column or filter: the
window's call returns at once, the result arrives later and is the one a small list gets."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from phonon_desktop.gui.models.row_order import RowFilter
from window_helpers import open_and_plan


def shown_ids(window):
    model = window.table_model
    c = model.FIRST_DATA_COLUMN + window.current_sheet().headers.index("Customer ID")
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


def order_of(qtbot, window, act, big: bool) -> list[str]:
    model = window.table_model
    model.HEAVY_ROWS = 5 if big else 1_000_000
    if big:
        with qtbot.waitSignal(model.layoutChanged, timeout=20_000):
            act()
            assert window.orderer.is_busy()  # handed to the worker; the window goes on
    else:
        act()
        assert not window.orderer.is_busy()
    return shown_ids(window)


def test_status_and_row_number_sorts_and_status_filters_run_in_the_background(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model, table = window.table_model, window.table
    actions = [
        lambda: table.sortByColumn(model.STATUS_COLUMN, Qt.SortOrder.AscendingOrder),
        lambda: table.sortByColumn(model.STATUS_COLUMN, Qt.SortOrder.DescendingOrder),
        lambda: table.sortByColumn(model.ROW_NUMBER_COLUMN, Qt.SortOrder.DescendingOrder),
        lambda: window.apply_filter(RowFilter(statuses=frozenset({"error"}))),
        lambda: window.apply_filter(RowFilter(problems_only=True, text="c000")),
    ]
    for act in actions:
        small = order_of(qtbot, window, act, big=False)
        assert order_of(qtbot, window, act, big=True) == small
        window.apply_filter(RowFilter())  # showing every row again needs no work
        assert model.rowCount() == 12
    # What the operator sees: errors first, then the rest; the error filter shows the two bad rows.
    order_of(qtbot, window, actions[0], big=True)
    assert shown_ids(window)[:2] == ["C0004", "C0007"]
    order_of(qtbot, window, actions[3], big=True)
    assert sorted(shown_ids(window)) == ["C0004", "C0007"]
    assert window.filter_bar.count_label.text() == "Showing 2 of 12 rows"


def test_statuses_from_sending_sort_and_filter_in_the_background(qtbot, window, contacts_file):
    open_and_plan(qtbot, window, contacts_file)
    model = window.table_model
    model.set_statuses(np.array([0, 1, 2]), np.array(["accepted", "rejected", "unconfirmed"], dtype=object))
    act = lambda: window.table.sortByColumn(model.STATUS_COLUMN, Qt.SortOrder.AscendingOrder)  # noqa: E731
    small = order_of(qtbot, window, act, big=False)
    assert order_of(qtbot, window, act, big=True) == small
    assert small[:4] == ["C0004", "C0007", "C0002", "C0003"]  # errors, rejected, unconfirmed first
    act = lambda: window.apply_filter(RowFilter(statuses=frozenset({"accepted"})))  # noqa: E731
    assert order_of(qtbot, window, act, big=True) == ["C0001"]


def test_a_big_pasted_block_is_checked_in_the_background_and_undone_whole(qtbot, window, tmp_path):
    from phonon_desktop.gui.undo_commands import EditCells
    from phonon_desktop.sheets.model import CellKind
    from window_helpers import contact_rows, write_contacts

    n = 6_000
    open_and_plan(qtbot, window, write_contacts(tmp_path / "big.xlsx", contact_rows(n)), timeout=60_000)
    assert window.current_plan().counts()["errors"] == 0
    mobile = window.current_sheet().headers.index("Mobile")
    rows = list(range(0, n, 1))
    texts = ["" if r % 2 else "12345" for r in rows]  # every number cleared or made wrong
    with qtbot.waitSignal(window.plan_changed, timeout=60_000, check_params_cb=lambda p: p is not None):
        window.undo_stack.push(EditCells(window, rows, [mobile] * n, texts, "Paste"))
        assert window.current_plan() is None  # nothing can be sent from the check before the paste
        assert not window.send_button.isEnabled()
    sheet = window.current_sheet()
    assert sheet.data.iat[0, mobile] == "12345" and sheet.data.iat[1, mobile] == ""
    assert sheet.kinds.iat[0, mobile] == CellKind.TEXT and sheet.kinds.iat[1, mobile] == CellKind.EMPTY
    assert window.table_model.cell_text(1, mobile) == ""
    assert window.current_plan().counts()["errors"] == n
    with qtbot.waitSignal(window.plan_changed, timeout=60_000, check_params_cb=lambda p: p is not None):
        window.undo_stack.undo()
    assert window.current_plan().counts()["errors"] == 0
    assert sheet.data.iat[1, mobile] == "9800000002" and sheet.kinds.iat[1, mobile] == CellKind.TEXT
    assert window.send_button.isEnabled()
