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


GAP_NOTED = float(os.environ.get("BENCH_GAP_NOTED", "0.06"))  # gaps longer than this are explained by --trace


class Heartbeat:
    """Ticks every 10 ms on the GUI thread; reports the longest gap in a phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.longest = 0.0
        self.gaps: list[tuple[float, float]] = []  # (start, end) of every gap over GAP_NOTED
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        if now - self.last > GAP_NOTED:
            self.gaps.append((self.last, now))
        self.last = now

    def phase(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.gaps = []

    def end(self) -> float:
        self._tick()  # a stall running up to the end of the phase counts too
        return self.longest


class Tracer:
    """For --trace: what each thread was doing when the heartbeat stalled.

    A sampling thread notes every ~2 ms the innermost frames of every thread holding Python
    frames; ``gc.callbacks`` note each collection (generation, duration, thread). A sampler
    that itself could not run for a while shows that some thread kept the interpreter.
    """

    def __init__(self) -> None:
        import gc
        import threading

        self.samples: list[tuple[float, dict[int, str]]] = []
        self.collections: list[tuple[float, float, int, str]] = []
        self._gc_start = 0.0
        self._threading = threading
        self._stop = threading.Event()
        self._main = threading.main_thread().ident
        self.entries: list[tuple[float, str]] = []  # calls from Qt into Python on the GUI thread
        self._in_c: list = []
        self._open: dict[int, tuple[float, object]] = {}
        self.slots: list[tuple[float, float, str]] = []  # (start, end, name) of long calls from Qt
        gc.callbacks.append(self._on_gc)
        sys.setprofile(self._on_call)
        self._thread = threading.Thread(target=self._sample, name="sampler", daemon=True)
        self._thread.start()

    def _on_call(self, frame, event: str, arg) -> None:  # type: ignore[no-untyped-def]
        # A Python function whose caller is in a call to C (Qt) was called from Qt.
        if event == "c_call":
            self._in_c.append(frame)
        elif event in ("c_return", "c_exception"):
            if self._in_c and self._in_c[-1] is frame:
                self._in_c.pop()
        elif event == "call" and (frame.f_back is None or (self._in_c and frame.f_back is self._in_c[-1])):
            self.entries.append((time.perf_counter(), frame.f_code.co_name))
            self._open[id(frame)] = (self.entries[-1][0], frame.f_code)
        elif event == "return" and id(frame) in self._open:
            start, code = self._open.pop(id(frame))
            if time.perf_counter() - start > 0.015:  # a slot that kept the GUI thread busy
                self.slots.append((start, time.perf_counter(), f"{os.path.basename(code.co_filename)}:{code.co_name}"))

    def _on_gc(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        else:
            self.collections.append((self._gc_start, now, int(info.get("generation", -1)),
                                     self._threading.current_thread().name))

    @staticmethod
    def _where(frame) -> str:  # type: ignore[no-untyped-def]
        parts: list[str] = []
        inner = frame
        ours = 0
        while frame is not None and ours < 3:
            name = frame.f_code.co_filename
            if "phonon_desktop" in name or "bench_window" in name:
                parts.append(f"{os.path.basename(name)}:{frame.f_code.co_name}:{frame.f_lineno}")
                ours += 1
            frame = frame.f_back
        top = f"{os.path.basename(inner.f_code.co_filename)}:{inner.f_code.co_name}:{inner.f_lineno}"
        return top + " < " + " < ".join(parts)

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter()
            frames = sys._current_frames()
            here = {tid: self._where(f) for tid, f in frames.items() if f.f_code.co_name != "_sample"}
            self.samples.append((now, here))
            time.sleep(0.002)

    def watch(self, widgets: dict) -> None:  # type: ignore[type-arg]
        """Note paints and resizes of these widgets (name -> widget), to tell what repainted."""
        from PySide6.QtCore import QEvent, QObject

        kinds = {QEvent.Type.Paint: "paint", QEvent.Type.Resize: "resize", QEvent.Type.LayoutRequest: "layout"}
        events = self.events = []

        class Watcher(QObject):
            def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
                kind = kinds.get(event.type())
                if kind:
                    events.append((time.perf_counter(), f"{obj.objectName() or type(obj).__name__} {kind}"))
                return False

        self._watcher = Watcher()
        for name, widget in widgets.items():
            widget.setObjectName(widget.objectName() or name)
            widget.installEventFilter(self._watcher)

    events: list[tuple[float, str]] = []

    def stop(self) -> None:
        import gc

        sys.setprofile(None)
        gc.callbacks.remove(self._on_gc)
        self._stop.set()
        self._thread.join()

    def explain(self, phase: str, gaps: list[tuple[float, float]]) -> None:
        for start, end in gaps:
            print(f"  [{phase}] gap {1000 * (end - start):.0f} ms at +{start - self.origin:.3f}s", flush=True)
            for g0, g1, gen, thread in self.collections:
                if g1 > start and g0 < end:
                    print(f"      gc gen{gen} {1000 * (g1 - g0):.0f} ms in {thread}")
            entered: dict[str, int] = {}
            for t, name in self.entries:
                if start <= t <= end:
                    entered[name] = entered.get(name, 0) + 1
            for s0, s1, name in self.slots:
                if s1 > start and s0 < end:
                    print(f"      GUI slot {name} {1000 * (s1 - s0):.0f} ms")
            happened: dict[str, int] = {}
            for t, what in self.events:
                if start <= t <= end:
                    happened[what] = happened.get(what, 0) + 1
            if happened:
                print("      events: " + ", ".join(f"{k} {v}" for k, v in happened.items()))
            if os.environ.get("BENCH_TIMELINE"):
                model_calls = {"data", "rowCount", "columnCount", "flags", "__get__", "__call__", "headerData",
                               "index", "multiData", "_on_call", "_on_gc", "eventFilter", "__getattr__", "<genexpr>"}
                line = [(t, name) for t, name in self.entries if start <= t <= end and name not in model_calls]
                line += [(t, "*" + what) for t, what in self.events if start <= t <= end and "paint" in what]
                line += [(t, "first data()") for t, name in self.entries[:] if start <= t <= end and name == "data"][:1]
                print("      timeline: " + ", ".join(f"{1000 * (t - start):.0f} {n}" for t, n in sorted(line)))
            if entered:
                print("      GUI entries from Qt: " + ", ".join(f"{k} {v}" for k, v in sorted(entered.items(), key=lambda kv: -kv[1])[:8]))
            last = start
            previous: dict[int, str] = {}
            seen: dict[str, int] = {}
            for t, here in self.samples:
                if t < start - 0.005 or t > end + 0.005:
                    continue
                if t - last > 0.015:
                    print(f"      sampler starved {1000 * (t - last):.0f} ms until +{t - self.origin:.3f}s")
                    before = previous.get(next(iter(here), 0), "") if previous else ""
                    for tid, where in here.items():
                        if tid != self._main:
                            print(f"        then T{tid % 10000} {where}  (before: {previous.get(tid, '-') if previous else '-'})")
                last, previous = t, here
                for tid, where in here.items():
                    who = "GUI" if tid == self._main else f"T{tid % 10000}"
                    key = f"{who} {where}"
                    seen[key] = seen.get(key, 0) + 1
            for key, count in sorted(seen.items(), key=lambda kv: -kv[1])[:8]:
                print(f"      {count:4d}× {key}")

    origin = 0.0


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


def finish(beat: Heartbeat, tracer: Tracer | None, phase: str) -> float:
    """The phase's longest stall in ms; with a tracer, what ran during each long gap."""
    longest = beat.end() * 1000
    if tracer is not None:
        tracer.explain(phase, beat.gaps)
    return longest


