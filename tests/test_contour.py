import numpy as np
import pytest

from deepdials.app.views.contour import contour_segments


def test_the_contour_of_a_cone_is_a_circle_of_the_right_radius():
    i, j = np.mgrid[0:101, 0:101]
    f = np.hypot(j - 50.0, i - 40.0)
    segments = contour_segments(f, level=25.0)
    radii = np.hypot(segments[..., 0] - 50, segments[..., 1] - 40)
    assert np.allclose(radii, 25.0, atol=0.05)
    angles = np.arctan2(segments[:, 0, 1] - 40, segments[:, 0, 0] - 50)
    assert np.histogram(angles, bins=12)[0].min() > 0  # all the way round
    length = np.linalg.norm(segments[:, 1] - segments[:, 0], axis=1).sum()
    assert length == pytest.approx(2 * np.pi * 25, rel=0.01)


def test_a_saddle_gets_two_segments_that_do_not_cross_the_centre_value():
    f = np.array([[1.0, -1.0], [-1.0, 1.0]])
    segments = contour_segments(f)
    assert segments.shape == (2, 2, 2)
    f = np.array([[1.0, -1.0], [-1.0, 3.0]])  # centre > 0: corners (0,0) and (1,1) joined
    ends = {tuple(sorted(map(tuple, s.round(3)))) for s in contour_segments(f)}
    assert ends == {((0.5, 0.0), (1.0, 0.25)), ((0.0, 0.5), (0.25, 1.0))}


def test_no_crossing_no_segments_and_nan_is_not_a_crossing():
    assert contour_segments(np.ones((5, 5))).shape == (0, 2, 2)
    f = np.ones((4, 4))
    f[1, 1] = np.nan
    assert contour_segments(f).shape == (0, 2, 2)
