"""A run's state as plain data: everything training reads and writes, and nothing else.

`RunState` holds θ, its gradient, the optimizer's state, the training RNG stream, the
history and the best and last finite epochs, with the inputs and the buffers the passes
work in. `new_run` builds one from a config; `set_config` applies hot settings to it. The
training loop over it is `core.engine.run.train`; what a run reports (snapshot, layer
statistics, surface, diagram, gradient check) is `core.engine.reports`.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepdials.core.config.schema import Config, check_rules, keep_probs, needs_new_run
from deepdials.core.data.dataprep import Data, build_data
from deepdials.core.data.features import InputPipeline
from deepdials.core.data.points import SPLITS, Points
from deepdials.core.engine.activations import ACTIVATIONS, Activation
from deepdials.core.engine.buffers import Buffers
from deepdials.core.engine.history import History
from deepdials.core.engine.network import Workspace, chunk_rows, flops_per_row, init_params
from deepdials.core.engine.optimizers import Optimizer
from deepdials.core.engine.params import Params
from deepdials.core.engine.regularization import Penalty
from deepdials.core.engine.snapshot import RunInfo, Status
from deepdials.core.engine.tasks import TASKS, Task
from deepdials.core.streams import train_stream

# Training yields after a step once the steps since its last yield hold this many rows, or
# their work reaches YIELD_FLOPS (a few milliseconds at most): small steps are many to a
# yield, so yielding costs nothing measurable, and a large net's yields stay close.
YIELD_ROWS = 128
YIELD_FLOPS = 5e7


@dataclass
class FiniteEpoch:
    """An epoch's θ, its last gradient and optimizer step, and its grad_norm : (L,)."""

    epoch: int
    params: Params
    grads: Params
    step: np.ndarray
    grad_norm: np.ndarray


@dataclass
class GradientFigure:
    """The per-layer gradient figure (`core.engine.run`) being summed over an epoch's steps:
    Σ ‖δᵢ[l]‖² and the rows so far, and `last`, the figure of the last whole epoch : (L,)."""

    widths: np.ndarray  # n_l of each layer l = 1 … L, float64
    sums: list[float]
    rows: int
    last: np.ndarray
    views: dict[int, tuple[Workspace, list]] = field(default_factory=dict)  # dZ[l] flat

    @classmethod
    def of(cls, sizes: tuple[int, ...]) -> GradientFigure:
        L = len(sizes) - 1
        return cls(np.array(sizes[1:], dtype=np.float64), [0.0] * L, 0, np.full(L, np.nan))


@dataclass
class DropoutCost:
    """The cost J that training with dropout minimizes, summed over an epoch's steps: the
    cross-entropy of each batch's thinned network (its own masks), Σ over rows, the rows so
    far, and `last`, the mean over the last whole epoch's rows (NaN: no step had dropout)."""

    total: float = 0.0
    rows: int = 0
    last: float = float("nan")

    def close(self) -> None:
        self.last = self.total / self.rows if self.rows else float("nan")
        self.total, self.rows = 0.0, 0


@dataclass(eq=False)
class RunState:
    """One run of `config` (see the module docstring). Fields below `config` follow its
    train section (`set_config`); `recorded` is the last epoch scored (−1: none yet)."""

    run_id: int
    data: Data
    points_in_memory: bool  # the data came as points or Data, not from the config's file
    pipeline: InputPipeline
    act: Activation
    task: Task  # the data's: classes or regression (`core.engine.tasks`)
    sizes: tuple[int, ...]  # (n_0, …, n_L)
    dtype: type
    splits: tuple[str, ...]  # train, val, test (and train_dev when the data has it)
    inputs: dict[str, np.ndarray]  # (n, n_0) per split, through the pipeline
    targets: dict[str, np.ndarray]  # (n, K) per split: the task's (one-hot, 0/1, or y)
    labels: dict[str, np.ndarray]  # (n,) per split: class labels, or real targets
    n_train: int
    chunk: int  # rows per pass over many rows (`core.engine.network.chunk_rows`)
    yield_rows: int  # rows of steps between two yields of training (YIELD_ROWS)
    params: Params
    grads: Params  # the gradient of the last step taken, penalty included
    rng: np.random.Generator  # shuffles and dropout masks
    history: History
    metrics: dict[str, dict[str, float]]  # the task's metrics per split at `recorded`
    best_theta: np.ndarray
    figure: GradientFigure
    config: Config
    dropout_cost: DropoutCost = field(default_factory=DropoutCost)
    keep: tuple[float, ...] = ()
    dropout: bool = False
    penalty: Penalty | None = None
    optimizer: Optimizer | None = None
    epoch: int = 0
    updates: int = 0
    train_seconds: float = 0.0
    status: Status = Status.RUNNING
    diverged_at: int | None = None
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    best_val: float = np.inf
    best_metrics: dict[str, dict[str, float]] | None = None
    finite: FiniteEpoch | None = None  # the last epoch recorded with finite numbers
    recorded: int = -1
    buffers: Buffers = field(default_factory=Buffers)
    edits: list = field(default_factory=list)  # ParamEdit, oldest first (core.engine.edits)

    @property
    def scored(self) -> bool:
        """Whether `metrics` and the history are those of θ at the current epoch."""
        return self.recorded == self.epoch


