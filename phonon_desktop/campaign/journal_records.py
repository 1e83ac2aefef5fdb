"""What the send journal records, as plain values: row statuses, row states, campaigns.

Kept apart from the journal's storage so that the window and the results can use these
types without touching SQLite.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Iterable, NamedTuple, Sequence


class RowStatus(str, Enum):
    """What the operator sees in the Status column for a row."""

    READY = "ready"  # sendable, not sent yet
    ERROR = "error"  # a problem in the sheet keeps it from being sent
    SENDING = "sending"  # in a request that has left (or is leaving) and has no answer yet
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNCONFIRMED = "unconfirmed"  # may have reached Phonon; outcome unknown
    NOT_SENT = "not sent"
    SKIPPED = "skipped"  # already sent earlier; not sent again

    @property
    def label(self) -> str:
        return self.value[:1].upper() + self.value[1:]


# Which earlier state of a row decides what happens to it now: a row that may have been
# placed (accepted, sending, unconfirmed) outweighs any later rejection or non-send.
STATUS_WEIGHT = {
    RowStatus.ACCEPTED: 3,
    RowStatus.SENDING: 2,
    RowStatus.UNCONFIRMED: 2,
    RowStatus.REJECTED: 1,
    RowStatus.NOT_SENT: 1,
}


class JournalError(Exception):
    """The journal cannot be used; ``.message`` says why and what to do."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # "corrupt", "locked", "full", "unwritable", "newer"


@dataclass(frozen=True)
class Campaign:
    id: int
    sheet_fingerprint: str
    flow_id: str
    endpoint: str
    api_version: str
    created_at: str


@dataclass(frozen=True)
class RowState:
    """The journal's latest word on one row."""

    row: int  # 0-based data row index in the sheet of the campaign that sent it
    client_id: str  # the identifier actually sent (with an attempt suffix if it had one)
    base_client_id: str  # the row's identifier before any attempt suffix
    status: RowStatus
    code: int | None
    message: str
    request_id: str | None
    phonon_uuid: str | None
    sent_at: str | None
    attempt: int
    campaign_id: int
    matched_by: str = "client identifier"  # or "same numbers and values"


class EarlierSend(NamedTuple):
    """What a send needs to know of a row's weightiest earlier send to the same flow.

    A plain tuple rather than a ``RowState``: a re-run of a million-row list looks up a
    million of them.
    """

    status: RowStatus
    sent_at: str | None
    request_id: str | None
    message: str
    attempt: int  # the attempt number of that send
    matched_by: str  # "client identifier" or "same numbers and values"
    last_attempt: int | None  # the highest attempt ever sent under this client id, if any


@dataclass(frozen=True)
class CampaignSummary:
    """One line of a sheet's history: when, which flow, what happened."""

    campaign_id: int
    created_at: str
    last_sent_at: str | None
    flow_id: str
    endpoint: str
    api_version: str
    counts: dict[str, int]
    request_ids: list[str]


class SendEntry(NamedTuple):
    """One row inside a request about to leave.

    A tuple rather than a dataclass: 500 are made before every request, and a tuple is
    made (and read back into the journal's rows) several times faster.
    """

    row: int
    base_client_id: str
    client_id: str
    signature: str
    call_json: str
    attempt: int


def call_signature(contact_numbers: Sequence[str], keys: Iterable[tuple[str, str]]) -> str:
    """Same numbers and same flow values give the same signature, whatever the id or time."""
    # Separators are control characters that a cell's text cannot be confused with; this is
    # computed for every row before a send, so it avoids json.dumps.
    text = "\x1f".join(contact_numbers) + "\x1e" + "\x1f".join(f"{k}\x1d{v}" for k, v in sorted(keys))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def sheet_fingerprint(sheet: Any) -> str:
    """A short hash of a sheet's headers and cell text: the same content gives the same value."""
    import pandas as pd

    h = hashlib.sha256()
    h.update(json.dumps(list(sheet.headers), ensure_ascii=False).encode("utf-8"))
    data = sheet.data
    h.update(str(data.shape).encode())
    if len(data):
        hashed = pd.util.hash_pandas_object(data, index=False).to_numpy()
        h.update(hashed.tobytes())
    return h.hexdigest()[:32]


_UUID_CACHE: dict[str, dict[str, str]] = {}


def uuid_map(text: str) -> dict[str, str]:
    # Many rows share one request's map: parse it once.
    found = _UUID_CACHE.get(text)
    if found is None:
        if len(_UUID_CACHE) > 64:
            _UUID_CACHE.clear()
        found = _UUID_CACHE[text] = json.loads(text)
    return found


def now_text() -> str:
    """Local time with its offset, to the second: what the operator reads as "Sent at"."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
