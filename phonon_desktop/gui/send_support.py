"""The words and tables behind sending from the window, kept apart from the widgets.

Nothing here draws: it turns submissions, batch results and journal rows into the sentences
the operator reads and the columns the results file gets.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

import numpy as np

from phonon_desktop.gui.dialogs.send_confirm import SendSummary, plural, start_words
from phonon_desktop.gui.status_style import LOOKS, canonical

RESULT_COLUMNS = ("Status", "Code", "Message", "Request ID", "Phonon UUID", "Client identifier", "Sent at")


def _day(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return f"{moment.day} {moment.strftime('%b')}"


def skipped_when(skipped: Sequence[Any]) -> str | None:
    """'26 Nov', or '24 Nov to 26 Nov' when earlier sends spread over days."""
    days = [d for d in (_day(getattr(s, "sent_at", None)) for s in skipped) if d]
    if not days:
        return None
    ordered = sorted(set(days), key=lambda d: datetime.strptime(d, "%d %b"))
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]} to {ordered[-1]}"


def send_summary(submission: Any, plan: Any, target: Any, flow_name: str, what: str = "") -> SendSummary:
    rows = np.concatenate(submission.batches) if submission.batches else np.zeros(0, dtype=np.int64)
    starts = getattr(plan, "start_times", None)
    first = last = None
    if starts is not None and rows.size:
        chosen = [s for s in np.asarray(starts, dtype=object)[rows].tolist() if s]
        if chosen:
            first, last = min(chosen), max(chosen)
    levels = np.asarray(getattr(plan, "levels", np.zeros(0)), dtype=np.int64)
    endpoint = {"bulk": "bulk endpoint"}.get(getattr(target, "endpoint", ""), "real-time endpoint")
    return SendSummary(
        calls=int(submission.total_calls),
        flow_name=flow_name,
        api_version=target.api_version,
        start=start_words(first, last_start=last),
        requests=len(submission.batches),
        error_rows=0 if what else int(np.count_nonzero(levels >= 2)),
        skipped=len(submission.skipped),
        skipped_when=skipped_when(submission.skipped),
        endpoint_words=endpoint,
        resubmitting=what,
        held=held_words(getattr(submission, "held", [])),
    )


def held_words(held: Sequence[Any]) -> str:
    """'12 rows rejected earlier and 3 unconfirmed rows are held back' (resubmitted only on request)."""
    counts = Counter(canonical(getattr(h, "status", "")) for h in held)
    parts = []
    if counts.get("rejected"):
        parts.append(f"{plural(counts['rejected'], 'row')} rejected earlier")
    unsure = counts.get("unconfirmed", 0) + counts.get("sending", 0)
    if unsure:
        parts.append(f"{plural(unsure, 'unconfirmed row')}")
    if not parts:
        return ""
    return " and ".join(parts) + " held back (resubmit them from the Campaign menu)"


def nothing_to_send_text(submission: Any, plan: Any) -> str:
    parts = []
    if submission.skipped:
        when = skipped_when(submission.skipped)
        parts.append(f"{plural(len(submission.skipped), 'row')} already accepted{' on ' + when if when else ''}")
    if held := held_words(getattr(submission, "held", [])):
        parts.append(held)
    errors = int(np.count_nonzero(np.asarray(getattr(plan, "levels", []), dtype=np.int64) >= 2))
    if errors:
        parts.append(f"{plural(errors, 'row')} with errors to fix first")
    return "Nothing to send" + (": " + "; ".join(parts) if parts else ": no row of the list can be sent yet") + "."


def run_end_banner(end: Any, stop: tuple[str, str | None] | None) -> tuple[str, str, str | None]:
    """(text, level, action) for the one banner shown when a send ends."""
    counts = end.counts
    if stop is not None:
        text, fixer = stop
        tail = f" Nothing more was sent: {plural(counts.get('not sent', 0), 'row')} not sent."
        return text + tail, "error", "preferences" if fixer == "settings" else None
    if end.error:
        return end.error, "error", None
    accepted = counts.get("accepted", 0)
    rejected = counts.get("rejected", 0)
    unconfirmed = counts.get("unconfirmed", 0)
    if end.cancelled:
        return (
            f"Sending cancelled: {plural(accepted, 'call')} accepted, {plural(counts.get('not sent', 0), 'row')} "
            "not sent. Press Send to continue; rows already accepted are skipped.",
            "info",
            None,
        )
    parts = [f"{plural(accepted, 'call')} accepted"] if accepted or not (rejected or unconfirmed) else []
    if rejected:
        parts.append(f"{rejected:,} rejected")
    if unconfirmed:
        parts.append(f"{unconfirmed:,} unconfirmed")
    text = "Sent: " + ", ".join(parts) + "."
    if rejected:
        text += " Each rejected row says why in its status tooltip: fix it, select it and choose Resubmit."
    if unconfirmed:
        text += " Unconfirmed rows may have reached Phonon: check the console before sending them again."
    if rejected:
        return text, "warning", "rejected"
    return text, ("warning" if unconfirmed else "info"), None


# ----- reopening a list from the journal ----------------------------------------------------------


def journal_states(journal: Any, fingerprint: str) -> tuple[list[Any], dict[int, Any]]:
    """The campaigns of this sheet content (newest first) and each row's latest state."""
    campaigns = journal.campaigns_for_sheet(fingerprint)
    weight = {"accepted": 3, "unconfirmed": 2, "sending": 2, "rejected": 1, "not sent": 1, "not_sent": 1}
    states: dict[int, Any] = {}
    for campaign in reversed(campaigns):  # oldest first, so later outcomes replace earlier ones
        for state in journal.row_states(campaign.campaign_id).values():
            old = states.get(state.row)
            new_w = weight.get(str(getattr(state.status, "value", state.status)), 0)
            old_w = weight.get(str(getattr(old.status, "value", old.status)), 0) if old is not None else -1
            # An accepted row stays accepted; otherwise the later word wins.
            if old is None or not (old_w == 3 and new_w < 3):
                states[state.row] = state
    return campaigns, states