def run(rows: int, folder: Path, tracer: Tracer | None = None) -> dict[str, float]:
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
    if tracer is not None:
        tracer.origin = t0
        tracer.watch({"viewport": window.table.viewport(), "table": window.table, "window": window,
                      "statusbar": window.statusBar(), "header": window.table.horizontalHeader()})
    window.open_file(str(path))
    wait_for(app, lambda: "checked" in state)
    out = {"rows": rows, "bare_read_s": bare, "shown_s": state["shown"] - t0, "checked_s": state["checked"] - t0}
    out["first_s"] = min(state.get("first", state["shown"]), state["shown"]) - t0
    out["stall_load_ms"] = finish(beat, tracer, "load")

    beat.phase()
    window.table.scrollToBottom()
    process_events()
    out["stall_scroll_ms"] = finish(beat, tracer, "scroll")

    beat.phase()
    t = time.perf_counter()
    window.table.sortByColumn(window.table_model.FIRST_DATA_COLUMN + 1, Qt.SortOrder.AscendingOrder)
    process_events()
    wait_for(app, lambda: not window.orderer.is_busy())
    process_events()
    out["sort_s"] = time.perf_counter() - t
    out["stall_sort_ms"] = finish(beat, tracer, "sort")

    beat.phase()
    t = time.perf_counter()
    window.apply_filter(RowFilter(text="customer 12"))
    process_events()
    wait_for(app, lambda: not window.orderer.is_busy())
    process_events()
    out["filter_s"] = time.perf_counter() - t
    out["stall_filter_ms"] = finish(beat, tracer, "filter")
    window.apply_filter(RowFilter())

    state.pop("checked", None)
    beat.phase()
    t = time.perf_counter()
    window.replan()
    wait_for(app, lambda: "checked" in state)
    out["revalidate_s"] = time.perf_counter() - t
    out["stall_revalidate_ms"] = finish(beat, tracer, "revalidate")
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.undo_stack.setClean()
    window.close()
    # Freed here, on the GUI thread: left to the cycle collector, the window's Qt objects could
    # be destroyed from whichever thread happens to collect ("Timers cannot be stopped from
    # another thread").
    beat.timer.stop()
    window.deleteLater()
    process_events()
    import gc

    gc.collect()
    return out


