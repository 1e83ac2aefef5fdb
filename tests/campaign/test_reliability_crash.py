"""A real sending process killed with SIGKILL while a request is in flight, then run again.

The practice server's own record proves that no customer's call travelled in two different
requests, and the rows of the request in flight come back "unconfirmed", not re-sent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from phonon_desktop.campaign.journal import Journal, sheet_fingerprint
from phonon_desktop.kairos.sandbox import Sandbox
from test_send_kit import contact_sheet

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]

HERE = Path(__file__).parent

DRIVER = r"""
import os, signal, sys
sys.path[:0] = [sys.argv[3]]
from phonon_desktop.campaign.journal import Journal
from phonon_desktop.campaign.send import FlowTarget, Submission, SubmissionLocked
from phonon_desktop.kairos.client import Client
from test_send_kit import CANARY, FLOW, SimplePlan, contact_sheet

# CRASH_AT=after_intent:N / after_record:N kills this process right after the N-th intent or
# answer is committed, the way a power button or the task manager would.
where, _, count = os.environ.get("CRASH_AT", "").partition(":")
if where:
    name = {"after_intent": "record_intent", "after_record": "record_outcome"}[where]
    original = getattr(Journal, name)
    seen = [0]

    def dying(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if kwargs.get("rows", True):  # answers of intermediate tries carry no rows
            seen[0] += 1
        if seen[0] == int(count):
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(Journal, name, dying)

url, journal_path = sys.argv[1], sys.argv[2]
plan = SimplePlan(contact_sheet(1500))
with Journal(journal_path) as journal:
    try:
        sub = Submission.prepare(plan, FlowTarget(FLOW, CANARY, url), journal,
                                 resubmit_unconfirmed=bool(os.environ.get("RESUBMIT_UNCONFIRMED")))
    except SubmissionLocked:
        print("locked", flush=True)
        sys.exit(3)
    print("prepared", sub.total_calls, len(sub.skipped), len(sub.held), flush=True)
    for result in sub.run(Client(url, read_timeout=30), None):
        print("batch", result.batch_index, [s.value for s in result.statuses][:1], flush=True)
"""


def run_driver(url: str, journal: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, url, str(journal), str(HERE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    return proc.returncode, out


def placed_once_and_carried_once(sandbox: Sandbox) -> dict[str, int]:
    """Numbers placed by the server, asserting none was placed twice or carried by two requests."""
    placed: dict[str, int] = defaultdict(int)
    carried: dict[str, set[str]] = defaultdict(set)
    for rec in sandbox.received:
        for cid in rec.accepted:
            placed[cid] += 1
        for call in rec.calls or []:
            carried[call["client-identifier"]].add(rec.sha256)
            carried[call["contact-numbers"][0]].add(rec.sha256)
    assert {k for k, v in carried.items() if len(v) > 1} == set()
    assert max(placed.values(), default=1) == 1
    return placed


def test_killed_while_waiting_for_an_answer_then_run_again(tmp_path):
    journal_path = tmp_path / "journal.sqlite3"
    with Sandbox(latency=0.6) as sandbox:
        proc = run_driver(sandbox.url, journal_path)
        deadline = time.monotonic() + 60
        while len(sandbox.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(sandbox.received) == 2, proc.stderr.read() if proc.poll() is not None else "no request"
        os.kill(proc.pid, signal.SIGKILL)  # batch 2 is on the wire, its answer not yet back
        proc.wait(timeout=30)
        time.sleep(0.8)  # let the server finish processing the orphaned request

        sandbox.latency = 0.0
        second = run_driver(sandbox.url, journal_path)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert out.splitlines()[0] == "prepared 500 500 500"  # batch 3 sent; batch 1 skipped; batch 2 held

        assert len(sandbox.received) == 3
        assert len(placed_once_and_carried_once(sandbox)) == 1500

    with Journal(journal_path) as journal:
        (summary,) = [c for c in journal.campaigns_for_sheet(sheet_fingerprint(contact_sheet(1500)))]
        assert summary.counts == {"accepted": 1000, "unconfirmed": 500}



def test_killed_after_the_intent_before_the_request_left(tmp_path):
    journal_path = tmp_path / "journal.sqlite3"
    with Sandbox() as sandbox:
        code, _ = finish(run_driver(sandbox.url, journal_path, CRASH_AT="after_intent:2"))
        assert code == -signal.SIGKILL and len(sandbox.received) == 1
        code, out = finish(run_driver(sandbox.url, journal_path))
        assert out.splitlines()[0] == "prepared 500 500 500"  # not re-sent on its own: unconfirmed
        assert len(placed_once_and_carried_once(sandbox)) == 1000
        # the operator checked the console (the 500 are not there) and sends exactly those
        code, out = finish(run_driver(sandbox.url, journal_path, RESUBMIT_UNCONFIRMED="1"))
        assert out.splitlines()[0] == "prepared 500 1000 0"
        assert len(placed_once_and_carried_once(sandbox)) == 1500


def test_killed_after_the_answer_was_recorded_nothing_is_resent(tmp_path):
    journal_path = tmp_path / "journal.sqlite3"
    with Sandbox() as sandbox:
        code, _ = finish(run_driver(sandbox.url, journal_path, CRASH_AT="after_record:2"))
        assert code == -signal.SIGKILL and len(sandbox.received) == 2
        code, out = finish(run_driver(sandbox.url, journal_path))
        assert out.splitlines()[0] == "prepared 500 1000 0"
        assert len(placed_once_and_carried_once(sandbox)) == 1500 and len(sandbox.received) == 3


def test_two_programs_at_once_only_one_sends(tmp_path):
    journal_path = tmp_path / "journal.sqlite3"
    Journal(journal_path).close()  # both find the same existing file
    with Sandbox(latency=0.3) as sandbox:
        first, second = run_driver(sandbox.url, journal_path), run_driver(sandbox.url, journal_path)
        outcomes = sorted([finish(first), finish(second)])
        assert [code for code, _ in outcomes] == [0, 3]
        assert outcomes[1][1].strip() == "locked"
        assert len(placed_once_and_carried_once(sandbox)) == 1500 and len(sandbox.received) == 3


def test_ctrl_c_in_the_command_stops_after_the_request_in_flight(tmp_path):
    folder = tmp_path / "liste"
    folder.mkdir()
    (folder / "contacts.csv").write_text(
        "Customer ID,Mobile\n" + "".join(f"C{i},91802{i:07d}\n" for i in range(1500)), encoding="utf-8"
    )
    (folder / "mapping.json").write_text(
        '{"contact_numbers": ["Mobile"], "client_identifier": "Customer ID"}', encoding="utf-8"
    )
    with Sandbox(latency=0.8) as sandbox:
        proc = subprocess.Popen(
            [sys.executable, "-m", "phonon_desktop", "submit", str(folder / "contacts.csv"), "--mapping",
             str(folder / "mapping.json"), "--flow-id", "Fl0w1234", "--endpoint", sandbox.url,
             "--journal", str(folder / "journal.sqlite3")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PHONON_SECURITY_ID": "CANARY" + "7q" * 29},
        )
        deadline = time.monotonic() + 60
        while not sandbox.received and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)  # while the first request waits for its answer
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "Stopping after the request in flight" in err and "Traceback" not in err
    assert len(sandbox.received) == 1
    assert "Accepted: 500 rows." in out and "Not sent: 1,000 rows" in out
