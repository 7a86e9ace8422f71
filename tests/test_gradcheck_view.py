"""The Gradient check tab: the check runs on the worker's network off the GUI thread,
passes a correct backprop, catches a planted bug, and says plainly why it cannot check a
diverged network; the scalar demo shows the two estimates of the lecture."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from deepdials.app.frames import CheckStopped
from deepdials.app.pages.gradcheck_page import GradCheckPage
from deepdials.core.config.schema import config_from_dict
from deepdials.core.probes.gradcheck import NOT_FINITE, GradCheck
from tests.helpers import wait_for_run

HEALTHY = config_from_dict({"schema": 1, "data": {"n_points": 100}, "model": {"hidden": [6, 5]}})
# a linear network at lr 10 overflows within a few epochs (θ stays finite, the cost not)
DIVERGING = config_from_dict(
    {
        "schema": 1,
        "data": {"n_points": 100},
        "model": {"hidden": [8, 8], "activation": "linear", "init_scale": 5.0},
        "train": {"lr": 10.0, "batch_size": 0},
    }
)


@pytest.fixture
def panel(qtbot, session):
    view = GradCheckPage(session)
    qtbot.addWidget(view)
    return view


def start(qtbot, view, config):
    view.session.load(config)
    wait_for_run(qtbot, view.session)
    qtbot.waitUntil(lambda: view.sizes == view.session.info.sizes)


def check(qtbot, view):
    with qtbot.waitSignal(view.checked, timeout=30_000) as blocker:
        view.check_button.click()
        assert view.waiting and not view.check_button.isEnabled()
    assert not view.waiting and view.check_button.isEnabled()
    return blocker.args[0]


def test_a_correct_backprop_passes_and_a_planted_bug_is_caught_in_its_layer(qtbot, panel):
    start(qtbot, panel, HEALTHY)
    assert panel.layer.maximum() == 3
    good = check(qtbot, panel)
    assert good.difference < 1e-7 and "great" in panel.verdict.text()
    assert good.dropout_off
    panel.plant.setChecked(True)
    panel.layer.setValue(2)
    bad = check(qtbot, panel)
    assert bad.planted_bug == 2 and bad.verdict == "bug"
    assert "bug" in panel.verdict.text()
    assert bad.blocks["W2"] >= 1e-3 and bad.blocks["W1"] < 1e-7
    rows = {panel.blocks.item(i, 0).text(): i for i in range(panel.blocks.rowCount())}
    assert panel.blocks.item(rows["W2"], 2).text() == "bug"
    assert panel.worst.item(0, 0).text() in ("W2", "b2")


def test_a_deep_sigmoid_nets_look_closer_is_explained_and_a_larger_epsilon_clears_it(qtbot, panel):
    from deepdials.core.config.files import load_config
    from deepdials.resources import PRESETS

    start(qtbot, panel, load_config(PRESETS / "vanishing_gradients.json"))
    closer = check(qtbot, panel)
    assert closer.verdict == "fine, but look closer"
    assert "Why look closer?" in panel.message.text() and "rounding" in panel.message.text()
    assert closer.epsilon == 1e-7
    panel.epsilon.setCurrentIndex(panel.epsilon.findText("1e-05"))
    larger = check(qtbot, panel)
    assert larger.verdict == "great" and "Why look closer?" not in panel.message.text()


def test_the_panel_says_dropout_is_off_and_the_penalty_is_included(panel):
    labels = " ".join(label.text() for label in panel.findChildren(QLabel))
    assert "Dropout is off" in labels and "penalty term" in labels


def test_a_diverged_network_gets_a_clear_message_and_the_panel_keeps_working(qtbot, panel):
    start(qtbot, panel, DIVERGING)
    check(qtbot, panel)  # at epoch 0, still finite
    before = panel.verdict.text()
    panel.session.set_playing(True)
    qtbot.waitUntil(lambda: panel.session.status == "diverged", timeout=10_000)
    answer = check(qtbot, panel)
    assert isinstance(answer, str)
    assert "diverged at epoch" in panel.message.text() and "Reset" in panel.message.text()
    assert panel.verdict.text() == before  # the last result is not lost
    start(qtbot, panel, HEALTHY)
    assert check(qtbot, panel).verdict == "great"


def test_the_scalar_demo_gives_3_0001_against_3_0301_at_epsilon_0_01(panel):
    assert panel.demo_epsilon_value() == pytest.approx(0.01)
    assert "3.0001" in panel.demo_text.text() and "3.0301" in panel.demo_text.text()
    panel.demo_slider.setValue(-20)  # ε = 0.1: two-sided 3.01, one-sided 3.31
    assert panel.demo_epsilon.text() == "ε = 0.1"
    assert "3.01</b>" in panel.demo_text.text() and "3.31</b>" in panel.demo_text.text()


BIG = config_from_dict(  # 400,000 parameters: a check of minutes, so it is still going
    {
        "schema": 1,
        "data": {"n_points": 100},
        "model": {"hidden": [256] * 6},
        "train": {"epochs": 1_000_000},
    }
)


def first_progress(qtbot, view):
    with qtbot.waitSignal(view.session.gradient_progress, timeout=30_000):
        view.check_button.click()
    qtbot.waitUntil(lambda: view.progress.maximum() > 0, timeout=30_000)


def test_a_long_check_shows_progress_and_cancel_stops_it_without_a_result(qtbot, panel):
    start(qtbot, panel, BIG)
    first_progress(qtbot, panel)
    assert panel.waiting and panel.cancel_button.isEnabled() and not panel.progress.isHidden()
    assert "components" in panel.message.text() and "epoch 0" in panel.message.text()
    with qtbot.waitSignal(panel.checked, timeout=10_000) as blocker:
        panel.cancel_button.click()
    stopped = blocker.args[0]
    assert isinstance(stopped, CheckStopped) and stopped.reason == "cancelled"
    assert 0 < stopped.done < stopped.planned
    assert panel.check_button.isEnabled() and panel.progress.isHidden()
    assert "Stopped after" in panel.message.text() and "no result" in panel.message.text()
    assert panel.verdict.text() == "Not checked yet."


def test_training_waits_for_a_check_and_controls_stay_live(qtbot, panel):
    start(qtbot, panel, BIG)
    session = panel.session
    session.set_playing(True)
    qtbot.waitUntil(lambda: session.latest is not None and session.latest.epoch > 0, timeout=30_000)
    with qtbot.waitSignal(session.gradient_progress, timeout=30_000) as started:
        panel.check_button.click()
    checked_epoch = started.args[1].epoch  # the run's epoch when the check began
    for _ in range(3):  # the check goes on, training waits for it
        qtbot.waitSignal(session.gradient_progress, timeout=30_000).wait()
    assert panel.waiting and session.latest.epoch <= checked_epoch
    assert session.edit("train.lr", 0.01)  # a hot change reaches the run at once
    session.flush()
    qtbot.waitUntil(lambda: session.latest.config.train.lr == 0.01, timeout=10_000)
    assert panel.waiting
    with qtbot.waitSignal(panel.checked, timeout=10_000) as blocker:
        assert session.edit("data.noise", 0.2)  # a new network stops the check
        session.flush()
    assert isinstance(blocker.args[0], CheckStopped)
    assert "a new network started" in panel.message.text()
    run_id = session.run_id
    qtbot.waitUntil(  # and training goes on, on the new network
        lambda: (s := session.latest) is not None and s.run_id == run_id and s.epoch > 1,
        timeout=30_000,
    )


def test_a_check_cut_by_its_budget_says_how_much_it_compared(qtbot, panel, monkeypatch):
    monkeypatch.setattr("deepdials.app.pages.gradcheck_page.BUDGET_SECONDS", 1e-9)
    start(qtbot, panel, HEALTHY)
    result = check(qtbot, panel)
    assert result.checked == 1 and not result.complete
    assert "stopped by the 1e-09 s budget" in panel.message.text()
    cells = [panel.blocks.item(i, 2).text() for i in range(panel.blocks.rowCount())]
    assert cells.count("not reached") == len(cells) - 1


def test_a_difference_that_is_not_finite_has_its_own_verdict_on_screen(qtbot, panel):
    result = GradCheck(
        difference=float("nan"),
        verdict=NOT_FINITE,
        blocks={"W1": float("nan"), "b1": None},
        worst=[],
        checked=1,
        n_params=9,
        planned=9,
        complete=False,
        seconds=0.1,
        sample="1 of 9 components",
        epsilon=1e-7,
        rows=64,
        dropout_off=True,
        planted_bug=None,
    )
    panel._on_checked(1, result)
    assert panel.verdict.text().endswith(": not finite")
    assert "great" not in panel.verdict.text() and "overflows" in panel.message.text()
    assert [panel.blocks.item(i, 2).text() for i in range(2)] == [NOT_FINITE, "not reached"]


def test_leaving_dropout_on_fails_the_check_and_the_page_says_why(qtbot, panel):
    config = config_from_dict(
        {
            "schema": 1,
            "data": {"n_points": 100},
            "model": {"hidden": [6, 5]},
            "train": {"keep_prob": 0.5},
        }
    )
    start(qtbot, panel, config)
    qtbot.mouseClick(panel.dropout_on, Qt.LeftButton)
    left_on = check(qtbot, panel)
    assert not left_on.dropout_off and left_on.verdict == "bug"
    assert "Dropout was left on" in panel.message.text()
    qtbot.mouseClick(panel.dropout_on, Qt.LeftButton)
    off = check(qtbot, panel)
    assert off.dropout_off and off.verdict == "great"
    assert "left on" not in panel.message.text()
