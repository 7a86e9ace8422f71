"""Comparing runs in the window: pinned runs stay, a change trains a new run beside them,
every run trains as it would alone, each boundary at equal scale, and it all fits."""

import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics

from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.compare import Comparison, comparison_from_dict
from deepdials.core.config.files import load_experiment
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.resources import PRESETS, lesson_names
from tests.helpers import explanation_start, small_config, wait_for_run
from tests.layout_checks import clipped

BASE = {
    "data": {"kind": "circles", "n_points": 120},
    "model": {"hidden": [8, 8, 8, 8], "activation": "tanh"},
    "train": {"batch_size": 10, "lr": 0.03, "epochs": 100_000},
}
INITS = ("zeros", "he", "normal", "xavier")


def comparison(n, long_labels=False):
    variants = [{"model": {"init": init}} for init in INITS[:n]]
    for variant in variants if long_labels else ():
        variant["label"] = f"{variant['model']['init']} init, scaled as its formula says"[:40]
    return comparison_from_dict({"schema": 1, "base": BASE, "variants": variants})


def infos(session):
    return [session.info_of(i) for i in range(len(session.lanes))]


def latests(session):
    return [session.latest_of(i) for i in range(len(session.lanes))]


def run_ids(session):
    return [session.run_id_of(i) for i in range(len(session.lanes))]


