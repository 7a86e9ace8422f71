"""A training run: one network on one data set, advanced in slices, reported in snapshots.

`Run` is the only stateful piece of the engine. It owns θ, the optimizer state, the
dropout/shuffle RNG and a bounded history, and advances when asked: by whole epochs
(the command line) or by a time budget that may end mid-epoch (the window's worker).

Metrics are recorded for θ after every epoch e (epoch 0 = the initial θ): cross-entropy
loss (without the penalty term) and error on train, val and test (and on train-dev when
the data has that split: mismatch, `core.data.dataprep`), and `grad_norm`, the
per-layer gradient figure: the size of the error signal δ[l] = ∂J/∂Z[l] that backprop
passes to layer l, per example, over every row of the steps that led to θ (epoch e − 1's;
NaN at epoch 0, before any step). For a batch of B rows J is the batch mean, so row i's
own signal is δᵢ[l] = B·∂J/∂Z[l]ᵢ = ∂ℓᵢ/∂Z[l]ᵢ : (n_l,), and over the epoch's m rows

    grad_norm[l] = sqrt( Σᵢ ‖δᵢ[l]‖² / (m · n_l) )      the RMS of one example's signal
                                                        at one unit of layer l

(under dropout, of the thinned network the steps trained). It does not cancel over
balanced classes as the batch-mean ‖dW[l]‖ can, and it shrinks or grows layer by layer as
the lecture's vanishing and exploding gradients do. Full-batch training without dropout
reuses the next step's forward pass to score the training set, so recording costs nothing
extra there.

Memory does not grow with the data: every pass over many rows (scoring a split, a batch
larger than a chunk, full batch included) runs in chunks of `chunk` rows
(`core.engine.network.chunk_rows`, a function of the layer sizes alone), through one
training workspace and one forward-only scoring workspace. A batch's gradient is summed
over its chunks (dropout masks drawn chunk by chunk) and applied once. Both scoring and a
chunked step can stop between two chunks when a time budget runs out and carry on at the
next call, so a run trained in slices is bit-identical to one trained in one go; a batch
that fits one chunk is computed exactly as in one pass.

A run ends as `finished` (train.epochs reached), `early_stopped` (val loss did not improve
for `patience` epochs; the best θ is restored) or `diverged` (a non-finite loss or
parameter; the epoch is kept). Overflow inside NumPy is expected, not an error: training
runs under `np.errstate(all="ignore")` and divergence is a status, never an exception. A
diverged run keeps θ, gradient and last step of its last finite epoch: its layer
statistics, surface and diagram are those of that epoch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.config.schema import Config, keep_probs, needs_new_run
from core.data.dataprep import Data, build_data
from core.data.features import InputPipeline
from core.data.points import SPLITS, Points
from core.engine.activations import ACTIVATIONS
from core.engine.history import History
from core.engine.losses import mean_loss, n_outputs, output_gradient, predictions, targets
from core.engine.network import (
    Workspace,
    backward,
    chunk_rows,
    forward,
    forward_rows,
    init_params,
)
from core.engine.optimizers import Optimizer
from core.engine.params import Params
from core.engine.regularization import Penalty
from core.engine.snapshot import RunInfo, Snapshot, Status
from core.errors import InputError
from core.probes.gradcheck import DEFAULT_EPSILON, DEFAULT_ROWS, GradCheck, GradientCheck
from core.probes.layerstats import LayerStats, layer_statistics
from core.probes.neurons import NeuronEvaluator, Neurons
from core.probes.surface import Surface, SurfaceEvaluator
from core.streams import train_stream

PROBE_ROWS = 128


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
        self.splits = SPLITS + (() if self.data.train_dev is None else ("train_dev",))
        splits = {name: getattr(self.data, name) for name in self.splits}
        self._inputs = {name: self.pipeline(s.X, dtype) for name, s in splits.items()}
        self._targets = {name: targets(s.y, K, dtype) for name, s in splits.items()}
        self._labels = {name: s.y for name, s in splits.items()}
        self.n_train = len(self._labels["train"])
        self.chunk = chunk_rows(self.sizes, np.dtype(dtype).itemsize)
        self._train_ws: Workspace | None = None  # of the largest batch so far, ≤ chunk rows
        self._eval_ws: Workspace | None = None  # forward only, for scoring
        self._probe_ws: Workspace | None = None  # for the layer statistics
        self._acc: Params | None = None  # a batch's gradient, summed over its chunks
        self._chunk_grads: Params | None = None  # one chunk's share of it
        self._step_row = 0  # rows of the current batch whose gradient is summed in _acc
        self._step_ready = False  # full batch: its gradient is in _acc, not yet applied
        self._step_scored = False  # … and its forward pass left the train split's logits
        self._split_logits: dict[str, np.ndarray] = {}  # (n, K) per split, scoring's output
        self._scoring: list[int] | None = None  # a record under way: [epoch, split, row]
        self._best_metrics: dict[str, dict[str, float]] | None = None
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
        L = self.params.layout.n_layers
        self._widths = np.array(self.sizes[1:], dtype=np.float64)
        self._delta_sq = [0.0] * L  # Σ ‖δᵢ[l]‖² over the rows of this epoch's steps so far
        self._signal_views: dict[int, tuple[Workspace, list]] = {}  # dZ[l] flat, per view
        self._delta_rows = 0
        self._delta_epoch = np.full(L, np.nan)  # grad_norm of the last whole epoch's steps
        self._finite: _FiniteEpoch | None = None  # the last epoch recorded with finite numbers
        self._recorded = -1
        self._cursor = 0
        self._order_X = self._inputs["train"]
        self._order_T = self._targets["train"]
        self.metrics = {name: _empty_metrics() for name in self.splits}
        self.history = History(
            {f"{s}_{m}": None for s in self.splits for m in ("loss", "error")} | {"grad_norm": L}
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
        old = self.config.train
        if (old.batch_size, old.keep_prob) != (config.train.batch_size, config.train.keep_prob):
            self._step_row, self._step_ready = 0, False  # a step half summed is dropped
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

        A time budget may stop mid-epoch, mid-batch (between two chunks of a large batch)
        or mid-scoring; the next call carries on where this one stopped. A call overruns
        its budget by one chunk's pass at most (`core.engine.network.CHUNK_FLOPS`).
        """
        start = time.perf_counter()
        deadline = start + seconds if seconds is not None else np.inf
        target = self.epoch + epochs if epochs is not None else self.train.epochs
        with np.errstate(all="ignore"):
            while self.status == Status.RUNNING and self.epoch < target:
                if not self._advance_epoch(deadline) or time.perf_counter() >= deadline:
                    break
            if self.status == Status.RUNNING and self._between_steps():
                self._record_pending(deadline)
        self.train_seconds += time.perf_counter() - start

    @property
    def scored(self) -> bool:
        """Whether `metrics` and the history are those of θ at the current epoch."""
        return self._recorded == self.epoch

    def _between_steps(self) -> bool:
        return self._cursor == 0 and self._step_row == 0 and not self._step_ready

    def _advance_epoch(self, deadline: float) -> bool:
        """Run the rest of the current epoch; False when the deadline cut it short."""
        N = self.n_train
        rows = self.train.batch_size or N
        if rows >= N and not self.dropout:
            return self._full_batch_epoch(deadline)
        if self._between_steps():
            if not self._record_pending(deadline):
                return False
            if self.status != Status.RUNNING:
                return True
            self._shuffle(rows < N)
        while self._cursor < N:
            stop = self._cursor + (self.train.batch_size or N)
            X = self._order_X[self._cursor : stop]
            T = self._order_T[self._cursor : stop]
            if not self._gradient(X, T, deadline):
                return False
            self._step()
            self._cursor = min(stop, N)
            if self._cursor < N and time.perf_counter() >= deadline:
                return False
        self._cursor = 0
        self._end_epoch()
        return True

    def _full_batch_epoch(self, deadline: float) -> bool:
        """One full-batch step without dropout. Its forward pass also scores the training
        split; its gradient waits in _acc while the epoch is recorded (the record shows the
        gradient of the step before, in self.grads)."""
        if not self._step_ready:
            scoring = self._recorded < self.epoch
            logits = self._logits_buffer("train") if scoring else None
            X, T = self._inputs["train"], self._targets["train"]
            if not self._gradient(X, T, deadline, logits, into=self._accumulator()):
                return False
            self._step_ready, self._step_scored = True, scoring
        if self._recorded < self.epoch:
            if not self._record(deadline, train_scored=self._step_scored):
                return False
            if self.status != Status.RUNNING:
                self._step_ready = False
                return True
        np.copyto(self.grads.theta, self._acc.theta)
        self._step()
        self._step_ready = False
        self._end_epoch()
        return True

    def _end_epoch(self) -> None:
        """Close the epoch's per-layer gradient figure (module docstring) and count it."""
        if self._delta_rows:
            self._delta_epoch = np.sqrt(
                np.array(self._delta_sq) / (self._delta_rows * self._widths)
            )
        else:
            self._delta_epoch = np.full(len(self._delta_sq), np.nan)
        self._delta_sq = [0.0] * len(self._delta_sq)
        self._delta_rows = 0
        self.epoch += 1

    def _add_signal(self, ws: Workspace, batch: int) -> None:
        """Add the pass in `ws` (rows of a batch of `batch` rows) to Σ ‖δᵢ[l]‖², δᵢ = B·dZᵢ."""
        cached = self._signal_views.get(ws.rows)
        if cached is None or cached[0] is not ws:
            flats = [ws.dZ_T[layer].ravel() for layer in range(1, len(self.sizes))]
            cached = self._signal_views[ws.rows] = (ws, flats)
        sums, scale = self._delta_sq, float(batch * batch)
        for row, d in enumerate(cached[1]):
            sums[row] += float(np.dot(d, d)) * scale
        self._delta_rows += ws.rows

    def _shuffle(self, shuffle: bool) -> None:
        if shuffle:
            order = self.rng.permutation(self.n_train)
            self._order_X = self._inputs["train"][order]
            self._order_T = self._targets["train"][order]
        else:
            self._order_X = self._inputs["train"]
            self._order_T = self._targets["train"]

    def _train_view(self, rows: int) -> Workspace:
        """The training workspace for a pass of `rows` ≤ chunk rows."""
        ws = self._train_ws
        if ws is None or ws.capacity < rows:
            ws = self._train_ws = Workspace(self.sizes, rows, self.dtype)
        return ws.view(rows)

    def _forward_train(self, X: np.ndarray, ws: Workspace) -> np.ndarray:
        if self.dropout:
            return forward(self.params, X, self.act, ws, self.keep, self.rng)
        return forward(self.params, X, self.act, ws)

    def _accumulator(self) -> Params:
        if self._acc is None:
            self._acc = Params(self.params.layout, np.zeros_like(self.params.theta))
        return self._acc

    def _gradient(
        self,
        X: np.ndarray,
        T: np.ndarray,
        deadline: float,
        logits: np.ndarray | None = None,
        into: Params | None = None,
    ) -> bool:
        """The gradient of the batch (X, T)'s mean loss into `into` (default self.grads),
        and its logits into `logits` when given. A batch of up to `chunk` rows is one pass;
        a larger one is summed chunk by chunk in _acc, resumably: False when the deadline
        stopped it between two chunks (the next call goes on from there)."""
        into = self.grads if into is None else into
        B = len(X)
        if self.chunk >= B:
            ws = self._train_view(B)
            z = self._forward_train(X, ws)
            if logits is not None:
                logits[:] = z
            output_gradient(z, T, ws.dZ[-1])
            backward(self.params, self.act, ws, into)
            self._add_signal(ws, B)
            return True
        acc = self._accumulator()
        if self._chunk_grads is None:
            self._chunk_grads = Params(self.params.layout, np.zeros_like(self.params.theta))
        while self._step_row < B:
            row = self._step_row
            stop = min(row + self.chunk, B)
            ws = self._train_view(stop - row)
            z = self._forward_train(X[row:stop], ws)
            if logits is not None:
                logits[row:stop] = z
            output_gradient(z, T[row:stop], ws.dZ[-1], rows=B)
            if row == 0:
                backward(self.params, self.act, ws, acc)
            else:
                backward(self.params, self.act, ws, self._chunk_grads)
                acc.theta += self._chunk_grads.theta
            self._add_signal(ws, B)
            self._step_row = stop
            if stop < B and time.perf_counter() >= deadline:
                return False
        if into is not acc:
            np.copyto(into.theta, acc.theta)
        self._step_row = 0
        return True

    def _step(self) -> None:
        """Add the penalty to the gradient in self.grads and take one optimizer step."""
        if self.penalty.active:
            self.penalty.add_gradient(self.params.theta, self.grads.theta)
        self.optimizer.apply(self.params.theta, self.grads.theta, self.train.lr)
        self.updates += 1

    # ----- recording, stopping -----

    def _record_pending(self, deadline: float = np.inf) -> bool:
        """Score the current epoch unless it is; False when the deadline cut that short."""
        if self._recorded < self.epoch:
            return self._record(deadline)
        return True

    def _logits_buffer(self, split: str) -> np.ndarray:
        buffer = self._split_logits.get(split)
        if buffer is None:
            n = len(self._labels[split])
            buffer = self._split_logits[split] = np.empty((n, self.sizes[-1]), self.dtype)
        return buffer

    def _eval_view(self) -> Workspace:
        if self._eval_ws is None:
            rows = min(self.chunk, max(len(y) for y in self._labels.values()))
            self._eval_ws = Workspace(self.sizes, rows, self.dtype, backward=False)
        return self._eval_ws

    def _score(self, split: str, z: np.ndarray) -> dict[str, float]:
        if not len(z):
            return _empty_metrics()
        error = float(np.mean(predictions(z) != self._labels[split]))
        return {"loss": mean_loss(z, self._targets[split]), "error": error, "accuracy": 1 - error}

    def _record(self, deadline: float = np.inf, train_scored: bool = False) -> bool:
        """Score θ at the current epoch, append to history, then check the stop rules.

        The splits are scored chunk by chunk, resumably: False when the deadline stopped
        it between two chunks (θ does not change until the record is complete). With
        `train_scored`, the training split's logits are already in their buffer."""
        e = self.epoch
        state = self._scoring
        if state is None or state[0] != e:
            state = self._scoring = [e, 0, 0]
        while state[1] < len(self.splits):
            split = self.splits[state[1]]
            n = len(self._labels[split])
            if n and not (split == "train" and train_scored):
                X = self._inputs[split]
                buffer = self._logits_buffer(split)
                state[2] = forward_rows(
                    self.params, X, self.act, self._eval_view(), buffer, state[2], deadline
                )
                if state[2] < n:
                    return False
            state[1], state[2] = state[1] + 1, 0
            if state[1] < len(self.splits) and time.perf_counter() >= deadline:
                return False
        self._scoring = None
        for split in self.splits:
            if not len(self._labels[split]):
                continue  # stays NaN: an empty split has no loss
            self.metrics[split] = self._score(split, self._split_logits[split])
        self.history.append(
            e,
            {f"{s}_{m}": self.metrics[s][m] for s in self.splits for m in ("loss", "error")}
            | {"grad_norm": self._delta_epoch},
        )
        self._recorded = e
        loss = self.metrics["train"]["loss"]
        if not np.isfinite(loss) or not np.isfinite(self.params.theta.sum(dtype=np.float64)):
            self.status = Status.DIVERGED
            self.diverged_at = e
            return True
        self._keep_finite(e)
        if self.train.patience:
            self._early_stopping(e)
        if self.status == Status.RUNNING and e >= self.train.epochs:
            self.status = Status.FINISHED
        return True

    def _early_stopping(self, e: int) -> None:
        """Keep the best θ by validation loss; stop `patience` epochs after it. A NaN
        validation loss is never a best, and patience counts from the first best."""
        val_loss = self.metrics["val"]["loss"]
        if val_loss < self._best_val:
            self._best_val = val_loss
            self.best_epoch = e
            np.copyto(self._best_theta, self.params.theta)
            self._best_metrics = {split: dict(m) for split, m in self.metrics.items()}
        elif self.best_epoch is not None and e - self.best_epoch >= self.train.patience:
            np.copyto(self.params.theta, self._best_theta)
            self.status = Status.EARLY_STOPPED
            self.stopped_epoch = e
            # the best θ's scores, kept when it was the best: no second pass over the data
            self.metrics = {split: dict(m) for split, m in self._best_metrics.items()}

    def _keep_finite(self, e: int) -> None:
        """Remember epoch e's θ, last gradient and step, and grad_norm: its numbers are finite."""
        kept = self._finite
        if kept is None:
            kept = self._finite = _FiniteEpoch(
                e,
                Params(self.params.layout, self.params.theta.copy()),
                Params(self.params.layout, self.grads.theta.copy()),
                self.optimizer.step.copy(),
                self._delta_epoch.copy(),
            )
            return
        kept.epoch = e
        np.copyto(kept.params.theta, self.params.theta)
        np.copyto(kept.grads.theta, self.grads.theta)
        np.copyto(kept.step, self.optimizer.step)
        np.copyto(kept.grad_norm, self._delta_epoch)

    def _shown(self) -> _FiniteEpoch:
        """What the reports show: the current epoch, or a diverged run's last finite one
        (the current θ when there is none: it diverged at epoch 0)."""
        if self.status == Status.DIVERGED and self._finite is not None:
            return self._finite
        return _FiniteEpoch(
            max(self._recorded, 0), self.params, self.grads, self.optimizer.step, self._delta_epoch
        )

    # ----- reporting -----

    def layer_stats(self) -> LayerStats:
        """Statistics of a forward/backward pass (no dropout) over ≤ PROBE_ROWS train rows,
        with `grad_norm` the history's figure at the last recorded epoch; a diverged run's
        are those of its last finite epoch."""
        shown = self._shown()
        X = self._inputs["train"][:PROBE_ROWS]
        T = self._targets["train"][:PROBE_ROWS]
        if self._probe_ws is None:
            self._probe_ws = Workspace(self.sizes, len(X), self.dtype)
        ws = self._probe_ws
        probe = Params(self.params.layout, np.empty_like(self.params.theta))
        with np.errstate(all="ignore"):
            z = forward(shown.params, X, self.act, ws)
            output_gradient(z, T, ws.dZ[-1])
            backward(shown.params, self.act, ws, probe)
            return layer_statistics(
                shown.params, self.act, ws, probe, shown.step, shown.grad_norm, shown.epoch
            )

    def surface(self, resolution: int, cancelled: Callable[[], bool] | None = None) -> Surface:
        """The decision surface on an R×R grid; `cancelled()`, asked between blocks of the
        grid, stops it with `CancelledError`."""
        evaluator = self._surfaces.get(resolution)
        if evaluator is None:
            self._surfaces.clear()
            evaluator = self._surfaces[resolution] = SurfaceEvaluator(
                self.pipeline, self.data.extent, resolution, self.sizes, self.dtype
            )
        return evaluator(self._shown().params, self.act, cancelled)

    def neurons(self) -> Neurons:
        """Each shown unit's output over a coarse grid, with W and dW between them."""
        if self._neurons is None:
            self._neurons = NeuronEvaluator(self.pipeline, self.data.extent, self.sizes, self.dtype)
        shown = self._shown()
        return self._neurons(shown.params, shown.grads, self.act)

    def gradient_check(
        self,
        epsilon: float = DEFAULT_EPSILON,
        plant_bug: int | None = None,
        cancelled: Callable[[], bool] | None = None,
        budget: float | None = None,
        progress: Callable[[GradientCheck], None] | None = None,
    ) -> GradCheck:
        """Check backprop at the current θ in one go (see `gradient_checker`)."""
        return self.gradient_checker(epsilon, plant_bug, budget).finish(cancelled, progress)

    def gradient_checker(
        self, epsilon: float = DEFAULT_EPSILON, plant_bug: int | None = None, budget=None
    ) -> GradientCheck:
        """A check of backprop at the current θ on the first DEFAULT_ROWS training rows, to
        advance in time slices (`core.probes.gradcheck.GradientCheck`); θ is copied."""
        return GradientCheck(
            self.params,
            self.act,
            self._inputs["train"][:DEFAULT_ROWS],
            self._targets["train"][:DEFAULT_ROWS],
            self.n_train,
            self.train.l2,
            self.train.l1,
            epsilon=epsilon,
            plant_bug=plant_bug,
            budget=budget,
        )

    def snapshot(
        self,
        resolution: int | None = None,
        layers: bool = True,
        neurons: bool = False,
        record_seconds: float | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Snapshot:
        """The run's state now; with `resolution`, the decision surface on an R×R grid
        (`cancelled` as for `surface`); with `layers`, the per-layer statistics (a probe
        pass, see `layer_stats`); with `neurons`, the diagram's per-unit outputs (see
        `core.probes.neurons`). Between two steps, the current epoch is scored first if it
        is not yet, in `record_seconds` at most (None: all it takes); `metrics` are those
        of the last epoch scored (`scored` says whether that is the current one)."""
        if self._between_steps():
            deadline = np.inf if record_seconds is None else time.perf_counter() + record_seconds
            with np.errstate(all="ignore"):
                self._record_pending(deadline)
        return Snapshot(
            run_id=self.run_id,
            epoch=self.epoch,
            status=self.status,
            diverged_at=self.diverged_at,
            best_epoch=self.best_epoch,
            stopped_epoch=self.stopped_epoch,
            metrics={s: dict(m) for s, m in self.metrics.items()},
            scored_epoch=self._recorded if self._recorded >= 0 else None,
            history=self.history.arrays(),
            layers=self.layer_stats() if layers else None,
            surface=self.surface(resolution, cancelled) if resolution else None,
            updates=self.updates,
            train_seconds=self.train_seconds,
            config=self.config,
            neurons=self.neurons() if neurons else None,
        )


@dataclass
class _FiniteEpoch:
    """An epoch's θ, its last gradient and optimizer step, and its grad_norm : (L,)."""

    epoch: int
    params: Params
    grads: Params
    step: np.ndarray
    grad_norm: np.ndarray


def _empty_metrics() -> dict[str, float]:
    return {"loss": float("nan"), "error": float("nan"), "accuracy": float("nan")}
