"""What the window shows and offers at a glance: the page, the title, and the Send button.

``_update_enabled`` is the one place that decides what Send, Test call and Preview offer and
what the Send button says; everything that changes the plan, the statuses or the sending
state calls it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from phonon_desktop import APP_NAME
from phonon_desktop.gui import campaign_link, shortcuts

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QUndoStack
    from PySide6.QtWidgets import QComboBox, QSpinBox, QStackedWidget

    from phonon_desktop.gui.models.sheet_model import SheetTableModel
    from phonon_desktop.gui.views.filter_bar import FilterBar
    from phonon_desktop.gui.views.mapping_panel import MappingPanel
    from phonon_desktop.sheets.model import Sheet

PAGE_EMPTY, PAGE_LOADING, PAGE_TABLE = 0, 1, 2
# Shown statuses of rows that Send leaves alone: accepted (in this window or earlier), on their
# way, sent without an answer (held until checked), rejected (sent again only by Resubmit).
SEND_LEAVES = ("accepted", "skipped", "sending", "unconfirmed", "rejected")


def plural_calls(n: int, word: str = "call") -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def send_label(sendable: int, left: dict[str, int]) -> tuple[str, str]:
    """The Send button's words and tooltip: the calls a press would send now.

    ``left`` counts the sendable rows by the status that keeps Send from sending them again.
    """
    waiting = sendable - sum(left.values())
    if waiting == sendable:
        return f"Send {plural_calls(sendable)}", "Send the ready rows"
    reasons = []
    accepted = left.get("accepted", 0) + left.get("skipped", 0)
    if accepted:
        reasons.append(f"{accepted:,} accepted (never sent twice)")
    if left.get("sending"):
        reasons.append(f"{left['sending']:,} on their way")
    if left.get("unconfirmed"):
        reasons.append(f"{left['unconfirmed']:,} unconfirmed (check the Phonon console, then Send selected "
                       "unconfirmed rows again)")
    if left.get("rejected"):
        reasons.append(f"{left['rejected']:,} rejected (fix them, then Resubmit)")
    tip = "Rows left alone: " + "; ".join(reasons) + "."
    if waiting:
        return f"Send {plural_calls(waiting, 'remaining call')}", f"Send the {plural_calls(waiting, 'row')} not sent yet. " + tip
    if accepted == sendable:
        return "All sendable rows are accepted", tip
    return "Nothing left to send", tip


class WindowStateMixin:
    """The page shown, the title, the row counts and what Send/Test call/Preview offer."""

    _sheet: Sheet | None
    _plan: Any
    _path: str | None
    _sandbox: Any
    _sending_busy: bool
    _send_left: dict[str, int] | None
    actions: dict[str, QAction]
    pages: QStackedWidget
    sheet_choice: QComboBox
    header_row: QSpinBox
    undo_stack: QUndoStack
    table_model: SheetTableModel
    filter_bar: FilterBar
    mapping_panel: MappingPanel

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        loaded = page == PAGE_TABLE
        for name in ("save_copy", "reload", "find", "delete_rows", "preview", "save_mapping", "open_mapping",
                     "show_problems", "show_all"):
            if name in self.actions:
                self.actions[name].setEnabled(loaded)
        self.sheet_choice.setEnabled(loaded)
        self.header_row.setEnabled(loaded)

    def _update_title(self, *_: object) -> None:
        name = os.path.basename(self._path) if self._path else ""
        sandbox = "  [Sandbox]" if self._sandbox is not None else ""
        self.setWindowTitle(f"{name}[*] — {APP_NAME}{sandbox}" if name else f"{APP_NAME}{sandbox}")
        self.setWindowModified(not self.undo_stack.isClean())

    def _on_statuses_changed(self) -> None:
        self._send_left = None
        if not self._sending_busy:  # while sending, counted once when the run ends
            self._update_enabled()

    def _sendable_left_alone(self) -> dict[str, int]:
        """Sendable rows whose shown status keeps Send from sending them, by status (cached)."""
        if self._send_left is None:
            self._send_left = {}
            if self._plan is not None:
                shown = self.table_model.sent_statuses(np.asarray(self._plan.sendable_rows(), dtype=np.int64))
                for status in SEND_LEAVES:
                    n = int(np.count_nonzero(shown == status))
                    if n:
                        self._send_left[status] = n
        return self._send_left

    def _update_enabled(self, *_: object) -> None:
        """The one place that says what Send, Test call and Preview offer."""
        panel = self.mapping_panel
        sendable = campaign_link.sendable_count(self._plan) if self._plan is not None else 0
        busy = self._sending_busy
        if self._plan is None:
            panel.send_button.setText("Send")
            panel.send_button.setToolTip(f"Send the ready rows ({shortcuts.describe('send')})")
        elif not busy:  # while sending, the words stay as they were when Send was pressed
            text, tip = send_label(sendable, self._sendable_left_alone())
            panel.send_button.setText(text)
            panel.send_button.setToolTip(f"{tip} ({shortcuts.describe('send')})")
        # Send stays pressable when nothing is left: a press then says, in the banner, why
        # nothing was sent (already accepted, and when; rejected or unconfirmed rows held).
        panel.send_button.setEnabled(sendable > 0 and not busy)
        panel.test_call_button.setEnabled(sendable > 0 and not busy)
        panel.preview_button.setEnabled(sendable > 0)
        for name, on in (("send", sendable > 0 and not busy), ("test_call", sendable > 0 and not busy),
                         ("preview", sendable > 0)):
            if name in self.actions:
                self.actions[name].setEnabled(on)

    def _update_counts(self) -> None:
        self.filter_bar.set_counts(self.table_model.rowCount(), self._sheet.row_count if self._sheet else 0)
