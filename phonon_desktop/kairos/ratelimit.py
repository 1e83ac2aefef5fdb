"""Calls per minute, counted over a rolling 60-second window.

Kairos documents a rate but not what happens above it, so the client stays under it:
never more than the limit in any 60 seconds, and no waiting at all while under it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable

DEFAULT_LIMITS: dict[str, int] = {"realtime": 500, "bulk": 30_000}
WINDOW_SECONDS = 60.0
# How long acquire() sleeps at most before looking at the cancel flag again.
CANCEL_CHECK_SECONDS = 0.2
MIN_SLEEP_SECONDS = 0.001


class RateLimitTooSmall(ValueError):
    """A single request has more calls than the limit allows in a whole minute."""

    def __init__(self, n_calls: int, limit: int) -> None:
        self.message = (
            f"A request of {n_calls} calls can never fit a limit of {limit} calls per minute. "
            f"Raise the limit in Settings or send at most {limit} calls per request."
        )
        super().__init__(self.message)


class RateLimiter:
    """Waits just long enough that the calls sent in any 60 seconds stay within the limit.

    ``calls_per_minute=None`` means no limit. ``clock`` and ``sleep`` are injectable so tests
    run on a fake clock without real sleeps. Safe to share between threads.
    """

    def __init__(
        self,
        calls_per_minute: int | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if calls_per_minute is not None and calls_per_minute < 1:
            raise ValueError("The rate limit must be at least 1 call per minute.")
        self.calls_per_minute = calls_per_minute
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[tuple[float, int]] = deque()  # (time, calls), oldest first
        self._in_window = 0
        self._hold_until = float("-inf")
        self._lock = threading.Lock()

    def _forget_old(self, now: float) -> None:
        # Compared as `now >= sent + 60` everywhere, so the check that forgets a call and the
        # wait computed for it agree to the last bit of a float.
        while self._sent and now >= self._sent[0][0] + WINDOW_SECONDS:
            self._in_window -= self._sent.popleft()[1]

    def calls_in_window(self) -> int:
        """Calls recorded in the last 60 seconds."""
        with self._lock:
            self._forget_old(self._clock())
            return self._in_window

    def wait_time(self, n_calls: int) -> float:
        """Seconds until ``n_calls`` more calls fit the rolling window (0.0 when they fit now)."""
        with self._lock:
            return self._wait_time(n_calls, self._clock())

    def _wait_time(self, n_calls: int, now: float) -> float:
        hold = max(0.0, self._hold_until - now)
        limit = self.calls_per_minute
        if limit is None or n_calls <= 0:
            return hold
        if n_calls > limit:
            raise RateLimitTooSmall(n_calls, limit)
        self._forget_old(now)
        excess = self._in_window + n_calls - limit
        if excess <= 0:
            return hold
        # Wait until enough of the oldest calls have left the window.
        for when, calls in self._sent:
            excess -= calls
            if excess <= 0:
                return max(hold, when + WINDOW_SECONDS - now)
        return hold  # not reached: the window holds at most `limit` calls

    def record(self, n_calls: int, *, seconds_ago: float = 0.0) -> None:
        """Count ``n_calls`` as sent now, or ``seconds_ago`` (use after sending without
        acquire(), or at start-up to replay the last minute's sends from the journal so a
        restart cannot burst above the limit)."""
        if n_calls <= 0:
            return
        with self._lock:
            now = self._clock()
            when = now - max(0.0, seconds_ago)
            if now >= when + WINDOW_SECONDS:
                return
            self._forget_old(now)
            # Keep the history ordered by time: the wait computation walks it oldest first.
            at = len(self._sent)
            while at > 0 and self._sent[at - 1][0] > when:
                at -= 1
            self._sent.insert(at, (when, n_calls))
            self._in_window += n_calls

    def hold_for(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (after the server asked to slow down, HTTP 429)."""
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + max(0.0, seconds))

    def acquire(self, n_calls: int, cancel: threading.Event | None = None) -> bool:
        """Wait until ``n_calls`` fit, record them, return True; False if cancelled first.

        Sleeps in short slices so that a cancel takes effect within a fraction of a second.
        """
        while True:
            if cancel is not None and cancel.is_set():
                return False
            with self._lock:
                now = self._clock()
                wait = self._wait_time(n_calls, now)
                if wait <= 0:
                    if n_calls > 0:
                        self._sent.append((now, n_calls))
                        self._in_window += n_calls
                    return True
            # At least a millisecond: a float clock may not move for a smaller step.
            self._sleep(max(MIN_SLEEP_SECONDS, min(wait, CANCEL_CHECK_SECONDS)))
