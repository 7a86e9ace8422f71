"""The recipe lessons' steps (the regularizers, augmentation, early stopping, the λ sweep,
normalization, their comparisons), each step's sentence measured over SEEDS on the runs it
leaves on screen (`at_step`); and the overfitting set-up's lines, with the slider they name
moved as an override."""

import functools

import numpy as np
import pytest

from deepdials.core.config.files import load_experiment
from deepdials.core.engine.snapshot import Status
from deepdials.core.lessons.cost_landscape import landscape
from deepdials.core.lessons.player import steps_of
from deepdials.core.lessons.sweep import PARAMETERS, run_point, sweep_points
from deepdials.resources import PRESETS
from tests.lesson_runs import (
    SEEDS,
    at_epoch,
    at_step,
    column,
    error,
    gap,
    lesson_config,
    trained,
)


def said(name: str, step: int, *figures: str) -> None:
    """Each of `figures` is in the text of step `step` (from 1) of the lesson NAME: the
    test measures what the step says."""
    text = steps_of(load_experiment(PRESETS / f"{name}.json"))[step - 1].text
    for figure in figures:
        assert figure in text, f"{name} step {step} does not say {figure!r}"


def on_screen(name: str, step: int, seed: int) -> list:
    """The runs on screen after step `step` of lesson NAME, in the window's order."""
    return list(at_step(name, step, seed).values())


