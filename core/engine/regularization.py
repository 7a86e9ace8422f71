"""L2 and L1 penalties on the weights (never the biases), as the lecture writes them.

With m training examples and λ₂, λ₁ ≥ 0, the cost is

    J(θ) = (1/m) Σ_i L(ŷ_i, y_i) + λ₂/(2m) Σ_l ‖W[l]‖²_F + λ₁/(2m) Σ_l Σ |W[l]|

and the penalty adds to each weight's gradient

    ∂/∂W = (λ₂/m) W + (λ₁/(2m)) sign(W)

m is the size of the whole training set, so a mini-batch gradient is an unbiased estimate
of ∇J and λ means the same at every batch size.
"""

from __future__ import annotations

import numpy as np


class Penalty:
    """λ₂ and λ₁ for one training set, applied over the flat θ through a weight mask."""

    def __init__(self, weight_mask: np.ndarray, m: int, l2: float, l1: float, dtype):
        self._weights = weight_mask
        self._mask = weight_mask.astype(dtype)
        self.m = m
        self.l2 = l2
        self.l1 = l1
        self._l2_coef = self._mask * (l2 / m)
        self._l1_coef = self._mask * (l1 / (2 * m))
        self._scratch = np.empty_like(self._mask)

    @staticmethod
    def nbytes(n_params: int, itemsize: int) -> int:
        """What one holds over θ : (P,): the bool weight mask, and as floats the mask, the
        λ₂ and λ₁ coefficients and a scratch."""
        return n_params * (1 + 4 * itemsize)

    @property
    def active(self) -> bool:
        return self.l2 > 0 or self.l1 > 0

    def value(self, theta: np.ndarray) -> float:
        """λ₂/(2m) Σ W² + λ₁/(2m) Σ |W|, in float64."""
        w = theta[self._weights].astype(np.float64)
        return self.l2 / (2 * self.m) * float(w @ w) + self.l1 / (2 * self.m) * float(
            np.abs(w).sum()
        )

    def add_gradient(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """grad += (λ₂/m) W + (λ₁/(2m)) sign(W) on the weight entries of θ."""
        if self.l2 > 0:
            np.multiply(theta, self._l2_coef, out=self._scratch)
            grad += self._scratch
        if self.l1 > 0:
            np.sign(theta, out=self._scratch)
            self._scratch *= self._l1_coef
            grad += self._scratch
