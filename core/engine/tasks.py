"""The tasks a network is trained for, by name: what its output is, its loss, its scores.

    classes      sigmoid (2 classes, 1 output) or softmax (K outputs) with cross-entropy
                 (`core.engine.losses`); error = the fraction misclassified, accuracy = 1 − error
    regression   one linear output ŷ with J = 1/(2m) Σ (ŷ − y)² (`core.engine.squared_error`);
                 error = the mean squared error (2 J); no accuracy

A run takes its task from its data (`core.data.dataprep.Data.task`); a new task is a new
entry here, and training, scoring, the probes and the gradient check read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from deepdials.core.engine import losses, squared_error


@dataclass(frozen=True)
class Task:
    """`n_outputs(K)`; `targets(y (n,), K, dtype)` → (n, n_outputs); `output_gradient(z, T,
    out, rows=None)` → dZ of the batch-mean loss; `mean_loss(z, T)`; `scores(z, T, y)`,
    the metrics of one split (keys `metrics`); `shown(z, out)`, what a probe draws of
    the outputs z (B, n_outputs): class probabilities, or ŷ itself."""

    name: str
    n_outputs: Callable[[int], int]
    targets: Callable[[np.ndarray, int, type], np.ndarray]
    output_gradient: Callable[..., np.ndarray]
    mean_loss: Callable[[np.ndarray, np.ndarray], float]
    scores: Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, float]]
    shown: Callable[[np.ndarray, np.ndarray], np.ndarray]
    metrics: tuple[str, ...]

    def empty_metrics(self) -> dict[str, float]:
        """Every metric NaN: a split not scored yet, or empty."""
        return dict.fromkeys(self.metrics, float("nan"))


def _class_scores(z: np.ndarray, T: np.ndarray, y: np.ndarray) -> dict[str, float]:
    error = float(np.mean(losses.predictions(z) != y))
    return {"loss": losses.mean_loss(z, T), "error": error, "accuracy": 1 - error}


def _regression_scores(z: np.ndarray, T: np.ndarray, y: np.ndarray) -> dict[str, float]:
    loss = squared_error.mean_loss(z, T)
    return {"loss": loss, "error": 2.0 * loss}


def _identity(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.copyto(out, z)
    return out


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task(
            "classes",
            losses.n_outputs,
            losses.targets,
            losses.output_gradient,
            losses.mean_loss,
            _class_scores,
            losses.probabilities,
            ("loss", "error", "accuracy"),
        ),
        Task(
            "regression",
            lambda n_classes: 1,
            lambda y, n_classes, dtype: squared_error.targets(y, dtype),
            squared_error.output_gradient,
            squared_error.mean_loss,
            _regression_scores,
            _identity,
            ("loss", "error"),
        ),
    )
}
CLASSES = TASKS["classes"]
