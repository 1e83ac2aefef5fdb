"""What python-calamine does not report about an .ods sheet, from its ``content.xml``.

Hidden rows and columns (``table:visibility="collapse"`` or ``"filter"``), error cells
(``calcext:value-type="error"``, which calamine reads as blank or 0) and the text a formatted
number cell shows: an .ods file stores it (``<text:p>15%</text:p>``), so it is taken as
written for cells whose style has a number format other than General.

The XML is untrusted: it is scanned with byte patterns (no entity is ever expanded), piece by
piece, and ``number-rows-repeated`` / ``number-columns-repeated`` are counted, never expanded
past the read's row and column budgets (a file may repeat a row a billion times).
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator

import numpy as np

from phonon_desktop.sheets import guard
from phonon_desktop.sheets.guard import ReadLimits

_CHUNK = 2 * 1024 * 1024
_ROW_END = b"</table:table-row>"
# In document order: a table starts or ends, a column is declared, or a whole row.
_ITEMS = re.compile(
    rb"<table:table(?=[\s>])([^>]*)>|(</table:table>)|<table:table-column(?=[\s/>])([^>]*?)/?>"
    rb"|<table:table-row(?=[\s/>])([^>]*?)(?:/>|>(.*?)" + _ROW_END + rb")",
    re.S,
)
_ROW_START = re.compile(rb"<table:table-row(?=[\s/>])([^>]*)>")
_CELL = re.compile(
    rb"<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)", re.S
)
_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ROWS_REPEATED = re.compile(rb'\bnumber-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'\bnumber-columns-repeated="(\d+)"')
_HIDDEN = re.compile(rb'\btable:visibility="(?:collapse|filter)"')
_ERROR = re.compile(rb'\b(?:\w+:)?value-type="error"')
_NUMBER_TYPE = re.compile(rb'\boffice:value-type="(float|percentage|currency)"')
_STYLE = re.compile(rb'\btable:style-name="([^"]*)"')
_DEFAULT_STYLE = re.compile(rb'\btable:default-cell-style-name="([^"]*)"')
# A number cell; its text when it is one plain paragraph (how spreadsheets write it).
_NUMBER_CELL = re.compile(
    rb'<table:table-cell\b([^>]*?\boffice:value-type="(?:float|percentage|currency)"[^>]*?)(?<!/)>'
    rb"(?:<text:p>([^<]*)</text:p></table:table-cell>)?"
)
# A number cell written style first, or with no style at all (not one whose style comes later).
_ORDERED_NUMBER_CELL = re.compile(
    rb'<table:table-cell (?:table:style-name="[^"]*" )?office:value-type="(?:float|percentage|currency)"'
    rb"(?![^>]*table:style-name=)"
)
_PARAGRAPH = re.compile(rb"<text:p\b[^>]*?(?:/>|>(.*?)</text:p>)", re.S)
_SPACES = re.compile(rb'<text:s\b(?:[^>]*?\btext:c="(\d+)")?[^>]*/>')
_TAG = re.compile(rb"<[^>]*>")
_CHAR_REF = re.compile(r"&#(x[0-9a-fA-F]+|\d+);")
# Styles: a cell style and the data style (number format) it uses.
_STYLE_TAG = re.compile(rb"<style:style\b([^>]*)>")
_STYLE_NAME = re.compile(rb'\bstyle:name="([^"]*)"')
_PARENT = re.compile(rb'\bstyle:parent-style-name="([^"]*)"')
_DATA_STYLE = re.compile(rb'\bstyle:data-style-name="([^"]*)"')
_NUMBER_STYLE = re.compile(
    rb'<number:(number|percentage|currency|date|time|boolean|text)-style\b[^>]*?\bstyle:name="([^"]*)"[^>]*?'
    rb"(?:/>|>(.*?)</number:\1-style>)",
    re.S,
)
_GENERAL_BODY = re.compile(rb'^\s*(?:<number:number\b(?![^>]*decimal-places)(?![^>]*grouping="true")[^>]*/>\s*)?$')


def scan_ods(path: str | os.PathLike, sheet_name: str, limits: ReadLimits,
             stop: Callable[[], None] | None = None):
    """The sheet's ``SheetExtras``: hidden rows (1-based) and columns, errors, shown numbers."""
    from phonon_desktop.sheets.workbook import SheetExtras

    extras = SheetExtras()
    try:
        with zipfile.ZipFile(path) as archive:  # its own handle: this runs beside calamine
            if "content.xml" not in archive.NameToInfo:
                return extras
            styles_xml = _small_member(archive, "styles.xml")
            _Scan(archive, sheet_name, limits, extras, styles_xml, stop).run()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, PermissionError):
            raise guard.locked_error(path) from exc
        raise guard.corrupt_error(path) from exc
    return extras


