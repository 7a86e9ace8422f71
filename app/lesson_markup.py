"""A lesson's Markdown as HTML made here, from a small subset, for QTextBrowser.

The text comes from files that travel between machines, so Qt never parses it: its own
Markdown and HTML readers crash or stall on crafted input (thousands of nested tables,
tens of thousands of nested `*[`), and read any file or device an image names. Here:

- blocks: `#` headings, paragraphs (lines joined), `-`/`*`/`+` and `1.` list items, nested
  by indentation (two spaces a level) at most MAX_LIST_DEPTH deep;
- inline: `**bold**`, `*italic*`, `` `code` ``, `[text](https://…)` links (http and
  https only), `![alt](file)` images, `\\*` escapes;
- everything else, raw HTML included, is shown as the text it is.

The HTML holds only the tags above, nests at most MAX_LIST_DEPTH lists deep and has at
most MAX_BLOCKS blocks and MAX_SPANS formatted spans; each regular expression stops at
the next delimiter of its own kind, so the work is linear in the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

MAX_LIST_DEPTH = 3
MAX_BLOCKS = 400
MAX_SPANS = 500
WORD_PIECE = 40  # a longer word gets a zero-width space every WORD_PIECE characters
HEADING_SIZES = ("xx-large", "x-large", "large", "medium", "medium", "medium")
# the look Qt's own Markdown reader gave the lessons; {m}: the paragraphs' margin in pixels
PARAGRAPH = '<p style="margin-top:{m}px; margin-bottom:{m}px;">{text}</p>'
HEADING = '<h{0} style="margin-top:0px; margin-bottom:0px;"><span style="font-size:{1}; font-weight:700;">{2}</span></h{0}>'  # noqa: E501
ITEM = '<li style="margin-top:{m}px; margin-bottom:{m}px;">'
LIST_OPEN = {"ul": '<ul style="margin-top:0px; margin-bottom:0px;">', "ol": "<ol>"}
CUT = "(The rest of the text is not shown: it has more than {} headings, paragraphs and items.)"

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_ITEM = re.compile(r"([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|!\[(?P<alt>[^\[\]]*)\]\((?P<src>[^()\s]+)\)"
    r"|\[(?P<label>[^\[\]]+)\]\((?P<href>[^()\s]+)\)"
    r"|\*\*(?P<bold>[^*]+)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|\\(?P<escaped>[\\`*_\[\]()#+.!-])"
)
_WORDS = re.compile(r"\s+|\S+")
_WEB = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


class _Inline:
    """Inline Markdown to HTML, counting the formatted spans against MAX_SPANS."""

    def __init__(self, image: Callable[[str], str | None]):
        self.image = image
        self.spans = 0
        self.run = 0  # characters since the last place a line may break

    def __call__(self, text: str) -> str:
        self.run = 0
        out = []
        last = 0
        for match in _INLINE.finditer(text):
            if self.spans >= MAX_SPANS:
                break
            out.append(self._text(text[last : match.start()]))
            out.append(self._span(match))
            last = match.end()
        out.append(self._text(text[last:]))
        return "".join(out)

    def _text(self, text: str) -> str:
        """Escaped, with a zero-width space every WORD_PIECE characters of a long word,
        counted across spans: Qt lays a word out in time quadratic in its length (64,000
        letters: a second)."""
        out = []
        for piece in _WORDS.finditer(text):
            chunk = piece.group()
            if chunk[0].isspace() or self.run + len(chunk) <= WORD_PIECE:
                self.run = 0 if chunk[0].isspace() else self.run + len(chunk)
                out.append(chunk)
                continue
            first = WORD_PIECE - self.run
            parts = [chunk[:first]]
            parts += [chunk[i : i + WORD_PIECE] for i in range(first, len(chunk), WORD_PIECE)]
            out.append("\u200b".join(parts))
            self.run = len(parts[-1])
        return escape("".join(out))

    def _span(self, match: re.Match) -> str:
        kind = match.lastgroup
        if kind == "escaped":
            return escape(match.group("escaped"))
        self.spans += 1
        if kind == "code":
            return f"<code>{self._text(match.group('code'))}</code>"
        if kind == "bold":
            return f"<b>{self._text(match.group('bold'))}</b>"
        if kind == "em":
            return f"<i>{self._text(match.group('em'))}</i>"
        if kind == "href":
            label, href = self._text(match.group("label")), match.group("href")
            if _WEB.fullmatch(href):
                return f'<a href="{escape(href)}">{label}</a>'
            return label
        alt, src = match.group("alt"), match.group("src")
        url = self.image(src)
        if url is None:
            return f"<i>[image not shown: {self._text(alt or src)}]</i>"
        self.run = 0
        return f'<img src="{escape(url)}" alt="{escape(alt)}">'


def _heading_text(text: str | None) -> str:
    """A heading's text without its closing `#`s (string methods: a pattern for them
    would take quadratic time on a line of spaces and #s)."""
    text = (text or "").rstrip()
    bare = text.rstrip("#")
    return bare.rstrip() if not bare or bare[-1] in " \t" else text