@functools.cache
def lambda_sweep(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(λ, train error, val error) of the Sweeps page's default λ sweep of sweep_lambda,
    each point trained for the preset's epochs, as "Run sweep" trains them."""
    config = lesson_config("sweep_lambda", seed)
    values = list(PARAMETERS["l2"].defaults)
    points = sweep_points(config, "l2", values, config.train.epochs, PRESETS)
    results = [run_point(p) for p in points]
    train, val = (np.array([getattr(r, f"{s}_error") for r in results]) for s in ("train", "val"))
    return np.array(values), train, val


@pytest.mark.parametrize("seed", SEEDS)
def test_sweep_lambda_validation_error_is_a_u_and_train_error_rises(seed):
    lam, train, val = lambda_sweep(seed)
    best = int(np.argmin(val))
    said("sweep_lambda", 1, "22–26% at λ = 0.01", "λ = 0.5–2 (17.5–20.5%)", "21–27% at λ = 5")
    said("sweep_lambda", 2, "0–3% at λ = 0.01", "15–23% at λ = 5", "λ to 10", "both errors 50%")
    assert 0.22 <= val[0] <= 0.26
    assert 0.5 <= lam[best] <= 2.0 and 0.175 <= val[best] <= 0.205
    assert val[best] <= val[0] - 0.04
    assert 0.205 <= val[lam == 5.0][0] <= 0.27 and val[lam == 5.0][0] > val[best]
    assert train[0] <= 0.03
    assert 0.15 <= train[lam == 5.0][0] <= 0.23
    assert np.all(train[lam >= 10] == 0.5) and np.all(val[lam >= 10] == 0.5)
    assert np.all(np.diff(train) >= -0.011)  # one point of 100 either way at most
    (heavy,) = on_screen("sweep_lambda", 2, seed)
    assert heavy.config.train.l2 == 10 and error(heavy) == error(heavy, "val") == 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_sweep_lambda_step_trains_the_valley_beside_lambda_ten(seed):
    lam, _, val = lambda_sweep(seed)
    (heavy,) = on_screen("sweep_lambda", 2, seed)
    kept, valley = on_screen("sweep_lambda", 3, seed)
    said("sweep_lambda", 3, "λ = 1", "17.5–20.5%", "within a point of its lowest")
    assert kept is heavy
    assert valley.config.train.l2 == 1 and error(valley, "val") == val[lam == 1.0][0]
    assert 0.175 <= error(valley, "val") <= 0.205 and error(valley, "val") <= val.min() + 0.01


def roughness(run, name: str = "train_loss") -> float:
    """Mean |ΔJ| between recorded epochs over the second half of the run: how much a loss
    (the training loss, dropout off, unless `name` says another column) jumps from one
    step to the next."""
    _, loss = column(run, name)
    return float(np.mean(np.abs(np.diff(loss[len(loss) // 2 :]))))


@pytest.mark.parametrize("seed", SEEDS)
def test_overfitting_curves_part_and_the_validation_loss_turns_up(seed):
    run = trained("overfitting", seed)
    # "Curves: the train and validation curves part: 0% training error against 23–28%
    # validation error after 3000 epochs (seeds 0–4)."
    assert error(run) == 0.0 and 0.23 <= error(run, "val") <= 0.28
    # "The validation loss turns upwards: lowest near epoch 40–85, then it climbs to 5–11
    # times that by epoch 3000."
    epochs, val_loss = column(run, "val_loss")
    assert 40 <= epochs[np.argmin(val_loss)] <= 85
    assert 5 <= val_loss[-1] / val_loss.min() <= 11
    # "Raise λ to 2 or lower keep-prob to 0.5: the gap between them closes (λ = 2: under
    # 9 points; keep-prob 0.5: 13–21 points, against 23–28 without)."
    assert gap(trained("overfitting", seed, train__l2=2.0)) < 0.09
    assert 0.13 <= gap(trained("overfitting", seed, train__keep_prob=0.5)) <= 0.21


@pytest.mark.parametrize("seed", SEEDS)
def test_l2_lowers_validation_and_too_much_is_high_bias(seed):
    (run,) = on_screen("l2", 1, seed)
    said("l2", 1, "λ = 2", "16–22%", "under 9 points")
    assert 0.16 <= error(run, "val") <= 0.22 and gap(run) < 0.09
    kept, off = on_screen("l2", 2, seed)
    said("l2", 2, "λ = 0", "23–28%", "23–28 points")
    assert kept is run and off.config.train.l2 == 0
    assert 0.23 <= error(off, "val") <= 0.28 and 0.23 <= gap(off) <= 0.28
    kept, heavy = on_screen("l2", 3, seed)
    said("l2", 3, "λ = 10", "both errors 50%")
    assert kept is run and heavy.config.train.l2 == 10
    assert error(heavy) == error(heavy, "val") == 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_l2_with_gradient_descent_decays_each_weight_by_a_factor(seed):
    adam, plain = on_screen("l2", 4, seed)
    said("l2", 4, "α = 0.5, λ = 2", "1 − αλ/m = 0.99", "17–22%")
    train = plain.config.train
    assert train.optimizer == "sgd" and adam.config.train.optimizer == "adam"
    assert 1 - train.lr * train.l2 / plain.n_train == 0.99
    assert 0.17 <= error(plain, "val") <= 0.22


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_jumps_narrows_the_gap_and_too_little_keeps_bias(seed):
    (run,) = on_screen("dropout", 1, seed)
    said("dropout", 1, "keep-prob 0.5", "3–12%", "13–21 points", "dash-dot", "25–38% above")
    assert 0.03 <= error(run) <= 0.12 and 0.13 <= gap(run) <= 0.21
    epochs, off_loss = column(run, "train_loss")
    _, on_loss = column(run, "dropout_loss")
    later = epochs >= epochs[-1] // 2
    assert 1.25 <= np.mean(on_loss[later]) / np.mean(off_loss[later]) <= 1.385
    assert roughness(run, "dropout_loss") > 10 * roughness(run)
    kept, off = on_screen("dropout", 2, seed)
    said("dropout", 2, "keep-prob 1", "0% training error", "23–28 points")
    assert kept is run and off.config.train.keep_prob == 1.0
    assert error(off) == 0.0 and 0.23 <= gap(off) <= 0.28
    assert roughness(run) > 10 * roughness(off)
    kept, low = on_screen("dropout", 3, seed)
    said("dropout", 3, "keep-prob 0.2", "10–25%")
    assert kept is run and low.config.train.keep_prob == 0.2
    assert 0.10 <= error(low) <= 0.25


@pytest.mark.parametrize("seed", SEEDS)
def test_early_stopping_keeps_the_best_epoch(seed):
    (run,) = on_screen("early_stopping", 1, seed)
    said("early_stopping", 1, "Patience 50", "50 epochs after", "40–85", "19–23%")
    epochs, val_loss = column(run, "val_loss")
    assert run.best_epoch == epochs[np.argmin(val_loss)] and 40 <= run.best_epoch <= 85
    assert run.stopped_epoch == run.best_epoch + 50 == run.epoch
    assert run.status == Status.EARLY_STOPPED
    for split in ("train", "val"):
        assert error(run, split) == at_epoch(run, f"{split}_error", run.best_epoch)
    assert 0.19 <= error(run, "val") <= 0.23
    kept, on = on_screen("early_stopping", 2, seed)
    said("early_stopping", 2, "patience 0", "epoch 3000", "23–28%")
    assert kept is run and on.status == Status.FINISHED and on.epoch == 3000
    assert error(run, "val") < error(on, "val") and 0.23 <= error(on, "val") <= 0.28
    kept, l2 = on_screen("early_stopping", 3, seed)
    said("early_stopping", 3, "λ = 2", "within 5 points")
    assert kept is run and l2.config.train.l2 == 2 and l2.config.train.patience == 0
    assert l2.status == Status.FINISHED and l2.epoch == 3000
    assert abs(error(l2, "val") - error(run, "val")) < 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_augmentation_adds_copies_in_their_class_and_lowers_validation(seed):
    (run,) = on_screen("augmentation", 1, seed)
    said("augmentation", 1, "Augment 4", "16 training points", "0–3.1%")
    train = run.data.train
    assert np.sum(~train.augmented) == 16 and np.sum(train.augmented) == 4 * 16
    copies = train.y[train.augmented].reshape(4, -1)
    assert np.all(copies == train.y[~train.augmented])
    assert not run.data.val.augmented.any() and not run.data.test.augmented.any()
    assert error(run, "val") <= 0.032
    kept, plain = on_screen("augmentation", 2, seed)
    said("augmentation", 2, "Augment 0", "every seed", "11–31%")
    assert kept is run and not plain.data.train.augmented.any()
    assert error(plain, "val") > error(run, "val") and 0.105 <= error(plain, "val") <= 0.315


CIRCLE_INPUTS = [2, 3]  # x1^2, x2^2 in the l1 preset's feature list
OTHER_INPUTS = [0, 1, 4, 5, 6]  # x1, x2, x1*x2, sin(x1), sin(x2)


def input_weights(run) -> np.ndarray:
    """|W[1]|: (features, units), one row per input feature."""
    W = np.abs(run.params.W[0])
    assert W.shape == (7, 8)
    return W


@pytest.mark.parametrize("seed", SEEDS)
def test_l1_keeps_the_circle_inputs_and_leaves_the_rest_near_zero(seed):
    (run,) = on_screen("l1", 1, seed)
    said(
        "l1",
        1,
        "λ = 10",
        "0.8–1.1",
        "the other 40",
        "9% of the largest",
        "35–40 under 0.001",
        "none exactly 0",
    )
    W = input_weights(run)
    kept, other = W[CIRCLE_INPUTS], W[OTHER_INPUTS]
    assert other.max() < 0.09 * kept.max()
    assert np.sum(other < 1e-3) >= 35 and np.all(other > 0)
    assert np.all((kept.max(axis=1) >= 0.8) & (kept.max(axis=1) <= 1.1))


@pytest.mark.parametrize("seed", SEEDS)
def test_l2_with_the_same_lambda_shrinks_without_zeroing(seed):
    (run,) = on_screen("l1", 2, seed)
    said("l1", 2, "L2, same λ", "0.3–0.45", "0–12 of the 40 under 0.001")
    W = input_weights(run)
    assert run.config.train.l1 == 0 and run.config.train.l2 == 10
    kept = W[CIRCLE_INPUTS].max(axis=1)
    assert np.all((kept >= 0.3) & (kept <= 0.45))
    assert np.sum(W[OTHER_INPUTS] < 1e-3) <= 12


def path_length(path: np.ndarray) -> float:
    return float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)))


@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_page_turns_a_valley_round(seed):
    (raw_run,) = on_screen("normalization", 1, seed)
    said("normalization", 1, "κ 8,000–16,000", "40 steps", "0.26–0.37")
    train = raw_run.data.train
    raw = landscape(train.X, train.y, normalize=raw_run.config.data.normalize)
    assert 8000 <= raw.condition <= 16000 and 0.26 <= raw.path_cost[-1] <= 0.37
    _, normalized = on_screen("normalization", 3, seed)
    said("normalization", 3, "κ 1.06–1.44", "straight path", "0.04–0.06")
    norm = landscape(train.X, train.y, normalize=normalized.config.data.normalize)
    assert np.array_equal(normalized.data.train.X, train.X)  # the page reads these points
    assert 0.04 <= norm.path_cost[-1] <= 0.06
    assert path_length(norm.path) < 1.01 * np.linalg.norm(norm.path[-1] - norm.path[0])
    # (the explanation: "κ = (1 + |ρ|)/(1 − |ρ|), ρ their correlation"; here |ρ| < 0.2)
    rho = abs(np.corrcoef(train.X.T)[0, 1])
    assert rho < 0.2 and np.isclose(norm.condition, (1 + rho) / (1 - rho))
    assert 1.06 <= norm.condition <= 1.445


@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_raw_loss_drops_then_crawls_and_normalized_takes_a_big_rate(seed):
    (raw,) = on_screen("normalization", 2, seed)
    said("normalization", 2, "α = 0.0001", "1000 to 3000", "under 3%", "17–53%")
    _, loss = column(raw, "train_loss")
    at_1000 = at_epoch(raw, "train_loss", 1000)
    assert loss[0] > 2 * at_1000 and 0.97 * at_1000 < loss[-1] < at_1000
    assert 0.17 <= error(raw) <= 0.53
    kept, fast = on_screen("normalization", 3, seed)
    said("normalization", 3, "α = 0.1", "training error under 2% by epoch 300")
    assert kept is raw and fast.config.data.normalize and fast.config.train.lr == 0.1
    assert fast.epoch == 300 and error(fast) < 0.02


@pytest.mark.parametrize("seed", SEEDS)
def test_compare_regularization_fits_less_and_keeps_validation_near_training(seed):
    runs = at_step("compare_regularization", 1, seed)
    said("compare_regularization", 1, "epoch 1000", "0% training error", "5–20%")
    none, l2 = runs["no regularization"], runs["L2, λ = 2"]
    assert none.epoch == l2.epoch == 1000
    assert error(none) == 0.0 and 0.05 <= error(l2) <= 0.20
    runs = at_step("compare_regularization", 2, seed)
    said("compare_regularization", 2, "epoch 3000", "Bias / variance", "20–33 points")
    variance = {label: gap(run) for label, run in runs.items()}
    assert all(run.epoch == 3000 for run in runs.values())
    assert variance["L2, λ = 2"] < variance["no regularization"] > variance["dropout, keep 0.5"]
    assert 0.20 <= variance["no regularization"] <= 0.335


def early(run, name: str, last_epoch: int) -> np.ndarray:
    epochs, values = column(run, name)
    return values[epochs <= last_epoch]


@pytest.mark.parametrize("seed", SEEDS)
def test_compare_normalization_converges_at_a_hundred_times_the_rate(seed):
    slow, bouncing, normalized = on_screen("compare_normalization", 1, seed)
    said(
        "compare_normalization",
        1,
        "epoch 300",
        "under 2%",
        "above 15%",
        "α = 0.01",
        "about half the epochs",
    )
    assert all(run.epoch == 300 for run in (slow, bouncing, normalized))
    assert error(normalized) < 0.02 and min(error(slow), error(bouncing)) > 0.15
    rises = [
        np.mean(np.diff(early(r, "train_loss", 300)) > 0) for r in (slow, bouncing, normalized)
    ]
    assert rises[0] == 0.0 and rises[2] == 0.0 and 0.3 <= rises[1] <= 0.7
    slow, bouncing, normalized = on_screen("compare_normalization", 2, seed)
    said("compare_normalization", 2, "epoch 3000", "2–10%", "11–35%")
    assert all(run.epoch == 3000 for run in (slow, bouncing, normalized))
    assert 0.02 <= error(bouncing) <= 0.10 and 0.11 <= error(slow) <= 0.35
