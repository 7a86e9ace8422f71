"""The window on a projector and on a desktop: every view fits, the boundary is at equal
scale, mode changes keep what is drawn, the wheel scrolls, playback tells the truth, and
the first start opens the first lesson."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontInfo, QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel

from deepdials.app.lessons import lesson_paths
from deepdials.app.names import VIEWS
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.files import load_config, load_experiment
from deepdials.resources import PRESETS, lesson_names
from tests.helpers import explanation_start, small_config, wait_for_run
from tests.layout_checks import clipped

ROOT = Path(__file__).resolve().parents[1]
SCREENS = [(1280, 800, True), (1280, 800, False), (1920, 1080, False)]


def settle():
    """Let Qt lay out and paint what changed (posted layout requests, resizes)."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def laid_out(qtbot, config, size, projector, path=None):
    configure_pyqtgraph()
    w = MainWindow(config, PRESETS if path else None, remember=False, config_path=path)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    w.large_fonts_action.setChecked(projector)
    wait_for_run(qtbot, w.session)
    qtbot.waitUntil(lambda: w.session.latest is not None and w.session.latest.epoch >= 2)
    return w


@pytest.mark.parametrize("preset", ["l2", "vanishing_gradients"])
@pytest.mark.parametrize("width, height, projector", SCREENS)
def test_no_view_is_cut_off(qtbot, preset, width, height, projector):
    path = PRESETS / f"{preset}.json"
    w = laid_out(qtbot, load_config(path), (width, height), projector, path)
    found = {}
    for name in VIEWS:
        w.show_view(name)
        settle()
        w.views.catch_up()
        settle()
        found[name] = clipped(w)
    w.close()
    assert found == {name: [] for name in VIEWS}


@pytest.mark.parametrize("kind", ["circles", "moons", "xor"])
def test_the_boundary_has_as_many_pixels_per_unit_across_as_up(qtbot, kind):
    w = laid_out(qtbot, small_config(data={"kind": kind}), (1280, 800), True)
    across, up = w.boundaries.selected_view().pixels_per_unit()
    assert across == pytest.approx(up, rel=0.01)
    x0, x1, y0, y1 = w.session.info.data.extent
    rect = w.boundaries.selected_view().plot.vb.viewRect()
    assert rect.left() <= x0 and rect.right() >= x1 and rect.top() <= y0 and rect.bottom() >= y1
    w.close()


def test_a_mode_change_while_paused_keeps_the_contour_drawn(qtbot, window):
    qtbot.waitUntil(lambda: window.session.latest is not None and window.session.latest.epoch >= 3)
    window.session.set_playing(False)

    def contour_points() -> int:
        x, _ = window.boundaries.selected_view().contour.getData()
        return 0 if x is None else len(x)

    qtbot.waitUntil(lambda: contour_points() > 0)
    drawn = contour_points()
    for action in (window.large_fonts_action, window.classroom_action):
        action.setChecked(True)
        assert contour_points() == drawn
        action.setChecked(False)
        assert contour_points() == drawn


def test_projector_and_classroom_modes_are_independent_and_leaving_restores_the_look(window):
    normal = QApplication.font().pointSizeF()
    window.large_fonts_action.setChecked(True)
    window.classroom_action.setChecked(True)
    window.classroom_action.setChecked(False)
    assert window.scale > 1 and window.large_fonts_action.isChecked()  # F9 off: Ctrl+L stays
    window.large_fonts_action.setChecked(False)
    assert window.scale == 1 and QApplication.font().pointSizeF() == normal
    window.classroom_action.setChecked(True)
    assert window.scale > 1 and not window.large_fonts_action.isChecked()


