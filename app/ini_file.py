"""The settings file's INI format, read and written without Qt.

The format is the one QSettings writes (so a file from an earlier version reads the
same), but only its plain forms: strings, lists of strings (`a, b`), byte arrays
(`@ByteArray(...)`) and the empty list (`@Invalid()`). QSettings would turn a
`@Variant(...)`, `@DateTime(...)`, `@Rect(...)`, `@Size(...)` or `@Point(...)` value into
an object by running Qt's deserializer on it, which a crafted value can crash; DeepDials
never writes them (its values are text, lists of text and the window's geometry bytes),
so a file holding one is refused whole, before anything is made of it.

Values are keyed as QSettings keys them: `key` in `[General]`, `Section/key` elsewhere.
Parsing is linear in the file's length (every pattern stops at the next delimiter of its
own kind) and its Python-level steps are bounded: at most MAX_LINES lines and MAX_MARKS
backslashes, quotation marks and commas, a little over what 20,000 drawn points take.
"""

from __future__ import annotations

import re

from deepdials.core.errors import InputError

MAX_LINES = 1000
MAX_MARKS = 100_000
IniValue = str | bytes | list  # a list holds str, bytes or None (an `@Invalid()` element)

_QT_OBJECTS = ("@Variant(", "@DateTime(", "@Rect(", "@Size(", "@Point(")
_NAMED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_NAMED.update({c: c for c in "\"?'\\"})
_ESCAPE = r"\\(?:x[0-9A-Fa-f]*|[0-7]+|.|$)"
_OUTSIDE = re.compile(rf'[^\\",;]+|{_ESCAPE}|[",;]', re.S)
_INSIDE = re.compile(rf'[^\\"]+|{_ESCAPE}|"', re.S)
_WRITE_ESCAPES = {"\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r"}
_WRITE_ESCAPES.update({'"': '"', "\\": "\\"})
_TO_ESCAPE = re.compile(r'([\x00-\x06\x0e-\x1f])([0-9A-Fa-f]*)|[\x07-\x0d"\\]')
# a byte array's bytes over 126 too, as QSettings writes them
_BYTES_TO_ESCAPE = re.compile(r'([\x00-\x06\x0e-\x1f\x7f-\xff])([0-9A-Fa-f]*)|[\x07-\x0d"\\]')
_SURROGATE = re.compile("[\ud800-\udfff]")


class IniError(InputError):
    """The file is not the INI that DeepDials writes (the message names the line)."""


def _unescaped(escape: str) -> str:
    """The text of one backslash escape, as QSettings reads it (`\\q` is dropped)."""
    ch = escape[1:2]
    if ch in _NAMED:
        return _NAMED[ch]
    # a 16-bit code unit: the last four hex digits, the last six octal ones, count
    if ch == "x":
        return chr(int(escape[2:][-4:], 16)) if len(escape) > 2 else ""
    if ch in "01234567":
        return chr(int(escape[1:][-6:], 8) & 0xFFFF)
    return ""


def _elements(text: str) -> tuple[list[str], bool]:
    """The unescaped string(s) of a value, and whether it was a list (`a, b`)."""
    elements: list[str] = []
    current: list[str] = []
    chop_from = 0  # spaces after the last escape are the ones an unquoted value loses
    quoted = in_quotes = is_list = False
    pos, end = 0, len(text)
    while pos < end and text[pos] in " \t":
        pos += 1
    while pos < end:
        token = (_INSIDE if in_quotes else _OUTSIDE).match(text, pos)
        piece = token.group()
        pos = token.end()
        if piece == '"':
            quoted = True
            in_quotes = not in_quotes
            if not in_quotes:
                while pos < end and text[pos] in " \t":
                    pos += 1
        elif piece == ";" and not in_quotes:
            break  # a comment to the end of the line
        elif piece == "," and not in_quotes:
            elements.append(_finished(current, quoted, chop_from))
            current, chop_from, quoted, is_list = [], 0, False, True
            while pos < end and text[pos] in " \t":
                pos += 1
        elif piece == "\\":
            raise IniError("a value goes on over the end of its line")
        elif piece.startswith("\\"):
            current.append(_unescaped(piece))
            chop_from = len(current)
        else:
            current.append(piece)
    if in_quotes:
        raise IniError("a quotation mark is not closed")
    elements.append(_finished(current, quoted, chop_from))
    return elements, is_list


