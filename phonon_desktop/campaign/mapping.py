"""The operator's intent for a sheet: which columns are numbers, id, start time, flow variables.

Saved as a small JSON file so that the window and the command line share it, and offered
again when a sheet with the same headers comes back (``headers_signature``).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from phonon_desktop.campaign.propose import Proposal
    from phonon_desktop.sheets.model import Sheet

START_KINDS = ("now", "at", "column", "spread")
KEY_PREFIX = "$flow.key."
# A flow variable name: letters (any script, with its vowel signs), digits, underscore, dash.
_VARIABLE_NAME = re.compile(r"^[\w\u0900-\u0dff][\w\u0900-\u0dff\-]*$")


class MappingError(ValueError):
    """A mapping that cannot be used, with a sentence saying what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class StartTime:
    """When calls start: at once, at one time, from a column, or in waves from a time."""

    kind: str = "now"  # "now" | "at" | "column" | "spread"
    at: datetime | None = None  # timezone-aware, for "at" and "spread"
    column: str | None = None  # for "column"
    spread_calls: int | None = None  # calls per wave, for "spread"
    spread_every_minutes: int | None = None  # minutes between waves, for "spread"

    def __post_init__(self) -> None:
        if self.kind not in START_KINDS:
            raise MappingError(
                f"The start time '{self.kind}' is not known: use now, a time, a column or waves."
            )
        if self.kind in ("at", "spread"):
            if self.at is None:
                raise MappingError("The start time needs a date and time, for example 2026-12-01T10:30:00+05:30.")
            if self.at.tzinfo is None or self.at.utcoffset() is None:
                raise MappingError(
                    f"The start time {self.at.isoformat()} has no time zone offset: "
                    "write it with one, for example 2026-12-01T10:30:00+05:30."
                )
        if self.kind == "column" and not self.column:
            raise MappingError("The start time column is not named: choose the column that holds the times.")
        if self.kind == "spread":
            for label, value in (("calls per wave", self.spread_calls), ("minutes between waves", self.spread_every_minutes)):
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise MappingError(f"The waves need a whole number of {label} of at least 1 (got {value!r}).")

    @classmethod
    def now(cls) -> "StartTime":
        return cls(kind="now")

    def to_json(self) -> str | dict[str, Any]:
        if self.kind == "now":
            return "now"
        if self.kind == "column":
            return {"column": self.column}
        assert self.at is not None
        out: dict[str, Any] = {"at": self.at.isoformat()}
        if self.kind == "spread":
            out["spread"] = {"calls": self.spread_calls, "every_minutes": self.spread_every_minutes}
        return out

    @classmethod
    def from_json(cls, obj: Any) -> "StartTime":
        if obj is None or obj == "now" or obj == {"now": True}:
            return cls.now()
        if not isinstance(obj, dict):
            raise MappingError(
                'The "start_time" must be "now", {"column": "..."}, {"at": "..."} '
                'or {"at": "...", "spread": {"calls": N, "every_minutes": M}}.'
            )
        unknown = set(obj) - {"column", "at", "spread"}
        if unknown:
            raise MappingError(f'The "start_time" has entries that are not known: {", ".join(sorted(unknown))}.')
        if "column" in obj:
            if "at" in obj or "spread" in obj:
                raise MappingError('The "start_time" gives both a column and a time: keep one of them.')
            column = obj["column"]
            if not isinstance(column, str) or not column.strip():
                raise MappingError('The "start_time" column must be the name of a column.')
            return cls(kind="column", column=column)
        if "at" not in obj:
            raise MappingError('The "start_time" waves need a first time: add "at".')
        at = parse_iso_with_offset(obj["at"])
        spread = obj.get("spread")
        if spread is None:
            return cls(kind="at", at=at)
        if not isinstance(spread, dict):
            raise MappingError('The "spread" must be {"calls": N, "every_minutes": M}.')
        return cls(
            kind="spread",
            at=at,
            spread_calls=spread.get("calls"),
            spread_every_minutes=spread.get("every_minutes"),
        )

    def describe(self) -> str:
        if self.kind == "now":
            return "at once"
        if self.kind == "column":
            return f"at the times in column '{self.column}'"
        assert self.at is not None
        first = self.at.strftime("%d %b %Y %H:%M %z")
        if self.kind == "at":
            return f"at {first}"
        return f"from {first}, {self.spread_calls} calls every {self.spread_every_minutes} minutes"


