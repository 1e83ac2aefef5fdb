"""Find (Ctrl+F): a line under the table; Enter finds the next cell, Shift+Enter the previous."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QWidget

from phonon_desktop.gui import icons


class FindBar(QWidget):
    find_requested = Signal(str, bool)  # text, backwards
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        label = QLabel("&Find:")
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("a name, number or any text in the list")
        self.edit.setClearButtonEnabled(True)
        label.setBuddy(self.edit)
        self.next_button = QPushButton("Next")
        self.previous_button = QPushButton("Previous")
        self.result_label = QLabel()
        self.close_button = QToolButton()
        self.close_button.setIcon(icons.icon("close"))
        self.close_button.setToolTip("Close find (Esc)")
        self.close_button.setAutoRaise(True)
        for w in (label, self.edit, self.next_button, self.previous_button, self.result_label):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.close_button)
        self.edit.returnPressed.connect(lambda: self.find_requested.emit(self.edit.text(), False))
        self.next_button.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), False))
        self.previous_button.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), True))
        self.close_button.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def set_result(self, text: str) -> None:
        self.result_label.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_requested.emit(self.edit.text(), True)
            return
        super().keyPressEvent(event)
