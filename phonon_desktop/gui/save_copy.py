"""Saving the edited list as a new workbook; the operator's original file is never touched.

Every cell is written as text, exactly as shown: numbers keep their leading zeros and all
their digits, and a cell beginning with "=", "+", "-" or "@" stays text, never a formula.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from phonon_desktop.sheets.model import Sheet


def suggested_copy_name(path: str) -> str:
    p = Path(path)
    return str(p.with_name(f"{p.stem} (edited).xlsx"))


def _text_cell(ws, value: str, bold: bool = False) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # never a formula, whatever the text begins with
    cell.number_format = "@"
    if bold:
        cell.font = Font(bold=True)
    return cell


def save_sheet_copy(sheet: Sheet, path: str) -> None:
    """Write header + rows as text to ``path`` (.xlsx), through a temporary file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(sheet.name or "Sheet1")[:31])
    ws.append([_text_cell(ws, h, bold=True) for h in sheet.headers])
    columns = [sheet.data[h].to_numpy(dtype=object) for h in sheet.data.columns]
    for r in range(sheet.row_count):
        ws.append([_text_cell(ws, col[r]) if col[r] != "" else None for col in columns])
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    wb.save(tmp)
    os.replace(tmp, target)
