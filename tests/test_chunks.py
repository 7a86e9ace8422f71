"""Passes in chunks: a batch larger than a chunk is summed chunk by chunk to the one-pass
gradient (with dropout masks drawn per chunk), a batch that fits one chunk is the one pass
to the bit, and training yields between chunks of scoring and of a step and resumes
exactly."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdials.core.config.schema import config_from_dict, with_value
from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.losses import output_gradient, targets
from deepdials.core.engine.network import (
    CHUNK_BYTES,
    CHUNK_FLOPS,
    MIN_CHUNK_ROWS,
    BlockedForward,
    Workspace,
    backward,
    chunk_rows,
    flops_per_row,
    forward,
    init_params,
    workspace_bytes_per_row,
)
from deepdials.core.engine.params import Params
from deepdials.core.engine.reports import gradient_checker, snapshot
from deepdials.core.engine.run import advance, train
from deepdials.core.engine.state import new_run, set_config
from deepdials.core.errors import CancelledError
from deepdials.core.streams import train_stream

SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make(n_points, hidden, activation="tanh", classes=2, train=None):
    kind = "spiral" if classes > 2 else "moons"
    return config_from_dict(
        {
            "schema": 1,
            "data": {"kind": kind, "n_classes": classes, "n_points": n_points},
            "model": {"hidden": hidden, "activation": activation},
            "train": {"lr": 0.1, "epochs": 1000, **(train or {})},
        }
    )


def train_set(run, dtype):
    X = run.pipeline(run.data.train.X, dtype)
    return X, targets(run.data.train.y, run.data.n_classes, dtype)


def one_pass_gradient(run, params, dtype, masks=None):
    """The textbook full-batch gradient: one forward/backward over every training row."""
    X, T = train_set(run, dtype)
    ws = Workspace(run.sizes, len(X), dtype)
    grads = Params(params.layout, np.zeros_like(params.theta))
    z = forward(params, X, run.act, ws, masks=masks)
    output_gradient(z, T, ws.dZ[-1])
    return backward(params, run.act, ws, grads).theta


nets = st.fixed_dictionaries(
    {
        "n_points": st.integers(20, 300),
        "hidden": st.lists(st.integers(1, 12), min_size=1, max_size=3),
        "activation": st.sampled_from(list(ACTIVATIONS)),
        "classes": st.sampled_from([2, 3]),
    }
)


@settings(max_examples=40, **SLOW)
@given(net=nets, chunk=st.integers(1, 64), epochs=st.integers(1, 3))
def test_a_full_batch_summed_over_chunks_is_the_one_pass_gradient_descent(net, chunk, epochs):
    """Two ways: RunState's chunked full-batch steps (float64) against θ ← θ − α∇J(θ) computed
    in one pass over all rows; and when the batch fits one chunk, to the bit (float32)."""
    for dtype, rows_per_chunk in ((np.float64, chunk), (np.float32, None)):
        run = new_run(make(**net, train={"batch_size": 0}), dtype=dtype)
        if rows_per_chunk is not None:
            run.chunk = rows_per_chunk
        assert (run.chunk < run.n_train) == (rows_per_chunk is not None and chunk < run.n_train)
        params = Params(run.params.layout, run.params.theta.copy())
        for _ in range(epochs):
            params.theta -= 0.1 * one_pass_gradient(run, params, dtype)
        advance(run, epochs=epochs)
        if rows_per_chunk is None:
            assert np.array_equal(run.params.theta, params.theta)
        else:
            np.testing.assert_allclose(run.params.theta, params.theta, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, **SLOW)
@given(net=nets, chunk=st.integers(1, 40), keep=st.floats(0.3, 0.95))
def test_dropout_masks_are_drawn_chunk_by_chunk_and_the_gradient_is_theirs(net, chunk, keep):
    """A full batch with dropout over chunks: the gradient equals the one-pass gradient
    with the masks each chunk drew, in order, from the run's generator."""
    run = new_run(make(**net, train={"batch_size": 0, "keep_prob": keep}), dtype=np.float64)
    run.chunk = chunk
    theta = run.params.theta.copy()
    rng = train_stream(run.config.train.seed, "training")
    N, L = run.n_train, len(run.sizes) - 1
    layers = [[] for _ in range(L)]
    for start in range(0, N, chunk):
        rows = min(chunk, N - start)
        for layer, p in enumerate(run.keep):
            if p < 1.0:
                u = rng.random((run.sizes[layer], rows), dtype=np.float64)
                layers[layer].append(((u < p) / p).T)
            else:
                layers[layer].append(None)
    masks = [None if parts[0] is None else np.concatenate(parts) for parts in layers]
    expected = one_pass_gradient(run, Params(run.params.layout, theta), np.float64, masks)
    advance(run, epochs=1)
    np.testing.assert_allclose(run.grads.theta, expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, **SLOW)
