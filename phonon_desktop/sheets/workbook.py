"""Opening a workbook (.xlsx/.xlsm/.xls/.ods) with python-calamine, behind the file checks.

``SheetExtras`` carries what calamine does not report (hidden rows and columns, error cells,
formulas never calculated, zero-padded number formats); for .xlsx/.xlsm it is filled by a
cheap scan of the sheet's XML (``xlsxscan``).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from phonon_desktop.sheets import guard
from phonon_desktop.sheets.guard import ReadLimits, display_name
from phonon_desktop.sheets.model import CellKind, SheetError, SheetInfo
from phonon_desktop.sheets.read_progress import ReadStages

_EXPLANATORY = re.compile(
    r"^\s*(instructions?|read\s*me|help|notes?|about|info|information|guide|legend|how\s*to.*|"
    r"cover|disclaimer|lookups?|dropdowns?|validation)\s*$",
    re.IGNORECASE,
)
# With a second core, the part of the XML scan that need not precede python-calamine's parse
# runs beside it (calamine releases the GIL while it parses).
SCAN_BESIDE_PARSE = (os.cpu_count() or 1) >= 2
# A sheet this small (bytes of XML) is cheap enough to load just to count its rows.
_SMALL_SHEET_BYTES = 4 * 1024 * 1024
T = TypeVar("T")


@dataclass
class SheetExtras:
    """Facts about a sheet's cells that the fast reader does not give, keyed by 0-based cells."""

    hidden_rows: set[int] = field(default_factory=set)  # 1-based file rows
    hidden_columns: set[int] = field(default_factory=set)  # 0-based columns
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) → "#N/A"
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    zero_padded: dict[tuple[int, int], int] = field(default_factory=dict)  # → digits shown
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    merged_texts: dict[int, dict[int, str]] = field(default_factory=dict)  # row0 → {col index: text}
    # Number cells under a number format other than General (and not a date): format code →
    # (rows0, cols0) of its cells. Shown as Excel shows them ("15%", "1,234.50").
    formatted: dict[str, list[tuple[np.ndarray, np.ndarray]]] = field(default_factory=dict)
    # Number cells' text as the file stores it (.ods): (rows0, cols0, texts) in parts.
    shown: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # said to the operator with the read's notes

    def add_formatted(self, code: str, rows0, cols0) -> None:
        """Cells (0-based rows and columns, as arrays or lists) shown with format ``code``."""
        self.formatted.setdefault(code, []).append(
            (np.asarray(rows0, dtype=np.int64), np.asarray(cols0, dtype=np.int64))
        )

    def add_shown(self, rows0: list[int], cols0: list[int], texts: list[str]) -> None:
        """Number cells to show with the text the file gives for them."""
        if texts:
            shown = np.empty(len(texts), dtype=object)
            shown[:] = texts
            self.shown.append((np.asarray(rows0, dtype=np.int64), np.asarray(cols0, dtype=np.int64), shown))

    def extent(self, first_column: int) -> tuple[int, int]:
        """Rows and columns (from ``first_column``) needed to hold every error or formula cell.

        The fast reader may leave out a trailing row or column made only of uncalculated
        formulas; they must still be shown (and flagged), not silently dropped.
        """
        cells = list(self.errors) + list(self.formulas_without_value)
        if not cells:
            return 0, 0
        return max(r for r, _ in cells) + 1, max(c for _, c in cells) - first_column + 1

    def apply(self, texts: list[np.ndarray], kinds: list[np.ndarray], first_column: int, notes: list[str]) -> None:
        """Correct the cells calamine read as blank or unpadded."""
        notes.extend(self.remarks)
        rows = len(texts[0]) if texts else 0

        def at(cell: tuple[int, int]) -> tuple[int, int] | None:
            r, c = cell[0], cell[1] - first_column
            return (r, c) if 0 <= r < rows and 0 <= c < len(texts) else None

        for cell, text in self.errors.items():
            pos = at(cell)
            if pos:
                texts[pos[1]][pos[0]] = text
                kinds[pos[1]][pos[0]] = CellKind.ERROR
        for cell in self.formulas_without_value:
            pos = at(cell)
            if pos and not texts[pos[1]][pos[0]]:
                kinds[pos[1]][pos[0]] = CellKind.FORMULA_NO_VALUE
        padded = 0
        for cell, width in self.zero_padded.items():
            pos = at(cell)
            if pos and kinds[pos[1]][pos[0]] == CellKind.NUMBER:
                text = texts[pos[1]][pos[0]]
                if text.isdigit() and len(text) < width:
                    texts[pos[1]][pos[0]] = text.zfill(width)
                    padded += 1
        if padded:
            notes.append(
                f"{padded:,} number cell{'s' if padded != 1 else ''} shown with leading zeros, "
                "as their number format displays them in Excel."
            )
        self._apply_formats(texts, kinds, first_column)

    def _apply_formats(self, texts: list[np.ndarray], kinds: list[np.ndarray], first_column: int) -> None:
        """Number cells as their number format shows them; they stay numbers (CellKind.NUMBER)."""
        from phonon_desktop.sheets.numfmt import display_numbers

        rows = len(texts[0]) if texts else 0
        for code, parts in self.formatted.items():
            r = np.concatenate([p[0] for p in parts])
            c = np.concatenate([p[1] for p in parts]) - first_column
            inside = (r >= 0) & (r < rows) & (c >= 0) & (c < len(texts))
            r, c = r[inside], c[inside]
            for j in np.unique(c).tolist():
                at = r[c == j]
                at = at[kinds[j][at] == CellKind.NUMBER]
                if not len(at):
                    continue
                values = texts[j][at].astype(np.float64)
                shown = display_numbers(values, code)
                if shown is None:
                    break  # the format is not one rendered exactly: the plain text stays
                keep = np.flatnonzero(np.not_equal(shown, None))
                texts[j][at[keep]] = shown[keep]
        for r, c, shown in self.shown:
            c = c - first_column
            inside = (r >= 0) & (r < rows) & (c >= 0) & (c < len(texts))
            r, c, shown = r[inside], c[inside], shown[inside]
            for j in np.unique(c).tolist():
                mine = np.flatnonzero(c == j)
                number = kinds[j][r[mine]] == CellKind.NUMBER
                texts[j][r[mine][number]] = shown[mine][number]

    def merged_header_fill(self, header_index: int, first_column: int) -> dict[int, str]:
        """Header cells covered by a merged range take its text (a "Phone" over two columns)."""
        return dict(self.merged_texts.get(header_index, {}))

    def hidden_mask(self, source_rows: np.ndarray) -> np.ndarray | None:
        if not self.hidden_rows:
            return np.zeros(len(source_rows), dtype=bool)
        hidden = np.fromiter(self.hidden_rows, dtype=np.int64, count=len(self.hidden_rows))
        return np.isin(source_rows, hidden)


