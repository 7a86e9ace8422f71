"""The lessons: the text of the loaded preset beside the boundary, its steps, and
Previous / Next.

A preset `NAME.json` has a `NAME.md` beside it: a `# Title` and an explanation with its
formula written out; what the class is to look for is in the steps of its
`lesson.steps`, listed under the explanation with the current one marked, and shown
large with Back and Next step in the step bar above it. The lessons are the presets
named in `resources/lessons.txt`, in that order. A config opened from anywhere else shows
its own `.md` if it has one.

The text comes from files that travel between machines, so it is read as untrusted: the
`.md` must be a regular local file under a size limit (never a device, a pipe or a link
loop, which could block or exhaust the window), and it is turned into HTML here, from a
small Markdown subset (`app.lesson_markup`), never by Qt's own readers. Its images are
read here too, before Qt sees the HTML: regular files inside the lesson's folder, small in
bytes and in pixels, at most MAX_IMAGES of them; the document gets those and, for any
other name it asks for, an empty image, never nothing (which would let it read the name
itself).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QFont, QImage, QImageReader, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.lesson_markup import lesson_html, paragraph_margin
from deepdials.app.session import Session
from deepdials.app.style.elided_label import ElidedLabel
from deepdials.core.config.files import MAX_CONFIG_BYTES
from deepdials.core.errors import InputError
from deepdials.core.lessons.player import Stage
from deepdials.core.safe_files import read_file, read_text
from deepdials.resources import PRESETS, lesson_names

MAX_TEXT_BYTES = 32_000  # over twenty times the longest lesson
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 1_000_000
MAX_IMAGE_PIXELS = 500_000  # 800 x 625
IMAGE_FORMATS = (b"png", b"jpeg", b"gif", b"bmp")
IMAGE_URL = "lesson-image:{}"
NO_TEXT = "This config has no description."
STEP_TEXT_SCALE = 1.15  # the step's text, against the window's font
NOW = "▶"  # marks the step on screen in the lesson's list of steps


def description_path(config_path: Path) -> Path:
    return Path(config_path).with_suffix(".md")


def lesson_paths() -> list[Path]:
    return [PRESETS / f"{name}.json" for name in lesson_names()]


def read_small_file(path: Path, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes, else None
    (`core.safe_files.read_file`, its refusal as None)."""
    try:
        return read_file(path, limit)
    except InputError:
        return None


def description(config_path: Path | None) -> str | None:
    """The Markdown text beside a config, or None."""
    if config_path is None:
        return None
    try:
        return read_text(description_path(config_path), MAX_TEXT_BYTES)
    except InputError:
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


def _shown_text(config_path: Path | None) -> str:
    """The description, or what stands for it: NO_TEXT, or why it is not shown."""
    path = description_path(config_path) if config_path is not None else None
    if path is None or not os.path.lexists(path):
        return NO_TEXT
    try:
        return read_text(path, MAX_TEXT_BYTES)
    except InputError as exc:
        return f"The description is not shown: {exc}."


def lesson_image(folder: Path, name: str) -> QImage | None:
    """The picture in the file `name` inside `folder` (a relative name, no URL), if that is
    a regular file of at most MAX_IMAGE_BYTES holding a PNG, JPEG, GIF or BMP image of at
    most MAX_IMAGE_PIXELS; else None. The size is read from the header, before decoding."""
    if ":" in name or name.startswith(("/", "\\")):
        return None
    try:
        path = (folder / name).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    data = read_small_file(path, MAX_IMAGE_BYTES) if path.is_relative_to(folder) else None
    if data is None:
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if reader.format().data() not in IMAGE_FORMATS or not size.isValid():
        return None
    if size.width() * size.height() > MAX_IMAGE_PIXELS:
        return None
    image = reader.read()
    return None if image.isNull() else image


class LessonText(QTextBrowser):
    """The loaded config's description, as HTML made by `lesson_html`; links open in the
    browser (http and https only), images come from `lesson_image`."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open_link)
        self._folder: Path | None = None
        self._text = NO_TEXT
        self._steps: list[str] = []  # each step's text, one line
        self._current = 0  # the step on screen, from 1
        self._images: dict[str, QImage] = {}  # by URL, in the document shown
        self._read: dict[str, QImage | None] = {}  # by name, for the config shown
        self._nothing = QImage(1, 1, QImage.Format_ARGB32)
        self._nothing.fill(0)
        session.source_changed.connect(self.show_config)
        self.show_config(None)

    def show_config(self, config_path: Path | None) -> None:
        """The description without its `# Title` (the lesson navigator shows that)."""
        self._folder = Path(config_path).resolve().parent if config_path else None
        self._read = {}
        self._text = _shown_text(config_path)
        if self._text.startswith("# "):
            self._text = self._text.partition("\n")[2].lstrip("\n")
        self._render()

    def show_step(self, stage: Stage | None, texts: list[str]) -> None:
        """List the steps' `texts` under the explanation, the one of `stage` marked."""
        self._steps = [" ".join(text.split()) for text in texts]
        self._current = stage.number if stage is not None else 0
        self._render()

    def _markdown(self) -> str:
        """The explanation, then the steps, the current one marked."""
        if not self._steps:
            return self._text
        items = [
            f"{n}. {NOW} **Now:** {text}" if n == self._current else f"{n}. {text}"
            for n, text in enumerate(self._steps, start=1)
        ]
        return self._text.rstrip() + "\n\n## Steps\n\n" + "\n".join(items) + "\n"

    def _render(self) -> None:
        self._images = {}
        margin = paragraph_margin(self.document().defaultFont().pointSizeF())
        self.setHtml(lesson_html(self._markdown(), self._image, margin))

    def _image(self, name: str) -> str | None:
        if self._folder is None or len(self._images) >= MAX_IMAGES:
            return None
        if name not in self._read:  # read once: a new font draws the text again, not them
            self._read[name] = lesson_image(self._folder, name)
        image = self._read[name]
        if image is None:
            return None
        url = IMAGE_URL.format(len(self._images))
        self._images[url] = image
        return url

    def loadResource(self, kind: int, url: QUrl):
        """The images `show_config` read; for anything else an empty image (or text)."""
        if kind == QTextDocument.ImageResource:
            return self._images.get(url.toString(), self._nothing)
        return QByteArray(b" ")

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def set_scale(self, scale: float, font: QFont) -> None:
        self.setFont(font)
        self.document().setDefaultFont(font)
        self._render()  # the margins follow the font


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


class StepBar(QWidget):
    """Above the lesson's text: Back, "Step 2 of 5", Next step, and the step's text, large
    (its Markdown as the lesson text reads it), scrolled when it is longer than the room
    it has: it never takes the boundary's. Hidden for an experiment without steps."""

    def __init__(self, back: QAction, forward: QAction, parent: QWidget | None = None):
        super().__init__(parent)
        self.back = QToolButton()
        self.back.setDefaultAction(back)
        self.forward = QToolButton()
        self.forward.setDefaultAction(forward)
        self.forward.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.position = QLabel()
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setFrameShape(QTextBrowser.NoFrame)
        self.text.viewport().setAutoFillBackground(False)
        self.text.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)
        row = self._row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.back)
        row.addWidget(self.position)
        row.addStretch(1)
        row.addWidget(self.forward)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)
        self._markdown = ""
        self.set_scale(1.0, self.font())
        self.setVisible(False)

    def show_step(self, stage: Stage | None, count: int) -> None:
        self.setVisible(stage is not None)
        if stage is None:
            return
        self.position.setText(f"Step {stage.number} of {count}")
        self._markdown = stage.step.text
        self._render()

    def _render(self) -> None:
        self.text.setHtml(lesson_html(self._markdown, lambda _name: None, 0))
        self._fit_height()

    def _fit_height(self) -> None:
        """No taller than its text at its width: the room left goes to the explanation."""
        document = self.text.document()
        document.setTextWidth(self.text.viewport().width())
        margins = self.text.contentsMargins()
        height = document.size().height() + margins.top() + margins.bottom()
        text = max(int(height) + 2, self.fontMetrics().height())
        self.text.setMaximumHeight(text)
        layout = self.layout().contentsMargins()
        row = self._row.sizeHint().height() + self.layout().spacing()
        self.setMaximumHeight(layout.top() + row + text + layout.bottom())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def set_scale(self, scale: float, font: QFont) -> None:
        self.setFont(font)
        large = QFont(font)
        large.setPointSizeF(font.pointSizeF() * STEP_TEXT_SCALE)
        self.text.setFont(large)
        self.text.document().setDefaultFont(large)
        self._render()