def compared(qtbot, n, projector=False, size=(1280, 800), long_labels=False):
    configure_pyqtgraph()
    w = MainWindow(comparison(n, long_labels), remember=False, playing=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    w.large_fonts_action.setChecked(projector)
    qtbot.waitUntil(lambda: all(infos(w.session)), timeout=10_000)
    return w


def test_every_compared_run_trains_exactly_as_it_would_alone(qtbot):
    w = compared(qtbot, 2)
    w.session.play_until(15)
    qtbot.waitUntil(
        lambda: all(s and s.epoch == 15 for s in latests(w.session)),
        timeout=20_000,
    )
    for lane, latest in zip(w.session.lanes, latests(w.session)):
        alone = new_run(lane.experiment.config)
        advance(alone, epochs=15)
        for key, column in alone.history.arrays().items():
            assert np.array_equal(column, latest.history[key], equal_nan=True), key
    w.close()


def test_compare_pins_the_run_and_a_change_trains_a_new_labelled_run_beside_it(qtbot, window):
    session = window.session
    first = session.run_id
    window.compare_action.trigger()
    assert not session.comparing  # nothing trains twice until something changes
    box = window.controls.bindings["model.init"].box
    box.setCurrentIndex(box.findData("he"))
    box.activated.emit(box.currentIndex())
    assert session.comparing and len(session.lanes) == 2 and session.selected == 1
    assert session.run_id_of(0) == first  # the pinned run goes on
    assert session.label(1) == "init = He"
    assert session.lanes[1].experiment.config.data == session.lanes[0].experiment.config.data
    qtbot.waitUntil(lambda: len(window.boundaries.views) == 2 and session.info_of(1))
    assert window.boundaries.views[1].plot.titleLabel.text == "init = He"


def test_a_hot_change_reaches_only_the_selected_run_unless_it_goes_to_all(qtbot):
    w = compared(qtbot, 2)
    session = w.session
    ids = run_ids(session)
    session.select(1)
    w.controls.bindings["train.lr"].slider.setValue(0.3)
    lrs = [lane.experiment.config.train.lr for lane in session.lanes]
    assert lrs == [0.03, 0.3] and run_ids(session) == ids
    w.to_all_action.setChecked(True)
    w.controls.bindings["train.lr"].slider.setValue(0.1)
    assert [lane.experiment.config.train.lr for lane in session.lanes] == [0.1, 0.1]
    assert run_ids(session) == ids  # hot: the runs go on
    w.close()


def test_a_run_can_be_removed_or_made_the_only_one(qtbot):
    w = compared(qtbot, 3)
    session = w.session
    kept = session.run_id_of(2)
    session.remove(1)
    assert len(session.lanes) == 2 and len(w.boundaries.views) == 2
    assert session.run_id_of(1) == kept
    session.keep_only(1)
    assert not session.comparing and session.run_id == kept
    assert len(w.boundaries.views) == 1 and not w.boundaries.views[0].plot.titleLabel.isVisible()
    w.close()


@pytest.mark.parametrize("n, long_labels", [(2, False), (3, True), (4, False)])
@pytest.mark.parametrize("projector", [True, False])
def test_two_to_four_runs_fit_at_1280_by_800_each_at_equal_scale(qtbot, n, long_labels, projector):
    w = compared(qtbot, n, projector, long_labels=long_labels)
    w.session.play_until(2)
    qtbot.waitUntil(lambda: all(latests(w.session)), timeout=10_000)
    w.fit_columns()
    assert len(w.boundaries.views) == n
    for view in w.boundaries.views:
        across, up = view.pixels_per_unit()
        assert across == pytest.approx(up, rel=0.01)
    problems = {}
    for name in ("curves", "bias_variance"):
        w.show_view(name)
        w.views.catch_up()
        problems[name] = clipped(w)
    assert problems == {"curves": [], "bias_variance": []}
    if not long_labels:  # "init = He" and the like: whole in the table, projector mode too
        table = w.views.current().runs
        for row in range(0, table.rowCount(), 2):
            label = table.item(row, 0)
            needs = QFontMetrics(label.font()).horizontalAdvance(label.text())
            assert table.visualRect(table.indexFromItem(label)).width() > needs
    w.close()


def test_a_comparison_saved_from_the_window_opens_again(qtbot, tmp_path):
    w = compared(qtbot, 3)
    path = tmp_path / "mine.json"
    assert w.files.save_config(path)
    loaded = load_experiment(path)
    assert isinstance(loaded, Comparison)
    assert [v.config for v in loaded.variants] == [
        lane.experiment.config for lane in w.session.lanes
    ]
    assert json.loads(path.read_text())["variants"][1] == {
        "label": "init = He",
        "model": {"init": "he"},
    }
    w.close()


def test_at_most_four_runs_are_compared(qtbot):
    w = compared(qtbot, 4)
    assert not w.compare_action.isEnabled()
    assert not w.session.pin()
    assert "At most 4" in w.statusBar().currentMessage()
    w.close()


def test_a_single_config_in_the_window_is_as_before(qtbot):
    configure_pyqtgraph()
    w = MainWindow(small_config(), remember=False)
    qtbot.addWidget(w)
    wait_for_run(qtbot, w.session)
    assert not w.session.comparing and not w.remove_run_action.isVisible()
    w.close()


def test_a_comparison_lesson_opens_as_runs_side_by_side_and_steps_on(qtbot, window):
    index = lesson_names().index("compare_init")
    window.files.open_config(PRESETS / "compare_init.json")
    assert [window.session.label(i) for i in range(3)] == ["zeros", "random × 10", "He"]
    assert window.navigator.index == index
    assert window.navigator.position.text().endswith("Compare: zeros, random × 10, He")
    assert window.lesson.toPlainText().startswith(explanation_start("compare_init"))
    assert window.views.current().name == "curves"
    window.navigator.next.click()
    assert not window.session.comparing  # the next lesson is one run again
    assert window.navigator.index == index + 1


def test_a_label_from_a_file_is_shown_as_text_never_as_markup(qtbot, tmp_path):
    raw = {"schema": 1, "base": BASE, "variants": [{"label": "<b>x</b> & <img src=a>"}, {}]}
    w = MainWindow(comparison_from_dict(raw), remember=False, playing=False)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: len(w.boundaries.views) == 2)
    title = w.boundaries.views[0].plot.titleLabel.item.toPlainText()
    assert title == "<b>x</b> & <img src=a>"
    w.close()


def test_four_runs_leave_every_bias_variance_row_its_room_in_projector_mode(qtbot):
    base = {**BASE, "data": {**BASE["data"], "mismatch": 0.6}}  # eight rows of bars
    variants = [{"model": {"init": init}} for init in INITS]
    configure_pyqtgraph()
    w = MainWindow(
        comparison_from_dict({"schema": 1, "base": base, "variants": variants}),
        remember=False,
        playing=False,
    )
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.large_fonts_action.setChecked(True)
    qtbot.waitUntil(lambda: all(infos(w.session)), timeout=10_000)
    w.session.play_until(2)
    qtbot.waitUntil(lambda: all(latests(w.session)), timeout=10_000)
    w.show_view("bias_variance")
    w.views.catch_up()
    view = w.views.current()
    tick_font = view.plot.getAxis("left").style["tickFont"]
    value_font = view.labels[0].textItem.font()
    line = max(QFontMetrics(font).height() for font in (tick_font, value_font))
    rows = [view.plot.vb.mapViewToScene(QPointF(0, i)).y() for i in range(len(view.rows))]
    problems = clipped(w)
    w.close()
    assert len(rows) == 8
    # a row's name (left) and value (right of its bar) with a fifth of a line between rows
    assert min(np.diff(rows)) >= 1.2 * line
    assert problems == []
