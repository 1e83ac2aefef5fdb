"""Reading a contact workbook into a ``Sheet`` of exact display text.

Safe to call from a worker thread: rows are pulled from python-calamine a few thousand at
a time (``iter_rows``, which lets the main thread run between rows), progress is reported
through a callback and a cancel request is honoured between chunks. Every failure an
operator can meet is a ``SheetError`` with a plain sentence; nothing is half-loaded.
"""

from __future__ import annotations

import functools
import gc
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd
from python_calamine import CalamineError

from phonon_desktop.sheets import csvfile, guard, workbook
from phonon_desktop.sheets.cells import column_texts
from phonon_desktop.sheets.guard import ReadLimits, check_xml_protection, display_name
from phonon_desktop.sheets.headers import column_letter, detect_header_row, unique_headers
from phonon_desktop.sheets.model import CellKind, Sheet, SheetError, SheetInfo
from phonon_desktop.sheets.read_progress import ReadStages, accepts_estimated

__all__ = [
    "ReadCancelled",
    "ReadLimits",
    "check_xml_protection",
    "detect_header_row",
    "list_sheets",
    "read_workbook",
]

Progress = Callable[[int, "int | None"], None]
P = ParamSpec("P")
T = TypeVar("T")
Cancel = Callable[[], bool] | threading.Event

# Rows pulled per step: small enough that the GIL and cancel checks come round every few
# tens of milliseconds, large enough that the per-step overhead stays invisible.
CHUNK_ROWS = 4096
# Cells a read may allocate ahead for its announced rows (about 9 bytes each).
_MAX_PREALLOCATED = 40_000_000


class ReadCancelled(SheetError):
    """The operator cancelled the read; nothing was loaded."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        name = display_name(path) if path is not None else "the file"
        super().__init__(f"Reading “{name}” was cancelled.", path=str(path) if path else None, reason="cancelled")


@dataclass
class _Grid:
    """Columns of display text and kinds, gathered chunk by chunk.

    Text is kept in numpy object arrays, not lists: the garbage collector does not walk
    their items, so a million-row read does not make every collection (in any thread)
    crawl over millions of strings.
    """

    text_chunks: list[list[np.ndarray]] = field(default_factory=list)
    kind_chunks: list[list[np.ndarray]] = field(default_factory=list)
    rows: int = 0
    width: int = 0
    # Cell count of each row in chunks whose rows differ (CSV), and (first, end, width) of
    # every chunk, to tell the operator which lines were short or long.
    lengths: dict[int, int] = field(default_factory=dict)
    chunk_widths: list[tuple[int, int, int]] = field(default_factory=list)
    # Rows announced by the reader (0: unknown). Columns are then made that long at once and
    # each chunk is copied in while its texts are fresh in the CPU cache; joining chunks at
    # the end instead cost 0.2 s per million rows (measured).
    capacity: int = 0
    full_texts: list[np.ndarray] = field(default_factory=list)
    full_kinds: list[np.ndarray] = field(default_factory=list)

    def add(self, chunk: list[list]) -> None:
        widths = set(map(len, chunk))
        width = max(widths)
        self.chunk_widths.append((self.rows, self.rows + len(chunk), width))
        if len(widths) > 1:
            for offset, row in enumerate(chunk):
                self.lengths[self.rows + offset] = len(row)
                if len(row) != width:
                    chunk[offset] = list(row) + [""] * (width - len(row))
        if self.capacity and (self.rows + len(chunk) > self.capacity or self.capacity * width > _MAX_PREALLOCATED):
            self._as_chunks()  # more rows than announced, or too wide to allocate ahead
        while self.width < width:  # a later row is wider: earlier rows are blank there
            if self.capacity:
                self.full_texts.append(_blank_texts(self.capacity))
                self.full_kinds.append(np.zeros(self.capacity, dtype=np.int8))
            else:
                self.text_chunks.append([_blank_texts(self.rows)])
                self.kind_chunks.append([np.zeros(self.rows, dtype=np.int8)])
            self.width += 1
        columns = list(zip(*chunk))
        first, end = self.rows, self.rows + len(chunk)
        for j in range(self.width):
            if j < width:
                array, kinds = column_texts(columns[j])
            elif self.capacity:
                continue  # already blank
            else:
                array, kinds = _blank_texts(len(chunk)), np.zeros(len(chunk), dtype=np.int8)
            if self.capacity:
                self.full_texts[j][first:end] = array
                self.full_kinds[j][first:end] = kinds
            else:
                self.text_chunks[j].append(array)
                self.kind_chunks[j].append(kinds)
        self.rows = end

    def _as_chunks(self) -> None:
        self.text_chunks = [[t[: self.rows]] for t in self.full_texts]
        self.kind_chunks = [[k[: self.rows]] for k in self.full_kinds]
        self.full_texts, self.full_kinds, self.capacity = [], [], 0

    def kind_parts(self) -> list[list[np.ndarray]]:
        """The kinds read so far, per column, in parts."""
        if self.capacity:
            return [[k[: self.rows]] for k in self.full_kinds]
        return self.kind_chunks

    def columns(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every column as one text array and one kinds array (the chunks are released)."""
        if self.capacity:
            texts = [t[: self.rows] for t in self.full_texts]
            kinds = [k[: self.rows] for k in self.full_kinds]
            self.full_texts, self.full_kinds = [], []
            return texts, kinds
        texts = [np.concatenate(c) if c else _blank_texts(0) for c in self.text_chunks]
        kinds = [np.concatenate(c) if c else np.zeros(0, np.int8) for c in self.kind_chunks]
        self.text_chunks, self.kind_chunks = [], []
        return texts, kinds