def parse_iso_with_offset(text: Any) -> datetime:
    if not isinstance(text, str):
        raise MappingError(f"The start time {text!r} is not a date and time: write it like 2026-12-01T10:30:00+05:30.")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise MappingError(
            f"The start time '{text}' is not a date and time: write it like 2026-12-01T10:30:00+05:30."
        ) from None
    if value.tzinfo is None:
        raise MappingError(
            f"The start time '{text}' has no time zone offset: write it like 2026-12-01T10:30:00+05:30."
        )
    return value


def _check_zone(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise MappingError('The "timezone" must be a time zone name such as Asia/Kolkata.')
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"The time zone '{name}' is not known: use a name such as Asia/Kolkata or Asia/Dubai.") from None
    return name


def _check_country(code: Any) -> str:
    import phonenumbers

    if not isinstance(code, str) or code.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise MappingError(f"The default country '{code}' is not known: use a two-letter code such as IN.")
    return code.upper()


def clean_variable_name(name: str) -> str:
    """A flow variable name without the ``$flow.key.`` prefix an operator may have pasted."""
    name = name.strip()
    if name.startswith(KEY_PREFIX):
        name = name[len(KEY_PREFIX):]
    return name


@dataclass
class Mapping:
    contact_numbers: list[str]
    client_identifier: str | None = None
    start_time: StartTime = field(default_factory=StartTime.now)
    timezone: str = "Asia/Kolkata"
    default_country: str = "IN"
    keys: dict[str, str] = field(default_factory=dict)  # flow variable name -> column
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    allow_other_countries: bool = False
    allow_duplicates: bool = False

    def __post_init__(self) -> None:
        if not self.contact_numbers:
            raise MappingError("The mapping names no phone number column: choose at least one.")
        seen: set[str] = set()
        for column in self.contact_numbers:
            if column in seen:
                raise MappingError(f"The column '{column}' is chosen twice as a phone number: keep it once.")
            seen.add(column)
        if self.header_row is not None and (not isinstance(self.header_row, int) or self.header_row < 1):
            raise MappingError(f"The header row must be a row number of 1 or more (got {self.header_row!r}).")
        keys: dict[str, str] = {}
        for name, column in self.keys.items():
            clean = clean_variable_name(str(name))
            if not clean or not _VARIABLE_NAME.match(clean):
                raise MappingError(
                    f"The flow variable name '{name}' cannot be used: use letters, digits and _ only, "
                    "as in the flow editor (for example CustomerName)."
                )
            if clean in keys:
                raise MappingError(f"The flow variable '{clean}' is given twice: keep it once.")
            if not isinstance(column, str) or not column:
                raise MappingError(f"The flow variable '{clean}' names no column: choose the column it comes from.")
            keys[clean] = column
        self.keys = keys

    # --- the JSON file -------------------------------------------------------------------

    @classmethod
    def from_json(cls, obj: Any) -> "Mapping":
        if not isinstance(obj, dict):
            raise MappingError("The mapping file must hold one JSON object, like {\"contact_numbers\": [\"Mobile\"]}.")
        known = {
            "sheet", "header_row", "contact_numbers", "client_identifier", "start_time", "timezone",
            "default_country", "keys", "allow_other_countries", "allow_duplicates", "headers_signature",
        }
        unknown = sorted(set(obj) - known)
        if unknown:
            close = [difflib.get_close_matches(u, sorted(known), n=1) for u in unknown]
            hints = [f"'{u}'" + (f" (did you mean '{c[0]}'?)" if c else "") for u, c in zip(unknown, close)]
            raise MappingError(f"The mapping has entries that are not known: {', '.join(hints)}.")
        numbers = obj.get("contact_numbers")
        if isinstance(numbers, str):
            numbers = [numbers]
        if not isinstance(numbers, list) or not numbers or not all(isinstance(n, str) and n for n in numbers):
            raise MappingError(
                'The mapping needs "contact_numbers": a list of column names, main number first, '
                'for example ["Mobile", "Alt Mobile"].'
            )
        client = obj.get("client_identifier")
        if client is not None and (not isinstance(client, str) or not client):
            raise MappingError('The "client_identifier" must be a column name, or left out to generate identifiers.')
        keys = obj.get("keys", {}) or {}
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise MappingError('The "keys" must map each flow variable name to a column, like {"Name": "Customer Name"}.')
        header_row = obj.get("header_row")
        if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int)):
            raise MappingError(f'The "header_row" must be a row number such as 1 (got {header_row!r}).')
        sheet = obj.get("sheet")
        if sheet is not None and not isinstance(sheet, str):
            raise MappingError('The "sheet" must be the name of a sheet, such as "Contacts".')
        flags = {}
        for flag in ("allow_other_countries", "allow_duplicates"):
            value = obj.get(flag, False)
            if not isinstance(value, bool):
                raise MappingError(f'The "{flag}" must be true or false.')
            flags[flag] = value
        return cls(
            contact_numbers=list(numbers),
            client_identifier=client,
            start_time=StartTime.from_json(obj.get("start_time", "now")),
            timezone=_check_zone(obj.get("timezone", "Asia/Kolkata")),
            default_country=_check_country(obj.get("default_country", "IN")),
            keys=dict(keys),
            sheet=sheet,
            header_row=header_row,
            **flags,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.header_row is not None:
            out["header_row"] = self.header_row
        out["contact_numbers"] = list(self.contact_numbers)
        if self.client_identifier is not None:
            out["client_identifier"] = self.client_identifier
        out["start_time"] = self.start_time.to_json()
        out["timezone"] = self.timezone
        out["default_country"] = self.default_country
        out["keys"] = dict(self.keys)
        if self.allow_other_countries:
            out["allow_other_countries"] = True
        if self.allow_duplicates:
            out["allow_duplicates"] = True
        return out

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Mapping":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise MappingError(f"The mapping file '{path}' does not exist: check the name and folder.") from None
        except PermissionError:
            raise MappingError(f"The mapping file '{path}' cannot be opened: it is locked or not yours to read.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(f"The mapping file '{path}' cannot be read ({exc.__class__.__name__}).") from None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(
                f"The mapping file '{path}' is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            ) from None
        try:
            return cls.from_json(obj)
        except MappingError as exc:
            raise MappingError(f"In the mapping file '{path}': {exc.message}") from None

    def save(self, path: str | os.PathLike[str]) -> None:
        path = Path(path)
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"
        # Write beside the target and rename, so a crash never leaves half a mapping.
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            if tmp.is_file():
                tmp.unlink()
            reason = (
                "the file is open in another program or the folder is read-only"
                if isinstance(exc, PermissionError)
                else exc.strerror or exc.__class__.__name__
            )
            raise MappingError(f"The mapping cannot be saved to '{path}': {reason}. Choose another name or folder.") from None

    # --- columns -------------------------------------------------------------------------

    def columns_used(self) -> list[str]:
        """Every column the mapping reads, once each, in a stable order."""
        out: list[str] = []
        for column in [*self.contact_numbers, self.client_identifier, self.start_time.column, *self.keys.values()]:
            if column and column not in out:
                out.append(column)
        return out

    def check_columns(self, headers: list[str]) -> None:
        """Raise MappingError naming every column the sheet lacks, with the closest header."""
        present = set(headers)
        missing = [c for c in self.columns_used() if c not in present]
        if not missing:
            return
        folded = {_fold(h): h for h in headers}
        parts = []
        for column in missing:
            exact = folded.get(_fold(column))
            close = [exact] if exact else [folded[m] for m in difflib.get_close_matches(_fold(column), list(folded), n=1, cutoff=0.5)]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            parts.append(f"'{column}'{hint}")
        shown = ", ".join(f"'{h}'" for h in headers[:40]) + (" …" if len(headers) > 40 else "")
        noun = "column" if len(missing) == 1 else "columns"
        raise MappingError(
            f"The sheet has no {noun} {', '.join(parts)}. Its columns are: {shown}. "
            "Change the mapping or choose the right sheet and header row."
        )


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def headers_signature(headers: list[str]) -> str:
    """A stable key for a set of headers, so a saved mapping is offered again for the same sheet.

    Case, spacing and Unicode form do not matter; order does not either (columns moved
    around still match the same mapping).
    """
    folded = sorted(_fold(h) for h in headers if h and h.strip())
    return hashlib.sha256("\x1f".join(folded).encode("utf-8")).hexdigest()[:16]


def propose_mapping(headers: list[str], sheet: "Sheet | None" = None) -> "Proposal":
    """A first mapping from the headers (and the cells, when given); see ``propose``."""
    from phonon_desktop.campaign.propose import propose_mapping as propose

    return propose(headers, sheet)
