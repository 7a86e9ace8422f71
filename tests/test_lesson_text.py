"""Lesson texts are shown from a safe subset: whatever a `.md` holds, the HTML Qt gets has
only the tags the subset makes, nests and grows within its bounds, and every image the
document shows is one the window read itself; the lessons look as they did."""

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QTextBrowser

from deepdials.app.lesson_markup import (
    MAX_BLOCKS,
    MAX_LIST_DEPTH,
    MAX_SPANS,
    WORD_PIECE,
    lesson_html,
    paragraph_margin,
)
from deepdials.app.lessons import MAX_IMAGES
from deepdials.resources import PRESETS, lesson_names
from tests.hostile_lessons import CASES, write_cases

ROOT = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT = 300  # seconds: a hang fails the test instead of waiting for ever
TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "ul", "ol", "li"}
TAGS |= {"b", "i", "code", "a", "img"}
MARKDOWN = st.text(st.sampled_from("ab \n\t*_`[]()!#->1.\\<&;:/\u200b"), max_size=400)


class Shape(HTMLParser):
    """The tags, the deepest list nesting and the longest unbroken run of visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.deepest_list = 0
        self.blocks = 0
        self.run = self.longest_run = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.run = 0
            return
        self.open.append(tag)
        self.deepest_list = max(self.deepest_list, sum(t in ("ul", "ol") for t in self.open))
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.blocks += 1
            self.run = 0

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data):
        for ch in data:
            self.run = 0 if ch.isspace() or ch == "\u200b" else self.run + 1
            self.longest_run = max(self.longest_run, self.run)


def shape(html: str) -> Shape:
    parsed = Shape()
    parsed.feed(html)
    parsed.close()
    assert not parsed.open
    return parsed


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=MARKDOWN)
def test_any_text_makes_only_the_subsets_tags_nested_within_bounds(text):
    seen = []
    parsed = shape(lesson_html(text, lambda src: seen.append(src) or f"image:{len(seen)}", 6))
    assert set(parsed.tags) <= TAGS
    assert parsed.deepest_list <= MAX_LIST_DEPTH
    assert parsed.longest_run <= WORD_PIECE
    assert parsed.tags.count("img") == len(seen)


@pytest.mark.parametrize(
    "text",
    [
        "<table><tr><td>" * 2000,
        "*[" * 16_000,
        "\n".join(" " * 2 * i + "- a" for i in range(200)),
        "- a\n" * 8000,
        "**b** " * 5000,
        "a" * 30_000,
        "#" + " #" * 15_000 + "a",
    ],
    ids=["tables", "star_bracket", "list_depth", "items", "spans", "one_word", "heading"],
)
def test_a_hostile_text_is_cut_to_the_bounds_before_qt_sees_it(text):
    parsed = shape(lesson_html(text, lambda src: None, 6))
    assert "table" not in parsed.tags
    assert parsed.deepest_list <= MAX_LIST_DEPTH
    assert parsed.blocks <= MAX_BLOCKS + 1  # and the line saying the rest is not shown
    assert sum(parsed.tags.count(t) for t in ("b", "i", "code")) <= MAX_SPANS
    assert parsed.longest_run <= WORD_PIECE


def test_only_web_links_become_links_and_images_are_asked_for_by_name():
    asked = []
    html = lesson_html(
        "[a](https://example.org/x) [b](javascript:alert(1)) [c](file:///etc/hostname) "
        "![d](d.png) ![e](../e.png) <img src='f.png'>",
        lambda src: asked.append(src) or None,
        6,
    )
    assert html.count("<a ") == 1 and 'href="https://example.org/x"' in html
    assert asked == ["d.png", "../e.png"]
    assert "[image not shown: d]" in html and "&lt;img src=&#x27;f.png&#x27;&gt;" in html


def struck_out(document) -> bool:
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().fontStrikeOut():
                return True
            it += 1
        block = block.next()
    return False


@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_looks_as_qts_own_markdown_reader_showed_it(qtbot, name):
    text = (PRESETS / f"{name}.md").read_text(encoding="utf-8").partition("\n")[2].lstrip()
    theirs, ours = QTextBrowser(), QTextBrowser()
    for browser in (theirs, ours):
        qtbot.addWidget(browser)
        browser.resize(520, 900)
    theirs.setMarkdown(text)  # our own files: safe to give to Qt's reader
    margin = paragraph_margin(ours.document().defaultFont().pointSizeF())
    ours.setHtml(lesson_html(text, lambda src: None, margin))
    if struck_out(theirs.document()):  # `W ~ N(0, 1) … (W ~`: struck out, the ~ gone
        assert not struck_out(ours.document())
        assert ours.toPlainText().replace("~", "") == theirs.toPlainText()
    else:
        assert ours.toPlainText() == theirs.toPlainText()
        assert ours.grab().toImage() == theirs.grab().toImage()


def test_hostile_lesson_texts_open_in_a_child_without_a_crash_a_hang_or_a_stray_read(
    qtbot, tmp_path
):
    write_cases(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile_lessons", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    records = {r["case"]: r for r in map(json.loads, done.stdout.splitlines()) if "case" in r}
    assert list(records) == [c.name for c in CASES]
    for case in CASES:
        shown = records[case.name]
        assert len(shown["images"]) == case.images, case.name
        if case.generator == "resources":
            assert "[image not shown: " in shown["start"] or case.images, case.name
    assert all(i.endswith(" 800x625") for i in records["many_images"]["images"])
    assert len(records["many_images"]["images"]) == MAX_IMAGES
    assert records["raw_html"]["start"].startswith("<style>")  # shown as the text it is
    assert records["tables_2000"]["start"].startswith("<table><tr><td><table>")
    assert records["too_large"]["start"].startswith("The description is not shown: ")
    assert records["too_large"]["chars"] < 200


def test_a_new_font_draws_the_text_again_without_reading_its_images_again(
    qtbot, tmp_path, monkeypatch
):
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtGui import QFont

    from deepdials.app import lessons
    from tests.hostile_lessons import _picture, _shown_images

    class Source(QObject):
        source_changed = Signal(object)

    config = tmp_path / "lesson.json"
    config.write_text("{}")
    (tmp_path / "lesson.md").write_text("Text ![a](a.png) and ![a again](a.png)\n")
    _picture(tmp_path / "a.png", 8, 8)
    reads, read = [], lessons.lesson_image
    monkeypatch.setattr(
        lessons, "lesson_image", lambda folder, name: reads.append(name) or read(folder, name)
    )
    text = lessons.LessonText(Source())
    qtbot.addWidget(text)
    text.show_config(config)
    assert reads == ["a.png"] and len(_shown_images(text.document())) == 2
    large = QFont(text.font())
    large.setPointSizeF(large.pointSizeF() * 1.6)
    text.set_scale(1.6, large)
    assert reads == ["a.png"]
    assert _shown_images(text.document()) == ["lesson-image:0 8x8", "lesson-image:1 8x8"]
    text.show_config(config)  # a config shown anew: its images are read anew
    assert reads == ["a.png", "a.png"]
