"""Every shown neuron's output over a coarse grid of the input plane, for the network diagram.

For sizes (n_0, …, n_L) and a G×G grid (see `core.probes.surface.grid_points`), one forward
pass gives A[l] : (G·G, n_l) for l = 0..L (A[0] the network's inputs, A[L] the logits).
A layer wider than `max_shown` shows its `max_shown` most active units, the activity of
unit j being mean_grid |A[l][:, j]|; the shown units keep their order in the layer.

    units[l]    (k_l,) int        indices of the shown units of layer l, k_l ≤ max_shown
    maps[l]     (k_l, G, G)       their outputs, row i at x2_i, column j at x1_j
    weights[l]  (k_{l−1}, k_l)    W[l] between the shown units, l = 1..L (weights[0] is empty)
    biases[l]   (k_l,)            b[l] of the shown units (biases[0] is empty)
    grads[l]    (k_{l−1}, k_l)    dW[l] of the last update between the same units
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdials.core.data.features import InputPipeline
from deepdials.core.engine.activations import Activation
from deepdials.core.engine.network import Workspace, forward
from deepdials.core.engine.params import Params
from deepdials.core.probes.surface import grid_points

GRID = 24
MAX_SHOWN_UNITS = 16


@dataclass(frozen=True)
class Neurons:
    """The diagram's data; lists are indexed by layer l = 0..L."""

    sizes: tuple[int, ...]
    units: list[np.ndarray]
    maps: list[np.ndarray]
    weights: list[np.ndarray]
    grads: list[np.ndarray]
    biases: list[np.ndarray]


def shown_units(activity: np.ndarray, max_shown: int) -> np.ndarray:
    """Indices of the `max_shown` largest entries of activity : (n,), in ascending order."""
    if len(activity) <= max_shown:
        return np.arange(len(activity))
    return np.sort(np.argsort(-activity, kind="stable")[:max_shown])


class NeuronEvaluator:
    """One forward pass over a fixed G×G grid (forward-only buffers); the grid's inputs
    are built once. With one raw input, the grid's x1 alone: each map is constant along x2."""

    def __init__(
        self,
        pipeline: InputPipeline,
        extent: tuple[float, float, float, float],
        sizes: tuple[int, ...],
        dtype,
        grid: int = GRID,
        max_shown: int = MAX_SHOWN_UNITS,
        inputs: int = 2,
    ):
        self.grid = grid
        self.max_shown = max_shown
        self.sizes = tuple(sizes)
        self._inputs = pipeline(grid_points(extent, grid, inputs), dtype)
        self._ws = Workspace(sizes, grid * grid, dtype, backward=False)

    def __call__(self, params: Params, grads: Params, act: Activation) -> Neurons:
        G = self.grid
        with np.errstate(all="ignore"):
            forward(params, self._inputs, act, self._ws)
            units, maps = [], []
            for A in self._ws.A:
                shown = shown_units(np.abs(A).mean(axis=0), self.max_shown)
                units.append(shown)
                maps.append(np.ascontiguousarray(A[:, shown].T).reshape(-1, G, G).copy())
        weights, dws, biases = [np.empty((0, 0))], [np.empty((0, 0))], [np.empty(0)]
        for layer in range(1, len(self.sizes)):
            rows, cols = units[layer - 1], units[layer]
            weights.append(params.W[layer - 1][np.ix_(rows, cols)].astype(np.float32))
            dws.append(grads.W[layer - 1][np.ix_(rows, cols)].astype(np.float32))
            biases.append(params.b[layer - 1][cols].astype(np.float32))
        return Neurons(self.sizes, units, maps, weights, dws, biases)
