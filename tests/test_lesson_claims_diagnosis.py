"""The split, mismatch, bias/variance and recipe lessons' "What to look for", each line
measured over SEEDS: the figure the sentence names, on the run the lesson trains headless
(and, for "move slider X", on the run trained with that override)."""

import numpy as np
import pytest

from deepdials.core.data import bayes, datasets
from deepdials.core.engine.losses import predictions
from deepdials.core.engine.network import Workspace, forward
from deepdials.core.engine.reports import surface
from deepdials.core.probes.diagnosis import diagnose_run
from tests.lesson_runs import SEEDS, column, error, gap, trained

FRESH_POINTS = 4000
FRESH_SEED = 7


def diagnosis(run):
    """The run's reading, as the Bias/variance panel and the command line give it."""
    return diagnose_run(run.metrics, run.data, run.status == "diverged", run.epoch)


def verdict(run) -> str:
    return diagnosis(run).verdict


def predict(run, X: np.ndarray) -> np.ndarray:
    """The run's class for each row of X : (n, 2), in the data's coordinates."""
    ws = Workspace(run.sizes, len(X), run.dtype, backward=False)
    return predictions(forward(run.params, run.pipeline(X, run.dtype), run.act, ws))


def off_bayes(run) -> float:
    """The share of fresh points of the training distribution on which the network and the
    Bayes classifier (the best possible boundary) disagree."""
    data = run.config.data
    K = run.data.n_classes
    X, _ = datasets.sample(
        data.kind, FRESH_POINTS, K, data.noise, np.random.default_rng(FRESH_SEED)
    )
    best = bayes.posterior(data.kind, K, data.noise, X).argmax(axis=1)
    return float(np.mean(predict(run, X) != best))


def bayes_misses(run) -> float:
    """The share of the run's training points that the Bayes classifier gets wrong."""
    data, train = run.config.data, run.data.train
    best = bayes.posterior(data.kind, run.data.n_classes, data.noise, train.X).argmax(axis=1)
    return float(np.mean(best != train.y))


