"""Bayes error of the toy data sets, from their known generating distribution.

The Bayes classifier picks argmax_k P(k | x), with P(k | x) = p(x | k) / Σ_j p(x | j) (equal
priors; p(x | k) from `core.data.datasets.log_density`). Its error is the Bayes error

    B = E_x[1 − max_k P(k | x)],   x drawn from the generating distribution.

Closed forms, where they exist (σ = noise, Φ the standard normal CDF, φ its density):

    blobs, K = 2   B = Φ(−R/σ): the means are 2R apart, R = 0.6.
    linear         B = q(0.1): a point is misread when the noise carries it across the line,
                   q(m) = E_{u ~ U[m, 1]} Φ(−u/σ) = σ/(1 − m) · [ψ(m/σ) − ψ(1/σ)],
                   ψ(a) = ∫_a^∞ Φ(−z) dz = φ(a) − a Φ(−a).
    xor            B = 2 q(0.1) (1 − q(0.1)): the Bayes rule is sign(x1 x2), and a point is
                   misread when exactly one of its two coordinates crosses its axis.

Every other case is Monte Carlo with a fixed seed (so the value is deterministic): x drawn
from the distribution with the classes in equal numbers, averaging 1 − max_k P(k | x), which
has a lower variance than counting mistakes. A pilot of 2100 points estimates the variance,
and the sample grows until the standard error is ≤ 0.0015 (at most 30,000 points), so the
value is within ±0.005 with > 99.9% confidence. At σ = 0 the classes' supports are disjoint
and B = 0.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from deepdials.core.data import datasets

MC_SEED = 20_240_601
PILOT = 2100  # divisible by every K in 2..5, so the pilot holds the classes in equal numbers
TARGET_SE = 0.0015
MAX_SAMPLES = 30_000
LINEAR_OR_XOR_GAP = {"linear": datasets.LINEAR_MARGIN, "xor": datasets.XOR_PAD}


def posterior(kind: str, n_classes: int, noise: float, X: np.ndarray) -> np.ndarray:
    """P : (n, K) float64, P(k | x_i) of the generating distribution (noise > 0), rows sum to 1.

    X : (n, 2). A softmax over the classes' log-densities (equal priors).
    """
    log_p = datasets.log_density(kind, n_classes, noise, X)
    p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def _uniform_crossing(m: float, sigma: float) -> float:
    """q(m) = E_{u ~ U[m, 1]} Φ(−u/σ), the chance that noise carries u across 0 (σ > 0)."""

    def psi(a: float) -> float:
        return math.exp(-0.5 * a * a) / math.sqrt(2 * math.pi) - a * float(datasets.ndtr(-a))

    return sigma / (1.0 - m) * (psi(m / sigma) - psi(1.0 / sigma))


def closed_form_bayes_error(kind: str, n_classes: int, noise: float) -> float | None:
    """B in closed form for two blobs, linear and xor (noise > 0); None for the other cases."""
    K = datasets.class_count(kind, n_classes)
    if kind == "blobs" and K == 2:
        return float(datasets.ndtr(-datasets.BLOB_RADIUS / noise))
    if kind in LINEAR_OR_XOR_GAP:
        q = _uniform_crossing(LINEAR_OR_XOR_GAP[kind], noise)
        return q if kind == "linear" else 2 * q * (1 - q)
    return None


def monte_carlo_bayes_error(kind: str, n_classes: int, noise: float) -> float:
    """B by seeded Monte Carlo (see the module docstring), for any kind with noise > 0."""
    K = datasets.class_count(kind, n_classes)
    rng = np.random.default_rng(MC_SEED)

    def shortfall(n: int) -> np.ndarray:
        """1 − max_k P(k | x) for n fresh points, n / K of each class."""
        y = np.arange(n) % K
        X = datasets.sample_for_labels(kind, y, K, noise, rng)
        return 1.0 - posterior(kind, K, noise, X).max(axis=1)

    f = shortfall(PILOT)
    wanted = min(MAX_SAMPLES, math.ceil(f.var() / TARGET_SE**2))
    if wanted > PILOT:
        f = np.concatenate([f, shortfall(K * math.ceil((wanted - PILOT) / K))])
    return float(f.mean())


@functools.lru_cache(maxsize=256)
def _bayes_error(kind: str, K: int, sigma: float) -> float:
    if sigma == 0.0:
        return 0.0
    exact = closed_form_bayes_error(kind, K, sigma)
    return monte_carlo_bayes_error(kind, K, sigma) if exact is None else exact


def bayes_error(kind: str, n_classes: int, noise: float, *, extra_noise: float = 0.0) -> float:
    """B of the generating distribution, or of its mismatched version, memoized.

    The mismatched (val/test) distribution is the training one shifted, with `extra_noise`
    added in quadrature: σ' = √(noise² + extra_noise²). A shift moves the class densities
    together and leaves every posterior unchanged, so B depends on σ' only.
    """
    sigma = math.hypot(noise, extra_noise)
    return _bayes_error(kind, datasets.class_count(kind, n_classes), sigma)
