"""Reading bias and variance against the Bayes error, and the basic recipe's advice.

    avoidable bias = train error − Bayes error
    variance       = val error − train error

With mismatched data (`core.data.dataprep`: val and test from a shifted distribution, and a
train-dev split held out from the training distribution), each gap is read against the
right Bayes error, B of the training distribution and B' of the shifted one:

    avoidable bias = train − B
    variance       = train-dev − train
    data mismatch  = (val − B') − (train-dev − B)

so that val − B' = avoidable bias + variance + data mismatch: what the network gets wrong
on the target distribution beyond its own Bayes error, split into its three causes.

A gap counts as high when it exceeds THRESHOLD (3 percentage points: below that, the
error of a few hundred validation points cannot tell it from chance). The lecture's four
cases, with Bayes ≈ 0: train 1% / val 11% → high variance; 15% / 16% → high bias;
15% / 30% → both; 0.5% / 1% → fine. Bias and variance come first (the recipe's order):
"data mismatch" is the verdict when only the mismatch gap is high.

The basic recipe: while the bias is high, try a bigger network, train longer, or another
architecture; once it is low, while the variance is high, get more data, regularize, or
try another architecture; then, while the data mismatch is high, make the training data
more like the target and gather target data.

Regression (errors are mean squared errors, the Bayes error σ², the noise variance): the
same gaps and verdicts, with the thresholds stated relative to σ². A gap is high above
REGRESSION_THRESHOLD · σ² (half the noise variance: with a hundred validation points the
MSE's own sampling error is about 0.14 σ²), and a train MSE more than
REGRESSION_CHANCE · σ² below σ² gets a note: the noise fitted, not a fit better than f.
For points of one's own σ² is unknown (and at σ = 0 it is no scale); the thresholds are
then relative to the variance of the training targets instead (the MSE of predicting their mean), at
OWN_DATA_THRESHOLD of it.

Two states have no reading of the gaps: a run that diverged (its errors are those of a
broken network; the cure is a smaller learning rate or another initialization) and a
network not trained yet (epoch 0: its errors are those of random weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deepdials.core.config.table import BY_KEY, MAX_POINTS

THRESHOLD = 0.03
CHANCE_MARGIN = 0.005  # a train error this far below the Bayes error gets a note
REGRESSION_THRESHOLD = 0.5  # × σ²
REGRESSION_CHANCE = 0.1  # × σ²
OWN_DATA_THRESHOLD = 0.03  # × the variance of the training targets, when σ² is unknown

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
    "data mismatch": [
        "make the training data more like the target (collect or synthesize it so)",
        "gather data from the target distribution and train on part of it",
    ],
    "fine": ["done: low bias and low variance"],
    "diverged": [
        "lower the learning rate",
        "change the initialization (Xavier, He, or a smaller scale)",
    ],
    "not trained yet": ["train first: the errors of random weights tell nothing"],
}
VERDICTS = tuple(ADVICE)
NO_READING = ("diverged", "not trained yet")  # verdicts that read no gap
# a train error below the Bayes error, by what it is (`below_bayes`): the note said with it
BELOW_BAYES = {
    "chance": "train error a little below the Bayes error: chance on a finite training set "
    "(it may hold fewer noisy points than the average), "
    "not a network better than the best possible classifier",
    "memorised noise": f"train error more than {THRESHOLD * 100:.0f} points below the Bayes "
    "error: memorised noise, the network fits training points that the noise put on the "
    "wrong side of the best possible boundary; on new points that costs error, as the "
    "validation error shows",
}


def below_bayes(avoidable_bias: float) -> str | None:
    """What a train error below the Bayes error is: "chance" within THRESHOLD of it,
    "memorised noise" further below; None for a train error at or above it (within
    CHANCE_MARGIN) or unknown (NaN)."""
    if not avoidable_bias < -CHANCE_MARGIN:
        return None
    return "chance" if avoidable_bias >= -THRESHOLD else "memorised noise"


NOISE_FITTED_NOTE = (
    "train error below σ², the noise variance: the fit follows the noise of its training "
    "points; on fresh points no fit beats σ²"
)


@dataclass(frozen=True)
class Diagnosis:
    bayes_error: float
    bayes_known: bool
    avoidable_bias: float
    variance: float
    verdict: str
    advice: list[str]
    mismatch: float | None = None  # the data mismatch gap; None without a train-dev split
    bayes_error_shifted: float | None = None  # B' of the val/test distribution
    notes: tuple[str, ...] = ()  # what the figures need said with them
    threshold: float = THRESHOLD  # a gap above this is high (in the errors' units)
    task: str = "classes"  # or "regression": errors are mean squared errors

    @property
    def reads_gaps(self) -> bool:
        """Whether the gaps mean anything: not for a diverged or an untrained network."""
        return self.verdict not in NO_READING

    def as_dict(self) -> dict:
        return {**self.__dict__, "notes": list(self.notes)}


def diagnose(
    train_error: float,
    val_error: float,
    bayes_error: float | None,
    *,
    train_dev_error: float | None = None,
    bayes_error_shifted: float | None = None,
    diverged: bool = False,
    trained: bool = True,
    threshold: float = THRESHOLD,
    chance_margin: float = CHANCE_MARGIN,
    task: str = "classes",
) -> Diagnosis:
    """Verdict from the errors (fractions, or for regression mean squared errors with the
    `threshold` and `chance_margin` of `regression_scale`). Unknown Bayes errors are taken
    as 0. With `train_dev_error`, variance and data mismatch are read against the train-dev
    split (the module docstring); `diverged` and not `trained` give their verdicts whatever
    the errors."""
    bayes = 0.0 if bayes_error is None else bayes_error
    bias = train_error - bayes
    mismatch = None
    if train_dev_error is None:
        variance = val_error - train_error
    else:
        shifted = bayes if bayes_error_shifted is None else bayes_error_shifted
        variance = train_dev_error - train_error
        mismatch = (val_error - shifted) - (train_dev_error - bayes)
    high_bias, high_variance = bias > threshold, variance > threshold
    if diverged:
        verdict = "diverged"
    elif not trained:
        verdict = "not trained yet"
    elif high_bias and high_variance:
        verdict = "high bias and high variance"
    elif high_bias:
        verdict = "high bias"
    elif high_variance:
        verdict = "high variance"
    elif mismatch is not None and mismatch > threshold:
        verdict = "data mismatch"
    else:
        verdict = "fine"
    return Diagnosis(
        bayes_error=bayes,
        bayes_known=bayes_error is not None,
        avoidable_bias=bias,
        variance=variance,
        verdict=verdict,
        advice=list(ADVICE[verdict]),
        mismatch=mismatch,
        bayes_error_shifted=bayes_error_shifted,
        notes=_notes(verdict, bias, chance_margin, task),
        threshold=threshold,
        task=task,
    )


def _notes(verdict: str, bias: float, chance_margin: float, task: str) -> tuple[str, ...]:
    if verdict in NO_READING or bias >= -chance_margin:
        return ()
    return (NOISE_FITTED_NOTE if task == "regression" else BELOW_BAYES[below_bayes(bias)],)


def regression_scale(data) -> tuple[float, float]:
    """(threshold, chance margin) of a regression run's `Data` (module docstring)."""
    if data.bayes_error:  # known and above 0
        return REGRESSION_THRESHOLD * data.bayes_error, REGRESSION_CHANCE * data.bayes_error
    spread = float(data.train.y.var())
    return OWN_DATA_THRESHOLD * spread, OWN_DATA_THRESHOLD * spread / 6


def diagnose_run(metrics: dict, data, diverged: bool, scored_epoch: int | None) -> Diagnosis:
    """`diagnose` of a run's `metrics` (by split, as a `Snapshot` holds them) on its `Data`:
    train-dev and B' when the data has them; not trained until an epoch after 0 is scored."""
    train_dev = metrics.get("train_dev")
    scale = {}
    if data.task == "regression":
        threshold, margin = regression_scale(data)
        scale = {"threshold": threshold, "chance_margin": margin, "task": "regression"}
    return diagnose(
        metrics["train"]["error"],
        metrics["val"]["error"],
        data.bayes_error,
        train_dev_error=None if train_dev is None else train_dev["error"],
        bayes_error_shifted=data.bayes_error_shifted,
        diverged=diverged,
        trained=bool(scored_epoch),
        **scale,
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
