"""The input plane and the data carried into the space of two units of one layer.

The plane's grid is LINES lines of constant x1 and LINES of constant x2 over the data's
extent (the user's coordinates), POINTS_PER_LINE points each; a data set of one input
(regression on x₁) has no plane, and its one line is the x₁ axis over the extent, at
LINE_POINTS_1D points. The data are the training points (at most MAX_POINTS of them,
evenly spaced through the split). Both go through the input pipeline (features,
normalization) and one evaluation pass (no dropout):

    A[0] = pipeline(X)                       : (n, n_0)
    A[l] = g(A[l−1] W[l] + b[l])             : (n, n_l)   l = 1..L−1
    A[L] = A[L−1] W[L] + b[L]                : (n, K)     the logits

and each row becomes a point (x, y) of the chosen `Axes`:

    units   a layer of two units or more:    (A[l][:, a], A[l][:, b])
    x1      a layer of one unit:             (x1, A[l][:, 0])      the user's x1
    logit   the output layer of one logit:   (A[L−1][:, a], A[L][:, 0])

Layer 0 is the network's input, the plane as the network sees it. Unless the units are
chosen, they are the most active ones: the two (one, below a single logit) of largest
variance over the data points, in the layer's order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdials.core.data.features import InputPipeline
from deepdials.core.engine.activations import Activation
from deepdials.core.engine.losses import predictions
from deepdials.core.engine.params import Params

LINES = 11
POINTS_PER_LINE = 48
LINE_POINTS_1D = 200
MAX_POINTS = 1000


@dataclass(frozen=True)
class LayerSpaceRequest:
    """What the view asks for: a layer (None: the last hidden layer, or the output when
    there is none) and two of its units (None, or either None: the most active; below a
    single logit only the first counts). A request the run's
    sizes do not hold (asked for the run before) gets the defaults in its place."""

    layer: int | None = None
    units: tuple[int | None, int | None] | None = None


@dataclass(frozen=True)
class LayerSpace:
    """One layer's picture. `axes` is 'units', 'x1' or 'logit' (module docstring); `units`
    the units drawn: (a, b) for 'units', (0, 0) for 'x1', (a, 0) for 'logit' (a of the
    layer below). `n_classes` is 0 for regression: the lines' classes are then all 0 and
    the labels are the targets y.

        lines        (N, M, 2) float32   the grid lines (2·LINES: x1 constant first, then
                                         x2), or the x₁ line (N = 1) of one input
        line_class   (N, M) int8         the predicted class at each line point
        points       (n, 2) float32      the training points
        labels       (n,)                their classes (int64), or targets (float64)
    """

    layer: int
    axes: str
    units: tuple[int, int]
    lines: np.ndarray
    line_class: np.ndarray
    points: np.ndarray
    labels: np.ndarray
    n_classes: int = 2


def input_lines(extent: tuple[float, float, float, float], n_inputs: int) -> np.ndarray:
    """The lines carried through the network, in the user's coordinates: the plane's grid
    (`grid_lines`), or for one input the x₁ axis, (1, LINE_POINTS_1D, 1)."""
    if n_inputs == 1:
        return np.linspace(extent[0], extent[1], LINE_POINTS_1D)[None, :, None]
    return grid_lines(extent, LINES, POINTS_PER_LINE)


def grid_lines(extent: tuple[float, float, float, float], lines: int, per_line: int):
    """(2·lines, per_line, 2) float64 points in the user's coordinates: `lines` lines of
    constant x1 (x2 rising along each), then `lines` of constant x2 (x1 rising)."""
    x1 = np.linspace(extent[0], extent[1], lines)
    x2 = np.linspace(extent[2], extent[3], lines)
    along1 = np.linspace(extent[0], extent[1], per_line)
    along2 = np.linspace(extent[2], extent[3], per_line)
    out = np.empty((2 * lines, per_line, 2))
    out[:lines, :, 0] = x1[:, None]
    out[:lines, :, 1] = along2[None, :]
    out[lines:, :, 0] = along1[None, :]
    out[lines:, :, 1] = x2[:, None]
    return out


def shown_points(X: np.ndarray, y: np.ndarray, most: int = MAX_POINTS):
    """At most `most` of the points X : (n, 2), y : (n,), evenly spaced through them."""
    if len(y) <= most:
        return X, y
    keep = np.linspace(0, len(y) - 1, most).round().astype(int)
    return X[keep], y[keep]


def default_layer(sizes: tuple[int, ...]) -> int:
    """The last hidden layer, or the output layer of a net without one."""
    return max(len(sizes) - 2, 1)


def fill_units(A: np.ndarray, asked: tuple[int | None, ...]) -> tuple[int, ...]:
    """The units asked, each None (or one A : (n, m) lacks) replaced by the most active
    column not taken: largest variance first, a NaN one last. When none is given, the
    most active ones in column order."""
    variance = np.nan_to_num(A.astype(np.float64).var(axis=0), nan=-np.inf)
    ranked = [int(j) for j in np.argsort(-variance, kind="stable")]
    units = [u if u is not None and 0 <= u < A.shape[1] else None for u in asked]
    free = iter(j for j in ranked if j not in units)
    filled = [u if u is not None else next(free) for u in units]
    if all(u is None for u in units):
        filled.sort()
    return tuple(filled)


class LayerSpaceEvaluator:
    """The grid lines' and the training points' inputs, built once for a run; each call
    is one evaluation pass of them (`layer_space`)."""

    def __init__(
        self,
        pipeline: InputPipeline,
        extent: tuple[float, float, float, float],
        X: np.ndarray,
        y: np.ndarray,
        dtype,
        n_classes: int,
    ):
        X, self.labels = shown_points(X, y)
        self.n_classes = n_classes
        d = X.shape[1]
        self.user_lines = input_lines(extent, d)
        user = np.concatenate([self.user_lines.reshape(-1, d), X])
        self.x1 = user[:, 0].astype(np.float32)
        self.inputs = pipeline(user, dtype)
        self.n_line_rows = self.user_lines.shape[0] * self.user_lines.shape[1]

    def __call__(self, params: Params, act: Activation, request: LayerSpaceRequest) -> LayerSpace:
        sizes = params.layout.sizes
        L = len(sizes) - 1
        layer = request.layer
        if layer is None or not 0 <= layer <= L:
            layer = default_layer(sizes)
        with np.errstate(all="ignore"):
            below, here, logits = self._pass(params, act, layer)
        asked = request.units or (None, None)
        if layer == L and sizes[L] == 1:
            axes = "logit"
            a = fill_units(below[self.n_line_rows :], asked[:1])[0]
            xy = np.column_stack([below[:, a], here[:, 0]])
            units = (a, 0)
        elif sizes[layer] == 1:
            axes, units = "x1", (0, 0)
            xy = np.column_stack([self.x1, here[:, 0]])
        else:
            axes = "units"
            units = fill_units(here[self.n_line_rows :], asked)
            xy = here[:, list(units)]
        xy = np.ascontiguousarray(xy, dtype=np.float32)
        n_lines, per_line = self.user_lines.shape[:2]
        cut = self.n_line_rows
        if self.n_classes:
            line_class = predictions(logits[:cut]).astype(np.int8).reshape(n_lines, -1)
        else:
            line_class = np.zeros((n_lines, per_line), np.int8)
        return LayerSpace(
            layer=layer,
            axes=axes,
            units=units,
            lines=xy[:cut].reshape(n_lines, per_line, 2),
            line_class=line_class,
            points=xy[cut:],
            labels=self.labels,
            n_classes=self.n_classes,
        )

    def _pass(self, params: Params, act: Activation, layer: int):
        """(A[layer − 1], A[layer], A[L]) of every row (A[−1] is None)."""
        A = self.inputs
        below, here = None, A
        L = params.layout.n_layers
        for index in range(1, L + 1):
            Z = A @ params.W[index - 1]
            Z += params.b[index - 1]
            A = act.value(Z, Z) if index < L else Z
            if index == layer - 1:
                below = A
            if index == layer:
                here = A
        if layer == 1:
            below = self.inputs
        return below, here, A
