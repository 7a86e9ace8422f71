"""The Sweeps tab: points run in worker processes, arrive as they finish, can be
cancelled at once (keeping what is done) and exported; closing the window stops them."""

import csv
import math
import multiprocessing

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from deepdials.app.pages.sweep_page import SweepPage
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.files import load_config
from deepdials.core.config.schema import config_from_dict
from deepdials.resources import PRESETS

TINY = config_from_dict(
    {
        "schema": 1,
        "data": {"n_points": 60},
        "model": {"hidden": [4]},
        "train": {"batch_size": 0, "epochs": 100000},
    }
)
SLOW = config_from_dict({"schema": 1, "train": {"epochs": 100000}})  # 400 points, batch 10


def no_processes_left() -> bool:
    return not multiprocessing.active_children()


@pytest.fixture
def make_view(qtbot, session):
    views = []

    def make(config):
        configure_pyqtgraph()
        session.load(config)
        view = SweepPage(session)
        qtbot.addWidget(view)
        views.append(view)
        return view

    yield make
    for view in views:
        view.runner.cancel()


def choose(view, parameter, values, epochs):
    view.choice.setCurrentIndex(view.choice.findData(parameter))
    view.values.setText(values)
    view.epochs.setValue(epochs)


def test_a_l2_sweep_of_the_overfitting_preset_draws_the_u_curve_and_exports_it(
    qtbot, make_view, tmp_path
):
    view = make_view(load_config(PRESETS / "overfitting.json"))
    choose(view, "l2", "30, 0.01, 1", epochs=1000)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000) as blocker:
        assert view.start()
        assert view.runner.running and not view.run_button.isEnabled()
    assert blocker.args == ["done"]
    low, middle, high = view.results
    assert [low.value, middle.value, high.value] == [0.01, 1.0, 30.0]
    assert middle.val_error < min(low.val_error, high.val_error) - 0.03
    xs, ys = view.curves["val"].getData()
    assert list(ys) == [low.val_error, middle.val_error, high.val_error]
    assert view.plot.getAxis("bottom").logMode
    assert "at λ (L2) = 1 " in view.best_label.text()
    view.export_csv(tmp_path / "sweep.csv")
    rows = list(csv.DictReader((tmp_path / "sweep.csv").read_text("utf-8").splitlines()))
    assert [float(r["value"]) for r in rows] == [0.01, 1.0, 30.0]
    assert {r["parameter"] for r in rows} == {"l2"}
    assert float(rows[1]["val_error"]) == middle.val_error
    view.export_png(tmp_path / "sweep.png")
    assert not QImage(str(tmp_path / "sweep.png")).isNull()
    qtbot.waitUntil(no_processes_left, timeout=2_000)


def test_cancelling_halfway_stops_the_processes_and_keeps_the_points_done(qtbot, make_view):
    view = make_view(SLOW)
    choose(view, "keep_prob", "0.5, 0.6, 0.7, 0.8, 0.9, 1", epochs=1500)
    assert view.start()
    qtbot.waitUntil(lambda: len(view.results) >= 1, timeout=60_000)
    with qtbot.waitSignal(view.runner.finished, timeout=1_000) as blocker:
        view.cancel_button.click()
    assert blocker.args == ["cancelled"]
    done = list(view.results)
    assert 1 <= len(done) < 6
    qtbot.waitUntil(no_processes_left, timeout=2_000)
    assert view.results == done and not view.runner.running
    assert "Cancelled" in view.message.text() and view.csv_button.isEnabled()


def test_bad_values_give_a_message_and_start_nothing(qtbot, make_view):
    view = make_view(TINY)
    choose(view, "depth", "1, 2.5", epochs=10)
    assert not view.start()
    assert "'2.5' is not a whole number" in view.message.text()
    choose(view, "keep_prob", "0.5, 2", epochs=10)
    assert not view.start()
    assert "keep_prob value: 2.0 is not in (0, 1]" in view.message.text()
    assert not view.runner.running and view.run_button.isEnabled()


