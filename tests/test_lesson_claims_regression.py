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
    # "After 200 epochs the line misses the bend: validation MSE 0.27–0.32, three times σ²
    # (it underfits). The small net (2 tanh units) follows the curve, validation MSE
    # 0.09–0.18; the large net (64-64, λ = 0) already bends towards single points, training
    # MSE 0.01–0.06, below σ²."
    line, small, large = runs("regression_fit", 1, seed)
    assert line.epoch == small.epoch == large.epoch == 200
    assert 0.27 <= shown(error(line, "val")) <= 0.32 and error(line, "val") > 2.8 * SIGMA2
    assert 0.09 <= shown(error(small, "val")) <= 0.18
    assert 0.01 <= shown(error(large)) <= 0.06 and error(large) < SIGMA2


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_fit_the_large_net_overfits_as_it_trains_on(seed):
    # "Train on to epoch 1000: the large net threads through every point (training MSE at
    # most 0.01) and its validation MSE rises on every seed, to 0.12–0.23, above the small
    # net's 0.08–0.18. Bias / variance reads its variance, 0.12–0.23, as high (above
    # σ²/2 = 0.045); the line's avoidable bias is 0.06–0.22."
    line, small, large = runs("regression_fit", 2, seed)
    _, _, large_before = runs("regression_fit", 1, seed)
    assert large.epoch == 1000
    assert shown(error(large)) <= 0.01
    assert error(large, "val") > error(large_before, "val")
    assert 0.12 <= shown(error(large, "val")) <= 0.23
    assert 0.08 <= shown(error(small, "val")) <= 0.18
    assert error(small, "val") < error(large, "val")
    read = diagnosis(large)
    assert read.threshold == pytest.approx(SIGMA2 / 2)
    assert 0.12 <= shown(read.variance) <= 0.23 and read.verdict == "high variance"
    assert 0.06 <= shown(diagnosis(line).avoidable_bias) <= 0.22


# ----- regression_l2: λ = 0, 0.1, 1, 5 side by side -----


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_l2_the_wiggle_fits_the_noise(seed):
    # "λ = 0: … Training MSE at most 0.01, below the noise floor σ² = 0.09; validation MSE
    # 0.12–0.23."
    (wiggle,) = runs("regression_l2", 1, seed)
    assert wiggle.config.train.l2 == 0
    assert shown(error(wiggle)) <= 0.01 and 0.12 <= shown(error(wiggle, "val")) <= 0.23


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_l2_validation_mse_is_a_u_with_its_low_end_near_sigma2(seed):
    # step 2: "λ = 0.1 … Validation MSE 0.09–0.15, lower than at λ = 0 on every seed and
    # close to σ²." step 3: "λ = 1 … Validation MSE rises again, to 0.20–0.26." step 4:
    # "λ = 5: … training and validation MSE are both 0.29–0.66. Across the four,
    # validation MSE falls and then rises: the U of the λ sweep, its low end near σ²."
    none, small, medium, large = runs("regression_l2", 4, seed)
    assert [r.config.train.l2 for r in (none, small, medium, large)] == [0, 0.1, 1, 5]
    val = [error(r, "val") for r in (none, small, medium, large)]
    assert 0.09 <= shown(val[1]) <= 0.15 and val[1] < val[0]
    assert abs(val[1] - SIGMA2) <= 0.065
    assert 0.20 <= shown(val[2]) <= 0.26 and val[1] < val[2] < val[3]
    assert 0.29 <= shown(error(large)) <= 0.66 and 0.29 <= shown(val[3]) <= 0.66
    assert min(val) == val[1]


# ----- regression_more_data: 20, 60, 200 training points -----


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_more_data_calms_the_variance(seed):
    # step 1: "Twenty training points …: training MSE of at most 0.01 and its variance …
    # 0.12–0.23: high variance." step 2: "600 points (60 for training): the variance falls
    # to 0.06–0.12." step 3: "2000 points (200 for training): … Variance 0.008–0.03 and
    # validation MSE 0.097–0.101, at the noise floor σ² = 0.09: low bias, low variance."
    few, more, many = runs("regression_more_data", 3, seed)
    assert [len(r.data.train.y) for r in (few, more, many)] == [20, 60, 200]
    assert shown(error(few)) <= 0.01
    assert (
        0.12 <= shown(diagnosis(few).variance) <= 0.23 and diagnosis(few).verdict == "high variance"
    )
    assert 0.06 <= shown(diagnosis(more).variance) <= 0.12
    assert diagnosis(more).variance < diagnosis(few).variance
    assert 0.008 <= shown(diagnosis(many).variance, 3) <= 0.03
    assert 0.097 <= shown(error(many, "val"), 3) <= 0.101
    assert diagnosis(many).verdict == "fine"
