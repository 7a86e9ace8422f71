"""The Curves view draws no more than the pixels can show: a long history is peak-
downsampled to about one point per pixel column, an empty split is no curve at all, and
"zoom errors" shows a rise of a point or two. Dropout's own cost is a curve of its own,
named in the legend, only for a run with dropout; a hidden test set draws no test curve
and the legend says so."""

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from deepdials.app.views.curves import LEGEND_LABEL_CHARS, CurvesView, elided
from deepdials.app.window import configure_pyqtgraph
from deepdials.core.config.schema import Config, config_from_dict
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.resources import PRESETS


def long_snapshot(rows=2048, empty_splits=("val", "test")):
    """A snapshot with `rows` noisy history rows; the empty splits' columns all NaN."""
    s = snapshot(new_run(Config()))
    rng = np.random.default_rng(0)
    history = {"epoch": np.arange(rows) * 5, "dropout_loss": np.full(rows, np.nan)}
    for split in ("train", "val", "test"):
        for name in ("loss", "error"):
            column = rng.random(rows)
            history[f"{split}_{name}"] = np.full(rows, np.nan) if split in empty_splits else column
    return replace(s, history=history)


def test_a_long_history_is_drawn_with_about_one_point_per_pixel_column(qtbot):
    configure_pyqtgraph()
    view = CurvesView()
    qtbot.addWidget(view)
    view.resize(600, 600)
    view.show()
    qtbot.waitExposed(view)
    view.show_snapshot(long_snapshot(empty_splits=()))
    view.grab()  # a paint: the curve's drawn points are chosen for the view's width
    curve = view.curves["train", "loss"]
    drawn = curve.curve.yData
    width = view.loss_plot.vb.width()
    assert 0.5 * width <= len(drawn) <= 1.5 * width < 2048
    # the spikes survive: peak downsampling keeps the extremes of every bin
    rows = curve.getOriginalDataset()[1]
    assert drawn.max() == rows.max() and drawn.min() == rows.min()


def test_an_empty_split_is_no_curve(qtbot):
    view = CurvesView()
    qtbot.addWidget(view)
    view.show_snapshot(long_snapshot())
    for split, name in (("val", "loss"), ("test", "error")):
        assert rows(view.curves[split, name]) == 0
    assert rows(view.curves["train", "error"]) == 2048


def rows(curve) -> int:
    x, _ = curve.getOriginalDataset()
    return 0 if x is None else len(x)


def trained_snapshot(**train):
    run = new_run(
        config_from_dict({"schema": 1, "data": {"n_points": 60}, "train": {"epochs": 30, **train}})
    )
    advance(run)
    return snapshot(run, layers=False)


def test_the_cost_dropout_optimizes_is_drawn_and_named_only_for_a_run_with_dropout(qtbot):
    view = CurvesView()
    qtbot.addWidget(view)
    view.show_snapshot(trained_snapshot(keep_prob=0.5))
    assert rows(view.curves["dropout", "loss"]) == 31
    assert "dropout on (J optimized)" in legend(view)
    view.show_snapshot(trained_snapshot())
    assert rows(view.curves["dropout", "loss"]) == 0
    assert "dropout" not in legend(view)


def test_a_hidden_test_set_draws_no_test_curve_and_the_legend_says_so(qtbot):
    view = CurvesView()
    qtbot.addWidget(view)
    view.show_snapshot(trained_snapshot())
    view.set_test_hidden(True)
    assert not view.curves["test", "error"].isVisible()
    assert not view.curves["test", "loss"].isVisible()
    assert view.curves["val", "error"].isVisible()
    assert "test: hidden until revealed" in legend(view)
    view.set_test_hidden(False)
    assert view.curves["test", "error"].isVisible()
    assert "hidden" not in legend(view)


def legend(view) -> str:
    return view.legend.text().replace("&nbsp;", " ")


def tick_texts(axis) -> list[str]:
    """The tick labels the axis draws at its present range and size."""
    image = QImage(axis.width() or 1, axis.height() or 1, QImage.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _, _, text in texts]


def test_zoom_errors_fits_the_error_axis_to_the_later_epochs(qtbot):
    s = long_snapshot(rows=400, empty_splits=("test",))
    epochs = s.history["epoch"]
    early = epochs < 0.1 * epochs[-1]
    train = np.where(early, 0.5, 0.01)
    val = np.where(early, 0.5, np.linspace(0.03, 0.05, len(epochs)))  # a 2-point rise
    view = CurvesView()
    qtbot.addWidget(view)
    view.resize(600, 600)
    view.show()
    view.show_snapshot(replace(s, history={**s.history, "train_error": train, "val_error": val}))
    qtbot.mouseClick(view.zoom, Qt.LeftButton)
    low, high = view.error_plot.vb.viewRange()[1]
    assert low == 0.0 and 0.05 < high <= 0.1  # the rise fills half the axis
    assert len(tick_texts(view.error_plot.getAxis("left"))) >= 3  # the zoomed axis is read
    qtbot.mouseClick(view.zoom, Qt.LeftButton)
    view.error_plot.vb.updateAutoRange()
    assert view.error_plot.vb.viewRange()[1][1] >= 0.5


def test_a_lesson_that_asks_for_it_is_loaded_with_its_errors_zoomed(window):
    window.files.open_config(PRESETS / "split.json")
    assert window.curves.zoom.isChecked()
    window.files.open_config(PRESETS / "high_bias.json")
    assert not window.curves.zoom.isChecked()


def test_a_long_run_label_is_cut_in_the_legend_so_the_view_stays_narrow():
    long = "48 units, points = 20000, split = [0.98, 0.02, 0]"
    assert elided(long) == "48 units, points = 20000, spl…"
    assert len(elided(long)) == LEGEND_LABEL_CHARS
    assert elided("48 units, l2 = 2") == "48 units, l2 = 2"
