"""The network diagram, in the spirit of TensorFlow Playground, in the boundary's colours.

Columns are layers (the inputs on the left, the output on the right); each shown unit is
a G×G thumbnail of its own output over the input plane (`core.probes.neurons`), on one
scale per layer and in the boundary's colours: orange where the output is positive (what
pushes the output towards class 1, orange on the boundary), blue where it is negative,
white at zero; with K > 2 classes, output unit k is drawn in class k's colour. An edge's
width grows with |w| (or |dW|, a toggle), on one scale for the whole net, and its colour
gives the sign.

What is drawn fits the room the view has, thumbnails at least THUMB_PX pixels across
(× the projector scale): a layer shows its most active units up to as many rows as fit
(at most 16) and says how many more it has; a net with more layers than columns fit
shows its first and last layers either side of a gap that says how many are left out.
The input units are labelled with their features (x₁, x₂, x₁², …). Edges are at least
a pixel and a half wide (× the scale), and those under NEAR_ZERO of the largest are drawn
faint, so a sparse net reads as its few strong edges, not as a mesh.

Hovering a unit, an edge or a bias (the small square at a unit's lower left) shows its
value, kept up to date while the network trains; clicking a unit shows its thumbnail
large; clicking an edge or a bias opens the editor (`app.views.param_editor`) under the
diagram. An edit is asked of the session (`edit_requested`, `undo_requested`, with the
run's id): the worker sets it, training pauses, and the next frame shows it.

Per layout one `ImageItem` per column holds that column's thumbnails as a strip (a
uint8 image through a lookup table, the gaps transparent), and the edges are split into
WIDTHS × 2 signs `PlotCurveItem`s of segment pairs, refilled each frame.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from deepdials.app.frames import Products
from deepdials.app.style.palette import CLASS_COLORS
from deepdials.app.style.plot_style import scaled
from deepdials.app.views.param_editor import ParamEditor
from deepdials.app.views.protocol import DrawsSelectedRun
from deepdials.core.config.table import BY_KEY
from deepdials.core.engine.edits import ParamRef
from deepdials.core.engine.snapshot import RunInfo, Snapshot
from deepdials.core.probes.neurons import MAX_SHOWN_UNITS, Neurons

PITCH_X = 2.4  # column pitch, in thumbnail widths
PITCH_Y = 1.25  # row pitch
THUMB_PX = 18  # the smallest thumbnail drawn, in pixels at scale 1
LABEL_ROWS = 2.2  # room under the columns for their labels, in thumbnail heights
WIDTHS = (1.5, 1.5, 2.2, 3.4, 5.0)  # pen widths: near 0, then the |value| quartiles
ALPHAS = (45, 150, 180, 215, 240)  # and their opacity: near 0 faint
NEAR_ZERO = 0.05  # of the largest |value|: an edge below this is drawn faint
POSITIVE, NEGATIVE = CLASS_COLORS[1], CLASS_COLORS[0]  # class 1's orange, class 0's blue
GAP = 255  # the lookup table's transparent entry
EDGE_PICK = 0.12  # hover distance to an edge, in thumbnail widths
BIAS_PICK = 0.16  # hover distance to a bias mark, in thumbnail widths
BIAS_OFFSET = (-0.1, 0.9)  # a bias mark from a thumbnail's top left, in thumbnail widths
FEATURE_NAMES = BY_KEY["data.features"].control.options


def diverging_lut(positive=POSITIVE, negative=NEGATIVE) -> np.ndarray:
    """(256, 4) uint8: entries 0..254 run negative → white → positive colour for values
    −1..1; entry 255 is clear."""
    t = np.linspace(-1.0, 1.0, 255)[:, None]
    white = np.full(3, 255.0)
    positive, negative = np.asarray(positive, float), np.asarray(negative, float)
    rgb = np.where(t < 0, white + (negative - white) * -t, white + (positive - white) * t)
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


def most_active(maps: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k maps : (n, G, G) of largest mean |output|, in their own order."""
    if len(maps) <= k:
        return np.arange(len(maps))
    activity = np.nan_to_num(np.abs(maps).mean(axis=(1, 2)), nan=np.inf)
    return np.sort(np.argsort(-activity, kind="stable")[:k])


