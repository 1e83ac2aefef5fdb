"""CSV and TSV files in the encodings and separators Excel and CRMs write."""

from __future__ import annotations

import codecs

import pytest

from phonon_desktop.sheets import CellKind, SheetError, read_workbook

ROWS = [
    ["Name", "Mobile", "City"],
    ["Zoë Müller", "08012345670", "Zürich"],
    ["José", "+918012345678", "São Paulo"],
    ["Ann", "918012345679", "Köln"],
]


def _text(delimiter: str) -> str:
    return "\r\n".join(delimiter.join(row) for row in ROWS) + "\r\n"


@pytest.mark.parametrize(
    "encoding, bom, delimiter, suffix",
    [
        ("utf-8", b"", ",", ".csv"),
        ("utf-8", codecs.BOM_UTF8, ",", ".csv"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t", ".csv"),  # Excel's "Unicode Text"
        ("utf-16-be", codecs.BOM_UTF16_BE, ",", ".csv"),
        ("cp1252", b"", ";", ".csv"),  # Excel in Europe: semicolons, Windows-1252
        ("cp1252", b"", "\t", ".txt"),
        ("utf-8", b"", "\t", ".tsv"),
        ("utf-8", b"", "|", ".csv"),
    ],
)
def test_each_encoding_and_separator_reads_exactly(tmp_path, encoding, bom, delimiter, suffix):
    path = tmp_path / f"contacts{suffix}"
    path.write_bytes(bom + _text(delimiter).encode(encoding))
    sheet = read_workbook(path)
    assert sheet.headers == ["Name", "Mobile", "City"]
    assert sheet.data.values.tolist() == [row for row in ROWS[1:]]
    assert sheet.source_rows.tolist() == [2, 3, 4]
    assert set(sheet.kinds["Mobile"].tolist()) == {CellKind.TEXT}


def test_utf16_without_a_byte_order_mark(tmp_path):
    path = tmp_path / "nobom.csv"
    path.write_bytes(_text(",").encode("utf-16-le"))
    assert read_workbook(path).data["City"].tolist() == ["Zürich", "São Paulo", "Köln"]


def test_excel_sep_hint_line_sets_the_separator(tmp_path):
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\r\n" + _text(";"), encoding="utf-8")
    sheet = read_workbook(path)
    assert sheet.headers == ["Name", "Mobile", "City"]
    assert sheet.row_count == 3


def test_the_encoding_and_separator_are_stated(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes(_text(";").encode("cp1252"))
    notes = " ".join(read_workbook(path).notes)
    assert "Windows-1252" in notes and "semicolons" in notes


def test_quoted_cells_keep_separators_and_line_breaks(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('Name,Mobile,Address\r\n"Rao, A.",918012345678,"Line 1\nLine 2"\r\n', encoding="utf-8")
    sheet = read_workbook(path)
    assert sheet.data.values.tolist() == [["Rao, A.", "918012345678", "Line 1\nLine 2"]]


def test_ragged_rows_are_padded_and_reported(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Name,Mobile,City\nA,1\nB,2,Pune,extra\nC,3,Goa\n", encoding="utf-8")
    sheet = read_workbook(path)
    assert sheet.headers == ["Name", "Mobile", "City", "Column D"]
    assert sheet.data.values.tolist() == [["A", "1", "", ""], ["B", "2", "Pune", "extra"], ["C", "3", "Goa", ""]]
    notes = " ".join(sheet.notes)
    assert "fewer cells" in notes and "(2)" in notes
    assert "more cells" in notes and "(3)" in notes


def test_numbers_in_a_csv_stay_exactly_as_written(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("Mobile,Amount\n918012345678,1.50\n9.18012E+11,0012\n", encoding="utf-8")
    sheet = read_workbook(path)
    assert sheet.data["Mobile"].tolist() == ["918012345678", "9.18012E+11"]
    assert sheet.data["Amount"].tolist() == ["1.50", "0012"]


def test_empty_csv_and_blank_lines_only(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SheetError) as err:
        read_workbook(empty)
    assert err.value.reason == "empty" and "empty.csv" in err.value.message
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n\n", encoding="utf-8")
    with pytest.raises(SheetError) as err:
        read_workbook(blank)
    assert err.value.reason == "empty"


def test_header_under_title_lines_in_a_csv(tmp_path):
    path = tmp_path / "titled.csv"
    path.write_text("Export from CRM,,\n,,\nName,Mobile,City\nA,918012345678,Pune\n", encoding="utf-8")
    sheet = read_workbook(path)
    assert sheet.header_row == 3
    assert sheet.data["Mobile"].tolist() == ["918012345678"]
