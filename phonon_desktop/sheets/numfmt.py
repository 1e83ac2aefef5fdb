"""Excel number formats: the text a formatted number cell shows (``0%`` makes 0.15 "15%").

``display_number(value, code)`` gives that text, or ``None`` when the format is one this module
does not render exactly (dates and times, fractions, engineering notation, odd placements),
in which case the cell keeps its plain number text. Rendering follows Excel in an en-US/en-IN
setting: "." for decimals, "," between groups of three digits, rounding half away from zero on
the number's 15 significant digits (1.005 with ``0.00`` shows "1.01", as in Excel).

A format is compiled once (``compile_format``) into a function of the value; callers render
each distinct value once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import numpy as np

Render = Callable[[float], "str | None"]

# Built-in formats (numFmtId 0-49) as Excel in en-US/en-IN writes them. Ids whose text depends
# on the computer's currency or date settings (5-8, 42, 44, 27-36) are left out: a cell using
# one keeps its plain number text. Dates and times (14-22, 45-47) are listed so they are known
# as dates, and are never rendered here.
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}

_COLOURS = re.compile(r"^(black|blue|cyan|green|magenta|red|white|yellow|color\s*\d{1,2})$", re.IGNORECASE)
_CONDITION = re.compile(r"^(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)$")
_ELAPSED = re.compile(r"^(h+|m+|s+)$", re.IGNORECASE)
# Characters Excel shows as themselves without quotes.
_PLAIN_LITERALS = set("$-+/():!^&'~{}<>= ")
_DATE_LETTERS = set("yYmMdDhHsSbBgG")


class _Unsupported(Exception):
    """A format this module does not render exactly."""


@dataclass
class _Section:
    items: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): "lit", "int", "frac", "exp", "dot", "general"
    condition: tuple[str, float] | None = None
    percent: int = 0
    scale_commas: int = 0
    grouping: bool = False
    scientific: bool = False
    exp_sign: str = ""  # "+" shows the exponent's sign always, "-" only when negative
    has_text: bool = False
    general: bool = False
    is_date: bool = False
    is_fraction: bool = False


def is_date_format(code: str) -> bool:
    """Whether the format shows dates or times (those cells are read as dates elsewhere)."""
    try:
        return any(s.is_date for s in _parse(code))
    except _Unsupported:
        return False


def display_number(value: float, code: str) -> str | None:
    """The text Excel shows for ``value`` under format ``code``; None to keep the plain text."""
    render = compile_format(code)
    if render is None:
        return None
    return render(value)


@lru_cache(maxsize=1024)
def compile_format(code: str) -> Render | None:
    """A function rendering values with ``code``, or None when the format is not rendered here
    (General, text, dates, times, fractions and the rest this module cannot show exactly)."""
    if not code or code.strip().lower() == "general":
        return None
    try:
        sections = _parse(code)
    except _Unsupported:
        return None
    numeric = sections[:3]
    if any(s.is_date or s.is_fraction or s.has_text for s in numeric):
        return None
    if len(sections) > 4:
        return None
    renders = [_section_render(s) for s in numeric]
    if any(r is None for r in renders):
        return None
    conditional = any(s.condition for s in numeric)

    def render(value: float) -> str | None:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if conditional:
            index = _conditional_section(numeric, value)
            if index is None or value < 0:
                return None  # the sign rules of conditional sections are not certain
            text = renders[index](value, False)  # type: ignore[misc]
        elif value < 0 and len(numeric) >= 2:
            text = renders[1](-value, False)  # type: ignore[misc]
        elif value == 0 and len(numeric) >= 3:
            text = renders[2](0.0, False)  # type: ignore[misc]
        else:
            text = renders[0](abs(value), value < 0)  # type: ignore[misc]
        return text.strip(" ") if text is not None else None

    quick = _quick_layout(numeric[0]) if len(sections) == 1 else None
    return _quick_render(quick, render) if quick is not None else render


def _conditional_section(sections: list[_Section], value: float) -> int | None:
    first = sections[0].condition
    if first is None or _meets(first, value):
        return 0 if first is not None else None
    if len(sections) < 2:
        return None
    second = sections[1].condition
    if second is None or _meets(second, value):
        return 1
    return 2 if len(sections) > 2 else None


def _meets(condition: tuple[str, float], value: float) -> bool:
    op, bound = condition
    return {
        "<": value < bound, ">": value > bound, "=": value == bound,
        "<=": value <= bound, ">=": value >= bound, "<>": value != bound,
    }[op]


def _parse(code: str) -> list[_Section]:
    sections = [_Section()]
    i, n = 0, len(code)
    in_fraction = False
    in_exponent = False

    def section() -> _Section:
        return sections[-1]

    def literal(text: str) -> None:
        section().items.append(("lit", text))

    while i < n:
        ch = code[i]
        s = section()
        if ch == '"':
            end = code.find('"', i + 1)
            if end < 0:
                raise _Unsupported
            literal(code[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\":
            if i + 1 >= n:
                raise _Unsupported
            literal(code[i + 1])
            i += 2
            continue
        if ch == "_":
            literal(" ")  # a space as wide as the next character
            i += 2
            continue
        if ch == "*":
            i += 2  # fill to the column's width: nothing in the text
            continue
        if ch == "[":
            end = code.find("]", i + 1)
            if end < 0:
                raise _Unsupported
            _bracket(code[i + 1 : end], s, literal)
            i = end + 1
            continue
        if ch == ";":
            sections.append(_Section())
            in_fraction = in_exponent = False
            i += 1
            continue
        if code[i : i + 7].lower() == "general":
            s.general = True
            s.items.append(("general", ""))
            i += 7
            continue
        if ch in "0#?":
            kind = "exp" if in_exponent else ("frac" if in_fraction else "int")
            s.items.append((kind, ch))
            i += 1
            continue
        if ch == ".":
            if in_fraction or in_exponent:
                raise _Unsupported
            in_fraction = True
            s.items.append(("dot", "."))
            i += 1
            continue
        if ch == ",":
            s.items.append(("comma", ","))
            i += 1
            continue
        if ch == "%":
            s.percent += 1
            literal("%")
            i += 1
            continue
        if ch in "eE" and i + 1 < n and code[i + 1] in "+-":
            if in_exponent:
                raise _Unsupported
            s.scientific = True
            s.exp_sign = code[i + 1]
            in_exponent = True
            i += 2
            continue
        if ch == "@":
            s.has_text = True
            i += 1
            continue
        if ch == "/":
            if any(k in ("int", "frac") for k, _ in s.items) and i + 1 < n and code[i + 1] in "0#?123456789":
                s.is_fraction = True
            literal("/")
            i += 1
            continue
        if code[i : i + 5].upper() == "AM/PM" or code[i : i + 3].upper() == "A/P":
            s.is_date = True
            i += 5 if code[i : i + 5].upper() == "AM/PM" else 3
            continue
        if ch in _DATE_LETTERS:
            s.is_date = True
            i += 1
            continue
        if ch in _PLAIN_LITERALS or ord(ch) > 127:
            literal(ch)
            i += 1
            continue
        raise _Unsupported
    for s in sections:
        _settle_commas(s)
    return sections


def _bracket(inner: str, s: _Section, literal: Callable[[str], None]) -> None:
    text = inner.strip()
    if _COLOURS.match(text):
        return
    condition = _CONDITION.match(text)
    if condition:
        s.condition = (condition.group(1), float(condition.group(2)))
        return
    if text.startswith("$"):
        literal(text[1:].split("-", 1)[0])  # [$₹-4009]: the symbol; [$-409]: a locale only
        return
    if _ELAPSED.match(text):
        s.is_date = True
        return
    raise _Unsupported


def _settle_commas(s: _Section) -> None:
    """A comma between digit placeholders groups thousands; right after the last one it divides
    by 1,000; anywhere else it is shown as it is."""
    kept: list[tuple[str, str]] = []
    for i, (kind, text) in enumerate(s.items):
        if kind != "comma":
            kept.append((kind, text))
            continue
        before = [k for k, _ in s.items[:i]]
        after = [k for k, _ in s.items[i + 1 :]]
        digit_before = any(k in ("int", "frac") for k in before)
        if digit_before and "int" in after and "frac" not in before:
            s.grouping = True
        elif digit_before and all(k == "comma" for k in before[_last_digit(before) + 1 :]):
            s.scale_commas += 1
        else:
            kept.append(("lit", ","))
    s.items = kept


def _last_digit(kinds: list[str]) -> int:
    return max(i for i, k in enumerate(kinds) if k in ("int", "frac"))


def _section_render(s: _Section) -> Callable[[float, bool], str | None] | None:
    """A function of (absolute value, negative) for one section; None when not rendered exactly."""
    ints = [t for k, t in s.items if k == "int"]
    fracs = [t for k, t in s.items if k == "frac"]
    exps = [t for k, t in s.items if k == "exp"]
    if s.general:
        return None if ints or fracs or s.scientific else _general_render(s)
    if s.scientific:
        return _scientific_render(s, ints, fracs, exps)
    required = len(fracs) - fracs[::-1].index("0") if "0" in fracs else 0
    if any(t != "0" for t in fracs[:required]):
        return None  # an optional digit before a required one: not a layout Excel users write
    int_slots = [i for i, (k, _) in enumerate(s.items) if k == "int"]
    if s.grouping and ("?" in ints or any(k == "lit" for k, _ in s.items[int_slots[0] : int_slots[-1] + 1])):
        return None  # grouping mixed with spaces or text between the digits
    min_int_digits = len(ints) - ints.index("0") if "0" in ints else 0
    decimals = len(fracs)
    power = 10**decimals
    scale = 100.0**s.percent / 1000.0**s.scale_commas
    items = s.items

    def render(value: float, negative: bool) -> str | None:
        # Rounded half away from zero on the 15 significant digits Excel keeps: 1.005 → "1.01".
        rounded = int(float("%.15g" % (value * scale * power)) + 0.5)
        if negative and rounded == 0:
            return None  # whether Excel shows "-0" here is not certain
        whole, part = divmod(rounded, power)
        digits = "%d" % whole if whole else ""
        if len(digits) < min_int_digits:
            digits = digits.rjust(min_int_digits, "0")
        fraction = _fraction_digits("%0*d" % (decimals, part), fracs, required) if decimals else []
        text = _place(items, int_slots, digits, fraction, s.grouping)
        return "-" + text if negative else text

    return render


@dataclass(frozen=True)
class _Quick:
    template: str  # str.format template: prefix, "{:,.2f}"-like field, suffix
    factor: float  # percent and thousands scaling, times 10**decimals
    power: float  # 10**decimals
    prefix: str = ""
    suffix: str = ""
    decimals: int = 0
    grouping: bool = False
    min_digits: int = 1


def _quick_layout(s: _Section) -> _Quick | None:
    """The common one-section layouts ("0.00", "#,##0", "0%", "₹"#,##0.00, "00000"), which
    Python's own number formatting renders: several times faster than placing digit by digit."""
    kinds = [k for k, _ in s.items]
    ints = [t for k, t in s.items if k == "int"]
    fracs = [t for k, t in s.items if k == "frac"]
    if not ints or s.general or s.scientific or s.condition or "?" in ints or any(t != "0" for t in fracs):
        return None
    first, last = kinds.index("int"), len(kinds) - 1 - kinds[::-1].index("int")
    body_end = last + 1 + (1 + len(fracs) if fracs else 0)
    body = kinds[first:body_end]
    if body != ["int"] * len(ints) + (["dot"] + ["frac"] * len(fracs) if fracs else []):
        return None
    if any(k != "lit" for k in kinds[:first] + kinds[body_end:]):
        return None
    min_digits = len(ints) - ints.index("0") if "0" in ints else 0
    if min_digits == 0 or (min_digits > 1 and s.grouping):
        return None  # "#,###" shows nothing for zero; zero-padded groups are rare: the full path
    decimals = len(fracs)
    width = min_digits + (decimals + 1 if decimals else 0)
    prefix = "".join(t for _, t in s.items[:first]).lstrip(" ")
    suffix = "".join(t for _, t in s.items[body_end:]).rstrip(" ")

    def escaped(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    template = escaped(prefix) + "{:0%d%s.%df}" % (width, "," if s.grouping else "", decimals) + escaped(suffix)
    factor = 100.0**s.percent / 1000.0**s.scale_commas * 10**decimals
    return _Quick(template, factor, float(10**decimals), prefix, suffix, decimals, s.grouping, min_digits)


@lru_cache(maxsize=1024)
def _quick(code: str) -> _Quick | None:
    if compile_format(code) is None:
        return None
    sections = _parse(code)
    return _quick_layout(sections[0]) if len(sections) == 1 else None


def display_numbers(values: np.ndarray, code: str) -> np.ndarray | None:
    """``display_number`` for a whole array of values at once (object array; None where a cell
    keeps its plain text), or None when the format is not rendered here.

    The common layouts are rounded by numpy and formatted by one C call per cell; values next
    to a rounding tie (where binary and decimal disagree, 1.005) and the rest go the exact way.
    """
    render = compile_format(code)
    if render is None:
        return None
    values = np.asarray(values, dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    quick = _quick(code)
    if quick is None:
        shown: dict[float, str | None] = {}
        out[:] = [shown[v] if v in shown else shown.setdefault(v, render(v)) for v in values.tolist()]
        return out
    with np.errstate(invalid="ignore", over="ignore"):
        magnitudes = np.abs(values) * quick.factor
        rounded = np.floor(magnitudes + 0.5)
        near_tie = np.abs(magnitudes - np.floor(magnitudes) - 0.5) <= magnitudes * 1e-12 + 1e-9
        odd = near_tie | ~(magnitudes < 2.0**52)
    if quick.decimals <= 4:
        out[:] = _texts_of_rounded(np.where(odd, 0, rounded).astype(np.int64), quick)
    else:
        out[:] = list(map(quick.template.format, (rounded / quick.power).tolist()))
    for i in np.flatnonzero((values < 0) & ~odd).tolist():
        out[i] = "-" + out[i] if rounded[i] else None
    for i in np.flatnonzero(odd).tolist():
        out[i] = render(float(values[i]))
    return out


def _lookup(texts: list[str]) -> np.ndarray:
    table = np.empty(len(texts), dtype=object)
    table[:] = texts
    return table


# Digit groups as text, looked up instead of formatted: a column of a million amounts is
# written by a few numpy additions of strings rather than a million format calls.
_LEADING = _lookup([str(i) for i in range(1000)])
_GROUPS = _lookup([f",{i:03d}" for i in range(1000)])
_FRACTIONS = {d: _lookup([f".{i:0{d}d}" for i in range(10**d)]) for d in range(1, 5)}


def _texts_of_rounded(rounded: np.ndarray, quick: _Quick) -> np.ndarray:
    """Texts of non-negative integers (the value times 10**decimals, already rounded) below 2**52."""
    power = 10**quick.decimals
    whole, part = np.divmod(rounded, power)
    if quick.grouping:
        texts = np.empty(len(rounded), dtype=object)
        groups = np.ones(len(rounded), dtype=np.int64)
        for threshold in (10**3, 10**6, 10**9, 10**12, 10**15):
            groups += whole >= threshold
        for count in np.unique(groups).tolist():
            at = np.flatnonzero(groups == count)
            rest = whole[at]
            text = _LEADING[rest // 1000 ** (count - 1)]
            for k in range(count - 2, -1, -1):
                text = text + _GROUPS[(rest // 1000**k) % 1000]
            texts[at] = text
    else:
        texts = _lookup(list(map(int.__repr__, whole.tolist())))
        if quick.min_digits > 1:
            texts = _lookup([t.zfill(quick.min_digits) for t in texts.tolist()])
    if quick.decimals:
        texts = texts + _FRACTIONS[quick.decimals][part]
    if quick.prefix:
        texts = quick.prefix + texts
    if quick.suffix:
        texts = texts + quick.suffix
    return texts


def _quick_render(quick: _Quick, full: Render) -> Render:
    power = quick.power

    def render(value: float) -> str | None:
        negative = value < 0
        scaled = float("%.15g" % ((-value if negative else value) * quick.factor))
        if not scaled < 2.0**52:  # also NaN and infinity; integers this large: the full path
            return full(value)
        rounded = int(scaled + 0.5)
        if negative and not rounded:
            return None  # whether Excel shows "-0" here is not certain
        text = quick.template.format(rounded / power)
        return "-" + text if negative else text

    return render


def _fraction_digits(digits: str, layout: list[str], required: int) -> list[str]:
    """One text per decimal placeholder: trailing zeros vanish under "#" and turn to spaces under "?"."""
    chars = list(digits)
    for i in range(len(chars) - 1, required - 1, -1):
        if chars[i] != "0":
            break
        chars[i] = "" if layout[i] == "#" else " "
    return chars


def _place(items: list[tuple[str, str]], int_slots: list[int], digits: str, fraction: list[str],
           grouping: bool) -> str:
    """Digits into the placeholders: right to left, the leftmost placeholder taking the rest."""
    out = [""] * len(items)
    if grouping:
        out[int_slots[0]] = _group(digits) if digits else ""
    else:
        rest = digits
        for n, i in enumerate(reversed(int_slots)):
            if n == len(int_slots) - 1:
                out[i] = rest or (" " if items[i][1] == "?" else "")
            elif rest:
                out[i], rest = rest[-1], rest[:-1]
            else:
                out[i] = " " if items[i][1] == "?" else ""
    decimals = iter(fraction)
    for i, (kind, text) in enumerate(items):
        if kind == "frac":
            out[i] = next(decimals)
        elif kind == "lit":
            out[i] = text
        elif kind == "dot":
            out[i] = "."
    return "".join(out)


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def _general_render(s: _Section) -> Callable[[float, bool], str | None]:
    from phonon_desktop.sheets.cells import number_text

    scale = 100.0 ** s.percent

    def render(value: float, negative: bool) -> str | None:
        shown = number_text(float("%.15g" % (value * scale)))[0]
        text = "".join(shown if k == "general" else t for k, t in s.items)
        return "-" + text if negative else text

    return render


def _scientific_render(s: _Section, ints: list[str], fracs: list[str], exps: list[str]):
    if ints != ["0"] or any(t != "0" for t in fracs) or not exps or any(t != "0" for t in exps):
        return None  # engineering (##0.0E+0) and optional digits are left as they are
    decimals = len(fracs)
    quantum = Decimal(1).scaleb(-decimals)

    def render(value: float, negative: bool) -> str | None:
        if value >= 100_000 and float(value).is_integer():
            # A whole number this long is a phone or an id far more often than a quantity:
            # Excel's own formula bar shows all its digits, and so does the list.
            return None
        number = Decimal("%.15g" % value)
        exponent = number.adjusted() if number else 0
        mantissa = number.scaleb(-exponent).quantize(quantum, rounding=ROUND_HALF_UP)
        if mantissa >= 10:
            exponent += 1
            mantissa = number.scaleb(-exponent).quantize(quantum, rounding=ROUND_HALF_UP)
        sign = "-" if exponent < 0 else ("+" if s.exp_sign == "+" else "")
        body = f"{mantissa}E{sign}{abs(exponent):0{len(exps)}d}"
        before = []
        after = []
        seen = False
        for kind, text in s.items:
            if kind in ("int", "frac", "dot", "exp"):
                seen = True
            elif kind == "lit":
                (after if seen else before).append(text)
        text = "".join(before) + body + "".join(after)
        return "-" + text if negative else text

    return render
