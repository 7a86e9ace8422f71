"""Your own data: a drawn point reaches the training data, a right click deletes one, the
CSV round trip is exact, and a bad file is refused without losing anything."""

import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from deepdials.app.tools.own_data import points_of, problem
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.schema import DataConfig, config_from_dict
from deepdials.core.data.dataprep import build_data
from deepdials.core.data.points import load_points, write_points
from deepdials.core.engine.snapshot import Status

SMALL = {
    "schema": 1,
    "data": {"n_points": 60, "split": [1.0, 0.0, 0.0]},
    "model": {"hidden": [4]},
    "train": {"epochs": 100000},
}


@pytest.fixture
def window(qtbot):
    configure_pyqtgraph()
    w = MainWindow(config_from_dict(json.loads(json.dumps(SMALL))), remember=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(
        lambda: w.session.info is not None and w.session.info.run_id == w.session.run_id,
        timeout=10_000,
    )
    yield w
    w.close()


def click(qtbot, window, x, y, button=Qt.LeftButton):
    """A real mouse click on the boundary plot at data coordinates (x, y)."""
    boundary = window.boundaries.selected_view()
    scene = boundary.plot.vb.mapViewToScene(QPointF(x, y))
    pos = boundary.graphics.mapFromScene(scene)
    qtbot.mouseClick(boundary.graphics.viewport(), button, pos=pos)


def trained_on(window, x, y, split="train"):
    info = window.session.info
    if info is None:  # the new run has not started yet
        return False
    X = getattr(info.data, split).X
    return info.run_id == window.session.run_id and np.hypot(*(X - [x, y]).T).min() < 0.02


def test_a_drawn_point_reaches_the_training_data(qtbot, window):
    window.own_data.set_drawing(True)
    qtbot.waitUntil(lambda: not window.session.playing)  # drawing pauses training
    click(qtbot, window, 0.9, -1.1)
    qtbot.waitUntil(lambda: trained_on(window, 0.9, -1.1), timeout=10_000)
    assert window.session.config.data.kind == "csv"
    window.own_data.set_drawing(False)
    qtbot.waitUntil(lambda: window.session.playing)  # and leaving drawing mode plays again


def test_a_point_drawn_into_val_is_a_validation_point(qtbot, window):
    window.own_data.set_drawing(True)
    window.own_data.splits.setCurrentIndex(1)
    window.own_data.classes.setCurrentIndex(1)
    click(qtbot, window, -1.2, 1.2)
    qtbot.waitUntil(lambda: trained_on(window, -1.2, 1.2, "val"), timeout=10_000)
    assert window.session.info.data.val.y.tolist() == [1]


def test_a_right_click_deletes_the_nearest_point(qtbot, window):
    X = window.session.info.data.train.X
    target = X[np.argmax(X[:, 0])]  # the rightmost point: nothing else is near it
    window.own_data.set_drawing(True)
    old_run = window.session.run_id
    click(qtbot, window, *(target + 0.01), button=Qt.RightButton)
    qtbot.waitUntil(
        lambda: window.session.info.run_id == window.session.run_id != old_run, timeout=10_000
    )
    assert len(window.session.info.data.train.y) == len(X) - 1
    assert not trained_on(window, *target)


def test_clearing_keeps_a_draft_until_two_classes_are_drawn(qtbot, window):
    window.own_data.set_drawing(True)
    window.own_data.clear()
    click(qtbot, window, 0.5, 0.5)
    assert "two classes" in window.statusBar().currentMessage()
    assert len(window.boundaries.selected_view().points["train"]) == 1  # the draft
    window.own_data.classes.setCurrentIndex(1)
    click(qtbot, window, -0.5, -0.5)
    qtbot.waitUntil(lambda: trained_on(window, -0.5, -0.5), timeout=10_000)
    assert sorted(window.session.info.data.train.y.tolist()) == [0, 1]


def imported(qtbot, window, path, expected: bool) -> None:
    """Import `path` and wait until the import ends, as `expected`."""
    with qtbot.waitSignal(window.own_data.imported, timeout=10_000) as blocker:
        assert window.own_data.import_csv(path) is not None
    assert blocker.args == [expected]


def test_a_bad_csv_is_refused_with_its_line_and_nothing_is_lost(
    qtbot, window, tmp_path, monkeypatch
):
    warnings = []
    monkeypatch.setattr(
        "deepdials.app.tools.own_data.QMessageBox.warning",
        lambda _parent, _title, text: warnings.append(text),
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0.1,0.2,0\n0.3,oops,1\n")
    run_id, config = window.session.run_id, window.session.config
    imported(qtbot, window, bad, False)
    assert "line 3" in warnings[0] and "oops" in warnings[0]
    assert window.session.run_id == run_id and window.session.config == config


def test_import_then_export_gives_back_the_same_points(qtbot, window, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("x1,x2,label,split\n0.1,0.2,0,train\n0.3,-0.4,1,train\n-1,1,1,val\n")
    imported(qtbot, window, source, True)
    qtbot.waitUntil(lambda: trained_on(window, -1, 1, "val"), timeout=10_000)
    out = tmp_path / "out.csv"
    assert window.own_data.export_csv(out)
    back = load_points(out)
    assert back.X.tolist() == [[0.1, 0.2], [0.3, -0.4], [-1.0, 1.0]]
    assert back.y.tolist() == [0, 1, 1] and back.split.tolist() == ["train", "train", "val"]


def test_imported_points_without_a_split_column_follow_the_split_sliders(qtbot, window, tmp_path):
    source = tmp_path / "in.csv"
    rows = [f"{i / 10},{(-1) ** i * i / 20},{i % 2}" for i in range(40)]
    source.write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    imported(qtbot, window, source, True)
    qtbot.waitUntil(lambda: window.session.info.run_id == window.session.run_id, timeout=10_000)
    assert len(window.session.info.data.val.y) == 0  # the fixture's split is [1, 0, 0]
    window.controls.bindings["data.split"].val.setValue(0.25)
    qtbot.waitUntil(lambda: window.session.info.run_id == window.session.run_id, timeout=10_000)
    qtbot.waitUntil(lambda: len(window.session.info.data.val.y) == 10, timeout=10_000)
    assert window.controls.bindings["data.split"].val.isEnabled()


def test_csv_round_trip_is_exact_and_leaves_out_augmented_copies(tmp_path):
    data = build_data(DataConfig(n_points=40, augment=2, mismatch=0.3, noise=0.2))
    points = points_of(data)
    assert len(points) == 40  # the 24 + 16 drawn points, none of the 48 copies
    write_points(tmp_path / "p.csv", points)
    back = load_points(tmp_path / "p.csv")
    assert np.array_equal(points.X, back.X) and np.array_equal(points.y, back.y)
    assert np.array_equal(points.split, back.split)


def test_what_is_missing_before_points_can_be_trained_on():
    train = np.array(["train", "train"])
    assert "two classes" in problem(np.array([0, 0]), train)
    assert "class 1" in problem(np.array([0, 2]), train)
    assert "training point" in problem(np.array([0, 1]), np.array(["val", "test"]))
    assert problem(np.array([1, 0]), train) is None


@pytest.mark.parametrize(
    "rows",
    [
        [(1e6, -1e6, 0), (-1e6, 1e6, 1), (1e6, 1e6, 0), (-1e6, -1e6, 1)],  # the bound
        [(1e-300, 0.0, 0), (2e-300, 5e-324, 1), (3e-300, 1e-300, 0), (0.0, 0.0, 1)],  # tiny
        [(1e6, 1e-300, 0), (-1e6, 0.0, 1), (5e5, 5e-301, 0), (-5e5, 2e-300, 1)],  # both
    ],
)
def test_points_at_the_bounds_train_and_draw_without_a_warning_or_error(
    qtbot, window, tmp_path, rows
):
    """RuntimeWarnings are errors here (pyproject), on the GUI thread and in training."""
    source = tmp_path / "edge.csv"
    source.write_text("x1,x2,label\n" + "".join(f"{a!r},{b!r},{k}\n" for a, b, k in rows * 5))
    imported(qtbot, window, source, True)
    with qtbot.waitSignal(
        window.frame_drawn,
        timeout=20_000,
        check_params_cb=lambda s: s.run_id == window.session.run_id and s.epoch >= 3,
    ):
        pass
    assert window.session.status == Status.RUNNING  # an error in training would stop it
