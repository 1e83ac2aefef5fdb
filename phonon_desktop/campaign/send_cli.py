"""`phonon-desktop submit` without --dry-run: send, print progress and a summary, write results.

Exit codes: 0 every row accepted (now or earlier); 1 some rows not accepted (rejected,
unconfirmed, not sent, or not sendable); 2 nothing could be attempted (no security id,
journal unusable, another send running, bad address).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from phonon_desktop import APP_NAME
from phonon_desktop.campaign.journal import Journal, JournalError
from phonon_desktop.campaign.results import every_row_accepted, result_columns, row_results, summary_lines
from phonon_desktop.campaign.send import FlowTarget, Submission, SubmissionLocked

EXIT_OK, EXIT_NOT_ALL_ACCEPTED, EXIT_NOTHING_SENT = 0, 1, 2
SECRET_VARIABLE = "PHONON_SECURITY_ID"
log = logging.getLogger(__name__)


def security_id_for(flow_id: str) -> str | None:
    """From PHONON_SECURITY_ID, else from the keyring entry the window saves for the flow."""
    secret = os.environ.get(SECRET_VARIABLE, "").strip()
    if secret:
        return secret
    try:
        import keyring

        return keyring.get_password(APP_NAME, flow_id) or None
    except Exception as exc:  # no backend, locked store, D-Bus gone: "not stored"
        log.info("keyring unavailable (%s)", type(exc).__name__)
        return None


class _CtrlC:
    """First Ctrl+C: finish the request in flight, then stop. Second: stop at once."""

    def __init__(self, cancel: threading.Event, err: TextIO) -> None:
        self.cancel, self.err, self.previous = cancel, err, None

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self.cancel.is_set():
            raise KeyboardInterrupt
        self.cancel.set()
        print("Stopping after the request in flight returns (Ctrl+C again to stop at once).", file=self.err)

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def run_submit_cli(args: argparse.Namespace, plan: Any, *, out: TextIO | None = None, err: TextIO | None = None,
                   client: Any = None, limiter: Any = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from phonon_desktop.kairos.client import Client, EndpointRefused, endpoint_for_url, is_loopback
    from phonon_desktop.kairos.ratelimit import DEFAULT_LIMITS, RateLimiter, RateLimitTooSmall

    secret = security_id_for(args.flow_id)
    if not secret:
        print(
            f"No security id for flow {args.flow_id}. Save it in the window (Preferences), or set the "
            f"environment variable {SECRET_VARIABLE} for this command. Nothing was sent.",
            file=err,
        )
        return EXIT_NOTHING_SENT
    try:
        client = client or Client(args.endpoint)
    except EndpointRefused as exc:
        print(exc.message + " Nothing was sent.", file=err)
        return EXIT_NOTHING_SENT
    kind = getattr(client, "endpoint", None) or endpoint_for_url(args.endpoint)
    rate = getattr(args, "rate", None)
    if rate is None and not is_loopback(args.endpoint):
        rate = DEFAULT_LIMITS.get(kind)
    target = FlowTarget(args.flow_id, secret, args.endpoint, args.api_version, kind, rate)
    limiter = limiter or RateLimiter(rate)
    try:
        journal = Journal(getattr(args, "journal", None))
    except JournalError as exc:
        print(exc.message, file=err)
        return EXIT_NOTHING_SENT
    try:
        try:
            sub = Submission.prepare(
                plan, target, journal,
                resubmit_failed=bool(getattr(args, "resubmit_failed", False)),
                resubmit_unconfirmed=bool(getattr(args, "resubmit_unconfirmed", False)),
            )
        except (SubmissionLocked, JournalError) as exc:
            print(exc.message + " Nothing was sent.", file=err)
            return EXIT_NOTHING_SENT
        sheet_name = Path(plan.sheet.path).name
        print(
            f"Sending {sub.total_calls:,} calls from {sheet_name} in {len(sub.batches):,} request{'' if len(sub.batches) == 1 else 's'} to flow "
            f"{args.flow_id} (api-version {args.api_version}) at {args.endpoint}"
            + (f", at most {rate:,} calls a minute." if rate else "."),
            file=out,
        )
        if sub.skipped:
            print(f"{len(sub.skipped):,} rows were accepted earlier and are skipped.", file=out)
        if sub.held:
            print(f"{len(sub.held):,} rows rejected or unconfirmed earlier are held back (see the summary).", file=out)
        stops: list[str] = []
        cancel = threading.Event()
        try:
            with _CtrlC(cancel, err):
                for result in sub.run(client, limiter, cancel):
                    done = sum(1 for s in result.statuses if s.value == "accepted")
                    print(
                        f"Request {result.batch_index + 1} of {result.batch_count}: {done:,} of "
                        f"{len(result.rows):,} accepted"
                        + (f" (request id {result.request_id})" if result.request_id else "")
                        + f"; {result.accepted_so_far:,} accepted so far.",
                        file=out,
                    )
                    if result.stop:
                        stops.append(result.stop)
        except RateLimitTooSmall as exc:
            stops.append(exc.message)
        if cancel.is_set():
            stops.append("You stopped sending (Ctrl+C). Run the same command again to send the rest.")
        results = row_results(plan, sub)
        print("", file=out)
        for line in summary_lines(results, stops):
            print(line, file=out)
        code = EXIT_OK if every_row_accepted(results) else EXIT_NOT_ALL_ACCEPTED
        if getattr(args, "results", None):
            written = _write(plan, args.results, results, out, err)
            if written:
                code = max(code, EXIT_NOT_ALL_ACCEPTED)
        return code
    finally:
        journal.close()


def _write(plan: Any, path: str, results: list, out: TextIO, err: TextIO) -> int:
    from phonon_desktop.sheets.model import SheetError
    from phonon_desktop.sheets.writer import write_results

    columns = result_columns(results)
    try:
        write_results(plan.sheet, path, columns)
    except SheetError as exc:
        print(exc.message, file=err)
        return 1
    except PermissionError:
        print(
            f"The results cannot be written to '{path}': the file is open in Excel or the folder is read-only. "
            "Close it and run the same command again: already accepted rows will not be sent twice.",
            file=err,
        )
        return 1
    except OSError as exc:
        print(f"The results cannot be written to '{path}' ({exc.strerror or type(exc).__name__}).", file=err)
        return 1
    print(f"Results for every row written to {os.fspath(path)}.", file=out)
    return 0
