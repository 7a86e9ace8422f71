"""The boundary's points: every point of a run drawn once, in its class's style, augmented
copies beneath the originals; and painted where it lies, in its colour, at any number."""

import numpy as np
import pyqtgraph as pg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QImage, QPainter

from deepdials.app.style.palette import CLASS_COLORS, class_color
from deepdials.app.views.boundary import AUGMENTED_ALPHA, BoundaryView
from deepdials.app.views.point_cloud import PointCloud

FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FAST
@given(
    labels=st.lists(st.integers(0, len(CLASS_COLORS) - 1), min_size=0, max_size=60),
    copies=st.lists(st.booleans(), min_size=60, max_size=60),
    split=st.sampled_from(["train", "val", "test"]),
    shifted=st.booleans(),
)
def test_every_point_is_drawn_once_in_its_class_style_copies_first(
    qtbot, labels, copies, split, shifted
):
    view = BoundaryView()
    qtbot.addWidget(view)
    y = np.array(labels, dtype=np.int64)
    X = np.column_stack([np.arange(len(y)), -np.arange(len(y))]).astype(float)
    augmented = np.array(copies[: len(y)], dtype=bool) & (split == "train")
    xy, style, styles = view._point_style(split, X, y, augmented, shifted)
    assert sorted(map(tuple, xy)) == sorted(map(tuple, X))  # each point once
    drawn_class = style % len(CLASS_COLORS)
    assert np.array_equal(drawn_class, y[xy[:, 0].astype(int)])  # X[:, 0] is its index
    faint = style >= len(CLASS_COLORS)
    assert faint.sum() == augmented.sum()
    if faint.any():
        assert faint[: faint.sum()].all()  # copies beneath: drawn before the originals
    for k, (_symbol, _size, pen, brush) in enumerate(styles):
        colour = class_color(k % len(CLASS_COLORS))[:3]
        if split == "train":
            alpha = AUGMENTED_ALPHA if k >= len(CLASS_COLORS) else 255
            assert brush.color().getRgb() == (*colour, alpha)
        else:
            assert pen.color().getRgb()[:3] == colour


def painted(cloud: PointCloud, size=64) -> QImage:
    """The cloud painted into a size × size image mapping data [0, size) onto pixels."""
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    cloud.paint(painter, None, None)
    painter.end()
    return image


@FAST
@given(
    n=st.integers(1, 40_000),
    k=st.integers(0, len(CLASS_COLORS) - 1),
    seed=st.integers(0, 1000),
)
def test_a_point_cloud_paints_each_point_where_it_lies_in_its_colour(qtbot, n, k, seed):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(4, 60, (n, 2))
    xy[-1] = (32.0, 32.0)  # drawn last: on top of any other
    style = rng.integers(0, len(CLASS_COLORS), n)
    style[-1] = k
    styles = [("o", 9, pg.mkPen(None), pg.mkBrush(*class_color(j))) for j in range(5)]
    cloud = PointCloud()
    cloud.set_points(xy, style, styles)
    assert len(cloud) == n
    assert cloud.dataBounds(0) == (xy[:, 0].min(), xy[:, 0].max())
    image = painted(cloud)
    assert image.pixelColor(32, 32).getRgb()[:3] == class_color(k)[:3]
    empty = PointCloud()
    empty.set_points(np.zeros((0, 2)), np.zeros(0, int), styles)
    assert painted(empty).pixelColor(32, 32).getRgb()[:3] == (255, 255, 255)
