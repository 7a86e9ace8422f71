"""Legends as a line of text above a plot, so that no legend box covers a curve or point.

Each entry is a short sample of the line in its colour and dash, then its label:
`legend_html([("train", (0, 114, 178), Qt.SolidLine), …])`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

SAMPLES = {Qt.SolidLine: "━━", Qt.DashLine: "╸╸╸", Qt.DotLine: "┅┅", None: "●"}


def legend_html(entries: list[tuple[str, tuple[int, int, int], object]]) -> str:
    parts = []
    for label, (r, g, b), dash in entries:
        sample = SAMPLES.get(dash, "━━")
        parts.append(f"<span style='color:rgb({r},{g},{b})'>{sample}</span>&nbsp;{label}")
    return "&nbsp;&nbsp;&nbsp; ".join(parts)
