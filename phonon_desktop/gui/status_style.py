"""How each row status looks: a colour, a drawn icon and a word, plus a legend explaining them.

Colour alone fails colour-blind operators, so every status also has its own icon shape and
text. Colours are tints chosen for the current palette (light or dark), so the table stays
readable in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QWidget

from phonon_desktop.gui import sizes


@dataclass(frozen=True)
class StatusLook:
    key: str  # the canonical status value ("accepted", "not_sent", ...)
    text: str  # the word shown in the Status column
    meaning: str  # one sentence for the legend
    light: str  # tint on a light palette
    dark: str  # tint on a dark palette
    shape: str  # icon shape


LOOKS: dict[str, StatusLook] = {
    look.key: look
    for look in (
        StatusLook("ready", "Ready", "Will be sent when you press Send.", "#e8eef7", "#2c3a4f", "dot"),
        StatusLook("warning", "Warning", "Will be sent; check the note on the cell first.", "#fff3c4", "#5a4a12", "triangle"),
        StatusLook("error", "Error", "Cannot be sent until the cell is fixed (see the cell's note).", "#f6d5d5", "#5c2626", "cross"),
        StatusLook("sending", "Sending", "In the request being sent now; cannot be edited.", "#d8e6fb", "#1f3d66", "arrow"),
        StatusLook("accepted", "Accepted", "Phonon accepted the call; see the console for how it went.", "#d3f0d6", "#1f4d2a", "check"),
        StatusLook("skipped", "Already accepted", "Accepted in an earlier send; not sent again.", "#e3f2e5", "#27402b", "double_check"),
        StatusLook("rejected", "Rejected", "Phonon refused this call; the note says why and what to fix.", "#f9d3c3", "#63301c", "ban"),
        StatusLook("unconfirmed", "Unconfirmed", "Sent, but no answer came back: check the Phonon console before sending again.", "#ead7f5", "#48285c", "question"),
        StatusLook("not_sent", "Not sent", "Not sent because the send stopped or was cancelled; you can send it again.", "#e4e4e4", "#3d3d3d", "dash"),
    )
}

ALIASES = {"not sent": "not_sent", "notsent": "not_sent", "already_accepted": "skipped"}


def canonical(status: object) -> str:
    """The look key for a status given as an enum, its value or its name, in any case."""
    value = getattr(status, "value", status)
    key = str(value).strip().lower()
    key = ALIASES.get(key, key)
    return key.replace(" ", "_")


def is_dark(palette: QPalette | None = None) -> bool:
    if palette is None:
        app = QApplication.instance()
        palette = app.palette() if app is not None else QPalette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def _pen_colour(key: str) -> QColor:
    strong = {
        "ready": "#4a6fa5", "warning": "#b7791f", "error": "#c53030", "sending": "#2b6cb0",
        "accepted": "#2f855a", "skipped": "#2f855a", "rejected": "#c05621",
        "unconfirmed": "#805ad5", "not_sent": "#718096",
    }
    return QColor(strong.get(key, "#718096"))


def draw_icon(shape: str, colour: QColor, size: int = 16) -> QIcon:
    """A small icon whose shape alone tells the status apart."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(colour, max(1.5, size / 8))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    m = size * 0.2
    lo, hi, mid = m, size - m, size / 2
    if shape == "dot":
        p.setBrush(colour)
        p.drawEllipse(QRectF(mid - size * 0.2, mid - size * 0.2, size * 0.4, size * 0.4))
    elif shape == "triangle":
        path = QPainterPath(QPointF(mid, lo))
        path.lineTo(hi, hi)
        path.lineTo(lo, hi)
        path.closeSubpath()
        p.drawPath(path)
    elif shape == "cross":
        p.drawLine(QPointF(lo, lo), QPointF(hi, hi))
        p.drawLine(QPointF(hi, lo), QPointF(lo, hi))
    elif shape == "ban":  # refused: a circle struck through, unlike the plain cross of an error
        p.drawEllipse(QRectF(lo, lo, hi - lo, hi - lo))
        p.drawLine(QPointF(lo + 1.5, hi - 1.5), QPointF(hi - 1.5, lo + 1.5))
    elif shape == "arrow":
        p.drawLine(QPointF(lo, mid), QPointF(hi, mid))
        p.drawLine(QPointF(hi, mid), QPointF(mid, lo))
        p.drawLine(QPointF(hi, mid), QPointF(mid, hi))
    elif shape in ("check", "double_check"):
        p.drawLine(QPointF(lo, mid), QPointF(mid - 1, hi))
        p.drawLine(QPointF(mid - 1, hi), QPointF(hi, lo))
        if shape == "double_check":
            p.drawLine(QPointF(lo, lo + 1), QPointF(hi - 3, lo + 1))
    elif shape == "question":
        p.drawArc(QRectF(lo + 1, lo - 1, hi - lo - 2, (hi - lo) * 0.6), 180 * 16, -270 * 16)
        p.drawLine(QPointF(mid, mid + 1), QPointF(mid, hi - 3))
        p.drawPoint(QPointF(mid, hi))
    else:  # dash
        p.drawLine(QPointF(lo, mid), QPointF(hi, mid))
    p.end()
    return QIcon(pixmap)


class StatusStyle:
    """``style(status) -> (QColor, QIcon, text)``, cached per palette (light or dark)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, bool], tuple[QColor, QIcon, str]] = {}

    def __call__(self, status: object) -> tuple[QColor, QIcon, str]:
        key = canonical(status)
        dark = is_dark()
        hit = self._cache.get((key, dark))
        if hit is None:
            look = LOOKS.get(key)
            if look is None:  # a status this version does not know: shown plainly, never hidden
                hit = (QColor(0, 0, 0, 0), draw_icon("dash", _pen_colour(key)), key.replace("_", " ").capitalize())
            else:
                hit = (QColor(look.dark if dark else look.light), draw_icon(look.shape, _pen_colour(key)), look.text)
            self._cache[(key, dark)] = hit
        return hit

    def text(self, status: object) -> str:
        return self(status)[2]


status_style = StatusStyle()


class StatusLegend(QWidget):
    """What each colour and icon means, in words (shown from View ▸ Status legend)."""

    SHOWN = ("ready", "error", "sending", "accepted", "skipped", "rejected", "unconfirmed", "not_sent")

    def __init__(self, parent: QWidget | None = None, style: StatusStyle | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Status colours")
        style = style or status_style
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        self.rows: dict[str, tuple[QLabel, QLabel]] = {}
        for i, key in enumerate(self.SHOWN):
            colour, icon, text = style(key)
            name = QLabel(text)
            name.setObjectName(f"legend_{key}")
            name.setAutoFillBackground(True)
            pal = name.palette()
            pal.setColor(QPalette.ColorRole.Window, colour)
            name.setPalette(pal)
            name.setMinimumWidth(sizes.chars(name, 16))
            icon_label = QLabel()
            icon_label.setPixmap(icon.pixmap(16, 16))
            meaning = QLabel(LOOKS[key].meaning)
            meaning.setWordWrap(True)
            grid.addWidget(icon_label, i, 0)
            grid.addWidget(name, i, 1)
            grid.addWidget(meaning, i, 2)
            self.rows[key] = (name, meaning)
        grid.setColumnStretch(2, 1)
