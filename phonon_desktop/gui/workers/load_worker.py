"""Reading a workbook off the GUI thread, with progress, Cancel and its first rows early.

The reading itself is ``sheets.read_workbook``; this only runs it in a QThread and turns its
progress callback and its outcome into signals, which Qt delivers on the GUI thread. Before
the read, a preview of the first rows (``sheets.preview.read_preview``, a fraction of a
second even for a million-row workbook) is sent, for the window to show while it waits.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from phonon_desktop.gui.workers.task import give_way, share_the_interpreter
from phonon_desktop.sheets.model import Sheet, SheetError

Reader = Callable[..., Sheet]
# (path, sheet, header_row) -> the first rows, or None when no preview is possible
Previewer = Callable[[str, "str | None", "int | None"], "Sheet | None"]


def default_reader() -> Reader:
    from phonon_desktop.sheets import read_workbook  # type: ignore[attr-defined]

    return read_workbook


def default_previewer(path: str, sheet: str | None, header_row: int | None) -> Sheet | None:
    from phonon_desktop.sheets.preview import read_preview

    return read_preview(path, sheet, header_row=header_row)


def is_cancelled_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "ReadCancelled"


class CancelEvent(threading.Event):
    """The operator's Cancel, which the reader asks about between every few thousand rows: a
    moment at which the read also stands aside while the window paints (see ``give_way``)."""

    def is_set(self) -> bool:
        give_way()
        return super().is_set()


class LoadJob(QObject):
    """One read of one file. Lives in its own thread; talks only through signals."""

    progress = Signal(int, int, bool)  # rows read, rows in total (0 when unknown), an estimate
    preview = Signal(object)  # the first rows (a Sheet), before the read
    loaded = Signal(object)  # the Sheet
    failed = Signal(str)  # a sentence for the operator
    cancelled = Signal()
    finished = Signal()

    # Progress is sent at most this often: a signal per row would flood the GUI thread.
    PROGRESS_INTERVAL = 0.05

    def __init__(self, path: str, sheet: str | None, header_row: int | None, reader: Reader,
                 previewer: Previewer | None = None) -> None:
        super().__init__()
        self.path = path
        self.sheet = sheet
        self.header_row = header_row
        self._reader = reader
        self._previewer = previewer
        self.cancel_event = CancelEvent()
        self._last_progress = 0.0

    def _report(self, rows: int, total: int | None, estimated: bool = False) -> None:
        now = time.monotonic()
        if now - self._last_progress >= self.PROGRESS_INTERVAL or (total and rows >= total):
            self._last_progress = now
            self.progress.emit(int(rows), int(total or 0), bool(estimated))

    def _send_preview(self) -> None:
        if self._previewer is None:
            return
        try:
            first = self._previewer(self.path, self.sheet, self.header_row)
        except Exception:  # noqa: BLE001 - no preview: the read goes on and reports any problem
            first = None
        if first is not None and not self.cancel_event.is_set():
            self.preview.emit(first)

    @Slot()
    def run(self) -> None:
        try:
            self._send_preview()
            sheet = self._reader(
                self.path,
                sheet=self.sheet,
                header_row=self.header_row,
                progress=self._report,
                cancel=self.cancel_event,
            )
        except SheetError as exc:
            if self.cancel_event.is_set():
                self.cancelled.emit()
            else:
                self.failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 - the operator gets words, never a traceback
            if self.cancel_event.is_set() or is_cancelled_error(exc):
                self.cancelled.emit()
            else:
                message = getattr(exc, "message", None) or (
                    f"{self.path} could not be opened ({type(exc).__name__}: {exc}). "
                    "Check that it is a spreadsheet, or save it again from Excel as .xlsx and open that copy."
                )
                self.failed.emit(str(message))
        else:
            if self.cancel_event.is_set():
                self.cancelled.emit()
            else:
                self.loaded.emit(sheet)
        finally:
            self.finished.emit()


class Loader(QObject):
    """Starts one LoadJob at a time; a new load cancels the one running."""

    progress = Signal(int, int)  # rows read, rows in total; ``estimated`` says whether it is a guess
    preview = Signal(object)  # the first rows of the list being read (a Sheet, read-only)
    loaded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, reader: Reader | None = None,
                 previewer: Previewer | None = default_previewer) -> None:
        super().__init__(parent)
        self._reader = reader
        self.previewer = previewer  # None: no early rows
        self.estimated = False  # the last progress figure is an estimate (while the file is parsed)
        share_the_interpreter()
        self._thread: QThread | None = None
        self._job: LoadJob | None = None
        self._old: list[tuple[QThread, LoadJob]] = []

    def is_busy(self) -> bool:
        return self._job is not None

    def start(self, path: str, sheet: str | None = None, header_row: int | None = None) -> None:
        self.cancel()
        reader = self._reader or default_reader()
        job = LoadJob(path, sheet, header_row, reader, self.previewer)
        thread = QThread()
        thread.setObjectName("load")
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progress.connect(self._on_progress)
        job.preview.connect(self._on_preview)
        job.loaded.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        # Direct: quit() is thread-safe, and a queued call would never arrive while the GUI
        # thread is blocked in wait() (closing the window during a load).
        job.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._job = thread, job
        self._old.append((thread, job))  # keep both alive until the thread has ended
        self.busy_changed.emit(True)
        thread.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel_event.set()
            self._job = None
            self._thread = None
            self.busy_changed.emit(False)
            self.cancelled.emit()

    def wait(self, ms: int = 10_000) -> None:
        for thread, _ in list(self._old):
            thread.wait(ms)

    def _current(self) -> LoadJob | None:
        sender = self.sender()
        return sender if sender is self._job else None  # type: ignore[return-value]

    def _on_progress(self, rows: int, total: int, estimated: bool = False) -> None:
        if self._current() is not None:
            self.estimated = estimated
            self.progress.emit(rows, total)

    def _on_preview(self, sheet: Any) -> None:
        if self._current() is not None:
            self.preview.emit(sheet)

    def _on_loaded(self, sheet: Any) -> None:
        if self._current() is not None:
            self._job = self._thread = None
            self.busy_changed.emit(False)
            self.loaded.emit(sheet)

    def _on_failed(self, message: str) -> None:
        if self._current() is not None:
            self._job = self._thread = None
            self.busy_changed.emit(False)
            self.failed.emit(message)

    def _on_cancelled(self) -> None:
        pass  # already reported by cancel()

    def _on_thread_finished(self) -> None:
        thread = self.sender()
        for t, j in [(t, j) for t, j in self._old if t is thread]:
            j.deleteLater()
            t.deleteLater()
        self._old = [(t, j) for t, j in self._old if t is not thread]
