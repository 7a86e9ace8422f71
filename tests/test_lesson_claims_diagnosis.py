"""The split, mismatch, bias/variance and recipe lessons, step by step: each figure a step's
text names, checked to be in that text and measured over SEEDS on the runs on screen after
that step, played headless from the preset (`at_step`). The default config's description
is measured on its run."""

import numpy as np
import pytest

from deepdials.core.config.files import load_experiment
from deepdials.core.data import bayes, datasets
from deepdials.core.engine.losses import predictions
from deepdials.core.engine.network import Workspace, forward
from deepdials.core.engine.reports import surface
from deepdials.core.lessons.player import steps_of
from deepdials.core.probes.diagnosis import diagnose_run
from deepdials.resources import PRESETS
from tests.lesson_runs import SEEDS, at_step, column, error, gap, trained

FRESH_POINTS = 4000
FRESH_SEED = 7


def said(name: str, step: int, *figures: str) -> None:
    """Each of `figures` is in the text of step `step` (from 1) of the lesson NAME."""
    text = steps_of(load_experiment(PRESETS / f"{name}.json"))[step - 1].text
    for figure in figures:
        assert figure in text, f"{name} step {step} does not say {figure!r}"


def shown(name: str, step: int, seed: int) -> list:
    """The runs on screen after the step, in the window's order (a step's own run last)."""
    return list(at_step(name, step, seed).values())


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
    said("split", 1, "to 0–1.7%", "lowest, 0–3%, by epoch 1400", "ends 1–4 points above it")
    (run,) = shown("split", 1, seed)
    epochs, train = column(run, "train_error")
    _, val = column(run, "val_error")
    best = int(np.argmin(val))
    assert train[-1] < train[best] and train[-1] <= 0.017
    assert epochs[best] <= 1400 and val[best] <= 0.03
    assert 0.01 <= val[-1] - val[best] <= 0.04 + 1e-9


def test_split_fewer_training_points_strays_further_from_the_best_boundary():
    said("split", 2, "50 training points, beside the 300", "2.8–12% of fresh points (8% on")
    said("split", 2, "against 1.9–3.7% (3%)")
    pairs = [shown("split", 2, seed) for seed in SEEDS]
    assert all(few.n_train == 50 and many.n_train == 300 for many, few in pairs)
    many = [off_bayes(many) for many, _ in pairs]
    few = [off_bayes(few) for _, few in pairs]
    assert min(many) >= 0.019 and max(many) <= 0.038 and abs(np.mean(many) - 0.03) < 0.005
    assert min(few) >= 0.027 and max(few) <= 0.125 and abs(np.mean(few) - 0.08) < 0.005


def test_split_new_data_moves_the_validation_error_by_a_few_points():
    said("split", 3, "moves by up to 4 points", "Over data seeds 0–4 it ends at 2–7%")
    first = [error(shown("split", 1, seed)[0], "val") for seed in SEEDS]
    for seed in SEEDS:
        kept, new = shown("split", 3, seed)
        assert new.config.data.seed == 1 and new.config.train.seed == seed
        assert new.n_train == 300 and kept is shown("split", 1, seed)[0]
        assert abs(error(new, "val") - error(kept, "val")) <= 0.04 + 1e-9
    assert min(first) >= 0.02 and max(first) <= 0.07 and max(first) - min(first) >= 0.04


# ----- mismatch -----


@pytest.mark.parametrize("seed", SEEDS)
def test_mismatch_is_data_mismatch_not_variance(seed):
    said("mismatch", 1, "(diamonds, crosses) sit 0.3 to the right", "validation 19–27%")
    said("mismatch", 1, "Train 0%", "train-dev 0–0.8%", "9–15 points past B′ = 10.6%")
    (run,) = shown("mismatch", 1, seed)
    data = run.data
    for split in (data.val, data.test):
        assert 0.2 <= split.X[:, 0].mean() - data.train.X[:, 0].mean() <= 0.4
    assert error(run) == 0.0
    assert 0.19 <= error(run, "val") <= 0.27
    assert error(run, "train_dev") <= 0.0085
    d = diagnosis(run)
    assert d.verdict == "data mismatch"
    assert d.bayes_error_shifted == pytest.approx(0.106, abs=0.001)
    assert 0.085 <= d.mismatch <= 0.155
    said("mismatch", 2, "λ = 1", "still 17–29%", 'still "data mismatch"')
    (regularized,) = shown("mismatch", 2, seed)
    assert regularized.config.train.l2 == 1.0
    assert 0.17 <= error(regularized, "val") <= 0.29
    assert verdict(regularized) == "data mismatch"
    said("mismatch", 3, "Mismatch to 0", "Validation 0–0.8%", '"fine"')
    (same,) = shown("mismatch", 3, seed)
    assert same.config.data.mismatch == 0.0 and same.config.train.l2 == 0.0
    assert error(same, "val") <= 0.0085
    assert verdict(same) == "fine"


