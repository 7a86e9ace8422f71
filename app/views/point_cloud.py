"""Many points in a few styles, drawn with one call: the boundary's data points.

pyqtgraph's ScatterPlotItem works out every point's style in Python at each setData, a few
µs a point whether the styles differ or not: 0.4–1.2 s on the GUI thread for the 140,000
points of 20,000 points with augment 10. Here each point is an index into a short list of
styles (symbol, size, pen, brush); each style is rendered once into an atlas pixmap, and a
paint maps all points to the device in NumPy and hands them to one
QPainter.drawPixmapFragments, in the given order (a later point lies on top). The symbols
are pyqtgraph's own (`renderSymbol`), drawn as ScatterPlotItem draws them, so the points
look as they did.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import renderSymbol
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen, QPixmap
from shiboken6 import wrapInstance

# one QPainter.PixmapFragment: x, y (centre), source left, top, width, height, scale x,
# scale y, rotation, opacity; all qreal
FRAGMENT_FIELDS = 10


class PointCloud(pg.GraphicsObject):
    """Points xy : (n, 2) in data coordinates, each drawn in styles[style[i]], in order."""

    def __init__(self):
        super().__init__()
        self._xy = np.zeros((0, 2))
        self._style = np.zeros(0, dtype=np.intp)
        self._styles: list[tuple[str, float, QPen, object]] = []
        self._atlas: QPixmap | None = None
        self._atlas_dpr = 0.0
        self._source = np.zeros((0, 4))  # per style: left, top, width, height in the atlas
        self._fragments = np.zeros((0, FRAGMENT_FIELDS))
        self._bounds: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1
        self._padding = 0.0  # half the largest symbol, in pixels

    def __len__(self) -> int:
        return len(self._style)

    def set_points(self, xy: np.ndarray, style: np.ndarray, styles: list[tuple]) -> None:
        """Draw xy : (n, 2) with styles[style[i]]; a style is (symbol, size in pixels, pen,
        brush), symbol one of pyqtgraph's names ("o", "s", "d", "x", …)."""
        self.prepareGeometryChange()
        self._xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._style = np.asarray(style, dtype=np.intp)
        if styles != self._styles:
            self._styles = list(styles)
            self._atlas = None
        used = [self._styles[k] for k in np.unique(self._style)]
        self._padding = max((size + pen.widthF() for _, size, pen, _ in used), default=0) / 2
        if len(self._xy):
            (x0, y0), (x1, y1) = self._xy.min(axis=0), self._xy.max(axis=0)
            self._bounds = (float(x0), float(x1), float(y0), float(y1))
        else:
            self._bounds = None
        self.update()

    # ----- geometry, as pyqtgraph's items report it -----

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        if self._bounds is None:
            return (None, None)
        return self._bounds[2 * ax : 2 * ax + 2]

    def pixelPadding(self) -> float:
        return self._padding

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            return QRectF()
        x0, x1, y0, y1 = self._bounds
        px = py = 0.0
        vectors = self.pixelVectors()
        if vectors[0] is not None:
            px = vectors[0].length() * (self._padding + 1)
            py = vectors[1].length() * (self._padding + 1)
        return QRectF(x0 - px, y0 - py, x1 - x0 + 2 * px, y1 - y0 + 2 * py)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()  # the padding is in pixels: the rect in data units moves
        super().viewTransformChanged()

    # ----- drawing -----

    def _render_atlas(self, dpr: float) -> None:
        """Every style's symbol side by side in one pixmap, at the device's pixel ratio."""
        images = [renderSymbol(*style, dpr=dpr) for style in self._styles]
        width = sum(image.width() for image in images)
        height = max(image.height() for image in images)
        atlas = QImage(max(width, 1), max(height, 1), QImage.Format_ARGB32_Premultiplied)
        atlas.fill(Qt.transparent)
        painter = QPainter(atlas)
        self._source = np.zeros((len(images), 4))
        left = 0
        for k, image in enumerate(images):
            image.setDevicePixelRatio(1.0)
            painter.drawImage(left, 0, image)
            self._source[k] = (left, 0, image.width(), image.height())
            left += image.width()
        painter.end()
        self._atlas = QPixmap.fromImage(atlas)
        self._atlas_dpr = dpr

    def paint(self, painter: QPainter, option, widget=None) -> None:
        n = len(self._style)
        if n == 0:
            return
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        if self._atlas is None or dpr != self._atlas_dpr:
            self._render_atlas(dpr)
        t = painter.transform()
        x, y = self._xy[:, 0], self._xy[:, 1]
        if len(self._fragments) < n:
            self._fragments = np.empty((n, FRAGMENT_FIELDS))
        frags = self._fragments[:n]
        frags[:, 0] = t.m11() * x + t.m21() * y + t.dx()
        frags[:, 1] = t.m12() * x + t.m22() * y + t.dy()
        np.clip(frags[:, :2], -(2.0**30), 2.0**30, out=frags[:, :2])  # Qt overflows beyond
        frags[:, 2:6] = self._source[self._style]
        frags[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)
        painter.resetTransform()
        first = wrapInstance(frags.ctypes.data, QPainter.PixmapFragment)
        painter.drawPixmapFragments(first, n, self._atlas)
