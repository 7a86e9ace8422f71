"""Output layers and their cross-entropy losses, computed stably from the logits.

Binary (K = 1 logit z, target y ∈ {0, 1}):
    p = σ(z),   L = −y log p − (1 − y) log(1 − p) = max(z, 0) − z·y + log(1 + e^−|z|)
Softmax (K ≥ 3 logits, one-hot target y):
    p = softmax(z),   L = log Σ_k e^{z_k − m} − (z_y − m),   m = max_k z_k
Both give the same gradient of the batch-mean loss with respect to the logits:
    dZ = (p − y) / B                                        (B rows)
No form takes log(0) or exp of a large positive number, so no warnings and no overflow;
a logit that is already inf or NaN yields a NaN loss, which the run reports as divergence.
"""

from __future__ import annotations

import numpy as np


def n_outputs(n_classes: int) -> int:
    """Logits the network ends with: 1 for two classes (sigmoid), K otherwise (softmax)."""
    return 1 if n_classes == 2 else n_classes


def targets(y: np.ndarray, n_classes: int, dtype) -> np.ndarray:
    """Labels y : (n,) int → targets : (n, 1) for binary, one-hot (n, K) for softmax."""
    if n_classes == 2:
        return y.astype(dtype).reshape(-1, 1)
    return np.eye(n_classes, dtype=dtype)[y]


def probabilities(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Class probabilities from logits z : (B, K). (B, 1) holds p(class 1)."""
    out = np.empty_like(z) if out is None else out
    if z.shape[1] == 1:
        np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1
        out *= 0.5
        return out
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def output_gradient(
    z: np.ndarray, target: np.ndarray, out: np.ndarray, rows: int | None = None
) -> np.ndarray:
    """dZ = (p − y) / B into `out` : (B, K). When z is one chunk of a batch of `rows` rows,
    B = `rows`: the chunks' gradients then add up to the batch's."""
    probabilities(z, out)
    out -= target
    out *= 1.0 / (z.shape[0] if rows is None else rows)
    return out


def mean_loss(z: np.ndarray, target: np.ndarray) -> float:
    """Mean cross-entropy over the rows of z : (B, K) against target : (B, K)."""
    if z.shape[0] == 0:
        return float("nan")
    if z.shape[1] == 1:
        losses = np.maximum(z, 0) - z * target + np.log1p(np.exp(-np.abs(z)))
        return float(losses.mean(dtype=np.float64))
    shifted = z - z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    return float((log_norm - (shifted * target).sum(axis=1)).mean(dtype=np.float64))


def predictions(z: np.ndarray) -> np.ndarray:
    """Predicted class per row of z : (B, K) → (B,) int."""
    if z.shape[1] == 1:
        return (z[:, 0] > 0).astype(np.int64)
    return z.argmax(axis=1)
