"""The test set looked at last: hidden, its curves, error and points are not shown until
the user reveals it (View → Hide the test set until revealed, Ctrl+T)."""

from PySide6.QtCore import Qt

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
