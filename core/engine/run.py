"""The training loop: a generator over a `RunState` that yields between chunks of work.

`train(state)` trains `state` (`core.engine.state`) to its end, or `epochs` more epochs,
and yields between two pieces of work: between two chunks of a large batch or of
scoring, after steps that hold `state.yield_rows` rows together, and after each epoch's
record. Whoever drives it calls `next()` as long as it likes (the window's worker: until
its time slice is over; `advance`: to the end) and may read the state, take snapshots of
it (`core.engine.reports`) or change its hot settings (`core.engine.state.set_config`)
between two calls. Where it stands inside an epoch lives in the generator alone, so a run
trained in slices of any size is bit-identical to one trained in one go.

Metrics are recorded for θ after every epoch e (epoch 0 = the initial θ): the task's loss
(`core.engine.tasks`: cross-entropy, or ½ the mean squared error; without the penalty
term) and error (the fraction misclassified, or the mean squared error) on train, val and
test (and on train-dev when the data has that split: mismatch, `core.data.dataprep`), and
`grad_norm`, the per-layer gradient figure: the size of the error signal δ[l] = ∂J/∂Z[l]
that backprop passes to layer l, per example, over every row of the steps that led to θ
(epoch e − 1's; NaN at epoch 0, before any step). For a batch of B rows J is the batch
mean, so row i's own signal is δᵢ[l] = B·∂J/∂Z[l]ᵢ = ∂ℓᵢ/∂Z[l]ᵢ : (n_l,), and over the
epoch's m rows

    grad_norm[l] = sqrt( Σᵢ ‖δᵢ[l]‖² / (m · n_l) )      the RMS of one example's signal
                                                        at one unit of layer l

(under dropout, of the thinned network the steps trained). It does not cancel over
balanced classes as the batch-mean ‖dW[l]‖ can, and it shrinks or grows layer by layer as
the lecture's vanishing and exploding gradients do. `dropout_loss` is the cost dropout
optimizes: the task's mean loss over epoch e − 1's batches, each through its own thinned
network (the masks its step drew), without the penalty; NaN when no step of that epoch had
dropout. It is noisy and need not fall epoch by epoch; `train_loss`, with dropout off, is
the cost to watch decrease. Full-batch training without dropout
reuses the next step's forward pass to score the training set, so recording costs nothing
extra there.

Memory does not grow with the data: every pass over many rows (scoring a split, a batch
larger than a chunk, full batch included) runs in chunks of `state.chunk` rows
(`core.engine.network.chunk_rows`, a function of the layer sizes alone), through one
training workspace and one forward-only scoring workspace. A batch's gradient is summed
over its chunks (dropout masks drawn chunk by chunk) and applied once; a batch that fits
one chunk is computed exactly as in one pass. A change of batch size or keep-prob while a
batch is half summed drops it: the batch starts again under the new settings. A yield
comes after one chunk's pass at most (`core.engine.network.CHUNK_FLOPS`).

A run ends as `finished` (train.epochs reached), `early_stopped` (val loss did not improve
for `patience` epochs; the best θ is restored) or `diverged` (a non-finite loss or
parameter; the epoch is kept). Overflow inside NumPy is expected, not an error: training
runs under `np.errstate(all="ignore")` and divergence is a status, never an exception. A
diverged run keeps θ, gradient and last step of its last finite epoch: its layer
statistics, surface and diagram are those of that epoch.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from deepdials.core.engine.buffers import fuses_scoring, scoring_rows, training_rows
from deepdials.core.engine.network import Workspace, backward, forward
from deepdials.core.engine.params import Params
from deepdials.core.engine.snapshot import Status
from deepdials.core.engine.state import FiniteEpoch, RunState

_DONE = object()


def train(state: RunState, epochs: int | None = None) -> Iterator[None]:
    """Train `state` until train.epochs (read at every epoch: a hot change counts), or
    `epochs` more epochs, or the run ends; yields between chunks (module docstring). A run
    it leaves running is scored at its epoch and between two steps. The seconds spent
    inside are added to `state.train_seconds`. One generator drives a run until it ends:
    where the epoch stands is its own, so another started mid-epoch would begin the epoch
    again (a finished run given more epochs takes a new one)."""
    work = _train(state, epochs)
    while True:
        start = time.perf_counter()
        with np.errstate(all="ignore"):
            done = next(work, _DONE) is _DONE
        state.train_seconds += time.perf_counter() - start
        if done:
            return
        yield


def advance(state: RunState, epochs: int | None = None) -> None:
    """`train(state, epochs)` in one go."""
    for _ in train(state, epochs):
        pass


def _train(state: RunState, epochs: int | None) -> Iterator[None]:
    target = None if epochs is None else state.epoch + epochs
    while state.status == Status.RUNNING and state.epoch < (
        state.config.train.epochs if target is None else target
    ):
        yield from _epoch(state)
    if state.status == Status.RUNNING:
        yield from _record_pending(state)


def _batch_settings(state: RunState) -> tuple:
    """What a batch half summed depends on: a change drops it."""
    return state.config.train.batch_size, state.config.train.keep_prob


def _epoch(state: RunState) -> Iterator[None]:
    """The current epoch's steps, its record first; returns early (the caller comes back
    to the same epoch) when the batch settings changed under a batch half summed."""
    N = state.n_train
    rows = state.config.train.batch_size or N
    if fuses_scoring(rows, N, state.dropout):
        yield from _full_batch_epoch(state)
        return
    yield from _record_pending(state)
    if state.status != Status.RUNNING:
        return
    X, T = _order(state, shuffle=rows < N)
    cursor = unyielded = 0
    while cursor < N:
        stop = min(cursor + (state.config.train.batch_size or N), N)
        if not (yield from _gradient(state, X[cursor:stop], T[cursor:stop], state.grads)):
            continue  # dropped: this batch again, under the new settings
        _step(state)
        unyielded += stop - cursor
        cursor = stop
        if unyielded >= state.yield_rows and cursor < N:
            unyielded = 0
            yield
    _end_epoch(state)


def _full_batch_epoch(state: RunState) -> Iterator[None]:
    """One full-batch step without dropout. Its forward pass also scores the training
    split; its gradient waits in the summed buffer while the epoch is recorded (the record
    shows the gradient of the step before, in state.grads)."""
    settings = _batch_settings(state)
    scoring = state.recorded < state.epoch
    logits = _logits_buffer(state, "train") if scoring else None
    summed = _summed(state)
    X, T = state.inputs["train"], state.targets["train"]
    if not (yield from _gradient(state, X, T, summed, logits)):
        return
    if scoring:
        yield from _record(state, train_scored=True)
        if state.status != Status.RUNNING or _batch_settings(state) != settings:
            return
    np.copyto(state.grads.theta, summed.theta)
    _step(state)
    _end_epoch(state)


def _order(state: RunState, shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
    """The training inputs and targets in this epoch's order."""
    X, T = state.inputs["train"], state.targets["train"]
    if not shuffle:
        return X, T
    order = state.rng.permutation(state.n_train)
    return X[order], T[order]


