"""CSV files bound the work they cause: lines (blank ones included), characters a line,
bytes, rows, coordinates beyond ±MAX_COORDINATE, a quoted cell spanning lines; a split
that leaves too few training rows, and a file that is no regular file, are refused in one
line with exit 2, and nothing accepted leaves a NumPy warning. Each class is generated
(Hypothesis)."""

import json
import math
import os
import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdials.core.cli import main, run_report
from deepdials.core.config.schema import config_from_dict
from deepdials.core.data.points import (
    MAX_COORDINATE,
    MAX_CSV_BYTES,
    MAX_CSV_LINE_CHARS,
    MAX_CSV_LINES,
    MAX_CSV_ROWS,
    load_points,
    points_from_text,
)
from deepdials.core.engine.reports import snapshot, surface
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.core.errors import MAX_MESSAGE_CHARS, InputError

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
BLANKS = st.sampled_from(["", " ", "\t", ",", " , ,", ",,,,"])


def run_cli(tmp_path, text: str, capsys, **data) -> tuple[int, str, str]:
    (tmp_path / "p.csv").write_text(text, encoding="utf-8", newline="")
    raw = {"schema": 1, "data": {"kind": "csv", "csv": "p.csv", **data}, "train": {"epochs": 1}}
    (tmp_path / "c.json").write_text(json.dumps(raw))
    status = main(["run", str(tmp_path / "c.json")])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_line_refusal(status, out, err) -> str:
    assert status == 2 and out == ""
    assert err.endswith("\n") and err.count("\n") == 1
    assert err[:-1].isprintable() and len(err) <= MAX_MESSAGE_CHARS + 40
    return err


def rows(n: int, ending: str = "\n") -> str:
    return ending.join(f"{i / 10},{(-1) ** i * i / 20},{i % 2}" for i in range(n)) + ending


# ----- blank lines, lines, bytes -----


