"""The recipe lessons' "What to look for" (the cures for bias and variance, the
regularizers, normalization, the λ sweep), each line measured over SEEDS on the preset
run headless, with the slider the line names moved as an override."""

import functools

import numpy as np
import pytest

from deepdials.core.engine.snapshot import Status
from deepdials.core.lessons.cost_landscape import landscape
from deepdials.core.lessons.sweep import PARAMETERS, run_point, sweep_points
from deepdials.resources import PRESETS
from tests.lesson_runs import SEEDS, at_epoch, column, error, gap, lesson_config, trained


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
def test_sweep_lambda_validation_error_is_a_u(seed):
    lam, _, val = lambda_sweep(seed)
    best = int(np.argmin(val))
    # "Validation error falls, then rises: 22–26% at λ = 0.01, lowest at λ = 0.5–2
    # (17.5–20.5%, near the dashed Bayes line at 16.5%), back up at λ = 5 (21–27%) and at
    # 50% from λ = 10 on (seeds 0–4)."
    assert 0.22 <= val[0] <= 0.26
    assert 0.5 <= lam[best] <= 2.0 and 0.175 <= val[best] <= 0.205
    assert val[best] <= val[0] - 0.04
    assert 0.205 <= val[lam == 5.0][0] <= 0.27 and val[lam == 5.0][0] > val[best]
    assert np.all(val[lam >= 10] == 0.5)


@pytest.mark.parametrize("seed", SEEDS)
def test_sweep_lambda_train_error_rises_all_the_way(seed):
    lam, train, _ = lambda_sweep(seed)
    # "Train error rises all the way: 0–3% at λ = 0.01 (the network learns the noise),
    # 15–23% at λ = 5, 50% from λ = 10 on, where the network outputs a constant."
    assert train[0] <= 0.03
    assert 0.15 <= train[lam == 5.0][0] <= 0.23
    assert np.all(train[lam >= 10] == 0.5)
    assert np.all(np.diff(train) >= -0.011)  # one point of 100 either way at most


def roughness(run) -> float:
    """Mean |ΔJ_train| between recorded epochs over the second half of the run: how much
    the training loss jumps from one step to the next."""
    _, loss = column(run, "train_loss")
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
    run, off = trained("l2", seed), trained("l2", seed, train__l2=0.0)
    # "Compared with λ off (slide λ to the left), the validation error is lower (λ = 2:
    # 16–22%, λ = 0: 23–28%, seeds 0–4) and the gap between train and validation closes
    # (under 9 points, against 23–28 with λ off)."
    assert 0.16 <= error(run, "val") <= 0.22 and 0.23 <= error(off, "val") <= 0.28
    assert gap(run) < 0.09 and 0.23 <= gap(off) <= 0.28
    # "Push λ to 10: too much — the network outputs a constant, both errors are 50%
    # (high bias)."
    heavy = trained("l2", seed, train__l2=10.0)
    assert error(heavy) == error(heavy, "val") == 0.5
    # "Plain gradient descent at α = 0.5 (Optimizer: gradient descent) shows the decay
    # itself: each step multiplies every weight by 1 − αλ/m = 0.99 before the gradient
    # moves it; the validation error ends at 17–22%, as with Adam."
    plain = trained("l2", seed, train__optimizer="sgd", train__lr=0.5)
    assert 1 - 0.5 * 2.0 / plain.n_train == 0.99
    assert 0.17 <= error(plain, "val") <= 0.22


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_is_noisier_narrows_the_gap_and_too_little_keeps_bias(seed):
    run, off = trained("dropout", seed), trained("dropout", seed, train__keep_prob=1.0)
    # "The curves are measured with dropout off, on the whole network. Still, the training
    # loss jumps from epoch to epoch, where with keep-prob 1 it falls smoothly [...]. The
    # gap between train and validation error is narrower (13–21 points, against 23–28
    # with keep-prob 1, seeds 0–4)."
    assert roughness(run) > 10 * roughness(off)
    assert 0.13 <= gap(run) <= 0.21 and 0.23 <= gap(off) <= 0.28
    # "keep-prob 1.0: back to overfitting, 0% training error. keep-prob 0.2: [...] the net
    # no longer fits its own training points, whose error rises to 10–25% (3–12% at
    # keep-prob 0.5): high bias."
    assert error(off) == 0.0
    assert 0.10 <= error(trained("dropout", seed, train__keep_prob=0.2)) <= 0.25
    assert 0.03 <= error(run) <= 0.12


