"""CSV and TSV files: the encoding and the separator found out, never guessed silently."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from phonon_desktop.sheets.guard import display_name, locked_error
from phonon_desktop.sheets.model import SheetError

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
# Excel on Windows saves "CSV" in the system's ANSI code page: Windows-1252 in the West.
_WESTERN = {"cp1252", "windows-1252", "latin_1", "iso8859_1", "iso8859_15", "mac_roman", "cp1250"}

csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class CsvText:
    text: str
    encoding: str
    delimiter: str
    skip_first_line: bool = False  # Excel's "sep=;" hint line
    notes: list[str] = field(default_factory=list)


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "UTF-16"
    head = raw[:4096]
    if len(head) >= 4 and head.count(b"\x00") * 3 >= len(head):  # UTF-16 without its mark
        if head[1::2].count(0) > head[0::2].count(0):
            return raw.decode("utf-16-le", errors="replace"), "UTF-16"
        return raw.decode("utf-16-be", errors="replace"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    encoding = "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[: 512 * 1024]).best()
        if best is not None and best.encoding.replace("-", "_").lower() not in _WESTERN:
            encoding = best.encoding
    except Exception:  # detection is a hint only; Windows-1252 is Excel's own choice
        encoding = "cp1252"
    try:
        return raw.decode(encoding), _encoding_label(encoding)
    except (UnicodeDecodeError, LookupError):
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def _encoding_label(encoding: str) -> str:
    return "Windows-1252" if encoding == "cp1252" else encoding


def sniff_delimiter(lines: list[str], preferred: str = ",") -> str:
    """The separator that splits the first lines into the most consistent, widest rows."""
    best, best_score = preferred, (-1.0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (hits / len(counts), width)
        if score > best_score or (score == best_score and delim == preferred):
            best, best_score = delim, score
    return best


def read_csv_text(path: str | os.PathLike, raw: bytes) -> CsvText:
    text, encoding = _decode(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    first_lines = text[:65536].splitlines()[:50]
    skip = False
    if first_lines and first_lines[0].lower().startswith("sep=") and len(first_lines[0]) == 5:
        delimiter, skip = first_lines[0][4], True
    else:
        preferred = "\t" if str(path).lower().endswith(".tsv") else ","
        delimiter = sniff_delimiter(first_lines[:-1] if len(first_lines) > 1 else first_lines, preferred)
    notes = [f"Read as text in {encoding}, columns separated by {_DELIMITER_NAMES[delimiter]}."]
    return CsvText(text, encoding, delimiter, skip, notes)


def read_bytes(path: str | os.PathLike) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except PermissionError as exc:
        raise locked_error(path) from exc
    except OSError as exc:
        raise SheetError(
            f"“{display_name(path)}” could not be read ({exc.strerror or exc}). Try again.",
            path=str(path),
            reason="unreadable",
        ) from exc


def iter_csv_rows(path: str | os.PathLike, parsed: CsvText) -> Iterator[list[str]]:
    stream = io.StringIO(parsed.text, newline="")
    if parsed.skip_first_line:
        stream.readline()
    reader = csv.reader(stream, delimiter=parsed.delimiter, strict=False)
    try:
        yield from reader
    except csv.Error as exc:
        raise SheetError(
            f"“{display_name(path)}” is not a well-formed CSV file near line {reader.line_num} "
            f"({exc}). Open it in Excel and save it again as CSV.",
            path=str(path),
            reason="corrupt",
        ) from exc
