"""What the window remembers between sessions: geometry, the last experiment, recent files,
projector mode.

Stored as an INI file in the user's config folder, or in the file named by the
environment variable DEEPDIALS_SETTINGS (`deepdials --settings FILE` sets it), so that a
user can keep a separate profile and tests never touch the real one. Nothing else is read
or written.

The file can be edited, truncated, copied from elsewhere or replaced by something that is
not a file at all, so it is read as any file from outside: a regular file of at most
MAX_SETTINGS_BYTES, parsed by `app.ini_file` (never by Qt's deserializer). A file that
does not pass is set aside as `NAME.bad-<time>` and the window starts from the defaults;
a path that names a folder, a pipe or a device is left alone and nothing is saved. Every
value is then checked (`remembered`), and one that does not pass is dropped with a
message saying so. Start-up never fails because of the settings. Writes go to a file
beside the old one, renamed over it once complete.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray

from deepdials.app.ini_file import IniValue, ini_text, parse_ini
from deepdials.core.config.files import MAX_CONFIG_BYTES
from deepdials.core.config.schema import Config, config_from_dict, config_to_dict
from deepdials.core.data.points import Points, points_from_text, points_text
from deepdials.core.errors import InputError, one_line
from deepdials.core.safe_files import parse_json, read_text, write_atomically

ENVIRONMENT = "DEEPDIALS_SETTINGS"
MAX_RECENT = 8
MAX_POINTS_CHARS = 2_000_000  # 20,000 rows of x1,x2,label,split at full precision
MAX_PATH_CHARS = 4096
MAX_GEOMETRY_BYTES = 4096
MAX_SETTINGS_BYTES = 4_000_000  # the largest config and points with their escapes


def settings_path() -> Path:
    """DEEPDIALS_SETTINGS, or where QSettings keeps DeepDials' INI file: DeepDials/DeepDials.ini
    in %APPDATA% on Windows, in $XDG_CONFIG_HOME or ~/.config elsewhere."""
    named = os.environ.get(ENVIRONMENT)
    if named:
        return Path(named)
    if sys.platform == "win32":
        folder = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        folder = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".config"
    return folder / "DeepDials" / "DeepDials.ini"


class Settings:
    """The settings file's values, read once; `sync` writes them back whole.

    `path` is None when nothing may be written (the path names something that is not a
    regular file); `notice` says what happened to a file that could not be used."""

    def __init__(self, path: Path | None, values: dict[str, IniValue], notice: str | None):
        self.path = path
        self.notice = notice
        self._values = values
        self._changed = False

    def value(self, key: str) -> IniValue | None:
        return self._values.get(key)

    def set_value(self, key: str, value: IniValue) -> None:
        if self._values.get(key) != value:
            self._values[key] = value
            self._changed = True

    def remove(self, key: str) -> None:
        if self._values.pop(key, None) is not None:
            self._changed = True

    def sync(self) -> str | None:
        """Write the values if they changed; a one-line message if that failed (the
        earlier file is then left as it was)."""
        if not self._changed or self.path is None:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, ini_text(self._values))
        except (OSError, InputError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            return one_line(f"The settings could not be saved to {self.path}: {reason}.")
        self._changed = False
        return None


def _set_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while target.exists() or target.is_symlink():
        n += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    path.rename(target)
    return target


def open_settings() -> Settings:
    """The settings from `settings_path()`; never an exception, never a wait."""
    named = settings_path()
    try:
        path = named.resolve()
        info = os.stat(path)
    except FileNotFoundError:
        return Settings(path, {}, None)
    except (OSError, RuntimeError, ValueError) as exc:  # a link loop, a NUL in the name
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unusable"
        return Settings(None, {}, _not_saved(named, reason))
    if not stat.S_ISREG(info.st_mode):
        return Settings(None, {}, _not_saved(named, "not a regular file"))
    try:
        return Settings(path, parse_ini(read_text(path, MAX_SETTINGS_BYTES)), None)
    except InputError as exc:
        problem = str(exc).removeprefix(f"{path}: ")
    try:
        aside = _set_aside(path)
    except OSError as exc:
        return Settings(None, {}, _not_saved(named, f"{problem}; {exc.strerror}"))
    return Settings(
        path,
        {},
        one_line(
            f"The settings file {named} could not be used ({problem}); it was kept as "
            f"{aside.name} and the window starts from the defaults."
        ),
    )


def _not_saved(path: Path, reason: str) -> str:
    return one_line(
        f"The settings file {path} cannot be used ({reason}): the window starts from the "
        "defaults and nothing is saved."
    )


@dataclass
class Remembered:
    """The settings that passed their checks, and a message for each that did not."""

    geometry: QByteArray | None = None
    large_fonts: bool = False
    config: Config | None = None
    points: Points | None = None
    problems: list[str] = field(default_factory=list)


def remembered(settings: Settings) -> Remembered:
    out = Remembered()
    geometry = settings.value("geometry")
    if isinstance(geometry, bytes) and len(geometry) <= MAX_GEOMETRY_BYTES:
        out.geometry = QByteArray(geometry)
    elif geometry is not None:
        out.problems.append("the window's size and place")
    large = settings.value("large_fonts")
    if large in (None, "false"):
        out.large_fonts = False
    elif large == "true":
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


def startup_message(settings: Settings, problems: list[str]) -> str | None:
    if settings.notice:
        return settings.notice
    if not problems:
        return None
    return one_line(
        "The saved settings held values that could not be used, now dropped: "
        + "; ".join(problems)
        + ". Starting from the defaults for them."
    )


def store_window(settings: Settings, geometry: QByteArray, large_fonts: bool) -> None:
    """The window's size and place (`saveGeometry`) and projector mode."""
    settings.set_value("geometry", bytes(geometry))
    settings.set_value("large_fonts", "true" if large_fonts else "false")


def store_experiment(settings: Settings, config: Config, points: Points | None) -> None:
    """The config, and the points drawn in memory (no file holds them) as CSV text."""
    settings.set_value("last_config", json.dumps(config_to_dict(config)))
    if points is None:
        settings.remove("last_points")
    else:
        settings.set_value("last_points", points_text(points))


def recent_files(settings: Settings) -> list[str]:
    """The recent files that are still plain paths (anything else is left out)."""
    value = settings.value("recent_files") or []
    values = value if isinstance(value, list) else [value]
    paths = [
        v for v in values if isinstance(v, str) and 0 < len(v) <= MAX_PATH_CHARS and v.isprintable()
    ]
    return [p for p in paths if Path(p).is_absolute()][:MAX_RECENT]


def add_recent_file(settings: Settings, path: str) -> list[str]:
    files = [path] + [f for f in recent_files(settings) if f != path]
    settings.set_value("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]