def _end_epoch(state: RunState) -> None:
    """Close the epoch's per-layer gradient figure and dropout cost (module docstring) and
    count it."""
    state.dropout_cost.close()
    figure = state.figure
    if figure.rows:
        figure.last = np.sqrt(np.array(figure.sums) / (figure.rows * figure.widths))
    else:
        figure.last = np.full(len(figure.sums), np.nan)
    figure.sums = [0.0] * len(figure.sums)
    figure.rows = 0
    state.epoch += 1


def _add_signal(state: RunState, ws: Workspace, batch: int) -> None:
    """Add the pass in `ws` (rows of a batch of `batch` rows) to Σ ‖δᵢ[l]‖², δᵢ = B·dZᵢ."""
    figure = state.figure
    cached = figure.views.get(ws.rows)
    if cached is None or cached[0] is not ws:
        flats = [ws.dZ_T[layer].ravel() for layer in range(1, len(state.sizes))]
        cached = figure.views[ws.rows] = (ws, flats)
    sums, scale = figure.sums, float(batch * batch)
    for row, d in enumerate(cached[1]):
        sums[row] += float(np.dot(d, d)) * scale
    figure.rows += ws.rows


def _train_view(state: RunState, rows: int) -> Workspace:
    """The training workspace for a pass of `rows` ≤ chunk rows, made for the batch."""
    ws = state.buffers.train
    if ws is None or ws.capacity < rows:
        N = state.n_train
        batch = min(state.config.train.batch_size or N, N)
        capacity = max(rows, training_rows(state.chunk, batch))
        ws = state.buffers.train = Workspace(state.sizes, capacity, state.dtype)
    return ws.view(rows)


