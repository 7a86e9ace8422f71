import pytest

from deepdials.core.probes.diagnosis import diagnose


@pytest.mark.parametrize(
    "train, val, verdict",
    [
        (0.01, 0.11, "high variance"),
        (0.15, 0.16, "high bias"),
        (0.15, 0.30, "high bias and high variance"),
        (0.005, 0.01, "fine"),
    ],
)
def test_the_lectures_four_cases_with_bayes_near_zero(train, val, verdict):
    d = diagnose(train, val, 0.0)
    assert d.verdict == verdict
    assert d.avoidable_bias == pytest.approx(train)
    assert d.variance == pytest.approx(val - train)


def test_the_same_errors_are_fine_when_the_bayes_error_is_high():
    assert diagnose(0.15, 0.16, 0.0).verdict == "high bias"
    assert diagnose(0.15, 0.16, 0.14).verdict == "fine"


def test_advice_follows_the_basic_recipe():
    assert "bigger network" in diagnose(0.2, 0.21, 0.0).advice[0]
    assert diagnose(0.01, 0.2, 0.0).advice[0] == "more data"
    both = diagnose(0.2, 0.4, 0.0).advice
    assert both[0].startswith("first the bias") and both[1].startswith("then the variance")


def test_unknown_bayes_error_is_taken_as_zero_and_said_so():
    d = diagnose(0.1, 0.12, None)
    assert d.bayes_error == 0.0 and not d.bayes_known


def test_train_dev_splits_the_validation_gap_into_variance_and_data_mismatch():
    # train 1%, train-dev 2%, val 20% on a target with B' = 10%: the gap is mismatch
    d = diagnose(0.01, 0.20, 0.0, train_dev_error=0.02, bayes_error_shifted=0.10)
    assert d.variance == pytest.approx(0.01)
    assert d.mismatch == pytest.approx(0.08)
    assert d.avoidable_bias + d.variance + d.mismatch == pytest.approx(0.20 - 0.10)
    assert d.verdict == "data mismatch"
    assert "more like the target" in d.advice[0]
    assert not any(a == "more data" or "regularization" in a for a in d.advice)


def test_variance_comes_before_data_mismatch_and_the_target_bayes_error_is_not_mismatch():
    assert diagnose(0.0, 0.3, 0.0, train_dev_error=0.1, bayes_error_shifted=0.1).verdict == (
        "high variance"
    )
    assert diagnose(0.0, 0.11, 0.0, train_dev_error=0.0, bayes_error_shifted=0.1).verdict == (
        "fine"
    )
    assert diagnose(0.01, 0.11, 0.0).mismatch is None


def test_a_diverged_run_reads_diverged_with_the_rate_and_init_advice():
    d = diagnose(0.5, 0.5, 0.0, diverged=True)
    assert d.verdict == "diverged"
    assert d.advice[0] == "lower the learning rate" and "initialization" in d.advice[1]


def test_an_untrained_network_gets_no_verdict():
    d = diagnose(0.5, 0.5, 0.0, trained=False)
    assert d.verdict == "not trained yet" and "high" not in " ".join(d.advice)


def test_a_train_error_below_the_bayes_error_is_chance_or_far_below_it_memorised_noise():
    assert "chance" in diagnose(0.2, 0.3, 0.215).notes[0]
    assert "memorised noise" in diagnose(0.05, 0.3, 0.215).notes[0]
    assert "memorised noise" in diagnose(0.0, 0.3, 0.165).notes[0]
    assert diagnose(0.0, 0.01, 0.001).notes == ()
    assert diagnose(0.05, 0.3, 0.215, trained=False).notes == ()
