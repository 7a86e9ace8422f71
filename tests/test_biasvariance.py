"""The bias / variance panel reads the errors live, gives the recipe's advice, and its
buttons apply the remedy to the experiment; the curves mark early stopping."""

import json
from dataclasses import replace

import numpy as np
import pytest

from deepdials.app.views.bias_variance import BiasVarianceView
from deepdials.app.views.curves import CurvesView
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.schema import Config, config_from_dict, with_value
from deepdials.core.data.dataprep import build_data
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.engine.state import new_run, run_info
from deepdials.core.probes.diagnosis import THRESHOLD, remedy_edit

DATA = build_data(Config().data)


def snapshot_with(train_error, val_error):
    """A real snapshot whose errors are replaced by the given ones, as after an epoch."""
    s = snapshot(new_run(Config()))
    metrics = {k: dict(v) for k, v in s.metrics.items()}
    metrics["train"]["error"], metrics["val"]["error"] = train_error, val_error
    return replace(s, metrics=metrics, scored_epoch=1)


@pytest.fixture
def panel(qtbot):
    view = BiasVarianceView()
    qtbot.addWidget(view)
    view.set_run(RunInfo(1, Config(), DATA, (2, 8, 8, 1)))
    return view


def test_high_variance_shows_its_advice_and_enables_the_remedies(qtbot, panel):
    bayes = DATA.bayes_error
    panel.show_snapshot(snapshot_with(bayes + 0.01, bayes + 0.12))
    assert panel.verdict.text() == "High variance"
    assert "more data" in panel.advice.text()
    assert panel.more_data.isEnabled() and panel.regularize.isEnabled()
    widths = panel.bars.opts["width"]
    assert np.isclose(widths[4], 11.0)  # variance bar: val − train, in percent
    with qtbot.waitSignal(panel.remedy, check_params_cb=lambda r: r == "regularize"):
        panel.regularize.click()


def test_high_bias_offers_no_data_or_regularization(panel):
    bayes = DATA.bayes_error
    panel.show_snapshot(snapshot_with(bayes + 0.2, bayes + 0.21))
    assert panel.verdict.text() == "High bias"
    assert "bigger network" in panel.advice.text()
    assert not panel.more_data.isEnabled() and not panel.regularize.isEnabled()
    assert panel.labels[3].toPlainText() == "20.0%"  # avoidable bias


def test_without_a_validation_split_the_panel_says_so(panel):
    panel.show_snapshot(snapshot_with(0.1, float("nan")))
    assert panel.verdict.text() == "needs a validation split"
    assert not panel.regularize.isEnabled()


def test_remedies_double_the_points_and_raise_lambda_step_by_step():
    config = Config()
    assert remedy_edit(config, "more data") == ("data.n_points", 800)
    lams = [config.train.l2]
    for _ in range(4):
        key, value = remedy_edit(config, "regularize")
        config = with_value(config, key, value)
        lams.append(config.train.l2)
    assert key == "train.l2" and lams == [0.0, 0.1, 0.2, 0.5, 1.0]
    l1_only = replace(Config(), train=replace(Config().train, l1=0.05))
    assert remedy_edit(l1_only, "regularize") == ("train.l1", 0.1)
    huge = replace(Config(), data=replace(Config().data, n_points=15000))
    assert remedy_edit(huge, "more data") == ("data.n_points", 20000)


