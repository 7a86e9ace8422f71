"""Images the user exports, written as every user file is (`core.safe_files`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QPixmap

from deepdials.core.safe_files import write_atomically


def write_png(image: QImage | QPixmap, path: str | Path) -> None:
    """Encode `image` as PNG in memory, then write it to `path` through a file beside it:
    a failure leaves the earlier file. `InputError` for a target that is not a regular
    file, OSError when it cannot be written."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise OSError(f"{path}: the image could not be encoded")
    buffer.close()
    write_atomically(path, data.data())
