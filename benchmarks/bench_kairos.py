"""Kairos request building and the sandbox round trip, as ratios against baselines measured here.

Run: python benchmarks/bench_kairos.py [N_CALLS]
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta

from phonon_desktop.kairos.client import Client
from phonon_desktop.kairos.protocol import Call, build_body, envelope, plan_batches
from phonon_desktop.kairos.ratelimit import RateLimiter
from phonon_desktop.kairos.sandbox import DEMO_FLOW_ID, DEMO_SECURITY_ID, KOLKATA, Sandbox


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(n: int) -> None:
    start = (datetime.now(KOLKATA) + timedelta(days=1)).strftime("%Y-%m-%dT10:30:00+05:30")
    calls = [Call(f"C{i:07d}", start, (f"91{8000000000 + i}",), (("Name", "अभिनंदन"), ("Due", str(i))))
             for i in range(n)]

    # Baseline: the least any encoder must do, one json.dumps per call.
    base, _ = timed(lambda: [json.dumps(c.to_json(), ensure_ascii=False) for c in calls])

    def pipeline() -> list[bytes]:
        encoded = [c.encode() for c in calls]
        head, tail = envelope("1.0", DEMO_SECURITY_ID, DEMO_FLOW_ID)
        ranges = plan_batches([len(e) for e in encoded], len(head) + len(tail))
        return [build_body("1.0", DEMO_SECURITY_ID, DEMO_FLOW_ID, encoded[r.start:r.stop]) for r in ranges]

    ours, bodies = timed(pipeline)
    print(f"{n:,} calls -> {len(bodies)} request bodies; encode+batch+build {ours:.2f} s, "
          f"{ours / base:.2f}x a bare json.dumps per call ({base:.2f} s)")

    limiter = RateLimiter(30_000, clock=lambda: 0.0, sleep=lambda s: None)
    lim, _ = timed(lambda: [limiter.wait_time(500) for _ in range(100_000)])
    print(f"rate limiter: {lim / 100_000 * 1e6:.1f} µs per wait_time() check")

    sample = bodies[: min(20, len(bodies))]
    with Sandbox() as sb:
        client = Client(sb.url)
        # Baseline: the same number of tiny requests (handshake and HTTP overhead only).
        tiny, _ = timed(lambda: [client.post(b"{}") for _ in sample])
        full, answers = timed(lambda: [client.post(b) for b in sample])
    accepted = sum(len(a.accepted or {}) for a in answers)
    print(f"sandbox: {len(sample)} requests of up to 500 calls in {full:.2f} s "
          f"({accepted:,} calls accepted), {full / tiny:.1f}x the same number of empty requests "
          f"({tiny:.2f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
