"""How a run's error reads, by its task: one row each.

Classes: the error is the fraction misclassified, shown in percent ("12.3%"), the loss
the cross-entropy. Regression: the error is the mean squared error, in y's units squared,
shown as a number ("0.0412"), the loss J = 1/(2m) Σ (ŷ − y)², half of it; the Bayes
error is σ², the MSE of the true f itself. Every view that writes or plots an error asks
`error_look(info)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from deepdials.core.engine.snapshot import RunInfo


@dataclass(frozen=True)
class ErrorLook:
    name: str  # what an error is called: "error", "MSE"
    title: str  # over a plot of it
    loss: str  # the loss's name, for the loss plot's title
    bayes: str  # what the Bayes error is called
    percent: bool  # shown ×100 with a % sign

    def text(self, value: float) -> str:
        """The value as the views write it; "—" for NaN (a split without points)."""
        if value != value:
            return "—"
        return f"{value:.1%}" if self.percent else f"{value:.3g}"

    def plotted(self, value: float) -> float:
        """The value on a plot's axis (percent points, or the MSE itself)."""
        return 100 * value if self.percent else value


ERROR_LOOKS: dict[str, ErrorLook] = {
    "classes": ErrorLook("error", "Error", "cross-entropy", "Bayes error", percent=True),
    "regression": ErrorLook("MSE", "Mean squared error", "½ MSE", "Bayes MSE σ²", percent=False),
}


def error_look(info: RunInfo | None) -> ErrorLook:
    """The look of `info`'s task (classes when there is no run yet)."""
    return ERROR_LOOKS[info.task if info is not None else "classes"]
