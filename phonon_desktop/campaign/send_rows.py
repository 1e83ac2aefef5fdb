"""The rows a send may carry, as columns: identifiers, call signatures and exact call bytes.

A million-row send must not build a million ``Call`` objects. For a campaign ``Plan`` the
bytes come from ``Plan.encoded_call`` (the very bytes of ``call(row).encode()``) and the
signatures from the plan's number columns and the sheet's flow-variable cells, copied when
the send is prepared so that later edits change nothing. Any other plan-like object (the
test call, a wrapper) is asked for ``call(row)`` row by row, as it expects.
"""

from __future__ import annotations

import dataclasses
import json
from hashlib import blake2b
from typing import Any, Sequence

import numpy as np

from phonon_desktop.campaign.journal_records import call_signature
from phonon_desktop.campaign.plan import Plan
from phonon_desktop.kairos.protocol import Call

# The string encoder of json.dumps(ensure_ascii=False), which Call.encode uses.
_encode_text = json.encoder.encode_basestring  # type: ignore[attr-defined]
_ID_FIELD = b'{"client-identifier":'


def _is_campaign_plan(plan: Any) -> bool:
    """A campaign Plan whose calls are the plan's own (not overridden by a subclass)."""
    kind = type(plan)
    return isinstance(plan, Plan) and kind.call is Plan.call and kind.encoded_call is Plan.encoded_call


class SendRows:
    """Sheet rows (0-based) with their client identifiers, signatures and call bytes."""

    def __init__(self, rows: np.ndarray, base_ids: list[str]) -> None:
        self.rows = rows
        self.base_ids = base_ids
        self._plan: Plan | None = None
        self._calls: list[Call] | None = None
        self._signatures: list[str] | None = None
        self._numbers: list[str] = []
        self._key_prefixes: list[str] = []
        self._key_values: list[list[str]] = []

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, plan: Any, rows: np.ndarray) -> SendRows:
        """The given sendable rows of the plan, fixed as they are now."""
        rows = np.asarray(rows, dtype=np.int64)
        if not _is_campaign_plan(plan):
            calls = [plan.call(int(r)) for r in rows.tolist()]
            out = cls(rows, [c.client_identifier for c in calls])
            out._calls = calls
            out._signatures = [call_signature(c.contact_numbers, c.keys) for c in calls]
            return out
        out = cls(rows, list(map(str, plan.client_ids[rows].tolist())))
        out._plan = plan
        if len(plan.numbers) == 1:
            # One number column: the numbers of a row are its number, or none when empty.
            out._numbers = [n or "" for n in plan.numbers[0][rows].tolist()]
        else:
            out._numbers = ["\x1f".join(plan.contact_numbers(r)) for r in rows.tolist()]
        # call_signature sorts the (name, value) pairs; the names of a mapping are unique.
        data = plan.sheet.data
        for name, column in sorted(plan.mapping.keys.items()):
            # The flow variable values exactly as the plan puts them in calls: cell text,
            # "" for an empty cell.
            values = data[column].to_numpy(dtype=object, na_value="")[rows].tolist()
            out._key_prefixes.append(f"{name}\x1d")
            out._key_values.append([v if isinstance(v, str) else "" for v in values])
        return out

    # ---- signatures ---------------------------------------------------------------------

    def signatures(self, positions: Sequence[int] | None = None) -> list[str]:
        """``call_signature`` of the rows at these positions (all rows when None)."""
        if self._signatures is not None:
            return self._signatures if positions is None else [self._signatures[i] for i in positions]
        every = positions is None
        numbers = self._numbers if every else [self._numbers[i] for i in positions]
        if not self._key_values:
            texts = [n + "\x1e" for n in numbers]
        else:
            columns = [c if every else [c[i] for i in positions] for c in self._key_values]
            first = self._key_prefixes[0]
            texts = [n + "\x1e" + first + v for n, v in zip(numbers, columns[0])]
            for prefix, column in zip(self._key_prefixes[1:], columns[1:]):
                texts = [t + "\x1f" + prefix + v for t, v in zip(texts, column)]
        signatures = [blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
        if every:
            self._signatures = signatures
        return signatures

    # ---- bytes --------------------------------------------------------------------------

    def encoded(self, positions: Sequence[int] | None = None) -> list[bytes]:
        """The exact bytes of the calls at these positions (all when None), ids unchanged."""
        if self._calls is not None:
            calls = self._calls if positions is None else [self._calls[i] for i in positions]
            return [c.encode() for c in calls]
        assert self._plan is not None
        rows = self.rows.tolist()
        return list(map(self._plan.encoded_call, rows if positions is None else [rows[i] for i in positions]))

    def encoded_with_id(self, position: int, client_id: str) -> bytes:
        """The call at this position under another client identifier (a resubmission)."""
        if self._calls is not None:
            return dataclasses.replace(self._calls[position], client_identifier=client_id).encode()
        assert self._plan is not None
        row = int(self.rows[position])
        data = self._plan.encoded_call(row)
        # The identifier is the call's first field: swap its bytes, the rest stays as it is.
        old = _ID_FIELD + _encode_text(self.base_ids[position]).encode("utf-8") + b","
        if data.startswith(old):
            return _ID_FIELD + _encode_text(client_id).encode("utf-8") + b"," + data[len(old):]
        return dataclasses.replace(self._plan.call(row), client_identifier=client_id).encode()
