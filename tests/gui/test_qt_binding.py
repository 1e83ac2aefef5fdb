"""The Qt binding must not corrupt the interpreter over a working day of clicks.

PySide6 6.12.0 on Python 3.11 dropped one reference to ``None`` on every Qt call that
returns nothing (``setText``, ``setEnabled``…): after some tens of thousands of them the
program aborted ("deallocating None"). This guards against such a binding being installed.
"""

from __future__ import annotations

import sys


def test_qt_calls_that_return_nothing_keep_none_alive(qapp):
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        probe.setObjectName("probe")
        probe.blockSignals(False)
    assert sys.getrefcount(None) >= before - 50  # a few may come and go; thousands must not
