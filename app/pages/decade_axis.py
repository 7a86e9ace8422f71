"""A log axis whose tick labels never run together at any font size.

pyqtgraph's log axis labels every minor tick (2, 3, … 9 × a decade) when fewer than three
major levels fit, and log spacing crowds them towards the next decade, so with large
fonts the labels overlap. Here the decades are labelled, 2 and 5 × a decade only where
their labels fit with an em between them, and the other minor ticks are drawn bare.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

LABELLED = (2, 5)  # the minor ticks labelled when there is room: 1-2-5 steps
BARE = (3, 4, 6, 7, 8, 9)
NARROWEST = math.log10(2)  # decades between neighbouring labels of 1, 2, 5, 10 × a decade


def value_text(exponent: float) -> str:
    """The value at log10 position `exponent`: 0.01, 0.2, 5, 20."""
    return f"{10.0**exponent:.3g}"


class DecadeAxis(pg.AxisItem):
    def logTickValues(self, minVal, maxVal, size, stdTicks):
        """The standard levels whose spacing is a decade or more, then, when they are fewer
        than three, 2 and 5 × a decade (a labelled level if their labels fit) and the rest."""
        ticks = [(spacing, values) for spacing, values in stdTicks if spacing >= 1.0]
        if len(ticks) >= 3:
            return ticks
        decades = range(math.floor(minVal), math.ceil(maxVal))
        if not ticks:  # under two decades: the standard levels are all finer than one
            ticks = [(1.0, [float(d) for d in decades if minVal <= d <= maxVal])]

        def inside(multiples):
            at = [d + math.log10(m) for d in decades for m in multiples]
            return [v for v in at if minVal < v < maxVal]

        two_five, bare = inside(LABELLED), inside(BARE)
        if self._fits(two_five, minVal, maxVal, size):
            return [*ticks, (None, two_five), (None, bare)]
        return [*ticks, (None, sorted(two_five + bare))]

    def _fits(self, values, minVal, maxVal, size) -> bool:
        if not values or maxVal <= minVal:
            return False
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        widest = max(metrics.horizontalAdvance(value_text(v)) for v in values)
        per_decade = size / (maxVal - minVal)
        return NARROWEST * per_decade >= widest + metrics.horizontalAdvance("M")

    def logTickStrings(self, values, scale, spacing):
        """Decades and the labelled level's values; the bare level's ticks get no text."""
        if spacing is None and any(_multiple(v) in BARE for v in values):
            return ["" for _ in values]
        return [value_text(v) for v in values]


def _multiple(exponent: float) -> int:
    """3 for log10(0.03): the leading digit of the value at `exponent`."""
    return round(10.0 ** (exponent - math.floor(exponent + 1e-9)))