def _blank_texts(count: int) -> np.ndarray:
    array = np.empty(count, dtype=object)
    array[:] = ""
    return array


_pause_lock = threading.Lock()
_pausing = 0
_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while rows are turned into text (process-wide).

    Each row python-calamine gives is a new list that lives until its chunk is converted,
    so the collector would run hundreds of times per 100,000 rows and walk those lists
    (measured: 15% of a read, and longer pauses for whichever thread triggers it). Rows
    and texts hold no reference cycles; reference counting frees them all the same.
    Nested and concurrent reads restore the collector only when the last one ends.
    """
    global _pausing, _was_enabled
    with _pause_lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


def _cancel_check(cancel: Cancel | None) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def _stopper(path: str | os.PathLike, cancel: Cancel | None) -> Callable[[], None]:
    """A check to call between steps that raises ``ReadCancelled`` once cancel is asked."""
    cancelled = _caller(_cancel_check(cancel))

    def stop() -> None:
        if cancelled():
            raise ReadCancelled(path)

    return stop


def _caller(callback):
    """The caller's callback, its exceptions marked as the caller's (see ``_plainly``)."""

    def call(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            raise _CallerFailed(exc) from exc

    return call


def _gather(
    rows: Iterator[list],
    *,
    path: str | os.PathLike,
    total: int | None,
    progress: Progress | None,
    cancel: Cancel | None,
    limits: ReadLimits,
    announced: int = 0,
    stages: ReadStages | None = None,
) -> _Grid:
    """The rows as columns of text; ``announced`` is the exact row count when the reader knows it.

    With ``stages`` (a workbook read), progress goes through it; otherwise rows read are
    reported to ``progress`` directly.
    """
    cancelled = _caller(_cancel_check(cancel))
    progress = _caller(progress) if progress is not None and stages is None else None
    grid = _Grid(capacity=min(announced, limits.max_rows + 201))
    step = max(50_000 if total is None else min(50_000, total // 100), CHUNK_ROWS)
    reported = 0
    if progress is not None:
        progress(0, total)
    while True:
        if cancelled():
            raise ReadCancelled(path)
        try:
            chunk = list(islice(rows, CHUNK_ROWS))
        except (CalamineError, ValueError, OSError, MemoryError) as exc:
            raise guard.corrupt_error(path) from exc
        if not chunk:
            break
        grid.add(chunk)
        if grid.rows > limits.max_rows + 200:  # a little room for titles above the header
            raise guard.too_many_rows_error(path, limits)
        if grid.width > limits.max_columns:
            raise _too_many_columns(path, limits)
        if stages is not None:
            stages.rows(grid.rows)
        elif progress is not None and grid.rows - reported >= step:
            reported = grid.rows
            progress(grid.rows, total)
    if cancelled():
        raise ReadCancelled(path)
    if stages is not None:
        stages.finish(grid.rows)
    elif progress is not None:
        progress(grid.rows, grid.rows)  # done: the bar ends full whatever the estimate was
    return grid


def _too_many_columns(path: str | os.PathLike, limits: ReadLimits) -> SheetError:
    return SheetError(
        f"“{display_name(path)}” has more than {limits.max_columns:,} columns, more than a "
        "contact list needs. Delete the columns you do not use and save a copy.",
        path=str(path),
        reason="too_big",
    )


def _padded(texts: list[np.ndarray], kinds: list[np.ndarray], rows: int, columns: int):
    texts = [np.concatenate([t, _blank_texts(rows - len(t))]) for t in texts]
    kinds = [np.concatenate([k, np.zeros(rows - len(k), np.int8)]) for k in kinds]
    texts += [_blank_texts(rows) for _ in range(columns - len(texts))]
    kinds += [np.zeros(rows, np.int8) for _ in range(columns - len(kinds))]
    return texts, kinds


def _build_sheet(
    grid: _Grid,
    *,
    path: str | os.PathLike,
    name: str,
    first_column: int,
    header_row: int | None,
    extras: workbook.SheetExtras,
    sheets: list[SheetInfo],
    notes: list[str],
) -> Sheet:
    texts_cols, kinds_cols = grid.columns()
    need_rows, need_columns = extras.extent(first_column)
    if need_rows > grid.rows or need_columns > grid.width:
        texts_cols, kinds_cols = _padded(texts_cols, kinds_cols, max(need_rows, grid.rows), max(need_columns, grid.width))
        grid.rows, grid.width = len(texts_cols[0]), len(texts_cols)
    width = grid.width
    extras.apply(texts_cols, kinds_cols, first_column, notes)
    if header_row is None:
        preview = [[col[i] for col in texts_cols] for i in range(min(grid.rows, 30))]
        header_row = detect_header_row(preview)
    if header_row < 1:
        raise SheetError(f"The header row must be 1 or more (got {header_row}).", path=str(path), reason="header")
    if header_row > max(grid.rows, 1):
        raise SheetError(
            f"Row {header_row} of sheet “{name}” in “{display_name(path)}” is past the last row "
            f"with data (row {grid.rows}). Choose a header row between 1 and {max(grid.rows, 1)}.",
            path=str(path),
            reason="header",
        )
    h = header_row - 1
    raw_headers = [col[h] if grid.rows else "" for col in texts_cols]
    for j, text in extras.merged_header_fill(h, first_column).items():
        if 0 <= j < width and not raw_headers[j]:
            raw_headers[j] = text
    # Column by column, not as one stacked matrix: each numpy call stays a few milliseconds
    # (the stacked matrix and its any() held the interpreter ~70 ms per million rows, and the
    # window could not paint meanwhile).
    below = max(grid.rows - h - 1, 0)
    filled_cols = [kinds_cols[j][h + 1 :] != CellKind.EMPTY for j in range(width)] if grid.rows else []
    row_filled = np.zeros(below, dtype=bool)
    for column_filled in filled_cols:
        row_filled |= column_filled
    keep_rows = np.flatnonzero(row_filled) if width else np.zeros(0, np.int64)
    keep_cols = [j for j in range(width) if raw_headers[j].strip() or (bool(filled_cols[j].any()) if filled_cols else False)]
    del filled_cols, row_filled
    blank_inside = (int(keep_rows[-1]) + 1 - len(keep_rows)) if len(keep_rows) else 0
    if blank_inside:
        notes.append(f"{blank_inside:,} blank row{'s' if blank_inside != 1 else ''} inside the list left out.")
    columns_letters = [first_column + j for j in keep_cols]
    headers = unique_headers([raw_headers[j] for j in keep_cols], columns_letters)
    for j, header in zip(keep_cols, headers):
        if not raw_headers[j].strip():
            notes.append(f"Column {column_letter(first_column + j)} has no header: shown as “{header}”.")
    take = keep_rows + h + 1
    all_rows = len(keep_rows) == grid.rows - h - 1
    data: dict[str, np.ndarray] = {}
    kinds: dict[str, np.ndarray] = {}
    for j, header in zip(keep_cols, headers):
        column = texts_cols[j]
        data[header] = column[h + 1 :] if all_rows else column[take]
        kinds[header] = kinds_cols[j][h + 1 :] if all_rows else kinds_cols[j][take]
        texts_cols[j] = column[:0]  # free as we go: a million-row sheet holds two copies otherwise
    index = pd.RangeIndex(len(keep_rows))
    frame = pd.DataFrame(data, index=index, dtype=object, copy=False) if data else pd.DataFrame(index=index)
    kind_frame = pd.DataFrame(kinds, index=index, copy=False) if kinds else pd.DataFrame(index=index)
    source_rows = (take + 1).astype(np.int64)
    hidden_rows = extras.hidden_mask(source_rows)
    hidden_columns = [hd for j, hd in zip(keep_cols, headers) if (first_column + j) in extras.hidden_columns]
    if hidden_rows is not None and hidden_rows.any():
        count = int(hidden_rows.sum())
        notes.append(f"{count:,} hidden row{'s' if count != 1 else ''} in the sheet (they are read; you can skip them).")
    if hidden_columns:
        notes.append("Hidden columns: " + ", ".join(hidden_columns) + ".")
    merged_below = [m for m in extras.merged if m[0][0] > h and m != ((m[0][0], m[0][1]), (m[0][0], m[0][1]))]
    if merged_below:
        (r0, c0), (r1, c1) = merged_below[0]
        example = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        notes.append(
            f"{len(merged_below):,} merged cell area{'s' if len(merged_below) != 1 else ''} in the list "
            f"(for example {example}): the value is in its first cell only, the other rows are blank there."
        )
    for header in headers:
        damaged = int((kinds[header] == CellKind.NUMBER_DAMAGED).sum())
        if damaged:
            notes.append(
                f"Column “{header}”: {damaged:,} number{'s' if damaged != 1 else ''} with more than 15 "
                "digits; Excel keeps only 15, so digits may already be lost. Store such numbers as text."
            )
        no_value = int((kinds[header] == CellKind.FORMULA_NO_VALUE).sum())
        if no_value:
            notes.append(
                f"Column “{header}”: {no_value:,} formula{'s' if no_value != 1 else ''} never calculated "
                "(the file was written by a program, not saved by Excel). Open and save it in Excel."
            )
    return Sheet(
        path=str(path),
        name=name,
        header_row=header_row,
        headers=headers,
        data=frame,
        kinds=kind_frame,
        source_rows=source_rows,
        original_headers=[raw_headers[j] for j in keep_cols],
        hidden_rows=hidden_rows if hidden_rows is not None else np.zeros(len(keep_rows), dtype=bool),
        hidden_columns=hidden_columns,
        sheets=sheets,
        notes=notes,
    )


def _is_csv(path: str | os.PathLike, kind: str) -> bool:
    return kind == "text"


class _CallerFailed(Exception):
    """An exception raised by the caller's progress or cancel callback, carried through as is."""


