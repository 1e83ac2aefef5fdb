"""The progress bar moves while a big workbook is checked and parsed, not only while rows are
converted, and Cancel is honoured during the check and right after the parse."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from phonon_desktop.sheets import ReadCancelled, read_workbook, read_progress, workbook, xlsxscan
from sheet_makers import rewrite_member, simple_workbook

ROWS = 40_000


def _sheet_xml(rows: int) -> bytes:
    """A sheet as a spreadsheet program writes it: a header, then names, phones and amounts."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Mobile</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>Amount</t></is></c></row>'
    ]
    for i in range(2, rows + 2):
        parts.append(
            f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>Name {i}</t></is></c>'
            f'<c r="B{i}"><v>{918000000000 + i}</v></c><c r="C{i}"><v>{i}.25</v></c></row>'
        )
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


@pytest.fixture(scope="module")
def big_list(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("parse progress")
    template = simple_workbook(folder / "template.xlsx", [["Name", "Mobile", "Amount"], ["x", 1, 2]])
    return rewrite_member(template, folder / "big list ä.xlsx", "xl/worksheets/sheet1.xml",
                          lambda _old: _sheet_xml(ROWS))


@pytest.fixture
def parse_watched(monkeypatch):
    """Marks when python-calamine's parse runs, and moves the estimate on often enough that even
    a fast machine sees it move during a parse of a fraction of a second."""
    state = {"parsing": False, "parsed": 0}
    real = workbook._parsed

    def watched(*args, **kwargs):
        state["parsing"] = True
        try:
            return real(*args, **kwargs)
        finally:
            state["parsing"] = False
            state["parsed"] += 1

    monkeypatch.setattr(workbook, "_parsed", watched)
    monkeypatch.setattr(workbook, "_PARSE_TICK", 0.002)
    monkeypatch.setattr(read_progress, "_PACE", dict(read_progress._PACE))  # what a read learns stays here
    return state


def test_the_bar_moves_while_the_sheet_is_checked_and_parsed(big_list, parse_watched):
    calls: list[tuple[int, int | None, bool | None, bool]] = []

    def progress(done: int, total: int | None, estimated: bool | None = None) -> None:
        calls.append((done, total, estimated, parse_watched["parsing"]))

    sheet = read_workbook(big_list, progress=progress)
    assert sheet.row_count == ROWS
    assert calls[0][:2] == (0, None)
    during_parse = [c for c in calls if c[3]]
    assert len(during_parse) >= 2, "the bar stood still while the sheet was parsed"
    assert all(c[2] is True for c in during_parse)  # the window is told these are estimates
    assert all(0 < c[0] < c[1] for c in during_parse)  # never full before the end
    before_parse = calls[1 : calls.index(during_parse[0])]
    assert before_parse and all(c[2] is True for c in before_parse)  # the check's own progress
    figures = [c[0] for c in calls]
    assert figures == sorted(figures)
    shares = [c[0] / c[1] for c in calls[1:]]
    assert shares == sorted(shares)
    assert calls[-1] == (ROWS + 1, ROWS + 1, False, False)  # the header row and every list row
    assert all(c[2] is True for c in calls[1:-1])


def test_a_callback_without_the_keyword_gets_the_same_growing_figures(big_list, parse_watched):
    calls: list[tuple[int, int | None, bool]] = []
    sheet = read_workbook(big_list, progress=lambda done, total: calls.append((done, total, parse_watched["parsing"])))
    assert sheet.row_count == ROWS
    assert sum(1 for c in calls if c[2]) >= 2
    figures = [c[0] for c in calls]
    assert figures == sorted(figures) and len(set(figures)) > 10
    assert calls[-1][:2] == (ROWS + 1, ROWS + 1)


def test_cancel_during_the_extent_check_stops_before_the_parse(big_list, parse_watched, monkeypatch):
    stop = threading.Event()
    real_pieces = xlsxscan._pieces

    def pieces_then_cancel(archive, member):
        for piece in real_pieces(archive, member):
            stop.set()  # the operator presses Cancel while the file is being checked
            yield piece

    monkeypatch.setattr(xlsxscan, "_pieces", pieces_then_cancel)
    monkeypatch.setattr(xlsxscan, "_CHUNK", 64 * 1024)  # several pieces
    with pytest.raises(ReadCancelled):
        read_workbook(big_list, cancel=stop, progress=lambda done, total: None)
    assert parse_watched["parsed"] == 0


def test_cancel_during_the_parse_is_honoured_when_it_ends(big_list, parse_watched):
    stop = threading.Event()
    calls: list[tuple[int, int | None, bool | None, bool]] = []

    def progress(done: int, total: int | None, estimated: bool | None = None) -> None:
        calls.append((done, total, estimated, parse_watched["parsing"]))
        if parse_watched["parsing"]:
            stop.set()

    with pytest.raises(ReadCancelled):
        read_workbook(big_list, cancel=stop, progress=progress)
    assert parse_watched["parsed"] == 1
    assert not any(c[2] is False for c in calls)  # no row was counted as read
    assert all(c[0] < c[1] for c in calls[1:])  # the bar never showed the read finished


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_estimate_never_reaches_the_end_of_a_slow_parse_and_never_goes_back():
    clock = _Clock()
    said: list[tuple[int, int | None, bool]] = []
    stages = read_progress.ReadStages(lambda d, t, e: said.append((d, t, e)), total=1_200_000, clock=clock)
    for share in (0.25, 0.5, 1.0):
        clock.now += 0.1
        stages.checked(share)
    clock.now += 0.05
    stages.check_done(1_000_001)  # the check found the real last row: fewer than declared
    stages.parse_started()
    for _ in range(2000):  # the parse takes far longer than the check suggested
        clock.now += 0.1
        stages.parsing()
    in_parse = said[-1][0]
    assert in_parse < 1_000_001
    stages.parse_done(1_000_001)
    for converted in range(0, 1_000_001, 4096):
        stages.rows(converted)
    stages.finish(1_000_001)
    figures = [d for d, _, _ in said]
    assert figures == sorted(figures)
    assert said[-1] == (1_000_001, 1_000_001, False)
    assert all(d < t for d, t, e in said[:-1])
    assert len(said) < 400  # a figure every half percent at most, not one per tick


def test_a_read_with_progress_learns_how_long_this_machine_parses(monkeypatch):
    pace = {"parse": 5.0, "rows": 4.0}
    monkeypatch.setattr(read_progress, "_PACE", pace)
    clock = _Clock()
    stages = read_progress.ReadStages(lambda d, t, e: None, total=1000, clock=clock)
    clock.now += 1.0
    stages.check_done(1000)
    stages.parse_started()
    clock.now += 3.0
    stages.parse_done(1000)
    clock.now += 2.0
    stages.finish(1000)
    assert pace == {"parse": 4.0, "rows": 3.0}  # halfway from what it expected to what it saw
    # The next read expects its parse to take four times its check.
    said: list[int] = []
    stages = read_progress.ReadStages(lambda d, t, e: said.append(d), total=1000, clock=clock)
    clock.now += 0.5
    stages.check_done(1000)
    stages.parse_started()
    clock.now += 1.0  # half of the expected 2 s
    stages.parsing()
    whole = 1 + 4.0 + 3.0
    assert said[-1] == pytest.approx(1000 * (1 / whole + 0.5 * 4.0 / whole), abs=2)


def test_waiting_for_the_scan_of_an_already_parsed_sheet_still_moves_the_bar():
    """A small sheet is parsed while the sheets are listed; the read then only waits for the
    scan beside it, and the bar moves on all the same."""
    clock = _Clock()
    said: list[int] = []
    stages = read_progress.ReadStages(lambda d, t, e: said.append(d), total=10_000, file_bytes=4_000_000, clock=clock)
    for _ in range(5):
        clock.now += 0.1
        stages.parsing()
    assert len(said) >= 2 and said == sorted(said) and said[-1] < 10_000
