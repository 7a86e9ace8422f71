"""Lesson steps: the format a lesson is played in, one step at a time.

A lesson preset's `lesson.steps` is a list of steps; the lecturer plays them in order:

    "steps": [
      {"text": "λ = 2: validation error 16–22%.", "epochs": 3000},
      {"text": "Slide λ to 0: the gap opens.", "set": {"train.l2": 0}, "view": "bias_variance"},
      {"text": "Keep it, and push λ to 10.", "pin": true, "set": {"train.l2": 10}}]

Loading a lesson plays step 1; step k + 1 starts from the runs step k ended with. Each
field of a step is a row of `STEP_FIELDS` (its name in the file, its values, its default,
what it does); a new kind of step is a new row here and its meaning in the player
(`core.lessons.player`), which turns the steps into the runs on screen after each one.

A bad step is refused naming its place as JSON counts it, from 0:
`lesson.steps[2].set.train.l2: 200 is not in [0, 100]` is the third step's.

Details the format as first announced left open, settled here and in README: `epochs`
becomes the run's train.epochs (a continued run trains on to it, a fresh one stops at
it); a step after the first that sets, trains and pins nothing (a view, a text, a
reveal) keeps the runs as they are instead of training them again; `run` names a run by
the label the window gives it (`core.lessons.player.label`); a step that trains several
runs selects the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from deepdials.core.config.values import Choice, Flag, Kind, Name, show, show_key
from deepdials.core.errors import InputError

MAX_TEXT_CHARS = 800
MAX_LABEL_CHARS = 40  # a run's label: a comparison's variant's, or a step's `run`
SETTABLE_SECTIONS = ("data", "model", "train")


@dataclass(frozen=True)
class Text:
    """A step's text: Markdown of one to a few sentences, lines allowed, no other control
    character, at most `max_chars` characters."""

    max_chars: int

    def describe(self) -> str:
        return f"a text of at most {self.max_chars} characters"

    def check(self, path: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{path}: expected a text, got {show(value)}")
        if len(value) > self.max_chars:
            raise InputError(f"{path}: longer than {self.max_chars} characters")
        if not value.replace("\n", " ").isprintable():
            raise InputError(f"{path}: holds a control character")
        return value


@dataclass(frozen=True)
class Label:
    """The label of a run on screen (a comparison's variant, or what differs)."""

    def describe(self) -> str:
        return "a run's label as the legend shows it"

    def check(self, path: str, value: Any) -> str:
        ok = isinstance(value, str) and value.strip() and value.isprintable()
        if not ok or len(value) > MAX_LABEL_CHARS:
            raise InputError(f"{path}: {show(value)} is not {self.describe()}")
        return value


@dataclass(frozen=True)
class Changes:
    """A step's `set`: {"section.key": value, …}, each key one of `rows` (the data, model
    and train keys), each value checked as that key's row checks it. Held as a tuple of
    (key, value) pairs in the file's order, values in the config's own form."""

    rows: Mapping[str, Any]  # key → its `core.config.table.Setting`

    def describe(self) -> str:
        return 'an object {"section.key": value}'

    def check(self, path: str, value: Any) -> tuple[tuple[str, Any], ...]:
        if not isinstance(value, dict):
            raise InputError(f"{path}: expected an object, got {show(value)}")
        changes = []
        for key, given in value.items():
            if key not in self.rows:
                raise InputError(
                    f"{path}.{show_key(key)}: not a setting a step may change "
                    "(a data, model or train key, e.g. train.l2)"
                )
            changes.append((key, self.rows[key].allowed.check(f"{path}.{key}", given)))
        return tuple(changes)


@dataclass(frozen=True)
class StepField:
    """One field of a step: `name` in the file, `attr` on `Step`, its values (`allowed`: a
    kind, or a function of the settable rows that makes it), its default, and `tip`."""

    name: str
    allowed: Kind | Text | Label | Callable[[Mapping[str, Any]], Any]
    tip: str
    default: Any = None
    required: bool = False
    attr: str = ""

    @property
    def attribute(self) -> str:
        return self.attr or self.name

    def kind(self, rows: Mapping[str, Any]):
        return self.allowed if hasattr(self.allowed, "check") else self.allowed(rows)


STEP_FIELDS: tuple[StepField, ...] = (
    StepField(
        "text",
        Text(MAX_TEXT_CHARS),
        "What is done and what the class sees, with the measured figures (the claim the "
        "tests hold); Markdown of the lesson text's kind.",
        required=True,
    ),
    StepField(
        "set",
        lambda rows: Changes(rows),
        "Changes to the config, checked as a user's edits, in order. The run starts afresh "
        "from epoch 0 (same seeds), unless `continue`.",
        default=(),
        attr="changes",
    ),
    StepField(
        "continue",
        Flag(),
        "Keep the run and train on from its epoch; only hot keys may be set.",
        default=False,
        attr="continues",
    ),
    StepField(
        "epochs",
        lambda rows: rows["train.epochs"].allowed,
        "The epoch to train to (it becomes train.epochs). Default: train.epochs; needed "
        "with `continue`.",
    ),
    StepField(
        "pin",
        Flag(),
        "The runs on screen stay as compared runs and this step's run is added beside "
        "them (four at most); without it the step's run replaces the one it changes.",
        default=False,
    ),
    StepField(
        "view",
        Name("a view's name (`deepdials --list-views`)"),
        "The view shown from this step on.",
    ),
    StepField(
        "speed",
        Name("a playback speed as the toolbar names it, e.g. `10 epochs/s`"),
        "The playback speed while this step trains (default: the lesson's).",
    ),
    StepField(
        "reveal",
        Choice(("test",)),
        '`"test"` reveals the test set: a lesson with such a step starts with the test '
        "set hidden (its curves, error and points) until this step. A step that only "
        "reveals keeps the runs as they are.",
    ),
    StepField(
        "run",
        Label(),
        "The run this step changes, by its label (default: in a comparison every run "
        "on screen, else the run the last step trained).",
    ),
)
FIELDS_BY_NAME = {f.name: f for f in STEP_FIELDS}


@dataclass(frozen=True)
class Step:
    """One step, its fields as `STEP_FIELDS` describes them."""

    text: str
    changes: tuple[tuple[str, Any], ...] = ()
    continues: bool = False
    epochs: int | None = None
    pin: bool = False
    view: str | None = None
    speed: str | None = None
    reveal: str | None = None
    run: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The step as its file writes it: the fields that differ from their defaults."""
        out: dict[str, Any] = {}
        for f in STEP_FIELDS:
            value = getattr(self, f.attribute)
            if value == f.default and not f.required:
                continue
            if f.name == "set":
                value = {k: list(v) if isinstance(v, tuple) else v for k, v in value}
            out[f.name] = value
        return out


@dataclass(frozen=True)
class StepList:
    """The kind of `lesson.steps`: a list of steps, each an object of `STEP_FIELDS`;
    `rows` are the settings a step may set (key → `core.config.table.Setting`)."""

    rows: Mapping[str, Any]

    def describe(self) -> str:
        return "a list of steps (see Lesson steps)"

    def check(self, path: str, value: Any) -> tuple[Step, ...]:
        if not isinstance(value, list):
            raise InputError(f"{path}: expected a list, got {show(value)}")
        return tuple(self._step(f"{path}[{i}]", raw) for i, raw in enumerate(value))

    def _step(self, path: str, raw: Any) -> Step:
        if not isinstance(raw, dict):
            raise InputError(f"{path}: expected an object, got {show(raw)}")
        unknown = sorted(set(raw) - set(FIELDS_BY_NAME), key=str)
        if unknown:
            allowed = ", ".join(FIELDS_BY_NAME)
            raise InputError(f"{path}.{show_key(unknown[0])}: unknown key; allowed: {allowed}")
        values = {}
        for f in STEP_FIELDS:
            if f.name not in raw:
                if f.required:
                    raise InputError(f"{path}.{f.name}: missing")
                continue
            values[f.attribute] = f.kind(self.rows).check(f"{path}.{f.name}", raw[f.name])
        return Step(**values)


def keeps_test_hidden(steps: tuple[Step, ...], number: int) -> bool:
    """Whether the test set is hidden after step `number` (from 1; 0: before the first):
    the lesson reveals it at a later step."""
    return any(step.reveal == "test" for step in steps[number:]) and not any(
        step.reveal == "test" for step in steps[:number]
    )


def settable(rows: Mapping[str, Any]) -> dict[str, Any]:
    """The rows a step may set: the data, model and train keys but the file of points."""
    return {
        key: row
        for key, row in rows.items()
        if key.split(".")[0] in SETTABLE_SECTIONS and key != "data.csv"
    }


def markdown_table() -> str:
    """The README's table of the step fields: field, default, meaning."""
    lines = ["| field | default | meaning |", "|---|---|---|"]
    for f in STEP_FIELDS:
        default = (
            "required" if f.required else f"`{json.dumps(f.default) if f.default != () else '{}'}`"
        )
        lines.append(f"| `{f.name}` | {default} | {f.tip} |")
    return "\n".join(lines)
