"""The window's few calls into the campaign package, in one place.

Planning a million rows takes a moment, so it runs off the GUI thread (``workers.task``);
everything here is plain Python and safe to call from any thread.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from phonon_desktop.sheets.model import Sheet


def _campaign(name: str) -> Any:
    """A name from ``phonon_desktop.campaign`` (its package or one of its modules)."""
    pkg = importlib.import_module("phonon_desktop.campaign")
    if hasattr(pkg, name):
        return getattr(pkg, name)
    for module in ("mapping", "plan", "planning", "propose", "preview", "validate"):
        try:
            mod = importlib.import_module(f"phonon_desktop.campaign.{module}")
        except ImportError:
            continue
        if hasattr(mod, name):
            return getattr(mod, name)
    raise ImportError(f"phonon_desktop.campaign has no {name}")


def headers_signature(headers: list[str]) -> str:
    return _campaign("headers_signature")(headers)


def mapping_from_json(obj: dict[str, Any]) -> Any:
    """A ``Mapping``; raises the campaign's MappingError (with ``.message``) when unusable."""
    return _campaign("Mapping").from_json(obj)


def mapping_error_types() -> tuple[type[BaseException], ...]:
    try:
        return (_campaign("MappingError"),)
    except ImportError:
        return (ValueError,)


def propose(sheet: Sheet) -> tuple[dict[str, Any] | None, list[str]]:
    """A first mapping for the sheet (JSON form) and the questions the operator must answer."""
    proposal = _campaign("propose_mapping")(list(sheet.headers), sheet)
    mapping = getattr(proposal, "mapping", None)
    questions = [getattr(q, "message", None) or getattr(q, "text", None) or str(q)
                 for q in (getattr(proposal, "questions", None) or [])]
    as_json = None
    if mapping is not None:
        as_json = mapping.to_json() if hasattr(mapping, "to_json") else dict(mapping)
    elif isinstance(getattr(proposal, "json", None), dict):
        as_json = proposal.json
    return as_json, questions


DEFAULT_CALLING_HOURS = (9 * 60, 21 * 60)


def calling_hours(window: Any) -> tuple[int, int]:
    """The operator's calling hours from Preferences, as (from, until) minutes of the day.

    Read from the send controller's settings when sending is attached to the window; without
    it (or with hours that cannot be read) 09:00-21:00. Call it on the window's thread.
    """
    controller = getattr(window, "send_controller", None)
    settings = getattr(controller, "settings", None)
    if settings is None:
        return DEFAULT_CALLING_HOURS
    try:
        defaults = settings.defaults()
        start, until = minutes_of(defaults.calling_from), minutes_of(defaults.calling_until)
    except (AttributeError, ValueError):
        return DEFAULT_CALLING_HOURS
    return (start, until) if start < until else DEFAULT_CALLING_HOURS


def minutes_of(text: str) -> int:
    """ "19:30" as 1170 (ValueError for anything else)."""
    hours, minutes = (int(part) for part in str(text).split(":"))
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ValueError(text)
    return hours * 60 + minutes


def plan(sheet: Sheet, mapping: Any, now: datetime | None = None,
         calling_hours: tuple[int, int] | None = None) -> Any:
    return _campaign("plan_campaign")(sheet, mapping, now=now, calling_hours=calling_hours)


def revalidate(plan_obj: Any, rows: list[int]) -> Any:
    """Re-check only these rows; returns the plan to use from now on."""
    result = plan_obj.revalidate(rows)
    return plan_obj if result is None or isinstance(result, (list, tuple, set)) else result


def sendable_count(plan_obj: Any) -> int:
    return len(plan_obj.sendable_rows())
