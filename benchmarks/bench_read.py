"""How fast and how smoothly a contact workbook is read, against bare python-calamine.

Run: python benchmarks/bench_read.py [--rows 100000 1000000]

Generates its inputs once under benchmarks/out/ (names, numeric and text phone numbers,
dates, amounts: 7 columns), then prints, measured in this run:
- the time to read each sheet into text as a ratio to iterating python-calamine's
  ``iter_rows()`` over the same sheet (the faster of its two ways), and to that bare read
  preceded by the extent check that any reader of untrusted workbooks built on python-calamine
  must run first, with the time of that check and of the detail scan that runs beside the parse;
- the longest stall of a main thread ticking every 10 ms while the read runs in a worker;
- how well the progress bar follows the read: how many times it moved, and the largest gap
  between the share of the bar shown and the share of the read's time gone by;
- the peak memory (RSS) of reading the 1,000,000-row sheet, in a fresh subprocess.

``read_workbook`` is given a progress callback, as the window gives it (the parse then runs
in a helper thread while the reading thread moves the bar on).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import random
import subprocess
import sys
import threading
import time

OUT = pathlib.Path(__file__).resolve().parent / "out"
FIRST_NAMES = ["Abhinandan", "Priya", "Rahul", "Sneha", "Arjun", "Kavya", "अभिनंदन", "Zoë"]


def generate(rows: int) -> pathlib.Path:
    """A 7-column contact list written with openpyxl (write-only), cached between runs."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    path = OUT / f"contacts_{rows}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Contacts")
    ws.append(["Customer ID", "Name", "Mobile", "Alt Mobile", "Due date", "Amount", "Called at"])
    start = dt.date(2024, 1, 1)
    date_cell = WriteOnlyCell(ws)
    for i in range(rows):
        when = dt.datetime(2024, 1, 1, 9, 0) + dt.timedelta(minutes=i % 50_000)
        ws.append(
            [
                f"C{i:07d}",
                f"{rng.choice(FIRST_NAMES)} {i}",
                918000000000 + rng.randrange(10**9),  # a phone stored as a number
                f"0{rng.randrange(10**9, 10**10)}",  # a phone stored as text, leading zero
                start + dt.timedelta(days=i % 365),
                round(rng.uniform(0, 50_000), 2),
                when,
            ]
        )
    del date_cell
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, path)
    return path


if __name__ == "__main__" and "--generate" in sys.argv:
    for n in [int(a) for a in sys.argv[sys.argv.index("--generate") + 1 :]]:
        t = time.perf_counter()
        print(generate(n), f"{time.perf_counter() - t:.1f}s", flush=True)


def bare_read(path: pathlib.Path) -> int:
    """The baseline: python-calamine's own fastest way, a bare loop over ``iter_rows()``."""
    from python_calamine import CalamineWorkbook

    count = 0
    with CalamineWorkbook.from_path(str(path)) as book:
        for _row in book.get_sheet_by_index(0).iter_rows():
            count += 1
    return count


def checked_bare_read(path: pathlib.Path) -> int:
    """The bare read made safe for untrusted files: the extent check, then python-calamine.

    Without the check a few-kilobyte workbook with cells in A1 and XFD1048576 makes
    python-calamine allocate 550 GB and the process aborts; this is the least any reader of
    untrusted workbooks built on it must do.
    """
    extent_check(path)
    return bare_read(path)


def our_read(path: pathlib.Path, progress=None):
    from phonon_desktop.sheets import read_workbook

    return read_workbook(path, progress=progress or (lambda done, total: None))


def progress_quality(path: pathlib.Path) -> tuple[int, float, float]:
    """(times the bar moved, largest gap in points between the bar's share and the share of
    the read's time gone by, longest time in seconds the bar stood still)."""
    marks: list[tuple[float, float]] = []
    start = time.perf_counter()

    def progress(done: int, total: int | None) -> None:
        if total:
            marks.append((time.perf_counter() - start, done / total))

    our_read(path, progress)
    elapsed = time.perf_counter() - start
    gap = max(abs(share - at / elapsed) for at, share in marks) if marks else 1.0
    times = [0.0] + [at for at, _ in marks] + [elapsed]
    still = max(b - a for a, b in zip(times, times[1:]))
    return len(marks), gap * 100, still


def extent_check(path: pathlib.Path) -> None:
    """The part of the XML scan that must finish before python-calamine parses (bomb check)."""
    import zipfile

    from phonon_desktop.sheets import xlsxscan
    from phonon_desktop.sheets.guard import ReadLimits

    with zipfile.ZipFile(path) as archive:
        member = xlsxscan.sheet_member(archive, "Contacts")
        xlsxscan.check_extent(path, archive, member, ReadLimits())


def detail_scan(path: pathlib.Path) -> object:
    """The rest of the XML scan (hidden rows, errors, formulas): runs beside calamine's parse."""
    import zipfile

    from phonon_desktop.sheets import xlsxscan
    from phonon_desktop.sheets.guard import ReadLimits

    with zipfile.ZipFile(path) as archive:
        member = xlsxscan.sheet_member(archive, "Contacts")
        return xlsxscan.scan_details(path, archive, member, ReadLimits())


