"""Setting a weight or a bias by hand: exactly one parameter changes, the run is scored
again at once, Undo gives the bits back, Reset the initial weights; in the window, by
clicks on the Network view."""

import numpy as np
import pytest

from deepdials.core.engine.edits import ParamRef, set_parameter, undo_edit
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance, train
from deepdials.core.engine.snapshot import Status
from deepdials.core.engine.state import new_run
from deepdials.core.errors import InputError
from tests.helpers import small_config


def make_run(epochs=5):
    run = new_run(small_config())
    advance(run, epochs=epochs)
    return run


def test_an_edit_changes_exactly_one_parameter_and_the_scores_of_theta_at_once():
    run = make_run()
    before = run.params.theta.copy()
    errors = len(run.history.arrays()["epoch"])
    edit = set_parameter(run, ParamRef(2, 2, 0), 3.5)
    changed = np.flatnonzero(run.params.theta != before)
    assert len(changed) == 1 and run.params.W[1][2, 0] == np.float32(3.5)
    assert str(edit) == "W[2][3,1] = 3.5" and edit.old == before[changed[0]]
    assert run.edits == [edit] and edit.epoch == run.epoch == 5
    fresh = new_run(small_config())  # the same network scored from scratch
    fresh.params.theta[:] = run.params.theta
    advance(fresh, epochs=0)
    assert run.metrics == fresh.metrics
    history = run.history.arrays()
    assert len(history["epoch"]) == errors  # the last row is the edited θ's, not a new one
    assert history["train_loss"][-1] == run.metrics["train"]["loss"]


def test_undo_gives_back_the_same_bits_and_a_drag_of_one_parameter_is_one_edit():
    run = make_run()
    before = run.params.theta.copy()
    metrics = {s: dict(m) for s, m in run.metrics.items()}
    ref = ParamRef(1, None, 4)
    for value in (0.1, -2.0, 0.7):
        set_parameter(run, ref, value)
    assert len(run.edits) == 1 and run.edits[0].new == pytest.approx(0.7)
    assert run.edits[0].ref.name == "b[1][5]"
    assert undo_edit(run).ref == ref
    assert run.params.theta.tobytes() == before.tobytes()
    assert run.metrics == metrics and run.edits == [] and undo_edit(run) is None


def test_training_goes_on_from_the_edited_network_and_snapshots_list_the_edits():
    run = make_run()
    set_parameter(run, ParamRef(3, 0, 0), -4.0)
    edited = run.params.theta.copy()
    steps = train(run, epochs=1)
    next(steps)  # the first step starts from the edited θ
    for _ in steps:
        pass
    assert run.params.W[2][0, 0] == pytest.approx(-4.0, abs=0.1)  # trained on from −4
    assert run.epoch == 6 and not np.array_equal(run.params.theta, edited)
    assert [str(e) for e in snapshot(run, layers=False).edits] == ["W[3][1,1] = -4"]


def test_a_parameter_the_network_lacks_or_a_value_that_is_not_finite_is_refused():
    run = make_run()
    before = run.params.theta.copy()
    for ref, value, words in (
        (ParamRef(4, 0, 0), 1.0, "no layer 4"),
        (ParamRef(1, 2, 0), 1.0, "layer 0 has 2 units"),
        (ParamRef(2, 0, 6), 1.0, "layer 2 has 6 units"),
        (ParamRef(1, 0, 0), float("nan"), "not a finite number"),
    ):
        with pytest.raises(InputError, match=words):
            set_parameter(run, ref, value)
    assert run.params.theta.tobytes() == before.tobytes() and run.edits == []


def test_a_huge_weight_is_a_divergence_and_a_diverged_run_is_not_edited():
    run = make_run()
    set_parameter(run, ParamRef(3, None, 0), 1e39)  # past float32: θ is no longer finite
    assert run.status == Status.DIVERGED and run.diverged_at == 5
    with pytest.raises(InputError, match="diverged"):
        set_parameter(run, ParamRef(1, 0, 1), 1.0)


def test_undoing_the_edit_that_made_a_run_diverge_lets_it_run_again():
    run = make_run()
    before = run.params.theta.copy()
    metrics = {s: dict(m) for s, m in run.metrics.items()}
    set_parameter(run, ParamRef(3, None, 0), 1e39)
    undo_edit(run)
    assert run.status == Status.RUNNING and run.diverged_at is None
    assert run.params.theta.tobytes() == before.tobytes() and run.metrics == metrics


def test_undoing_a_divergence_on_a_finished_run_leaves_it_finished():
    run = new_run(small_config())
    advance(run)
    assert run.status == Status.FINISHED
    set_parameter(run, ParamRef(3, None, 0), 1e39)
    undo_edit(run)
    assert run.status == Status.FINISHED and run.diverged_at is None


# ----- in the window, by clicks on the Network view -----


def click_view_point(qtbot, view, x, y):
    """A left click on the diagram at view coordinates (x, y), as the mouse gives it."""
    from PySide6.QtCore import QPointF, Qt

    scene = view.vb.mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(view.graphics.viewport(), Qt.LeftButton, pos=view.graphics.mapFromScene(scene))


