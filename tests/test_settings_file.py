"""A settings file that was edited, truncated or copied from elsewhere never stops the
window from starting: a value that does not pass its check is dropped, with a message."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QSettings

from app import preferences
from app.window import MainWindow, configure_pyqtgraph
from core.config.schema import Config

KEYS = ("geometry", "large_fonts", "last_config", "last_points", "recent_files")
GARBAGE = st.one_of(
    st.text(max_size=200),
    st.integers(-(2**63), 2**63 - 1),
    st.binary(max_size=200).map(QByteArray),
    st.lists(st.text(max_size=20), max_size=4),
    st.just("[" * 5000 + "]" * 5000),
    st.just('{"schema": 1, "data": {"n_points": ' + "9" * 6000 + "}}"),
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(KEYS), value=GARBAGE)
def test_any_garbage_value_is_dropped_and_the_rest_kept(tmp_path_factory, key, value):
    path = tmp_path_factory.mktemp("ini") / "deepdials.ini"
    stored = QSettings(str(path), QSettings.IniFormat)
    stored.setValue("last_config", '{"schema": 1, "train": {"lr": 0.2}}')
    stored.setValue(key, value)
    stored.sync()
    kept = preferences.remembered(QSettings(str(path), QSettings.IniFormat))
    if kept.config is not None:
        assert isinstance(kept.config, Config)
    if kept.geometry is not None:
        assert isinstance(kept.geometry, QByteArray)
    assert isinstance(kept.large_fonts, bool)
    assert all(isinstance(p, str) and p.isprintable() for p in kept.problems)
    assert all(isinstance(p, str) for p in preferences.recent_files(stored))


@pytest.mark.parametrize(
    "line",
    [
        "geometry=hello",
        "geometry=@ByteArray(\\x1\\x2)",
        "large_fonts=maybe",
        "last_config=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "last_points=x1,x2,label\\n1,2,7",
        "recent_files=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x1f)",
    ],
)
@pytest.mark.qt_log_ignore("QVariant::load")  # Qt's own word on the garbage it read
def test_the_window_starts_whatever_one_line_of_the_file_says(qtbot, tmp_path, monkeypatch, line):
    path = tmp_path / "deepdials.ini"
    path.write_text(f"[General]\n{line}\n", encoding="utf-8")
    monkeypatch.setenv(preferences.ENVIRONMENT, str(path))
    configure_pyqtgraph()
    window = MainWindow(remember=True, playing=False)
    qtbot.addWidget(window)
    assert window.session.config is not None
    window.close()
