"""Gradient checking: backprop's gradient against two-sided differences of the cost.

For θ flattened and each checked component i (in float64, ε = 1e-7 by default):

    ĝ_i = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε)            (error O(ε²))
    difference = ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)

J is the task's cost (cross-entropy, or 1/(2m) Σ (ŷ − y)² for regression) and includes
the penalty term (see `core.engine.regularization`). Dropout is switched off for the
check: with a fresh mask at every evaluation J would not be a function of θ. To show why,
`dropout_on` leaves it on, as training has it: backprop's gradient is that of one thinned
network, and every J(θ ± εe_i) draws masks of its own (a full forward pass each), so the
two disagree by far more than any band allows, with no bug in backprop at all.

The lecture's bands: < 1e-7 great; < 1e-5 fine, but look closer; < 1e-3 worry; ≥ 1e-3
almost certainly a bug; a difference that is not finite (the cost or its gradient
overflows in float64) has a verdict of its own, "not finite". `plant_bug=k` doubles dW[k]
in the analytic gradient, a known backprop bug the check must catch.

A large network is checked on a sample: at most MAX_COMPONENTS components, spread evenly
over each block (W1, b1, …) in proportion to its size, at least one per block. They are
compared in an order whose every prefix is itself such a sample (one of every block first,
then each block's picks interleaved by (k + ½)/n, each block's in van der Corput order), so
a check stopped by its time budget, or no longer driven, has still compared an even sample
and says how large.

Two shortcuts, both exact: a change of a component of layer l leaves the activations below
l as they were, so J(θ ± εe_i) runs the forward pass from layer l only, from the cached
A[l−1] (and of layer l only the one unit the component feeds); and the penalty is a sum of
one term per weight, so its part of ĝ_i is that term's own two-sided difference.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from deepdials.core.engine.activations import Activation
from deepdials.core.engine.network import Workspace, backward, forward
from deepdials.core.engine.params import Params
from deepdials.core.engine.regularization import Penalty
from deepdials.core.engine.tasks import CLASSES, Task
from deepdials.core.errors import CancelledError, InputError

DEFAULT_EPSILON = 1e-7
DEFAULT_ROWS = 64
MAX_COMPONENTS = 20_000
WORST = 5
BANDS = ((1e-7, "great"), (1e-5, "fine, but look closer"), (1e-3, "worry"))
NOT_FINITE = "not finite"


def verdict(difference: float) -> str:
    """The lecture's band of a relative difference; NaN or inf is NOT_FINITE, never great."""
    if not np.isfinite(difference):
        return NOT_FINITE
    for bound, text in BANDS:
        if difference < bound:
            return text
    return "bug"


def relative_difference(g: np.ndarray, g_hat: np.ndarray) -> float:
    """‖g − ĝ‖ / (‖g‖ + ‖ĝ‖): 0 when both are 0, NaN when either holds inf or NaN. Both are
    divided by their largest magnitude first, so huge finite gradients do not overflow."""
    g, g_hat = np.asarray(g, dtype=np.float64), np.asarray(g_hat, dtype=np.float64)
    if not (np.isfinite(g).all() and np.isfinite(g_hat).all()):
        return float("nan")
    scale = max(float(np.abs(g).max(initial=0.0)), float(np.abs(g_hat).max(initial=0.0)))
    if scale == 0.0:
        return 0.0
    g, g_hat = g / scale, g_hat / scale
    return float(np.linalg.norm(g - g_hat) / (np.linalg.norm(g) + np.linalg.norm(g_hat)))


@dataclass(frozen=True)
class GradCheck:
    difference: float  # NaN when not finite (verdict NOT_FINITE)
    verdict: str
    blocks: dict[str, float | None]  # W1, b1, … → its relative difference; None: not reached
    worst: list[dict]  # the components with the largest |g − ĝ|
    checked: int  # components compared
    n_params: int
    planned: int  # components the check meant to compare: all of θ, or MAX_COMPONENTS
    complete: bool  # every planned component compared (False: the time budget stopped it)
    seconds: float  # time the check took
    sample: str  # what was compared, in words
    epsilon: float
    rows: int
    dropout_off: bool  # False: left on, fresh masks at every evaluation (module docstring)
    planted_bug: int | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def analytic_gradient(
    params: Params,
    act: Activation,
    X: np.ndarray,
    T: np.ndarray,
    penalty: Penalty,
    masks: list | None = None,
    ws: Workspace | None = None,
    task: Task = CLASSES,
) -> np.ndarray:
    """Backprop's ∂J/∂θ : (n_params,) at `params`; leaves the forward pass's cache in `ws`."""
    ws = ws if ws is not None else Workspace(params.layout.sizes, len(X), params.theta.dtype)
    grads = Params(params.layout, np.zeros_like(params.theta))
    z = forward(params, X, act, ws, masks=masks)
    task.output_gradient(z, T, ws.dZ[-1])
    backward(params, act, ws, grads)
    penalty.add_gradient(params.theta, grads.theta)
    return grads.theta


