"""Reading files that come from others, and writing results, without surprises.

`read_file` reads a regular file of at most `limit` bytes and nothing else: a pipe, a
device or a directory is refused before anything blocks, and so is a path Python cannot
even pass to the system (a NUL character, an unpaired surrogate). `parse_json` refuses
what `json.loads` lets through: the same key twice, nesting deeper than MAX_DEPTH,
NaN and Infinity, numbers of thousands of digits. Every problem is an `InputError` naming
the file.

Every file the user gets (a saved config and its points, an export, `--out`) is written
one way: `replacing` hands out a temporary file beside the target, and only once it is
complete and on disk is it renamed over the target; on any failure, KeyboardInterrupt
included, the temporary file is removed and the earlier file is as it was, never
truncated. A target that is not a regular file (a device, a pipe, a socket, a folder, or a
link to one, such as /proc/self/fd/1) or that is one of the files being read is refused
before anything is written (`writable_target`). `write_together` writes a file and its
companions (a config and its points), see there.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from deepdials.core.errors import InputError

MAX_DEPTH = 32  # a config nests three deep; a list of widths four
# bytes of the target's name a temporary name keeps: with the dot, the random part and
# ".tmp", it stays under the 255 bytes most file systems allow a name
TEMPORARY_NAME_KEEPS = 200


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


NEW_FILE_MODE = 0o666 & ~_umask()  # read once, at import: os.umask is not thread-safe


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


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def writable_target(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The file that writing to `path` replaces: `path`, or the file its link names. An
    `InputError` if that exists and is not a regular file, or is one of `inputs`."""
    path = Path(path)
    if not path.name:
        raise InputError(f"{str(path)!r}: names no file")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except (ValueError, UnicodeEncodeError):
        raise InputError(f"{str(path)!r}: not a usable file name") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: cannot write ({_kind(info.st_mode)}, not a regular file)")
    for source in inputs:
        try:
            same = info is not None and os.path.samestat(info, os.stat(source))
        except (OSError, ValueError):
            same = False
        if same:
            raise InputError(f"{path}: is the input {source}; writing would replace it")
    return Path(os.path.realpath(path))


def _temporary_beside(target: Path) -> tuple[int, str]:
    name = target.name
    while len(os.fsencode(name)) > TEMPORARY_NAME_KEEPS:
        name = name[:-1]
    return tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".tmp")


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _complete(fh: BinaryIO, target: Path) -> None:
    """Flush `fh` to disk, with the mode the target has (or a new file would have)."""
    fh.flush()
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = NEW_FILE_MODE
    with contextlib.suppress(OSError):  # a file system without modes keeps its own
        os.chmod(fh.fileno() if os.chmod in os.supports_fd else fh.name, mode)
    os.fsync(fh.fileno())


@contextlib.contextmanager
def replacing(path: str | Path, inputs: Iterable[str | Path] = ()) -> Iterator[BinaryIO]:
    """A binary file to write the new content of `path` into. When the block ends, the file
    is flushed to disk and renamed over `path`; if the block (or anything after it) fails,
    the temporary file is removed and `path` is as it was. `InputError` for a target
    `writable_target` refuses, OSError when the disk refuses."""
    target = writable_target(path, inputs)
    fd, temporary = _temporary_beside(target)
    try:
        with open(fd, "wb") as fh:
            yield fh
            _complete(fh, target)
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def write_atomically(
    path: str | Path, content: str | bytes, inputs: Iterable[str | Path] = ()
) -> None:
    """Write `content` (text as UTF-8) to `path` through `replacing`."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with replacing(path, inputs) as fh:
        fh.write(data)


def _backup(target: Path) -> str | None:
    """A second name for the file now at `target` (a hard link, or a copy where the file
    system has none), so that it can be put back; None if there is no file."""
    if not target.exists():
        return None
    while True:
        backup = str(target.with_name(f".{target.name[:40]}.{secrets.token_hex(4)}.old"))
        try:
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:
            shutil.copy2(target, backup)
            return backup


def write_together(files: list[tuple[str | Path, bytes]]) -> None:
    """Write several files that belong together (a config last, the companions it names
    first) so that the whole old set or the whole new set is on disk: every new file is
    written completely beside its target before any is renamed; then they are renamed in
    order, each earlier file kept under a second name until the last rename is done. If a
    rename fails or is interrupted (an error, KeyboardInterrupt), the files renamed so far
    are put back as they were. Only if the process dies in the instant between two
    renames does a companion already hold its new content beside the old config (both
    files complete)."""
    targets = [writable_target(path) for path, _ in files]
    for index, target in enumerate(targets):
        if target in targets[:index]:
            raise InputError(f"{target}: named twice among the files written together")
    temporaries: list[str] = []
    backups: list[tuple[Path, str | None]] = []  # each companion's earlier file
    renamed = 0
    try:
        for target, (_, data) in zip(targets, files):
            fd, temporary = _temporary_beside(target)
            temporaries.append(temporary)
            with open(fd, "wb") as fh:
                fh.write(data)
                _complete(fh, target)
        for index, (target, temporary) in enumerate(zip(targets, temporaries)):
            if index < len(targets) - 1:
                backups.append((target, _backup(target)))
            os.replace(temporary, target)
            renamed += 1
    except BaseException:
        for target, backup in reversed(backups[:renamed]):
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(target)
                else:
                    os.replace(backup, target)
        for temporary in temporaries[renamed:]:
            _remove(temporary)
        raise
    finally:
        for _, backup in backups:
            if backup is not None:
                _remove(backup)
