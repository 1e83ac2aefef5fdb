"""What became of every row after a send: the result columns and the summary in words.

One ``RowResult`` per data row of the sheet, whether it was sent now, skipped as sent
earlier, held back, left unsent or never sendable, so that a results file lists every row
the operator gave (nothing silently dropped).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from phonon_desktop.campaign.journal import RowStatus

RESULT_COLUMNS = ("Status", "Code", "Message", "Request ID", "Phonon UUID", "Client identifier", "Sent at")


def shown_time(iso: str) -> str:
    """A journal time as an operator reads it: this computer's clock, "27 Nov 2026 12:13"."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d %b %Y %H:%M")
    except ValueError:
        return iso


@dataclass(frozen=True)
class RowResult:
    status: RowStatus
    code: int | None = None
    message: str = ""
    request_id: str | None = None
    phonon_uuid: str | None = None
    client_id: str = ""
    sent_at: str | None = None


def _problems(plan: Any, row: int) -> str:
    problems_for = getattr(plan, "problems_for", None)
    if not callable(problems_for):
        return "This row has a problem in the sheet and was not sent."
    return "\n".join(p.message for p in problems_for(row)) or "This row has a problem in the sheet and was not sent."


def row_results(plan: Any, submission: Any) -> list[RowResult]:
    """One result per data row of the plan's sheet, in sheet order."""
    total = plan.sheet.row_count
    out: list[RowResult | None] = [None] * total
    for row, fields in submission.outcomes.items():
        out[row] = RowResult(**fields)
    for s in submission.skipped:
        when = f" on {shown_time(s.sent_at)}" if s.sent_at else ""
        request = f" (request {s.request_id})" if s.request_id else ""
        how = "" if s.matched_by == "client identifier" else f", matched by the {s.matched_by}"
        out[s.row] = RowResult(
            RowStatus.SKIPPED,
            message=f"Already accepted{when}{request}{how}: not sent again.",
            request_id=s.request_id,
            client_id=s.client_id,
            sent_at=s.sent_at,
        )
    for h in submission.held:
        advice = (
            "Not sent again: add --resubmit-failed (or use Resubmit) to send it again."
            if h.status is RowStatus.REJECTED
            else "Not sent again because it may already have been called: check the Phonon console, "
            "then resubmit exactly this row if it was not."
        )
        out[h.row] = RowResult(h.status, message=f"{h.message} {advice}".strip(), client_id=h.client_id, sent_at=h.sent_at)
    for row in submission.not_sent_rows:
        if out[row] is None:
            out[row] = RowResult(RowStatus.NOT_SENT, message="Not sent: sending stopped before this row's request.")
    for row in range(total):
        if out[row] is None:
            out[row] = RowResult(RowStatus.ERROR, message=_problems(plan, row))
    return out  # type: ignore[return-value]


def result_columns(results: Sequence[RowResult]) -> dict[str, list[str]]:
    """The seven result columns, as text, one value per row."""
    return {
        "Status": [r.status.label for r in results],
        "Code": ["" if r.code is None else str(r.code) for r in results],
        "Message": [r.message for r in results],
        "Request ID": [r.request_id or "" for r in results],
        "Phonon UUID": [r.phonon_uuid or "" for r in results],
        "Client identifier": [r.client_id for r in results],
        "Sent at": [r.sent_at or "" for r in results],
    }


def _reason(code: int | None) -> str:
    from phonon_desktop.kairos.statuses import STATUSES

    if code in STATUSES:
        return f"{STATUSES[code].message} (code {code})"  # type: ignore[index]
    return "no code given" if code is None else f"code {code}"


def _n(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def summary_lines(results: Sequence[RowResult], stops: Sequence[str] = ()) -> list[str]:
    """The operator's summary: accepted, rejected by reason, unconfirmed, not sent, skipped."""
    counts = Counter(r.status for r in results)
    lines = [f"Accepted: {_n(counts[RowStatus.ACCEPTED])}."]
    rejected = Counter(_reason(r.code) for r in results if r.status is RowStatus.REJECTED)
    if rejected:
        lines.append(f"Rejected: {_n(sum(rejected.values()))}:")
        lines += [f"  {reason}: {_n(n)}" for reason, n in rejected.most_common()]
    if counts[RowStatus.UNCONFIRMED]:
        lines.append(
            f"Unconfirmed: {_n(counts[RowStatus.UNCONFIRMED])} may have reached Phonon without a clear answer. "
            "Check the Phonon console; send them again only if they are not there (--resubmit-unconfirmed)."
        )
    if counts[RowStatus.NOT_SENT]:
        lines.append(f"Not sent: {_n(counts[RowStatus.NOT_SENT])} (nothing reached Phonon; run again to send them).")
    if counts[RowStatus.SKIPPED]:
        latest = max((r.sent_at or "" for r in results if r.status is RowStatus.SKIPPED), default="")
        when = f", last on {shown_time(latest)}" if latest else ""
        lines.append(f"Skipped as already sent: {_n(counts[RowStatus.SKIPPED])} (accepted earlier{when}).")
    if counts[RowStatus.ERROR]:
        lines.append(f"Not sendable (problems in the sheet): {_n(counts[RowStatus.ERROR])}.")
    for stop in dict.fromkeys(stops):
        lines.append(f"Sending stopped: {stop}")
    return lines


def every_row_accepted(results: Sequence[RowResult]) -> bool:
    """True only when every row was accepted, now or earlier."""
    return all(r.status in (RowStatus.ACCEPTED, RowStatus.SKIPPED) for r in results)
