"""Config and comparison files: reading one (JSON, and nothing else) and writing one.

Files travel between students and classroom machines: they are read as untrusted
(`core.safe_files`), and every problem is one `InputError` naming the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path

from deepdials.core.config.compare import (
    Comparison,
    comparison_from_dict,
    comparison_to_dict,
    is_comparison,
)
from deepdials.core.config.schema import Config, config_from_dict, config_to_dict, with_value
from deepdials.core.data.kinds import points_in_memory
from deepdials.core.data.points import Points, points_text
from deepdials.core.errors import InputError
from deepdials.core.lessons.player import plan
from deepdials.core.safe_files import (
    parse_json,
    read_text,
    writable_target,
    write_atomically,
    write_together,
)

MAX_CONFIG_BYTES = 1_000_000


def _read(path: Path):
    return parse_json(read_text(path, MAX_CONFIG_BYTES), str(path))


def load_experiment(path: str | Path) -> Config | Comparison:
    """A config file, or a comparison file (one with variants), whose lesson steps can be
    played (`core.lessons.player.plan`)."""
    path = Path(path)
    raw = _read(path)
    try:
        if is_comparison(raw):
            loaded = comparison_from_dict(raw, base_dir=path.parent)
        else:
            loaded = config_from_dict(raw, base_dir=path.parent)
        plan(loaded)  # its lesson steps can be played
        return loaded
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def load_config(path: str | Path) -> Config:
    """A config file; a comparison is refused with a word on where it goes."""
    loaded = load_experiment(path)
    if isinstance(loaded, Comparison):
        raise InputError(f"{path}: a comparison of runs, not one config: use deepdials compare")
    return loaded


def config_text(config: Config, path: Path) -> str:
    """The JSON of `config` as saved at `path` (file names relative to its folder)."""
    return json.dumps(config_to_dict(config, relative_to=path.parent.resolve()), indent=2) + "\n"


def save_config(config: Config, path: str | Path) -> None:
    path = writable_target(path)
    write_atomically(path, config_text(config, path))


def save_experiment(config: Config, points: Points | None, path: str | Path) -> Config:
    """Save `config` to `path`; points held in memory go to a CSV file beside it
    (`NAME.points.csv`), which the saved config names: the two are written together
    (`core.safe_files.write_together`), so a failure leaves the earlier pair as it was.
    Returns the config as saved. A `path` that is a link saves beside the file it names."""
    path = writable_target(path)
    if points is None:
        save_config(config, path)
        return config
    points_path = writable_target(path.with_name(f"{path.stem}.points.csv"))
    config = with_value(config, "data.csv", str(points_path))
    write_together(
        [
            (points_path, points_text(points).encode("utf-8")),
            (path, config_text(config, path).encode("utf-8")),
        ]
    )
    return config


def save_comparison(comparison: Comparison, path: str | Path) -> None:
    """Save a comparison: its first run as the base, each run's differences from it. Runs
    on points drawn in memory cannot be saved this way (save one run at a time)."""
    path = writable_target(path)
    if any(points_in_memory(v.config.data) for v in comparison.variants):
        raise InputError("a compared run trains on drawn points: save it on its own first")
    text = json.dumps(comparison_to_dict(comparison, relative_to=path.parent.resolve()), indent=2)
    write_atomically(path, text + "\n")
