"""Every file the user gets is written one way (`core.safe_files`): whole or not at all.

For every writer (config, config with its points, comparison, points export, GIF, PNG,
`deepdials run --out`): a target that is a device, a pipe, a socket, a folder, or a link
to one, is refused and left as it was; a full disk (a file-size limit in a child process)
leaves the earlier files byte for byte, or the whole new ones, and no temporary file; an
interruption at any step of writing a config and its points leaves the whole old pair.
"""

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdials.core import safe_files
from deepdials.core.config.files import load_config, save_experiment
from deepdials.core.config.schema import config_from_dict
from deepdials.core.data.points import load_points
from deepdials.core.errors import InputError
from deepdials.core.safe_files import write_atomically, write_together
from tests.user_file_writers import WRITERS, comparable, points, prepare_inputs

ROOT = Path(__file__).resolve().parents[1]
SPECIAL_KINDS = ["device", "fifo", "socket", "folder", "link to fifo", "link to device", "loop"]


def make_special(folder: Path, name: str, kind: str) -> Path:
    """A target of `kind` named `name` in `folder`; devices only as copies of /dev/null's
    numbers made with mknod here, never a real device node."""
    path = folder / name
    if kind in ("device", "link to device"):
        node = path if kind == "device" else folder / "node"
        try:
            os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        except (PermissionError, AttributeError):
            pytest.skip("making a device node is not allowed here")
    elif kind in ("fifo", "link to fifo"):
        os.mkfifo(path if kind == "fifo" else folder / "pipe")
    elif kind == "socket":
        listener = socket.socket(socket.AF_UNIX)
        try:
            listener.bind(str(path))
        except OSError:
            pytest.skip("the folder's path is too long for a socket")
        listener.close()
    elif kind == "folder":
        path.mkdir()
    if kind.startswith("link to"):
        os.symlink(folder / ("node" if kind.endswith("device") else "pipe"), path)
    elif kind == "loop":
        os.symlink(path, path)
    return path


def kinds(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IFMT(p.lstat().st_mode) for p in folder.iterdir()}


def clear(folder: Path) -> None:
    """Remove everything but the writers' input."""
    for path in folder.iterdir():
        if path.name == "run.json":
            continue
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
@pytest.mark.parametrize("writer", WRITERS)
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_as_it_was(
    tmp_path, writer, kind, capsys
):
    prepare_inputs(tmp_path)
    names = WRITERS[writer](tmp_path)
    # each file the writer writes in turn (a config and its points: either) is the special
    for name in names:
        clear(tmp_path)
        make_special(tmp_path, name, kind)
        before = kinds(tmp_path)
        with pytest.raises((InputError, OSError)) as refused:
            WRITERS[writer](tmp_path)
        assert kinds(tmp_path) == before  # nothing replaced, nothing left beside it
        message = capsys.readouterr().err if writer == "cli --out" else str(refused.value)
        assert name in message and message.strip().count("\n") == 0


def test_the_sweep_export_refuses_a_pipe_and_writes_a_regular_file(qtbot, session, tmp_path):
    from deepdials.app.pages.sweep_page import SweepPage

    page = SweepPage(session)
    qtbot.addWidget(page)
    fifo = make_special(tmp_path, "sweep.csv", "fifo")
    with pytest.raises(InputError, match="a pipe"):
        page.export_csv(fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    page.export_csv(tmp_path / "ok.csv")
    assert (tmp_path / "ok.csv").read_text().startswith("parameter,")


@pytest.mark.parametrize("self_target", ["same", "symlink", "hard link", "its csv"])
def test_the_command_line_refuses_to_write_over_its_own_input(tmp_path, capsys, self_target):
    (tmp_path / "pts.csv").write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n")
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"schema": 1, "data": {"kind": "csv", "csv": "pts.csv"}}))
    earlier = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    out = {"same": config, "its csv": tmp_path / "pts.csv"}.get(self_target, tmp_path / "o.json")
    if self_target == "symlink":
        os.symlink(config, out)
    elif self_target == "hard link":
        os.link(config, out)
    from deepdials.core.cli import main

    assert main(["run", str(config), "--out", str(out)]) == 2
    assert "writing would replace it" in capsys.readouterr().err
    assert all((tmp_path / name).read_bytes() == data for name, data in earlier.items())


