"""A training run: one network on one data set, advanced in slices, reported in snapshots.

`Run` is the only stateful piece of the engine. It owns θ, the optimizer state, the
dropout/shuffle RNG and a bounded history, and advances when asked: by whole epochs
(the command line) or by a time budget that may end mid-epoch (the window's worker).

Metrics are recorded for θ after every epoch e (epoch 0 = the initial θ): cross-entropy
loss (without the penalty term) and error on train, val and test, and ‖dW[l]‖ of the
epoch's last update. Full-batch training without dropout reuses the next step's forward
pass to score the training set, so recording costs nothing extra there.

A run ends as `finished` (train.epochs reached), `early_stopped` (val loss did not improve
for `patience` epochs; the best θ is restored) or `diverged` (a non-finite loss or
parameter; the epoch is kept). Overflow inside NumPy is expected, not an error: training
runs under `np.errstate(all="ignore")` and divergence is a status, never an exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.config.schema import Config, keep_probs, needs_new_run
from core.data.dataprep import Data, build_data
from core.data.features import InputPipeline
from core.data.points import SPLITS, Points
from core.engine.activations import ACTIVATIONS
from core.engine.history import History
from core.engine.losses import mean_loss, n_outputs, output_gradient, predictions, targets
from core.engine.network import Workspace, backward, forward, init_params
from core.engine.optimizers import Optimizer
from core.engine.params import Params
from core.engine.regularization import Penalty
from core.engine.snapshot import RunInfo, Snapshot, Status
from core.errors import InputError
from core.probes.gradcheck import DEFAULT_EPSILON, DEFAULT_ROWS, GradCheck, gradient_check
from core.probes.layerstats import LayerStats, layer_statistics
from core.probes.neurons import NeuronEvaluator, Neurons
from core.probes.surface import Surface, SurfaceEvaluator
from core.streams import train_stream

PROBE_ROWS = 128
MAX_WORKSPACES = 6


class Run:
    """One training run of `config`. Its data: `data` as given, else built from the config
    (kind "csv": from `points` held in memory, else the file, relative to `base_dir`)."""

    def __init__(
        self,
        config: Config,
        run_id: int = 0,
        base_dir: Path | None = None,
        points: Points | None = None,
        data: Data | None = None,
        dtype=np.float32,
    ):
        self.config = config
        self.run_id = run_id
        self.dtype = dtype
        self.data = build_data(config.data, base_dir, points) if data is None else data
        self._points_in_memory = points is not None or data is not None
        K = self.data.n_classes
        features = config.data.features
        self.pipeline = InputPipeline.fit(self.data.train.X, features, config.data.normalize)
        self.act = ACTIVATIONS[config.model.activation]
        self.sizes = (len(features), *config.model.hidden, n_outputs(K))
        self.params = init_params(
            self.sizes,
            config.model.init,
            config.model.init_scale,
            train_stream(config.train.seed, "init"),
            dtype,
        )
        self.rng = train_stream(config.train.seed, "training")
        self.grads = Params(self.params.layout, np.zeros_like(self.params.theta))
        splits = {name: getattr(self.data, name) for name in SPLITS}
        self._inputs = {name: self.pipeline(s.X, dtype) for name, s in splits.items()}
        self._targets = {name: targets(s.y, K, dtype) for name, s in splits.items()}
        self._labels = {name: s.y for name, s in splits.items()}
        self.n_train = len(self._labels["train"])
        self._train_workspaces: dict[int, Workspace] = {}
        self._eval_workspaces: dict[int, Workspace] = {}
        self._surfaces: dict[int, SurfaceEvaluator] = {}
        self._neurons: NeuronEvaluator | None = None
        self.epoch = 0
        self.updates = 0
        self.train_seconds = 0.0
        self.status = Status.RUNNING
        self.diverged_at: int | None = None
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._best_val = np.inf
        self._best_theta = np.empty_like(self.params.theta)
        self._recorded = -1
        self._cursor = 0
        self._order_X = self._inputs["train"]
        self._order_T = self._targets["train"]
        self.metrics = {name: _empty_metrics() for name in SPLITS}
        self.history = History(
            {f"{s}_{m}": None for s in SPLITS for m in ("loss", "error")}
            | {"grad_norm": self.params.layout.n_layers}
        )
        self.optimizer: Optimizer | None = None
        self._check_train(config)
        self._apply_train()

    def info(self) -> RunInfo:
        return RunInfo(self.run_id, self.config, self.data, self.sizes)

    # ----- settings that change the running network at its next step -----

    def set_config(self, config: Config) -> None:
        """Take a config that differs from the run's in hot settings only (lr, λ, keep-prob,
        batch size, optimizer, momentum, patience, epochs, …) at the next step."""
        if needs_new_run(self.config, config, points_in_memory=self._points_in_memory):
            raise ValueError("a structural setting changed: that needs a new run")
        self._check_train(config)
        self.config = config
        self._apply_train()

    def _check_train(self, config: Config) -> None:
        if config.train.patience and not len(self._labels["val"]):
            raise InputError("train.patience: early stopping needs a validation split")

    def _apply_train(self) -> None:
        train = self.train = self.config.train
        self.keep = keep_probs(train.keep_prob, len(self.sizes) - 2)
        self.dropout = any(p < 1.0 for p in self.keep)
        self.penalty = Penalty(
            self.params.layout.weight_mask(), self.n_train, train.l2, train.l1, self.dtype
        )
        if self.optimizer is None or self.optimizer.kind != train.optimizer:
            self.optimizer = Optimizer(train.optimizer, self.params.layout.n_params, self.dtype)
        self.optimizer.beta = train.momentum
        if self.status == Status.FINISHED and self.epoch < train.epochs:
            self.status = Status.RUNNING

    # ----- training -----

    def advance(self, epochs: int | None = None, seconds: float | None = None) -> None:
        """Train until `epochs` more epochs are done, `seconds` have passed, or the run ends.

        A time budget may stop mid-epoch; the next call carries on where this one stopped.
        """
        start = time.perf_counter()
        deadline = start + seconds if seconds is not None else np.inf
        target = self.epoch + epochs if epochs is not None else self.train.epochs
        with np.errstate(all="ignore"):
            while self.status == Status.RUNNING and self.epoch < target:
                if not self._advance_epoch(deadline) or time.perf_counter() >= deadline:
                    break
            if self.status == Status.RUNNING and self._cursor == 0:
                self._record_pending()
        self.train_seconds += time.perf_counter() - start

    def _advance_epoch(self, deadline: float) -> bool:
        """Run the rest of the current epoch; False when the deadline cut it short."""
        N = self.n_train
        rows = self.train.batch_size or N
        if rows >= N and not self.dropout:
            ws = self._workspace(N)
            z = forward(self.params, self._inputs["train"], self.act, ws)
            if self._recorded < self.epoch:
                self._record(train_logits=z)
                if self.status != Status.RUNNING:
                    return True
            self._update(ws, z, self._targets["train"])
            self.epoch += 1
            return True
        if self._cursor == 0:
            self._record_pending()
            if self.status != Status.RUNNING:
                return True
            self._shuffle(rows < N)
        while self._cursor < N:
            stop = self._cursor + (self.train.batch_size or N)
            X = self._order_X[self._cursor : stop]
            T = self._order_T[self._cursor : stop]
            ws = self._workspace(len(X))
            z = (
                forward(self.params, X, self.act, ws, self.keep, self.rng)
                if self.dropout
                else (forward(self.params, X, self.act, ws))
            )
            self._update(ws, z, T)
            self._cursor = min(stop, N)
            if self._cursor < N and time.perf_counter() >= deadline:
                return False
        self._cursor = 0
        self.epoch += 1
        return True

    def _shuffle(self, shuffle: bool) -> None:
        if shuffle:
            order = self.rng.permutation(self.n_train)
            self._order_X = self._inputs["train"][order]
            self._order_T = self._targets["train"][order]
        else:
            self._order_X = self._inputs["train"]
            self._order_T = self._targets["train"]

    def _update(self, ws: Workspace, z: np.ndarray, T: np.ndarray) -> None:
        """Backprop from logits z against targets T, add the penalty, take one step."""
        output_gradient(z, T, ws.dZ[-1])
        backward(self.params, self.act, ws, self.grads)
        if self.penalty.active:
            self.penalty.add_gradient(self.params.theta, self.grads.theta)
        self.optimizer.apply(self.params.theta, self.grads.theta, self.train.lr)
        self.updates += 1

    def _workspace(self, rows: int, pool: dict[int, Workspace] | None = None) -> Workspace:
        """Buffers for `rows` examples: training steps and scoring keep separate pools, so
        scoring a split never overwrites the cache of a step still to be taken."""
        pool = self._train_workspaces if pool is None else pool
        ws = pool.get(rows)
        if ws is None:
            if len(pool) >= MAX_WORKSPACES:
                pool.clear()
            ws = pool[rows] = Workspace(self.sizes, rows, self.dtype)
        return ws

    # ----- recording, stopping -----

    def _record_pending(self) -> None:
        if self._recorded < self.epoch:
            self._record()

    def _logits(self, split: str) -> np.ndarray:
        X = self._inputs[split]
        return forward(self.params, X, self.act, self._workspace(len(X), self._eval_workspaces))

    def _score(self, split: str, z: np.ndarray) -> dict[str, float]:
        if not len(z):
            return _empty_metrics()
        error = float(np.mean(predictions(z) != self._labels[split]))
        return {"loss": mean_loss(z, self._targets[split]), "error": error, "accuracy": 1 - error}

    def _record(self, train_logits: np.ndarray | None = None) -> None:
        """Score θ at the current epoch, append to history, then check the stop rules."""
        e = self.epoch
        for split in SPLITS:
            if not len(self._labels[split]):
                continue  # stays NaN: an empty split has no loss
            z = train_logits if split == "train" and train_logits is not None else None
            self.metrics[split] = self._score(split, self._logits(split) if z is None else z)
        grad_norms = [float(np.sqrt(np.vdot(W, W))) for W in self.grads.W]
        self.history.append(
            e,
            {f"{s}_{m}": self.metrics[s][m] for s in SPLITS for m in ("loss", "error")}
            | {"grad_norm": grad_norms},
        )
        self._recorded = e
        loss = self.metrics["train"]["loss"]
        if not np.isfinite(loss) or not np.isfinite(self.params.theta.sum(dtype=np.float64)):
            self.status = Status.DIVERGED
            self.diverged_at = e
            return
        if self.train.patience:
            self._early_stopping(e)
        if self.status == Status.RUNNING and e >= self.train.epochs:
            self.status = Status.FINISHED

    def _early_stopping(self, e: int) -> None:
        """Keep the best θ by validation loss; stop `patience` epochs after it. A NaN
        validation loss is never a best, and patience counts from the first best."""
        val_loss = self.metrics["val"]["loss"]
        if val_loss < self._best_val:
            self._best_val = val_loss
            self.best_epoch = e
            np.copyto(self._best_theta, self.params.theta)
        elif self.best_epoch is not None and e - self.best_epoch >= self.train.patience:
            np.copyto(self.params.theta, self._best_theta)
            self.status = Status.EARLY_STOPPED
            self.stopped_epoch = e
            for split in SPLITS:
                self.metrics[split] = self._score(split, self._logits(split))

    # ----- reporting -----

    def layer_stats(self) -> LayerStats:
        """Statistics of a forward/backward pass (no dropout) over ≤ PROBE_ROWS train rows."""
        X = self._inputs["train"][:PROBE_ROWS]
        T = self._targets["train"][:PROBE_ROWS]
        ws = self._workspace(len(X), self._eval_workspaces)
        probe = Params(self.params.layout, np.empty_like(self.params.theta))
        with np.errstate(all="ignore"):
            z = forward(self.params, X, self.act, ws)
            output_gradient(z, T, ws.dZ[-1])
            backward(self.params, self.act, ws, probe)
            return layer_statistics(self.params, self.act, ws, probe, self.optimizer.step)

    def surface(self, resolution: int) -> Surface:
        evaluator = self._surfaces.get(resolution)
        if evaluator is None:
            self._surfaces.clear()
            evaluator = self._surfaces[resolution] = SurfaceEvaluator(
                self.pipeline, self.data.extent, resolution, self.sizes, self.dtype
            )
        return evaluator(self.params, self.act)

    def neurons(self) -> Neurons:
        """Each shown unit's output over a coarse grid, with W and dW between them."""
        if self._neurons is None:
            self._neurons = NeuronEvaluator(self.pipeline, self.data.extent, self.sizes, self.dtype)
        return self._neurons(self.params, self.grads, self.act)

    def gradient_check(
        self,
        epsilon: float = DEFAULT_EPSILON,
        plant_bug: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> GradCheck:
        """Check backprop at the current θ on the first DEFAULT_ROWS training rows."""
        return gradient_check(
            self.params,
            self.act,
            self._inputs["train"][:DEFAULT_ROWS],
            self._targets["train"][:DEFAULT_ROWS],
            self.n_train,
            self.train.l2,
            self.train.l1,
            epsilon=epsilon,
            plant_bug=plant_bug,
            cancelled=cancelled,
        )

    def snapshot(
        self, resolution: int | None = None, layers: bool = True, neurons: bool = False
    ) -> Snapshot:
        """The run's state now; with `resolution`, the decision surface on an R×R grid;
        with `layers`, the per-layer statistics (a probe pass, see `layer_stats`); with
        `neurons`, the diagram's per-unit outputs (see `core.probes.neurons`)."""
        with np.errstate(all="ignore"):
            self._record_pending()
        return Snapshot(
            run_id=self.run_id,
            epoch=self.epoch,
            status=self.status,
            diverged_at=self.diverged_at,
            best_epoch=self.best_epoch,
            stopped_epoch=self.stopped_epoch,
            metrics={s: dict(m) for s, m in self.metrics.items()},
            history=self.history.arrays(),
            layers=self.layer_stats() if layers else None,
            surface=self.surface(resolution) if resolution else None,
            updates=self.updates,
            train_seconds=self.train_seconds,
            config=self.config,
            neurons=self.neurons() if neurons else None,
        )


def _empty_metrics() -> dict[str, float]:
    return {"loss": float("nan"), "error": float("nan"), "accuracy": float("nan")}
