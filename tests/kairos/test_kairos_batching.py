"""Batches never exceed 500 calls or 256 KB of body, keep the order, and are as full as allowed."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon_desktop.kairos.protocol import (
    MAX_BODY_BYTES,
    MAX_CALLS_PER_REQUEST,
    Call,
    CallTooLarge,
    build_body,
    envelope,
    plan_batches,
)

from kairos_helpers import DEMO_FLOW_ID, DEMO_SECURITY_ID, TOMORROW

HINDI = "अभिनंदन शर्मा, बकाया राशि ₹१२,३४५ "  # Devanagari: 3 bytes a letter in UTF-8


def batches_of(calls: list[Call]) -> list[bytes]:
    encoded = [c.encode() for c in calls]
    head, tail = envelope("1.0", DEMO_SECURITY_ID, DEMO_FLOW_ID)
    ranges = plan_batches([len(e) for e in encoded], len(head) + len(tail))
    return [build_body("1.0", DEMO_SECURITY_ID, DEMO_FLOW_ID, encoded[r.start:r.stop]) for r in ranges]


def check(calls: list[Call]) -> list[list[dict]]:
    bodies = batches_of(calls)
    parsed = [json.loads(b) for b in bodies]
    sent = [c for p in parsed for c in p["calls"]]
    assert sent == [c.to_json() for c in calls]  # every call once, in order, unchanged
    for i, (body, request) in enumerate(zip(bodies, parsed)):
        assert len(body) <= MAX_BODY_BYTES
        assert 1 <= len(request["calls"]) <= MAX_CALLS_PER_REQUEST
        if i + 1 < len(bodies):  # as full as allowed: the next call would not have fitted
            nxt = json.dumps(parsed[i + 1]["calls"][0], ensure_ascii=False, separators=(",", ":"))
            assert (len(request["calls"]) == MAX_CALLS_PER_REQUEST
                    or len(body) + 1 + len(nxt.encode()) > MAX_BODY_BYTES)
    return [p["calls"] for p in parsed]


def call(i: int, name: str = "Abhi") -> Call:
    return Call(f"C{i:06d}", TOMORROW, ("918000123456", "918100123456"), (("Name", name),))


def test_1201_small_calls_make_three_requests_of_at_most_500():
    assert [len(b) for b in check([call(i) for i in range(1201)])] == [500, 500, 201]


def test_hindi_text_near_the_256_kb_edge_is_cut_by_bytes_not_letters():
    # About 2,000 bytes a call: some 127 calls fit, far below the 500 limit.
    calls = [call(i, HINDI * 40) for i in range(400)]
    sizes = [len(b) for b in batches_of(calls)]
    assert all(MAX_BODY_BYTES - 2_500 < s <= MAX_BODY_BYTES for s in sizes[:-1])
    per_batch = check(calls)
    assert len(per_batch) > 1 and all(len(b) < 500 for b in per_batch)
    # Non-ASCII stays as UTF-8 bytes, never \\u escapes.
    assert "अभिनंदन".encode() in batches_of(calls)[0] and b"\\u" not in batches_of(calls)[0]


def test_a_body_that_lands_exactly_on_the_limit_is_kept_whole():
    probe = batches_of([call(0, "x")])[0]
    single = len(probe) - 1  # a body with one call whose name is empty
    exact = call(0, "x" * (MAX_BODY_BYTES - single))
    bodies = batches_of([exact, call(1)])
    assert [len(b) for b in bodies][0] == MAX_BODY_BYTES and len(bodies) == 2


def test_a_single_call_larger_than_a_request_is_refused_with_its_row():
    huge = call(0, "x" * MAX_BODY_BYTES)
    with pytest.raises(CallTooLarge) as info:
        batches_of([call(1), call(2), huge])
    assert "Call number 3" in str(info.value) and info.value.index == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2_000), st.sampled_from(["a", "अ", "₹", "😀", "\""])),
                min_size=1, max_size=1_200))
def test_any_mix_of_sizes_and_scripts_respects_both_limits(spec):
    check([call(i, ch * n) for i, (n, ch) in enumerate(spec)])


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(1, 5_000), max_size=300),
       max_calls=st.integers(1, 50), max_body=st.integers(5_100, 40_000))
def test_plan_batches_alone_respects_any_limits(sizes, max_calls, max_body):
    env = 100
    ranges = plan_batches(sizes, env, max_calls=max_calls, max_body=max_body)
    assert [i for r in ranges for i in r] == list(range(len(sizes)))
    for r in ranges:
        body = env + sum(sizes[i] for i in r) + len(r) - 1
        assert len(r) <= max_calls and body <= max_body
