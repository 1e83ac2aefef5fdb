"""How a row status looks by default: a colour, a drawn icon and a word.

The sending side may supply its own look through ``SheetTableModel.set_status_style``; this
one covers the validation statuses and the sending statuses with the same shapes, so the
table reads the same before and after it is attached. Colours are mid-tones that stay
legible on light and dark palettes; cell tints use them with alpha.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon

from phonon_desktop.gui.icons import STATUS_SHAPES, status_icon

STATUS_WORDS = {
    "ready": "Ready",
    "warning": "Warning",
    "error": "Error",
    "sending": "Sending",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "unconfirmed": "Unconfirmed",
    "not sent": "Not sent",
    "not_sent": "Not sent",
    "skipped": "Already sent",
}

STATUS_COLOURS = {
    "ready": "#2e7d32",
    "warning": "#e08a00",
    "error": "#d32f2f",
    "sending": "#1e6fd9",
    "accepted": "#2e7d32",
    "rejected": "#d32f2f",
    "unconfirmed": "#8e44ad",
    "not sent": "#757575",
    "not_sent": "#757575",
    "skipped": "#607d8b",
}

# Alpha of a cell tint: enough to see on white and on a dark grey base, never hiding text.
TINT_ALPHA = 70


def default_status_style(status: str) -> tuple[QColor, QIcon, str]:
    """(background of the Status cell, icon, word) for a status."""
    rgb = STATUS_COLOURS.get(status, "#757575")
    shape = STATUS_SHAPES.get(status, "ring")
    word = STATUS_WORDS.get(status, status.replace("_", " ").capitalize())
    background = tint(QColor(rgb), 0 if status == "ready" else 45)
    return background, status_icon(shape, rgb), word


def problem_tint(level: int) -> QColor:
    """The tint of a cell with a problem: amber for a warning, red for an error."""
    return tint(QColor(STATUS_COLOURS["error" if level >= 2 else "warning"]))


def tint(colour: QColor, alpha: int = TINT_ALPHA) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c