def wheel(widget, clicks=-10):
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    for _ in range(abs(clicks)):
        event = QWheelEvent(
            centre,
            widget.mapToGlobal(centre),
            QPoint(),
            QPoint(0, 120 if clicks > 0 else -120),
            Qt.NoButton,
            Qt.NoModifier,
            Qt.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_panel_and_leaves_an_unfocused_control_alone(qtbot, window):
    window.large_fonts_action.setChecked(True)  # a panel taller than the window
    settle()
    box = window.controls.bindings["model.activation"].box
    bar = window.controls_scroll.verticalScrollBar()
    assert bar.maximum() > 0
    before = (box.currentIndex(), bar.value(), window.session.run_id)
    wheel(box)
    assert box.currentIndex() == before[0] and window.session.run_id == before[2]
    assert bar.value() > before[1]  # the panel scrolled instead
    box.setFocus()
    wheel(box, clicks=1)
    assert box.currentIndex() != before[0]  # a control with the focus turns


def test_a_finished_run_continues_with_a_higher_epoch_limit(qtbot):
    configure_pyqtgraph()
    w = MainWindow(small_config(train={"epochs": 3}), remember=False)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.session.status == "finished", timeout=10_000)
    assert w.play_action.text() == "Continue"
    w.play_or_pause()
    assert w.session.config.train.epochs == 6
    qtbot.waitUntil(lambda: w.session.status == "finished" and w.session.latest.epoch == 6)
    w.close()


def test_a_diverged_run_says_why_it_cannot_play(qtbot):
    configure_pyqtgraph()
    exploding = small_config(
        model={"hidden": [32] * 8, "activation": "relu", "init": "normal", "init_scale": 50.0},
        train={"lr": 10.0},
    )
    w = MainWindow(exploding, remember=False)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.session.status == "diverged", timeout=10_000)
    assert w.play_action.text() == "Play" and "Reset" in w.play_action.toolTip()
    w.play_or_pause()
    assert "Reset" in w.statusBar().currentMessage()
    w.close()


def test_regularizing_an_ended_run_starts_a_new_run_with_the_new_lambda(qtbot):
    configure_pyqtgraph()
    w = MainWindow(small_config(train={"epochs": 3}), remember=False)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.session.status == "finished", timeout=10_000)
    old = w.session.run_id
    w.bias_variance.remedy.emit("regularize")
    assert w.session.config.train.l2 == 0.1 and w.session.run_id != old
    qtbot.waitUntil(lambda: w.session.latest is not None and w.session.latest.epoch > 0)
    w.close()


def test_the_first_start_opens_the_first_lesson_slowly_enough_to_watch(
    qtbot, tmp_path, monkeypatch
):
    from deepdials.app import preferences

    monkeypatch.setenv(preferences.ENVIRONMENT, str(tmp_path / "fresh.ini"))
    configure_pyqtgraph()
    w = MainWindow(remember=True)
    qtbot.addWidget(w)
    first = lesson_paths()[0]
    assert w.session.path == first and w.session.config == load_config(first)
    assert w.navigator.position.text().startswith("Lesson 1 of")
    assert explanation_start(lesson_names()[0]) in w.lesson.toPlainText()
    assert w.speed.currentData() is not None and w.speed.currentData() <= 50
    w.close()


def test_a_lesson_shows_its_view_and_marks_its_controls(qtbot, window):
    path = PRESETS / "vanishing_gradients.json"
    config = load_config(path)
    assert config.lesson.view is not None and config.lesson.controls
    window.files.open_config(path)
    assert window.views.current().name == config.lesson.view
    assert window.controls.marked() == frozenset(config.lesson.controls)


def test_marked_controls_follow_projector_mode_and_are_scrolled_into_view(qtbot, window):
    def shown_whole(widget) -> bool:
        viewport = window.controls_scroll.viewport()
        corners = (widget.rect().topLeft(), widget.rect().bottomRight())
        return all(viewport.rect().contains(widget.mapTo(viewport, c)) for c in corners)

    def pixels(widget) -> int:
        return QFontInfo(widget.font()).pixelSize()

    labels = {label.text(): label for label in window.controls.findChildren(QLabel)}
    marked, plain = labels["Stop after"], labels["Noise"]  # Stop after: the panel's foot
    stop_after = window.controls.bindings["train.epochs"].widgets()
    window.files.open_config(PRESETS / "train_longer.json")
    assert window.controls.marked() == {"train.epochs"}
    normal = pixels(plain)
    window.large_fonts_action.trigger()
    qtbot.waitUntil(lambda: all(shown_whole(w) for w in [marked, *stop_after]))
    assert pixels(marked) == pixels(plain) > normal
    window.large_fonts_action.trigger()
    settle()
    assert pixels(marked) == pixels(plain) == normal


