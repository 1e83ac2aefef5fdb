"""The first rows of a big .xlsx sheet or CSV file in a moment, to show while it is read.

python-calamine parses a whole sheet before it gives any row (10-20 s for a million rows),
so the window would show nothing until then. The first rows are cheap to get another way:
inflate only the head of the sheet's XML (up to the end of its first few hundred rows), the
shared strings only up to the highest one those rows use, and put them with the workbook's
own styles into a small temporary copy, read by ``read_workbook`` itself. The preview's
cells are therefore the very text the full read gives (numbers, number formats, dates,
errors, the detected header row), only fewer rows.

A CSV file's first lines, decoded as the head of the file says, go the same way.

``read_preview`` returns None whenever a preview is not possible or not worth it (a small
sheet, another file type, anything unusual in the file): the full read then simply runs.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import zipfile
from posixpath import join, normpath

import numpy as np

from phonon_desktop.sheets import guard, workbook, xlsxscan
from phonon_desktop.sheets.guard import ReadLimits
from phonon_desktop.sheets.model import Sheet

# A sheet whose XML is smaller than this is read whole quickly enough (under a second).
MIN_SHEET_BYTES = 8 * 1024 * 1024
# Rows looked at to find the header (as the full read does), before the data rows.
_HEADER_SEARCH_ROWS = 30
# Never inflate more than this for a preview (rows with huge cells): no preview then.
_MAX_HEAD_BYTES = 16 * 1024 * 1024
_PIECE = 64 * 1024

_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*<')
_ITEM_END = re.compile(rb"</(?:\w+:)?si>|<(?:\w+:)?si\s*/>")
_SST = re.compile(rb"<(\w+:)?sst\b")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'\b(Type|Target)="([^"]*)"')

_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')
# Parts a read needs; the rest of the package (themes, pictures, macros) is left out of the copy.
_KEPT = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")


def read_preview(path: str | os.PathLike, sheet: str | None = None, rows: int = 200, *,
                 header_row: int | None = None, min_sheet_bytes: int = MIN_SHEET_BYTES) -> Sheet | None:
    """The first ``rows`` data rows of the sheet the full read would choose, or None.

    Same sheet choice (``sheet`` or the first sheet holding a table), same header row
    (``header_row`` or the detected one) and the same cell texts as ``read_workbook``; the
    sheet list (``Sheet.sheets``) is the whole workbook's, with the sizes its files declare.
    """
    try:
        return _preview(path, sheet, rows, header_row, min_sheet_bytes)
    except Exception:  # noqa: BLE001 - a preview is a courtesy: the full read reports problems
        return None


def _preview(path: str | os.PathLike, sheet: str | None, rows: int, header_row: int | None,
             min_sheet_bytes: int) -> Sheet | None:
    from phonon_desktop.sheets.reader import read_workbook

    limits = ReadLimits()
    kind = guard.sniff_kind(path, limits)
    if kind == "text":
        return _csv_preview(path, rows, header_row, min_sheet_bytes)
    if kind != "zip":
        return None
    with workbook.open_workbook(path, "zip", limits) as book:
        if book.format not in ("xlsx", "xlsm") or book.archive is None:
            return None
        archive = book.archive
        infos = book.sheet_infos()
        chosen = book.choose_sheet(sheet, infos)
        member = xlsxscan.sheet_member(archive, chosen)
        if member is None or archive.getinfo(member).file_size < min_sheet_bytes:
            return None
        wanted_rows = (header_row or _HEADER_SEARCH_ROWS) + rows + 1
        head = _sheet_head(archive, member, wanted_rows)
        if head is None:
            return None
        copy = _small_copy(archive, member, head)
    try:
        found = read_workbook(copy, sheet=chosen, header_row=header_row, limits=limits)
    finally:
        os.unlink(copy)
    return _first_rows(found, path, rows, infos)


def _first_rows(found: Sheet, path: str | os.PathLike, rows: int, infos: list) -> Sheet | None:
    if found.row_count <= rows:
        return None  # the copy ended inside the list: the head was not long enough to be sure
    keep = rows
    hidden = None if found.hidden_rows is None else np.asarray(found.hidden_rows)[:keep]
    return dataclasses.replace(
        found,
        path=str(path),
        data=found.data.iloc[:keep].reset_index(drop=True),
        kinds=found.kinds.iloc[:keep].reset_index(drop=True),
        source_rows=np.asarray(found.source_rows)[:keep],
        hidden_rows=hidden,
        sheets=infos,
        notes=[],
    )


def _csv_preview(path: str | os.PathLike, rows: int, header_row: int | None, min_bytes: int) -> Sheet | None:
    """The first lines of a CSV file, decoded as its head says, read as a small UTF-8 copy."""
    from phonon_desktop.sheets import csvfile
    from phonon_desktop.sheets.model import SheetInfo
    from phonon_desktop.sheets.reader import read_workbook

    size = os.path.getsize(path)
    if size < min_bytes:
        return None
    wanted = (header_row or _HEADER_SEARCH_ROWS) + rows + 1
    with open(path, "rb") as handle:
        head = handle.read(256 * 1024)
        if head.count(b"\n") <= wanted:  # long lines: a little more, never much
            head += handle.read(4 * 1024 * 1024)
    if len(head) >= size:
        return None  # the whole file is in the head: the full read is as quick
    parsed = csvfile.read_csv_text(path, head)
    if parsed.codec.startswith("utf-16"):
        return None  # cut at an odd byte, a head of UTF-16 may not decode as the file does
    lines = head.decode(parsed.codec, errors="replace").splitlines(keepends=True)[:-1]  # the last may be cut
    if len(lines) <= wanted:
        return None
    handle_no, copy = tempfile.mkstemp(prefix="phonon-preview-", suffix=os.path.splitext(str(path))[1] or ".csv")
    try:
        with os.fdopen(handle_no, "w", encoding="utf-8-sig", newline="") as out:
            out.writelines(lines[: wanted + 50])
        found = read_workbook(copy, header_row=header_row)
    finally:
        os.unlink(copy)
    name = os.path.splitext(os.path.basename(str(path)))[0]
    estimate = int(size / max(sum(len(x.encode("utf-8")) for x in lines) / len(lines), 1))
    infos = [SheetInfo(name=name, rows=estimate, columns=len(found.headers))]
    return _first_rows(dataclasses.replace(found, name=name), path, rows, infos)


def _sheet_head(archive: zipfile.ZipFile, member: str, wanted_rows: int) -> bytes | None:
    """The sheet's XML up to the end of its first ``wanted_rows`` rows, closed again."""
    try:
        head, found = _head_through(archive, member, _ROW_END, wanted_rows, stop_at=b"</sheetData>")
    except ValueError:
        return None
    return _closed(head) if found else None  # a small sheet: the full read is quick


