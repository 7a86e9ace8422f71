"""Reading bias and variance against the Bayes error, and the basic recipe's advice.

    avoidable bias = train error − Bayes error
    variance       = val error − train error

A gap counts as high when it exceeds THRESHOLD (3 percentage points: below that, the
error of a few hundred validation points cannot tell it from chance). The lecture's four
cases, with Bayes ≈ 0: train 1% / val 11% → high variance; 15% / 16% → high bias;
15% / 30% → both; 0.5% / 1% → fine.

The basic recipe: while the bias is high, try a bigger network, train longer, or another
architecture; once it is low, while the variance is high, get more data, regularize, or
try another architecture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.config.table import BY_KEY, MAX_POINTS

THRESHOLD = 0.03

ADVICE = {
    "high bias": ["bigger network (more layers or units)", "train longer", "other architecture"],
    "high variance": [
        "more data",
        "regularization (L2, dropout, augmentation)",
        "other architecture",
    ],
    "high bias and high variance": [
        "first the bias: bigger network, train longer",
        "then the variance: more data, regularization",
    ],
    "fine": ["done: low bias and low variance"],
}


@dataclass(frozen=True)
class Diagnosis:
    bayes_error: float
    bayes_known: bool
    avoidable_bias: float
    variance: float
    verdict: str
    advice: list[str]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def diagnose(train_error: float, val_error: float, bayes_error: float | None) -> Diagnosis:
    """Verdict from the three errors (fractions). Unknown Bayes error is taken as 0."""
    bayes = 0.0 if bayes_error is None else bayes_error
    bias = train_error - bayes
    variance = val_error - train_error
    high_bias, high_variance = bias > THRESHOLD, variance > THRESHOLD
    if high_bias and high_variance:
        verdict = "high bias and high variance"
    elif high_bias:
        verdict = "high bias"
    elif high_variance:
        verdict = "high variance"
    else:
        verdict = "fine"
    return Diagnosis(
        bayes_error=bayes,
        bayes_known=bayes_error is not None,
        avoidable_bias=bias,
        variance=variance,
        verdict=verdict,
        advice=list(ADVICE[verdict]),
    )


# ----- one click of the recipe -----

FIRST_LAMBDA = 0.1  # λ when regularization is switched on
MAX_LAMBDA = BY_KEY["train.l2"].allowed.hi


def remedy_edit(config, remedy: str) -> tuple[str, float | int]:
    """The change one click of the recipe makes, as (config key, new value): "more data"
    doubles the points (up to the limit); "regularize" raises λ of the penalty in use (L2
    unless only L1 is on) to the next 1-2-5 value at least twice as large, or to
    FIRST_LAMBDA when it is off."""
    if remedy == "more data":
        return "data.n_points", min(2 * config.data.n_points, MAX_POINTS)
    train = config.train
    key = "l1" if train.l1 > 0 and train.l2 == 0 else "l2"
    return f"train.{key}", _next_lambda(getattr(train, key))


def _next_lambda(lam: float) -> float:
    if lam <= 0:
        return FIRST_LAMBDA
    target = 2 * lam
    exponent = math.floor(math.log10(target))
    for m in (1, 2, 5, 10):
        value = round(m * 10.0**exponent, 12)
        if value >= target * (1 - 1e-9):
            return min(value, MAX_LAMBDA)
    return MAX_LAMBDA
