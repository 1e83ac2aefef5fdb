"""Helpers for the window tests: generated lists and waiting for the rows to be checked."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import keyring.backend
import keyring.errors
from openpyxl import Workbook

FIXED_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)  # 11:30 in India


def write_contacts(path: Path, rows: list[list[object]], headers: list[str] | None = None,
                   title_rows: int = 0, extra_sheets: dict[str, list[list[object]]] | None = None,
                   hidden: list[int] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Contacts"
    for i in range(title_rows):
        ws.append([f"December collections list {i + 1}"])
    ws.append(headers or ["Customer ID", "Name", "Mobile", "Language"])
    for row in rows:
        ws.append(row)
    for r in hidden or []:
        ws.row_dimensions[r].hidden = True
    for name, sheet_rows in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    wb.save(path)
    return path


def contact_rows(n: int) -> list[list[object]]:
    return [[f"C{i:04d}", f"Customer {i}", f"98{i:08d}", "Hindi" if i % 2 else "English"] for i in range(1, n + 1)]


def open_and_plan(qtbot, window, path, timeout=20_000):
    """Open a list and wait until its rows have been checked."""
    with qtbot.waitSignal(window.plan_changed, timeout=timeout):
        window.open_file(str(path))
    return window.current_plan()


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict, so tests never touch the real password store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not stored")