@FAST
@given(
    extra=st.integers(1, 3 * MAX_CSV_LINES),
    blank=BLANKS,
    ending=ENDINGS,
    where=st.sampled_from(["before", "between", "after"]),
)
def test_more_lines_than_the_limit_are_refused_blank_ones_included(
    tmp_path_factory, capsys, extra, blank, ending, where
):
    filler = (blank + ending) * (MAX_CSV_LINES + extra)
    head, body = "x1,x2,label" + ending, rows(4, ending)
    text = {
        "before": filler + head + body,
        "between": head + body[: len(body) // 2] + filler + body[len(body) // 2 :],
        "after": head + body + filler,
    }[where]
    if len(text.encode()) > MAX_CSV_BYTES:
        text = text[: MAX_CSV_BYTES - 64] + ending  # the line limit, not the byte limit
    err = one_line_refusal(*run_cli(tmp_path_factory.mktemp("lines"), text, capsys))
    assert "lines (blank ones included); at most" in err


@FAST
@given(blank_lines=st.integers(0, MAX_CSV_LINES - 10), ending=ENDINGS)
def test_blank_lines_within_the_limit_are_skipped(blank_lines, ending):
    text = "x1,x2,label" + ending + ending * blank_lines + rows(6, ending)
    assert len(points_from_text(text, "p.csv")) == 6


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path, capsys):
    big = tmp_path / "p.csv"
    with open(big, "wb") as fh:  # 200 MB of blank lines, as sparse as the system allows
        fh.write(b"x1,x2,label\n0,0,0\n1,1,1\n")
        fh.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    with pytest.raises(InputError, match="over the .*-byte limit"):
        load_points(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1024 * 1024  # nothing of it was read


def test_the_limits_hold_the_largest_files_they_allow(tmp_path):
    wide = ",".join(["0.5"] * ((MAX_CSV_LINE_CHARS - 20) // 4))  # extra columns, ignored
    text = "x1,x2,label,more\n" + "".join(
        f"{i % 7},{i % 5},{i % 2},{wide}\n" for i in range(MAX_CSV_BYTES // len(wide) - 2)
    )
    assert len(text) <= MAX_CSV_BYTES and max(map(len, text.splitlines())) <= MAX_CSV_LINE_CHARS
    path = tmp_path / "p.csv"
    path.write_text(text)
    assert len(load_points(path)) == MAX_CSV_BYTES // len(wide) - 2
    path.write_text(
        "x1,x2,label\n" + rows(MAX_CSV_ROWS) + "\n" * (MAX_CSV_LINES - MAX_CSV_ROWS - 2)
    )
    assert len(load_points(path)) == MAX_CSV_ROWS


# ----- one enormous line -----


@FAST
@given(
    length=st.integers(MAX_CSV_LINE_CHARS + 1, MAX_CSV_BYTES - 100),
    cell=st.sampled_from([",", "1,", '"a",', "x" * 7]),
    line=st.integers(1, 4),
)
def test_a_line_longer_than_the_limit_is_refused_before_it_is_split_into_cells(
    tmp_path_factory, capsys, length, cell, line
):
    lines = ["x1,x2,label", "0,0,0", "1,1,1", "0,1,0"]
    lines.insert(line - 1, (cell * (length // len(cell) + 1))[:length])
    text = "\n".join(lines) + "\n"
    err = one_line_refusal(*run_cli(tmp_path_factory.mktemp("row"), text, capsys))
    assert f"line {line}: {length:,} characters; at most {MAX_CSV_LINE_CHARS:,} a line" in err


def test_a_pathological_row_takes_no_more_memory_than_the_file(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("x1,x2,label\n" + "1," * (MAX_CSV_BYTES // 2 - 16) + "\n")
    tracemalloc.start()
    with pytest.raises(InputError, match="characters; at most"):
        load_points(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 6 * MAX_CSV_BYTES  # the text and its lines, never a list of its cells


# ----- a split that leaves too few training rows -----


@FAST
@given(
    n=st.integers(4, 60),
    train=st.integers(0, 100),
    val=st.integers(0, 100),
    test=st.integers(0, 100),
)
def test_a_split_that_leaves_too_few_training_rows_is_refused_in_one_line(
    tmp_path_factory, capsys, n, train, val, test
):
    total = train + val + test
    split = [train / total, val / total, test / total] if total else [1.0, 0.0, 0.0]
    split[0] = max(0.0, 1.0 - split[1] - split[2])  # no -5.5e-17 where train is 0
    labels = "".join(f"{i / 10},{i / 7},{i % 2}\n" for i in range(n))
    status, out, err = run_cli(
        tmp_path_factory.mktemp("split"), "x1,x2,label\n" + labels, capsys, split=split
    )
    if status == 0:
        assert json.loads(out)["epochs_run"] == 1
    else:
        assert "for training; it needs at least 2" in one_line_refusal(status, out, err)


@pytest.mark.parametrize("in_train", [0, 1])
def test_a_split_column_with_too_few_training_rows_is_refused(tmp_path, capsys, in_train):
    names = ["train"] * in_train + ["val", "test", "val", "test"]
    text = "x1,x2,label,split\n" + "".join(
        f"{i},{i},{i % 2},{name}\n" for i, name in enumerate(names)
    )
    err = one_line_refusal(*run_cli(tmp_path, text, capsys))
    assert "train" in err


# ----- files that are not regular files -----


def test_a_csv_that_is_a_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "p.csv")  # nothing ever writes to it: reading would block for ever
    (tmp_path / "c.json").write_text(
        json.dumps({"schema": 1, "data": {"kind": "csv", "csv": "p.csv"}})
    )
    result = subprocess.run(
        [sys.executable, "-m", "deepdials", "run", str(tmp_path / "c.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "cannot read (not a regular file)" in result.stderr and result.stderr.count("\n") == 1


# ----- coordinates and cells -----

BEYOND = st.floats(MAX_COORDINATE, 1.7e308, exclude_min=True) | st.just(math.inf)
WITHIN = st.floats(-MAX_COORDINATE, MAX_COORDINATE, allow_subnormal=True)


@FAST
@given(
    value=BEYOND, sign=st.sampled_from([1, -1]), row=st.integers(0, 30), column=st.integers(0, 1)
)
def test_a_coordinate_beyond_the_bound_is_refused_naming_its_line(
    tmp_path, capsys, value, sign, row, column
):
    lines = rows(31).splitlines()
    cells = lines[row].split(",")
    cells[column] = repr(sign * value)
    lines[row] = ",".join(cells)
    err = one_line_refusal(*run_cli(tmp_path, "x1,x2,label\n" + "\n".join(lines), capsys))
    assert f"line {row + 2}, column x{column + 1}" in err
    assert "out of range" in err or "not a finite number" in err


@FAST
@given(
    row=st.integers(0, 20),
    head=st.text("0123456789.-", min_size=1, max_size=5),
    tail=st.text("0123456789", min_size=1, max_size=5),
    ending=ENDINGS,
)
def test_a_quoted_cell_that_spans_lines_is_refused_naming_its_line(row, head, tail, ending):
    lines = rows(21).splitlines()
    lines[row] = f'"{head}{ending}{tail}"' + lines[row][lines[row].index(",") :]
    with pytest.raises(InputError, match=f"line {row + 2}: a quoted cell runs on to line"):
        points_from_text("x1,x2,label\n" + "\n".join(lines) + "\n", "p.csv")


@FAST
@given(
    coordinates=st.lists(st.tuples(WITHIN, WITHIN), min_size=4, max_size=40),
    features=st.sampled_from([["x1", "x2"], ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)"]]),
    normalize=st.booleans(),
)
def test_any_accepted_coordinates_train_and_draw_without_a_numpy_warning(
    coordinates, features, normalize
):
    text = "x1,x2,label\n" + "".join(
        f"{a!r},{b!r},{i % 2}\n" for i, (a, b) in enumerate(coordinates)
    )
    points = points_from_text(text, "p.csv")
    raw = {
        "schema": 1,
        "data": {"kind": "csv", "features": features, "normalize": normalize, "split": [1, 0, 0]},
        "train": {"epochs": 3, "batch_size": 0},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = new_run(config_from_dict(raw), points=points)
        advance(run, epochs=3)
        surface(run, 30)
        snapshot(run, 30)
        run_report(run)
