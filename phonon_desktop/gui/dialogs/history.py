"""History: the campaigns already sent from this list, with their counts and request ids."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop.gui.status_style import canonical, status_style
from phonon_desktop.gui import sizes

COUNT_COLUMNS = ("accepted", "rejected", "unconfirmed", "not_sent")
HEADERS = ["When", "Flow", "Version", "Accepted", "Rejected", "Unconfirmed", "Not sent", "Requests"]


def when_words(iso: str | None) -> str:
    """'26 Nov 2026 14:05' from the journal's ISO time (shown in the time it was written)."""
    if not iso:
        return "—"
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y %H:%M").lstrip("0")
    except ValueError:
        return iso


def summary_counts(counts: dict[str, int]) -> dict[str, int]:
    out = dict.fromkeys(COUNT_COLUMNS, 0)
    for status, n in counts.items():
        key = canonical(status)
        out[key] = out.get(key, 0) + n
    return out


class HistoryDialog(QDialog):
    """Lists ``CampaignSummary`` objects (newest first); request ids can be copied for the console."""

    def __init__(
        self,
        campaigns: Sequence[object],
        flow_name: Callable[[str], str] | None = None,
        list_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History of {list_name}" if list_name else "History")
        self.campaigns = list(campaigns)
        name_of = flow_name or (lambda flow_id: flow_id)

        intro = QLabel(
            "Campaigns already sent from this list. Look up a request id in the Phonon console "
            "to see how its calls went."
            if self.campaigns
            else "Nothing has been sent from this list yet."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.campaigns), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for row, campaign in enumerate(self.campaigns):
            counts = summary_counts(getattr(campaign, "counts", {}) or {})
            flow_id = getattr(campaign, "flow_id", "")
            version = getattr(campaign, "api_version", "")
            cells = [
                when_words(getattr(campaign, "last_sent_at", None) or getattr(campaign, "created_at", None)),
                f"{name_of(flow_id)} ({flow_id})" if name_of(flow_id) != flow_id else flow_id,
                "production" if version == "1.0" else ("testing version" if version == "TEST" else version),
                *[f"{counts[k]:,}" for k in COUNT_COLUMNS],
                f"{len(getattr(campaign, 'request_ids', []) or []):,}",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 3 <= col <= 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    colour, icon, _ = status_style(COUNT_COLUMNS[col - 3])
                    if counts[COUNT_COLUMNS[col - 3]]:
                        item.setIcon(icon)
                self.table.setItem(row, col, item)

        self.request_ids = QPlainTextEdit()
        self.request_ids.setReadOnly(True)
        self.request_ids.setPlaceholderText("Choose a campaign to see its request ids.")
        self.request_ids.setMaximumHeight(sizes.lines(self.request_ids, 5, 1))
        self.table.itemSelectionChanged.connect(self._show_requests)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Request ids of the chosen campaign:"))
        layout.addWidget(self.request_ids)
        layout.addWidget(buttons)
        self.resize(sizes.chars(self, 110), sizes.lines(self, 22))
        if self.campaigns:
            self.table.selectRow(0)

    def _show_requests(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if not rows:
            self.request_ids.clear()
            return
        ids = getattr(self.campaigns[min(rows)], "request_ids", []) or []
        self.request_ids.setPlainText("\n".join(ids) if ids else "No request of this campaign got a request id.")
