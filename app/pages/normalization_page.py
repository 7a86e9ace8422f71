"""The normalization lesson: contours of J(w₁, w₂) and the gradient-descent path.

On the run's own training points (see `core.lessons.cost_landscape`), logistic regression
ŷ = σ(w₁x₁ + w₂x₂) (on a regression set, linear regression ŷ = w₁x₁ + w₂x₂ or, of one
input, ŷ = w₁x₁ + w₂ with the bias as w₂) and STEPS steps of gradient descent at the best
constant rate for its curvature; the words name the model the landscape is of
(`Landscape.model`, `Landscape.inputs`), and the caption measures both choices. With
raw, badly scaled inputs the contours are a long narrow valley and the path zig-zags
across it; with z-scored inputs they turn round and the path goes straight. The toggle
flips between the two; it starts as the run's "Normalize inputs" setting. Both pictures
are computed once per run, when the page is first shown, and kept; it draws nothing per
frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from deepdials.app.session import Session
from deepdials.app.style.palette import SPLIT_COLORS
from deepdials.app.style.plot_style import apply_font, cache_axes
from deepdials.app.views.contour import contour_segments
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.lessons.cost_landscape import STEPS, Landscape, contour_levels, landscape

CONTOUR_COLOR = (110, 110, 140)
PATH_COLOR = SPLIT_COLORS["val"]  # vermillion: stands out on grey contours
START_COLOR = (30, 30, 30)


# Landscape.model → (its name, ŷ of the weighted sum s, the cost J)
MODELS = {
    "logistic": ("Logistic regression", "σ({s})", "cross-entropy"),
    "linear": ("Linear regression", "{s}", "squared error mean[(ŷ − y)²]/2"),
}
# Landscape.inputs → (the weighted sum, the w₂ axis, the normalized inputs, a narrow valley's cause)
SUMS = {
    ("x1", "x2"): ("w₁x₁ + w₂x₂", "w₂", "x ← (x − μ) / σ", "x₁ is much larger than x₂"),
    ("x1", "1"): (
        "w₁x₁ + w₂",
        "w₂ (the bias)",
        "x₁ ← (x₁ − μ) / σ",
        "x₁ is large or far from 0 beside the bias's input 1",
    ),
}


def model_words(lesson: Landscape) -> str:
    """The model and cost the landscape is of, e.g. "Linear regression ŷ = w₁x₁ + w₂,
    J = squared error mean[(ŷ − y)²]/2"."""
    name, output, cost = MODELS[lesson.model]
    weighted = SUMS[lesson.inputs][0]
    return f"{name} ŷ = {output.format(s=weighted)}, J = {cost}"


def ratio(kappa: float) -> str:
    """κ as the lesson's text writes it, 8,669 rather than 8.67e+03 (up to ten million)."""
    return f"{kappa:,.0f}" if 1000 <= kappa < 1e7 else f"{kappa:.3g}"


