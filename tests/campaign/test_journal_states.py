"""Property-based test of the journal and send loop as a state machine.

Hypothesis drives runs, crashes and resubmissions against an in-memory stand-in for Kairos
that remembers request checksums as the real server does, and checks after every step:
- nobody is called twice (unless the operator explicitly re-sent an unconfirmed row);
- nothing is lost: every call the server placed shows as accepted or unconfirmed;
- nothing is claimed that did not happen: a row shown accepted was placed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from phonon_desktop.campaign.journal import Journal, RowStatus, call_signature
from phonon_desktop.campaign.send import FlowTarget, Submission
from phonon_desktop.kairos.interpret import interpret, maybe_received, not_sent
from test_send_kit import CANARY, FLOW, SimpleMapping, SimplePlan, code, contact_sheet, ok

ROWS = 6
FAULTS = ["ok", "ok", "drop", "lost", "refused", "reject", "stop", "429", "503-then-ok", "partial"]


class Crash(BaseException):
    """The program dies here (not an Exception: nothing in the program may catch it)."""


class FakeKairos:
    def __init__(self) -> None:
        self.placed: Counter[str] = Counter()  # contact number -> times a call was scheduled
        self.seen: set[str] = set()
        self.script: list[str] = []
        self.crash_after = False

    def post(self, body: bytes):
        fault = self.script.pop(0) if self.script else "ok"
        sha = hashlib.sha256(body).hexdigest()
        if fault == "refused":
            return not_sent("Could not connect: refused.")
        if fault in ("lost", "503-then-ok"):
            if fault == "503-then-ok":
                self.script.insert(0, "ok")
            return maybe_received("The server reported an error (HTTP 503).", 503)
        if fault == "429":
            return interpret(429, b"", headers={"Retry-After": "1"})
        if sha in self.seen:
            return code(201, "Checksum Repeated")
        if fault == "reject":
            return code(205, "Invalid Contact Number")
        if fault == "stop":
            return code(212, "Insufficient Balance")
        self.seen.add(sha)
        calls = json.loads(body)["calls"]
        if fault == "partial":  # the first call of the request is refused, the others placed
            calls = calls[1:]
        for call in calls:
            self.placed[call["contact-numbers"][0]] += 1
        if self.crash_after:
            raise Crash()
        if fault == "partial":
            details = [{"client-identifier": c["client-identifier"], "phonon-uuid": "u"} for c in calls]
            return interpret(200, json.dumps({"api-response-code": 209, "api-response-message": "Partial Success",
                                              "request-id": "p", "call-details": details}).encode())
        if fault == "drop":
            return maybe_received("The connection broke before an answer came.")
        return ok(body)


class SendingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="journal states "))
        self.path = self.dir / "journal.sqlite3"
        self.journal = Journal(self.path)
        self.server = FakeKairos()
        self.generated = False
        self.plan = SimplePlan(contact_sheet(ROWS))
        self.allowed_again: Counter[str] = Counter()
        self.crashed = False

    def teardown(self) -> None:
        self.journal.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def target(self) -> FlowTarget:
        return FlowTarget(FLOW, CANARY, "http://127.0.0.1:9/x")

    def _run(self, faults: list[str], **kw) -> Submission:
        self.server.script = list(faults)
        sub = Submission.prepare(self.plan, self.target(), self.journal, calls_per_request=2, **kw)
        self.crashed = False
        list(sub.run(self.server, None, sleep=lambda s: None))
        return sub

    @rule(faults=st.lists(st.sampled_from(FAULTS), max_size=4), failed=st.booleans())
    def send(self, faults: list[str], failed: bool) -> None:
        self._run(faults, resubmit_failed=failed)

    @rule(faults=st.lists(st.sampled_from(["ok", "drop"]), min_size=1, max_size=2))
    def crash_while_waiting(self, faults: list[str]) -> None:
        self.server.script = list(faults)
        self.server.crash_after = True
        sub = Submission.prepare(self.plan, self.target(), self.journal, calls_per_request=2)
        try:
            for _ in sub.run(self.server, None, sleep=lambda s: None):
                pass
        except Crash:
            self.crashed = True
        finally:
            self.server.crash_after = False
        # the program is gone: a new one opens the same file
        self.journal.close()
        self.journal = Journal(self.path)

    @rule(row=st.integers(0, ROWS - 1))
    def operator_resends_one_unconfirmed_row(self, row: int) -> None:
        state = self._states().get(row)
        if state is None or state.status is not RowStatus.UNCONFIRMED:
            return
        self.allowed_again[self._number(row)] += 1
        self._run([], resubmit_unconfirmed=True, rows=[row])

    @rule(generated=st.booleans())
    def switch_between_mapped_and_generated_ids(self, generated: bool) -> None:
        # the same numbers and values: a copy of the list with other identifiers
        self.generated = generated
        self.plan = SimplePlan(contact_sheet(ROWS), mapping=SimpleMapping(None if generated else "Customer ID"))

    def _number(self, row: int) -> str:
        return self.plan.call(row).contact_numbers[0]

    def _states(self):
        calls = [self.plan.call(r) for r in range(ROWS)]
        ids = [c.client_identifier for c in calls]
        sigs = [call_signature(c.contact_numbers, c.keys) for c in calls]
        found = self.journal.previous_sends(FLOW, ids, sigs)
        return {r: found[ids[r]] for r in range(ROWS) if ids[r] in found}

    @invariant()
    def nobody_called_twice(self) -> None:
        for number, times in self.server.placed.items():
            assert times <= 1 + self.allowed_again[number], number

    @invariant()
    def nothing_lost_nothing_invented(self) -> None:
        states = self._states()
        for row in range(ROWS):
            number = self._number(row)
            state = states.get(row)
            if self.server.placed[number]:
                assert state is not None and state.status in (
                    RowStatus.ACCEPTED, RowStatus.UNCONFIRMED, RowStatus.SENDING
                ), (row, state)
                if state.status is RowStatus.SENDING:
                    assert self.crashed
            if state is not None and state.status is RowStatus.ACCEPTED:
                assert self.server.placed[number] >= 1


SendingMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSending = SendingMachine.TestCase