def test_a_lesson_that_names_a_speed_plays_at_it_and_others_at_the_first_speed(window):
    window.full_speed_action.setChecked(True)
    window.files.open_config(PRESETS / "exploding_gradients.json")
    assert window.speed.currentText() == "1 epoch/s" and not window.full_speed_action.isChecked()
    window.speed.setCurrentIndex(window.speed.findText("10 epochs/s"))
    window.files.open_config(PRESETS / "deep_relu_he.json")  # names no speed
    assert window.speed.currentText() == "50 epochs/s"


def test_every_preset_has_a_description_with_a_title():
    for path in sorted(PRESETS.glob("*.json")):
        text = path.with_suffix(".md").read_text(encoding="utf-8")
        assert text.startswith("# "), path.name


def test_the_command_line_lists_the_views_and_says_its_version():
    listed = subprocess.run(
        [sys.executable, "-m", "deepdials", "--list-views"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.split() == list(VIEWS)
    version = subprocess.run(
        [sys.executable, "-m", "deepdials", "--version"], cwd=ROOT, capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("deepdials ")
    bad = subprocess.run(
        [sys.executable, "-m", "deepdials", "--view", "About"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "curves" in bad.stderr and bad.stderr.count("\n") == 1


def test_the_default_preset_is_the_defaults():
    from deepdials.core.config.schema import Config

    assert load_config(PRESETS / "default.json") == Config()


def played_to(qtbot, preset, step):
    """The window at 1280×800 in projector mode, the lesson's steps played to `step` with
    the key N (which finishes the step on screen at full speed first)."""
    path = PRESETS / f"{preset}.json"
    w = laid_out(qtbot, load_experiment(path), (1280, 800), True, path)
    for number in range(2, step + 1):
        w.activateWindow()
        qtbot.keyClick(w, Qt.Key_N)
        qtbot.waitUntil(lambda n=number: w.steps.current == n, timeout=60_000)
    qtbot.waitUntil(w.steps.ended, timeout=60_000)
    w.views.catch_up()
    settle()
    return w


def test_long_run_labels_in_the_curves_legend_leave_the_control_panel_whole(qtbot):
    w = played_to(qtbot, "bigger_regularized", 3)  # "48 units, points = 20000, split = …"
    w.show_view("curves")
    w.views.catch_up()
    settle()
    assert len(w.session.lanes) == 3
    assert clipped(w.controls_scroll) == []
    legend = w.curves.legend
    assert "48 units, points = 20000" in legend.toolTip()  # elided in the legend, whole here
    assert legend.width() > legend.fontMetrics().horizontalAdvance("╸╸╸ Bayes error 16.5%")
    w.close()


def test_compared_pictures_in_projector_mode_with_a_step_bar_fill_their_cells(qtbot):
    w = played_to(qtbot, "bigger_regularized", 3)  # three runs in a 2 × 2 grid
    sides = [min(view.plot.vb.width(), view.plot.vb.height()) for view in w.boundaries.views]
    assert len(sides) == 3 and min(sides) >= 110  # 75 px with axes in these ~185 px cells
    for view in w.boundaries.views:
        assert view.toolTip().startswith(view.plot.titleLabel.text[:3])  # captioned
        across, up = view.pixels_per_unit()
        assert across == pytest.approx(up, rel=0.01)
    assert clipped(w.boundaries) == []
    w.close()
