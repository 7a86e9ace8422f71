"""A lesson's steps in the window, played with the keys a lecturer (or a presenter's
remote) uses: each step shows, to the bit, the runs the headless player gives
(`lesson_runs.at_step`), forward and back."""

import time
from pathlib import Path

import numpy as np
import pytest
from lesson_runs import at_step
from PySide6.QtCore import Qt

from deepdials.app.lessons import markdown_title
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.files import load_experiment
from deepdials.core.engine.snapshot import Status
from deepdials.resources import PRESETS, lesson_names

LESSON = Path(__file__).parent / "lessons" / "stepped.json"
COMPARED = Path(__file__).parent / "lessons" / "stepped_compare.json"


@pytest.fixture
def lesson_window(qtbot):
    def make(path):
        configure_pyqtgraph()
        w = MainWindow(load_experiment(path), path.parent, remember=False, config_path=path)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        windows.append(w)
        return w

    windows = []
    yield make
    for w in windows:
        w.close()


def settled(window, step):
    """Whether the window shows step `step` ended, every run drawn as it ended."""
    frame = window.session.frame()
    return (
        window.steps.current == step
        and window.steps.ended()
        and len(frame.runs) == len(window.session.lanes)
        and all(run.snapshot.status != Status.RUNNING for run in frame.runs)
    )


def shown_as_headless(window, path, step):
    """The runs the window draws are those `at_step` trains, by label, bit for bit."""
    frame = window.session.frame()
    expected = at_step(str(path), step)
    assert [run.label for run in frame.runs] == list(expected)
    for run in frame.runs:
        headless = expected[run.label]
        assert run.snapshot.epoch == headless.epoch
        assert run.snapshot.metrics == headless.metrics
        history = headless.history.arrays()
        for name, values in history.items():
            assert np.array_equal(run.snapshot.history[name], values, equal_nan=True), name


def press(qtbot, window, key):
    window.activateWindow()
    qtbot.keyClick(window, key)


def test_next_and_back_show_each_step_as_the_headless_player_trains_it(qtbot, lesson_window):
    window = lesson_window(LESSON)
    bar = window.step_bar
    qtbot.waitUntil(lambda: settled(window, 1), timeout=20_000)
    shown_as_headless(window, LESSON, 1)
    assert bar.isVisible() and bar.position.text() == "Step 1 of 5"
    assert not window.back_action.isEnabled()
    press(qtbot, window, Qt.Key_N)
    qtbot.waitUntil(lambda: settled(window, 2), timeout=20_000)
    shown_as_headless(window, LESSON, 2)
    press(qtbot, window, Qt.Key_PageDown)
    qtbot.waitUntil(lambda: settled(window, 3), timeout=20_000)
    shown_as_headless(window, LESSON, 3)
    assert window.views.current().name == "depth"  # the step's view
    assert "Keep it, and λ = 1 beside it." in bar.text.toPlainText()
    assert "▶ Now: Keep it" in window.lesson.toPlainText()
    press(qtbot, window, Qt.Key_B)
    qtbot.waitUntil(lambda: settled(window, 2), timeout=5_000)
    shown_as_headless(window, LESSON, 2)
    assert window.views.current().name == "curves"  # the lesson's, before step 3 named one
    press(qtbot, window, Qt.Key_N)
    qtbot.waitUntil(lambda: settled(window, 3), timeout=20_000)
    shown_as_headless(window, LESSON, 3)


def test_next_while_a_step_trains_finishes_it_at_full_speed_first(qtbot, lesson_window):
    window = lesson_window(COMPARED)
    window.speed.setCurrentIndex(window.speed.findText("1 epoch/s"))  # 30 epochs: 30 s
    qtbot.waitUntil(lambda: window.steps.current == 1 and window.session.latest is not None)
    assert not window.steps.ended()
    press(qtbot, window, Qt.Key_N)
    qtbot.waitUntil(lambda: window.steps.current == 2, timeout=10_000)
    window.full_speed_action.setChecked(True)
    qtbot.waitUntil(lambda: settled(window, 2), timeout=20_000)
    shown_as_headless(window, COMPARED, 2)


def test_back_shows_the_step_before_as_it_ended(qtbot, lesson_window):
    window = lesson_window(COMPARED)
    window.full_speed_action.setChecked(True)
    qtbot.waitUntil(lambda: settled(window, 1), timeout=20_000)
    press(qtbot, window, Qt.Key_N)
    qtbot.waitUntil(lambda: settled(window, 2), timeout=20_000)
    start = time.perf_counter()
    press(qtbot, window, Qt.Key_PageUp)
    qtbot.waitUntil(lambda: settled(window, 1), timeout=5_000)
    print(f"Back drew step 1 in {time.perf_counter() - start:.3f} s")
    shown_as_headless(window, COMPARED, 1)


def test_a_change_between_steps_is_set_aside_by_the_next_step(qtbot, lesson_window):
    window = lesson_window(LESSON)
    window.full_speed_action.setChecked(True)
    qtbot.waitUntil(lambda: settled(window, 1), timeout=20_000)
    messages = []
    window.session.problem.connect(messages.append)
    window.controls.bindings["train.lr"].slider.setValue(0.3)  # the ended run starts again
    qtbot.waitUntil(lambda: window.session.config.train.lr == 0.3)
    press(qtbot, window, Qt.Key_N)
    qtbot.waitUntil(lambda: settled(window, 2), timeout=20_000)
    shown_as_headless(window, LESSON, 2)
    assert messages == [
        "Step 2 goes on from where step 1 ended, as the lesson says: the changes made since "
        "are set aside."
    ]


def test_a_comparison_lesson_s_title_shows_in_projector_mode(qtbot, lesson_window):
    window = lesson_window(LESSON)
    index = lesson_names().index("compare_regularization")
    window.files.open_config(PRESETS / "compare_regularization.json")
    window.large_fonts_action.setChecked(True)
    label = window.navigator.position
    title = markdown_title(PRESETS / "compare_regularization.json")
    qtbot.waitUntil(lambda: label.text().endswith(title) and window.session.comparing)
    qtbot.waitUntil(lambda: label.font().pointSizeF() > 12)
    shown = label.fontMetrics().elidedText(
        label.text(), Qt.ElideRight, label.contentsRect().width()
    )
    assert shown.startswith(f"Lesson {index + 1} of {len(lesson_names())}: {title[:20]}")