def ring_closed(run, resolution: int = 41) -> bool:
    """Whether the class at the centre of the plotted square differs from the class of every
    cell on its border: a closed boundary around the centre."""
    inside = surface(run, resolution).probs > 0.5
    border = np.concatenate([inside[0], inside[-1], inside[:, 0], inside[:, -1]])
    return bool(np.all(border != inside[resolution // 2, resolution // 2]))


# ----- default -----


@pytest.mark.parametrize("seed", SEEDS)
def test_default_closes_a_ring_and_lands_at_the_bayes_error(seed):
    # "The boundary closes into a ring around the inner class between epoch 20 and 60
    # (seeds 0–4: epoch 27–56), and stays closed."
    assert not ring_closed(trained("default", seed, epochs=20))
    assert ring_closed(trained("default", seed, epochs=60))
    run = trained("default", seed)
    assert ring_closed(run)
    # "Train and validation error both fall to within a point of the rings' Bayes error of
    # 0.6% (seeds 0–4: train 0–0.4%, validation 0–1.3%)."
    assert abs(error(run) - run.data.bayes_error) <= 0.01
    assert abs(error(run, "val") - run.data.bayes_error) <= 0.01


# ----- split -----


@pytest.mark.parametrize("seed", SEEDS)
def test_split_validation_error_turns_while_training_error_falls(seed):
    run = trained("split", seed)
    epochs, train = column(run, "train_error")
    _, val = column(run, "val_error")
    best = int(np.argmin(val))
    # "Train error keeps falling, to 0–1.7% at epoch 3000; validation error reaches its
    # lowest (0–3%) by epoch 1400 and ends 1–4 points above it: from there the network
    # fits the noise."
    assert train[-1] < train[best] and train[-1] <= 0.017
    assert epochs[best] <= 1400 and val[best] <= 0.03
    assert 0.01 <= val[-1] - val[best] <= 0.04 + 1e-9


def test_split_fewer_training_points_strays_further_from_the_best_boundary():
    # "Move the Validation and Test sliders to 45% each (50 training points): the boundary
    # strays further from the best possible one. It disagrees with the Bayes classifier on
    # 2.8–12% of fresh points (seeds 0–4, 8% on average), against 1.9–3.7% (2.9% on
    # average) with 300 training points."
    many = [off_bayes(trained("split", seed)) for seed in SEEDS]
    few = [off_bayes(trained("split", seed, data__split=(0.1, 0.45, 0.45))) for seed in SEEDS]
    assert min(many) >= 0.019 and max(many) <= 0.038
    assert min(few) >= 0.027 and max(few) <= 0.125
    assert np.mean(few) >= 2 * np.mean(many)


def test_split_new_data_moves_the_validation_error_by_a_few_points():
    # "Press New data (the next data seed): the validation error moves by a few points —
    # 3–7% over data seeds 0–4 — the noise of 100 validation points."
    val = [error(trained("split", 0, data__seed=d), "val") for d in SEEDS]
    assert min(val) >= 0.03 and max(val) <= 0.07
    assert max(val) - min(val) >= 0.02


# ----- mismatch -----


@pytest.mark.parametrize("seed", SEEDS)
def test_mismatch_is_data_mismatch_not_variance(seed):
    run = trained("mismatch", seed)
    data = run.data
    # "With mismatch on, validation and test points are drawn as diamonds and crosses: they
    # sit to the right of the dots, shifted by 0.3 along x₁."
    for split in (data.val, data.test):
        assert 0.2 <= split.X[:, 0].mean() - data.train.X[:, 0].mean() <= 0.4
    # "Training error 0% with validation error 19–27% (seeds 0–4). The train-dev error,
    # on points of the training distribution held out from training, stays at 0–0.8%: it
    # is not variance."
    assert error(run) == 0.0
    assert 0.19 <= error(run, "val") <= 0.27
    assert error(run, "train_dev") <= 0.0085
    # "The Bias/variance panel says "data mismatch": 9–15 points beyond the shifted
    # distribution's Bayes error of 10.6%."
    d = diagnosis(run)
    assert d.verdict == "data mismatch"
    assert d.bayes_error_shifted == pytest.approx(0.106, abs=0.001)
    assert 0.085 <= d.mismatch <= 0.155
    # "Regularization does not fix it: with L2 λ = 1 the validation error is still 17–29%."
    regularized = trained("mismatch", seed, train__l2=1.0)
    assert error(regularized, "val") >= 0.17 and error(regularized, "val") <= 0.29
    assert verdict(regularized) == "data mismatch"
    # "Set Mismatch to 0 and the gap closes: validation 0–0.8%, the verdict "fine"."
    same = trained("mismatch", seed, data__mismatch=0.0)
    assert error(same, "val") <= 0.0085
    assert verdict(same) == "fine"


# ----- the four bias/variance cases -----


@pytest.mark.parametrize("seed", SEEDS)
def test_high_variance_fits_the_training_points_and_is_cured_by_data_or_lambda(seed):
    run = trained("high_variance", seed)
    # "Train error 0%, validation error 5–10% (seeds 0–4): the Bias/variance panel says
    # "high variance"."
    assert error(run) == 0.0
    assert 0.05 <= error(run, "val") <= 0.10
    assert verdict(run) == "high variance"
    # "The boundary bends around single training points: it disagrees with the best
    # possible (Bayes) boundary on 4.5–7% of fresh points."
    assert 0.045 <= off_bayes(run) <= 0.071
    # "The cure (the basic recipe): More data (1120 points) brings validation to 0.8–2.9%
    # and the verdict to "fine"; Regularize (λ 0 → 0.1) lowers it on every seed, to 1–6%."
    more = trained("high_variance", seed, data__n_points=1120)
    assert error(more, "val") <= 0.029 and verdict(more) == "fine"
    regularized = trained("high_variance", seed, train__l2=0.1)
    assert error(regularized, "val") < error(run, "val")
    assert 0.01 <= error(regularized, "val") <= 0.062


@pytest.mark.parametrize("seed", SEEDS)
def test_high_bias_flattens_far_above_bayes_and_twelve_units_fix_it(seed):
    run = trained("high_bias", seed)
    epochs, train = column(run, "train_error")
    _, val = column(run, "val_error")
    before, late = (epochs >= 900) & (epochs < 1200), epochs >= 1200
    # "Train and validation curves flatten out together, far above the Bayes line of 1.5%:
    # their means over epochs 900–1200 and 1200–1500 differ by under 1.5 points (train)
    # and 2.5 points (validation); train error ends at 8–21% (seeds 0–4), validation
    # 0.5–4 points above it."
    assert abs(train[late].mean() - train[before].mean()) <= 0.015
    assert abs(val[late].mean() - val[before].mean()) <= 0.025
    assert 0.08 <= error(run) <= 0.21
    assert error(run) - run.data.bayes_error >= 0.065
    assert 0.005 <= gap(run) <= 0.04
    # "The boundary is too simple for the spiral arms: it disagrees with the best possible
    # (Bayes) boundary on 11–24% of fresh points."
    assert 0.11 <= off_bayes(run) <= 0.24
    # "Training longer does not cure it here: at epoch 3000 the training error is still
    # 7.5–20%."
    assert 0.075 <= error(trained("high_bias", seed, epochs=3000)) <= 0.20
    # "The cure: a bigger network (Units 8 → 12 brings train error to 1–3.5% and validation
    # to 2–5.5%)."
    bigger = trained("high_bias", seed, model__hidden=(12,))
    assert 0.01 <= error(bigger) <= 0.035
    assert 0.019 <= error(bigger, "val") <= 0.055


@pytest.mark.parametrize("seed", SEEDS)
def test_high_bias_and_variance_is_fixed_bias_first_then_variance(seed):
    run = trained("high_bias_and_variance", seed)
    d = diagnosis(run)
    # "A large gap to the Bayes line *and* a large gap between the curves: avoidable bias
    # 13–21 points, variance 9–15 points (seeds 0–4)."
    assert 0.13 <= d.avoidable_bias <= 0.21
    assert 0.09 <= d.variance <= 0.15
    assert d.verdict == "high bias and high variance"
    # "Fix the bias first: Units 6 → 24 brings train error to 0–0.8%, and the verdict
    # turns to "high variance" (validation 6–20%)."
    bigger = trained("high_bias_and_variance", seed, model__hidden=(24,))
    assert error(bigger) <= 0.008
    assert verdict(bigger) == "high variance"
    assert 0.06 <= error(bigger, "val") <= 0.20
    # "Then the variance: Points 500 → 2000 brings validation to 2–4%: "fine"."
    both = trained("high_bias_and_variance", seed, model__hidden=(24,), data__n_points=2000)
    assert 0.02 <= error(both, "val") <= 0.04
    assert verdict(both) == "fine"


@pytest.mark.parametrize("seed", SEEDS)
def test_low_bias_low_variance_is_fine_and_follows_the_bayes_boundary(seed):
    run = trained("low_bias_low_variance", seed)
    d = diagnosis(run)
    # "The Bias/variance panel says "fine": train 0.1–0.3% and validation 0.4–0.9% (seeds
    # 0–4) against a Bayes error of 0.5%; avoidable bias and variance both under a point."
    assert d.verdict == "fine"
    assert 0.001 <= error(run) <= 0.003 and 0.004 <= error(run, "val") <= 0.009
    assert abs(d.avoidable_bias) < 0.01 and abs(d.variance) < 0.01
    # "A training error under the Bayes error is chance here: the best possible boundary
    # itself misclassifies only 0.2–0.4% of these 1,000 training points, fewer than the
    # 0.5% it misses on average."
    assert run.n_train == 1000 and 0.002 <= bayes_misses(run) <= 0.004
    assert bayes_misses(run) < run.data.bayes_error
    # "The boundary follows the gap between the moons, not individual points: it disagrees
    # with the best possible (Bayes) boundary on at most 0.5% of fresh points."
    assert off_bayes(run) <= 0.005


# ----- the recipes for bias and for variance -----


@pytest.mark.parametrize("seed", SEEDS)
def test_train_longer_or_bigger_cures_bias_and_lambda_does_not(seed):
    short = trained("train_longer", seed)
    # "After 150 epochs the training error is still high (seeds 0–4: 24–40%): raise
    # "Stop after" to 3000 and press Play — it keeps falling, to 1–4%."
    assert 0.24 <= error(short) <= 0.40
    assert error(trained("train_longer", seed, epochs=3000)) <= 0.04
    # "Or add a hidden layer (16, 16): after the same 150 epochs the training error is
    # lower, 4–26%: a bigger network gets there in fewer epochs. The 16 units did not lack
    # the capacity, only the epochs."
    deeper = trained("train_longer", seed, model__hidden=(16, 16))
    assert 0.04 <= error(deeper) <= 0.26 and error(deeper) < error(short)
    # "Turn λ up to 5 instead: after 3000 epochs the training error is still 34–46%, not
    # 1–4%: regularization makes bias worse, not better."
    assert 0.34 <= error(trained("train_longer", seed, epochs=3000, train__l2=5.0)) <= 0.46


@pytest.mark.parametrize("seed", SEEDS)
def test_more_data_cuts_the_variance(seed):
    run, more = trained("more_data", seed), trained("more_data", seed, data__n_points=5000)
    # "Raise Points from 500 to 5,000 (100 to 1,000 training points): the variance
    # (validation − training error) falls from 23–28 points to 7–13, and the validation
    # error towards the Bayes line (16.5%): 19–23% from 23–28% (seeds 0–4)."
    assert more.n_train == 1000 and 0.23 <= gap(run) <= 0.28 and 0.07 <= gap(more) <= 0.13
    assert 0.19 <= error(more, "val") <= 0.23 < error(run, "val") <= 0.28
    assert abs(run.data.bayes_error - 0.165) < 0.001
    # "With 100 training points the network fits every one: train error 0% against a Bayes
    # error of 16.5%. That is memorised noise, and the Bias/variance panel says so."
    assert run.n_train == 100 and error(run) == 0.0
    assert any("memorised noise" in note for note in diagnosis(run).notes)
    # "Or keep 500 points and turn λ up to 2 (L2): the variance falls under 9 points."
    assert gap(trained("more_data", seed, train__l2=2.0)) < 0.09
