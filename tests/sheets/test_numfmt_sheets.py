"""Formatted number cells read as the text the operator sees in Excel, in each file type."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl

from phonon_desktop.campaign.numbers import NumberIssue, normalise_column
from phonon_desktop.sheets import read_workbook
from phonon_desktop.sheets.model import CellKind


def _formatted_xlsx(path, formats: dict[str, str], rows: list[list]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    headers = list(rows[0])
    ws.append(headers)
    for row in rows[1:]:
        ws.append(row)
        for j, header in enumerate(headers):
            if header in formats:
                ws.cell(ws.max_row, j + 1).number_format = formats[header]
    wb.save(path)
    return path


def test_xlsx_number_cells_show_their_format(tmp_path):
    path = _formatted_xlsx(
        tmp_path / "formats list.xlsx",
        {"Share": "0%", "Amount": '"₹"#,##0.00;("₹"#,##0.00)', "Units": "#,##0", "Rate": "0.00", "Due": "dd/mm/yyyy",
         "Note": "0%"},
        [
            ["Name", "Share", "Amount", "Units", "Rate", "Due", "Plain", "Note"],
            ["Asha", 0.15, 1234.5, 1234567, 2.5, dt.date(2024, 1, 5), 0.15, "0.15"],
            ["Ravi", 0.5, -20, 0, 1.005, dt.date(2024, 1, 6), 1234567, "text"],
        ],
    )
    sheet = read_workbook(path)
    assert sheet.data["Share"].tolist() == ["15%", "50%"]
    assert sheet.data["Amount"].tolist() == ["₹1,234.50", "(₹20.00)"]
    assert sheet.data["Units"].tolist() == ["1,234,567", "0"]
    assert sheet.data["Rate"].tolist() == ["2.50", "1.01"]
    assert sheet.data["Due"].tolist() == ["2024-01-05", "2024-01-06"]  # dates keep the fixed form
    assert sheet.data["Plain"].tolist() == ["0.15", "1234567"]  # General stays as it was
    assert sheet.data["Note"].tolist() == ["0.15", "text"]  # text cells are never formatted
    for column in ("Share", "Amount", "Units", "Rate"):
        assert sheet.kinds[column].tolist() == [CellKind.NUMBER, CellKind.NUMBER]


def test_xlsx_builtin_format_ids_are_shown(tmp_path):
    path = _formatted_xlsx(
        tmp_path / "builtin.xlsx",
        {"Thousands": "#,##0.00", "Percent": "0.00%", "Scientific": "0.00E+00"},  # ids 4, 10, 11
        [["Thousands", "Percent", "Scientific"], [1234.5, 0.1234, 12345.6]],
    )
    with zipfile.ZipFile(path) as archive:  # written by id, without their codes
        styles = archive.read("xl/styles.xml").decode()
    assert 'numFmtId="4"' in styles and 'numFmtId="10"' in styles and "0.00%" not in styles
    sheet = read_workbook(path)
    assert sheet.data.iloc[0].tolist() == ["1,234.50", "12.34%", "1.23E+04"]


def test_a_phone_column_formatted_with_thousands_separators(tmp_path):
    """What a phone column with "#,##0" becomes: the text Excel shows, still a number cell.

    Its digits are all there ("918,012,345,678"); the campaign's number check must read them
    as 918012345678 (commas between groups of digits are separators there too).
    """
    path = _formatted_xlsx(
        tmp_path / "phones.xlsx",
        {"Mobile": "#,##0"},
        [["Name", "Mobile"], ["Asha", 918012345678], ["Ravi", 9876543210]],
    )
    sheet = read_workbook(path)
    assert sheet.data["Mobile"].tolist() == ["918,012,345,678", "9,876,543,210"]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.NUMBER, CellKind.NUMBER]
    digits, issues = normalise_column(sheet.data["Mobile"].to_numpy(), sheet.kinds["Mobile"].to_numpy())
    assert digits.tolist() == ["918012345678", "919876543210"]
    assert issues.tolist() == [NumberIssue.OK, NumberIssue.OK]


def test_a_phone_column_formatted_as_scientific_keeps_every_digit(tmp_path):
    path = _formatted_xlsx(
        tmp_path / "scientific phones.xlsx",
        {"Mobile": "0.00E+00"},
        [["Name", "Mobile"], ["Asha", 918012345678], ["Ravi", 9876543210]],
    )
    sheet = read_workbook(path)
    assert sheet.data["Mobile"].tolist() == ["918012345678", "9876543210"]


def test_zero_padded_format_still_shows_leading_zeros_with_its_note(tmp_path):
    path = _formatted_xlsx(tmp_path / "padded.xlsx", {"Mobile": "00000000000"}, [["Mobile"], [9876543210]])
    sheet = read_workbook(path)
    assert sheet.data["Mobile"].tolist() == ["09876543210"]
    assert any("leading zeros" in note for note in sheet.notes)


def test_xlsx_cells_written_with_attributes_in_another_order(tmp_path):
    """Writers other than Excel may put a cell's style before its reference."""
    import re

    from sheet_makers import rewrite_member

    path = _formatted_xlsx(
        tmp_path / "plain order.xlsx",
        {"Share": "0%"},
        [["Name", "Share"], ["Asha", 0.15], ["Ravi", "n/a"], ["Meena", 0.5]],
    )
    reordered = rewrite_member(
        path, tmp_path / "other order.xlsx", "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<c r="(B\d+)" s="(\d+)"( t="\w+")?', rb'<c\3 s="\2" r="\1"', xml),
    )
    with zipfile.ZipFile(reordered) as archive:
        assert b'<c t="n" s="' in archive.read("xl/worksheets/sheet1.xml")
    sheet = read_workbook(reordered)
    assert sheet.data["Share"].tolist() == ["15%", "n/a", "50%"]
    assert sheet.kinds["Share"].tolist() == [CellKind.NUMBER, CellKind.TEXT, CellKind.NUMBER]
