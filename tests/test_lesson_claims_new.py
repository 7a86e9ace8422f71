"""The claims of four lessons the lecture has: "is 15% bad?", dropout in practice, bigger
is fine if regularized, and the test set looked at last. Each step's sentence is measured
over SEEDS on the runs on screen after that step (`at_step`), played headless from the
preset."""

import numpy as np
import pytest

from deepdials.core.config.files import load_experiment
from deepdials.core.engine.reports import gradient_check
from deepdials.core.lessons.player import steps_of
from deepdials.core.lessons.steps import keeps_test_hidden
from deepdials.core.probes.diagnosis import diagnose_run
from deepdials.resources import PRESETS
from tests.lesson_runs import SEEDS, at_step, column, error, gap


def verdict(run) -> str:
    return diagnose_run(run.metrics, run.data, False, run.recorded).verdict


def rises(values: np.ndarray) -> float:
    """The share of epochs at which a history column is above the epoch before's."""
    return float(np.mean(np.diff(values) > 0))


@pytest.mark.parametrize("seed", SEEDS)
def test_is_15_percent_bad_the_same_errors_read_fine_on_noisy_data_and_bias_on_clean(seed):
    runs = at_step("is_15_percent_bad", 1, seed)
    noisy, clean = runs["noisy data"], runs["clean data"]
    # "The same figures twice: training error 14–18%, validation error 16–19%."
    for run in (noisy, clean):
        assert 0.14 <= error(run) <= 0.18 and 0.155 <= error(run, "val") <= 0.19
    # "Noisy data (σ = 0.24), Bayes error 15.6%: fine." (avoidable bias at most 1 point)
    assert noisy.data.bayes_error == pytest.approx(0.156, abs=0.001)
    assert error(noisy) - noisy.data.bayes_error <= 0.01 and verdict(noisy) == "fine"
    # "Clean data (σ = 0.02, 2 units), Bayes error 0%: all of it avoidable, high bias."
    assert clean.data.bayes_error < 0.0005
    assert 0.15 <= error(clean) <= 0.18 and verdict(clean) == "high bias"


@pytest.mark.parametrize("seed", SEEDS)
def test_is_15_percent_bad_a_bigger_net_cures_the_clean_datas_bias_not_the_noisy_datas(seed):
    runs = at_step("is_15_percent_bad", 2, seed)
    bigger = runs["clean data, hidden layers = [16, 16]"]
    # "training and validation error under 0.5%, fine"
    assert error(bigger) < 0.005 and error(bigger, "val") < 0.005 and verdict(bigger) == "fine"
    # "The noisy data's 15% stays."
    assert runs["noisy data"] is at_step("is_15_percent_bad", 1, seed)["noisy data"]


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_in_practice_the_cost_dropout_minimizes_rises_half_the_time(seed):
    run = at_step("dropout_in_practice", 1, seed)["base"]
    assert run.keep == (1.0, 0.9, 0.5, 0.9)
    _, cost = column(run, "dropout_loss")
    # "The dash-dotted J that dropout minimizes rises at 47–50% of the epochs"
    assert np.isnan(cost[0]) and np.isfinite(cost[1:]).all()
    assert 0.47 <= rises(cost[1:]) <= 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_in_practice_with_dropout_off_the_one_cost_falls(seed):
    run = at_step("dropout_in_practice", 2, seed)["keep-prob = 1"]
    _, loss = column(run, "train_loss")
    # "the one cost J now falls at 97–100% of the epochs" (no dash-dotted curve)
    assert rises(loss) <= 0.03
    assert np.isnan(column(run, "dropout_loss")[1]).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_in_practice_a_gradient_check_with_dropout_on_reads_bug(seed):
    run = at_step("dropout_in_practice", 3, seed)["base"]
    assert run.epoch == 1600 and run.dropout
    # "with Leave dropout on ticked: difference about 1, bug … Unticked: under 10⁻⁷"
    left_on = gradient_check(run, dropout_on=True)
    assert left_on.verdict == "bug" and left_on.difference > 0.9
    assert gradient_check(run).difference < 1e-7


