"""The surface view of a regression with two inputs: ŷ(x₁, x₂) as a heatmap.

Drawn in the place of the boundary, as the boundary is (equal scale, the image on the
engine's grid, the points of each split in their symbols), but the colour is a value:
ŷ on a diverging map centred on 0 (`app.style.palette.value_rgb`: white at 0), with its
colour bar, and every point filled with its own y on the same map, ringed dark so that it
reads on the heatmap: where the fit is good a point melts into the colour around it.
The map's range ±L is fixed for the run, L the largest |y| of its points, so that a
colour means the same value from the first frame to the last (ŷ beyond ±L is drawn at
the end colours).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from deepdials.app.style.palette import value_rgb
from deepdials.app.views.boundary import BoundaryView
from deepdials.app.views.run_plot import POINT_SIZE, SHIFTED_SYMBOL, SPLIT_STYLE, split_legend
from deepdials.core.engine.snapshot import RunInfo

SHADES = 33  # colours the points are drawn in, evenly over −L … L (odd: one is white)


def value_colormap() -> pg.ColorMap:
    """The colour bar of `value_rgb`, from −L (0) to L (1)."""
    return pg.ColorMap([0.0, 0.5, 1.0], value_rgb(np.array([-1.0, 0.0, 1.0]), 1.0))


def value_limit(info: RunInfo) -> float:
    """L: the largest |y| of the run's points (1 when all are 0)."""
    ys = np.concatenate([getattr(info.data, split).y for split in SPLIT_STYLE])
    finite = np.abs(ys[np.isfinite(ys)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


class SurfaceView(BoundaryView):
    def __init__(self, key: int | None = None, parent: QWidget | None = None):
        self.limit = 1.0
        super().__init__(key, parent)
        self.colorbar.setColorMap(value_colormap())
        self.colorbar.getAxis("bottom").setLabel("ŷ")
        self.contour.hide()

    def set_run(self, info: RunInfo) -> None:
        self.limit = value_limit(info)
        super().set_run(info)
        self.colorbar.setLevels((-self.limit, self.limit))
        self.colorbar.setVisible(self._colorbar_wanted)

    def show_colorbar(self, on: bool) -> None:
        self._colorbar_wanted = on
        self.colorbar.setVisible(on)

    def levels(self) -> tuple[float, float]:
        """The values at the two ends of the colour map."""
        return -self.limit, self.limit

    def _draw_image(self) -> None:
        if self._probs is not None:
            self.image.setImage(value_rgb(self._probs, self.limit), levels=(0, 255))

    def _draw_contours(self, probs: np.ndarray) -> None:
        """No contour: the colour is the value."""

    def set_discretize(self, on: bool) -> None:
        """Classes only: a value has no class to discretize to."""

    def _point_style(
        self, split: str, X: np.ndarray, y: np.ndarray, augmented: np.ndarray, shifted: bool
    ) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
        """Every point filled with its y's shade (the nearest of SHADES), ringed dark;
        validation and test points by their split's symbol, with a thicker ring."""
        symbol, filled = SPLIT_STYLE[split]
        size = POINT_SIZE * self.scale * self.point_factor * (1.0 if filled else 1.2)
        if shifted and split in SHIFTED_SYMBOL:
            symbol = SHIFTED_SYMBOL[split]
            size *= 1.25
        colors = [tuple(map(int, c)) for c in value_rgb(np.linspace(-1, 1, SHADES), 1.0)]
        dark = pg.mkPen(30, 30, 30, 200, width=(0.8 if filled else 1.5) * self.scale)
        if symbol == "x":  # a cross has no inside: its strokes take the shade
            styles = [(symbol, size, pg.mkPen(c, width=3 * self.scale), None) for c in colors]
        else:
            styles = [(symbol, size, dark, pg.mkBrush(*c)) for c in colors]
        step = 2 * self.limit / (SHADES - 1)
        shade = np.clip(np.round((np.nan_to_num(y) + self.limit) / step), 0, SHADES - 1)
        order = np.argsort(~augmented, kind="stable")  # augmented copies first, beneath
        return X[order], shade[order].astype(np.intp), styles

    def _show_legend(self, n_classes: int, augmented: bool, shifted: bool) -> None:
        """The splits' symbols, and what the colours mean."""
        parts = split_legend(shifted)
        if augmented:
            parts.append("augmented copies beneath")
        parts.append("colour: ŷ, and each point's own y")
        self.legend = "&nbsp;&nbsp; ".join(parts)
