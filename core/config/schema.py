"""Experiment configuration: what the window saves, what presets are, what the CLI runs.

A config file is JSON: {"schema": 1, "data": {…}, "model": {…}, "train": {…}}, and an
optional "classroom" section for how the window presents it. Every key
has a default (the dataclasses below) and a hard range (`SPEC`); a missing section or key
takes its default. Unknown keys, wrong types and out-of-range values raise `InputError`
naming the key path and what is allowed, e.g. `train.keep_prob[2]: 1.5 is not in (0, 1]`.
Loading parses JSON and nothing else.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from core.errors import InputError

SCHEMA = 1
MAX_CONFIG_BYTES = 1_000_000
MAX_SEED = 2**32 - 1

DATA_KINDS = ("circles", "moons", "xor", "spiral", "blobs", "linear", "csv")
MULTICLASS_KINDS = ("spiral", "blobs")
FEATURE_NAMES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATION_NAMES = ("relu", "leaky_relu", "tanh", "sigmoid", "linear")
INIT_NAMES = ("zeros", "normal", "uniform", "xavier", "xavier_avg", "he")
OPTIMIZER_NAMES = ("sgd", "momentum", "adam")
MAX_POINTS = 20_000
MIN_NOISE = 0.01  # smaller noise makes the Bayes error slow to compute, and is 0 in effect
MIN_MISMATCH = 0.05
MAX_LAYERS = 50
MAX_UNITS = 256


@dataclass(frozen=True)
class DataConfig:
    kind: str = "circles"
    csv: str | None = None
    n_points: int = 400
    n_classes: int = 2
    noise: float = 0.1
    split: tuple[float, float, float] = (0.6, 0.2, 0.2)
    seed: int = 0
    mismatch: float = 0.0
    augment: int = 0
    scale_x1: float = 1.0
    features: tuple[str, ...] = ("x1", "x2")
    normalize: bool = True


@dataclass(frozen=True)
class ModelConfig:
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    init: str = "xavier"
    init_scale: float = 1.0


@dataclass(frozen=True)
class TrainConfig:
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 10
    epochs: int = 500
    l2: float = 0.0
    l1: float = 0.0
    keep_prob: float | tuple[float, ...] = 1.0
    patience: int = 0
    seed: int = 0


@dataclass(frozen=True)
class ClassroomConfig:
    """How the window presents the experiment in classroom mode; never changes a run."""

    hidden: tuple[str, ...] = ()  # config keys whose controls classroom mode hides


@dataclass(frozen=True)
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    classroom: ClassroomConfig = field(default_factory=ClassroomConfig)


# ----- the allowed values of every key -----


@dataclass(frozen=True)
class Num:
    """A number in [lo, hi]; `open_lo` makes it (lo, hi]."""

    kind: type
    lo: float
    hi: float
    open_lo: bool = False

    def describe(self) -> str:
        return f"{'(' if self.open_lo else '['}{_fmt(self.lo)}, {_fmt(self.hi)}]"

    def check(self, path: str, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{path}: expected {self.kind.__name__}, got {_show(value)}")
        if self.kind is int and not isinstance(value, int):
            raise InputError(f"{path}: expected a whole number, got {_show(value)}")
        inside = (value > self.lo if self.open_lo else value >= self.lo) and value <= self.hi
        if not math.isfinite(value) or not inside:
            raise InputError(f"{path}: {_show(value)} is not in {self.describe()}")
        return self.kind(value)


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(self.options)

    def check(self, path: str, value: Any) -> str:
        if value not in self.options or not isinstance(value, str):
            raise InputError(f"{path}: {_show(value)} is not {self.describe()}")
        return value


@dataclass(frozen=True)
class Flag:
    def describe(self) -> str:
        return "true or false"

    def check(self, path: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise InputError(f"{path}: expected true or false, got {_show(value)}")
        return value


@dataclass(frozen=True)
class FilePath:
    def describe(self) -> str:
        return "a file path, or null"

    def check(self, path: str, value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value):
            raise InputError(f"{path}: expected a file path or null, got {_show(value)}")
        return value


@dataclass(frozen=True)
class Items:
    """A list of `item`, with min_len ≤ length ≤ max_len."""

    item: Num | Choice
    min_len: int
    max_len: int
    unique: bool = False

    def describe(self) -> str:
        return f"a list of {self.min_len} to {self.max_len} values, each {self.item.describe()}"

    def check(self, path: str, value: Any) -> tuple:
        if not isinstance(value, list):
            raise InputError(f"{path}: expected a list, got {_show(value)}")
        if not self.min_len <= len(value) <= self.max_len:
            raise InputError(
                f"{path}: has {len(value)} entries, allowed {self.min_len} to {self.max_len}"
            )
        items = tuple(self.item.check(f"{path}[{i}]", v) for i, v in enumerate(value))
        if self.unique and len(set(items)) != len(items):
            raise InputError(f"{path}: lists a value twice")
        return items


@dataclass(frozen=True)
class NumOrItems:
    """One number, or a list of them (keep-prob: one for all layers, or one per layer)."""

    num: Num
    items: Items

    def describe(self) -> str:
        return f"a number in {self.num.describe()}, or a list of them (one per layer)"

    def check(self, path: str, value: Any):
        return (
            self.items.check(path, value)
            if isinstance(value, list)
            else self.num.check(path, value)
        )


PROB = Num(float, 0.0, 1.0, open_lo=True)
SPEC: dict[str, dict[str, Any]] = {
    "data": {
        "kind": Choice(DATA_KINDS),
        "csv": FilePath(),
        "n_points": Num(int, 10, MAX_POINTS),
        "n_classes": Num(int, 2, 5),
        "noise": Num(float, 0.0, 1.0),
        "split": Items(Num(float, 0.0, 1.0), 3, 3),
        "seed": Num(int, 0, MAX_SEED),
        "mismatch": Num(float, 0.0, 1.0),
        "augment": Num(int, 0, 10),
        "scale_x1": Num(float, 1.0, 1000.0),
        "features": Items(Choice(FEATURE_NAMES), 1, len(FEATURE_NAMES), unique=True),
        "normalize": Flag(),
    },
    "model": {
        "hidden": Items(Num(int, 1, MAX_UNITS), 0, MAX_LAYERS),
        "activation": Choice(ACTIVATION_NAMES),
        "init": Choice(INIT_NAMES),
        "init_scale": Num(float, 0.0, 100.0, open_lo=True),
    },
    "train": {
        "optimizer": Choice(OPTIMIZER_NAMES),
        "lr": Num(float, 0.0, 10.0, open_lo=True),
        "batch_size": Num(int, 0, MAX_POINTS),
        "epochs": Num(int, 1, 1_000_000),
        "l2": Num(float, 0.0, 100.0),
        "l1": Num(float, 0.0, 100.0),
        "keep_prob": NumOrItems(PROB, Items(PROB, 1, MAX_LAYERS + 1)),
        "patience": Num(int, 0, 100_000),
        "seed": Num(int, 0, MAX_SEED),
    },
}
# every key with a control of its own in the window, which classroom mode can hide
HIDEABLE = tuple(
    f"{section}.{key}"
    for section in ("data", "model", "train")
    for key in SPEC[section]
    if (section, key) not in (("data", "csv"), ("train", "seed"))
)
SPEC["classroom"] = {"hidden": Items(Choice(HIDEABLE), 0, len(HIDEABLE), unique=True)}
SECTIONS = {
    "data": DataConfig,
    "model": ModelConfig,
    "train": TrainConfig,
    "classroom": ClassroomConfig,
}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def keep_probs(keep_prob: float | tuple[float, ...], n_hidden: int) -> tuple[float, ...]:
    """One keep-prob per layer that dropout may touch: the input, then each hidden layer."""
    if isinstance(keep_prob, tuple):
        return keep_prob
    return (1.0,) + (float(keep_prob),) * n_hidden


# ----- reading and writing -----


def config_from_dict(raw: Any, base_dir: Path | None = None) -> Config:
    """Validate a parsed JSON object. A relative `data.csv` is resolved against `base_dir`."""
    if not isinstance(raw, dict):
        raise InputError(f"config: expected a JSON object, got {_show(raw)}")
    if "schema" not in raw:
        raise InputError(f'schema: missing; this version reads "schema": {SCHEMA}')
    if raw["schema"] != SCHEMA or isinstance(raw["schema"], bool):
        raise InputError(f"schema: {_show(raw['schema'])} is not {SCHEMA}")
    unknown = sorted(set(raw) - set(SECTIONS) - {"schema"})
    if unknown:
        raise InputError(
            f"{unknown[0]}: unknown key; allowed: schema, data, model, train, classroom"
        )
    sections = {}
    for name, cls in SECTIONS.items():
        given = raw.get(name, {})
        if not isinstance(given, dict):
            raise InputError(f"{name}: expected an object, got {_show(given)}")
        unknown = sorted(set(given) - set(SPEC[name]))
        if unknown:
            allowed = ", ".join(SPEC[name])
            raise InputError(f"{name}.{unknown[0]}: unknown key; allowed: {allowed}")
        values = {k: SPEC[name][k].check(f"{name}.{k}", v) for k, v in given.items()}
        sections[name] = cls(**values)
    config = Config(**sections)
    if base_dir is not None and config.data.csv and not os.path.isabs(config.data.csv):
        csv = str((Path(base_dir) / config.data.csv).resolve())
        config = replace(config, data=replace(config.data, csv=csv))
    return check_consistency(config)


def check_consistency(config: Config) -> Config:
    """Rules that tie keys together; returns `config` unchanged when it passes."""
    data, model, train = config.data, config.model, config.train
    if abs(sum(data.split) - 1.0) > 1e-6:
        raise InputError(f"data.split: {list(data.split)} must add up to 1")
    if data.split[0] * data.n_points < 2 and data.kind != "csv":
        raise InputError("data.split[0]: the training split must hold at least 2 points")
    if 0 < data.noise < MIN_NOISE:
        raise InputError(f"data.noise: {data.noise:g} is below {MIN_NOISE} (0 means no noise)")
    if 0 < data.mismatch < MIN_MISMATCH:
        raise InputError(
            f"data.mismatch: {data.mismatch:g} is below {MIN_MISMATCH} (0 means no mismatch)"
        )
    if data.kind == "csv" and not data.csv:
        raise InputError('data.csv: kind "csv" needs a file path')
    if data.kind not in MULTICLASS_KINDS + ("csv",) and data.n_classes != 2:
        raise InputError(
            f"data.n_classes: {data.kind} has 2 classes; more are possible for spiral and blobs"
        )
    if isinstance(train.keep_prob, tuple) and len(train.keep_prob) != len(model.hidden) + 1:
        raise InputError(
            f"train.keep_prob: has {len(train.keep_prob)} entries; with "
            f"{len(model.hidden)} hidden layers it needs {len(model.hidden) + 1} "
            "(the input layer, then each hidden layer)"
        )
    if train.patience and data.split[1] == 0 and data.kind != "csv":
        raise InputError(
            "train.patience: early stopping needs a validation split (data.split[1] > 0)"
        )
    return config


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


def config_to_dict(config: Config, relative_to: Path | None = None) -> dict:
    """The JSON form, schema first; `data.csv` made relative to `relative_to` when given."""
    out: dict[str, Any] = {"schema": SCHEMA}
    for name in SECTIONS:
        section = asdict(getattr(config, name))
        out[name] = {k: list(v) if isinstance(v, tuple) else v for k, v in section.items()}
    csv = config.data.csv
    if csv and relative_to is not None and os.path.isabs(csv):
        out["data"]["csv"] = os.path.relpath(csv, relative_to)
    return out


def save_config(config: Config, path: str | Path) -> None:
    path = Path(path)
    text = json.dumps(config_to_dict(config, relative_to=path.parent.resolve()), indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def needs_new_run(old: Config, new: Config) -> bool:
    """True when `new` differs from `old` in anything but the hot train settings."""
    return old.data != new.data or old.model != new.model or old.train.seed != new.train.seed
