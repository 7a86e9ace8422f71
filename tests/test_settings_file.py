"""A settings file that was edited, truncated, crafted or copied from elsewhere never stops
the window from starting: a file that is not DeepDials' INI is set aside and the window
starts from the defaults; a value that does not pass its check is dropped, with a
message; the file is never handed to Qt's deserializer. The window starts in a child
process wherever a crash or a hang would otherwise take pytest down with it."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from deepdials.app import preferences
from deepdials.app.ini_file import IniError, ini_text, parse_ini
from deepdials.core.config.schema import Config

ROOT = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT = 120  # seconds; a start that hangs fails instead of waiting for ever
KEYS = ("geometry", "large_fonts", "last_config", "last_points", "recent_files")
GARBAGE = st.one_of(
    st.text(max_size=200),
    st.integers(-(2**63), 2**63 - 1),
    st.binary(max_size=200).map(QByteArray),
    st.lists(st.text(max_size=20), max_size=4),
    st.just("[" * 5000 + "]" * 5000),
    st.just('{"schema": 1, "data": {"n_points": ' + "9" * 6000 + "}}"),
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
PLAIN_VALUES = st.one_of(  # what the window stores: text, lists of text, bytes
    TEXT,
    st.lists(TEXT, min_size=2, max_size=4),
    st.binary(max_size=80),
)


def variant_blob(depth: int) -> str:
    """A `@Variant(...)` of lists nested `depth` deep, as Qt's INI writer spells bytes: the
    crafted value that took the window down at every start."""
    one_level = b"\x00\x00\x00\x09\x00\x00\x00\x00\x01"  # QVariantList, not null, 1 item
    blob = one_level * depth + b"\x00\x00\x00\x0a\x00\xff\xff\xff\xff"
    return "@Variant(" + "".join(f"\\x{b:02x}" for b in blob) + ")"


def start_window(tmp_path: Path, *args: str, env: dict | None = None) -> dict:
    """Start `deepdials *args` in a child process, close its window once shown, and return
    what it showed: the status line's message, its size, projector mode."""
    script = (
        "import json, sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from deepdials.app import main\n"
        "app = QApplication(sys.argv[:1])\n"
        "seen = {}\n"
        "def close():\n"
        "    w = next(w for w in app.topLevelWidgets() if type(w).__name__ == 'MainWindow')\n"
        "    seen.update(message=w.statusBar().currentMessage(), size=[w.width(), w.height()],\n"
        "                large_fonts=w.large_fonts_action.isChecked(),\n"
        "                lr=w.session.config.train.lr)\n"
        "    w.close()\n"
        "QTimer.singleShot(0, close)\n"
        "code = main.run_window(sys.argv[1:])\n"
        "print(json.dumps(seen))\n"
        "sys.exit(code)\n"
    )
    child_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={k: v for k, v in child_env.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----- the format: the same values as QSettings, and nothing of Qt's objects -----


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    values=st.dictionaries(st.sampled_from(KEYS + ("other",)), PLAIN_VALUES, min_size=1, max_size=5)
)
def test_files_qsettings_wrote_read_the_same_and_ours_read_the_same_in_qsettings(
    tmp_path_factory, values
):
    folder = tmp_path_factory.mktemp("ini")
    theirs = QSettings(str(folder / "qt.ini"), QSettings.IniFormat)
    for key, value in values.items():
        theirs.setValue(key, QByteArray(value) if isinstance(value, bytes) else value)
    theirs.sync()
    assert parse_ini((folder / "qt.ini").read_text(encoding="utf-8")) == values
    (folder / "ours.ini").write_text(ini_text(values), encoding="utf-8")
    back = QSettings(str(folder / "ours.ini"), QSettings.IniFormat)
    for key, value in values.items():
        read = back.value(key)
        assert (bytes(read) if isinstance(value, bytes) else read) == value


@pytest.mark.parametrize(
    "line",
    [
        "geometry=" + variant_blob(3),
        'recent_files=/a.json, "@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x1f)"',
        "large_fonts=\\x40Variant(\\0\\0)",  # an escape that spells the @
        "geometry=@Rect(0 0 10 10)",
        'last_config="{\\"schema',
        "just some words",
        "[General",
        "key=\\xd800",  # half a character
        "key=goes on \\",
    ],
)
def test_a_line_that_is_not_deepdials_ini_refuses_the_file_naming_the_line(line):
    with pytest.raises(IniError, match="^line 3: "):
        parse_ini(f"[General]\nlarge_fonts=true\n{line}\n")


def test_the_default_file_is_where_qsettings_kept_it(monkeypatch):
    monkeypatch.delenv(preferences.ENVIRONMENT)
    kept = QSettings(QSettings.IniFormat, QSettings.UserScope, "DeepDials", "DeepDials")
    assert preferences.settings_path() == Path(kept.fileName())


