"""The decision-boundary view: probability heatmap, boundary contour, data points.

The plot keeps equal scale on both axes (one unit of x₁ is as many pixels as one of x₂),
as large as its space allows; the legend and the colour bar sit below it, never over
a point.

The heatmap is one `ImageItem` created once and updated in place each frame (row-major
R×R, pixel centres on the engine's grid, see `core.probes.surface`). The 0.5 contour (two
classes) or each class's region edge (K classes: where p_k equals the best other class)
is one curve of segments (see `app.views.contour`) parented to the image. Points are drawn
once per run, each split as one `PointCloud` (`app.views.point_cloud`: a style per class,
no per-point work in Python, so 165,000 points cost no more than 400): training points
filled (augmented copies faint, under the originals), validation points as rings, test
points as open squares; val and test drawn from the mismatched (shifted) distribution as
open diamonds and crosses instead, so the shift is seen.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem, QWidget

from deepdials.app.style.palette import CLASS_COLORS, class_color, surface_rgb
from deepdials.app.style.plot_style import apply_font, cache_axes
from deepdials.app.views.contour import boundary_segments
from deepdials.app.views.point_cloud import PointCloud
from deepdials.app.views.run_plot import (
    AUGMENTED_ALPHA,
    POINT_SIZE,
    SHIFTED_SYMBOL,
    SPLIT_STYLE,
    RunPlot,
    split_legend,
)
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.probes.surface import Surface


def binary_colormap() -> pg.ColorMap:
    """The colour bar for p(class 1), matching `surface_rgb` for two classes."""
    stops = np.array([0.0, 0.4999, 0.5001, 1.0])
    probs = np.stack([1 - stops, stops], axis=-1)[None]
    rgb = surface_rgb(probs, discretize=False)[0]
    return pg.ColorMap(stops, rgb)


class BoundaryView(RunPlot):
    def __init__(self, key: int | None = None, parent: QWidget | None = None):
        super().__init__(key, parent)
        self.discretize = False
        self._binary = True
        self._probs: np.ndarray | None = None
        self.plot.setAspectLocked(True, ratio=1.0)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.contour = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True)
        self.contour.setParentItem(self.image)
        self.contour.setPos(0.5, 0.5)  # segment ends are in pixel-centre coordinates
        self.contour.setZValue(5)
        self.points = {split: PointCloud() for split in SPLIT_STYLE}
        for item in self.points.values():
            item.setZValue(10)
            # the points do not move during a run: repaint them as one cached pixmap
            item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
            self.plot.addItem(item)
        self.colorbar = pg.ColorBarItem(
            values=(0, 1),
            colorMap=binary_colormap(),
            interactive=False,
            label="p(class 1)",
            orientation="horizontal",
            width=12,
        )
        self.graphics.addItem(self.colorbar, row=1, col=0)
        cache_axes(self.plot)
        cache_axes(self.colorbar)

    def show_colorbar(self, on: bool) -> None:
        """The colour bar of p(class 1) (one per window is enough when runs are compared)."""
        self._colorbar_wanted = on
        self.colorbar.setVisible(on and self._binary)

    # ----- per run -----

    def set_run(self, info: RunInfo) -> None:
        """Draw the run's points and fit the view to its data extent."""
        super().set_run(info)
        self._probs = None
        self.image.clear()
        data = info.data
        for split, item in self.points.items():
            s = getattr(data, split)
            item.set_points(*self._point_style(split, s.X, s.y, s.augmented, s.shifted))
        x0, x1, y0, y1 = data.extent
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._binary = data.n_classes == 2
        self.colorbar.setVisible(self._binary and self._colorbar_wanted)
        self._show_legend(data.n_classes, data.train.augmented.any(), data.val.shifted)
        self.contour.setPen(pg.mkPen((20, 20, 20), width=2 * self.scale))
        self.contour.setData([], [])

    def show_draft(self, X: np.ndarray, y: np.ndarray, split: np.ndarray) -> None:
        """Points not (yet) trained on: X : (n, 2), labels y : (n,), split : (n,) of
        "train", "val", "test". The heatmap and contour of the last run are cleared."""
        self._probs = None
        self.image.clear()
        self.contour.setData([], [])
        for name, item in self.points.items():
            rows = split == name
            item.set_points(
                *self._point_style(name, X[rows], y[rows], np.zeros(rows.sum(), bool), False)
            )

    def _point_style(
        self, split: str, X: np.ndarray, y: np.ndarray, augmented: np.ndarray, shifted: bool
    ) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
        """`PointCloud.set_points`' arguments for a split: the points in drawing order, the
        style of each, and the styles: a class colour each, and for the training split a
        faint copy of each for the augmented points (drawn first, so beneath)."""
        symbol, filled = SPLIT_STYLE[split]
        size = POINT_SIZE * self.scale * self.point_factor * (1.0 if filled else 1.1)
        K = len(CLASS_COLORS)
        if filled:
            order = np.argsort(~augmented, kind="stable")  # augmented copies first, beneath
            pen = pg.mkPen(40, 40, 40, 200, width=0.8 * self.scale)
            faint = pg.mkPen(None)
            styles = [(symbol, size, pen, pg.mkBrush(*class_color(k))) for k in range(K)]
            styles += [
                (symbol, size, faint, pg.mkBrush(*class_color(k, AUGMENTED_ALPHA)))
                for k in range(K)
            ]
            return X[order], y[order] + K * augmented[order], styles
        if shifted:
            symbol = SHIFTED_SYMBOL[split]
            size *= 1.25
        brush = pg.mkBrush(255, 255, 255, 90)
        styles = [
            (symbol, size, pg.mkPen(class_color(k), width=2.0 * self.scale), brush)
            for k in range(K)
        ]
        return X, y, styles

    def _show_legend(self, n_classes: int, augmented: bool, shifted: bool) -> None:
        """One line of symbols as drawn, under the plot: splits, copies, classes."""
        parts = split_legend(shifted)
        if augmented:
            parts.append("<span style='color:#999'>●</span> augmented")
        if n_classes > 2:
            for k in range(n_classes):
                r, g, b, _ = class_color(k)
                parts.append(f"<span style='color:rgb({r},{g},{b})'>■</span> class {k}")
        self.legend = "&nbsp;&nbsp; ".join(parts)

    # ----- per frame -----

    def draw_surface(self, surface: Surface) -> None:
        self._probs = surface.probs
        self._draw_image()
        x0, x1, y0, y1 = surface.extent
        R = surface.probs.shape[0]
        dx, dy = (x1 - x0) / (R - 1), (y1 - y0) / (R - 1)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, R * dx, R * dy))
        self._draw_contours(surface.probs)

    def _draw_image(self) -> None:
        if self._probs is not None:
            self.image.setImage(surface_rgb(self._probs, self.discretize), levels=(0, 255))

    def _draw_contours(self, probs: np.ndarray) -> None:
        segments = boundary_segments(probs)
        self.contour.setData(segments[..., 0].ravel(), segments[..., 1].ravel())

    # ----- toggles -----

    def set_split_visible(self, split: str, visible: bool) -> None:
        self.points[split].setVisible(visible)

    def set_discretize(self, on: bool) -> None:
        self.discretize = on
        self._draw_image()

    def set_scale(self, scale: float, font: QFont) -> None:
        apply_font(self.colorbar, font)
        super().set_scale(scale, font)
