"""Ridgelines: one filled histogram per layer, stacked top (input side) to bottom (output).

Row r (layer r + 1) sits on the baseline y = r + 1 of an inverted y axis, its bins drawn
upwards with height 0.85 · √(hist[r] / max(hist[r])) (the square root keeps a relu layer's
tails visible beside its spike at zero), so rows never overlap however many
there are; every row shares the x axis (the engine's shared bin edges), so a layer whose
values spread wider draws a wider ridge. The item builds one path per row when given new
data and paints them with a brush per row: a frame costs L small polygons.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainterPath

HEIGHT = 0.85


def ridge_outline(hist: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Staircase outlines (L, 2·BINS + 2) of x and of y − baseline, heights in [0, HEIGHT]."""
    L, bins = hist.shape
    peak = hist.max(axis=1, keepdims=True)
    h = np.sqrt(np.divide(hist, peak, out=np.zeros_like(hist), where=peak > 0)) * HEIGHT
    x = np.concatenate([edges[:1], np.repeat(edges, 2)[1:-1], edges[-1:]])
    y = np.concatenate([np.zeros((L, 1)), np.repeat(h, 2, axis=1), np.zeros((L, 1))], axis=1)
    return np.broadcast_to(x, y.shape), -y


def occupied_range(hist: np.ndarray, edges: np.ndarray) -> tuple[float, float]:
    """(lo, hi) of the bins any row uses, or the whole edge range when all are empty."""
    used = np.flatnonzero(hist.sum(axis=0) > 0)
    if not len(used):
        return float(edges[0]), float(edges[-1])
    return float(edges[used[0]]), float(edges[used[-1] + 1])


class Ridges(pg.GraphicsObject):
    def __init__(self):
        super().__init__()
        self._paths: list[QPainterPath] = []
        self._brushes: list[QColor] = []
        self._pen = pg.mkPen((40, 40, 40), width=1, cosmetic=True)
        self._rect = QRectF()

    def __len__(self) -> int:
        """Rows drawn: one per layer."""
        return len(self._paths)

    def set_colors(self, colors: list[QColor]) -> None:
        self._brushes = colors
        self.update()

    def set_data(self, hist: np.ndarray, edges: np.ndarray) -> None:
        """hist : (L, BINS) fractions per bin, edges : (BINS + 1,) shared by every row."""
        x, y = ridge_outline(hist, edges)
        self.prepareGeometryChange()
        self._paths = [
            pg.arrayToQPath(x[r], y[r] + r + 1, finiteCheck=False) for r in range(len(y))
        ]
        for path in self._paths:
            path.closeSubpath()
        self._rect = QRectF(float(edges[0]), 0.0, float(edges[-1] - edges[0]), len(y) + 0.5)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, *args) -> None:
        painter.setPen(self._pen)
        for row, path in enumerate(self._paths):
            if self._brushes:
                painter.setBrush(self._brushes[row % len(self._brushes)])
            painter.drawPath(path)