def timed(fn, path: pathlib.Path, keep: list | None = None, cpu: list | None = None) -> float:
    """Seconds to run ``fn``; its result is kept (the window keeps the sheet it read). ``cpu``
    gets the processor seconds of every thread of this process meanwhile (less swayed by other
    programs on the machine than the clock, but it counts the work beside the parse too)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn(path)
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    if keep is not None:
        keep.append(result)
    return elapsed


def longest_stall(fn, path: pathlib.Path) -> tuple[float, float]:
    """(longest gap between 10 ms ticks of this thread, read time) with ``fn`` in a worker."""
    done = threading.Event()
    elapsed: list[float] = []
    kept: list = []

    def work() -> None:
        elapsed.append(timed(fn, path, kept))
        done.set()

    worker = threading.Thread(target=work)
    last = time.perf_counter()
    worst = 0.0
    worker.start()
    while not done.is_set():
        time.sleep(0.01)
        now = time.perf_counter()
        worst = max(worst, now - last - 0.01)
        last = now
    worker.join()
    kept.clear()
    return worst, elapsed[0]


def peak_rss_mb(path: pathlib.Path, which: str) -> float:
    """Peak resident memory of a fresh process that reads ``path`` (Linux/macOS only)."""
    code = (
        "import resource, sys, pathlib\n"
        "sys.path.insert(0, str(pathlib.Path(sys.argv[1])))\n"
        "import bench_read\n"
        f"bench_read.{which}(pathlib.Path(sys.argv[2]))\n"
        "try:\n"
        "    # VmHWM starts afresh at exec; ru_maxrss on Linux carries the parent's peak over.\n"
        "    status = pathlib.Path('/proc/self/status').read_text()\n"
        "    print(int(status.split('VmHWM:')[1].split()[0]) / 1024)\n"
        "except OSError:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    print(peak / 1024 if sys.platform != 'darwin' else peak / 1024 / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(pathlib.Path(__file__).parent), str(path)],
        capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings per reader")
    args = parser.parse_args()
    results = {}
    for rows in args.rows:
        path = generate(rows)
        memory = {}
        if rows >= 1_000_000 and sys.platform != "win32":  # first, while this process is small
            memory = {"peak_rss_mb": round(peak_rss_mb(path, "our_read")),
                      "bare_peak_rss_mb": round(peak_rss_mb(path, "bare_read"))}
        bare_times, our_times, checked_times, bare_cpu, our_cpu = [], [], [], [], []
        for _ in range(args.repeat):  # interleaved, so a busy moment on the machine hits all three
            bare_times.append(timed(bare_read, path, cpu=bare_cpu))
            our_times.append(timed(our_read, path, [], cpu=our_cpu))
            checked_times.append(timed(checked_bare_read, path))
        bare, ours, checked = min(bare_times), min(our_times), min(checked_times)
        extent = min(timed(extent_check, path) for _ in range(args.repeat))
        details = min(timed(detail_scan, path) for _ in range(args.repeat))
        bare_stall, _ = longest_stall(bare_read, path)
        stall, _ = longest_stall(our_read, path)
        moves, bar_gap, still = progress_quality(path)
        line = {
            "rows": rows,
            "bare_iter_rows_s": round(bare, 2),
            "read_workbook_s": round(ours, 2),
            "ratio": round(ours / bare, 2),
            "ratio_of_each_pair": [round(o / b, 2) for o, b in zip(our_times, bare_times)],
            "checked_bare_s": round(checked, 2),
            "ratio_to_checked_bare": round(ours / checked, 2),
            "cpu_s_bare_ours": [round(min(bare_cpu), 2), round(min(our_cpu), 2)],
            "of_which_extent_check_s": round(extent, 2),
            "detail_scan_beside_parse_s": round(details, 2),
            "longest_stall_ms": round(stall * 1000),
            "bare_longest_stall_ms": round(bare_stall * 1000),
            "bar_moves": moves,
            "bar_vs_time_gap_points": round(bar_gap),
            "bar_longest_still_s": round(still, 2),
        }
        line.update(memory)
        results[rows] = line
        print(json.dumps(line), flush=True)
    print("\n| rows | bare iter_rows | read_workbook | ratio | extent check + bare | ratio to it | of which extent check "
          "| detail scan (beside parse) | longest stall | progress bar: moves, largest gap to time, longest still | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for line in results.values():
        rss = f"{line['peak_rss_mb']:,} MB (bare {line['bare_peak_rss_mb']:,})" if "peak_rss_mb" in line else "—"
        print(
            f"| {line['rows']:,} | {line['bare_iter_rows_s']} s | {line['read_workbook_s']} s | "
            f"{line['ratio']}× | {line['checked_bare_s']} s | {line['ratio_to_checked_bare']}× | "
            f"{line['of_which_extent_check_s']} s | {line['detail_scan_beside_parse_s']} s | "
            f"{line['longest_stall_ms']} ms (bare {line['bare_longest_stall_ms']}) | "
            f"{line['bar_moves']}, {line['bar_vs_time_gap_points']} points, {line['bar_longest_still_s']} s | {rss} |"
        )


if __name__ == "__main__" and "--generate" not in sys.argv:
    main()
