"""The network diagram: per-unit outputs over the plane, edges and thumbnails that follow
depth and width, the 16 most active units of a wide layer, and zero init's symmetry."""

import numpy as np
import pytest

from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.reports import neuron_maps, snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.core.probes.neurons import MAX_SHOWN_UNITS, shown_units


def make_run(hidden, init="xavier", activation="tanh", epochs=3, lr=0.3):
    config = config_from_dict(
        {
            "schema": 1,
            "data": {"kind": "circles", "n_points": 200},
            "model": {"hidden": list(hidden), "activation": activation, "init": init},
            "train": {"epochs": 1000, "batch_size": 10, "lr": lr},
        }
    )
    run = new_run(config)
    advance(run, epochs=epochs)
    return run


def test_shown_units_are_the_most_active_in_layer_order():
    activity = np.array([0.1, 5.0, 0.2, 3.0, 4.0])
    np.testing.assert_array_equal(shown_units(activity, 3), [1, 3, 4])
    np.testing.assert_array_equal(shown_units(activity, 9), np.arange(5))


def test_neuron_maps_are_each_units_output_over_the_grid():
    run = make_run([5, 40])
    neurons = neuron_maps(run)
    G = neurons.maps[0].shape[-1]
    assert [m.shape[0] for m in neurons.maps] == [2, 5, MAX_SHOWN_UNITS, 1]
    assert neurons.weights[2].shape == (5, MAX_SHOWN_UNITS)
    # the first input feature is x1, which grows along each row of the grid
    assert np.all(np.diff(neurons.maps[0][0], axis=1) > 0)
    # a unit of layer 1 is tanh(x · W[:, j] + b[j]) at every grid point
    x = np.stack([neurons.maps[0][0].ravel(), neurons.maps[0][1].ravel()], axis=1)
    expected = np.tanh(x @ run.params.W[0] + run.params.b[0]).T.reshape(-1, G, G)
    np.testing.assert_allclose(neurons.maps[1], expected, atol=1e-5)


def test_zero_init_keeps_every_unit_of_a_layer_identical():
    run = make_run([6, 6], init="zeros", activation="sigmoid", epochs=100, lr=1.0)
    neurons = neuron_maps(run)
    first = neurons.maps[1]
    assert np.ptp(first[0]) > 0.01  # the units have learned a pattern, all the same one
    for maps in neurons.maps[1:-1]:
        np.testing.assert_allclose(maps, np.broadcast_to(maps[:1], maps.shape), atol=1e-6)


@pytest.fixture
def diagram(qtbot):
    from deepdials.app.views.network_diagram import DiagramView

    view = DiagramView()
    qtbot.addWidget(view)
    view.resize(420, 500)
    view.show()
    return view


def draw(view, run):
    from deepdials.core.engine.snapshot import RunInfo

    view.set_run(RunInfo(run.run_id, run.config, run.data, run.sizes))
    view.show_snapshot(snapshot(run, layers=False, neurons=True))


def drawn_edges(view) -> int:
    return sum(len(item.xData) // 2 for item in view.edge_items.values() if item.xData is not None)


def test_edges_and_thumbnails_follow_depth_and_width(diagram):
    draw(diagram, make_run([3, 4]))
    assert drawn_edges(diagram) == 2 * 3 + 3 * 4 + 4 * 1
    assert len(diagram.columns) == 4
    assert diagram.columns[2].image.shape[0] > diagram.columns[1].image.shape[0]
    draw(diagram, make_run([5, 40, 2]))
    shown = diagram.layout_.shown
    assert shown[:2] == [2, 5] and 1 < shown[2] <= MAX_SHOWN_UNITS
    assert drawn_edges(diagram) == 2 * 5 + 5 * shown[2] + shown[2] * 2 + 2 * 1
    assert len(diagram.columns) == 5
    assert diagram.labels[2].textItem.toPlainText() == f"2\n+{40 - shown[2]}"


def test_a_positive_output_is_drawn_in_the_colour_of_class_1_as_on_the_boundary(diagram):
    from deepdials.app.style.palette import CLASS_COLORS
    from deepdials.app.views.network_diagram import diverging_lut

    lut = diverging_lut()
    assert tuple(lut[254, :3]) == tuple(CLASS_COLORS[1].astype(int))  # +1: class 1, orange
    assert tuple(lut[0, :3]) == tuple(CLASS_COLORS[0].astype(int))  # −1: class 0, blue
    run = make_run([4], epochs=30)
    draw(diagram, run)
    logits = diagram.neurons.maps[-1][0]
    strip = diagram.columns[-1].image  # the output's thumbnail, x2 flipped to point up
    top = np.unravel_index(np.argmax(logits), logits.shape)
    assert logits[top] > 0 and strip[logits.shape[0] - 1 - top[0], top[1]] > 127


@pytest.mark.parametrize("depth, width", [(20, 32), (50, 256), (3, 64)])
def test_every_allowed_size_is_drawn_legibly_in_projector_mode(qtbot, depth, width):
    from PySide6.QtGui import QFont

    from deepdials.app.views.network_diagram import THUMB_PX, DiagramView

    view = DiagramView()
    qtbot.addWidget(view)
    font = QFont()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    view.set_scale(1.6, font)
    view.resize(475, 620)
    view.show()
    run = make_run([width] * depth, init="he", activation="relu", epochs=1, lr=0.01)
    draw(view, run)
    lay = view.layout_
    assert lay.layers[0] == 0 and lay.layers[-1] == depth + 1  # inputs and output are drawn
    if lay.gap_after is not None:
        assert lay.skipped == depth + 2 - len(lay.layers)
        assert f"{lay.skipped}\nlayers" in view.labels[-1].textItem.toPlainText()
    px = view.vb.width() / (lay.width + view.left_room + 0.3)  # pixels per thumbnail
    assert px >= THUMB_PX * 1.6 - 1
    names = [label for label in view.labels if "layers" not in label.textItem.toPlainText()]
    boxes = [label.mapRectToScene(label.boundingRect()) for label in names]
    assert all(not a.intersects(b) for a, b in zip(boxes, boxes[1:]))  # no overprint


def test_zero_init_draws_identical_thumbnails(diagram):
    draw(diagram, make_run([6, 6], init="zeros", activation="sigmoid", epochs=100, lr=1.0))
    strip = diagram.columns[1].image
    G = diagram.neurons.maps[1].shape[-1]
    pitch = G + round(G * 0.25)  # a thumbnail and the gap below it
    thumbs = [strip[k * pitch : k * pitch + G] for k in range(6)]
    for t in thumbs[1:]:
        np.testing.assert_array_equal(t, thumbs[0])
    assert len(np.unique(thumbs[0])) > 1  # a pattern, not a blank square


def test_hovering_an_edge_names_its_weight_and_clicking_a_unit_enlarges_it(diagram):
    from PySide6.QtCore import QPointF

    run = make_run([3])
    draw(diagram, run)
    x0, y0, x1, y1 = diagram.layout_.edges[0]  # input x1 → layer 1, unit 1
    text = diagram.describe(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    assert text == f"W[1][1,1] = {run.params.W[0][0, 0]:.4g}: from input x₁ to layer 1, unit 1"
    node = QPointF(diagram.layout_.x[1] + 0.5, diagram.layout_.centre(1, np.array([1]))[0])
    assert diagram.describe(node).startswith("layer 1, unit 2: output from")
    diagram.show_unit(1, 1)
    assert diagram.large_plot.isVisible()
    assert diagram.large_image.image.shape == (24, 24)
