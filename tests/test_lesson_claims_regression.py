"""The regression lessons' steps, each sentence measured over SEEDS on the runs on screen
after its step (`at_step`): a curve underfit, just right and overfit; L2 smoothing the
wiggle (a λ sweep by hand whose validation MSE is a U with its low end near σ²); more data
calming the variance."""

import pytest
from lesson_runs import SEEDS, at_step, error

from deepdials.core.probes.diagnosis import diagnose_run

SIGMA2 = 0.3**2  # every lesson's noise floor, σ = 0.3


def runs(name: str, step: int, seed: int) -> list:
    """The runs on screen after the step, in the window's order."""
    return list(at_step(name, step, seed).values())


def shown(value: float, digits: int = 2) -> float:
    """A figure as the text states it: rounded to `digits` decimals."""
    return round(value, digits)


def diagnosis(run):
    return diagnose_run(run.metrics, run.data, diverged=False, scored_epoch=run.recorded)


def test_the_lessons_read_their_noise_floor_from_the_law():
    for name in ("regression_fit", "regression_l2", "regression_more_data"):
        for run in runs(name, 1, 0):
            assert run.data.bayes_error == pytest.approx(SIGMA2)
            assert len(run.data.train.y) == 20


# ----- regression_fit: a line, a small net, a large net -----


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_fit_after_200_epochs(seed):
    # "The line misses the bend: validation MSE 0.22–0.31, over twice σ². The small net
    # (2 tanh units) follows the curve (0.12–0.16); the large net (64-64) already bends to
    # single points, training MSE 0.03–0.08."
    line, small, large = runs("regression_fit", 1, seed)
    assert line.epoch == small.epoch == large.epoch == 200
    assert 0.22 <= shown(error(line, "val")) <= 0.31 and error(line, "val") > 2 * SIGMA2
    assert 0.12 <= shown(error(small, "val")) <= 0.16
    assert 0.03 <= shown(error(large)) <= 0.08


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_fit_the_large_net_overfits_as_it_trains_on(seed):
    # "Train on to epoch 1000: the large net threads through every point (training MSE at
    # most 0.01) and its validation MSE, 0.13–0.21, is above the small net's on every seed.
    # Bias / variance: its variance, 0.12–0.21, is high (over σ²/2 = 0.045); the line's
    # avoidable bias is 0.07–0.24."
    line, small, large = runs("regression_fit", 2, seed)
    _, _, large_before = runs("regression_fit", 1, seed)
    assert large.epoch == 1000
    assert shown(error(large)) <= 0.01 and error(large) < error(large_before)
    assert 0.13 <= shown(error(large, "val")) <= 0.21
    assert error(small, "val") < error(large, "val")
    read = diagnosis(large)
    assert read.threshold == pytest.approx(SIGMA2 / 2)
    assert 0.12 <= shown(read.variance) <= 0.21 and read.verdict == "high variance"
    assert 0.07 <= shown(diagnosis(line).avoidable_bias) <= 0.24


# ----- regression_l2: λ = 0, 0.1, 1, 5 side by side -----


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_l2_the_wiggle_fits_the_noise(seed):
    # "λ = 0: … training MSE at most 0.01, below the noise floor σ² = 0.09; validation MSE
    # 0.13–0.21."
    (wiggle,) = runs("regression_l2", 1, seed)
    assert wiggle.config.train.l2 == 0
    assert shown(error(wiggle)) <= 0.01 and 0.13 <= shown(error(wiggle, "val")) <= 0.21


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_l2_validation_mse_is_a_u_with_its_low_end_near_sigma2(seed):
    # step 2: "λ = 0.1 … Validation MSE 0.10–0.14, lower than at λ = 0 on every seed, near
    # σ²." step 3: "λ = 1 … validation MSE rises again, to 0.14–0.26." step 4: "λ = 5:
    # almost a flat line, training MSE 0.34–0.57, validation 0.24–0.58. Validation MSE
    # fell, then rose: the U of a λ sweep, lowest near σ²."
    none, small, medium, large = runs("regression_l2", 4, seed)
    assert [r.config.train.l2 for r in (none, small, medium, large)] == [0, 0.1, 1, 5]
    val = [error(r, "val") for r in (none, small, medium, large)]
    assert 0.10 <= shown(val[1]) <= 0.14 and val[1] < val[0]
    assert abs(val[1] - SIGMA2) <= 0.05
    assert 0.14 <= shown(val[2]) <= 0.26 and val[1] < val[2] < val[3]
    assert 0.34 <= shown(error(large)) <= 0.57 and 0.24 <= shown(val[3]) <= 0.58
    assert min(val) == val[1]


# ----- regression_more_data: 20, 60, 200 training points -----


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_more_data_calms_the_variance(seed):
    # step 1: "Twenty training points (100 in all): … training MSE of at most 0.01, and its
    # variance (validation − training MSE) is 0.12–0.21: high." step 2: "300 points (60 for
    # training) …: the variance falls to 0.05–0.09." step 3: "1000 points (200 for
    # training): variance 0.016–0.029 and validation MSE 0.094–0.103, at the noise floor
    # σ² = 0.09: low bias and low variance, the network unchanged."
    few, more, many = runs("regression_more_data", 3, seed)
    assert [len(r.data.train.y) for r in (few, more, many)] == [20, 60, 200]
    assert few.sizes == more.sizes == many.sizes
    assert shown(error(few)) <= 0.01
    assert 0.12 <= shown(diagnosis(few).variance) <= 0.21
    assert diagnosis(few).verdict == "high variance"
    assert 0.05 <= shown(diagnosis(more).variance) <= 0.09
    assert diagnosis(many).variance < diagnosis(more).variance < diagnosis(few).variance
    assert 0.016 <= shown(diagnosis(many).variance, 3) <= 0.029
    assert 0.094 <= shown(error(many, "val"), 3) <= 0.103
    assert diagnosis(many).verdict == "fine"