def spread_order(n: int) -> np.ndarray:
    """A permutation of range(n) whose every prefix spreads evenly over the range (van der
    Corput order: 0, n/2, n/4, 3n/4, …)."""
    bits = max(int(n - 1).bit_length(), 1)
    k = np.arange(1 << bits)
    reversed_bits = np.zeros_like(k)
    for b in range(bits):
        reversed_bits |= ((k >> b) & 1) << (bits - 1 - b)
    return reversed_bits[reversed_bits < n]


def components(params: Params, limit: int) -> np.ndarray:
    """Indices of θ to check, in checking order (module docstring): all of θ when it has at
    most `limit` components, else an even spread over each block in proportion to its size,
    at least one per block."""
    n = params.layout.n_params
    picked, keys = [], []
    for _, s, _ in params.layout.spans():
        size = s.stop - s.start
        take = size if n <= limit else min(size, max(1, round(limit * size / n)))
        spread = np.unique(np.linspace(0, size - 1, take).astype(np.int64))
        k = np.arange(len(spread))
        picked.append(s.start + spread[spread_order(len(spread))])
        keys.append(np.where(k == 0, -1.0, (k + 0.5) / len(spread)))
    order = np.argsort(np.concatenate(keys), kind="stable")
    return np.concatenate(picked)[order]


