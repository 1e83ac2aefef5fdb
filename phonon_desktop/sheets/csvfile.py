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
    raw: bytes
    codec: str  # Python codec that decodes ``raw`` (BOM handled)
    encoding: str  # the name the operator knows
    delimiter: str
    skip_first_line: bool = False  # Excel's "sep=;" hint line
    notes: list[str] = field(default_factory=list)

    def head(self, size: int = 65536) -> str:
        return self.raw[: size * 2].decode(self.codec, errors="ignore")[:size]


def _valid(raw: bytes, codec: str) -> bool:
    """Whether all of ``raw`` decodes, without holding a decoded copy of a large file."""
    decoder = codecs.getincrementaldecoder(codec)()
    step = 4 * 1024 * 1024
    try:
        for start in range(0, len(raw), step):
            decoder.decode(raw[start : start + step], final=start + step >= len(raw))
        if not raw:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect(raw: bytes) -> tuple[str, str]:
    """(Python codec, name for the operator) of a text file's bytes."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    head = raw[:4096]
    if len(head) >= 4 and head.count(b"\x00") * 3 >= len(head):  # UTF-16 without its mark
        if head[1::2].count(0) > head[0::2].count(0):
            return "utf-16-le", "UTF-16"
        return "utf-16-be", "UTF-16"
    if _valid(raw, "utf-8"):
        return "utf-8", "UTF-8"
    encoding = "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[: 512 * 1024]).best()
        if best is not None and best.encoding.replace("-", "_").lower() not in _WESTERN:
            encoding = best.encoding
    except Exception:  # detection is a hint only; Windows-1252 is Excel's own choice
        encoding = "cp1252"
    try:
        if _valid(raw, encoding):
            return encoding, _encoding_label(encoding)
    except LookupError:
        pass
    return "cp1252", "Windows-1252"  # undefined bytes become "\ufffd", visibly


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
    codec, encoding = _detect(raw)
    parsed = CsvText(raw, codec, encoding, ",")
    first_lines = parsed.head().splitlines()[:50]
    if first_lines and first_lines[0].lower().startswith("sep=") and len(first_lines[0]) == 5:
        parsed.delimiter, parsed.skip_first_line = first_lines[0][4], True
    else:
        preferred = "\t" if str(path).lower().endswith(".tsv") else ","
        sample = first_lines[:-1] if len(first_lines) > 1 else first_lines  # the last may be cut
        parsed.delimiter = sniff_delimiter(sample, preferred)
    parsed.notes.append(
        f"Read as text in {encoding}, columns separated by {_DELIMITER_NAMES[parsed.delimiter]}."
    )
    return parsed


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
    # Decoded as it is read: a 200 MB file is never held twice more as text.
    stream = io.TextIOWrapper(io.BytesIO(parsed.raw), encoding=parsed.codec, errors="replace", newline="")
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


def estimated_lines(parsed: CsvText) -> int:
    return parsed.raw.count(b"\n") + 1
