"""Untrusted and broken files: one plain SheetError each, nothing half-loaded, no hang."""

from __future__ import annotations

import builtins
import os
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phonon_desktop.sheets import ReadLimits, SheetError, check_xml_protection, list_sheets, read_workbook
from sheet_makers import encrypted_copy, entity_bomb, rewrite_member, shared_strings_bomb, simple_workbook, zip_bomb

PLAIN = [["Name", "Mobile"], ["Abhi", "918012345678"], ["Priya", 918012345679]]


def _no_traceback_words(message: str) -> None:
    assert "Traceback" not in message and "Error:" not in message and "{" not in message


@pytest.fixture
def plain_xlsx(tmp_path):
    return simple_workbook(tmp_path / "plain.xlsx", PLAIN)


@pytest.mark.parametrize("where", ["sheet", "shared strings"])
def test_entity_bomb_in_a_sheet_is_refused_without_expanding(tmp_path, plain_xlsx, where):
    if where == "sheet":
        bomb = entity_bomb(plain_xlsx, tmp_path / "bomb.xlsx")
        assert b"&lol9;" in zipfile.ZipFile(bomb).read("xl/worksheets/sheet1.xml")
    else:
        bomb = shared_strings_bomb(plain_xlsx, tmp_path / "bomb.xlsx")
    with pytest.raises(SheetError) as err:
        read_workbook(bomb)
    assert err.value.reason == "corrupt"
    assert "bomb.xlsx" in err.value.message
    _no_traceback_words(err.value.message)


def test_entity_bomb_in_the_workbook_part_is_refused(tmp_path, plain_xlsx):
    def change(data: bytes) -> bytes:
        from sheet_makers import ENTITY_BOMB_DTD

        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return ENTITY_BOMB_DTD.encode() + body.replace(b'name="Contacts"', b'name="&lol9;"')

    bomb = rewrite_member(plain_xlsx, tmp_path / "bomb2.xlsx", "xl/workbook.xml", change)
    with pytest.raises(SheetError):
        read_workbook(bomb)


def test_openpyxl_is_protected_by_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    check_xml_protection()


def test_missing_xml_protection_is_refused(monkeypatch):
    import openpyxl.xml

    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(SheetError) as err:
        check_xml_protection()
    assert err.value.reason == "unprotected"


def test_zip_bomb_is_refused_from_the_zip_directory_before_parsing(tmp_path, monkeypatch):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", size=300 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024

    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("the parser must not see a zip bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    monkeypatch.setattr(zipfile.ZipFile, "read", never)
    with pytest.raises(SheetError) as err:
        read_workbook(bomb, limits=ReadLimits(max_uncompressed_bytes=256 * 1024 * 1024))
    assert err.value.reason == "too_big"
    assert "bomb.xlsx" in err.value.message


def test_highly_compressed_member_is_refused_even_under_the_total_budget(tmp_path):
    bomb = zip_bomb(tmp_path / "ratio.xlsx", size=64 * 1024 * 1024)
    with pytest.raises(SheetError) as err:
        read_workbook(bomb)
    assert err.value.reason == "too_big"


def test_cells_far_apart_are_refused_before_the_sheet_is_allocated(tmp_path):
    # Two cells, a few kilobytes: the fast reader would allocate the whole rectangle.
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Name"
    wb.active["ZZ200000"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert err.value.reason == "too_big"
    with pytest.raises(SheetError):
        list_sheets(path)


def test_a_row_number_far_past_excel_is_refused(tmp_path, plain_xlsx):
    far = rewrite_member(
        plain_xlsx, tmp_path / "far_row.xlsx", "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b'<row r="3"', b'<row r="99999999"').replace(b'r="A3"', b'r="A99999999"')
        .replace(b'r="B3"', b'r="B99999999"'),
    )
    with pytest.raises(SheetError) as err:
        read_workbook(far)
    assert err.value.reason == "too_big"


def test_row_cap_stops_a_long_sheet_with_a_clear_message(tmp_path):
    path = simple_workbook(tmp_path / "long.xlsx", [["Name", "Mobile"]] + [[f"n{i}", str(i)] for i in range(300)])
    with pytest.raises(SheetError) as err:
        read_workbook(path, limits=ReadLimits(max_rows=50))
    assert err.value.reason == "too_big" and "50" in err.value.message


def test_password_protected_workbook_asks_to_remove_the_password(tmp_path, plain_xlsx):
    locked = encrypted_copy(plain_xlsx, tmp_path / "locked.xlsx")
    with pytest.raises(SheetError) as err:
        read_workbook(locked)
    assert err.value.reason == "password"
    assert "remove the password" in err.value.message.lower() and "locked.xlsx" in err.value.message


@pytest.mark.parametrize("fraction", [0.1, 0.35, 0.6, 0.8, 0.95, 0.99])
def test_truncated_workbook_is_one_plain_error(tmp_path, plain_xlsx, fraction):
    data = plain_xlsx.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(SheetError) as err:
        read_workbook(cut)
    assert err.value.reason in {"corrupt", "not_a_sheet"}
    _no_traceback_words(err.value.message)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=0, max_size=4096), suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".csv"]))
