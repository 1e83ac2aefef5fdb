"""From a sheet and a mapping to exactly the calls that will be sent, and why some cannot be.

Every check works on whole columns and leaves, per row, a small code (0 = fine) in a
``Check``; the level of a row is the worst level of its codes, and the sentences are
written only when someone asks for a row's problems. ``Call`` objects are built one row at
a time when needed, so a million-row plan holds a few arrays, not a million objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

from phonon_desktop.campaign import chunked
from phonon_desktop.campaign import numbers as nums
from phonon_desktop.campaign import times
from phonon_desktop.campaign.batching import batches_for, preview_request
from phonon_desktop.campaign.first_seen import FirstSeen
from phonon_desktop.campaign.ids import generated_ids
from phonon_desktop.campaign.mapping import Mapping
from phonon_desktop.campaign.numbers import NumberIssue, clean_text
from phonon_desktop.campaign.problems import Check, Level, Problem, level_table
from phonon_desktop.campaign.times import TimeIssue
from phonon_desktop.kairos.protocol import KEY_PREFIX, MAX_BODY_BYTES, Call, envelope
from phonon_desktop.sheets.model import CellKind, Sheet

__all__ = ["Level", "Plan", "Problem", "batches_for", "plan_campaign", "preview_request"]


_PRIMARY_LEVELS = level_table({i: Level.ERROR for i in NumberIssue if i != NumberIssue.OK} | {NumberIssue.LANDLINE: Level.WARNING})
_ALTERNATE_LEVELS = level_table({i: Level.WARNING for i in NumberIssue if i not in (NumberIssue.OK, NumberIssue.EMPTY)})
_PRIMARY_EMPTY_BUT_ALTERNATE = 40  # a code beyond NumberIssue: the main number is empty, an alternate is dialled
_TIME_LEVELS = level_table({i: Level.ERROR for i in TimeIssue if i != TimeIssue.OK} | {i: Level.WARNING for i in times.TIME_WARNINGS})
_KEY_ERROR_CELL, _KEY_DAMAGED, _KEY_NO_VALUE = 1, 2, 3
_KEY_LEVELS = level_table({1: Level.WARNING, 2: Level.WARNING, 3: Level.WARNING})
_ID_EMPTY, _ID_DUPLICATE, _ID_DAMAGED, _ID_EXCEL_ERROR = 1, 2, 3, 4
_DUPLICATE = 1
_TOO_LARGE = 1
_HIDDEN = 1

# Rows whose flow variable text is longer than this are encoded to check their size exactly.
_LARGE_ROW_CHARS = 30_000


def _texts(sheet: Sheet, column: str, rows: np.ndarray | None = None) -> np.ndarray:
    series = sheet.data[column]
    if rows is not None:
        # A cell emptied by an edit may hold None or NaN rather than "": it is empty all the same.
        return series.iloc[rows].to_numpy(dtype=object, na_value="")
    return chunked.texts(series.to_numpy(dtype=object))  # in slices: the window keeps painting


def _kinds(sheet: Sheet, column: str, rows: np.ndarray | None = None) -> np.ndarray:
    values = sheet.kinds[column].to_numpy()
    return values if rows is None else values[rows]


@dataclass
class _RowLists:
    ids: list[str]
    starts: list[str]
    numbers: list[list[str]]
    names: list[str]
    encoded_names: list[str]
    keys: list[list[str]]


_ERROR = int(Level.ERROR)
# The same string encoder json.dumps(ensure_ascii=False) uses, so the bytes are identical.
_encode_text = json.encoder.encode_basestring  # type: ignore[attr-defined]


class Plan:
    """The calls a sheet makes under a mapping, and the problems of each row."""

    def __init__(
        self, sheet: Sheet, mapping: Mapping, *, now: datetime, day_first: bool | None,
        calling_hours: times.CallingHours | tuple[object, object] | None = None,
    ) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.now = now
        self.day_first = day_first
        # The operator's calling hours (Preferences, or --calling-hours); India's 09:00-21:00
        # applies to Indian numbers whatever they are.
        self.calling_hours = times.CallingHours.of(calling_hours)
        n = sheet.row_count
        self.levels = np.zeros(n, dtype=np.int8)
        self.numbers: list[np.ndarray] = []
        self.start_times = chunked.filled(n, "")
        self.questions: list[str] = []
        self._number_issues: list[np.ndarray] = []
        self._primary = chunked.filled(n, "")
        self._epoch = np.zeros(n, dtype=np.int64)
        self._time_ok = np.zeros(n, dtype=bool)
        self._column_times: times.ColumnTimes | None = None
        self._client_ids: np.ndarray | None = None
        self._lists: _RowLists | None = None
        self._checks: dict[str, Check] = {}
        self._validate_all()

    # --- what others read ---------------------------------------------------------------

    @property
    def client_ids(self) -> np.ndarray:
        """The client identifier of every row (object array of str; "" where there is none)."""
        if self._client_ids is None:
            self._client_ids = self._generate_ids()
        return self._client_ids

    @property
    def day_order_question(self) -> str | None:
        """The day/month question for the start time column, while it is not answered."""
        ct = self._column_times
        return ct.question if ct is not None and self.mapping.start_time.kind == "column" else None

    def set_now(self, now: datetime) -> None:
        """Judge start times against a new "now": for a plan kept open for hours (past midnight
        an earlier start becomes an error) and for "now" starts, which take this time."""
        if now.tzinfo is None:
            raise ValueError("now must carry a time zone")
        self.now = now
        self._lists = None
        self._place_start_times(None)
        self._recompute_levels(None)

    def set_day_first(self, day_first: bool | None) -> None:
        """Answer the day/month question (True: 01/12 is 1 December) without planning again."""
        self.day_first = day_first
        if self.mapping.start_time.kind != "column":
            return
        self._lists = None
        self._read_time_column(None)
        self._place_start_times(None)
        self._recompute_levels(None)

    def problems_for(self, row: int) -> list[Problem]:
        out = []
        source = int(self.sheet.source_rows[row]) if len(self.sheet.source_rows) > row else row + 1
        for check in self._checks.values():
            code = int(check.codes[row])
            if code and check.levels[code]:
                where = f"Row {source} ({check.column})" if check.column else f"Row {source}"
                out.append(Problem(row, check.column, Level(int(check.levels[code])), f"{where}: {check.explain(row, code)}"))
        out.sort(key=lambda p: -p.level)
        return out

    def all_problems(self) -> Iterator[Problem]:
        for row in np.flatnonzero(self.levels > Level.OK).tolist():
            yield from self.problems_for(row)

    def sendable_rows(self) -> np.ndarray:
        return np.flatnonzero(self.levels < Level.ERROR)

    def counts(self) -> dict[str, int]:
        counted = np.bincount(self.levels, minlength=3)
        return {"ready": int(counted[0]), "warnings": int(counted[1]), "errors": int(counted[2])}

    def contact_numbers(self, row: int) -> tuple[str, ...]:
        """The numbers dialled for a row, in order: empty ones left out, repeats dropped."""
        out: list[str] = []
        for column in self.numbers:
            value = column[row]
            if value and value not in out:
                out.append(value)
        return tuple(out)

    def call(self, row: int) -> Call:
        """The exact call for a row (ValueError, in words, for a row with an error)."""
        self._refuse_unsendable(row)
        lists = self._row_lists()
        return Call(
            client_identifier=lists.ids[row],
            start_time=lists.starts[row],
            contact_numbers=self._numbers_of(lists, row),
            keys=tuple(zip(lists.names, (column[row] for column in lists.keys))),
        )

    def encoded_call(self, row: int) -> bytes:
        """``self.call(row).encode()``, byte for byte, a few times faster (for batching)."""
        self._refuse_unsendable(row)
        lists = self._row_lists()
        enc = _encode_text
        numbers = ",".join(map(enc, self._numbers_of(lists, row)))
        keys = ",".join(
            f'{{"name":{name},"value":{enc(column[row])}}}' for name, column in zip(lists.encoded_names, lists.keys)
        )
        return (
            f'{{"client-identifier":{enc(lists.ids[row])},"start-time":{enc(lists.starts[row])},'
            f'"contact-numbers":[{numbers}],"keys":[{keys}]}}'
        ).encode("utf-8")

    def _refuse_unsendable(self, row: int) -> None:
        if self.levels[row] >= _ERROR:
            first = next((p.message for p in self.problems_for(row) if p.level == Level.ERROR), "")
            raise ValueError(f"Row {int(self.sheet.source_rows[row])} cannot be sent. {first}".strip())

    @staticmethod
    def _numbers_of(lists: "_RowLists", row: int) -> tuple[str, ...]:
        out: list[str] = []
        for column in lists.numbers:
            value = column[row]
            if value and value not in out:
                out.append(value)
        return tuple(out)

    def _row_lists(self) -> "_RowLists":
        # Plain lists index several times faster than numpy object arrays, and calls are
        # built one by one; made once per validation.
        if self._lists is None:
            names = list(self.mapping.keys)
            self._lists = _RowLists(
                ids=[str(x) for x in self.client_ids.tolist()],
                starts=self.start_times.tolist(),
                numbers=[column.tolist() for column in self.numbers],
                names=names,
                encoded_names=[_encode_text(KEY_PREFIX + name) for name in names],
                keys=[[v if isinstance(v, str) else "" for v in _texts(self.sheet, c).tolist()] for c in self.mapping.keys.values()],
            )
        return self._lists

    # --- validation ---------------------------------------------------------------------

    def revalidate(self, rows: Iterable[int]) -> None:
        """Recompute the given rows after edits, and the rows their duplicates touch."""
        changed = np.unique(np.fromiter((int(r) for r in rows), dtype=np.int64))
        if len(changed) == 0:
            return
        if len(changed) > self.sheet.row_count // 4:
            self._validate_all()
            return
        m = self.mapping
        self._client_ids = None
        self._lists = None
        self._check_numbers(changed)
        self._check_keys(changed)
        if m.client_identifier:
            self._check_id_cells(changed)
        times_read_again = False
        if m.start_time.kind == "column":
            times_read_again = self._read_time_column(changed)
        self._set_primary(changed)
        affected = [changed, self._update_duplicates(changed)]
        if m.client_identifier:
            affected.append(self._update_id_duplicates(changed))
        self._check_size(changed)
        if times_read_again or m.start_time.kind == "spread":
            self._place_start_times(None)  # waves follow the sendable rows, which may have changed
            self._recompute_levels(None)
        else:
            self._place_start_times(changed)
            self._recompute_levels(np.unique(np.concatenate(affected)))

    def _validate_all(self) -> None:
        m = self.mapping
        m.check_columns(self.sheet.headers)
        self._checks = {}
        self.questions = []
        self._client_ids = None
        self._lists = None
        self._check_numbers(None)
        self._check_keys(None)
        if m.client_identifier:
            self._check_id_cells(None)
        if m.start_time.kind == "column":
            self._read_time_column(None)
        self._check_hidden()
        self._set_primary(None)
        self._update_duplicates(None)
        if m.client_identifier:
            self._update_id_duplicates(None)
        self._check_size(None)
        self._place_start_times(None)
        self._recompute_levels(None)

    def _check_numbers(self, rows: np.ndarray | None) -> None:
        m = self.mapping
        if rows is None:
            self.numbers = []
            self._number_issues = []
        for i, column in enumerate(m.contact_numbers):
            digits, issues = nums.normalise_column(
                _texts(self.sheet, column, rows),
                _kinds(self.sheet, column, rows),
                default_country=m.default_country,
                allow_other_countries=m.allow_other_countries,
            )
            if rows is None:
                self.numbers.append(digits)
                self._number_issues.append(issues)
            else:
                self.numbers[i][rows] = digits
                self._number_issues[i][rows] = issues
        if rows is not None:
            return
        for i, column in enumerate(m.contact_numbers):
            if i == 0:
                # The main number's codes also say when an alternate stands in for it.
                self._primary_codes = self._number_issues[0].copy()
                levels = _PRIMARY_LEVELS.copy()
                levels[_PRIMARY_EMPTY_BUT_ALTERNATE] = Level.WARNING
                self._checks["number:0"] = Check(column, self._primary_codes, levels, self._explain_number(0))
            else:
                self._checks[f"number:{i}"] = Check(column, self._number_issues[i], _ALTERNATE_LEVELS, self._explain_number(i))

    def _set_primary(self, rows: np.ndarray | None) -> None:
        """The main number, or the first alternate that can be dialled when it is empty."""
        if rows is None:
            # A slice at a time: comparing a million texts is one long numpy call (see chunked).
            n = len(self.numbers[0])
            self._primary = np.empty(n, dtype=object)
            for part in chunked.slices(n):
                self._primary[part], self._primary_codes[part] = self._primary_of(part)
            return
        self._primary[rows], self._primary_codes[rows] = self._primary_of(rows)

    def _primary_of(self, where: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        primary = self.numbers[0][where].copy()
        codes = self._number_issues[0][where].copy()
        if len(self.numbers) > 1:
            empty = codes == NumberIssue.EMPTY
            for column in self.numbers[1:]:
                alternate = column[where]
                take = empty & (primary == "") & (alternate != "")
                primary[take] = alternate[take]
            codes[empty & (primary != "")] = _PRIMARY_EMPTY_BUT_ALTERNATE
        return primary, codes

    def _explain_number(self, index: int) -> Callable[[int, int], str]:
        column = self.mapping.contact_numbers[index]

        def explain(row: int, code: int) -> str:
            if code == _PRIMARY_EMPTY_BUT_ALTERNATE:
                return "has no phone number; the call will dial the next number of the row only."
            text = str(self.sheet.data[column].iat[row])
            detail = nums.describe(code, text, default_country=self.mapping.default_country)
            if index > 0 and code not in (NumberIssue.OK, NumberIssue.LANDLINE):
                detail += " This number will be left out of the call."
            return detail

        return explain

    def _check_keys(self, rows: np.ndarray | None) -> None:
        for name, column in self.mapping.keys.items():
            key = f"key:{name}"
            kinds = _kinds(self.sheet, column, rows)
            codes = np.zeros(len(kinds), dtype=np.int8)
            codes[kinds == CellKind.ERROR] = _KEY_ERROR_CELL
            codes[kinds == CellKind.NUMBER_DAMAGED] = _KEY_DAMAGED
            codes[kinds == CellKind.FORMULA_NO_VALUE] = _KEY_NO_VALUE
            if rows is None or key not in self._checks:
                full = np.zeros(self.sheet.row_count, dtype=np.int8)
                full[slice(None) if rows is None else rows] = codes
                self._checks[key] = Check(column, full, _KEY_LEVELS, self._explain_key(name, column))
            else:
                self._checks[key].codes[rows] = codes

    def _explain_key(self, name: str, column: str) -> Callable[[int, int], str]:
        def explain(row: int, code: int) -> str:
            text = str(self.sheet.data[column].iat[row])
            if code == _KEY_ERROR_CELL:
                return f"shows the Excel error '{text}'; the flow variable {name} will receive that text. Fix the formula if that is not intended."
            if code == _KEY_DAMAGED:
                return f"'{text}' is a number with more than 15 digits, so Excel has already changed its last digits; the flow variable {name} will receive it as shown. Format the column as Text and type it again."
            return f"holds a formula whose result was never saved; the flow variable {name} will be empty. Open and save the file in Excel."

        return explain

    def _check_id_cells(self, rows: np.ndarray | None) -> None:
        column = self.mapping.client_identifier
        assert column is not None
        texts = _texts(self.sheet, column, rows)
        kinds = _kinds(self.sheet, column, rows)
        cleaned = chunked.build(len(texts), object, lambda s: [
            (t.strip() if t.isascii() else clean_text(t)) if isinstance(t, str) else "" for t in texts[s].tolist()
        ])
        codes = np.zeros(len(texts), dtype=np.int8)
        codes[chunked.build(len(texts), bool, lambda s: cleaned[s] == "")] = _ID_EMPTY
        codes[kinds == CellKind.NUMBER_DAMAGED] = _ID_DAMAGED
        codes[kinds == CellKind.ERROR] = _ID_EXCEL_ERROR
        if rows is None or "id" not in self._checks:
            self._id_texts = cleaned
            self._id_codes = codes
        else:
            self._id_texts[rows] = cleaned
            self._id_codes[rows] = codes

    def _read_time_column(self, rows: np.ndarray | None) -> bool:
        """Read the start time cells of these rows; True when the whole column was read again.

        The whole column is read again when the day/month order was taken from the column
        and an edit touches a date whose reading depends on it: the edit may settle or
        unsettle the order for every row.
        """
        st = self.mapping.start_time
        assert st.column is not None
        ct = self._column_times
        if rows is not None and ct is not None and ct.question is None:
            order = self.day_first if self.day_first is not None else ct.day_first
            got = times.read_time_column(
                _texts(self.sheet, st.column, rows), _kinds(self.sheet, st.column, rows), self.mapping.timezone,
                column=st.column, day_first=order,
            )
            if self.day_first is not None or not (got.order_matters.any() or ct.order_matters[rows].any()):
                ct.iso[rows], ct.epoch[rows], ct.local_day[rows], ct.issues[rows] = got.iso, got.epoch, got.local_day, got.issues
                ct.order_matters[rows] = got.order_matters
                return False
        self._column_times = times.read_time_column(
            _texts(self.sheet, st.column), _kinds(self.sheet, st.column), self.mapping.timezone,
            column=st.column, day_first=self.day_first,
        )
        return True

    def _check_hidden(self) -> None:
        hidden = self.sheet.hidden_rows
        if hidden is None or not np.any(hidden):
            return
        codes = np.asarray(hidden, dtype=bool).astype(np.int8) * _HIDDEN
        self._checks["hidden"] = Check(
            None, codes, level_table({_HIDDEN: Level.WARNING}),
            lambda row, code: "is hidden in Excel; it will be called like the others. Delete the row if it should not be called.",
        )

    # --- checks that compare rows -------------------------------------------------------

    def _update_duplicates(self, rows: np.ndarray | None) -> np.ndarray:
        """The same customer number twice: the later rows wait, naming the first."""
        m = self.mapping
        if rows is None:
            primary = self._primary
            self._duplicates = FirstSeen(primary, chunked.build(len(primary), bool, lambda s: primary[s] != ""))
            codes = self._duplicates.is_later().astype(np.int8) * _DUPLICATE
            self._checks["duplicate"] = Check(
                m.contact_numbers[0], codes,
                level_table({_DUPLICATE: Level.WARNING if m.allow_duplicates else Level.ERROR}),
                self._explain_duplicate(),
            )
            return np.arange(self.sheet.row_count)
        values = self._primary[rows]
        affected = self._duplicates.update(rows, values, values != "")
        self._checks["duplicate"].codes[affected] = self._duplicates.is_later(affected).astype(np.int8) * _DUPLICATE
        return affected

    def _update_id_duplicates(self, rows: np.ndarray | None) -> np.ndarray:
        m = self.mapping
        if rows is None:
            self._id_duplicates = FirstSeen(self._id_texts, self._id_codes == 0)
            codes = np.where(self._id_duplicates.is_later(), _ID_DUPLICATE, self._id_codes).astype(np.int8)
            self._checks["id"] = Check(
                m.client_identifier, codes,
                level_table({_ID_EMPTY: Level.ERROR, _ID_DUPLICATE: Level.ERROR, _ID_DAMAGED: Level.ERROR, _ID_EXCEL_ERROR: Level.ERROR}),
                self._explain_id(),
            )
            return np.arange(self.sheet.row_count)
        affected = self._id_duplicates.update(rows, self._id_texts[rows], self._id_codes[rows] == 0)
        later = self._id_duplicates.is_later(affected)
        self._checks["id"].codes[affected] = np.where(later, _ID_DUPLICATE, self._id_codes[affected])
        return affected

    def _explain_duplicate(self) -> Callable[[int, int], str]:
        def explain(row: int, code: int) -> str:
            other = int(self._duplicates.first[row])
            number = self._primary[row]
            other_row = int(self.sheet.source_rows[other])
            if self.mapping.allow_duplicates:
                return f"the number {number} is also on row {other_row}; it will be called again (duplicates are allowed)."
            return (
                f"the number {number} is also on row {other_row}, so this row would call the same person twice. "
                "Delete one of the rows, or allow duplicates if both calls are wanted."
            )

        return explain

    def _explain_id(self) -> Callable[[int, int], str]:
        def explain(row: int, code: int) -> str:
            text = str(self.sheet.data[self.mapping.client_identifier].iat[row])
            if code == _ID_EMPTY:
                return "has no customer identifier. Fill it in: every call needs its own."
            if code == _ID_DAMAGED:
                return f"'{text}' is a number with more than 15 digits, so Excel has already changed its last digits. Format the column as Text and type it again."
            if code == _ID_EXCEL_ERROR:
                return f"shows the Excel error '{text}' instead of an identifier. Fix the formula or type the identifier."
            other_row = int(self.sheet.source_rows[int(self._id_duplicates.first[row])])
            return f"the identifier '{self._id_texts[row]}' is also on row {other_row}. Every call needs its own identifier: change one of them."

        return explain

    def _check_size(self, rows: np.ndarray | None) -> None:
        """A row whose flow variables alone exceed a request can never be sent."""
        n = self.sheet.row_count
        if rows is None:
            self._checks["size"] = Check(
                None, np.zeros(n, dtype=np.int8), level_table({_TOO_LARGE: Level.ERROR}),
                lambda row, code: f"the flow variable values are too long: this call alone is larger than a request may be ({MAX_BODY_BYTES:,} bytes). Shorten them.",
            )
        if not self.mapping.keys:
            return
        codes = self._checks["size"].codes
        targets = np.arange(n) if rows is None else rows
        total = np.zeros(len(targets), dtype=np.int64)
        for column in self.mapping.keys.values():
            total += chunked.lengths(_texts(self.sheet, column, rows))
        codes[targets] = 0
        head, tail = envelope("TEST", "x" * 64, "x" * 8)
        room = MAX_BODY_BYTES - len(head) - len(tail)
        for row in targets[total > _LARGE_ROW_CHARS].tolist():
            if len(self._build_call_for_size(row).encode()) > room:
                codes[row] = _TOO_LARGE

    def _build_call_for_size(self, row: int) -> Call:
        data = self.sheet.data
        keys = tuple((name, str(data[column].iat[row])) for name, column in self.mapping.keys.items())
        return Call("x" * 64, "2000-01-01T00:00:00+05:30", self.contact_numbers(row), keys)

    def _place_start_times(self, rows: np.ndarray | None) -> None:
        m = self.mapping
        st = m.start_time
        if rows is not None:
            if st.kind == "column":
                ct = self._column_times
                assert ct is not None
                self.start_times[rows] = ct.iso[rows]
                self._epoch[rows] = ct.epoch[rows]
                codes = self._column_time_codes(ct.issues[rows], ct.epoch[rows], ct.local_day[rows])
                self._checks["time"].codes[rows] = codes
                self._time_ok[rows] = (codes == 0) | (codes == TimeIssue.PAST_TODAY)
            self._check_hours(rows)
            return

        n = self.sheet.row_count
        zone = ZoneInfo(m.timezone)
        self.questions = [q for q in self.questions if not q.startswith(("The dates in column", "The start time"))]
        if st.kind == "column":
            ct = self._column_times
            assert ct is not None
            if ct.question:
                self.questions.append(ct.question)
            self.start_times = ct.iso.copy()
            self._epoch = ct.epoch.copy()
            codes = self._column_time_codes(ct.issues, ct.epoch, ct.local_day)
            texts = _texts(self.sheet, st.column)
            column = st.column
        else:
            if st.kind == "now":
                moment = self.now.astimezone(zone).replace(microsecond=0)
            else:
                assert st.at is not None
                moment = st.at.astimezone(zone)
            iso = times.to_iso(moment)
            self.start_times = chunked.filled(n, iso)
            self._epoch = np.full(n, int(moment.timestamp()), dtype=np.int64)
            codes = np.zeros(n, dtype=np.int8)
            if st.kind != "now":
                past = times.past_issues(
                    np.array([int(moment.timestamp())]), np.array([moment.date().toordinal()]), np.array([True]), self.now, m.timezone
                )[0]
                codes[:] = past
                if past == TimeIssue.PAST_DATE:
                    self.questions.append(
                        f"The start time {_local_text(iso)} is on a date that has passed, so no row can be sent. "
                        "Choose a start time from today on."
                    )
            texts = chunked.filled(n, iso)
            column = None
        self._time_ok = (codes == 0) | (codes == TimeIssue.PAST_TODAY)
        self._checks["time"] = Check(column, codes, _TIME_LEVELS, self._explain_time(texts))

        if st.kind == "spread" and n:
            # Waves, in sheet order of the rows that will really be sent.
            assert st.at is not None and st.spread_calls and st.spread_every_minutes
            self._recompute_levels(None)
            order = np.flatnonzero(self.levels < Level.ERROR)
            waves = np.arange(len(order)) // st.spread_calls
            wave_count = int(waves.max()) + 1 if len(waves) else 0
            first = st.at.astimezone(timezone.utc)
            moments = [(first + timedelta(minutes=w * st.spread_every_minutes)).astimezone(zone) for w in range(wave_count)]
            wave_iso = np.array([times.to_iso(x) for x in moments] or [""], dtype=object)
            wave_epoch = np.array([int(x.timestamp()) for x in moments] or [0], dtype=np.int64)
            self.start_times[order] = wave_iso[waves]
            self._epoch[order] = wave_epoch[waves]
        self._check_hours(None)

    def _column_time_codes(self, issues: np.ndarray, epoch: np.ndarray, local_day: np.ndarray) -> np.ndarray:
        codes = issues.astype(np.int8).copy()
        valid = codes == 0
        past = times.past_issues(epoch, local_day, valid, self.now, self.mapping.timezone)
        late = valid & (past != 0)
        codes[late] = past[late]
        return codes

    def _check_hours(self, rows: np.ndarray | None) -> None:
        """Outside calling hours where the customer is, as a warning: India's 09:00-21:00 and
        the operator's hours for Indian numbers, the operator's hours on the customer's clock
        for numbers of other countries."""
        m = self.mapping
        where = slice(None) if rows is None else rows
        codes = times.hours_issues(
            self._primary[where], self._epoch[where], self._time_ok[where], self.calling_hours, m.timezone,
            all_indian=m.default_country == "IN" and not m.allow_other_countries,  # every number that passed is Indian
        )
        if rows is not None:
            self._checks["hours"].codes[rows] = codes
            return
        self._checks["hours"] = Check(
            m.start_time.column if m.start_time.kind == "column" else None, codes, _TIME_LEVELS, self._explain_hours(),
        )

    def _explain_hours(self) -> Callable[[int, int], str]:
        def explain(row: int, code: int) -> str:
            epoch = int(self._epoch[row])
            number = str(self._primary[row])
            sent = _india_text(epoch)
            if code == TimeIssue.OUTSIDE_YOUR_HOURS and number and not number.startswith("91"):
                zone = times.customer_zone(number) or self.mapping.timezone
                sent = f"{datetime.fromtimestamp(epoch, tz=ZoneInfo(zone)):%H:%M} {times.zone_words(zone)}"
            return times.describe(
                code, _local_text(self.start_times[row]), zone_name=self.mapping.timezone, sent=sent, hours=self.calling_hours,
            )

        return explain

    def _explain_time(self, texts: np.ndarray) -> Callable[[int, int], str]:
        column = self.mapping.start_time.column if self.mapping.start_time.kind == "column" else None

        def explain(row: int, code: int) -> str:
            text = str(texts[row]) if column is None else str(self.sheet.data[column].iat[row])
            detail = times.describe(code, text, zone_name=self.mapping.timezone)
            if column is None and code == TimeIssue.PAST_DATE:
                detail = f"the start time {text} is on a date that has passed. Choose a start time from today on."
            elif column is None and code == TimeIssue.PAST_TODAY:
                detail = f"the start time {text} is earlier today: the call will ring at once."
            return detail

        return explain

    def _recompute_levels(self, rows: np.ndarray | None) -> None:
        if rows is None:
            levels = np.zeros(self.sheet.row_count, dtype=np.int8)
            for check in self._checks.values():
                np.maximum(levels, check.levels[check.codes], out=levels)
            self.levels = levels
            return
        levels = np.zeros(len(rows), dtype=np.int8)
        for check in self._checks.values():
            np.maximum(levels, check.levels[check.codes[rows]], out=levels)
        self.levels[rows] = levels

    def _generate_ids(self) -> np.ndarray:
        if self.mapping.client_identifier:
            return self._id_texts.copy()
        return generated_ids(self._primary, [_texts(self.sheet, c) for c in self.mapping.keys.values()])


def _local_text(iso: str) -> str:
    return iso.replace("T", " ")[:16] if iso else ""


def _india_text(epoch: int) -> str:
    moment = datetime.fromtimestamp(epoch, tz=timezone(timedelta(seconds=19800)))
    return f"{moment:%H:%M} in India"


def plan_campaign(
    sheet: Sheet, mapping: Mapping, *, now: datetime | None = None, day_first: bool | None = None,
    calling_hours: times.CallingHours | tuple[object, object] | None = None,
) -> Plan:
    """Check every row of the sheet under the mapping (raises MappingError for missing columns).

    ``calling_hours``: the operator's (from, until), as minutes of the day or ``datetime.time``
    (default 09:00-21:00); start times outside them are warned about where the customer is.
    """
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    return Plan(sheet, mapping, now=now, day_first=day_first, calling_hours=calling_hours)
