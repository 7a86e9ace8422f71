"""A training run: reproducibility, slicing, regularization, early stopping, divergence."""

import numpy as np
import pytest

from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.losses import mean_loss, targets
from deepdials.core.engine.network import Workspace, forward
from deepdials.core.engine.reports import (
    gradient_check,
    layer_stats,
    neuron_maps,
    snapshot,
    surface,
)
from deepdials.core.engine.run import advance, train
from deepdials.core.engine.state import new_run, set_config
from deepdials.core.probes.layerstats import PROBE_ROWS


def make(data=None, model=None, train=None):
    return config_from_dict(
        {"schema": 1, "data": data or {}, "model": model or {}, "train": train or {}}
    )


def history_of(run):
    return run.history.arrays()


def test_same_config_and_seed_give_bit_identical_histories():
    config = make(train={"keep_prob": 0.8, "epochs": 30, "optimizer": "adam", "lr": 0.01})
    a, b = new_run(config), new_run(config)
    advance(a)
    advance(b)
    for key, values in history_of(a).items():
        assert np.array_equal(values, history_of(b)[key], equal_nan=True), key
    assert np.array_equal(a.params.theta, b.params.theta)


def test_another_training_seed_gives_another_run():
    a = new_run(make(train={"epochs": 5}))
    b = new_run(make(train={"epochs": 5, "seed": 1}))
    advance(a)
    advance(b)
    assert not np.array_equal(a.params.theta, b.params.theta)


def test_training_yields_mid_epoch_and_the_same_generator_resumes_there():
    run = new_run(make(data={"n_points": 2000, "split": [1, 0, 0]}, train={"batch_size": 1}))
    steps = train(run)
    next(steps)  # epoch 0's record
    next(steps)
    assert run.epoch == 0 and 0 < run.updates < run.n_train  # batch 1: an update a row
    while not (run.epoch == 1 and run.scored):
        next(steps)
    assert run.updates == run.n_train


def test_history_records_every_epoch_from_the_initial_parameters():
    for batch in (0, 10):
        run = new_run(make(train={"epochs": 20, "batch_size": batch}))
        advance(run)
        h = history_of(run)
        assert h["epoch"].tolist() == list(range(21))
        assert h["grad_norm"].shape == (21, 3)
        assert run.status == "finished"


def test_full_batch_training_loss_is_the_loss_at_each_epochs_parameters():
    run = new_run(make(train={"epochs": 3, "batch_size": 0}))
    advance(run, epochs=2)
    recorded = history_of(run)["train_loss"][-1]
    X = run.pipeline(run.data.train.X, np.float32)
    z = forward(run.params, X, run.act, Workspace(run.sizes, len(X), np.float32))
    fresh = mean_loss(z, targets(run.data.train.y, run.data.n_classes, np.float32))
    assert recorded == pytest.approx(fresh, rel=1e-6)


def test_hot_settings_change_the_running_network_without_a_reset():
    config = make(train={"epochs": 100})
    run = new_run(config)
    advance(run, epochs=10)
    theta = run.params.theta.copy()
    set_config(run, make(train={"epochs": 100, "lr": 0.3, "l2": 0.5}))
    assert run.epoch == 10 and np.array_equal(run.params.theta, theta)
    advance(run, epochs=1)
    assert run.epoch == 11 and run.config.train.lr == 0.3


def test_raising_epochs_after_the_end_resumes_the_run():
    run = new_run(make(train={"epochs": 3}))
    advance(run)
    assert run.status == "finished"
    set_config(run, make(train={"epochs": 6}))
    advance(run)
    assert run.status == "finished" and run.epoch == 6


def test_zero_init_leaves_every_unit_of_a_layer_identical():
    run = new_run(make(model={"hidden": [6, 5], "init": "zeros"}, train={"epochs": 50}))
    advance(run)
    for W, b in zip(run.params.W, run.params.b):
        assert np.allclose(W, W[:, :1]) and np.allclose(b, b[0])
    assert np.any(run.params.b[-1] != 0)  # it did train: the output bias moved


