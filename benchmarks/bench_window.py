"""How the window copes with big lists, offscreen.

    python benchmarks/bench_window.py [ROWS ...]      (default: 100000 1000000)

For each size, generates a workbook (names, numbers as text and as numbers, languages,
amounts), then prints:
- time until the first rows are shown (the read-only preview on the loading page, or the
  table when there is none), until the table shows every row, and until every row is
  checked, as ratios to a bare python-calamine read of the same file (iter_rows, measured in
  the same run);
- the longest stall of the GUI event loop (a 10 ms QTimer heartbeat) during: the load,
  scrolling to the end, sorting by a column, filtering by text, a full re-validation;
- peak memory of the process (ru_maxrss).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def make_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Contacts")
    ws.append(["Customer ID", "Name", "Mobile", "Alt Mobile", "Language", "Amount Due", "City"])
    langs = ["Hindi", "English", "Marathi", "Tamil"]
    for i in range(rows):
        mobile = 9800000000 + i if i % 3 == 0 else f"+91 98{i:08d}"  # numbers stored both ways
        ws.append([f"C{i:07d}", f"Customer {i}", mobile, f"97{i:08d}" if i % 2 else None,
                   langs[i % 4], 1000 + (i % 997) * 1.5, "Pune"])
    wb.save(path)


def bare_calamine(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    for _ in sheet.iter_rows():
        pass
    return time.perf_counter() - t


class Heartbeat:
    """Ticks every 10 ms on the GUI thread; reports the longest gap in a phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def phase(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0

    def end(self) -> float:
        self._tick()  # a stall running up to the end of the phase counts too
        return self.longest


def process_events() -> None:
    """Handle the events waiting on this thread. Through a QEventLoop: with PySide6 6.12 on
    Python 3.11 the static QCoreApplication.processEvents() takes a reference from None at
    every call, and a long run ends in "Fatal Python error: none_dealloc"."""
    from PySide6.QtCore import QEventLoop

    global _LOOP
    if _LOOP is None:
        _LOOP = QEventLoop()
    _LOOP.processEvents()


_LOOP = None


def wait_for(app, condition, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not condition():
        process_events()
        time.sleep(0.001)
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not finish in time")


def run(rows: int, folder: Path) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from phonon_desktop.gui.main_window import MainWindow
    from phonon_desktop.gui.models.row_order import RowFilter

    app = QApplication.instance() or QApplication(sys.argv[:1])
    path = folder / f"contacts-{rows}.xlsx"
    if not path.exists():
        make_workbook(path, rows)
    bare = min(bare_calamine(path) for _ in range(2))
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    process_events()
    beat = Heartbeat()
    state: dict[str, float] = {}
    window.sheet_loaded.connect(lambda _s: state.setdefault("shown", time.perf_counter()))
    window.loader.preview.connect(lambda _s: state.setdefault("first", time.perf_counter()))
    window.plan_changed.connect(lambda p: p is not None and state.setdefault("checked", time.perf_counter()))
    beat.phase()
    t0 = time.perf_counter()
    window.open_file(str(path))
    wait_for(app, lambda: "checked" in state)
    out = {"rows": rows, "bare_read_s": bare, "shown_s": state["shown"] - t0, "checked_s": state["checked"] - t0}
    out["first_s"] = min(state.get("first", state["shown"]), state["shown"]) - t0
    out["stall_load_ms"] = beat.end() * 1000

    beat.phase()
    window.table.scrollToBottom()
    process_events()
    out["stall_scroll_ms"] = beat.end() * 1000

    beat.phase()
    t = time.perf_counter()
    window.table.sortByColumn(window.table_model.FIRST_DATA_COLUMN + 1, Qt.SortOrder.AscendingOrder)
    process_events()
    wait_for(app, lambda: not window.orderer.is_busy())
    process_events()
    out["sort_s"] = time.perf_counter() - t
    out["stall_sort_ms"] = beat.end() * 1000

    beat.phase()
    t = time.perf_counter()
    window.apply_filter(RowFilter(text="customer 12"))
    process_events()
    wait_for(app, lambda: not window.orderer.is_busy())
    process_events()
    out["filter_s"] = time.perf_counter() - t
    out["stall_filter_ms"] = beat.end() * 1000
    window.apply_filter(RowFilter())

    state.pop("checked", None)
    beat.phase()
    t = time.perf_counter()
    window.replan()
    wait_for(app, lambda: "checked" in state)
    out["revalidate_s"] = time.perf_counter() - t
    out["stall_revalidate_ms"] = beat.end() * 1000
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.undo_stack.setClean()
    window.close()
    return out


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [100_000, 1_000_000]
    os.environ["PHONON_DESKTOP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="phonon-bench-")
    folder = Path(tempfile.gettempdir()) / "phonon-bench-window-lists"  # generated once, reused
    folder.mkdir(exist_ok=True)
    print(f"{'rows':>9} {'bare read':>9} {'first rows':>13} {'shown':>13} {'checked':>13} {'sort':>6} {'filter':>6} "
          f"{'stall ms: load':>14} {'scroll':>6} {'sort':>6} {'filter':>6} {'re-check':>8} {'peak MB':>8}")
    for n in sizes:
        r = run(n, folder)
        print(f"{n:>9,} {r['bare_read_s']:>8.2f}s {r['first_s']:>6.2f}s {r['first_s'] / r['bare_read_s']:>4.2f}× "
              f"{r['shown_s']:>6.2f}s {r['shown_s'] / r['bare_read_s']:>4.2f}× "
              f"{r['checked_s']:>6.2f}s {r['checked_s'] / r['bare_read_s']:>4.2f}× {r['sort_s']:>5.2f}s "
              f"{r['filter_s']:>5.2f}s {r['stall_load_ms']:>14.0f} {r['stall_scroll_ms']:>6.0f} "
              f"{r['stall_sort_ms']:>6.0f} {r['stall_filter_ms']:>6.0f} {r['stall_revalidate_ms']:>8.0f} "
              f"{r['peak_mb']:>8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