@given(
    net=nets,
    chunk=st.integers(2, 50),
    batch=st.sampled_from([0, 1, 7, 60, 1000]),
    keep=st.sampled_from([1.0, 0.8]),
    optimizer=st.sampled_from(["sgd", "adam"]),
    slices=st.lists(st.integers(1, 6), min_size=1, max_size=12),
)
def test_a_run_in_slices_of_any_size_is_the_run_in_one_go(
    net, chunk, batch, keep, optimizer, slices
):
    """Training driven a few next() at a time (the sizes cycle through `slices`; 1 is a
    single chunk of scoring or of a step), with every report taken between two slices,
    ends bit-identical to the run trained in one go."""
    train_settings = {"batch_size": batch, "keep_prob": keep, "optimizer": optimizer}
    config = make(**net, train=train_settings | {"epochs": 3})
    whole, sliced = new_run(config), new_run(config)
    whole.chunk = sliced.chunk = chunk
    advance(whole)
    steps, ended = train(sliced), object()
    for size in itertools.cycle(slices):
        if any(next(steps, ended) is ended for _ in range(size)):
            break
        snapshot(sliced, resolution=4, neurons=True)
        gradient_checker(sliced)
    assert sliced.status == whole.status and sliced.epoch == whole.epoch
    assert sliced.updates == whole.updates
    assert np.array_equal(sliced.params.theta, whole.params.theta)
    for key, values in whole.history.arrays().items():
        assert np.array_equal(values, sliced.history.arrays()[key], equal_nan=True), key


def test_a_full_batch_step_yields_between_chunks_and_applies_once_at_its_end():
    run = new_run(make(400, [8, 8], train={"batch_size": 0}))
    run.chunk = 16
    steps = train(run)
    calls = 0
    while run.updates == 0:
        assert run.epoch == 0
        next(steps)
        calls += 1
    assert calls >= -(-run.n_train // run.chunk)  # a chunk a call at the most
    assert run.scored is False and run.epoch == 1  # the step is taken; epoch 1 to score
    while not run.scored:
        next(steps)
    assert run.history.arrays()["epoch"].tolist() == [0, 1] and run.updates == 1


def test_scoring_yields_between_chunks_and_a_snapshot_does_not_score():
    run = new_run(make(2000, [8], train={"batch_size": 10}))
    run.chunk = 100
    steps = train(run)
    next(steps)
    assert not run.scored and run.updates == 0  # epoch 0 is scored before its first step
    snap = snapshot(run)
    assert (
        not run.scored
        and np.isnan(snap.metrics["train"]["loss"])
        and not len(snap.history["epoch"])
    )
    while not run.scored:
        next(steps)
    assert snapshot(run).history["epoch"].tolist() == [0] and run.updates == 0


@pytest.mark.parametrize("key, value", [("train.batch_size", 50), ("train.keep_prob", 0.8)])
def test_changing_the_batch_or_keep_prob_mid_batch_starts_it_again_under_the_new_value(key, value):
    """A full batch half summed in chunks is dropped: the epoch is the new setting's from
    its start, as in a run that had it from epoch 0."""
    config = make(300, [8], train={"batch_size": 0})
    cut, fresh = new_run(config), new_run(with_value(config, key, value))
    fresh.chunk = cut.chunk = 20
    steps = train(cut)
    next(steps)
    next(steps)
    assert cut.updates == 0 and not cut.scored
    set_config(cut, with_value(cut.config, key, value))
    while not (cut.epoch == 1 and cut.scored):
        next(steps)
    advance(fresh, epochs=1)
    assert cut.updates == fresh.updates > 1 or key == "train.keep_prob"
    assert np.array_equal(cut.params.theta, fresh.params.theta)


def test_a_setting_changed_back_before_the_next_chunk_keeps_the_half_summed_batch():
    config = make(300, [8], train={"batch_size": 0})
    fresh, cut = new_run(config), new_run(config)
    fresh.chunk = cut.chunk = 20
    steps = train(cut)
    next(steps)
    next(steps)
    set_config(cut, with_value(cut.config, "train.batch_size", 50))
    set_config(cut, with_value(cut.config, "train.batch_size", 0))
    while not (cut.epoch == 1 and cut.scored):
        next(steps)
    advance(fresh, epochs=1)
    assert np.array_equal(cut.params.theta, fresh.params.theta)


@pytest.mark.parametrize("sizes", [(2, 8, 1), (7, 256, 256, 256, 5), (7, *[256] * 50, 5)])
def test_chunk_rows_bound_the_training_workspace_and_the_work(sizes):
    chunk = chunk_rows(sizes)
    assert chunk * workspace_bytes_per_row(sizes, 4) <= CHUNK_BYTES
    assert chunk * flops_per_row(sizes) <= CHUNK_FLOPS or chunk == MIN_CHUNK_ROWS
    assert (chunk < 20_000) == (sizes[1] == 256)  # the small net is never chunked


def test_the_surface_pass_stops_between_blocks_when_cancelled():
    sizes = (2, 256, 256, 256, 1)
    params = init_params(sizes, "he", 1.0, np.random.default_rng(1))
    X = np.random.default_rng(2).standard_normal((10_000, 2)).astype(np.float32)
    blocked = BlockedForward(sizes, X, np.float32)
    assert blocked.block < 10_000  # wide layers too: blocks of a bounded time
    asked = []
    with pytest.raises(CancelledError):
        blocked(params, ACTIVATIONS["relu"], cancelled=lambda: asked.append(1) or True)
    assert asked == [1]
