"""The decision contour as line segments, by vectorized marching squares.

For f : (R, C) sampled at integer points (x = column j, y = row i), every grid cell whose
corners straddle `level` gets one segment (two at a saddle) between the points where
its edges cross the level, found by linear interpolation. The result is drawn as one
curve with connect="pairs", which costs a fraction of a millisecond where a per-cell
Python loop costs several.
"""

from __future__ import annotations

import numpy as np


def contour_segments(f: np.ndarray, level: float = 0.0) -> np.ndarray:
    """Segments of the `level` set of f : (R, C) as (n, 2, 2): n × (start, end) × (x, y).

    Edges with a non-finite end are not crossed (a diverged network draws no contour).
    Only the cells the level crosses (a few percent of a boundary's grid) are
    interpolated."""
    g = np.asarray(f, dtype=np.float64) - level
    valid = np.isfinite(g)
    g = np.where(valid, g, 0.0)
    above = g > 0
    # horizontal edges (i, j)–(i, j+1): (R, C−1); vertical edges (i, j)–(i+1, j): (R−1, C)
    h_cross = (above[:, :-1] != above[:, 1:]) & valid[:, :-1] & valid[:, 1:]
    v_cross = (above[:-1, :] != above[1:, :]) & valid[:-1, :] & valid[1:, :]
    # each cell's edges in the order bottom, right, top, left: (R−1, C−1, 4)
    crossed = np.stack([h_cross[:-1], v_cross[:, 1:], h_cross[1:], v_cross[:, :-1]], axis=-1)
    count = crossed.sum(axis=-1)
    i, j = np.nonzero(count >= 2)  # row by row, as the cells are numbered
    corners = np.stack([g[i, j], g[i, j + 1], g[i + 1, j], g[i + 1, j + 1]], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):  # an uncrossed edge's t is unused
        t = np.stack(
            [
                corners[:, 0] / (corners[:, 0] - corners[:, 1]),  # bottom
                corners[:, 1] / (corners[:, 1] - corners[:, 3]),  # right
                corners[:, 2] / (corners[:, 2] - corners[:, 3]),  # top
                corners[:, 0] / (corners[:, 0] - corners[:, 2]),  # left
            ],
            axis=-1,
        )
    x, y = j.astype(np.float64)[:, None], i.astype(np.float64)[:, None]
    xs = np.concatenate([x + t[:, :1], x + 1, x + t[:, 2:3], x], axis=1)
    ys = np.concatenate([y, y + t[:, 1:2], y + 1, y + t[:, 3:]], axis=1)
    points = np.stack([xs, ys], axis=-1)  # (cells, 4 edges, 2)
    flags, count = crossed[i, j], count[i, j]

    two = count == 2
    k = np.arange(two.sum())
    first = flags[two].argmax(axis=1)
    last = 3 - flags[two][:, ::-1].argmax(axis=1)
    pts = points[two]
    segments = [np.stack([pts[k, first], pts[k, last]], axis=1)]

    four = count == 4
    if four.any():
        pts, c = points[four], corners[four]
        centre_like_origin = (c.mean(axis=1) > 0) == (c[:, 0] > 0)
        # the centre joins corners (i, j) and (i+1, j+1): cut off the other two corners
        # (bottom+right, top+left); otherwise cut off (i, j) and (i+1, j+1)
        a = np.where(centre_like_origin[:, None], [0, 2], [0, 1])
        b = np.where(centre_like_origin[:, None], [1, 3], [3, 2])
        k = np.arange(len(pts))[:, None]
        segments.append(np.stack([pts[k, a], pts[k, b]], axis=2).reshape(-1, 2, 2))
    return np.concatenate(segments)


def boundary_segments(probs: np.ndarray) -> np.ndarray:
    """The decision boundary of a surface : (R, R) p(class 1), or (R, R, K): the 0.5 line
    for two classes; for K, each class region's edge (where p_k equals the best other)."""
    if probs.ndim == 2:
        return contour_segments(probs, 0.5)
    return np.concatenate(
        [
            contour_segments(probs[..., k] - np.delete(probs, k, axis=-1).max(axis=-1))
            for k in range(probs.shape[-1])
        ]
    )
