"""Each sending rule against the practice server over real sockets (faults of sections A and E).

The server's own record (``sandbox.received``) is the witness: no customer's call may appear
in two different requests; only the single identical-bytes retry may repeat a request.
"""

from __future__ import annotations

import json
import socket
from collections import defaultdict

import pytest

from phonon_desktop.campaign.journal import Journal, RowStatus
from phonon_desktop.campaign.send import FlowTarget, Submission
from phonon_desktop.kairos.client import Client
from phonon_desktop.kairos.ratelimit import RateLimiter
from phonon_desktop.kairos.sandbox import Sandbox
from test_send_kit import CANARY, FLOW, SimplePlan, contact_sheet

pytestmark = pytest.mark.timeout(60)


class Sleeps:
    """A stand-in for time.sleep that only remembers how long it was asked to wait."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.asked)


@pytest.fixture
def sandbox():
    with Sandbox() as s:
        yield s


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def send(plan, journal, url, *, sleep=None, client=None, limiter=None, **kw):
    target = FlowTarget(flow_id=FLOW, security_id=CANARY, url=url)
    sub = Submission.prepare(plan, target, journal, **kw)
    client = client or Client(url, connect_timeout=1, read_timeout=2)
    results = list(sub.run(client, limiter, sleep=sleep or Sleeps()))
    return sub, results


def assert_nobody_in_two_requests(sandbox: Sandbox) -> None:
    """Every client id was carried by one request's bytes only (identical retries allowed)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for rec in sandbox.received:
        for call in rec.calls or []:
            seen[call["client-identifier"]].add(rec.sha256)
            seen["number:" + ",".join(call["contact-numbers"])].add(rec.sha256)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
    accepted = sandbox.accepted_client_ids()
    assert len(accepted) == len(set(accepted))


def statuses(results) -> list[RowStatus]:
    return [s for r in results for s in r.statuses]


def test_plain_send_accepts_every_row(sandbox, journal):
    sub, results = send(SimplePlan(contact_sheet(1100)), journal, sandbox.url)
    assert statuses(results) == [RowStatus.ACCEPTED] * 1100
    assert len(sandbox.received) == 3 and len(sandbox.accepted_client_ids()) == 1100
    assert all(r.request_id for r in results) and results[0].phonon_uuids[0]


def test_connection_dropped_after_the_server_read_it_is_unconfirmed_not_resent(sandbox, journal):
    sandbox.inject("drop")
    plan = SimplePlan(contact_sheet(5))
    sub, results = send(plan, journal, sandbox.url)
    assert statuses(results) == [RowStatus.UNCONFIRMED] * 5
    assert "received this request" in results[0].messages[0]
    assert len(sandbox.received) == 2 and sandbox.received[0].sha256 == sandbox.received[1].sha256
    assert sandbox.received[1].code == 201
    sub2, results2 = send(plan, journal, sandbox.url)
    assert results2 == [] and len(sub2.held) == 5
    assert len(sandbox.received) == 2
    assert_nobody_in_two_requests(sandbox)


def test_503_is_retried_once_with_the_same_bytes(sandbox, journal):
    sandbox.inject("503")
    sub, results = send(SimplePlan(contact_sheet(5)), journal, sandbox.url)
    assert statuses(results) == [RowStatus.ACCEPTED] * 5
    assert [r.http_status for r in sandbox.received] == [503, 200]
    assert sandbox.received[0].body == sandbox.received[1].body


def test_503_twice_leaves_the_rows_unconfirmed_and_stops_trying(sandbox, journal):
    sandbox.inject("503", "503")
    sub, results = send(SimplePlan(contact_sheet(5)), journal, sandbox.url)
    assert statuses(results) == [RowStatus.UNCONFIRMED] * 5
    assert len(sandbox.received) == 2
    assert "Phonon's reports" in results[0].messages[0] and "sent at" in results[0].messages[0]


def test_html_page_instead_of_an_answer_is_never_taken_for_success(sandbox, journal):
    sandbox.inject("html", "html")
    sub, results = send(SimplePlan(contact_sheet(2)), journal, sandbox.url)
    assert statuses(results) == [RowStatus.UNCONFIRMED] * 2


