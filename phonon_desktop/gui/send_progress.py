"""The bottom-bar widget of a send: the flow, then requests done, accepted, rate, time left, Cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from phonon_desktop.gui import sizes


def duration_words(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class SendProgress(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("send_progress")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        self.flow_label = QLabel("Flow:")
        self.flow_combo = QComboBox()
        self.flow_combo.setAccessibleName("Flow to send to")
        self.flow_combo.setToolTip("The Phonon flow that Send and Test call use (set flows up in Preferences)")
        self.flow_label.setBuddy(self.flow_combo)
        self.text = QLabel()
        self.text.setObjectName("send_progress_text")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(sizes.chars(self.bar, 24))
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the request on its way (it is never cut in half)")
        lay.addWidget(self.flow_label)
        lay.addWidget(self.flow_combo)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        self.show_idle()

    def show_idle(self) -> None:
        self.bar.hide()
        self.cancel_button.hide()
        self.text.setText("")

    def show_message(self, text: str) -> None:
        self.text.setText(text)
        self.bar.setRange(0, 0)  # busy, length unknown
        self.bar.show()
        self.cancel_button.hide()

    def start(self, batches: int, calls: int) -> None:
        self.bar.setRange(0, max(1, batches))
        self._set_bar(0)
        self.bar.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.text.setText(f"Sending {calls:,} calls in {batches:,} request{'s' if batches != 1 else ''}…")

    def _set_bar(self, value: int) -> None:
        # QProgressBar.setValue repaints at once (measured: ~50 ms a call offscreen, the whole
        # window flushed); with updates off it only schedules a repaint, merged with the rest.
        self.bar.setUpdatesEnabled(False)
        self.bar.setValue(value)
        self.bar.setUpdatesEnabled(True)
        self.bar.update()

    def advance(self, done: int, total: int, accepted: int, per_minute: float, seconds_left: float | None) -> None:
        self._set_bar(done)
        parts = [f"Sending… request {done:,} of {total:,}", f"{accepted:,} accepted", f"{per_minute:,.0f}/min"]
        if seconds_left is not None and done < total:
            parts.append(f"{duration_words(seconds_left)} left")
        self.text.setText(" · ".join(parts))

    def show_stopping(self) -> None:
        self.cancel_button.setEnabled(False)
        self.text.setText(self.text.text().split(" · ")[0] + " · stopping after the request on its way…")

    def finish(self, end: Any) -> None:
        self.bar.hide()
        self.cancel_button.hide()
        counts = end.counts
        parts = [f"{counts.get('accepted', 0):,} accepted"]
        for key, word in (("rejected", "rejected"), ("unconfirmed", "unconfirmed"), ("not sent", "not sent")):
            if counts.get(key):
                parts.append(f"{counts[key]:,} {word}")
        head = "Cancelled" if end.cancelled and not end.stop else ("Stopped" if end.stop or end.error else "Sent")
        self.text.setText(f"{head} in {duration_words(end.seconds)}: " + " · ".join(parts))
