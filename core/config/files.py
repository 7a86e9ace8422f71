"""Config files: reading one (JSON, and nothing else) and writing one."""

from __future__ import annotations

import json
from pathlib import Path

from core.config.schema import Config, config_from_dict, config_to_dict, with_value
from core.data.points import Points, write_points
from core.errors import InputError

MAX_CONFIG_BYTES = 1_000_000


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; any problem is an `InputError` naming the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise InputError(f"{path}: {size} bytes is over the {MAX_CONFIG_BYTES}-byte limit")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file (not UTF-8)") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    try:
        return config_from_dict(raw, base_dir=path.parent)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def save_config(config: Config, path: str | Path) -> None:
    path = Path(path)
    text = json.dumps(config_to_dict(config, relative_to=path.parent.resolve()), indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def save_experiment(config: Config, points: Points | None, path: str | Path) -> Config:
    """Save `config` to `path`; points held in memory go to a CSV file beside it
    (`NAME.points.csv`), which the saved config names. Returns the config as saved."""
    path = Path(path)
    if points is not None:
        points_path = path.with_name(f"{path.stem}.points.csv")
        write_points(points_path, points)
        config = with_value(config, "data.csv", str(points_path.resolve()))
    save_config(config, path)
    return config
