"""The control panel shows the session's config and edits it: dependent controls follow,
values from a file are held exactly, and no control can reach a state it then refuses."""

import json

from deepdials.app.preferences import open_settings
from deepdials.app.window import MainWindow, configure_pyqtgraph
from tests.helpers import small_config, wait_for_run


def choose(binding, value):
    """A user's choice in a combo box."""
    index = binding.box.findData(value)
    binding.box.setCurrentIndex(index)
    binding.box.activated.emit(index)


def test_a_two_class_data_set_sets_classes_back_to_two_and_later_changes_apply(qtbot, window):
    b = window.controls.bindings
    session = window.session
    choose(b["data.kind"], "spiral")
    b["data.n_classes"].spin.setValue(3)
    assert session.config.data.n_classes == 3
    choose(b["data.kind"], "circles")
    assert session.config.data.kind == "circles" and session.config.data.n_classes == 2
    assert b["data.n_classes"].spin.value() == 2 and not b["data.n_classes"].spin.isEnabled()
    qtbot.waitUntil(lambda: session.info.config.data.kind == "circles", timeout=10_000)
    b["train.lr"].slider.setValue(0.3)
    assert session.config.train.lr == 0.3
    qtbot.waitUntil(lambda: session.latest is not None and session.latest.config.train.lr == 0.3)


def test_a_depth_change_resizes_a_per_layer_keep_prob_list(qtbot, window):
    b = window.controls.bindings
    session = window.session
    b["train.keep_prob"].layers.setText("1, 0.5, 0.8")
    b["train.keep_prob"].layers.editingFinished.emit()
    assert session.config.train.keep_prob == (1.0, 0.5, 0.8)
    b["model.hidden"].depth.setValue(4)
    assert session.config.model.hidden == (6, 6, 6, 6)
    assert session.config.train.keep_prob == (1.0, 0.5, 0.8, 0.8, 0.8)
    assert b["train.keep_prob"].layers.text() == "1, 0.5, 0.8, 0.8, 0.8"
    b["model.hidden"].depth.setValue(1)
    assert session.config.train.keep_prob == (1.0, 0.5)
    b["train.lr"].slider.setValue(0.1)
    assert session.config.train.lr == 0.1


def test_the_features_follow_the_data_set_from_a_curve_to_circles_and_reach_the_run(qtbot, window):
    b = window.controls.bindings
    session = window.session
    boxes = b["data.features"].boxes
    choose(b["data.kind"], "sine")
    assert session.config.data.features == ("x1",)
    assert not boxes["x2"].isEnabled() and not boxes["x2"].isChecked()
    boxes["sin(x1)"].click()
    assert session.config.data.features == ("x1", "sin(x1)")
    choose(b["data.kind"], "circles")
    assert session.config.data.features == ("x1", "x2", "sin(x1)")
    ticked = {name for name, box in boxes.items() if box.isChecked()}
    assert ticked == {"x1", "x2", "sin(x1)"} and boxes["x2"].isEnabled()
    qtbot.waitUntil(lambda: session.info.config == session.config, timeout=10_000)
    assert session.info.n_inputs == 2 and session.info.sizes[0] == 3


def test_a_seed_above_two_to_the_31_is_held_exactly_when_other_controls_move(qtbot):
    configure_pyqtgraph()
    w = MainWindow(small_config(data={"seed": 3_000_000_000}), remember=False)
    qtbot.addWidget(w)
    wait_for_run(qtbot, w.session)
    run_id = w.session.run_id
    w.controls.bindings["train.lr"].slider.setValue(0.2)
    assert w.session.config.data.seed == 3_000_000_000
    assert w.session.run_id == run_id  # a hot change: the data is not drawn again
    assert w.controls.bindings["data.seed"].spin.value() == 3_000_000_000
    w.controls.bindings["data.seed"].button.click()
    assert w.session.config.data.seed == 3_000_000_001
    w.close()


def test_no_validation_split_switches_early_stopping_off_and_disables_it(window):
    b = window.controls.bindings
    session = window.session
    b["train.patience"].box.click()
    assert session.config.train.patience == 20
    b["data.split"].val.setValue(0.0)
    assert session.config.data.split[1] == 0 and session.config.train.patience == 0
    assert not b["train.patience"].box.isEnabled()
    assert not b["train.patience"].box.isChecked()


def test_momentum_beta_is_shown_with_the_momentum_optimizer_and_reaches_the_run(qtbot, window):
    b = window.controls.bindings
    session = window.session
    assert not b["train.momentum"].slider.isVisibleTo(window)
    run_id = session.run_id
    choose(b["train.optimizer"], "momentum")
    assert b["train.momentum"].slider.isVisibleTo(window)
    b["train.momentum"].slider.setValue(0.5)
    assert session.config.train.momentum == 0.5 and session.run_id == run_id
    qtbot.waitUntil(
        lambda: session.latest is not None and session.latest.config.train.momentum == 0.5
    )


def test_closing_saves_the_config_the_controls_show_even_right_after_a_change(qtbot):
    configure_pyqtgraph()
    w = MainWindow(small_config(), remember=True)
    qtbot.addWidget(w)
    wait_for_run(qtbot, w.session)
    for lr in (0.1, 0.2, 0.3):  # faster than the throttle lets them through
        w.controls.bindings["train.lr"].slider.setValue(lr)
    w.close()
    saved = json.loads(open_settings().value("last_config"))
    assert saved["train"]["lr"] == 0.3


def test_drawn_points_come_back_next_session_without_any_file(qtbot, tmp_path):
    configure_pyqtgraph()
    first = MainWindow(small_config(), remember=True)
    qtbot.addWidget(first)
    wait_for_run(qtbot, first.session)
    first.own_data.set_drawing(True)
    first.own_data.add(0.25, -0.75)
    wait_for_run(qtbot, first.session)
    drawn = first.session.points
    first.close()
    stored = open_settings()
    assert json.loads(stored.value("last_config"))["data"]["csv"] is None
    second = MainWindow(remember=True)
    qtbot.addWidget(second)
    wait_for_run(qtbot, second.session)
    assert second.session.config.data.kind == "csv"
    back = second.session.points
    assert back is not None and back.X.tolist() == drawn.X.tolist()
    assert back.y.tolist() == drawn.y.tolist() and back.split.tolist() == drawn.split.tolist()
    assert second.statusBar().currentMessage() == ""
    second.close()


def test_saving_with_drawn_points_writes_them_beside_the_config(qtbot, window, tmp_path):
    window.own_data.set_drawing(True)
    window.own_data.add(0.5, 0.5)
    wait_for_run(qtbot, window.session)
    run_id = window.session.run_id
    assert window.files.save_config(tmp_path / "mine.json")
    saved = json.loads((tmp_path / "mine.json").read_text())
    assert saved["data"]["kind"] == "csv" and saved["data"]["csv"] == "mine.points.csv"
    assert (tmp_path / "mine.points.csv").read_text().startswith("x1,x2,label,split\n")
    assert window.session.run_id == run_id  # saving does not restart the run
