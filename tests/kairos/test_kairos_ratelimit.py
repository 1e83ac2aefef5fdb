"""The limiter: never more than the limit in any rolling 60 s, and no waiting while under it.
All on a fake clock: no real sleeps."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon_desktop.kairos.ratelimit import RateLimiter, RateLimitTooSmall


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def limiter(limit: int | None, clock: FakeClock) -> RateLimiter:
    return RateLimiter(limit, clock=clock, sleep=clock.sleep)


def windows_hold(sent: list[tuple[float, int]], limit: int) -> bool:
    """Every 60-second window that starts at a send holds at most `limit` calls."""
    for start, _ in sent:
        inside = sum(n for t, n in sent if start <= t < start + 60)
        if inside > limit:
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(
    limit=st.integers(1, 600),
    steps=st.lists(st.tuples(st.integers(1, 600), st.floats(0, 90, allow_nan=False)), max_size=40),
)
def test_no_rolling_window_ever_holds_more_than_the_limit(limit, steps):
    clock = FakeClock()
    rl = limiter(limit, clock)
    sent: list[tuple[float, int]] = []
    for n, gap in steps:
        n = min(n, limit)
        clock.now += gap
        before = clock.now
        expected_wait = rl.wait_time(n)
        assert rl.acquire(n)
        sent.append((clock.now, n))
        # It waited as long as wait_time said (to the millisecond), no longer.
        assert clock.now - before == pytest.approx(expected_wait, abs=0.002)
    assert windows_hold(sent, limit)


@settings(max_examples=100, deadline=None)
@given(limit=st.integers(1, 30_000), sizes=st.lists(st.integers(1, 500), max_size=30))
def test_under_the_limit_nothing_waits(limit, sizes):
    clock = FakeClock()
    rl = limiter(limit, clock)
    total = 0
    for n in sizes:
        if total + n > limit:
            break
        assert rl.wait_time(n) == 0.0
        assert rl.acquire(n)
        total += n
    assert clock.slept == []


def test_a_full_window_waits_until_the_oldest_calls_leave_it():
    clock = FakeClock()
    rl = limiter(500, clock)
    assert rl.acquire(300)
    clock.now += 10
    assert rl.acquire(200)
    assert rl.wait_time(100) == pytest.approx(50.0)  # the 300 leave at +60
    clock.now += 50
    assert rl.wait_time(300) == 0.0
    assert rl.wait_time(301) == pytest.approx(10.0)  # the 200 leave at +70
    assert rl.calls_in_window() == 200


def test_default_realtime_limit_spreads_2000_calls_over_three_minutes():
    clock = FakeClock()
    rl = limiter(500, clock)
    start = clock.now
    for _ in range(4):
        assert rl.acquire(500)
    assert clock.now - start == pytest.approx(180.0)


def test_no_limit_never_waits():
    clock = FakeClock()
    rl = limiter(None, clock)
    for _ in range(100):
        assert rl.acquire(500)
    assert clock.slept == []


def test_a_request_larger_than_the_limit_says_how_to_fix_it():
    rl = limiter(100, FakeClock())
    with pytest.raises(RateLimitTooSmall) as info:
        rl.acquire(500)
    assert "100 calls per minute" in info.value.message


def test_cancel_stops_the_wait_within_one_slice():
    clock = FakeClock()
    rl = limiter(10, clock)
    assert rl.acquire(10)
    cancel = threading.Event()

    def sleep_then_cancel(seconds: float) -> None:
        clock.sleep(seconds)
        cancel.set()

    rl._sleep = sleep_then_cancel
    assert rl.acquire(5, cancel) is False
    assert len(clock.slept) == 1 and clock.slept[0] <= 0.2
    assert rl.calls_in_window() == 10  # the cancelled calls were not counted


def test_hold_for_delays_the_next_request_after_a_429():
    clock = FakeClock()
    rl = limiter(500, clock)
    rl.hold_for(7)
    assert rl.wait_time(1) == pytest.approx(7.0)
    start = clock.now
    assert rl.acquire(1)
    assert clock.now - start == pytest.approx(7.0)


def test_threads_sharing_a_limiter_never_exceed_it():
    clock = FakeClock()
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.now += seconds

    rl = RateLimiter(50, clock=clock, sleep=sleep)
    sent: list[tuple[float, int]] = []

    def worker() -> None:
        for _ in range(10):
            rl.acquire(7)
            with lock:
                sent.append((clock.now, 7))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 40
    assert rl.calls_in_window() <= 50


def test_sends_replayed_after_a_restart_count_against_the_window():
    clock = FakeClock()
    rl = limiter(500, clock)
    rl.record(300, seconds_ago=50)  # from the journal of the previous run
    rl.record(200, seconds_ago=20)
    rl.record(999, seconds_ago=61)  # too old to matter
    assert rl.calls_in_window() == 500
    assert rl.wait_time(100) == pytest.approx(10.0)
    assert rl.wait_time(400) == pytest.approx(40.0)
