"""Render resources/icons/deepdials.svg to the PNG sizes that desktops and the window use.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

Run it after editing the SVG and commit the PNGs it writes next to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "deepdials.svg"))
    if not renderer.isValid():
        print(f"make_icons: cannot read {ICONS / 'deepdials.svg'}", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format_ARGB32)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"deepdials-{size}.png"
        image.save(str(path), "PNG")
        print(path.relative_to(ICONS.parent.parent))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
