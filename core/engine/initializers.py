"""Weight initializers, a registry by name. Biases always start at zero.

For a layer with n_in inputs and n_out units, W : (n_in, n_out) is drawn as

    zeros       W = 0                                   (symmetry never breaks)
    normal      W ~ N(0, 1) · scale
    uniform     W ~ U(−scale, +scale)
    xavier      W ~ N(0, 1) · √(1 / n_in)                (Glorot, the lecture's tanh choice)
    xavier_avg  W ~ N(0, 1) · √(2 / (n_in + n_out))      (Glorot's averaged variant)
    he          W ~ N(0, 1) · √(2 / n_in)                (He et al. 2015, for relu)

`scale` multiplies xavier, xavier_avg and he as well, so "He × 0.5" can be shown.
"""

from __future__ import annotations

import numpy as np


def _zeros(rng, n_in, n_out, scale):
    return np.zeros((n_in, n_out))


def _normal(rng, n_in, n_out, scale):
    return rng.standard_normal((n_in, n_out)) * scale


def _uniform(rng, n_in, n_out, scale):
    return rng.uniform(-scale, scale, (n_in, n_out))


def _xavier(rng, n_in, n_out, scale):
    return rng.standard_normal((n_in, n_out)) * (scale * np.sqrt(1.0 / n_in))


def _xavier_avg(rng, n_in, n_out, scale):
    return rng.standard_normal((n_in, n_out)) * (scale * np.sqrt(2.0 / (n_in + n_out)))


def _he(rng, n_in, n_out, scale):
    return rng.standard_normal((n_in, n_out)) * (scale * np.sqrt(2.0 / n_in))


INITIALIZERS = {
    "zeros": _zeros,
    "normal": _normal,
    "uniform": _uniform,
    "xavier": _xavier,
    "xavier_avg": _xavier_avg,
    "he": _he,
}


def init_weights(
    name: str, rng: np.random.Generator, n_in: int, n_out: int, scale: float
) -> np.ndarray:
    """W : (n_in, n_out) float64 drawn by the named scheme."""
    return INITIALIZERS[name](rng, n_in, n_out, scale)
