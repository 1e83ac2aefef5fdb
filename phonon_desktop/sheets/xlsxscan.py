"""Cheap passes over an .xlsx sheet's XML for what python-calamine does not report.

Two passes. The extent check must finish before python-calamine parses the sheet: it does
one literal-prefix regular expression per inflated piece (cells past column Z or row
999,999), because the fast reader allocates the whole rectangle from the first to the last
cell at once: a few-kilobyte file with cells in A1 and ZZ200000 would otherwise take
gigabytes, and a failed allocation there ends the program. The detail scan (hidden rows and
columns, error cells, formulas never calculated, zero-padded formats) works on pieces cut at
row boundaries, runs its slower patterns only on pieces that contain what they look for, and
can run beside the parse.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from posixpath import join, normpath

import numpy as np
from defusedxml import ElementTree

from phonon_desktop.sheets import guard
from phonon_desktop.sheets.guard import ReadLimits, display_name
from phonon_desktop.sheets.headers import column_index
from phonon_desktop.sheets.model import SheetError

_CHUNK = 2 * 1024 * 1024

try:  # optional speed-up; zlib does the same work a little slower
    from isal.isal_zlib import decompressobj as _isal_decompressobj

    def _raw_inflate():
        return _isal_decompressobj(-15)
except ImportError:  # pragma: no cover - isal is a dependency, but never required
    _raw_inflate = None

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_R = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_COL_HIDDEN = re.compile(rb"<(?:\w+:)?col\b([^>]*)/?>")
_MIN = re.compile(rb'\bmin="(\d+)"')
_MAX = re.compile(rb'\bmax="(\d+)"')
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*?)(/>|>(.*?)</(?:\w+:)?c>)', re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_TYPE = re.compile(rb'\bt="(\w+)"')
# Literal-prefix patterns (fast): a two-letter column, or a row number of seven digits. The
# possessive "?+" never gives the first letter back, which makes the common miss (r="A12")
# fail sooner: about a quarter less time on the pass that precedes the parse (measured).
_FAR_CELL = re.compile(rb'r="[A-Z]?+(?:[A-Z]|\d{7})')
_ANY_ROW = re.compile(rb'r="[A-Z]*(\d+)"')
_WIDE_REF = re.compile(rb'r="([A-Z]{2,})\d')
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_PREFIXED_ROOT = re.compile(rb"<(\w+):worksheet\b")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')


def sheet_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the sheet called ``name`` (from workbook.xml and its rels)."""
    cache = getattr(archive, "_phonon_sheet_members", None)
    if cache is None:
        cache = _sheet_members(archive)
        archive._phonon_sheet_members = cache  # type: ignore[attr-defined]
    return cache.get(name)


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # calamine will report a damaged workbook in its own words
        return {}
    targets = {}
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        targets[rel.get("Id")] = path
    result = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        member = targets.get(sheet.get(f"{_NS_REL}id"))
        if member and member in archive.NameToInfo:
            result[sheet.get("name", "")] = member
    return result