def _plainly(read: Callable[P, T]) -> Callable[P, T]:
    """Any failure inside a reader of an untrusted file reaches the operator as a SheetError."""

    @functools.wraps(read)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        path = args[0] if args else kwargs.get("path", "")
        try:
            return read(*args, **kwargs)
        except SheetError:
            raise
        except _CallerFailed as exc:  # the window's own bug: not the file's fault
            raise exc.args[0] from None
        except MemoryError as exc:
            raise SheetError(
                f"“{display_name(path)}” is too large to read on this computer. Split the list "
                "into smaller files.",
                path=str(path),
                reason="too_big",
            ) from exc
        except Exception as exc:  # a damaged file can break any parser in its own way
            raise guard.corrupt_error(path) from exc

    return guarded


@_plainly
def list_sheets(path: str | os.PathLike) -> list[SheetInfo]:
    """Every sheet of the workbook with its size (a CSV file is one sheet)."""
    limits = ReadLimits()
    kind = guard.sniff_kind(path, limits)
    if _is_csv(path, kind):
        parsed = csvfile.read_csv_text(path, csvfile.read_bytes(path))
        grid = _gather(csvfile.iter_csv_rows(path, parsed), path=path, total=None, progress=None, cancel=None, limits=limits)
        name = Path(path).stem
        return [SheetInfo(name=name, rows=grid.rows, columns=grid.width, has_data=grid.rows > 0)]
    with workbook.open_workbook(path, kind, limits) as book:
        return book.sheet_infos()


