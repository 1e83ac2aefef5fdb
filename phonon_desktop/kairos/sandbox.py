"""A practice Kairos server on this computer: answers as the documented API does, calls no one.

Used for training, demos and tests. It listens on 127.0.0.1 only, in a daemon thread, and
keeps every request it received so tests can check that no customer was called twice.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import socket
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from zoneinfo import ZoneInfo

from phonon_desktop.kairos.protocol import API_VERSIONS, MAX_BODY_BYTES, MAX_CALLS_PER_REQUEST
from phonon_desktop.kairos.statuses import ACCEPTED_202, STATUSES

log = logging.getLogger(__name__)

PATHS = ("/kairos-apis/outbound/create", "/kairos-apis/outbounddialer/create")
KOLKATA = ZoneInfo("Asia/Kolkata")
DEMO_FLOW_ID = "DEMO2026"
DEMO_SECURITY_ID = "PhononDesktopSandboxDemo" + "0123456789" * 4  # 64 letters and digits
# A well-formed security id the sandbox always refuses with 202 "Invalid Security ID",
# to practise what happens when the key is wrong.
REFUSED_SECURITY_ID = "0" * 64
DEFAULT_PORT = 8765

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_NUMBER = re.compile(r"91[0-9]{10}")
_FAULT = re.compile(r"503|drop|html|redirect(:.+)?|delay:\d+(\.\d+)?|429:\d+(\.\d+)?|code:\d{3}")
_MAX_READ = 16 * 1024 * 1024  # larger bodies are answered 400 without reading them all


@dataclass
class ReceivedRequest:
    """One request as the sandbox received it."""

    body: bytes  # b"" once more than `keep_bodies` newer requests arrived
    sha256: str
    calls: list | None  # the parsed "calls" list; None when absent, not JSON, or no longer kept
    code: int | None = None  # api-response-code decided (None: no API answer, e.g. 503)
    time: float = field(default_factory=time.time)
    http_status: int | None = None
    fault: str | None = None  # the injected fault used for this request, if any
    accepted: list[str] = field(default_factory=list)  # client-identifiers scheduled


class Sandbox:
    """The practice server. Use as a context manager, or start() and stop()."""

    def __init__(
        self,
        mode: str = "realtime",
        *,
        port: int = 0,
        latency: float = 0.0,
        only_demo_ids: bool = False,
        clock: Callable[[], datetime] | None = None,
        keep_bodies: int = 100,
    ) -> None:
        if mode not in ("realtime", "bulk"):
            raise ValueError("The sandbox mode must be 'realtime' or 'bulk'.")
        self.mode = mode
        self.port = port
        self.latency = latency
        # Off: any well-formed 8-character flow id and 64-character security id is accepted.
        self.only_demo_ids = only_demo_ids
        self.clock = clock or (lambda: datetime.now(KOLKATA))
        self.received: list[ReceivedRequest] = []
        # A long practice run (a million rows is 2,000 requests of up to 256 KB) must not fill
        # the memory: only the latest requests keep their body and parsed calls.
        self.keep_bodies = keep_bodies
        self.redirect_to: str | None = None
        self._faults: deque[str] = deque()
        self._accepted: list[str] = []
        self._seen: set[str] = set()  # sha256 of bodies that scheduled calls
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATHS[0]}"

    def start(self) -> "Sandbox":
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.sandbox = self  # type: ignore[attr-defined]
        self._server = server
        self.port = server.server_address[1]
        # A short poll interval: stop() waits for it, and tests start and stop many sandboxes.
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="kairos-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, *faults: str) -> None:
        """Queue faults for the next requests, one request each, in order.

        "503": HTTP 503, nothing scheduled. "drop": calls scheduled, then the connection is
        closed without an answer. "delay:S": calls scheduled, answer after S seconds.
        "html": HTTP 200 with an HTML page, nothing scheduled. "429:S": HTTP 429 with
        Retry-After S, nothing scheduled. "redirect" (or "redirect:URL"): HTTP 307 to
        ``redirect_to`` or the given URL, nothing scheduled. "code:NNN": that API code and its
        message, nothing scheduled.
        """
        for fault in faults:
            if not _FAULT.fullmatch(fault):
                raise ValueError(f"Unknown sandbox fault '{fault}'.")
            if fault.startswith("code:") and int(fault[5:]) not in STATUSES:
                raise ValueError(f"'{fault}' is not a documented Kairos code.")
        with self._lock:
            self._faults.extend(faults)

    def accepted_client_ids(self) -> list[str]:
        """Every client-identifier the sandbox scheduled, in order (repeats included)."""
        with self._lock:
            return list(self._accepted)

    def forget(self) -> None:
        """Forget received requests, scheduled calls and remembered checksums."""
        with self._lock:
            self.received.clear()
            self._accepted.clear()
            self._seen.clear()
            self._faults.clear()

    # -- answering -------------------------------------------------------------------------

    def _next_fault(self) -> str | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def decide(self, body: bytes, record: ReceivedRequest) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON answer) for a request body, scheduling its acceptable calls."""
        if len(body) > MAX_BODY_BYTES:
            return self._error(400)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return self._error(400)
        if not isinstance(data, dict):
            return self._error(400)
        calls = data.get("calls")
        record.calls = calls if isinstance(calls, list) else None
        with self._lock:
            if record.sha256 in self._seen:
                return self._error(201)
        security_id = data.get("security-id")
        if not _is_alnum(security_id, 64) or security_id == REFUSED_SECURITY_ID or (
            self.only_demo_ids and security_id != DEMO_SECURITY_ID
        ):
            return self._error(202)
        if data.get("api-version") not in API_VERSIONS:
            return self._error(203)
        flow_id = data.get("flow-id")
        if not _is_alnum(flow_id, 8) or (self.only_demo_ids and flow_id != DEMO_FLOW_ID):
            return self._error(301)
        if calls is None or calls == []:
            return self._error(302)
        if not isinstance(calls, list):
            return self._error(400)
        if len(calls) > MAX_CALLS_PER_REQUEST:
            return self._error(303)
        today = self.clock().astimezone(KOLKATA).date()
        good = [str(c["client-identifier"]) for c in calls if _acceptable(c, today)]
        if not good:
            return self._error(210)
        details = [{"client-identifier": cid, "phonon-uuid": str(uuid.uuid4())} for cid in good]
        request_id = str(uuid.uuid4())
        with self._lock:
            self._seen.add(record.sha256)
            self._accepted.extend(good)
        record.accepted = good
        if len(good) < len(calls):
            answer = _answer(STATUSES[209], request_id, details)
            return 200, answer
        if self.mode == "bulk":
            return 202, _answer(ACCEPTED_202, request_id, None)
        return 200, _answer(STATUSES[200], request_id, details)

    def _error(self, code: int) -> tuple[int, dict[str, Any]]:
        status = STATUSES[code]
        http = 403 if (code == 401 and self.mode == "bulk") else 200
        return http, {"api-response-code": status.code, "api-response-message": status.message}


