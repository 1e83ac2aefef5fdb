"""What number formats add to reading a sheet, measured against the same sheet without them.

Takes the reading benchmark's generated contact list (``bench_read.generate``) and a copy
whose Amount column carries the "#,##0.00" format on every cell, reads both in alternation
and prints the time each read takes, the time the format adds and the ratio. Also prints
the formatting alone: ``display_numbers`` over the column against writing the same numbers
as plain text.

    python benchmarks/bench_formats.py 100000 1000000
    python benchmarks/bench_formats.py --ods 200000     (the same with .ods lists)
"""

from __future__ import annotations

import os
import pathlib
import re
import sys
import time
import zipfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bench_read import OUT, generate  # noqa: E402

_AMOUNT_CELL = re.compile(rb'<c r="F(\d+)" t="n">')


def formatted_copy(rows: int) -> pathlib.Path:
    """The generated list with the built-in "#,##0.00" (id 4) on every Amount cell."""
    source = generate(rows)
    path = OUT / f"contacts_{rows}_amounts_formatted.xlsx"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as new:
        styles = old.read("xl/styles.xml")
        count = int(re.search(rb'<cellXfs count="(\d+)"', styles).group(1))
        styles = styles.replace(b"</cellXfs>", b'<xf numFmtId="4" fontId="0" fillId="0" borderId="0" '
                                b'applyNumberFormat="1" xfId="0" /></cellXfs>')
        styles = styles.replace(b'<cellXfs count="%d"' % count, b'<cellXfs count="%d"' % (count + 1))
        style = str(count).encode()
        for info in old.infolist():
            if info.filename == "xl/styles.xml":
                new.writestr(info, styles)
            elif info.filename == "xl/worksheets/sheet1.xml":
                with old.open(info) as src, new.open(info.filename, "w", force_zip64=True) as dst:
                    carry = b""
                    while data := src.read(4 * 1024 * 1024):
                        data = carry + data
                        cut = data.rfind(b"</row>") + len(b"</row>")
                        carry = data[cut:]
                        dst.write(_AMOUNT_CELL.sub(rb'<c r="F\1" s="' + style + rb'" t="n">', data[:cut]))
                    dst.write(carry)
            else:
                new.writestr(info, old.read(info.filename))
    os.replace(tmp, path)
    return path


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.3">'
    '<office:automatic-styles><number:number-style style:name="N4"><number:number number:decimal-places="2" '
    'number:min-integer-digits="1" number:grouping="true"/></number:number-style>'
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N4"/>'
    "</office:automatic-styles><office:body><office:spreadsheet><table:table table:name=\"Contacts\">"
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods_list(rows: int, formatted: bool) -> pathlib.Path:
    """A 4-column .ods written as LibreOffice writes it; Amount formatted "#,##0.00" or not."""
    path = OUT / f"contacts_{rows}_{'formatted' if formatted else 'plain'}.ods"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(rows)
    amounts = rng.uniform(0, 50_000, rows).round(2).tolist()
    parts = [_ODS_HEAD, "<table:table-row>"]
    for header in ("Name", "Mobile", "Amount", "City"):
        parts.append(f'<table:table-cell office:value-type="string"><text:p>{header}</text:p></table:table-cell>')
    parts.append("</table:table-row>")
    style = ' table:style-name="ce1"' if formatted else ""
    for i, amount in enumerate(amounts):
        shown = f"{amount:,.2f}" if formatted else repr(amount)
        parts.append(
            f'<table:table-row><table:table-cell office:value-type="string"><text:p>Name {i}</text:p></table:table-cell>'
            f'<table:table-cell office:value-type="float" office:value="{918000000000 + i}"><text:p>{918000000000 + i}'
            f'</text:p></table:table-cell><table:table-cell{style} office:value-type="float" office:value="{amount}">'
            f'<text:p>{shown}</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Pune'
            "</text:p></table:table-cell></table:table-row>"
        )
    parts.append("</table:table></office:spreadsheet></office:body></office:document-content>")
    tmp = path.with_suffix(".tmp.ods")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "".join(parts))
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    os.replace(tmp, path)
    return path


def timed_read(path: pathlib.Path):
    from phonon_desktop.sheets import read_workbook

    start = time.perf_counter()
    sheet = read_workbook(path)
    return time.perf_counter() - start, sheet


def main(sizes: list[int], ods: bool) -> None:
    from phonon_desktop.sheets.numfmt import display_numbers

    for rows in sizes:
        if ods:
            plain, formatted = ods_list(rows, False), ods_list(rows, True)
        else:
            plain, formatted = generate(rows), formatted_copy(rows)
        times: dict[str, list[float]] = {"plain": [], "formatted": []}
        for _ in range(2):  # alternated, so a busy moment of the machine hits both alike
            for name, path in (("plain", plain), ("formatted", formatted)):
                seconds, sheet = timed_read(path)
                times[name].append(seconds)
        shown = sheet.data["Amount"].iloc[:2].tolist()
        best = {name: min(values) for name, values in times.items()}
        print(f"{rows:,} rows{' (.ods)' if ods else ''}: read {best['plain']:.2f} s plain, {best['formatted']:.2f} s with Amount as "
              f"#,##0.00 (e.g. {shown}); added {best['formatted'] - best['plain']:+.2f} s, "
              f"ratio {best['formatted'] / best['plain']:.2f}", flush=True)
        values = np.random.default_rng(rows).uniform(0, 50_000, rows).round(2)
        start = time.perf_counter()
        baseline = list(map("%.15g".__mod__, values.tolist()))
        plain_text = time.perf_counter() - start
        start = time.perf_counter()
        display_numbers(values, "#,##0.00")
        rendered = time.perf_counter() - start
        del baseline
        print(f"{rows:,} values: plain text {plain_text:.2f} s, #,##0.00 {rendered:.2f} s "
              f"(ratio {rendered / plain_text:.1f})", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:] if a.isdigit()] or [100_000], ods="--ods" in sys.argv)
