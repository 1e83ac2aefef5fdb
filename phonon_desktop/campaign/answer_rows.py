"""What one answer from Kairos means for each row of its request.

Kept beside the send loop: the loop decides whether to try again; this decides, once the
deciding answer is known, each row's status, code, message and Phonon UUID.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

from phonon_desktop.campaign.journal_records import RowStatus, SendEntry
from phonon_desktop.kairos.interpret import Answer, Delivery, Outcome


def rows_for_answer(
    answer: Answer, entries: Sequence[SendEntry]
) -> tuple[list[RowStatus], list[int | None], list[str], list[str | None]]:
    """(statuses, codes, messages, phonon uuids), one of each per row of the request."""
    n = len(entries)
    code, text = answer.code, answer.explanation
    o = answer.outcome
    if o is Outcome.ACCEPTED:
        got = answer.accepted or {}
        return [RowStatus.ACCEPTED] * n, [code] * n, [text] * n, [got.get(e.client_id) or None for e in entries]
    if o is Outcome.PARTIAL and answer.accepted is not None:
        statuses, messages, uuids = [], [], []
        # Identifiers Phonon names that are not in this request mean the pairing cannot be
        # trusted: the rows it does not name may have been placed too.
        strangers = set(answer.accepted) - {e.client_id for e in entries}
        for e in entries:
            if e.client_id in answer.accepted:
                statuses.append(RowStatus.ACCEPTED)
                messages.append("Phonon accepted this call (the rest of its request was partly refused).")
                uuids.append(answer.accepted[e.client_id] or None)
            elif strangers:
                statuses.append(RowStatus.UNCONFIRMED)
                messages.append(
                    "Phonon accepted part of this request but named calls this program did not send, so "
                    f"whether this one was accepted is unknown (request {answer.request_id or 'without id'}). "
                    "Check the Phonon console before sending it again."
                )
                uuids.append(None)
            else:
                statuses.append(RowStatus.REJECTED)
                messages.append(
                    "Phonon did not accept this call although it accepted others in the same request "
                    f"(request {answer.request_id or 'without id'}). Check the number and send it again."
                )
                uuids.append(None)
        return statuses, [code] * n, messages, uuids
    status = {
        Outcome.PARTIAL: RowStatus.UNCONFIRMED,
        Outcome.REJECTED: RowStatus.REJECTED,
        Outcome.REQUEST_INVALID: RowStatus.REJECTED,
        Outcome.ACCOUNT_STOP: RowStatus.NOT_SENT,
        Outcome.RETRY_LATER: RowStatus.NOT_SENT,
        Outcome.NOT_SENT: RowStatus.NOT_SENT,
        Outcome.REPEATED: RowStatus.UNCONFIRMED,
        Outcome.UNKNOWN: RowStatus.UNCONFIRMED,
    }[o]
    return [status] * n, [code] * n, [text] * n, [None] * n


def unconfirmed_answer(answer: Answer, first_sent_at: str) -> Answer:
    """The answer to show when a maybe-received request ended without a clear word."""
    if answer.outcome is Outcome.REPEATED:
        text = (
            f"Phonon received this request (first sent at {first_sent_at}) but its answer was lost; "
            "whether the calls were scheduled is unknown. Check Phonon's reports (console) before sending "
            "these rows again."
        )
    else:
        text = f"{answer.explanation} (Request sent at {first_sent_at}.)"
    return dataclasses.replace(answer, outcome=Outcome.UNKNOWN, delivery=Delivery.MAYBE_RECEIVED, explanation=text)