@_plainly
def read_workbook(
    path: str | os.PathLike,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    limits: ReadLimits | None = None,
) -> Sheet:
    """Read one sheet of a workbook (or a CSV file) as the text the operator sees.

    ``sheet`` defaults to the first sheet that holds a table (empty and explanatory sheets
    such as "Instructions" are skipped); ``header_row`` (1-based) defaults to the detected
    header. ``progress(rows_read, total)`` is called every 0.5–2 % of the read, from the
    calling thread; for a workbook the bar also moves while the file is checked and parsed
    (see ``read_progress``), and a callback with an ``estimated`` keyword is told
    ``estimated=True`` while the figure is progress through those stages rather than a count
    of rows read (the last call, ``(rows, rows)``, is a count). ``cancel`` is polled between
    pieces of the file check and chunks of a few thousand rows, and once the parse (which
    cannot be interrupted) ends; it makes the read raise ``ReadCancelled``.
    """
    limits = limits or ReadLimits()
    if progress is not None:
        _caller(progress)(0, None)  # started; the total is known once the sheet is parsed
    kind = guard.sniff_kind(path, limits)
    notes: list[str] = []
    if _is_csv(path, kind):
        parsed = csvfile.read_csv_text(path, csvfile.read_bytes(path))
        notes.extend(parsed.notes)
        total = csvfile.estimated_lines(parsed)
        with _collector_paused():
            grid = _gather(
                csvfile.iter_csv_rows(path, parsed), path=path, total=total, progress=progress, cancel=cancel,
                limits=limits,
            )
        name = Path(path).stem
        infos = [SheetInfo(name=name, rows=grid.rows, columns=grid.width, has_data=grid.rows > 0)]
        if not any(k.any() for col in grid.kind_parts() for k in col):
            raise _empty_error(path, name)
        result = _build_sheet(
            grid, path=path, name=name, first_column=0, header_row=header_row,
            extras=workbook.SheetExtras(), sheets=infos, notes=notes,
        )
        _note_ragged(grid, result, notes)
        return result
    check_xml_protection()
    with workbook.open_workbook(path, kind, limits) as book:
        stop = _stopper(path, cancel)
        infos = book.sheet_infos()
        chosen = book.choose_sheet(sheet, infos)
        stop()
        stages = _stages_for(progress, next(i.rows for i in infos if i.name == chosen), path)
        rows, total, first_column, extras = book.open_rows(chosen, notes, stop, watch=stages)
        if stages is not None:
            stages.parse_done(total)
        with _collector_paused():
            grid = _gather(rows, path=path, total=total, progress=progress, cancel=cancel, limits=limits,
                           announced=total, stages=stages)
        # The last reference to python-calamine's parsed sheet: freeing it holds the interpreter
        # ~50 ms per million rows. Here, before the frame is built, rather than at the return,
        # where it fell together with the window taking the list (one ~100 ms stall, measured).
        del rows
        if not any(k.any() for col in grid.kind_parts() for k in col):
            raise _empty_error(path, chosen)
        # The chosen sheet's size is now known exactly (big unread sheets are estimated).
        infos = [
            SheetInfo(name=i.name, rows=_last_filled_row(grid), columns=first_column + grid.width,
                      hidden=i.hidden, has_data=True) if i.name == chosen else i
            for i in infos
        ]
        return _build_sheet(
            grid, path=path, name=chosen, first_column=first_column, header_row=header_row,
            extras=extras, sheets=infos, notes=notes,
        )