class GradientCheck:
    """A gradient check in progress: `compare(check)` compares its components one by one,
    `result` answers for those compared so far. Everything is computed on a float64 copy of
    θ taken here, so the network may train on meanwhile.

    X : (B, n_0) inputs and T : (B, K) targets of the rows to check on, for `task`'s loss
    (cross-entropy, or the squared error: `core.engine.tasks`); `n_train` is the m
    of the penalty λ/(2m). `masks` fixes dropout masks (tests); `dropout_on`, a keep-prob
    per layer 0..L−1 with its Generator, leaves dropout on (module docstring); `plant_bug`
    is a layer 1..L.
    `budget` (seconds, None: none) bounds the time the check spends, this set-up included;
    at least one component is always compared.
    """

    def __init__(
        self,
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
        budget: float | None = None,
        task: Task = CLASSES,
        dropout_on: tuple[tuple[float, ...], np.random.Generator] | None = None,
    ):
        started = time.perf_counter()
        if not np.isfinite(params.theta).all():
            raise InputError(
                "gradient check: the network has diverged (θ holds inf or NaN); reset it"
            )
        L = params.layout.n_layers
        if plant_bug is not None and not 1 <= plant_bug <= L:
            raise InputError(f"plant_bug: layer {plant_bug} is not in [1, {L}]")
        self.params = params.astype(np.float64)
        self.act = act
        self.task = task
        self.T = np.ascontiguousarray(T, dtype=np.float64)
        self.masks = masks
        self.epsilon = epsilon
        self.plant_bug = plant_bug
        self.budget = budget
        layout = self.params.layout
        X = np.ascontiguousarray(X, dtype=np.float64)
        self.rows = len(X)
        self.X = X
        self.dropout_on = dropout_on
        weights = layout.weight_mask()
        ws = Workspace(layout.sizes, len(X), np.float64)
        with np.errstate(all="ignore"):  # a diverging network's cost is a result
            if dropout_on is not None:
                masks = _draw_masks(ws, dropout_on)
            self.g = analytic_gradient(
                self.params,
                act,
                X,
                self.T,
                Penalty(weights, n_train, l2, l1, np.float64),
                masks,
                ws,
                task,
            )
        self._evaluation = None if dropout_on is None else ws
        if plant_bug is not None:
            self.g[layout.spans()[2 * (plant_bug - 1)][1]] *= 2.0
        # the forward pass's A[0..L] (A[0] the input as dropout left it, A[L] the logits)
        self._A = [np.array(a, dtype=np.float64, order="C") for a in ws.A]
        self._scratch = [np.empty((len(X), n)) for n in layout.sizes]
        self._term = {  # one component's penalty term, by whether it is a weight
            is_weight: Penalty(np.array([is_weight]), n_train, l2, l1, np.float64)
            for is_weight in (False, True)
        }
        self._weights = weights
        self._spans = layout.spans()  # W1, b1, W2, … : block b is of layer b // 2 + 1
        self._starts = np.array([s.start for _, s, _ in self._spans])
        self.order = components(self.params, max_components)
        self.planned = len(self.order)
        self.g_hat = np.empty(self.planned)
        self.done = 0
        self.seconds = time.perf_counter() - started

    # ----- the cost, from the layer a component belongs to -----

    def _unit(self, i: int) -> tuple[int, int]:
        """(layer l, unit j of layer l) that θ's component i (of W[l] or b[l]) feeds."""
        block = int(np.searchsorted(self._starts, i, side="right")) - 1
        _, s, shape = self._spans[block]
        return block // 2 + 1, (i - s.start) % shape[-1]

    def _loss_from(self, layer: int, unit: int) -> float:
        """The task's mean loss over the rows at θ as it is now, recomputed from unit `unit` of
        layer `layer` on: every other unit of that layer and every layer below are as the
        forward pass left them (module docstring)."""
        p, act, masks = self.params, self.act, self.masks
        L = p.layout.n_layers
        z = self._A[layer - 1] @ p.W[layer - 1][:, unit] + p.b[layer - 1][unit]  # Z[l]'s column
        if layer < L:
            act.value(z, z)
            if masks is not None and masks[layer] is not None:
                z *= masks[layer][:, unit]
        out = self._scratch[layer]
        out[...] = self._A[layer]
        out[:, unit] = z
        for m in range(layer + 1, L + 1):
            nxt = self._scratch[m]
            np.matmul(out, p.W[m - 1], out=nxt)
            nxt += p.b[m - 1]
            if m < L:
                act.value(nxt, nxt)
                if masks is not None and masks[m] is not None:
                    nxt *= masks[m]
            out = nxt
        return self.task.mean_loss(out, self.T)

    def _loss_thinned(self) -> float:
        """The task's mean loss over the rows at θ as it is now, through a network thinned by
        masks of its own (dropout left on)."""
        keep, rng = self.dropout_on
        z = forward(self.params, self.X, self.act, self._evaluation, keep, rng)
        return self.task.mean_loss(z, self.T)

    def numeric(self, i: int) -> float:
        """ĝ_i, the two-sided difference of J at θ along component i."""
        theta, eps = self.params.theta, self.epsilon
        layer, unit = self._unit(i)
        term = self._term[bool(self._weights[i])]
        saved = theta[i]
        loss = self._loss_from if self.dropout_on is None else lambda *_: self._loss_thinned()
        theta[i] = saved + eps
        plus = loss(layer, unit)
        theta[i] = saved - eps
        minus = loss(layer, unit)
        theta[i] = saved
        penalty = term.value(np.array([saved + eps])) - term.value(np.array([saved - eps]))
        return (plus - minus) / (2 * eps) + penalty / (2 * eps)

    # ----- progress -----

    @property
    def finished(self) -> bool:
        """Every planned component compared, or the budget spent (after one at least)."""
        if self.done == self.planned:
            return True
        return self.budget is not None and self.done > 0 and self.seconds >= self.budget

    def seconds_left(self) -> float | None:
        """A guess of the time to the end at the pace so far (None before any component)."""
        if self.done == 0:
            return None
        pace = self.seconds / self.done
        left = pace * (self.planned - self.done)
        if self.budget is not None:
            left = min(left, max(self.budget - self.seconds, 0.0))
        return left

    def result(self) -> GradCheck:
        """The answer for the components compared so far."""
        idx, g_hat = self.order[: self.done], self.g_hat[: self.done]
        g = self.g[idx]
        blocks: dict[str, float | None] = {}
        names = np.empty(len(idx), dtype=object)
        for name, s, _ in self.params.layout.spans():
            inside = (idx >= s.start) & (idx < s.stop)
            names[inside] = name
            blocks[name] = relative_difference(g[inside], g_hat[inside]) if inside.any() else None
        with np.errstate(invalid="ignore"):
            gap = np.abs(g - g_hat)
        ranked = np.argsort(np.where(np.isnan(gap), np.inf, gap), kind="stable")[::-1]
        worst = [
            {
                "block": names[k],
                "index": int(idx[k]),
                "analytic": float(g[k]),
                "numeric": float(g_hat[k]),
                "abs_difference": float(gap[k]),
            }
            for k in ranked[:WORST]
        ]
        difference = relative_difference(g, g_hat)
        return GradCheck(
            difference=difference,
            verdict=verdict(difference),
            blocks=blocks,
            worst=worst,
            checked=self.done,
            n_params=self.params.layout.n_params,
            planned=self.planned,
            complete=self.done == self.planned,
            seconds=self.seconds,
            sample=self.sample(),
            epsilon=self.epsilon,
            rows=self.rows,
            dropout_off=self.masks is None and self.dropout_on is None,
            planted_bug=self.plant_bug,
        )

    def sample(self) -> str:
        """What was compared, in words: all of θ, or how large a sample, and why."""
        n = self.params.layout.n_params
        if self.done == n:
            return f"all {n:,} components"
        blocks = len(self._spans)
        reached = len(np.unique(np.searchsorted(self._starts, self.order[: self.done], "right")))
        spread = "every block" if reached == blocks else f"{reached} of the {blocks} blocks"
        text = f"{self.done:,} of {n:,} components, an even sample of {spread}"
        if self.done < self.planned:
            by = f"by the {self.budget:g} s budget" if self.finished else "before the end"
            text += f" (stopped {by}; {self.planned:,} were planned)"
        return text


