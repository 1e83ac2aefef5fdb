"""Writing a results copy of the operator's list: their columns, then the result columns.

Injection-safe by construction: in .xlsx every cell is written as text (an inline string,
never a formula), so a name or a server message such as ``=HYPERLINK(...)`` stays the
visible text it was; in .csv a cell that Excel would read as a formula gets a leading ``'``.
Phone numbers stay plain digits and stay text (no 9.18012E+11 when the copy is opened).
The file is written beside the target and moved into place, so a failed write never leaves
half a file under the operator's chosen name.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from phonon_desktop.sheets.guard import display_name
from phonon_desktop.sheets.headers import column_letter
from phonon_desktop.sheets.model import Sheet, SheetError

XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767

# Characters XML 1.0 cannot carry at all; a server message could hold them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Signed digits ("+91 80123 45678", "-12.5") cannot run anything: kept as they are.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d .]*$")
_COLOUR = re.compile(r"^#?([0-9A-Fa-f]{6})$")


def csv_safe(text: str) -> str:
    """A cell for a CSV file that Excel will show as text, never run as a formula."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _aligned(values: Sequence, name: str, total: int, chosen: Sequence[int] | None) -> Sequence:
    if len(values) == total:
        return values if chosen is None else [values[i] for i in chosen]
    if chosen is not None and len(values) == len(chosen):
        return values
    raise ValueError(f"{name} has {len(values)} values for {total} rows")


def _table(
    sheet: Sheet,
    extra_columns: dict[str, Sequence[str]],
    rows: Sequence[int] | None,
) -> tuple[list[str], list[list[str]]]:
    """The header line and the columns to write (sheet columns, then result columns)."""
    total = len(sheet.data)
    chosen = list(rows) if rows is not None else None
    if chosen is not None and any(not 0 <= i < total for i in chosen):
        raise ValueError("rows must be positions of data rows in the sheet")
    header = list(sheet.headers)
    columns: list[list[str]] = []
    for j in range(len(sheet.headers)):
        values = sheet.data.iloc[:, j].tolist()
        columns.append(values if chosen is None else [values[i] for i in chosen])
    taken = {h.casefold() for h in header}
    for name, values in extra_columns.items():
        label, n = name, 1
        while label.casefold() in taken:  # a result column never hides an operator's column
            n += 1
            label = f"{name} ({n})"
        taken.add(label.casefold())
        header.append(label)
        columns.append(["" if v is None else str(v) for v in _aligned(values, name, total, chosen)])
    return header, columns


