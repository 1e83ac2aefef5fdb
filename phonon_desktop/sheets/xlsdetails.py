"""What python-calamine does not report about an .xls sheet, read with xlrd.

Hidden rows and columns, error cells (calamine reads #N/A as a blank) and number formats
other than General (so 0.15 under ``0%`` shows "15%"). An .xls sheet has at most 65,536
rows; xlrd takes about 1.6 s for the largest such sheet of 7 columns (10 MB), beside
calamine's own parse (0.2 s). Larger files (many columns) are not scanned: the read says so
instead of guessing.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable

from phonon_desktop.sheets.guard import ReadLimits
from phonon_desktop.sheets.numfmt import BUILTIN_FORMATS, compile_format

# xlrd keeps every cell as Python objects (about 100 bytes each) and reads about 6 MB a
# second: past this size the scan would cost many seconds and hundreds of megabytes.
MAX_SCANNED_BYTES = 32 * 1024 * 1024

_NUMBER = 2  # xlrd.XL_CELL_NUMBER
_ERROR = 5  # xlrd.XL_CELL_ERROR

NOT_CHECKED = (
    "Hidden rows, error cells (#N/A) and number formats could not be checked in this .xls file; "
    "its values are read as they are stored. To have them checked, save it as an Excel Workbook (.xlsx)."
)


def scan_xls(path: str | os.PathLike, sheet_name: str, limits: ReadLimits,
             stop: Callable[[], None] | None = None):
    """The sheet's ``SheetExtras``: hidden rows (1-based) and columns, errors, formatted numbers."""
    from phonon_desktop.sheets.workbook import SheetExtras

    extras = SheetExtras()
    if os.path.getsize(path) > MAX_SCANNED_BYTES:
        extras.remarks.append(NOT_CHECKED)
        return extras
    try:
        import xlrd

        book = xlrd.open_workbook(os.fspath(path), formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception:  # a file calamine reads but xlrd does not (or no xlrd): say so, read on
        extras.remarks.append(NOT_CHECKED)
        return extras
    try:
        if stop is not None:
            stop()
        try:
            sheet = book.sheet_by_name(sheet_name)
        except Exception:
            extras.remarks.append(NOT_CHECKED)
            return extras
        _hidden(sheet, extras, limits)
        if stop is not None:
            stop()
        padded, formatted = _number_formats(book)
        _cells(sheet, extras, padded, formatted, xlrd.error_text_from_code)
    finally:
        book.release_resources()
    return extras


def _hidden(sheet, extras, limits: ReadLimits) -> None:
    last_row = limits.max_rows + 200
    for row, info in sheet.rowinfo_map.items():
        if info.hidden and row < last_row:
            extras.hidden_rows.add(row + 1)
    for column, info in sheet.colinfo_map.items():
        if info.hidden and column < limits.max_columns + 26:
            extras.hidden_columns.add(column)


def _number_formats(book) -> tuple[dict[int, int], dict[int, str]]:
    """XF indices whose format pads with zeros (digits shown) or renders otherwise (its code).

    Formats the file defines are taken as written; built-in ones from the en-US/en-IN table
    (xlrd's own table would show "$" for currency ids that follow the computer's settings).
    """
    from phonon_desktop.sheets.xlsxscan import zero_padded_width

    defined = {fmt.format_key: fmt.format_str for fmt in book.format_list}
    padded: dict[int, int] = {}
    formatted: dict[int, str] = {}
    for index, xf in enumerate(book.xf_list):
        code = defined.get(xf.format_key) or BUILTIN_FORMATS.get(xf.format_key)
        if not code:
            continue
        width = zero_padded_width(code)
        if width:
            padded[index] = width
        elif compile_format(code) is not None:
            formatted[index] = code
    return padded, formatted


def _cells(sheet, extras, padded: dict[int, int], formatted: dict[int, str], error_texts: dict[int, str]) -> None:
    styled = bool(padded or formatted)
    cells: dict[str, tuple[list[int], list[int]]] = {}
    for r in range(sheet.nrows):
        types = sheet.row_types(r)
        has_error = _ERROR in types
        if not has_error and not (styled and _NUMBER in types):
            continue
        for c, cell_type in enumerate(types):
            if cell_type == _ERROR:
                extras.errors[(r, c)] = error_texts.get(sheet.cell_value(r, c), "#N/A")
            elif cell_type == _NUMBER and styled:
                xf = sheet.cell_xf_index(r, c)
                if xf in formatted:
                    rows, columns = cells.setdefault(formatted[xf], ([], []))
                    rows.append(r)
                    columns.append(c)
                elif xf in padded:
                    extras.zero_padded[(r, c)] = padded[xf]
    for code, (rows, columns) in cells.items():
        extras.add_formatted(code, rows, columns)


def scan_book_details(fmt: str, path: str | os.PathLike, sheet_name: str, limits: ReadLimits,
                      stop: Callable[[], None] | None = None):
    """The extras of an .xls or .ods sheet (run beside calamine's parse)."""
    if fmt == "ods":
        from phonon_desktop.sheets.odsdetails import scan_ods

        return scan_ods(path, sheet_name, limits, stop)
    return scan_xls(path, sheet_name, limits, stop)
