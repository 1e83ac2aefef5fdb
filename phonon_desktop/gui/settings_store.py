"""The operator's settings: flows, time zone and calling window, kept with QSettings.

The file carries a version number; older layouts are migrated on open. Security ids are never
kept here (they live in the system keyring, see ``secrets.py``); a security id found in an
old settings file is moved to the keyring and erased from the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QSettings

from phonon_desktop import APP_NAME
from phonon_desktop.kairos.protocol import BULK_URL, DIALER_URL, REALTIME_URL

SETTINGS_VERSION = 2
ORGANISATION = "Phonon"

ENDPOINTS = {"realtime": "Real-time", "bulk": "Bulk (high volume)", "dialer": "Outbound dialer", "url": "Other address"}
ENDPOINT_URLS = {"realtime": REALTIME_URL, "bulk": BULK_URL, "dialer": DIALER_URL}
# The documented limits, also defined by the Kairos client; repeated here so that the
# settings open even where that module is older.
DOCUMENTED_RATES = {"realtime": 500, "bulk": 30_000, "dialer": 500, "url": 500}
API_VERSION_WORDS = {"1.0": "production", "TEST": "testing version"}
_FLOW_ID = re.compile(r"^[A-Za-z0-9]{8}$")


@dataclass
class FlowSettings:
    """One Phonon flow the operator sends to. The security id is kept apart, in the keyring."""

    name: str
    flow_id: str
    endpoint: str = "realtime"  # "realtime" | "bulk" | "dialer" | "url"
    url: str = ""  # only for endpoint "url"
    api_version: str = "1.0"  # "1.0" production, "TEST" the flow's testing version
    rate_per_minute: int | None = None  # None: the endpoint's documented limit

    def resolved_url(self) -> str:
        return self.url.strip() if self.endpoint == "url" else ENDPOINT_URLS.get(self.endpoint, REALTIME_URL)

    def client_endpoint(self) -> str:
        """What the Kairos client calls the endpoint ("bulk" answers differently)."""
        if self.endpoint == "bulk" or (self.endpoint == "url" and "central-api." in self.url):
            return "bulk"
        return "realtime"

    def effective_rate(self) -> int:
        return self.rate_per_minute or DOCUMENTED_RATES.get(self.endpoint, 500)

    def version_words(self) -> str:
        return API_VERSION_WORDS.get(self.api_version, self.api_version)

    def problems(self) -> list[str]:
        """Plain sentences, one per thing to fix before this flow can be used."""
        out = []
        if not self.name.strip():
            out.append("Give the flow a name (for example Collections-Dec).")
        if not _FLOW_ID.match(self.flow_id.strip()):
            out.append(
                f"The flow id of '{self.name or 'this flow'}' must be 8 letters or digits, as shown on "
                "the flow's Edit Flow page in Phonon."
            )
        if self.endpoint == "url":
            url = self.url.strip()
            loopback = re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?/", url)
            if not (url.startswith("https://") or loopback):
                out.append(f"The address of '{self.name or 'this flow'}' must start with https://.")
        if self.api_version not in API_VERSION_WORDS:
            out.append("Choose production (1.0) or the testing version (TEST).")
        if self.rate_per_minute is not None and self.rate_per_minute <= 0:
            out.append("The rate limit must be a positive number of calls per minute.")
        return out


@dataclass
class SendDefaults:
    """Defaults for new campaigns."""

    time_zone: str = "Asia/Kolkata"
    calling_from: str = "09:00"  # calls before this hour are warned about
    calling_until: str = "21:00"

    def problems(self) -> list[str]:
        out = []
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(f"'{self.time_zone}' is not a time zone this computer knows; choose one from the list.")
        times = [self.calling_from, self.calling_until]
        if not all(re.match(r"^([01]\d|2[0-3]):[0-5]\d$", t) for t in times):
            out.append("Calling hours must be written as HH:MM, for example 09:00 and 21:00.")
        elif self.calling_from >= self.calling_until:
            out.append("The calling window must start before it ends (for example 09:00 to 21:00).")
        return out


def default_qsettings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APP_NAME)


def _int_or_none(value: object) -> int | None:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


@dataclass
class SettingsStore:
    """Reads and writes the settings; migrates older layouts once on open."""

    qsettings: QSettings = field(default_factory=default_qsettings)
    # Called with (flow_id, secret) for a secret found in an old file, to move it to the keyring.
    on_legacy_secret: object = None
    migrated_from: int | None = None

    def __post_init__(self) -> None:
        self._migrate()

    # -- version and migration ---------------------------------------------------------------

    def version(self) -> int:
        return int(self.qsettings.value("settings_version", 0) or 0)

    def _migrate(self) -> None:
        s = self.qsettings
        version = self.version()
        if version >= SETTINGS_VERSION:
            return
        if version == 0 and not s.allKeys():
            s.setValue("settings_version", SETTINGS_VERSION)
            s.sync()
            return
        self.migrated_from = version
        if version <= 1:
            # Version 1 kept a single flow under "flow/" and the zone under "timezone".
            legacy_id = str(s.value("flow/id", "") or "")
            if legacy_id:
                url = str(s.value("flow/url", "") or "")
                endpoint = next((k for k, u in ENDPOINT_URLS.items() if u == url), "url" if url else "realtime")
                flow = FlowSettings(
                    name=str(s.value("flow/name", "") or "") or f"Flow {legacy_id}",
                    flow_id=legacy_id,
                    endpoint=endpoint,
                    url=url if endpoint == "url" else "",
                    api_version=str(s.value("flow/api_version", "1.0") or "1.0"),
                    rate_per_minute=_int_or_none(s.value("flow/rate")),
                )
                secret = s.value("flow/security_id")
                if secret and callable(self.on_legacy_secret):
                    self.on_legacy_secret(legacy_id, str(secret))
                s.remove("flow")  # erases the old plain-text security id with it
                self.save_flows([flow])
            zone = s.value("timezone")
            if zone:
                s.remove("timezone")
                self.save_defaults(replace(self.defaults(), time_zone=str(zone)))
        s.setValue("settings_version", SETTINGS_VERSION)
        s.sync()

    # -- flows -------------------------------------------------------------------------------

    def flows(self) -> list[FlowSettings]:
        s = self.qsettings
        n = s.beginReadArray("flows")
        out = []
        for i in range(n):
            s.setArrayIndex(i)
            out.append(
                FlowSettings(
                    name=str(s.value("name", "") or ""),
                    flow_id=str(s.value("flow_id", "") or ""),
                    endpoint=str(s.value("endpoint", "realtime") or "realtime"),
                    url=str(s.value("url", "") or ""),
                    api_version=str(s.value("api_version", "1.0") or "1.0"),
                    rate_per_minute=_int_or_none(s.value("rate_per_minute")),
                )
            )
        s.endArray()
        return out

    def save_flows(self, flows: list[FlowSettings]) -> None:
        s = self.qsettings
        s.remove("flows")
        s.beginWriteArray("flows", len(flows))
        for i, flow in enumerate(flows):
            s.setArrayIndex(i)
            s.setValue("name", flow.name.strip())
            s.setValue("flow_id", flow.flow_id.strip())
            s.setValue("endpoint", flow.endpoint)
            s.setValue("url", flow.url.strip())
            s.setValue("api_version", flow.api_version)
            s.setValue("rate_per_minute", flow.rate_per_minute or 0)
        s.endArray()
        s.sync()

    def flow_named(self, name: str | None) -> FlowSettings | None:
        return next((f for f in self.flows() if f.name == name), None)

    def current_flow(self) -> FlowSettings | None:
        flows = self.flows()
        chosen = str(self.qsettings.value("current_flow", "") or "")
        return next((f for f in flows if f.name == chosen), flows[0] if flows else None)

    def set_current_flow(self, name: str) -> None:
        self.qsettings.setValue("current_flow", name)
        self.qsettings.sync()

    # -- defaults ----------------------------------------------------------------------------

    def defaults(self) -> SendDefaults:
        s = self.qsettings
        d = SendDefaults()
        return SendDefaults(
            time_zone=str(s.value("defaults/time_zone", d.time_zone) or d.time_zone),
            calling_from=str(s.value("defaults/calling_from", d.calling_from) or d.calling_from),
            calling_until=str(s.value("defaults/calling_until", d.calling_until) or d.calling_until),
        )

    def save_defaults(self, defaults: SendDefaults) -> None:
        s = self.qsettings
        s.setValue("defaults/time_zone", defaults.time_zone)
        s.setValue("defaults/calling_from", defaults.calling_from)
        s.setValue("defaults/calling_until", defaults.calling_until)
        s.sync()
