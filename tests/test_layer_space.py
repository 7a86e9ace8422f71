"""The layer space: the plane's grid lines and the training points carried into two units
of a layer are the activations a forward pass computes; the view draws them and steps
through the layers with ← and →."""

import numpy as np
import pytest

from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.network import Workspace, forward
from deepdials.core.engine.reports import layer_space
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.core.probes.layer_space import (
    LINES,
    POINTS_PER_LINE,
    LayerSpaceRequest,
    grid_lines,
)


def make_run(hidden, features=("x1", "x2"), n_classes=2, epochs=5):
    config = config_from_dict(
        {
            "schema": 1,
            "data": {
                "kind": "blobs" if n_classes > 2 else "circles",
                "n_points": 300,
                "n_classes": n_classes,
                "features": list(features),
            },
            "model": {"hidden": list(hidden), "activation": "tanh", "init": "xavier"},
            "train": {"epochs": 1000, "batch_size": 10, "lr": 0.3},
        }
    )
    run = new_run(config)
    advance(run, epochs=epochs)
    return run


def activations(run, X):
    """A[0..L] of a forward pass of the user's points X : (n, 2), float64."""
    ws = Workspace(run.sizes, len(X), run.dtype, backward=False)
    forward(run.params, run.pipeline(X, run.dtype), run.act, ws)
    return [a.astype(np.float64) for a in ws.A]


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_points_and_grid_lines_are_the_activations_of_a_forward_pass(layer):
    run = make_run([6, 5], features=("x1", "x2", "x1^2"))
    space = layer_space(run, LayerSpaceRequest(layer, (3 if layer else 2, 1)))
    a, b = space.units
    assert (space.layer, space.axes, space.units) == (layer, "units", (3 if layer else 2, 1))
    train = run.data.train
    A = activations(run, train.X)[layer]
    np.testing.assert_allclose(space.points, A[:, [a, b]], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(space.labels, train.y)
    user = grid_lines(run.data.extent, LINES, POINTS_PER_LINE)
    assert space.lines.shape == (2 * LINES, POINTS_PER_LINE, 2)
    A_lines = activations(run, user.reshape(-1, 2))
    expected = A_lines[layer][:, [a, b]].reshape(space.lines.shape)
    np.testing.assert_allclose(space.lines, expected, rtol=1e-5, atol=1e-5)
    predicted = (A_lines[-1][:, 0] > 0).reshape(space.line_class.shape)
    np.testing.assert_array_equal(space.line_class, predicted)


def test_the_default_is_the_last_hidden_layers_two_units_of_largest_variance():
    run = make_run([4, 7])
    space = layer_space(run, LayerSpaceRequest())
    A = activations(run, run.data.train.X)[2]
    top_two = sorted(np.argsort(-A.var(axis=0))[:2])
    assert space.layer == 2 and list(space.units) == top_two


def test_the_output_of_one_logit_is_drawn_against_a_unit_of_the_layer_below():
    run = make_run([4])
    space = layer_space(run, LayerSpaceRequest(2, (2, 0)))
    A = activations(run, run.data.train.X)
    assert (space.axes, space.units) == ("logit", (2, 0))
    np.testing.assert_allclose(space.points[:, 0], A[1][:, 2], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(space.points[:, 1], A[2][:, 0], rtol=1e-5, atol=1e-5)


def test_a_one_unit_layer_is_drawn_against_x1():
    run = make_run([1, 3])
    space = layer_space(run, LayerSpaceRequest(1))
    A = activations(run, run.data.train.X)
    assert space.axes == "x1"
    np.testing.assert_allclose(space.points[:, 0], run.data.train.X[:, 0], rtol=1e-6)
    np.testing.assert_allclose(space.points[:, 1], A[1][:, 0], rtol=1e-5, atol=1e-5)


def test_softmax_logits_are_a_layer_like_any_other_and_an_old_request_gets_the_defaults():
    run = make_run([5], n_classes=3)
    space = layer_space(run, LayerSpaceRequest(2, (0, 2)))
    assert (space.axes, space.units) == ("units", (0, 2))
    space = layer_space(run, LayerSpaceRequest(7, (40, 41)))  # asked of a deeper run
    assert space.layer == 1 and space.axes == "units" and max(space.units) < 5


def drawn_points(view):
    """The points drawn, class by class, in the order of the layer space's points."""
    drawn = [np.column_stack(item.getData()) for item in view.point_items]
    return np.concatenate(drawn)


def by_class(space):
    return np.concatenate([space.points[space.labels == k] for k in range(space.n_classes)])


def latest_points(window):
    return by_class(window.session.latest.layer_space)


def test_the_view_draws_the_selected_runs_layer_space_and_the_arrows_step_layers(qtbot, window):
    from PySide6.QtCore import Qt

    window.session.set_playing(False)
    window.show_view("layer_space")
    view = window.views.current()
    assert view.name == "layer_space" and view.layer == 2  # small_config: hidden [6, 6]
    qtbot.waitUntil(lambda: sum(len(item.data) for item in view.point_items) > 0)
    space = window.session.latest.layer_space
    assert space.layer == 2
    np.testing.assert_array_equal(drawn_points(view), by_class(space))
    qtbot.keyClick(window, Qt.Key_Left)
    qtbot.waitUntil(lambda: window.session.latest.layer_space.layer == 1)
    qtbot.waitUntil(lambda: np.array_equal(drawn_points(view), latest_points(window)))
    assert view.ranges[0][0] <= latest_points(window)[:, 0].min()
    assert view.layer_box.currentText() == "layer 1"
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key_Right)
    qtbot.waitUntil(lambda: window.session.latest.layer_space.axes == "logit")
    qtbot.waitUntil(view.zero.isVisible)
    assert view.layer_box.currentText() == "output"
    box = view.unit_boxes[0]
    box.setCurrentIndex(box.findData(4))
    box.activated.emit(box.currentIndex())
    qtbot.waitUntil(lambda: window.session.latest.layer_space.units == (4, 0))


def test_the_arrows_step_layers_only_while_the_view_is_shown(qtbot, window):
    from PySide6.QtCore import Qt

    window.show_view("layer_space")
    view = window.views.current()
    window.show_view("curves")
    qtbot.keyClick(window, Qt.Key_Left)
    assert view.layer == 2


def test_one_chosen_unit_keeps_its_axis_and_the_other_is_the_most_active_of_the_rest():
    run = make_run([4, 7])
    A = activations(run, run.data.train.X)[2]
    ranked = list(np.argsort(-A.var(axis=0)))
    space = layer_space(run, LayerSpaceRequest(2, (None, ranked[0])))
    assert space.units == (ranked[1], ranked[0])


def test_the_gif_of_a_run_recorded_with_the_view_shown_draws_its_layer_space_beside(tmp_path):
    from PIL import Image

    from deepdials.app.style.palette import CLASS_COLORS
    from deepdials.app.tools.animation import BoundaryRecording, write_gif
    from deepdials.core.engine.reports import snapshot
    from deepdials.core.engine.state import run_info

    run = make_run([4, 4], epochs=0)
    info = run_info(run)
    plain, shown = BoundaryRecording(), BoundaryRecording()
    for _ in range(3):
        advance(run, epochs=1)
        plain.add([info], ["base"], [snapshot(run, 30, layers=False)])
        shown.add([info], ["base"], [snapshot(run, 30, layers=False, space=LayerSpaceRequest())])
    for recording, name in ((plain, "plain.gif"), (shown, "shown.gif")):
        write_gif(recording.frames(), recording.infos, recording.labels, tmp_path / name)
    with Image.open(tmp_path / "plain.gif") as a, Image.open(tmp_path / "shown.gif") as b:
        assert b.width > a.width and b.height == a.height
        right = np.asarray(b.convert("RGB"))[:, a.width :]
    pixels = right.reshape(-1, 3).astype(int)
    for k in range(2):  # the points of both classes (near their colour: 64 colours a frame)
        assert (np.abs(pixels - CLASS_COLORS[k]).max(axis=1) <= 12).sum() > 50


def test_a_regression_on_one_input_carries_the_x1_line_and_colours_nothing_by_class():
    config = config_from_dict(
        {
            "schema": 1,
            "data": {"kind": "sine", "n_points": 200, "features": ["x1"]},
            "model": {"hidden": [5, 3], "activation": "tanh"},
            "train": {"epochs": 1000, "batch_size": 10, "lr": 0.1},
        }
    )
    run = new_run(config)
    advance(run, epochs=3)
    space = layer_space(run, LayerSpaceRequest(1, (0, 4)))
    x0, x1 = run.data.extent[:2]
    line = np.linspace(x0, x1, space.lines.shape[1])[:, None]
    A = activations(run, line)[1]
    assert space.lines.shape[0] == 1 and space.n_classes == 0
    np.testing.assert_allclose(space.lines[0], A[:, [0, 4]], rtol=1e-5, atol=1e-5)
    assert not space.line_class.any()
    np.testing.assert_array_equal(space.labels, run.data.train.y)  # the targets y
    np.testing.assert_allclose(
        space.points, activations(run, run.data.train.X)[1][:, [0, 4]], atol=1e-5
    )
