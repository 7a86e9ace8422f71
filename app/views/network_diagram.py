"""The network diagram, in the spirit of TensorFlow Playground.

Columns are layers (the inputs on the left, the output on the right); each shown unit is
a G×G thumbnail of its own output over the input plane (`core.probes.neurons`), coloured on one
scale per layer: blue positive, orange negative, white zero. A layer wider than 16 units
shows its 16 most active and says how many are hidden. An edge's width grows with |w|
(or |dW|, a toggle), on one scale for the whole net, and its colour gives the sign.
Hovering a unit or an edge shows its value; clicking a unit shows its thumbnail large.

Per run the geometry is fixed: one `ImageItem` per column holds that column's thumbnails
as a strip (a uint8 image through a lookup table, the gaps transparent), and the edges
are split into WIDTHS × 2 signs `PlotCurveItem`s of segment pairs, refilled each frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.style.palette import CLASS_COLORS
from app.style.plot_style import scaled
from app.worker import Products
from core.engine.snapshot import RunInfo, Snapshot
from core.probes.neurons import MAX_SHOWN_UNITS, Neurons

PITCH_X = 3.0  # column pitch, in thumbnail widths
PITCH_Y = 1.25  # row pitch
WIDTHS = (0.6, 1.6, 3.0, 5.0)  # pen widths of the |value| quartiles of the largest
POSITIVE, NEGATIVE = CLASS_COLORS[0], CLASS_COLORS[1]  # Okabe–Ito blue, orange
GAP = 255  # the lookup table's transparent entry
EDGE_PICK = 0.12  # hover distance to an edge, in thumbnail widths


def diverging_lut() -> np.ndarray:
    """(256, 4) uint8: entries 0..254 run orange → white → blue for values −1..1; 255 clear."""
    t = np.linspace(-1.0, 1.0, 255)[:, None]
    white = np.full(3, 255.0)
    rgb = np.where(t < 0, white + (NEGATIVE - white) * -t, white + (POSITIVE - white) * t)
    lut = np.zeros((256, 4), dtype=np.uint8)
    lut[:255, :3] = rgb.round()
    lut[:255, 3] = 255
    return lut


def thumbnail_strip(maps: np.ndarray, gap: int) -> np.ndarray:
    """maps : (k, G, G) → (k·(G + gap) − gap, G) uint8 LUT indices, one layer's scale.

    Values are divided by the layer's max |value|; each map is flipped so x2 grows upwards
    on the diagram's downward y axis; the rows between thumbnails hold GAP.
    """
    k, G, _ = maps.shape
    finite = np.abs(maps[np.isfinite(maps)])
    top = float(finite.max()) if finite.size else 1.0
    top = top if top > 0 else 1.0
    index = np.rint((np.nan_to_num(maps[:, ::-1, :] / top) + 1.0) * 127.0)
    strip = np.full((k, G + gap, G), GAP, dtype=np.uint8)
    strip[:, :G] = np.clip(index, 0, 254)
    return strip.reshape(-1, G)[: k * (G + gap) - gap]


class DiagramLayout:
    """Where the shown units and edges sit, for sizes (n_0, …, n_L); 1 unit = a thumbnail."""

    def __init__(self, sizes: tuple[int, ...]):
        self.sizes = sizes
        self.shown = [min(n, MAX_SHOWN_UNITS) for n in sizes]
        tallest = max(self.shown)
        self.top = [(tallest - k) * PITCH_Y / 2 for k in self.shown]
        self.height = (tallest - 1) * PITCH_Y + 1
        x0, y0, x1, y1 = [], [], [], []
        for layer in range(1, len(sizes)):
            i, j = np.meshgrid(
                np.arange(self.shown[layer - 1]), np.arange(self.shown[layer]), indexing="ij"
            )
            x0.append(np.full(i.size, (layer - 1) * PITCH_X + 1.0))
            x1.append(np.full(i.size, layer * PITCH_X))
            y0.append(self.centre(layer - 1, i.ravel()))
            y1.append(self.centre(layer, j.ravel()))
        self.edges = np.stack([np.concatenate(a) for a in (x0, y0, x1, y1)], axis=1)

    def centre(self, layer: int, row: np.ndarray) -> np.ndarray:
        return self.top[layer] + row * PITCH_Y + 0.5

    def node_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(layer, row) of the thumbnail under (x, y), or None."""
        layer = int(np.floor(x / PITCH_X))
        if not 0 <= layer < len(self.sizes) or x - layer * PITCH_X > 1.0:
            return None
        offset = y - self.top[layer]
        row = int(np.floor(offset / PITCH_Y))
        if not 0 <= row < self.shown[layer] or offset - row * PITCH_Y > 1.0:
            return None
        return layer, row

    def edge_at(self, x: float, y: float) -> int | None:
        """Index of the edge nearest (x, y) if closer than EDGE_PICK, else None."""
        if not len(self.edges):
            return None
        x0, y0, x1, y1 = self.edges.T
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0, 1)
        dist = np.hypot(x0 + t * dx - x, y0 + t * dy - y)
        best = int(np.argmin(dist))
        return best if dist[best] < EDGE_PICK else None


