"""The side panel: what will be sent. Numbers (and the country of numbers written without a
country code), customer id (and whether a number or id may come twice), start time (and the
calls' time zone), flow variables.

It edits the mapping's JSON form (the same as the mapping file) and says when it changed;
the window turns that into a ``campaign.Mapping`` and re-plans. Below: the summary of the
plan (its parts filter the table), Preview, Test call and Send.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop.gui import icons, shortcuts, sizes
from phonon_desktop.gui.views.place_choosers import country_chooser
from phonon_desktop.gui.views.start_time_box import StartTimeBox

GENERATE_ID = "Generate one per row"


def _tool(icon_name: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setIcon(icons.icon(icon_name))
    b.setToolTip(tip)
    b.setAccessibleName(tip)
    return b


class MappingPanel(QWidget):
    mapping_changed = Signal()
    summary_clicked = Signal(str)  # "ready" | "warning" | "error"
    preview_requested = Signal()

    def __init__(self, parent: QWidget | None = None, start_box: StartTimeBox | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._filling = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls; they scroll into sight
        # Never cut on the right: the panel is at least as wide as its controls (see minimumSizeHint).
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(0, 0, 6, 0)
        scroll.setWidget(inner)
        self._scroll, self._inner = scroll, inner
        outer.addWidget(scroll, 1)

        # Numbers: main first, then alternates, dialled in this order.
        numbers_box = QGroupBox("Phone numbers (dialled in this order)")
        nl = QVBoxLayout(numbers_box)
        self.numbers = QListWidget()
        self.numbers.setAccessibleName("Phone number columns, in dialling order")
        self.numbers.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self._fit_numbers()
        nl.addWidget(self.numbers)
        nrow = QHBoxLayout()
        self.add_number = QComboBox()
        self.add_number.setAccessibleName("Add a phone number column")
        self.up_button = _tool("move_up", "Dial this column earlier")
        self.down_button = _tool("move_down", "Dial this column later")
        self.remove_number = _tool("remove", "Do not use this column for numbers")
        nrow.addWidget(self.add_number, 1)
        for b in (self.up_button, self.down_button, self.remove_number):
            nrow.addWidget(b)
        nl.addLayout(nrow)
        country_title = QLabel("Numbers without a co&untry code are from:")
        country_title.setWordWrap(True)
        self.country = country_chooser()
        self.country.set_value("IN")
        self.country.setToolTip("How a number like 98123 45678 or 050 123 4567 is read. Numbers written with "
                                "+ and a country code are read as written. Type to search, e.g. UAE or +971.")
        country_title.setBuddy(self.country)
        nl.addWidget(country_title)
        nl.addWidget(self.country)
        self.allow_other_countries = QCheckBox("&Also call numbers of other countries")
        self.allow_other_countries.setToolTip("Off: a number of another country (for example +44 …) is an error, "
                                              "so nobody abroad is called by mistake.")
        nl.addWidget(self.allow_other_countries)
        lay.addWidget(numbers_box)

        form_box = QGroupBox("Customer")
        form = QFormLayout(form_box)
        self.client_id = QComboBox()
        self.client_id.setAccessibleName("Customer ID column")
        form.addRow("Customer &ID:", self.client_id)
        self.allow_duplicates = QCheckBox("Allow a number or customer i&d twice")
        self.allow_duplicates.setToolTip("Off: a second row with the same main number or customer id is an error, "
                                         "so nobody is called twice. On: it is only a warning.")
        form.addRow(self.allow_duplicates)
        lay.addWidget(form_box)

        start_group = QGroupBox("Start")
        sl = QVBoxLayout(start_group)
        self.start = start_box or StartTimeBox()
        sl.addWidget(self.start)
        lay.addWidget(start_group)

        keys_box = QGroupBox("Flow variables")
        kl = QVBoxLayout(keys_box)
        self.keys = QTableWidget(0, 2)
        self.keys.setHorizontalHeaderLabels(["Variable ($flow.key.…)", "From column"])
        self.keys.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.keys.verticalHeader().hide()
        self.keys.setAccessibleName("Flow variables")
        # Tab leaves the table (arrow keys move between its cells), so the keyboard reaches
        # each variable's column choice and the buttons below.
        self.keys.setTabKeyNavigation(False)
        # Rows as tall as the column choosers they hold, and three of them in sight.
        row = max(QComboBox().sizeHint().height(), self.keys.fontMetrics().lineSpacing()) + 2
        self.keys.verticalHeader().setDefaultSectionSize(row)
        self.keys.setMinimumHeight(self.keys.horizontalHeader().sizeHint().height() + 3 * row
                                   + 2 * self.keys.frameWidth())
        kl.addWidget(self.keys)
        krow = QHBoxLayout()
        self.add_key = QPushButton("Add variable")
        self.remove_key = QPushButton("Remove")
        krow.addWidget(self.add_key)
        krow.addWidget(self.remove_key)
        krow.addStretch(1)
        kl.addLayout(krow)
        lay.addWidget(keys_box)
        lay.addStretch(1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("mappingMessage")
        outer.addWidget(self.message)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.summary.setAccessibleName("Summary of the rows")
        self.summary.linkActivated.connect(self.summary_clicked)
        outer.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(icons.icon("preview"), "Preview…")
        self.preview_button.setToolTip(f"See exactly what will be sent ({shortcuts.describe('preview')})")
        self.test_call_button = QPushButton(icons.icon("test_call"), "Test call…")
        self.test_call_button.setToolTip(f"Call your own phone with one row's values ({shortcuts.describe('test_call')})")
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.test_call_button)
        outer.addLayout(buttons)
        self.send_button = QPushButton(icons.icon("send"), "Send")
        self.send_button.setToolTip(f"Send the ready rows ({shortcuts.describe('send')})")
        font = self.send_button.font()
        font.setBold(True)
        self.send_button.setFont(font)
        self.send_button.setMinimumHeight(sizes.lines(self.send_button, 1, 1))
        outer.addWidget(self.send_button)
        self.preview_button.clicked.connect(self.preview_requested)

        # Several widgets change at once when a mapping is shown: announce it once.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.mapping_changed)
        self.add_number.activated.connect(self._on_add_number)
        self.up_button.clicked.connect(lambda: self._move_number(-1))
        self.down_button.clicked.connect(lambda: self._move_number(1))
        self.remove_number.clicked.connect(self._on_remove_number)
        self.numbers.model().rowsMoved.connect(lambda *_: self._changed())
        self.client_id.currentIndexChanged.connect(lambda _i: self._changed())
        self.country.value_changed.connect(lambda _v: self._changed())
        self.allow_other_countries.toggled.connect(lambda _on: self._changed())
        self.allow_duplicates.toggled.connect(lambda _on: self._changed())
        self.start.changed.connect(self._changed)
        self.add_key.clicked.connect(lambda: self._add_key_row("", ""))
        self.remove_key.clicked.connect(self._on_remove_key)
        self.keys.itemChanged.connect(lambda _item: self._changed())
        self.chain_tabs()

    def focus_chain(self) -> list[QWidget]:
        """The panel's controls in Tab order: top to bottom, as the operator reads them."""
        chain: list[QWidget] = [self.numbers, self.add_number, self.up_button, self.down_button,
                                self.remove_number, self.country, self.allow_other_countries, self.client_id,
                                self.allow_duplicates]
        chain += self.start.focus_chain()
        chain.append(self.keys)
        for r in range(self.keys.rowCount()):
            combo = self.keys.cellWidget(r, 1)
            if combo is not None:
                chain.append(combo)
        chain += [self.add_key, self.remove_key, self.summary, self.preview_button, self.test_call_button,
                  self.send_button]
        return chain

    def chain_tabs(self) -> None:
        """Set the Tab order (again after variables are added or removed)."""
        chain = self.focus_chain()
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """As wide as the controls inside the scrolling part (at this font), plus its scroll bar."""
        hint = super().minimumSizeHint()
        margins = self.layout().contentsMargins()
        width = (self._inner.minimumSizeHint().width() + self._scroll.verticalScrollBar().sizeHint().width()
                 + margins.left() + margins.right())
        return QSize(max(hint.width(), width), hint.height())

    # ----- filling from a sheet and a mapping -----------------------------------------------
    def set_headers(self, headers: list[str]) -> None:
        self._filling = True
        self._headers = list(headers)
        self.client_id.clear()
        self.client_id.addItem(GENERATE_ID)
        self.client_id.addItems(self._headers)
        self.start.set_columns(self._headers)
        self.numbers.clear()
        self.keys.setRowCount(0)
        self._refresh_add_number()
        self._filling = False

    def set_mapping_json(self, obj: dict[str, Any] | None) -> None:
        """Show a mapping (its JSON form); columns the sheet lacks are left out."""
        self._filling = True
        try:
            obj = obj or {}
            self.numbers.clear()
            for col in obj.get("contact_numbers") or []:
                if col in self._headers:
                    self.numbers.addItem(col)
            client = obj.get("client_identifier")
            i = self.client_id.findText(client) if client in self._headers else 0
            self.client_id.setCurrentIndex(max(0, i))
            self.start.set_columns(self._headers)
            self.start.set_zone(obj.get("timezone") or "Asia/Kolkata")
            self.country.set_value(str(obj.get("default_country") or "IN").upper())
            self.allow_other_countries.setChecked(obj.get("allow_other_countries") is True)
            self.allow_duplicates.setChecked(obj.get("allow_duplicates") is True)
            self.start.set_from_json(obj.get("start_time", "now"))
            self.keys.setRowCount(0)
            for name, col in (obj.get("keys") or {}).items():
                self._add_key_row(name, col if col in self._headers else "")
            self._refresh_add_number()
        finally:
            self._filling = False
        self._changed()

    def mapping_json(self) -> dict[str, Any]:
        """The mapping as the operator set it, in the mapping file's JSON form."""
        out: dict[str, Any] = {
            "contact_numbers": [self.numbers.item(i).text() for i in range(self.numbers.count())],
        }
        if self.client_id.currentIndex() > 0:
            out["client_identifier"] = self.client_id.currentText()
        out["start_time"] = self.start.to_json()
        keys: dict[str, str] = {}
        for r in range(self.keys.rowCount()):
            item = self.keys.item(r, 0)
            combo = self.keys.cellWidget(r, 1)
            name = item.text().strip() if item else ""
            if name and isinstance(combo, QComboBox) and combo.currentText():
                keys[name] = combo.currentText()
        out["keys"] = keys
        out["timezone"] = self.start.zone
        out["default_country"] = self.country.value()
        # Left out when off, as in a saved mapping file.
        if self.allow_other_countries.isChecked():
            out["allow_other_countries"] = True
        if self.allow_duplicates.isChecked():
            out["allow_duplicates"] = True
        return out

    def set_summary(self, ready: int, warnings: int, errors: int) -> None:
        def part(key: str, n: int, one: str, many: str, colour: str) -> str:
            word = one if n == 1 else many
            return f'<a href="{key}" style="color:{colour}">{n:,} {word}</a>'

        self.summary.setText(" · ".join([
            part("ready", ready, "ready", "ready", "#2e7d32"),
            part("warning", warnings, "⚠ warning", "⚠ warnings", "#b86e00"),
            part("error", errors, "✖ error", "✖ errors", "#d32f2f"),
        ]))

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ----- edits --------------------------------------------------------------------------------
    def _changed(self) -> None:
        if not self._filling:
            self._debounce.start()

    def _fit_numbers(self) -> None:
        """As tall as the number columns chosen (two to four lines): a short list leaves room
        for the settings below it, so more of the panel is in sight without scrolling."""
        shown = max(2, min(self.numbers.count(), 4))
        self.numbers.setFixedHeight(sizes.lines(self.numbers, shown, 1))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_numbers()

    def _refresh_add_number(self) -> None:
        self._fit_numbers()
        used = {self.numbers.item(i).text() for i in range(self.numbers.count())}
        self.add_number.blockSignals(True)
        self.add_number.clear()
        self.add_number.addItem("Add a number column…")
        self.add_number.addItems([h for h in self._headers if h not in used])
        self.add_number.blockSignals(False)

    def _on_add_number(self, index: int) -> None:
        if index > 0:
            self.numbers.addItem(self.add_number.itemText(index))
            self._refresh_add_number()
            self._changed()
        self.add_number.setCurrentIndex(0)

    def _on_remove_number(self) -> None:
        row = self.numbers.currentRow()
        if row >= 0:
            self.numbers.takeItem(row)
            self._refresh_add_number()
            self._changed()

    def _move_number(self, step: int) -> None:
        row = self.numbers.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.numbers.count():
            return
        item = self.numbers.takeItem(row)
        self.numbers.insertItem(target, item)
        self.numbers.setCurrentRow(target)
        self._changed()

    def _add_key_row(self, name: str, column: str) -> None:
        r = self.keys.rowCount()
        self.keys.blockSignals(True)
        self.keys.insertRow(r)
        self.keys.setItem(r, 0, QTableWidgetItem(name))
        combo = QComboBox()
        combo.addItem("")
        combo.addItems(self._headers)
        combo.setCurrentIndex(max(0, combo.findText(column)))
        combo.setAccessibleName("Column for this variable")
        combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.keys.setCellWidget(r, 1, combo)
        self.keys.blockSignals(False)
        self.chain_tabs()
        if not name and not self._filling:
            self.keys.setCurrentCell(r, 0)
            self.keys.editItem(self.keys.item(r, 0))
        self._changed()

    def _on_remove_key(self) -> None:
        r = self.keys.currentRow()
        if r >= 0:
            self.keys.removeRow(r)
            self._changed()