def _finished(pieces: list[str], quoted: bool, chop_from: int) -> str:
    if not quoted:
        pieces[chop_from:] = ["".join(pieces[chop_from:]).rstrip(" \t")]
    text = "".join(pieces)
    if not _SURROGATE.search(text):
        return text
    try:  # \x escapes give UTF-16 code units: pair the surrogates
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise IniError("an escape names half a character") from None


def _value(text: str) -> str | bytes | None:
    """What QSettings makes of one string; its object forms refused."""
    if text.startswith("@"):
        if text.endswith(")"):
            if text.startswith("@ByteArray("):
                try:
                    return text[11:-1].encode("latin-1")
                except UnicodeEncodeError:
                    raise IniError("a byte array holds a character over 255") from None
            if text.startswith("@String("):
                return text[8:-1]
            if text.startswith(_QT_OBJECTS):
                kind = text[: text.index("(")]
                raise IniError(f"a Qt object ({kind}), which DeepDials never writes")
            if text == "@Invalid()":
                return None
        if text.startswith("@@"):
            return text[1:]
    return text


def parse_value(text: str) -> IniValue:
    """The value after `key=`."""
    elements, is_list = _elements(text)
    values = [_value(e) for e in elements]
    if is_list:
        return values
    return [] if values[0] is None else values[0]


def parse_ini(text: str) -> dict[str, IniValue]:
    """Every key's value; an IniError naming the first line that is not INI."""
    if text.count("\n") >= MAX_LINES:
        raise IniError(f"more than {MAX_LINES} lines")
    if sum(text.count(mark) for mark in '\\",') > MAX_MARKS:
        raise IniError(f"more than {MAX_MARKS} backslashes, quotation marks and commas")
    values: dict[str, IniValue] = {}
    section = ""
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.strip(" \t\r")
        try:
            if not line or line.startswith(";"):
                continue
            if line.startswith("["):
                if "]" not in line:
                    raise IniError("a section name has no closing ]")
                name = line[1 : line.index("]")].strip()
                section = "" if name.lower() == "general" else f"{name}/"
                continue
            key, equals, value = line.partition("=")
            key = key.strip(" \t")
            if not equals or not key or '"' in key or ";" in key:
                raise IniError("not `key=value`")
            values[section + key] = parse_value(value)
        except IniError as exc:
            raise IniError(f"line {number}: {exc}") from None
    return values


def _escaped_match(match: re.Match) -> str:
    control, hex_digits = match.group(1), match.group(2)
    if control is None:
        return "\\" + _WRITE_ESCAPES[match.group()]
    # a \x escape takes every hex digit after it: escape those digits too
    return "".join(f"\\x{ord(c):x}" for c in control + hex_digits)


def _escaped_text(text: str) -> str:
    out = _TO_ESCAPE.sub(_escaped_match, text)
    if any(c in text for c in ";,=") or out.startswith(" ") or out.endswith(" "):
        return f'"{out}"'
    return out


def _escaped_bytes(data: bytes) -> str:
    body = data.decode("latin-1")
    text = f"@ByteArray({_BYTES_TO_ESCAPE.sub(_escaped_match, body)})"
    return f'"{text}"' if any(c in body for c in ";,=") else text


def _escaped(value: str | bytes | None) -> str:
    if value is None:
        return "@Invalid()"
    if isinstance(value, bytes):
        return _escaped_bytes(value)
    return _escaped_text("@" + value if value.startswith("@") else value)


def ini_text(values: dict[str, IniValue]) -> str:
    """The file's text: `[General]` first, then each other section, keys in given order."""
    sections: dict[str, list[str]] = {"": []}
    for key, value in values.items():
        section, _, name = key.rpartition("/") if "/" in key else ("", "", key)
        if isinstance(value, list):
            text = ", ".join(_escaped(v) for v in value) if value else "@Invalid()"
        else:
            text = _escaped(value)
        sections.setdefault(section, []).append(f"{name}={text}")
    blocks = []
    for section, lines in sections.items():
        if lines:
            blocks.append("\n".join([f"[{section or 'General'}]", *lines]))
    return "\n\n".join(blocks) + "\n" if blocks else ""
