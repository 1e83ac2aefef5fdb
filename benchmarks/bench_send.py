"""Sending throughput: preparing, the time the program adds per 500-call request, the limiter's rate.

Usage: python benchmarks/bench_send.py [REQUESTS] [--prepare-only] [--prepare-rows N,N]
       (default 5 rounds of 40 requests of 500 calls; preparing 100,000 and 1,000,000 rows)

0. Preparing. ``Submission.prepare`` on a plan of N rows (one number column, two flow
   variables, mapped ids) with an empty journal (a first send), and again once every row has
   been recorded as accepted in the journal (a re-run: every row is found and skipped). The
   baseline, in the same run, is a bare loop of ``plan.encoded_call`` over the same rows: the
   cheapest way to get the bytes of every call, which any send has to pay. Each is measured
   3 times; the fastest is printed with the range.

1. Added time per request. The practice server runs on this computer with no latency and the
   limiter is off. The program sends REQUESTS x 500 calls (journal intent and outcome written
   and fsynced for each request, answer interpreted). Then the server forgets everything and
   the very same request bytes are posted again with a bare ``requests.Session().post`` in the
   same run: the baseline. Five rounds on fresh rows; the median round is printed: both
   times per request and the difference (target <= 5 ms); and, inside the program, the time
   in the client's post (which also reads the answer) against everything else, with the
   journal's intent and answer records apart.
2. Rate limiter. A limit of 30,000 calls a minute over 2 minutes of a simulated clock (the
   server answers at once, the journal is real): the calls sent in the 2 minutes against the
   limit (target >= 97 %), and the most calls in any 60-second window (never above the limit).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import requests

from phonon_desktop.campaign.journal import Journal
from phonon_desktop.campaign.mapping import Mapping, StartTime
from phonon_desktop.campaign.plan import plan_campaign
from phonon_desktop.campaign.send import FlowTarget, Submission
from phonon_desktop.kairos.client import Client
from phonon_desktop.kairos.ratelimit import RateLimiter
from phonon_desktop.kairos.sandbox import DEMO_FLOW_ID, DEMO_SECURITY_ID, Sandbox
from phonon_desktop.sheets.model import Sheet

KOLKATA = timezone(timedelta(hours=5, minutes=30))


def make_plan(n: int, seed: int):
    rng = np.random.default_rng(seed)
    national = (6_000_000_000 + (seed % 30) * 100_000_000 + rng.permutation(n).astype(np.int64)).astype(str)  # distinct
    data = pd.DataFrame(
        {
            "Customer ID": np.char.add(f"S{seed}-", np.arange(n).astype(str)).astype(object),
            "Mobile": national.astype(object),
            "Name": np.array(["Abhinandan", "अभिनंदन", "Priya Sharma"], dtype=object)[rng.integers(0, 3, n)],
            "Amount": rng.integers(100, 100_000, n).astype(str).astype(object),
        }
    )
    kinds = pd.DataFrame(np.ones(data.shape, dtype=np.int8), columns=data.columns)
    sheet = Sheet("bench.xlsx", "Contacts", 1, list(data.columns), data, kinds, np.arange(2, n + 2))
    start = datetime.now(KOLKATA).replace(microsecond=0) + timedelta(days=1)
    mapping = Mapping(
        contact_numbers=["Mobile"],
        client_identifier="Customer ID",
        start_time=StartTime(kind="at", at=start),
        keys={"Name": "Name", "Amount": "Amount"},
    )
    plan = plan_campaign(sheet, mapping)
    _ = plan.client_ids
    return plan


def one_round(requests_count: int, seed: int) -> tuple[float, float, float, int, dict[str, float]]:
    """(prepare seconds, program seconds, bare seconds, requests, seconds inside the program
    by part) for one round on fresh rows."""
    plan = make_plan(requests_count * 500, seed=seed)
    # The server keeps every body (it blanks old ones by default): the baseline re-posts them.
    with tempfile.TemporaryDirectory() as folder, Sandbox(keep_bodies=requests_count + 1) as sandbox:
        target = FlowTarget(DEMO_FLOW_ID, DEMO_SECURITY_ID, sandbox.url, "1.0", "realtime", None)
        with Journal(Path(folder) / "journal.sqlite3") as journal:
            t0 = time.perf_counter()
            sub = Submission.prepare(plan, target, journal)
            prepared = time.perf_counter() - t0
            client = Client(sandbox.url)
            parts = {"HTTP post": 0.0, "journal intent": 0.0, "journal answer": 0.0}
            _time_calls(client, "post", parts, "HTTP post")
            _time_calls(journal, "record_intent", parts, "journal intent")
            _time_calls(journal, "record_outcome", parts, "journal answer")
            t0 = time.perf_counter()
            results = list(sub.run(client, None))
            program = time.perf_counter() - t0
        assert results[-1].accepted_so_far == requests_count * 500
        bodies = [r.body for r in sandbox.received]
        assert len(bodies) == requests_count and all(bodies), "the baseline must post the very same bytes"
        sandbox.forget()
        session = requests.Session()
        t0 = time.perf_counter()
        for body in bodies:
            session.post(sandbox.url, data=body, headers={"Content-Type": "application/json"}, timeout=30).content
        bare = time.perf_counter() - t0
    return prepared, program, bare, len(bodies), parts


def _time_calls(owner: object, name: str, parts: dict[str, float], part: str) -> None:
    """Add the time spent in ``owner.name`` to ``parts[part]``."""
    method = getattr(owner, name)

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            parts[part] += time.perf_counter() - t0

    setattr(owner, name, timed)


def added_time(requests_count: int, rounds: int = 5) -> None:
    one_round(2, seed=99)  # warm up: imports, first connections, disk caches
    measured = [one_round(requests_count, seed=10 + i) for i in range(rounds)]
    n = measured[0][3]
    per = sorted(
        (((prog - bare) / n * 1000, prog / n * 1000, bare / n * 1000, prep, parts)
         for prep, prog, bare, _, parts in measured),
        key=lambda round_: round_[0],
    )
    added, program, bare, prepared, parts = per[len(per) // 2]  # the median round
    inside = {k: v / n * 1000 for k, v in parts.items()}
    outside_post = program - inside["HTTP post"]
    print(f"1. {rounds} rounds of {n} requests of 500 calls to the local practice server, limiter off")
    print(f"   (median round shown; every round: {', '.join(f'{p[0]:.2f}' for p in per)} ms added)")
    print(f"   preparing (skip check, encoding, batching):  {prepared * 1000:8.1f} ms for {n * 500:,} rows")
    print(f"   program, per request:                        {program:8.2f} ms")
    print(f"   bare requests.Session.post, per request:     {bare:8.2f} ms")
    print(f"   added by the program, per request:           {added:8.2f} ms  (target <= 5 ms)")
    print(f"   ratio program / bare:                        {program / bare:8.2f}")
    print(f"   inside the program, per request: HTTP post {inside['HTTP post']:.2f} ms; everything else "
          f"{outside_post:.2f} ms, of which journal intent {inside['journal intent']:.2f} ms "
          f"(with its disk flush), journal answer {inside['journal answer']:.2f} ms")


def _fill_journal_as_accepted(plan, journal: Journal, target: FlowTarget) -> None:
    """Record every row of the plan as sent and accepted, as a finished send would have."""
    sub = Submission.prepare(plan, target, journal)
    for _ in sub.run(InstantServer(), None):
        pass


def _timed(step, repeat: int = 3) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        out.append(time.perf_counter() - t0)
    return out


def _range(times: list[float]) -> str:
    return f"{min(times):6.2f} s (range {min(times):.2f}-{max(times):.2f})"


def preparing(sizes: list[int]) -> None:
    print("0. Submission.prepare against a bare loop of plan.encoded_call over the same rows")
    for n in sizes:
        plan = make_plan(n, seed=50 + n % 97)
        rows = plan.sendable_rows().tolist()
        with tempfile.TemporaryDirectory() as folder, Journal(Path(folder) / "journal.sqlite3") as journal:
            target = FlowTarget(DEMO_FLOW_ID, DEMO_SECURITY_ID, "http://127.0.0.1:9/x", "1.0", "realtime", None)

            def bare() -> None:
                list(map(plan.encoded_call, rows))

            def prepare(expect_calls: int) -> None:
                sub = Submission.prepare(plan, target, journal)
                sub.release()
                assert sub.total_calls == expect_calls, (sub.total_calls, expect_calls)

            base = _timed(bare)
            first = _timed(lambda: prepare(n))
            t0 = time.perf_counter()
            _fill_journal_as_accepted(plan, journal, target)
            filled = time.perf_counter() - t0
            again = _timed(lambda: prepare(0))
        print(f"   {n:>9,} rows  bare encoded_call loop: {_range(base)}")
        print(f"   {'':>9}       prepare, first send:    {_range(first)}   ratio {min(first) / min(base):5.2f}")
        print(f"   {'':>9}       prepare, all sent:      {_range(again)}   ratio {min(again) / min(base):5.2f}"
              f"   (journal filled in {filled:.1f} s)")


class InstantServer:
    """Answers every request at once with success (no network: the clock is simulated)."""

    def post(self, body: bytes):
        import json

        from phonon_desktop.kairos.interpret import interpret

        calls = json.loads(body)["calls"]
        details = [{"client-identifier": c["client-identifier"], "phonon-uuid": "u"} for c in calls]
        return interpret(200, json.dumps({"api-response-code": 200, "api-response-message": "Success",
                                          "request-id": "r", "call-details": details}).encode())


def limiter_rate(limit: int = 30_000, minutes: float = 2.0) -> None:
    clock = [0.0]
    limiter = RateLimiter(limit, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    sent_at: list[tuple[float, int]] = []

    class Timed(InstantServer):
        def post(self, body: bytes):
            sent_at.append((clock[0], body.count(b'"client-identifier"')))
            return super().post(body)

    horizon = minutes * 60
    plan = make_plan(int(limit * (minutes + 1)), seed=2)
    with tempfile.TemporaryDirectory() as folder:
        with Journal(Path(folder) / "journal.sqlite3") as journal:
            target = FlowTarget(DEMO_FLOW_ID, DEMO_SECURITY_ID, "http://127.0.0.1:9/x", "1.0", "bulk", limit)
            sub = Submission.prepare(plan, target, journal)
            for _ in sub.run(Timed(), limiter):
                if clock[0] >= horizon:
                    break
    in_horizon = sum(n for t, n in sent_at if t < horizon)
    # The busiest 60 seconds: windows starting at each send time.
    times = np.array([t for t, _ in sent_at])
    counts = np.array([n for _, n in sent_at])
    busiest = max(int(counts[(times >= t) & (times < t + 60)].sum()) for t in times)
    achieved = in_horizon / minutes
    print(f"2. limiter at {limit:,} calls/minute over {minutes:g} minutes of simulated clock")
    print(f"   calls sent in the {minutes:g} minutes: {in_horizon:,}  = {achieved:,.0f} per minute")
    print(f"   achieved / limit: {achieved / limit * 100:6.2f} %  (target >= 97 %)")
    print(f"   busiest 60 s window: {busiest:,} calls  ({'never above' if busiest <= limit else 'ABOVE'} the limit)")


if __name__ == "__main__":
    args = sys.argv[1:]
    sizes = [100_000, 1_000_000]
    if "--prepare-rows" in args:
        at = args.index("--prepare-rows")
        sizes = [int(x.replace("_", "")) for x in args[at + 1].split(",")]
        del args[at : at + 2]
    only_prepare = "--prepare-only" in args
    args = [a for a in args if a != "--prepare-only"]
    count = int(args[0]) if args else 40
    preparing(sizes)
    if not only_prepare:
        added_time(count)
        limiter_rate()