def test_random_bytes_never_escape_as_anything_but_sheet_error(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        read_workbook(path)
    except SheetError as err:
        assert err.message
        _no_traceback_words(err.message)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_mutated_workbooks_never_escape_as_anything_but_sheet_error(tmp_path, flips):
    source = tmp_path / "source.xlsx"
    if not source.exists():
        simple_workbook(source, PLAIN)
    data = bytearray(source.read_bytes())
    for position, value in flips:
        data[position % len(data)] = value
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(bytes(data))
    try:
        sheet = read_workbook(path)
    except SheetError as err:
        _no_traceback_words(err.message)
    else:
        assert all(type(v) is str for v in sheet.data.to_numpy().ravel())


@pytest.mark.parametrize(
    "content, words",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (b"<!DOCTYPE html><html><body><table><tr><td>918012345678</td></tr></table></body></html>", "web page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a spreadsheet"),
    ],
)
def test_files_that_are_not_spreadsheets_say_what_they_are(tmp_path, content, words):
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(content)
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert words in err.value.message
    assert err.value.reason == "not_a_sheet"


def test_a_csv_saved_with_an_xlsx_name_is_read_as_csv(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_text("Name,Mobile\nA,08012345670\n", encoding="utf-8")
    assert read_workbook(path).data["Mobile"].tolist() == ["08012345670"]


def test_a_word_document_or_other_zip_is_named(tmp_path):
    path = tmp_path / "contacts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert "Word" in err.value.message


def test_empty_file_and_missing_file(tmp_path):
    empty = tmp_path / "nothing.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(SheetError) as err:
        read_workbook(empty)
    assert err.value.reason == "empty" and "nothing.xlsx" in err.value.message
    with pytest.raises(SheetError) as err:
        read_workbook(tmp_path / "gone.xlsx")
    assert err.value.reason == "missing"


def test_workbook_whose_only_sheet_is_empty(tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert err.value.reason == "empty"


def test_file_locked_by_excel_says_close_it_there(tmp_path, monkeypatch, plain_xlsx):
    real_open = builtins.open

    def locked_open(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(plain_xlsx):
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", locked_open)
    with pytest.raises(SheetError) as err:
        read_workbook(plain_xlsx)
    assert err.value.reason == "locked"
    assert "open in another program" in err.value.message and "Close it there" in err.value.message


def test_xlsm_is_read_without_running_macros(tmp_path, plain_xlsx):
    xlsm = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(plain_xlsx) as old, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        new.writestr("xl/vbaProject.bin", b"\x00" * 64)
    sheet = read_workbook(xlsm)
    assert sheet.data["Mobile"].tolist() == ["918012345678", "918012345679"]
    assert any("macros" in note for note in sheet.notes)


def test_ods_written_by_another_program(tmp_path):
    import pandas as pd

    path = tmp_path / "contacts.ods"
    frame = pd.DataFrame({"Name": ["Abhi", "Zoë"], "Mobile": [918012345678, 918012345679], "Alt": ["0801", "+44"]})
    frame.to_excel(path, engine="odf", index=False)
    sheet = read_workbook(path)
    assert sheet.data.values.tolist() == [["Abhi", "918012345678", "0801"], ["Zoë", "918012345679", "+44"]]


def test_an_encrypted_ole_file_with_a_xls_name(tmp_path, plain_xlsx):
    locked = encrypted_copy(plain_xlsx, tmp_path / "old.xls")
    with pytest.raises(SheetError) as err:
        read_workbook(locked)
    assert err.value.reason == "password"


def test_an_ole_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert err.value.reason == "corrupt"


def _ods_with_rows(tmp_path, extra_rows: str, name: str):
    import pandas as pd

    base = tmp_path / "base.ods"
    pd.DataFrame({"Name": ["Abhi"], "Mobile": ["918012345678"]}).to_excel(base, engine="odf", index=False)
    return rewrite_member(
        base, tmp_path / name, "content.xml",
        lambda d: d.replace(b"</table:table-row></table:table>", b"</table:table-row>" + extra_rows.encode() + b"</table:table>"),
    )


def test_ods_repeating_one_cell_over_millions_of_cells_is_refused(tmp_path):
    bomb = _ods_with_rows(
        tmp_path,
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16000" '
        'office:value-type="string" office:string-value="x"><text:p>x</text:p></table:table-cell></table:table-row>',
        "repeat bomb.ods",
    )
    assert bomb.stat().st_size < 10_000
    with pytest.raises(SheetError) as err:
        read_workbook(bomb)
    assert err.value.reason == "too_big"


def test_ods_padding_of_empty_repeated_rows_and_cells_is_read_normally(tmp_path):
    padded = _ods_with_rows(
        tmp_path,
        '<table:table-row><table:table-cell office:value-type="string" office:string-value="Priya"><text:p>Priya</text:p>'
        '</table:table-cell><table:table-cell office:value-type="float" office:value="918012345679"><text:p>918012345679</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="16384"/>'
        "</table:table-row>",
        "padded.ods",
    )
    sheet = read_workbook(padded)
    assert sheet.data.values.tolist() == [["Abhi", "918012345678"], ["Priya", "918012345679"]]


def _understate_member_size(path, member: str, size: int) -> None:
    """Make the zip say ``member`` unpacks to ``size`` bytes, as a lying bomb does."""
    import struct

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_that_understates_a_member_is_stopped_while_inflating(tmp_path):
    rows = [["Name", "Mobile"]] + [[f"n{i}", str(918000000000 + i)] for i in range(2000)]
    path = simple_workbook(tmp_path / "liar.xlsx", rows)
    _understate_member_size(path, "xl/worksheets/sheet1.xml", 100)
    with pytest.raises(SheetError) as err:
        read_workbook(path)
    assert err.value.reason == "corrupt"


def test_the_scan_without_isal_finds_the_same(tmp_path, monkeypatch):
    from phonon_desktop.sheets import xlsxscan

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile"])
    ws.append(["A", "#N/A"])
    ws.append(["B", "918012345678"])
    ws["B2"].data_type = "e"
    ws.row_dimensions[3].hidden = True
    path = tmp_path / "plain zlib.xlsx"
    wb.save(path)
    with_isal = read_workbook(path)
    monkeypatch.setattr(xlsxscan, "_raw_inflate", None)
    without = read_workbook(path)
    assert without.data.values.tolist() == with_isal.data.values.tolist() == [["A", "#N/A"], ["B", "918012345678"]]
    assert without.hidden_rows.tolist() == with_isal.hidden_rows.tolist() == [False, True]


def test_a_far_cell_cut_in_two_by_the_scan_pieces_is_still_refused(tmp_path, monkeypatch):
    from phonon_desktop.sheets import xlsxscan

    wb = openpyxl.Workbook()
    for i in range(1, 60):
        wb.active[f"A{i}"] = f"name {i}"
    wb.active["ZZ200000"] = "x"
    path = tmp_path / "far split.xlsx"
    wb.save(path)
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        at = archive.read(member).index(b'r="ZZ200000"')
        for cut in range(at + 1, at + 11):  # the piece boundary falls inside the reference
            monkeypatch.setattr(xlsxscan, "_CHUNK", cut)
            # The check that runs before the fast reader allocates anything must refuse it.
            with pytest.raises(SheetError) as err:
                xlsxscan.check_extent(path, archive, member, ReadLimits())
            assert err.value.reason == "too_big"
