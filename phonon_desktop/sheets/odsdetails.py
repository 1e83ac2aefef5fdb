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
            if self.inside and self._nothing_to_note(chunk):
                self.row += sum(_repeat(_ROWS_REPEATED, attrs) for attrs in _ROW_START.findall(chunk))
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

    def _nothing_to_note(self, chunk: bytes) -> bool:
        """Whether a piece inside the table has only plain rows (most of a big sheet)."""
        if b"<table:table " in chunk or b"</table:table>" in chunk or b"visibility=" in chunk:
            return False
        if b'value-type="error"' in chunk or b'value-type="percentage"' in chunk or b'value-type="currency"' in chunk:
            return False
        if any(self.column_styles[j] in self.formatted for j in range(len(self.column_styles))):
            return b'value-type="float"' not in chunk
        return not any(b'style-name="' + name + b'"' in chunk for name in self.formatted)

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
                for r in rows:
                    for c in columns:
                        self.extras.shown[(r, c)] = text

    def _formatted(self, cell_attrs: bytes, column: int) -> bool:
        style = _STYLE.search(cell_attrs)
        if style is not None:
            return style.group(1) in self.formatted
        return column < len(self.column_styles) and self.column_styles[column] in self.formatted


def _repeat(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    found = pattern.search(attrs)
    return max(int(found.group(1)), 1) if found else 1


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
