"""Help → About: the version, what it runs on, where the settings are, and the licences.

DeepDials 0.2.0 · MIT licence
Python 3.11.7 · Qt 6.11.2 (PySide6 6.11.2) · NumPy 2.4.6 · pyqtgraph 0.14.0
Settings: ~/.config/DeepDials/DeepDials.ini
[the components | the chosen one's licence texts]
"""

from __future__ import annotations

import html
import platform

import numpy
import pyqtgraph
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
)

from deepdials.app.notices import shown_notices
from deepdials.core import __version__

SIZE = (980, 620)  # within the classroom's 1280×800


def versions() -> str:
    return (
        f"Python {platform.python_version()} · Qt {qVersion()} (PySide6 {PySide6.__version__})"
        f" · NumPy {numpy.__version__} · pyqtgraph {pyqtgraph.__version__}"
    )


class AboutDialog(QDialog):
    """What DeepDials is built on, with the licence texts it ships (see `app.notices`)."""

    def __init__(self, settings_file: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("About DeepDials")
        self.summary = QLabel(
            f"<b>DeepDials {__version__}</b> · MIT licence<br>{versions()}<br>"
            f"Settings: {html.escape(settings_file)}<br>"
            "It ships with these components and their licences:"
        )
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.summary.setWordWrap(True)
        self.notices = shown_notices()
        self.components = QListWidget()
        self.components.addItems([title for title, _ in self.notices])
        self.licence = QPlainTextEdit()
        self.licence.setReadOnly(True)
        self.licence.setLineWrapMode(QPlainTextEdit.NoWrap)  # the texts are laid out by hand
        fixed = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        fixed.setPointSizeF(self.font().pointSizeF())  # large in projector mode too
        self.licence.setFont(fixed)
        self.components.currentRowChanged.connect(
            lambda row: self.licence.setPlainText(self.notices[row][1])
        )
        self.components.setCurrentRow(0)
        split = QSplitter()
        split.addWidget(self.components)
        split.addWidget(self.licence)
        split.setStretchFactor(1, 1)
        split.setSizes([self.components.sizeHintForColumn(0) + 30, SIZE[0]])
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.addButton("About Qt", QDialogButtonBox.HelpRole).clicked.connect(
            lambda: QMessageBox.aboutQt(self)
        )
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.resize(*SIZE)
