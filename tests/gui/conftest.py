"""Fixtures for the window tests: offscreen Qt, a private config folder, generated lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from window_helpers import FIXED_NOW, contact_rows, write_contacts


@pytest.fixture(autouse=True)
def private_config(tmp_path, monkeypatch):
    """Recent files and remembered mappings go to a temporary folder, never the real one."""
    folder = tmp_path / "config"
    monkeypatch.setenv("PHONON_DESKTOP_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def contacts_file(tmp_path) -> Path:
    """12 customers, one bad number (row 5 of the file), one missing number (row 8)."""
    rows = contact_rows(12)
    rows[3][2] = "12345"
    rows[6][2] = ""
    folder = tmp_path / "lists with spaces ग्राहक"
    folder.mkdir()
    return write_contacts(folder / "december list.xlsx", rows)


@pytest.fixture(autouse=True)
def questions(monkeypatch):
    """A question box would wait for a click forever: answer "Discard" and keep what was asked."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


@pytest.fixture
def window(qtbot):
    from phonon_desktop.gui.main_window import MainWindow

    w = MainWindow(now=lambda: FIXED_NOW)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    return w