def declared_size(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """Rows and columns of a big sheet without loading it: its <dimension>, else an estimate.

    Files written by scripts often leave <dimension> out; then the row count is estimated
    from the size of the first rows, so the sheet list can still say "about 1,000,000 rows".
    """
    try:
        with archive.open(member) as handle:
            head = handle.read(256 * 1024)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return 0, 0  # the sheet is damaged: reading it will say so in words
    found = _DIMENSION.search(head[:8192])
    if found and found.group(3):
        return int(found.group(4)), column_index(found.group(3).decode()) + 1
    start = head.find(b"<sheetData")
    rows = _ROW_END.findall(head, max(start, 0))
    if not rows:
        return (1, 1) if found else (0, 0)
    last_end = [m.end() for m in _ROW_END.finditer(head, max(start, 0))][-1]
    per_row = (last_end - max(start, 0)) / len(rows)
    columns = max((column_index(c.decode()) + 1 for c, _ in _REF.findall(head[:last_end])), default=1)
    return max(1, int(archive.getinfo(member).file_size / per_row)), columns


def _inflated(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes, inflated piece by piece, never past the size its directory declares.

    Uses ISA-L (isal) when present: about twice as fast as zlib on this scan's hot path.
    """
    info = archive.getinfo(member)
    if _raw_inflate is None or info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        with archive.open(member) as handle:
            while data := handle.read(_CHUNK):
                yield data
        return
    budget = info.file_size + 1024  # a directory that under-declares a member is lying
    with open(archive.filename, "rb") as raw:  # type: ignore[arg-type]
        raw.seek(info.header_offset)
        header = raw.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local header")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        raw.seek(info.header_offset + 30 + name_length + extra_length)
        left = info.compress_size
        inflater = _raw_inflate()
        produced = 0
        while left > 0:
            compressed = raw.read(min(left, 1024 * 1024))
            if not compressed:
                raise EOFError("member cut short")
            left -= len(compressed)
            while compressed:
                data = inflater.decompress(compressed, _CHUNK)
                compressed = inflater.unconsumed_tail
                produced += len(data)
                if produced > budget:
                    raise zipfile.BadZipFile("member larger than declared")
                if data:
                    yield data
                if not data and not compressed:
                    break
        tail = inflater.flush()
        if tail:
            produced += len(tail)
            if produced > budget:
                raise zipfile.BadZipFile("member larger than declared")
            yield tail


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's XML in pieces that each end on a row boundary."""
    carry = b""
    for data in _inflated(archive, member):
        data = carry + data if carry else data
        cut = data.rfind(b"row>")
        if cut < 0 or len(data) - cut > 1_000_000:
            cut = len(data) - 4
        else:
            cut += 4
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def _zero_padded_styles(archive: zipfile.ZipFile) -> dict[bytes, int]:
    """Style indices whose number format is all zeros ("0000000000"), with the digits shown."""
    return _number_styles(archive)[0]


def zero_padded_width(code: str) -> int:
    """Digits an all-zeros format ("00000000000", "\\0000") shows; 0 for any other format."""
    bare = code.replace("\\", "").replace('"', "")
    return len(bare) if len(bare) >= 2 and set(bare) == {"0"} else 0


def _number_styles(archive: zipfile.ZipFile) -> tuple[dict[bytes, int], dict[bytes, str]]:
    """Style indices whose number format pads with zeros (with the digits shown), and those
    with any other format that changes how a number shows (with its code).

    General, text and date formats are left out: dates are read as dates already.
    """
    from phonon_desktop.sheets.numfmt import BUILTIN_FORMATS, compile_format

    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except Exception:
        return {}, {}
    codes = {}
    for fmt in styles.iter(f"{_NS_MAIN}numFmt"):
        codes[fmt.get("numFmtId")] = fmt.get("formatCode") or ""
    padded, formatted = {}, {}
    xfs = styles.find(f"{_NS_MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        number_format = xf.get("numFmtId") or "0"
        code = codes.get(number_format)
        if code is None and number_format.isdigit():
            code = BUILTIN_FORMATS.get(int(number_format))
        if not code:
            continue
        width = zero_padded_width(code)
        if width:
            padded[str(index).encode()] = width
        elif compile_format(code) is not None:
            formatted[str(index).encode()] = code
    return padded, formatted


class _FormattedCells:
    """Finds the number cells that use a formatted style, a piece of sheet XML at a time.

    Excel and openpyxl write a cell's attributes as r, s, t, without a namespace prefix: one
    literal-prefix pattern per style finds those at C speed, each match only the reference
    ("F123"), and numpy turns the references into rows and columns. A piece where a style
    appears more often than its pattern found (another writer's attribute order or prefix,
    or a text cell) is searched again with a pattern that takes the attributes in any order.
    """

    def __init__(self, styles: dict[bytes, str]) -> None:
        self.styles = styles
        self.ordered = {
            style: re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})" s="' + style + rb'"(?: t="n")?[/>]') for style in styles
        }
        choices = b"|".join(sorted(styles, key=len, reverse=True))
        self.any_order = re.compile(
            rb'<(?:\w+:)?c\b(?=[^>]*\bs="(' + choices + rb')")(?=[^>]*\br="([A-Z]{1,3})(\d+)")([^>]*)>'
        )
        self.markers = {style: b' s="' + style + b'"' for style in styles}

    def add(self, chunk: bytes, extras) -> None:
        for style, pattern in self.ordered.items():
            marker = self.markers[style]
            expected = chunk.count(marker)
            if not expected:
                continue
            typed = chunk.count(marker + b' t="')
            if typed:  # text, boolean and error cells are not looked for
                expected -= typed - chunk.count(marker + b' t="n"')
            refs = pattern.findall(chunk)
            if len(refs) < expected:
                refs = [letters + row for found_style, letters, row, attrs in self.any_order.findall(chunk)
                        if found_style == style and _cell_type(attrs) in (b"", b"n")]
            if refs:
                rows0, cols0 = _positions(refs)
                extras.add_formatted(self.styles[style], rows0, cols0)


def _positions(refs: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """0-based rows and columns of cell references such as b"F123", computed together."""
    grid = np.array(refs)
    width = grid.dtype.itemsize
    codes = grid.view(np.uint8).reshape(len(refs), width).astype(np.int64)
    letters = (codes >= 65) & (codes <= 90)
    digits = (codes >= 48) & (codes <= 57)
    letter_count = letters.sum(axis=1, keepdims=True)
    digit_count = digits.sum(axis=1, keepdims=True)
    place = np.arange(width)
    row_power = np.where(digits, letter_count + digit_count - 1 - place, 0)
    rows = (np.where(digits, codes - 48, 0) * 10**row_power).sum(axis=1)
    column_power = np.where(letters, letter_count - 1 - place, 0)
    columns = (np.where(letters, codes - 64, 0) * 26**column_power).sum(axis=1)
    return rows - 1, columns - 1


def _cell_type(attrs: bytes) -> bytes:
    found = _TYPE.search(attrs)
    return found.group(1) if found else b""


def _cell_position(attributes: bytes) -> tuple[int, int] | None:
    found = _REF.search(attributes)
    if not found:
        return None
    return int(found.group(2)) - 1, column_index(found.group(1).decode())


def _pieces(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's XML as inflated, in pieces cut anywhere (no copying to align them)."""
    return _inflated(archive, member)


# Longest cell reference the extent pattern must see whole (r="XFD1048576" and a margin).
_SEAM = 32


def check_extent(path: str | os.PathLike, archive: zipfile.ZipFile, member: str, limits: ReadLimits,
                 stop: Callable[[], None] | None = None,
                 progress: Callable[[float], None] | None = None) -> int:
    """Refuse a sheet whose cells span a rectangle too large to hold (before loading it).

    This is the only pass that must finish before python-calamine parses the sheet, so it
    does one search per inflated piece (C speed) and nothing else. A reference cut in two by
    a piece boundary is caught by also searching the few bytes around each boundary.
    ``progress`` is told the share of the sheet's XML checked so far (0 to 1). Returns the
    number of the last row element in the sheet (0 if none is found): the sheet's row count
    when its rows are in order, as every spreadsheet program writes them.
    """
    max_col = 25  # column Z: below that the rectangle cannot get too large
    far_row = 0
    tail = b""
    size = max(archive.getinfo(member).file_size, 1)
    checked = 0
    previous = last = b""
    try:
        for piece in _pieces(archive, member):
            if stop is not None:
                stop()
            checked += len(piece)
            previous, last = last, piece
            if progress is not None:
                progress(min(checked / size, 1.0))
            if _FAR_CELL.search(piece) or (tail and _FAR_CELL.search(tail + piece[:_SEAM])):
                window = tail + piece  # rare: the piece with the end of the previous one
                far_row = max(far_row, max(map(int, _ANY_ROW.findall(window)), default=0))
                if far_row > limits.max_rows + 200:
                    raise guard.too_many_rows_error(path, limits)
                for letters in _WIDE_REF.findall(window):
                    max_col = max(max_col, column_index(letters.decode()))
                if max_col >= limits.max_columns + 26:
                    raise _too_wide(path, limits)
            tail = piece[-_SEAM:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, PermissionError):
            raise guard.locked_error(path) from exc
        raise guard.corrupt_error(path) from exc
    # Rows below 1,000,000 have at most six digits, so only a very wide sheet needs its
    # exact last row counted (a second pass, paid only by sheets of 40+ columns).
    rows_bound = max(far_row, 999_999)
    if rows_bound * (max_col + 1) > limits.max_cells:
        rows_bound = _last_row(path, archive, member)
    if rows_bound * (max_col + 1) > limits.max_cells:
        raise _too_wide(path, limits)
    return _last_row_element(previous[-_LAST_ROWS_BYTES:] + last)


# Bytes at the end of the sheet's XML searched for its last row element (a row of a few
# hundred cells fits many times over).
_LAST_ROWS_BYTES = 256 * 1024
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')


def _last_row_element(end: bytes) -> int:
    numbers = _ROW_NUMBER.findall(end[-_LAST_ROWS_BYTES:])
    return int(numbers[-1]) if numbers else 0


def scan_sheet(path: str | os.PathLike, archive: zipfile.ZipFile, member: str, limits: ReadLimits,
               *, extent: bool = True, details: bool = True, stop: Callable[[], None] | None = None):
    """The extent check (``extent``) and then the sheet's extras (``details``).

    ``stop`` is called between pieces and may raise to end the scan (the operator cancelled).
    """
    from phonon_desktop.sheets.workbook import SheetExtras

    if extent:
        check_extent(path, archive, member, limits, stop)
    if not details:
        return SheetExtras()
    return scan_details(path, archive, member, limits, stop)


def scan_details(path: str | os.PathLike, archive: zipfile.ZipFile, member: str, limits: ReadLimits,
                 stop: Callable[[], None] | None = None):
    """Hidden rows and columns, error cells, formulas never calculated, zero-padded numbers.

    Each piece is first searched for the few bytes every such cell must contain; a sheet
    with none of them (most contact lists) costs one inflate and a few byte searches.
    """
    from phonon_desktop.sheets.workbook import SheetExtras

    extras = SheetExtras()
    padded_styles, formatted_styles = _number_styles(archive)
    formatted_cells = _FormattedCells(formatted_styles) if formatted_styles else None
    padded_cell = (
        re.compile(rb'<(?:\w+:)?c\b([^>]*\bs="(?:' + b"|".join(padded_styles) + rb')"[^>]*)>')
        if padded_styles else None
    )
    data_started = False
    formula_tag: bytes | None = None  # b"<f", or b"<x:f" in a sheet written with a prefix
    try:
        for chunk in _chunks(archive, member):
            if stop is not None:
                stop()
            if formula_tag is None:
                root = _PREFIXED_ROOT.search(chunk)
                formula_tag = b"<" + root.group(1) + b":f" if root else b"<f"
            if not data_started and b"<col" in chunk:  # <cols> comes before <sheetData>
                for attrs in _COL_HIDDEN.findall(chunk):
                    if _HIDDEN.search(attrs):
                        lo, hi = _MIN.search(attrs), _MAX.search(attrs)
                        if lo and hi:
                            first, last_col = int(lo.group(1)), min(int(hi.group(1)), limits.max_columns + 26)
                            extras.hidden_columns.update(range(first - 1, last_col))
            data_started = data_started or b"sheetData" in chunk
            if b'hidden="' in chunk:
                for attrs in _ROW_TAG.findall(chunk):
                    if _HIDDEN.search(attrs):
                        r = _ROW_R.search(attrs)
                        if r:
                            extras.hidden_rows.add(int(r.group(1)))
            if b't="e"' in chunk:
                for attrs, _, inner in _ERROR_CELL.findall(chunk):
                    pos = _cell_position(attrs)
                    value = _VALUE.search(inner)
                    if pos is not None:
                        extras.errors[pos] = value.group(1).decode("utf-8", "replace") if value else "#N/A"
            if formula_tag in chunk:  # one search per piece: each costs ~0.3 s per million rows
                for match in _FORMULA_CELL.finditer(chunk):
                    attrs, value = match.group(1), match.group(2)
                    cell_type = _TYPE.search(attrs)
                    if value is not None and cell_type and cell_type.group(1) in (b"str", b"inlineStr"):
                        continue  # a formula whose result is an empty text
                    pos = _cell_position(attrs)
                    if pos is not None:
                        extras.formulas_without_value.add(pos)
            if padded_cell is not None:
                for attrs in padded_cell.findall(chunk):
                    cell_type = _TYPE.search(attrs)
                    if cell_type and cell_type.group(1) != b"n":
                        continue
                    pos = _cell_position(attrs)
                    if pos is not None:
                        style = re.search(rb'\bs="(\d+)"', attrs)
                        extras.zero_padded[pos] = padded_styles.get(style.group(1), 0) if style else 0
            if formatted_cells is not None:
                formatted_cells.add(chunk, extras)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, PermissionError):
            raise guard.locked_error(path) from exc
        raise guard.corrupt_error(path) from exc
    return extras


def _last_row(path: str | os.PathLike, archive: zipfile.ZipFile, member: str) -> int:
    last = 0
    try:
        for chunk in _chunks(archive, member):
            found = _ANY_ROW.findall(chunk)
            if found:
                last = max(last, max(map(int, found)))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise guard.corrupt_error(path) from exc
    return last


def _too_wide(path: str | os.PathLike, limits: ReadLimits) -> SheetError:
    return SheetError(
        f"“{display_name(path)}” has cells spread over more rows and columns than Phonon Desktop "
        f"reads at once (at most {limits.max_columns:,} columns and {limits.max_cells:,} cells). "
        "Delete the rows and columns you do not use, or split the list, and save a copy.",
        path=str(path),
        reason="too_big",
    )


_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/>|>(.*?)</table:table-row>)", re.S)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/>|>(.*?)</table:(?:covered-)?table-cell>)", re.S)
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')
_ODS_TABLE_START = re.compile(rb"<table:table\b")


