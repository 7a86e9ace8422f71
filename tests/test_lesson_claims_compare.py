"""The comparison lessons' "What to look for", each line measured over SEEDS: the figure
the sentence names, on the runs the window would train side by side."""

import numpy as np
import pytest

from tests.lesson_runs import SEEDS, at_epoch, at_step, column, compared, error


def early(run, name: str, last_epoch: int) -> np.ndarray:
    epochs, values = column(run, name)
    return values[epochs <= last_epoch]


@pytest.mark.parametrize("seed", SEEDS)
def test_init_zeros_never_moves_random_starts_high_he_ends_lowest(seed):
    runs = at_step("compare_init", 1, seed)
    zeros, big, he = runs["zeros"], runs["random × 10"], runs["He"]
    # "Curves: random × 10's loss starts hundreds of times higher than He's (400–1,700
    # against 0.7–0.9). Zeros: the training error is 50% and stays there."
    assert 400 <= column(big, "train_loss")[1][0] <= 1700
    assert 0.65 <= column(he, "train_loss")[1][0] <= 0.9
    assert np.all(column(zeros, "train_error")[1] == 0.5)
    # "Train on to 5000 epochs. Zeros never moves: every weight is still exactly 0. He
    # ends with the lowest validation error of the three (He 0–3.3%, random × 10
    # 3.3–42%, zeros 50%)."
    runs = at_step("compare_init", 2, seed)
    zeros, big, he = runs["zeros"], runs["random × 10"], runs["He"]
    assert zeros.epoch == 5000 and all(not W.any() for W in zeros.params.W)
    assert np.all(column(zeros, "train_error")[1] == 0.5)
    assert error(he, "val") < min(error(big, "val"), error(zeros, "val"))
    assert error(he, "val") <= 0.034 and 0.033 <= error(big, "val") <= 0.42


@pytest.mark.parametrize("seed", SEEDS)
def test_regularization_keeps_validation_near_training(seed):
    runs = compared("compare_regularization", seed)
    none = runs["no regularization"]
    gap = {label: error(run, "val") - error(run, "train") for label, run in runs.items()}
    # "No regularization fits every training point; L2 leaves some."
    assert error(none, "train") == 0.0
    assert 0.04 <= error(runs["L2, λ = 2"], "train") <= 0.17
    # "Bias / variance: the variance of L2 and of dropout is below that of none."
    assert gap["L2, λ = 2"] < gap["no regularization"] > gap["dropout, keep 0.5"]
    assert gap["no regularization"] >= 0.2


@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_lets_a_hundred_times_larger_rate_converge(seed):
    runs = compared("compare_normalization", seed)
    slow, bouncing, normalized = runs.values()
    # "At epoch 300 the normalized run is under 2%; both raw runs above 15%."
    assert at_epoch(normalized, "train_error", 300) < 0.02
    assert min(at_epoch(r, "train_error", 300) for r in (slow, bouncing)) > 0.15
    # "Raw, α = 0.01: up to epoch 300 its loss goes up between about half of the
    # recorded epochs; the other two runs' losses fall at every one."
    rises = [np.mean(np.diff(early(r, "train_loss", 300)) > 0) for r in runs.values()]
    assert rises[0] == 0.0 and rises[2] == 0.0 and 0.3 <= rises[1] <= 0.7
    # "At epoch 3000: raw with α = 0.01 at 2–10%, raw with α = 0.001 still 11–35%."
    assert 0.02 <= error(bouncing, "train") <= 0.10
    assert 0.11 <= error(slow, "train") <= 0.35