def edge_values(neurons: Neurons, gradients: bool) -> np.ndarray:
    """(E,) W (or dW) of every shown edge, in `DiagramLayout.edges` order."""
    blocks = neurons.grads if gradients else neurons.weights
    return np.concatenate([b.ravel() for b in blocks[1:]]) if len(blocks) > 1 else np.empty(0)


def edge_buckets(values: np.ndarray) -> np.ndarray:
    """(E,) 0..len(WIDTHS)−1: which quarter of the largest |value| each edge reaches."""
    size = np.abs(np.nan_to_num(values, posinf=0.0, neginf=0.0))
    top = size.max() if size.size else 0.0
    if top <= 0:
        return np.zeros(len(values), dtype=int)
    return np.minimum((size / top * len(WIDTHS)).astype(int), len(WIDTHS) - 1)


class DiagramView(QWidget):
    name = "network"
    title = "Network"
    needs = Products(neurons=True)
    refresh_hz = 5.0  # edges cost several ms to paint; 5 redraws a second suffice

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scale = 1.0
        self.font_ = QFont()
        self.layout_: DiagramLayout | None = None
        self.features: tuple[str, ...] = ()
        self.neurons: Neurons | None = None
        self.selected: tuple[int, int] | None = None  # (layer, unit index in the layer)
        self.lut = diverging_lut()
        self.gradients = QCheckBox("show gradients dW on the edges")
        self.gradients.setToolTip(
            "Edge width: |W| (the weights) or |dW| (the gradient of the last update)"
        )
        self.gradients.toggled.connect(lambda _: self._redraw())
        self.hover = QLabel("Hover a unit or an edge for its value; click a unit to enlarge it.")
        self.hover.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        bar = QHBoxLayout()
        bar.addWidget(self.gradients)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.hover)
        self.vb = self.graphics.addViewBox(row=0, col=0)
        self.vb.setAspectLocked(True)
        self.vb.invertY(True)
        self.vb.setMenuEnabled(False)
        self.large_plot = self.graphics.addPlot(row=1, col=0)
        self.large_plot.hideAxis("left")
        self.large_plot.hideAxis("bottom")
        self.large_plot.setMouseEnabled(x=False, y=False)
        self.large_plot.hideButtons()
        self.large_plot.setMenuEnabled(False)
        self.large_plot.setAspectLocked(True)
        self.large_plot.invertY(True)
        self.large_image = pg.ImageItem(axisOrder="row-major")
        self.large_plot.addItem(self.large_image)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.large_plot.hide()
        self.columns: list[pg.ImageItem] = []
        self.labels: list[pg.TextItem] = []
        self.edge_items = {
            (b, sign): pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True, antialias=False)
            for b in range(len(WIDTHS))
            for sign in (1, -1)
        }
        for item in self.edge_items.values():
            item.setZValue(-1)
            self.vb.addItem(item)
        self.graphics.scene().sigMouseMoved.connect(self._on_move)
        self.graphics.scene().sigMouseClicked.connect(self._on_click)
        self.set_scale(1.0, QFont())

    # ----- building -----

    def set_scale(self, scale: float, font: QFont) -> None:
        self.scale = scale
        self.font_ = QFont(font)
        for (b, sign), item in self.edge_items.items():
            r, g, bl = POSITIVE if sign > 0 else NEGATIVE
            alpha = (110, 160, 210, 240)[b]
            item.setPen(pg.mkPen((int(r), int(g), int(bl), alpha), width=WIDTHS[b] * scale))
        for label in self.labels:
            label.setFont(scaled(font, 0.85))
        self.large_plot.setTitle(self.large_plot.titleLabel.text, size=f"{font.pointSizeF():.1f}pt")

    def set_run(self, info: RunInfo) -> None:
        self.features = tuple(info.config.data.features)
        self.layout_ = DiagramLayout(tuple(info.sizes))
        self.neurons = None
        self.selected = None
        self.large_plot.hide()
        for item in (*self.columns, *self.labels):
            self.vb.removeItem(item)
        self.columns, self.labels = [], []
        for layer, n in enumerate(info.sizes):
            column = pg.ImageItem(axisOrder="row-major")
            column.setLookupTable(self.lut)
            self.vb.addItem(column)
            self.columns.append(column)
            name = (
                "inputs"
                if layer == 0
                else ("output" if layer == len(info.sizes) - 1 else f"layer {layer}")
            )
            if n > MAX_SHOWN_UNITS:
                name += f"\n+{n - MAX_SHOWN_UNITS} hidden"
            label = pg.TextItem(name, color=(40, 40, 40), anchor=(0.5, 0))
            label.setFont(scaled(self.font_, 0.85))
            label.setPos(layer * PITCH_X + 0.5, self.layout_.height + 0.2)
            self.vb.addItem(label)
            self.labels.append(label)
        for item in self.edge_items.values():
            item.setData([], [])
        width = (len(info.sizes) - 1) * PITCH_X + 1
        self.vb.setRange(QRectF(-0.5, -0.5, width + 1, self.layout_.height + 1.8), padding=0)

    # ----- drawing -----

    def show_snapshot(self, snapshot: Snapshot) -> None:
        neurons = snapshot.neurons
        if neurons is None or self.layout_ is None or neurons.sizes != self.layout_.sizes:
            return
        self.neurons = neurons
        self._redraw()

    def _redraw(self) -> None:
        neurons, lay = self.neurons, self.layout_
        if neurons is None or lay is None:
            return
        G = neurons.maps[0].shape[-1]
        gap = round(G * (PITCH_Y - 1))
        for layer, column in enumerate(self.columns):
            strip = thumbnail_strip(neurons.maps[layer], gap)
            column.setImage(strip, autoLevels=False, levels=(0, 255))
            column.setRect(QRectF(layer * PITCH_X, lay.top[layer], 1.0, strip.shape[0] / G))
        values = edge_values(neurons, self.gradients.isChecked())
        buckets = edge_buckets(values)
        positive = values >= 0
        for (b, sign), item in self.edge_items.items():
            chosen = lay.edges[(buckets == b) & (positive == (sign > 0))]
            item.setData(chosen[:, [0, 2]].ravel(), chosen[:, [1, 3]].ravel())
        self._show_selected()

    def _show_selected(self) -> None:
        if self.selected is None or self.neurons is None:
            return
        layer, unit = self.selected
        units = self.neurons.units[layer]
        found = np.flatnonzero(units == unit)
        title = self.unit_name(layer, unit)
        if not len(found):
            self.large_plot.setTitle(f"{title}: not among the {len(units)} shown")
            return
        maps = self.neurons.maps[layer]
        strip = thumbnail_strip(maps[found[0] : found[0] + 1], 0)
        self.large_image.setImage(strip, autoLevels=False, levels=(0, 255), lut=self.lut)
        self.large_plot.setTitle(title, size=f"{self.font_.pointSizeF():.1f}pt")
        self.large_plot.show()

    def show_unit(self, layer: int, unit: int) -> None:
        """Enlarge unit `unit` (its index in the layer) of layer `layer` below the diagram."""
        self.selected = (layer, unit)
        self._show_selected()

    def unit_name(self, layer: int, unit: int) -> str:
        """'input x2', 'layer 3, unit 7', 'output, unit 1' (units counted from 1)."""
        if layer == 0:
            return f"input {self.features[unit]}"
        where = "output" if layer == len(self.columns) - 1 else f"layer {layer}"
        return f"{where}, unit {unit + 1}"

    # ----- the mouse -----

    def _on_move(self, pos) -> None:
        text = self.describe(self.vb.mapSceneToView(pos))
        if text:
            self.hover.setText(text)

    def _on_click(self, event) -> None:
        lay, neurons = self.layout_, self.neurons
        if lay is None or neurons is None:
            return
        point = self.vb.mapSceneToView(event.scenePos())
        hit = lay.node_at(point.x(), point.y())
        if hit is not None:
            layer, row = hit
            self.show_unit(layer, int(neurons.units[layer][row]))

    def describe(self, point) -> str:
        """What is under `point` (view coordinates): a unit's output range or an edge's value."""
        lay, neurons = self.layout_, self.neurons
        if lay is None or neurons is None:
            return ""
        hit = lay.node_at(point.x(), point.y())
        if hit is not None:
            layer, row = hit
            m = neurons.maps[layer][row]
            unit = int(neurons.units[layer][row])
            name = self.unit_name(layer, unit)
            finite = m[np.isfinite(m)]
            if not finite.size:
                return f"{name}: no finite output (the network diverged)"
            return f"{name}: output from {finite.min():.3g} to {finite.max():.3g} over the plane"
        edge = lay.edge_at(point.x(), point.y())
        if edge is None:
            return ""
        values = edge_values(neurons, self.gradients.isChecked())
        layer = int(
            np.searchsorted(
                np.cumsum([0, *(w.size for w in neurons.weights[1:])]), edge, side="right"
            )
        )
        start = sum(w.size for w in neurons.weights[1:layer])
        i, j = divmod(edge - start, neurons.weights[layer].shape[1])
        src = int(neurons.units[layer - 1][i]) + 1
        dst = int(neurons.units[layer][j]) + 1
        symbol = "dW" if self.gradients.isChecked() else "W"
        return f"{symbol}[{layer}] from unit {src} to unit {dst} = {values[edge]:.4g}"
