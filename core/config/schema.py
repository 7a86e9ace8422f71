"""Experiment configuration: what the window saves, what presets are, what the CLI runs.

A config is JSON: {"schema": 1, "data": {…}, "model": {…}, "train": {…}}, and the optional
"classroom" and "lesson" sections for how the window presents it. Every key is a row of
the settings table (`core.config.table`): the section dataclasses below are made from
those rows, so a key's default lives there and nowhere else. A missing
section or key takes its default (or, where the default breaks a rule between keys, the
rule's `off` value: a sine set's features are x1 alone); unknown keys, wrong types and
out-of-range values raise `InputError` naming the key path and what is allowed, e.g.
`train.keep_prob[2]: 1.5 is not in (0, 1]`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, make_dataclass, replace
from pathlib import Path
from typing import Any

from deepdials.core.config.table import (
    BY_KEY,
    MIN_MISMATCH,
    MIN_NOISE,
    SECTIONS,
    SETTINGS,
    section_rows,
)
from deepdials.core.config.values import show, show_key
from deepdials.core.data.kinds import DATA_KINDS
from deepdials.core.engine.budget import check_memory
from deepdials.core.errors import InputError

SCHEMA = 1
RULED = tuple(s for s in SETTINGS if s.rule is not None)  # the rows with a rule between keys


def _section_class(section: str) -> type:
    """A frozen dataclass with one field per row of `section`, defaulting as the row says."""
    fields = [(s.name, Any, field(default=s.default)) for s in section_rows(section)]
    cls = make_dataclass(f"{section.capitalize()}Config", fields, frozen=True)
    cls.__module__ = __name__  # so that configs pickle (sweeps send them to processes)
    return cls


DataConfig = _section_class("data")
ModelConfig = _section_class("model")
TrainConfig = _section_class("train")
ClassroomConfig = _section_class("classroom")
LessonConfig = _section_class("lesson")
SECTION_CLASSES = {
    "data": DataConfig,
    "model": ModelConfig,
    "train": TrainConfig,
    "classroom": ClassroomConfig,
    "lesson": LessonConfig,
}


@dataclass(frozen=True)
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    classroom: ClassroomConfig = field(default_factory=ClassroomConfig)
    lesson: LessonConfig = field(default_factory=LessonConfig)


def value_of(config: Config, key: str) -> Any:
    section, name = key.split(".")
    return getattr(getattr(config, section), name)


def with_value(config: Config, key: str, value: Any) -> Config:
    """`config` with one key changed (no checks; see `edit` for a user's change)."""
    section, name = key.split(".")
    return replace(config, **{section: replace(getattr(config, section), **{name: value})})


def keep_probs(keep_prob: float | tuple[float, ...], n_hidden: int) -> tuple[float, ...]:
    """One keep-prob per layer that dropout may touch: the input, then each hidden layer."""
    if isinstance(keep_prob, tuple):
        return keep_prob
    return (1.0,) + (float(keep_prob),) * n_hidden


# ----- reading and writing -----


def config_from_dict(raw: Any, base_dir: Path | None = None) -> Config:
    """Validate a parsed JSON object. A relative `data.csv` is resolved against `base_dir`."""
    if not isinstance(raw, dict):
        raise InputError(f"config: expected a JSON object, got {show(raw)}")
    if "schema" not in raw:
        raise InputError(f'schema: missing; this version reads "schema": {SCHEMA}')
    if raw["schema"] != SCHEMA or isinstance(raw["schema"], bool):
        raise InputError(f"schema: {show(raw['schema'])} is not {SCHEMA}")
    unknown = sorted(set(raw) - set(SECTIONS) - {"schema"}, key=str)
    if unknown:
        allowed = ", ".join(("schema", *SECTIONS))
        raise InputError(f"{show_key(unknown[0])}: unknown key; allowed: {allowed}")
    sections = {}
    for name, cls in SECTION_CLASSES.items():
        given = raw.get(name, {})
        if not isinstance(given, dict):
            raise InputError(f"{name}: expected an object, got {show(given)}")
        rows = {s.name: s for s in section_rows(name)}
        unknown = sorted(set(given) - set(rows), key=str)
        if unknown:
            raise InputError(
                f"{name}.{show_key(unknown[0])}: unknown key; allowed: {', '.join(rows)}"
            )
        values = {k: rows[k].allowed.check(f"{name}.{k}", v) for k, v in given.items()}
        sections[name] = cls(**values)
    config = _defaults_that_fit(Config(**sections), raw)
    if base_dir is not None and config.data.csv and not os.path.isabs(config.data.csv):
        named = show(config.data.csv)
        try:
            csv = str((Path(base_dir) / config.data.csv).resolve())
        except ValueError:  # a NUL character
            raise InputError(f"data.csv: {named} is not a usable file name") from None
        except (OSError, RuntimeError):  # links that loop
            raise InputError(f"data.csv: {named}: its links loop") from None
        config = with_value(config, "data.csv", csv)
    return check_consistency(config)


def _defaults_that_fit(config: Config, raw: dict) -> Config:
    """`config` with each key the file left out set to the part of its default that keeps
    its rule (`Rule.kept`) where the default breaks that rule."""
    for setting in RULED:
        given = raw.get(setting.section, {})
        value = value_of(config, setting.key)
        if setting.name not in given and setting.rule.broken(value, config):
            config = with_value(config, setting.key, setting.rule.kept(value, config))
    return config


def check_rules(config: Config, data=None, section: str | None = None) -> None:
    """The rules between keys (`core.config.table.Rule`), of `section`'s keys or all, for
    `config` with the run's `data` (None: a config on its own); `InputError` for one broken."""
    for setting in RULED:
        if section not in (None, setting.section):
            continue
        if setting.rule.broken(value_of(config, setting.key), config, data):
            raise InputError(f"{setting.key}: {setting.rule.why(config)}")


def check_consistency(config: Config) -> Config:
    """Rules that tie keys together; returns `config` unchanged when it passes."""
    data, model, train = config.data, config.model, config.train
    if abs(sum(data.split) - 1.0) > 1e-6:
        raise InputError(f"data.split: {list(data.split)} must add up to 1")
    if data.split[0] * data.n_points < 2 and DATA_KINDS[data.kind].drawn:
        raise InputError("data.split[0]: the training split must hold at least 2 points")
    if 0 < data.noise < MIN_NOISE:
        raise InputError(f"data.noise: {data.noise:g} is below {MIN_NOISE} (0 means no noise)")
    if 0 < data.mismatch < MIN_MISMATCH:
        raise InputError(
            f"data.mismatch: {data.mismatch:g} is below {MIN_MISMATCH} (0 means no mismatch)"
        )
    check_rules(config)
    if isinstance(train.keep_prob, tuple) and len(train.keep_prob) != len(model.hidden) + 1:
        raise InputError(
            f"train.keep_prob: has {len(train.keep_prob)} entries; with "
            f"{len(model.hidden)} hidden layers it needs {len(model.hidden) + 1} "
            "(the input layer, then each hidden layer)"
        )
    check_memory(config)
    return config


def config_to_dict(config: Config, relative_to: Path | None = None) -> dict:
    """The JSON form, schema first; `data.csv` made relative to `relative_to` when given."""
    out: dict[str, Any] = {"schema": SCHEMA}
    for name in SECTIONS:
        section = getattr(config, name)
        out[name] = {s.name: _json_value(getattr(section, s.name)) for s in section_rows(name)}
    csv = config.data.csv
    if csv and relative_to is not None and os.path.isabs(csv):
        out["data"]["csv"] = os.path.relpath(csv, relative_to)
    return out


def _json_value(value: Any) -> Any:
    """A config value as JSON writes it: a tuple as a list, a lesson step as its object."""
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value.as_json() if hasattr(value, "as_json") else value


# ----- a change made by the user -----


def resized_keep_probs(keep: tuple[float, ...], n_hidden: int) -> tuple[float, ...]:
    """A per-layer keep-prob list (input first) for `n_hidden` hidden layers: the input's
    entry stays, hidden entries are cut from the end or repeated from the last one."""
    hidden = list(keep[1:])[:n_hidden]
    fill = hidden[-1] if hidden else 1.0
    return (keep[0], *hidden, *[fill] * (n_hidden - len(hidden)))


def follow(before: Config, config: Config, key: str) -> Config:
    """`config` after `key` changed (from config `before`), with the keys that depend on it
    made to fit (`core.config.table.Rule.followed`):

    - a key whose rule the change broke is set to its `off` value, or the part of it that
      keeps the rule: a data set with two classes sets data.n_classes to 2; a split without
      validation points switches early stopping off; a set of one input keeps the features
      of x₁ alone;
    - a key the change makes room for again regains it: from a set of one input to a set
      of two, the features get x₁ and x₂ back;
    - a new number of hidden layers resizes a per-layer keep-prob list (`resized_keep_probs`).
    """
    for setting in RULED:
        if setting.key != key:
            value = setting.rule.followed(value_of(config, setting.key), before, config)
            config = with_value(config, setting.key, value)
    keep_prob = config.train.keep_prob
    if key == "model.hidden" and isinstance(keep_prob, tuple):
        keep = resized_keep_probs(keep_prob, len(config.model.hidden))
        config = with_value(config, "train.keep_prob", keep)
    return config


def edit(config: Config, key: str, value: Any) -> Config:
    """The config after a user sets `key` to `value` (already of the config's own form):
    the keys that depend on it follow (`follow`), then the whole is checked."""
    BY_KEY[key].allowed.check(key, list(value) if isinstance(value, tuple) else value)
    return check_consistency(follow(config, with_value(config, key, value), key))


def needs_new_run(old: Config, new: Config, points_in_memory: bool = False) -> bool:
    """True when `new` differs from `old` in a structural key (a row that is not hot);
    with the points held in memory, the file named by data.csv is not read: it does not
    count."""
    ignored = {"data.csv"} if points_in_memory else set()
    return any(
        value_of(old, s.key) != value_of(new, s.key)
        for s in BY_KEY.values()
        if not s.hot and s.key not in ignored
    )
