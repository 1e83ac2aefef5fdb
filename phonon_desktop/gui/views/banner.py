"""A one-line message across the top of the window, with an optional action button.

Used for things that concern the whole list or account ("Sandbox: no real calls",
"12 rows are hidden in Excel"), never for per-row problems (those tint the row).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from phonon_desktop.gui import icons
from phonon_desktop.gui.row_look import tint

LEVEL_COLOURS = {"info": "#1e6fd9", "warning": "#e08a00", "error": "#d32f2f"}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.icon_label = QLabel()
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton()
        self.close_button = QToolButton()
        self.close_button.setIcon(icons.icon("close"))
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Hide message")
        self.close_button.setAutoRaise(True)
        lay.addWidget(self.icon_label)
        lay.addWidget(self.text_label, 1)
        lay.addWidget(self.action_button)
        lay.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], object] | None = None
        self.level = "info"
        self.hide()

    def show_message(self, text: str, level: str = "info", action_text: str | None = None,
                     action: Callable[[], object] | None = None) -> None:
        self.level = level if level in LEVEL_COLOURS else "info"
        self.text_label.setText(text)
        self.icon_label.setPixmap(icons.icon(self.level).pixmap(20, 20))
        pal = self.palette()
        # A tint over the system base colour: readable on light and dark palettes.
        base = pal.color(QPalette.ColorRole.Base)
        colour = tint(QColor(LEVEL_COLOURS[self.level]), 60)
        mixed = QColor(
            (base.red() * (255 - colour.alpha()) + colour.red() * colour.alpha()) // 255,
            (base.green() * (255 - colour.alpha()) + colour.green() * colour.alpha()) // 255,
            (base.blue() * (255 - colour.alpha()) + colour.blue() * colour.alpha()) // 255,
        )
        pal.setColor(QPalette.ColorRole.Window, mixed)
        self.setPalette(pal)
        self._action = action
        self.action_button.setVisible(bool(action_text and action))
        self.action_button.setText(action_text or "")
        self.show()

    def _run_action(self) -> None:
        action = self._action
        if action is not None:
            action()
