"""Gradient checking: backprop's gradient against two-sided differences of the cost.

For θ flattened and each checked component i (in float64, ε = 1e-7 by default):

    ĝ_i = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε)            (error O(ε²))
    difference = ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)

J includes the penalty term (see `core.engine.regularization`). Dropout is switched off for the
check: with a fresh mask at every evaluation J would not be a function of θ.

The lecture's bands: < 1e-7 great; < 1e-5 fine, but look closer; < 1e-3 worry; ≥ 1e-3
almost certainly a bug. `plant_bug=k` doubles dW[k] in the analytic gradient, a known
backprop bug the check must catch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.engine.activations import Activation
from core.engine.losses import mean_loss, output_gradient
from core.engine.network import Workspace, backward, forward
from core.engine.params import Params
from core.engine.regularization import Penalty
from core.errors import CancelledError, InputError

DEFAULT_EPSILON = 1e-7
DEFAULT_ROWS = 64
MAX_COMPONENTS = 20_000
CANCEL_POLL = 64
WORST = 5
BANDS = ((1e-7, "great"), (1e-5, "fine, but look closer"), (1e-3, "worry"))


def verdict(difference: float) -> str:
    for bound, text in BANDS:
        if difference < bound:
            return text
    return "bug"


def relative_difference(g: np.ndarray, g_hat: np.ndarray) -> float:
    denom = float(np.linalg.norm(g) + np.linalg.norm(g_hat))
    return float(np.linalg.norm(g - g_hat)) / denom if denom > 0 else 0.0


@dataclass(frozen=True)
class GradCheck:
    difference: float
    verdict: str
    blocks: dict[str, float]  # W1, b1, … → relative difference of that block
    worst: list[dict]  # the components with the largest |g − ĝ|
    checked: int  # components checked (all of θ, or an even sample of each block)
    n_params: int
    epsilon: float
    rows: int
    dropout_off: bool
    planted_bug: int | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def cost_function(
    params: Params,
    act: Activation,
    X: np.ndarray,
    T: np.ndarray,
    penalty: Penalty,
    masks: list | None = None,
) -> Callable[[], float]:
    """J(θ) at the current `params.theta` : mean cross-entropy over X plus the penalty."""
    ws = Workspace(params.layout.sizes, len(X), np.float64)

    def cost() -> float:
        z = forward(params, X, act, ws, masks=masks)
        return mean_loss(z, T) + penalty.value(params.theta)

    return cost


def analytic_gradient(
    params: Params,
    act: Activation,
    X: np.ndarray,
    T: np.ndarray,
    penalty: Penalty,
    masks: list | None = None,
) -> np.ndarray:
    ws = Workspace(params.layout.sizes, len(X), np.float64)
    grads = Params(params.layout, np.zeros_like(params.theta))
    z = forward(params, X, act, ws, masks=masks)
    output_gradient(z, T, ws.dZ[-1])
    backward(params, act, ws, grads)
    penalty.add_gradient(params.theta, grads.theta)
    return grads.theta


def _components(params: Params, limit: int) -> np.ndarray:
    """Indices of θ to check: all, or an even spread over each block in proportion."""
    n = params.layout.n_params
    if n <= limit:
        return np.arange(n)
    picked = []
    for _, s, _ in params.layout.spans():
        size = s.stop - s.start
        take = max(1, round(limit * size / n))
        picked.append(s.start + np.unique(np.linspace(0, size - 1, min(take, size)).astype(int)))
    return np.concatenate(picked)


@np.errstate(all="ignore")  # a diverging network's cost is a result, not a warning
def gradient_check(
    params: Params,
    act: Activation,
    X: np.ndarray,
    T: np.ndarray,
    n_train: int,
    l2: float,
    l1: float,
    epsilon: float = DEFAULT_EPSILON,
    plant_bug: int | None = None,
    masks: list | None = None,
    max_components: int = MAX_COMPONENTS,
    cancelled: Callable[[], bool] | None = None,
) -> GradCheck:
    """Check backprop at θ = `params` (any dtype; the check runs on a float64 copy).

    X : (B, n_0) inputs and T : (B, K) targets of the rows to check on; `n_train` is the m
    of the penalty λ/(2m). `masks` fixes dropout masks (tests); `plant_bug` is a layer 1..L.
    `cancelled`, polled every CANCEL_POLL components, stops the check with `CancelledError`.
    """
    if not np.isfinite(params.theta).all():
        raise InputError("gradient check: the network has diverged (θ holds inf or NaN); reset it")
    L = params.layout.n_layers
    if plant_bug is not None and not 1 <= plant_bug <= L:
        raise InputError(f"plant_bug: layer {plant_bug} is not in [1, {L}]")
    p64 = params.astype(np.float64)
    X = np.ascontiguousarray(X, dtype=np.float64)
    T = np.ascontiguousarray(T, dtype=np.float64)
    penalty = Penalty(p64.layout.weight_mask(), n_train, l2, l1, np.float64)
    g = analytic_gradient(p64, act, X, T, penalty, masks)
    if plant_bug is not None:
        span = p64.layout.spans()[2 * (plant_bug - 1)][1]
        g[span] *= 2.0
    cost = cost_function(p64, act, X, T, penalty, masks)
    idx = _components(p64, max_components)
    g_hat = np.empty(len(idx))
    theta = p64.theta
    for k, i in enumerate(idx):
        if cancelled is not None and k % CANCEL_POLL == 0 and cancelled():
            raise CancelledError(f"gradient check stopped after {k} of {len(idx)} components")
        saved = theta[i]
        theta[i] = saved + epsilon
        plus = cost()
        theta[i] = saved - epsilon
        minus = cost()
        theta[i] = saved
        g_hat[k] = (plus - minus) / (2 * epsilon)
    g_checked = g[idx]
    blocks = {}
    names = np.empty(len(idx), dtype=object)
    for name, s, _ in p64.layout.spans():
        inside = (idx >= s.start) & (idx < s.stop)
        names[inside] = name
        blocks[name] = relative_difference(g_checked[inside], g_hat[inside])
    gap = np.abs(g_checked - g_hat)
    worst = [
        {
            "block": names[k],
            "index": int(idx[k]),
            "analytic": float(g_checked[k]),
            "numeric": float(g_hat[k]),
            "abs_difference": float(gap[k]),
        }
        for k in np.argsort(gap)[::-1][:WORST]
    ]
    difference = relative_difference(g_checked, g_hat)
    return GradCheck(
        difference=difference,
        verdict=verdict(difference),
        blocks=blocks,
        worst=worst,
        checked=len(idx),
        n_params=p64.layout.n_params,
        epsilon=epsilon,
        rows=len(X),
        dropout_off=masks is None,
        planted_bug=plant_bug,
    )


@dataclass(frozen=True)
class ScalarDemo:
    """The lecture's f(θ) = θ³ at θ: true slope 3θ², two-sided and one-sided estimates."""

    theta: float
    epsilon: float
    true: float
    two_sided: float
    one_sided: float

    @property
    def two_sided_error(self) -> float:
        return abs(self.two_sided - self.true)

    @property
    def one_sided_error(self) -> float:
        return abs(self.one_sided - self.true)


def scalar_demo(theta: float = 1.0, epsilon: float = 0.01) -> ScalarDemo:
    """At θ = 1, ε = 0.01: two-sided 3.0001 (error 1e-4), one-sided 3.0301 (error 0.0301)."""

    def f(t: float) -> float:
        return t**3

    return ScalarDemo(
        theta=theta,
        epsilon=epsilon,
        true=3 * theta**2,
        two_sided=(f(theta + epsilon) - f(theta - epsilon)) / (2 * epsilon),
        one_sided=(f(theta + epsilon) - f(theta)) / epsilon,
    )
