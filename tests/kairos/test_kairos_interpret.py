"""Every documented answer, on both endpoints, lands on the outcome an operator can rely on."""

from __future__ import annotations

import json

import pytest

from phonon_desktop.kairos.interpret import Delivery, Outcome, interpret, maybe_received, not_sent
from phonon_desktop.kairos.statuses import ACCEPTED_202, STATUSES

# The vendor's table (kairos-api.md) and what each code must mean for the run.
EXPECTED = {
    200: ("Success", Outcome.ACCEPTED),
    201: ("Checksum Repeated", Outcome.REPEATED),
    202: ("Invalid Security ID", Outcome.ACCOUNT_STOP),
    203: ("API Version not Supported", Outcome.ACCOUNT_STOP),
    204: ("Invalid SMS Gateway", Outcome.REJECTED),
    205: ("Invalid Contact Number", Outcome.REJECTED),
    206: ("Failure from Gateway", Outcome.REJECTED),
    207: ("DID Not Mapped", Outcome.REJECTED),
    208: ("No Mask Available", Outcome.REJECTED),
    209: ("Partial Success", Outcome.PARTIAL),
    210: ("Invalid Mandatory Parameters", Outcome.REJECTED),
    211: ("Validity Expired", Outcome.ACCOUNT_STOP),
    212: ("Insufficient Balance", Outcome.ACCOUNT_STOP),
    213: ("No Data Available", Outcome.REJECTED),
    301: ("Invalid Flow ID", Outcome.ACCOUNT_STOP),
    302: ("Empty Call List", Outcome.REQUEST_INVALID),
    303: ("Max Data List Size Exceeded", Outcome.REQUEST_INVALID),
    304: ("Invalid Flow Version", Outcome.ACCOUNT_STOP),
    400: ("Invalid Format", Outcome.REQUEST_INVALID),
    401: ("IP Not Whitelisted", Outcome.ACCOUNT_STOP),
    402: ("Phone Not Whitelisted", Outcome.REJECTED),
    500: ("Failure", Outcome.REJECTED),
}


def body(code, message, **extra) -> bytes:
    data = {"api-response-code": code, "api-response-message": message, **extra}
    return json.dumps(data).encode()


def test_the_table_holds_every_documented_code_with_its_message():
    assert {c: s.message for c, s in STATUSES.items()} == {c: m for c, (m, _) in EXPECTED.items()}
    for status in STATUSES.values():
        assert status.scope in ("request", "call", "account", "either")
        assert status.fixer in ("sheet", "settings", "admin", "retry", "program", "none")
        assert status.advice.endswith(".") and len(status.advice) < 300


def test_who_can_fix_it_follows_the_documentation():
    assert STATUSES[205].fixer == "sheet"
    assert STATUSES[202].fixer == STATUSES[301].fixer == "settings"
    assert {STATUSES[c].fixer for c in (401, 211, 212)} == {"admin"}
    assert STATUSES[206].fixer == STATUSES[500].fixer == "retry"


@pytest.mark.parametrize("endpoint", ["realtime", "bulk"])
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_code_on_both_endpoints(code, endpoint):
    message, outcome = EXPECTED[code]
    details = [{"client-identifier": "C1", "phonon-uuid": "u-1"}]
    answer = interpret(200, body(code, message, **{"request-id": "req-1", "call-details": details}),
                       endpoint)
    assert answer.outcome is outcome
    if outcome in (Outcome.ACCEPTED, Outcome.PARTIAL):
        assert answer.accepted == {"C1": "u-1"}
    else:
        assert answer.accepted is None
    assert answer.delivery is Delivery.ANSWERED
    assert answer.code == code and answer.message == message
    assert answer.status is STATUSES[code]
    assert answer.request_id == "req-1"
    assert answer.explanation.startswith(STATUSES[code].advice)
    assert "req-1" in answer.explanation


@pytest.mark.parametrize("endpoint", ["realtime", "bulk"])
def test_202_accepted_is_success_and_202_invalid_security_id_is_a_stop(endpoint):
    accepted = interpret(202, body(202, "Accepted", **{"request-id": "r", "call-details": None}), endpoint)
    assert accepted.outcome is Outcome.ACCEPTED and accepted.status is ACCEPTED_202
    assert accepted.accepted is None  # bulk gives no per-call ids
    refused = interpret(200, body(202, "Invalid Security ID"), endpoint)
    assert refused.outcome is Outcome.ACCOUNT_STOP and refused.status is STATUSES[202]
    assert "security ID" in refused.explanation and "Settings" in refused.explanation