# ----- the four bias/variance cases -----


@pytest.mark.parametrize("seed", SEEDS)
def test_high_variance_fits_the_training_points_and_is_cured_by_data_or_lambda(seed):
    said("high_variance", 1, "train 0%, validation 5–10%", "4.5–7% of fresh points")
    (run,) = shown("high_variance", 1, seed)
    assert error(run) == 0.0
    assert 0.05 <= error(run, "val") <= 0.10
    assert verdict(run) == "high variance"
    assert 0.045 <= off_bayes(run) <= 0.071
    said("high_variance", 2, "Points 560 → 1120", 'Validation 0.8–2.9%, "fine"')
    (more,) = shown("high_variance", 2, seed)
    assert more.config.data.n_points == 1120
    assert 0.008 <= error(more, "val") <= 0.029 and verdict(more) == "fine"
    said("high_variance", 3, "λ 0 → 0.1", "lower than at step 1 on every seed: 1–6%")
    (regularized,) = shown("high_variance", 3, seed)
    assert regularized.config.data.n_points == 560 and regularized.config.train.l2 == 0.1
    assert error(regularized, "val") < error(run, "val")
    assert 0.01 <= error(regularized, "val") <= 0.062


@pytest.mark.parametrize("seed", SEEDS)
def test_high_bias_flattens_far_above_bayes_and_a_bigger_net_not_more_epochs_fixes_it(seed):
    said("high_bias", 1, "flatten far above the Bayes line (1.5%)", "train at 8–21%")
    said("high_bias", 1, "validation 0.5–4 points above", "11–24% of fresh points")
    (run,) = shown("high_bias", 1, seed)
    epochs, train = column(run, "train_error")
    _, val = column(run, "val_error")
    before, late = (epochs >= 900) & (epochs < 1200), epochs >= 1200
    assert abs(train[late].mean() - train[before].mean()) <= 0.015
    assert abs(val[late].mean() - val[before].mean()) <= 0.025
    assert 0.08 <= error(run) <= 0.21
    assert error(run) - run.data.bayes_error >= 0.065
    assert 0.005 <= gap(run) <= 0.04
    assert 0.11 <= off_bayes(run) <= 0.24
    said("high_bias", 2, "to epoch 3000", "still 7.5–20%")
    (longer,) = shown("high_bias", 2, seed)
    assert longer.epoch == 3000 and 0.075 <= error(longer) <= 0.20
    said("high_bias", 3, "Units 8 → 12", "train 1–3.5%, validation 2–5.5%")
    (bigger,) = shown("high_bias", 3, seed)
    assert bigger.config.model.hidden == (12,) and bigger.epoch == 1500
    assert 0.01 <= error(bigger) <= 0.035
    assert 0.019 <= error(bigger, "val") <= 0.055


@pytest.mark.parametrize("seed", SEEDS)
def test_high_bias_and_variance_is_fixed_bias_first_then_variance(seed):
    said("high_bias_and_variance", 1, "Avoidable bias 13–21 points, variance 9–15 points")
    (run,) = shown("high_bias_and_variance", 1, seed)
    # the explanation: "15–22% training error", "its 125 training points"
    assert run.n_train == 125 and 0.15 <= error(run) <= 0.22
    d = diagnosis(run)
    assert 0.13 <= d.avoidable_bias <= 0.21
    assert 0.09 <= d.variance <= 0.15
    assert d.verdict == "high bias and high variance"
    said(
        "high_bias_and_variance", 2, "Units 6 → 24", "0–0.8%", '"high variance" (validation 6–20%)'
    )
    (bigger,) = shown("high_bias_and_variance", 2, seed)
    assert bigger.config.model.hidden == (24,)
    assert error(bigger) <= 0.008
    assert verdict(bigger) == "high variance"
    assert 0.06 <= error(bigger, "val") <= 0.20
    said("high_bias_and_variance", 3, "Points 500 → 2000", "Validation 2–4%", '"fine"')
    (both,) = shown("high_bias_and_variance", 3, seed)
    assert both.config.model.hidden == (24,) and both.config.data.n_points == 2000
    assert 0.02 <= error(both, "val") <= 0.04
    assert verdict(both) == "fine"