def _forward_train(state: RunState, X: np.ndarray, T: np.ndarray, ws: Workspace) -> np.ndarray:
    """The logits of a training pass; under dropout its thinned network's loss is added to
    the epoch's dropout cost."""
    if not state.dropout:
        return forward(state.params, X, state.act, ws)
    z = forward(state.params, X, state.act, ws, state.keep, state.rng)
    cost = state.dropout_cost
    cost.total += state.task.mean_loss(z, T) * len(z)
    cost.rows += len(z)
    return z


def _summed(state: RunState) -> Params:
    buffers = state.buffers
    if buffers.summed is None:
        buffers.summed = Params(state.params.layout, np.zeros_like(state.params.theta))
    return buffers.summed


def _gradient(
    state: RunState,
    X: np.ndarray,
    T: np.ndarray,
    into: Params,
    logits: np.ndarray | None = None,
) -> Iterator[None]:
    """The gradient of the batch (X, T)'s mean loss into `into`, and its logits into
    `logits` when given; returns whether it is complete. A batch of up to `state.chunk`
    rows is one pass; a larger one is summed chunk by chunk in the summed buffer, yielding
    between chunks, and dropped (False) when the batch settings change meanwhile."""
    B = len(X)
    chunk = state.chunk
    if chunk >= B:
        ws = _train_view(state, B)
        z = _forward_train(state, X, T, ws)
        if logits is not None:
            logits[:] = z
        state.task.output_gradient(z, T, ws.dZ[-1])
        backward(state.params, state.act, ws, into)
        _add_signal(state, ws, B)
        return True
    settings = _batch_settings(state)
    summed = _summed(state)
    buffers = state.buffers
    if buffers.chunk_grads is None:
        buffers.chunk_grads = Params(state.params.layout, np.zeros_like(state.params.theta))
    for row in range(0, B, chunk):
        stop = min(row + chunk, B)
        ws = _train_view(state, stop - row)
        z = _forward_train(state, X[row:stop], T[row:stop], ws)
        if logits is not None:
            logits[row:stop] = z
        state.task.output_gradient(z, T[row:stop], ws.dZ[-1], rows=B)
        if row == 0:
            backward(state.params, state.act, ws, summed)
        else:
            backward(state.params, state.act, ws, buffers.chunk_grads)
            summed.theta += buffers.chunk_grads.theta
        _add_signal(state, ws, B)
        if stop < B:
            yield
            if _batch_settings(state) != settings:
                return False
    if into is not summed:
        np.copyto(into.theta, summed.theta)
    return True


def _step(state: RunState) -> None:
    """Add the penalty to the gradient in state.grads and take one optimizer step."""
    if state.penalty.active:
        state.penalty.add_gradient(state.params.theta, state.grads.theta)
    state.optimizer.apply(state.params.theta, state.grads.theta, state.config.train.lr)
    state.updates += 1


# ----- recording, stopping -----


def _record_pending(state: RunState) -> Iterator[None]:
    """Score the current epoch unless it is."""
    if state.recorded < state.epoch:
        yield from _record(state)


def _logits_buffer(state: RunState, split: str) -> np.ndarray:
    buffer = state.buffers.logits.get(split)
    if buffer is None:
        n = len(state.labels[split])
        buffer = state.buffers.logits[split] = np.empty((n, state.sizes[-1]), state.dtype)
    return buffer


def _scoring_view(state: RunState) -> Workspace:
    buffers = state.buffers
    if buffers.scoring is None:
        rows = scoring_rows(state.chunk, max(len(y) for y in state.labels.values()))
        buffers.scoring = Workspace(state.sizes, rows, state.dtype, backward=False)
    return buffers.scoring


