"""The decision surface: predicted class probabilities over a grid of the input plane.

The grid has R×R points spaced evenly over `extent` = (x1_min, x1_max, x2_min, x2_max),
in the user's coordinates (before derived features and normalization); row i holds
x2 = x2_min + i·Δ, column j holds x1 = x1_min + j·Δ, so `probs[i, j]` sits at (x1_j, x2_i)
and the array can be drawn as an image with x1 to the right and x2 up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from deepdials.core.data.features import InputPipeline
from deepdials.core.engine.activations import Activation
from deepdials.core.engine.losses import probabilities
from deepdials.core.engine.network import BlockedForward, blocked_forward_bytes
from deepdials.core.engine.params import Params

MAX_RESOLUTION = 256


@dataclass(frozen=True)
class Surface:
    """probs : (R, R) holding p(class 1) for two classes, or (R, R, K) for K classes."""

    probs: np.ndarray
    extent: tuple[float, float, float, float]


def grid_points(extent: tuple[float, float, float, float], resolution: int) -> np.ndarray:
    """(R·R, 2) float64 points, row-major with x1 fastest (see the module docstring)."""
    x1 = np.linspace(extent[0], extent[1], resolution)
    x2 = np.linspace(extent[2], extent[3], resolution)
    g1, g2 = np.meshgrid(x1, x2)
    return np.column_stack([g1.ravel(), g2.ravel()])


def surface_bytes(sizes: tuple[int, ...], resolution: int, itemsize: int) -> int:
    """Bytes a `SurfaceEvaluator` of an R×R grid holds: its evaluation pass's arrays and the
    probabilities (R·R, K) of a call."""
    grid = resolution * resolution
    return blocked_forward_bytes(sizes, grid, itemsize) + grid * sizes[-1] * itemsize


class SurfaceEvaluator:
    """An evaluation pass (`BlockedForward`) over a fixed grid, whose inputs are built once;
    each call returns a fresh Surface."""

    def __init__(
        self,
        pipeline: InputPipeline,
        extent: tuple[float, float, float, float],
        resolution: int,
        sizes: tuple[int, ...],
        dtype,
    ):
        if not 2 <= resolution <= MAX_RESOLUTION:
            raise ValueError(f"resolution {resolution} is not in [2, {MAX_RESOLUTION}]")
        self.extent = extent
        self.resolution = resolution
        inputs = pipeline(grid_points(extent, resolution), dtype)
        self._forward = BlockedForward(sizes, inputs, dtype)

    def __call__(
        self, params: Params, act: Activation, cancelled: Callable[[], bool] | None = None
    ) -> Surface:
        """`cancelled()`, asked between two blocks of the grid, stops the pass with
        `core.errors.CancelledError`."""
        with np.errstate(all="ignore"):
            z = self._forward(params, act, cancelled)
            # a fresh array for the Surface, written once (no copy when the run is float32)
            p = probabilities(z, np.empty(z.shape, z.dtype))
        R = self.resolution
        probs = p[:, 0].reshape(R, R) if p.shape[1] == 1 else p.reshape(R, R, -1)
        return Surface(probs=probs.astype(np.float32, copy=False), extent=self.extent)
