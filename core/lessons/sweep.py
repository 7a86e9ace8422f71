"""Sweeps: one setting varied over a list of values, a full training run per value.

Each point is a fresh run (`core.engine.state.new_run`) of the base config with one
setting changed, trained for a given number of epochs and scored at its end. Plotted
against the setting, the errors give the classic curves: train and val error against λ
(the U curve), keep-prob, depth and width, and against the training-set size (learning
curves).

What a value v changes, per parameter:

- `l2`: train.l2 = v (> 0: the axis is logarithmic);
- `keep_prob`: train.keep_prob = v for every hidden layer (the input is kept);
- `depth`: model.hidden = v layers of the base config's first width (8 if it has none);
  a per-layer keep-prob becomes its last entry for every hidden layer;
- `width`: model.hidden = v units in each of the base config's layers (1 layer if none);
- `train_size`: trains on a fraction v of the training split; val and test stay as they are.

A training-set size trains on the first ⌈v·n⌉ rows of one fixed random order of the n
training rows (seeded by data.seed), so every smaller training set is part of every larger
one and every point is scored on the same validation set.

Points are independent and run one at a time here; this module knows nothing of
processes (the window runs points in a process pool, `app.pages.sweep_page`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path

from deepdials.core.config.schema import Config, check_consistency
from deepdials.core.config.table import MAX_LAYERS, MAX_UNITS, PROB
from deepdials.core.config.values import Num
from deepdials.core.data.dataprep import Data, Split, build_data
from deepdials.core.data.points import Points
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.core.errors import InputError
from deepdials.core.streams import data_stream


@dataclass(frozen=True)
class Parameter:
    label: str  # the x axis
    log_x: bool
    allowed: Num
    defaults: tuple[float, ...]
    control: str | None = None  # the config key whose single value the sweep replaces


PARAMETERS: dict[str, Parameter] = {
    "l2": Parameter(
        "λ (L2)",
        True,
        Num(float, 0.0, 100.0, open_lo=True),
        (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0),
        control="train.l2",
    ),
    "keep_prob": Parameter(
        "keep-prob",
        False,
        PROB,
        (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0),
        control="train.keep_prob",
    ),
    "depth": Parameter(
        "hidden layers", False, Num(int, 0, MAX_LAYERS), (0, 1, 2, 3, 4, 5, 6, 8, 10, 12)
    ),
    "width": Parameter(
        "units per hidden layer",
        True,
        Num(int, 1, MAX_UNITS),
        (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64),
    ),
    "train_size": Parameter(
        "training examples m",
        False,
        PROB,
        (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    ),
}


@dataclass(frozen=True)
class Point:
    """One run of a sweep: the config to train, and for `train_size` the fraction."""

    parameter: str
    value: float
    config: Config
    base_dir: Path | None = None
    points: Points | None = None  # for kind "csv": the points in memory, if any
    train_fraction: float | None = None


@dataclass(frozen=True)
class PointResult:
    """The end of one run; x is what the plot puts on its axis (m for train_size)."""

    value: float
    x: float
    train_error: float
    val_error: float
    train_loss: float
    val_loss: float
    status: str
    epochs: int
    train_rows: int
    seconds: float


def sweep_points(
    base: Config,
    parameter: str,
    values: list[float],
    epochs: int,
    base_dir: Path | None = None,
    points: Points | None = None,
) -> list[Point]:
    """The points of a sweep; a value out of range is an `InputError` naming it."""
    spec = PARAMETERS[parameter]
    if not values:
        raise InputError(f"{parameter}: give at least one value")
    epochs = Num(int, 1, 1_000_000).check("epochs per point", epochs)
    train = replace(base.train, epochs=epochs)
    out = []
    for v in values:
        v = spec.allowed.check(f"{parameter} value", v)
        config = replace(base, train=train)
        fraction = None
        if parameter == "l2":
            config = replace(config, train=replace(train, l2=v))
        elif parameter == "keep_prob":
            config = replace(config, train=replace(train, keep_prob=v))
        elif parameter == "depth":
            keep = train.keep_prob
            if isinstance(keep, tuple):  # one per layer no longer fits: the last for all
                keep = keep[-1]
            hidden = (base.model.hidden[0] if base.model.hidden else 8,) * v
            config = replace(
                config,
                model=replace(base.model, hidden=hidden),
                train=replace(train, keep_prob=keep),
            )
        elif parameter == "width":
            hidden = (v,) * max(1, len(base.model.hidden))
            config = replace(config, model=replace(base.model, hidden=hidden))
        else:
            fraction = v
        out.append(Point(parameter, v, check_consistency(config), base_dir, points, fraction))
    return out


def subset_train(data: Data, fraction: float, seed: int) -> Data:
    """`data` with the first ⌈fraction·n⌉ (at least 2) rows of a seeded order of train."""
    n = len(data.train.y)
    m = min(n, max(2, math.ceil(fraction * n - 1e-9)))
    rows = data_stream(seed, "subset").permutation(n)[:m]
    t = data.train
    return replace(data, train=Split(t.X[rows], t.y[rows], t.augmented[rows], t.shifted))


def run_point(point: Point) -> PointResult:
    """Train the point's config for its epochs from scratch and score it at the end."""
    start = time.perf_counter()
    config = point.config
    data = build_data(config.data, point.base_dir, point.points)
    if point.train_fraction is not None:
        data = subset_train(data, point.train_fraction, config.data.seed)
    run = new_run(config, data=data)
    advance(run)
    m = run.metrics
    return PointResult(
        value=point.value,
        x=float(run.n_train) if point.parameter == "train_size" else float(point.value),
        train_error=m["train"]["error"],
        val_error=m["val"]["error"],
        train_loss=m["train"]["loss"],
        val_loss=m["val"]["loss"],
        status=run.status,
        epochs=run.epoch,
        train_rows=run.n_train,
        seconds=time.perf_counter() - start,
    )
