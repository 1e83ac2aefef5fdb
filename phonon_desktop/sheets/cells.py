"""Cell values as the text the operator sees in Excel, one column at a time.

Values arrive from python-calamine as ``str``, ``float``, ``int``, ``bool``, ``date``,
``datetime``, ``time`` or ``timedelta``. Converting a whole column at once lets a column that
is all text (the common case) pass through at C speed; only the other cells go through
Python code.
"""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal

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
        return _DATETIME_TEXTS.get(value) or _datetime_text(value), _DATETIME  # type: ignore[arg-type]
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


def _numbers(values: tuple | list | np.ndarray, count: int) -> tuple[list[str], np.ndarray]:
    """A column of floats: whole numbers (phones, ids) take the fastest path."""
    array = np.fromiter(values, dtype=np.float64, count=count)
    with np.errstate(invalid="ignore"):
        whole = bool(np.all((array == np.trunc(array)) & (np.abs(array) < _EXACT_LIMIT)))
    if whole:  # via Python ints: a quarter quicker than "%d" on floats (measured)
        return list(map(int.__repr__, array.astype(np.int64).tolist())), np.full(count, _NUMBER, dtype=np.int8)
    if count >= 64:
        made, exact = _decimal_texts(array)
        if exact.all():
            return made, np.full(count, _NUMBER, dtype=np.int8)
        rest = np.flatnonzero(~exact)
        kinds = np.full(count, _NUMBER, dtype=np.int8)
        for i in rest.tolist():
            made[i], kinds[i] = number_text(float(array[i]))
        return made, kinds
    texts = list(map(_SHOWN, values))
    kinds = np.full(count, _NUMBER, dtype=np.int8)
    joined = "".join(texts)
    if "e" in joined or "n" in joined or "-0" in joined:  # huge, tiny, -0 or not a number: exact path
        for i, value in enumerate(values):
            if "e" in texts[i] or "n" in texts[i] or texts[i] == "-0":
                texts[i], kinds[i] = number_text(value)
    return texts, kinds


# Decimal places the bulk path writes (a table of every fraction is kept per count of places).
_MAX_PLACES = 4
# Whole parts below this are looked up in a table of their texts rather than written one by one.
_SMALL_WHOLE = 100_000
_POWER_0 = 20
_POWERS = 10.0 ** np.arange(-_POWER_0, 16)  # _POWERS[d + _POWER_0] == 10.0 ** d
_PLACE_SCALES = 10.0 ** np.arange(_MAX_PLACES + 1)[:, None]
_fraction_texts: dict[int, np.ndarray] = {}
_small_whole_texts: list[np.ndarray] = []


def _fractions(places: int) -> np.ndarray:
    """".25"-style text of every fraction with ``places`` decimal places, trailing zeros dropped."""
    table = _fraction_texts.get(places)
    if table is None:
        table = np.empty(10**places, dtype=object)
        table[:] = ["." + str(f).zfill(places).rstrip("0") if f else "" for f in range(10**places)]
        _fraction_texts[places] = table
    return table


def _whole_texts(units: np.ndarray) -> np.ndarray:
    if not _small_whole_texts:
        table = np.empty(_SMALL_WHOLE, dtype=object)
        table[:] = [str(i) for i in range(_SMALL_WHOLE)]
        _small_whole_texts.append(table)
    small = units < _SMALL_WHOLE
    if small.all():
        return _small_whole_texts[0][units]
    texts = _small_whole_texts[0][np.where(small, units, 0)]
    big = np.flatnonzero(~small)
    made = np.empty(len(big), dtype=object)
    made[:] = list(map(int.__repr__, units[big].tolist()))
    texts[big] = made
    return texts


