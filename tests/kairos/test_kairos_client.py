"""The client over real loopback sockets: each fault lands on "not sent" or "may have been
received", and nothing is ever sent twice or followed to another server."""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import threading

import pytest
import requests
import trustme

from phonon_desktop.kairos.client import Client, EndpointRefused, endpoint_for_url, is_loopback
from phonon_desktop.kairos.interpret import Delivery, Outcome
from phonon_desktop.kairos.protocol import BULK_URL, DIALER_URL, REALTIME_URL

from fault_servers import (
    FaultServer,
    answer_json,
    close_after_reading,
    hang_after_reading,
    send_non_tls_bytes,
    tls_garbage_after_reading,
)
from kairos_helpers import body_of, make_call

BODY = body_of([make_call("C1")])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def trust_ca(ca: trustme.CA, tmp_path, monkeypatch):
    """Make verify=True trust the test CA, the way an operator's IT would (REQUESTS_CA_BUNDLE)."""
    path = tmp_path / "test ca é.pem"
    ca.cert_pem.write_to_path(str(path))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(path))
    return path


# -- addresses ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://central.phonon.io/kairos-apis/outbound/create",
    "http://192.168.1.10:8765/kairos-apis/outbound/create",
    "ftp://central.phonon.io/x",
    "central.phonon.io/kairos-apis/outbound/create",
    "https://user:pw@central.phonon.io/kairos-apis/outbound/create",
    "",
])
def test_addresses_that_would_leak_or_cannot_work_are_refused_with_a_fix(url):
    with pytest.raises(EndpointRefused) as info:
        Client(url)
    assert "Settings" in info.value.message


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8765/kairos-apis/outbound/create",
    "http://127.5.6.7/kairos-apis/outbound/create",
    "http://localhost:8765/kairos-apis/outbound/create",
    "http://[::1]:8765/kairos-apis/outbound/create",
    REALTIME_URL,
])
def test_https_and_plain_http_to_this_computer_are_allowed(url):
    Client(url).close()


def test_endpoint_kind_is_guessed_from_the_host():
    assert endpoint_for_url(BULK_URL) == "bulk"
    assert endpoint_for_url(REALTIME_URL) == "realtime"
    assert endpoint_for_url(DIALER_URL) == "realtime"
    assert Client(BULK_URL).endpoint == "bulk"
    assert Client("http://127.0.0.1:1/x", endpoint="bulk").endpoint == "bulk"
    assert is_loopback("http://127.0.0.1/") and not is_loopback("http://10.0.0.1/")


def test_the_session_never_retries_and_debug_output_stays_off():
    client = Client(REALTIME_URL)
    for adapter in client.session.adapters.values():
        assert adapter.max_retries.total == 0
        assert adapter.max_retries.read is False
    assert client.session.trust_env is True
    assert http.client.HTTPConnection.debuglevel == 0


# -- certainly not sent ------------------------------------------------------------------

def test_refused_connection_is_not_sent():
    answer = Client(f"http://127.0.0.1:{free_port()}/kairos-apis/outbound/create").post(BODY)
    assert answer.outcome is Outcome.NOT_SENT and answer.delivery is Delivery.NOT_SENT
    assert "refused" in answer.explanation and "sent again safely" in answer.explanation


