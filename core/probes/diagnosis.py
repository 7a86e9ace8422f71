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

from dataclasses import dataclass

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
