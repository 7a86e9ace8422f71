"""Gradient-descent updates over the flat parameter vector θ (see `core.engine.params`).

Each optimizer writes the step it takes into `step` and subtracts it, θ ← θ − step, so
the size of the last update is there to read (update/weight ratios):

    sgd       step = α g
    momentum  v ← β v + (1 − β) g;                          step = α v   (β: train.momentum)
    adam      v ← β₁ v + (1 − β₁) g;  s ← β₂ s + (1 − β₂) g²
              step = α v̂ / (√ŝ + ε),  v̂ = v / (1 − β₁ᵗ),  ŝ = s / (1 − β₂ᵗ)

with Adam's β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (the lecture's defaults).
"""

from __future__ import annotations

import numpy as np

BETA1 = 0.9
BETA2 = 0.999
EPSILON = 1e-8
OPTIMIZERS = ("sgd", "momentum", "adam")
# the θ-sized vectors each keeps: the step it took, momentum's v, Adam's v, s and a scratch
STATE_VECTORS = {"sgd": ("step",), "momentum": ("step", "v"), "adam": ("step", "v", "s", "scratch")}


class Optimizer:
    """State for one of OPTIMIZERS over θ : (P,). Switching kind starts from zero state;
    `beta` (momentum's β) may change between steps."""

    def __init__(self, kind: str, n_params: int, dtype, beta: float = BETA1):
        self.kind = kind
        self.beta = beta
        vectors = {name: np.zeros(n_params, dtype) for name in STATE_VECTORS[kind]}
        self.step = vectors["step"]
        self.t = 0
        self._v = vectors.get("v")
        self._s = vectors.get("s")
        self._scratch = vectors.get("scratch")

    def apply(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        """θ ← θ − step for gradient `grad` : (P,) and learning rate α = `lr`."""
        self.t += 1
        step = self.step
        if self.kind == "sgd":
            np.multiply(grad, lr, out=step)
        elif self.kind == "momentum":
            v = self._v
            v *= self.beta
            np.multiply(grad, 1 - self.beta, out=step)
            v += step
            np.multiply(v, lr, out=step)
        else:
            v, s, tmp = self._v, self._s, self._scratch
            v *= BETA1
            np.multiply(grad, 1 - BETA1, out=tmp)
            v += tmp
            s *= BETA2
            np.multiply(grad, grad, out=tmp)
            tmp *= 1 - BETA2
            s += tmp
            np.sqrt(s, out=tmp)
            tmp *= 1.0 / np.sqrt(1 - BETA2**self.t)
            tmp += EPSILON
            np.divide(v, tmp, out=step)
            step *= lr / (1 - BETA1**self.t)
        theta -= step
