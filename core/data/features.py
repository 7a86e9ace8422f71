"""The input pipeline: derived features of (x1, x2), then z-score normalization.

    x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)      (the names the config uses)

    F = feature_map(X, names)                       X : (n, 2) → F : (n, d)

A set with one input (X : (n, 1), regression on x₁) has only the features of x₁ alone,
`ONE_INPUT_FEATURES`: x1, x1^2, sin(x1).
    input = (F − μ) / s                             μ, s : (d,) fitted on the training split

where μ and s are the training split's column means and standard deviations (a column with
s ≈ 0 keeps s = 1). Validation, test and the decision grid all go through the same fitted
transform, so the network sees every point in the same coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MAPS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
FEATURES: tuple[str, ...] = tuple(_MAPS)
ONE_INPUT_FEATURES: tuple[str, ...] = tuple(name for name in FEATURES if "x2" not in name)
FLAT_STD = 1e-12  # relative to the column's scale: below this a column counts as constant


def feature_map(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """F : (n, len(names)) float64, column j = feature names[j] of X : (n, 2), or of
    X : (n, 1) for names among ONE_INPUT_FEATURES."""
    X = np.asarray(X, dtype=np.float64)
    x1, x2 = X[:, 0], (X[:, 1] if X.shape[1] > 1 else None)
    F = np.empty((len(X), len(names)))
    for j, name in enumerate(names):
        F[:, j] = _MAPS[name](x1, x2)
    return F


@dataclass(frozen=True)
class InputPipeline:
    """Raw points (n, 2) → network input (n, d): features, then the fitted z-score."""

    names: tuple[str, ...]
    mean: np.ndarray | None  # (d,) of the training split's features; None without normalization
    std: np.ndarray | None  # (d,), 1 where a column is constant

    @classmethod
    def fit(cls, X_train: np.ndarray, names: tuple[str, ...], normalize: bool) -> InputPipeline:
        """Fit μ, s on the training split X_train : (n, 2) or (n, 1) (population std, ddof = 0).

        A column counts as constant when s ≤ 1e-12 · max(1, |μ|) (rounding leaves a constant
        column a tiny nonzero s); its s is set to 1, so it maps to 0 rather than to noise.
        """
        names = tuple(names)
        if not normalize:
            return cls(names, None, None)
        F = feature_map(X_train, names)
        mean = F.mean(axis=0)
        std = F.std(axis=0)
        std[std <= FLAT_STD * np.maximum(1.0, np.abs(mean))] = 1.0
        mean.flags.writeable = std.flags.writeable = False
        return cls(names, mean, std)

    def __call__(self, X: np.ndarray, dtype=np.float64) -> np.ndarray:
        """(n, d) C-contiguous array of `dtype`: (feature_map(X) − μ) / s, or just the features."""
        F = feature_map(X, self.names)
        if self.mean is not None:
            F -= self.mean
            F /= self.std
        return np.ascontiguousarray(F, dtype=dtype)
