"""Hostile lesson texts, by generator, and a child process that opens each in LessonText.

Each case writes `NAME.json` and `NAME.md` (and any files its images name) into a folder
and says what the text must show. `python -m tests.hostile_lessons FOLDER [CASE...]`
opens every case (or those named) in turn on the GUI thread, offscreen, and prints one
JSON line per case: the milliseconds from asking for the text to its first paint, the
images the document shows, its plain text's length and start; then the process's peak
memory. Run in a child, a crash or a hang fails the caller instead of taking it down.
Device nodes are only ever copies made with `os.mknod` here.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deepdials.app.lessons import MAX_IMAGE_PIXELS, MAX_IMAGES, MAX_TEXT_BYTES

BIG_IMAGE = (800, 625)  # the most pixels an image may have


@dataclass(frozen=True)
class Case:
    name: str
    generator: str  # nesting, html, size or resources
    make: Callable[[Path], str]  # writes the files the text names, returns the text
    images: int = 0  # how many images the document must show


def _picture(path: Path, width: int, height: int, fmt: str = "PNG") -> None:
    from PySide6.QtGui import QColor, QImage

    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(QColor(40, 120, 200))
    assert image.save(str(path), fmt)


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.png")
    return "![a pipe](pipe.png)\n\n<img src='pipe.png'>"


def _device(folder: Path) -> str:
    try:
        os.mknod(folder / "zero.png", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        (folder / "zero.png").write_bytes(b"")  # no privileges: an empty file instead
    return '![zeros](zero.png)\n\n<table background="zero.png"><tr><td>x</td></tr></table>'


def _sparse(folder: Path) -> str:
    with open(folder / "big.png", "wb") as fh:
        fh.truncate(1_200_000_000)  # sparse: no disk is used
    return "![big](big.png)"


def _too_many_pixels(folder: Path) -> str:
    _picture(folder / "wide.png", BIG_IMAGE[0] + 1, BIG_IMAGE[1])
    return "![wide](wide.png)"


def _outside(folder: Path) -> str:
    outside = folder.parent / f"{folder.name}-outside.png"
    _picture(outside, 8, 8)
    (folder / "link.png").symlink_to(outside)
    (folder / "loop.png").symlink_to(folder / "loop.png")
    return (
        f"![up](../{outside.name}) ![absolute]({outside}) ![link](link.png) "
        "![loop](loop.png) ![web](http://example.com/a.png) ![file](file:///etc/hostname) "
        "![data](data:image/png;base64,iVBORw0KGgo=) ![qrc](qrc:/icons/x.png)"
    )


def _many_images(folder: Path) -> str:
    for n in range(MAX_IMAGES + 2):
        _picture(folder / f"p{n}.png", *BIG_IMAGE)
    _picture(folder / "photo.jpg", 64, 64, "JPEG")
    return "\n\n".join(f"![picture {n}](p{n}.png)" for n in range(MAX_IMAGES + 2))


def _html(folder: Path) -> str:
    _picture(folder / "small.png", 8, 8)
    return (
        "<style>@import url(small.png); body { background: url(small.png) }</style>"
        '<link rel="stylesheet" href="small.png"><body background="small.png">'
        '<img src="small.png"><a href="javascript:alert(1)">click</a>'
        "<script>alert(1)</script><iframe src='x'></iframe>&#x10FFFF;&bogus;"
        "[link](javascript:alert(1)) [file](file:///etc/hostname)"
    )


def _fill(unit: str) -> str:
    """`unit` repeated to just under the size limit."""
    return unit * ((MAX_TEXT_BYTES - 1) // len(unit.encode("utf-8")))


CASES = [
    Case("tables_3000", "nesting", lambda f: "<table><tr><td>" * 3000 + "x"),
    Case("tables_2000", "nesting", lambda f: "<table><tr><td>" * 2000 + "x"),
    Case("tables_24", "nesting", lambda f: "<table><tr><td>a" * 24 + "</td></tr></table>" * 24),
    Case("star_bracket", "nesting", lambda f: _fill("*[")),
    Case("brackets", "nesting", lambda f: _fill("[")[: MAX_TEXT_BYTES // 2] + _fill("]")[:-1]),
    Case("links", "nesting", lambda f: _fill("[a](")),
    Case("emphasis", "nesting", lambda f: _fill("**a*")),
    Case("backticks", "nesting", lambda f: _fill("`a``")),
    Case("quotes", "nesting", lambda f: _fill(">") + " a"),
    Case("heading_marks", "nesting", lambda f: "#" + _fill(" #") + "a"),
    Case("list_depth", "nesting", lambda f: "\n".join(" " * 2 * i + "- a" for i in range(250))),
    Case("one_paragraph", "size", lambda f: _fill("word ")),
    Case("one_word", "size", lambda f: _fill("a")),
    Case("spans", "size", lambda f: _fill("**b** *i* `c` ")),
    Case("items", "size", lambda f: _fill("- a\n")),
    Case("paragraphs", "size", lambda f: _fill("a\n\n")),
    Case("combining", "size", lambda f: _fill("a\u0301\u0302\u0303")),
    Case("too_large", "size", lambda f: "a" * (MAX_TEXT_BYTES + 1)),
    Case("raw_html", "html", _html),
    Case("fifo", "resources", _fifo),
    Case("device", "resources", _device),
    Case("sparse_image", "resources", _sparse),
    Case("too_many_pixels", "resources", _too_many_pixels),
    Case("outside_the_folder", "resources", _outside),
    Case("many_images", "resources", _many_images, images=MAX_IMAGES),
]
assert BIG_IMAGE[0] * BIG_IMAGE[1] == MAX_IMAGE_PIXELS


def write_cases(folder: Path) -> None:
    for case in CASES:
        place = folder / case.name
        place.mkdir()
        (place / "lesson.json").write_text('{"schema": 1}', encoding="utf-8")
        (place / "lesson.md").write_text(case.make(place), encoding="utf-8")


def _shown_images(document) -> list[str]:
    from PySide6.QtGui import QTextDocument

    names = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                name = fmt.toImageFormat().name()
                image = document.resource(QTextDocument.ImageResource, name)
                names.append(f"{name} {image.width()}x{image.height()}")
            it += 1
        block = block.next()
    return names


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_each(folder: Path, names: list[str]) -> None:
    """Open the cases `names` (every case if none) in one LessonText and print what it
    showed, a line per case, then a line with the process's peak memory."""
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    from deepdials.app.lessons import LessonText

    class Source(QObject):
        source_changed = Signal(object)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    text = LessonText(Source())
    text.resize(620, 420)
    text.show()
    app.processEvents()
    for case in [c for c in CASES if not names or c.name in names]:
        start = time.perf_counter()
        text.show_config(folder / case.name / "lesson.json")
        text.viewport().repaint()  # lay out and paint now, as the next frame would
        elapsed = time.perf_counter() - start
        plain = text.toPlainText()
        record = {
            "case": case.name,
            "generator": case.generator,
            "ms": round(elapsed * 1000, 1),
            "images": _shown_images(text.document()),
            "chars": len(plain),
            "start": plain[:80],
        }
        print(json.dumps(record), flush=True)
    print(json.dumps({"peak_memory_mb": round(peak_memory_mb(), 1)}), flush=True)


if __name__ == "__main__":
    open_each(Path(sys.argv[1]), sys.argv[2:])
