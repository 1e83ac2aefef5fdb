"""Every icon the window uses, named once.

Qt's standard icons where one fits (they follow the platform theme and scale on high-DPI
screens); simple drawn shapes for row statuses, so that status reads by shape as well as by
colour.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication, QStyle

_STANDARD = {
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "save_copy": QStyle.StandardPixmap.SP_DialogSaveButton,
    "undo": QStyle.StandardPixmap.SP_ArrowBack,
    "redo": QStyle.StandardPixmap.SP_ArrowForward,
    "find": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "delete_rows": QStyle.StandardPixmap.SP_TrashIcon,
    "preview": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "send": QStyle.StandardPixmap.SP_MediaPlay,
    "test_call": QStyle.StandardPixmap.SP_MediaSeekForward,
    "cancel": QStyle.StandardPixmap.SP_DialogCancelButton,
    "close": QStyle.StandardPixmap.SP_DialogCloseButton,
    "move_up": QStyle.StandardPixmap.SP_ArrowUp,
    "move_down": QStyle.StandardPixmap.SP_ArrowDown,
    "add": QStyle.StandardPixmap.SP_FileDialogNewFolder,
    "remove": QStyle.StandardPixmap.SP_DialogDiscardButton,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "mapping_open": QStyle.StandardPixmap.SP_DirOpenIcon,
    "mapping_save": QStyle.StandardPixmap.SP_DriveFDIcon,
    "reload": QStyle.StandardPixmap.SP_BrowserReload,
}


def icon(name: str) -> QIcon:
    """A named standard icon (see ``_STANDARD``)."""
    return QApplication.style().standardIcon(_STANDARD[name])


# Status shapes: a distinct outline for each status so colour is never the only cue.
STATUS_SHAPES = {
    "ready": "dot",
    "warning": "triangle",
    "error": "cross",
    "sending": "arrow",
    "accepted": "check",
    "rejected": "cross",
    "unconfirmed": "question",
    "not sent": "ring",
    "not_sent": "ring",
    "skipped": "check",
}


@lru_cache(maxsize=64)
def status_icon(shape: str, rgb: str) -> QIcon:
    """A small drawn status mark: ``shape`` in STATUS_SHAPES' values, ``rgb`` like '#2e7d32'."""
    size = 32  # drawn large, Qt scales it down crisply on any DPI
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(rgb)
    pen = QPen(colour, 4.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    m = 5.0
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    if shape == "dot":
        p.setBrush(colour)
        p.drawEllipse(box.adjusted(3, 3, -3, -3))
    elif shape == "ring":
        p.drawEllipse(box.adjusted(2, 2, -2, -2))
    elif shape == "triangle":
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(size / 2, m), QPointF(size - m, size - m), QPointF(m, size - m)]))
        p.setPen(QPen(QColor("white"), 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(size / 2, 13), QPointF(size / 2, 20))
        p.drawPoint(QPointF(size / 2, 23.5))
    elif shape == "cross":
        p.drawLine(box.topLeft(), box.bottomRight())
        p.drawLine(box.topRight(), box.bottomLeft())
    elif shape == "check":
        path = QPainterPath(QPointF(m, size * 0.55))
        path.lineTo(QPointF(size * 0.42, size - m - 2))
        path.lineTo(QPointF(size - m, m + 2))
        p.drawPath(path)
    elif shape == "arrow":
        p.drawLine(QPointF(m, size / 2), QPointF(size - m, size / 2))
        p.drawLine(QPointF(size - m, size / 2), QPointF(size / 2, m + 2))
        p.drawLine(QPointF(size - m, size / 2), QPointF(size / 2, size - m - 2))
    elif shape == "question":
        p.drawArc(QRectF(9, 4, 14, 13), 160 * 16, -250 * 16)
        p.drawLine(QPointF(size / 2, 17), QPointF(size / 2, 21))
        p.drawPoint(QPointF(size / 2, 27))
    p.end()
    return QIcon(pix)