def _answer(status: Any, request_id: str, details: list | None) -> dict[str, Any]:
    return {
        "api-response-code": status.code,
        "api-response-message": status.message,
        "request-id": request_id,
        "call-details": details,
    }


def _is_alnum(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and bool(_ALNUM.fullmatch(value))


def _acceptable(call: Any, today: Any) -> bool:
    """A call the sandbox would schedule: identifier, 91+10-digit numbers, start not in the past."""
    if not isinstance(call, dict):
        return False
    cid = call.get("client-identifier")
    if isinstance(cid, bool) or not isinstance(cid, (str, int)) or str(cid).strip() == "":
        return False
    numbers = call.get("contact-numbers")
    if not isinstance(numbers, list) or not numbers:
        return False
    if not all(isinstance(n, str) and _NUMBER.fullmatch(n) for n in numbers):
        return False
    start = call.get("start-time")
    if not isinstance(start, str):
        return False
    try:
        when = datetime.fromisoformat(start)
    except ValueError:
        return False
    if when.tzinfo is None:  # the API needs an explicit offset
        return False
    # A date before today (in India) is refused; a time already past today starts at once.
    if when.astimezone(KOLKATA).date() < today:
        return False
    keys = call.get("keys", [])
    if not isinstance(keys, list):
        return False
    return all(isinstance(k, dict) and isinstance(k.get("name"), str)
               and isinstance(k.get("value"), (str, int, float)) for k in keys)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # On Windows SO_REUSEADDR lets a second server take a port already in use; the operator
    # must instead be told the port is busy.
    allow_reuse_address = sys.platform != "win32"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KairosSandbox/1.0"
    timeout = 60  # an idle keep-alive connection is closed after this
    # Headers and body go out in two writes: without this, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every answer.
    disable_nagle_algorithm = True

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        log.debug("sandbox: " + format, *args)  # request line and status only, never the body

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._plain(405, "Use POST.", extra={"Allow": "POST"})

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_body()
        if body is None:
            return
        sandbox = self.sandbox
        record = ReceivedRequest(body=body, sha256=hashlib.sha256(body).hexdigest(), calls=None)
        with sandbox._lock:
            sandbox.received.append(record)
            old = len(sandbox.received) - 1 - sandbox.keep_bodies
            if old >= 0:
                sandbox.received[old].body = b""
                sandbox.received[old].calls = None
        if self.path.split("?")[0] not in PATHS:
            record.http_status = 404
            self._plain(404, "Not found.")
            return
        fault = sandbox._next_fault()
        record.fault = fault
        if sandbox.latency:
            time.sleep(sandbox.latency)
        if fault == "503":
            record.http_status = 503
            self._plain(503, "Service Unavailable")
        elif fault == "html":
            record.http_status = 200
            self._send(200, b"<html><head><title>Sign in</title></head><body>Please sign in "
                            b"to use this network.</body></html>", "text/html; charset=utf-8")
        elif fault and fault.startswith("429:"):
            record.http_status = 429
            self._plain(429, "Too Many Requests", extra={"Retry-After": fault[4:]})
        elif fault and fault.startswith("redirect"):
            target = fault[9:] or sandbox.redirect_to or f"http://127.0.0.1:{sandbox.port}/moved"
            record.http_status = 307
            self._plain(307, "Moved", extra={"Location": target})
        elif fault and fault.startswith("code:"):
            http, answer = sandbox._error(int(fault[5:]))
            record.code, record.http_status = answer["api-response-code"], http
            self._json(http, answer)
        else:
            http, answer = sandbox.decide(body, record)
            record.code, record.http_status = answer["api-response-code"], http
            if fault == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault and fault.startswith("delay:"):
                time.sleep(float(fault[6:]))
            self._json(http, answer)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > _MAX_READ:
            self.close_connection = True
            self._json(400, {"api-response-code": 400, "api-response-message": STATUSES[400].message})
            return None
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            total += size
            if total > _MAX_READ:
                self.close_connection = True
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _json(self, status: int, answer: dict[str, Any]) -> None:
        data = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, data, "application/json")

    def _plain(self, status: int, text: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", extra)

    def _send(self, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except OSError:  # the client gave up (e.g. its read timeout): nothing to do
            self.close_connection = True

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except OSError:
            self.close_connection = True


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number: use 1 to 65535 (0 picks a free one)")
    return port


def main(argv: list[str]) -> int:
    """`phonon-desktop sandbox`: run the practice server until Ctrl+C."""
    parser = argparse.ArgumentParser(
        prog="phonon-desktop sandbox",
        description="Run a practice Kairos server on this computer. It answers like Phonon's "
        "outbound API but calls no one.",
    )
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--mode", choices=("realtime", "bulk"), default="realtime",
                        help="answer like the real-time endpoint (default) or the bulk one")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long before each answer")
    parser.add_argument("--only-demo-ids", action="store_true",
                        help="refuse every flow id and security id except the demo ones")
    args = parser.parse_args(argv)
    sandbox = Sandbox(args.mode, port=args.port, latency=max(0.0, args.latency),
                      only_demo_ids=args.only_demo_ids)
    try:
        sandbox.start()
    except OSError as exc:
        print(f"The sandbox could not listen on port {args.port} ({exc.strerror or exc}). "
              "Another program may be using it: choose another with --port.", file=sys.stderr, flush=True)
        return 2
    try:
        print(f"Phonon sandbox ({args.mode}) listening at {sandbox.url}", flush=True)
        print(f"Demo flow id:     {DEMO_FLOW_ID}", flush=True)
        print(f"Demo security id: {DEMO_SECURITY_ID}", flush=True)
        print("It calls no one. Press Ctrl+C to stop.", flush=True)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    print("Sandbox stopped.", flush=True)
    return 0