def check_ods_extent(path: str | os.PathLike, archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Refuse an .ods whose repeated rows and cells would expand past the cell budget.

    ODS compresses "this cell, 16,000 times, on 1,000,000 rows" into a few bytes; the reader
    would expand it. Empty repeats (how spreadsheets pad the rest of the grid) cost nothing.
    """
    if "content.xml" not in archive.NameToInfo:
        return
    rows_done = 0  # rows of the current table seen so far (with repeats)
    last_valued_row = 0
    widest = 0
    try:
        for chunk in _chunks(archive, "content.xml"):
            if b"-repeated=" not in chunk:
                if _ODS_TABLE_START.search(chunk):
                    rows_done = 0
                rows_done += chunk.count(b"<table:table-row")
                last_valued_row = max(last_valued_row, rows_done)
                continue
            for match in _ODS_ROW.finditer(chunk):
                attrs, body = match.group(1), match.group(3) or b""
                repeated = _ROWS_REPEATED.search(attrs)
                count = int(repeated.group(1)) if repeated else 1
                if b"office:value-type" in body:
                    column = 0
                    for cell in _ODS_CELL.finditer(body):
                        cell_repeat = _COLUMNS_REPEATED.search(cell.group(1))
                        span = int(cell_repeat.group(1)) if cell_repeat else 1
                        column += span
                        if b"office:value-type" in cell.group(1):
                            widest = max(widest, column)
                    last_valued_row = rows_done + count
                rows_done += count
                if (last_valued_row > limits.max_rows + 200 or widest > limits.max_columns + 26
                        or last_valued_row * max(widest, 1) > limits.max_cells):
                    raise _too_wide(path, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise guard.corrupt_error(path) from exc
