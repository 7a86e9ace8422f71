"""Layer space: the input plane's grid and the training points in two units of a layer.

What ConvNetJS's 2-D demo shows: the plane's grid lines carried through the network
(`core.probes.layer_space`), layer by layer, so the class sees the knot come undone. The
points are coloured by their class as on the boundary, each stretch of a grid line by the
class the network predicts there. Pickers choose the layer and its two units (at first
the last hidden layer's two most active ones); ← and → step through the layers while the
view is shown. A one-unit layer is drawn against x₁, the output's single logit against a
unit of the layer below, with logit 0 (the boundary) as a dashed line. A regression set
has no classes: its lines are grey and its points coloured by their target y (viridis);
with one input its one line is the x₁ axis, which the layers bend into a curve.

The chosen layer and units are what each snapshot must carry (`needs`): a change of them
is told through `needs_changed`, and the worker sends a frame with them at once.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from deepdials.app.frames import Products
from deepdials.app.style.palette import class_color
from deepdials.app.style.plot_style import apply_font, cache_axes
from deepdials.app.views.protocol import DrawsSelectedRun
from deepdials.core.engine.snapshot import RunInfo, Snapshot
from deepdials.core.probes.layer_space import LayerSpace, LayerSpaceRequest, default_layer

MOST_ACTIVE = "most active"
LINE_ALPHA = 150
POINT_SIZE = 6
RANGE_MARGIN = 0.06  # of what is drawn, each side
NEUTRAL = (90, 90, 90, LINE_ALPHA)  # a regression set's lines
TARGET_MAP = pg.colormap.get("viridis")  # a regression set's points, by their target y


def layer_name(layer: int, L: int) -> str:
    return "input" if layer == 0 else ("output" if layer == L else f"layer {layer}")


def line_segments(lines: np.ndarray, line_class: np.ndarray, k: int):
    """x, y of the segments (pairs of points) of the grid lines : (n, M, 2) that start at
    a point predicted as class k (line_class : (n, M)), for a `connect="pairs"` curve."""
    start = (line_class[:, :-1] == k) & np.isfinite(lines[:, :-1]).all(-1)
    start &= np.isfinite(lines[:, 1:]).all(-1)
    pairs = np.stack([lines[:, :-1][start], lines[:, 1:][start]], axis=1)  # (S, 2, 2)
    return pairs[..., 0].ravel(), pairs[..., 1].ravel()


class LayerSpaceView(DrawsSelectedRun, QWidget):
    name = "layer_space"
    title = "Layer space"
    refresh_hz = 10.0
    needs_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.sizes: tuple[int, ...] = ()
        self.n_classes = 2
        self.layer = 0
        self._target_brushes: tuple[np.ndarray | None, list] = (None, [])  # (labels, brushes)
        self.font_ = QFont()
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("The layer whose units are the axes (← and → step through)")
        self.unit_boxes = (QComboBox(), QComboBox())
        for box in (self.layer_box, *self.unit_boxes):
            box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        for axis, box in zip(("x", "y"), self.unit_boxes):
            box.setToolTip(f"The unit on the {axis} axis (across, then up)")
            box.activated.connect(self._on_units_chosen)
        self.layer_box.activated.connect(lambda index: self.show_layer(index))
        self.note = QLabel()
        self.note.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Layer"))
        bar.addWidget(self.layer_box)
        for box in self.unit_boxes:
            bar.addWidget(box)
        bar.addStretch(1)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        cache_axes(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.line_items: list[pg.PlotCurveItem] = []
        # one item per class, each of one style (a style per point costs a paint dearly);
        # a regression set's points in one item, a brush per point
        self.point_items: list[pg.ScatterPlotItem] = []
        item.disableAutoRange()
        self.ranges: list[tuple[float, float] | None] = [None, None]  # x, y as drawn
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen((60, 60, 60), style=Qt.DashLine))
        self.plot.addItem(self.zero)
        self.zero.hide()
        self.steps = [
            QShortcut(QKeySequence(key), self, lambda d=d: self.step_layer(d))
            for key, d in ((Qt.Key_Left, -1), (Qt.Key_Right, 1))
        ]
        self.scale = 1.0
        self.set_scale(1.0, QFont())

    @property
    def needs(self) -> Products:
        return Products(layer_space=self.request())

    def request(self) -> LayerSpaceRequest:
        if not self.sizes:
            return LayerSpaceRequest()
        a, b = (box.currentData() for box in self.unit_boxes)
        return LayerSpaceRequest(self.layer, (a, b))

    # ----- building -----

    def set_scale(self, scale: float, font: QFont) -> None:
        self.scale = scale
        self.font_ = QFont(font)
        apply_font(self.plot.getPlotItem(), font)
        for item in self.line_items:
            item.setPen(item.opts["pen"].color(), width=1.5 * scale)
        for points in self.point_items:
            points.setSize(POINT_SIZE * scale)
            points.setPen(pg.mkPen(255, 255, 255, 200, width=0.8 * scale))

    def set_run(self, info: RunInfo) -> None:
        sizes = tuple(info.sizes)
        changed = sizes != self.sizes
        self.sizes = sizes
        self.n_classes = info.data.n_classes
        L = len(sizes) - 1
        self.layer_box.clear()
        self.layer_box.addItems([layer_name(layer, L) for layer in range(L + 1)])
        for item in self.line_items:
            self.plot.removeItem(item)
        self.line_items = []
        for k in range(max(self.n_classes, 1)):
            # not antialiased: a thousand antialiased segments cost 20 ms a paint (measured)
            curve = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True, antialias=False)
            color = class_color(k, LINE_ALPHA) if self.n_classes else NEUTRAL
            curve.setPen(pg.mkPen(color, width=1.5 * self.scale))
            curve.setZValue(-1)
            self.plot.addItem(curve)
            self.line_items.append(curve)
        for points in self.point_items:
            self.plot.removeItem(points)
        self.point_items = []
        for k in range(max(self.n_classes, 1)):
            points = pg.ScatterPlotItem(pxMode=True, size=POINT_SIZE * self.scale)
            points.setPen(pg.mkPen(255, 255, 255, 200, width=0.8 * self.scale))
            if self.n_classes:
                points.setBrush(pg.mkBrush(*class_color(k)))
            self.plot.addItem(points)
            self.point_items.append(points)
        self.ranges = [None, None]
        layer = self.layer if not changed and self.layer <= L else default_layer(sizes)
        self.show_layer(layer, keep_units=not changed)

    def show_layer(self, layer: int, keep_units: bool = False) -> None:
        """Draw layer `layer` (0: the input, L: the output), its units the most active
        unless `keep_units` keeps those chosen."""
        if not self.sizes:
            return
        L = len(self.sizes) - 1
        layer = min(max(layer, 0), L)
        chosen = [box.currentData() for box in self.unit_boxes] if keep_units else [None, None]
        self.layer = layer
        self.layer_box.setCurrentIndex(layer)
        logit = layer == L and self.sizes[L] == 1
        width = self.sizes[layer - 1] if logit else self.sizes[layer]
        for axis, box in enumerate(self.unit_boxes):
            box.clear()
            box.addItem(MOST_ACTIVE, None)
            for unit in range(width):
                box.addItem(f"unit {unit + 1}", unit)
            index = box.findData(chosen[axis]) if chosen[axis] is not None else 0
            box.setCurrentIndex(max(index, 0))
            box.setEnabled(width > 1 and not (logit and axis == 1))
        self.needs_changed.emit()

    def step_layer(self, step: int) -> None:
        """← / →: the layer before or after, its most active units."""
        if self.sizes:
            self.show_layer(self.layer + step)

    def _on_units_chosen(self, _index: int) -> None:
        self.needs_changed.emit()

    # ----- drawing -----

    def show_snapshot(self, snapshot: Snapshot) -> None:
        space = snapshot.layer_space
        if space is None or not self.sizes:
            return
        for k, item in enumerate(self.line_items):
            item.setData(*line_segments(space.lines, space.line_class, k))
        finite = np.isfinite(space.points).all(axis=1)
        if space.n_classes:
            for k, points in enumerate(self.point_items):
                points.setData(pos=space.points[finite & (space.labels == k)])
        else:
            brushes = self._point_brushes(space)
            self.point_items[0].setData(
                pos=space.points[finite], brush=[b for b, keep in zip(brushes, finite) if keep]
            )
        self._fit_range(space)
        self.zero.setVisible(space.axes == "logit" and space.n_classes > 0)
        self._label_axes(space)

    def _fit_range(self, space: LayerSpace) -> None:
        """Each axis spans what is drawn, with a margin, and keeps its span while that
        stays inside it and fills more than half of it: the axes (and their text) are
        redrawn only when the picture outgrows them or shrinks well inside."""
        drawn = np.concatenate([space.lines.reshape(-1, 2), space.points])
        drawn = drawn[np.isfinite(drawn).all(axis=1)]
        if not len(drawn):
            return
        wanted = []
        for axis, shown in enumerate(self.ranges):
            low, high = float(drawn[:, axis].min()), float(drawn[:, axis].max())
            span = high - low if high > low else 1.0
            inside = shown is not None and shown[0] <= low and high <= shown[1]
            if inside and span > 0.5 * (shown[1] - shown[0]):
                wanted.append(shown)
            else:
                wanted.append((low - RANGE_MARGIN * span, high + RANGE_MARGIN * span))
        if wanted != self.ranges:
            self.ranges = wanted
            self.plot.getPlotItem().setRange(xRange=wanted[0], yRange=wanted[1], padding=0)

    def _point_brushes(self, space: LayerSpace) -> list:
        """A brush per point by its target y (made once a run)."""
        labels, brushes = self._target_brushes
        if labels is not space.labels:
            y = space.labels
            low, high = float(np.min(y)), float(np.max(y))
            t = (y - low) / (high - low) if high > low else np.zeros_like(y)
            brushes = [pg.mkBrush(c) for c in TARGET_MAP.map(0.9 * t, mode="qcolor")]
            self._target_brushes = (space.labels, brushes)
        return brushes

    def _label_axes(self, space: LayerSpace) -> None:
        L = len(self.sizes) - 1
        name = layer_name(space.layer, L)
        a, b = space.units
        if space.axes == "x1":
            x, y = "x₁ (the input plane)", f"{name}, its one unit"
            note = f"{name.capitalize()} has one unit: drawn against x₁."
        elif space.axes == "logit" and not space.n_classes:
            x = f"{layer_name(space.layer - 1, L)}, unit {a + 1}"
            y = "output ŷ"
            note = "The output ŷ against a unit of the layer below; points coloured by y."
        elif space.axes == "logit":
            x = f"{layer_name(space.layer - 1, L)}, unit {a + 1}"
            y = "output logit"
            note = "The output's logit against a unit of the layer below; dashed: logit 0."
        else:
            x, y = f"{name}, unit {a + 1}", f"{name}, unit {b + 1}"
            grid = "The x₁ axis" if len(space.lines) == 1 else "The plane's grid"
            note = f"{grid} and the training points as this layer sees them (← →)."
        item = self.plot.getPlotItem()
        if item.getAxis("bottom").labelText != x:
            item.setLabel("bottom", x)
            item.setLabel("left", y)
            apply_font(item, self.font_)
        if self.note.text() != note:
            self.note.setText(note)