def test_closing_the_window_stops_a_running_sweep(qtbot):
    configure_pyqtgraph()
    window = MainWindow(SLOW, remember=False, playing=False)
    qtbot.addWidget(window)
    choose(window.sweeps, "l2", "0.1, 1, 10", epochs=100_000)
    assert window.sweeps.start()
    qtbot.waitUntil(lambda: len(multiprocessing.active_children()) == 2, timeout=10_000)
    window.close()
    assert not window.sweeps.runner.running
    qtbot.waitUntil(no_processes_left, timeout=2_000)


def test_the_sweep_lesson_sets_up_its_sweep(make_view, session):
    view = make_view(TINY)
    choose(view, "depth", "1, 2", epochs=7)
    path = PRESETS / "sweep_lambda.json"
    config = load_config(path)
    session.load(config, PRESETS, path=path)
    assert view.choice.currentData() == "l2"
    assert view.values.text() == "0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50"
    assert view.epochs.value() == config.train.epochs == 500
    session.load(TINY)  # not a sweep lesson: the page keeps its set-up
    assert view.choice.currentData() == "l2" and view.epochs.value() == 500


def sweep(qtbot, view, parameter, values, epochs=20):
    choose(view, parameter, values, epochs)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        assert view.start()


def test_a_sweep_of_the_same_setting_keeps_the_one_before_faded_and_says_how_it_differs(
    qtbot, make_view, session
):
    view = make_view(TINY)
    sweep(qtbot, view, "width", "2, 8")
    first = list(view.results)
    assert view.before == [] and not view.before_label.text()
    session.edit("train.l2", 2.0)
    sweep(qtbot, view, "width", "2, 8")
    assert view.before == first and view.results != first
    xs, ys = view.before_curves["val"].getOriginalDataset()
    assert list(xs) == [2.0, 8.0] and list(ys) == [r.val_error for r in first]
    assert view.before_label.text() == "Faded: the sweep before, run with l2 = 0."
    sweep(qtbot, view, "depth", "1, 2")  # another setting: the one before is not its like
    assert view.before == [] and not view.before_label.text()
    xs, _ = view.before_curves["val"].getOriginalDataset()
    assert xs is None or len(xs) == 0
    qtbot.waitUntil(no_processes_left, timeout=2_000)


def bottom_tick_labels(plot) -> list:
    """The bottom axis's tick labels as drawn: (rect, text) in the axis's pixels."""
    axis = plot.getAxis("bottom")
    image = QImage(int(axis.width()), int(axis.height()), QImage.Format_ARGB32)
    painter = QPainter(image)
    painter.setFont(axis.style["tickFont"] or axis.font())
    _, _, texts = axis.generateDrawSpecs(painter)
    painter.end()
    return [(rect, text) for rect, _, text in texts if text]


@pytest.mark.parametrize(
    "values, decades",
    [("0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50", 3), ("0.1, 0.2, 0.5, 1", 2)],
)
def test_a_lambda_sweep_in_projector_mode_has_no_log_axis_labels_running_together(
    qtbot, values, decades
):
    configure_pyqtgraph()
    window = MainWindow(TINY, remember=False, playing=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.large_fonts_action.setChecked(True)
    window.show_view("sweeps")
    page = window.sweeps
    choose(page, "l2", values, epochs=1)
    with qtbot.waitSignal(page.runner.finished, timeout=120_000):
        qtbot.mouseClick(page.run_button, Qt.LeftButton)

    def x_range():
        return page.plot.vb.viewRange()[0]

    low, high = (math.log10(float(v)) for v in (values.split(", ")[0], values.split(", ")[-1]))
    qtbot.waitUntil(lambda: x_range()[0] <= low and x_range()[1] >= high)  # autoranged
    labels = sorted(bottom_tick_labels(page.plot), key=lambda label: label[0].left())
    window.close()
    assert len(labels) >= decades  # the decades at least
    gaps = [(a[1], b[1], b[0].left() - a[0].right()) for a, b in zip(labels, labels[1:])]
    assert [gap for gap in gaps if gap[2] < 4] == []
