"""Loading a lesson or a config starts clean: the sweep and the gradient check shown are
of what was loaded, the speed is its lesson's (or the first one), a hot change goes to
the selected run only (a comparison lesson's: the one its first step selects)."""

import multiprocessing

from deepdials.core.config.files import load_experiment
from deepdials.core.lessons.player import plan
from deepdials.resources import PRESETS, lesson_names


def open_lesson(window, name: str) -> None:
    """Presets → Lessons → that lesson, as a user picks it."""
    lessons = window.menuBar().actions()[1].menu().actions()[0].menu().actions()
    lessons[lesson_names().index(name)].trigger()


def sweep_points_drawn(page) -> int:
    x, _ = page.curves["val"].getData()
    return 0 if x is None else len(x)


def test_the_next_lesson_clears_the_sweep_of_the_last_one_and_stops_a_running_one(qtbot, window):
    open_lesson(window, "sweep_lambda")
    page = window.views.current()
    assert page is window.sweeps
    page.values.setText("0.1, 1")
    page.epochs.setValue(20)
    with qtbot.waitSignal(page.runner.finished, timeout=60_000):
        page.run_button.click()
    assert sweep_points_drawn(page) == 2 and page.best_label.text()
    window.navigator.next.click()
    assert window.session.config.lesson.view != "sweeps"
    assert sweep_points_drawn(page) == 0
    assert page.best_label.text() == "" and page.message.text() == ""
    assert page.progress.text() == "" and not page.csv_button.isEnabled()
    page.epochs.setValue(100_000)
    page.run_button.click()
    qtbot.waitUntil(lambda: bool(multiprocessing.active_children()), timeout=10_000)
    window.navigator.previous.click()
    assert page.run_button.isEnabled() and page.message.text() == ""
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=5_000)


def test_another_lesson_clears_the_verdict_and_drops_the_check_under_way(qtbot, window):
    open_lesson(window, "gradient_checking")
    page = window.views.current()
    assert page.name == "gradient_check"
    qtbot.waitUntil(lambda: window.session.info.run_id == window.session.run_id)
    with qtbot.waitSignal(page.checked, timeout=30_000):
        page.check_button.click()
    assert "difference" in page.verdict.text() and page.blocks.rowCount() > 0
    with qtbot.waitSignal(window.session.gradient_checked, timeout=30_000):
        page.check_button.click()
        window.navigator.previous.click()  # while the worker checks
    assert page.verdict.text() == "Not checked yet."
    assert page.blocks.rowCount() == page.worst.rowCount() == 0
    assert page.message.text() == "" and page.check_button.isEnabled()


def test_a_lesson_without_a_speed_plays_at_the_first_speed_not_the_last_lessons(qtbot, window):
    open_lesson(window, "exploding_gradients")
    assert window.speed.currentText() == "1 epoch/s"
    window.navigator.next.click()
    assert window.session.path.stem == "deep_relu_he"
    assert window.speed.currentText() == "50 epochs/s"
    # at 1 epoch/s this would take 25 s
    qtbot.waitUntil(
        lambda: window.session.latest and window.session.latest.epoch >= 25, timeout=15_000
    )


def test_full_speed_ends_with_the_lesson_it_was_chosen_in(qtbot, window):
    window.full_speed_action.trigger()
    open_lesson(window, "l2")
    assert not window.full_speed_action.isChecked()
    assert window.speed.currentText() == "200 epochs/s"  # the lesson's speed


def test_a_loaded_comparison_selects_the_run_of_its_first_step_and_hot_changes_go_to_it_alone(
    qtbot, window
):
    session = window.session
    window.compare_action.trigger()
    box = window.controls.bindings["model.init"].box
    box.setCurrentIndex(box.findData("he"))
    box.activated.emit(box.currentIndex())
    window.to_all_action.trigger()
    assert session.selected == 1 and window.to_all_action.isChecked()
    open_lesson(window, "compare_regularization")
    first_step = plan(load_experiment(PRESETS / "compare_regularization.json"))[0]
    assert session.selected == first_step.selected and not window.to_all_action.isChecked()
    lrs = [lane.experiment.config.train.lr for lane in session.lanes]
    window.controls.bindings["train.lr"].slider.setValue(0.3)
    lrs[first_step.selected] = 0.3
    assert [lane.experiment.config.train.lr for lane in session.lanes] == lrs