class Book:
    """An open workbook; use through ``open_workbook``."""

    def __init__(self, path: str | os.PathLike, calamine: CalamineWorkbook, archive: zipfile.ZipFile | None,
                 limits: ReadLimits, fmt: str) -> None:
        self.path = path
        self.calamine = calamine
        self.archive = archive
        self.limits = limits
        self.format = fmt  # "xlsx", "xlsm", "xls", "ods"
        # Sheets parsed to count their rows (.xls, .ods, small .xlsx), kept for the read that
        # follows so that the chosen one is not parsed twice; the read lets go of the others.
        self._parsed: dict[str, object] = {}

    def sheet_infos(self) -> list[SheetInfo]:
        infos = []
        for meta in self.calamine.sheets_metadata:
            hidden = meta.visible != SheetVisibleEnum.Visible
            if meta.typ not in (SheetTypeEnum.WorkSheet,):  # charts and macro sheets hold no list
                infos.append(SheetInfo(name=meta.name, rows=0, columns=0, hidden=hidden, has_data=False))
                continue
            rows, columns = self._size(meta.name)
            infos.append(SheetInfo(name=meta.name, rows=rows, columns=columns, hidden=hidden, has_data=rows > 0))
        return infos

    def _size(self, name: str) -> tuple[int, int]:
        from phonon_desktop.sheets import xlsxscan

        if self.archive is not None and self.format in ("xlsx", "xlsm"):
            member = xlsxscan.sheet_member(self.archive, name)
            if member is not None and self.archive.getinfo(member).file_size > _SMALL_SHEET_BYTES:
                return xlsxscan.declared_size(self.archive, member)
            if member is not None:
                xlsxscan.check_extent(self.path, self.archive, member, self.limits)
        try:
            sheet = self.calamine.get_sheet_by_name(name)
        except PasswordError as exc:
            raise guard.password_error(self.path) from exc
        except (CalamineError, ValueError, OSError) as exc:
            raise guard.corrupt_error(self.path, f"sheet “{name}”") from exc
        self._parsed[name] = sheet
        end = sheet.end
        if end is None:
            return 0, 0
        return end[0] + 1, sheet.width

    def choose_sheet(self, wanted: str | None, infos: list[SheetInfo]) -> str:
        names = [i.name for i in infos]
        if wanted is not None:
            if wanted in names:
                return wanted
            raise SheetError(
                f"“{display_name(self.path)}” has no sheet named “{wanted}”. Its sheets are: "
                + ", ".join(f"“{n}”" for n in names) + ".",
                path=str(self.path),
                reason="no_sheet",
            )
        for info in infos:
            if info.has_data and not info.hidden and not _EXPLANATORY.match(info.name):
                return info.name
        for info in infos:
            if info.has_data:
                return info.name
        if not names:
            raise guard.corrupt_error(self.path, "it has no sheets")
        raise SheetError(
            f"Every sheet in “{display_name(self.path)}” is empty. Check that the file was saved "
            "with its contact list.",
            path=str(self.path),
            reason="empty",
        )

    def open_rows(self, name: str, notes: list[str], stop: Callable[[], None] | None = None,
                  watch: ReadStages | None = None) -> tuple[Iterator[list], int, int, SheetExtras]:
        """The sheet's rows (from file row 1), their count, the first column and the extras.

        ``watch`` is told how the extent check and the parse go (for the progress bar); the
        parse runs in a helper thread so that this thread can keep telling it while it runs.
        """
        from phonon_desktop.sheets import xlsxscan

        extras = SheetExtras()
        member = None
        if self.archive is not None and self.format in ("xlsx", "xlsm"):
            member = xlsxscan.sheet_member(self.archive, name)
        with ThreadPoolExecutor(max_workers=1) as helper:
            details: Future[SheetExtras] | None = None
            if member is not None:
                # Only the extent check must finish before calamine allocates the sheet.
                last_row = xlsxscan.check_extent(self.path, self.archive, member, self.limits, stop=stop,
                                                 progress=watch.checked if watch is not None else None)
                if watch is not None:
                    watch.check_done(last_row)
                if SCAN_BESIDE_PARSE:
                    # The rest of the scan runs on the other core while calamine parses
                    # (calamine releases the GIL while it parses).
                    details = helper.submit(_scan_details, self.path, member, self.limits)
                else:
                    extras = xlsxscan.scan_details(self.path, self.archive, member, self.limits, stop=stop)
            elif self.format in ("xls", "ods"):
                from phonon_desktop.sheets.xlsdetails import scan_book_details

                details = helper.submit(scan_book_details, self.format, self.path, name, self.limits, stop)
            sheet = self._parsed.pop(name, None)
            self._parsed.clear()
            try:
                if sheet is None:
                    sheet = _parsed(self.calamine, name, watch)
            except PasswordError as exc:
                raise guard.password_error(self.path) from exc
            except (CalamineError, ValueError, OSError) as exc:
                raise guard.corrupt_error(self.path) from exc
            if details is not None:
                extras = _waited(details, watch)
        if stop is not None:
            stop()  # a cancel pressed while the sheet was parsed ends the read before any row
        start = sheet.start
        if start is None:
            return iter(()), 0, 0, extras
        end = sheet.end or start
        total_rows = end[0] + 1
        if total_rows > self.limits.max_rows + 200:
            raise SheetError(
                f"Sheet “{name}” in “{display_name(self.path)}” has {total_rows:,} rows, more than "
                f"the {self.limits.max_rows:,} Phonon Desktop reads at once. Split the list into smaller files.",
                path=str(self.path),
                reason="too_big",
            )
        if sheet.width > self.limits.max_columns:
            raise SheetError(
                f"Sheet “{name}” in “{display_name(self.path)}” has {sheet.width:,} columns, more than "
                "a contact list needs. Delete the columns you do not use and save a copy.",
                path=str(self.path),
                reason="too_big",
            )
        merged = sheet.merged_cell_ranges or []
        extras.merged = list(merged)
        fill: dict[int, dict[int, str]] = {}
        if merged:
            fill = _merged_texts(sheet, merged, start[1])
        extras.merged_texts = fill
        if self.format == "xlsm":
            notes.append("This workbook contains macros; they are not run, only the cell values are read.")
        return sheet.iter_rows(), total_rows, start[1], extras


