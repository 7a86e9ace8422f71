"""Lessons run headless, as the claim tests measure them: a preset with both seeds set to
one of SEEDS (and any overrides), trained once per test session and shared by every claim
that reads the same run. A comparison lesson trains each of its variants so; a lesson in
steps is played step by step (`at_step`), each step trained once."""

import functools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from deepdials.core.config.compare import Comparison, Variant
from deepdials.core.config.files import load_config, load_experiment
from deepdials.core.config.schema import ClassroomConfig, Config, LessonConfig, check_consistency
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import RunState, new_run
from deepdials.core.lessons.player import Lesson, play
from deepdials.resources import PRESETS

SEEDS = (0, 1, 2, 3, 4)  # a claim holds for each of these data.seed = train.seed


def lesson_config(name: str, seed: int = 0, **overrides) -> Config:
    """The preset NAME with data.seed = train.seed = seed and `section__key=value` changes
    (for example `train__l2=0.5`), checked as a config from a file would be."""
    config = load_config(PRESETS / f"{name}.json")
    sections: dict[str, dict] = {"data": {"seed": seed}, "train": {"seed": seed}}
    for key, value in overrides.items():
        section, field = key.split("__")
        sections.setdefault(section, {})[field] = value
    for section, values in sections.items():
        config = replace(config, **{section: replace(getattr(config, section), **values)})
    return check_consistency(config)


@functools.cache
def _trained(config: Config) -> RunState:
    run = new_run(config, base_dir=PRESETS)
    advance(run)
    return run


def trained(name: str, seed: int = 0, epochs: int | None = None, **overrides) -> RunState:
    """The lesson's run after its epochs (or `epochs`); the same object for the same
    training, whichever lesson asks (presets that differ only in how they present the
    lesson share it), so read it, never train it further."""
    config = lesson_config(name, seed, **overrides)
    if epochs is not None:
        config = replace(config, train=replace(config.train, epochs=epochs))
    return _trained(replace(config, lesson=LessonConfig(), classroom=ClassroomConfig()))


def gap(run: RunState) -> float:
    """Validation error − training error: the variance, without mismatch."""
    return error(run, "val") - error(run)


def at_epoch(run: RunState, name: str, epoch: int) -> float:
    """A history column's value at the first recorded epoch from `epoch` on."""
    epochs, values = column(run, name)
    return float(values[np.searchsorted(epochs, epoch)])


@functools.cache
def compared(name: str, seed: int = 0) -> dict[str, RunState]:
    """The comparison lesson NAME's runs after their epochs, by label in the file's order,
    each with data.seed = train.seed = seed."""
    runs = {}
    for variant in seeded(load_experiment(PRESETS / f"{name}.json"), seed).variants:
        runs[variant.label] = new_run(variant.config, base_dir=PRESETS)
        advance(runs[variant.label])
    return runs


def at_step(name: str, step: int, seed: int = 0) -> dict[str, RunState]:
    """The runs on screen after step `step` (from 1) of the lesson NAME (a preset's name,
    or the path of a .json file), by label in the window's order, with data.seed =
    train.seed = seed in every run at load. Each step is trained once per test session,
    from where the step before left its runs; read the runs, never train them further."""
    done, rest = _played(name, seed)
    while len(done) < step:
        stage = next(rest, None)
        if stage is None:
            raise ValueError(f"{name} has {len(done)} steps, not {step}")
        done.append(stage)
    return done[step - 1]


@functools.cache
def _played(name: str, seed: int) -> tuple[list[dict[str, RunState]], Iterator]:
    """The steps of NAME played so far, and the player that plays the rest."""
    path = Path(name) if name.endswith(".json") else PRESETS / f"{name}.json"
    return [], play(seeded(load_experiment(path), seed), base_dir=path.parent)


def seeded(lesson: Lesson, seed: int) -> Lesson:
    """`lesson` with data.seed = train.seed = seed in its config, or in every variant's."""

    def one(config: Config) -> Config:
        data, train = config.data, config.train
        return check_consistency(
            replace(config, data=replace(data, seed=seed), train=replace(train, seed=seed))
        )

    if isinstance(lesson, Comparison):
        return Comparison(tuple(Variant(v.label, one(v.config)) for v in lesson.variants))
    return one(lesson)


def error(run: RunState, split: str = "train") -> float:
    return run.metrics[split]["error"]


def column(run: RunState, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) of one history column, as the Curves view draws it."""
    history = run.history.arrays()
    return history["epoch"], history[name]
