"""The first rows of a big workbook, read early: the very text the full read gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from phonon_desktop.sheets import read_workbook
from phonon_desktop.sheets.preview import read_preview


def operator_list(path: Path, rows: int = 600) -> Path:
    """An explanatory first sheet, title rows above the header, shared strings, phones typed
    as text with a leading zero and as numbers, dates, date-times, blanks, number formats."""
    wb = openpyxl.Workbook()
    wb.active.title = "Instructions"
    wb.active.append(["Fill in the list on the next sheet"])
    ws = wb.create_sheet("Contacts")
    ws.append(["December collections"])
    ws.append([])
    ws.append(["Customer ID", "Name", "Mobile", "Alt Mobile", "Due", "Called at", "Amount", "Share", "Code"])
    for i in range(rows):
        ws.append([
            f"C{i:05d}",
            f"Customer {i % 97}" if i % 7 else None,  # repeated names: shared strings used again
            f"09{i:08d}",  # text with a leading zero
            9800000000 + i if i % 3 else None,
            dt.date(2026, 12, 1 + i % 28),
            dt.datetime(2026, 11, 27, 9 + i % 10, i % 60),
            1000 + (i % 97) * 1.25,
            (i % 100) / 100,
            i % 50,
        ])
        r = ws.max_row
        ws.cell(r, 7).number_format = "#,##0.00"
        ws.cell(r, 8).number_format = "0%"
        ws.cell(r, 9).number_format = "00000"
    wb.save(path)
    return path


def same_first_rows(preview, full) -> None:
    n = preview.row_count
    assert preview.headers == full.headers
    assert preview.data.equals(full.data.iloc[:n])
    assert preview.kinds.equals(full.kinds.iloc[:n])
    assert np.array_equal(preview.source_rows, full.source_rows[:n])


def test_the_preview_shows_the_first_rows_exactly_as_the_full_read(tmp_path):
    path = operator_list(tmp_path / "big list ग्राहक.xlsx")
    preview = read_preview(path, rows=200, min_sheet_bytes=0)
    full = read_workbook(path)
    assert preview is not None and preview.row_count == 200
    assert (preview.name, preview.header_row, preview.path) == (full.name, full.header_row, full.path)
    same_first_rows(preview, full)
    first = preview.data.iloc[0].to_dict()
    assert first["Mobile"] == "0900000000" and first["Code"] == "00000" and first["Name"] == ""
    assert first["Due"] == "2026-12-01" and first["Amount"] == "1,000.00" and first["Share"] == "0%"
    assert [i.name for i in preview.sheets] == ["Instructions", "Contacts"]


def test_a_chosen_sheet_and_header_row_are_kept(tmp_path):
    path = operator_list(tmp_path / "list.xlsx", rows=300)
    preview = read_preview(path, "Contacts", rows=50, header_row=1, min_sheet_bytes=0)
    full = read_workbook(path, sheet="Contacts", header_row=1)
    assert preview is not None and preview.header_row == 1 and preview.row_count == 50
    same_first_rows(preview, full)


def test_no_preview_where_the_full_read_is_quick_or_the_file_is_not_a_workbook(tmp_path):
    small = operator_list(tmp_path / "small.xlsx", rows=20)
    assert read_preview(small) is None  # a small sheet is read whole in a moment
    assert read_preview(small, min_sheet_bytes=0) is None  # fewer rows than a preview: read it all
    csv = tmp_path / "list.csv"
    csv.write_text("Name,Mobile\nAsha,9876543210\n", encoding="utf-8")
    assert read_preview(csv, min_sheet_bytes=0) is None
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert read_preview(broken, min_sheet_bytes=0) is None
    assert read_preview(tmp_path / "missing.xlsx", min_sheet_bytes=0) is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_csv_preview_is_the_full_reads_first_rows(tmp_path, encoding):
    lines = ["Export of 27/11/2026;;;", "Customer ID;Name;Mobile;Amount"]
    for i in range(9000):  # past the head a preview reads (256 KB)
        name = ["Zoë Dsouza", "Asha; Ravi", 'Said "hello"', "José"][i % 4]
        quoted = '"' + name.replace('"', '""') + '"' if (";" in name or '"' in name) else name
        lines.append(f"C{i:05d};{quoted};09{i:08d};{1000 + i % 97},50")
    path = tmp_path / "export ग्राहक.csv" if encoding != "cp1252" else tmp_path / "export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    preview = read_preview(path, rows=100, min_sheet_bytes=0)
    full = read_workbook(path)
    assert preview is not None and preview.row_count == 100
    assert (preview.name, preview.header_row) == (full.name, full.header_row) == ("export" if encoding == "cp1252" else "export ग्राहक", 2)
    same_first_rows(preview, full)
    assert preview.data["Name"].iloc[:2].tolist() == ["Zoë Dsouza", "Asha; Ravi"]
    assert preview.data["Mobile"].iloc[0] == "0900000000"


def test_first_rows_of_numbers_only_need_no_shared_text(tmp_path):
    """Rows of numbers first, text further down: the preview still matches the full read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(600):
        ws.append([i + 1, 919800000000 + i, 12.5] if i < 300 else [f"C{i}", "text", "more"])
    path = tmp_path / "numbers first.xlsx"
    wb.save(path)
    preview = read_preview(path, rows=200, min_sheet_bytes=0)
    assert preview is not None
    same_first_rows(preview, read_workbook(path))
