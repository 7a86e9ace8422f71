"""Regression sets whose law is known exactly: y = f(x) + ε, ε ~ N(0, σ²), σ = data.noise.

x is uniform on [−1, 1]^d (d = 1 or 2 inputs); f, in y's units:

    sine   d = 1   f(x) = sin(π x₁)
    abs    d = 1   f(x) = |x₁|                      (a sharp bend at 0)
    plane  d = 2   f(x) = (x₁ + x₂) / 2
    gauss  d = 2   f(x) = Σ_k s_k exp(−|x − μ_k|² / (2 r²)),  μ_k = (±0.5, ±0.5),
                   s_k = sign(μ_k1 μ_k2) (positive bumps in quadrants I and III), r = 0.25

The error of f itself (the Bayes error in mean squared error) is E[(y − f(x))²] = σ².
A symmetry of a law is (A (d, d), s): f(A x) = s f(x) for every x, with A mapping
[−1, 1]^d onto itself, so (x, y) → (A x, s y) maps the law's points onto its points
(`symmetries`; the identity is one).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

GAUSS_CENTRE = 0.5
GAUSS_RADIUS = 0.25


def _sine(X: np.ndarray) -> np.ndarray:
    return np.sin(math.pi * X[:, 0])


def _abs(X: np.ndarray) -> np.ndarray:
    return np.abs(X[:, 0])


def _plane(X: np.ndarray) -> np.ndarray:
    return 0.5 * (X[:, 0] + X[:, 1])


def _gauss(X: np.ndarray) -> np.ndarray:
    c = GAUSS_CENTRE
    out = np.zeros(len(X))
    for mu1, mu2 in ((c, c), (-c, -c), (c, -c), (-c, c)):
        d2 = (X[:, 0] - mu1) ** 2 + (X[:, 1] - mu2) ** 2
        out += math.copysign(1.0, mu1 * mu2) * np.exp(-d2 / (2 * GAUSS_RADIUS**2))
    return out


_MIRROR_1 = np.diag([-1.0, 1.0])
_MIRROR_2 = np.diag([1.0, -1.0])
_SWAP = np.array([[0.0, 1.0], [1.0, 0.0]])
_QUARTER = np.array([[0.0, -1.0], [1.0, 0.0]])


@dataclass(frozen=True)
class Law:
    """f : X (n, d) → (n,), and its symmetries [(A (d, d), s)] (module docstring)."""

    name: str
    inputs: int
    f: Callable[[np.ndarray], np.ndarray]
    symmetries: tuple[tuple[np.ndarray, float], ...]


LAWS: dict[str, Law] = {
    law.name: law
    for law in (
        Law("sine", 1, _sine, ((np.eye(1), 1.0), (-np.eye(1), -1.0))),  # odd
        Law("abs", 1, _abs, ((np.eye(1), 1.0), (-np.eye(1), 1.0))),  # even
        Law(
            "plane",
            2,
            _plane,
            ((np.eye(2), 1.0), (-np.eye(2), -1.0), (_SWAP, 1.0), (-_SWAP, -1.0)),
        ),
        Law(
            "gauss",
            2,
            _gauss,
            (
                (np.eye(2), 1.0),
                (-np.eye(2), 1.0),
                (_SWAP, 1.0),
                (-_SWAP, 1.0),
                (_MIRROR_1, -1.0),
                (_MIRROR_2, -1.0),
                (_QUARTER, -1.0),
                (-_QUARTER, -1.0),
            ),
        ),
    )
}
REGRESSION_KINDS: tuple[str, ...] = tuple(LAWS)


def sample_inputs(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """X : (n, d) float64, uniform on [−1, 1]^d."""
    return rng.uniform(-1.0, 1.0, (n, LAWS[kind].inputs))


def targets_for(kind: str, X: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """y : (n,) float64, y_i = f(x_i) + σ ε_i."""
    return LAWS[kind].f(X) + noise * rng.standard_normal(len(X))


def sample(
    kind: str, n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """X : (n, d) and y : (n,) float64 drawn from the law (module docstring)."""
    X = sample_inputs(kind, n, rng)
    return X, targets_for(kind, X, noise, rng)


def true_function(data_config) -> Callable[[np.ndarray], np.ndarray]:
    """f of the config's regression kind: X (n, d) → (n,) float64 (module docstring). With
    mismatch, val and test are drawn at shifted x from the same f (`core.data.dataprep`)."""
    law = LAWS.get(data_config.kind)
    if law is None:
        raise ValueError(f'data.kind "{data_config.kind}" has no known law')
    return lambda X: law.f(np.asarray(X, dtype=np.float64).reshape(len(X), law.inputs))