def state_tooltip(state: Any) -> str:
    from phonon_desktop.gui.workers.send_worker import row_tooltip

    word = display_status(state.status)
    return row_tooltip(word, state.message, state.code, state.request_id, state.phonon_uuid, state.client_id, state.sent_at)


def display_status(status: Any) -> str:
    word = str(getattr(status, "value", status))
    # After a restart nothing is in flight: a row the journal left "sending" is unconfirmed.
    return "unconfirmed" if word == "sending" else word


def states_for_table(states: dict[int, Any], row_count: int) -> tuple[np.ndarray, np.ndarray, list[str], dict[int, str]]:
    rows = np.asarray(sorted(r for r in states if 0 <= r < row_count), dtype=np.int64)
    statuses = np.asarray([display_status(states[r].status) for r in rows.tolist()], dtype=object)
    tips = [state_tooltip(states[r]) for r in rows.tolist()]
    ids = {r: states[r].request_id for r in rows.tolist() if states[r].request_id and display_status(states[r].status) == "unconfirmed"}
    return rows, statuses, tips, ids


def reopen_banner(campaigns: Sequence[Any], statuses: np.ndarray, waiting: int | None) -> tuple[str, str]:
    counts = Counter(statuses.tolist())
    last = campaigns[0] if campaigns else None
    when = _day(getattr(last, "last_sent_at", None) or getattr(last, "created_at", None)) if last else None
    parts = [f"{counts.get('accepted', 0):,} accepted"]
    for key in ("rejected", "unconfirmed", "not sent"):
        if counts.get(key):
            parts.append(f"{counts[key]:,} {key}")
    text = f"This list was sent before{' (last on ' + when + ')' if when else ''}: " + ", ".join(parts) + "."
    if counts.get("unconfirmed"):
        text += " Check unconfirmed rows in the Phonon console before sending them again."
    return text, "warning" if counts.get("unconfirmed") else "info"


def history_campaigns(journal: Any, fingerprints: Iterable[str], campaign_ids: set[int]) -> list[Any]:
    seen: dict[int, Any] = {}
    for fp in fingerprints:
        for campaign in journal.campaigns_for_sheet(fp):
            seen[campaign.campaign_id] = campaign
    return sorted(seen.values(), key=lambda c: c.campaign_id, reverse=True)


# ----- results file ---------------------------------------------------------------------------


