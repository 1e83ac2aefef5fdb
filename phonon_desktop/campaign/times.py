"""Start times: read from cells or given once, sent as ``YYYY-MM-DDTHH:MM:SS+05:30``.

A column of times usually repeats a few values, so each distinct text is read once and the
result spread back over the rows. Day/month order (``01/12/2026``) is decided from the whole
column: one value with a first part above 12 settles it; when nothing settles it, the
operator is asked once and the rows wait, never guessed row by row.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import IntEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from phonon_desktop.campaign import chunked
from phonon_desktop.sheets.model import CellKind

CALLING_HOURS = (9 * 60, 21 * 60)  # 09:00 to 21:00, India's hours for commercial calls
RECIPIENT_ZONE = "Asia/Kolkata"
_KOLKATA_OFFSET = 19800  # seconds; India has had no daylight saving since 1945


@dataclass(frozen=True)
class CallingHours:
    """The operator's calling hours, as minutes of the day (``until`` itself still allowed).

    ``origin`` says where the operator changes them, for the warning's sentence:
    "Preferences" in the window, "--calling-hours" on the command line.
    """

    start: int = CALLING_HOURS[0]
    until: int = CALLING_HOURS[1]
    origin: str = "Preferences"

    @classmethod
    def of(cls, value: object, origin: str = "Preferences") -> "CallingHours":
        """From None (09:00-21:00), a CallingHours, a (from, until) pair of minutes of the day
        or of ``datetime.time``, or text like "10:00-19:00"."""
        if value is None:
            return cls(origin=origin)
        if isinstance(value, CallingHours):
            return value
        if isinstance(value, str):
            return parse_calling_hours(value, origin=origin)
        try:
            start, until = value  # type: ignore[misc]
        except (TypeError, ValueError):
            raise ValueError(f"Calling hours must be a pair of times, like 10:00-19:00, not {value!r}.") from None
        hours = cls(_minutes(start), _minutes(until), origin)
        if not 0 <= hours.start < hours.until <= 24 * 60:
            raise ValueError(f"The calling hours {hours.text()} must start before they end, within one day.")
        return hours

    def text(self) -> str:
        return f"{_clock_text(self.start)}–{_clock_text(self.until)}"

    def is_legal_only(self) -> bool:
        """True when these hours are India's own (nothing narrower for Indian numbers)."""
        return self.start <= CALLING_HOURS[0] and self.until >= CALLING_HOURS[1]


def _minutes(value: object) -> int:
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    raise ValueError(f"A calling hour must be a time of day or minutes of the day, not {value!r}.")


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


_HOURS_TEXT = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(?:-|–|—|to)\s*(\d{1,2})(?::(\d{2}))?\s*$", re.IGNORECASE)


def parse_calling_hours(text: str, *, origin: str = "--calling-hours") -> CallingHours:
    """ "10:00-19:00" (or "10-19", "10:00–19:00") as CallingHours; ValueError in words."""
    example = "Write them like 10:00-19:00 (from, to, in 24-hour time)."
    m = _HOURS_TEXT.match(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a pair of calling hours. {example}")
    h1, m1, h2, m2 = (int(g) if g else 0 for g in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"'{text}' holds a time of day that does not exist. {example}")
    start, until = h1 * 60 + m1, h2 * 60 + m2
    if start >= until:
        raise ValueError(f"The calling hours '{text}' must start before they end, within one day. {example}")
    return CallingHours(start, until, origin)


class TimeIssue(IntEnum):
    OK = 0
    EMPTY = 1
    UNREADABLE = 2
    AMBIGUOUS = 3  # day/month order not settled: waits for the operator's choice
    NO_TIME = 4  # a date without a time of day
    NO_DATE = 5  # a time without a date
    NO_SUCH_DATE = 6  # 31/02/2026, or a month above 12 in the chosen order
    SKIPPED_BY_CLOCK = 7  # a local time that does not exist (clocks moved forward)
    PAST_DATE = 8  # an earlier date: an error
    PAST_TODAY = 9  # earlier today: the call rings at once (warning)
    OUTSIDE_HOURS = 10  # before 09:00 or after 21:00 in India, for an Indian number (warning)
    WRONG_CELL = 11  # a number, TRUE/FALSE or Excel error where a time was expected
    OUTSIDE_YOUR_HOURS = 12  # outside the operator's calling hours where the customer is (warning)


TIME_WARNINGS = frozenset({TimeIssue.PAST_TODAY, TimeIssue.OUTSIDE_HOURS, TimeIssue.OUTSIDE_YOUR_HOURS})

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")]
    )
    for name in names
}
_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
_OFFSET = r"\s*(?P<off>Z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T\s]+" + _TIME + r")?" + _OFFSET)
_NUMERIC = re.compile(r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})(?:[,\s]+" + _TIME + r")?")
_DAY_MONTH_NAME = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[-\s/]+(?P<mon>[A-Za-z]{3,9})\.?[-\s/,]+(?P<y>\d{4}|\d{2})(?:[,\s]+" + _TIME + r")?")
_MONTH_NAME_DAY = re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?:[,\s]+" + _TIME + r")?")
_TIME_ONLY = re.compile(_TIME)


