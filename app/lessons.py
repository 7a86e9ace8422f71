"""The Lesson tab: what the loaded preset is about, and a browser through the lessons.

A preset `NAME.json` may have a `NAME.md` beside it: a `# Title`, an explanation with its
formula written out, and a `## What to look for` section. The lessons are the presets
named in `resources/lessons.txt`, in that order; Previous and Next open them in turn.
A config opened from anywhere else shows its own `.md` if it has one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.session import Session
from resources import PRESETS, lesson_names

NO_TEXT = (
    "This config has no description. The lessons (Previous / Next above, or the Presets "
    "menu) each tell one story of the lecture here."
)


def description_path(config_path: Path) -> Path:
    return Path(config_path).with_suffix(".md")


def lesson_paths() -> list[Path]:
    return [PRESETS / f"{name}.json" for name in lesson_names()]


def markdown_title(config_path: Path) -> str | None:
    """The `# Title` of the preset's description, if it has one."""
    try:
        first = description_path(config_path).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return None
    return first[2:].strip() if first.startswith("# ") else None


class LessonPage(QWidget):
    title = "Lesson"

    open_requested = Signal(object)  # the Path of a lesson's preset to open

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        session.source_changed.connect(self.show_config)
        self.lessons = lesson_paths()
        self.index: int | None = None
        self.previous = QPushButton("◀ Previous")
        self.next = QPushButton("Next ▶")
        self.previous.setToolTip("Open the previous lesson")
        self.next.setToolTip("Open the next lesson")
        self.position = QLabel()
        self.position.setAlignment(Qt.AlignCenter)
        bar = QHBoxLayout()
        bar.addWidget(self.previous)
        bar.addWidget(self.position, 1)
        bar.addWidget(self.next)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.browser)
        self.previous.clicked.connect(lambda: self._step(-1))
        self.next.clicked.connect(lambda: self._step(+1))
        self.show_config(None)

    def show_config(self, config_path: Path | None) -> None:
        """Show the description next to `config_path` and where it sits among the lessons."""
        resolved = Path(config_path).resolve() if config_path is not None else None
        paths = [p.resolve() for p in self.lessons]
        self.index = paths.index(resolved) if resolved in paths else None
        md = description_path(config_path) if config_path is not None else None
        try:
            text = md.read_text(encoding="utf-8") if md is not None else NO_TEXT
        except OSError:
            text = NO_TEXT
        self.browser.setMarkdown(text)
        if self.index is None:
            self.position.setText(f"{len(self.lessons)} lessons")
        else:
            self.position.setText(f"Lesson {self.index + 1} of {len(self.lessons)}")
        self.previous.setEnabled(self.index is None or self.index > 0)
        self.next.setEnabled(self.index is None or self.index < len(self.lessons) - 1)

    def _step(self, delta: int) -> None:
        target = 0 if self.index is None else self.index + delta
        if 0 <= target < len(self.lessons):
            self.open_requested.emit(self.lessons[target])

    def set_scale(self, scale: float, font: QFont) -> None:
        self.browser.setFont(font)
