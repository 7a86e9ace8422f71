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

import html
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from deepdials.app.frames import Frame
from deepdials.app.style.palette import CLASS_COLORS, class_color, surface_rgb
from deepdials.app.style.plot_style import apply_font, cache_axes, scaled
from deepdials.app.views.contour import boundary_segments
from deepdials.app.views.point_cloud import PointCloud
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status
from deepdials.core.probes.surface import Surface

SPLIT_STYLE = {  # symbol, filled
    "train": ("o", True),
    "val": ("o", False),
    "test": ("s", False),
}
SHIFTED_SYMBOL = {"val": "d", "test": "x"}  # open diamonds, crosses: told apart at a glance
LEGEND_SYMBOL = {"o": "●", "ring": "○", "s": "□", "d": "◇", "x": "✕"}
AUGMENTED_ALPHA = 70
POINT_SIZE = 7


def binary_colormap() -> pg.ColorMap:
    """The colour bar for p(class 1), matching `surface_rgb` for two classes."""
    stops = np.array([0.0, 0.4999, 0.5001, 1.0])
    probs = np.stack([1 - stops, stops], axis=-1)[None]
    rgb = surface_rgb(probs, discretize=False)[0]
    return pg.ColorMap(stops, rgb)


class BoundaryView(QWidget):
    def __init__(self, key: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key  # whose run of a frame it draws: a lane's key, or None for the selected
        self.scale = 1.0
        self.discretize = False
        self._font = QFont()
        self._caption: tuple[str, tuple[int, int, int] | None] = ("", None)
        self._title: tuple | None = None  # the title as drawn: (text, size, colour)
        self._binary = True
        self._colorbar_wanted = True
        self.point_factor = 1.0  # smaller points when the plot shares the space
        self._probs: np.ndarray | None = None
        self._info: RunInfo | None = None
        self._snapshot: Snapshot | None = None
        self._surface: Surface | None = None  # the surface drawn
        self.legend = ""  # what the points' symbols mean, as rich text (shown by the grid)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumSize(120, 120)  # shrinks with the window, never clips
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.graphics, 1)

        self.plot = self.graphics.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
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

        self.banner = QLabel(self)
        self.banner.setObjectName("divergedBanner")
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignCenter)
        self.banner.setStyleSheet(
            "#divergedBanner { background: rgba(170, 20, 20, 225); color: white;"
            " border-radius: 6px; padding: 10px; font-weight: bold; }"
        )
        self.banner.hide()

    def set_caption(self, text: str, color: tuple[int, int, int] | None = None) -> None:
        """A title over the plot (a compared run's label), in its run's colour; "" for none.
        A label longer than the plot is wide is cut with "…" (the tooltip has it whole)."""
        self._caption = (text, color)
        self.setToolTip(text)
        title = None
        if text:
            font = QFont(self._font)
            font.setBold(True)
            room = max(self.width() - self.plot.getAxis("left").width() - 24, 40)  # over the box
            shown = QFontMetrics(font).elidedText(text, Qt.ElideRight, room)
            r, g, b = color or (30, 30, 30)
            # a label from a file is text, never markup
            title = (
                html.escape(shown),
                f"{self._font.pointSizeF():.1f}pt",
                f"#{r:02x}{g:02x}{b:02x}",
            )
        if title == self._title:
            return  # the same title: no new layout of the plot, no repaint
        self._title = title
        if title is None:
            self.plot.setTitle(None)
        else:
            self.plot.setTitle(title[0], size=title[1], color=title[2], bold=True)

    def set_point_factor(self, factor: float) -> None:
        """Points drawn `factor` times their size (compared runs share the space)."""
        if factor != self.point_factor:
            self.point_factor = factor
            snapshot = self._snapshot
            if self._info is not None:
                self.set_run(self._info)
            if snapshot is not None:
                self.show_snapshot(snapshot)

    def show_colorbar(self, on: bool) -> None:
        """The colour bar of p(class 1) (one per window is enough when runs are compared)."""
        self._colorbar_wanted = on
        self.colorbar.setVisible(on and self._binary)

    def pixels_per_unit(self) -> tuple[float, float]:
        """Screen pixels per data unit along x₁ and along x₂ (equal: the scale is equal)."""
        dx, dy = self.plot.vb.viewPixelSize()
        return 1.0 / dx, 1.0 / dy

    # ----- per run -----

    def set_run(self, info: RunInfo) -> None:
        """Draw the run's points and fit the view to its data extent."""
        self._info = info
        self._probs = None
        self._snapshot = self._surface = None
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
        self.hide_banner()

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
        parts = []
        for split, label in (("train", "train"), ("val", "validation"), ("test", "test")):
            symbol, filled = SPLIT_STYLE[split]
            key = "ring" if symbol == "o" and not filled else symbol
            if shifted and split in SHIFTED_SYMBOL:
                key, label = SHIFTED_SYMBOL[split], f"{label} (shifted)"
            parts.append(f"{LEGEND_SYMBOL[key]} {label}")
        if augmented:
            parts.append("<span style='color:#999'>●</span> augmented")
        if n_classes > 2:
            for k in range(n_classes):
                r, g, b, _ = class_color(k)
                parts.append(f"<span style='color:rgb({r},{g},{b})'>■</span> class {k}")
        self.legend = "&nbsp;&nbsp; ".join(parts)

    # ----- per frame -----

    def shown(self) -> tuple[int, Status] | None:
        """The id and status of the run whose boundary is drawn, None before one is."""
        if self._snapshot is None:
            return None
        return self._snapshot.run_id, self._snapshot.status

    def draw(self, frame: Frame) -> None:
        """Its run's snapshot in `frame`; a new run's points first."""
        if self.key is None:
            run = frame.selected
        else:
            run = next((run for run in frame.runs if run.key == self.key), None)
        if run is None:
            return
        if self._info is None or self._info.run_id != run.info.run_id:
            self.set_run(run.info)
        snapshot = run.snapshot
        if snapshot.surface is None and run.surface is not None:
            snapshot = replace(snapshot, surface=run.surface)  # the run's newest
        self.show_snapshot(snapshot)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        surface = snapshot.surface
        if surface is None:
            return
        self._snapshot = snapshot
        if surface is not self._surface:
            self._surface = surface
            self._probs = surface.probs
            self._draw_image()
            x0, x1, y0, y1 = surface.extent
            R = surface.probs.shape[0]
            dx, dy = (x1 - x0) / (R - 1), (y1 - y0) / (R - 1)
            self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, R * dx, R * dy))
            self._draw_contours(surface.probs)
        if snapshot.status == Status.DIVERGED:
            self.show_banner(
                f"Diverged at epoch {snapshot.diverged_at}: the loss became inf or NaN.\n"
                "Lower the learning rate or use a smaller init (He, Xavier), then press Reset."
            )
        else:
            self.hide_banner()

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
        """Point sizes, line widths and text for the projector mode; what was drawn stays."""
        self.scale = scale
        apply_font(self.plot, font)
        apply_font(self.colorbar, font)
        self._fix_axis_width(font)
        self.banner.setFont(font)
        self._font = QFont(font)
        self.set_caption(*self._caption)
        snapshot = self._snapshot
        if self._info is not None:
            self.set_run(self._info)
        if snapshot is not None:
            self.show_snapshot(snapshot)

    def _fix_axis_width(self, font: QFont) -> None:
        """The left axis as wide as a tick like "−0.5" and its label need, whatever ticks
        it shows. Sized by its ticks, it widened when the range brought a minus sign,
        the equal scale then changed the range, and a cell at the edge of two ranges
        laid itself out again and again for ever (the window stopped answering)."""
        ticks = QFontMetrics(scaled(font, 0.85)).horizontalAdvance("−0.5")
        axis = self.plot.getAxis("left")
        axis.setWidth(ticks + QFontMetrics(font).height() + round(8 * self.scale))

    # ----- the diverged banner -----

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self._place_banner()
        self.banner.show()
        self.banner.raise_()

    def hide_banner(self) -> None:
        self.banner.hide()

    def _place_banner(self) -> None:
        width = int(self.width() * 0.8)
        self.banner.setFixedWidth(width)
        self.banner.adjustSize()
        self.banner.move((self.width() - width) // 2, int(self.height() * 0.12))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._caption[0] and event.size().width() != event.oldSize().width():
            self.set_caption(*self._caption)
        if self.banner.isVisible():
            self._place_banner()
