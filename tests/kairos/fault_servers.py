"""Raw loopback servers that misbehave on purpose, to test how the client classifies faults."""

from __future__ import annotations

import socket
import ssl
import threading
from typing import Callable


def read_request(conn: socket.socket) -> bytes:
    """Read one HTTP request (headers and a Content-Length body); b'' if the peer left."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


class FaultServer:
    """Accepts connections on 127.0.0.1 and hands each to ``behave(conn, server)``.

    ``requests`` counts complete HTTP requests the behaviour read (what the server "got").
    """

    def __init__(self, behave: Callable[[socket.socket, "FaultServer"], None],
                 tls: ssl.SSLContext | None = None) -> None:
        self.behave = behave
        self.tls = tls
        self.requests: list[bytes] = []
        self.connections = 0
        self.stopped = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/kairos-apis/outbound/create"

    def got(self, conn: socket.socket) -> bytes:
        request = read_request(conn)
        if request:
            self.requests.append(request)
        return request

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            self.behave(conn, self)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self._thread.join(timeout=5)
        self._sock.close()


def close_after_reading(conn: socket.socket, server: FaultServer) -> None:
    server.got(conn)


def hang_after_reading(conn: socket.socket, server: FaultServer) -> None:
    server.got(conn)
    server.stopped.wait(10)


def answer_json(body: bytes, status: str = "200 OK") -> Callable[[socket.socket, FaultServer], None]:
    def behave(conn: socket.socket, server: FaultServer) -> None:
        while server.got(conn):
            conn.sendall(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
    return behave


def send_non_tls_bytes(conn: socket.socket, server: FaultServer) -> None:
    """A plain TCP server where the client expects TLS: the handshake fails at once."""
    conn.recv(1024)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def tls_garbage_after_reading(conn: ssl.SSLSocket, server: FaultServer) -> None:
    """Completes the handshake, reads the whole request, then writes bytes that are no TLS record."""
    server.got(conn)
    # The plain socket's sendall, bypassing TLS: an application-data record header followed by
    # bytes that do not decrypt.
    socket.socket.sendall(conn, b"\x17\x03\x03\x00\x20" + b"g" * 32)
    server.stopped.wait(2)
