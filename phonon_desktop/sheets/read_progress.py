"""How far a workbook read has come, as one figure that only grows.

Reading an .xlsx sheet has three stages. The extent check walks the sheet's XML (its
progress is real: the share of the XML checked). python-calamine then parses the sheet in
one call that reports nothing; its progress is estimated from how long the check took on
this machine, in this read, times how much longer the parse took than the check in the last
read (a first read uses the ratio measured on a 2-core machine). The estimate slows down as
it nears its end and never reaches it, so a slow parse never shows a full bar. Last, rows
become text (real progress again: rows converted).

The figure is given in rows of the sheet (the total is the row count the sheet declares or,
once the check has passed, the last row it found), so a window that shows "N of M rows" keeps
working; a callback that takes an ``estimated`` keyword is told when the figure is progress
through the stages rather than a count of rows already read.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable

# Seconds of parse and of row conversion per second of the extent check, learnt from the
# reads in this process (each read moves them halfway to what it measured, so one read on a
# suddenly busy machine does not throw the next estimate off). The starting values were
# measured on a 2-core machine (1,000,000 rows: check 0.6-1.2 s, parse 5-9 s, rows 2-4 s).
_PACE = {"parse": 8.0, "rows": 3.0}
# Only a check that took this long is a good enough clock to learn from.
_LEARN_AFTER_SECONDS = 0.05
# Without an extent check (.xls, .ods, small sheets) the parse is guessed from the file's
# size at this many bytes a second.
_PARSE_BYTES_PER_SECOND = 8_000_000
# Share of the parse stage the estimate covers at the rate it expects; past it the bar
# slows down, keeps moving, and never reaches the end of the stage.
_STRAIGHT = 0.8
# A new figure is passed on once it has grown by this share of the whole read.
_STEP = 0.005
# The bar never shows the read finished before it is.
_NEARLY_DONE = 0.999


def accepts_estimated(callback: Callable[..., object]) -> bool:
    """Whether ``callback`` can be told ``estimated=...`` (a parameter of that name, or **kwargs)."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return False
    for parameter in parameters:
        if parameter.kind is parameter.VAR_KEYWORD:
            return True
        if parameter.name == "estimated" and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            return True
    return False


class ReadStages:
    """One read's progress through check, parse and rows, passed to ``say(done, total, estimated)``."""

    def __init__(self, say: Callable[[int, int | None, bool], None], total: int, file_bytes: int = 0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._say = say
        self._clock = clock
        self.total = max(int(total), 0)
        self._file_bytes = file_bytes
        parse, rows = _PACE["parse"], _PACE["rows"]
        whole = 1.0 + parse + rows
        self._check_share = 1.0 / whole
        self._parse_share = parse / whole
        self._fraction = 0.0  # of the whole read, as last passed on
        self._done = 0  # the figure last passed on
        self._check_started = clock()
        self._check_seconds = 0.0
        self._parse_started = 0.0
        self._parse_expected = 0.0
        self._parse_seconds = 0.0
        self._rows_started = 0.0
        self._rows_base = 0.0  # where the bar stood when the parse ended

    # --- the extent check -------------------------------------------------------------------
    def checked(self, share: float) -> None:
        """The extent check has passed ``share`` (0 to 1) of the sheet's XML."""
        self._show(self._check_share * min(max(share, 0.0), 1.0))

    def check_done(self, last_row: int) -> None:
        self._check_seconds = self._clock() - self._check_started
        if last_row > 0:
            self.total = last_row
        self._show(self._check_share)

    # --- the parse ----------------------------------------------------------------------------
    def parse_started(self) -> None:
        self._parse_started = self._clock()
        if self._check_seconds >= _LEARN_AFTER_SECONDS:
            self._parse_expected = self._check_seconds * _PACE["parse"]
        else:
            self._parse_expected = max(self._file_bytes / _PARSE_BYTES_PER_SECOND, 0.2)

    def parsing(self) -> None:
        """Called every tenth of a second or so while the parse runs (or the read waits for the
        scan beside it, when the sheet was already parsed): moves the estimate on."""
        if not self._parse_expected:
            self.parse_started()
        elapsed = self._clock() - self._parse_started
        self._show(self._check_share + self._parse_share * _estimate(elapsed / self._parse_expected))

    def parse_done(self, total_rows: int) -> None:
        self._parse_seconds = self._clock() - self._parse_started
        if total_rows > 0:
            self.total = total_rows
        self._rows_base = self._fraction
        self._rows_started = self._clock()
        if self._check_seconds >= _LEARN_AFTER_SECONDS:
            _learn("parse", self._parse_seconds / self._check_seconds)

    # --- rows becoming text -----------------------------------------------------------------
    def rows(self, converted: int) -> None:
        if self.total > 0:
            self._show(self._rows_base + (1.0 - self._rows_base) * min(converted / self.total, 1.0))

    def finish(self, rows: int) -> None:
        if self._check_seconds >= _LEARN_AFTER_SECONDS and self._rows_started:
            _learn("rows", (self._clock() - self._rows_started) / self._check_seconds)
        self._say(rows, rows, False)

    def _show(self, fraction: float) -> None:
        fraction = min(fraction, _NEARLY_DONE)
        if fraction - self._fraction < _STEP or self.total <= 0:
            return
        self._fraction = fraction
        # The figure grows even when the total is corrected (a declared size that was off).
        done = min(max(int(fraction * self.total), self._done), max(self.total - 1, 0))
        self._done = done
        self._say(done, self.total, True)


def _learn(stage: str, measured: float) -> None:
    _PACE[stage] = (_PACE[stage] + measured) / 2


def _estimate(x: float) -> float:
    """Share of the parse shown after ``x`` times its expected length: straight up to 80 %,
    then ever slower towards 100 % (never reached). The tail shrinks like 1/x rather than
    exponentially, so a parse that takes twice as long as expected still moves the bar."""
    if x <= _STRAIGHT:
        return max(x, 0.0)
    rest = 1.0 - _STRAIGHT
    return 1.0 - rest / (1.0 + (x - _STRAIGHT) / rest)