class RowResults:
    """What the journal said about each row in this session, column by column (for Export)."""

    FIELDS = ("code", "message", "request_id", "phonon_uuid", "client_id", "sent_at")

    def __init__(self, row_count: int) -> None:
        self.columns = {name: np.full(row_count, "", dtype=object) for name in self.FIELDS}

    def __len__(self) -> int:
        return len(self.columns["code"])

    def update(self, rows: np.ndarray, **values: Sequence[Any] | Any) -> None:
        for name, value in values.items():
            column = self.columns[name]
            if isinstance(value, (list, tuple, np.ndarray)):
                column[rows] = np.asarray(["" if v is None else str(v) for v in value], dtype=object)
            else:
                column[rows] = "" if value is None else str(value)

    def update_from_states(self, states: dict[int, Any]) -> None:
        for row, s in states.items():
            if 0 <= row < len(self):
                for name, value in (("code", s.code), ("message", s.message), ("request_id", s.request_id),
                                    ("phonon_uuid", s.phonon_uuid), ("client_id", s.client_id), ("sent_at", s.sent_at)):
                    self.columns[name][row] = "" if value is None else str(value)


def results_columns(statuses: np.ndarray, results: RowResults, plan: Any = None) -> tuple[dict[str, list[str]], list[str | None]]:
    """The status columns appended to the operator's rows, and a fill colour per row (as in the table)."""
    words = {key: look.text for key, look in LOOKS.items()}
    keys = [canonical(s) for s in statuses.tolist()]
    ids = results.columns["client_id"].copy()
    if plan is not None:
        planned = np.asarray(getattr(plan, "client_ids", np.zeros(0)), dtype=object)
        if len(planned) == len(ids):
            ids = np.where(ids == "", planned, ids)
    extra = {
        "Status": [words.get(k, k.replace("_", " ").capitalize()) for k in keys],
        "Code": results.columns["code"].tolist(),
        "Message": results.columns["message"].tolist(),
        "Request ID": results.columns["request_id"].tolist(),
        "Phonon UUID": results.columns["phonon_uuid"].tolist(),
        "Client identifier": [str(v) for v in ids.tolist()],
        "Sent at": results.columns["sent_at"].tolist(),
    }
    colours = [LOOKS[k].light if k in LOOKS and k not in ("ready",) else None for k in keys]
    return extra, colours


def write_results_file(sheet: Any, extra: dict[str, list[str]], colours: list[str | None], path: str) -> str:
    from phonon_desktop.sheets.writer import write_results

    write_results(sheet, path, extra, row_colours=colours)
    return path


# ----- test call ------------------------------------------------------------------------------


@dataclasses.dataclass
class _TestCallMapping:
    base: Any
    number: str

    def to_json(self) -> dict:
        inner = self.base.to_json() if callable(getattr(self.base, "to_json", None)) else repr(self.base)
        return {"test_call_to": self.number, "mapping": inner}


class TestCallPlan:
    """One row of a plan, sent to the operator's own number, starting now, under its own id."""

    __test__ = False

    def __init__(self, plan: Any, row: int, number: str, zone: str, now: datetime | None = None) -> None:
        self.plan = plan
        self.sheet = plan.sheet
        self.row = row
        self.mapping = _TestCallMapping(getattr(plan, "mapping", None), number)
        self.number = number
        moment = (now or datetime.now(ZoneInfo(zone))).astimezone(ZoneInfo(zone)) + timedelta(seconds=30)
        self.start_time = moment.replace(microsecond=0).isoformat()
        self.stamp = moment.strftime("%Y%m%d%H%M%S")

    def sendable_rows(self) -> np.ndarray:
        return np.asarray([self.row], dtype=np.int64)

    def call(self, row: int) -> Any:
        call = self.plan.call(row)
        return dataclasses.replace(
            call,
            client_identifier=f"{call.client_identifier}-test-{self.stamp}",
            start_time=self.start_time,
            contact_numbers=(self.number,),
        )


def test_call_text(result: Any) -> str:
    if result is None:
        return "The test call was not sent."
    status = str(getattr(result.statuses[0], "value", result.statuses[0])) if result.statuses else ""
    number = ""
    if status == "accepted":
        return (
            f"Test call accepted: your phone should ring in about a minute. Request id "
            f"{result.request_id or 'not given'}{'; phonon uuid ' + result.phonon_uuids[0] if result.phonon_uuids and result.phonon_uuids[0] else ''}."
        )
    message = result.stop or (result.messages[0] if result.messages else "")
    return f"Test call {status or 'not sent'}{number}: {message}"


def test_call_level(result: Any) -> str:
    if result is None or not result.statuses:
        return "error"
    return "info" if str(getattr(result.statuses[0], "value", result.statuses[0])) == "accepted" else "error"