@pytest.mark.parametrize("message", ["", "OK", None])
def test_202_with_a_message_that_says_neither_is_unconfirmed_never_accepted(message):
    answer = interpret(202, body(202, message), "bulk")
    assert answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED


def test_messages_are_matched_without_regard_to_case_or_spacing():
    assert interpret(202, body(202, " accepted "), "bulk").outcome is Outcome.ACCEPTED
    assert interpret(200, body(202, "INVALID  SECURITY ID")).outcome is Outcome.ACCOUNT_STOP


def test_success_keeps_every_phonon_uuid_and_the_request_id():
    details = [{"client-identifier": "C1", "phonon-uuid": "u-1"},
               {"client-identifier": "अभि-2", "phonon-uuid": "u-2"}]
    answer = interpret(200, body(200, "Success", **{"request-id": "r-9", "call-details": details}))
    assert answer.accepted == {"C1": "u-1", "अभि-2": "u-2"}
    assert answer.request_id == "r-9"


def test_partial_success_names_the_accepted_calls():
    details = [{"client-identifier": "C2", "phonon-uuid": "u-2"}]
    answer = interpret(200, body(209, "Partial Success", **{"request-id": "r", "call-details": details}))
    assert answer.outcome is Outcome.PARTIAL and answer.accepted == {"C2": "u-2"}


@pytest.mark.parametrize("details", ["missing", None, "not a list"])
def test_partial_success_without_call_details_is_per_call_unknown(details):
    extra = {} if details == "missing" else {"call-details": details}
    answer = interpret(200, body(209, "Partial Success", **extra))
    assert answer.outcome is Outcome.PARTIAL and answer.accepted is None
    assert "without saying which" in answer.explanation


def test_the_body_is_trusted_over_the_http_status():
    assert interpret(500, body(205, "Invalid Contact Number")).outcome is Outcome.REJECTED
    assert interpret(403, body(200, "Success")).outcome is Outcome.ACCEPTED


@pytest.mark.parametrize("http_status", [500, 502, 503, 504])
def test_server_errors_without_the_api_body_are_unconfirmed(http_status):
    answer = interpret(http_status, b"<html>Bad gateway</html>")
    assert answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED
    assert f"HTTP {http_status}" in answer.explanation


@pytest.mark.parametrize("raw", [b"", b"not json", b"\xff\xfe", b"[1, 2]", b'{"message": "hi"}',
                                 b'{"api-response-code": "abc"}', b'{"api-response-code": 999}'])
def test_bodies_that_are_not_the_api_answer_are_unconfirmed(raw):
    answer = interpret(200, raw)
    assert answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED


def test_http_403_stops_the_run_and_points_at_the_ip_whitelist():
    answer = interpret(403, b"Forbidden", "bulk")
    assert answer.outcome is Outcome.ACCOUNT_STOP and answer.status is STATUSES[401]
    assert "whitelist" in answer.explanation


def test_http_429_waits_as_long_as_asked():
    answer = interpret(429, b"", headers={"Retry-After": "12"})
    assert answer.outcome is Outcome.RETRY_LATER and answer.retry_after == 12.0
    assert interpret(429, b"slow down").retry_after is None


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_unconfirmed(status):
    answer = interpret(status, b"", headers={"Location": "https://elsewhere.example/"})
    assert answer.outcome is Outcome.UNKNOWN and "redirect" in answer.explanation


@pytest.mark.parametrize("status", [400, 404, 405, 413])
def test_client_errors_without_the_api_body_mean_nothing_was_scheduled(status):
    answer = interpret(status, b"<html>nope</html>")
    assert answer.outcome is Outcome.REQUEST_INVALID and answer.certainly_not_scheduled


def test_not_sent_and_maybe_received_say_what_to_do():
    a = not_sent("Could not connect.")
    b = maybe_received("The connection broke.", 502)
    assert a.outcome is Outcome.NOT_SENT and a.certainly_not_scheduled and "safely" in a.explanation
    assert b.outcome is Outcome.UNKNOWN and not b.certainly_not_scheduled and b.http_status == 502
    assert "unconfirmed" in b.explanation


def test_server_text_is_not_echoed_into_the_operator_sentence():
    answer = interpret(200, body(205, "=HYPERLINK(\"http://x\")"))
    assert answer.outcome is Outcome.REJECTED and "HYPERLINK" not in answer.explanation
    assert answer.message == "=HYPERLINK(\"http://x\")"  # kept as said, for the record
