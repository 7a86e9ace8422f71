"""Fonts and caching for pyqtgraph plots.

Plots do not follow the application font by themselves, and every frame that redraws a
view would re-render the text of its axes: caching them as pixmaps makes an unchanged
axis a blit."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem


def scaled(font: QFont, factor: float) -> QFont:
    out = QFont(font)
    out.setPointSizeF(font.pointSizeF() * factor)
    return out


def apply_font(plot: pg.PlotItem, font: QFont) -> None:
    """Tick labels, axis labels, title and legend of `plot` in `font` (ticks a bit smaller)."""
    tick = scaled(font, 0.85)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setStyle(tickFont=tick)
        axis.label.setFont(font)
    if plot.titleLabel.text:
        plot.titleLabel.setText(plot.titleLabel.text, size=f"{font.pointSizeF() * 1.1:.1f}pt")
    if plot.legend is not None:
        apply_legend_font(plot.legend, font)


def apply_legend_font(legend: pg.LegendItem, font: QFont) -> None:
    legend.setLabelTextSize(f"{font.pointSizeF() * 0.9:.1f}pt")
    for _, label in legend.items:
        label.setText(label.text)


def cache_axes(plot: pg.PlotItem) -> None:
    """Keep each axis (ticks and labels) as a pixmap, re-rendered only when it changes."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