def _small_member(archive: zipfile.ZipFile, name: str, most: int = 32 * 1024 * 1024) -> bytes:
    info = archive.NameToInfo.get(name)
    if info is None or info.file_size > most:
        return b""
    return archive.read(name)


class _Scan:
    def __init__(self, archive: zipfile.ZipFile, sheet_name: str, limits: ReadLimits, extras,
                 styles_xml: bytes, stop: Callable[[], None] | None) -> None:
        self.archive = archive
        self.wanted = sheet_name
        self.extras = extras
        self.stop = stop
        self.last_row = limits.max_rows + 200
        self.last_column = limits.max_columns + 26
        self.styles_xml = styles_xml
        self.formatted: set[bytes] = set()  # cell styles whose number format is not General
        self.column_styles: list[bytes | None] = []  # default cell style of each column
        self.inside = False  # within the wanted table
        self.done = False
        self.row = 0  # 0-based row of the wanted table at the scan's position
        self._ordered_pattern: re.Pattern[bytes] | None = None

    def run(self) -> None:
        head_seen = False
        for chunk in self._chunks():
            if self.stop is not None:
                self.stop()
            if not head_seen:
                body = chunk.find(b"<office:body")
                self._read_styles(chunk if body < 0 else chunk[:body])
                head_seen = body >= 0
            if not self.inside and b"<table:table" not in chunk:
                continue
            if self.inside and self._plain_rows(chunk):
                if self._nothing_to_note(chunk):
                    self.row += chunk.count(_ROW_END)
                else:
                    self._formatted_in_plain_rows(chunk)
                continue
            self._walk(chunk)
            if self.done:
                return

    def _chunks(self) -> Iterator[bytes]:
        """content.xml in pieces that each end after a whole row."""
        carry = b""
        with self.archive.open("content.xml") as handle:
            while data := handle.read(_CHUNK):
                data = carry + data if carry else data
                cut = data.rfind(_ROW_END)
                if cut < 0:
                    carry = data
                    continue
                cut += len(_ROW_END)
                carry = data[cut:]
                yield data[:cut]
        if carry:
            yield carry

    def _read_styles(self, xml: bytes) -> None:
        """Cell styles (content.xml's automatic ones and styles.xml's) that carry a number format."""
        general: set[bytes] = set()
        cell_styles: dict[bytes, tuple[bytes | None, bytes | None]] = {}
        data_styles: set[bytes] = set()
        for source in (self.styles_xml, xml):
            for kind, name, body in _NUMBER_STYLE.findall(source):
                data_styles.add(name)
                if kind == b"number" and _GENERAL_BODY.match(body or b""):
                    general.add(name)
            for attrs in _STYLE_TAG.findall(source):
                name = _STYLE_NAME.search(attrs)
                if name:
                    data = _DATA_STYLE.search(attrs)
                    parent = _PARENT.search(attrs)
                    cell_styles[name.group(1)] = (data.group(1) if data else None, parent.group(1) if parent else None)
        self.styles_xml = b""
        for name in cell_styles:
            seen = set()
            current: bytes | None = name
            while current is not None and current not in seen:
                seen.add(current)
                data, parent = cell_styles.get(current, (None, None))
                if data is not None:
                    if data in data_styles and data not in general:
                        self.formatted.add(name)
                    break
                current = parent

    @staticmethod
    def _plain_rows(chunk: bytes) -> bool:
        """Whether a piece inside the table is only whole rows, none repeated, hidden or holding
        an error (most of a big sheet), so that its formatted numbers can be found in one go."""
        return not (
            b"<table:table " in chunk or b"</table:table>" in chunk or b"visibility=" in chunk
            or b"rows-repeated" in chunk or b'value-type="error"' in chunk or b"<table:table-column" in chunk
            or b"<table:table>" in chunk
        )

    def _nothing_to_note(self, chunk: bytes) -> bool:
        """Whether a piece of plain rows holds no number that shows through a format."""
        if b'value-type="percentage"' in chunk or b'value-type="currency"' in chunk:
            return False
        if any(style in self.formatted for style in self.column_styles):
            return b'value-type="float"' not in chunk
        return not any(b'style-name="' + name + b'"' in chunk for name in self.formatted)

    def _formatted_in_plain_rows(self, chunk: bytes) -> None:
        """The shown text of formatted number cells in a piece of plain rows, placed by numpy.

        Rows and cells are found by their opening bytes, a cell's column is the count of
        cells (with their ``number-columns-repeated``) before it in its row, and only the
        number cells go through Python, one pattern match each.
        """
        data = np.frombuffer(chunk, dtype=np.uint8)
        row_starts = _tag_starts(data, b"<table:table-row", b" >")
        cell_starts = np.sort(np.concatenate((
            _tag_starts(data, b"<table:table-cell", b" />"), _tag_starts(data, b"<table:covered-table-cell", b" />")
        )))
        widths = np.ones(len(cell_starts) + 1, dtype=np.int64)
        widths[-1] = 0
        if b"columns-repeated" in chunk:
            for found in _COLUMNS_REPEATED.finditer(chunk):
                owner = int(np.searchsorted(cell_starts, found.start(), side="right")) - 1
                if owner >= 0:
                    widths[owner] = max(int(found.group(1)), 1)
        before = np.concatenate(([0], np.cumsum(widths)))  # columns before each cell, in the piece
        row_first_cell = np.searchsorted(cell_starts, row_starts)
        styled_columns = any(style in self.formatted for style in self.column_styles)
        offsets: list[int] = []
        texts: list[str] = []
        by_column: list[bool] = []  # formatted only if its column's default style is
        numbers = sum(chunk.count(b'office:value-type="' + kind + b'"') for kind in (b"float", b"percentage", b"currency"))
        if not styled_columns and len(_ORDERED_NUMBER_CELL.findall(chunk)) == numbers:
            # Every number cell written style first (as LibreOffice writes them): one pattern
            # finds the formatted ones and nothing else.
            for match in self._ordered_formatted().finditer(chunk):
                text = _text_at(chunk, match.start(), match.group(1))
                if text:
                    offsets.append(match.start())
                    texts.append(text)
                    by_column.append(False)
        else:
            self._formatted_any_order(chunk, styled_columns, offsets, texts, by_column)
        base = self.row
        self.row += len(row_starts)
        if not offsets:
            return
        at = np.asarray(offsets, dtype=np.int64)
        row_of = np.searchsorted(row_starts, at, side="right") - 1
        cell_of = np.searchsorted(cell_starts, at)
        column_of = before[cell_of] - before[row_first_cell[row_of]]
        span = np.minimum(widths[cell_of], self.last_column)
        if (span > 1).any():  # a cell repeated over several columns shows in each of them
            which = np.repeat(np.arange(len(at)), span)
            step = np.arange(len(which)) - np.repeat(np.cumsum(span) - span, span)
            row_of, column_of = row_of[which], column_of[which] + step
            texts = [texts[i] for i in which.tolist()]
            by_column = [by_column[i] for i in which.tolist()]
        row_of += base
        keep = (row_of < self.last_row) & (column_of < self.last_column)
        if any(by_column):  # cells formatted by their column's default style, if it has a format
            column_formatted = np.array([style in self.formatted for style in self.column_styles] + [False])
            unstyled = np.asarray(by_column)
            keep &= ~unstyled | column_formatted[np.minimum(column_of, len(self.column_styles))]
        chosen = np.flatnonzero(keep)
        self.extras.add_shown(row_of[chosen], column_of[chosen], [texts[i] for i in chosen.tolist()])

    def _ordered_formatted(self) -> re.Pattern[bytes]:
        """Number cells written style first whose style has a format, or that are percentages or
        currency amounts; group 1 is their text when it is one plain paragraph."""
        if self._ordered_pattern is None:
            styles = b"|".join(re.escape(name) for name in sorted(self.formatted, key=len, reverse=True))
            formatted = (rb'table:style-name="(?:' + styles + rb')" office:value-type="(?:float|percentage|currency)"|'
                         if styles else b"")
            self._ordered_pattern = re.compile(
                rb"<table:table-cell (?:" + formatted
                + rb'(?:table:style-name="[^"]*" )?office:value-type="(?:percentage|currency)")[^>]*?(?<!/)>'
                rb"(?:<text:p>([^<]*)</text:p></table:table-cell>)?"
            )
        return self._ordered_pattern

    def _formatted_any_order(self, chunk: bytes, styled_columns: bool, offsets: list[int], texts: list[str],
                             by_column: list[bool]) -> None:
        for match in _NUMBER_CELL.finditer(chunk):
            attrs, shown = match.group(1), match.group(2)
            unstyled = False
            if b'office:value-type="float"' in attrs:
                style = _STYLE.search(attrs)
                if style is not None:
                    if style.group(1) not in self.formatted:
                        continue
                elif styled_columns:
                    unstyled = True
                else:
                    continue
            text = _text_at(chunk, match.start(), shown)
            if text:
                offsets.append(match.start())
                texts.append(text)
                by_column.append(unstyled)

    def _walk(self, chunk: bytes) -> None:
        for match in _ITEMS.finditer(chunk):
            table, table_end, column, row_attrs, row_body = match.groups()
            if table is not None:
                name = _NAME.search(table)
                if self.inside:
                    continue  # a table inside a cell: its rows are not the sheet's
                self.inside = bool(name) and _text(name.group(1)) == self.wanted
                self.row = 0
                self.column_styles = []
            elif table_end is not None:
                if self.inside:
                    self.done = True
                    return
            elif not self.inside:
                continue
            elif column is not None:
                self._column(column)
            elif row_attrs is not None:
                self._row(row_attrs, row_body or b"")

    def _column(self, attrs: bytes) -> None:
        first = len(self.column_styles)
        span = min(_repeat(_COLUMNS_REPEATED, attrs), max(self.last_column - first, 0))
        style = _DEFAULT_STYLE.search(attrs)
        self.column_styles.extend([style.group(1) if style else None] * span)
        if _HIDDEN.search(attrs):
            self.extras.hidden_columns.update(range(first, first + span))

    def _row(self, attrs: bytes, body: bytes) -> None:
        first = self.row
        count = _repeat(_ROWS_REPEATED, attrs)
        self.row += count
        rows = range(first, min(first + count, self.last_row))
        if not rows:
            return
        if b"value-type=" not in body:
            return  # an empty row (hidden or not) is left out of the list anyway
        if _HIDDEN.search(attrs):
            self.extras.hidden_rows.update(r + 1 for r in rows)
        column = 0
        for cell_attrs, cell_body in _CELL.findall(body):
            span = _repeat(_COLUMNS_REPEATED, cell_attrs)
            columns = range(column, min(column + span, self.last_column))
            column += span
            if not columns:
                break
            if _ERROR.search(cell_attrs):
                text = _shown_text(cell_body) or "#N/A"
                for r in rows:
                    for c in columns:
                        self.extras.errors[(r, c)] = text
                continue
            number = _NUMBER_TYPE.search(cell_attrs)
            if number is None:
                continue
            if number.group(1) == b"float" and not self._formatted(cell_attrs, columns[0]):
                continue
            text = _shown_text(cell_body)
            if text:
                self.extras.add_shown([r for r in rows for _ in columns], [c for _ in rows for c in columns],
                                      [text] * (len(rows) * len(columns)))

    def _formatted(self, cell_attrs: bytes, column: int) -> bool:
        style = _STYLE.search(cell_attrs)
        if style is not None:
            return style.group(1) in self.formatted
        return column < len(self.column_styles) and self.column_styles[column] in self.formatted


