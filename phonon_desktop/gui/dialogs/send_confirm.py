"""The questions asked before calls are placed: Send, resubmitting unconfirmed rows, a test call.

Each states plainly what will happen, in numbers the operator can check against the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop.gui import sizes

INDIA = timezone(timedelta(hours=5, minutes=30))


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def day_words(moment: datetime) -> str:
    """'1 Dec 10:30' (no leading zero on the day, as operators write it)."""
    return f"{moment.day} {moment.strftime('%b %H:%M')}"


def start_words(first_start: str | None, now: datetime | None = None, last_start: str | None = None) -> str:
    """'starting 1 Dec 10:30 India time' from the earliest start time to be sent."""
    if not first_start:
        return "starting now"
    try:
        first = datetime.fromisoformat(first_start)
    except ValueError:
        return f"starting {first_start}"
    now = now or datetime.now(timezone.utc)
    if first.tzinfo is not None and first <= now:
        return "starting now"
    offset = first.utcoffset()
    if offset == INDIA.utcoffset(None):
        zone = "India time"
    elif offset is None:
        zone = ""
    else:
        hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
        zone = f"UTC{'+' if offset >= timedelta(0) else '-'}{abs(hours):02d}:{minutes:02d}"
    text = f"starting {day_words(first)} {zone}".rstrip()
    if last_start and last_start != first_start:
        try:
            last = datetime.fromisoformat(last_start)
            text += f", the last at {day_words(last)}"
        except ValueError:
            pass
    return text


@dataclass(frozen=True)
class SendSummary:
    """What pressing Send will do, counted from the plan and the journal."""

    calls: int
    flow_name: str
    api_version: str  # "1.0" or "TEST"
    start: str  # from start_words()
    requests: int = 1
    error_rows: int = 0
    skipped: int = 0  # already accepted earlier: never sent again
    skipped_when: str | None = None  # "26 Nov"
    endpoint_words: str = ""
    resubmitting: str = ""  # "" for a first send; "rejected" or "unconfirmed" for a resubmission
    held: str = ""  # "12 rows rejected earlier held back (...)": earlier outcomes awaiting the operator


def confirmation_text(s: SendSummary) -> str:
    version = "production" if s.api_version == "1.0" else "testing version"
    again = {"rejected": " again (rows Phonon rejected before)", "unconfirmed": " again (unconfirmed rows)"}.get(
        s.resubmitting, ""
    )
    parts = [f"{plural(s.calls, 'call')}{again} on flow {s.flow_name} ({version}) {s.start}"]
    if s.error_rows:
        parts.append(f"{plural(s.error_rows, 'row')} with errors will not be sent")
    if s.skipped:
        when = f" on {s.skipped_when}" if s.skipped_when else " earlier"
        parts.append(f"{plural(s.skipped, 'row')} already accepted{when} {'is' if s.skipped == 1 else 'are'} skipped")
    if s.held:
        parts.append(s.held)
    return "; ".join(parts) + "."


class SendConfirmDialog(QDialog):
    """'1,180 calls on flow Collections-Dec (production) starting 1 Dec 10:30 India time; …'"""

    def __init__(self, summary: SendSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary
        self.setWindowTitle("Send calls?")
        self.text = QLabel(confirmation_text(summary))
        self.text.setWordWrap(True)
        self.text.setObjectName("send_summary")
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.text.setFont(font)
        detail = f"{plural(summary.requests, 'request')} to Phonon{', ' + summary.endpoint_words if summary.endpoint_words else ''}. "
        detail += "Real phones will ring. You can cancel while sending; the request in flight still completes."
        self.detail = QLabel(detail)
        self.detail.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.send_button = QPushButton(f"Send {plural(summary.calls, 'call')}")
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        dont = self.buttons.addButton("Don't send", QDialogButtonBox.ButtonRole.RejectRole)
        dont.setDefault(True)  # Enter pressed by habit must not place calls
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.detail)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(sizes.chars(self, 66))


class UnconfirmedResubmitDialog(QDialog):
    """The second, explicit confirmation before unconfirmed rows are sent again."""

    def __init__(self, rows: int, request_ids: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send unconfirmed rows again?")
        ids = ", ".join(request_ids[:5]) + (" …" if len(request_ids) > 5 else "")
        text = QLabel(
            f"{plural(rows, 'row')} may already have reached Phonon: the request left but no answer came back. "
            "Sending them again can call these people twice.\n\n"
            "Open the Phonon console first and check whether these calls were placed"
            + (f" (request ids: {ids})." if ids else ".")
        )
        text.setWordWrap(True)
        self.checked = QCheckBox("I checked the console: these calls were not placed. Send them again.")
        self.buttons = QDialogButtonBox()
        self.send_button = QPushButton(f"Send {plural(rows, 'row')} again")
        self.send_button.setEnabled(False)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton("Don't send", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.checked.toggled.connect(self.send_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.checked)
        layout.addWidget(self.buttons)


def own_phone_number(text: str) -> tuple[str | None, str | None]:
    """(number to dial as 91 + 10 digits, None) or (None, what to fix)."""
    digits = re.sub(r"[\s\-().]", "", text or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None, "Type the phone number with digits only, for example 98xxxxxxxx."
    if len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 10:
        digits = "91" + digits
    if len(digits) == 12 and digits.startswith("91") and digits[2] in "6789":
        return digits, None
    return None, "An Indian mobile number has 10 digits starting with 6, 7, 8 or 9 (the 91 in front is optional)."


class TestCallDialog(QDialog):
    """One row of the list, sent to the operator's own phone, to hear the flow with real values."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, first_row: int, row_count: int, flow_name: str, parent: QWidget | None = None,
                 file_rows: Sequence[int] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Test call")
        intro = QLabel(
            f"Phonon calls your phone with flow {flow_name}, using the values of one row of the list. "
            "The test call is recorded in the history like any call."
        )
        intro.setWordWrap(True)
        # Rows are chosen by the number shown in the table's "#" column (the file's row number).
        self._file_rows = list(file_rows) if file_rows is not None else list(range(1, row_count + 1))
        self._data_row = {n: i for i, n in enumerate(self._file_rows)}
        self.row_spin = QSpinBox()
        self.row_spin.setRange(min(self._file_rows, default=1), max(self._file_rows, default=1))
        if 0 <= first_row < len(self._file_rows):
            self.row_spin.setValue(self._file_rows[first_row])
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("your phone, for example 98765 43210")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Row of the list", self.row_spin)
        form.addRow("Call this number", self.number_edit)
        self.buttons = QDialogButtonBox()
        self.call_button = QPushButton("Call me")
        self.buttons.addButton(self.call_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def number(self) -> str | None:
        return own_phone_number(self.number_edit.text())[0]

    def row(self) -> int:
        """The chosen row as a 0-based data row index (-1: no such row in the list)."""
        return self._data_row.get(self.row_spin.value(), -1)

    def accept(self) -> None:
        number, problem = own_phone_number(self.number_edit.text())
        if self.row() < 0:
            problem = f"Row {self.row_spin.value()} is not in the list (it is the header or was left out); choose another."
        if problem:
            self.problem.setText(problem)
            return
        super().accept()
