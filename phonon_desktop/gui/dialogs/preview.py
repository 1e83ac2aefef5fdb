"""Preview: exactly what will be sent — the first request as JSON (security id hidden), the
number of requests and their sizes. Counting a million rows takes a moment, so it runs in the
background while the first request is already shown."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from phonon_desktop.gui.workers.task import LatestOnly
from phonon_desktop.kairos.protocol import MAX_BODY_BYTES, MAX_CALLS_PER_REQUEST, build_body, envelope
from phonon_desktop.gui import sizes

PLACEHOLDER_FLOW = "FLOWID00"  # the real flow id is chosen when sending; same length, same size

# (api_version, flow_id, security_id) of the flow the sending side would use; it may set this.
FlowChoice = Callable[[], tuple[str, str, str | None]]


def request_sizes(plan: Any, rows: np.ndarray, api_version: str, flow_id: str) -> list[tuple[int, int]]:
    """(calls, bytes) of each request the rows would make."""
    from phonon_desktop.campaign.plan import batches_for

    batches = batches_for(plan, rows, api_version=api_version, flow_id=flow_id)
    head, tail = envelope(api_version, "x" * 64, flow_id)
    out = []
    for batch in batches:
        encoded = [plan.call(int(r)).encode() for r in batch.tolist()]
        out.append((len(batch), len(build_body(api_version, "x" * 64, flow_id, encoded))))
    return out


def describe_sizes(sizes: list[tuple[int, int]]) -> str:
    if not sizes:
        return "No row is ready to send."
    calls = sum(c for c, _ in sizes)
    biggest = max(b for _, b in sizes)
    n = len(sizes)
    return (f"{calls:,} calls in {n:,} request{'s' if n != 1 else ''} "
            f"(at most {MAX_CALLS_PER_REQUEST} calls and {MAX_BODY_BYTES // 1000} KB each). "
            f"Largest request: {biggest / 1000:,.1f} KB; total {sum(b for _, b in sizes) / 1000:,.1f} KB.")


class PreviewDialog(QDialog):
    flow_choice: FlowChoice | None = None  # set by the sending side to preview with the chosen flow

    def __init__(self, plan: Any, sheet: Any, mapping: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preview of what will be sent")
        self.resize(sizes.chars(self, 104), sizes.lines(self, 32))
        api_version, flow_id, secret = (self.flow_choice or (lambda: ("1.0", PLACEHOLDER_FLOW, None)))()
        lay = QVBoxLayout(self)
        intro = QLabel(
            "The first request exactly as it will be sent. The security id is hidden"
            + ("" if self.flow_choice else "; the flow id is the one you choose when sending") + "."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.sizes_label = QLabel("Counting the requests…")
        self.sizes_label.setWordWrap(True)
        lay.addWidget(self.sizes_label)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setAccessibleName("First request")
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)
        rows = plan.sendable_rows()
        from phonon_desktop.campaign.plan import preview_request

        first = rows[:MAX_CALLS_PER_REQUEST]
        self.text.setPlainText(preview_request(plan, first, api_version=api_version, flow_id=flow_id,
                                               security_id=secret) if len(first) else "")
        self._task = LatestOnly(self)
        self._task.done.connect(lambda sizes: self.sizes_label.setText(describe_sizes(sizes)))
        self._task.failed.connect(self.sizes_label.setText)
        self._task.submit(lambda: request_sizes(plan, rows, api_version, flow_id))

    def done(self, result: int) -> None:
        self._task.discard()
        self._task.wait(60_000)
        super().done(result)
