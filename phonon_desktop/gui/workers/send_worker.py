"""Preparing and running a send off the GUI thread.

The sending itself is ``campaign.send.Submission``; this runs its generator in a QThread and
turns each ``BatchResult`` into one ``BatchUpdate`` signal: the rows of that request, their
status words and their tooltips, computed here so that the GUI thread only paints.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)


def status_word(status: object) -> str:
    """The engine's status as the plain string the table keeps ("accepted", "not sent", ...)."""
    return str(getattr(status, "value", status))


def row_tooltip(status: str, message: str, code: object, request_id: str | None, uuid: str | None,
                client_id: str, sent_at: str | None) -> str:
    """What hovering a row's status tells the operator, in words."""
    if status == "accepted":
        lines = [f"Accepted by Phonon{' at ' + sent_at if sent_at else ''}."]
        lines.append(f"Request id: {request_id or 'not given by Phonon'}")
        if uuid:
            lines.append(f"Phonon uuid: {uuid}")
        lines.append(f"Client identifier: {client_id}")
        return "\n".join(lines)
    if status == "rejected":
        lines = [f"Rejected: {message}" if message else "Rejected by Phonon."]
        if code is not None:
            lines.append(f"Phonon's code: {code}.")
        lines.append("Fix the row if needed, select it and choose Resubmit.")
        if request_id:
            lines.append(f"Request id: {request_id}")
        return "\n".join(lines)
    if status == "unconfirmed":
        lines = ["Sent, no answer: check the Phonon console before sending this row again."]
        if message:
            lines.append(message)
        lines.append(f"Request id: {request_id or 'not known (no answer came back)'}")
        lines.append(f"Client identifier: {client_id}")
        return "\n".join(lines)
    if status in ("not sent", "not_sent"):
        return f"Not sent. {message}".strip() if message else "Not sent: the send stopped before this row."
    return message


@dataclass
class BatchUpdate:
    """One request's outcome, ready for the table."""

    rows: np.ndarray
    statuses: np.ndarray  # object array of status words
    tooltips: list[str]
    batch_index: int
    batch_count: int
    calls: int  # calls in this request
    accepted_so_far: int
    request_id: str | None
    stop: str | None
    next_rows: np.ndarray | None  # the request leaving next (shown "sending"), None at the end
    fixer: str | None = None  # who can fix a stop: "settings", "admin", ... (kairos Status.fixer)
    counts: dict[str, int] = field(default_factory=dict)
    # Per row, for the results file:
    codes: list = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    phonon_uuids: list = field(default_factory=list)
    client_ids: list[str] = field(default_factory=list)
    sent_at: str | None = None


@dataclass
class RunEnd:
    """How a run ended."""

    cancelled: bool
    stop: str | None  # the plain explanation of an account-level or network stop
    error: str | None  # an unexpected failure, in words
    not_sent_rows: np.ndarray
    counts: dict[str, int]
    batches_done: int
    seconds: float


def to_update(result: Any, next_rows: np.ndarray | None) -> BatchUpdate:
    words = [status_word(s) for s in result.statuses]
    tips = [
        row_tooltip(w, m, c, result.request_id, u, cid, result.sent_at)
        for w, m, c, u, cid in zip(words, result.messages, result.codes, result.phonon_uuids, result.client_ids)
    ]
    return BatchUpdate(
        rows=np.asarray(result.rows, dtype=np.int64),
        statuses=np.asarray(words, dtype=object),
        tooltips=tips,
        batch_index=result.batch_index,
        batch_count=result.batch_count,
        calls=len(words),
        accepted_so_far=result.accepted_so_far,
        request_id=result.request_id,
        stop=result.stop,
        next_rows=next_rows,
        fixer=getattr(getattr(getattr(result, "answer", None), "status", None), "fixer", None),
        counts=dict(Counter(words)),
        codes=list(result.codes),
        messages=list(result.messages),
        phonon_uuids=list(result.phonon_uuids),
        client_ids=list(result.client_ids),
        sent_at=result.sent_at,
    )


class SendJob(QObject):
    """Runs ``submission.run(client, limiter, cancel)`` in its own thread."""

    batch_started = Signal(object)  # np.ndarray: rows of the request about to leave
    batch_finished = Signal(object)  # BatchUpdate
    run_finished = Signal(object)  # RunEnd

    def __init__(self, submission: Any, client: Any, limiter: Any, cancel: threading.Event | None = None) -> None:
        super().__init__()
        self.submission = submission
        self.client = client
        self.limiter = limiter
        self.cancel_event = cancel or threading.Event()

    def cancel(self) -> None:
        """Stop after the request in flight (never in the middle of one)."""
        self.cancel_event.set()

    @Slot()
    def run(self) -> None:
        started = time.monotonic()
        counts: Counter[str] = Counter()
        stop: str | None = None
        error: str | None = None
        done = 0
        batches = list(self.submission.batches)
        generator = None
        try:
            if batches:
                self.batch_started.emit(batches[0])
            generator = self.submission.run(self.client, self.limiter, self.cancel_event)
            for result in generator:
                done = result.batch_index + 1
                more = done < len(batches) and not result.stop and not self.cancel_event.is_set()
                update = to_update(result, batches[done] if more else None)
                counts.update(update.counts)
                stop = stop or result.stop
                self.batch_finished.emit(update)
        except Exception as exc:  # noqa: BLE001 - the operator gets words, never a traceback
            log.exception("sending stopped by an unexpected error")
            error = getattr(exc, "message", None) or (
                f"Sending stopped because of an unexpected problem ({type(exc).__name__}). Rows already "
                "sent keep their status; check the unconfirmed ones in the Phonon console before sending again."
            )
        finally:
            if generator is not None:
                generator.close()  # runs the engine's clean-up: not-sent rows, lock release
            else:
                release = getattr(self.submission, "release", None)
                if callable(release):
                    release()
            not_sent = np.asarray(getattr(self.submission, "not_sent_rows", []), dtype=np.int64)
            if not_sent.size:
                counts["not sent"] += int(not_sent.size)
            self.run_finished.emit(
                RunEnd(
                    cancelled=self.cancel_event.is_set(),
                    stop=stop,
                    error=error,
                    not_sent_rows=not_sent,
                    counts=dict(counts),
                    batches_done=done,
                    seconds=time.monotonic() - started,
                )
            )


class Task(QObject):
    """Any slow function (preparing a send, writing results) run once off the GUI thread."""

    done = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn

    @Slot()
    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread to be put in words
            self.failed.emit(exc)
        else:
            self.done.emit(value)


class WorkerThread(QThread):
    """A thread owning one worker object; quits when the worker says it has finished."""

    def __init__(self, worker: QObject, finished_signal: Any, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.worker = worker
        worker.moveToThread(self)
        self.started.connect(worker.run)
        # Direct: quit() is thread-safe, and a queued call would never arrive while the GUI
        # thread is blocked in wait().
        finished_signal.connect(self.quit, Qt.ConnectionType.DirectConnection)
        if isinstance(worker, Task):
            worker.failed.connect(self.quit, Qt.ConnectionType.DirectConnection)
