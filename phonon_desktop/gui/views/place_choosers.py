"""Choosers for the campaign's time zone and default country, in words an operator knows.

Both are long lists (some 400 zones, 245 countries), so both are searchable: typing "dub"
finds "Asia/Dubai (United Arab Emirates)", typing "+971" or "emirates" finds the country.
Names come from files that ship with the program's own dependencies (tzdata's zone and
country tables, phonenumbers' regions), so the lists are the same on Windows and Linux.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

INDIA_ZONES = ("Asia/Kolkata", "Asia/Calcutta")


def _tzdata_table(name: str) -> list[list[str]]:
    """Rows of one of tzdata's tab-separated tables (comments left out); [] when missing."""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return []
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO country code -> English name ("IN" -> "India", "KR" -> "Korea, South")."""
    # Brackets in a name would clash with the ones around it in "Asia/Seoul (Korea, South)".
    names = {row[0]: re.sub(r" \((.*)\)$", r", \1", row[1]) for row in _tzdata_table("iso3166.tab") if len(row) >= 2}
    names["GB"] = "United Kingdom"  # the table says "Britain, UK"
    # Regions phonenumbers dials that the table has no line for.
    names.update({"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"})
    return names


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    return {row[2]: row[0] for row in _tzdata_table("zone.tab") if len(row) >= 3}


def zone_entry(zone: str) -> str:
    """"Asia/Kolkata (India)"; a zone without a country (UTC) is shown by its name alone."""
    country = country_names().get(_zone_countries().get(zone, ""), "")
    if zone == "Asia/Calcutta":
        country = "India"
    return f"{zone} ({country})" if country else zone


def zone_city(zone: str) -> str:
    """How a zone is said in a sentence: "India time", "Dubai time", "New York time", "UTC"."""
    if zone in INDIA_ZONES:
        return "India time"
    if "/" not in zone:
        return zone
    return zone.rsplit("/", 1)[1].replace("_", " ") + " time"


@lru_cache(maxsize=1)
def zone_choices() -> list[str]:
    """The zones offered: India first, then every zone of a country by name, then UTC."""
    zones = sorted(_zone_countries())
    if not zones:  # no tzdata tables: the zones this computer knows
        from zoneinfo import available_timezones

        zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return ["Asia/Kolkata"] + [z for z in zones if z != "Asia/Kolkata"] + ["UTC"]


@lru_cache(maxsize=1)
def _calling_codes() -> dict[str, int]:
    """Region -> country calling code, from phonenumbers' index (without loading each
    region's numbering plan, which would take a third of a second at start)."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    return {region: code for code, regions in COUNTRY_CODE_TO_REGION_CODE.items() for region in regions}


def country_entry(region: str) -> str:
    """"India (+91)"."""
    name = country_names().get(region, region)
    code = _calling_codes().get(region)
    return f"{name} (+{code})" if code else name


@lru_cache(maxsize=1)
def country_choices() -> list[str]:
    """Every region phonenumbers can read, India first, then by name."""
    import phonenumbers

    regions = sorted(phonenumbers.SUPPORTED_REGIONS - {"IN"}, key=lambda r: country_names().get(r, r))
    return ["IN"] + regions


class SearchableChooser(QComboBox):
    """A combo box of (value, label) pairs whose text box finds an entry by any part of it.

    ``value_changed`` is emitted when the operator picks another entry (not when ``set_value``
    is called). Text that matches no entry is put back to the chosen entry on leaving the box.
    """

    value_changed = Signal(str)

    def __init__(self, values: list[str], label: Callable[[str], str], accessible_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(accessible_name)
        self.setMaxVisibleItems(15)
        # As wide as a usual entry, not the longest of hundreds: the side panel stays narrow,
        # and the open list is wide enough to read every entry whole.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(22)
        for value in values:
            self.addItem(label(value), value)
        widest = max((self.fontMetrics().horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)
        self.view().setMinimumWidth(widest + self.fontMetrics().averageCharWidth() * 4)
        finder = QCompleter(self.model(), self)
        finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        finder.setFilterMode(Qt.MatchFlag.MatchContains)
        finder.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(finder)
        self._value = self.itemData(0) if self.count() else ""
        self.currentIndexChanged.connect(self._on_index)
        self.lineEdit().editingFinished.connect(self._restore_text)

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        """Show this entry (added to the list if it is a valid one not offered, e.g. an alias)."""
        i = self.findData(value)
        if i < 0:
            self.addItem(self._label(value), value)
            i = self.count() - 1
        self.blockSignals(True)
        self.setCurrentIndex(i)
        self.blockSignals(False)
        self._value = value

    def _on_index(self, index: int) -> None:
        value = self.itemData(index)
        if index < 0 or value is None or value == self._value:
            return
        self._value = value
        self.value_changed.emit(value)

    def _restore_text(self) -> None:
        if self.completer().popup().isVisible():
            return  # the list of matches took the focus: the operator is still choosing
        i = self.findData(self._value)
        if i >= 0 and self.currentText() != self.itemText(i):
            self.blockSignals(True)
            self.setCurrentIndex(i)
            self.setEditText(self.itemText(i))
            self.blockSignals(False)


def zone_chooser(parent: QWidget | None = None) -> SearchableChooser:
    return SearchableChooser(zone_choices(), zone_entry, "Time zone of the calls", parent)


def country_chooser(parent: QWidget | None = None) -> SearchableChooser:
    return SearchableChooser(country_choices(), country_entry, "Country of numbers without a country code", parent)
