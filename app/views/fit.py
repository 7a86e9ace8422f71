"""The fit view of a regression with one input: y against x₁, the points and ŷ(x₁).

Drawn in the place of the boundary. The points as the boundary draws them, one colour per
split (`SPLIT_COLORS`, as in the curves): training points filled (augmented copies
faint, beneath), validation points as rings, test points as open squares; val and test
from the shifted distribution (mismatch) as open diamonds and crosses. Among them the
net's fit ŷ(x₁), the engine's values on its fine grid (`Surface.probs` : (R,) over
x₁ = extent[0] … extent[1], see `core.probes.surface`), redrawn each frame; beneath them
the law the points were drawn from: the true f(x₁) dashed (a toggle) and the band f ± σ
shaded, σ = data.noise, where about two thirds of fresh points fall. The fit lies over
the validation and test points and under the training points.

Equal scale where the units agree: a drawn kind (sine, abs) states x and y in one unit
(f(x) = sin(πx) on x ∈ [−1, 1]), so one unit of x₁ is as many pixels as one of y; points
of one's own (a CSV) carry no such promise (x in years, y in euros), so each axis fits
its own range.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QWidget

from deepdials.app.style.palette import FOREGROUND, SPLIT_COLORS
from deepdials.app.style.plot_style import cache_axes
from deepdials.app.views.point_cloud import PointCloud
from deepdials.app.views.run_plot import (
    AUGMENTED_ALPHA,
    POINT_SIZE,
    SHIFTED_SYMBOL,
    SPLIT_STYLE,
    RunPlot,
    split_legend,
)
from deepdials.core.data.kinds import DATA_KINDS
from deepdials.core.data.laws import true_function
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.probes.surface import Surface

TRUTH_POINTS = 400  # along x₁ for f and its band: smooth at any width the plot gets
FIT_COLOR = FOREGROUND
TRUTH_COLOR = (90, 90, 90)
BAND_BRUSH = (150, 150, 150, 60)


def law_known(info: RunInfo) -> bool:
    """Whether the data is drawn from a known law f: then x₁ and y share a unit (equal
    scale, see the module docstring) and f ± σ can be drawn."""
    return DATA_KINDS[info.config.data.kind].drawn


class FitView(RunPlot):
    def __init__(self, key: int | None = None, parent: QWidget | None = None):
        super().__init__(key, parent)
        self._truth_wanted = True
        self._known = False  # the run's law is known: f and its band drawn
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "y")
        self.band_edges = (pg.PlotCurveItem(), pg.PlotCurveItem())
        self.band = pg.FillBetweenItem(*self.band_edges, brush=pg.mkBrush(*BAND_BRUSH))
        self.truth = pg.PlotCurveItem(skipFiniteCheck=True)
        self.fit = pg.PlotCurveItem(connect="finite")
        # the band and f beneath everything; the fit over the validation and test rings (a
        # validation set ten times the training set would hide it) and under the training
        # points it was fitted to
        for z, item in ((0, self.band), (1, self.truth), (8, self.fit)):
            item.setZValue(z)
            self.plot.addItem(item)
        for item in (self.band, self.truth):  # the law does not move during a run
            item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.points = {split: PointCloud() for split in SPLIT_STYLE}
        for split, item in self.points.items():
            item.setZValue(10 if split == "train" else 5)
            # the points do not move during a run: repaint them as one cached pixmap
            item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
            self.plot.addItem(item)
        cache_axes(self.plot)

    # ----- per run -----

    def set_run(self, info: RunInfo) -> None:
        """Draw the run's points and its law, and fit the view to the data's extent."""
        super().set_run(info)
        self.fit.setData([], [])
        self.fit.setPen(pg.mkPen(FIT_COLOR, width=3 * self.scale))
        data = info.data
        for split, item in self.points.items():
            s = getattr(data, split)
            item.set_points(*self._point_style(split, s.X[:, 0], s.y, s.augmented, s.shifted))
        x0, x1, y0, y1 = data.extent
        self.plot.setAspectLocked(law_known(info), ratio=1.0)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._draw_truth(info)
        self._show_legend(data.train.augmented.any(), data.val.shifted)

    def _draw_truth(self, info: RunInfo) -> None:
        """f(x₁) dashed and the band f ± σ over the data's extent; nothing for data whose
        law is unknown (points of one's own)."""
        self._known = law_known(info)
        if not self._known:
            for item in (self.truth, *self.band_edges):
                item.setData([], [])
        else:
            x0, x1 = info.data.extent[:2]
            x = np.linspace(x0, x1, TRUTH_POINTS)
            f = true_function(info.config.data)(x[:, None])
            sigma = info.noise_sigma
            self.truth.setData(x, f)
            self.band_edges[0].setData(x, f - sigma)
            self.band_edges[1].setData(x, f + sigma)
        self.truth.setPen(pg.mkPen(TRUTH_COLOR, width=2 * self.scale, style=Qt.DashLine))
        self._show_truth()

    def _show_truth(self) -> None:
        on = self._truth_wanted and self._known
        self.truth.setVisible(on)
        self.band.setVisible(on)

    def _point_style(
        self, split: str, x: np.ndarray, y: np.ndarray, augmented: np.ndarray, shifted: bool
    ) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
        """`PointCloud.set_points`' arguments for a split's points (x₁, y): in drawing order
        (augmented copies first, beneath), the style of each, and the split's styles."""
        symbol, filled = SPLIT_STYLE[split]
        size = POINT_SIZE * self.scale * self.point_factor * (1.0 if filled else 1.1)
        color = SPLIT_COLORS[split]
        xy = np.column_stack([x, y])
        if filled:
            order = np.argsort(~augmented, kind="stable")
            pen = pg.mkPen(40, 40, 40, 200, width=0.8 * self.scale)
            styles = [
                (symbol, size, pen, pg.mkBrush(*color)),
                (symbol, size, pg.mkPen(None), pg.mkBrush(*color, AUGMENTED_ALPHA)),
            ]
            return xy[order], augmented[order].astype(np.intp), styles
        if shifted:
            symbol = SHIFTED_SYMBOL[split]
            size *= 1.25
        pen = pg.mkPen(color, width=2.0 * self.scale)
        return xy, np.zeros(len(y), np.intp), [(symbol, size, pen, pg.mkBrush(255, 255, 255, 90))]

    def _show_legend(self, augmented: bool, shifted: bool) -> None:
        """The splits' symbols in their colours, then the fit, the truth and its band."""
        parts = []
        for split, text in zip(SPLIT_STYLE, split_legend(shifted)):
            r, g, b = SPLIT_COLORS[split]
            parts.append(f"<span style='color:rgb({r},{g},{b})'>{text}</span>")
        if augmented:
            parts.append("<span style='color:#999'>●</span> augmented")
        parts.append("━ fit ŷ")  # short: three compared cells share one line of it
        if self._known:
            parts.append("╸╸ true f <span style='color:#aaa'>█</span> ± σ")
        self.legend = "&nbsp;&nbsp; ".join(parts)

    # ----- per frame -----

    def draw_surface(self, surface: Surface) -> None:
        x = np.linspace(surface.extent[0], surface.extent[1], len(surface.probs))
        self.fit.setData(x, surface.probs)

    # ----- toggles -----

    def set_split_visible(self, split: str, visible: bool) -> None:
        self.points[split].setVisible(visible)

    def set_truth_visible(self, on: bool) -> None:
        self._truth_wanted = on
        self._show_truth()
