"""Inside the network: per-layer distributions, and the signal's scale through depth.

`LayersView` draws the activations A[l] and the gradients (∂J/∂A[l] or ∂J/∂W[l], a
toggle) of the probe pass as ridgelines (`app.views.ridges`), input side at the top, output at
the bottom, each panel on one shared x axis; beside the activations, each layer's std σ
and its fraction of saturated (tanh, sigmoid: g' < 0.05) or dead (relu: never positive)
units, and for tanh and sigmoid the share of its pre-activations in the near-linear
middle |z| < 0.5. Row labels are thinned to every k-th layer when rows get too thin for text.

`DepthView` draws, top to bottom: the std of A[l] and of ∂J/∂A[l] against l on a log axis
with the scale a well-initialized net keeps (its input's, 1 after normalization, and the
output gradient's); the run's per-layer gradient figure (`history['grad_norm']`: the RMS
per example and unit of the signal δ[l] = ∂ℓ/∂Z[l] backprop passes to layer l, see
`core.engine.run`) against epochs on a log axis, one curve per layer coloured by depth;
the same as a layer × epoch heatmap of its log10, where vanishing gradients are a dark
band on the input side and exploding ones a bright band. A std or figure of exactly 0
has no logarithm and is not drawn (the curve breaks there); tiny ones are drawn at their
value, so a signal that dies over 30 decades shows all 30. Before the first step (epoch
0) there is no δ yet: the panel of RMS δ says so, over an empty first epoch; while a single
epoch has one, each layer's figure is a dot (a line needs two).

Both read `Snapshot.layers` / `Snapshot.history['grad_norm']` only; items are created
once per run and fed new arrays each frame, and log axes are drawn from pre-logged data.
A diverged run's statistics are those of its last finite epoch (`LayerStats.epoch`): both
views go on drawing them, titled with the divergence.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from deepdials.app.frames import Products
from deepdials.app.style.palette import SPLIT_COLORS
from deepdials.app.style.plot_style import apply_font, cache_axes, scaled
from deepdials.app.views.protocol import DrawsSelectedRun
from deepdials.app.views.ridges import Ridges, occupied_range
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status

DEPTH_MAP = pg.colormap.get("viridis")
MAX_CURVE_POINTS = 400


class Log10Axis(pg.AxisItem):
    """An axis over log10 values, labelled with the values themselves (1e-06, 0.01, 38.4)."""

    def tickStrings(self, values, scale, spacing):
        return [f"{10.0**v:.3g}" for v in values]


def depth_colors(n: int) -> list[QColor]:
    """n colours from dark (input side) to light (output), viridis without its pale end."""
    if n == 1:
        return [DEPTH_MAP.map(0.0, mode="qcolor")]
    return [DEPTH_MAP.map(0.85 * i / (n - 1), mode="qcolor") for i in range(n)]


def label_stride(n_rows: int, pixels: float, font: QFont) -> int:
    """Label every k-th of n_rows rows so that labels `pixels` tall in all never overlap."""
    text = font.pointSizeF() * 1.6  # a line of text in pixels, with some air
    return max(1, math.ceil(text / max(pixels / max(n_rows, 1), 1e-6)))


def layer_names(L: int) -> list[str]:
    return [str(layer) for layer in range(1, L)] + ["out"]


class SparseAxis(pg.AxisItem):
    """A narrow panel's value axis: one level of at most three ticks, very large or small
    values written short (5e35, 2e-4), so that labels never run together at any scale."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels:
            return levels
        spacing = levels[0][0]
        while (maxVal - minVal) / spacing > 2.5:
            spacing *= 2
        return [(spacing, 0)]

    def tickStrings(self, values, scale, spacing):
        if 1e-2 <= max((abs(v) for v in values), default=1) * scale < 1e4:
            return super().tickStrings(values, scale, spacing)
        return [_short(v * scale) for v in values]


def _short(value: float) -> str:
    """5e35, 2e4, -3e-7: a value in three to five characters."""
    if not value:
        return "0"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _layer_plot(graphics: pg.GraphicsLayoutWidget, row: int, col: int, title: str):
    plot = graphics.addPlot(
        row=row, col=col, title=title, axisItems={"bottom": SparseAxis("bottom")}
    )
    plot.getAxis("bottom").setStyle(textFillLimits=[(0, 0.95)])
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.invertY(True)
    cache_axes(plot)
    return plot