def test_name_lookup_failure_is_not_sent(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    answer = Client(REALTIME_URL).post(BODY)
    assert answer.delivery is Delivery.NOT_SENT
    assert "central.phonon.io" in answer.explanation and "name lookup" in answer.explanation


def test_connect_timeout_is_not_sent(monkeypatch):
    import urllib3.util.connection

    def too_slow(*args, **kwargs):
        raise socket.timeout("timed out")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", too_slow)
    answer = Client(REALTIME_URL, connect_timeout=3).post(BODY)
    assert answer.delivery is Delivery.NOT_SENT
    assert "within 3 seconds" in answer.explanation


def test_a_server_that_does_not_speak_tls_fails_the_handshake_and_gets_no_request():
    with FaultServer(send_non_tls_bytes) as server:
        answer = Client(server.url("https")).post(BODY)
    assert answer.delivery is Delivery.NOT_SENT
    assert server.requests == []


def test_an_untrusted_certificate_is_not_sent_and_gets_no_request(tls_server_context):
    # Nothing makes the test CA trusted here: like a man-in-the-middle certificate.
    with FaultServer(close_after_reading, tls=tls_server_context) as server:
        answer = Client(server.url("https")).post(BODY)
    assert answer.delivery is Delivery.NOT_SENT
    assert "certificate" in answer.explanation
    assert server.requests == []


def test_a_proxy_from_the_environment_is_used_and_its_refusal_is_not_sent(monkeypatch):
    def refuse_tunnel(conn, server):
        server.requests.append(conn.recv(65536))
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    with FaultServer(refuse_tunnel) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.delenv("https_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        answer = Client(REALTIME_URL).post(BODY)
    assert proxy.requests and proxy.requests[0].startswith(b"CONNECT central.phonon.io:443")
    assert answer.delivery is Delivery.NOT_SENT and "proxy" in answer.explanation


def test_the_sandbox_on_this_computer_is_reached_even_with_a_proxy_set(monkeypatch, sandbox):
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, dead)
    assert Client(sandbox.url).post(BODY).outcome is Outcome.ACCEPTED


# -- may have been received --------------------------------------------------------------

def test_connection_closed_after_the_request_was_read_is_unconfirmed():
    with FaultServer(close_after_reading) as server:
        answer = Client(server.url()).post(BODY)
    assert answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED
    assert "unconfirmed" in answer.explanation
    assert len(server.requests) == 1 and server.requests[0].endswith(BODY)


def test_no_answer_within_the_read_timeout_is_unconfirmed_and_sent_once():
    with FaultServer(hang_after_reading) as server:
        answer = Client(server.url(), read_timeout=0.3).post(BODY)
    assert answer.delivery is Delivery.MAYBE_RECEIVED
    assert "did not answer within 0.3 seconds" in answer.explanation
    assert len(server.requests) == 1


def test_tls_broken_after_the_body_was_delivered_is_unconfirmed_and_sent_once(tls_server_context, trust_ca):
    with FaultServer(tls_garbage_after_reading, tls=tls_server_context) as server:
        answer = Client(server.url("https")).post(BODY)
    assert answer.delivery is Delivery.MAYBE_RECEIVED
    assert len(server.requests) == 1 and server.connections == 1


def test_a_trusted_tls_server_is_answered_normally(tls_server_context, trust_ca):
    ok = b'{"api-response-code":200,"api-response-message":"Success","request-id":"r1",' \
         b'"call-details":[{"client-identifier":"C1","phonon-uuid":"u1"}]}'
    with FaultServer(answer_json(ok), tls=tls_server_context) as server:
        answer = Client(server.url("https")).post(BODY)
    assert answer.outcome is Outcome.ACCEPTED and answer.accepted == {"C1": "u1"}


def test_http_503_is_unconfirmed_and_not_resent(sandbox):
    sandbox.inject("503")
    answer = Client(sandbox.url).post(BODY)
    assert answer.outcome is Outcome.UNKNOWN and answer.http_status == 503
    assert len(sandbox.received) == 1


def test_an_html_page_with_http_200_is_unconfirmed(sandbox):
    sandbox.inject("html")
    answer = Client(sandbox.url).post(BODY)
    assert answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED
    assert "<html" not in answer.explanation


def test_a_redirect_is_not_followed_and_the_other_server_receives_nothing(sandbox):
    with FaultServer(close_after_reading) as elsewhere:
        sandbox.redirect_to = elsewhere.url()
        sandbox.inject("redirect")
        answer = Client(sandbox.url).post(BODY)
        assert answer.outcome is Outcome.UNKNOWN and answer.http_status == 307
        assert "redirect" in answer.explanation
    assert elsewhere.connections == 0 and elsewhere.requests == []


def test_dropped_after_processing_is_unconfirmed_though_the_calls_were_scheduled(sandbox):
    sandbox.inject("drop")
    answer = Client(sandbox.url).post(BODY)
    assert answer.delivery is Delivery.MAYBE_RECEIVED
    assert sandbox.accepted_client_ids() == ["C1"]


def test_429_asks_to_wait_and_says_nothing_was_taken(sandbox):
    sandbox.inject("429:7")
    answer = Client(sandbox.url).post(BODY)
    assert answer.outcome is Outcome.RETRY_LATER and answer.retry_after == 7.0
    assert sandbox.accepted_client_ids() == []


def test_an_unforeseen_exception_becomes_an_unconfirmed_answer():
    class Broken(requests.Session):
        def post(self, *args, **kwargs):
            raise RuntimeError("boom")

    answer = Client(REALTIME_URL, session=Broken()).post(BODY)
    assert answer.delivery is Delivery.MAYBE_RECEIVED


# -- the secret --------------------------------------------------------------------------

CANARY = "CANARY" + "x1Y2z3" * 9 + "LAST"


@pytest.mark.parametrize("fault", ["refused", "drop", "hang", "503", "html", "code:202", "ok"])
def test_the_security_id_never_appears_in_logs_or_answers(fault, caplog, sandbox):
    caplog.set_level(logging.DEBUG)
    body = body_of([make_call("C1")], security_id=CANARY)
    assert len(CANARY) == 64
    url = sandbox.url
    if fault == "refused":
        url = f"http://127.0.0.1:{free_port()}/kairos-apis/outbound/create"
    elif fault == "hang":
        sandbox.inject("delay:1")
    elif fault != "ok":
        sandbox.inject(fault)
    with Client(url, read_timeout=0.3) as client:
        answer = client.post(body)
    texts = [caplog.text, repr(answer), answer.explanation, answer.detail, answer.message]
    assert all(CANARY not in t and CANARY[:20] not in t for t in texts)


def test_many_threads_posting_share_one_client_without_mixing_answers(sandbox):
    client = Client(sandbox.url)
    answers = {}

    def send(i: int) -> None:
        answers[i] = client.post(body_of([make_call(f"T{i}")]))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: list(a.accepted) for i, a in answers.items()} == {i: [f"T{i}"] for i in range(8)}


