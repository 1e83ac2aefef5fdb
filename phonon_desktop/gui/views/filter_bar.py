"""Which rows to show: all, rows with problems, one status; and rows containing a text."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from phonon_desktop.gui import sizes
from phonon_desktop.gui.models.row_order import RowFilter

# (label, problems_only, statuses)
CHOICES: list[tuple[str, bool, frozenset[str]]] = [
    ("All rows", False, frozenset()),
    ("Rows with problems", True, frozenset()),
    ("Errors", False, frozenset({"error"})),
    ("Warnings", False, frozenset({"warning"})),
    ("Ready", False, frozenset({"ready"})),
    ("Accepted", False, frozenset({"accepted", "skipped"})),
    ("Rejected", False, frozenset({"rejected"})),
    ("Unconfirmed", False, frozenset({"unconfirmed"})),
    ("Not sent", False, frozenset({"not_sent", "not sent"})),
]


class FilterBar(QWidget):
    filter_changed = Signal(object)  # RowFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        show = QLabel("Dis&play:")
        self.choice = QComboBox()
        self.choice.setAccessibleName("Show rows")
        for label, _, _ in CHOICES:
            self.choice.addItem(label)
        show.setBuddy(self.choice)
        text_label = QLabel("con&taining:")
        self.text = QLineEdit()
        self.text.setPlaceholderText("any text (filters as you type)")
        self.text.setClearButtonEnabled(True)
        self.text.setAccessibleName("Show rows containing this text")
        text_label.setBuddy(self.text)
        self.count_label = QLabel()
        self.show_all_button = QPushButton("Show all rows")
        self.show_all_button.hide()
        self.text.setMinimumWidth(sizes.text_width(self.text, self.text.placeholderText()))
        for w in (show, self.choice, text_label):
            lay.addWidget(w)
        lay.addWidget(self.text, 2)
        lay.addWidget(self.count_label, 1)
        lay.addWidget(self.show_all_button)
        # Filtering a million rows takes a moment: wait until typing pauses.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self._emit)
        self.choice.currentIndexChanged.connect(self._emit)
        self.text.textChanged.connect(lambda _t: self._typing.start())
        self.text.returnPressed.connect(self._emit)
        self.show_all_button.clicked.connect(self.clear)

    def current(self) -> RowFilter:
        _, problems, statuses = CHOICES[max(0, self.choice.currentIndex())]
        return RowFilter(text=self.text.text().strip(), statuses=statuses, problems_only=problems)

    def show_choice(self, label: str) -> None:
        for i, (name, _, _) in enumerate(CHOICES):
            if name == label:
                self.choice.setCurrentIndex(i)  # emits through currentIndexChanged
                return

    def clear(self) -> None:
        self.choice.blockSignals(True)
        self.text.blockSignals(True)
        self.choice.setCurrentIndex(0)
        self.text.clear()
        self.choice.blockSignals(False)
        self.text.blockSignals(False)
        self._emit()

    def set_counts(self, shown: int, total: int) -> None:
        if shown == total:
            self.count_label.setText(f"{total:,} rows")
            self.show_all_button.hide()
        else:
            self.count_label.setText(f"Showing {shown:,} of {total:,} rows")
            self.show_all_button.show()

    def _emit(self) -> None:
        self._typing.stop()
        self.filter_changed.emit(self.current())