def main(argv: list[str]) -> int:
    trace = "--trace" in argv  # say what ran during each stall over GAP_NOTED
    sizes = [int(a) for a in argv if a != "--trace"] or [100_000, 1_000_000]
    os.environ["PHONON_DESKTOP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="phonon-bench-")
    folder = Path(tempfile.gettempdir()) / "phonon-bench-window-lists"  # generated once, reused
    folder.mkdir(exist_ok=True)
    print(f"{'rows':>9} {'bare read':>9} {'first rows':>13} {'shown':>13} {'checked':>13} {'sort':>6} {'filter':>6} "
          f"{'stall ms: load':>14} {'scroll':>6} {'sort':>6} {'filter':>6} {'re-check':>8} {'peak MB':>8}")
    for n in sizes:
        tracer = Tracer() if trace else None
        r = run(n, folder, tracer)
        if tracer is not None:
            tracer.stop()
        print(f"{n:>9,} {r['bare_read_s']:>8.2f}s {r['first_s']:>6.2f}s {r['first_s'] / r['bare_read_s']:>4.2f}× "
              f"{r['shown_s']:>6.2f}s {r['shown_s'] / r['bare_read_s']:>4.2f}× "
              f"{r['checked_s']:>6.2f}s {r['checked_s'] / r['bare_read_s']:>4.2f}× {r['sort_s']:>5.2f}s "
              f"{r['filter_s']:>5.2f}s {r['stall_load_ms']:>14.0f} {r['stall_scroll_ms']:>6.0f} "
              f"{r['stall_sort_ms']:>6.0f} {r['stall_filter_ms']:>6.0f} {r['stall_revalidate_ms']:>8.0f} "
              f"{r['peak_mb']:>8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