def _stages_for(progress: Progress | None, rows_guess: int, path: str | os.PathLike) -> ReadStages | None:
    """Progress through a workbook read's stages, told to ``progress`` in the calling thread."""
    if progress is None:
        return None
    call = _caller(progress)
    if accepts_estimated(progress):
        def say(done: int, total: int | None, estimated: bool) -> None:
            call(done, total, estimated=estimated)
    else:
        def say(done: int, total: int | None, estimated: bool) -> None:
            call(done, total)
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    return ReadStages(say, rows_guess, size)


def _last_filled_row(grid: _Grid) -> int:
    last = 0
    for chunks in grid.kind_parts():
        start = 0
        for kinds in chunks:
            filled = np.flatnonzero(kinds)
            if len(filled):
                last = max(last, start + int(filled[-1]) + 1)
            start += len(kinds)
    return last


def _empty_error(path: str | os.PathLike, name: str) -> SheetError:
    return SheetError(
        f"Sheet “{name}” in “{display_name(path)}” is empty. Choose the sheet that holds the "
        "contact list, or check that the file was saved with its data.",
        path=str(path),
        reason="empty",
    )


def _row_length(grid: _Grid, row: int) -> int:
    if row in grid.lengths:
        return grid.lengths[row]
    for first, end, width in grid.chunk_widths:
        if first <= row < end:
            return width
    return 0


def _note_ragged(grid: _Grid, sheet: Sheet, notes: list[str]) -> None:
    if not grid.lengths and len({w for _, _, w in grid.chunk_widths}) < 2:
        return
    header_index = sheet.header_row - 1
    header_width = _row_length(grid, header_index)
    short = sorted(r for r, n in grid.lengths.items() if r > header_index and 0 < n < header_width)
    long = sorted(r for r, n in grid.lengths.items() if n > header_width)
    uniform_long = [(first, end) for first, end, w in grid.chunk_widths if w > header_width and first not in grid.lengths]
    long_count = len(long) + sum(end - first for first, end in uniform_long)
    long = sorted(long + [r for first, end in uniform_long for r in range(first, min(end, first + 5))])
    for rows, count, fewer in ((short, len(short), True), (long, long_count, False)):
        if not count:
            continue
        listed = ", ".join(str(r + 1) for r in rows[:5]) + (" …" if count > 5 else "")
        lines = f"{count:,} line{'s' if count != 1 else ''} ({listed})"
        if fewer:
            notes.append(f"{lines} had fewer cells than the header; the missing cells are left blank.")
        else:
            notes.append(
                f"{lines} had more cells than the header; the extra cells are shown under “Column …” headers."
            )