class DiagramLayout:
    """Which layers and units are drawn, and where: room for `columns` columns of `rows`
    thumbnails, for sizes (n_0, …, n_L). 1 unit of length = a thumbnail.

    `layers[c]` is the layer in column c; when the net has more layers than `columns`,
    the first and last ones are kept and a gap column after `gap_after` stands for the
    `skipped` layers between. `shown[c]` units of column c are drawn (its most active).
    Edges join the shown units of neighbouring layers: `edges` : (E, 4) x0, y0, x1, y1,
    in the order of `blocks` (column pairs (c − 1, c)), row-major within each.
    """

    def __init__(self, sizes: tuple[int, ...], columns: int, rows: int):
        self.sizes = tuple(sizes)
        n = len(sizes)
        columns = max(columns, 4)  # the inputs, a hidden layer, the gap, the output
        rows = max(1, min(rows, MAX_SHOWN_UNITS))
        if n <= columns:
            self.layers = list(range(n))
            self.gap_after, self.skipped = None, 0
        else:
            kept = columns - 1  # one column's room holds the gap
            head = math.ceil(kept / 2)
            self.layers = list(range(head)) + list(range(n - (kept - head), n))
            self.gap_after, self.skipped = head - 1, n - kept
        self.shown = [min(sizes[layer], rows) for layer in self.layers]
        tallest = max(self.shown)
        self.top = [(tallest - k) * PITCH_Y / 2 for k in self.shown]
        self.height = (tallest - 1) * PITCH_Y + 1
        self.x = [self._x(c) for c in range(len(self.layers))]
        self.width = self.x[-1] + 1
        self.blocks = [
            (c - 1, c)
            for c in range(1, len(self.layers))
            if self.layers[c] == self.layers[c - 1] + 1
        ]
        parts = []
        for a, b in self.blocks:
            i, j = np.meshgrid(np.arange(self.shown[a]), np.arange(self.shown[b]), indexing="ij")
            parts.append(
                np.stack(
                    [
                        np.full(i.size, self.x[a] + 1.0),
                        self.centre(a, i.ravel()),
                        np.full(i.size, self.x[b]),
                        self.centre(b, j.ravel()),
                    ],
                    axis=1,
                )
            )
        self.edges = np.concatenate(parts) if parts else np.empty((0, 4))

    def _x(self, column: int) -> float:
        after_gap = self.gap_after is not None and column > self.gap_after
        return (column + after_gap) * PITCH_X

    def gap_x(self) -> float | None:
        """The centre of the gap column, if there is one."""
        return None if self.gap_after is None else self._x(self.gap_after) + PITCH_X + 0.5

    def centre(self, column: int, row: np.ndarray) -> np.ndarray:
        return self.top[column] + row * PITCH_Y + 0.5

    def node_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(column, row) of the thumbnail under (x, y), or None."""
        for column, left in enumerate(self.x):
            if left <= x <= left + 1.0:
                offset = y - self.top[column]
                row = int(np.floor(offset / PITCH_Y))
                if 0 <= row < self.shown[column] and offset - row * PITCH_Y <= 1.0:
                    return column, row
                return None
        return None

    def bias_marks(self) -> np.ndarray:
        """(B, 4) x, y, column, row of the bias mark of every shown unit past the inputs."""
        marks = [
            (self.x[c] + BIAS_OFFSET[0], self.top[c] + row * PITCH_Y + BIAS_OFFSET[1], c, row)
            for c in range(len(self.layers))
            if self.layers[c] > 0
            for row in range(self.shown[c])
        ]
        return np.array(marks, dtype=float).reshape(-1, 4)

    def bias_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(column, row) of the unit whose bias mark is within BIAS_PICK of (x, y)."""
        marks = self.bias_marks()
        if not len(marks):
            return None
        dist = np.hypot(marks[:, 0] - x, marks[:, 1] - y)
        best = int(np.argmin(dist))
        return (int(marks[best, 2]), int(marks[best, 3])) if dist[best] < BIAS_PICK else None

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


def capacity(width_px: float, height_px: float, thumb_px: float) -> tuple[int, int]:
    """(columns, rows) of thumbnails at least `thumb_px` across that fit the pixels given."""
    columns = int((width_px / thumb_px - 1.0) / PITCH_X) + 1
    rows = int((height_px / thumb_px - 1.0 - LABEL_ROWS) / PITCH_Y) + 1
    return max(columns, 1), max(rows, 1)


