import pytest

from core.probes.diagnosis import diagnose


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