@dataclass
class _Reading:
    issue: TimeIssue
    parts: tuple[int, int, int, int, int, int] | None = None  # y, mo, d, h, mi, s
    offset: timezone | None = None
    pair: tuple[int, int] | None = None  # the two numbers of a d/m or m/d date


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) == 2 else y


def _clock(m: re.Match[str]) -> tuple[int, int, int] | None:
    if m.group("h") is None:
        return None
    h, mi, s = int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0)
    ampm = m.group("ampm")
    if ampm:
        if not 1 <= h <= 12:
            return (99, 0, 0)
        pm = ampm[0] in "Pp"
        h = (h % 12) + (12 if pm else 0)
    return h, mi, s


_WEEKDAY = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


def read_one(text: str) -> _Reading:
    """Read one cell's text, without deciding day/month order."""
    text = _WEEKDAY.sub("", " ".join(text.split()))
    if not text:
        return _Reading(TimeIssue.EMPTY)
    m = _ISO.fullmatch(text)
    if m:
        clock = _clock(m)
        if clock is None:
            return _Reading(TimeIssue.NO_TIME)
        offset = None
        if m.group("off"):
            raw = m.group("off")
            if raw == "Z":
                offset = timezone.utc
            else:
                sign = -1 if raw[0] == "-" else 1
                digits = raw[1:].replace(":", "")
                offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        return _Reading(TimeIssue.OK, (int(m.group("y")), int(m.group("mo")), int(m.group("d")), *clock), offset)
    m = _NUMERIC.fullmatch(text)
    if m:
        clock = _clock(m)
        if clock is None:
            return _Reading(TimeIssue.NO_TIME)
        a, b = int(m.group("a")), int(m.group("b"))
        return _Reading(TimeIssue.OK, (_year(m.group("y")), 0, 0, *clock), pair=(a, b))
    for pattern in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        m = pattern.fullmatch(text)
        if m:
            month = _MONTHS.get(m.group("mon").lower())
            if month is None:
                return _Reading(TimeIssue.UNREADABLE)
            clock = _clock(m)
            if clock is None:
                return _Reading(TimeIssue.NO_TIME)
            return _Reading(TimeIssue.OK, (_year(m.group("y")), month, int(m.group("d")), *clock))
    if _TIME_ONLY.fullmatch(text):
        return _Reading(TimeIssue.NO_DATE)
    return _Reading(TimeIssue.UNREADABLE)


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def to_iso(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS+05:30``: whole seconds, an explicit offset, never a Z."""
    offset = moment.utcoffset()
    assert offset is not None
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + format_offset(offset)


def localise(parts: tuple[int, ...], zone: ZoneInfo) -> tuple[datetime | None, TimeIssue]:
    y, mo, d, h, mi, s = parts
    try:
        naive = datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None, TimeIssue.NO_SUCH_DATE
    moment = naive.replace(tzinfo=zone)
    # A wall time skipped by a clock change does not survive a round trip through UTC.
    if moment.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
        return None, TimeIssue.SKIPPED_BY_CLOCK
    return moment, TimeIssue.OK


_DONE = _Reading(TimeIssue.OK)  # a value already read by the fast path
_PLAIN = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?")
_UNIX_EPOCH = pd.Timestamp("1970-01-01")
_ORDINAL_OF_1970 = date(1970, 1, 1).toordinal()


def _read_plain(values: list[str], zone_name: str, iso: np.ndarray, epoch: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Read "YYYY-MM-DD HH:MM[:SS]" values (what the reader makes of date-time cells) at once.

    Fills iso/epoch/day for them and returns which were read. Anything odd (a date that does
    not exist, a time the clocks skip or repeat) is left to the careful reading, one by one.
    """
    done = np.zeros(len(values), dtype=bool)
    picked = [i for i, v in enumerate(values) if _PLAIN.fullmatch(v)]
    if not picked:
        return done
    texts = [values[i][:10] + " " + values[i][11:16] + ":" + (values[i][17:19] or "00") for i in picked]
    naive = pd.to_datetime(pd.Series(texts), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    local = naive.dt.tz_localize(zone_name, ambiguous="NaT", nonexistent="NaT")
    ok = local.notna().to_numpy()
    if not ok.any():
        return done
    rows = np.asarray(picked)[ok]
    wall = ((naive[ok] - _UNIX_EPOCH) // pd.Timedelta(seconds=1)).to_numpy(np.int64)
    moment = ((local[ok].dt.tz_convert("UTC").dt.tz_localize(None) - _UNIX_EPOCH) // pd.Timedelta(seconds=1)).to_numpy(np.int64)
    offsets: dict[int, str] = {}
    chosen = [texts[i] for i in np.flatnonzero(ok).tolist()]
    iso[rows] = [
        text[:10] + "T" + text[11:] + (offsets.get(o) or offsets.setdefault(o, format_offset(timedelta(seconds=o))))
        for text, o in zip(chosen, (wall - moment).tolist())
    ]
    epoch[rows] = moment
    day[rows] = wall // 86400 + _ORDINAL_OF_1970
    done[rows] = True
    return done


@dataclass
class ColumnTimes:
    iso: np.ndarray  # object: ISO text, "" when none
    epoch: np.ndarray  # int64 seconds since 1970 (0 when none)
    local_day: np.ndarray  # int32 proordinal of the date in the mapping's zone (0 when none)
    issues: np.ndarray  # int8 TimeIssue (reading problems only; past and hours come later)
    day_first: bool | None  # the order used (None when no value needed it)
    question: str | None  # asked once when the order is not settled
    order_matters: np.ndarray  # bool per row: a date like 01/12 whose reading depends on the order


def read_time_column(
    texts: np.ndarray, kinds: np.ndarray, zone_name: str, *, column: str, day_first: bool | None = None
) -> ColumnTimes:
    zone = ZoneInfo(zone_name)
    codes, uniques = pd.factorize(np.asarray(texts, dtype=object))
    values = uniques.tolist()
    iso = chunked.filled(len(values), "")
    epoch = np.zeros(len(values), dtype=np.int64)
    day = np.zeros(len(values), dtype=np.int32)
    issue = np.zeros(len(values), dtype=np.int8)
    done = _read_plain(values, zone_name, iso, epoch, day)
    readings = [_DONE if is_done else read_one(u) for u, is_done in zip(values, done.tolist())]

    pairs = [r.pair for r in readings if r.pair is not None and r.pair[0] != r.pair[1]]
    says_day_first = any(a > 12 and b <= 12 for a, b in pairs)
    says_month_first = any(b > 12 and a <= 12 for a, b in pairs)
    question = None
    order = day_first
    if order is None and pairs:
        if says_day_first and not says_month_first:
            order = True
        elif says_month_first and not says_day_first:
            order = False
        else:
            example = next(f"{a:02d}/{b:02d}" for a, b in pairs if a <= 12 and b <= 12) if any(
                a <= 12 and b <= 12 for a, b in pairs
            ) else f"{pairs[0][0]:02d}/{pairs[0][1]:02d}"
            mixed = " The column seems to mix both orders." if says_day_first and says_month_first else ""
            question = (
                f"The dates in column '{column}' can be read day first or month first "
                f"({example} is either {_spell(example, True)} or {_spell(example, False)}).{mixed} "
                "Choose the order once for the whole column."
            )

    matters = np.array([r.pair is not None and r.pair[0] != r.pair[1] for r in readings] or [False], dtype=bool)
    for i, r in enumerate(readings):
        if r is _DONE:
            continue
        if r.issue != TimeIssue.OK or r.parts is None:
            issue[i] = r.issue
            continue
        parts = r.parts
        if r.pair is not None:
            a, b = r.pair
            if a != b and order is None:
                issue[i] = TimeIssue.AMBIGUOUS
                continue
            d, mo = (a, b) if (order is None or order) else (b, a)
            parts = (parts[0], mo, d, *parts[3:])
        if r.offset is not None:
            try:
                moment: datetime | None = datetime(*parts, tzinfo=r.offset).astimezone(zone)
                problem = TimeIssue.OK
            except ValueError:
                moment, problem = None, TimeIssue.NO_SUCH_DATE
        else:
            moment, problem = localise(parts, zone)
        if moment is None:
            issue[i] = problem
            continue
        iso[i] = to_iso(moment)
        epoch[i] = int(moment.timestamp())
        day[i] = moment.date().toordinal()

    codes = np.asarray(codes)
    row_issue = issue[codes]
    kinds = np.asarray(kinds)
    for bad in (CellKind.NUMBER, CellKind.BOOL, CellKind.ERROR, CellKind.NUMBER_DAMAGED):
        row_issue[kinds == bad] = TimeIssue.WRONG_CELL
    row_issue[kinds == CellKind.FORMULA_NO_VALUE] = TimeIssue.EMPTY
    ok = row_issue == TimeIssue.OK
    return ColumnTimes(
        iso=chunked.build(len(codes), object, lambda s: np.where(ok[s], iso[codes[s]], "")),  # a slice at a time
        epoch=np.where(ok, epoch[codes], 0),
        local_day=np.where(ok, day[codes], 0).astype(np.int32),
        issues=row_issue.astype(np.int8),
        day_first=order,
        question=question,
        order_matters=matters[codes] if len(codes) else np.zeros(0, dtype=bool),
    )


def _spell(example: str, day_first: bool) -> str:
    a, b = (int(x) for x in example.split("/"))
    d, mo = (a, b) if day_first else (b, a)
    if not 1 <= mo <= 12:
        return "not a date"
    return f"{d} {date(2000, mo, 1):%B}"


def past_issues(epoch: np.ndarray, local_day: np.ndarray, valid: np.ndarray, now: datetime, zone_name: str) -> np.ndarray:
    """PAST_DATE (error) for an earlier date, PAST_TODAY (warning) for earlier today."""
    now_local = now.astimezone(ZoneInfo(zone_name))
    now_epoch = int(now.timestamp())
    today = now_local.date().toordinal()
    out = np.zeros(len(epoch), dtype=np.int8)
    earlier = valid & (epoch < now_epoch)
    out[earlier & (local_day < today)] = TimeIssue.PAST_DATE
    out[earlier & (local_day >= today)] = TimeIssue.PAST_TODAY
    return out


def _outside(local_seconds: np.ndarray, start: int, until: int) -> np.ndarray:
    """Seconds of the day outside [start, until] (minutes; the last minute's :00 still inside)."""
    minutes = local_seconds // 60
    late = (minutes > until) | ((minutes == until) & (local_seconds % 60 > 0))
    return (minutes < start) | late


def outside_hours(epoch: np.ndarray, valid: np.ndarray, hours: tuple[int, int] = CALLING_HOURS) -> np.ndarray:
    """True where the time is outside these hours (default 09:00-21:00) in India."""
    return valid & _outside((epoch + _KOLKATA_OFFSET) % 86400, *hours)


def outside_hours_in_zone(epoch: np.ndarray, valid: np.ndarray, zone_name: str, hours: tuple[int, int]) -> np.ndarray:
    """True where the time is outside these hours on the clock of ``zone_name`` (summer time
    included), for the rows that are valid."""
    out = np.zeros(len(epoch), dtype=bool)
    picked = np.flatnonzero(valid)
    if len(picked) == 0:
        return out
    utc = pd.to_datetime(epoch[picked], unit="s", utc=True)
    wall = utc.tz_convert(zone_name).tz_localize(None)
    seconds = (wall - _UNIX_EPOCH) // pd.Timedelta(seconds=1)
    out[picked] = _outside(np.asarray(seconds, dtype=np.int64) % 86400, *hours)
    return out


_ZONES: dict[str, str | None] = {}
_ZONES_KEPT = 200_000  # distinct numbers remembered between plans


def customer_zone(digits: str) -> str | None:
    """The time zone of an international number (digits, country code first) when
    phonenumbers names exactly one, else None (unknown, or a country with several)."""
    if digits in _ZONES:
        return _ZONES[digits]
    if len(digits) >= 3 and (country := _country_zone(digits[:3])) is not None:
        return country
    import phonenumbers
    from phonenumbers.timezone import UNKNOWN_TIMEZONE, time_zones_for_number

    zone: str | None = None
    try:
        zones = time_zones_for_number(phonenumbers.parse("+" + digits, None))
    except phonenumbers.NumberParseException:
        zones = ()
    if len(zones) == 1 and zones[0] != UNKNOWN_TIMEZONE:
        try:
            ZoneInfo(zones[0])
            zone = zones[0]
        except (ZoneInfoNotFoundError, ValueError):
            zone = None  # a zone this computer's time zone data lacks: the campaign's zone is used
    if len(_ZONES) >= _ZONES_KEPT:
        _ZONES.clear()
    _ZONES[digits] = zone
    return zone


@functools.lru_cache(maxsize=None)
def _country_zone(head: str) -> str | None:
    """For the first three digits of an international number: the one zone of every number
    of its country (971: Asia/Dubai), or None where the zone depends on the number (1, 7, 44)."""
    import phonenumbers
    from phonenumbers.tzdata import TIMEZONE_DATA

    code = next((head[:n] for n in (1, 2, 3) if int(head[:n] or 0) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE), None)
    if code is None:
        return None
    zones = {z for prefix, names in TIMEZONE_DATA.items() if prefix.startswith(code) for z in names}
    if len(zones) != 1:
        return None
    zone = zones.pop()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


def customer_zones(numbers: np.ndarray, campaign_zone: str) -> np.ndarray:
    """The zone each international number rings in (object array), the campaign's where
    phonenumbers names none or several. Countries with one zone are settled by their code,
    a few look-ups in all; phonenumbers parses only numbers of countries with several."""
    out = np.empty(len(numbers), dtype=object)
    if not len(numbers):
        return out
    which, heads = pd.factorize(np.asarray(numbers, dtype=object).astype("U3"))
    by_country = np.array([_country_zone(str(h)) for h in heads.tolist()], dtype=object)
    out[:] = by_country[which]
    for i in np.flatnonzero(pd.isna(out)).tolist():
        out[i] = customer_zone(str(numbers[i])) or campaign_zone
    return out


def indian_numbers(numbers: np.ndarray) -> np.ndarray:
    """True for numbers in India's ``91`` + 10 digits form (and for empty ones), per row,
    without a Python call per row (a slice at a time, so the window keeps painting)."""

    def part(s: slice) -> np.ndarray:
        head = numbers[s].astype("U2")
        return (head == "91") | (head == "")

    return chunked.build(len(numbers), bool, part)


def hours_issues(
    numbers: np.ndarray, epoch: np.ndarray, valid: np.ndarray, hours: CallingHours, campaign_zone: str,
    *, all_indian: bool = False,
) -> np.ndarray:
    """Per row, OUTSIDE_HOURS, OUTSIDE_YOUR_HOURS or 0 for a call starting at ``epoch`` to ``numbers``.

    Indian numbers: India's 09:00-21:00 (the law, always) and the operator's hours, both on
    India's clock. Other numbers: the operator's hours on the customer's clock, when
    phonenumbers names one zone for the number, else on the campaign's zone's clock.
    """
    codes = np.zeros(len(epoch), dtype=np.int8)
    indian = np.ones(len(epoch), dtype=bool) if all_indian else indian_numbers(numbers)
    here = valid & indian
    law = outside_hours(epoch, here)
    codes[law] = TimeIssue.OUTSIDE_HOURS
    if not hours.is_legal_only():
        codes[outside_hours(epoch, here & ~law, (hours.start, hours.until))] = TimeIssue.OUTSIDE_YOUR_HOURS
    abroad = np.flatnonzero(valid & ~indian)
    if len(abroad):
        which, distinct = pd.factorize(np.asarray(numbers[abroad], dtype=object))
        zones = customer_zones(np.asarray(distinct, dtype=object), campaign_zone)
        row_zones = zones[which]
        for zone in set(zones.tolist()):
            rows = abroad[row_zones == zone]
            late = outside_hours_in_zone(epoch[rows], np.ones(len(rows), dtype=bool), zone, (hours.start, hours.until))
            codes[rows[late]] = TimeIssue.OUTSIDE_YOUR_HOURS
    return codes


def zone_words(zone_name: str) -> str:
    """ "Dubai time", "India time", "New York time": a zone as an operator says it."""
    if zone_name in ("Asia/Kolkata", "Asia/Calcutta"):
        return "India time"
    return zone_name.rsplit("/", 1)[-1].replace("_", " ") + " time"


def describe(issue: int, text: str, *, zone_name: str, sent: str = "", hours: CallingHours | None = None) -> str:
    shown = text if len(text) <= 40 else text[:37] + "…"
    issue = TimeIssue(issue)
    example = "like 2026-12-01 10:30 or 01-Dec-2026 10:30 AM"
    if issue == TimeIssue.EMPTY:
        return "has no start time. Type a date and time, " + example + "."
    if issue == TimeIssue.UNREADABLE:
        return f"'{shown}' is not a date and time this program can read. Write it {example}."
    if issue == TimeIssue.AMBIGUOUS:
        return f"'{shown}' can be read day first or month first. Choose the day/month order for the column."
    if issue == TimeIssue.NO_TIME:
        return f"'{shown}' has a date but no time of day. Add the time, {example}."
    if issue == TimeIssue.NO_DATE:
        return f"'{shown}' has a time but no date. Add the date, {example}."
    if issue == TimeIssue.NO_SUCH_DATE:
        return f"'{shown}' is not a real date in the chosen day/month order. Check the date."
    if issue == TimeIssue.SKIPPED_BY_CLOCK:
        return f"'{shown}' does not exist in {zone_name}: the clocks skip it. Choose a time an hour later."
    if issue == TimeIssue.PAST_DATE:
        return f"'{shown}' is on a date that has passed. Choose a date from today on."
    if issue == TimeIssue.PAST_TODAY:
        return f"'{shown}' is earlier today: the call will ring at once."
    at = f" ({sent})" if sent else ""
    if issue == TimeIssue.OUTSIDE_HOURS:
        return (
            f"'{shown}'{at} is outside 09:00–21:00 in India, when commercial calls are allowed. "
            "Choose a time between 09:00 and 21:00 India time."
        )
    if issue == TimeIssue.OUTSIDE_YOUR_HOURS:
        hours = hours or CallingHours()
        return (
            f"'{shown}'{at} is outside your calling hours {hours.text()} ({hours.origin}). "
            f"Choose a time within them, or change them {'in' if hours.origin == 'Preferences' else 'with'} {hours.origin}."
        )
    if issue == TimeIssue.WRONG_CELL:
        return f"'{shown}' is not a date and time cell. Format the cell as Date in Excel or type it {example}."
    return f"'{shown}' is fine."
