"""Every keyboard shortcut of the window, in one place.

Standard keys (QKeySequence.StandardKey) where the platform has one, so that Ctrl+Z on
Windows and Cmd+Z on macOS both work. Key sequences are made on demand: a standard key
needs the application to exist, and this module may be imported before it does.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

StandardKey = QKeySequence.StandardKey

SHORTCUTS: dict[str, list[StandardKey | str]] = {
    "open": [StandardKey.Open],  # Ctrl+O
    "save_copy": [StandardKey.SaveAs],  # Ctrl+Shift+S
    "quit": [StandardKey.Quit, "Ctrl+Q"],
    "undo": [StandardKey.Undo],  # Ctrl+Z
    "redo": ["Ctrl+Shift+Z", StandardKey.Redo],  # also Ctrl+Y on Windows
    "find": [StandardKey.Find],  # Ctrl+F
    "find_next": [StandardKey.FindNext],  # F3 / Ctrl+G
    "find_previous": [StandardKey.FindPrevious],
    "close_find": ["Escape"],
    "paste": [StandardKey.Paste],  # Ctrl+V
    "copy": [StandardKey.Copy],
    "delete_rows": ["Ctrl+Delete", "Ctrl+-"],
    "clear_cells": [StandardKey.Delete],
    "show_problems": ["Ctrl+Shift+P"],
    "show_all": ["Ctrl+Shift+A"],
    "focus_table": ["Ctrl+1"],
    "focus_mapping": ["Ctrl+2"],
    "preview": ["Ctrl+P"],
    "send": ["Ctrl+Return", "Ctrl+Enter"],
    "test_call": ["Ctrl+T"],
    "open_mapping": ["Ctrl+Shift+O"],
    "save_mapping": ["Ctrl+Shift+M"],
    "reload": [StandardKey.Refresh],  # F5
    "help_keys": [StandardKey.HelpContents],  # F1
    "preferences": ["Ctrl+,"],
    "export_results": ["Ctrl+Shift+E"],
    "history": ["Ctrl+H"],
}


def keys(name: str) -> list[QKeySequence]:
    return [QKeySequence(k) for k in SHORTCUTS[name]]


def describe(name: str) -> str:
    """The shortcut as the operator reads it on this platform ("Ctrl+O")."""
    return " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys(name) if not k.isEmpty())