@pytest.mark.parametrize("seed", SEEDS)
def test_low_bias_low_variance_is_fine_and_follows_the_bayes_boundary(seed):
    said("low_bias_low_variance", 1, '"fine"', "Train 0.1–0.3%, validation 0.4–0.9%, Bayes 0.5%")
    said("low_bias_low_variance", 1, "both gaps under a point", "at most 0.5% of fresh points")
    (run,) = shown("low_bias_low_variance", 1, seed)
    d = diagnosis(run)
    assert d.verdict == "fine"
    assert 0.001 <= error(run) <= 0.003 and 0.004 <= error(run, "val") <= 0.009
    assert abs(run.data.bayes_error - 0.005) < 0.0005
    assert abs(d.avoidable_bias) < 0.01 and abs(d.variance) < 0.01
    assert off_bayes(run) <= 0.005
    said("low_bias_low_variance", 2, 'still "fine", validation 0.5–0.9%')
    said("low_bias_low_variance", 2, "misses 0.2–0.4% of these 1,000 training points")
    (later,) = shown("low_bias_low_variance", 2, seed)
    assert later.epoch == 300 and verdict(later) == "fine"
    assert 0.005 <= error(later, "val") <= 0.009
    assert later.n_train == 1000 and 0.002 <= bayes_misses(later) <= 0.004


# ----- the recipes for bias and for variance -----


@pytest.mark.parametrize("seed", SEEDS)
def test_train_longer_or_bigger_cures_bias_and_lambda_does_not(seed):
    said("train_longer", 1, "still high, 24–40%")
    (short,) = shown("train_longer", 1, seed)
    assert short.epoch == 150 and 0.24 <= error(short) <= 0.40
    said("train_longer", 2, "Stop after 3000", "to 1–4%")
    (longer,) = shown("train_longer", 2, seed)
    assert longer.epoch == 3000 and 0.009 <= error(longer) <= 0.04
    said("train_longer", 3, "(16, 16)", "At epoch 150 its train error is lower, 4–26%")
    kept, deeper = shown("train_longer", 3, seed)
    assert kept is longer and deeper.config.model.hidden == (16, 16) and deeper.epoch == 150
    assert 0.04 <= error(deeper) <= 0.26 and error(deeper) < error(short)
    said("train_longer", 4, "λ = 5", "34–46%, not 1–4%")
    kept, regularized = shown("train_longer", 4, seed)
    assert kept is longer and regularized.config.model.hidden == (16,)
    assert regularized.config.train.l2 == 5.0 and regularized.epoch == 3000
    assert 0.34 <= error(regularized) <= 0.46


@pytest.mark.parametrize("seed", SEEDS)
def test_more_data_cuts_the_variance_and_so_does_lambda(seed):
    said("more_data", 1, "100 training points", "train 0% against a Bayes error of 16.5%")
    said("more_data", 1, "memorised noise", "Validation 23–28%: variance 23–28 points")
    (run,) = shown("more_data", 1, seed)
    assert run.n_train == 100 and error(run) == 0.0
    assert abs(run.data.bayes_error - 0.165) < 0.001
    assert any("memorised noise" in note for note in diagnosis(run).notes)
    assert 0.23 <= gap(run) <= 0.28 and 0.23 <= error(run, "val") <= 0.28
    said("more_data", 2, "Points 500 → 5,000 (1,000 training points)", "7–13 points", "19–23%")
    kept, more = shown("more_data", 2, seed)
    assert kept is run and more.n_train == 1000
    assert 0.07 <= gap(more) <= 0.13 and 0.19 <= error(more, "val") <= 0.23
    said("more_data", 3, "λ = 2", "under 9 points")
    *_, regularized = shown("more_data", 3, seed)
    assert regularized.n_train == 100 and regularized.config.train.l2 == 2.0
    assert gap(regularized) < 0.09