def edge_buckets(values: np.ndarray) -> np.ndarray:
    """(E,) 0..len(WIDTHS)−1: 0 under NEAR_ZERO of the largest |value|, else 1 + which
    quarter of the largest each edge reaches."""
    size = np.abs(np.nan_to_num(values, posinf=0.0, neginf=0.0))
    top = size.max() if size.size else 0.0
    if top <= 0:
        return np.zeros(len(values), dtype=int)
    quarter = np.minimum((size / top * 4).astype(int), 3) + 1
    return np.where(size < NEAR_ZERO * top, 0, quarter)


def feature_label(name: str) -> str:
    """x₁, x₁², sin x₂, …: a feature as the controls name it."""
    return FEATURE_NAMES.get(name, name)


class DiagramView(DrawsSelectedRun, QWidget):
    name = "network"
    title = "Network"
    needs = Products(neurons=True)
    refresh_hz = 5.0  # edges cost several ms to paint; 5 redraws a second suffice
    edit_requested = Signal(int, object, float)  # run id, ParamRef, value
    undo_requested = Signal(int)  # run id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scale = 1.0
        self.run_id = 0
        self.editing: ParamRef | None = None  # the parameter in the editor
        self.left_room = 1.0  # room left of the inputs for their names, in thumbnail widths
        self._bias_marks = np.empty((0, 4))  # (x, y, column, row) of each bias mark
        self.hovered = None  # the view point the mouse is over, to describe each frame
        self.font_ = QFont()
        self.layout_: DiagramLayout | None = None
        self.sizes: tuple[int, ...] = ()
        self.features: tuple[str, ...] = ()
        self.neurons: Neurons | None = None
        self.picks: list[np.ndarray] = []  # per column: positions among neurons.units
        self.selected: tuple[int, int] | None = None  # (layer, unit index in the layer)
        self.lut = diverging_lut()
        self.gradients = QCheckBox("edges: gradients dW")
        self.gradients.setToolTip(
            "Edge width: |W| (the weights) or |dW| (the gradient of the last update)"
        )
        self.gradients.toggled.connect(lambda _: self._redraw())
        self.hover = QLabel(
            "Hover for a value; click a unit to enlarge it, an edge or a bias (▪) to set it."
        )
        self.hover.setWordWrap(True)
        self.editor = ParamEditor()
        self.editor.value_chosen.connect(self._chosen)
        self.editor.undo_asked.connect(lambda: self.undo_requested.emit(self.run_id))
        self.editor.hide()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.installEventFilter(self)  # a new height (the editor shown) re-fits
        bar = QHBoxLayout()
        bar.addWidget(self.gradients)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.editor)
        layout.addWidget(self.hover)
        self.vb = self.graphics.addViewBox(row=0, col=0)
        self.vb.setAspectLocked(True)
        self.vb.invertY(True)
        self.vb.setMenuEnabled(False)
        self.vb.setMouseEnabled(x=False, y=False)
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
        self.bias_items = pg.ScatterPlotItem(symbol="s", pxMode=True)
        self.bias_items.setZValue(2)
        self.vb.addItem(self.bias_items)
        self.feature_labels: list[pg.TextItem] = []
        self.graphics.scene().sigMouseMoved.connect(self._on_move)
        self.graphics.scene().sigMouseClicked.connect(self._on_click)
        self.set_scale(1.0, QFont())

    # ----- building -----

    def set_scale(self, scale: float, font: QFont) -> None:
        self.scale = scale
        self.font_ = QFont(font)
        for (b, sign), item in self.edge_items.items():
            r, g, bl = POSITIVE if sign > 0 else NEGATIVE
            pen = pg.mkPen((int(r), int(g), int(bl), ALPHAS[b]), width=WIDTHS[b] * scale)
            item.setPen(pen)
        self.large_plot.setTitle(self.large_plot.titleLabel.text, size=f"{font.pointSizeF():.1f}pt")
        self._fit()

    def set_run(self, info: RunInfo) -> None:
        self.run_id = info.run_id
        self.editing = None
        self.editor.hide()
        self.features = tuple(info.config.data.features)
        self.sizes = tuple(info.sizes)
        self.neurons = None
        self.selected = None
        self.large_plot.hide()
        self.layout_ = None
        self._fit()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.graphics and event.type() == QEvent.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        """Lay the diagram out anew when the room it has holds other columns or rows."""
        if not self.sizes:
            return
        graphics = self.graphics.size()
        thumb = THUMB_PX * self.scale
        names = QFontMetrics(scaled(self.font_, 0.85))
        widest = max(names.horizontalAdvance(feature_label(f)) for f in self.features)
        self.left_room = widest / thumb + 0.3  # the inputs' names, in thumbnail widths
        width = graphics.width() - 8 - (self.left_room + 0.3) * thumb
        columns, rows = capacity(width, graphics.height() * 0.72, thumb)
        layout = self.layout_
        wanted = DiagramLayout(self.sizes, columns, rows)
        if layout is None or (layout.layers, layout.shown) != (wanted.layers, wanted.shown):
            self._build(wanted)
            self._redraw()

    def _build(self, lay: DiagramLayout) -> None:
        self.layout_ = lay
        for item in (*self.columns, *self.labels, *self.feature_labels):
            self.vb.removeItem(item)
        self.columns, self.labels, self.feature_labels = [], [], []
        K = self.sizes[-1]
        font = scaled(self.font_, 0.85)
        for c, layer in enumerate(lay.layers):
            output = layer == len(self.sizes) - 1
            for _ in range(lay.shown[c] if output and K > 1 else 1):  # softmax: one per class
                column = pg.ImageItem(axisOrder="row-major")
                column.setLookupTable(self.lut)
                self.vb.addItem(column)
                self.columns.append(column)
            name = "in" if layer == 0 else ("out" if output else str(layer))
            more = self.sizes[layer] - lay.shown[c]
            label = pg.TextItem(name + (f"\n+{more}" if more else ""), anchor=(0.5, 0))
            label.setColor((40, 40, 40))
            label.setFont(font)
            label.setPos(lay.x[c] + 0.5, lay.height + 0.2)
            self.vb.addItem(label)
            self.labels.append(label)
        for row in range(lay.shown[0]):
            name = pg.TextItem(anchor=(1, 0.5))
            name.setColor((40, 40, 40))
            name.setFont(font)
            name.setPos(-0.1, float(lay.centre(0, np.array(row))))
            self.vb.addItem(name)
            self.feature_labels.append(name)
        if lay.gap_x() is not None:
            gap = pg.TextItem(f"⋯\n{lay.skipped}\nlayers\n⋯", anchor=(0.5, 0.5))
            gap.setColor((90, 90, 90))
            gap.setFont(font)
            gap.setPos(lay.gap_x(), lay.height / 2)
            self.vb.addItem(gap)
            self.labels.append(gap)
        for item in self.edge_items.values():
            item.setData([], [])
        self._bias_marks = lay.bias_marks()
        self.bias_items.setData(
            x=self._bias_marks[:, 0],
            y=self._bias_marks[:, 1],
            size=7 * self.scale,
            pen=pg.mkPen((60, 60, 60), width=self.scale),
        )
        left = self.left_room
        rect = QRectF(-left, -0.3, lay.width + left + 0.3, lay.height + LABEL_ROWS + 0.3)
        self.vb.setRange(rect, padding=0)
        self._fit_label_font(lay, font)

    def _fit_label_font(self, lay: DiagramLayout, font: QFont) -> None:
        """Column labels never overprint: wide numbers shrink to the column's pitch."""
        pitch_px = self.vb.width() / max(lay.width + self.left_room + 0.3, 1.0) * PITCH_X
        widest = QFontMetrics(font).horizontalAdvance(str(len(self.sizes)) + "+")
        if widest > pitch_px > 0:
            smaller = scaled(font, max(0.5, pitch_px / widest))
            for label in self.labels:
                label.setFont(smaller)

    def _lut(self, output: bool, k: int) -> np.ndarray:
        """A softmax output's unit k in class k's colour; every other unit orange / blue."""
        K = self.sizes[-1]
        if output and K > 1:
            r, g, b = CLASS_COLORS[k % len(CLASS_COLORS)]
            return diverging_lut((r, g, b), (170, 170, 170))
        return self.lut

    # ----- drawing -----

    def show_snapshot(self, snapshot: Snapshot) -> None:
        neurons = snapshot.neurons
        if neurons is None or self.layout_ is None or neurons.sizes != self.sizes:
            return
        self.neurons = neurons
        self._redraw()

    def _redraw(self) -> None:
        neurons, lay = self.neurons, self.layout_
        if neurons is None or lay is None:
            return
        G = neurons.maps[0].shape[-1]
        gap = round(G * (PITCH_Y - 1))
        self.picks = [
            most_active(neurons.maps[layer], k) for layer, k in zip(lay.layers, lay.shown)
        ]
        items = iter(self.columns)
        K = self.sizes[-1]
        for c, layer in enumerate(lay.layers):
            maps = neurons.maps[layer][self.picks[c]]
            if layer == len(self.sizes) - 1 and K > 1:  # one image per class colour
                strip = thumbnail_strip(maps, gap)
                for row, position in enumerate(self.picks[c]):
                    item = next(items)
                    item.setLookupTable(self._lut(True, int(neurons.units[layer][position])))
                    image = np.full_like(strip, GAP)
                    rows = slice(row * (G + gap), row * (G + gap) + G)
                    image[rows] = strip[rows]
                    self._place(item, image, lay, c, G)
            else:
                self._place(next(items), thumbnail_strip(maps, gap), lay, c, G)
        values = self.edge_values()
        buckets = edge_buckets(values)
        positive = values >= 0
        for (b, sign), item in self.edge_items.items():
            chosen = lay.edges[(buckets == b) & (positive == (sign > 0))]
            item.setData(chosen[:, [0, 2]].ravel(), chosen[:, [1, 3]].ravel())
        for label, position in zip(self.feature_labels, self.picks[0]):
            label.setText(feature_label(self.features[int(neurons.units[0][position])]))
        self._show_biases()
        self._show_selected()
        if self.hovered is not None:
            self.hover.setText(self.describe(self.hovered) or self.hover.text())
        self._show_editing()

    def _show_biases(self) -> None:
        """Each bias mark (placed by `_fit`) filled orange (positive) or blue (negative), as
        deep as |b| is against the largest shown."""
        marks = self._bias_marks
        values = np.array([self._bias(int(c), int(r)) for c, r in marks[:, 2:]], dtype=float)
        finite = np.abs(values[np.isfinite(values)])
        top = finite.max() if finite.size and finite.max() > 0 else 1.0
        depth = np.nan_to_num(np.clip(values / top, -1, 1))
        index = np.rint((depth + 1) * 127).astype(int)
        self.bias_items.setBrush([pg.mkBrush(*self.lut[i, :3]) for i in index])

    def _bias(self, column: int, row: int) -> float:
        layer, _ = self._unit_at(column, row)
        return float(self.neurons.biases[layer][self.picks[column][row]])

    @staticmethod
    def _place(item: pg.ImageItem, strip: np.ndarray, lay: DiagramLayout, c: int, G: int):
        item.setImage(strip, autoLevels=False, levels=(0, 255))
        item.setRect(QRectF(lay.x[c], lay.top[c], 1.0, strip.shape[0] / G))

    def edge_values(self) -> np.ndarray:
        """(E,) W (or dW) of every drawn edge, in `DiagramLayout.edges` order."""
        neurons, lay = self.neurons, self.layout_
        blocks = neurons.grads if self.gradients.isChecked() else neurons.weights
        parts = [
            blocks[lay.layers[b]][np.ix_(self.picks[a], self.picks[b])].ravel()
            for a, b in lay.blocks
        ]
        return np.concatenate(parts) if parts else np.empty(0)

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
        output = layer == len(self.sizes) - 1
        lut = self._lut(output, unit)
        self.large_image.setImage(strip, autoLevels=False, levels=(0, 255), lut=lut)
        self.large_plot.setTitle(title, size=f"{self.font_.pointSizeF():.1f}pt")
        self.large_plot.show()

    def show_unit(self, layer: int, unit: int) -> None:
        """Enlarge unit `unit` (its index in the layer) of layer `layer` below the diagram."""
        self.selected = (layer, unit)
        self._show_selected()

    def unit_name(self, layer: int, unit: int) -> str:
        """'input x₂', 'layer 3, unit 7', 'output, unit 1' (units counted from 1)."""
        if layer == 0:
            return f"input {feature_label(self.features[unit])}"
        where = "output" if layer == len(self.sizes) - 1 else f"layer {layer}"
        return f"{where}, unit {unit + 1}"

    def _unit_at(self, column: int, row: int) -> tuple[int, int]:
        """(layer, unit index in the layer) drawn at a column's row."""
        layer = self.layout_.layers[column]
        return layer, int(self.neurons.units[layer][self.picks[column][row]])

    # ----- the mouse -----

    def _on_move(self, pos) -> None:
        self.hovered = self.vb.mapSceneToView(pos)
        text = self.describe(self.hovered)
        if text:
            self.hover.setText(text)

    def _on_click(self, event) -> None:
        if self.layout_ is None or self.neurons is None:
            return
        point = self.vb.mapSceneToView(event.scenePos())
        hit = self.layout_.node_at(point.x(), point.y())
        if hit is not None:
            self.show_unit(*self._unit_at(*hit))
            return
        ref = self.param_at(point)
        if ref is not None:
            self.edit_parameter(ref)

    def param_at(self, point) -> ParamRef | None:
        """The weight (an edge) or bias (its mark) under `point` (view coordinates)."""
        lay = self.layout_
        if lay is None or self.neurons is None:
            return None
        bias = lay.bias_at(point.x(), point.y())
        if bias is not None:
            layer, unit = self._unit_at(*bias)
            return ParamRef(layer, None, unit)
        edge = lay.edge_at(point.x(), point.y())
        if edge is None:
            return None
        start = 0
        for a, b in lay.blocks:
            size = lay.shown[a] * lay.shown[b]
            if edge < start + size:
                i, j = divmod(edge - start, lay.shown[b])
                layer, unit = self._unit_at(b, j)
                return ParamRef(layer, self._unit_at(a, i)[1], unit)
            start += size
        return None

    def value_of(self, ref: ParamRef, gradient: bool = False) -> float | None:
        """The newest frame's value of a parameter among the shown units (its dW with
        `gradient`; a bias has none drawn), or None when it is not shown."""
        neurons = self.neurons
        if neurons is None or ref.layer >= len(neurons.units):
            return None
        cols = np.flatnonzero(neurons.units[ref.layer] == ref.unit)
        if not len(cols):
            return None
        if ref.row is None:
            return None if gradient else float(neurons.biases[ref.layer][cols[0]])
        rows = np.flatnonzero(neurons.units[ref.layer - 1] == ref.row)
        if not len(rows):
            return None
        blocks = neurons.grads if gradient else neurons.weights
        return float(blocks[ref.layer][rows[0], cols[0]])

    def edit_parameter(self, ref: ParamRef) -> None:
        """Open the editor on a parameter of the shown units."""
        value = self.value_of(ref)
        if value is None:
            return
        self.editing = ref
        block = self.neurons.biases if ref.row is None else self.neurons.weights
        finite = np.abs(block[ref.layer][np.isfinite(block[ref.layer])])
        self.editor.edit(self._param_title(ref), value, float(finite.max()) if finite.size else 1)

    def _param_title(self, ref: ParamRef) -> str:
        if ref.row is None:
            return f"{ref.name}, the bias of {self.unit_name(ref.layer, ref.unit)}"
        return ref.name

    def _show_editing(self) -> None:
        if self.editing is not None:
            value = self.value_of(self.editing)
            if value is not None:
                self.editor.show_value(value)

    def _chosen(self, value: float) -> None:
        if self.editing is not None:
            self.edit_requested.emit(self.run_id, self.editing, value)

    def describe(self, point) -> str:
        """What is under `point` (view coordinates): a unit's output range, or an edge's
        or a bias's value."""
        lay, neurons = self.layout_, self.neurons
        if lay is None or neurons is None:
            return ""
        hit = lay.node_at(point.x(), point.y())
        if hit is not None:
            column, row = hit
            layer, unit = self._unit_at(column, row)
            m = neurons.maps[layer][self.picks[column][row]]
            name = self.unit_name(layer, unit)
            finite = m[np.isfinite(m)]
            if not finite.size:
                return f"{name}: no finite output (the network diverged)"
            return f"{name}: output from {finite.min():.3g} to {finite.max():.3g} over the plane"
        ref = self.param_at(point)
        if ref is None:
            return ""
        if ref.row is None:
            return f"{ref.name} = {self.value_of(ref):.4g}: the bias of " + self.unit_name(
                ref.layer, ref.unit
            )
        gradient = self.gradients.isChecked()
        value = self.value_of(ref, gradient)
        source = self.unit_name(ref.layer - 1, ref.row)
        return (
            f"{'d' if gradient else ''}{ref.name} = {value:.4g}: from {source} to "
            f"{self.unit_name(ref.layer, ref.unit)}"
        )