def _draw_masks(
    ws: Workspace, dropout_on: tuple[tuple[float, ...], np.random.Generator]
) -> list[np.ndarray | None]:
    """One set of masks as training draws them (an entry per layer 0..L−1, None where the
    keep-prob is 1), for backprop's side of a check with dropout left on."""
    keep, rng = dropout_on
    return [
        None if p >= 1.0 else (rng.random((ws.rows, n)) < p) / p
        for p, n in zip(keep, ws.sizes[:-1])
    ]


def compare(check: GradientCheck) -> Iterator[None]:
    """Compare `check`'s planned components in order, yielding after each, until it is
    finished; the seconds spent inside are added to `check.seconds`. Driven with next() in
    slices of any size, the answer is the one of a check run in one go."""
    while not check.finished:
        start = time.perf_counter()
        with np.errstate(all="ignore"):  # a diverging network's cost is a result
            check.g_hat[check.done] = check.numeric(int(check.order[check.done]))
        check.done += 1
        check.seconds += time.perf_counter() - start
        yield


def finish(
    check: GradientCheck,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[GradientCheck], None] | None = None,
    progress_seconds: float = 1.0,
) -> GradCheck:
    """`compare(check)` to the end, and the answer. `cancelled`, polled before every
    component, stops the check with `CancelledError`; `progress(check)` is called every
    `progress_seconds` of the check's time while components remain."""
    reported, steps = check.seconds, compare(check)
    while not check.finished:
        if cancelled is not None and cancelled():
            raise CancelledError(
                f"gradient check stopped after {check.done:,} of {check.planned:,} components"
            )
        next(steps)
        late = check.seconds - reported >= progress_seconds
        if progress is not None and late and not check.finished:
            progress(check)
            reported = check.seconds
    return check.result()


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
    budget: float | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[GradientCheck], None] | None = None,
    progress_seconds: float = 1.0,
    task: Task = CLASSES,
    dropout_on: tuple[tuple[float, ...], np.random.Generator] | None = None,
) -> GradCheck:
    """Check backprop at θ = `params` in one go (see `GradientCheck` for the arguments);
    `progress(check)` is called every `progress_seconds` while it runs."""
    check = GradientCheck(
        params,
        act,
        X,
        T,
        n_train,
        l2,
        l1,
        epsilon,
        plant_bug,
        masks,
        max_components,
        budget,
        task,
        dropout_on,
    )
    return finish(check, cancelled, progress, progress_seconds)


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
