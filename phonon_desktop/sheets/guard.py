"""Checks made before any parser sees an untrusted file: size, real type, zip budgets.

Every refusal is a ``SheetError`` whose message names the file and what to do.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from phonon_desktop.sheets.model import SheetError

MB = 1024 * 1024

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ReadLimits:
    """Budgets for one read; a file past any of them is refused with a plain message."""

    max_file_bytes: int = 200 * MB
    max_uncompressed_bytes: int = 2048 * MB  # all zip members together, as declared
    max_member_ratio: int = 200  # uncompressed/compressed for one large zip member
    max_rows: int = 2_000_000
    max_columns: int = 500
    # Cells of the sheet's rectangle (rows × columns): what the fast reader allocates at once.
    max_cells: int = 40_000_000


def check_xml_protection() -> None:
    """Refuse to read workbooks if openpyxl would parse their XML without defusedxml."""
    try:
        import defusedxml  # noqa: F401
        import openpyxl.xml
    except ImportError as exc:
        raise SheetError(
            "Phonon Desktop is missing its protection against harmful workbook files "
            "(the 'defusedxml' package). Reinstall Phonon Desktop.",
            reason="unprotected",
        ) from exc
    if not getattr(openpyxl.xml, "DEFUSEDXML", False):
        raise SheetError(
            "Phonon Desktop's protection against harmful workbook files is not active "
            "(openpyxl is not using defusedxml). Reinstall Phonon Desktop.",
            reason="unprotected",
        )


def display_name(path: str | os.PathLike) -> str:
    return Path(path).name


def locked_error(path: str | os.PathLike) -> SheetError:
    return SheetError(
        f"“{display_name(path)}” is open in another program (Excel locks files it has open). "
        "Close it there and try again.",
        path=str(path),
        reason="locked",
    )


def corrupt_error(path: str | os.PathLike, what: str = "") -> SheetError:
    detail = f" ({what})" if what else ""
    return SheetError(
        f"“{display_name(path)}” is damaged or incomplete and cannot be read{detail}. "
        "Open it in Excel, save it again (File › Save As › Excel Workbook) and open the new copy.",
        path=str(path),
        reason="corrupt",
    )


def too_many_rows_error(path: str | os.PathLike, limits: ReadLimits) -> SheetError:
    return SheetError(
        f"“{display_name(path)}” has more than {limits.max_rows:,} rows, more than Phonon "
        "Desktop reads at once. Split the list into smaller files.",
        path=str(path),
        reason="too_big",
    )


def read_head(path: str | os.PathLike, size: int = 8192) -> bytes:
    """The first bytes of the file, with the operator's reasons for failing in words."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except PermissionError as exc:
        raise locked_error(path) from exc
    except FileNotFoundError as exc:
        raise SheetError(
            f"“{display_name(path)}” was not found. It may have been moved, renamed or deleted; "
            "choose the file again.",
            path=str(path),
            reason="missing",
        ) from exc
    except IsADirectoryError as exc:
        raise SheetError(
            f"“{display_name(path)}” is a folder, not a contact list. Choose a file inside it.",
            path=str(path),
            reason="not_a_file",
        ) from exc
    except OSError as exc:
        raise SheetError(
            f"“{display_name(path)}” could not be opened ({exc.strerror or exc}). "
            "Check that the file is reachable and try again.",
            path=str(path),
            reason="unreadable",
        ) from exc


def sniff_kind(path: str | os.PathLike, limits: ReadLimits) -> str:
    """The file's real type from its bytes: "zip", "ole", "text"; refuse anything else.

    The suffix is only a hint: a ".xlsx" that is really a CSV, an HTML page or a PDF is common
    (web exports, mail attachments).
    """
    name = display_name(path)
    suffix = Path(path).suffix.lower()
    head = read_head(path)
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise locked_error(path) from exc
    if size == 0 or not head:
        raise SheetError(
            f"“{name}” is empty (0 bytes). Choose the file that holds the contact list.",
            path=str(path),
            reason="empty",
        )
    if size > limits.max_file_bytes:
        raise SheetError(
            f"“{name}” is {size / MB:,.0f} MB, larger than the {limits.max_file_bytes / MB:,.0f} MB "
            "Phonon Desktop reads. Split the list into smaller files.",
            path=str(path),
            reason="too_big",
        )
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"%pdf"):
        raise SheetError(
            f"“{name}” is a PDF document, not a spreadsheet. Ask for the list as an Excel "
            "workbook or CSV file.",
            path=str(path),
            reason="not_a_sheet",
        )
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<")):
        raise SheetError(
            f"“{name}” is a web page or XML file saved with a spreadsheet name, not a workbook. "
            "Open it in Excel and save it as an Excel Workbook (.xlsx), then open that copy.",
            path=str(path),
            reason="not_a_sheet",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _mostly_text(head) or _utf16_text(head):
        return "text"
    raise SheetError(
        f"“{name}” is not a spreadsheet Phonon Desktop can read"
        + (f" (it does not look like a {suffix} file)" if suffix else "")
        + ". Open it in Excel and save it as an Excel Workbook (.xlsx) or CSV.",
        path=str(path),
        reason="not_a_sheet",
    )


def _utf16_text(head: bytes) -> bool:
    """UTF-16 without its byte-order mark: every other byte of Latin text is zero."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return False
    for zeros, other in ((odd, even), (even, odd)):
        if zeros.count(0) * 10 >= len(zeros) * 9 and other.count(0) == 0:
            return _mostly_text(other)
    return False


def _mostly_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls <= len(head) // 100


def check_zip(path: str | os.PathLike, limits: ReadLimits) -> zipfile.ZipFile:
    """Open the workbook's zip and refuse a bomb from its directory, before anything inflates."""
    name = display_name(path)
    try:
        archive = zipfile.ZipFile(path)
    except PermissionError as exc:
        raise locked_error(path) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise corrupt_error(path) from exc
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio_base = max(info.compress_size, 1)
        if info.file_size > 10 * MB and info.file_size / ratio_base > limits.max_member_ratio:
            archive.close()
            raise _bomb_error(path, name)
        if total > limits.max_uncompressed_bytes:
            archive.close()
            raise _bomb_error(path, name)
    return archive


def _bomb_error(path: str | os.PathLike, name: str) -> SheetError:
    return SheetError(
        f"“{name}” unpacks to far more data than a contact list holds, so Phonon Desktop "
        "refused to open it (it may be a harmful file). If you trust it, open it in Excel, "
        "delete unused rows and columns, and save a new copy.",
        path=str(path),
        reason="too_big",
    )


def password_error(path: str | os.PathLike) -> SheetError:
    return SheetError(
        f"“{display_name(path)}” is password-protected. Open it in Excel, remove the password "
        "(File › Info › Protect Workbook › Encrypt with Password, clear it) and save again.",
        path=str(path),
        reason="password",
    )


def is_encrypted_ole(path: str | os.PathLike) -> bool:
    """An OLE file holding an encrypted OOXML package (how Excel saves password-protected xlsx)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(min(os.path.getsize(path), 4 * MB))
    except OSError:
        return False
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data
