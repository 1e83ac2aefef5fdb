"""Helpers for the Kairos tests: bodies built with the demo ids, a running sandbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from phonon_desktop.kairos.protocol import Call, build_body
from phonon_desktop.kairos.sandbox import DEMO_FLOW_ID, DEMO_SECURITY_ID, KOLKATA, Sandbox

TOMORROW = (datetime.now(KOLKATA) + timedelta(days=1)).strftime("%Y-%m-%dT10:30:00+05:30")


def make_call(cid: str, number: str = "918000123456", start: str = TOMORROW, **keys: str) -> Call:
    return Call(cid, start, (number,), tuple(keys.items()))


def body_of(calls: list[Call], security_id: str = DEMO_SECURITY_ID, flow_id: str = DEMO_FLOW_ID,
            api_version: str = "1.0") -> bytes:
    return build_body(api_version, security_id, flow_id, [c.encode() for c in calls])


@pytest.fixture
def sandbox():
    with Sandbox() as server:
        yield server


@pytest.fixture
def bulk_sandbox():
    with Sandbox("bulk") as server:
        yield server