def new_run(
    config: Config,
    run_id: int = 0,
    base_dir: Path | None = None,
    points: Points | None = None,
    data: Data | None = None,
    dtype=np.float32,
) -> RunState:
    """A run of `config` at epoch 0. Its data: `data` as given, else built from the config
    (kind "csv": from `points` held in memory, else the file, relative to `base_dir`)."""
    data = build_data(config.data, base_dir, points) if data is None else data
    check_rules(config, data, section="data")  # on the points' own inputs and targets
    K = data.n_classes
    task = TASKS[data.task]
    features = config.data.features
    pipeline = InputPipeline.fit(data.train.X, features, config.data.normalize)
    sizes = (len(features), *config.model.hidden, task.n_outputs(K))
    seed = config.train.seed
    params = init_params(
        sizes, config.model.init, config.model.init_scale, train_stream(seed, "init"), dtype
    )
    splits = SPLITS + (() if data.train_dev is None else ("train_dev",))
    parts = {name: getattr(data, name) for name in splits}
    L = len(sizes) - 1
    history = History(
        {f"{s}_{m}": None for s in splits for m in ("loss", "error")}
        | {"grad_norm": L, "dropout_loss": None}
    )
    state = RunState(
        run_id=run_id,
        data=data,
        points_in_memory=points is not None or data is not None,
        pipeline=pipeline,
        act=ACTIVATIONS[config.model.activation],
        task=task,
        sizes=sizes,
        dtype=dtype,
        splits=splits,
        inputs={name: pipeline(s.X, dtype) for name, s in parts.items()},
        targets={name: task.targets(s.y, K, dtype) for name, s in parts.items()},
        labels={name: s.y for name, s in parts.items()},
        n_train=len(data.train.y),
        chunk=chunk_rows(sizes, np.dtype(dtype).itemsize),
        yield_rows=max(1, min(YIELD_ROWS, int(YIELD_FLOPS // flops_per_row(sizes)))),
        params=params,
        grads=Params(params.layout, np.zeros_like(params.theta)),
        rng=train_stream(seed, "training"),
        history=history,
        metrics={name: task.empty_metrics() for name in splits},
        best_theta=np.empty_like(params.theta),
        figure=GradientFigure.of(sizes),
        config=config,
    )
    _check_train(state, config)
    _apply_train(state)
    return state


def set_config(state: RunState, config: Config) -> None:
    """Take a config that differs from the run's in hot settings only (lr, λ, keep-prob,
    batch size, optimizer, momentum, patience, epochs, …) at the next step. A batch half
    summed when the batch size or keep-prob changes is dropped (`core.engine.run`)."""
    if needs_new_run(state.config, config, points_in_memory=state.points_in_memory):
        raise ValueError("a structural setting changed: that needs a new run")
    _check_train(state, config)
    state.config = config
    _apply_train(state)


def copied(state: RunState) -> RunState:
    """A run that goes on from where `state` stands, training on its own: θ, gradient,
    optimizer, RNG stream, history and best and finite epochs copied; its data, inputs and
    targets (never written) shared; buffers made afresh on first use. Taken between two
    `train` generators (at an epoch's end), training it gives the bits training `state`
    would."""
    shared = [state.data, state.pipeline, state.act]
    for arrays in (state.inputs, state.targets, state.labels):
        shared += arrays.values()
    memo = {id(obj): obj for obj in shared}
    memo[id(state.buffers)] = Buffers()
    memo[id(state.figure.views)] = {}
    run = deepcopy(state, memo)
    # a Params' W and b are views into its θ: made again over the copied θ
    run.params = Params(run.params.layout, run.params.theta)
    run.grads = Params(run.grads.layout, run.grads.theta)
    if run.finite is not None:
        run.finite.params = Params(run.finite.params.layout, run.finite.params.theta)
        run.finite.grads = Params(run.finite.grads.layout, run.finite.grads.theta)
    return run


def run_info(state: RunState) -> RunInfo:
    return RunInfo(state.run_id, state.config, state.data, state.sizes)


def _check_train(state: RunState, config: Config) -> None:
    """The train section's rules between keys, on the run's own data (points of one's own
    may bring no validation split)."""
    check_rules(config, state.data, section="train")


def _apply_train(state: RunState) -> None:
    """The fields that follow the train section; a finished run given more epochs runs
    again, a running one whose epochs now end at its scored epoch is finished."""
    train = state.config.train
    state.keep = keep_probs(train.keep_prob, len(state.sizes) - 2)
    state.dropout = any(p < 1.0 for p in state.keep)
    layout = state.params.layout
    state.penalty = Penalty(layout.weight_mask(), state.n_train, train.l2, train.l1, state.dtype)
    if state.optimizer is None or state.optimizer.kind != train.optimizer:
        state.optimizer = Optimizer(train.optimizer, layout.n_params, state.dtype)
    state.optimizer.beta = train.momentum
    if state.status == Status.FINISHED and state.epoch < train.epochs:
        state.status = Status.RUNNING
    elif state.status == Status.RUNNING and state.scored and state.epoch >= train.epochs:
        state.status = Status.FINISHED
