"""Playing a lesson's steps (`core.lessons.steps`): which runs are on screen after each
step, as configs (`plan`), and as trained runs, headless (`play`).

Before step 1 the runs on screen are the lesson's: its one config, or a comparison's
variants, at epoch 0. A step changes some of them, its targets: the run its `run` names
(by label), else in a comparison every run on screen, else the run the step before
trained (step 1: the lesson's). For each target, the step's `set` is applied as a user's
edits (`core.config.schema.edit`), in order, then `epochs` becomes train.epochs:

- fresh (no `continue`): a new run of that config from epoch 0, on the same seeds;
- `continue`: the target's run goes on from its epoch with the hot changes; a key that
  needs a new run is refused, and `epochs` must be past the run's train.epochs;
- `pin`: the runs on screen stay, and each target's new run is added beside them (at
  most MAX_VARIANTS on screen); without it the new run replaces its target;
- a step after the first that sets, trains and pins nothing (a new view, a new text)
  keeps every run as it is.

A run's label says what it is: its variant's label (none for a lesson of one config:
"base") with what differs from that variant's config, train.epochs aside, as a
comparison labels its runs (`core.config.compare.label_of`), e.g. "He, l2 = 0.1".
Every mistake is an `InputError` naming the step, as the file counts it from 0.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from deepdials.core.config.compare import MAX_VARIANTS, Comparison, label_of
from deepdials.core.config.schema import Config, edit, needs_new_run, with_value
from deepdials.core.config.table import BY_KEY
from deepdials.core.config.values import show
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import RunState, copied, new_run, set_config
from deepdials.core.errors import InputError
from deepdials.core.lessons.steps import Step

Lesson = Config | Comparison


class How(enum.Enum):
    """How a step came by a run on screen after it."""

    KEPT = "kept"  # the same run as before the step, untouched
    FRESH = "fresh"  # a new run, trained from epoch 0
    CONTINUED = "continued"  # a run from before the step, trained on


@dataclass(frozen=True)
class Origin:
    """Where a run on screen comes from: a comparison's variant (its label and config) or
    the lesson's one config (no label)."""

    name: str | None
    config: Config


@dataclass(frozen=True)
class PlannedRun:
    """A run on screen after a step: its label, config and origin, how the step came by
    it, and `before`, the label before the step of the run it keeps or continues."""

    label: str
    config: Config
    origin: Origin
    how: How
    before: str | None = None


@dataclass(frozen=True)
class Stage:
    """The runs on screen after step `number` (from 1) and the one it selects: the first
    it trained (a comparison's first run, a pinned run), else the one selected before."""

    number: int
    step: Step
    runs: tuple[PlannedRun, ...]
    selected: int


def steps_of(lesson: Lesson) -> tuple[Step, ...]:
    """The lesson's steps: its config's, or a comparison's first variant's."""
    return _first_config(lesson).lesson.steps


def plan(lesson: Lesson) -> tuple[Stage, ...]:
    """The runs on screen after each step of `lesson`, as configs; an `InputError` names
    the first step that cannot be played (the module docstring says what a step does)."""
    comparison = isinstance(lesson, Comparison)
    prefix = "base." if comparison else ""
    if comparison:
        for i, variant in enumerate(lesson.variants[1:], start=1):
            if variant.config.lesson.steps != steps_of(lesson):
                raise InputError(f"variants[{i}].lesson.steps: the steps belong to the base")
        origins = [Origin(v.label, v.config) for v in lesson.variants]
    else:
        origins = [Origin(None, lesson)]
    shown = [PlannedRun(label(o, o.config), o.config, o, How.FRESH) for o in origins]
    selected = 0
    stages = []
    for i, step in enumerate(steps_of(lesson)):
        where = f"{prefix}lesson.steps[{i}]"
        targets = _targets(step, shown, selected, comparison, where)
        if i > 0 and not (step.changes or step.continues or step.pin or step.epochs):
            targets = []  # nothing to change (a view, a text): the runs stay as they are
        if i == 0 and (step.continues or step.pin):
            field = "continue" if step.continues else "pin"
            raise InputError(f"{where}.{field}: the first step has no run before it")
        if step.continues and step.epochs is None:
            raise InputError(f"{where}.epochs: needed with continue")
        after = [replace(run, how=How.KEPT, before=run.label) for run in shown]
        made = []
        for t in targets:
            run = shown[t]
            config = _stepped(run.config, step, where)
            how = How.CONTINUED if step.continues else How.FRESH
            new = PlannedRun(run.label, config, run.origin, how, run.label)
            if step.pin:
                after.append(new)
                made.append(len(after) - 1)
            else:
                after[t] = new
                made.append(t)
        if len(after) > MAX_VARIANTS:
            raise InputError(
                f"{where}.pin: {len(after)} runs on screen; at most {MAX_VARIANTS} side by side"
            )
        for t in made:
            others = [r.label for j, r in enumerate(after) if j != t]
            own = label(after[t].origin, after[t].config)
            after[t] = replace(after[t], label=_unique(own, others))
        selected = made[0] if made else selected
        stages.append(Stage(i + 1, step, tuple(after), selected))
        shown = after
    return tuple(stages)


