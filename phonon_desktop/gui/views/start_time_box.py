"""Choosing when calls start: now, one time, waves, or a column of the sheet, and in which
time zone the calls are.

Times are picked in the campaign's time zone (India by default) with a calendar. When that
zone is not India's, the same moment is shown in India time beside it; when this computer's
clock is in yet another zone, in local time too, so nobody schedules 10:30 London time by
mistake. Past times and night hours (in the campaign's zone) are warned about.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop.gui.views.place_choosers import INDIA_ZONES, zone_chooser, zone_city

CALLING_HOURS = (9 * 60, 21 * 60)  # India's rules for commercial calls: 09:00 to 21:00, in minutes
INDIA = ZoneInfo("Asia/Kolkata")


def zone_label(zone: str) -> str:
    """The zone in a sentence: "India time", "Dubai time"."""
    return zone_city(zone)


def _day_note(moment: datetime, first: datetime) -> str:
    """" Wed 02 Dec" when the converted moment falls on another day."""
    return "" if moment.date() == first.date() else moment.strftime(" %a %d %b")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def start_warnings(at: datetime, now: datetime, zone: str, last_wave: datetime | None = None,
                   hours: tuple[int, int] = CALLING_HOURS) -> list[str]:
    """Plain warnings about a chosen start: in the past, or outside calling hours (``hours``:
    from and until, in minutes of the day; the operator's from Preferences)."""
    tz = ZoneInfo(zone)
    local_at = at.astimezone(tz)
    local_now = now.astimezone(tz)
    label = zone_label(zone)
    shown = local_at.strftime("%d %b %Y %H:%M")
    out = []
    if local_at.date() < local_now.date():
        out.append(f"{shown} is on a past date: Phonon refuses it. Pick today or a later day.")
    elif local_at < local_now:
        out.append(f"{shown} has already passed: the calls would ring at once. Pick a later time, or choose Now.")
    lo, hi = hours
    for moment, what in ((local_at, "The first calls"), ((last_wave.astimezone(tz) if last_wave else None), "The last wave")):
        if moment is None:
            continue
        minutes = moment.hour * 60 + moment.minute
        if minutes < lo or minutes > hi:
            out.append(
                f"{what} would start at {moment.strftime('%H:%M')} {label}, outside the calling hours "
                f"{_clock(lo)}–{_clock(hi)}. Pick a time within them."
            )
    return out


class StartTimeBox(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, now: Callable[[], datetime] | None = None,
                 machine_zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self._now = now or (lambda: datetime.now().astimezone())
        self.machine_zone = machine_zone  # None: this computer's zone
        self.zone = "Asia/Kolkata"
        self._call_count = 0
        self.calling_hours = CALLING_HOURS  # the operator's, from Preferences (see set_calling_hours)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # The zone first: it says how every time below (and in a time column) is read.
        zone_title = QLabel("Calls are in the time &zone:")
        self.zone_choice = zone_chooser()
        self.zone_choice.set_value(self.zone)
        zone_title.setBuddy(self.zone_choice)
        self.zone_choice.setToolTip("Times you pick or that the list holds are read in this zone; the calling "
                                    "hours of Preferences are checked in it too. Type to search, e.g. Dubai.")
        lay.addWidget(zone_title)
        lay.addWidget(self.zone_choice)
        self.now_radio = QRadioButton("&Now")
        self.at_radio = QRadioButton("At &one time")
        self.waves_radio = QRadioButton("In &waves")
        self.column_radio = QRadioButton("From a co&lumn")
        self.group = QButtonGroup(self)
        row = QGridLayout()
        for i, b in enumerate((self.now_radio, self.at_radio, self.waves_radio, self.column_radio)):
            self.group.addButton(b, i)
            row.addWidget(b, i // 2, i % 2)
        lay.addLayout(row)
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        # The edit holds the wall time of the campaign's zone; UTC inside the widget avoids
        # this computer's daylight-saving gaps changing what was typed.
        self.when.setTimeZone(QTimeZone.utc())
        self.when.setAccessibleName("Start date and time")
        self.zone_caption = QLabel()
        when_row = QHBoxLayout()
        when_row.addWidget(self.when, 1)
        when_row.addWidget(self.zone_caption)
        lay.addLayout(when_row)
        self.local_label = QLabel()
        self.local_label.setWordWrap(True)  # three clocks in one sentence must not widen the panel
        lay.addWidget(self.local_label)
        waves = QHBoxLayout()
        self.wave_calls = QSpinBox()
        self.wave_calls.setRange(1, 1_000_000)
        self.wave_calls.setValue(200)
        self.wave_calls.setAccessibleName("Calls per wave")
        self.wave_minutes = QSpinBox()
        self.wave_minutes.setRange(1, 24 * 60)
        self.wave_minutes.setValue(15)
        self.wave_minutes.setSuffix(" min")
        self.wave_minutes.setAccessibleName("Minutes between waves")
        self.waves_row = QWidget()
        waves.setContentsMargins(0, 0, 0, 0)
        waves.addWidget(self.wave_calls)
        waves.addWidget(QLabel("calls every"))
        waves.addWidget(self.wave_minutes)
        waves.addStretch(1)
        self.waves_row.setLayout(waves)
        lay.addWidget(self.waves_row)
        self.column = QComboBox()
        self.column.setAccessibleName("Start time column")
        lay.addWidget(self.column)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setObjectName("startWarning")
        lay.addWidget(self.warning_label)
        self.now_radio.setChecked(True)
        self.set_start(self._default_start())
        self.zone_choice.value_changed.connect(self._on_zone_chosen)
        self.group.idToggled.connect(lambda _id, on: on and self._changed())
        self.when.dateTimeChanged.connect(lambda _v: self._changed())
        self.wave_calls.valueChanged.connect(lambda _v: self._changed())
        self.wave_minutes.valueChanged.connect(lambda _v: self._changed())
        self.column.currentIndexChanged.connect(lambda _i: self._changed())
        self._refresh()

    def focus_chain(self) -> list[QWidget]:
        """The start choices, then the controls of the chosen one, in Tab order."""
        return [self.zone_choice, self.now_radio, self.at_radio, self.waves_radio, self.column_radio, self.when,
                self.wave_calls, self.wave_minutes, self.column]

    # ----- values -----------------------------------------------------------------------
    def _default_start(self) -> datetime:
        """The next whole half hour in calling hours, in the campaign's zone."""
        tz = ZoneInfo(self.zone)
        t = self._now().astimezone(tz).replace(second=0, microsecond=0)
        t += timedelta(minutes=30 - t.minute % 30)
        lo, hi = self.calling_hours
        first = min(lo + 60, hi)  # an hour into the calling hours, to leave time to check the list
        minutes = t.hour * 60 + t.minute
        if minutes > hi:
            t = (t + timedelta(days=1)).replace(hour=first // 60, minute=first % 60)
        elif minutes < lo:
            t = t.replace(hour=first // 60, minute=first % 60)
        return t

    def kind(self) -> str:
        return ("now", "at", "spread", "column")[max(0, self.group.checkedId())]

    def start(self) -> datetime:
        d, t = self.when.date(), self.when.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=ZoneInfo(self.zone))

    def set_start(self, at: datetime) -> None:
        local = at.astimezone(ZoneInfo(self.zone))
        self.when.setDateTime(QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute),
                                        QTimeZone.utc()))

    def set_columns(self, headers: list[str]) -> None:
        self.column.blockSignals(True)
        self.column.clear()
        self.column.addItems(headers)
        self.column.blockSignals(False)

    def set_zone(self, zone: str) -> None:
        """Show a mapping's zone; a name this computer does not know is shown as India's."""
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = "Asia/Kolkata"
        self.zone = zone
        self.zone_choice.set_value(zone)
        self._refresh()

    def _on_zone_chosen(self, zone: str) -> None:
        # The picked wall time stays (10:30 stays 10:30, now in the new zone): the operator
        # says when the customers' phones ring, in their zone.
        self.zone = zone
        self._changed()

    def set_call_count(self, count: int) -> None:
        self._call_count = count
        self._refresh()

    def to_json(self) -> Any:
        kind = self.kind()
        if kind == "now":
            return "now"
        if kind == "column":
            return {"column": self.column.currentText()} if self.column.currentText() else "now"
        out: dict[str, Any] = {"at": self.start().isoformat()}
        if kind == "spread":
            out["spread"] = {"calls": self.wave_calls.value(), "every_minutes": self.wave_minutes.value()}
        return out

    def set_from_json(self, value: Any) -> None:
        """Show a mapping's start_time (its JSON form)."""
        widgets = (self.group, self.when, self.wave_calls, self.wave_minutes, self.column)
        for w in widgets:
            w.blockSignals(True)
        try:
            if isinstance(value, dict) and "column" in value:
                i = self.column.findText(str(value["column"]))
                if i >= 0:
                    self.column.setCurrentIndex(i)
                self.column_radio.setChecked(True)
            elif isinstance(value, dict) and "at" in value:
                try:
                    self.set_start(datetime.fromisoformat(str(value["at"])))
                except ValueError:
                    pass
                spread = value.get("spread")
                if isinstance(spread, dict):
                    self.wave_calls.setValue(int(spread.get("calls") or 200))
                    self.wave_minutes.setValue(int(spread.get("every_minutes") or 15))
                    self.waves_radio.setChecked(True)
                else:
                    self.at_radio.setChecked(True)
            else:
                self.now_radio.setChecked(True)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._refresh()

    # ----- display ----------------------------------------------------------------------
    def warnings(self) -> list[str]:
        kind = self.kind()
        if kind not in ("at", "spread"):
            return []
        at = self.start()
        last = None
        if kind == "spread" and self._call_count > 0:
            waves = math.ceil(self._call_count / self.wave_calls.value())
            last = at + timedelta(minutes=(waves - 1) * self.wave_minutes.value())
        return start_warnings(at, self._now(), self.zone, last, self.calling_hours)

    def local_time_text(self) -> str:
        """The chosen moment in India time (when the campaign's zone is another) and on this
        computer's clock (when it shows yet another time); "" when they all agree."""
        if self.kind() not in ("at", "spread"):
            return ""
        at = self.start()
        parts = []
        shown = {at.utcoffset()}
        if self.zone not in INDIA_ZONES:
            india = at.astimezone(INDIA)
            if india.utcoffset() not in shown:
                parts.append(f"{india.strftime('%H:%M')}{_day_note(india, at)} India time")
                shown.add(india.utcoffset())
        local = at.astimezone(self.machine_zone) if self.machine_zone else at.astimezone()
        if local.utcoffset() not in shown:
            parts.append(f"{local.strftime('%H:%M')}{_day_note(local, at)} on this computer ({local.tzname()})")
        if not parts:
            return ""
        return f"{at.strftime('%H:%M')} {zone_label(self.zone)} = " + " = ".join(parts)

    def set_calling_hours(self, hours: tuple[int, int]) -> None:
        """The operator's calling hours (from, until in minutes of the day) for the warnings."""
        if tuple(hours) != tuple(self.calling_hours):
            self.calling_hours = (int(hours[0]), int(hours[1]))
            self._refresh()

    def _changed(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        kind = self.kind()
        # The choices are one stop for Tab (arrow keys change the choice): the chosen one.
        checked = self.group.checkedButton()
        for b in self.group.buttons():
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus if b is checked else Qt.FocusPolicy.ClickFocus)
        timed = kind in ("at", "spread")
        self.when.setVisible(timed)
        self.zone_caption.setVisible(timed)
        self.zone_caption.setText(zone_label(self.zone))
        self.waves_row.setVisible(kind == "spread")
        self.column.setVisible(kind == "column")
        local = self.local_time_text()
        self.local_label.setText(local)
        self.local_label.setVisible(bool(local))
        warnings = self.warnings()
        self.warning_label.setText("\n".join("⚠ " + w for w in warnings))
        self.warning_label.setVisible(bool(warnings))
