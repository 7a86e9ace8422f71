"""Files and command lines from others: every refusal is one printable line and exit 2,
nothing blocks, nothing half-written replaces an earlier result. Each class of hostile
input is generated (Hypothesis), not only the examples that were found."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdials.core.cli import main
from deepdials.core.config.files import load_config
from deepdials.core.config.schema import config_from_dict
from deepdials.core.errors import MAX_MESSAGE_CHARS, InputError
from deepdials.core.safe_files import MAX_DEPTH, write_atomically

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refused(capsys, argv) -> str:
    """Run the CLI; it must exit 2 with exactly one printable line on stderr."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = captured.err
    assert line.endswith("\n") and line.count("\n") == 1
    assert line[:-1].isprintable() and len(line) <= MAX_MESSAGE_CHARS + 40
    return line


def write(tmp_path, text: str, name="c.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@FAST
@given(depth=st.integers(MAX_DEPTH + 1, 20_000), kind=st.sampled_from("[{"))
def test_json_nested_deeper_than_the_limit_is_refused(tmp_path_factory, depth, kind):
    inner = "[]" if kind == "[" else "{}"
    opening, closing = ("[" * depth, "]" * depth) if kind == "[" else ('{"a":' * depth, "}" * depth)
    tmp = tmp_path_factory.mktemp("deep")
    path = write(tmp, f'{{"schema": 1, "data": {opening}{inner}{closing}}}')
    with pytest.raises(InputError, match="nested more than"):
        load_config(path)


@FAST
@given(digits=st.integers(20, 50_000), where=st.sampled_from(["n_points", "seed", "lr"]))
def test_numbers_too_large_for_anything_are_refused_not_crashed(tmp_path_factory, digits, where):
    section = "train" if where == "lr" else "data"
    tmp = tmp_path_factory.mktemp("big")
    path = write(tmp, f'{{"schema": 1, "{section}": {{"{where}": 9{"9" * digits}}}}}')
    with pytest.raises(InputError) as err:
        load_config(path)
    assert "\n" not in str(err.value) and len(str(err.value)) <= MAX_MESSAGE_CHARS


@FAST
@given(
    section=st.sampled_from(["", "data", "model", "train"]),
    key=st.sampled_from(["schema", "kind", "hidden", "lr", "x"]),
)
def test_a_key_given_twice_is_refused(tmp_path_factory, section, key):
    pair = f'"{key}": 1, "{key}": 2'
    text = (
        f'{{"schema": 1, {pair}}}' if not section else f'{{"schema": 1, "{section}": {{{pair}}}}}'
    )
    tmp = tmp_path_factory.mktemp("dup")
    with pytest.raises(InputError, match="given twice"):
        load_config(write(tmp, text))


@FAST
@given(key=st.text(min_size=1, max_size=2000))
def test_whatever_a_key_holds_the_message_is_one_printable_line(key):
    # a value no key takes, so that a key the schema knows ("augment") is refused too
    for raw in ({"schema": 1, key: [{}]}, {"schema": 1, "data": {key: [{}]}}):
        if key in ("data", "model", "train", "classroom", "lesson", "schema"):
            continue
        with pytest.raises(InputError) as err:
            config_from_dict(raw)
        message = str(err.value)
        assert message.isprintable() and len(message) <= MAX_MESSAGE_CHARS


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.text(min_size=1, max_size=300))
def test_whatever_a_path_holds_the_cli_refuses_it_in_one_line(capsys, name):
    refused(capsys, ["run", name + "\x00" if "\x00" not in name else name])


def test_unpaired_surrogates_nul_and_link_loops_in_paths_are_refused(tmp_path, capsys):
    refused(capsys, ["run", "\udcff.json"])
    refused(capsys, ["run", "a\x00b.json"])
    loop = tmp_path / "loop.json"
    os.symlink(loop, loop)
    assert "cannot read" in refused(capsys, ["run", str(loop)])


@pytest.mark.parametrize("special", ["fifo", "dir", "/dev/zero", "/dev/null"])
def test_special_files_are_refused_at_once(tmp_path, capsys, special):
    if special == "fifo":
        path = tmp_path / "pipe.json"
        os.mkfifo(path)  # nothing ever writes to it: reading would block for ever
    elif special == "dir":
        path = tmp_path
    else:
        path = Path(special)
    assert "cannot read" in refused(capsys, ["run", str(path)])


@FAST
@given(value=st.integers(10, 20_000), form=st.sampled_from(["{}.0", "{}e0", "{:e}"]))
def test_a_whole_number_written_as_a_float_is_the_whole_number(value, form):
    text = form.format(value) if form != "{:e}" else f"{value:e}"
    if float(text) != value:
        return
    raw = json.loads(f'{{"schema": 1, "data": {{"n_points": {text}}}}}')
    assert config_from_dict(raw).data.n_points == value


def test_a_byte_order_mark_is_read_in_configs_as_in_csv_files(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"schema": 1, "train": {"lr": 0.5}}')
    assert load_config(path).train.lr == 0.5


def test_a_failed_write_leaves_the_earlier_file_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("earlier")

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        write_atomically(target, "x" * 100_000)
    assert target.read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no half file left about


def test_out_must_name_a_file_and_a_failed_write_is_one_line(tmp_path, capsys):
    path = write(tmp_path, '{"schema": 1, "train": {"epochs": 1}}')
    refused(capsys, ["run", path, "--out", ""])
    refused(capsys, ["run", path, "--out", str(tmp_path / "no" / "such" / "dir.json")])


@pytest.mark.parametrize("epochs", ["-1", "2000000", "abc"])
def test_gradcheck_checks_its_epochs(tmp_path, capsys, epochs):
    path = write(tmp_path, '{"schema": 1}')
    refused(capsys, ["gradcheck", path, "--epochs", epochs])


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    path = write(tmp_path, '{"schema": 1, "train": {"epochs": 2}}')
    cli = f"{sys.executable} -m deepdials run {path} | head -c 5"
    result = subprocess.run(cli, shell=True, cwd=ROOT, capture_output=True, text=True)
    assert result.stdout == '{\n "c' and result.stderr == ""


@pytest.mark.parametrize("csv", ["a\x00b.csv", "loop.csv", "\udcff.csv"])
def test_a_csv_path_with_a_nul_or_a_link_loop_is_refused_in_one_line(tmp_path, capsys, csv):
    os.symlink(tmp_path / "loop.csv", tmp_path / "loop.csv")
    path = write(tmp_path, json.dumps({"schema": 1, "data": {"kind": "csv", "csv": csv}}))
    assert ".csv" in refused(capsys, ["run", path])
