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

    Edges with a non-finite end are not crossed (a diverged network draws no contour)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.asarray(f, dtype=np.float64) - level
        valid = np.isfinite(g)
        g = np.where(valid, g, 0.0)
        above = g > 0
        R, C = g.shape
        rows, cols = np.mgrid[0:R, 0:C].astype(np.float64)
        # horizontal edges (i, j)–(i, j+1): (R, C−1); vertical edges (i, j)–(i+1, j): (R−1, C)
        h_cross = (above[:, :-1] != above[:, 1:]) & valid[:, :-1] & valid[:, 1:]
        h_t = g[:, :-1] / (g[:, :-1] - g[:, 1:])
        h_pts = np.stack([cols[:, :-1] + h_t, rows[:, :-1]], axis=-1)
        v_cross = (above[:-1, :] != above[1:, :]) & valid[:-1, :] & valid[1:, :]
        v_t = g[:-1, :] / (g[:-1, :] - g[1:, :])
        v_pts = np.stack([cols[:-1, :], rows[:-1, :] + v_t], axis=-1)
    # each cell's edges in the order bottom, right, top, left: (R−1, C−1, 4)
    crossed = np.stack([h_cross[:-1], v_cross[:, 1:], h_cross[1:], v_cross[:, :-1]], axis=-1)
    points = np.stack([h_pts[:-1], v_pts[:, 1:], h_pts[1:], v_pts[:, :-1]], axis=-2)
    count = crossed.sum(axis=-1)

    two = count == 2
    flags, pts = crossed[two], points[two]
    first = flags.argmax(axis=1)
    last = 3 - flags[:, ::-1].argmax(axis=1)
    k = np.arange(len(pts))
    segments = [np.stack([pts[k, first], pts[k, last]], axis=1)]

    four = count == 4
    if four.any():
        pts = points[four]
        corners = np.stack([g[:-1, :-1], g[:-1, 1:], g[1:, :-1], g[1:, 1:]], axis=-1)[four]
        centre_like_origin = (corners.mean(axis=1) > 0) == (corners[:, 0] > 0)
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
