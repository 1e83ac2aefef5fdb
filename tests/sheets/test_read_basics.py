"""Reading a typical contact list: the text the operator sees, where it came from."""

from __future__ import annotations

from phonon_desktop.sheets import CellKind, read_workbook


def test_header_under_title_is_found_and_phones_keep_their_digits(contacts_xlsx):
    sheet = read_workbook(contacts_xlsx)
    assert sheet.name == "Contacts"
    assert sheet.header_row == 3
    assert sheet.headers == ["Customer ID", "Name", "Mobile", "Due date", "Amount"]
    assert sheet.data["Mobile"].tolist() == ["918012345678", "+918012345679", "08012345670"]
    assert sheet.data["Due date"].tolist() == ["2024-12-01", "2024-12-02", "2024-12-03"]
    assert sheet.data["Amount"].tolist() == ["1500", "0.3", "12.5"]
    assert sheet.source_rows.tolist() == [4, 5, 6]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.NUMBER, CellKind.TEXT, CellKind.TEXT]


def test_every_value_is_a_python_str(contacts_xlsx):
    sheet = read_workbook(contacts_xlsx)
    values = [sheet.data.iat[i, j] for i in range(sheet.row_count) for j in range(len(sheet.headers))]
    assert all(type(v) is str for v in values)
