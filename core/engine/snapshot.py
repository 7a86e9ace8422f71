"""What a run reports: its status, the facts fixed at its start, and snapshots of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from deepdials.core.config.schema import Config
from deepdials.core.data.dataprep import Data
from deepdials.core.probes.layer_space import LayerSpace
from deepdials.core.probes.layerstats import LayerStats
from deepdials.core.probes.neurons import Neurons
from deepdials.core.probes.surface import Surface


class Status(str, Enum):
    """Where a run is. A str, so it prints and compares as its value ("diverged")."""

    RUNNING = "running"
    FINISHED = "finished"  # train.epochs reached
    EARLY_STOPPED = "early_stopped"  # val loss stopped improving; the best θ restored
    DIVERGED = "diverged"  # a non-finite loss or parameter

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class RunInfo:
    """What stays fixed for a run's whole life: its id, config at the start, data, sizes."""

    run_id: int
    config: Config
    data: Data
    sizes: tuple[int, ...]  # (n_0, …, n_L): inputs, hidden layers, outputs

    @property
    def task(self) -> str:
        """ "classes" or "regression" (`core.engine.tasks`)."""
        return self.data.task

    @property
    def n_inputs(self) -> int:
        """Raw inputs of the data: 1 (x₁) or 2 (x₁, x₂)."""
        return self.data.n_inputs

    @property
    def noise_sigma(self) -> float | None:
        """σ of y's noise for a regression kind (the f ± σ band); None for classes and for
        points of one's own."""
        return self.data.noise


@dataclass(frozen=True)
class Snapshot:
    """Everything the window draws, as fresh arrays the run will not touch again.

    `metrics[split]` holds loss, error, accuracy (no accuracy for regression) of θ at
    `scored_epoch` (NaN for an empty split): the last epoch scored, `epoch` itself unless it
    is still being scored (a large network's split takes many chunks), None before epoch 0
    is; `history` maps 'epoch' : (n,) and each '<split>_loss' / '<split>_error' : (n,),
    'grad_norm' : (n, L) (the per-layer gradient figure, see `core.engine.run`) and
    'dropout_loss' : (n,) (the cost dropout minimizes; NaN without dropout) to the
    recorded epochs. A diverged run's `layers`, `surface`, `neurons` and
    `layer_space` are those of its last finite epoch (`layers.epoch`).
    """

    run_id: int
    epoch: int
    status: Status
    diverged_at: int | None
    best_epoch: int | None
    stopped_epoch: int | None
    metrics: dict[str, dict[str, float]]
    scored_epoch: int | None
    history: dict[str, np.ndarray]
    layers: LayerStats | None
    surface: Surface | None
    updates: int
    train_seconds: float
    config: Config  # as the run has it now, hot changes included
    neurons: Neurons | None = None
    layer_space: LayerSpace | None = None
    edits: tuple = ()  # the hand edits of θ, oldest first (`core.engine.edits.ParamEdit`)