@pytest.mark.parametrize("length", [245, 250, 255])
def test_a_name_as_long_as_the_file_system_allows_is_written(tmp_path, length):
    target = tmp_path / ("é" * ((length - 5) // 2) + "x" * ((length - 5) % 2) + ".json")
    assert len(os.fsencode(target.name)) == length
    write_atomically(target, "{}")
    assert target.read_text() == "{}" and len(list(tmp_path.iterdir())) == 1
    long_config = tmp_path / ("c" * 240 + ".json")  # its points: 240 + 11 characters
    save_experiment(config_from_dict({"schema": 1, "data": {"kind": "csv"}}), points(), long_config)
    assert len(load_points(load_config(long_config).data.csv)) == len(points())


CHILD = """
import json, resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, EFBIG
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from tests.user_file_writers import WRITERS
outcome = {}
for name, writer in WRITERS.items():
    try:
        writer(Path(sys.argv[2]))
        outcome[name] = "written"
    except Exception as exc:
        outcome[name] = type(exc).__name__ + ": " + str(exc)
print(json.dumps(outcome))
"""


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(limit=st.sampled_from([1, 600, 4096]) | st.integers(1, 120_000))
def test_a_full_disk_leaves_every_earlier_file_byte_for_byte(tmp_path_factory, limit):
    fresh = tmp_path_factory.mktemp("fresh")
    prepare_inputs(fresh)
    names = {writer: write(fresh) for writer, write in WRITERS.items()}
    new = {n: comparable(n, (fresh / n).read_bytes()) for files in names.values() for n in files}
    folder = tmp_path_factory.mktemp("full")
    prepare_inputs(folder)
    earlier = {name: os.urandom(150_000) for name in new}  # larger than any new file
    for name, data in earlier.items():
        (folder / name).write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(limit), str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["run.json", *earlier])
    for writer, files in names.items():
        on_disk = {n: (folder / n).read_bytes() for n in files}
        if outcome[writer] == "written":
            assert all(comparable(n, data) == new[n] for n, data in on_disk.items()), writer
        else:
            assert all(data == earlier[n] for n, data in on_disk.items()), outcome[writer]
    if limit == 1:
        assert "written" not in outcome.values()


class Interrupted(BaseException):
    """Stands for Ctrl+C at one step of a write."""


STEPS = ["mkstemp", "write", "fsync", "link", "replace"]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(step=st.sampled_from(STEPS), nth=st.integers(1, 3), keyboard=st.booleans())
def test_an_interruption_at_any_step_leaves_the_whole_old_pair(
    tmp_path_factory, monkeypatch, step, nth, keyboard
):
    """A config and its points: interrupted at the nth call of any system step, the
    folder holds the old pair exactly and nothing else; uninterrupted, the new pair."""
    folder = tmp_path_factory.mktemp("pair")
    old = [(folder / "e.points.csv", b"x1,x2,label\n0,0,0\n1,1,1\n"), (folder / "e.json", b"{}")]
    for path, data in old:
        path.write_bytes(data)
    calls = {"n": 0}
    stop = KeyboardInterrupt if keyboard else Interrupted
    originals = {
        "mkstemp": (safe_files.tempfile, "mkstemp"),
        "fsync": (os, "fsync"),
        "link": (os, "link"),
        "replace": (os, "replace"),
    }
    with monkeypatch.context() as patch:
        if step == "write":
            real = safe_files._complete

            def failing(fh, target):
                calls["n"] += 1
                if calls["n"] == nth:
                    fh.write(b"half")
                    raise stop()
                real(fh, target)

            patch.setattr(safe_files, "_complete", failing)
        else:
            owner, name = originals[step]
            real = getattr(owner, name)

            def failing(*args, **kwargs):
                calls["n"] += 1
                if calls["n"] == nth:
                    raise stop()
                return real(*args, **kwargs)

            patch.setattr(owner, name, failing)
        new = [(path, data + b" new") for path, data in old]
        try:
            write_together(new)
            interrupted = False
        except (KeyboardInterrupt, Interrupted):
            interrupted = True
    on_disk = {p.name: p.read_bytes() for p in folder.iterdir()}
    expected = old if interrupted else new
    assert on_disk == {path.name: data for path, data in expected}


def test_the_screenshot_refuses_a_pipe_in_one_line_and_leaves_it(tmp_path):
    fifo = make_special(tmp_path, "shot.png", "fifo")
    result = subprocess.run(
        [sys.executable, "-m", "deepdials", "--epochs", "1", "--screenshot", str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 1
    assert result.stderr.endswith(f"failed: {fifo}: cannot write (a pipe, not a regular file)\n")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
