""".xls and .ods: hidden rows and columns, error cells and number formats, as the operator sees them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlwt
from odf.number import Number, NumberStyle, PercentageStyle
from odf.number import Text as NumberText
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

from phonon_desktop.sheets import read_workbook
from phonon_desktop.sheets import xlsdetails
from phonon_desktop.sheets.model import CellKind

from sheet_makers import rewrite_member

_NA, _DIV0 = 0x2A, 0x07  # BIFF error codes of #N/A and #DIV/0!


# --- .xls -------------------------------------------------------------------------------


def _contacts_xls(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Contacts")
    percent = xlwt.easyxf(num_format_str="0%")
    amount = xlwt.easyxf(num_format_str='"₹"#,##0.00')
    padded = xlwt.easyxf(num_format_str="00000000000")
    day = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for j, header in enumerate(["Name", "Mobile", "Share", "Amount", "Landline", "Due", "Plain"]):
        sheet.write(0, j, header)
    rows = [
        ("Asha", 918012345678, 0.15, 1234.5, 2212345678, dt.date(2024, 1, 5), 0.15),
        ("Ravi", _NA, 0.5, -20, 2212345679, dt.date(2024, 1, 6), 7),
        ("Hidden", 918012345679, 1, 0, 2212345670, dt.date(2024, 1, 7), 8),
        ("Meena", _DIV0, 0.25, 99.999, 2212345671, dt.date(2024, 1, 8), 9),
    ]
    for i, (name, mobile, share, money, landline, due, plain) in enumerate(rows, start=1):
        sheet.write(i, 0, name)
        if mobile in (_NA, _DIV0):
            sheet.row(i).set_cell_error(1, mobile)
        else:
            sheet.write(i, 1, mobile)
        sheet.write(i, 2, share, percent)
        sheet.write(i, 3, money, amount)
        sheet.write(i, 4, landline, padded)
        sheet.write(i, 5, due, day)
        sheet.write(i, 6, plain)
    sheet.row(3).hidden = True
    sheet.col(6).hidden = True
    book.save(str(path))
    return path


def test_xls_error_cells_show_their_text_and_are_marked(tmp_path):
    sheet = read_workbook(_contacts_xls(tmp_path / "पुणे contacts.xls"))
    assert sheet.data["Mobile"].tolist() == ["918012345678", "#N/A", "918012345679", "#DIV/0!"]
    assert sheet.kinds["Mobile"].tolist() == [CellKind.NUMBER, CellKind.ERROR, CellKind.NUMBER, CellKind.ERROR]


def test_xls_hidden_rows_and_columns_are_offered(tmp_path):
    sheet = read_workbook(_contacts_xls(tmp_path / "contacts.xls"))
    assert sheet.hidden_rows.tolist() == [False, False, True, False]
    assert sheet.hidden_columns == ["Plain"]
    assert any("1 hidden row" in note for note in sheet.notes)
    assert any("Hidden columns: Plain" in note for note in sheet.notes)


def test_xls_number_formats_are_shown(tmp_path):
    sheet = read_workbook(_contacts_xls(tmp_path / "contacts.xls"))
    assert sheet.data["Share"].tolist() == ["15%", "50%", "100%", "25%"]
    assert sheet.data["Amount"].tolist() == ["₹1,234.50", "-₹20.00", "₹0.00", "₹100.00"]
    assert sheet.data["Landline"].tolist() == ["02212345678", "02212345679", "02212345670", "02212345671"]
    assert sheet.data["Due"].tolist() == ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"]
    assert sheet.data["Plain"].tolist() == ["0.15", "7", "8", "9"]
    assert set(sheet.kinds["Share"]) == set(sheet.kinds["Amount"]) == {CellKind.NUMBER}


def test_xls_too_large_to_scan_says_so_and_still_reads(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsdetails, "MAX_SCANNED_BYTES", 0)
    sheet = read_workbook(_contacts_xls(tmp_path / "contacts.xls"))
    assert sheet.data["Name"].tolist() == ["Asha", "Ravi", "Hidden", "Meena"]
    assert any("could not be checked" in note and ".xlsx" in note for note in sheet.notes)


# --- .ods -------------------------------------------------------------------------------

CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def _text_cell(text: str) -> TableCell:
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=text))
    return cell


def _number_cell(value: float, shown: str, *, style: str | None = None, value_type: str = "float") -> TableCell:
    cell = TableCell(valuetype=value_type, value=value, **({"stylename": style} if style else {}))
    cell.addElement(P(text=shown))
    return cell


def _error_cell(text: str) -> TableCell:
    cell = TableCell(valuetype="float", value=0)  # LibreOffice stores an error as 0 with its text
    cell.setAttrNS(CALCEXT, "value-type", "error")
    cell.addElement(P(text=text))
    return cell


def _contacts_ods(path: Path) -> Path:
    doc = OpenDocumentSpreadsheet()
    general = NumberStyle(name="N0")
    general.addElement(Number(minintegerdigits=1))
    grouped = NumberStyle(name="N4")
    grouped.addElement(Number(decimalplaces=2, minintegerdigits=1, grouping="true"))
    percent = PercentageStyle(name="N10")
    percent.addElement(Number(decimalplaces=0, minintegerdigits=1))
    percent.addElement(NumberText(text="%"))
    for data_style in (general, grouped, percent):
        doc.automaticstyles.addElement(data_style)
    for name, data_style in (("ce1", "N4"), ("ce2", "N10"), ("ce3", "N0")):
        doc.automaticstyles.addElement(Style(name=name, family="table-cell", datastylename=data_style))
    table = Table(name="Contacts")
    table.addElement(TableColumn(numbercolumnsrepeated=3))
    table.addElement(TableColumn(defaultcellstylename="ce1"))  # Amount: formatted by its column
    table.addElement(TableColumn(visibility="collapse"))  # Notes: hidden
    rows = [
        ([_text_cell(h) for h in ("Name", "Mobile", "Share", "Amount", "Notes")], {}),
        ([_text_cell("Asha"), _number_cell(918012345678, "9.18012E+11", style="ce3"),
          _number_cell(0.15, "15%", style="ce2", value_type="percentage"), _number_cell(1234.5, "1,234.50"),
          _text_cell("call after 6")], {}),
        ([_text_cell("Ravi"), _error_cell("#N/A"), _number_cell(0.5, "50%", style="ce2", value_type="percentage"),
          _number_cell(20, "20.00"), _text_cell("")], {}),
        ([_text_cell("Hidden"), _number_cell(918012345679, "918012345679"),
          _number_cell(1, "100%", style="ce2", value_type="percentage"), _number_cell(7, "7.00", style="ce1")],
         {"visibility": "collapse"}),
        ([_text_cell("Filtered"), _number_cell(918012345670, "918012345670")],
         {"visibility": "filter", "numberrowsrepeated": 2}),
        ([_text_cell("Meena"), _error_cell("#DIV/0!"), _number_cell(0.25, "25%", style="ce2", value_type="percentage"),
          _number_cell(99.999, "100.00")], {}),
    ]
    for cells, attributes in rows:
        row = TableRow(**attributes)
        for cell in cells:
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_ods_error_cells_show_their_text_and_are_marked(tmp_path):
    sheet = read_workbook(_contacts_ods(tmp_path / "contacts list.ods"))
    assert sheet.data["Mobile"].tolist()[1] == "#N/A"
    assert sheet.data["Mobile"].tolist()[5] == "#DIV/0!"
    assert sheet.kinds["Mobile"].tolist()[1] == sheet.kinds["Mobile"].tolist()[5] == CellKind.ERROR


def test_ods_hidden_and_filtered_rows_and_hidden_columns_are_offered(tmp_path):
    sheet = read_workbook(_contacts_ods(tmp_path / "contacts.ods"))
    assert sheet.data["Name"].tolist() == ["Asha", "Ravi", "Hidden", "Filtered", "Filtered", "Meena"]
    assert sheet.hidden_rows.tolist() == [False, False, True, True, True, False]
    assert sheet.hidden_columns == ["Notes"]
    assert any("3 hidden rows" in note for note in sheet.notes)


def test_ods_formatted_numbers_show_the_text_the_file_shows(tmp_path):
    sheet = read_workbook(_contacts_ods(tmp_path / "contacts.ods"))
    assert sheet.data["Share"].tolist() == ["15%", "50%", "100%", "", "", "25%"]
    assert sheet.data["Amount"].tolist() == ["1,234.50", "20.00", "7.00", "", "", "100.00"]
    assert sheet.kinds["Amount"].tolist()[:3] == [CellKind.NUMBER] * 3
    # General keeps the exact digits even where the file shows a rounded form.
    assert sheet.data["Mobile"].tolist()[0] == "918012345678"


def test_ods_billion_repeated_hidden_rows_after_the_list_cost_nothing(tmp_path):
    path = _contacts_ods(tmp_path / "contacts.ods")
    padding = (
        b'<table:table-row table:number-rows-repeated="1000000000" table:visibility="collapse">'
        b'<table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>'
    )
    padded = rewrite_member(path, tmp_path / "padded.ods", "content.xml",
                            lambda xml: xml.replace(b"</table:table>", padding, 1))
    sheet = read_workbook(padded)
    assert sheet.row_count == 6
    assert sheet.hidden_rows.tolist() == [False, False, True, True, True, False]


def test_ods_sheet_name_with_markup_characters_is_found(tmp_path):
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Leads & <VIP>")
    for cells, hidden in (([_text_cell("Mobile")], False), ([_error_cell("#N/A")], False),
                          ([_number_cell(918012345678, "918012345678")], True)):
        row = TableRow(**({"visibility": "collapse"} if hidden else {}))
        for cell in cells:
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "vip.ods"))
    sheet = read_workbook(tmp_path / "vip.ods")
    assert sheet.data["Mobile"].tolist() == ["#N/A", "918012345678"]
    assert sheet.hidden_rows.tolist() == [False, True]


@pytest.mark.parametrize("maker", [_contacts_xls, _contacts_ods])
def test_phone_numbers_under_general_keep_every_digit(tmp_path, maker):
    suffix = ".xls" if maker is _contacts_xls else ".ods"
    sheet = read_workbook(maker(tmp_path / f"contacts{suffix}"))
    assert sheet.data["Mobile"].tolist()[0] == "918012345678"
    assert sheet.kinds["Mobile"].tolist()[0] == CellKind.NUMBER


def _hand_written_ods(path: Path, rows: int, *, column_default_style: bool = True) -> Path:
    """An .ods written as LibreOffice writes it, with the shapes a fast scan could get wrong:
    repeated and covered cells, a column formatted by its default style, a cell written with
    another attribute order, and shown text holding a character reference."""
    import zipfile

    head = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.3">'
        '<office:automatic-styles><number:number-style style:name="N4"><number:number number:decimal-places="2" '
        'number:min-integer-digits="1" number:grouping="true"/></number:number-style>'
        '<number:number-style style:name="N0"><number:number number:min-integer-digits="1"/></number:number-style>'
        '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N4"/>'
        '<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N0"/>'
        '<style:style style:name="ce3" style:family="table-cell"/></office:automatic-styles>'
        '<office:body><office:spreadsheet><table:table table:name="Contacts">'
        '<table:table-column table:number-columns-repeated="5"/>'
        + ('<table:table-column table:default-cell-style-name="ce1"/>' if column_default_style else "")
    )

    def cell(value_type: str, value: str, shown: str, style: str = "", first: bool = True, repeat: int = 1) -> str:
        attrs = [f'table:style-name="{style}"'] if style else []
        kind = [f'office:value-type="{value_type}"', f'office:value="{value}"']
        attrs = attrs + kind if first else kind + attrs
        if repeat > 1:
            attrs.append(f'table:number-columns-repeated="{repeat}"')
        return f'<table:table-cell {" ".join(attrs)}><text:p>{shown}</text:p></table:table-cell>'

    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
        for h in ("Name", "Amount", "Amount again", "Merged", "Mobile", "Fee")
    )
    body = [head, f"<table:table-row>{header}</table:table-row>"]
    for i in range(rows):
        amount = f"{1000 + i}.5"
        shown = f"{1000 + i:,}.50"
        body.append(
            "<table:table-row>"
            f'<table:table-cell office:value-type="string"><text:p>Row {i}</text:p></table:table-cell>'
            + cell("float", amount, shown, "ce1", first=i % 7 != 3, repeat=2)  # Amount, Amount again
            + '<table:covered-table-cell/>'  # Merged
            + cell("float", str(918000000000 + i), "9.18E+11", "ce2")  # General: keeps its digits
            + cell("currency", str(i), f"₹&#160;{i}.00", "ce3" if i % 2 else "")  # Fee
            + "</table:table-row>"
        )
    body.append("</table:table></office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "".join(body))
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return path


@pytest.mark.parametrize("column_default_style", [True, False])
def test_ods_scan_in_pieces_places_every_shown_number(tmp_path, monkeypatch, column_default_style):
    from phonon_desktop.sheets import odsdetails

    monkeypatch.setattr(odsdetails, "_CHUNK", 4096)  # many pieces: most go the vectorised way
    rows = 300
    path = _hand_written_ods(tmp_path / "hand written.ods", rows, column_default_style=column_default_style)
    sheet = read_workbook(path)
    assert sheet.row_count == rows
    expected_amounts = [f"{1000 + i:,}.50" for i in range(rows)]
    assert sheet.data["Amount"].tolist() == expected_amounts
    assert sheet.data["Amount again"].tolist() == expected_amounts
    assert sheet.data["Mobile"].tolist() == [str(918000000000 + i) for i in range(rows)]
    assert sheet.data["Fee"].tolist() == [f"₹\xa0{i}.00" for i in range(rows)]
    assert set(sheet.kinds["Fee"]) == {CellKind.NUMBER}

    monkeypatch.setattr(odsdetails._Scan, "_plain_rows", staticmethod(lambda chunk: False))
    walked = read_workbook(path)  # every row walked one by one: the same sheet
    assert walked.data.equals(sheet.data)