@pytest.fixture
def window(qtbot):
    configure_pyqtgraph()
    raw = {
        "schema": 1,
        "data": {"n_points": 100},
        "model": {"hidden": [4]},
        "train": {"epochs": 100000},
    }
    w = MainWindow(config_from_dict(json.loads(json.dumps(raw))), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(
        lambda: w.session.info is not None and w.session.info.run_id == w.session.run_id,
        timeout=10_000,
    )
    yield w
    w.close()


def test_the_regularize_click_raises_lambda_on_the_running_network(qtbot, window):
    run_id = window.session.run_id
    window.bias_variance.remedy.emit("regularize")
    assert window.controls.bindings["train.l2"].slider.value() == 0.1
    assert window.session.config.train.l2 == 0.1 and window.session.run_id == run_id  # a hot change


def test_the_more_data_click_starts_a_run_on_twice_the_points(qtbot, window):
    window.bias_variance.remedy.emit("more data")
    qtbot.waitUntil(lambda: window.session.info.run_id == window.session.run_id, timeout=10_000)
    n = sum(len(getattr(window.session.info.data, s).y) for s in ("train", "val", "test"))
    assert n == 200 and window.controls.bindings["data.n_points"].slider.value() == 200


def test_the_curves_mark_the_best_epoch_the_stop_and_the_restored_errors(qtbot):
    raw = {
        "schema": 1,
        "data": {"n_points": 80, "noise": 0.3, "split": [0.5, 0.5, 0.0]},
        "model": {"hidden": [32, 32], "activation": "relu", "init": "he"},
        "train": {"optimizer": "adam", "lr": 0.02, "batch_size": 0, "epochs": 5000, "patience": 10},
    }
    run = new_run(config_from_dict(raw))
    advance(run, epochs=5000)
    assert run.status == "early_stopped"
    snap = snapshot(run)
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.show()
    curves.show_snapshot(snap)
    assert curves.best_lines[1].value() == snap.best_epoch
    assert curves.stop_lines[1].isVisible()
    assert curves.stop_lines[1].value() == snap.stopped_epoch
    marks_x, marks_y = curves.restored_marks.getData()
    assert set(marks_x) == {snap.best_epoch}
    assert np.isclose(marks_y[1], snap.metrics["val"]["error"])
    assert f"Restored epoch {snap.best_epoch}" in curves.restored.text()
    assert f"val {snap.metrics['val']['error']:.1%}" in curves.restored.text()


MISMATCH = config_from_dict(
    {"schema": 1, "data": {"kind": "circles", "n_points": 300, "noise": 0.08, "mismatch": 0.6}}
)


def test_mismatched_data_shows_both_bayes_errors_train_dev_and_the_mismatch_gap(qtbot):
    view = BiasVarianceView()
    qtbot.addWidget(view)
    run = new_run(MISMATCH)
    view.set_run(run_info(run))
    advance(run, epochs=2)
    s = snapshot(run)
    metrics = {k: dict(v) for k, v in s.metrics.items()}
    metrics["train"]["error"], metrics["train_dev"]["error"] = 0.0, 0.01
    metrics["val"]["error"] = 0.25
    view.show_snapshot(replace(s, metrics=metrics))
    assert view.rows[1] == "Bayes, val dist." and view.rows[-1] == "data mismatch"
    texts = [label.toPlainText() for label in view.labels[: len(view.rows)]]
    assert texts[1] == f"{100 * run.data.bayes_error_shifted:.1f}%"
    assert texts[3] == "1.0%"  # train-dev
    assert view.verdict.text() == "Data mismatch"
    assert "more like the target" in view.advice.text()
    assert not view.more_data.isEnabled() and not view.regularize.isEnabled()


def test_a_diverged_run_and_an_untrained_one_draw_no_gaps(panel):
    s = snapshot_with(0.5, 0.5)
    panel.show_snapshot(replace(s, status="diverged"))
    assert panel.verdict.text() == "Diverged" and "lower the learning rate" in panel.advice.text()
    assert list(panel.bars.opts["width"][3:]) == [0, 0]
    panel.show_snapshot(replace(s, scored_epoch=0))
    assert panel.verdict.text() == "Not trained yet"
    assert [label.toPlainText() for label in panel.labels[3:5]] == ["—", "—"]


def test_a_negative_avoidable_bias_is_no_bar_and_its_label_clears_the_threshold(panel):
    bayes = DATA.bayes_error
    panel.show_snapshot(snapshot_with(bayes - 0.165, bayes + 0.1))
    assert panel.bars.opts["width"][3] == 0
    label = panel.labels[3]
    assert label.toPlainText() == "-16.5% (memorised noise)"
    assert label.pos().x() > 100 * THRESHOLD  # right of the dashed line
    assert "memorised noise" in panel.advice.text()
    panel.show_snapshot(snapshot_with(bayes - 0.02, bayes + 0.1))
    assert panel.labels[3].toPlainText() == "-2.0% (chance)"
    assert "chance" in panel.advice.text()


def test_new_advice_is_laid_out_before_the_next_frame_is_grabbed(qtbot, panel):
    panel.resize(420, 690)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_snapshot(replace(snapshot_with(0.5, 0.5), status="diverged"))
    assert panel.advice.height() >= panel.advice.heightForWidth(panel.advice.width())
