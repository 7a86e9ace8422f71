"""All weights and biases of a fully connected network in one flat vector θ.

Layer l = 1..L maps n_{l−1} inputs to n_l units with

    W[l] : (n_{l−1}, n_l)    b[l] : (n_l,)        Z[l] = A[l−1] · W[l] + b[l]

(examples are rows, so W[l] here is the lecture's W^[l] transposed). Every W[l] and b[l]
is a view into θ, in the order W1, b1, W2, b2, …; a gradient vector of the same length
gets the same views. Keeping θ flat makes an optimizer update a couple of NumPy calls,
a best-epoch copy one call, and gradient checking a loop over θ's components.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Layout:
    """Where each block sits in θ. `sizes` = (n_0, n_1, …, n_L): inputs, hidden, outputs."""

    sizes: tuple[int, ...]

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def n_params(self) -> int:
        return sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

    @cached_property
    def _spans(self) -> tuple[tuple[str, slice, tuple[int, ...]], ...]:
        spans, start = [], 0
        for layer, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            for name, shape in ((f"W{layer}", (n_in, n_out)), (f"b{layer}", (n_out,))):
                size = int(np.prod(shape))
                spans.append((name, slice(start, start + size), shape))
                start += size
        return tuple(spans)

    def spans(self) -> list[tuple[str, slice, tuple[int, ...]]]:
        """(name, slice of θ, shape) for W1, b1, W2, b2, … in θ order."""
        return list(self._spans)

    def views(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """([W1 … WL], [b1 … bL]) as views into `flat` : (n_params,)."""
        blocks = [flat[s].reshape(shape) for _, s, shape in self.spans()]
        return blocks[0::2], blocks[1::2]

    def weight_mask(self) -> np.ndarray:
        """(n_params,) bool: True on weights, False on biases (penalties skip biases)."""
        mask = np.zeros(self.n_params, dtype=bool)
        for name, s, _ in self.spans():
            mask[s] = name.startswith("W")
        return mask

    def layer_slices(self) -> list[slice]:
        """The slice of θ holding W[l] and b[l] together, for l = 1..L."""
        spans = self.spans()
        return [slice(w[1].start, b[1].stop) for w, b in zip(spans[0::2], spans[1::2])]


class Params:
    """θ with its per-layer views. `theta` is owned; W[l], b[l] alias it."""

    def __init__(self, layout: Layout, theta: np.ndarray):
        if theta.shape != (layout.n_params,):
            raise ValueError(f"θ has shape {theta.shape}, layout needs ({layout.n_params},)")
        self.layout = layout
        self.theta = theta
        self.W, self.b = layout.views(theta)

    def astype(self, dtype) -> Params:
        return Params(self.layout, self.theta.astype(dtype))
