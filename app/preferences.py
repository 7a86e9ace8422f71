"""Persistent settings (window geometry, last config, recent files, projector mode).

Stored as an INI file in the user's config folder. Tests redirect it with
`QSettings.setPath` before any window exists, so they never touch the real one.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

from core.config.schema import Config, config_from_dict, config_to_dict
from core.errors import InputError

MAX_RECENT = 8


def open_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "DeepDials", "DeepDials")


def last_config(settings: QSettings) -> tuple[Config | None, str | None]:
    """The config saved at the last close, or (None, why it was not usable)."""
    text = settings.value("last_config")
    if not text:
        return None, None
    try:
        return config_from_dict(json.loads(str(text))), None
    except (InputError, json.JSONDecodeError) as exc:
        return (
            None,
            f"The saved settings held a config that could not be used ({exc}); "
            "starting from the defaults.",
        )


def store_config(settings: QSettings, config: Config) -> None:
    settings.setValue("last_config", json.dumps(config_to_dict(config)))


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent_files") or []
    return [str(v) for v in (value if isinstance(value, list) else [value])][:MAX_RECENT]


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    files = [path] + [f for f in recent_files(settings) if f != path]
    settings.setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]
