"""What the window shows before a list is open: drop a file here, Open…, or a recent file."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from phonon_desktop.gui import icons, shortcuts, sizes


class EmptyState(QWidget):
    open_requested = Signal()
    recent_chosen = Signal(str)
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        title = QLabel("Drop a contact list here")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) or CSV. The file itself is never changed.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.open_button = QPushButton(icons.icon("open"), f"Open a list…  ({shortcuts.describe('open')})")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_requested)
        self.sample_button = QPushButton("Try the sample list")
        self.sample_button.setToolTip("Opens a small practice list that shows a few typical problems.")
        self.sample_button.clicked.connect(self.sample_requested)
        self.recent_label = QLabel("Recent lists")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent lists")
        self.recent.setMaximumWidth(sizes.chars(self.recent, 80))
        self.recent.setMaximumHeight(sizes.lines(self.recent, 8, 1))
        self.recent.itemActivated.connect(lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        for w in (title, hint):
            lay.addWidget(w)
        lay.addSpacing(12)
        for w in (self.open_button, self.sample_button, self.recent_label, self.recent):
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(2)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{os.path.basename(path)}   —   {os.path.dirname(path)}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent.setVisible(bool(paths))