ACT_TITLE = "A[l]"
SCALE_TITLE = (  # the legend is the title: no box over the points
    f"std of <span style='color:rgb{SPLIT_COLORS['train']}'>● A[l]</span> and "
    f"<span style='color:rgb{SPLIT_COLORS['val']}'>■ ∂J/∂A[l]</span>"
)
# what the activations' column gives after σ, by activation: its axis label (HTML) and
# its widest text (saturated and |z| < ½ exclude each other: they sum to 100% at most)
FRACTIONS = {
    "relu": ("dead", "100%"),
    "leaky_relu": ("dead", "100%"),
    "tanh": ("saturated · |z| &lt; ½", "100% 0%"),
    "sigmoid": ("saturated · |z| &lt; ½", "100% 0%"),
}
GRAD_TITLES = {False: "∂J/∂A[l]", True: "∂J/∂W[l]"}
SIGNAL_NAME = "RMS δ[l]"  # the run's per-layer gradient figure, history['grad_norm']
SIGNAL_TITLE = f"{SIGNAL_NAME}, δ = ∂ℓ/∂Z per example"
NO_STEP_YET = f"{SIGNAL_NAME}: none until epoch 1"  # before the first step


class LayersView(DrawsSelectedRun, QWidget):
    name = "layers"
    title = "Layers"
    needs = Products(layers=True)
    refresh_hz = 15.0

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.font_ = QFont()
        self.L = 0
        self.activation = ""
        self.labels: tuple = ()
        self.graphics = pg.GraphicsLayoutWidget()
        self.dA = QRadioButton("∂J/∂A")
        self.dW = QRadioButton("∂J/∂W")
        self.dA.setChecked(True)
        self.dA.setToolTip(
            "Gradient of the loss with respect to each layer's output A[l]: the signal going back"
        )
        self.dW.setToolTip(
            "Gradient of the loss with respect to each layer's weights W[l]: the update"
        )
        group = QButtonGroup(self)
        group.addButton(self.dA)
        group.addButton(self.dW)
        self.dW.toggled.connect(self._on_toggle)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Per layer, gradients"))
        bar.addWidget(self.dA)
        bar.addWidget(self.dW)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics)
        self.act_plot = _layer_plot(self.graphics, 0, 0, ACT_TITLE)
        self.grad_plot = _layer_plot(self.graphics, 0, 1, GRAD_TITLES[False])
        self.grad_plot.setYLink(self.act_plot)
        self.act_plot.setLabel("left", "layer (input on top)")
        self.act_plot.showAxis("right")
        self.grad_plot.showAxis("right")
        self.grad_plot.hideAxis("left")
        self.act_ridges, self.grad_ridges = Ridges(), Ridges()
        self.act_plot.addItem(self.act_ridges)
        self.grad_plot.addItem(self.grad_ridges)
        self._last: Snapshot | None = None
        self.set_scale(1.0, QFont())

    def set_scale(self, scale: float, font: QFont) -> None:
        self.font_ = QFont(font)
        for plot in (self.act_plot, self.grad_plot):
            apply_font(plot, font)
        self._fit_axes()
        self.labels = ()
        if self._last is not None:
            self.show_snapshot(self._last)

    def _fit_axes(self) -> None:
        """Fixed widths, for the font and the activation's fractions: a label set on the
        last frame of a run must show without a relayout."""
        tick = QFontMetrics(scaled(self.font_, 0.85))
        label = QFontMetrics(self.font_).height() + 8
        std = max(tick.horizontalAdvance(text) for text in ("8e+88", "8e-88"))
        air = tick.horizontalAdvance("0") + 6  # the tick, and the gap to the text
        _, widest = FRACTIONS.get(self.activation, ("", ""))
        self.act_plot.getAxis("right").setWidth(std + tick.horizontalAdvance(f" {widest}") + label)
        self.grad_plot.getAxis("right").setWidth(std + air + label)
        self.act_plot.getAxis("left").setWidth(tick.horizontalAdvance("out") + label)

    def set_run(self, info: RunInfo) -> None:
        self.L = len(info.sizes) - 1
        self.activation = info.config.model.activation
        colors = depth_colors(self.L)
        for c in colors:
            c.setAlpha(200)
        self.act_ridges.set_colors(colors)
        self.grad_ridges.set_colors(colors)
        self.act_plot.setYRange(0.0, self.L + 0.3, padding=0)
        extra, _ = FRACTIONS.get(self.activation, ("", ""))
        self.act_plot.setLabel("right", f"σ · {extra}" if extra else "σ")
        self._fit_axes()
        self.grad_plot.setLabel("right", "σ")
        self.labels = ()
        self._last = None

    def _on_toggle(self, dw: bool) -> None:
        self.grad_plot.setTitle(GRAD_TITLES[dw])
        apply_font(self.grad_plot, self.font_)
        if self._last is not None:
            self.show_snapshot(self._last)

    def row_label(self, stats, row: int) -> str:
        """'3e-02 12%': the layer's std σ, and its dead (relu) fraction, or (tanh,
        sigmoid) '3e-02 12% 40%': its saturated fraction and its share of |z| < 0.5, as the
        axis label says; the output row (the logits) has σ only."""
        std = f"{stats.act_std[row]:.0e}"
        if row == self.L - 1:
            return std
        if self.activation in ("relu", "leaky_relu"):
            return f"{std} {stats.dead[row]:.0%}"
        if self.activation in ("tanh", "sigmoid"):
            return f"{std} {stats.saturated[row]:.0%} {stats.near_linear[row]:.0%}"
        return std

    def grad_label(self, stats, row: int) -> str:
        """The std of the gradient the panel shows, for this layer."""
        if self.dW.isChecked():
            return f"{stats.dw_std[row]:.0e}"
        return f"{stats.grad_std[row]:.0e}"

    def show_snapshot(self, snapshot: Snapshot) -> None:
        stats = snapshot.layers
        if stats is None or len(stats.act_std) != self.L:
            return
        if not np.isfinite(stats.act_std).any():
            self.act_plot.setTitle(diverged_title(snapshot, self._last))
            return
        diverged = snapshot.status == Status.DIVERGED
        self.act_plot.setTitle(diverged_title(snapshot, snapshot) if diverged else ACT_TITLE)
        self._last = snapshot
        self.act_ridges.set_data(stats.act_hist, stats.act_edges)
        self.act_plot.setXRange(*occupied_range(stats.act_hist, stats.act_edges), padding=0.02)
        if self.dW.isChecked():
            hist, edges = stats.dw_hist, stats.dw_edges
        else:
            hist, edges = stats.grad_hist, stats.grad_edges
        self.grad_ridges.set_data(hist, edges)
        self.grad_plot.setXRange(*occupied_range(hist, edges), padding=0.02)
        self._set_labels(stats)

    def _set_labels(self, stats) -> None:
        """Layer names on the left, saturated/dead fractions on the right: every k-th row."""
        stride = label_stride(self.L, self.act_plot.vb.height() or 400, self.font_)
        rows = sorted(set(range(0, self.L, stride)) | {self.L - 1})
        names = layer_names(self.L)
        left = [(r + 1 - 0.3, names[r]) for r in rows]
        right = [(r + 1 - 0.3, self.row_label(stats, r)) for r in rows]
        grads = [(r + 1 - 0.3, self.grad_label(stats, r)) for r in rows]
        if (left, right, grads) != self.labels:
            self.labels = (left, right, grads)
            self.act_plot.getAxis("left").setTicks([left])
            self.act_plot.getAxis("right").setTicks([right])
            self.grad_plot.getAxis("right").setTicks([grads])


