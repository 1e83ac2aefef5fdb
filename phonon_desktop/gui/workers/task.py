"""Run one pure function off the GUI thread; its result (or its error) comes back by signal."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from phonon_desktop.campaign import chunked

# Painting the table calls into Python for every visible cell, and each call has to take the
# interpreter back from a busy worker, which by default keeps it up to 5 ms at a time: one
# repaint during a background check of a million rows took 150-300 ms (measured). Switching
# every millisecond, the same repaint takes 20-45 ms, about what it takes with no worker, and
# the workers are no slower (the same check: 2.3-2.7 s either way).
WINDOW_SWITCH_INTERVAL = 0.001


# Even so, each of a repaint's calls into Python (three per visible cell) waits up to the switch
# interval, and a repaint during a check took 100-500 ms (measured). So the window notes when it
# paints (``window_painting``, from the table model) and workers stand aside between two slices
# of their work (``give_way``) until it has been quiet for WINDOW_QUIET seconds.
WINDOW_QUIET = 0.005
# A worker never waits longer than this at one time: a window that paints without pause (a
# scroll held down) slows the work, never stops it.
LONGEST_WAIT = 0.1

_window_thread: int | None = None
_painting_until = 0.0


def window_painting() -> None:
    """Called by the window's thread while it paints: workers give way for a moment."""
    global _painting_until
    _painting_until = time.perf_counter() + WINDOW_QUIET


def give_way() -> None:
    """In a worker: wait while the window paints (up to LONGEST_WAIT). In the window: nothing."""
    if threading.get_ident() == _window_thread:
        return
    now = time.perf_counter()
    wait = _painting_until - now
    if wait <= 0:
        return
    end = now + LONGEST_WAIT
    while wait > 0 and now < end:
        time.sleep(min(wait, end - now))  # the interpreter is free meanwhile
        now = time.perf_counter()
        wait = _painting_until - now


def share_the_interpreter() -> None:
    """Let the GUI thread get the interpreter back from busy workers within a millisecond, and
    have workers stand aside while it paints. Called on the window's thread."""
    global _window_thread
    if sys.getswitchinterval() > WINDOW_SWITCH_INTERVAL:
        sys.setswitchinterval(WINDOW_SWITCH_INTERVAL)
    _window_thread = threading.get_ident()
    chunked.set_give_way(give_way)


class _Signals(QObject):
    done = Signal(int, object)  # generation, result
    failed = Signal(int, str)  # generation, message for the operator


class _Run(QRunnable):
    def __init__(self, fn: Callable[[], Any], generation: int, signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.generation = generation
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - reported as words
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            self.signals.failed.emit(self.generation, str(message))
        else:
            self.signals.done.emit(self.generation, result)


class LatestOnly(QObject):
    """Runs jobs in the background; only the most recent job's outcome is delivered."""

    done = Signal(object)
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._running = 0
        self._signals = _Signals()
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        share_the_interpreter()

    def submit(self, fn: Callable[[], Any]) -> None:
        self._generation += 1
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Run(fn, self._generation, self._signals))

    def discard(self) -> None:
        """Forget any job in flight (its outcome will be ignored)."""
        self._generation += 1

    def is_busy(self) -> bool:
        return self._running > 0

    def wait(self, ms: int = 30_000) -> bool:
        return self.pool.waitForDone(ms)

    def _finish(self) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)

    def _on_done(self, generation: int, result: Any) -> None:
        self._finish()
        if generation == self._generation:
            self.done.emit(result)

    def _on_failed(self, generation: int, message: str) -> None:
        self._finish()
        if generation == self._generation:
            self.failed.emit(message)
