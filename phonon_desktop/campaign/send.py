"""The send loop: batches leave one by one, each written to the journal before it leaves.

``Submission.prepare`` decides what to send (skipping rows already accepted, holding back
rows rejected or unconfirmed earlier unless the operator asked for them) and claims the
flow's send lock; ``Submission.run`` is a generator that yields one ``BatchResult`` per
request and polls a cancel flag between requests. No Qt here: the window runs the generator
in a worker thread.

What the loop does with each answer (see ``_settle``):
- certainly not sent (refused, DNS, TLS handshake): up to 3 more tries with backoff and
  jitter, then the run stops and the rows stay "not sent";
- maybe received (timeout, dropped, 5xx, not JSON): one more try of the *same bytes*, a
  second later, and never more; "Checksum Repeated" then proves the first copy arrived, so
  the rows stay "unconfirmed" with the time of that first copy;
- "too many requests" (429): wait as asked (bounded) and send the same bytes again;
- account-level refusal: stop at once, these and later rows "not sent".
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np

from phonon_desktop.campaign.journal import (
    Journal,
    JournalError,
    RowStatus,
    SendEntry,
    now_text,
    sheet_fingerprint,
)
from phonon_desktop.campaign.answer_rows import rows_for_answer, unconfirmed_answer
from phonon_desktop.campaign.send_rows import SendRows
from phonon_desktop.kairos.interpret import Answer, Delivery, Outcome
from phonon_desktop.kairos.protocol import (
    MAX_BODY_BYTES,
    MAX_CALLS_PER_REQUEST,
    envelope,
    mask_secret,
    plan_batches,
)

if TYPE_CHECKING:
    from phonon_desktop.kairos.client import Client

log = logging.getLogger(__name__)

NOT_SENT_RETRIES = 3  # extra tries after "certainly not sent"
NOT_SENT_BACKOFF = (1.0, 2.0, 4.0)  # seconds before each, plus up to 50% jitter
SAME_BYTES_DELAY = 1.0  # before the single same-bytes retry of a maybe-received request
MAX_RATE_WAIT = 300.0  # total seconds a batch may wait on "too many requests"
DEFAULT_RATE_WAIT = 5.0  # when a 429 carries no Retry-After
ATTEMPT_SUFFIX = "-r{}"
HEARTBEAT_SECONDS = 30.0  # how often a long send renews its lock (stale after 10 minutes)  # added to a generated identifier on a resubmission


@dataclass
class FlowTarget:
    """Where and as what to send. The security id lives only in memory and in the request."""

    flow_id: str
    security_id: str = field(repr=False)
    url: str
    api_version: str = "1.0"
    endpoint: str = "realtime"
    rate_per_minute: int | None = None

    def __repr__(self) -> str:
        return (
            f"FlowTarget(flow_id={self.flow_id!r}, security_id={mask_secret(self.security_id)!r}, "
            f"url={self.url!r}, api_version={self.api_version!r}, endpoint={self.endpoint!r})"
        )


@dataclass
class BatchResult:
    """What one request did; yielded as soon as its answer (or its failure) is known."""

    rows: np.ndarray  # 0-based sheet data row indices in this request
    client_ids: list[str]  # as sent
    statuses: list[RowStatus]
    codes: list[int | None]
    messages: list[str]
    phonon_uuids: list[str | None]
    request_id: str | None
    answer: Answer | None  # None when the request never left (journal could not be written)
    batch_index: int
    batch_count: int
    accepted_so_far: int
    sent_at: str | None
    stop: str | None = None  # plain explanation when this ended the whole run


@dataclass(frozen=True)
class SkippedRow:
    row: int
    client_id: str
    sent_at: str | None
    request_id: str | None
    matched_by: str


@dataclass(frozen=True)
class HeldRow:
    """A row not sent this time because its earlier outcome needs the operator's word."""

    row: int
    client_id: str
    status: RowStatus
    message: str
    sent_at: str | None


