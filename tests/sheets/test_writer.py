"""Result copies: the operator's columns plus results, never a formula, phones as digits."""

from __future__ import annotations

import builtins
import csv
import os
import re
import zipfile

import openpyxl
import pytest

from phonon_desktop.sheets import SheetError, read_workbook
from phonon_desktop.sheets.writer import csv_safe, write_results

HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Alt"])
    ws.append([HOSTILE[0], 918012345678, "+918012345679"])
    ws.append([HOSTILE[1], "08012345670", "-2+3"])
    ws.append(["अभिनंदन", 918012345680, "@SUM(A1:A2)"])
    ws["A2"].data_type = "s"  # a name that looks like a formula, stored as text (as Excel does)
    path = tmp_path / "source list.xlsx"
    wb.save(path)
    read = read_workbook(path)
    assert read.data["Name"].tolist()[0] == HOSTILE[0]
    return read


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_xlsx_copy_has_every_cell_as_text_and_no_formula(tmp_path, sheet):
    out = tmp_path / "results.xlsx"
    write_results(sheet, out, {"Result": ["Accepted", HOSTILE[3], HOSTILE[0]], "Message": HOSTILE[:3]})
    xml = _sheet_xml(out)
    assert "<f>" not in xml and "<f " not in xml
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["Name", "Mobile", "Alt", "Result", "Message"]
    assert rows[1] == [HOSTILE[0], "918012345678", "+918012345679", "Accepted", HOSTILE[0]]
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value is not None)
    back = read_workbook(out)
    assert back.data["Mobile"].tolist() == ["918012345678", "08012345670", "918012345680"]
    assert back.data["Name"].tolist()[2] == "अभिनंदन"


def test_csv_copy_prefixes_formula_like_cells_and_keeps_phone_digits(tmp_path, sheet):
    out = tmp_path / "results.csv"
    write_results(sheet, out, {"Result": ["=1+1", "ok", "@x"]})
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Name", "Mobile", "Alt", "Result"]
    assert rows[1] == ["'" + HOSTILE[0], "918012345678", "+918012345679", "'=1+1"]
    assert rows[2] == ["'" + HOSTILE[1], "08012345670", "'-2+3", "ok"]
    assert rows[3][2] == "'@SUM(A1:A2)" and rows[3][3] == "'@x"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 names correctly


@pytest.mark.parametrize(
    "text, expected",
    [("+91 80123 45678", "+91 80123 45678"), ("-12.5", "-12.5"), ("=A1", "'=A1"), ("\t=A1", "'\t=A1"), ("abc", "abc")],
)
def test_csv_safe(text, expected):
    assert csv_safe(text) == expected


def test_only_chosen_rows_and_edits_are_written(tmp_path, sheet):
    sheet.data.iat[2, 1] = "918099999999"  # the operator fixed a number in the window
    out = tmp_path / "resubmit.xlsx"
    write_results(sheet, out, {"Result": ["x", "y", "z"]}, rows=[2, 0])
    back = read_workbook(out)
    assert back.data["Mobile"].tolist() == ["918099999999", "918012345678"]
    assert back.data["Result"].tolist() == ["z", "x"]


def test_row_colours_fill_the_rows(tmp_path, sheet):
    out = tmp_path / "coloured.xlsx"
    write_results(sheet, out, {"Status": ["Accepted", "Error", "Accepted"]}, row_colours=["#C6EFCE", "#FFC7CE", None])
    ws = openpyxl.load_workbook(out).active
    assert ws["A2"].fill.fgColor.rgb == "FFC6EFCE" and ws["D2"].fill.fgColor.rgb == "FFC6EFCE"
    assert ws["B3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["A4"].fill.fill_type is None


def test_result_column_named_like_an_operator_column_does_not_hide_it(tmp_path, sheet):
    out = tmp_path / "clash.xlsx"
    write_results(sheet, out, {"Mobile": ["a", "b", "c"]})
    assert read_workbook(out).headers == ["Name", "Mobile", "Alt", "Mobile (2)"]


def test_control_characters_from_a_server_message_do_not_break_the_file(tmp_path, sheet):
    out = tmp_path / "control.xlsx"
    write_results(sheet, out, {"Message": ["bad\x00byte\x1b", "  spaced  ", "line1\nline2"]})
    back = read_workbook(out)
    assert back.data["Message"].tolist() == ["bad\ufffdbyte\ufffd", "  spaced  ", "line1\nline2"]


def test_output_open_in_excel_gives_a_plain_error_and_keeps_the_old_file(tmp_path, sheet, monkeypatch):
    out = tmp_path / "results.xlsx"
    out.write_bytes(b"old copy")
    real_replace = os.replace

    def locked(src, dst):
        if os.fspath(dst) == os.fspath(out):
            raise PermissionError(13, "being used by another process")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(SheetError) as err:
        write_results(sheet, out, {"Result": ["a", "b", "c"]})
    assert err.value.reason == "locked" and "results.xlsx" in err.value.message
    assert out.read_bytes() == b"old copy"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def test_unknown_suffix_and_mismatched_lengths(tmp_path, sheet):
    with pytest.raises(SheetError) as err:
        write_results(sheet, tmp_path / "results.pdf", {})
    assert ".xlsx or .csv" in err.value.message
    with pytest.raises(ValueError):
        write_results(sheet, tmp_path / "r.xlsx", {"Result": ["only one"]})


def test_a_copy_opens_with_the_sheet_name_made_safe(tmp_path, sheet):
    sheet.name = "Dec [1]/2: *list?*"  # characters Excel forbids in sheet names
    out = tmp_path / "out.xlsx"
    write_results(sheet, out, {})
    assert openpyxl.load_workbook(out).sheetnames == ["Dec  1  2   list"]
