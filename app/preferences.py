"""What the window remembers between sessions: geometry, the last experiment, recent files,
projector mode.

Stored as an INI file in the user's config folder, or in the file named by the
environment variable DEEPDIALS_SETTINGS (`deepdials --settings FILE` sets it), so that a
user can keep a separate profile and tests never touch the real one.
"""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QSettings

from core.config.schema import Config, config_from_dict, config_to_dict
from core.data.points import Points, points_from_text, points_text
from core.errors import InputError

ENVIRONMENT = "DEEPDIALS_SETTINGS"
MAX_RECENT = 8


def open_settings() -> QSettings:
    path = os.environ.get(ENVIRONMENT)
    if path:
        return QSettings(path, QSettings.IniFormat)
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "DeepDials", "DeepDials")


def last_experiment(settings: QSettings) -> tuple[Config | None, Points | None, str | None]:
    """The config and drawn points saved at the last close, or (None, None, why not)."""
    text = settings.value("last_config")
    if not text:
        return None, None, None
    try:
        config = config_from_dict(json.loads(str(text)))
        saved_points = settings.value("last_points")
        points = points_from_text(str(saved_points), "saved points") if saved_points else None
    except (InputError, json.JSONDecodeError) as exc:
        return (
            None,
            None,
            f"The saved settings held a config that could not be used ({exc}); "
            "starting from the defaults.",
        )
    return config, points, None


def store_experiment(settings: QSettings, config: Config, points: Points | None) -> None:
    """The config, and the points drawn in memory (no file holds them) as CSV text."""
    settings.setValue("last_config", json.dumps(config_to_dict(config)))
    if points is None:
        settings.remove("last_points")
    else:
        settings.setValue("last_points", points_text(points))


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent_files") or []
    return [str(v) for v in (value if isinstance(value, list) else [value])][:MAX_RECENT]


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    files = [path] + [f for f in recent_files(settings) if f != path]
    settings.setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]
