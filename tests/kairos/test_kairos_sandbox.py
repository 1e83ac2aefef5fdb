"""The sandbox answers each documented case as the API does, over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime

import pytest
import requests

from phonon_desktop.kairos.client import Client
from phonon_desktop.kairos.interpret import Outcome
from phonon_desktop.kairos.protocol import MAX_BODY_BYTES, Call
from phonon_desktop.kairos.sandbox import (
    DEMO_FLOW_ID,
    DEMO_SECURITY_ID,
    KOLKATA,
    REFUSED_SECURITY_ID,
    Sandbox,
)

from kairos_helpers import TOMORROW, body_of, make_call


def post(url: str, body: bytes) -> tuple[int, dict]:
    r = requests.post(url, data=body, headers={"Content-Type": "application/json"},
                      timeout=10, allow_redirects=False)
    return r.status_code, r.json()


def post_json(url: str, data: dict) -> tuple[int, dict]:
    return post(url, json.dumps(data).encode())


def request(**changes) -> dict:
    data = {"api-version": "1.0", "security-id": DEMO_SECURITY_ID, "flow-id": DEMO_FLOW_ID,
            "calls": [make_call("C1").to_json()]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def test_realtime_success_gives_a_fresh_uuid_per_call(sandbox):
    status, answer = post(sandbox.url, body_of([make_call("C1"), make_call("C2")]))
    assert status == 200
    assert answer["api-response-code"] == 200 and answer["api-response-message"] == "Success"
    assert answer["request-id"]
    assert [d["client-identifier"] for d in answer["call-details"]] == ["C1", "C2"]
    assert len({d["phonon-uuid"] for d in answer["call-details"]}) == 2
    _, again = post(sandbox.url, body_of([make_call("C1", start=TOMORROW.replace("10:30", "10:31"))]))
    assert again["call-details"][0]["phonon-uuid"] not in {d["phonon-uuid"] for d in answer["call-details"]}
    assert again["request-id"] != answer["request-id"]


def test_bulk_success_is_http_202_accepted_without_call_details(bulk_sandbox):
    status, answer = post(bulk_sandbox.url, body_of([make_call("C1")]))
    assert status == 202
    assert answer["api-response-code"] == 202 and answer["api-response-message"] == "Accepted"
    assert answer["request-id"] and answer["call-details"] is None
    assert bulk_sandbox.accepted_client_ids() == ["C1"]


@pytest.mark.parametrize("mode", ["realtime", "bulk"])
def test_a_byte_identical_repeat_is_checksum_repeated_and_calls_no_one(mode):
    with Sandbox(mode) as sb:
        body = body_of([make_call("C1")])
        post(sb.url, body)
        status, answer = post(sb.url, body)
        assert answer == {"api-response-code": 201, "api-response-message": "Checksum Repeated"}
        assert sb.accepted_client_ids() == ["C1"]
        # One byte different is a new request.
        post(sb.url, body.replace(b"10:30:00", b"10:30:01"))
        assert sb.accepted_client_ids() == ["C1", "C1"]


def test_a_refused_request_can_be_sent_again_unchanged(sandbox):
    body = body_of([make_call("C1")])
    sandbox.inject("code:212")
    assert post(sandbox.url, body)[1]["api-response-code"] == 212
    assert post(sandbox.url, body)[1]["api-response-code"] == 200


@pytest.mark.parametrize("security_id", [
    "short", "x" * 63, "x" * 65, "é" * 64, "a-b" * 21 + "c", None, 123, REFUSED_SECURITY_ID,
])
def test_malformed_or_refused_security_id_is_202_invalid_security_id(sandbox, security_id):
    _, answer = post_json(sandbox.url, request(**{"security-id": security_id}))
    assert answer == {"api-response-code": 202, "api-response-message": "Invalid Security ID"}
    assert Client(sandbox.url).post(json.dumps(request(**{"security-id": security_id})).encode()
                                    ).outcome is Outcome.ACCOUNT_STOP


@pytest.mark.parametrize("flow_id", ["DEMO202", "DEMO20266", "DEMO-026", "", None])
def test_malformed_flow_id_is_301(sandbox, flow_id):
    _, answer = post_json(sandbox.url, request(**{"flow-id": flow_id}))
    assert answer == {"api-response-code": 301, "api-response-message": "Invalid Flow ID"}


def test_any_well_formed_ids_are_accepted_unless_told_to_accept_only_the_demo_ones(sandbox):
    other = request(**{"security-id": "A1" * 32, "flow-id": "Zz9Zz9Zz"})
    assert post_json(sandbox.url, other)[1]["api-response-code"] == 200
    with Sandbox(only_demo_ids=True) as strict:
        assert post_json(strict.url, other)[1]["api-response-code"] == 202
        assert post_json(strict.url, request(**{"flow-id": "Zz9Zz9Zz"}))[1]["api-response-code"] == 301
        assert post_json(strict.url, request())[1]["api-response-code"] == 200


@pytest.mark.parametrize("version", ["2.0", "", 1.0, None, ...])
def test_unknown_api_version_is_203(sandbox, version):
    _, answer = post_json(sandbox.url, request(**{"api-version": version}))
    assert answer == {"api-response-code": 203, "api-response-message": "API Version not Supported"}


def test_the_testing_version_is_accepted(sandbox):
    assert post_json(sandbox.url, request(**{"api-version": "TEST"}))[1]["api-response-code"] == 200


@pytest.mark.parametrize("calls", [[], ..., None])
def test_no_calls_is_302_empty_call_list(sandbox, calls):
    _, answer = post_json(sandbox.url, request(calls=calls))
    assert answer == {"api-response-code": 302, "api-response-message": "Empty Call List"}


def test_more_than_500_calls_is_303_and_500_are_fine(sandbox):
    many = [make_call(f"C{i}") for i in range(501)]
    assert post(sandbox.url, body_of(many))[1] == {
        "api-response-code": 303, "api-response-message": "Max Data List Size Exceeded"}
    _, answer = post(sandbox.url, body_of(many[:500]))
    assert answer["api-response-code"] == 200 and len(answer["call-details"]) == 500


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe{}", b"[1,2]", b'"text"', b""])
def test_non_json_is_400_invalid_format(sandbox, raw):
    assert post(sandbox.url, raw)[1] == {"api-response-code": 400, "api-response-message": "Invalid Format"}


def test_a_body_over_256_kb_is_400_and_one_at_the_limit_is_processed(sandbox):
    call = make_call("C1", Name="x")
    base = len(body_of([call]))
    at_limit = body_of([make_call("C1", Name="x" * (1 + MAX_BODY_BYTES - base))])
    assert len(at_limit) == MAX_BODY_BYTES
    assert post(sandbox.url, at_limit)[1]["api-response-code"] == 200
    over = body_of([make_call("C2", Name="x" * (2 + MAX_BODY_BYTES - base))])
    assert post(sandbox.url, over)[1]["api-response-code"] == 400
    assert sandbox.accepted_client_ids() == ["C1"]


@pytest.mark.parametrize("bad_call", [
    make_call("B", number="8000123456"),        # 10 digits, no 91
    make_call("B", number="+918000123456"),     # plus sign
    make_call("B", number="91800012345"),       # 91 + 9 digits
    make_call("B", number="91 8000123456"),     # space
    make_call("B", start="2021-04-28T10:00:00+05:30"),  # past date
    make_call("B", start="2021-04-28T03:48:07.111Z111+05:30"),  # the seed's malformed sample
    make_call("B", start="2030-01-01T10:00:00"),  # no offset
    Call("B", TOMORROW, ()),                     # no number at all
    Call("B", TOMORROW, ("918000123456", "12345")),  # one bad number among good ones
    Call("", TOMORROW, ("918000123456",)),       # no identifier
])
def test_some_unacceptable_calls_give_209_listing_the_accepted_ones(sandbox, bad_call):
    good = [make_call("G1"), make_call("G2")]
    status, answer = post(sandbox.url, body_of([good[0], bad_call, good[1]]))
    assert answer["api-response-code"] == 209 and answer["api-response-message"] == "Partial Success"
    assert [d["client-identifier"] for d in answer["call-details"]] == ["G1", "G2"]
    assert all(d["phonon-uuid"] for d in answer["call-details"])
    assert sandbox.accepted_client_ids() == ["G1", "G2"]
    interpreted = Client(sandbox.url).post(body_of([good[0], bad_call, good[1]], flow_id="Other123"))
    assert interpreted.outcome is Outcome.PARTIAL and set(interpreted.accepted) == {"G1", "G2"}


def test_partial_success_on_the_bulk_endpoint_also_lists_the_accepted_calls(bulk_sandbox):
    _, answer = post(bulk_sandbox.url, body_of([make_call("G1"), make_call("B", number="1")]))
    assert answer["api-response-code"] == 209
    assert [d["client-identifier"] for d in answer["call-details"]] == ["G1"]


def test_no_acceptable_call_is_210(sandbox):
    _, answer = post(sandbox.url, body_of([make_call("B1", number="12345"),
                                           make_call("B2", start="2020-01-01T10:00:00+05:30")]))
    assert answer == {"api-response-code": 210, "api-response-message": "Invalid Mandatory Parameters"}
    assert sandbox.accepted_client_ids() == []


def test_the_past_is_decided_on_the_calendar_in_india():
    now = datetime(2026, 12, 1, 0, 30, tzinfo=KOLKATA)  # still 30 November in London
    with Sandbox(clock=lambda: now) as sb:
        cases = {
            "earlier-today": "2026-12-01T00:10:00+05:30",  # past time today: starts at once
            "utc-evening": "2026-11-30T23:00:00+00:00",   # = 1 December 04:30 in India
            "yesterday": "2026-11-30T23:59:00+05:30",
            "utc-yesterday": "2026-11-30T18:00:00+00:00",  # = 30 November 23:30 in India
        }
        calls = [make_call(cid, start=start) for cid, start in cases.items()]
        _, answer = post(sb.url, body_of(calls))
    assert answer["api-response-code"] == 209
    assert [d["client-identifier"] for d in answer["call-details"]] == ["earlier-today", "utc-evening"]


def test_hindi_flow_variables_are_accepted(sandbox):
    _, answer = post(sandbox.url, body_of([make_call("अभि-1", Name="अभिनंदन", Language="हिन्दी")]))
    assert answer["api-response-code"] == 200
    assert answer["call-details"][0]["client-identifier"] == "अभि-1"
    assert sandbox.received[0].calls[0]["keys"][0] == {"name": "$flow.key.Name", "value": "अभिनंदन"}


@pytest.mark.parametrize("code", [212, 401, 211, 500])
def test_injected_codes_answer_that_code_and_schedule_nothing(code):
    from phonon_desktop.kairos.statuses import STATUSES

    for mode in ("realtime", "bulk"):
        with Sandbox(mode) as sb:
            sb.inject(f"code:{code}")
            status, answer = post(sb.url, body_of([make_call("C1")]))
            assert answer == {"api-response-code": code, "api-response-message": STATUSES[code].message}
            assert sb.accepted_client_ids() == []
            assert sb.received[0].code == code
            assert status == (403 if (code == 401 and mode == "bulk") else 200)


def test_faults_apply_once_each_in_order(sandbox):
    sandbox.inject("503", "429:2")
    codes = [requests.post(sandbox.url, data=body_of([make_call(f"C{i}")]), timeout=5).status_code
             for i in range(3)]
    assert codes == [503, 429, 200]
    assert [r.fault for r in sandbox.received] == ["503", "429:2", None]
    assert sandbox.accepted_client_ids() == ["C2"]


def test_unknown_faults_are_refused():
    with pytest.raises(ValueError):
        Sandbox().inject("explode")
    with pytest.raises(ValueError):
        Sandbox().inject("code:999")


def test_delay_answers_late_but_schedules_at_once(sandbox):
    sandbox.inject("delay:0.5")
    answer = Client(sandbox.url, read_timeout=0.1).post(body_of([make_call("C1")]))
    assert answer.outcome is Outcome.UNKNOWN
    assert sandbox.accepted_client_ids() == ["C1"]


def test_every_request_is_kept_with_its_hash_and_answer(sandbox):
    body = body_of([make_call("C1")])
    post(sandbox.url, body)
    post(sandbox.url, body)
    import hashlib

    assert [(r.body, r.sha256, r.code, r.http_status) for r in sandbox.received] == [
        (body, hashlib.sha256(body).hexdigest(), 200, 200),
        (body, hashlib.sha256(body).hexdigest(), 201, 200),
    ]
    assert sandbox.received[0].calls[0]["client-identifier"] == "C1"


def test_latency_is_applied_before_each_answer():
    with Sandbox(latency=0.4) as sb:
        answer = Client(sb.url, read_timeout=0.1).post(body_of([make_call("C1")]))
    assert answer.outcome is Outcome.UNKNOWN


def test_other_paths_and_methods_are_not_the_api(sandbox):
    base = sandbox.url.rsplit("/kairos-apis", 1)[0]
    assert requests.post(base + "/other", data=b"{}", timeout=5).status_code == 404
    assert requests.get(sandbox.url, timeout=5).status_code == 405
    dialer = base + "/kairos-apis/outbounddialer/create"
    assert post(dialer, body_of([make_call("D1")]))[1]["api-response-code"] == 200


def test_command_line_sandbox_prints_its_url_and_demo_ids_and_answers():
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "phonon_desktop", "sandbox", "--port", "0", "--mode", "bulk"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        url = lines[0].split(" at ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/kairos-apis/outbound/create")
        assert DEMO_FLOW_ID in lines[1] and DEMO_SECURITY_ID in lines[2]
        answer = Client(url).post(body_of([make_call("C1")]))
        assert answer.outcome is Outcome.ACCEPTED and answer.http_status == 202
        if sys.platform != "win32":  # Ctrl+C: stops cleanly, in words, without a traceback
            import signal

            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=10)
            assert proc.returncode == 0 and "Sandbox stopped." in out and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_command_line_sandbox_explains_a_busy_port(sandbox):
    result = subprocess.run(
        [sys.executable, "-m", "phonon_desktop", "sandbox", "--port", str(sandbox.port)],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "choose another with --port" in result.stderr and "Traceback" not in result.stderr


def test_a_long_run_keeps_only_the_latest_bodies_but_every_record():
    with Sandbox(keep_bodies=2) as sb:
        client = Client(sb.url)
        for i in range(5):
            client.post(body_of([make_call(f"C{i}")]))
    assert len(sb.received) == 5 and all(r.sha256 and r.code == 200 for r in sb.received)
    assert [bool(r.body) for r in sb.received] == [False, False, False, True, True]
    assert sb.accepted_client_ids() == [f"C{i}" for i in range(5)]