@pytest.mark.parametrize("seed", SEEDS)
def test_early_stopping_keeps_the_best_epoch(seed):
    run = trained("early_stopping", seed)
    epochs, val_loss = column(run, "val_loss")
    # "The curves mark the best epoch (the lowest validation loss, epoch 40–85 over seeds
    # 0–4) and the epoch where patience ran out, 50 later; the run stops there and its
    # errors are those of the best epoch."
    assert run.best_epoch == epochs[np.argmin(val_loss)] and 40 <= run.best_epoch <= 85
    assert run.stopped_epoch == run.best_epoch + 50 == run.epoch
    assert run.status == Status.EARLY_STOPPED
    for split in ("train", "val"):
        assert error(run, split) == at_epoch(run, f"{split}_error", run.best_epoch)
    # "The validation error it keeps, 19–23%, is below the 23–28% of training on to epoch
    # 3000 without stopping."
    on = trained("early_stopping", seed, train__patience=0)
    assert 0.19 <= error(run, "val") <= 0.23 < error(on, "val") <= 0.28
    # "Compare with L2 (λ = 2, patience 0) on the same set-up: a validation error within
    # 5 points of it, without stopping."
    l2 = trained("early_stopping", seed, train__patience=0, train__l2=2.0)
    assert l2.status == Status.FINISHED and l2.epoch == 3000
    assert abs(error(l2, "val") - error(run, "val")) < 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_augmentation_adds_training_copies_and_lowers_validation(seed):
    run, plain = trained("augmentation", seed), trained("augmentation", seed, data__augment=0)
    # "The faint points are the augmented copies; validation and test are never augmented."
    train = run.data.train
    assert np.sum(train.augmented) == 4 * np.sum(~train.augmented) > 0
    assert not run.data.val.augmented.any() and not run.data.test.augmented.any()
    # "For the circles, a turn by a multiple of 45° or a mirror maps the inner circle onto
    # itself and the outer ring onto itself: a copy keeps its point's class."
    copies = train.y[train.augmented].reshape(4, -1)
    assert np.all(copies == train.y[~train.augmented])
    # "Only 16 training points here, 80 with their four copies each."
    assert len(train.y) == 80 and np.sum(~train.augmented) == 16
    # "Set Augment to 0: the validation error rises on every seed (seeds 0–4: from
    # 0–3.1% to 11–31%)."
    assert error(run, "val") <= 0.032 and 0.105 <= error(plain, "val") <= 0.315


CIRCLE_INPUTS = [2, 3]  # x1^2, x2^2 in the l1 preset's feature list
OTHER_INPUTS = [0, 1, 4, 5, 6]  # x1, x2, x1*x2, sin(x1), sin(x2)


def input_weights(run) -> np.ndarray:
    """|W[1]|: (features, units), one row per input feature."""
    W = np.abs(run.params.W[0])
    assert W.shape == (7, 8)
    return W


@pytest.mark.parametrize("seed", SEEDS)
def test_l1_keeps_the_circle_inputs_and_zeros_the_rest(seed):
    W = input_weights(trained("l1", seed))
    kept, other = W[CIRCLE_INPUTS], W[OTHER_INPUTS]
    # "each of the 40 weights from x₁, x₂, x₁x₂, sin x₁, sin x₂ ends under 9% of the
    # largest x₁² or x₂² weight, 35–40 of them under 0.001 in size (none exactly 0),
    # while x₁² and x₂² keep weights of 0.8–1.1 (seeds 0–4)."
    assert other.max() < 0.09 * kept.max()
    assert np.sum(other < 1e-3) >= 35 and np.all(other > 0)
    assert np.all((kept.max(axis=1) >= 0.8) & (kept.max(axis=1) <= 1.1))


@pytest.mark.parametrize("seed", SEEDS)
def test_l2_with_the_same_lambda_shrinks_without_zeroing(seed):
    W = input_weights(trained("l1", seed, train__l1=0.0, train__l2=10.0))
    # "Switch the penalty to L2 with the same λ (L1 to 0, L2 to 10): the weights shrink,
    # x₁²'s and x₂²'s too (to 0.3–0.45), but few vanish: 0–12 of those 40 under 0.001."
    kept = W[CIRCLE_INPUTS].max(axis=1)
    assert np.all((kept >= 0.3) & (kept <= 0.45))
    assert np.sum(W[OTHER_INPUTS] < 1e-3) <= 12


def path_length(path: np.ndarray) -> float:
    return float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)))


@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_page_turns_a_valley_round(seed):
    train = trained("normalization", seed, epochs=1).data.train
    raw = landscape(train.X, train.y, normalize=False)
    norm = landscape(train.X, train.y, normalize=True)
    # "raw, the contours are a narrow valley, curvature ratio κ 8,000–16,000 in the
    # caption; the path drops across it and crawls along its floor, J still 0.26–0.37
    # after 40 steps (seeds 0–4)."
    assert 8000 <= raw.condition <= 16000 and 0.26 <= raw.path_cost[-1] <= 0.37
    # "Tick "Normalize inputs": κ under 1.5, the path goes straight (its length within
    # 1% of the distance it covers) and J reaches 0.04–0.06."
    assert norm.condition < 1.5 and 0.04 <= norm.path_cost[-1] <= 0.06
    assert path_length(norm.path) < 1.01 * np.linalg.norm(norm.path[-1] - norm.path[0])
    # "κ = (1 + |ρ|)/(1 − |ρ|), ρ their correlation [...] Here |ρ| is under 0.2, so κ is
    # 1.06–1.44."
    rho = abs(np.corrcoef(train.X.T)[0, 1])
    assert rho < 0.2 and np.isclose(norm.condition, (1 + rho) / (1 - rho))
    assert 1.06 <= norm.condition <= 1.445


@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_raw_loss_drops_then_crawls_and_normalized_takes_a_big_rate(seed):
    raw = trained("normalization", seed)
    _, loss = column(raw, "train_loss")
    # "from epoch 1000 to 3000 the training loss falls by under 3%, and the training
    # error ends at 17–53%."
    at_1000 = at_epoch(raw, "train_loss", 1000)
    assert loss[0] > 2 * at_1000 and 0.97 * at_1000 < loss[-1] < at_1000
    assert 0.17 <= error(raw) <= 0.53
    # "Tick "Normalize inputs" and set the learning rate to 0.1, a thousand times larger:
    # under 2% training error by epoch 300 (seeds 0–4: 0–1.3%)."
    fast = trained("normalization", seed, epochs=300, data__normalize=True, train__lr=0.1)
    assert error(fast) < 0.02
