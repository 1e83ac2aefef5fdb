"""A repaint asks each cell once (every role in one call) and background work stands aside while
the window paints: the table must look exactly as before, and the window itself never waits."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QAbstractTableModel

from phonon_desktop.campaign import chunked
from phonon_desktop.gui.models.sheet_model import SheetTableModel
from phonon_desktop.gui.views.sheet_table import SheetTableView
from phonon_desktop.gui.workers import task
from window_helpers import open_and_plan


class OneRoleAtATime(SheetTableModel):
    """The same model answering as Qt's default does: one call to data() per role."""

    def multiData(self, index, roles):  # noqa: N802 - Qt's name
        QAbstractTableModel.multiData(self, index, roles)


def painted(qtbot, model_type, sheet, plan):
    view = SheetTableView()
    qtbot.addWidget(view)
    model = model_type(view)
    view.setModel(model)
    model.set_sheet(sheet)
    model.set_plan(plan)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    return view.viewport().grab().toImage(), model, view


def test_the_table_looks_the_same_when_each_cell_is_asked_once(qtbot, window, contacts_file):
    plan = open_and_plan(qtbot, window, contacts_file)
    sheet = window.current_sheet()
    assert int(np.count_nonzero(plan.levels)) >= 2  # tinted cells and status icons are on screen
    ours, model, _view = painted(qtbot, SheetTableModel, sheet, plan)
    plain, _, _plain_view = painted(qtbot, OneRoleAtATime, sheet, plan)
    assert ours == plain
    # the cells still answer one role at a time too (tooltips, copy, Find)
    c = model.FIRST_DATA_COLUMN + sheet.headers.index("Customer ID")
    assert model.data(model.index(0, c)) == "C0001"
    assert not model.index(model.rowCount(), 0).isValid()
    assert not model.index(0, model.columnCount()).isValid()


class FakeClock:
    """Stands in for the time module of ``task``: sleeping moves the clock on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def in_worker(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join(10)
    return out


def test_work_waits_while_the_window_paints_and_the_window_never_waits(qtbot, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(task, "time", clock)
    task.share_the_interpreter()  # on the window's thread, as the window does
    task.window_painting()  # a repaint is under way
    task.give_way()
    assert clock.slept == []  # the window's own thread goes straight on
    in_worker(task.give_way)
    assert clock.slept and sum(clock.slept) <= task.WINDOW_QUIET + 1e-9  # a worker waits for the repaint
    clock.slept.clear()
    in_worker(task.give_way)
    assert clock.slept == []  # the window is quiet: no wait at all


def test_a_window_that_never_stops_painting_slows_work_but_never_stops_it(qtbot, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(task, "time", clock)
    task.share_the_interpreter()

    def keep_painting(seconds: float) -> None:
        clock.slept.append(seconds)
        clock.now += seconds
        task.window_painting()  # the window paints again while the worker waits

    clock.sleep = keep_painting
    task.window_painting()
    in_worker(task.give_way)
    assert sum(clock.slept) <= task.LONGEST_WAIT + 1e-9


def test_slices_give_way_between_them_and_the_result_is_the_same(monkeypatch):
    calls = []
    monkeypatch.setattr(chunked, "CHUNK", 4)
    values = np.arange(10)
    chunked.set_give_way(lambda: calls.append("pause"))
    try:
        doubled = chunked.build(10, np.int64, lambda s: values[s] * 2)
    finally:
        task.share_the_interpreter()  # the window's hook again, as the other tests expect
    assert doubled.tolist() == (values * 2).tolist()
    assert calls == ["pause", "pause"]  # between the three slices, never before the first
