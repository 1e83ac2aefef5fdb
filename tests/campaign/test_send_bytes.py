"""What leaves is exactly the plan's calls, byte for byte, however the send was prepared.

A campaign Plan's calls are taken from ``encoded_call`` and its signatures from its columns;
any other plan-like object through ``call(row)``. Both must send the same bytes and write
the same journal rows, first sends and resubmissions alike.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon_desktop.campaign.journal import Journal, RowStatus
from phonon_desktop.campaign.mapping import Mapping, StartTime
from phonon_desktop.campaign.plan import plan_campaign
from phonon_desktop.campaign.send import FlowTarget, Submission, _cut
from phonon_desktop.kairos.protocol import build_body, plan_batches
from sheetmaker import make_sheet
from test_send_kit import CANARY, FLOW, ScriptedClient, code, ok

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 27, 11, 0, tzinfo=IST)
TEXTS = ['Abhi "the" \\ one', "अभिनंदन", "line\nbreak", "", "tab\there 😀", "Priya", "\u200bzero width"]


def tricky_plan(n: int, *, ids: bool = True, prefix: str = "C"):
    columns = {
        "Customer ID": [f"{prefix}{i:05d}-ü" for i in range(n)],
        "Mobile": ["" if i % 97 == 5 else f"9{i % 9}{i:08d}" for i in range(n)],
        "Alt": [f"9{i % 9}{i:08d}" if i % 3 == 0 else ("" if i % 3 == 1 else f"8{i:09d}") for i in range(n)],
        "Name": [TEXTS[i % len(TEXTS)] for i in range(n)],
        "Amount": [str(i * 7) for i in range(n)],
    }
    sheet = make_sheet(columns)
    sheet.data.loc[3, "Amount"] = None  # a cell emptied by an edit
    sheet.data.loc[4, "Name"] = float("nan")
    mapping = Mapping(
        contact_numbers=["Mobile", "Alt"],
        client_identifier="Customer ID" if ids else None,
        start_time=StartTime(kind="at", at=datetime(2026, 12, 1, 10, 30, tzinfo=IST)),
        keys={"Name": "Name", "Amount": "Amount"},
    )
    return plan_campaign(sheet, mapping, now=NOW)


class CallsOnly:
    """The same plan seen only through call(row), as a test call or any wrapper is."""

    def __init__(self, plan) -> None:
        self.plan, self.sheet, self.mapping = plan, plan.sheet, plan.mapping

    def sendable_rows(self) -> np.ndarray:
        return self.plan.sendable_rows()

    def call(self, row: int):
        return self.plan.call(row)


def target() -> FlowTarget:
    return FlowTarget(flow_id=FLOW, security_id=CANARY, url="http://127.0.0.1:9/x")


def send(plan, journal, client, **kw):
    sub = Submission.prepare(plan, target(), journal, **kw)
    return sub, list(sub.run(client, None, sleep=lambda s: None))


def expected_body(plan, rows, suffix: str = "") -> bytes:
    calls = [plan.call(r) for r in rows.tolist()]
    if suffix:
        calls = [dataclasses.replace(c, client_identifier=c.client_identifier + suffix) for c in calls]
    return build_body("1.0", CANARY, FLOW, [c.encode() for c in calls])


def journal_rows(path) -> tuple[list, list]:
    with sqlite3.connect(path) as db:
        sends = db.execute("SELECT row_index, base_id, client_id, signature, attempt, status FROM sends ORDER BY id").fetchall()
        calls = db.execute("SELECT calls FROM requests WHERE retry_of IS NULL ORDER BY id").fetchall()
    return sends, calls


@pytest.mark.parametrize("ids", [True, False], ids=["mapped ids", "generated ids"])
def test_every_request_carries_exactly_the_plans_calls(tmp_path, ids):
    plan = tricky_plan(1100, ids=ids)
    assert 0 < plan.counts()["errors"] < 100  # a few rows cannot be sent and are left out
    client = ScriptedClient()
    with Journal(tmp_path / "j.sqlite3") as journal:
        sub, results = send(plan, journal, client)
    assert [len(r.rows) for r in results] == [500, 500, len(plan.sendable_rows()) - 1000]
    assert np.concatenate([r.rows for r in results]).tolist() == plan.sendable_rows().tolist()
    assert client.bodies == [expected_body(plan, r.rows) for r in results]


def test_resubmitted_generated_ids_carry_their_attempt_and_nothing_else_changes(tmp_path):
    plan = tricky_plan(700, ids=False)
    rejected = lambda b: code(205, "Invalid Contact Number")  # noqa: E731
    with Journal(tmp_path / "j.sqlite3") as journal:
        _, first = send(plan, journal, ScriptedClient(ok, rejected))
        assert first[1].statuses[0] is RowStatus.REJECTED
        client = ScriptedClient(rejected)
        _, second = send(plan, journal, client, resubmit_failed=True)
        assert [r.rows.tolist() for r in second] == [first[1].rows.tolist()]
        assert client.bodies == [expected_body(plan, first[1].rows, "-r2")]
        client = ScriptedClient()
        _, third = send(plan, journal, client, resubmit_failed=True)
        assert client.bodies == [expected_body(plan, first[1].rows, "-r3")]
        assert third[0].client_ids[0].endswith("-r3") and third[0].statuses[0] is RowStatus.ACCEPTED


@pytest.mark.parametrize("ids", [True, False], ids=["mapped ids", "generated ids"])
def test_the_journal_is_written_alike_whether_calls_come_from_the_plan_or_call_by_call(tmp_path, ids):
    plan = tricky_plan(1100, ids=ids)
    rejected = lambda b: code(206, "Failure from Gateway")  # noqa: E731
    sent = {}
    for name, seen_as in (("plan", plan), ("calls", CallsOnly(plan))):
        path = tmp_path / f"{name}.sqlite3"
        with Journal(path) as journal:
            first, second = ScriptedClient(ok, rejected), ScriptedClient()
            send(seen_as, journal, first)
            send(seen_as, journal, second, resubmit_failed=True)
        sent[name] = (first.bodies, second.bodies, journal_rows(path))
    assert sent["plan"] == sent["calls"]
    assert len(sent["plan"][1]) == 1  # the rejected request's rows went again


def test_a_copy_with_other_ids_is_recognised_in_a_journal_written_call_by_call(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        send(CallsOnly(tricky_plan(600)), journal, ScriptedClient())
        copy = tricky_plan(600, prefix="X")
        sub = Submission.prepare(copy, target(), journal)
        sub.release()
    assert sub.total_calls == 0 and len(sub.skipped) == len(copy.sendable_rows())
    assert {s.matched_by for s in sub.skipped} == {"same numbers and values"}


@settings(max_examples=80, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 120_000), max_size=40) | st.lists(st.integers(100, 700), max_size=1300),
    limit=st.integers(1, 500),
)
def test_requests_are_cut_as_the_protocol_cuts_them(sizes, limit):
    calls = [b"x" * s for s in sizes]
    assert _cut(calls, 120, limit) == plan_batches(sizes, 120, max_calls=limit)
