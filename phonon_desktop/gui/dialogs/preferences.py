"""Preferences…: the flows to send to (with their security ids) and the campaign defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace
from zoneinfo import available_timezones

from PySide6.QtCore import QTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop.gui.secrets import SecretStore, clean_security_id, default_secret_store, security_id_problem
from phonon_desktop.gui.settings_store import (
    DOCUMENTED_RATES,
    ENDPOINTS,
    FlowSettings,
    SendDefaults,
    SettingsStore,
)

COMMON_ZONES = ["Asia/Kolkata", "Asia/Dubai", "Asia/Singapore", "Europe/London", "UTC", "America/New_York"]


@dataclass
class _Entry:
    flow: FlowSettings
    original_flow_id: str | None  # None for a flow added in this dialog
    new_secret: str | None = None  # typed in this dialog, not yet stored


class PreferencesDialog(QDialog):
    def __init__(
        self,
        store: SettingsStore,
        secrets: SecretStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.store = store
        self.secrets = secrets or default_secret_store()
        self.entries = [_Entry(f, f.flow_id) for f in store.flows()]
        self.removed_flow_ids: list[str] = []
        self._loading = False

        self.flow_list = QListWidget()
        self.flow_list.setAccessibleName("Flows")
        add = QPushButton("Add flow")
        self.remove_button = QPushButton("Remove flow")
        add.clicked.connect(self.add_flow)
        self.remove_button.clicked.connect(self.remove_flow)

        self.name_edit = QLineEdit()
        self.flow_id_edit = QLineEdit()
        self.flow_id_edit.setPlaceholderText("8 letters or digits, from the flow's Edit Flow page")
        self.secret_edit = QLineEdit()
        # Password mode also disables copy and cut from the field.
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.secret_state = QLabel()
        self.secret_state.setWordWrap(True)
        self.endpoint_combo = QComboBox()
        for key, words in ENDPOINTS.items():
            self.endpoint_combo.addItem(words, key)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")
        self.version_combo = QComboBox()
        self.version_combo.addItem("Production (1.0)", "1.0")
        self.version_combo.addItem("Testing version (TEST)", "TEST")
        self.rate_spin = QSpinBox()
        self.rate_spin.setRange(0, 1_000_000)
        self.rate_spin.setSingleStep(100)
        self.rate_spin.setSuffix(" calls/min")

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Flow id", self.flow_id_edit)
        form.addRow("Security id", self.secret_edit)
        form.addRow("", self.secret_state)
        form.addRow("Endpoint", self.endpoint_combo)
        form.addRow("Address", self.url_edit)
        form.addRow("Flow version", self.version_combo)
        form.addRow("Rate limit", self.rate_spin)
        self.flow_form = QWidget()
        self.flow_form.setLayout(form)

        left = QVBoxLayout()
        left.addWidget(self.flow_list)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(self.remove_button)
        left.addLayout(buttons_row)
        flows_box = QGroupBox("Flows")
        flows_layout = QHBoxLayout(flows_box)
        flows_layout.addLayout(left, 1)
        flows_layout.addWidget(self.flow_form, 2)

        self.keyring_note = QLabel(self.secrets.availability_text())
        self.keyring_note.setWordWrap(True)

        defaults = store.defaults()
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        zones = COMMON_ZONES + sorted(available_timezones() - set(COMMON_ZONES))
        self.zone_combo.addItems(zones)
        self.zone_combo.setCurrentText(defaults.time_zone)
        self.calling_from = QTimeEdit(QTime.fromString(defaults.calling_from, "HH:mm"))
        self.calling_until = QTimeEdit(QTime.fromString(defaults.calling_until, "HH:mm"))
        for edit in (self.calling_from, self.calling_until):
            edit.setDisplayFormat("HH:mm")
            edit.setToolTip("Calls planned to start outside these hours, on the customer's clock, are warned about "
                            "in the open list at once. Indian numbers are also kept to 09:00–21:00 India time, "
                            "when commercial calls are allowed, whatever is set here.")
        defaults_box = QGroupBox("New campaigns")
        dform = QFormLayout(defaults_box)
        dform.addRow("Time zone", self.zone_combo)
        hours = QHBoxLayout()
        hours.addWidget(self.calling_from)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.calling_until)
        hours.addStretch(1)
        dform.addRow("Calling hours", hours)
        hours_note = QLabel("Starts outside these hours are warned about where the customer is; "
                            "for Indian numbers 09:00–21:00 India time always applies too.")
        hours_note.setWordWrap(True)
        dform.addRow("", hours_note)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: palette(highlighted-text); background: #b03030; padding: 4px;")
        self.problem_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(flows_box)
        layout.addWidget(self.keyring_note)
        layout.addWidget(defaults_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        for w in (self.name_edit, self.flow_id_edit, self.url_edit):
            w.textEdited.connect(self._form_edited)
        self.secret_edit.textEdited.connect(self._secret_edited)
        self.endpoint_combo.currentIndexChanged.connect(self._form_edited)
        self.version_combo.currentIndexChanged.connect(self._form_edited)
        self.rate_spin.valueChanged.connect(self._form_edited)
        self.flow_list.currentRowChanged.connect(self._show_entry)

        for entry in self.entries:
            self.flow_list.addItem(entry.flow.name)
        if self.entries:
            current = store.current_flow()
            names = [e.flow.name for e in self.entries]
            self.flow_list.setCurrentRow(names.index(current.name) if current and current.name in names else 0)
        self._show_entry(self.flow_list.currentRow())

    # -- editing -----------------------------------------------------------------------------

    def current_entry(self) -> _Entry | None:
        row = self.flow_list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def add_flow(self) -> None:
        n = len(self.entries) + 1
        self.entries.append(_Entry(FlowSettings(name=f"New flow {n}", flow_id=""), None))
        self.flow_list.addItem(self.entries[-1].flow.name)
        self.flow_list.setCurrentRow(len(self.entries) - 1)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_flow(self) -> None:
        row = self.flow_list.currentRow()
        if row < 0:
            return
        entry = self.entries.pop(row)
        if entry.original_flow_id:
            self.removed_flow_ids.append(entry.original_flow_id)
        self.flow_list.takeItem(row)
        self._show_entry(self.flow_list.currentRow())

    def _show_entry(self, row: int) -> None:
        entry = self.entries[row] if 0 <= row < len(self.entries) else None
        self.flow_form.setEnabled(entry is not None)
        self.remove_button.setEnabled(entry is not None)
        self._loading = True
        try:
            flow = entry.flow if entry else FlowSettings(name="", flow_id="")
            self.name_edit.setText(flow.name)
            self.flow_id_edit.setText(flow.flow_id)
            self.secret_edit.clear()  # the stored secret is never put back into a widget
            self.endpoint_combo.setCurrentIndex(max(0, self.endpoint_combo.findData(flow.endpoint)))
            self.url_edit.setText(flow.url)
            self.version_combo.setCurrentIndex(max(0, self.version_combo.findData(flow.api_version)))
            self.rate_spin.setValue(flow.rate_per_minute or 0)
        finally:
            self._loading = False
        self._update_secret_state()
        self._update_enabled()

    def _form_edited(self, *_: object) -> None:
        entry = self.current_entry()
        if entry is None or self._loading:
            return
        entry.flow = replace(
            entry.flow,
            name=self.name_edit.text(),
            flow_id=self.flow_id_edit.text().strip(),
            endpoint=self.endpoint_combo.currentData(),
            url=self.url_edit.text(),
            api_version=self.version_combo.currentData(),
            rate_per_minute=self.rate_spin.value() or None,
        )
        self.flow_list.item(self.flow_list.currentRow()).setText(entry.flow.name)
        self._update_enabled()

    def _secret_edited(self, text: str) -> None:
        entry = self.current_entry()
        if entry is not None:
            entry.new_secret = clean_security_id(text) or None
        self._update_secret_state()

    def _update_enabled(self) -> None:
        endpoint = self.endpoint_combo.currentData()
        self.url_edit.setEnabled(endpoint == "url")
        self.rate_spin.setSpecialValueText(f"documented limit ({DOCUMENTED_RATES.get(endpoint, 500):,} calls/min)")

    def _update_secret_state(self) -> None:
        entry = self.current_entry()
        if entry is None:
            self.secret_state.setText("")
            return
        if entry.new_secret:
            problem = security_id_problem(entry.new_secret)
            self.secret_state.setText(problem or "New security id typed; it is saved when you press OK.")
            return
        stored = self.secrets.get(entry.original_flow_id) if entry.original_flow_id else None
        if stored:
            where = "for this session only" if self.secrets.is_session_only(entry.original_flow_id) else "in the password store"
            self.secret_state.setText(f"Stored {where}: {self.secrets.masked(entry.original_flow_id)}. Type here to replace it.")
            self.secret_edit.setPlaceholderText("(kept; type to replace)")
        else:
            self.secret_state.setText("No security id yet: paste it from the flow's Edit Flow page.")
            self.secret_edit.setPlaceholderText("")

    # -- saving ------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        out = []
        names = [e.flow.name.strip() for e in self.entries]
        for entry in self.entries:
            out += entry.flow.problems()
            if entry.new_secret and (p := security_id_problem(entry.new_secret)):
                out.append(f"{entry.flow.name}: {p}")
        dupes = sorted({n for n in names if n and names.count(n) > 1})
        if dupes:
            out.append(f"Two flows are called '{dupes[0]}'; give each flow its own name.")
        out += self.chosen_defaults().problems()
        return out

    def chosen_defaults(self) -> SendDefaults:
        return SendDefaults(
            time_zone=self.zone_combo.currentText().strip(),
            calling_from=self.calling_from.time().toString("HH:mm"),
            calling_until=self.calling_until.time().toString("HH:mm"),
        )

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            self.problem_label.setText("\n".join(problems))
            self.problem_label.show()
            return
        for entry in self.entries:
            new_id = entry.flow.flow_id
            if entry.original_flow_id and entry.original_flow_id != new_id:
                self.secrets.rename(entry.original_flow_id, new_id)
            if entry.new_secret:
                self.secrets.set(new_id, entry.new_secret)
        kept = {e.flow.flow_id for e in self.entries}
        for flow_id in self.removed_flow_ids:
            if flow_id not in kept:
                self.secrets.delete(flow_id)
        self.store.save_flows([e.flow for e in self.entries])
        if (entry := self.current_entry()) is not None:
            self.store.set_current_flow(entry.flow.name)
        self.store.save_defaults(self.chosen_defaults())
        super().accept()