def _tag_starts(data: np.ndarray, opening: bytes, followers: bytes) -> np.ndarray:
    """Offsets where ``opening`` starts, followed by one of ``followers`` (so that
    "<table:table-row" is not found in "<table:table-row-group")."""
    size = len(opening)
    starts = np.flatnonzero(data[: max(len(data) - size, 0)] == opening[0])
    for k in range(1, size):
        starts = starts[data[starts + k] == opening[k]]
    after = data[starts + size]
    return starts[np.isin(after, np.frombuffer(followers, dtype=np.uint8))]


def _repeat(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    found = pattern.search(attrs)
    return max(int(found.group(1)), 1) if found else 1


def _text_at(chunk: bytes, start: int, shown: bytes | None) -> str:
    """The text a number cell starting at ``start`` shows: its one plain paragraph when the
    pattern caught it, else the whole cell's paragraphs read properly."""
    if shown is not None and b"&" not in shown:
        return shown.decode("utf-8", "replace")
    whole = _CELL.match(chunk, start)
    return _shown_text(whole.group(2)) if whole else ""


def _shown_text(body: bytes | None) -> str:
    """A cell's displayed text: its paragraphs, spaces and tabs as written, markup removed."""
    if not body:
        return ""
    paragraphs = []
    for inner in _PARAGRAPH.findall(body):
        inner = _SPACES.sub(lambda m: b" " * min(int(m.group(1) or 1), 1000), inner)
        inner = inner.replace(b"<text:tab/>", b"\t").replace(b"<text:line-break/>", b"\n")
        paragraphs.append(_text(_TAG.sub(b"", inner)))
    return "\n".join(paragraphs)


def _text(raw: bytes) -> str:
    """XML text with its five entities and character references resolved (nothing else is)."""
    text = raw.decode("utf-8", "replace")
    if "&" not in text:
        return text
    text = _CHAR_REF.sub(lambda m: _char(m.group(1)), text)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _char(reference: str) -> str:
    try:
        return chr(int(reference[1:], 16) if reference[0] == "x" else int(reference))
    except (ValueError, OverflowError):
        return "\ufffd"