# How often the progress estimate moves on while python-calamine parses (seconds).
_PARSE_TICK = 0.1


def _parsed(calamine: CalamineWorkbook, name: str, watch: ReadStages | None):
    """The sheet parsed by python-calamine; with ``watch``, parsed in a thread of its own while this
    thread moves the progress estimate on (the parse releases the GIL; it cannot be stopped)."""
    if watch is None:
        return calamine.get_sheet_by_name(name)
    with ThreadPoolExecutor(max_workers=1) as parser:
        parse = parser.submit(calamine.get_sheet_by_name, name)
        watch.parse_started()
        return _waited(parse, watch)


def _waited(work: Future[T], watch: ReadStages | None) -> T:
    """The result of work running beside this thread; meanwhile the progress estimate moves on
    (on a busy machine the scan beside the parse can end after it)."""
    if watch is None:
        return work.result()
    while True:
        try:
            return work.result(timeout=_PARSE_TICK)
        except TimeoutError:
            watch.parsing()


def _scan_details(path: str | os.PathLike, member: str, limits: ReadLimits) -> SheetExtras:
    from phonon_desktop.sheets import xlsxscan

    with zipfile.ZipFile(path) as archive:  # its own handle: ZipFile is not shared across threads
        return xlsxscan.scan_details(path, archive, member, limits)


