"""What the window remembers between sessions: geometry, the last experiment, recent files,
projector mode.

Stored as an INI file in the user's config folder, or in the file named by the
environment variable DEEPDIALS_SETTINGS (`deepdials --settings FILE` sets it), so that a
user can keep a separate profile and tests never touch the real one.

The file can be edited, truncated or copied from elsewhere: every value read from it is
checked (`remembered`), and one that does not pass is dropped with a message saying so.
Start-up never fails because of the settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from core.config.files import MAX_CONFIG_BYTES
from core.config.schema import Config, config_from_dict, config_to_dict
from core.data.points import Points, points_from_text, points_text
from core.errors import InputError, one_line
from core.safe_files import parse_json

ENVIRONMENT = "DEEPDIALS_SETTINGS"
MAX_RECENT = 8
MAX_POINTS_CHARS = 2_000_000  # 20,000 rows of x1,x2,label,split at full precision
MAX_PATH_CHARS = 4096
MAX_GEOMETRY_BYTES = 4096


def open_settings() -> QSettings:
    path = os.environ.get(ENVIRONMENT)
    if path:
        return QSettings(path, QSettings.IniFormat)
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "DeepDials", "DeepDials")


@dataclass
class Remembered:
    """The settings that passed their checks, and a message for each that did not."""

    geometry: QByteArray | None = None
    large_fonts: bool = False
    config: Config | None = None
    points: Points | None = None
    problems: list[str] = field(default_factory=list)


def remembered(settings: QSettings) -> Remembered:
    out = Remembered()
    geometry = settings.value("geometry")
    if isinstance(geometry, QByteArray) and geometry.size() <= MAX_GEOMETRY_BYTES:
        out.geometry = geometry
    elif geometry is not None:
        out.problems.append("the window's size and place")
    large = settings.value("large_fonts")
    if large in (None, False, "false"):
        out.large_fonts = False
    elif large in (True, "true"):
        out.large_fonts = True
    else:
        out.problems.append("projector mode")
    text = settings.value("last_config")
    if text is not None:
        try:
            if not isinstance(text, str) or len(text) > MAX_CONFIG_BYTES:
                raise InputError("not a config")
            out.config = config_from_dict(parse_json(text, "the last config"))
            points = settings.value("last_points")
            if points is not None:
                if not isinstance(points, str) or len(points) > MAX_POINTS_CHARS:
                    raise InputError("the points drawn are not a CSV text")
                out.points = points_from_text(points, "the points drawn")
        except InputError as exc:
            out.config = out.points = None
            out.problems.append(f"the last config ({exc})")
    return out


def startup_message(problems: list[str]) -> str | None:
    if not problems:
        return None
    return one_line(
        "The saved settings held values that could not be used, now dropped: "
        + "; ".join(problems)
        + ". Starting from the defaults for them."
    )


def store_experiment(settings: QSettings, config: Config, points: Points | None) -> None:
    """The config, and the points drawn in memory (no file holds them) as CSV text."""
    settings.setValue("last_config", json.dumps(config_to_dict(config)))
    if points is None:
        settings.remove("last_points")
    else:
        settings.setValue("last_points", points_text(points))


def recent_files(settings: QSettings) -> list[str]:
    """The recent files that are still plain paths (anything else is left out)."""
    value = settings.value("recent_files") or []
    values = value if isinstance(value, list) else [value]
    paths = [
        v for v in values if isinstance(v, str) and 0 < len(v) <= MAX_PATH_CHARS and v.isprintable()
    ]
    return [p for p in paths if Path(p).is_absolute()][:MAX_RECENT]


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    files = [path] + [f for f in recent_files(settings) if f != path]
    settings.setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]
