"""Workbook structure: which sheet, which header row, hidden and merged cells, names."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from phonon_desktop.sheets import SheetError, detect_header_row, list_sheets, read_workbook


def _book_with_sheets(tmp_path):
    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "Instructions"
    intro["A1"] = "Fill in one contact per row."
    intro["A2"] = "Phone numbers with the country code."
    wb.create_sheet("Empty")
    contacts = wb.create_sheet("Contacts")
    contacts.append(["Name", "Mobile"])
    contacts.append(["Abhi", "918012345678"])
    contacts.append(["Priya", "918012345679"])
    other = wb.create_sheet("Old list")
    other.append(["Name", "Phone"])
    other.append(["Old", "1"])
    path = tmp_path / "several sheets.xlsx"
    wb.save(path)
    return path


def test_first_sheet_holding_a_table_is_chosen_skipping_empty_and_instructions(tmp_path):
    sheet = read_workbook(_book_with_sheets(tmp_path))
    assert sheet.name == "Contacts"
    assert sheet.data["Mobile"].tolist() == ["918012345678", "918012345679"]
    assert [s.name for s in sheet.sheets] == ["Instructions", "Empty", "Contacts", "Old list"]


def test_sheets_are_listed_with_their_sizes(tmp_path):
    infos = {info.name: info for info in list_sheets(_book_with_sheets(tmp_path))}
    assert infos["Contacts"].rows == 3 and infos["Contacts"].columns == 2
    assert infos["Empty"].has_data is False and infos["Empty"].rows == 0
    assert infos["Instructions"].rows == 2


def test_another_sheet_can_be_chosen_and_an_unknown_one_is_named(tmp_path):
    path = _book_with_sheets(tmp_path)
    assert read_workbook(path, sheet="Old list").data["Phone"].tolist() == ["1"]
    with pytest.raises(SheetError) as err:
        read_workbook(path, sheet="Nope")
    assert "“Nope”" in err.value.message and "“Contacts”" in err.value.message


def test_choosing_the_empty_sheet_says_it_is_empty(tmp_path):
    with pytest.raises(SheetError) as err:
        read_workbook(_book_with_sheets(tmp_path), sheet="Empty")
    assert err.value.reason == "empty"
    assert "“Empty”" in err.value.message


def test_header_row_can_be_chosen_by_the_operator(contacts_xlsx):
    sheet = read_workbook(contacts_xlsx, header_row=4)
    assert sheet.header_row == 4
    assert sheet.headers[0] == "C001"
    assert sheet.source_rows.tolist() == [5, 6]
    with pytest.raises(SheetError) as err:
        read_workbook(contacts_xlsx, header_row=99)
    assert "row 99" in err.value.message.lower()


def test_duplicate_and_blank_headers_become_unique_and_visible(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Mobile", None, "mobile", "Notes"])
    ws.append(["A", "1", "2", "orphan", "3", ""])
    path = tmp_path / "dupes.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.headers == ["Name", "Mobile", "Mobile (2)", "Column D", "mobile (3)", "Notes"]
    assert sheet.original_headers == ["Name", "Mobile", "Mobile", "", "mobile", "Notes"]
    assert sheet.data["Column D"].tolist() == ["orphan"]
    assert any("Column D" in note for note in sheet.notes)


def test_hidden_rows_and_columns_are_reported(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Internal"])
    for i in range(5):
        ws.append([f"n{i}", f"9180123456{i}", "x"])
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[5].hidden = True
    ws.column_dimensions["C"].hidden = True
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.row_count == 5  # hidden rows are read, not dropped
    assert sheet.hidden_rows.tolist() == [False, True, False, True, False]
    assert sheet.hidden_columns == ["Internal"]


def test_trailing_formatted_empty_rows_and_columns_are_dropped(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", "918012345678"])
    fill = PatternFill("solid", fgColor="FFFF00")
    for row in range(3, 200):
        for col in range(1, 8):
            ws.cell(row=row, column=col).fill = fill
            ws.cell(row=row, column=col).number_format = "@"
    path = tmp_path / "formatted.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.headers == ["Name", "Mobile"]
    assert sheet.row_count == 1


def test_blank_rows_inside_the_list_are_left_out_and_counted(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", "1"])
    ws.append([])
    ws.append([])
    ws.append(["B", "2"])
    path = tmp_path / "gaps.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.data["Name"].tolist() == ["A", "B"]
    assert sheet.source_rows.tolist() == [2, 5]
    assert any("2 blank rows" in note for note in sheet.notes)


def test_merged_header_cell_names_every_column_it_covers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Phone", None, "City"])
    ws.merge_cells("B1:C1")
    ws.append(["A", "918012345678", "918012345679", "Pune"])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.headers == ["Name", "Phone", "Phone (2)", "City"]
    assert sheet.data["Phone (2)"].tolist() == ["918012345679"]


def test_table_starting_away_from_a1_keeps_file_rows_and_letters(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "Name"
    ws["D3"] = "Mobile"
    ws["C4"] = "A"
    ws["E4"] = "stray"
    ws["D5"] = 918012345678
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.header_row == 3
    assert sheet.headers == ["Name", "Mobile", "Column E"]
    assert sheet.source_rows.tolist() == [4, 5]
    assert sheet.data["Mobile"].tolist() == ["", "918012345678"]


def test_unicode_path_with_spaces(tmp_path):
    folder = tmp_path / "संपर्क सूची"
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Mobile"])
    wb.active.append(["अभिनंदन", "918012345678"])
    path = folder / "ग्राहक list.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.data["Name"].tolist() == ["अभिनंदन"]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["Name", "Mobile"], ["A", "1"]], 1),
        ([["December list", "", ""], ["", "", ""], ["Name", "Mobile", "Due"], ["A", "1", "2"]], 3),
        ([["Report", ""], ["Generated 2024-12-01", ""], ["ID", "Phone"], ["1", "918012345678"]], 3),
        ([["918012345678", "2024-01-01"], ["918012345679", "2024-01-02"]], 1),
        ([[""], [""]], 1),
        ([["Name", "Name", "Name"], ["Customer", "Mobile", "City"], ["A", "1", "x"]], 2),
    ],
)
def test_detect_header_row(rows, expected):
    assert detect_header_row(rows) == expected


def test_merged_cells_inside_the_list_are_not_copied_down_and_are_noted(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Team", "Mobile"])
    ws.append(["North", "918012345678"])
    ws.append([None, "918012345679"])
    ws.merge_cells("A2:A3")
    path = tmp_path / "merged rows.xlsx"
    wb.save(path)
    sheet = read_workbook(path)
    assert sheet.data["Team"].tolist() == ["North", ""]
    assert any("A2:A3" in note for note in sheet.notes)


def test_binary_workbook_asks_for_xlsx(tmp_path):
    import zipfile

    path = tmp_path / "list.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert ".xlsx" in err.value.message and "Binary" in err.value.message


def test_big_sheets_are_listed_from_their_first_rows_without_loading(tmp_path):
    import zipfile

    from phonon_desktop.sheets import xlsxscan

    wb = openpyxl.Workbook(write_only=True)  # writes no <dimension>, like many export scripts
    ws = wb.create_sheet("Contacts")
    ws.append(["Name", "Mobile", "City"])
    for i in range(3000):
        ws.append([f"Name {i}", 918000000000 + i, "Pune"])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as archive:
        rows, columns = xlsxscan.declared_size(archive, xlsxscan.sheet_member(archive, "Contacts"))
    assert 2700 <= rows <= 3300 and columns == 3
    assert read_workbook(path).sheets[0].rows == 3001  # exact once read
