"""Reading files that come from others, and writing results, without surprises.

`read_file` reads a regular file of at most `limit` bytes and nothing else: a pipe, a
device or a directory is refused before anything blocks, and so is a path Python cannot
even pass to the system (a NUL character, an unpaired surrogate). `parse_json` refuses
what `json.loads` lets through: the same key twice, nesting deeper than MAX_DEPTH,
NaN and Infinity, numbers of thousands of digits. `write_atomically` replaces a file
only once the new text is whole on disk. Every problem is an `InputError` naming the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from core.errors import InputError

MAX_DEPTH = 32  # a config nests three deep; a list of widths four


def read_file(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (ValueError, UnicodeEncodeError):
        raise InputError(f"{path!r}: not a usable file name") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InputError(f"{path}: cannot read ({kind})")
        if info.st_size > limit:
            raise InputError(f"{path}: {info.st_size} bytes is over the {limit}-byte limit")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(f"{path}: over the {limit}-byte limit")
    return data


def read_text(path: str | Path, limit: int) -> str:
    """A UTF-8 text file (a byte-order mark allowed), see `read_file`."""
    try:
        return read_file(path, limit).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None


def _depth(text: str) -> int:
    """How deep [ and { nest in JSON `text`, outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise InputError(f"the key {json.dumps(key)[:60]} is given twice")
        seen[key] = value
    return seen


def _no_constant(name: str):
    raise InputError(f"{name} is not a number JSON allows")


def parse_json(text: str, source: str) -> Any:
    """The value of JSON `text`; any problem an `InputError` that starts with `source`."""
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    if _depth(text) > MAX_DEPTH:
        raise InputError(f"{source}: nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except InputError as exc:
        raise InputError(f"{source}: {exc}") from None
    except ValueError:  # a number of more digits than Python converts
        raise InputError(f"{source}: a number with too many digits") from None
    except RecursionError:
        raise InputError(f"{source}: nested too deep") from None


def write_atomically(path: str | Path, text: str) -> None:
    """Write `text` to `path` through a file beside it, renamed over it once complete: a
    failure half way leaves the earlier file as it was. OSError on failure."""
    path = Path(path)
    if not path.name:
        raise InputError(f"{str(path)!r}: no file name")
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
