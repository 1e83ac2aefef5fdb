"""While a big list is read, its first rows are there to look at; nothing can be edited,
mapped or sent until the whole list is in."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from phonon_desktop.sheets import read_workbook
from phonon_desktop.sheets.preview import read_preview
from window_helpers import FIXED_NOW, contact_rows, write_contacts

PAGE_LOADING, PAGE_TABLE = 1, 2


@pytest.fixture
def held_read():
    """A reader that reads the file, then waits until the test lets it finish."""
    release = threading.Event()

    def reader(path, **kwargs):
        sheet = read_workbook(path, sheet=kwargs.get("sheet"), header_row=kwargs.get("header_row"))
        cancel = kwargs.get("cancel")
        while not release.wait(0.01):
            if cancel is not None and cancel.is_set():
                raise RuntimeError("cancelled")
        return sheet

    yield reader, release
    release.set()


@pytest.fixture
def held_window(qtbot, held_read):
    from phonon_desktop.gui.main_window import MainWindow

    reader, release = held_read
    w = MainWindow(reader=reader, now=lambda: FIXED_NOW)
    w.loader.previewer = lambda path, sheet, header_row: read_preview(path, sheet, rows=40, header_row=header_row,
                                                                       min_sheet_bytes=0)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    yield w, release
    release.set()
    w.loader.wait(10_000)


def preview_pane(window):
    from phonon_desktop.gui.views.load_preview import LoadPreview

    return LoadPreview.for_page(window.progress.parentWidget())


def test_first_rows_show_while_the_list_is_read_and_nothing_is_editable(qtbot, held_window, tmp_path):
    window, release = held_window
    path = write_contacts(tmp_path / "long list.xlsx", contact_rows(300))
    window.open_file(str(path))
    pane = preview_pane(window)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 40, timeout=20_000)
    assert window.pages.currentIndex() == PAGE_LOADING  # still loading: Cancel stays in reach
    assert window.loader.is_busy()
    assert pane.isVisibleTo(window)
    model = pane.model
    names = [model.data(model.index(r, model.FIRST_DATA_COLUMN + 1)) for r in range(3)]
    assert names == ["Customer 1", "Customer 2", "Customer 3"]
    assert "you can look, editing starts when the list is read" in window.loading_label.text()
    # Nothing to edit, map or send from here.
    cell = model.index(0, model.FIRST_DATA_COLUMN + 2)
    assert not model.flags(cell) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(cell, "9999999999")
    assert model.data(cell) == "9800000001"
    assert window.current_sheet() is None and window.current_plan() is None
    assert not window.send_button.isEnabled()
    for name in ("delete_rows", "save_copy", "find", "preview"):
        assert not window.actions[name].isEnabled()

    with qtbot.waitSignal(window.plan_changed, timeout=20_000):
        release.set()
    assert window.pages.currentIndex() == PAGE_TABLE
    assert window.current_sheet().row_count == 300
    assert not pane.isVisibleTo(window) and pane.model.rowCount() == 0  # the preview is gone
    table = window.table_model
    assert table.flags(table.index(0, table.FIRST_DATA_COLUMN + 2)) & Qt.ItemFlag.ItemIsEditable
    assert window.send_button.isEnabled()


def test_cancelling_while_the_first_rows_show_goes_back(qtbot, held_window, tmp_path):
    window, release = held_window
    path = write_contacts(tmp_path / "list.xlsx", contact_rows(120))
    window.open_file(str(path))
    pane = preview_pane(window)
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0, timeout=20_000)
    window.cancel_load_button.click()
    assert window.pages.currentIndex() == 0  # the empty page: no list was open
    assert not pane.isVisibleTo(window) and pane.model.rowCount() == 0
    assert window.status_label.text() == "Opening cancelled."
    assert window.current_sheet() is None