def write_results(
    sheet: Sheet,
    out_path: str | os.PathLike,
    extra_columns: dict[str, Sequence[str]],
    row_colours: Sequence[str | None] | None = None,
    rows: Sequence[int] | None = None,
) -> None:
    """Write the sheet (as the operator sees it now, edits included) plus ``extra_columns``.

    ``rows`` picks data rows by position (0-based, as in ``sheet.data``) and keeps only
    those; each sequence in ``extra_columns`` and ``row_colours`` holds one value per data
    row of the sheet, or one per picked row. ``row_colours`` are "#RRGGBB" fills (xlsx only).
    The format follows the suffix: .xlsx (or .xlsm) or .csv/.tsv/.txt.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    header, columns = _table(sheet, extra_columns, rows)
    count = len(columns[0]) if columns else 0
    colours = None
    if row_colours is not None:
        colours = list(_aligned(row_colours, "row_colours", len(sheet.data), list(rows) if rows is not None else None))
    if suffix in (".csv", ".tsv", ".txt"):
        writer = lambda handle: _write_csv(handle, header, columns, "\t" if suffix == ".tsv" else ",")  # noqa: E731
        _atomic(out, writer, text=True)
    elif suffix in (".xlsx", ".xlsm"):
        if count + 1 > XLSX_MAX_ROWS:
            raise SheetError(
                f"{count:,} rows do not fit in one Excel sheet (at most {XLSX_MAX_ROWS - 1:,} below the "
                "header). Save the results as CSV instead.",
                path=str(out),
                reason="too_big",
            )
        _atomic(out, lambda handle: _write_xlsx(handle, sheet.name, header, columns, colours), text=False)
    else:
        raise SheetError(
            f"“{out.name}” has an ending Phonon Desktop cannot write. Save the results as .xlsx or .csv.",
            path=str(out),
            reason="format",
        )


def _atomic(out: Path, write, *, text: bool) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=".~", suffix=out.suffix, dir=folder)
    except PermissionError as exc:
        raise SheetError(
            f"Phonon Desktop may not write in the folder “{folder}”. Choose another folder, such as Documents.",
            path=str(out),
            reason="locked",
        ) from exc
    except OSError as exc:
        raise SheetError(
            f"The folder “{folder}” cannot be written to ({exc.strerror or exc}). Choose another folder.",
            path=str(out),
            reason="unwritable",
        ) from exc
    try:
        if text:
            # utf-8 with a byte-order mark: Excel then opens names in any script correctly.
            with open(fd, "w", encoding="utf-8-sig", newline="") as handle:
                write(handle)
        else:
            with open(fd, "wb") as handle:
                write(handle)
        os.replace(temp, out)
    except PermissionError as exc:
        _remove(temp)
        raise SheetError(
            f"“{display_name(out)}” is open in another program (Excel locks files it has open). "
            "Close it there, or save under another name, and try again.",
            path=str(out),
            reason="locked",
        ) from exc
    except OSError as exc:
        _remove(temp)
        raise SheetError(
            f"“{display_name(out)}” could not be written ({exc.strerror or exc}). "
            "Check the free space and try again.",
            path=str(out),
            reason="unwritable",
        ) from exc
    except BaseException:
        _remove(temp)
        raise


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _write_csv(handle, header: list[str], columns: list[list[str]], delimiter: str) -> None:
    writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in zip(*columns):
        writer.writerow([csv_safe(v) for v in row])


def _cell(ref: str, text: str, style: str) -> str:
    if not text:
        return f'<c r="{ref}"{style}/>' if style else ""
    text = _XML_ILLEGAL.sub("\ufffd", text[:XLSX_MAX_CELL])
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() or "\n" in text else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{escape(text)}</t></is></c>'


def _sheet_xml(header: list[str], columns: list[list[str]], colour_styles: list[str] | None) -> Iterator[str]:
    letters = [column_letter(j) for j in range(len(header))]
    widths = [min(60, max(10, len(h) + 2)) for h in header]
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
    )
    if header:
        yield "<cols>" + "".join(
            f'<col min="{j + 1}" max="{j + 1}" width="{w}" customWidth="1"/>' for j, w in enumerate(widths)
        ) + "</cols>"
    yield '<sheetData><row r="1">' + "".join(
        _cell(f"{letters[j]}1", h, ' s="1"') for j, h in enumerate(header)
    ) + "</row>"
    batch: list[str] = []
    for i, row in enumerate(zip(*columns)):
        r = i + 2
        style = colour_styles[i] if colour_styles else ""
        batch.append(f'<row r="{r}">' + "".join(_cell(f"{letters[j]}{r}", v, style) for j, v in enumerate(row)) + "</row>")
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield "</sheetData></worksheet>"


def _styles_xml(colours: list[str]) -> str:
    fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
    fills += [
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/><bgColor indexed="64"/></patternFill></fill>'
        for c in colours
    ]
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
           '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>']
    xfs += [
        f'<xf numFmtId="49" fontId="0" fillId="{i + 2}" borderId="0" xfId="0" applyFill="1" applyNumberFormat="1"/>'
        for i in range(len(colours))
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _sheet_title(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip("' ")[:31]
    if cleaned.casefold() == "history":  # a name Excel keeps for itself
        cleaned = "History results"
    return cleaned or "Results"


def _write_xlsx(handle, sheet_name: str, header: list[str], columns: list[list[str]],
                colours: list[str | None] | None) -> None:
    palette: list[str] = []
    colour_styles: list[str] | None = None
    if colours is not None:
        index: dict[str, int] = {}
        colour_styles = []
        for colour in colours:
            found = _COLOUR.match(colour or "")
            if not found:
                colour_styles.append("")
                continue
            rgb = found.group(1).upper()
            if rgb not in index:
                index[rgb] = len(palette)
                palette.append(rgb)
            colour_styles.append(f' s="{index[rgb] + 2}"')
    title = escape(_sheet_title(sheet_name), {'"': "&quot;"})
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _styles_xml(palette),
    }
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for piece in _sheet_xml(header, columns, colour_styles):
                member.write(piece.encode("utf-8"))