def test_a_session_that_retries_by_itself_is_refused():
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=3))
    with pytest.raises(ValueError):
        Client(REALTIME_URL, session=session)


def test_an_endless_answer_is_cut_off_and_unconfirmed():
    def endless(conn, server):
        server.got(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        chunk = b"x" * 65536
        try:
            while not server.stopped.is_set():
                conn.sendall(chunk)
        except OSError:
            pass

    with FaultServer(endless) as server:
        answer = Client(server.url()).post(BODY)
    assert answer.outcome is Outcome.UNKNOWN and answer.http_status == 200
    assert "far more data" in answer.explanation


def test_a_tls_handshake_that_hangs_is_not_sent():
    # urllib3 reports this as a *read* timeout; the request was never written.
    def silent(conn, server):
        server.stopped.wait(5)

    with FaultServer(silent) as server:
        answer = Client(server.url("https"), connect_timeout=0.3, read_timeout=5).post(BODY)
    assert answer.delivery is Delivery.NOT_SENT
    assert "secure connection within 0.3 seconds" in answer.explanation


def test_a_read_timeout_over_tls_after_sending_stays_unconfirmed(tls_server_context, trust_ca):
    with FaultServer(hang_after_reading, tls=tls_server_context) as server:
        answer = Client(server.url("https"), connect_timeout=5, read_timeout=0.3).post(BODY)
    assert answer.delivery is Delivery.MAYBE_RECEIVED
    assert len(server.requests) == 1


def test_a_connection_reset_after_the_request_was_read_is_unconfirmed():
    import struct

    def reset(conn, server):
        server.got(conn)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    with FaultServer(reset) as server:
        answer = Client(server.url()).post(BODY)
    assert answer.delivery is Delivery.MAYBE_RECEIVED and len(server.requests) == 1


def test_an_answer_cut_off_midway_is_unconfirmed():
    def truncated(conn, server):
        server.got(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n20\r\n{\"api-response-code\": 200")

    with FaultServer(truncated) as server:
        answer = Client(server.url()).post(BODY)
    assert answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED
