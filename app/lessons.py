"""The lessons: the text of the loaded preset beside the boundary, and Previous / Next.

A preset `NAME.json` has a `NAME.md` beside it: a `# Title`, an explanation with its
formula written out, and a `## What to look for` section. The lessons are the presets
named in `resources/lessons.txt`, in that order. A config opened from anywhere else shows
its own `.md` if it has one.

The text comes from files that travel between machines, so it is read as untrusted: the
`.md` and every image it names must be a regular local file under a size limit (never a
device, a pipe or a link loop, which could block or exhaust the window).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QTextBrowser, QToolButton, QWidget

from app.session import Session
from app.style.elided_label import ElidedLabel
from core.config.files import MAX_CONFIG_BYTES
from resources import PRESETS, lesson_names

MAX_TEXT_BYTES = 200_000
MAX_IMAGE_BYTES = 2_000_000
NO_TEXT = "This config has no description."


def description_path(config_path: Path) -> Path:
    return Path(config_path).with_suffix(".md")


def lesson_paths() -> list[Path]:
    return [PRESETS / f"{name}.json" for name in lesson_names()]


def read_small_file(path: Path, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes, else None."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except (OSError, ValueError):
        return None
    return data if len(data) <= limit else None


def description(config_path: Path | None) -> str | None:
    """The Markdown text beside a config, or None."""
    if config_path is None:
        return None
    data = read_small_file(description_path(config_path), MAX_TEXT_BYTES)
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def markdown_title(config_path: Path) -> str | None:
    """The `# Title` of the preset's description, if it has one."""
    text = description(config_path)
    first = text.splitlines()[0] if text else ""
    return first[2:].strip() if first.startswith("# ") else None


def config_content(config_path: Path) -> object | None:
    """The parsed JSON of a config file, or None if it is not a small readable JSON file."""
    data = read_small_file(config_path, MAX_CONFIG_BYTES)
    try:
        return json.loads(data) if data is not None else None
    except ValueError:  # not UTF-8, or not JSON
        return None


def lesson_index(config_path: Path | None, lessons: list[object]) -> int | None:
    """Which lesson a config file is, by its content (`lessons`: each lesson's parsed JSON),
    so that a checkout's copy of a preset is that lesson as much as the installed one."""
    if config_path is None:
        return None
    content = config_content(Path(config_path))
    return lessons.index(content) if content is not None and content in lessons else None


class LessonText(QTextBrowser):
    """The loaded config's description; images only from small regular local files."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self._folder: Path | None = None
        session.source_changed.connect(self.show_config)
        self.show_config(None)

    def show_config(self, config_path: Path | None) -> None:
        """The description without its `# Title` (the lesson navigator shows that)."""
        self._folder = Path(config_path).resolve().parent if config_path else None
        text = description(config_path) or NO_TEXT
        if text.startswith("# "):
            text = text.partition("\n")[2].lstrip("\n")
        self.setMarkdown(text)

    def loadResource(self, kind: int, url: QUrl):
        if kind != QTextDocument.ImageResource or self._folder is None:
            return None
        if url.scheme() not in ("", "file"):
            return None  # nothing from the network
        path = Path(url.toLocalFile() or url.path())
        data = read_small_file(path if path.is_absolute() else self._folder / path, MAX_IMAGE_BYTES)
        return data

    def set_scale(self, scale: float, font: QFont) -> None:
        self.setFont(font)
        self.document().setDefaultFont(font)


class LessonNavigator(QWidget):
    """◀ Lesson 3 of 25: its title ▶, for the toolbar; asks for a lesson by its path.

    A config is a lesson if it says what the lesson's preset says, wherever the file is.
    """

    open_requested = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.lessons = lesson_paths()
        self._contents = [config_content(path) for path in self.lessons]
        self.index: int | None = None
        self.previous = QToolButton()
        self.previous.setText("◀")
        self.previous.setToolTip("The previous lesson")
        self.next = QToolButton()
        self.next.setText("▶")
        self.next.setToolTip("The next lesson")
        self.position = ElidedLabel(min_chars=12)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.previous)
        layout.addWidget(self.position, 1)
        layout.addWidget(self.next)
        self.previous.clicked.connect(lambda: self._step(-1))
        self.next.clicked.connect(lambda: self._step(+1))
        session.source_changed.connect(self.show_config)
        self.show_config(None)

    def show_config(self, config_path: Path | None) -> None:
        self.index = lesson_index(config_path, self._contents)
        n = len(self.lessons)
        if self.index is None:
            self.position.setText(f"{n} lessons")
            self.position.setToolTip("▶ opens the first lesson")
        else:
            title = markdown_title(self.lessons[self.index]) or ""
            self.position.setText(f"Lesson {self.index + 1} of {n}: {title}")
            self.position.setToolTip(title)
        self.previous.setEnabled(self.index is not None and self.index > 0)
        self.next.setEnabled(self.index is None or self.index < n - 1)

    def _step(self, delta: int) -> None:
        target = 0 if self.index is None else self.index + delta
        if 0 <= target < len(self.lessons):
            self.open_requested.emit(self.lessons[target])
