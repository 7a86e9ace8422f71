"""What a run reports, as functions of its state: snapshots, layer statistics, the
decision surface, the diagram's units, the layer space and the gradient check.

None of them trains or scores: they read `core.engine.state.RunState` as it is (its
metrics are those of the last epoch scored, `state.recorded`). A diverged run's layer
statistics, surface and diagram are those of its last finite epoch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deepdials.core.engine.buffers import probe_rows
from deepdials.core.engine.network import Workspace, backward, forward
from deepdials.core.engine.params import Params
from deepdials.core.engine.snapshot import Snapshot, Status
from deepdials.core.engine.state import FiniteEpoch, RunState
from deepdials.core.probes.gradcheck import (
    DEFAULT_EPSILON,
    DEFAULT_ROWS,
    GradCheck,
    GradientCheck,
    finish,
)
from deepdials.core.probes.layer_space import LayerSpace, LayerSpaceEvaluator, LayerSpaceRequest
from deepdials.core.probes.layerstats import LayerStats, layer_statistics
from deepdials.core.probes.neurons import NeuronEvaluator, Neurons
from deepdials.core.probes.surface import Surface, SurfaceEvaluator
from deepdials.core.streams import train_stream


def shown_epoch(state: RunState) -> FiniteEpoch:
    """What the reports show: the current epoch, or a diverged run's last finite one
    (the current θ when there is none: it diverged at epoch 0)."""
    if state.status == Status.DIVERGED and state.finite is not None:
        return state.finite
    return FiniteEpoch(
        max(state.recorded, 0),
        state.params,
        state.grads,
        state.optimizer.step,
        state.figure.last,
    )


def layer_stats(state: RunState) -> LayerStats:
    """Statistics of a forward/backward pass (no dropout) over the first `probe_rows` train rows,
    with `grad_norm` the history's figure at the last recorded epoch."""
    shown = shown_epoch(state)
    rows = probe_rows(state.n_train)
    X, T = state.inputs["train"][:rows], state.targets["train"][:rows]
    buffers = state.buffers
    if buffers.probe is None:
        buffers.probe = Workspace(state.sizes, len(X), state.dtype)
    ws = buffers.probe
    probe = Params(state.params.layout, np.empty_like(state.params.theta))
    with np.errstate(all="ignore"):
        z = forward(shown.params, X, state.act, ws)
        state.task.output_gradient(z, T, ws.dZ[-1])
        backward(shown.params, state.act, ws, probe)
        return layer_statistics(
            shown.params, state.act, ws, probe, shown.step, shown.grad_norm, shown.epoch
        )


def surface(
    state: RunState, resolution: int, cancelled: Callable[[], bool] | None = None
) -> Surface:
    """The decision surface on an R×R grid (the fitted line over R points, for one input:
    `core.probes.surface`); `cancelled()`, asked between blocks of the
    grid, stops it with `CancelledError`."""
    evaluators = state.buffers.surfaces
    evaluator = evaluators.get(resolution)
    if evaluator is None:
        evaluators.clear()
        evaluator = evaluators[resolution] = SurfaceEvaluator(
            state.pipeline,
            state.data.extent,
            resolution,
            state.sizes,
            state.dtype,
            state.task,
            state.data.n_inputs,
        )
    return evaluator(shown_epoch(state).params, state.act, cancelled)


def neuron_maps(state: RunState) -> Neurons:
    """Each shown unit's output over a coarse grid, with W and dW between them."""
    buffers = state.buffers
    if buffers.neurons is None:
        buffers.neurons = NeuronEvaluator(
            state.pipeline,
            state.data.extent,
            state.sizes,
            state.dtype,
            inputs=state.data.n_inputs,
        )
    shown = shown_epoch(state)
    return buffers.neurons(shown.params, shown.grads, state.act)


def layer_space(state: RunState, request: LayerSpaceRequest) -> LayerSpace:
    """The plane's grid lines and the training points in two units of a layer."""
    buffers = state.buffers
    if buffers.layer_space is None:
        train = state.data.train
        buffers.layer_space = LayerSpaceEvaluator(
            state.pipeline, state.data.extent, train.X, train.y, state.dtype, state.data.n_classes
        )
    return buffers.layer_space(shown_epoch(state).params, state.act, request)


def gradient_checker(
    state: RunState,
    epsilon: float = DEFAULT_EPSILON,
    plant_bug: int | None = None,
    budget: float | None = None,
    dropout_on: bool = False,
) -> GradientCheck:
    """A check of backprop at the current θ on the first DEFAULT_ROWS training rows, to
    drive with `core.probes.gradcheck.compare`; θ is copied. `dropout_on` leaves the run's
    dropout on (masks from the train seed's gradcheck stream), to show why the check
    switches it off; a run without dropout is checked as it is."""
    train = state.config.train
    masks_from = train_stream(train.seed, "gradcheck")
    leave_on = (state.keep, masks_from) if dropout_on and state.dropout else None
    return GradientCheck(
        state.params,
        state.act,
        state.inputs["train"][:DEFAULT_ROWS],
        state.targets["train"][:DEFAULT_ROWS],
        state.n_train,
        train.l2,
        train.l1,
        task=state.task,
        epsilon=epsilon,
        plant_bug=plant_bug,
        budget=budget,
        dropout_on=leave_on,
    )


def gradient_check(
    state: RunState,
    epsilon: float = DEFAULT_EPSILON,
    plant_bug: int | None = None,
    cancelled: Callable[[], bool] | None = None,
    budget: float | None = None,
    progress: Callable[[GradientCheck], None] | None = None,
    dropout_on: bool = False,
) -> GradCheck:
    """Check backprop at the current θ in one go (see `gradient_checker`)."""
    check = gradient_checker(state, epsilon, plant_bug, budget, dropout_on)
    return finish(check, cancelled, progress)


def snapshot(
    state: RunState,
    resolution: int | None = None,
    layers: bool = True,
    neurons: bool = False,
    cancelled: Callable[[], bool] | None = None,
    space: LayerSpaceRequest | None = None,
) -> Snapshot:
    """The run's state now, as fresh arrays; with `resolution`, the decision surface on an
    R×R grid (`cancelled` as for `surface`); with `layers`, the per-layer statistics (a
    probe pass, see `layer_stats`); with `neurons`, the diagram's per-unit outputs (see
    `neuron_maps`); with `space`, that layer space (see `layer_space`). `metrics` are those
    of the last epoch scored."""
    return Snapshot(
        run_id=state.run_id,
        epoch=state.epoch,
        status=state.status,
        diverged_at=state.diverged_at,
        best_epoch=state.best_epoch,
        stopped_epoch=state.stopped_epoch,
        metrics={s: dict(m) for s, m in state.metrics.items()},
        scored_epoch=state.recorded if state.recorded >= 0 else None,
        history=state.history.arrays(),
        layers=layer_stats(state) if layers else None,
        surface=surface(state, resolution, cancelled) if resolution else None,
        updates=state.updates,
        train_seconds=state.train_seconds,
        config=state.config,
        neurons=neuron_maps(state) if neurons else None,
        layer_space=layer_space(state, space) if space is not None else None,
        edits=tuple(state.edits),
    )