class NormalizationPage(QWidget):
    name = "normalization"
    title = "Normalization"

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.scale = 1.0
        session.run_started.connect(self.set_run)
        self._info: RunInfo | None = None
        self._cache: dict[bool, Landscape] = {}
        self.normalize = QCheckBox(f"Normalize inputs: {SUMS['x1', 'x2'][2]}")
        self.normalize.toggled.connect(self._draw)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.normalize)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)

        self.plot = self.graphics.addPlot(title="Cost J(w₁, w₂)")
        self.plot.setAspectLocked(True)  # equal units: an elongated valley looks elongated
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("bottom", "w₁")
        self.plot.setLabel("left", "w₂")
        for name in ("bottom", "left"):
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        cache_axes(self.plot)
        self.contours = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True)
        self.path = pg.PlotDataItem(symbol="o", symbolPen=None)
        self.start = pg.ScatterPlotItem(symbol="s")
        self.end = pg.ScatterPlotItem(symbol="star")
        for item in (self.contours, self.path, self.start, self.end):
            self.plot.addItem(item)
        self.set_scale(1.0)

    # ----- following the session -----

    def set_run(self, info: RunInfo) -> None:
        self._info = info
        self._cache.clear()
        self.normalize.blockSignals(True)
        self.normalize.setChecked(info.config.data.normalize)
        self.normalize.blockSignals(False)
        for item in (self.contours, self.path, self.start, self.end):
            item.setData([], [])
        self.caption.clear()
        if self.isVisible():
            self._draw()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._info is not None and self.normalize.isChecked() not in self._cache:
            self._draw()

    def set_scale(self, scale: float, font: QFont | None = None) -> None:
        self.scale = scale
        if font is not None:
            apply_font(self.plot, font)
        self.contours.setPen(pg.mkPen(CONTOUR_COLOR, width=1.2 * scale))
        self.path.setPen(pg.mkPen(PATH_COLOR, width=2.2 * scale))
        self.path.setSymbolBrush(pg.mkBrush(PATH_COLOR))
        self.path.setSymbolSize(5 * scale)
        self.start.setPen(pg.mkPen(START_COLOR, width=1.5 * scale))
        self.start.setBrush(pg.mkBrush(255, 255, 255))
        self.start.setSize(11 * scale)
        self.end.setPen(pg.mkPen(START_COLOR, width=scale))
        self.end.setBrush(pg.mkBrush(PATH_COLOR))
        self.end.setSize(16 * scale)

    # ----- drawing -----

    def current(self) -> Landscape | None:
        """The landscape shown now (computed on first use), or None before a run."""
        return self._landscape(self.normalize.isChecked())

    def _landscape(self, normalize: bool) -> Landscape | None:
        if self._info is None:
            return None
        if normalize not in self._cache:
            train = self._info.data.train
            self._cache[normalize] = landscape(train.X, train.y, normalize)
        return self._cache[normalize]

    def _draw(self, *_) -> None:
        lesson = self.current()
        if lesson is None:
            return
        w1, w2 = lesson.w1, lesson.w2
        segments = np.concatenate(
            [contour_segments(lesson.cost, level) for level in contour_levels(lesson.cost)]
        )
        x = w1[0] + segments[..., 0].ravel() * (w1[1] - w1[0])
        y = w2[0] + segments[..., 1].ravel() * (w2[1] - w2[0])
        self.contours.setData(x, y)
        self.path.setData(lesson.path[:, 0], lesson.path[:, 1])
        self.start.setData(lesson.path[:1, 0], lesson.path[:1, 1])
        self.end.setData(lesson.path[-1:, 0], lesson.path[-1:, 1])
        self.plot.setRange(xRange=(w1[0], w1[-1]), yRange=(w2[0], w2[-1]), padding=0)
        self._name_model(lesson)
        self.caption.setText(self._caption(lesson))

    def _name_model(self, lesson: Landscape) -> None:
        """The toggle, its tooltip and the w₂ axis say which model and inputs are drawn."""
        _, second, normalized, narrow = SUMS[lesson.inputs]
        self.normalize.setText(f"Normalize inputs: {normalized}")
        self.normalize.setToolTip(
            f"{model_words(lesson)}, on this run's training points.\n"
            f"Raw inputs: if {narrow}, J changes fast along one direction of w and slowly "
            "along the other: a long narrow valley, and gradient descent zig-zags across "
            "it.\n"
            "Normalized inputs: round contours, and the path goes straight to the minimum."
        )
        self.plot.setLabel("left", second)

    def _caption(self, lesson: Landscape) -> str:
        """What is measured: κ at w = 0 (1 is round there; farther out J is not a
        quadratic, and on separable points its contours bend), the rate, and J along the
        path, for the inputs shown and, beside them, for the other choice."""
        data = self._info.data
        normalized = self.normalize.isChecked()
        inputs, other = ("normalized", "raw") if normalized else ("raw", "normalized")
        scale = self._info.config.data.scale_x1
        J0, J1 = lesson.path_cost[0], lesson.path_cost[-1]
        beside = self._landscape(not normalized)
        text = (
            f"{model_words(lesson)}: "
            f"<b>{inputs} inputs</b> (x₁ scaled ×{scale:g}): curvature ratio κ = "
            f"{ratio(lesson.condition)} at w = 0 (1 is round there); {STEPS} steps at "
            f"α = {lesson.lr:.3g} "
            f"take J from {J0:.3f} to {J1:.3f} (□ start, ★ end). With {other} inputs: "
            f"κ = {ratio(beside.condition)}, J to {beside.path_cost[-1]:.3f}."
        )
        if data.n_classes > 2:
            text += " Class 1 against the rest."
        if scale == 1 and not self.normalize.isChecked():
            text += " Raise “Scale x₁” to see the valley narrow."
        return text
