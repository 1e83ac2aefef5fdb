"""Cell values as the text the operator sees in Excel, one column at a time.

Values arrive from python-calamine as ``str``, ``float``, ``int``, ``bool``, ``date``,
``datetime``, ``time`` or ``timedelta``. Converting a whole column at once lets a column that
is all text (the common case) pass through at C speed; only the other cells go through
Python code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections import Counter

import numpy as np

from phonon_desktop.sheets.model import CellKind

_EMPTY = int(CellKind.EMPTY)
_TEXT = int(CellKind.TEXT)
_NUMBER = int(CellKind.NUMBER)
_DATE = int(CellKind.DATE)
_DATETIME = int(CellKind.DATETIME)
_BOOL = int(CellKind.BOOL)
_DAMAGED = int(CellKind.NUMBER_DAMAGED)
_TIME = int(CellKind.TIME)

# Excel keeps 15 significant digits; a whole number at or past this size may have lost some.
_EXACT_LIMIT = 1e15


def number_text(value: float) -> tuple[str, int]:
    """A number cell's text and kind: whole numbers with all digits, decimals as Excel shows them."""
    if value != value or value in (float("inf"), float("-inf")):  # NaN/inf cannot come from Excel
        return "#NUM!", int(CellKind.ERROR)
    if value.is_integer():
        if -_EXACT_LIMIT < value < _EXACT_LIMIT:
            return "%d" % value, _NUMBER
        digits = repr(value).split("e")[0].replace(".", "").replace("-", "").rstrip("0")
        shown = format(Decimal(f"{value:.15g}"), "f")
        return shown, (_DAMAGED if len(digits.lstrip("0")) > 15 else _NUMBER)
    shown = "%.15g" % value
    if "e" in shown:  # 1.5e-05: Excel shows positional digits in the formula bar
        shown = format(Decimal(shown), "f")
    return shown, _NUMBER


def _time_text(value: dt.time) -> str:
    if value.second or value.microsecond:
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


def _duration_text(value: dt.timedelta) -> str:
    # A duration cell ([h]:mm:ss): hours may pass 24, as Excel shows them.
    seconds = int(round(value.total_seconds()))
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}"


def cell_text(value: object) -> tuple[str, int]:
    """Any non-text cell value as (display text, CellKind)."""
    kind_of = type(value)
    if kind_of is float:
        return number_text(value)  # type: ignore[arg-type]
    if kind_of is bool:
        return ("TRUE" if value else "FALSE"), _BOOL
    if kind_of is int:
        if -_EXACT_LIMIT < value < _EXACT_LIMIT:  # type: ignore[operator]
            return str(value), _NUMBER
        return number_text(float(value))  # type: ignore[arg-type]
    if kind_of is dt.datetime:
        return _DATETIME_TEXTS[value], _DATETIME
    if kind_of is dt.date:
        return _DATE_TEXTS[value], _DATE
    if kind_of is dt.time:
        return _time_text(value), _TIME  # type: ignore[arg-type]
    if kind_of is dt.timedelta:
        return _duration_text(value), _TIME  # type: ignore[arg-type]
    if kind_of is str:
        return value, (_TEXT if value else _EMPTY)  # type: ignore[return-value]
    if value is None:
        return "", _EMPTY
    return str(value), _TEXT


def _numbers(values: tuple | list, count: int) -> tuple[list[str], np.ndarray]:
    """A column of floats: whole numbers (phones, ids) take the fastest path."""
    array = np.fromiter(values, dtype=np.float64, count=count)
    with np.errstate(invalid="ignore"):
        whole = bool(np.all((array == np.trunc(array)) & (np.abs(array) < _EXACT_LIMIT)))
    if whole:
        return list(map(_WHOLE, values)), np.full(count, _NUMBER, dtype=np.int8)
    texts = list(map(_SHOWN, values))
    kinds = np.full(count, _NUMBER, dtype=np.int8)
    joined = "".join(texts)
    if "e" in joined or "n" in joined or "-0" in joined:  # huge, tiny, -0 or not a number: exact path
        for i, value in enumerate(values):
            if "e" in texts[i] or "n" in texts[i] or texts[i] == "-0":
                texts[i], kinds[i] = number_text(value)
    return texts, kinds


class _Shown(dict):
    """Display text per date or date-time value, made once.

    Dates repeat a lot in contact lists (due dates, start times): the text is made once
    and the same string object is shared by every cell showing it, which also saves memory.
    """

    def __init__(self, show) -> None:
        super().__init__()
        self.show = show

    def __missing__(self, key):
        if len(self) > 200_000:
            self.clear()
        text = self[key] = self.show(key)
        return text


def _datetime_text(value: dt.datetime) -> str:
    if value.second or value.microsecond:
        return value.isoformat(" ", "seconds")
    return value.isoformat(" ", "minutes")


_DATE_TEXTS = _Shown(dt.date.isoformat)
_DATETIME_TEXTS = _Shown(_datetime_text)


def _dates(values: tuple | list, count: int) -> tuple[list[str], np.ndarray]:
    return list(map(_DATE_TEXTS.__getitem__, values)), np.full(count, _DATE, dtype=np.int8)


def _datetimes(values: tuple | list, count: int) -> tuple[list[str], np.ndarray]:
    return list(map(_DATETIME_TEXTS.__getitem__, values)), np.full(count, _DATETIME, dtype=np.int8)


# %-formatting is the quickest conversion here (measured against str(int(x)) and format).
_SHOWN = "%.15g".__mod__
_WHOLE = "%d".__mod__
_COLUMN_PATHS = {
    frozenset({float}): _numbers,
    frozenset({dt.date}): _dates,
    frozenset({dt.datetime}): _datetimes,
}


def _mostly_datetimes(values: tuple | list) -> bool:
    counts = Counter(map(type, values))
    return counts[dt.date] < counts[dt.datetime]


def convert_column(values: tuple | list) -> tuple[list[str], np.ndarray]:
    """One column of raw cell values as (display texts, int8 kinds)."""
    count = len(values)
    types = frozenset(map(type, values))
    if types == _ONLY_TEXT:
        return list(values), np.fromiter(map(bool, values), dtype=np.int8, count=count)
    if dt.date in types and dt.datetime in types and _mostly_datetimes(values):
        # The fast reader gives a date for a date-time cell that falls on midnight; in a
        # column mostly of date-times it is shown as one ("2024-01-05 00:00").
        values = [dt.datetime(v.year, v.month, v.day) if type(v) is dt.date else v for v in values]
        types = types - {dt.date}
    whole_column = _COLUMN_PATHS.get(types)
    if whole_column is not None:
        return whole_column(values, count)
    pairs = [(v, _TEXT if v else _EMPTY) if type(v) is str else cell_text(v) for v in values]
    texts = [p[0] for p in pairs]
    kinds = np.fromiter((p[1] for p in pairs), dtype=np.int8, count=count)
    return texts, kinds


_ONLY_TEXT = frozenset({str})