def _decimal_texts(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers with up to four decimal places written as "%.15g" writes them, without
    formatting each one: a quarter of the time on a column of amounts (measured).

    A value v is written as m / 10**k (m whole, k places) when m / 10**k is the nearest
    15-significant-digit decimal to v, which is exactly what "%.15g" prints (trailing zeros
    dropped). That holds when |v * 10**k - m| is under a quarter of the 15-digit step scaled by
    10**k: with the rounding of the product (at most 0.11 of that step for k places within 14
    digits) it stays under half a step. Returns the texts and, per value, whether the text
    is exact; the others are left for the caller to write one by one.
    """
    size = np.abs(array)
    usable = (size >= 1e-3) & (size < 1e13)  # False for NaN and infinities
    size = np.where(usable, size, 1.0)
    decade = np.floor(np.log10(size)).astype(np.int64)
    # log10 can be one off next to a power of ten: the powers themselves decide.
    decade -= size < _POWERS[decade + _POWER_0]
    decade += size >= _POWERS[decade + _POWER_0 + 1]
    # Every count of places at once: row k holds v * 10**k and a quarter of the 15-digit step
    # scaled the same way. The chunk is written with the places that fit the most values
    # (the fewest, among equals); a value that does not fit them is left to the caller.
    scaled = size * _PLACE_SCALES
    quarter_step = (_POWERS[decade + (_POWER_0 - 14)] * 0.25) * _PLACE_SCALES
    fits = np.abs(scaled - np.rint(scaled)) < quarter_step
    most = int(np.argmax(fits.sum(axis=1)))
    exact = usable & fits[most] & (decade + most <= 13)  # within 14 digits with those places
    units = np.rint(np.where(exact, scaled[most], 0.0)).astype(np.int64)
    whole, fraction = np.divmod(units, 10**most)
    texts = _whole_texts(whole)
    if most:
        texts = texts + _fractions(most)[fraction]
    negative = np.flatnonzero(exact & (array < 0))
    if len(negative):
        texts[negative] = "-" + texts[negative]
    return texts, exact


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
_DATETIME_TEXTS: dict[dt.datetime, str] = {}


def _dates(values: tuple | list | np.ndarray, count: int) -> tuple[list[str], np.ndarray]:
    return list(map(_DATE_TEXTS.__getitem__, values)), np.full(count, _DATE, dtype=np.int8)


def _datetimes(values: tuple | list | np.ndarray, count: int) -> tuple[list[str], np.ndarray]:
    """Date-times seen before are looked up; the others are made together (see ``_new_datetimes``)."""
    texts = list(map(_DATETIME_TEXTS.get, values))
    if None in texts:
        missing = [i for i, text in enumerate(texts) if text is None]
        made = _new_datetimes([values[i] for i in missing])
        for i, text in zip(missing, made):
            texts[i] = text
        if len(_DATETIME_TEXTS) > 200_000:
            _DATETIME_TEXTS.clear()
        _DATETIME_TEXTS.update(zip([values[i] for i in missing], made))
    return texts, np.full(count, _DATETIME, dtype=np.int8)


_ORDINAL = dt.datetime.toordinal
_HOUR = operator.attrgetter("hour")
_MINUTE = operator.attrgetter("minute")
_SECOND = operator.attrgetter("second")
_MICROSECOND = operator.attrgetter("microsecond")
_CLOCK = np.array([f" {h:02d}:{m:02d}" for h in range(24) for m in range(60)], dtype=object)


def _new_datetimes(values: list) -> list[str]:
    """Display text of many date-times at once: the date and the clock are looked up, not formatted.

    ``isoformat`` costs about 0.6 µs a cell; a column of a million distinct times would spend
    most of its reading time there.
    """
    count = len(values)
    if count < 64:
        return [_datetime_text(v) for v in values]
    ordinals = np.fromiter(map(_ORDINAL, values), dtype=np.int64, count=count)
    minutes = np.fromiter(map(_HOUR, values), dtype=np.int64, count=count) * 60
    minutes += np.fromiter(map(_MINUTE, values), dtype=np.int64, count=count)
    days, which = np.unique(ordinals, return_inverse=True)
    day_texts = np.array([_DATE_TEXTS[dt.date.fromordinal(int(d))] for d in days], dtype=object)
    texts = day_texts[which.ravel()] + _CLOCK[minutes]
    seconds = np.fromiter(map(_SECOND, values), dtype=np.int64, count=count)
    seconds |= np.fromiter(map(_MICROSECOND, values), dtype=np.int64, count=count)
    for i in np.flatnonzero(seconds):  # a time with seconds shows them
        texts[i] = _datetime_text(values[i])
    return texts.tolist()


# %-formatting is the quickest way to 15 significant digits (measured against format and
# repr with a length check).
_SHOWN = "%.15g".__mod__
_COLUMN_PATHS = {float: _numbers, dt.date: _dates, dt.datetime: _datetimes}


def _midnights_as_datetimes(values: tuple | list, types: set[type]) -> tuple[tuple | list, set[type]]:
    """The fast reader gives a date for a date-time cell that falls on midnight; in a column
    mostly of date-times it is shown as one ("2024-01-05 00:00")."""
    type_of = np.fromiter(map(type, values), dtype=object, count=len(values))
    dates = np.flatnonzero(type_of == dt.date)
    if len(dates) >= int(np.count_nonzero(type_of == dt.datetime)):
        return values, types
    values = list(values)
    for i in dates.tolist():
        v = values[i]
        values[i] = dt.datetime(v.year, v.month, v.day)
    return values, types - {dt.date}


def convert_column(values: tuple | list) -> tuple[list[str], np.ndarray]:
    """One column of raw cell values as (display texts, int8 kinds)."""
    texts, kinds = column_texts(values)
    return texts.tolist(), kinds


def column_texts(values: tuple | list) -> tuple[np.ndarray, np.ndarray]:
    """One column of raw cell values as (object array of display texts, int8 kinds).

    A column holding one type of value (the common case) is converted in one go; a mixed
    column (numbers with blanks, phones stored partly as text) is split by type and each
    part is converted in one go.
    """
    count = len(values)
    texts = np.empty(count, dtype=object)
    if _all_text(values):
        texts[:] = values
        return texts, _text_kinds(texts)
    types = set(map(type, values))
    if dt.date in types and dt.datetime in types:
        values, types = _midnights_as_datetimes(values, types)
    if len(types) == 1:
        whole_column = _COLUMN_PATHS.get(next(iter(types)))
        if whole_column is not None:
            made, kinds = whole_column(values, count)
            texts[:] = made
            return texts, kinds
    if len(types) > 3 or count < 64:
        pairs = [(v, _TEXT if v else _EMPTY) if type(v) is str else cell_text(v) for v in values]
        texts[:] = [p[0] for p in pairs]
        return texts, np.fromiter((p[1] for p in pairs), dtype=np.int8, count=count)
    cells = np.empty(count, dtype=object)
    cells[:] = values
    kinds = np.empty(count, dtype=np.int8)
    type_of = np.empty(count, dtype=object)
    type_of[:] = list(map(type, values))
    for kind_of in types:
        where = np.flatnonzero(type_of == kind_of)
        part = cells[where]
        if kind_of is str:
            texts[where] = part
            kinds[where] = _text_kinds(part)
            continue
        convert = _COLUMN_PATHS.get(kind_of)
        if convert is not None:
            made, made_kinds = convert(part, len(part))
        else:
            pairs = [cell_text(v) for v in part]
            made, made_kinds = [p[0] for p in pairs], [p[1] for p in pairs]
        converted = np.empty(len(part), dtype=object)
        converted[:] = made
        texts[where] = converted
        kinds[where] = made_kinds
    return texts, kinds


def _all_text(values: tuple | list) -> bool:
    """Whether every value is text: joining fails at the first that is not (C speed, about a
    quarter of the time of collecting the types)."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def _text_kinds(texts: np.ndarray) -> np.ndarray:
    return (texts != "").view(np.int8)  # TEXT (1) when not empty, EMPTY (0) otherwise