def test_read_timeout_is_unconfirmed(sandbox, journal):
    sandbox.inject("delay:1.5")
    plan = SimplePlan(contact_sheet(3))
    client = Client(sandbox.url, connect_timeout=1, read_timeout=0.4)
    sub, results = send(plan, journal, sandbox.url, client=client)
    # the retry of the same bytes is refused as a repeat: the first copy was received
    assert statuses(results) == [RowStatus.UNCONFIRMED] * 3
    assert len(sandbox.accepted_client_ids()) == 3
    assert_nobody_in_two_requests(sandbox)


def test_refused_connection_is_retried_with_backoff_then_not_sent(journal):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/kairos-apis/outbound/create"
    sleeps = Sleeps()
    sub, results = send(SimplePlan(contact_sheet(800)), journal, url, sleep=sleeps)
    assert len(results) == 1 and results[0].stop
    assert statuses(results) == [RowStatus.NOT_SENT] * 500
    assert len(sub.not_sent_rows) == 300
    assert 1.0 <= sleeps.total <= 7.0 * 1.5  # three backoffs with jitter, bounded
    # nothing reached anyone, so the next run sends them all
    with Sandbox() as s2:
        sub2, results2 = send(SimplePlan(contact_sheet(800)), journal, s2.url)
        assert sub2.total_calls == 800
        assert statuses(results2) == [RowStatus.ACCEPTED] * 800


def test_429_waits_as_asked_and_resends_identical_bytes(sandbox, journal):
    sandbox.inject("429:2")
    sleeps = Sleeps()
    sub, results = send(SimplePlan(contact_sheet(4)), journal, sandbox.url, sleep=sleeps)
    assert statuses(results) == [RowStatus.ACCEPTED] * 4
    assert sleeps.total >= 2
    assert sandbox.received[0].sha256 == sandbox.received[1].sha256
    assert len(sandbox.accepted_client_ids()) == 4


def test_redirect_is_not_followed_and_stops_the_run(sandbox, journal):
    with Sandbox() as elsewhere:
        sandbox.redirect_to = elsewhere.url
        sandbox.inject("redirect")
        sub, results = send(SimplePlan(contact_sheet(700)), journal, sandbox.url)
        assert elsewhere.received == []
    assert len(results) == 1 and results[0].stop and "redirect" in results[0].stop.lower()
    assert len(sandbox.received) == 1
    assert statuses(results) == [RowStatus.UNCONFIRMED] * 500


def test_checksum_repeated_on_the_first_attempt_is_unconfirmed_and_not_resent(sandbox, journal):
    sandbox.inject("code:201")
    sub, results = send(SimplePlan(contact_sheet(3)), journal, sandbox.url)
    assert statuses(results) == [RowStatus.UNCONFIRMED] * 3
    assert len(sandbox.received) == 1
    assert "already received" in results[0].messages[0]


def test_invalid_security_id_202_stops_at_once_and_is_not_success(sandbox, journal):
    sandbox.inject("code:202")
    sub, results = send(SimplePlan(contact_sheet(1200)), journal, sandbox.url)
    assert len(sandbox.received) == 1 and len(results) == 1
    assert "security ID" in results[0].stop
    assert statuses(results) == [RowStatus.NOT_SENT] * 500 and len(sub.not_sent_rows) == 700


def test_ip_not_whitelisted_stops_with_one_explanation(sandbox, journal):
    sandbox.inject("code:401")
    sub, results = send(SimplePlan(contact_sheet(1200)), journal, sandbox.url)
    assert len(sandbox.received) == 1
    assert "whitelist" in results[0].stop.lower()


class Batch3Balance(Client):
    """A client that makes the server answer 212 Insufficient Balance to its third request."""

    def __init__(self, url: str, sandbox: Sandbox) -> None:
        super().__init__(url, connect_timeout=1, read_timeout=2)
        self.sandbox, self.count = sandbox, 0

    def post(self, body: bytes):
        self.count += 1
        if self.count == 3:
            self.sandbox.inject("code:212")
        return super().post(body)


def test_insufficient_balance_on_batch_3_of_10_then_resume_continues(sandbox, journal):
    plan = SimplePlan(contact_sheet(5000))
    sub, results = send(plan, journal, sandbox.url, client=Batch3Balance(sandbox.url, sandbox))
    assert len(sandbox.received) == 3 and len(sub.batches) == 10
    assert "balance" in results[-1].stop.lower()
    assert len(sub.not_sent_rows) == 3500
    sub2, results2 = send(plan, journal, sandbox.url)
    assert len(sub2.skipped) == 1000 and sub2.total_calls == 4000
    assert sorted(sandbox.accepted_client_ids()) == sorted(plan.call(r).client_identifier for r in range(5000))
    assert_nobody_in_two_requests_except_refused(sandbox)


