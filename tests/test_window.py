"""The window: runs start and stop as controls move, stale frames are dropped, faults
are shown, closing joins the training thread, the command line can take screenshots."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from deepdials.app.lessons import markdown_title
from deepdials.app.window import FIRST_SPEED, MainWindow, configure_pyqtgraph
from deepdials.core.config.files import load_config
from deepdials.core.config.schema import config_from_dict
from deepdials.resources import PRESETS, lesson_names
from tests.helpers import SMALL, explanation_start, small_config

ROOT = Path(__file__).resolve().parents[1]


def next_frame(qtbot, window, predicate=lambda s: True, timeout=10_000):
    with qtbot.waitSignal(
        window.frame_drawn,
        timeout=timeout,
        check_params_cb=lambda s: s.run_id == window.session.run_id and predicate(s),
    ) as blocker:
        pass
    return blocker.args[0]


def test_a_structural_control_starts_a_new_run_and_changes_the_boundary(qtbot, window):
    first = next_frame(qtbot, window, lambda s: s.epoch >= 3)
    old_id = window.session.run_id
    window.controls.bindings["model.hidden"].depth.setValue(3)
    second = next_frame(qtbot, window, lambda s: s.run_id != old_id)
    assert second.run_id != old_id
    assert len(window.session.info.sizes) == 5
    assert not np.allclose(first.surface.probs, second.surface.probs)


def test_a_hot_control_keeps_the_run_and_its_epoch(qtbot, window):
    before = next_frame(qtbot, window, lambda s: s.epoch >= 5)
    run_id = window.session.run_id
    window.controls.bindings["train.lr"].slider.setValue(0.3)
    after = next_frame(qtbot, window, lambda s: s.updates > before.updates)
    assert window.session.run_id == run_id == after.run_id
    assert after.epoch >= before.epoch


def test_a_stale_snapshot_is_never_drawn(qtbot, window):
    drawn = []
    window.frame_drawn.connect(lambda s: drawn.append((s.run_id, window.session.run_id)))
    for depth in (1, 2, 3, 4, 2):
        window.controls.bindings["model.hidden"].depth.setValue(depth)
        qtbot.wait(30)
    next_frame(qtbot, window, lambda s: len(window.session.info.sizes) == 4)  # 2 hidden layers
    assert drawn and all(shown == current for shown, current in drawn)


def test_the_diverged_banner_appears_and_reset_clears_it(qtbot, window):
    exploding = small_config(
        model={"hidden": [32] * 8, "activation": "relu", "init": "normal", "init_scale": 50.0},
        train={"lr": 10.0},
    )
    window.session.load(exploding)
    snap = next_frame(qtbot, window, lambda s: s.status == "diverged")
    assert window.boundaries.selected_view().banner.isVisible()
    assert f"epoch {snap.diverged_at}" in window.boundaries.selected_view().banner.text()
    assert "diverged" in window.status.state.text()
    badge = window.status.state
    small = badge.font().pointSizeF()
    window.large_fonts_action.setChecked(True)  # the badge, bold and large, still whole
    qtbot.waitUntil(lambda: badge.font().pointSizeF() > small)
    assert badge.minimumWidth() >= badge.fontMetrics().horizontalAdvance(badge.text())
    window.session.set_playing(False)
    window.session.reset()
    fresh = next_frame(qtbot, window)
    assert fresh.status == "running" and fresh.epoch == 0
    assert not window.boundaries.selected_view().banner.isVisible()


def test_a_broken_config_file_shows_the_error_and_keeps_the_experiment(
    qtbot, window, tmp_path, monkeypatch
):
    next_frame(qtbot, window)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": 1, "train": {"keep_prob": 3}}')
    config, run_id = window.session.config, window.session.run_id
    assert not window.files.open_config(bad)
    assert shown and "train.keep_prob: 3 is not in (0, 1]" in shown[0]
    assert window.session.config == config and window.session.run_id == run_id
    assert window.session.config == config


def test_a_config_whose_data_cannot_load_keeps_the_running_experiment(qtbot, window, tmp_path):
    next_frame(qtbot, window)
    keep = window.session.info.run_id
    (tmp_path / "bad.csv").write_text("x1,x2,label\n1,2,0\n")
    config = small_config(data={"kind": "csv", "csv": str(tmp_path / "bad.csv")})
    window.session.load(config)
    assert window.session.run_id != keep
    qtbot.waitUntil(lambda: "bad.csv" in window.statusBar().currentMessage(), timeout=5000)
    assert window.session.run_id == keep
    next_frame(qtbot, window)


def test_closing_while_training_joins_the_thread(qtbot, window):
    next_frame(qtbot, window, lambda s: s.epoch >= 1)
    window.close()
    assert window.session.thread.isFinished()


def test_the_status_line_shows_epoch_rates_and_errors(qtbot, window):
    next_frame(qtbot, window, lambda s: s.epoch >= 2)
    next_frame(qtbot, window)
    text = window.status.figures.text()
    for part in ("Epoch", "updates/s", "frames/s", "train", "val", "test", "Bayes"):
        assert part in text


def test_presets_and_lessons_load_from_the_presets_menu(qtbot, window):
    menu = window.menuBar().actions()[1].menu()
    lessons = menu.actions()[0].menu().actions()
    assert lessons[0].text() == "1. Train, validation, test"
    assert len(lessons) == len(lesson_names())
    others = [a.text() for a in menu.actions()[2:]]
    assert {"Default", "Overfitting"} <= set(others)
    lessons[3].trigger()
    assert window.session.config == load_config(PRESETS / f"{lesson_names()[3]}.json")
    assert window.navigator.position.text().startswith(f"Lesson 4 of {len(lesson_names())}: ")


def test_the_lesson_browser_steps_through_the_lessons(qtbot, window):
    names = lesson_names()
    window.files.open_config(PRESETS / f"{names[0]}.json")
    assert not window.navigator.previous.isEnabled()
    assert explanation_start(names[0]) in window.lesson.toPlainText()
    window.navigator.next.click()
    assert window.session.path == PRESETS / f"{names[1]}.json"
    assert window.navigator.position.text().endswith(markdown_title(PRESETS / f"{names[1]}.json"))
    next_frame(qtbot, window)


def deepdials(*args: str) -> subprocess.CompletedProcess:
    """`python -m deepdials` with these arguments, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "deepdials", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_screenshot_writes_a_png_of_the_window(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps(SMALL))
    png = tmp_path / "shot.png"
    result = deepdials("--config", str(config), "--epochs", "5", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1280, 800)
    assert "epoch 5" in result.stdout


