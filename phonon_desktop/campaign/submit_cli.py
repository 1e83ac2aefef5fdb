"""`phonon-desktop submit`: check a contact list against a mapping, show or send its calls.

This module reads the command, the sheet and the mapping, plans the calls and, with
``--dry-run``, reports everything that would be sent without sending. The sending itself
lives in ``campaign.send``. Exit codes: 0 every row sendable (or sent), 1 some rows not
sendable (or not accepted), 2 a bad command, an unreadable sheet or mapping: nothing sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from phonon_desktop.campaign.mapping import Mapping, MappingError, propose_mapping
from phonon_desktop.campaign.plan import Level, Plan, batches_for, plan_campaign
from phonon_desktop.campaign.times import CallingHours, parse_calling_hours
from phonon_desktop.kairos.protocol import API_VERSIONS, REALTIME_URL, CallTooLarge
from phonon_desktop.sheets.model import SheetError

EXIT_OK, EXIT_NOT_ALL_SENDABLE, EXIT_BAD_INPUT = 0, 1, 2
PROBLEMS_SHOWN = 20
BATCHES_SHOWN = 12
FLOW_ID_LENGTH = 8


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="phonon-desktop submit",
        description="Check a contact list against a mapping and send its calls to a Phonon flow "
        "(or, with --dry-run, show exactly what would be sent). The security id is read from the "
        "environment variable PHONON_SECURITY_ID or from the system keyring; it is never printed.",
        epilog="Exit codes: 0 every row sendable/sent, 1 some rows not sendable or not accepted, "
        "2 bad command, unreadable sheet or mapping (nothing sent).",
    )
    p.add_argument("sheet_path", metavar="SHEET", help="the contact list (.xlsx, .xlsm, .xls, .ods, .csv)")
    p.add_argument("--mapping", metavar="MAPPING.json", help="the mapping file saved by the window (without it, one is proposed and printed)")
    p.add_argument("--flow-id", required=True, metavar="ID", help="the flow id (8 letters and digits, from the flow's Edit Flow page)")
    p.add_argument("--endpoint", metavar="URL", default=REALTIME_URL, help=f"the API address (default: {REALTIME_URL})")
    p.add_argument("--api-version", choices=API_VERSIONS, default="1.0", help="1.0 calls the flow's production version, TEST its testing version")
    p.add_argument("--rate", type=_positive_int, metavar="CALLS_PER_MINUTE", help="client-side limit (default: the endpoint's documented limit; none for the sandbox)")
    p.add_argument("--journal", metavar="DB", help="the journal file that remembers every request (default: the one the window uses)")
    p.add_argument("--results", metavar="OUT.xlsx", help="write every row with its problems (and answers, when sending) to this workbook")
    p.add_argument("--dry-run", action="store_true", help="check and show the batches, send nothing")
    p.add_argument("--resubmit-failed", action="store_true", help="send again the rows the API refused earlier")
    p.add_argument("--resubmit-unconfirmed", action="store_true", help="send again the rows whose earlier request has no known answer (they may already have been called)")
    p.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: the mapping's, else the first one with a table)")
    p.add_argument("--header-row", type=_positive_int, metavar="N", help="the row number of the headers (default: the mapping's, else detected)")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="day_first", action="store_const", const=True, default=None, help="read dates like 01/12/2026 as 1 December")
    order.add_argument("--month-first", dest="day_first", action="store_const", const=False, help="read dates like 01/12/2026 as 12 January")
    p.add_argument("--allow-duplicates", action="store_true", help="allow the same number on several rows (each row is called)")
    p.add_argument("--allow-other-countries", action="store_true", help="allow numbers of other countries than the mapping's")
    p.add_argument("--calling-hours", type=_calling_hours, default=CallingHours(origin="--calling-hours"), metavar="FROM-TO",
                   help="warn about calls that start outside these hours where the customer is, like 10:00-19:00 "
                   "(default 09:00-21:00); Indian numbers are always kept to 09:00-21:00 India time as well")
    return p


def _calling_hours(text: str) -> CallingHours:
    try:
        return parse_calling_hours(text, origin="--calling-hours")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be 1 or more")
    return value


def _say(out: TextIO, text: str = "") -> None:
    print(text, file=out)


def main(argv: list[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    stage = _Stage()
    try:
        return _main(argv, out, err, stage)
    except KeyboardInterrupt:
        _say(err, "Stopped.")
        return EXIT_BAD_INPUT
    except Exception as exc:
        if stage.sending:  # the sending side keeps its own account of what went out
            raise
        _say(err, f"Phonon Desktop met a problem it did not expect while checking the list "
                  f"({exc.__class__.__name__}: {exc}). Nothing was sent. Please report it with the list and the mapping.")
        return EXIT_BAD_INPUT


class _Stage:
    sending = False


def _main(argv: list[str] | None, out: TextIO, err: TextIO, stage: _Stage) -> int:
    for stream in (out, err):
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):  # a Windows console that cannot show Devanagari shows '?' instead of failing
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse has printed the usage and the reason
        return int(exc.code or 0)

    if not (args.flow_id.isascii() and args.flow_id.isalnum()):
        _say(err, f"The flow id '{args.flow_id}' is not valid: it is 8 letters and digits, copied from the flow's Edit Flow page.")
        return EXIT_BAD_INPUT

    mapping: Mapping | None = None
    if args.mapping:
        try:
            mapping = Mapping.load(args.mapping)
        except MappingError as exc:
            _say(err, exc.message)
            return EXIT_BAD_INPUT
        if args.allow_duplicates:
            mapping.allow_duplicates = True
        if args.allow_other_countries:
            mapping.allow_other_countries = True

    sheet_name = args.sheet or (mapping.sheet if mapping else None)
    header_row = args.header_row or (mapping.header_row if mapping else None)
    try:
        from phonon_desktop.sheets.reader import read_workbook

        sheet = read_workbook(args.sheet_path, sheet=sheet_name, header_row=header_row)
    except SheetError as exc:
        _say(err, exc.message)
        return EXIT_BAD_INPUT
    except OSError as exc:  # anything the reader did not put in words
        _say(err, f"The contact list '{args.sheet_path}' cannot be read ({exc.strerror or exc.__class__.__name__}). Check the name and close it in Excel.")
        return EXIT_BAD_INPUT

    except KeyboardInterrupt:
        _say(err, "Stopped while reading the list. Nothing was sent.")
        return EXIT_BAD_INPUT

    if mapping is None:
        return _propose(sheet, out, err)

    try:
        plan = plan_campaign(sheet, mapping, day_first=args.day_first, calling_hours=args.calling_hours)
    except MappingError as exc:
        _say(err, f"The mapping '{args.mapping}' does not fit sheet '{sheet.name}' of '{Path(args.sheet_path).name}'. {exc.message}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say(err, "Stopped while checking the list. Nothing was sent.")
        return EXIT_BAD_INPUT

    if args.dry_run:
        return dry_run(plan, args, out, err)
    try:
        from phonon_desktop.campaign.send import run_submit_cli
    except ImportError:
        _say(err, "Sending is not available in this build. Use --dry-run to check the list.")
        return EXIT_BAD_INPUT
    stage.sending = True
    return run_submit_cli(args, plan)


def _propose(sheet, out: TextIO, err: TextIO) -> int:
    proposal = propose_mapping(sheet.headers, sheet)
    _say(err, "No mapping was given (--mapping MAPPING.json). Nothing was sent.")
    if proposal.mapping is None:
        for question in proposal.questions:
            _say(err, question)
        _say(err, f"The columns of sheet '{sheet.name}' are: {', '.join(sheet.headers)}.")
        return EXIT_BAD_INPUT
    _say(err, "A mapping proposed from the headers follows: save it to a file, check it, and run again with --mapping.")
    for question in proposal.questions:
        _say(err, f"  To decide: {question}")
    _say(out, json.dumps(proposal.mapping.to_json(), ensure_ascii=False, indent=2))
    return EXIT_BAD_INPUT


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _hours_line(plan: Plan) -> str:
    hours = getattr(plan, "calling_hours", None) or CallingHours()
    if hours.is_legal_only():
        return f"Calling hours: {hours.text()} where the customer is (Indian numbers: 09:00–21:00 India time, the law)."
    return (f"Calling hours: {hours.text()} where the customer is; Indian numbers also within 09:00–21:00 "
            "India time (the law).")


def describe_plan(plan: Plan) -> list[str]:
    """The plain-language header of a dry run: the list, the mapping, the counts."""
    sheet, m = plan.sheet, plan.mapping
    lines = [
        f"Contact list: {Path(sheet.path).name}, sheet '{sheet.name}', headers on row {sheet.header_row}, {_count(sheet.row_count, 'row')}.",
        f"Numbers: {', '.join(m.contact_numbers)} (main number first).",
        f"Identifier: {m.client_identifier if m.client_identifier else 'made from each row (no column chosen)'}.",
        f"Start: {m.start_time.describe()} ({m.timezone}).",
        _hours_line(plan),
    ]
    if m.keys:
        lines.append("Flow variables: " + ", ".join(f"{name} <- {column}" for name, column in m.keys.items()) + ".")
    counts = plan.counts()
    lines.append(
        f"Rows: {counts['ready']:,} ready, {counts['warnings']:,} with warnings (will be sent), "
        f"{counts['errors']:,} with errors (will not be sent)."
    )
    return lines


def dry_run(plan: Plan, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    for line in describe_plan(plan):
        _say(out, line)
    for note in plan.sheet.notes:
        _say(out, f"Note: {note}")
    if len(args.flow_id) != FLOW_ID_LENGTH:
        _say(out, f"Note: flow ids are {FLOW_ID_LENGTH} letters and digits; '{args.flow_id}' has {len(args.flow_id)}. "
                  "Check it on the flow's Edit Flow page.")
    rows = plan.sendable_rows()
    try:
        batches = batches_for(plan, rows, api_version=args.api_version, flow_id=args.flow_id)
    except CallTooLarge as exc:  # only when a row slipped past the size check
        _say(err, str(exc))
        return EXIT_BAD_INPUT
    if len(rows):
        from phonon_desktop.kairos.protocol import envelope

        head, tail = envelope(args.api_version, "x" * 64, args.flow_id)
        _say(out, f"Would send {_count(len(rows), 'call')} in {_count(len(batches), 'request')} to flow {args.flow_id} "
                  f"(api-version {args.api_version}) at {args.endpoint}:")
        shown = batches if len(batches) <= BATCHES_SHOWN else batches[: BATCHES_SHOWN - 1]
        sizes = _batch_bytes(plan, batches, len(head) + len(tail))
        for i, batch in enumerate(shown):
            _say(out, f"  request {i + 1}: {_count(len(batch), 'call')}, {sizes[i]:,} bytes, rows {_row_span(plan, batch)}")
        if len(batches) > len(shown):
            _say(out, f"  ... {len(batches) - len(shown) - 1:,} more requests ...")
            _say(out, f"  request {len(batches)}: {_count(len(batches[-1]), 'call')}, {sizes[-1]:,} bytes, rows {_row_span(plan, batches[-1])}")
    else:
        _say(out, "No row can be sent.")

    problems = plan.all_problems()
    total = int((plan.levels > Level.OK).sum())
    first = [p for _, p in zip(range(PROBLEMS_SHOWN), problems)]
    if first:
        _say(out, f"Problems (first {len(first)}, on {_count(total, 'row')} in all):")
        for problem in first:
            label = "error" if problem.level == Level.ERROR else "warning"
            _say(out, f"  [{label}] {problem.message}")
    for question in plan.questions:
        flag = " Run again with --day-first or --month-first." if "day first" in question else ""
        _say(out, f"To decide: {question}{flag}")

    if args.results:
        code = _write_results(plan, args.results, out, err)
        if code:
            return code
    _say(out, "Nothing was sent (dry run).")
    return EXIT_OK if plan.counts()["errors"] == 0 else EXIT_NOT_ALL_SENDABLE


def _batch_bytes(plan: Plan, batches, envelope_bytes: int) -> list[int]:
    # Exact body size: envelope + calls + the commas between them. Only the shown ones are
    # needed, but the first and last are enough for the summary of a very long campaign.
    wanted = set(range(min(len(batches), BATCHES_SHOWN))) | {len(batches) - 1}
    sizes = [0] * len(batches)
    for i in wanted:
        batch = batches[i]
        sizes[i] = envelope_bytes + sum(len(plan.call(int(r)).encode()) for r in batch) + max(len(batch) - 1, 0)
    return sizes


def _row_span(plan: Plan, batch) -> str:
    first = int(plan.sheet.source_rows[int(batch[0])])
    last = int(plan.sheet.source_rows[int(batch[-1])])
    return f"{first}" if first == last else f"{first}-{last}"


ROW_COLOURS = {Level.OK: None, Level.WARNING: "#FFF2CC", Level.ERROR: "#F8D7DA"}


def result_columns(plan: Plan) -> dict[str, list[str]]:
    """Two columns added beside the sheet's own: each row's check and its problems in words."""
    words = {Level.OK: "Ready", Level.WARNING: "Warning", Level.ERROR: "Error"}
    check = [words[Level(int(v))] for v in plan.levels.tolist()]
    problems = [""] * plan.sheet.row_count
    for problem in plan.all_problems():
        row = problem.row
        problems[row] = f"{problems[row]}\n{problem.message}" if problems[row] else problem.message
    return {"Check": check, "Problems": problems}


def _write_results(plan: Plan, path: str, out: TextIO, err: TextIO) -> int:
    try:
        from phonon_desktop.sheets.writer import write_results
    except ImportError:
        _say(err, "Writing a results workbook is not available in this build; the problems are listed above.")
        return 0
    colours = [ROW_COLOURS[Level(int(v))] for v in plan.levels.tolist()]
    try:
        write_results(plan.sheet, path, result_columns(plan), row_colours=colours)
    except SheetError as exc:
        _say(err, exc.message)
        return EXIT_BAD_INPUT
    except PermissionError:
        _say(err, f"The results cannot be written to '{path}': the file is open in Excel or the folder is read-only. Close it and run again.")
        return EXIT_BAD_INPUT
    except OSError as exc:
        _say(err, f"The results cannot be written to '{path}' ({exc.strerror or exc.__class__.__name__}).")
        return EXIT_BAD_INPUT
    _say(out, f"Rows and their problems written to {os.fspath(path)}.")
    return 0
