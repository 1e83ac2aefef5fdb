"""The HTTP client for the outbound API: one POST, one classified Answer, never a retry.

A plain ``requests.Session`` is used on purpose: an adapter with ``max_retries`` (or a
urllib3 ``Retry``) re-sends a POST after errors that happen after the server received it,
which would call customers twice. Every retry decision belongs next to the journal.
"""

from __future__ import annotations

import ipaddress
import logging
import traceback
from urllib.parse import urlsplit

import requests
import urllib3.exceptions as u3

from phonon_desktop.kairos.interpret import Answer, interpret, maybe_received, not_sent, scrub

log = logging.getLogger(__name__)

_BULK_HOSTS = ("central-api.phonon.io",)
# A real answer is a few hundred bytes per call: 500 calls stay far below this.
MAX_ANSWER_BYTES = 4 * 1024 * 1024


def _read_limited(response: requests.Response, limit: int) -> bytes | None:
    """The whole body, or None when it is longer than ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def _retries(session: requests.Session) -> bool:
    """True when any adapter mounted on the session would retry a request by itself."""
    for adapter in session.adapters.values():
        retry = getattr(adapter, "max_retries", None)
        if retry is None:
            continue
        counts = [retry.total, retry.connect, retry.read, retry.status, retry.other]
        if any(c not in (None, 0, False) for c in counts) or (retry.total is None and retry.read is not False):
            return True
    return False


class EndpointRefused(ValueError):
    """The API address cannot be used (wrong scheme, plain http to a remote host...)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def is_loopback(url: str) -> bool:
    """True when the URL's host is this computer (127.0.0.0/8, ::1 or localhost)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_for_url(url: str) -> str:
    """"bulk" for the high-throughput host, "realtime" for everything else."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return "bulk" if host in _BULK_HOSTS else "realtime"


