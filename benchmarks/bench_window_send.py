"""Sending 100,000 rows through the window, against the headless send loop of the same rows.

Offscreen, sandbox at zero latency, no rate limit. Prints:
- the longest gap of a 10 ms GUI heartbeat while the window prepares and sends (target: none
  over 100 ms);
- the time per 500-call request through the window's worker, and through
  ``Submission.run`` alone in the same run, and the time the window adds (target ≤ 10%).

    python benchmarks/bench_window_send.py [ROWS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


def write_list(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("Customer ID,Name,Mobile,Language\n")
        for i in range(rows):
            f.write(f"C{i:07d},Name {i},9{i % 10}{i:08d},Hindi\n")


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    os.environ["PHONON_DESKTOP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="phonon-bench-config-")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from phonon_desktop.campaign.journal import Journal
    from phonon_desktop.campaign.send import FlowTarget, Submission
    from phonon_desktop.gui.main_window import MainWindow
    from phonon_desktop.gui.secrets import SecretStore
    from phonon_desktop.gui.sending import attach_sending
    from phonon_desktop.gui.settings_store import SettingsStore
    from phonon_desktop.kairos.client import Client
    from phonon_desktop.kairos.ratelimit import RateLimiter
    from phonon_desktop.kairos.sandbox import DEMO_FLOW_ID, DEMO_SECURITY_ID, Sandbox

    work = Path(tempfile.mkdtemp(prefix="phonon-bench-"))
    path = work / "list.csv"
    write_list(path, rows)

    def pump_until(done, timeout: float = 600.0) -> None:
        end = time.monotonic() + timeout
        while not done():
            app.processEvents()
            time.sleep(0.001)
            if time.monotonic() > end:
                raise SystemExit("timed out")

    # --- the headless loop, same rows, same machine, same run (before and after: the machine is shared)
    def headless(name: str) -> tuple[int, float]:
        with Sandbox() as box:
            journal = Journal(work / f"{name}.sqlite3")
            target = FlowTarget(DEMO_FLOW_ID, DEMO_SECURITY_ID, box.url, "1.0", "realtime", None)
            submission = Submission.prepare(plan, target, journal)
            t0 = time.perf_counter()
            count = sum(1 for _ in submission.run(Client(box.url, endpoint="realtime"), RateLimiter(None)))
            seconds = time.perf_counter() - t0
            journal.close()
        return count, seconds / max(1, count)

    # --- the window ----------------------------------------------------------------------------
    box_window = Sandbox().start()
    window = MainWindow(sandbox=box_window)
    window.resize(1280, 760)
    window.show()
    controller = attach_sending(
        window,
        settings=SettingsStore(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)),
        secrets=SecretStore(),
        journal_path=work / "window-journal.sqlite3",
    )
    plans = []
    window.plan_changed.connect(lambda p: plans.append(p) if p is not None else None)
    window.open_file(str(path))
    pump_until(lambda: bool(plans) and not controller._threads)
    plan = plans[-1]
    sendable = len(plan.sendable_rows())
    _, before = headless("headless-before")

    marks: dict[str, float] = {}
    original_start = controller._start

    def start(*args, **kwargs):  # called on the GUI thread once the send is prepared
        marks["start"] = time.perf_counter()
        return original_start(*args, **kwargs)

    controller._start = start
    gaps: list[float] = []
    last = [time.perf_counter()]

    stalls: list[tuple[float, float]] = []  # (when, how long) for gaps over 100 ms

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        if now - last[0] > 0.100:
            stalls.append((last[0], now - last[0]))
        last[0] = now

    heart = QTimer()
    heart.setInterval(10)
    heart.timeout.connect(beat)
    heart.start()
    last[0] = time.perf_counter()
    pressed = time.perf_counter()
    window.send_button.click()
    pump_until(lambda: controller.last_run is not None and not controller.busy and not controller._threads)
    heart.stop()
    requests = controller.last_run.batches_done
    # The worker's own wall time from its first request to its last answer.
    window_per_request = controller.last_run.seconds / max(1, requests)
    prepare_seconds = marks["start"] - pressed
    accepted = int((window.table_model.statuses() == "accepted").sum())
    box_window.stop()

    headless_requests, after = headless("headless-after")
    headless_per_request = (before + after) / 2

    added = window_per_request / headless_per_request - 1
    longest = max(gaps) * 1000 if gaps else 0.0
    over = sum(g > 0.100 for g in gaps)
    print(f"rows in the list: {rows:,}; sendable: {sendable:,}; accepted through the window: {accepted:,}")
    print(f"requests: window {requests}, headless {headless_requests}")
    print(f"preparing (off the GUI thread): {prepare_seconds:.2f} s")
    print(f"per 500-call request: window {window_per_request * 1000:.1f} ms, headless {headless_per_request * 1000:.1f} ms")
    print(f"time the window adds per request: {added * 100:+.1f}% (target <= 10%)")
    print(f"longest GUI heartbeat gap: {longest:.0f} ms; gaps over 100 ms: {over} (target: none)")
    if os.environ.get("BENCH_DETAIL"):
        for when, length in stalls:
            phase = "preparing" if when < marks.get("start", 0) else "sending"
            print(f"  stall {length * 1000:.0f} ms at {when - pressed:.2f} s ({phase}; clock {when:.2f})")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
