"""The decision surface: predicted class probabilities (or, for regression, the fitted
ŷ) over a grid of the input plane.

The grid has R×R points spaced evenly over `extent` = (x1_min, x1_max, x2_min, x2_max),
in the user's coordinates (before derived features and normalization); row i holds
x2 = x2_min + i·Δ, column j holds x1 = x1_min + j·Δ, so `probs[i, j]` sits at (x1_j, x2_i)
and the array can be drawn as an image with x1 to the right and x2 up.

A set with one input (regression on x₁) has a line instead: R points x1_j spaced evenly
from x1_min to x1_max, and `probs[j]` = ŷ(x1_j) : (R,); the extent's x2 part is then the
range of y the view shows (the data's targets, padded: `core.data.dataprep`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from deepdials.core.data.features import InputPipeline
from deepdials.core.engine.activations import Activation
from deepdials.core.engine.network import BlockedForward, blocked_forward_bytes
from deepdials.core.engine.params import Params
from deepdials.core.engine.tasks import CLASSES, Task

MAX_RESOLUTION = 256


@dataclass(frozen=True)
class Surface:
    """probs : (R, R) holding p(class 1) for two classes, or (R, R, K) for K classes; for
    regression, ŷ itself (the raw linear output, not a probability): (R, R) over the plane
    for two inputs, (R,) over x₁ for one (module docstring)."""

    probs: np.ndarray
    extent: tuple[float, float, float, float]


def grid_points(
    extent: tuple[float, float, float, float], resolution: int, inputs: int = 2
) -> np.ndarray:
    """(R·R, 2) float64 points, row-major with x1 fastest (see the module docstring); for
    one input, (R·R, 1): their x1 alone."""
    x1 = np.linspace(extent[0], extent[1], resolution)
    x2 = np.linspace(extent[2], extent[3], resolution)
    g1, g2 = np.meshgrid(x1, x2)
    return np.column_stack([g1.ravel(), g2.ravel()][:inputs])


def line_points(extent: tuple[float, float, float, float], resolution: int) -> np.ndarray:
    """(R, 1) float64: x1 spaced evenly from x1_min to x1_max (one input)."""
    return np.linspace(extent[0], extent[1], resolution)[:, None]


def surface_bytes(sizes: tuple[int, ...], resolution: int, itemsize: int) -> int:
    """Bytes a `SurfaceEvaluator` of an R×R grid holds: its evaluation pass's arrays and the
    probabilities (R·R, K) of a call."""
    grid = resolution * resolution
    return blocked_forward_bytes(sizes, grid, itemsize) + grid * sizes[-1] * itemsize


class SurfaceEvaluator:
    """An evaluation pass (`BlockedForward`) over a fixed grid (a line for one input), whose
    inputs are built once; each call returns a fresh Surface of the task's outputs."""

    def __init__(
        self,
        pipeline: InputPipeline,
        extent: tuple[float, float, float, float],
        resolution: int,
        sizes: tuple[int, ...],
        dtype,
        task: Task = CLASSES,
        inputs: int = 2,
    ):
        if not 2 <= resolution <= MAX_RESOLUTION:
            raise ValueError(f"resolution {resolution} is not in [2, {MAX_RESOLUTION}]")
        self.extent = extent
        self.resolution = resolution
        self.task = task
        self.line = inputs == 1
        points = line_points(extent, resolution) if self.line else grid_points(extent, resolution)
        self._forward = BlockedForward(sizes, pipeline(points, dtype), dtype)

    def __call__(
        self, params: Params, act: Activation, cancelled: Callable[[], bool] | None = None
    ) -> Surface:
        """`cancelled()`, asked between two blocks of the grid, stops the pass with
        `core.errors.CancelledError`."""
        with np.errstate(all="ignore"):
            z = self._forward(params, act, cancelled)
            # a fresh array for the Surface, written once (no copy when the run is float32)
            p = self.task.shown(z, np.empty(z.shape, z.dtype))
        R = self.resolution
        if self.line:
            probs = p[:, 0]
        else:
            probs = p[:, 0].reshape(R, R) if p.shape[1] == 1 else p.reshape(R, R, -1)
        return Surface(probs=probs.astype(np.float32, copy=False), extent=self.extent)
