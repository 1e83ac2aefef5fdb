"""Sizes in lines and characters of a widget's own font, never in pixels.

A size in pixels fits one font only: with Windows' larger text setting, or a bigger font on a
high-DPI screen, a box of 88 pixels shows one line where it was meant to show four. Measured
from the font, each size keeps its meaning at every scale and text size.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def lines(widget: QWidget, n: float, padding_lines: float = 0.5) -> int:
    """The height of ``n`` lines of the widget's text, with a little room for its frame."""
    spacing = widget.fontMetrics().lineSpacing()
    return round((n + padding_lines) * spacing)


def chars(widget: QWidget, n: float) -> int:
    """The width of ``n`` average characters of the widget's text."""
    return round(n * widget.fontMetrics().averageCharWidth())


def text_width(widget: QWidget, text: str, extra_chars: float = 4) -> int:
    """The width that shows ``text`` whole, with room for the frame and a clear button."""
    return widget.fontMetrics().horizontalAdvance(text) + chars(widget, extra_chars)