@pytest.fixture
def diagram_shown(qtbot, window):
    """The window playing with the Network view shown and drawn."""
    window.show_view("network")
    view = window.diagram
    qtbot.waitUntil(lambda: view.neurons is not None and window.session.playing)
    return view


def type_value(qtbot, editor, text):
    from PySide6.QtCore import Qt

    editor.field.setFocus()
    editor.field.lineEdit().selectAll()
    qtbot.keyClicks(editor.field.lineEdit(), text)
    qtbot.keyClick(editor.field.lineEdit(), Qt.Key_Return)


def test_a_click_on_an_edge_edits_its_weight_pauses_and_the_next_frame_shows_it(
    qtbot, window, diagram_shown
):
    from PySide6.QtCore import QPointF, Qt

    view, session = diagram_shown, window.session
    x0, y0, x1, y1 = view.layout_.edges[-1]  # into the output
    ref = view.param_at(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    click_view_point(qtbot, view, (x0 + x1) / 2, (y0 + y1) / 2)
    assert view.editor.isVisible() and view.editing == ref and ref.layer == 3
    type_value(qtbot, view.editor, "0.5")
    qtbot.waitUntil(lambda: bool(session.latest.edits) and not session.playing)
    edit = session.latest.edits[-1]
    assert edit.ref == ref and edit.new == 0.5
    qtbot.waitUntil(lambda: view.value_of(ref) == 0.5)
    before = view.neurons
    assert f"edited: {ref.name} = 0.5" in window.status.figures.text()
    # only that weight differs from the value it had: the rest of the drawn net as it was
    weights = before.weights[3].copy()
    rows = np.flatnonzero(before.units[2] == ref.row)[0]
    weights[rows, np.flatnonzero(before.units[3] == ref.unit)[0]] = np.float32(edit.old)
    qtbot.mouseClick(view.editor.undo, Qt.LeftButton)
    qtbot.waitUntil(lambda: session.latest.edits == () and view.value_of(ref) == edit.old)
    np.testing.assert_array_equal(view.neurons.weights[3], weights)
    assert "edited" not in window.status.figures.text()


def test_a_bias_set_by_hand_is_marked_on_the_curves_and_reset_forgets_it(
    qtbot, window, diagram_shown
):
    from PySide6.QtCore import Qt

    view, session = diagram_shown, window.session
    x, y, column, row = view.layout_.bias_marks()[0]
    click_view_point(qtbot, view, x, y)
    assert view.editing is not None and view.editing.row is None
    qtbot.mouseClick(view.editor.zero, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(session.latest.edits))
    assert session.latest.edits[-1].new == 0.0 and not session.playing
    qtbot.waitUntil(lambda: view.value_of(view.editing) == 0.0)
    epoch = session.latest.edits[-1].epoch
    window.show_view("curves")
    qtbot.waitUntil(
        lambda: bool(window.curves.edit_lines) and window.curves.edit_lines[0].isVisible()
    )
    assert window.curves.edit_lines[0].value() == epoch
    old = session.run_id
    qtbot.keyClick(window, Qt.Key_R)
    qtbot.waitUntil(lambda: session.run_id != old and session.latest is not None)
    assert session.latest.edits == () and session.latest.epoch == 0


def test_saving_an_edited_run_says_hand_edits_are_not_part_of_a_config(
    qtbot, window, diagram_shown, tmp_path
):
    from PySide6.QtCore import Qt

    view, session = diagram_shown, window.session
    x, y, _, _ = view.layout_.bias_marks()[-1]
    click_view_point(qtbot, view, x, y)
    qtbot.mouseClick(view.editor.zero, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(session.latest.edits))
    assert window.files.save_config(tmp_path / "edited.json")
    assert "not part of a config" in window.statusBar().currentMessage()
    assert "edit" not in (tmp_path / "edited.json").read_text()


def test_in_a_comparison_the_edit_goes_to_the_selected_run_and_its_label_says_so(qtbot):
    from PySide6.QtCore import Qt

    from deepdials.app.window import MainWindow, configure_pyqtgraph
    from deepdials.core.config.compare import comparison_from_dict

    configure_pyqtgraph()
    raw = {
        "schema": 1,
        "base": {"data": {"n_points": 120}, "model": {"hidden": [4]}},
        "variants": [{"train": {"lr": 0.03}}, {"train": {"lr": 0.3}}],
    }
    w = MainWindow(comparison_from_dict(raw), remember=False, playing=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    session = w.session
    qtbot.waitUntil(lambda: all(session.latest_of(i) is not None for i in range(2)))
    session.select(1)
    w.show_view("network")
    view = w.diagram
    qtbot.waitUntil(lambda: view.neurons is not None and view.run_id == session.run_id_of(1))
    x, y, _, _ = view.layout_.bias_marks()[0]
    click_view_point(qtbot, view, x, y)
    qtbot.mouseClick(view.editor.zero, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(session.latest_of(1).edits))
    assert session.latest_of(0).edits == ()
    labels = [run.label for run in session.frame().runs]
    assert "edited: b[1][" in labels[1] and "edited" not in labels[0]
    w.close()
