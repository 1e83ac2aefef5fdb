"""Small workbooks written by the tests themselves, the way operators' files look."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def contacts_xlsx(tmp_path: Path) -> Path:
    """A typical hand-edited list: a merged title, a blank row, the header on row 3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    ws["A1"] = "December collections"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["Customer ID", "Name", "Mobile", "Due date", "Amount"])
    ws.append(["C001", "Abhinandan", 918012345678, dt.date(2024, 12, 1), 1500])
    ws.append(["C002", "अभिनंदन", "+918012345679", dt.date(2024, 12, 2), 0.1 + 0.2])
    ws.append(["C003", "Zoë", "08012345670", dt.date(2024, 12, 3), 12.5])
    path = tmp_path / "december list é.xlsx"
    wb.save(path)
    return path