def check_url(url: str) -> str:
    """The URL, stripped, if it may be used; raises EndpointRefused with the fix otherwise."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise EndpointRefused(f"The API address '{url}' is not a valid web address. "
                              "Copy it again from Phonon's documentation into Settings.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointRefused(
            f"The API address '{url}' must start with https:// and name a server, for example "
            "https://central.phonon.io/kairos-apis/outbound/create. Correct it in Settings."
        )
    if parts.username or parts.password:
        raise EndpointRefused("The API address must not contain a user name or password. "
                              "Remove them in Settings.")
    if parts.scheme == "http" and not is_loopback(url):
        raise EndpointRefused(
            f"The API address '{url}' uses http://, which would send the security ID "
            "unencrypted. Use the https:// address in Settings (plain http:// is allowed only "
            "for the built-in sandbox on this computer)."
        )
    return url


class Client:
    """Posts request bodies to one Kairos address and interprets what comes back."""

    def __init__(
        self,
        url: str,
        *,
        endpoint: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        session: requests.Session | None = None,
    ) -> None:
        self.url = check_url(url)
        if endpoint not in (None, "realtime", "bulk"):
            raise EndpointRefused(f"Unknown endpoint kind '{endpoint}': use 'realtime' or 'bulk'.")
        self.endpoint: str = endpoint or endpoint_for_url(self.url)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._own_session = session is None
        # A plain session: requests' default adapter has max_retries=0 and reads proxies
        # from the environment (trust_env). Nothing here mounts another adapter.
        self.session = session or requests.Session()
        if _retries(self.session):
            # A retrying adapter re-sends a POST the server may already have received.
            raise ValueError("The HTTP session given to Client retries requests by itself; "
                             "use a plain requests.Session.")
        # The sandbox is on this computer: a corporate proxy from the environment cannot
        # reach it, so loopback addresses never go through one.
        self._proxies = {"http": None, "https": None, "all": None} if is_loopback(self.url) else None

    def post(self, body: bytes) -> Answer:
        """Send one request body; every network, HTTP or body problem comes back as an Answer."""
        host = urlsplit(self.url).hostname
        try:
            with self.session.post(
                self.url,
                data=body,
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                timeout=(self.connect_timeout, self.read_timeout),
                allow_redirects=False,
                verify=True,
                proxies=self._proxies,
                stream=True,
            ) as response:
                # Read it all here (a broken body is a network fault), but never more than
                # an answer can plausibly be: a proxy or portal could send anything.
                content = _read_limited(response, MAX_ANSWER_BYTES)
        except requests.RequestException as exc:
            answer = classify_exception(exc, host or "the server", self.connect_timeout, self.read_timeout)
        except Exception as exc:  # noqa: BLE001 - an unforeseen fault must still become an Answer
            answer = maybe_received(
                "Sending failed in an unexpected way.", detail=type(exc).__name__
            )
        else:
            if content is None:
                answer = maybe_received(
                    f"The server answered HTTP {response.status_code} with far more data than "
                    "Phonon's answer ever has.", response.status_code,
                    detail=f"HTTP {response.status_code}, body over {MAX_ANSWER_BYTES} bytes",
                )
            else:
                answer = interpret(response.status_code, content, self.endpoint, headers=response.headers)
        log.info(
            "POST to %s (%d bytes): %s, %s", host, len(body), answer.outcome.name,
            answer.detail or f"HTTP {answer.http_status}",
        )
        return answer

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def classify_exception(exc: BaseException, host: str, connect_timeout: float, read_timeout: float) -> Answer:
    """NOT_SENT only for faults that certainly happen before the body leaves this computer."""
    detail = scrub(f"{type(exc).__name__}: {_root_name(exc)}")
    if isinstance(exc, requests.ConnectTimeout):
        return not_sent(
            f"Could not connect to {host} within {connect_timeout:g} seconds. Check the "
            "internet connection and proxy settings.", detail=detail)
    if isinstance(exc, requests.exceptions.ProxyError):
        # urllib3 raises ProxyError only before it has reached the proxy.
        return not_sent(
            "Could not reach the proxy server. Check the proxy settings (HTTPS_PROXY) with "
            "your IT team.", detail=detail)
    if isinstance(exc, requests.exceptions.SSLError):
        if _during_handshake(exc):
            if _in_chain(exc, _cert_error_types()):
                reason = (f"The secure connection to {host} was refused because its certificate "
                          "could not be verified. Someone may be intercepting the connection, "
                          "or the computer's date is wrong; ask your IT team.")
            else:
                reason = (f"A secure connection to {host} could not be set up. Check the API "
                          "address and proxy settings.")
            return not_sent(reason, detail=detail)
        return maybe_received(f"The secure connection to {host} broke after the request was sent.",
                              detail=detail)
    if isinstance(exc, requests.ReadTimeout):
        if _during_handshake(exc):
            # urllib3 reports a TLS handshake that hangs as a read timeout; no request
            # byte has been written before the handshake completes.
            return not_sent(f"{host} did not complete a secure connection within "
                            f"{connect_timeout:g} seconds. Check the internet connection and "
                            "proxy settings.", detail=detail)
        return maybe_received(f"{host} did not answer within {read_timeout:g} seconds.", detail=detail)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader,
                        requests.exceptions.URLRequired)):
        return not_sent("The API address could not be used. Correct it in Settings.", detail=detail)
    if isinstance(exc, requests.ConnectionError):
        if _in_chain(exc, (u3.NewConnectionError,)):
            if _in_chain(exc, (u3.NameResolutionError,)):
                reason = (f"Could not find the server {host} (name lookup failed). Check the "
                          "internet connection and the API address.")
            else:
                reason = (f"Could not connect to {host}: the connection was refused. Check the "
                          "internet connection and the API address.")
            return not_sent(reason, detail=detail)
        if _in_chain(exc, (u3.ConnectTimeoutError,)):
            return not_sent(f"Could not connect to {host} in time.", detail=detail)
        return maybe_received(f"The connection to {host} broke before an answer came.", detail=detail)
    return maybe_received(f"The exchange with {host} failed before an answer came.", detail=detail)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo.extend([e.__cause__, e.__context__])
        for arg in getattr(e, "args", ()):
            if isinstance(arg, BaseException):
                todo.append(arg)
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
    return seen


def _in_chain(exc: BaseException, types: tuple[type[BaseException], ...]) -> bool:
    return any(isinstance(e, types) for e in _chain(exc))


def _cert_error_types() -> tuple[type[BaseException], ...]:
    import ssl

    return (ssl.SSLCertVerificationError, ssl.CertificateError)


def _root_name(exc: BaseException) -> str:
    chain = _chain(exc)
    return type(chain[-1]).__name__ if chain else ""


# Frames that show a fault happened while the TLS session was being set up, before
# http.client wrote the request line; and http.client frames that write the request or
# read its answer.
_HANDSHAKE_FRAMES = {"do_handshake", "_ssl_wrap_socket_and_match_hostname", "ssl_wrap_socket",
                     "wrap_socket", "_validate_conn"}
_AFTER_SEND_FRAMES = {"getresponse", "_send_output"}


def _during_handshake(exc: BaseException) -> bool:
    """True only when the traceback shows the error inside the TLS handshake.

    urllib3 turns any SSL error into the same SSLError (and a timeout into ReadTimeout),
    whether it happens in the handshake (nothing sent) or while reading the answer (the body
    has left); a certificate failure can only happen in the handshake.
    """
    if _in_chain(exc, _cert_error_types()):
        return True
    names: set[str] = set()
    for e in _chain(exc):
        for frame, _ in traceback.walk_tb(e.__traceback__):
            names.add(frame.f_code.co_name)
    return bool(names & _HANDSHAKE_FRAMES) and not (names & _AFTER_SEND_FRAMES)
