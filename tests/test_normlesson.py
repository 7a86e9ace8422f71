"""The normalization lesson: badly scaled inputs give a narrow valley that gradient descent
zig-zags across; z-scored inputs give round contours and a straight path."""

from dataclasses import replace

import numpy as np
import pytest

from deepdials.app.pages.normalization_page import NormalizationPage
from deepdials.core.config.schema import Config, DataConfig
from deepdials.core.data.dataprep import build_data
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.lessons.cost_landscape import contour_levels, cost, gradient, landscape

DATA = build_data(DataConfig(kind="circles", scale_x1=10))


def zigzags(path):
    """Sign changes of the w₁ step: the path crossing the valley back and forth."""
    steps = np.diff(path[:, 0])
    return int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))


def test_raw_inputs_give_a_narrow_valley_and_a_zig_zag():
    raw = landscape(DATA.train.X, DATA.train.y, normalize=False)
    assert raw.condition > 50  # x₁ ×10: curvature about 100 times larger across
    assert zigzags(raw.path) >= 10


def test_normalized_inputs_give_round_contours_and_a_straight_path():
    raw = landscape(DATA.train.X, DATA.train.y, normalize=False)
    norm = landscape(DATA.train.X, DATA.train.y, normalize=True)
    assert norm.condition < 2
    length = np.sum(np.linalg.norm(np.diff(norm.path, axis=0), axis=1))
    assert length < 1.05 * np.linalg.norm(norm.path[-1] - norm.path[0])
    assert norm.path_cost[-1] < raw.path_cost[-1]  # and gets lower in the same steps


def test_the_gradient_is_the_slope_of_the_cost():
    X = np.random.default_rng(0).normal(size=(50, 2)) * [3.0, 0.5]
    t = (X[:, 0] + X[:, 1] > 0).astype(float)
    w, eps = np.array([0.3, -0.7]), 1e-6
    numeric = [
        (cost((w + e)[None], X, t)[0] - cost((w - e)[None], X, t)[0]) / (2 * eps)
        for e in np.eye(2) * eps
    ]
    assert np.allclose(gradient(w, X, t), numeric, rtol=1e-6)


def test_the_grid_holds_the_path_and_the_levels_span_the_cost():
    lesson = landscape(DATA.train.X, DATA.train.y, normalize=False)
    assert lesson.w1[0] < lesson.path[:, 0].min() and lesson.path[:, 0].max() < lesson.w1[-1]
    assert lesson.w2[0] < lesson.path[:, 1].min() and lesson.path[:, 1].max() < lesson.w2[-1]
    assert np.isclose(lesson.w1[1] - lesson.w1[0], lesson.w2[1] - lesson.w2[0])  # square
    levels = contour_levels(lesson.cost)
    assert lesson.cost.min() < levels[0] and levels[-1] < lesson.cost.max()


@pytest.fixture
def view(qtbot, session):
    v = NormalizationPage(session)
    qtbot.addWidget(v)
    config = Config(data=DataConfig(kind="circles", scale_x1=10, normalize=False))
    v.set_run(RunInfo(1, config, DATA, (2, 1)))
    return v


def test_the_toggle_switches_between_the_valley_and_the_round_bowl(view):
    view.show()  # drawn when first shown
    raw_path = view.path.getData()[0].copy()
    assert not view.normalize.isChecked()  # starts as the run's setting
    assert "raw inputs" in view.caption.text() and len(view.contours.getData()[0]) > 0
    view.normalize.setChecked(True)
    assert "normalized inputs" in view.caption.text()
    assert not np.array_equal(view.path.getData()[0], raw_path)
    assert zigzags(np.column_stack(view.path.getData())) < 3


def test_the_caption_measures_both_inputs(view):
    view.show()
    raw = view.caption.text()
    assert "raw inputs" in raw and "With normalized inputs: κ = " in raw
    view.normalize.setChecked(True)
    assert "With raw inputs: κ = " in view.caption.text()


def test_points_all_at_one_place_draw_finite_items(qtbot, session):
    page = NormalizationPage(session)
    qtbot.addWidget(page)
    train = replace(DATA.train, X=np.zeros_like(DATA.train.X))
    config = Config(data=DataConfig(kind="circles", normalize=False))
    page.set_run(RunInfo(1, config, replace(DATA, train=train), (2, 1)))
    page.show()
    for normalize in (False, True):
        page.normalize.setChecked(normalize)
        for item in (page.contours, page.path, page.start, page.end):
            x, y = item.getData()
            assert np.isfinite(x).all() and np.isfinite(y).all()
        assert "nan" not in page.caption.text()


def test_normalization_page_stays_finite_on_inputs_that_are_all_zero():
    flat = landscape(np.zeros((10, 2)), np.arange(10) % 2, normalize=False)
    assert np.isfinite(flat.path).all() and np.isfinite(flat.cost).all()
    assert np.isfinite([flat.lr, flat.condition]).all()
    assert np.all(flat.path == flat.path[0])
