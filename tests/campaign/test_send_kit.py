"""Shared pieces for the sending tests: a small plan over a real Sheet, and a scripted client."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phonon_desktop.kairos.interpret import Answer, interpret, maybe_received, not_sent
from phonon_desktop.kairos.protocol import Call
from phonon_desktop.sheets.model import Sheet

# A start time the sandbox accepts whenever the tests run: tomorrow, 10:30 in India.
TOMORROW = (date.today() + timedelta(days=2)).isoformat() + "T10:30:00+05:30"
CANARY = "CANARY" + "7q" * 29  # a 64-character security id that must never be written anywhere
FLOW = "Fl0w1234"


def contact_sheet(n: int, *, path: str = "contacts.xlsx") -> Sheet:
    data = pd.DataFrame(
        {
            "Customer ID": [f"C{i:05d}" for i in range(n)],
            "Mobile": [f"9180{i:08d}" for i in range(n)],
            "Name": [f"Name {i}" for i in range(n)],
        },
        dtype=object,
    )
    kinds = pd.DataFrame(np.ones(data.shape, dtype=np.int8), columns=data.columns)
    return Sheet(
        path=path,
        name="Contacts",
        header_row=1,
        headers=list(data.columns),
        data=data,
        kinds=kinds,
        source_rows=np.arange(2, n + 2),
    )


@dataclass
class SimpleMapping:
    client_identifier: str | None = "Customer ID"

    def to_json(self) -> dict:
        return {"client_identifier": self.client_identifier, "contact_numbers": ["Mobile"], "keys": {"Name": "Name"}}


@dataclass
class SimplePlan:
    """The part of a campaign plan the sender uses: sendable rows and each row's call."""

    sheet: Sheet
    mapping: SimpleMapping = field(default_factory=SimpleMapping)
    start_time: str = TOMORROW
    blocked: frozenset[int] = frozenset()

    def sendable_rows(self) -> np.ndarray:
        rows = np.arange(self.sheet.row_count)
        return rows[~np.isin(rows, list(self.blocked))]

    def call(self, row: int) -> Call:
        d = self.sheet.data
        cid = d.at[row, "Customer ID"] if self.mapping.client_identifier else f"gen-{row:06d}"
        return Call(cid, self.start_time, (d.at[row, "Mobile"],), (("Name", d.at[row, "Name"]),))


def ok(body: bytes) -> Answer:
    import json

    calls = json.loads(body)["calls"]
    details = [{"client-identifier": c["client-identifier"], "phonon-uuid": f"u-{c['client-identifier']}"} for c in calls]
    payload = {"api-response-code": 200, "api-response-message": "Success", "request-id": "req-1", "call-details": details}
    return interpret(200, json.dumps(payload).encode())


def code(n: int, message: str) -> Answer:
    import json

    return interpret(200, json.dumps({"api-response-code": n, "api-response-message": message}).encode())


class ScriptedClient:
    """Answers from a list of functions (body -> Answer); records every body it was given."""

    def __init__(self, *script) -> None:
        self.script = list(script)
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()

    def post(self, body: bytes) -> Answer:
        with self.lock:
            self.bodies.append(body)
            step = self.script.pop(0) if self.script else ok
        return step(body)


DROP = lambda body: maybe_received("The connection broke before an answer came.")  # noqa: E731
REFUSED = lambda body: not_sent("Could not connect: refused.")  # noqa: E731
