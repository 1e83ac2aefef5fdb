"""The campaign side of the window: which mapping is shown for a list (the saved one for
these headers, or a proposal), the summary under the panel, mapping files, Preview, and
the Send / Test call requests that ``gui.sending`` answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import QFileDialog

from phonon_desktop.gui import campaign_link, user_files
from phonon_desktop.sheets.model import Sheet

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from phonon_desktop.gui.models.sheet_model import SheetTableModel
    from phonon_desktop.gui.views.filter_bar import FilterBar
    from phonon_desktop.gui.views.mapping_panel import MappingPanel


def column_roles(mapping_json: dict[str, Any]) -> dict[str, str]:
    """The role of each mapped column, as shown under its header."""
    roles: dict[str, list[str]] = {}
    for i, col in enumerate(mapping_json.get("contact_numbers") or []):
        roles.setdefault(col, []).append(f"Number {i + 1}")
    client = mapping_json.get("client_identifier")
    if client:
        roles.setdefault(client, []).append("ID")
    start = mapping_json.get("start_time")
    if isinstance(start, dict) and start.get("column"):
        roles.setdefault(start["column"], []).append("Start")
    for name, col in (mapping_json.get("keys") or {}).items():
        roles.setdefault(col, []).append(f"$flow.key.{name}")
    return {col: ", ".join(parts) for col, parts in roles.items()}


class WindowCampaignMixin:
    """The mapping offered for a list, the summary, mapping files, Preview, Send requests."""

    _sheet: Sheet | None
    _plan: Any
    _mapping: Any
    _signature: str | None
    _mapping_note: str
    mapping_panel: MappingPanel
    table_model: SheetTableModel
    filter_bar: FilterBar
    status_label: QLabel

    def _offer_mapping(self, sheet: Sheet, keep_current: bool) -> None:
        panel = self.mapping_panel
        current = panel.mapping_json() if keep_current and self._signature else None
        self._mapping_note = ""
        panel.set_headers(list(sheet.headers))
        try:
            self._signature = campaign_link.headers_signature(list(sheet.headers))
        except ImportError:
            self._signature = None
        remembered = user_files.remembered_mapping(self._signature) if self._signature else None
        if current and any(c in sheet.headers for c in current.get("contact_numbers", [])):
            panel.set_mapping_json(current)
            return
        if remembered:
            self._mapping_note = "Using the mapping you used last time for a list with these columns."
            panel.set_mapping_json(remembered)
            panel.set_message(self._mapping_note)
            return
        try:
            proposal, questions = campaign_link.propose(sheet)
        except ImportError:
            proposal, questions = None, []
        self._mapping_note = "\n".join(questions)
        proposal = dict(proposal or {})
        zone = self._preferred_zone()
        if zone:  # a new list starts in the zone chosen in Preferences
            proposal["timezone"] = zone
        panel.set_mapping_json(proposal)
        panel.set_message(self._mapping_note)

    def _preferred_zone(self) -> str | None:
        """The time zone of Preferences (kept by sending's settings), when sending is attached."""
        settings = getattr(getattr(self, "send_controller", None), "settings", None)
        try:
            return str(settings.defaults().time_zone) if settings is not None else None
        except Exception:  # noqa: BLE001 - unreadable settings: the mapping's own default stays
            return None

    def _update_summary(self) -> None:
        levels = self.table_model.levels()
        panel = self.mapping_panel
        if self._plan is None or levels is None:
            panel.summary.setText("Choose the phone number column to check the rows." if self._sheet else "")
            panel.start.set_call_count(0)
            self._update_enabled()
            return
        ready = int(np.count_nonzero(levels == 0))
        warnings = int(np.count_nonzero(levels == 1))
        errors = int(np.count_nonzero(levels >= 2))
        panel.set_summary(ready, warnings, errors)
        panel.start.set_call_count(campaign_link.sendable_count(self._plan))
        self._update_enabled()

    def _on_summary_clicked(self, part: str) -> None:
        label = {"ready": "Ready", "warning": "Warnings", "error": "Errors"}.get(part)
        if label:
            self.filter_bar.show_choice(label)

    def preview(self) -> None:
        from phonon_desktop.gui.dialogs.preview import PreviewDialog

        if self._plan is None:
            self.status_label.setText("Nothing to preview yet: choose the phone number column first.")
            return
        PreviewDialog(self._plan, self._sheet, self._mapping, self).exec()

    def _request_send(self) -> None:
        if self._plan is None or not self.send_button.isEnabled():
            return
        if not self.isSignalConnected(self.metaObject().method(self.metaObject().indexOfSignal("send_requested()"))):
            self.show_banner("Sending is not available in this installation.", "warning")
            return
        self.send_requested.emit()

    def _request_test_call(self) -> None:
        if self._plan is None:
            return
        self.test_call_requested.emit()

    def open_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a mapping", "", "Mapping (*.json);;All files (*)")
        if path:
            self.open_mapping_from(path)

    def open_mapping_from(self, path: str) -> bool:
        try:
            obj = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # Notepad may add a BOM
            mapping = campaign_link.mapping_from_json(obj)
            if self._sheet is not None and hasattr(mapping, "check_columns"):
                mapping.check_columns(list(self._sheet.headers))
        except (OSError, ValueError) as exc:
            message = getattr(exc, "message", None) or f"{path} is not a mapping file ({exc})."
            self.show_banner(message, "error")
            return False
        self.mapping_panel.set_mapping_json(mapping.to_json() if hasattr(mapping, "to_json") else obj)
        self.status_label.setText(f"Mapping opened from {path}.")
        return True

    def save_mapping(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the mapping", "mapping.json", "Mapping (*.json)")
        if path:
            self.save_mapping_to(path)

    def save_mapping_to(self, path: str) -> bool:
        if self._mapping is None:
            self.show_banner("The mapping is not complete yet: " + (self.mapping_panel.message.text() or
                             "choose the phone number column."), "warning")
            return False
        try:
            mapping = self._mapping
            if self._sheet is not None:
                mapping.sheet, mapping.header_row = self._sheet.name, self._sheet.header_row
            mapping.save(path)
        except OSError as exc:
            self.show_banner(f"{path} could not be written ({exc.strerror or exc}). Choose another folder.", "error")
            return False
        except campaign_link.mapping_error_types() as exc:  # the mapping's own sentence, e.g. a locked file
            self.show_banner(getattr(exc, "message", str(exc)), "error")
            return False
        self.status_label.setText(f"Mapping saved as {path}.")
        return True
