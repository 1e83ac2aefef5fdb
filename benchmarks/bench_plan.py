"""Planning a million rows: prints the time and its ratio to a bare regex pass over one column.

Usage: python benchmarks/bench_plan.py [ROWS]   (default 1,000,000)

The sheet has 2 number columns (written the ways operators write them), a customer id,
3 flow variables and a start time column with a few distinct values. The baseline is one
``Series.str.replace`` regex over the main number column, measured in the same run, so the
ratio means the same on a fast and a slow machine.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from phonon_desktop.campaign.mapping import Mapping, StartTime
from phonon_desktop.campaign.plan import batches_for, plan_campaign
from phonon_desktop.sheets.model import CellKind, Sheet


def make_sheet(n: int) -> Sheet:
    rng = np.random.default_rng(7)
    national = rng.integers(6_000_000_000, 9_999_999_999, n, dtype=np.int64).astype(str)
    style = rng.random(n)
    mobile = np.where(style < 0.6, national, np.where(style < 0.8, np.char.add("91", national), np.char.add("+91 ", national)))
    mobile = np.where((style > 0.9) & (style < 0.95), np.char.add("0", national), mobile)
    alternate = rng.integers(6_000_000_000, 9_999_999_999, n, dtype=np.int64).astype(str)
    alternate = np.where(rng.random(n) < 0.5, "", alternate)
    ids = np.char.add("C", np.arange(n).astype(str))
    names = np.array(["Abhinandan", "अभिनंदन", "Priya Sharma", "Rahul"], dtype=object)[rng.integers(0, 4, n)]
    languages = np.array(["English", "Hindi", "Tamil"], dtype=object)[rng.integers(0, 3, n)]
    amounts = rng.integers(100, 100_000, n).astype(str)
    times = np.array(["2026-12-01 10:30", "01/12/2026 11:00", "1-Dec-2026 02:30 PM", "2026-12-02 09:15"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    columns = {
        "Customer ID": ids, "Name": names, "Mobile": mobile, "Alt Mobile": alternate,
        "Language": languages, "Amount": amounts, "Call At": times,
    }
    data = pd.DataFrame({k: pd.Series(v.tolist(), dtype="str") for k, v in columns.items()})
    kinds = pd.DataFrame({k: np.where(data[k].to_numpy() == "", CellKind.EMPTY, CellKind.TEXT).astype(np.int8) for k in columns})
    return Sheet(path="bench.xlsx", name="Contacts", header_row=1, headers=list(columns), data=data, kinds=kinds,
                 source_rows=np.arange(2, n + 2))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sheet = make_sheet(n)
    mapping = Mapping(
        contact_numbers=["Mobile", "Alt Mobile"], client_identifier="Customer ID",
        start_time=StartTime(kind="column", column="Call At"),
        keys={"Name": "Name", "Language": "Language", "Amount": "Amount"},
    )
    now = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)

    t = time.perf_counter()
    sheet.data["Mobile"].str.replace(r"[\s\-()+]", "", regex=True)
    baseline = time.perf_counter() - t

    t = time.perf_counter()
    plan = plan_campaign(sheet, mapping, now=now, day_first=True)
    planning = time.perf_counter() - t

    # What calling phonenumbers on every cell would cost, from a sample of the same cells.
    import phonenumbers

    sample = sheet.data["Mobile"].iloc[:20_000].tolist()
    t = time.perf_counter()
    for text in sample:
        phonenumbers.is_valid_number(phonenumbers.parse(text, "IN"))
    per_cell = (time.perf_counter() - t) / len(sample)
    naive = per_cell * n * 2  # two number columns

    generated = Mapping(contact_numbers=["Mobile", "Alt Mobile"], start_time=mapping.start_time, keys=mapping.keys)
    t = time.perf_counter()
    plan_generated = plan_campaign(sheet, generated, now=now, day_first=True)
    planning_generated = time.perf_counter() - t
    t = time.perf_counter()
    plan_generated.client_ids
    ids_time = time.perf_counter() - t

    # The worst case for times: a different start time on every row (date-time cells).
    moments = pd.Timestamp("2026-12-01 09:00") + pd.to_timedelta(np.arange(n) % 600_000, unit="m")
    sheet.data["Call At"] = pd.Series(moments.strftime("%Y-%m-%d %H:%M"), dtype="str")
    t = time.perf_counter()
    plan_distinct = plan_campaign(sheet, mapping, now=now, day_first=True)
    planning_distinct = time.perf_counter() - t
    sheet.data["Call At"] = pd.Series(make_sheet(n).data["Call At"], dtype="str")

    t = time.perf_counter()
    plan.revalidate([5, 17, n // 2])
    revalidate = time.perf_counter() - t
    sheet.data.iat[9, 2] = sheet.data.iat[3, 2]  # an edit that makes a duplicate
    t = time.perf_counter()
    plan.revalidate([9])
    revalidate_again = time.perf_counter() - t

    rows = plan.sendable_rows()
    t = time.perf_counter()
    batches = batches_for(plan, rows, api_version="1.0", flow_id="ABCD1234")
    batching = time.perf_counter() - t

    print(f"rows: {n:,}; counts: {plan.counts()}")
    print(f"baseline, one Series.str.replace over Mobile: {baseline:.2f} s")
    print(f"plan_campaign (id column, 2 number columns, 3 flow variables, time column): {planning:.2f} s  = {planning / baseline:.1f}x baseline")
    print(f"phonenumbers on every number cell instead (from a 20,000-cell sample): ~{naive:.0f} s "
          f"= {naive / planning:.0f}x the whole planning")
    print(f"plan_campaign with a distinct start time on every row: {planning_distinct:.2f} s "
          f"= {planning_distinct / baseline:.1f}x ({plan_distinct.counts()['ready']:,} ready)")
    print(f"plan_campaign with generated ids: {planning_generated:.2f} s  = {planning_generated / baseline:.1f}x; "
          f"generating the ids on first use: {ids_time:.2f} s = {ids_time / baseline:.1f}x")
    print(f"revalidate 3 edited rows, first edit: {revalidate:.3f} s = {revalidate / baseline:.2f}x baseline; "
          f"a later edit: {revalidate_again:.3f} s = {revalidate_again / baseline:.3f}x")
    print(f"batches_for all sendable rows (builds and encodes every call once): {batching:.2f} s = {batching / baseline:.1f}x; "
          f"{len(batches):,} requests")


if __name__ == "__main__":
    main()