@pytest.mark.parametrize("seed", SEEDS)
def test_bigger_regularized_at_lambda_0_the_widest_net_overfits(seed):
    widest = at_step("bigger_regularized", 1, seed)["48 units"]
    # "the 48-unit net fits its training set (0–2% error) and misses 21–28% of the
    # validation points: high variance"
    assert error(widest) <= 0.02 and 0.21 <= error(widest, "val") <= 0.285
    assert verdict(widest) == "high variance"


@pytest.mark.parametrize("seed", SEEDS)
def test_bigger_regularized_at_lambda_2_the_widest_net_is_as_good_as_the_narrower(seed):
    runs = at_step("bigger_regularized", 2, seed)
    small, middle, widest = (runs[f"{w} units, l2 = 2"] for w in (3, 12, 48))
    # "the 48-unit net's gap closes to 3–8 points, its validation error (18–22%) at most 2
    # points above the 12-unit net's and never above the 3-unit net's"
    assert 0.03 <= gap(widest) <= 0.085
    assert 0.18 <= error(widest, "val") <= 0.225
    assert error(widest, "val") - error(middle, "val") <= 0.02
    assert error(widest, "val") <= error(small, "val")


@pytest.mark.parametrize("seed", SEEDS)
def test_bigger_regularized_on_big_data_no_net_overfits_and_400_points_suffice(seed):
    runs = at_step("bigger_regularized", 3, seed)
    for width in (3, 12, 48):
        big = runs[f"{width} units, points = 20000, split = [0.98, 0.02, 0]"]
        # "20,000 points split 98/2/0 (no test set)"
        sizes = [len(big.labels[split]) for split in ("train", "val", "test")]
        assert sizes == [19_600, 400, 0] and big.epoch == 20
        # "Training error 16.5–17.5%, at the Bayes error, even for 48 units; 400 validation
        # points (16–21.5%, ±2)"
        assert big.data.bayes_error == pytest.approx(0.165, abs=0.001)
        assert 0.165 <= error(big) <= 0.175 and 0.16 <= error(big, "val") <= 0.215
    assert np.sqrt(0.165 * 0.835 / 400) == pytest.approx(0.019, abs=0.001)


def test_test_set_last_hides_the_test_set_until_the_step_that_reveals_it():
    steps = steps_of(load_experiment(PRESETS / "test_set_last.json"))
    assert [keeps_test_hidden(steps, n) for n in (0, 1, 2)] == [True, True, False]


@pytest.mark.parametrize("seed", SEEDS)
def test_test_set_last_validation_is_lowest_early_then_climbs(seed):
    run = at_step("test_set_last", 1, seed)["base"]
    epochs, val = column(run, "val_error")
    best = int(np.argmin(val[1:])) + 1
    # "their error is lowest, 17–18.5%, within 50 epochs, then climbs to 19–23.5% by
    # epoch 300"
    assert 0.165 <= val[best] <= 0.185 and epochs[best] <= 50
    assert run.epoch == 300 and 0.19 <= error(run, "val") <= 0.235


def picked_on_test(seed: int) -> tuple[float, float]:
    """(test error, validation error) at the epoch where the test curve is lowest."""
    run = at_step("test_set_last", 2, seed)["base"]
    _, test = column(run, "test_error")
    _, val = column(run, "val_error")
    best = int(np.argmin(test[1:])) + 1
    return float(test[best]), float(val[best])


def test_test_set_last_revealing_keeps_the_run_and_tuning_on_the_test_set_flatters():
    flattery = []
    for seed in SEEDS:
        run = at_step("test_set_last", 2, seed)["base"]
        assert run is at_step("test_set_last", 1, seed)["base"]  # revealing trains nothing
        assert len(run.labels["test"]) == 80
        test, val = picked_on_test(seed)
        # "the test curve's lowest point (7.5–19%) lies on average 7 points under the
        # validation error of the same net (−0.5 to 13)"
        assert 0.075 <= test <= 0.19
        flattery.append(val - test)
    assert min(flattery) >= -0.006 and max(flattery) <= 0.135
    assert 0.06 <= np.mean(flattery) <= 0.075