OVERFIT = {
    "data": {"kind": "circles", "n_points": 120, "noise": 0.25, "split": [0.5, 0.5, 0], "seed": 3},
    "model": {"hidden": [64, 64], "activation": "relu", "init": "he"},
    "train": {"optimizer": "adam", "lr": 0.01, "batch_size": 0, "epochs": 1500},
}


def test_l2_lowers_the_weight_norm_and_the_validation_error_when_overfitting():
    plain = new_run(make(**OVERFIT))
    reg = new_run(make(OVERFIT["data"], OVERFIT["model"], OVERFIT["train"] | {"l2": 2.0}))
    advance(plain)
    advance(reg)
    norm = lambda r: np.sqrt(sum(float((W.astype(float) ** 2).sum()) for W in r.params.W))  # noqa: E731
    assert norm(reg) < 0.5 * norm(plain)
    assert plain.metrics["train"]["error"] < plain.metrics["val"]["error"] - 0.05  # overfits
    assert reg.metrics["val"]["error"] < plain.metrics["val"]["error"] - 0.02


def test_early_stopping_restores_the_best_epoch():
    run = new_run(make(OVERFIT["data"], OVERFIT["model"], OVERFIT["train"] | {"patience": 50}))
    advance(run)
    h = history_of(run)
    assert run.status == "early_stopped"
    assert run.stopped_epoch == run.best_epoch + 50
    best = int(np.nanargmin(h["val_loss"]))
    assert h["epoch"][best] == run.best_epoch
    assert run.metrics["val"]["loss"] == pytest.approx(h["val_loss"][best], rel=1e-6)
    assert h["val_loss"][-1] > h["val_loss"][best]


def test_an_exploding_run_ends_diverged_without_a_warning(capfd):
    config = make(
        model={"hidden": [32] * 10, "activation": "relu", "init": "normal", "init_scale": 10},
        train={"lr": 10, "epochs": 50},
    )
    run = new_run(config)
    advance(run)  # filterwarnings=error turns any NumPy warning into a failure
    assert run.status == "diverged"
    assert 0 <= run.diverged_at <= 50
    snap = snapshot(run, resolution=20)
    assert snap.status == "diverged" and snap.diverged_at == run.diverged_at
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_diverged_run_reports_its_last_finite_epoch():
    config = make(
        model={"hidden": [16] * 6, "activation": "relu", "init": "he"},
        train={"lr": 4.5, "epochs": 50, "batch_size": 0},
    )
    run = new_run(config)
    advance(run)
    assert run.status == "diverged" and run.diverged_at == 9
    stats = layer_stats(run)
    assert stats.epoch == 8
    for name in ("act_std", "grad_std", "dw_std", "grad_norm", "update_ratio", "weight_norm"):
        assert np.isfinite(getattr(stats, name)).all(), name
    history = history_of(run)
    np.testing.assert_array_equal(stats.grad_norm, history["grad_norm"][history["epoch"] == 8][0])
    assert not np.isfinite(history["grad_norm"][-1]).all()  # the diverged epoch's own row
    assert np.isfinite(surface(run, 20).probs).all()
    neurons = neuron_maps(run)
    assert all(np.isfinite(m).all() for m in neurons.maps)
    assert all(np.isfinite(g).all() for g in neurons.grads)


@pytest.mark.parametrize("kind, noise", [("circles", 0.3), ("moons", 0.3), ("xor", 0.3)])
def test_no_trained_model_beats_the_bayes_error_on_a_large_test_set(kind, noise):
    config = make(
        data={"kind": kind, "noise": noise, "n_points": 20000, "split": [0.25, 0, 0.75]},
        model={"hidden": [16, 16], "activation": "tanh"},
        train={"optimizer": "adam", "lr": 0.01, "batch_size": 100, "epochs": 40},
    )
    run = new_run(config)
    advance(run)
    test_error = run.metrics["test"]["error"]
    bayes = run.data.bayes_error
    assert test_error >= bayes - 0.008  # 3 standard errors of 15,000 points
    assert test_error <= bayes + 0.04  # and the model is good, so the bound is not vacuous


