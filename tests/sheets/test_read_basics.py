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


def test_rows_past_or_short_of_the_announced_count_are_all_kept():
    from phonon_desktop.sheets.reader import _Grid

    rows = [["Name", "Mobile"], ["A", "0801"], ["B", 918012345678.0], ["C", ""], ["D", "x", "extra"]]
    for announced in (0, 2, 3, 5, 50):  # unknown, too few, exact, more than read
        grid = _Grid(capacity=announced)
        grid.add([list(r) for r in rows[:3]])
        grid.add([list(r) for r in rows[3:]])
        texts, kinds = grid.columns()
        assert [list(t) for t in texts] == [
            ["Name", "A", "B", "C", "D"], ["Mobile", "0801", "918012345678", "", "x"], ["", "", "", "", "extra"],
        ], announced
        assert [int(k) for k in kinds[1]] == [1, 1, 2, 0, 1]
