"""A long read reports progress and stops promptly when the operator cancels."""

from __future__ import annotations

import threading

import pytest

from phonon_desktop.sheets import ReadCancelled, SheetError, read_workbook
from phonon_desktop.sheets.reader import CHUNK_ROWS
from sheet_makers import simple_workbook

ROWS = CHUNK_ROWS * 5 + 123


@pytest.fixture(scope="module")
def long_list(tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "long list.xlsx"
    return simple_workbook(path, [["Name", "Mobile"]] + [[f"n{i}", 918000000000 + i] for i in range(ROWS)])


@pytest.fixture(scope="module")
def long_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "long list.csv"
    path.write_text("Name,Mobile\n" + "".join(f"n{i},{918000000000 + i}\n" for i in range(ROWS)), encoding="utf-8")
    return path


@pytest.mark.parametrize("which", ["long_list", "long_csv"])
def test_progress_rises_to_the_total(request, which):
    calls: list[tuple[int, int | None]] = []
    sheet = read_workbook(request.getfixturevalue(which), progress=lambda done, total: calls.append((done, total)))
    assert sheet.row_count == ROWS
    done = [c[0] for c in calls]
    assert done == sorted(done) and done[0] == 0
    assert calls[-1][0] == calls[-1][1] and calls[-1][0] >= ROWS
    assert len(calls) >= 3  # the bar moves during the read, not only at the end


@pytest.mark.parametrize("which", ["long_list", "long_csv"])
def test_cancel_event_stops_the_read(request, which):
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(done)
        if done > 0:
            stop.set()

    with pytest.raises(ReadCancelled) as err:
        read_workbook(request.getfixturevalue(which), progress=progress, cancel=stop)
    assert isinstance(err.value, SheetError) and err.value.reason == "cancelled"
    assert max(seen) < ROWS  # stopped before reading everything


def test_cancel_callable_before_start(long_list):
    with pytest.raises(ReadCancelled):
        read_workbook(long_list, cancel=lambda: True)


def test_read_in_a_worker_thread_while_this_thread_keeps_running(long_list):
    result: dict[str, object] = {}

    def work() -> None:
        result["sheet"] = read_workbook(long_list)

    worker = threading.Thread(target=work)
    worker.start()
    ticks = 0
    while worker.is_alive():
        worker.join(0.005)
        ticks += 1
    assert result["sheet"].row_count == ROWS
    assert ticks > 1


def test_a_failing_progress_callback_is_not_blamed_on_the_file(long_list):
    def broken(done: int, total: int | None) -> None:
        raise ZeroDivisionError("bug in the window")

    with pytest.raises(ZeroDivisionError):
        read_workbook(long_list, progress=broken)


def test_cancel_is_honoured_during_the_scan_before_rows_are_read(long_list, monkeypatch):
    from phonon_desktop.sheets import xlsxscan

    stop = threading.Event()
    real_chunks = xlsxscan._chunks

    def chunks_then_cancel(archive, member):
        for piece in real_chunks(archive, member):
            stop.set()  # the operator presses Cancel while the file is being checked
            yield piece

    monkeypatch.setattr(xlsxscan, "_chunks", chunks_then_cancel)
    monkeypatch.setattr(xlsxscan, "_CHUNK", 16 * 1024)  # several pieces even for a small file
    reports: list[tuple[int, int | None, bool | None]] = []

    def progress(done: int, total: int | None, estimated: bool | None = None) -> None:
        reports.append((done, total, estimated))

    with pytest.raises(ReadCancelled):
        read_workbook(long_list, cancel=stop, progress=progress)
    assert reports[0] == (0, None, None)  # started
    # then only the check's and the parse's estimates: stopped before any row was read
    assert all(estimated is True for _, _, estimated in reports[1:])
