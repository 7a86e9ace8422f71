"""Comparison files: one base config and 2 to 4 variants of it, trained side by side.

    {"schema": 1,
     "base": {"data": {…}, "model": {…}, "train": {…}},
     "variants": [{"label": "zeros", "model": {"init": "zeros"}}, {"model": {"init": "he"}}]}

Each variant overrides keys of the base, section by section, and is checked like a
config of its own; a bad key is named with its place, e.g. `variants[1].model.init: …`.
A variant's label is its own, or says what differs from the first variant
(`label_of`, e.g. "init = He"). Every variant draws the same data and seeds unless it
changes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepdials.core.config import controls
from deepdials.core.config.schema import SCHEMA, Config, config_from_dict, config_to_dict, value_of
from deepdials.core.config.table import SECTIONS, SETTINGS
from deepdials.core.config.values import show, show_key
from deepdials.core.errors import InputError
from deepdials.core.lessons.steps import MAX_LABEL_CHARS

MIN_VARIANTS = 2
MAX_VARIANTS = 4


@dataclass(frozen=True)
class Variant:
    label: str
    config: Config


@dataclass(frozen=True)
class Comparison:
    variants: tuple[Variant, ...]

    @property
    def configs(self) -> list[Config]:
        return [v.config for v in self.variants]


def is_comparison(raw: Any) -> bool:
    """A parsed file is a comparison when it has variants."""
    return isinstance(raw, dict) and "variants" in raw


def comparison_from_dict(raw: Any, base_dir: Path | None = None) -> Comparison:
    if not isinstance(raw, dict):
        raise InputError(f"comparison: expected a JSON object, got {show(raw)}")
    unknown = sorted(set(raw) - {"schema", "base", "variants"}, key=str)
    if unknown:
        raise InputError(f"{show_key(unknown[0])}: unknown key; allowed: schema, base, variants")
    if raw.get("schema") != SCHEMA or isinstance(raw.get("schema"), bool):
        raise InputError(f"schema: {show(raw.get('schema'))} is not {SCHEMA}")
    base = raw.get("base", {})
    if not isinstance(base, dict):
        raise InputError(f"base: expected an object, got {show(base)}")
    try:
        config_from_dict({"schema": SCHEMA, **base}, base_dir)
    except InputError as exc:
        raise InputError(f"base.{exc}") from None
    variants = raw["variants"]
    if not isinstance(variants, list):
        raise InputError(f"variants: expected a list, got {show(variants)}")
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        raise InputError(
            f"variants: has {len(variants)} entries, allowed {MIN_VARIANTS} to {MAX_VARIANTS}"
        )
    configs, labels = [], []
    for i, variant in enumerate(variants):
        where = f"variants[{i}]"
        if not isinstance(variant, dict):
            raise InputError(f"{where}: expected an object, got {show(variant)}")
        label = variant.get("label")
        if label is not None and (not isinstance(label, str) or not label.strip()):
            raise InputError(f"{where}.label: expected a text, got {show(label)}")
        if label is not None and len(label) > MAX_LABEL_CHARS:
            raise InputError(f"{where}.label: longer than {MAX_LABEL_CHARS} characters")
        if label is not None and not label.isprintable():
            raise InputError(f"{where}.label: holds a line break or control character")
        overrides = {k: v for k, v in variant.items() if k != "label"}
        unknown = sorted(set(overrides) - set(SECTIONS), key=str)
        if unknown:
            allowed = ", ".join(("label", *SECTIONS))
            raise InputError(f"{where}.{show_key(unknown[0])}: unknown key; allowed: {allowed}")
        merged = {"schema": SCHEMA}
        for section in SECTIONS:
            given = overrides.get(section, {})
            if not isinstance(given, dict):
                raise InputError(f"{where}.{section}: expected an object, got {show(given)}")
            merged[section] = {**base.get(section, {}), **given}
        try:
            configs.append(config_from_dict(merged, base_dir))
        except InputError as exc:
            raise InputError(f"{where}.{exc}") from None
        labels.append(label)
    return Comparison(
        tuple(
            Variant(label or label_of(configs[0], config, i), config)
            for i, (label, config) in enumerate(zip(labels, configs))
        )
    )


def comparison_to_dict(comparison: Comparison, relative_to: Path | None = None) -> dict:
    """The JSON form: the first variant as the base, each variant's differences from it."""
    base = config_to_dict(comparison.variants[0].config, relative_to)
    del base["schema"]
    variants = []
    for variant in comparison.variants:
        mine = config_to_dict(variant.config, relative_to)
        entry: dict[str, Any] = {"label": variant.label}
        for section in SECTIONS:
            changed = {k: v for k, v in mine[section].items() if base[section][k] != v}
            if changed:
                entry[section] = changed
        variants.append(entry)
    return {"schema": SCHEMA, "base": base, "variants": variants}


def label_of(first: Config, other: Config, index: int) -> str:
    """What `other` changes from `first`, e.g. "init = He, λ = 0.1"; the first is "base"."""
    if index == 0:
        return "base"
    changed = [
        s
        for s in SETTINGS
        if s.section not in ("classroom", "lesson")
        and value_of(first, s.key) != value_of(other, s.key)
    ]
    if not changed:
        return f"copy {index + 1}"
    return ", ".join(f"{_short_name(s)} = {_shown(s, value_of(other, s.key))}" for s in changed)


def _short_name(setting) -> str:
    return setting.name if not setting.label else setting.label.removesuffix(" λ").lower()


def _shown(setting, value) -> str:
    """A value as its control shows it: an option's label, a number, a list."""
    control = setting.control
    if isinstance(control, controls.Combo) and value in control.options:
        label = control.options[value].label  # "He  √(2/n)", "normal × scale": the name
        return label.split("  ")[0].split(" ×")[0].split(" ±")[0]
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
