"""Rows cut into requests on their exact encoded sizes, and the first request shown to the operator."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from phonon_desktop.kairos.protocol import build_body, envelope, mask_secret, plan_batches

if TYPE_CHECKING:  # pragma: no cover
    from phonon_desktop.campaign.plan import Plan


def _sizes(plan: "Plan", rows: np.ndarray) -> list[int]:
    encode = plan.encoded_call
    return [len(encode(r)) for r in rows.tolist()]


def batches_for(plan: "Plan", rows: np.ndarray, *, api_version: str, flow_id: str, security_id_length: int = 64) -> list[np.ndarray]:
    """The rows cut into requests of at most 500 calls and 256 KB, on exact encoded sizes."""
    rows = np.asarray(rows, dtype=np.int64)
    head, tail = envelope(api_version, "x" * security_id_length, flow_id)
    ranges = plan_batches(_sizes(plan, rows), len(head) + len(tail))
    return [rows[r.start:r.stop] for r in ranges]


def preview_request(plan: "Plan", rows: np.ndarray, *, api_version: str, flow_id: str, security_id: str | None = None) -> str:
    """The first request that would be sent, as readable JSON, with the security id hidden."""
    rows = np.asarray(rows, dtype=np.int64)
    batches = batches_for(plan, rows, api_version=api_version, flow_id=flow_id)
    first = batches[0] if batches else rows[:0]
    body = build_body(api_version, mask_secret(security_id), flow_id, [plan.encoded_call(r) for r in first.tolist()])
    return json.dumps(json.loads(body), ensure_ascii=False, indent=2)
