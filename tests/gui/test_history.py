"""The History dialog: past campaigns of this list, with when, flow, counts and request ids."""

from __future__ import annotations

from dataclasses import dataclass, field

from phonon_desktop.gui.dialogs.history import HistoryDialog


@dataclass(frozen=True)
class Summary:  # the shape of campaign.journal.CampaignSummary
    campaign_id: int
    created_at: str
    last_sent_at: str | None
    flow_id: str
    endpoint: str
    api_version: str
    counts: dict[str, int]
    request_ids: list[str] = field(default_factory=list)


def test_history_lists_campaigns_with_counts_and_request_ids(qtbot):
    campaigns = [
        Summary(2, "2026-11-27T10:00:00+05:30", "2026-11-27T10:05:00+05:30", "AB12cd34", "realtime", "1.0",
                {"accepted": 980, "rejected": 12, "not sent": 8}, ["req-3", "req-4"]),
        Summary(1, "2026-11-26T09:00:00+05:30", None, "ZZ99yy88", "bulk", "TEST", {"unconfirmed": 500}, []),
    ]
    dialog = HistoryDialog(campaigns, flow_name={"AB12cd34": "Collections-Dec"}.get, list_name="december.xlsx")
    qtbot.addWidget(dialog)
    t = dialog.table
    row0 = [t.item(0, c).text() for c in range(t.columnCount())]
    assert row0 == ["27 Nov 2026 10:05", "Collections-Dec (AB12cd34)", "production", "980", "12", "0", "8", "2"]
    assert "req-3\nreq-4" == dialog.request_ids.toPlainText()
    t.selectRow(1)
    assert t.item(1, 2).text() == "testing version"
    assert t.item(1, 5).text() == "500"
    assert "no request" in dialog.request_ids.toPlainText().lower()


def test_history_of_a_list_never_sent_says_so(qtbot):
    dialog = HistoryDialog([], list_name="new.xlsx")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert dialog.windowTitle() == "History of new.xlsx"
