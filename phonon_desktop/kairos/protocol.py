"""Exact request bytes for the Kairos outbound API, and batching under its limits.

A call is encoded to bytes once; a request body is the fixed envelope around a
comma-joined run of encoded calls. Batches are cut on those byte lengths, so the
size checked is exactly the size sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable, Sequence

MAX_CALLS_PER_REQUEST = 500
# "The whole request body must stay under 256 KB". Whether the vendor means 256,000 or
# 262,144 bytes is not documented: stay under the smaller.
MAX_BODY_BYTES = 256_000

API_VERSIONS = ("1.0", "TEST")
KEY_PREFIX = "$flow.key."

REALTIME_URL = "https://central.phonon.io/kairos-apis/outbound/create"
BULK_URL = "https://central-api.phonon.io/kairos-apis/outbound/create"
DIALER_URL = "https://central.phonon.io/kairos-apis/outbounddialer/create"


def _dumps(obj: object) -> str:
    # Compact, and non-ASCII kept as UTF-8 (a Devanagari letter is 3 bytes, not 6 of \uXXXX).
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Call:
    """One call as the API receives it."""

    client_identifier: str
    start_time: str  # "YYYY-MM-DDTHH:MM:SS+05:30"
    contact_numbers: tuple[str, ...]
    keys: tuple[tuple[str, str], ...] = field(default=())  # (variable name, value), no prefix

    def to_json(self) -> dict:
        return {
            "client-identifier": self.client_identifier,
            "start-time": self.start_time,
            "contact-numbers": list(self.contact_numbers),
            "keys": [{"name": KEY_PREFIX + name, "value": value} for name, value in self.keys],
        }

    def encode(self) -> bytes:
        return _dumps(self.to_json()).encode("utf-8")


def encode_calls(calls: Iterable[Call]) -> list[bytes]:
    return [c.encode() for c in calls]


def envelope(api_version: str, security_id: str, flow_id: str) -> tuple[bytes, bytes]:
    """The bytes before and after the calls array of a request body."""
    head = _dumps({"api-version": api_version, "security-id": security_id, "flow-id": flow_id})
    return (head[:-1] + ',"calls":[').encode("utf-8"), b"]}"


def build_body(api_version: str, security_id: str, flow_id: str, encoded_calls: Sequence[bytes]) -> bytes:
    head, tail = envelope(api_version, security_id, flow_id)
    return head + b",".join(encoded_calls) + tail


class CallTooLarge(ValueError):
    """A single call is larger than a whole request may be."""

    def __init__(self, index: int, size: int, limit: int) -> None:
        self.index = index
        self.size = size
        super().__init__(
            f"Call number {index + 1} is {size:,} bytes, more than a request may carry "
            f"({limit:,} bytes). Shorten its flow variable values."
        )


def plan_batches(
    sizes: Sequence[int],
    envelope_bytes: int,
    max_calls: int = MAX_CALLS_PER_REQUEST,
    max_body: int = MAX_BODY_BYTES,
) -> list[range]:
    """Cut calls (given their encoded sizes) into consecutive ranges that fit both limits.

    ``envelope_bytes`` is the size of a body with no calls. Each call after the first in a
    request also costs one comma. Never splits a call; raises CallTooLarge for a call that
    cannot fit in any request.
    """
    batches: list[range] = []
    start = 0
    used = envelope_bytes
    count = 0
    for i, size in enumerate(sizes):
        if envelope_bytes + size > max_body:
            raise CallTooLarge(i, size, max_body - envelope_bytes)
        extra = size + (1 if count else 0)
        if count == max_calls or used + extra > max_body:
            batches.append(range(start, i))
            start, used, count = i, envelope_bytes, 0
            extra = size
        used += extra
        count += 1
    if count:
        batches.append(range(start, len(sizes)))
    return batches


def mask_secret(secret: str | None) -> str:
    """What may be shown of a security id: at most its last 4 characters."""
    if not secret:
        return "(none)"
    tail = secret[-4:] if len(secret) >= 12 else ""
    return "••••" + tail
