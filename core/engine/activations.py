"""Activation functions as {value, derivative} pairs, vectorized and in place.

Every derivative is written in terms of the activation's *output* a = g(z), so the
forward pass keeps one buffer per layer and backprop needs nothing else:

    relu        g(z) = max(z, 0)          g'(z) = [a > 0]
    leaky_relu  g(z) = max(z, 0.01 z)     g'(z) = 1 if a > 0 else 0.01
    tanh        g(z) = tanh z             g'(z) = 1 − a²
    sigmoid     g(z) = 1 / (1 + e^−z)     g'(z) = a (1 − a)
    linear      g(z) = z                  g'(z) = 1

`value(z, out)` writes g(z) into `out` (which may be `z` itself); `derivative(a, out)`
writes g'(z) into `out`. Both return `out`. Sigmoid is computed as ½(1 + tanh(z/2)),
which never overflows in float32. relu takes max(z, 0) against an array of zeros, not the
scalar 0: NumPy runs the array–array loop with SIMD, about 3× faster on large layers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

LEAKY_SLOPE = 0.01
_ZEROS: dict[np.dtype, np.ndarray] = {}


@dataclass(frozen=True)
class Activation:
    name: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    saturating: bool  # has flat tails (tanh, sigmoid) where the gradient dies
    rectifying: bool  # has a dead side (relu, leaky_relu) where units can die


def _zeros_like(z: np.ndarray) -> np.ndarray:
    """A read-only array of zeros shaped like z, a view of one shared buffer per dtype."""
    zeros = _ZEROS.get(z.dtype)
    if zeros is None or zeros.size < z.size:
        zeros = np.zeros(max(z.size, 1024), z.dtype)
        zeros.flags.writeable = False
        _ZEROS[z.dtype] = zeros
    return zeros[: z.size].reshape(z.shape)


def _relu(z, out):
    return np.maximum(z, _zeros_like(z), out=out)


def in_place(act: Activation, z: np.ndarray) -> Callable[[], np.ndarray]:
    """A call that writes g(z) over z, with what it needs looked up once, here: for relu the
    zeros (on a block of a few hundred columns, looking them up each call costs a fifth of
    the max itself)."""
    if act.value is _relu:
        zeros = _zeros_like(z)
        return lambda: np.maximum(z, zeros, out=z)
    return partial(act.value, z, z)


def _relu_derivative(a, out):
    return np.greater(a, 0, out=out)


def _leaky(z, out):
    return np.maximum(z, z * LEAKY_SLOPE, out=out)


def _leaky_derivative(a, out):
    np.greater(a, 0, out=out)
    out *= 1 - LEAKY_SLOPE
    out += LEAKY_SLOPE
    return out


def _tanh(z, out):
    return np.tanh(z, out=out)


def _tanh_derivative(a, out):
    np.multiply(a, a, out=out)
    return np.subtract(1, out, out=out)


def _sigmoid(z, out):
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


def _sigmoid_derivative(a, out):
    np.subtract(1, a, out=out)
    out *= a
    return out


def _linear(z, out):
    if out is not z:
        np.copyto(out, z)
    return out


def _linear_derivative(a, out):
    out.fill(1)
    return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", _relu, _relu_derivative, saturating=False, rectifying=True),
        Activation("leaky_relu", _leaky, _leaky_derivative, saturating=False, rectifying=True),
        Activation("tanh", _tanh, _tanh_derivative, saturating=True, rectifying=False),
        Activation("sigmoid", _sigmoid, _sigmoid_derivative, saturating=True, rectifying=False),
        Activation("linear", _linear, _linear_derivative, saturating=False, rectifying=False),
    )
}