def _record(state: RunState, train_scored: bool = False) -> Iterator[None]:
    """Score θ at the current epoch chunk by chunk (yielding between chunks; θ does not
    change meanwhile), append to the history, check the stop rules, and yield. With
    `train_scored`, the training split's logits are already in their buffer."""
    e = state.epoch
    yield from _score_splits(state, train_scored)
    state.history.append(e, _history_row(state))
    state.recorded = e
    _stop_rules(state, e)
    yield


def _score_splits(state: RunState, train_scored: bool = False) -> Iterator[None]:
    """`state.metrics` of θ on every split, chunk by chunk, yielding between chunks."""
    ws = _scoring_view(state)
    first = True
    for split in state.splits:
        n = len(state.labels[split])
        if not n or (split == "train" and train_scored):
            continue
        X, out = state.inputs[split], _logits_buffer(state, split)
        for row in range(0, n, ws.capacity):
            if not first:
                yield
            first = False
            stop = min(row + ws.capacity, n)
            out[row:stop] = forward(state.params, X[row:stop], state.act, ws.view(stop - row))
    for split in state.splits:
        if len(state.labels[split]):  # an empty split stays NaN: it has no loss
            logits = state.buffers.logits[split]
            state.metrics[split] = state.task.scores(
                logits, state.targets[split], state.labels[split]
            )


def _history_row(state: RunState) -> dict:
    return {f"{s}_{m}": state.metrics[s][m] for s in state.splits for m in ("loss", "error")} | {
        "grad_norm": state.figure.last,
        "dropout_loss": state.dropout_cost.last,
    }


def rescore(state: RunState) -> None:
    """Score θ again at the epoch last scored, after it was changed by hand
    (`core.engine.edits`): the metrics and the history's last row become the new θ's, and
    a θ whose loss is not finite ends the run as diverged. An epoch not yet scored is left
    to training, which scores it next."""
    e = state.epoch
    if state.recorded != e:
        return
    with np.errstate(all="ignore"):
        for _ in _score_splits(state):
            pass
    state.history.replace_last(_history_row(state))
    loss = state.metrics["train"]["loss"]
    if not np.isfinite(loss) or not np.isfinite(state.params.theta.sum(dtype=np.float64)):
        state.status = Status.DIVERGED
        state.diverged_at = e
    else:
        keep_finite(state, e)


def _stop_rules(state: RunState, e: int) -> None:
    loss = state.metrics["train"]["loss"]
    if not np.isfinite(loss) or not np.isfinite(state.params.theta.sum(dtype=np.float64)):
        state.status = Status.DIVERGED
        state.diverged_at = e
        return
    keep_finite(state, e)
    if state.config.train.patience:
        _early_stopping(state, e)
    if state.status == Status.RUNNING and e >= state.config.train.epochs:
        state.status = Status.FINISHED


def _early_stopping(state: RunState, e: int) -> None:
    """Keep the best θ by validation loss; stop `patience` epochs after it. A NaN
    validation loss is never a best, and patience counts from the first best."""
    val_loss = state.metrics["val"]["loss"]
    if val_loss < state.best_val:
        state.best_val = val_loss
        state.best_epoch = e
        np.copyto(state.best_theta, state.params.theta)
        state.best_metrics = {split: dict(m) for split, m in state.metrics.items()}
    elif state.best_epoch is not None and e - state.best_epoch >= state.config.train.patience:
        np.copyto(state.params.theta, state.best_theta)
        state.status = Status.EARLY_STOPPED
        state.stopped_epoch = e
        # the best θ's scores, kept when it was the best: no second pass over the data
        state.metrics = {split: dict(m) for split, m in state.best_metrics.items()}


def keep_finite(state: RunState, e: int) -> None:
    """Remember epoch e's θ, last gradient and step, and grad_norm: its numbers are finite."""
    kept = state.finite
    if kept is None:
        state.finite = FiniteEpoch(
            e,
            Params(state.params.layout, state.params.theta.copy()),
            Params(state.params.layout, state.grads.theta.copy()),
            state.optimizer.step.copy(),
            state.figure.last.copy(),
        )
        return
    kept.epoch = e
    np.copyto(kept.params.theta, state.params.theta)
    np.copyto(kept.grads.theta, state.grads.theta)
    np.copyto(kept.step, state.optimizer.step)
    np.copyto(kept.grad_norm, state.figure.last)
