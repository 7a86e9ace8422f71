"""The regression output: a linear unit ŷ = z (no squashing) and the squared error.

For a batch of B rows, target y : (B, 1) real,

    J = 1/(2B) Σᵢ (ŷᵢ − yᵢ)²          the cost training descends (the ½ cancels in dJ/dŷ)
    dZ = (ŷ − y) / B                   its gradient with respect to the output z = ŷ
    MSE = 1/B Σᵢ (ŷᵢ − yᵢ)² = 2 J      the error every figure reports (σ² is its floor)

the same form of gradient as the cross-entropy's (p − y)/B. The regularizers add to J as
for classes (`core.engine.regularization`). An output that is inf or NaN gives a NaN or
inf cost, which the run reports as divergence.
"""

from __future__ import annotations

import numpy as np


def targets(y: np.ndarray, dtype) -> np.ndarray:
    """Targets y : (n,) float → (n, 1) of `dtype`."""
    return y.astype(dtype).reshape(-1, 1)


def output_gradient(
    z: np.ndarray, target: np.ndarray, out: np.ndarray, rows: int | None = None
) -> np.ndarray:
    """dZ = (ŷ − y) / B into `out` : (B, 1); B = `rows` when z is one chunk of a batch of
    `rows` rows (the chunks' gradients then add up to the batch's)."""
    np.subtract(z, target, out=out)
    out *= 1.0 / (z.shape[0] if rows is None else rows)
    return out


def squared_errors(z: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(B,) float64 (ŷᵢ − yᵢ)²."""
    d = z[:, 0].astype(np.float64) - target[:, 0]
    return d * d


def mean_loss(z: np.ndarray, target: np.ndarray) -> float:
    """J = 1/(2B) Σᵢ (ŷᵢ − yᵢ)² over the rows of z : (B, 1); NaN for no rows."""
    if z.shape[0] == 0:
        return float("nan")
    return 0.5 * float(squared_errors(z, target).mean())


def mean_squared_error(z: np.ndarray, target: np.ndarray) -> float:
    """MSE = 1/B Σᵢ (ŷᵢ − yᵢ)² = 2 J; NaN for no rows."""
    return 2.0 * mean_loss(z, target)
