"""The test set looked at last: hidden, its curves, error and points are not shown until
the user reveals it (View → Hide the test set until revealed, Ctrl+T), or a lesson's
reveal step does."""

import json

from PySide6.QtCore import Qt

from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.files import load_experiment
from tests.test_window import next_frame


def test_ctrl_t_hides_the_test_set_everywhere_and_again_reveals_it(qtbot, window):
    qtbot.keyClick(window, Qt.Key_T, Qt.ControlModifier)
    next_frame(qtbot, window)
    assert not window.curves.curves["test", "error"].isVisible()
    assert "test hidden" in window.status.figures.text()
    assert not window.split_actions["test"].isChecked()
    assert not window.split_actions["test"].isEnabled()
    qtbot.keyClick(window, Qt.Key_T, Qt.ControlModifier)
    next_frame(qtbot, window)
    assert window.curves.curves["test", "error"].isVisible()
    assert "test hidden" not in window.status.figures.text()
    assert window.split_actions["test"].isChecked()


def test_a_lesson_hides_the_test_set_until_its_reveal_step_and_back_hides_it_again(qtbot, tmp_path):
    path = tmp_path / "revealed.json"
    path.write_text(
        json.dumps(
            {
                "schema": 1,
                "data": {"n_points": 120},
                "model": {"hidden": [4]},
                "train": {"epochs": 10},
                "lesson": {
                    "steps": [{"text": "Tune on validation."}, {"text": "Look.", "reveal": "test"}]
                },
            }
        )
    )
    configure_pyqtgraph()
    window = MainWindow(load_experiment(path), tmp_path, remember=False, config_path=path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.steps.current == 1 and window.steps.ended(), timeout=20_000)
    assert window.hide_test_action.isChecked()
    assert not window.curves.curves["test", "error"].isVisible()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key_N)
    qtbot.waitUntil(lambda: window.steps.current == 2)
    assert not window.hide_test_action.isChecked()
    assert window.curves.curves["test", "error"].isVisible()
    qtbot.keyClick(window, Qt.Key_B)
    qtbot.waitUntil(lambda: window.steps.current == 1)
    assert window.hide_test_action.isChecked()
    window.close()