def _merged_texts(sheet, merged, first_column: int) -> dict[int, dict[int, str]]:
    """For each row inside a merged range, the merged text for every column it covers."""
    wanted: dict[int, list[tuple[int, int, int]]] = {}
    for (r0, c0), (r1, c1) in merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000 or r0 > 1000:
            continue  # header merges are small and near the top
        wanted.setdefault(r0, []).append((r1, c0, c1))
    if not wanted:
        return {}
    top_rows: dict[int, list] = {}
    last = max(wanted)
    for i, row in enumerate(sheet.iter_rows()):
        if i in wanted:
            top_rows[i] = row
        if i >= last:
            break
    fill: dict[int, dict[int, str]] = {}
    from phonon_desktop.sheets.cells import cell_text

    for r0, spans in wanted.items():
        row = top_rows.get(r0, [])
        for r1, c0, c1 in spans:
            j0 = c0 - first_column
            value = row[j0] if 0 <= j0 < len(row) else ""
            text = value if isinstance(value, str) else cell_text(value)[0]
            if not text:
                continue
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    fill.setdefault(r, {})[c - first_column] = text
    return fill


@contextmanager
def open_workbook(path: str | os.PathLike, kind: str, limits: ReadLimits) -> Iterator[Book]:
    archive: zipfile.ZipFile | None = None
    if kind == "ole":
        if guard.is_encrypted_ole(path):
            raise guard.password_error(path)
        fmt = "xls"
    else:
        archive = guard.check_zip(path, limits)
        fmt = _zip_format(path, archive)
        if fmt == "ods":
            from phonon_desktop.sheets import xlsxscan

            try:
                xlsxscan.check_ods_extent(path, archive, limits)
            except BaseException:
                archive.close()
                raise
    try:
        try:
            calamine = CalamineWorkbook.from_path(os.fspath(path))
        except PermissionError as exc:
            raise guard.locked_error(path) from exc
        except PasswordError as exc:
            raise guard.password_error(path) from exc
        except (CalamineError, ValueError, OSError) as exc:
            if isinstance(exc, OSError) and getattr(exc, "errno", None) == 13:
                raise guard.locked_error(path) from exc
            raise guard.corrupt_error(path) from exc
        try:
            yield Book(path, calamine, archive, limits, fmt)
        finally:
            calamine.close()
    finally:
        if archive is not None:
            archive.close()


def _zip_format(path: str | os.PathLike, archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise SheetError(
                f"“{display_name(path)}” is an Excel Binary Workbook (.xlsb), which Phonon Desktop "
                "does not read. Open it in Excel and save it as an Excel Workbook (.xlsx).",
                path=str(path),
                reason="not_a_sheet",
            )
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "content.xml" in names:
        return "ods"
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise SheetError(
            f"“{display_name(path)}” is a Word or PowerPoint document, not a spreadsheet. "
            "Choose the Excel or CSV file that holds the contact list.",
            path=str(path),
            reason="not_a_sheet",
        )
    raise SheetError(
        f"“{display_name(path)}” is a zip archive, not a spreadsheet. Unzip it and open the "
        "Excel or CSV file inside.",
        path=str(path),
        reason="not_a_sheet",
    )
