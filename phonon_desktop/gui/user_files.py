"""Small per-user files of the window: recent lists and mappings remembered by their headers.

Kept as JSON in the user's config folder (platformdirs: %APPDATA% on Windows,
~/.config on Linux). ``PHONON_DESKTOP_CONFIG_DIR`` points elsewhere (a portable install,
or tests that must not touch the real folder). Nothing secret is ever written here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from phonon_desktop import APP_NAME

MAX_RECENT = 8


def config_dir() -> Path:
    override = os.environ.get("PHONON_DESKTOP_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def _read(name: str) -> Any:
    try:
        return json.loads((config_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or damaged: start afresh rather than fail to open the window


def _write(name: str, value: Any) -> None:
    folder = config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (name + ".tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, folder / name)
    except OSError:
        pass  # a read-only profile: the window works, it just does not remember


def recent_files() -> list[str]:
    value = _read("recent.json")
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, str) and os.path.exists(p)][:MAX_RECENT]


def add_recent_file(path: str) -> None:
    path = os.path.abspath(path)
    paths = [p for p in recent_files() if os.path.normcase(p) != os.path.normcase(path)]
    _write("recent.json", [path] + paths[: MAX_RECENT - 1])


def remembered_mapping(signature: str) -> dict[str, Any] | None:
    """The mapping last used for a sheet with these headers (its JSON form)."""
    value = _read("mappings.json")
    if isinstance(value, dict):
        found = value.get(signature)
        if isinstance(found, dict):
            return found
    return None


def remember_mapping(signature: str, mapping_json: dict[str, Any]) -> None:
    value = _read("mappings.json")
    store = value if isinstance(value, dict) else {}
    store[signature] = mapping_json
    if len(store) > 200:  # keep the file small: forget the oldest
        for key in list(store)[: len(store) - 200]:
            del store[key]
    _write("mappings.json", store)
