"""How the window shows a setting: a description of its control, with no Qt in it.

Each row of the settings table (`core.config.table`) names one of these; the control
panel (`app.controls`) turns it into widgets bound to that key. The stops of a slider,
the texts of a combo box's options and the format of a shown value live here, beside
the setting they belong to.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass


def log_values(lo: float, hi: float, per_decade: int, off: bool = False) -> tuple[float, ...]:
    """1-2-5 style values from lo to hi (per_decade = 3), or finer; 0 first when `off`."""
    steps = {3: (1, 2, 5), 4: (1, 2, 3, 5), 6: (1, 1.5, 2, 3, 5, 7)}[per_decade]
    values = []
    exponent = math.floor(math.log10(lo))
    while 10**exponent <= hi * 1.0001:
        for m in steps:
            v = round(m * 10**exponent, 12)
            if lo * 0.9999 <= v <= hi * 1.0001:
                values.append(v)
        exponent += 1
    return tuple(([0.0] if off else []) + values)


def linear_values(lo: float, hi: float, step: float) -> tuple[float, ...]:
    n = int(round((hi - lo) / step))
    return tuple(round(lo + i * step, 10) for i in range(n + 1))


def plain(v: float) -> str:
    return f"{v:g}"


def percent(v: float) -> str:
    return f"{v:.0%}"


def count(v: float) -> str:
    return f"{v:.0f}"


def off_or_plain(v: float) -> str:
    return "off" if v == 0 else f"{v:g}"


def times(v: float) -> str:
    return f"×{v:g}"


def two_decimals(v: float) -> str:
    return f"{v:.2f}"


@dataclass(frozen=True)
class Option:
    label: str  # what the combo box shows
    explanation: str  # its tooltip


def labels_for(registry: Iterable, texts: dict) -> dict:
    """`texts` in the order of an engine registry's names; a name without a text, or a
    text for no name, fails at import, so neither can be missed."""
    names = list(registry)
    if set(names) != set(texts):
        raise ValueError(f"texts for {sorted(map(str, texts))}, names {sorted(map(str, names))}")
    return {name: texts[name] for name in names}


def options_for(registry: Iterable, texts: dict[object, tuple[str, str]]) -> dict[object, Option]:
    """One option (label, explanation) per name of an engine registry (see `labels_for`)."""
    return {name: Option(*text) for name, text in labels_for(registry, texts).items()}


@dataclass(frozen=True)
class Combo:
    """A drop-down list; a value of the config that is not among the options (a batch size
    from a file) is added as an option of its own, labelled by `plain`. An option in
    `only_when_current` can be seen but not chosen unless it is the value already."""

    options: dict[object, Option]
    only_when_current: tuple = ()


@dataclass(frozen=True)
class Slider:
    """A slider over sorted stops; a value between stops becomes a stop of its own."""

    stops: tuple[float, ...]
    fmt: Callable[[float], str] = plain


@dataclass(frozen=True)
class Spin:
    """A whole number typed or stepped; its range is the setting's."""

    suffix: str = ""


@dataclass(frozen=True)
class Check:
    """A check box, its text beside it."""

    text: str


@dataclass(frozen=True)
class CheckList:
    """One check box per option (the input features); at least one stays checked.
    `offered(config, data)`, when given, names the options that can be chosen there (the
    others are not offered: a set with one input has no x₂)."""

    options: dict[str, str]  # name → label
    columns: int = 4
    offered: Callable[[object, object], tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Seed:
    """A seed, 0 to 2³²−1, with a button that moves it to the next one."""

    button: str
    button_tip: str


@dataclass(frozen=True)
class SplitSliders:
    """Validation and test fractions on two sliders; training gets the rest."""

    stops: tuple[float, ...]


@dataclass(frozen=True)
class LayerWidths:
    """Hidden layers as depth and units (every layer alike) or a typed list of widths."""


@dataclass(frozen=True)
class KeepProb:
    """One keep-prob for every hidden layer on a slider, or a typed list of one per layer."""

    stops: tuple[float, ...]


@dataclass(frozen=True)
class Patience:
    """Early stopping: a check box that switches it on, and the patience in epochs."""

    text: str
    default_on: int  # the patience when the box is ticked


Control = Combo | Slider | Spin | Check | CheckList | Seed | SplitSliders | LayerWidths
Control |= KeepProb | Patience
