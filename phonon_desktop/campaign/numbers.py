"""Phone numbers as the API wants them: digits only, ``91`` + 10 digits for India.

A column is judged in three steps, cheapest first: cells that are already plain digits
(most of a real sheet) are decided by length and first digit; cells with the usual
separators (``+91 80123-45679``) by one regular expression; only what is left (foreign
numbers, landlines, odd writing) goes to Google's phonenumbers rules, which cost ~25 µs
a cell. Each cell gets the digits to send ("" when none) and an issue code (0 = fine).
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum

import numpy as np

from phonon_desktop.campaign import chunked
from phonon_desktop.sheets.model import CellKind


class NumberIssue(IntEnum):
    OK = 0
    EMPTY = 1
    DAMAGED = 2  # a number cell with more than 15 digits: Excel already changed some
    SCIENTIFIC = 3  # text such as 9.18012E+11: the digits are gone
    EXCEL_ERROR = 4  # #N/A, #VALUE!, ...
    NO_VALUE = 5  # a formula whose result was never saved
    WRONG_CELL = 6  # a date, time or TRUE/FALSE cell
    NOT_DIGITS = 7  # letters or symbols besides the usual separators
    TOO_SHORT = 8
    TOO_LONG = 9
    NOT_MOBILE = 10  # ten digits that are neither an Indian mobile nor a landline
    LANDLINE = 11  # an Indian landline: sent, with a warning
    OTHER_COUNTRY = 12  # a valid foreign number while the mapping allows only the default country
    INVALID_FOREIGN = 13  # a foreign number that phonenumbers rejects
    DECIMAL = 14  # a number cell with a fraction
    TWO_NUMBERS = 15  # "98765 43210 / 91234 56789": two numbers typed in one cell


# Issues that still give a number to send.
SENDABLE_ISSUES = frozenset({NumberIssue.OK, NumberIssue.LANDLINE})

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B, 0x200C, 0x200D,
     0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063,
     0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF],
    None,
)
_SPACES = {cp: " " for cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B))}
# Digits of Indian and Arabic scripts, typed on a phone keyboard set to Hindi or Bengali.
_DIGITS: dict[int, str] = {}
for _zero in (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0xFF10):
    for _i in range(10):
        _DIGITS[_zero + _i] = str(_i)
_CLEAN_TABLE = str.maketrans({**_INVISIBLE, **_SPACES, **_DIGITS})

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−.()\[\]/]+")
_INDIAN = re.compile(r"(?:\+91|0091|91)?0?([6-9]\d{9})")
_COMMON = re.compile(r"(?:\+91|\+91 |\+91-|0091|0091 |91 |91-|0)?([6-9][0-9]{4})[ -]?([0-9]{5})")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?\s*[eE]\s*[+-]?\d+")
_FLOAT_TAIL = re.compile(r"^(\+?[\d\s]+)\.0+$")
# Digit groups as a number format shows them, the Western (918,012,345,678) or the Indian
# way (9,18,01,23,45,678).
_GROUPED = re.compile(r"\d{1,3}(?:,\d{2,3})+")
_BETWEEN_NUMBERS = re.compile(r"\s*(?:[,;/&|\n]|\bor\b|\band\b)\s*", re.IGNORECASE)


def clean_text(text: str) -> str:
    """The cell text without invisible characters, other spaces made plain, digits made ASCII."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text.translate(_CLEAN_TABLE)).strip()


