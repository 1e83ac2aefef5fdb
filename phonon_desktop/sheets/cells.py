"""Cell values as the text the operator sees in Excel, one column at a time.

Values arrive from python-calamine as ``str``, ``float``, ``int``, ``bool``, ``date``,
``datetime``, ``time`` or ``timedelta``. Converting a whole column at once lets a column that
is all text (the common case) pass through at C speed; only the other cells go through
Python code.
"""

from __future__ import annotations

import datetime as dt
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
            return str(int(value)), _NUMBER
        digits = repr(value).split("e")[0].replace(".", "").replace("-", "").rstrip("0")
        shown = format(Decimal(f"{value:.15g}"), "f")
        return shown, (_DAMAGED if len(digits.lstrip("0")) > 15 else _NUMBER)
    shown = f"{value:.15g}"
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
        if value.second or value.microsecond:  # type: ignore[union-attr]
            return value.strftime("%Y-%m-%d %H:%M:%S"), _DATETIME  # type: ignore[union-attr]
        return value.strftime("%Y-%m-%d %H:%M"), _DATETIME  # type: ignore[union-attr]
    if kind_of is dt.date:
        return value.isoformat(), _DATE  # type: ignore[union-attr]
    if kind_of is dt.time:
        return _time_text(value), _TIME  # type: ignore[arg-type]
    if kind_of is dt.timedelta:
        return _duration_text(value), _TIME  # type: ignore[arg-type]
    if kind_of is str:
        return value, (_TEXT if value else _EMPTY)  # type: ignore[return-value]
    if value is None:
        return "", _EMPTY
    return str(value), _TEXT


def convert_column(values: tuple | list) -> tuple[list[str], np.ndarray]:
    """One column of raw cell values as (display texts, int8 kinds)."""
    count = len(values)
    types = set(map(type, values))
    if types == {str}:
        kinds = np.fromiter(map(bool, values), dtype=np.int8, count=count)
        return list(values), kinds
    texts = list(values)
    kinds = np.empty(count, dtype=np.int8)
    for i, value in enumerate(values):
        if type(value) is str:
            kinds[i] = _TEXT if value else _EMPTY
        else:
            texts[i], kinds[i] = cell_text(value)
    return texts, kinds
