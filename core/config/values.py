"""The kinds of value a config key may hold, each able to describe and check itself.

`check(path, value)` takes a value parsed from JSON and returns it in the config's own
form (a tuple for a list, an int for a whole number), or raises `InputError` naming the
key path and what is allowed, e.g. `train.keep_prob[2]: 1.5 is not in (0, 1]`.
JSON has one number type, so a whole number may be written 100, 100.0 or 1e2.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from deepdials.core.errors import InputError

SHOWN_CHARS = 40


def fmt(x: float) -> str:
    return f"{x:g}"


def show(value: Any) -> str:
    """A value as the message quotes it: JSON, at most SHOWN_CHARS characters."""
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        text = f"a {len(str(abs(value)))}-digit number"
    else:
        text = json.dumps(value, ensure_ascii=True, default=repr)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def show_key(key: Any) -> str:
    """A key as a path names it: bare when short and printable, else as `show` quotes it."""
    if isinstance(key, str) and key.isprintable() and len(key) <= SHOWN_CHARS:
        return key
    return show(key)


@dataclass(frozen=True)
class Num:
    """A number in [lo, hi] (`open_lo`: (lo, hi]); `kind` int takes whole numbers only."""

    kind: type
    lo: float
    hi: float
    open_lo: bool = False

    def describe(self) -> str:
        return f"{'(' if self.open_lo else '['}{fmt(self.lo)}, {fmt(self.hi)}]"

    def check(self, path: str, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{path}: expected {self.kind.__name__}, got {show(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{path}: {show(value)} is not in {self.describe()}")
        if self.kind is int and isinstance(value, float):
            if not value.is_integer():
                raise InputError(f"{path}: expected a whole number, got {show(value)}")
            value = int(value)
        # ints compare exactly with the float bounds, however large
        inside = (value > self.lo if self.open_lo else value >= self.lo) and value <= self.hi
        if not inside:
            raise InputError(f"{path}: {show(value)} is not in {self.describe()}")
        return self.kind(value)


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    optional: bool = False  # null is allowed too: none of them

    def describe(self) -> str:
        return "one of " + ", ".join(self.options) + (", or null" if self.optional else "")

    def check(self, path: str, value: Any) -> str | None:
        if value is None and self.optional:
            return None
        if not isinstance(value, str) or value not in self.options:
            raise InputError(f"{path}: {show(value)} is not {self.describe()}")
        return value


@dataclass(frozen=True)
class Name:
    """A name the window gives meaning to (one of its views, one of its playback speeds),
    or null. The engine does not know the window's names: it checks the form (one line of
    at most SHOWN_CHARS printable characters); the window says so of a name it lacks.
    `what` says which names, for `describe`."""

    what: str

    def describe(self) -> str:
        return f"{self.what}, or null"

    def check(self, path: str, value: Any) -> str | None:
        if value is None:
            return None
        if not (isinstance(value, str) and value.isprintable() and 0 < len(value) <= SHOWN_CHARS):
            raise InputError(f"{path}: {show(value)} is not {self.describe()}")
        return value


@dataclass(frozen=True)
class Flag:
    def describe(self) -> str:
        return "true or false"

    def check(self, path: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise InputError(f"{path}: expected true or false, got {show(value)}")
        return value


@dataclass(frozen=True)
class FilePath:
    def describe(self) -> str:
        return "a file path, or null"

    def check(self, path: str, value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value):
            raise InputError(f"{path}: expected a file path or null, got {show(value)}")
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
            raise InputError(f"{path}: expected a list, got {show(value)}")
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
        if isinstance(value, list):
            return self.items.check(path, value)
        return self.num.check(path, value)


Kind = Num | Choice | Name | Flag | FilePath | Items | NumOrItems
