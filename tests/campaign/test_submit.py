"""`phonon-desktop submit` sending for real to the practice server: summary, results, exit codes."""

from __future__ import annotations

import csv
import json

import pytest

from phonon_desktop.campaign.journal import Journal
from phonon_desktop.campaign.send import FlowTarget, Submission
from phonon_desktop.cli import main
from phonon_desktop.kairos.sandbox import Sandbox
from test_send_kit import CANARY, FLOW, SimplePlan, contact_sheet

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def sandbox():
    with Sandbox() as s:
        yield s


@pytest.fixture
def job(tmp_path, monkeypatch):
    """A contact list, its mapping and a journal in a folder with spaces and non-Latin letters."""
    folder = tmp_path / "Kampagne März नमस्ते"
    folder.mkdir()
    sheet = folder / "contacts.csv"
    sheet.write_text(
        "Customer ID,Mobile,Name\nC1,9180123456,Asha\nC2,+91 81001 23456,अभिनंदन\nC3,09180123457,=HYPERLINK(\"x\")\n",
        encoding="utf-8",
    )
    mapping = folder / "mapping.json"
    mapping.write_text(json.dumps({"contact_numbers": ["Mobile"], "client_identifier": "Customer ID",
                                   "keys": {"Name": "Name"}, "start_time": "now"}), encoding="utf-8")
    monkeypatch.setenv("PHONON_SECURITY_ID", CANARY)
    return folder


def submit(job, sandbox, *extra: str) -> int:
    return main(["submit", str(job / "contacts.csv"), "--mapping", str(job / "mapping.json"), "--flow-id", FLOW,
                 "--endpoint", sandbox.url, "--journal", str(job / "journal.sqlite3"), *extra])


def read_results(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_send_writes_results_and_says_what_happened(job, sandbox, capsys):
    out = job / "results.csv"
    assert submit(job, sandbox, "--results", str(out)) == 0
    text = capsys.readouterr().out
    assert "Accepted: 3 rows." in text and "Request 1 of 1" in text
    assert "in 1 request to flow" in text
    rows = read_results(out)
    assert [r["Status"] for r in rows] == ["Accepted"] * 3
    assert [r["Client identifier"] for r in rows] == ["C1", "C2", "C3"]
    assert all(r["Request ID"] and r["Phonon UUID"] and r["Sent at"] for r in rows)
    assert rows[0]["Mobile"] == "9180123456"  # the operator's own text, untouched
    assert sorted(sandbox.accepted_client_ids()) == ["C1", "C2", "C3"]


def test_running_the_same_job_again_sends_nothing_and_says_so(job, sandbox, capsys):
    assert submit(job, sandbox) == 0
    capsys.readouterr()
    assert submit(job, sandbox, "--results", str(job / "again.xlsx")) == 0
    text = capsys.readouterr().out
    assert "Skipped as already sent: 3 rows" in text
    import re
    from datetime import datetime

    # When they were sent, on this computer's clock as the operator reads it, not an ISO stamp.
    today = datetime.now().astimezone().strftime("%d %b %Y")
    assert re.search(rf"last on {today} \d\d:\d\d\)", text), text
    assert len(sandbox.received) == 1
    from openpyxl import load_workbook

    sheet = load_workbook(job / "again.xlsx").active
    header = [c.value for c in sheet[1]]
    assert header[-7:] == ["Status", "Code", "Message", "Request ID", "Phonon UUID", "Client identifier", "Sent at"]
    assert [sheet.cell(r, header.index("Status") + 1).value for r in (2, 3, 4)] == ["Skipped"] * 3


def test_rejected_rows_are_summed_by_reason_and_resubmitted_on_request(job, sandbox, capsys):
    sandbox.inject("code:205")
    assert submit(job, sandbox) == 1
    text = capsys.readouterr().out
    assert "Rejected: 3 rows:" in text and "Invalid Contact Number (code 205): 3 rows" in text
    assert submit(job, sandbox) == 1  # held back without the flag
    assert "held back" in capsys.readouterr().out
    assert len(sandbox.received) == 1
    assert submit(job, sandbox, "--resubmit-failed") == 0
    assert len(sandbox.received) == 2 and sandbox.received[0].body != sandbox.received[1].body


def test_a_row_with_a_problem_is_listed_and_the_exit_code_says_not_all(job, sandbox, capsys):
    (job / "contacts.csv").write_text("Customer ID,Mobile,Name\nC1,9180123456,Asha\nC2,12345,Bad\n", encoding="utf-8")
    out = job / "results.csv"
    assert submit(job, sandbox, "--results", str(out)) == 1
    rows = read_results(out)
    assert [r["Status"] for r in rows] == ["Accepted", "Error"]
    assert "12345" in rows[1]["Message"]
    assert "Not sendable (problems in the sheet): 1 row." in capsys.readouterr().out


def test_account_stop_is_explained_once_and_exit_code_is_1(job, sandbox, capsys):
    sandbox.inject("code:212")
    assert submit(job, sandbox) == 1
    text = capsys.readouterr().out
    assert text.count("Sending stopped:") == 1 and "Not sent: 3 rows" in text


def test_no_security_id_sends_nothing(job, sandbox, capsys, monkeypatch):
    monkeypatch.delenv("PHONON_SECURITY_ID")
    assert submit(job, sandbox) == 2
    assert "No security id for flow" in capsys.readouterr().err
    assert sandbox.received == []


def test_damaged_journal_refuses_to_send(job, sandbox, capsys):
    (job / "journal.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    assert submit(job, sandbox) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "Traceback" not in err
    assert sandbox.received == []


def test_second_submit_while_one_runs_is_refused(job, sandbox, capsys):
    from phonon_desktop.campaign.mapping import Mapping
    from phonon_desktop.campaign.plan import plan_campaign
    from phonon_desktop.sheets.reader import read_workbook

    plan = plan_campaign(read_workbook(str(job / "contacts.csv")), Mapping.load(job / "mapping.json"))
    with Journal(job / "journal.sqlite3") as journal:
        running = Submission.prepare(plan, FlowTarget(FLOW, CANARY, sandbox.url), journal)
        assert submit(job, sandbox) == 2
        assert "already running" in capsys.readouterr().err
        running.release()
    assert sandbox.received == []
