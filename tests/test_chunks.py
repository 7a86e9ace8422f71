"""Passes in chunks: a batch larger than a chunk is summed chunk by chunk to the one-pass
gradient (with dropout masks drawn per chunk), a batch that fits one chunk is the one pass
to the bit, and scoring and a chunked step stop between chunks and resume exactly."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config.schema import config_from_dict, with_value
from core.engine.activations import ACTIVATIONS
from core.engine.losses import output_gradient, targets
from core.engine.network import (
    CHUNK_BYTES,
    CHUNK_FLOPS,
    MIN_CHUNK_ROWS,
    BlockedForward,
    Workspace,
    backward,
    chunk_rows,
    flops_per_row,
    forward,
    forward_rows,
    init_params,
    workspace_bytes_per_row,
)
from core.engine.params import Params
from core.engine.run import Run
from core.errors import CancelledError
from core.streams import train_stream

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
    """Two ways: Run's chunked full-batch steps (float64) against θ ← θ − α∇J(θ) computed
    in one pass over all rows; and when the batch fits one chunk, to the bit (float32)."""
    for dtype, rows_per_chunk in ((np.float64, chunk), (np.float32, None)):
        run = Run(make(**net, train={"batch_size": 0}), dtype=dtype)
        if rows_per_chunk is not None:
            run.chunk = rows_per_chunk
        assert (run.chunk < run.n_train) == (rows_per_chunk is not None and chunk < run.n_train)
        params = Params(run.params.layout, run.params.theta.copy())
        for _ in range(epochs):
            params.theta -= 0.1 * one_pass_gradient(run, params, dtype)
        run.advance(epochs=epochs)
        if rows_per_chunk is None:
            assert np.array_equal(run.params.theta, params.theta)
        else:
            np.testing.assert_allclose(run.params.theta, params.theta, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, **SLOW)
@given(net=nets, chunk=st.integers(1, 40), keep=st.floats(0.3, 0.95))
def test_dropout_masks_are_drawn_chunk_by_chunk_and_the_gradient_is_theirs(net, chunk, keep):
    """A full batch with dropout over chunks: the gradient equals the one-pass gradient
    with the masks each chunk drew, in order, from the run's generator."""
    run = Run(make(**net, train={"batch_size": 0, "keep_prob": keep}), dtype=np.float64)
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
    run.advance(epochs=1)
    np.testing.assert_allclose(run.grads.theta, expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=25, **SLOW)
@given(
    net=nets,
    chunk=st.integers(2, 50),
    batch=st.sampled_from([0, 1, 7, 60, 1000]),
    keep=st.sampled_from([1.0, 0.8]),
    optimizer=st.sampled_from(["sgd", "adam"]),
)
def test_a_run_in_the_thinnest_slices_is_the_run_in_one_go(net, chunk, batch, keep, optimizer):
    """Every slice stops after one chunk (of scoring or of a step): the run resumes each
    where it stopped, and ends bit-identical to the run trained in one call."""
    train = {"batch_size": batch, "keep_prob": keep, "optimizer": optimizer, "epochs": 3}
    config = make(**net, train=train)
    whole, sliced = Run(config), Run(config)
    whole.chunk = sliced.chunk = chunk
    whole.advance()
    while sliced.status == "running":
        sliced.advance(seconds=0)
        sliced.snapshot(record_seconds=0)
    assert sliced.epoch == whole.epoch and sliced.updates == whole.updates
    assert np.array_equal(sliced.params.theta, whole.params.theta)
    for key, values in whole.history.arrays().items():
        assert np.array_equal(values, sliced.history.arrays()[key], equal_nan=True), key


def test_a_full_batch_step_stops_between_chunks_and_applies_once_at_its_end():
    run = Run(make(400, [8, 8], train={"batch_size": 0}))
    run.chunk = 16
    calls = 0
    while run.updates == 0:
        assert run.epoch == 0
        run.advance(seconds=0)
        calls += 1
    assert calls >= -(-run.n_train // run.chunk)  # one chunk a call at the least
    assert run.scored is False and run.epoch == 1  # the step is taken; epoch 1 to score
    run.snapshot()
    assert run.scored and run.history.arrays()["epoch"].tolist() == [0, 1]


def test_scoring_stops_between_chunks_and_a_snapshot_does_not_force_it():
    run = Run(make(2000, [8], train={"batch_size": 10}))
    run.chunk = 100
    run.advance(seconds=0)
    assert not run.scored and run.updates == 0  # epoch 0 is scored before its first step
    snap = run.snapshot(record_seconds=0)
    assert (
        not run.scored
        and np.isnan(snap.metrics["train"]["loss"])
        and not len(snap.history["epoch"])
    )
    snap = run.snapshot()  # no budget: all it takes
    assert run.scored and snap.history["epoch"].tolist() == [0]


def test_changing_the_batch_or_keep_prob_mid_step_drops_the_half_summed_gradient():
    config = make(300, [8], train={"batch_size": 0})
    fresh, cut = Run(config), Run(config)
    fresh.chunk = cut.chunk = 20
    cut.advance(seconds=0)
    cut.advance(seconds=0)
    assert cut.updates == 0
    cut.set_config(with_value(cut.config, "train.batch_size", 50))
    cut.set_config(with_value(cut.config, "train.batch_size", 0))
    fresh.advance(epochs=1)
    cut.advance(epochs=1)
    assert np.array_equal(cut.params.theta, fresh.params.theta)


@pytest.mark.parametrize("sizes", [(2, 8, 1), (7, 256, 256, 256, 5), (7, *[256] * 50, 5)])
def test_chunk_rows_bound_the_training_workspace_and_the_work(sizes):
    chunk = chunk_rows(sizes)
    assert chunk * workspace_bytes_per_row(sizes, 4) <= CHUNK_BYTES
    assert chunk * flops_per_row(sizes) <= CHUNK_FLOPS or chunk == MIN_CHUNK_ROWS
    assert (chunk < 20_000) == (sizes[1] == 256)  # the small net is never chunked


def test_forward_rows_resumes_at_a_deadline_and_stops_when_cancelled():
    sizes = (2, 16, 16, 3)
    params = init_params(sizes, "he", 1.0, np.random.default_rng(1))
    X = np.random.default_rng(2).standard_normal((1000, 2)).astype(np.float32)
    act = ACTIVATIONS["relu"]
    whole = forward(params, X, act, Workspace(sizes, 1000, np.float32)).copy()
    ws, out, row, calls = (
        Workspace(sizes, 64, np.float32, backward=False),
        np.empty((1000, 3), np.float32),
        0,
        0,
    )
    while row < 1000:
        row = forward_rows(params, X, act, ws, out, row, deadline=0.0)
        calls += 1
    assert calls == -(-1000 // 64)
    np.testing.assert_allclose(out, whole, rtol=1e-5, atol=1e-6)
    asked = []
    with pytest.raises(CancelledError):
        forward_rows(params, X, act, ws, out, cancelled=lambda: asked.append(1) or len(asked) > 2)
    assert len(asked) == 3  # asked between chunks, stopped at the third


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
