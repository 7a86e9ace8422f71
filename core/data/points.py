"""Points given by the user: drawn in the window, or read from a CSV file.

A CSV file has a header naming the columns x1, x2, label and, optionally, split (train /
val / test); other columns are ignored, and so are blank lines. Coordinates are numbers
from −MAX_COORDINATE to MAX_COORDINATE (so that squares and products of features stay far
from overflow); labels are whole numbers 0..K−1, K from 2 to 5, none missing. A label
column named y instead holds real targets, a regression set: y from −MAX_TARGET to
MAX_TARGET, and x2 may be left out (one input, x1). A quoted
cell holds no line break: each row is one line, and a message names its line. `Points`
hold the same in memory, so drawn points train without any file; `write_points` writes
them in the format `load_points` reads.

The work a file can cause is bounded before it is parsed: at most MAX_CSV_BYTES (a larger
file, or a pipe or a device, is refused without reading it), MAX_CSV_LINES lines counting
blank ones, MAX_CSV_LINE_CHARS characters a line (so no single row can ask for more memory
than that), MAX_CSV_ROWS data rows. At those limits a file is read in well under a second.
"""

from __future__ import annotations

import csv
import io
import math
import pathlib
from dataclasses import dataclass

import numpy as np

from deepdials.core.errors import InputError
from deepdials.core.safe_files import read_file, write_atomically

MAX_CSV_ROWS = 20_000
MAX_CSV_BYTES = 4 * 1024 * 1024  # 4 MiB; 20,000 rows of x1,x2,label,split take about 1 MB
MAX_CSV_LINES = 2 * MAX_CSV_ROWS  # blank lines included
MAX_CSV_LINE_CHARS = 4096
MAX_CSV_CLASSES = 5
MAX_COORDINATE = 1e6  # |x1|, |x2| at most this
MAX_TARGET = 1e6  # |y| at most this (a squared error of 1e12 a row stays far from overflow)
SPLITS = ("train", "val", "test")


@dataclass(frozen=True, eq=False)
class Points:
    """X : (n, 2) float64 and y : (n,) int64 in 0..K−1 (classes), or X : (n, 1 or 2) and
    y : (n,) float64 (regression: real targets); split : (n,) of SPLITS or None (then the
    config's data.split splits them). Compared by identity: a new set of points is a new
    object."""

    X: np.ndarray
    y: np.ndarray
    split: np.ndarray | None

    def __len__(self) -> int:
        return len(self.y)

    @property
    def task(self) -> str:
        """ "regression" for real targets, else "classes"."""
        return "regression" if self.y.dtype.kind == "f" else "classes"


def write_points(path, points: Points) -> None:
    """Write the points as CSV: x1,x2,label, or x1[,x2],y for real targets (and split, when
    they have one), every digit; through `core.safe_files.write_atomically`, so a failure
    leaves the earlier file."""
    write_atomically(path, points_text(points))


def points_text(points: Points) -> str:
    """The CSV text `write_points` writes."""
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    split = points.split
    regression = points.task == "regression"
    inputs = [f"x{j + 1}" for j in range(points.X.shape[1])]
    label = "y" if regression else "label"
    rows.writerow([*inputs, label] + (["split"] if split is not None else []))
    for i, (x, k) in enumerate(zip(points.X, points.y)):
        row = [*(repr(float(a)) for a in x), repr(float(k)) if regression else int(k)]
        rows.writerow(row + ([str(split[i])] if split is not None else []))
    return out.getvalue()


def points_from_text(text: str, name: str) -> Points:
    """The points of CSV `text`, as `load_points` reads a file; messages name `name`."""
    if len(text) > MAX_CSV_BYTES:
        raise InputError(f"{name}: {len(text):,} characters; at most {MAX_CSV_BYTES:,}")
    if "\0" in text:
        raise InputError(f"{name}: binary content; expected a CSV text file")
    lines = _bounded_lines(text, name)
    reader = csv.reader(lines)
    try:
        return _parse(name, _SingleLineRows(reader, name))
    except csv.Error as exc:
        raise InputError(f"{name}: line {reader.line_num}: {exc}") from None