def paragraph_margin(point_size: float) -> int:
    """Qt's Markdown reader's margin: two thirds of the font's whole points, in pixels."""
    return int(point_size) * 2 // 3


def lesson_html(text: str, image: Callable[[str], str | None], margin: int) -> str:
    """The HTML of Markdown `text`, paragraphs and list items `margin` pixels apart.
    `image(src)` is asked for each image, in order: the URL under which the document
    will find it, or None to show a placeholder."""
    inline = _Inline(image)
    html: list[str] = []
    lists: list[str] = []  # the open lists, outermost first: "ul" or "ol"
    paragraph: list[str] = []
    item: list[str] | None = None  # the open list item's lines
    blocks = 0

    def close_item() -> None:
        nonlocal item
        if item is not None:
            html.append(inline(" ".join(item)))
            item = None

    def close_lists(depth: int) -> None:
        close_item()
        while len(lists) > depth:
            html.append(f"</li></{lists.pop()}>")

    def close_paragraph() -> None:
        if paragraph:
            html.append(PARAGRAPH.format(m=margin, text=inline(" ".join(paragraph))))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        if blocks >= MAX_BLOCKS:
            close_paragraph()
            close_lists(0)
            html.append(PARAGRAPH.format(m=margin, text=escape(CUT.format(MAX_BLOCKS))))
            return "".join(html)
        if not line.strip():
            close_paragraph()
            close_item()
            continue
        heading = _HEADING.match(line)
        listed = _ITEM.match(line)
        if heading:
            close_paragraph()
            close_lists(0)
            level = len(heading.group(1))
            size = HEADING_SIZES[level - 1]
            html.append(HEADING.format(level, size, inline(_heading_text(heading.group(2)))))
            blocks += 1
        elif listed and (not paragraph or listed.group(2) in ("-", "*", "+", "1.", "1)")):
            close_paragraph()  # a list may interrupt a paragraph, a numbered one only at 1
            indent = len(listed.group(1).expandtabs(4))
            depth = min(indent // 2, len(lists), MAX_LIST_DEPTH - 1) + 1
            kind = "ol" if listed.group(2)[0].isdigit() else "ul"
            close_item()
            if depth <= len(lists):
                close_lists(depth)
                if lists[-1] != kind:
                    html.append(f"</li></{lists.pop()}>")
                else:
                    html.append("</li>")
            while len(lists) < depth:
                lists.append(kind)
                html.append(LIST_OPEN[kind])
            html.append(ITEM.format(m=margin))
            item = [listed.group(3)]
            blocks += 1
        elif item is not None:
            item.append(line.strip())
        else:
            close_lists(0)
            if not paragraph:
                blocks += 1
            paragraph.append(line.strip())
    close_paragraph()
    close_lists(0)
    return "".join(html)