def diverged_title(snapshot: Snapshot, last: Snapshot | None) -> str:
    """What a layer view says once the run has diverged, over the last finite statistics
    `last` holds (none: it diverged at epoch 0). Two short lines: the title sits over a
    half-width column."""
    if last is None or last.layers is None:
        return f"Diverged at epoch {snapshot.diverged_at}<br>Reset, then Step to watch"
    return f"Diverged at {snapshot.diverged_at},<br>epoch {last.layers.epoch} shown"


class DepthView(DrawsSelectedRun, QWidget):
    name = "depth"
    title = "Depth"
    needs = Products(layers=True)
    refresh_hz = 5.0  # per-epoch histories: 5 redraws a second show every change

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.L = 0
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        g = self.graphics

        self.scale_plot = g.addPlot(row=0, col=0, title=SCALE_TITLE, axisItems=log_axis())
        self.scale_plot.setLabel("bottom", "layer (dotted: the input's and the output's scale)")
        self.act_curve = self.scale_plot.plot(symbol="o", connect="finite")
        self.grad_curve = self.scale_plot.plot(symbol="s", connect="finite")
        self.act_ref = pg.InfiniteLine(angle=0, movable=False)
        self.grad_ref = pg.InfiniteLine(angle=0, movable=False)
        for line in (self.act_ref, self.grad_ref):
            self.scale_plot.addItem(line)

        self.norm_plot = g.addPlot(row=1, col=0, title=SIGNAL_TITLE, axisItems=log_axis())
        self.heat_plot = g.addPlot(row=2, col=0, title=f"log₁₀ {SIGNAL_NAME}")
        self.heat_plot.setLabel("bottom", "epoch")
        self.heat_plot.setLabel("left", "layer")
        self.heat_plot.invertY(True)
        self.heat_plot.setXLink(self.norm_plot)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setColorMap(DEPTH_MAP)
        self.heat_plot.addItem(self.heat)
        self.colorbar = pg.ColorBarItem(
            values=(-6, 0), colorMap=DEPTH_MAP, interactive=False, width=14
        )
        self.colorbar.setImageItem(self.heat)
        g.addItem(self.colorbar, row=2, col=1)
        for plot in (self.scale_plot, self.norm_plot, self.heat_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=False, y=False)
            cache_axes(plot)
        self.norm_curves: list[pg.PlotCurveItem] = []
        # a line needs two epochs: while one has a δ, each layer's figure is a dot
        self.norm_dots = pg.ScatterPlotItem(pen=None)
        self.norm_plot.addItem(self.norm_dots)
        self._last: Snapshot | None = None
        self.set_scale(1.0, QFont())

    def set_scale(self, scale: float, font: QFont) -> None:
        self.scale = scale
        for plot in (self.scale_plot, self.norm_plot, self.heat_plot):
            apply_font(plot, font)
        # log axes wide enough for an exploding net's labels (1e+35), fixed: a label that
        # appears on the last frame of a run must show without a relayout
        tick = QFontMetrics(scaled(font, 0.85))
        width = tick.horizontalAdvance("1e+35") + 10
        for plot in (self.scale_plot, self.norm_plot):
            plot.getAxis("left").setWidth(width)
        # the heatmap's layer names ("out" the widest) beside its axis label, never over it
        label = QFontMetrics(font).height() + 8
        self.heat_plot.getAxis("left").setWidth(max(width, tick.horizontalAdvance("out") + label))
        act, grad = SPLIT_COLORS["train"], SPLIT_COLORS["val"]
        self.act_curve.setPen(pg.mkPen(act, width=2 * scale))
        self.act_curve.setSymbolBrush(act)
        self.act_curve.setSymbolSize(6 * scale)
        self.grad_curve.setPen(pg.mkPen(grad, width=2 * scale, style=Qt.DashLine))
        self.grad_curve.setSymbolBrush(grad)
        self.grad_curve.setSymbolSize(6 * scale)
        self.act_ref.setPen(pg.mkPen(act, width=1.2 * scale, style=Qt.DotLine))
        self.grad_ref.setPen(pg.mkPen(grad, width=1.2 * scale, style=Qt.DotLine))
        self._pen_curves()

    def _pen_curves(self) -> None:
        for curve, color in zip(self.norm_curves, depth_colors(len(self.norm_curves))):
            curve.setPen(pg.mkPen(color, width=1.5 * self.scale))
        self.norm_dots.setSize(7 * self.scale)

    def set_run(self, info: RunInfo) -> None:
        self.L = len(info.sizes) - 1
        for curve in self.norm_curves:
            self.norm_plot.removeItem(curve)
        self.norm_curves = [
            pg.PlotCurveItem(connect="finite", antialias=False) for _ in range(self.L)
        ]
        for curve in self.norm_curves:
            self.norm_plot.addItem(curve)
        self._pen_curves()
        names = layer_names(self.L)
        ticks = [(float(x), names[x - 1]) for x in range(1, self.L + 1)]
        stride = max(1, math.ceil(self.L / 10))
        self.scale_plot.getAxis("bottom").setTicks([ticks[::-1][::stride][::-1]])
        self.heat_plot.getAxis("left").setTicks([ticks[::-1][:: max(1, math.ceil(self.L / 6))]])
        self.act_curve.setData([], [])
        self.grad_curve.setData([], [])
        self.heat.clear()
        self._last = None

    def show_snapshot(self, snapshot: Snapshot) -> None:
        stats = snapshot.layers
        self.scale_plot.setTitle(SCALE_TITLE)
        if stats is not None and not np.isfinite(stats.act_std).any():
            self.scale_plot.setTitle(diverged_title(snapshot, self._last))
        elif stats is not None and len(stats.act_std) == self.L:
            if snapshot.status == Status.DIVERGED:
                self.scale_plot.setTitle(diverged_title(snapshot, snapshot))
            self._last = snapshot
            layers = np.arange(1, self.L + 1, dtype=float)
            self.act_curve.setData(layers, _log10(stats.act_std))
            self.grad_curve.setData(layers, _log10(stats.grad_std))
            self.act_ref.setValue(0.0)
            output_grad = float(_log10(stats.grad_std[-1:])[0])
            self.grad_ref.setVisible(math.isfinite(output_grad))
            if math.isfinite(output_grad):
                self.grad_ref.setValue(output_grad)
        norms = snapshot.history["grad_norm"]
        if norms.ndim != 2 or norms.shape[1] != self.L:
            return
        if not np.isfinite(norms).any():
            self._show_no_step_yet()
            return
        self.norm_plot.setTitle(SIGNAL_TITLE)
        self.norm_plot.enableAutoRange()
        epochs = snapshot.history["epoch"].astype(float)
        step = max(1, len(epochs) // MAX_CURVE_POINTS)
        shown = norms[::step]
        # epoch 0 (no step yet) is NaN, a diverged epoch's may be inf: neither is drawn
        drawn = np.isfinite(shown) & (shown > 0)
        logs = np.full(shown.shape, np.nan)
        np.log10(shown, out=logs, where=drawn)
        for layer, curve in enumerate(self.norm_curves):
            curve.setData(epochs[::step], logs[:, layer])
        self._dot_a_lone_epoch(epochs[::step], logs)
        finite = logs[np.isfinite(logs)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 0.0)
        hi = hi if hi > lo else lo + 1
        self.heat.setImage(np.ascontiguousarray(logs.T), autoLevels=False, levels=(lo, hi))
        self.colorbar.setLevels((lo, hi))
        first, last = epochs[0], epochs[::step][-1]
        self.heat.setRect(QRectF(first, 0.5, max(last - first, 1.0), self.L))

    def _dot_a_lone_epoch(self, epochs: np.ndarray, logs: np.ndarray) -> None:
        """Dots for each layer's figure while only one epoch has one (logs : (E, L)), as
        after a lesson's first epoch; none once the curves are lines."""
        with_delta = np.flatnonzero(np.isfinite(logs).any(axis=1))
        if len(with_delta) != 1:
            self.norm_dots.clear()
            return
        row = logs[with_delta[0]]
        layers = np.flatnonzero(np.isfinite(row))
        colors = depth_colors(self.L)
        self.norm_dots.setData(
            x=np.full(len(layers), epochs[with_delta[0]]),
            y=row[layers],
            brush=[pg.mkBrush(colors[layer]) for layer in layers],
        )

    def _show_no_step_yet(self) -> None:
        """Epoch 0: no δ has been passed back yet; the lower panels say so, over the
        first epoch, rather than draw empty axes over a range of nothing."""
        self.norm_plot.setTitle(NO_STEP_YET)
        for curve in self.norm_curves:
            curve.setData([], [])
        self.norm_dots.clear()
        self.heat.clear()
        self.norm_plot.setXRange(0.0, 1.0, padding=0)
        self.norm_plot.setYRange(-1.0, 0.0, padding=0)
        self.heat_plot.setYRange(0.5, self.L + 0.5, padding=0)


def log_axis() -> dict[str, pg.AxisItem]:
    return {"left": Log10Axis("left")}


def _log10(values: np.ndarray) -> np.ndarray:
    """log10 of the positive finite values; NaN (not drawn) for 0, inf and NaN."""
    values = np.asarray(values, dtype=float)
    logs = np.full(values.shape, np.nan)
    np.log10(values, out=logs, where=np.isfinite(values) & (values > 0))
    return logs
