"""Why inputs are normalized: the cost surface of a two-weight logistic regression.

On the training points (class 1 against the rest), ŷ = σ(w₁x₁ + w₂x₂) with the bias fixed
at 0, and the cost J(w) = −mean[t log ŷ + (1 − t) log(1 − ŷ)]. Its curvature is at most
H₀ = ¼·E[x xᵀ] (at w = 0, where σ' = ¼), so badly scaled inputs (x₁ a hundred times x₂)
make J a long narrow valley: curvature s² times larger across it than along it.

`landscape` gives J on a grid of (w₁, w₂) and the path of gradient descent, w ← w − α∇J,
for raw inputs or for z-scored ones, x ← (x − μ)/σ with the training μ and σ. Both start
from the same classifier, w = START/σ on raw inputs and START on z-scored ones (equal when
the data are centred), and each takes STEPS steps with its own best constant learning
rate for a quadratic of curvature H₀, α = 2/(λ_max + λ_min). On the valley that rate
overshoots across it and crawls along it (the zig-zag); on round contours it goes straight.

On a regression set (real targets y) the model is linear regression ŷ = w₁x₁ + w₂x₂ with
J(w) = mean[(ŷ − y)²] / 2, a quadratic whose curvature is exactly H₀ = E[x xᵀ]; a set of
one input takes the bias as its second weight, ŷ = w₁x₁ + w₂·1 (`inputs` says which), and
normalizing z-scores x₁ alone. A badly scaled or off-centre x₁ narrows the bowl alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START = (-0.6, 0.75)  # in units of each input's standard deviation
STEPS = 40
GRID = 81
MAX_ROWS = 1000  # the cost is averaged over at most this many (evenly spaced) rows
FLAT = 1e-12  # the least curvature taken, so that α stays finite
MARGIN = 0.25  # the grid spans the path's bounding square widened by this on each side


@dataclass(frozen=True)
class Landscape:
    w1: np.ndarray  # (G,) grid values of w₁ (columns of `cost`)
    w2: np.ndarray  # (G,) grid values of w₂ (rows of `cost`)
    cost: np.ndarray  # (G, G) J at (w1[j], w2[i]) in row i, column j
    path: np.ndarray  # (STEPS + 1, 2) the weights after each step, the start first
    path_cost: np.ndarray  # (STEPS + 1,) J along the path
    lr: float  # α
    condition: float  # λ_max / λ_min of H₀: 1 for round contours
    model: str = "logistic"  # or "linear" (a regression set, squared error)
    inputs: tuple[str, str] = ("x1", "x2")  # what w₁ and w₂ multiply: ("x1", "1") for one input


def landscape(X: np.ndarray, y: np.ndarray, normalize: bool) -> Landscape:
    """The lesson on X : (n, 2) with labels y : (n,), or on a regression set: X : (n, 1 or
    2) with real targets y : (n,) float (see the module docstring)."""
    step = -(-len(X) // MAX_ROWS)
    X = np.asarray(X, dtype=np.float64)[::step]
    y = np.asarray(y)[::step]
    linear = y.dtype.kind == "f"
    inputs = ("x1", "x2") if X.shape[1] == 2 else ("x1", "1")
    if X.shape[1] == 1:
        X = np.column_stack([X[:, 0], np.ones(len(X))])
    t = y.astype(np.float64) if linear else (y == 1).astype(np.float64)
    cost_of, gradient_of = (squared_cost, squared_gradient) if linear else (cost, gradient)
    sigma = X.std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    if normalize:
        centre = X.mean(axis=0)
        if inputs[1] == "1":
            centre[1] = 0.0  # the bias's input stays 1
        X = (X - centre) / sigma
        start = np.array(START)
    else:
        start = np.array(START) / sigma
    curvature = np.linalg.eigvalsh((1.0 if linear else 0.25) * X.T @ X / len(X))
    lam_max = max(curvature[1], FLAT)  # all inputs 0: J is flat, and the path stays put
    lam_min = max(curvature[0], 1e-12 * lam_max)
    lr = 2.0 / (lam_max + lam_min)
    path = [start]
    for _ in range(STEPS):
        path.append(path[-1] - lr * gradient_of(path[-1], X, t))
    path = np.array(path)
    w1, w2 = _grid(path)
    W = np.stack(np.meshgrid(w1, w2), axis=-1).reshape(-1, 2)
    return Landscape(
        w1=w1,
        w2=w2,
        cost=cost_of(W, X, t).reshape(GRID, GRID),
        path=path,
        path_cost=cost_of(path, X, t),
        lr=float(lr),
        condition=float(lam_max / lam_min),
        model="linear" if linear else "logistic",
        inputs=inputs,
    )


def cost(W: np.ndarray, X: np.ndarray, t: np.ndarray) -> np.ndarray:
    """J for each row of W : (m, 2); X : (n, 2), t : (n,) in {0, 1}. Returns (m,).

    With z = X w: −[t log σ(z) + (1 − t) log(1 − σ(z))] = log(1 + e^z) − t z, from the logits."""
    z = W @ X.T
    return np.mean(np.logaddexp(0.0, z) - t * z, axis=-1)


def gradient(w: np.ndarray, X: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∇J at w : (2,): mean[(σ(x·w) − t) x]."""
    z = X @ w
    p = np.exp(-np.logaddexp(0.0, -z))  # σ(z) without overflow
    return (p - t) @ X / len(X)


def squared_cost(W: np.ndarray, X: np.ndarray, t: np.ndarray) -> np.ndarray:
    """J = mean[(x·w − t)²] / 2 for each row of W : (m, 2); X : (n, 2), t : (n,) real."""
    r = W @ X.T - t
    return 0.5 * np.mean(r * r, axis=-1)


def squared_gradient(w: np.ndarray, X: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∇J at w : (2,): mean[(x·w − t) x]."""
    return (X @ w - t) @ X / len(X)


def contour_levels(cost: np.ndarray, n: int = 14) -> np.ndarray:
    """n levels above the grid's minimum, log-spaced in J − J_min: rings that stay evenly
    spaced from the bottom of the valley up its walls."""
    lo, hi = float(np.min(cost)), float(np.max(cost))
    span = max(hi - lo, 1e-12)
    return lo + np.geomspace(span * 1e-3, span * 0.9, n)


def _grid(path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GRID values per axis over a square around the path (equal units on both axes)."""
    lo, hi = path.min(axis=0), path.max(axis=0)
    centre = (lo + hi) / 2
    half = max(float(np.max(hi - lo)), 1e-9) * (0.5 + MARGIN)
    return tuple(np.linspace(c - half, c + half, GRID) for c in centre)