# ----- values: each checked, a bad one dropped -----


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(KEYS), value=GARBAGE)
def test_any_garbage_value_is_dropped_and_the_rest_kept(tmp_path_factory, monkeypatch, key, value):
    path = tmp_path_factory.mktemp("ini") / "deepdials.ini"
    stored = QSettings(str(path), QSettings.IniFormat)
    stored.setValue("last_config", '{"schema": 1, "train": {"lr": 0.2}}')
    stored.setValue(key, value)
    stored.sync()
    monkeypatch.setenv(preferences.ENVIRONMENT, str(path))
    opened = preferences.open_settings()
    assert opened.notice is None
    kept = preferences.remembered(opened)
    if kept.config is not None:
        assert isinstance(kept.config, Config)
    if kept.geometry is not None:
        assert isinstance(kept.geometry, QByteArray)
    assert isinstance(kept.large_fonts, bool)
    assert all(isinstance(p, str) and p.isprintable() for p in kept.problems)
    assert all(isinstance(p, str) for p in preferences.recent_files(opened))
    if key not in ("last_config", "last_points"):
        assert kept.config is not None


# ----- hostile files: the window starts, from the defaults, the file kept aside -----


def _crafted(path: Path) -> None:
    path.write_text(f"[General]\ngeometry={variant_blob(66_000)}\n", encoding="latin-1")


def _huge(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.write(b"[General]\nlarge_fonts=true\n")
        fh.truncate(100_000_000)  # sparse: no disk is used


def _binary(path: Path) -> None:
    path.write_bytes(np.random.default_rng(0).bytes(5000))


def _latin1(path: Path) -> None:
    path.write_bytes(b"[General]\nlast_config=caf\xe9\n")


@pytest.mark.parametrize("make", [_crafted, _huge, _binary, _latin1], ids=lambda f: f.__name__)
def test_a_file_that_is_not_deepdials_ini_is_set_aside_and_the_window_starts(tmp_path, make):
    path = tmp_path / "deepdials.ini"
    make(path)
    before = path.read_bytes() if path.stat().st_size < 10_000_000 else None
    seen = start_window(tmp_path, "--settings", str(path))
    assert "could not be used" in seen["message"] and "starts from the defaults" in seen["message"]
    assert seen["size"] == [1280, 800] and not seen["large_fonts"]
    (aside,) = tmp_path.glob("deepdials.ini.bad-*")
    assert aside.name in seen["message"]
    if before is not None:
        assert aside.read_bytes() == before
    assert "last_config" in parse_ini(path.read_text(encoding="utf-8"))  # saved anew


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()


def _device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # a copy of /dev/zero
    except PermissionError:
        pytest.skip("making a device node needs privileges")


def _loop(path: Path) -> None:
    path.symlink_to(path)


@pytest.mark.parametrize("make", [_fifo, _folder, _device, _loop], ids=lambda f: f.__name__)
def test_a_path_that_is_not_a_file_is_left_alone_and_nothing_is_saved(tmp_path, make):
    path = tmp_path / "deepdials.ini"
    make(path)
    before = os.lstat(path)
    seen = start_window(tmp_path, "--settings", str(path))
    assert "cannot be used" in seen["message"] and "nothing is saved" in seen["message"]
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino, after.st_mtime_ns) == (
        before.st_mode,
        before.st_ino,
        before.st_mtime_ns,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deepdials.ini"]


# ----- --settings: every read and write in that file; the saved size applies -----


def test_settings_option_keeps_the_users_own_file_untouched_and_the_size_applies(qtbot, tmp_path):
    home = tmp_path / "config"
    users = home / "DeepDials" / "DeepDials.ini"
    users.parent.mkdir(parents=True)
    users.write_text(
        '[General]\nlarge_fonts=true\nlast_config="{\\"schema\\": 1, \\"train\\": '
        '{\\"lr\\": 0.7}}"\n',
        encoding="utf-8",
    )
    env = {"XDG_CONFIG_HOME": str(home), "DEEPDIALS_SETTINGS": None}
    assert start_window(tmp_path, env=env)["lr"] == 0.7  # without --settings: the user's
    before = (users.read_bytes(), users.stat().st_mtime_ns)

    profile = tmp_path / "profile.ini"
    first = start_window(tmp_path, "--settings", str(profile), env=env)
    assert first["lr"] != 0.7 and not first["large_fonts"]
    saved = parse_ini(profile.read_text(encoding="utf-8"))
    assert {"geometry", "large_fonts", "last_config"} <= set(saved)

    sized = QWidget()  # a geometry of 720 x 540 (the offscreen screen is 800 x 600)
    qtbot.addWidget(sized)
    sized.resize(720, 540)
    saved["geometry"] = bytes(sized.saveGeometry())
    profile.write_text(ini_text(saved), encoding="utf-8")
    assert start_window(tmp_path, "--settings", str(profile), env=env)["size"] == [720, 540]
    assert (users.read_bytes(), users.stat().st_mtime_ns) == before
    assert sorted(p.name for p in users.parent.iterdir()) == ["DeepDials.ini"]


# ----- writing: a failure half way leaves the earlier file -----


def test_a_write_that_fails_half_way_leaves_the_earlier_file_and_says_so(tmp_path):
    path = tmp_path / "deepdials.ini"
    path.write_text(ini_text({"large_fonts": "true", "recent_files": ["/a.json", "/b.json"]}))
    before = path.read_bytes()
    script = (
        "import resource, signal\n"
        "from deepdials.app import preferences\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "settings = preferences.open_settings()\n"
        "settings.set_value('last_points', 'x1,x2,label\\n' * 100_000)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "print(settings.sync())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, preferences.ENVIRONMENT: str(path)},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"The settings could not be saved to {path}")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deepdials.ini"]