def assert_nobody_in_two_requests_except_refused(sandbox: Sandbox) -> None:
    # The request refused for balance placed nobody; its rows go again in new bytes.
    placed: dict[str, int] = defaultdict(int)
    for rec in sandbox.received:
        for cid in rec.accepted:
            placed[cid] += 1
    assert max(placed.values()) == 1


def test_partial_success_accepts_the_good_rows_and_rejects_the_bad_one(sandbox, journal):
    sheet = contact_sheet(4)
    sheet.data.at[2, "Mobile"] = "12345"
    sub, results = send(SimplePlan(sheet), journal, sandbox.url)
    assert statuses(results) == [RowStatus.ACCEPTED, RowStatus.ACCEPTED, RowStatus.REJECTED, RowStatus.ACCEPTED]
    assert results[0].codes[2] == 209 and results[0].phonon_uuids[2] is None
    # fixing the number and resubmitting the failed row sends only that row
    sheet.data.at[2, "Mobile"] = "918099999999"
    sub2, results2 = send(SimplePlan(sheet), journal, sandbox.url, resubmit_failed=True)
    assert sub2.total_calls == 1 and statuses(results2) == [RowStatus.ACCEPTED]
    assert_nobody_in_two_requests_except_refused(sandbox)


def test_limiter_keeps_every_minute_under_the_rate(sandbox, journal):
    clock = [0.0]
    limiter = RateLimiter(1000, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    times: list[float] = []

    class Timed(Client):
        def post(self, body):
            times.append(clock[0])
            return super().post(body)

    send(SimplePlan(contact_sheet(3000)), journal, sandbox.url, client=Timed(sandbox.url), limiter=limiter)
    assert len(times) == 6
    for t in times:  # calls (500 per request) started in any 60 s window
        assert 500 * sum(1 for u in times if t - 60 < u <= t) <= 1000
    assert times[-1] >= 120


def test_a_restarted_send_does_not_burst_above_the_rate(sandbox, journal):
    plan = SimplePlan(contact_sheet(1500))
    send(plan, journal, sandbox.url, rows=range(500))  # the first run: 500 calls just now
    clock = [0.0]
    limiter = RateLimiter(1000, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    times: list[float] = []

    class Timed(Client):
        def post(self, body):
            times.append(clock[0])
            return super().post(body)

    send(plan, journal, sandbox.url, client=Timed(sandbox.url), limiter=limiter)
    # 500 more fit in this minute; the next 500 wait for the first run's minute to pass
    assert times[0] == 0.0 and times[1] >= 58.0


def test_429_storm_waits_a_bounded_time_then_stops_not_sent(sandbox, journal):
    sandbox.inject(*["429:120"] * 6)
    sleeps = Sleeps()
    sub, results = send(SimplePlan(contact_sheet(700)), journal, sandbox.url, sleep=sleeps)
    assert 240 <= sleeps.total <= 300  # honours Retry-After, but never more than 5 minutes in all
    assert len(results) == 1 and results[0].stop
    assert statuses(results) == [RowStatus.NOT_SENT] * 500
    assert len({r.sha256 for r in sandbox.received}) == 1  # only identical bytes were re-sent
    assert sandbox.accepted_client_ids() == []


def test_name_lookup_failure_is_retried_then_not_sent(journal, monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    sleeps = Sleeps()
    url = "https://central.example.invalid/kairos-apis/outbound/create"
    sub, results = send(SimplePlan(contact_sheet(3)), journal, url, sleep=sleeps)
    assert statuses(results) == [RowStatus.NOT_SENT] * 3
    assert "name lookup" in results[0].messages[0].lower() and len(sleeps.asked) >= 3


def test_the_witness_catches_a_naive_resend_with_changed_bytes(sandbox, journal):
    """Negative control: re-sending unconfirmed rows with one byte changed is caught."""
    sandbox.inject("drop")
    sub, results = send(SimplePlan(contact_sheet(3)), journal, sandbox.url)
    naive = sandbox.received[0].body.replace(b'"calls":[', b'"calls": [')
    Client(sandbox.url).post(naive)
    with pytest.raises(AssertionError):
        assert_nobody_in_two_requests(sandbox)
