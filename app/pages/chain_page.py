"""The lecture's worked example as a mode: a deep linear chain, W = a·I.

10 layers of 2 units, linear, biases off; the gain ŷ/x after each layer is drawn on a log
axis with its value written beside it, and the output's gain a^(L−1) in words above the
plot. The line ŷ/x = 1 is labelled in a margin at its end, and a note on the plot says why
the last segment is flat (W[L] = I). One toggle swaps W = a·I for random weights of a chosen scheme
(`core.lessons.linear_chain`), so Xavier (linear) or He (relu) is seen holding the scale
near 1. It trains nothing and ignores the snapshots: it is recomputed only when one of its
own controls moves.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.session import Session
from deepdials.app.style.palette import SPLIT_COLORS
from deepdials.app.style.plot_style import apply_font, cache_axes, scaled
from deepdials.app.views.layer_views import log_axis
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.lessons.linear_chain import LAYERS, UNITS, identity_chain, random_chain

SCHEMES = ("xavier", "he", "normal")
SLIDER_STEPS = 100  # a = slider / 50: 0.02 … 2.0
SEED = 0
X_LEFT, X_END = 0.6, LAYERS + 0.3  # the layers' span; "ŷ/x = 1" sits right of X_END
LABEL_FILL = (255, 255, 255, 215)
FLAT_TEXT = "last segment flat:\nW[L] = I\nmultiplies by 1"
PAD_TOP, PAD_BOTTOM = 0.5, 0.45  # decades above and below the curve and the line


def gain_text(value: float) -> str:
    """38.44, 1.00, 0.00195: two decimals from 1 up, three significant digits below."""
    if not np.isfinite(value):
        return str(value)
    return f"{value:.2f}" if value >= 1 else f"{value:.3g}"


class ChainPage(QWidget):
    name = "chain"
    title = "Chain"

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.scale = 1.0
        session.run_started.connect(self.set_run)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(1, SLIDER_STEPS)
        self.slider.setValue(75)
        self.slider.setToolTip("Every hidden W = a·I; the output layer is I")
        self.a_label = QLabel()
        self.half = QPushButton("a = 0.5")
        self.one_and_half = QPushButton("a = 1.5")
        self.half.clicked.connect(lambda: self.slider.setValue(25))
        self.one_and_half.clicked.connect(lambda: self.slider.setValue(75))
        self.random = QCheckBox("random init")
        self.random.setToolTip("Draw every W at random with the scheme instead of a·I")
        self.scheme = QComboBox()
        self.scheme.addItems(SCHEMES)
        self.activation = QComboBox()
        self.activation.addItems(("linear", "relu"))
        self.weight_scale = QDoubleSpinBox()
        self.weight_scale.setRange(0.01, 10.0)
        self.weight_scale.setValue(1.0)
        self.weight_scale.setSingleStep(0.1)
        self.weight_scale.setPrefix("× ")
        self.weight_scale.setToolTip("init_scale: multiplies the scheme's weights")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        grid = QGridLayout()
        grid.addWidget(QLabel("a"), 0, 0)
        grid.addWidget(self.slider, 0, 1, 1, 3)
        grid.addWidget(self.a_label, 0, 4)
        grid.addWidget(self.half, 1, 1)
        grid.addWidget(self.one_and_half, 1, 2)
        grid.addWidget(self.random, 2, 0, 1, 2)
        grid.addWidget(self.scheme, 3, 1)
        grid.addWidget(self.activation, 3, 2)
        grid.addWidget(self.weight_scale, 3, 3, 1, 2)
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.graphics, 1)
        self.plot = self.graphics.addPlot(title="gain after each layer", axisItems=log_axis())
        self.plot.setLabel("bottom", f"layer l ({LAYERS} layers of {UNITS} units)")
        self.plot.setLabel("left", "‖A[l]‖ / ‖x‖")
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # a log axis: no "(x0.001)"
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        ticks = [(float(x), str(x)) for x in range(1, LAYERS)] + [(float(LAYERS), "out")]
        self.plot.getAxis("bottom").setTicks([ticks])
        cache_axes(self.plot)
        self.plot.vb.sigResized.connect(lambda *_: self.recompute())  # labels fit its width
        self.one = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.plot.addItem(self.one)
        self.one_label = pg.TextItem("ŷ/x = 1", color=(20, 20, 20), fill=LABEL_FILL)
        self.plot.addItem(self.one_label)
        self.flat_label = pg.TextItem(FLAT_TEXT, color=(20, 20, 20), fill=LABEL_FILL)
        self.plot.addItem(self.flat_label)
        self.draws = [pg.PlotCurveItem(antialias=False) for _ in range(20)]
        for item in self.draws:
            self.plot.addItem(item)
        self.curve = self.plot.plot(symbol="o")
        self.values = [pg.TextItem(anchor=(0.5, 1.2), color=(20, 20, 20)) for _ in range(LAYERS)]
        for item in self.values:
            self.plot.addItem(item)

        for w in (self.slider, self.random, self.scheme, self.activation, self.weight_scale):
            signal = (
                w.toggled
                if w is self.random
                else (w.currentIndexChanged if isinstance(w, QComboBox) else w.valueChanged)
            )
            signal.connect(lambda *_: self.recompute())
        self.set_scale(1.0, QFont())

    @property
    def a(self) -> float:
        return self.slider.value() / 50

    def set_scale(self, scale: float, font: QFont) -> None:
        self.scale = scale
        apply_font(self.plot, font)
        for item in self.values:
            item.setFont(scaled(font, 0.9))
        self.one_label.setFont(font)
        self.flat_label.setFont(scaled(font, 0.9))
        self.one.setPen(pg.mkPen((60, 60, 60), width=1.5 * scale, style=Qt.DashLine))
        color = SPLIT_COLORS["train"]
        self.curve.setPen(pg.mkPen(color, width=2.5 * scale))
        self.curve.setSymbolBrush(color)
        self.curve.setSymbolSize(8 * scale)
        for item in self.draws:
            item.setPen(pg.mkPen((150, 150, 150, 90), width=1 * scale))
        self.recompute()

    def _label_stride(self, right: float) -> int:
        """Write every k-th value (counting back from the output) so that none overlap:
        the output's ends at its point, so it and the one k layers before it, centred on
        its point, need 1.5 widths of text in k layers."""
        per_layer = max(self.plot.vb.width(), 1.0) / (right - X_LEFT)
        text = QFontMetrics(self.values[0].textItem.font()).horizontalAdvance("38.44") + 6
        return max(1, math.ceil(1.5 * text / per_layer))

    def set_run(self, info: RunInfo) -> None:
        """The random mode starts from the run's init scheme, when it is one of SCHEMES."""
        if info.config.model.init in SCHEMES:
            self.scheme.setCurrentText(info.config.model.init)

    def gains(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(ŷ/x per layer, per-draw gains or None) for the current controls."""
        if not self.random.isChecked():
            return identity_chain(self.a), None
        return random_chain(
            self.scheme.currentText(),
            self.weight_scale.value(),
            np.random.default_rng(SEED),
            relu=self.activation.currentText() == "relu",
        )

    def recompute(self) -> None:
        random = self.random.isChecked()
        self.slider.setEnabled(not random)
        self.half.setEnabled(not random)
        self.one_and_half.setEnabled(not random)
        self.a_label.setText(f"{self.a:.2f}")
        gains, draws = self.gains()
        layers = np.arange(1, LAYERS + 1, dtype=float)
        with np.errstate(all="ignore"):
            logs = np.log10(np.maximum(gains, 1e-300))
        self.curve.setData(layers, logs)
        right = self._right_edge()
        stride = self._label_stride(right)
        for k, (item, layer, value, y) in enumerate(zip(self.values, layers, gains, logs)):
            item.setText(gain_text(value))
            item.setPos(layer, y)
            item.setVisible((LAYERS - 1 - k) % stride == 0)
        self.values[0].setAnchor((0.2, 1.2))  # layer 1's value clears the left axis
        self.values[-1].setAnchor((1.0, 1.2))  # the output's value ends at its point
        for k, item in enumerate(self.draws):
            if draws is None:
                item.setData([], [])
            else:
                with np.errstate(all="ignore"):
                    item.setData(layers, np.log10(np.maximum(draws[k], 1e-300)))
        if random:
            self.summary.setText(
                f"Random {self.scheme.currentText()} × {self.weight_scale.value():g}, "
                f"{self.activation.currentText()}: ŷ/x = <b>{gain_text(gains[-1])}</b> "
                "(root mean square over 2000 random chains; grey: 20 of them)"
            )
        else:
            self.summary.setText(
                f"W[l] = a·I: ŷ/x = a<sup>L−1</sup> = {self.a:g}<sup>{LAYERS - 1}</sup> ≈ "
                f"<b>{gain_text(gains[-1])}</b>. The output layer is W[L] = I: it multiplies "
                "by 1, so the last segment is flat."
            )
        self._place_labels(logs, random, right)
        lo, hi = float(np.nanmin(logs)), float(np.nanmax(logs))
        self.plot.setYRange(min(lo, 0.0) - PAD_BOTTOM, max(hi, 0.0) + PAD_TOP, padding=0)
        self.plot.setXRange(X_LEFT, right, padding=0)

    def _right_edge(self) -> float:
        """The x range's right end: X_END plus a margin as wide as "ŷ/x = 1", so that the
        line's label sits at its end, clear of the curve and its values.

        With a margin of w px in a plot of width V px over a range R: R = (X_END −
        X_LEFT) + w·R/V, so R = (X_END − X_LEFT) / (1 − w/V)."""
        width = max(self.plot.vb.width(), 1.0)
        text = QFontMetrics(self.one_label.textItem.font()).horizontalAdvance("ŷ/x = 1") + 18
        share = min(text / width, 0.4)
        return X_LEFT + (X_END - X_LEFT) / (1 - share)

    def _place_labels(self, logs: np.ndarray, random: bool, right: float) -> None:
        """ "ŷ/x = 1" in the right margin at the end of its line, and the flat segment's
        reason beside the line on the curve's side, right-aligned to the last layer: the
        curve, log-linear from layer 1 to 9 and at least 10× away from 1 at the end, is
        that close to the line only near layer 1."""
        self.one_label.setAnchor((1, 0.5))
        self.one_label.setPos(right, 0.0)
        end = float(logs[-1]) if np.isfinite(logs[-1]) else 0.0
        flat = not random and abs(end) >= 1.0
        self.flat_label.setVisible(flat)
        if flat:
            self.flat_label.setAnchor((1, 1.1) if end > 0 else (1, -0.1))
            self.flat_label.setPos(X_END, 0.0)
