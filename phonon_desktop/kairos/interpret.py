"""What an answer from Kairos means for the calls of one request.

The body's own code is trusted over the HTTP status; the HTTP status is used only when the
body is not the API's JSON. Anything not understood is "may have been received" (UNKNOWN),
never "not sent": a request whose fate is unknown must not be re-sent blindly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping

from phonon_desktop.kairos.statuses import ACCEPTED_202, STATUSES, Status, status_for


class Delivery(Enum):
    NOT_SENT = "not sent"  # it certainly did not reach the server
    MAYBE_RECEIVED = "maybe received"  # it may have reached the server
    ANSWERED = "answered"  # the server answered in a way we understand


class Outcome(Enum):
    ACCEPTED = "accepted"
    PARTIAL = "partial"
    REJECTED = "rejected"
    ACCOUNT_STOP = "account stop"
    REPEATED = "repeated"
    RETRY_LATER = "retry later"
    REQUEST_INVALID = "request invalid"
    UNKNOWN = "unknown"
    NOT_SENT = "not sent"


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    delivery: Delivery
    http_status: int | None
    code: int | None
    message: str  # the api-response-message as the API said it ("" when none)
    status: Status | None
    request_id: str | None
    accepted: dict[str, str] | None  # client-identifier -> phonon-uuid; None when not known
    retry_after: float | None
    explanation: str  # plain sentence for an operator; never contains a secret
    detail: str = ""  # technical cause for support (exception type, HTTP reason); no secrets

    @property
    def certainly_not_scheduled(self) -> bool:
        """True when no call of the request can have been scheduled by this attempt."""
        return self.outcome in (
            Outcome.NOT_SENT, Outcome.REJECTED, Outcome.ACCOUNT_STOP, Outcome.REPEATED,
            Outcome.RETRY_LATER, Outcome.REQUEST_INVALID,
        )


_OUTCOME_BY_CODE: dict[int, Outcome] = {
    200: Outcome.ACCEPTED,
    201: Outcome.REPEATED,
    202: Outcome.ACCOUNT_STOP,  # the error meaning; "Accepted" is decided before this table
    203: Outcome.ACCOUNT_STOP,
    204: Outcome.REJECTED,
    205: Outcome.REJECTED,
    206: Outcome.REJECTED,
    207: Outcome.REJECTED,
    208: Outcome.REJECTED,
    209: Outcome.PARTIAL,
    210: Outcome.REJECTED,
    211: Outcome.ACCOUNT_STOP,
    212: Outcome.ACCOUNT_STOP,
    213: Outcome.REJECTED,
    301: Outcome.ACCOUNT_STOP,
    302: Outcome.REQUEST_INVALID,
    303: Outcome.REQUEST_INVALID,
    304: Outcome.ACCOUNT_STOP,
    400: Outcome.REQUEST_INVALID,
    401: Outcome.ACCOUNT_STOP,
    402: Outcome.REJECTED,
    500: Outcome.REJECTED,
}
assert set(_OUTCOME_BY_CODE) == set(STATUSES)

_UNCONFIRMED = (
    " It may have reached Phonon, so these rows are marked unconfirmed: check Phonon's "
    "reports before sending them again."
)
_NOT_SENT = " Nothing reached Phonon, so these rows can be sent again safely."
_LONG_TOKEN = re.compile(r"[A-Za-z0-9]{32,}")


def scrub(text: str) -> str:
    """Text safe for logs and messages: long alphanumeric runs (a security id is 64) hidden."""
    return _LONG_TOKEN.sub(lambda m: "••••" + m.group(0)[-4:], text)


def not_sent(reason: str, *, detail: str = "") -> Answer:
    """The request certainly did not reach the server (refused, DNS, TLS handshake...)."""
    return Answer(
        Outcome.NOT_SENT, Delivery.NOT_SENT, None, None, "", None, None, None, None,
        reason.rstrip() + _NOT_SENT, scrub(detail),
    )


def maybe_received(reason: str, http_status: int | None = None, *, detail: str = "") -> Answer:
    """The server may have received the request, and we do not know what it did with it."""
    return Answer(
        Outcome.UNKNOWN, Delivery.MAYBE_RECEIVED, http_status, None, "", None, None, None, None,
        reason.rstrip() + _UNCONFIRMED, scrub(detail),
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date); None if absent or odd."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime
        from datetime import datetime, timezone

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, 3600.0))


def interpret(
    http_status: int,
    body: bytes,
    endpoint: str = "realtime",
    *,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """Classify one HTTP answer from the outbound API (real-time or bulk endpoint)."""
    retry_after = parse_retry_after(_header(headers, "Retry-After"))
    if 300 <= http_status < 400:
        where = _header(headers, "Location")
        return maybe_received(
            f"The server answered with a redirect (HTTP {http_status}) instead of Phonon's "
            "answer; Phonon Desktop does not follow redirects. Check the API address in "
            "Settings.",
            http_status,
            detail=f"HTTP {http_status} to {where or '(no Location)'}",
        )
    if http_status == 429:
        wait = f" about {retry_after:.0f} seconds" if retry_after is not None else " a little"
        return Answer(
            Outcome.RETRY_LATER, Delivery.ANSWERED, 429, None, "", None, None, None, retry_after,
            f"Phonon asked to slow down (too many requests) and did not take this request; "
            f"it can be sent again, unchanged, after{wait}.",
        )
    data = _json_object(body)
    if data is not None and "api-response-code" in data:
        return _from_body(http_status, data, endpoint, retry_after)
    return _from_http_status(http_status, data is not None, retry_after)


def _from_body(http_status: int, data: dict[str, Any], endpoint: str, retry_after: float | None) -> Answer:
    code = _as_int(data.get("api-response-code"))
    raw_message = data.get("api-response-message")
    message = raw_message if isinstance(raw_message, str) else ""
    request_id = data.get("request-id")
    request_id = request_id if isinstance(request_id, str) and request_id else None
    details = _call_details(data.get("call-details"))
    status = status_for(code, message)
    if status is None:
        if code == 202:
            reason = (
                "Phonon answered code 202 without saying whether the calls were accepted "
                "or the security ID was refused."
            )
        else:
            reason = f"Phonon answered with a code this program does not know ({code})."
        answer = maybe_received(reason, http_status, detail=f"HTTP {http_status}, code {code}")
        return _replace(answer, code=code, message=message, request_id=request_id)
    if status is ACCEPTED_202:
        outcome = Outcome.ACCEPTED
    else:
        outcome = _OUTCOME_BY_CODE[status.code]
    accepted = details if outcome in (Outcome.ACCEPTED, Outcome.PARTIAL) else None
    explanation = status.advice
    if outcome is Outcome.ACCEPTED and endpoint == "bulk" and accepted is None:
        explanation = ACCEPTED_202.advice
    if outcome is Outcome.PARTIAL and accepted is None:
        explanation = (
            "Phonon accepted some calls of this request and refused others, without saying "
            "which. Check Phonon's reports for these rows before sending any of them again."
        )
    explanation += f" (Phonon: {status.message}, code {status.code}"
    explanation += f", request {request_id})" if request_id else ")"
    return Answer(
        outcome, Delivery.ANSWERED, http_status, code, message, status, request_id, accepted,
        retry_after, explanation, f"HTTP {http_status}, code {code}",
    )


def _from_http_status(http_status: int, is_json: bool, retry_after: float | None) -> Answer:
    what = "an unexpected answer" if is_json else "a page that is not Phonon's answer"
    detail = f"HTTP {http_status}, {'JSON without api-response-code' if is_json else 'not JSON'}"
    if http_status == 403:
        return Answer(
            Outcome.ACCOUNT_STOP, Delivery.ANSWERED, 403, None, "", STATUSES[401], None, None,
            retry_after,
            "Phonon refused this computer (HTTP 403): its internet address is probably not "
            "whitelisted. Ask your Phonon account administrator to whitelist your office's "
            "public IP address (or your proxy's), then resume sending.",
            detail,
        )
    if http_status in (401, 407):
        who = "the proxy server" if http_status == 407 else "the server"
        return Answer(
            Outcome.ACCOUNT_STOP, Delivery.ANSWERED, http_status, None, "", None, None, None,
            retry_after,
            f"{who.capitalize()} asked for a login (HTTP {http_status}) and did not pass the "
            "request on. Check the proxy and API address settings with your IT team.",
            detail,
        )
    if 400 <= http_status < 500 and http_status != 408:
        return Answer(
            Outcome.REQUEST_INVALID, Delivery.ANSWERED, http_status, None, "", None, None, None,
            retry_after,
            f"The server refused the request (HTTP {http_status}) with {what}; nothing was "
            "scheduled. Check the API address in Settings.",
            detail,
        )
    if 500 <= http_status < 600:
        reason = f"The server reported an error (HTTP {http_status})."
    else:
        reason = f"The server answered HTTP {http_status} with {what}."
    return maybe_received(reason, http_status, detail=detail)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _call_details(value: Any) -> dict[str, str] | None:
    """client-identifier -> phonon-uuid from call-details; None when absent or not a list."""
    if not isinstance(value, list):
        return None
    pairs: dict[str, str] = {}
    for item in value:
        if not isinstance(item, dict):
            continue
        cid = item.get("client-identifier")
        uuid = item.get("phonon-uuid")
        if isinstance(cid, (str, int)) and not isinstance(cid, bool):
            pairs[str(cid)] = uuid if isinstance(uuid, str) else ""
    return pairs


def _replace(answer: Answer, **changes: Any) -> Answer:
    from dataclasses import replace

    return replace(answer, **changes)