class SubmissionLocked(Exception):
    """Another send to the same flow is running from this journal."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_new_entry = functools.partial(tuple.__new__, SendEntry)  # SendEntry from one (row, ..., attempt) tuple


def _ids_are_generated(plan: Any) -> bool:
    """True when the plan made up the client identifiers (no id column mapped)."""
    mapping = getattr(plan, "mapping", None)
    for name in ("client_id_column", "id_column", "client_identifier"):
        if hasattr(mapping, name):
            return not getattr(mapping, name)
    return bool(getattr(plan, "ids_generated", False))


def _mapping_json(plan: Any) -> dict | str:
    mapping = getattr(plan, "mapping", None)
    to_json = getattr(mapping, "to_json", None)
    return to_json() if callable(to_json) else repr(mapping)


class Submission:
    """One send of a plan's rows to one flow. Holds the flow's send lock until run ends."""

    def __init__(self) -> None:  # use Submission.prepare
        self.skipped: list[SkippedRow] = []
        self.held: list[HeldRow] = []
        self.batches: list[np.ndarray] = []
        self.total_calls = 0
        self.outcomes: dict[int, dict[str, Any]] = {}  # row -> fields of the latest result
        self.not_sent_rows: list[int] = []

    # ---- preparing ----------------------------------------------------------------------

    @classmethod
    def prepare(
        cls,
        plan: Any,
        target: FlowTarget,
        journal: Journal,
        *,
        rows: Sequence[int] | np.ndarray | None = None,
        resubmit_failed: bool = False,
        resubmit_unconfirmed: bool = False,
        send_accepted_again: bool = False,
        calls_per_request: int = MAX_CALLS_PER_REQUEST,
    ) -> Submission:
        """Decide what to send and claim the flow's send lock.

        ``rows`` limits the send to those sheet rows (how the operator resubmits exactly
        chosen unconfirmed rows). ``send_accepted_again`` sends rows accepted before too (a
        deliberate repeat, e.g. a test call). ``calls_per_request`` may lower the 500 limit.
        The exact call of every row is fixed here: later edits to the sheet do not change
        what this submission sends.

        Raises SubmissionLocked while another send to the flow runs, JournalError when the
        journal cannot be used. Call ``release()`` if ``run()`` is never called.
        """
        self = cls()
        self.plan, self.target, self.journal = plan, target, journal
        sendable = np.asarray(plan.sendable_rows(), dtype=np.int64)
        if rows is not None:
            sendable = sendable[np.isin(sendable, np.asarray(rows, dtype=np.int64))]
        self.campaign = journal.campaign_for(
            sheet_fingerprint(plan.sheet), _mapping_json(plan), target.flow_id, target.endpoint, target.api_version
        )
        try:
            self._lock = journal.acquire_lock(self.campaign)
        except JournalError as exc:
            if exc.reason == "locked":
                raise SubmissionLocked(exc.message) from None
            raise
        try:
            recovered = journal.recover(target.flow_id)
            if recovered:
                log.warning("%d rows of an interrupted send are now unconfirmed", recovered)
            with _collections_paused():
                self._choose(sendable, resubmit_failed, resubmit_unconfirmed, send_accepted_again, calls_per_request)
        except BaseException:
            self.release()
            raise
        return self

    def _choose(self, sendable: np.ndarray, failed: bool, unconfirmed: bool, again: bool, per_request: int) -> None:
        flow = self.target.flow_id
        rows = SendRows.of(self.plan, sendable)
        base_ids = rows.base_ids
        row_list = rows.rows.tolist()
        keep = np.ones(len(rows), dtype=bool)
        attempts = np.ones(len(rows), dtype=np.int64)
        # A flow never sent to from this journal (the usual first send) needs no look-up,
        # and its signatures are then worked out request by request, as each leaves.
        earlier = self.journal.earlier_sends(flow, base_ids, rows.signatures()) if (
            len(rows) and self.journal.has_sends(flow)
        ) else {}
        if earlier:
            wanted = {
                RowStatus.ACCEPTED: again,
                RowStatus.SENDING: unconfirmed,
                RowStatus.UNCONFIRMED: unconfirmed,
                RowStatus.REJECTED: failed,
                RowStatus.NOT_SENT: True,
            }
            for i, base in enumerate(base_ids):
                prev = earlier.get(base)
                if prev is None:
                    continue
                if not wanted[prev.status]:
                    keep[i] = False
                    if prev.status is RowStatus.ACCEPTED:
                        self.skipped.append(SkippedRow(row_list[i], base, prev.sent_at, prev.request_id, prev.matched_by))
                    else:
                        self.held.append(HeldRow(row_list[i], base, prev.status, prev.message, prev.sent_at))
                    continue
                attempts[i] = (prev.last_attempt if prev.last_attempt is not None else prev.attempt) + 1
        positions = np.flatnonzero(keep)
        everything = len(positions) == len(rows)
        calls = rows.encoded(None if everything else positions.tolist())
        sent_ids = list(base_ids) if everything else [base_ids[i] for i in positions.tolist()]
        kept_attempts = attempts[positions]
        if _ids_are_generated(self.plan):
            # A resubmitted generated identifier carries its attempt, so its bytes differ.
            for j in np.flatnonzero(kept_attempts > 1).tolist():
                i = int(positions[j])
                sent_ids[j] = base_ids[i] + ATTEMPT_SUFFIX.format(int(kept_attempts[j]))
                calls[j] = rows.encoded_with_id(i, sent_ids[j])
        self._rows = rows
        self._positions = positions
        self._sent_ids = sent_ids
        self._attempts = kept_attempts.tolist()
        self._calls = calls
        self._head, self._tail = envelope(self.target.api_version, self.target.security_id, self.target.flow_id)
        # A request may not carry more calls than the rate limit allows in a whole minute.
        limit = min(per_request, MAX_CALLS_PER_REQUEST, self.target.rate_per_minute or MAX_CALLS_PER_REQUEST)
        ranges = _cut(calls, len(self._head) + len(self._tail), max(1, limit))
        kept_rows = rows.rows[positions]
        self._ranges = ranges
        self.batches = [kept_rows[r.start : r.stop] for r in ranges]
        self.total_calls = len(calls)

    def _entries(self, r: range) -> list[SendEntry]:
        """The journal's record of each call of one request, made as the request leaves."""
        positions = self._positions[r.start : r.stop].tolist()
        rows = self._rows
        row_list = rows.rows[self._positions[r.start : r.stop]].tolist()
        # Made column by column without a Python-level call per row.
        return list(
            map(
                _new_entry,
                zip(
                    row_list,
                    map(rows.base_ids.__getitem__, positions),
                    self._sent_ids[r.start : r.stop],
                    rows.signatures(positions),
                    map(bytes.decode, self._calls[r.start : r.stop]),
                    self._attempts[r.start : r.stop],
                ),
            )
        )

    def release(self) -> None:
        """Give up the send lock (run() does this itself when it ends)."""
        token = getattr(self, "_lock", None)
        if token:
            self._lock = None
            try:
                self.journal.release_lock(self.target.flow_id, token)
            except JournalError as exc:
                log.warning("send lock not released: %s", exc.message)

    def __enter__(self) -> Submission:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # ---- running ------------------------------------------------------------------------

    def run(
        self,
        client: Client,
        limiter: Any | None = None,
        cancel: threading.Event | None = None,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> Iterator[BatchResult]:
        """Send the batches in order; yield one BatchResult per request.

        Stops after the request in flight when ``cancel`` is set, and at once on an
        account-level refusal, a journal that cannot be written, or a server that cannot be
        reached. Rows never sent are listed in ``not_sent_rows``.
        """
        cancel = cancel or threading.Event()
        self._client = client
        self._last_beat = time.monotonic()
        self._sleep = sleep or getattr(limiter, "sleep", None) or time.sleep
        self._cancel = cancel
        accepted = 0
        done = 0
        if limiter is not None and getattr(limiter, "calls_per_minute", None):
            # Calls sent in the last minute by an earlier run (or a run that crashed) still
            # count against the limit. The journal's times are to the second: count each
            # request one second later than it was, which errs on the safe side.
            for age, calls in self.journal.recent_sends(self.target.flow_id, 60.0):
                limiter.record(calls, seconds_ago=max(0.0, age - 1.0))
        # A full collection walks every object of a big plan (hundreds of milliseconds at a
        # million rows) and lands inside some request's timing; what exists before the first
        # request is set aside from collection while sending, and given back at the end.
        frozen_here = gc.get_freeze_count() == 0
        if frozen_here:
            gc.freeze()
        try:
            for index, rows in enumerate(self.batches):
                if cancel.is_set():
                    break
                if limiter is not None and not limiter.acquire(len(rows), cancel):
                    break
                result = self._send_batch(index, rows)
                accepted += result.statuses.count(RowStatus.ACCEPTED)
                result.accepted_so_far = accepted
                done = index + 1
                yield result
                if result.stop:
                    break
        finally:
            if frozen_here:
                gc.unfreeze()
            for rows in self.batches[done:]:
                self.not_sent_rows.extend(int(r) for r in rows)
            self.release()

    def _send_batch(self, index: int, rows: np.ndarray) -> BatchResult:
        r = self._ranges[index]
        entries = self._entries(r)
        t = self.target
        if time.monotonic() - self._last_beat > HEARTBEAT_SECONDS:
            try:
                still_ours = self.journal.heartbeat(t.flow_id, self._lock or "")
            except JournalError:
                still_ours = True  # a busy journal is not a lost lock; the intent write decides
            if not still_ours:
                text = (
                    "Another Phonon Desktop took over sending to this flow while this send was paused "
                    "(for example while the computer slept). This send stopped; nothing more was sent from here."
                )
                return self._result(index, rows, entries, RowStatus.NOT_SENT, None, text, None, None, text)
            self._last_beat = time.monotonic()
        body, sha = self._unrepeated(self._head + b",".join(self._calls[r.start : r.stop]) + self._tail)
        try:
            request_pk, send_ids = self.journal.record_intent(self.campaign, index, sha, len(body), t.url, entries)
        except JournalError as exc:
            # Nothing may leave without its intent on disk.
            return self._result(index, rows, entries, RowStatus.NOT_SENT, None, exc.message, None, None, exc.message)
        first_sent_at = now_text()
        answer, request_pk, stop = self._settle(body, request_pk)
        statuses, codes, messages, uuids = rows_for_answer(answer, entries)
        if answer.outcome is Outcome.ACCOUNT_STOP or (
            answer.outcome in (Outcome.NOT_SENT, Outcome.RETRY_LATER) and stop is None
        ):
            stop = answer.explanation
        if answer.outcome is Outcome.UNKNOWN and answer.http_status and 300 <= answer.http_status < 400:
            stop = answer.explanation  # every later request would be redirected too
        try:
            self.journal.record_outcome(
                request_pk,
                outcome=answer.outcome.value,
                http_status=answer.http_status,
                code=answer.code,
                message=answer.message,
                request_id=answer.request_id,
                explanation=answer.explanation,
                rows=list(zip(send_ids, statuses, codes, messages, uuids)),
            )
        except JournalError as exc:
            stop = exc.message + " The last request's answer is shown but not saved: it will show as unconfirmed."
        log.info(
            "request %d of %d (%d calls, %d bytes, sha256 %s...): %s%s",
            index + 1, len(self.batches), len(entries), len(body), sha[:12], answer.outcome.name,
            f", request id {answer.request_id}" if answer.request_id else "",
        )
        result = BatchResult(
            rows=rows,
            client_ids=self._sent_ids[r.start : r.stop],  # each entry's client_id, as sent
            statuses=statuses,
            codes=codes,
            messages=messages,
            phonon_uuids=uuids,
            request_id=answer.request_id,
            answer=answer,
            batch_index=index,
            batch_count=len(self.batches),
            accepted_so_far=0,
            sent_at=first_sent_at,
            stop=stop,
        )
        self._remember(result)
        return result

    def _unrepeated(self, body: bytes) -> tuple[bytes, str]:
        """Bytes that differ from every request in the journal, values unchanged, and their
        SHA-256.

        A resubmission with a mapped identifier (kept as the operator's own customer id)
        could otherwise repeat an earlier request byte for byte and be refused as
        "Checksum Repeated"; a space after the calls array's bracket is valid JSON.
        """
        head = self._head
        spaces = 0
        candidate = body
        sha = hashlib.sha256(candidate).hexdigest()
        while self.journal.body_seen(sha):
            spaces += 1
            candidate = head + b" " * spaces + body[len(head) :]
            sha = hashlib.sha256(candidate).hexdigest()
        return candidate, sha

    def _settle(self, body: bytes, request_pk: int) -> tuple[Answer, int, str | None]:
        """Post, and retry only where the rules allow. Returns the deciding answer."""
        answer = self.client_post(body)
        maybe_received_at: str | None = None
        not_sent_tries = 0
        waited = 0.0
        same_bytes_retried = False
        while True:
            if answer.delivery is Delivery.MAYBE_RECEIVED and maybe_received_at is None:
                maybe_received_at = self._intent_time(request_pk)
            if maybe_received_at is not None and same_bytes_retried:
                break  # the one allowed retry has been made
            if answer.outcome is Outcome.RETRY_LATER and maybe_received_at is None:
                wait = answer.retry_after if answer.retry_after is not None else DEFAULT_RATE_WAIT
                if waited + wait > MAX_RATE_WAIT:
                    break
                if not self._wait(wait):
                    return answer, request_pk, "Sending was cancelled while waiting for Phonon to accept more calls."
                waited += wait
            elif answer.outcome is Outcome.NOT_SENT and maybe_received_at is None:
                if not_sent_tries >= NOT_SENT_RETRIES:
                    break
                backoff = NOT_SENT_BACKOFF[min(not_sent_tries, len(NOT_SENT_BACKOFF) - 1)]
                if not self._wait(backoff * (1 + random.random() / 2)):
                    return answer, request_pk, "Sending was cancelled while retrying the connection."
                not_sent_tries += 1
            elif answer.outcome is Outcome.UNKNOWN and answer.delivery is Delivery.MAYBE_RECEIVED:
                if answer.http_status and 300 <= answer.http_status < 400:
                    break  # a redirect answers the same way every time
                self._wait(SAME_BYTES_DELAY)
                same_bytes_retried = True
            else:
                break
            try:
                self._close_try(request_pk, answer)
                request_pk = self.journal.record_retry(request_pk)
            except JournalError as exc:  # no retry may leave without its record
                if maybe_received_at is not None:
                    answer = unconfirmed_answer(answer, maybe_received_at)
                return answer, request_pk, exc.message
            answer = self.client_post(body)
        if maybe_received_at is not None and answer.outcome in (
            Outcome.REPEATED, Outcome.NOT_SENT, Outcome.RETRY_LATER, Outcome.UNKNOWN
        ):
            answer = unconfirmed_answer(answer, maybe_received_at)
        return answer, request_pk, None

    def client_post(self, body: bytes) -> Answer:
        return self._client.post(body)

    def _intent_time(self, request_pk: int) -> str:
        return self.journal.intent_time(request_pk) or now_text()

    def _close_try(self, request_pk: int, answer: Answer) -> None:
        self.journal.record_outcome(
            request_pk,
            outcome=answer.outcome.value,
            http_status=answer.http_status,
            code=answer.code,
            message=answer.message,
            request_id=answer.request_id,
            explanation=answer.explanation,
            rows=[],
        )

    def _wait(self, seconds: float) -> bool:
        """Sleep in short steps so that a cancel is noticed; False when cancelled."""
        end = seconds
        while end > 0:
            if self._cancel.is_set():
                return False
            step = min(end, 0.25)
            self._sleep(step)
            end -= step
        return True

    def _result(
        self,
        index: int,
        rows: np.ndarray,
        entries: Sequence[SendEntry],
        status: RowStatus,
        code: int | None,
        message: str,
        answer: Answer | None,
        sent_at: str | None,
        stop: str | None,
    ) -> BatchResult:
        n = len(entries)
        result = BatchResult(
            rows=rows,
            client_ids=[e.client_id for e in entries],
            statuses=[status] * n,
            codes=[code] * n,
            messages=[message] * n,
            phonon_uuids=[None] * n,
            request_id=None,
            answer=answer,
            batch_index=index,
            batch_count=len(self.batches),
            accepted_so_far=0,
            sent_at=sent_at,
            stop=stop,
        )
        self._remember(result)
        return result

    def _remember(self, result: BatchResult) -> None:
        request_id, sent_at = result.request_id, result.sent_at
        self.outcomes.update(
            zip(
                result.rows.tolist(),
                [
                    {
                        "status": status,
                        "code": code,
                        "message": message,
                        "request_id": request_id,
                        "phonon_uuid": uuid,
                        "client_id": client_id,
                        "sent_at": sent_at,
                    }
                    for status, code, message, uuid, client_id in zip(
                        result.statuses, result.codes, result.messages, result.phonon_uuids, result.client_ids
                    )
                ],
            )
        )


@contextmanager
def _collections_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a million small objects are made
    that are all kept (its full passes over them would cost more than making them)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _cut(calls: Sequence[bytes], envelope_bytes: int, limit: int) -> list[range]:
    """``plan_batches`` of these calls: the same ranges, found at once in the usual case
    where every run of ``limit`` calls fits in a request's bytes."""
    n = len(calls)
    if n:
        sizes = np.fromiter(map(len, calls), dtype=np.int64, count=n)
        starts = np.arange(0, n, limit)
        counts = np.minimum(limit, n - starts)
        # A request's bytes: the envelope, its calls and a comma between two calls.
        body_bytes = envelope_bytes + np.add.reduceat(sizes, starts) + counts - 1
        if int(body_bytes.max()) <= MAX_BODY_BYTES:
            return [range(a, a + c) for a, c in zip(starts.tolist(), counts.tolist())]
    return plan_batches([len(c) for c in calls], envelope_bytes, max_calls=limit)


def run_submit_cli(args: Any, plan: Any) -> int:
    """`phonon-desktop submit` without --dry-run (see campaign.send_cli)."""
    from phonon_desktop.campaign.send_cli import run_submit_cli as run

    return run(args, plan)
