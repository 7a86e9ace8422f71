"""Legends as a line of text above a plot, so that no legend box covers a curve or point.

Each entry is a short sample of the line in its colour and dash, then its label:
`legend_html([("train", (0, 114, 178), Qt.SolidLine), …])`. An entry never breaks
across lines, and a label (a compared run's, from a file) is text, never markup.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt

SAMPLES = {
    Qt.SolidLine: "━━",
    Qt.DashLine: "╸╸╸",
    Qt.DotLine: "┅┅",
    Qt.DashDotLine: "━·━",
    None: "●",
}


def legend_html(entries: list[tuple[str, tuple[int, int, int], object]]) -> str:
    parts = []
    for label, (r, g, b), dash in entries:
        sample = SAMPLES.get(dash, "━━")
        text = html.escape(label).replace(" ", "&nbsp;")
        parts.append(f"<span style='color:rgb({r},{g},{b})'>{sample}</span>&nbsp;{text}")
    return "&nbsp;&nbsp;&nbsp; ".join(parts)