def test_a_screenshot_of_a_lesson_step_is_drawn_in_the_view_asked_for(tmp_path):
    lesson = str(ROOT / "tests" / "lessons" / "stepped.json")  # step 3 shows Depth
    png = tmp_path / "shot.png"
    result = deepdials(lesson, "--step", "3", "--view", "network", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    assert ", view network," in result.stdout
    result = deepdials(lesson, "--step", "3", "--screenshot", str(png))
    assert ", view depth," in result.stdout


def test_a_screenshot_trains_its_epochs_at_full_speed_whatever_the_lessons_speed(tmp_path):
    config = tmp_path / "slow.json"
    config.write_text(json.dumps({**SMALL, "lesson": {"speed": "1 epoch/s"}}))
    png = tmp_path / "shot.png"
    result = deepdials(str(config), "--epochs", "400", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr  # at 1 epoch/s it gives up after 120 s
    assert "screenshot: ok: epoch 400," in result.stdout
    assert not QImage(str(png)).isNull()


def test_self_test_trains_draws_and_exits_zero():
    result = deepdials("--self-test")
    assert result.returncode == 0, result.stderr
    assert "self-test: ok" in result.stdout


def test_after_a_divergence_the_layer_views_keep_the_last_finite_epoch(qtbot, window):
    lesson = load_config(PRESETS / "exploding_gradients.json")
    # its network, trained on to its divergence (the lesson's first step stops at epoch 1)
    window.session.load(replace(lesson, lesson=replace(lesson.lesson, steps=())))
    window.full_speed_action.setChecked(True)  # not the lesson's 1 epoch/s
    assert window.views.show_page("layers")
    snap = next_frame(
        qtbot, window, lambda s: s.status == "diverged" and s.layers is not None, timeout=20_000
    )
    layers = window.views.current()
    assert snap.layers.epoch == snap.diverged_at - 1
    assert np.isfinite(snap.layers.act_std).all() and np.isfinite(snap.surface.probs).all()
    assert f"epoch {snap.diverged_at - 1} shown" in layers.act_plot.titleLabel.text
    assert window.boundaries.selected_view().banner.isVisible()


def test_the_end_of_a_run_is_always_drawn_even_between_frames(qtbot, window):
    # diverges a few updates into its first epoch, well before the next frame is due
    window.session.worker.display_hz = 0.5
    exploding = small_config(
        model={"hidden": [32] * 8, "activation": "relu", "init": "normal", "init_scale": 50.0},
        train={"lr": 10.0},
    )
    window.session.load(exploding)
    snap = next_frame(qtbot, window, lambda s: s.status == "diverged", timeout=5000)
    assert snap.diverged_at is not None


def test_the_last_config_and_geometry_come_back_next_session(qtbot):
    configure_pyqtgraph()
    first = MainWindow(small_config(model={"hidden": [5, 4, 3]}), remember=True)
    qtbot.addWidget(first)
    first.resize(760, 560)  # within the offscreen screen (800 × 600)
    first.show()
    next_frame(qtbot, first)
    first.controls.bindings["train.lr"].slider.setValue(0.2)
    qtbot.waitUntil(lambda: first.session.config.train.lr == 0.2)
    first.close()
    second = MainWindow(remember=True)
    qtbot.addWidget(second)
    assert second.session.config.model.hidden == (5, 4, 3) and second.session.config.train.lr == 0.2
    assert second.controls.bindings["model.hidden"].widths.text() == "5, 4, 3"
    assert (second.width(), second.height()) == (760, 560)
    second.close()


def test_a_corrupted_settings_entry_falls_back_to_defaults_with_a_message(qtbot):
    from deepdials.app.preferences import open_settings

    settings = open_settings()
    settings.set_value("last_config", '{"schema": 1, "train": {"lr": "fast"}}')
    settings.sync()
    configure_pyqtgraph()
    window = MainWindow(remember=True)
    qtbot.addWidget(window)
    assert window.session.config == config_from_dict({"schema": 1})
    assert "train.lr" in window.statusBar().currentMessage()
    window.close()


def test_keyboard_shortcuts_pause_step_and_reset(qtbot, window):
    from PySide6.QtCore import Qt

    next_frame(qtbot, window, lambda s: s.epoch >= 1)
    qtbot.keyClick(window, Qt.Key_Space)
    paused = next_frame(qtbot, window, lambda s: "paused" in window.status.state.text())
    assert not window.session.playing and window.play_action.text() == "Play"
    qtbot.keyClick(window, Qt.Key_S)
    stepped = next_frame(qtbot, window, lambda s: s.epoch == paused.epoch + 1)
    assert stepped.epoch == paused.epoch + 1
    old = window.session.run_id
    qtbot.keyClick(window, Qt.Key_R)
    fresh = next_frame(qtbot, window, lambda s: s.run_id != old)
    assert fresh.epoch == 0


def test_classroom_mode_hides_the_chosen_controls_and_saves_the_choice(qtbot, window, tmp_path):
    from deepdials.app.controls.classroom_dialog import HiddenControlsDialog

    dialog = HiddenControlsDialog(window.controls.labels(), (), window)
    dialog.boxes["data.noise"].setChecked(True)
    dialog.boxes["train.l2"].setChecked(True)
    window.set_hidden_controls(dialog.chosen())
    assert window.controls.bindings[
        "data.noise"
    ].slider.isVisible()  # hidden only in classroom mode
    window.classroom_action.setChecked(True)
    assert window.scale > 1
    assert (
        not window.controls.bindings["data.noise"].slider.isVisible()
        and not window.controls.bindings["train.l2"].slider.isVisible()
    )
    assert window.controls.bindings["train.lr"].slider.isVisible()
    window.files.save_config(tmp_path / "lesson.json")
    saved = load_config(tmp_path / "lesson.json")
    assert saved.classroom.hidden == ("data.noise", "train.l2")
    window.classroom_action.setChecked(False)
    assert window.controls.bindings["data.noise"].slider.isVisible() and window.scale == 1
    window.classroom_action.setChecked(True)
    window.files.open_config(PRESETS / "default.json")  # a config without a choice hides nothing
    assert window.controls.bindings["data.noise"].slider.isVisible()


def test_a_config_given_at_start_shows_its_lesson_text(qtbot):
    configure_pyqtgraph()
    path = PRESETS / "l2.json"
    w = MainWindow(load_config(path), PRESETS, remember=False, config_path=path)
    qtbot.addWidget(w)
    assert w.navigator.position.text().endswith("L2 regularization")
    assert w.windowTitle() == "DeepDials — l2.json"
    w.close()


def test_a_layer_view_opened_while_paused_gets_its_statistics(qtbot, window):
    next_frame(qtbot, window, lambda s: s.epoch >= 1)
    window.session.set_playing(False)
    paused = next_frame(qtbot, window)
    assert paused.layers is None  # the Curves tab does not ask for them
    with qtbot.waitSignal(
        window.frame_drawn, timeout=5000, check_params_cb=lambda s: s.layers is not None
    ):
        window.show_view("Layers")
    assert not window.session.playing


def test_with_mismatch_the_status_line_gives_both_bayes_errors(qtbot, window):
    window.session.load(small_config(data={"mismatch": 1.0}))
    next_frame(qtbot, window, lambda s: s.epoch >= 1)
    shifted = window.session.info.data.bayes_error_shifted
    assert shifted is not None
    assert f"val/test Bayes {shifted:.1%}" in window.status.figures.text()


def test_a_lesson_naming_a_view_or_speed_the_window_lacks_says_so_and_plays_at_the_default(
    qtbot, window, tmp_path
):
    raw = json.loads((PRESETS / "l2.json").read_text(encoding="utf-8"))
    raw["lesson"] = {"view": "histogram", "speed": "5 epochs/s"}
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(raw))
    window.speed.setCurrentIndex(window.speed.findText("1 epoch/s"))
    view = window.views.currentIndex()
    assert window.files.open_config(path)
    message = window.statusBar().currentMessage()
    assert "lesson.view: no view 'histogram'; lesson.speed: no speed '5 epochs/s'" in message
    assert window.views.currentIndex() == view and window.speed.currentText() == FIRST_SPEED


def test_a_message_given_before_the_window_shows_is_not_drawn_over_the_figures(qtbot, tmp_path):
    raw = json.loads((PRESETS / "l2.json").read_text(encoding="utf-8"))
    raw["lesson"] = {"view": "histogram"}
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(raw))
    w = MainWindow(load_config(path), config_path=path, remember=False)
    qtbot.addWidget(w)
    w.show()
    assert "no view 'histogram'" in w.statusBar().currentMessage()
    assert not w.status.figures.isVisible()
    w.statusBar().clearMessage()
    assert w.status.figures.isVisible()
