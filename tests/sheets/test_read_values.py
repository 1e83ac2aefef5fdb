"""Every cell reads as the text the operator sees in Excel, and says what it was."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from phonon_desktop.sheets import CellKind, read_workbook
from phonon_desktop.sheets.cells import cell_text, convert_column, number_text


def _one_column(tmp_path, values, *, formats=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Value"])
    for i, value in enumerate(values):
        ws.append([f"row {i}", value])
        if formats and formats[i]:
            ws.cell(row=i + 2, column=2).number_format = formats[i]
    path = tmp_path / "values.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    return sheet.data["Value"].tolist(), [CellKind(k) for k in sheet.kinds["Value"].tolist()]


def test_phone_numbers_stored_as_numbers_keep_every_digit(tmp_path):
    texts, kinds = _one_column(tmp_path, [918012345678, 9180123456789, 447700900123, 12345678901234])
    assert texts == ["918012345678", "9180123456789", "447700900123", "12345678901234"]
    assert set(kinds) == {CellKind.NUMBER}


def test_phone_numbers_stored_as_text_are_untouched(tmp_path):
    texts, kinds = _one_column(tmp_path, ["08012345670", "+918012345678", " 98 765 43210 ", "0044 20 7946 0000"])
    assert texts == ["08012345670", "+918012345678", " 98 765 43210 ", "0044 20 7946 0000"]
    assert set(kinds) == {CellKind.TEXT}


def test_numbers_past_15_digits_are_flagged_as_damaged(tmp_path):
    texts, kinds = _one_column(tmp_path, [12345678901234567890, 1234567890123456, 1e20, 123456789012345])
    assert kinds == [CellKind.NUMBER_DAMAGED, CellKind.NUMBER_DAMAGED, CellKind.NUMBER, CellKind.NUMBER]
    # Shown as Excel shows them: 15 significant digits, never in E notation.
    assert texts == ["12345678901234600000", "1234567890123460", "100000000000000000000", "123456789012345"]


def test_decimals_show_in_their_shortest_form_as_excel_does(tmp_path):
    texts, _ = _one_column(tmp_path, [0.1 + 0.2, 12.5, -3.25, 1500.0, 0.000015, 2 / 3, 1e-10])
    assert texts == ["0.3", "12.5", "-3.25", "1500", "0.000015", "0.666666666666667", "0.0000000001"]


def test_dates_datetimes_times_and_booleans(tmp_path):
    values = [dt.date(2024, 12, 1), dt.datetime(2024, 12, 1, 10, 30, 15), dt.time(9, 5), True, False]
    texts, kinds = _one_column(tmp_path, values)
    assert texts == ["2024-12-01", "2024-12-01 10:30:15", "09:05", "TRUE", "FALSE"]
    assert kinds == [CellKind.DATE, CellKind.DATETIME, CellKind.TIME, CellKind.BOOL, CellKind.BOOL]


def test_a_column_of_date_times_keeps_midnight_as_a_time(tmp_path):
    values = [dt.datetime(2024, 12, 1, 10, 30), dt.datetime(2024, 12, 2, 0, 0), dt.datetime(2024, 12, 3, 9, 0)]
    texts, kinds = _one_column(tmp_path, values)
    assert texts == ["2024-12-01 10:30", "2024-12-02 00:00", "2024-12-03 09:00"]
    assert set(kinds) == {CellKind.DATETIME}


def test_empty_cells_are_empty_text_never_nan_or_none(tmp_path):
    texts, kinds = _one_column(tmp_path, [918012345678, None, "x", None, 5])
    assert texts == ["918012345678", "", "x", "", "5"]
    assert kinds[1] == CellKind.EMPTY and kinds[3] == CellKind.EMPTY
    assert all(type(t) is str for t in texts)


def test_error_cells_show_their_text_and_are_marked(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", "#N/A"])
    ws.append(["B", "#DIV/0!"])
    ws.append(["C", "918012345678"])
    ws["B2"].data_type = "e"
    ws["B3"].data_type = "e"
    path = tmp_path / "errors.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.data["Mobile"].tolist() == ["#N/A", "#DIV/0!", "918012345678"]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.ERROR, CellKind.ERROR, CellKind.TEXT]


def test_formulas_never_calculated_are_flagged_not_read_as_empty(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", '="91"&"8012345678"'])
    ws.append(["B", "918012345679"])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.kinds["Mobile"].tolist() == [CellKind.FORMULA_NO_VALUE, CellKind.TEXT]
    assert sheet.data["Mobile"].tolist() == ["", "918012345679"]
    assert any("never calculated" in note and "Mobile" in note for note in sheet.notes)


def test_formula_with_a_cached_value_reads_its_value(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", "=1+1"])
    path = tmp_path / "cached.xlsx"
    wb.save(path)

    def add_value(data: bytes) -> bytes:  # what Excel writes after calculating
        return data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>").replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")

    from sheet_makers import rewrite_member

    fixed = rewrite_member(path, tmp_path / "cached2.xlsx", "xl/worksheets/sheet1.xml", add_value)
    sheet = read_workbook(fixed)
    assert sheet.data["Mobile"].tolist() == ["2"]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.NUMBER]


def test_zero_padded_number_format_shows_its_leading_zeros(tmp_path):
    texts, kinds = _one_column(tmp_path, [801234567, 801234567], formats=["0000000000", None])
    assert texts == ["0801234567", "801234567"]
    assert kinds == [CellKind.NUMBER, CellKind.NUMBER]


@pytest.mark.parametrize(
    "value, expected",
    [
        (918012345678.0, ("918012345678", CellKind.NUMBER)),
        (-0.0, ("0", CellKind.NUMBER)),
        (1e15, ("1000000000000000", CellKind.NUMBER)),
        (float("nan"), ("#NUM!", CellKind.ERROR)),
    ],
)
def test_number_text_edges(value, expected):
    assert number_text(value) == expected


def test_mixed_columns_convert_each_cell_by_its_type():
    texts, kinds = convert_column(("Mobile", 918012345678.0, "", dt.date(2024, 1, 2), True, 7))
    assert texts == ["Mobile", "918012345678", "", "2024-01-02", "TRUE", "7"]
    assert kinds.tolist() == [CellKind.TEXT, CellKind.NUMBER, CellKind.EMPTY, CellKind.DATE, CellKind.BOOL, CellKind.NUMBER]


def test_float_columns_with_huge_and_odd_values_take_the_exact_path():
    texts, kinds = convert_column((1.5, 1e20, -0.0, 2.5e-7))
    assert texts == ["1.5", "100000000000000000000", "0", "0.00000025"]
    assert set(kinds.tolist()) == {CellKind.NUMBER}


def test_durations_show_hours_past_24():
    assert cell_text(dt.timedelta(hours=36, minutes=5)) == ("36:05:00", CellKind.TIME)


@pytest.mark.parametrize("beside", [True, False])
def test_scan_beside_the_parse_or_before_it_finds_the_same(tmp_path, monkeypatch, beside):
    from phonon_desktop.sheets import workbook

    monkeypatch.setattr(workbook, "SCAN_BESIDE_PARSE", beside)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Code"])
    ws.append(["A", "#N/A", 801234567])
    ws.append(["B", "=1+1", 5])
    ws["B2"].data_type = "e"
    ws["C2"].number_format = "0000000000"
    ws.row_dimensions[3].hidden = True
    path = tmp_path / "scan.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.data.values.tolist() == [["A", "#N/A", "0801234567"], ["B", "", "5"]]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.ERROR, CellKind.FORMULA_NO_VALUE]
    assert sheet.hidden_rows.tolist() == [False, True]


def test_trailing_rows_and_columns_of_uncalculated_formulas_are_kept_and_flagged(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Full number"])
    ws.append(["A", "8012345678", '="91"&B2'])
    ws.append([None, None, '="91"&B3'])  # a row holding only a formula
    path = tmp_path / "script.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.row_count == 2
    assert sheet.kinds["Full number"].tolist() == [CellKind.FORMULA_NO_VALUE, CellKind.FORMULA_NO_VALUE]
    assert sheet.source_rows.tolist() == [2, 3]


def test_an_error_cell_without_its_text_does_not_borrow_the_next_cell(tmp_path):
    from sheet_makers import rewrite_member

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "City"])
    ws.append(["A", "#REF!", "Pune"])
    ws["B2"].data_type = "e"
    path = tmp_path / "bare error.xlsx"
    wb.save(path)
    bare = rewrite_member(
        path, tmp_path / "bare error 2.xlsx", "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b'<c r="B2" t="e"><v>#REF!</v></c>', b'<c r="B2" t="e"/>'),
    )
    sheet = read_workbook(bare)
    assert sheet.data.values.tolist() == [["A", "#N/A", "Pune"]]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.ERROR]


def test_legacy_xls_reads_the_same_text(tmp_path):
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Contacts")
    ws.write(0, 0, "Name")
    ws.write(0, 1, "Mobile")
    ws.write(0, 2, "Alt")
    ws.write(0, 3, "Due")
    ws.write(1, 0, "Abhi")
    ws.write(1, 1, 918012345678)
    ws.write(1, 2, "08012345670")
    ws.write(1, 3, dt.date(2024, 12, 1), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    ws.write(2, 0, "Zoë")
    ws.write(2, 1, 0.1 + 0.2)
    ws.write(2, 2, "+918012345679")
    ws.write(2, 3, dt.datetime(2024, 12, 1, 10, 30), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
    path = tmp_path / "old list.xls"
    wb.save(str(path))
    sheet = read_workbook(path)
    assert sheet.data.values.tolist() == [
        ["Abhi", "918012345678", "08012345670", "2024-12-01"],
        ["Zoë", "0.3", "+918012345679", "2024-12-01 10:30"],
    ]
    assert sheet.kinds["Due"].tolist() == [CellKind.DATE, CellKind.DATETIME]


def test_long_mixed_columns_read_each_cell_by_its_type(tmp_path):
    # Real lists mix phones stored as numbers and as text, with blanks, over thousands of rows.
    mobiles = [918012345600 + i if i % 3 == 0 else (f"0{8012345600 + i}" if i % 3 == 1 else None) for i in range(300)]
    amounts = [1500 if i % 4 == 0 else (12.5 + i if i % 4 == 1 else (0.1 + 0.2 if i % 4 == 2 else None)) for i in range(300)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Amount"])
    for i, (mobile, amount) in enumerate(zip(mobiles, amounts)):
        ws.append([f"row {i}", mobile, amount])
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    expected_mobiles = [str(m) if m is not None else "" for m in mobiles]
    assert sheet.data["Mobile"].tolist() == expected_mobiles
    assert sheet.kinds["Mobile"].tolist()[:3] == [CellKind.NUMBER, CellKind.TEXT, CellKind.EMPTY]
    assert sheet.data["Amount"].tolist()[:4] == ["1500", "13.5", "0.3", ""]
    assert sheet.data["Amount"].tolist()[5] == "17.5"
    assert all(type(text) is str for text in sheet.data["Amount"].tolist())


def test_long_date_time_columns_show_minutes_seconds_and_midnight(tmp_path):
    start = dt.datetime(2024, 3, 1, 9, 0)
    times = [start + dt.timedelta(minutes=37 * i, seconds=5 if i % 50 == 7 else 0) for i in range(400)]
    times[10] = dt.datetime(2024, 3, 9, 0, 0)  # midnight: the fast reader gives a date
    texts, kinds = _one_column(tmp_path, times)
    assert texts[0] == "2024-03-01 09:00" and texts[1] == "2024-03-01 09:37"
    assert texts[7] == (start + dt.timedelta(minutes=37 * 7)).strftime("%Y-%m-%d %H:%M") + ":05"
    assert texts[10] == "2024-03-09 00:00"
    assert texts == [t.strftime("%Y-%m-%d %H:%M:%S" if t.second else "%Y-%m-%d %H:%M") for t in times]
    assert set(kinds) == {CellKind.DATETIME}


def test_formulas_never_calculated_are_flagged_in_a_sheet_written_with_a_namespace_prefix(tmp_path):
    """Some exporters write <x:worksheet>, <x:c>, <x:f>: the same cells must be found."""
    import re

    from sheet_makers import rewrite_member

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", '="91"&"8012345678"'])
    ws.append(["B", "918012345679"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)

    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="', 1)
        return re.sub(rb"<(/?)(?!x:|\?)(\w+)", rb"<\1x:\2", xml)

    path = rewrite_member(plain, tmp_path / "prefixed.xlsx", "xl/worksheets/sheet1.xml", prefixed)
    sheet = read_workbook(path)
    assert sheet.kinds["Mobile"].tolist() == [CellKind.FORMULA_NO_VALUE, CellKind.TEXT]
    assert any("never calculated" in note and "Mobile" in note for note in sheet.notes)