def play(lesson: Lesson, base_dir: Path | None = None) -> Iterator[dict[str, RunState]]:
    """The runs on screen after each step, by label in the order the window lists them,
    trained headless: each step trains only its own runs, from where the step before
    left them. A run once yielded is never trained further (a step that continues it
    continues a copy), so what a step yielded stays as that step left it. `base_dir`: what
    a relative data.csv is relative to."""
    before: dict[str, RunState] = {}
    for stage in plan(lesson):
        after: dict[str, RunState] = {}
        for run in stage.runs:
            if run.how is How.KEPT:
                state = before[run.before]
            else:
                if run.how is How.FRESH:
                    state = new_run(run.config, base_dir=base_dir)
                else:
                    state = copied(before[run.before])
                    set_config(state, run.config)
                advance(state)
            after[run.label] = state
        yield after
        before = after


def label(origin: Origin, config: Config) -> str:
    """What a run of `config` is: its origin's label, with what differs from the origin's
    config (train.epochs aside); "base" for the lesson's own config."""
    config = with_value(config, "train.epochs", origin.config.train.epochs)
    same = label_of(origin.config, origin.config, 1)
    changed = label_of(origin.config, config, 1)
    if changed == same:
        return origin.name or "base"
    return f"{origin.name}, {changed}" if origin.name else changed


def _first_config(lesson: Lesson) -> Config:
    return lesson.variants[0].config if isinstance(lesson, Comparison) else lesson


def _targets(
    step: Step, shown: list[PlannedRun], selected: int, comparison: bool, where: str
) -> list[int]:
    """The indices of the runs `step` changes (the module docstring)."""
    if step.run is not None:
        labels = [run.label for run in shown]
        if step.run not in labels:
            on_screen = ", ".join(labels)
            raise InputError(f"{where}.run: {show(step.run)} is not a run on screen ({on_screen})")
        return [labels.index(step.run)]
    return list(range(len(shown))) if comparison else [selected]


def _stepped(config: Config, step: Step, where: str) -> Config:
    """`config` after the step's changes, checked as a user's edits, and its epochs."""
    new = config
    for key, value in step.changes:
        if step.continues and not BY_KEY[key].hot:
            raise InputError(f"{where}.set.{key}: needs a new run, so it cannot continue one")
        try:
            new = edit(new, key, value)
        except InputError as exc:
            raise InputError(f"{where}.set.{exc}") from None
    if step.continues and needs_new_run(config, new):
        raise InputError(f"{where}.set: its changes need a new run, so they cannot continue one")
    if step.epochs is not None:
        if step.continues and step.epochs <= config.train.epochs:
            raise InputError(
                f"{where}.epochs: {step.epochs} is not past the run's {config.train.epochs}"
            )
        new = with_value(new, "train.epochs", step.epochs)
    return new


def _unique(own: str, others: list[str]) -> str:
    """`own`, or `own (2)`, `own (3)` … when another run on screen has that label."""
    name, n = own, 1
    while name in others:
        n += 1
        name = f"{own} ({n})"
    return name
