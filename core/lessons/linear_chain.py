"""The lecture's deep linear chain: how the signal's scale grows or dies layer by layer.

L layers of n units, biases off. With every hidden W[l] = a·I (l = 1..L−1) and W[L] = I,

    A[l] = a^l · x  for l < L,       ŷ = A[L] = a^(L−1) · x,

so ŷ/x = a^(L−1): 1.5^9 ≈ 38.44 and 0.5^9 ≈ 0.00195 for the lecture's L = 10.

With random init every W[l] : (n, n) (the output's too) is drawn by a named scheme of
`core.engine.initializers`, and the scale after layer l is the root mean square gain

    r[l] = √( mean_d ‖A_d[l]‖² / ‖X_d‖² )

over `draws` independent chains d, each fed a batch X_d of `inputs` standard normal rows. A scheme
that keeps Var(z) = Var(x) (Xavier for a linear chain, He for relu) keeps r[l] near 1.
"""

from __future__ import annotations

import numpy as np

from deepdials.core.engine.initializers import init_weights

LAYERS = 10
UNITS = 2


def identity_chain(a: float, layers: int = LAYERS) -> np.ndarray:
    """ŷ/x after each layer l = 1..L : (L,), for W[l] = a·I (l < L) and W[L] = I."""
    gains = a ** np.arange(1, layers + 1, dtype=np.float64)
    gains[-1] = gains[-2] if layers > 1 else 1.0
    return gains


def random_chain(
    scheme: str,
    scale: float,
    rng: np.random.Generator,
    relu: bool = False,
    layers: int = LAYERS,
    units: int = UNITS,
    draws: int = 2000,
    inputs: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    """(r : (L,), per_draw : (draws, L)) for chains with weights drawn by `scheme` × `scale`.

    per_draw[d, l] = √(‖A[l]‖² / ‖x‖²) of chain d over its inputs; r is the RMS over draws.
    With `relu`, the hidden layers (not the output) apply max(z, 0).
    """
    x = rng.standard_normal((draws, inputs, units))
    signal = (x * x).sum(axis=(1, 2))
    a = x
    per_draw = np.empty((draws, layers))
    with np.errstate(all="ignore"):
        for layer in range(layers):
            W = np.stack([init_weights(scheme, rng, units, units, scale) for _ in range(draws)])
            a = a @ W
            if relu and layer < layers - 1:
                a = np.maximum(a, 0.0)
            per_draw[:, layer] = (a * a).sum(axis=(1, 2)) / signal
        r = np.sqrt(per_draw.mean(axis=0))
    return r, np.sqrt(per_draw)
