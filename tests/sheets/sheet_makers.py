"""Builders for the odd and hostile files operators (and attackers) bring."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

ENTITY_BOMB_DTD = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 2 else ''};" * 10 + '">'
        for i in range(2, 10)
    )
    + "]>"
)


def simple_workbook(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rewrite_member(src: Path, dst: Path, member: str, change) -> Path:
    """Copy a zip, passing one member's bytes through ``change``."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == member:
                data = change(data)
            new.writestr(info.filename, data)
    return dst


def entity_bomb(src: Path, dst: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    def change(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        body = body.replace(b"<t>Name</t>", b"<t>&lol9;</t>", 1)
        return ENTITY_BOMB_DTD.encode() + body

    return rewrite_member(src, dst, member, change)


def zip_bomb(dst: Path, size: int = 200 * 1024 * 1024) -> Path:
    """A small .xlsx whose sheet member declares ``size`` bytes of whitespace."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b" " * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
    return dst


def encrypted_copy(src: Path, dst: Path, password: str = "secret") -> Path:
    import msoffcrypto.format.ooxml

    out = io.BytesIO()
    with open(src, "rb") as plain:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt(password, out)
    dst.write_bytes(out.getvalue())
    return dst


def shared_strings_bomb(src: Path, dst: Path) -> Path:
    """An .xlsx (as Excel writes them, with a shared-strings part) whose strings hold the bomb."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (ENTITY_BOMB_DTD + f'<sst xmlns="{main}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A1" t="inlineStr"><is><t>Name</t></is></c>', b'<c r="A1" t="s"><v>0</v></c>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            new.writestr(info.filename, data)
        new.writestr("xl/sharedStrings.xml", strings)
    return dst