def test_snapshots_are_fresh_arrays():
    run = new_run(make(train={"epochs": 50}))
    advance(run, epochs=5)
    snap = snapshot(run, resolution=16)
    before = (snap.surface.probs.copy(), snap.history["train_loss"].copy())
    advance(run, epochs=5)
    assert np.array_equal(snap.surface.probs, before[0])
    assert np.array_equal(snap.history["train_loss"], before[1])
    assert snap.surface.probs.shape == (16, 16)


def test_the_surface_holds_the_network_output_at_each_grid_point():
    run = new_run(make(data={"scale_x1": 10.0}, train={"epochs": 20}))
    advance(run)
    grid = surface(run, 12)
    x1_min, x1_max, x2_min, x2_max = grid.extent
    i, j = 3, 8
    point = np.array([[x1_min + j * (x1_max - x1_min) / 11, x2_min + i * (x2_max - x2_min) / 11]])
    ws = Workspace(run.sizes, 1, np.float32)
    z = forward(run.params, run.pipeline(point, np.float32), run.act, ws)
    assert grid.probs[i, j] == pytest.approx(1 / (1 + np.exp(-z[0, 0])), abs=1e-5)


def test_multiclass_surface_has_one_probability_per_class():
    run = new_run(make(data={"kind": "spiral", "n_classes": 3}, train={"epochs": 2}))
    advance(run)
    probs = surface(run, 10).probs
    assert probs.shape == (10, 10, 3)
    assert np.allclose(probs.sum(axis=2), 1, atol=1e-5)


def test_layer_statistics_match_a_direct_computation():
    run = new_run(
        make(model={"hidden": [7, 5], "activation": "relu", "init": "he"}, train={"epochs": 3})
    )
    advance(run)
    stats = layer_stats(run)
    X = run.pipeline(run.data.train.X[:PROBE_ROWS])
    a1 = np.maximum(X @ run.params.W[0] + run.params.b[0], 0)
    a2 = np.maximum(a1 @ run.params.W[1] + run.params.b[1], 0)
    assert stats.act_std[0] == pytest.approx(a1.std(), rel=1e-4)
    assert stats.act_mean[1] == pytest.approx(a2.mean(), rel=1e-4)
    assert stats.dead[0] == pytest.approx((a1 <= 0).all(axis=0).mean())
    assert stats.weight_norm[1] == pytest.approx(np.linalg.norm(run.params.W[1]), rel=1e-5)
    assert stats.act_hist.shape == (3, 40) and np.allclose(stats.act_hist.sum(axis=1), 1)


def test_gradient_check_of_a_run_includes_the_penalty():
    run = new_run(make(train={"l2": 1.0, "l1": 0.5, "keep_prob": 0.5}))
    check = gradient_check(run)
    assert check.dropout_off
    assert check.difference < 1e-7
    assert gradient_check(run, plant_bug=2).verdict == "bug"


def test_a_multiclass_surface_of_many_blocks_matches_the_forward_pass():
    run = new_run(make(data={"kind": "spiral", "n_classes": 3}, train={"epochs": 2}))
    advance(run)
    grid = surface(run, 100)
    x1_min, x1_max, x2_min, x2_max = grid.extent
    i, j = 71, 93
    point = np.array([[x1_min + j * (x1_max - x1_min) / 99, x2_min + i * (x2_max - x2_min) / 99]])
    ws = Workspace(run.sizes, 1, np.float32)
    z = forward(run.params, run.pipeline(point, np.float32), run.act, ws)[0]
    expected = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert grid.probs.dtype == np.float32
    np.testing.assert_allclose(grid.probs[i, j], expected, atol=1e-5)