def _head_through(archive: zipfile.ZipFile, member: str, end_tag: re.Pattern[bytes], count: int,
                  stop_at: bytes | None = None) -> tuple[bytes, bool]:
    """The member inflated up to the end of the ``count``-th ``end_tag``: (that head, True), or
    (all that was read, False) when the member, or the piece holding ``stop_at``, ends first.
    Raises ValueError past a head of ``_MAX_HEAD_BYTES``."""
    head = b""
    seen = 0
    searched = 0
    with archive.open(member) as handle:
        while True:
            piece = handle.read(_PIECE)
            if not piece:
                return head, False
            head += piece
            for found in end_tag.finditer(head, max(searched - 16, 0)):
                seen += 1
                if seen == count:
                    return head[: found.end()], True
            searched = len(head)
            if stop_at is not None and stop_at in piece:
                return head, False
            if len(head) > _MAX_HEAD_BYTES:
                raise ValueError("too long for a preview")


def _closed(head: bytes) -> bytes | None:
    data = _SHEET_DATA.search(head)
    root = _ROOT.search(head)
    if data is None or root is None or data.group(2):
        return None
    prefix = data.group(1) or b""
    root_prefix = root.group(1) or b""
    # The declared size is the whole sheet's: left out, the copy is sized by its own cells.
    head = _DIMENSION.sub(b"", head, count=1)
    return head + b"</" + prefix + b"sheetData></" + root_prefix + b"worksheet>"


def _shared_strings_member(archive: zipfile.ZipFile) -> str | None:
    rels = archive.read("xl/_rels/workbook.xml.rels")
    for rel in _RELATIONSHIP.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        if attrs.get(b"Type", b"").endswith(b"/sharedStrings"):
            target = attrs.get(b"Target", b"").decode()
            member = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            return member if member in archive.NameToInfo else None
    return None


def _shared_strings_head(archive: zipfile.ZipFile, member: str, count: int) -> bytes:
    """The shared strings table with its first ``count`` strings only."""
    if count <= 0:  # the first rows hold no shared text: the table need not be read at all
        return b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'
    head, found = _head_through(archive, member, _ITEM_END, count)
    if not found:
        return head
    sst = _SST.search(head)
    prefix = (sst.group(1) if sst else b"") or b""
    return head + b"</" + prefix + b"sst>"


def _small_copy(archive: zipfile.ZipFile, member: str, head: bytes) -> str:
    """A temporary workbook: the kept parts, the sheet's head, other sheets empty."""
    sheets = set(xlsxscan._sheet_members(archive).values())
    strings = _shared_strings_member(archive)
    used = [int(i) for i in _SHARED_CELL.findall(head)]
    handle, copy = tempfile.mkstemp(prefix="phonon-preview-", suffix=".xlsx")
    os.close(handle)
    try:
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name in _KEPT:
                if name in archive.NameToInfo:
                    out.writestr(name, archive.read(name))
            for name in sheets:
                out.writestr(name, head if name == member else _EMPTY_SHEET)
            if strings is not None:
                out.writestr(strings, _shared_strings_head(archive, strings, max(used, default=-1) + 1))
    except BaseException:
        os.unlink(copy)
        raise
    return copy
