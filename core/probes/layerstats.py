"""Per-layer statistics of one forward/backward pass, read from its cache.

For layers l = 1..L (L is the output layer) over a batch of B examples:

    act_*       the layer's output A[l] : (B, n_l) (for l = L: the logits Z[L])
    grad_*      ∂J/∂A[l] : (B, n_l) (for l = L: ∂J/∂Z[L])
    dw_*        ∂J/∂W[l] : (n_{l−1}, n_l), the probe pass's weight gradient (std, hist)
    mean, std   over all B·n_l entries
    hist        fraction of entries per bin; one set of edges shared by every layer, so
                widths compare across depth (edges symmetric about 0, ± the largest |value|)
    saturated   tanh/sigmoid: fraction of entries where g'(z) < 0.05 (flat tails)
    dead        relu/leaky_relu: fraction of units with a ≤ 0 on every example
    near_linear fraction of entries of Z[l] = A[l−1]·W[l] + b[l] with |z| < LINEAR_Z, where
                tanh(z) is within 8% of z and sigmoid(z) within 0.003 of ½ + z/4 (the
                near-linear middle); 0 for the logits
    weight_norm ‖W[l]‖_F        update_ratio ‖Δθ_l‖ / ‖θ_l‖
                (Δθ_l: the last optimizer step for W[l] and b[l])
    grad_norm   the run's per-layer gradient figure at `epoch` (given, not of this pass):
                the RMS over the rows of the epoch's steps and the units of layer l of
                each example's δᵢ[l] = ∂ℓᵢ/∂Z[l]ᵢ (see `core.engine.run`)
    epoch       the run's last recorded epoch (a diverged run's: its last finite one, whose
                θ the pass ran on; a running one's θ may be some steps past it)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdials.core.engine.activations import Activation
from deepdials.core.engine.network import Workspace
from deepdials.core.engine.params import Params

PROBE_ROWS = 128  # the training rows of a run's probe pass (`core.engine.reports`)
BINS = 40
FLAT_DERIVATIVE = 0.05
LINEAR_Z = 0.5


@dataclass(frozen=True)
class LayerStats:
    """Struct of arrays over layers 1..L: every vector is (L,), every histogram (L, BINS)."""

    act_mean: np.ndarray
    act_std: np.ndarray
    act_hist: np.ndarray
    act_edges: np.ndarray
    grad_mean: np.ndarray
    grad_std: np.ndarray
    grad_hist: np.ndarray
    grad_edges: np.ndarray
    dw_std: np.ndarray
    dw_hist: np.ndarray
    dw_edges: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    near_linear: np.ndarray
    weight_norm: np.ndarray
    grad_norm: np.ndarray
    update_ratio: np.ndarray
    epoch: int

    def as_dict(self) -> dict[str, list]:
        return {name: np.asarray(value).tolist() for name, value in self.__dict__.items()}


def _histograms(blocks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Fractions per bin : (len(blocks), BINS) over BINS equal bins on ± the largest finite
    |value| of any block, and the edges : (BINS + 1,). Non-finite values are left out.

    One bincount over every block at once: bin k of block r is slot r·BINS + k.
    """
    flat = [b.ravel().astype(np.float64) for b in blocks]  # float32 v + limit can overflow
    finite = [v if np.isfinite(v.sum()) else v[np.isfinite(v)] for v in flat]
    limit = max((float(np.abs(v).max()) for v in finite if v.size), default=1.0)
    limit = limit if 0 < limit < np.inf else 1.0
    edges = np.linspace(-limit, limit, BINS + 1)
    scale = BINS / (2 * limit)
    slots = []
    for row, v in enumerate(finite):
        slot = ((v + limit) * scale).astype(np.int64)
        np.minimum(slot, BINS - 1, out=slot)
        slot += row * BINS
        slots.append(slot)
    counts = np.bincount(np.concatenate(slots), minlength=len(blocks) * BINS)
    counts = counts.reshape(len(blocks), BINS).astype(np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0), edges


def _moments(blocks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    mean = np.array([float(b.mean(dtype=np.float64)) for b in blocks])
    std = np.array([float(b.std(dtype=np.float64)) for b in blocks])
    return mean, std


def _norms(flat: np.ndarray, slices: list[slice]) -> np.ndarray:
    return np.array([float(np.linalg.norm(flat[s].astype(np.float64))) for s in slices])


def layer_statistics(
    params: Params,
    act: Activation,
    ws: Workspace,
    grads: Params,
    last_step: np.ndarray,
    grad_norm: np.ndarray,
    epoch: int,
) -> LayerStats:
    """Statistics of the pass whose cache is `ws` and whose gradients are `grads`.

    `ws` must hold a full forward and backward pass without dropout; `last_step` : (P,)
    is the optimizer's last update of θ; `grad_norm` : (L,) the run's gradient figure at
    `epoch`, the epoch of `params`.
    """
    with np.errstate(all="ignore"):
        L = params.layout.n_layers
        acts = [ws.A[layer] for layer in range(1, L + 1)]
        dacts = [ws.dA[layer] for layer in range(1, L)] + [ws.dZ[L]]
        act_mean, act_std = _moments(acts)
        grad_mean, grad_std = _moments(dacts)
        act_hist, act_edges = _histograms(acts)
        grad_hist, grad_edges = _histograms(dacts)
        dw_hist, dw_edges = _histograms(grads.W)
        _, dw_std = _moments(grads.W)
        hidden = acts[:-1]
        saturated = np.zeros(L)
        dead = np.zeros(L)
        if act.saturating:
            for row, a in enumerate(hidden):
                slope = act.derivative(a, np.empty_like(a))
                saturated[row] = float((slope < FLAT_DERIVATIVE).mean())
        if act.rectifying:
            for row, a in enumerate(hidden):
                dead[row] = float((a <= 0).all(axis=0).mean())
        near_linear = np.zeros(L)
        for row in range(L - 1):
            z = ws.A[row] @ params.W[row] + params.b[row]
            near_linear[row] = float((np.abs(z) < LINEAR_Z).mean())
        weight_slices = [s for name, s, _ in params.layout.spans() if name.startswith("W")]
        layer_slices = params.layout.layer_slices()
        theta_norm = _norms(params.theta, layer_slices)
        step_norm = _norms(last_step, layer_slices)
        update_ratio = np.divide(step_norm, theta_norm, out=np.zeros(L), where=theta_norm > 0)
        return LayerStats(
            act_mean=act_mean,
            act_std=act_std,
            act_hist=act_hist,
            act_edges=act_edges,
            grad_mean=grad_mean,
            grad_std=grad_std,
            grad_hist=grad_hist,
            grad_edges=grad_edges,
            dw_std=dw_std,
            dw_hist=dw_hist,
            dw_edges=dw_edges,
            saturated=saturated,
            dead=dead,
            near_linear=near_linear,
            weight_norm=_norms(params.theta, weight_slices),
            grad_norm=np.array(grad_norm, dtype=np.float64),
            update_ratio=update_ratio,
            epoch=int(epoch),
        )