def load_points(path) -> Points:
    """The points of a CSV file (module docstring); any problem is an `InputError` naming
    the file and the line and column."""
    path = pathlib.Path(path)
    data = read_file(path, MAX_CSV_BYTES)
    if b"\0" in data:
        raise InputError(f"{path}: binary content; expected a CSV text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None
    return points_from_text(text, str(path))


def _bounded_lines(text: str, name: str) -> list[str]:
    """`text` cut into its lines (at \\n, \\r\\n or \\r, as the csv module cuts them), once
    their number and lengths are known to be within the limits; else an `InputError`."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if breaks > MAX_CSV_LINES:
        raise InputError(
            f"{name}: {breaks:,} lines (blank ones included); at most {MAX_CSV_LINES:,}"
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lengths = list(map(len, lines))
    if max(lengths) > MAX_CSV_LINE_CHARS:
        at = next(i for i, n in enumerate(lengths) if n > MAX_CSV_LINE_CHARS)
        raise InputError(
            f"{name}: line {at + 1}: {lengths[at]:,} characters; "
            f"at most {MAX_CSV_LINE_CHARS:,} a line"
        )
    return lines


class _SingleLineRows:
    """The rows of a csv reader, each of which must be one line: a quoted cell that runs
    on to the next line (which the reader would join, "1⏎2" read as 12) is refused."""

    def __init__(self, reader, name: str):
        self.reader, self.name = reader, name

    @property
    def line_num(self) -> int:
        return self.reader.line_num

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        before = self.reader.line_num
        row = next(self.reader)
        if self.reader.line_num > before + 1:
            raise InputError(
                f"{self.name}: line {before + 1}: a quoted cell runs on to line "
                f"{self.reader.line_num}; a row is one line"
            )
        return row


def _parse(path, reader) -> Points:
    rows = (row for row in reader if any(cell.strip() for cell in row))
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path}: the file is empty; expected a header x1,x2,label")
    names = [cell.strip().lower() for cell in header]
    at = f"{path}: line {reader.line_num}"
    for name in set(names) & {"x1", "x2", "label", "y", "split"}:
        if names.count(name) > 1:
            raise InputError(f"{at}: the header names column {name} twice")
    if "label" in names and "y" in names:
        raise InputError(f"{at}: columns label and y; name one (label: classes, y: real targets)")
    regression = "y" in names
    needed = ("x1", "y") if regression else ("x1", "x2", "label")
    missing = [name for name in needed if name not in names]
    if missing:
        raise InputError(
            f"{at}: no column {', '.join(missing)}; the header needs x1,x2,label "
            "(or x1,y or x1,x2,y for real targets)"
        )
    label = "y" if regression else "label"
    inputs = [name for name in ("x1", "x2") if name in names]
    col = {name: names.index(name) for name in (*inputs, label, "split") if name in names}
    width = max(col.values()) + 1

    X, y, splits = [], [], []
    for row in rows:
        at = f"{path}: line {reader.line_num}"
        if len(X) == MAX_CSV_ROWS:
            raise InputError(f"{at}: more than {MAX_CSV_ROWS} data rows")
        if len(row) < width:
            raise InputError(f"{at}: {len(row)} cells; column {names[width - 1]} is cell {width}")
        X.append([_coordinate(at, name, row[col[name]]) for name in inputs])
        y.append(_target(at, row[col["y"]]) if regression else _label(at, row[col["label"]]))
        if "split" in col:
            splits.append(_split_name(at, row[col["split"]]))
    if not X:
        raise InputError(f"{path}: no data rows under the header")
    if splits and "train" not in splits:
        raise InputError(f"{path}: column split: no row is in train; the training split is empty")
    names_out = np.array(splits, dtype="<U5") if splits else None
    if regression:
        return Points(np.array(X, dtype=np.float64), np.array(y, dtype=np.float64), names_out)
    present = sorted(set(y))
    if len(present) < 2:
        raise InputError(f"{path}: column label: every row has label {present[0]}; need 2 classes")
    absent = sorted(set(range(present[-1] + 1)) - set(present))
    if absent:
        raise InputError(
            f"{path}: column label: no row has label {absent[0]}; labels must be 0..K−1 "
            f"with none missing (found {', '.join(map(str, present))})"
        )
    return Points(np.array(X, dtype=np.float64), np.array(y, dtype=np.int64), names_out)


def _number(at: str, column: str, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"{at}, column {column}: {cell.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{at}, column {column}: {cell.strip()!r} is not a finite number")
    return value


def _coordinate(at: str, column: str, cell: str) -> float:
    value = _number(at, column, cell)
    if abs(value) > MAX_COORDINATE:
        raise InputError(
            f"{at}, column {column}: {cell.strip()!r} is out of range; "
            f"coordinates are from −{MAX_COORDINATE:,.0f} to {MAX_COORDINATE:,.0f}"
        )
    return value


def _target(at: str, cell: str) -> float:
    value = _number(at, "y", cell)
    if abs(value) > MAX_TARGET:
        raise InputError(
            f"{at}, column y: {cell.strip()!r} is out of range; "
            f"targets are from −{MAX_TARGET:,.0f} to {MAX_TARGET:,.0f}"
        )
    return value


def _label(at: str, cell: str) -> int:
    value = _number(at, "label", cell)
    if not value.is_integer() or not 0 <= value < MAX_CSV_CLASSES:
        raise InputError(
            f"{at}, column label: {cell.strip()!r} is not a class label; "
            f"labels are whole numbers 0..K−1 with K from 2 to {MAX_CSV_CLASSES}"
        )
    return int(value)


def _split_name(at: str, cell: str) -> str:
    name = cell.strip().lower()
    if name not in SPLITS:
        raise InputError(f"{at}, column split: {cell.strip()!r} is not train, val or test")
    return name