def normalise_column(
    texts: np.ndarray,
    kinds: np.ndarray,
    *,
    default_country: str = "IN",
    allow_other_countries: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Digits to send (object array, "" when none) and a NumberIssue code (int8) per cell."""
    n = len(texts)
    digits = chunked.filled(n, "")
    issues = np.zeros(n, dtype=np.int8)
    kinds = np.asarray(kinds)

    by_kind = {
        CellKind.NUMBER_DAMAGED: NumberIssue.DAMAGED,
        CellKind.ERROR: NumberIssue.EXCEL_ERROR,
        CellKind.FORMULA_NO_VALUE: NumberIssue.NO_VALUE,
        CellKind.DATE: NumberIssue.WRONG_CELL,
        CellKind.DATETIME: NumberIssue.WRONG_CELL,
        CellKind.TIME: NumberIssue.WRONG_CELL,
        CellKind.BOOL: NumberIssue.WRONG_CELL,
    }
    for kind, issue in by_kind.items():
        issues[kinds == kind] = issue
    texts = np.asarray(texts, dtype=object)
    issues[chunked.build(n, bool, lambda s: texts[s] == "") & (issues == 0)] = NumberIssue.EMPTY
    todo = np.flatnonzero(issues == 0)

    if default_country == "IN":
        # Plain digits, decided by length and first digit alone; then the usual ways of
        # writing them (+91 98765 43210, 098765-43210) by one expression. ASCII digits only:
        # other scripts' digits go the slow way, which converts them. A slice of rows at a
        # time, so that no single array call holds the interpreter for long (see chunked).
        undecided = []
        for part in chunked.slices(len(todo)):
            rows = todo[part]
            fast = [
                (
                    "91" + x if len(x) == 10 and x[0] >= "6"
                    else x if len(x) == 12 and x[0] == "9" and x[1] == "1" and x[2] >= "6"
                    else "91" + x[1:] if len(x) == 11 and x[0] == "0" and x[1] >= "6"
                    else None
                )
                if x.isdigit() and x.isascii()
                else (("91" + m.group(1) + m.group(2)) if (m := _COMMON.fullmatch(x)) else None)
                for x in texts[rows].tolist()
            ]
            quick = np.empty(len(fast), dtype=object)
            quick[:] = fast
            decided = quick != None  # noqa: E711 (element-wise comparison)
            digits[rows[decided]] = quick[decided]
            undecided.append(rows[~decided])
        slow = np.concatenate(undecided) if undecided else todo
    else:
        slow = todo
    for row in slow.tolist():
        got, issue = _judge(texts[row], int(kinds[row]), default_country, allow_other_countries)
        digits[row] = got
        issues[row] = issue
    return digits, issues


def _judge(text: str, kind: int, default_country: str, allow_other: bool) -> tuple[str, NumberIssue]:
    text = clean_text(text)
    if not text:
        return "", NumberIssue.EMPTY
    if _SCIENTIFIC.fullmatch(text):
        return "", NumberIssue.SCIENTIFIC
    if kind == CellKind.NUMBER and _GROUPED.fullmatch(text):
        text = text.replace(",", "")  # a number cell shown with digit groups: 918,012,345,678
    tail = _FLOAT_TAIL.match(text)
    if tail:  # 8012345679.0, as some exports write whole numbers
        text = tail.group(1)
    elif kind == CellKind.NUMBER and "." in text:
        return "", NumberIssue.DECIMAL
    parts = [p for p in _BETWEEN_NUMBERS.split(text) if p]
    if len(parts) > 1 and sum(1 for p in parts if sum(ch.isdigit() for ch in p) >= 8) > 1:
        return "", NumberIssue.TWO_NUMBERS
    compact = _SEPARATORS.sub("", text)
    if default_country == "IN":
        match = _INDIAN.fullmatch(compact)
        if match:
            return "91" + match.group(1), NumberIssue.OK
    international = compact.startswith("+") or compact.startswith("00")
    body = compact[1:] if compact.startswith("+") else compact[2:] if international else compact
    if not body.isdigit() or not body.isascii():
        return "", NumberIssue.NOT_DIGITS
    return _judge_with_phonenumbers(body, international, default_country, allow_other)


def _judge_with_phonenumbers(body: str, international: bool, default_country: str, allow_other: bool) -> tuple[str, NumberIssue]:
    import phonenumbers

    default_code = phonenumbers.country_code_for_region(default_country)
    candidates: list[str] = []
    if international:
        candidates.append("+" + body)
    else:
        candidates.append(body)
        if len(body) > 10 and allow_other:
            candidates.append("+" + body)  # a foreign number written without its +
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, default_country)
        except phonenumbers.NumberParseException:
            continue
        national = str(parsed.national_number)
        if parsed.country_code == default_code:
            if not phonenumbers.is_valid_number(parsed):
                continue
            if default_country == "IN":
                kind = phonenumbers.number_type(parsed)
                if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
                    return f"91{national}", NumberIssue.LANDLINE
                if len(national) != 10 or national[0] < "6":
                    return "", NumberIssue.NOT_MOBILE
            return f"{parsed.country_code}{national}", NumberIssue.OK
        if phonenumbers.is_valid_number(parsed):
            if not allow_other:
                return "", NumberIssue.OTHER_COUNTRY
            return f"{parsed.country_code}{national}", NumberIssue.OK
        if international:
            return "", NumberIssue.INVALID_FOREIGN
    if international and not body.startswith(str(default_code)):
        return "", NumberIssue.INVALID_FOREIGN
    # Say what is wrong in terms of the default country's number length.
    national = body
    if default_country == "IN":
        if international and body.startswith("91"):
            national = body[2:]
        elif len(body) == 12 and body.startswith("91"):
            national = body[2:]
        elif len(body) == 11 and body.startswith("0"):
            national = body[1:]
        if len(national) < 10:
            return "", NumberIssue.TOO_SHORT
        if len(national) > 10:
            return "", NumberIssue.TOO_LONG
        return "", NumberIssue.NOT_MOBILE
    return "", NumberIssue.TOO_SHORT if len(body) < 8 else NumberIssue.TOO_LONG if len(body) > 12 else NumberIssue.NOT_MOBILE


def describe(issue: int, text: str, *, default_country: str = "IN") -> str:
    """Why a cell's text cannot be sent (or what is odd about it), and what to do."""
    shown = text if len(text) <= 40 else text[:37] + "…"
    cleaned = clean_text(text)
    digit_count = sum(ch.isdigit() for ch in cleaned)
    issue = NumberIssue(issue)
    indian = default_country == "IN"
    example = "an Indian mobile number has 10 digits, like 98765 43210 or +91 98765 43210" if indian else (
        "write it with its country code, like +44 7911 123456"
    )
    if issue == NumberIssue.EMPTY:
        return "has no phone number. Type the number, or leave the row out."
    if issue == NumberIssue.DAMAGED:
        return (
            f"'{shown}' is a number with more than 15 digits, so Excel has already changed its last digits. "
            "Format the column as Text in Excel and type the number again."
        )
    if issue == NumberIssue.SCIENTIFIC:
        return (
            f"'{shown}' is a phone number in scientific notation: its last digits are lost. "
            "Format the column as Text (or Number with no decimals) in Excel and type the number again."
        )
    if issue == NumberIssue.EXCEL_ERROR:
        return f"shows the Excel error '{shown}' instead of a phone number. Fix the formula or type the number."
    if issue == NumberIssue.NO_VALUE:
        return "holds a formula whose result was never saved. Open the file in Excel, save it, and open it again here."
    if issue == NumberIssue.WRONG_CELL:
        return f"'{shown}' is a date, time or TRUE/FALSE cell, not a phone number. Type the number as text."
    if issue == NumberIssue.DECIMAL:
        return f"'{shown}' has a fraction, so it is not a phone number. Type the number again."
    if issue == NumberIssue.NOT_DIGITS:
        return f"'{shown}' is not a phone number: it has letters or symbols. Keep only the digits (and a leading +)."
    if issue == NumberIssue.TOO_SHORT:
        return f"'{shown}' is not a phone number: it has only {digit_count} digits; {example}."
    if issue == NumberIssue.TOO_LONG:
        return f"'{shown}' is not a phone number: it has {digit_count} digits, too many; {example}."
    if issue == NumberIssue.NOT_MOBILE:
        return (
            f"'{shown}' is not a valid phone number: Indian mobile numbers start with 6, 7, 8 or 9 "
            "(landlines with their area code, like 080 2345 6789). Check the number."
            if indian
            else f"'{shown}' is not a valid phone number. Check the number."
        )
    if issue == NumberIssue.LANDLINE:
        return f"'{shown}' looks like a landline, not a mobile number. It will be called; check the number if the flow expects a mobile."
    if issue == NumberIssue.TWO_NUMBERS:
        return f"'{shown}' holds more than one phone number. Keep one number per cell: move the others to an alternate number column."
    if issue == NumberIssue.OTHER_COUNTRY:
        return (
            f"'{shown}' is a number of another country. Only {default_country} numbers are allowed; "
            "allow other countries in the mapping if this is intended."
        )
    if issue == NumberIssue.INVALID_FOREIGN:
        return f"'{shown}' is not a valid number for its country code. Check the number."
    return f"'{shown}' is fine."
