"""Colours and line styles that stay apart for colour-blind viewers (Okabe & Ito 2008).

Classes are told apart by hue *and* by the lightness of the background behind them;
curves of the three splits by colour *and* dash pattern, so a grey-scale projector
still separates them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

# Okabe–Ito: blue, orange, bluish green, reddish purple, vermillion
CLASS_COLORS = np.array(
    [(0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (213, 94, 0)], dtype=float
)
SPLIT_COLORS = {"train": (0, 114, 178), "val": (213, 94, 0), "test": (0, 158, 115)}
SPLIT_DASH = {"train": Qt.SolidLine, "val": Qt.DashLine, "test": Qt.DotLine}
SPLIT_LABEL = {"train": "train", "val": "validation", "test": "test"}
# the cost dropout optimizes, beside the training loss: Okabe–Ito reddish purple
DROPOUT_COST_COLOR = (204, 121, 167)
DROPOUT_COST_DASH = Qt.DashDotLine
BAYES_COLOR = (90, 90, 90)
# compared runs: Okabe–Ito black, sky blue, reddish purple, bluish green (apart from the
# classes' blue and orange); a run's curves are in its colour, the splits told by dash
RUN_COLORS = ((0, 0, 0), (86, 180, 233), (204, 121, 167), (0, 158, 115))
# gradient-check verdicts, from deepdials.core.probes.gradcheck.BANDS: Okabe–Ito bluish
# green, yellow, orange, vermillion
GRADCHECK_COLORS = {
    "great": (0, 158, 115),
    "fine, but look closer": (240, 228, 66),
    "worry": (230, 159, 0),
    "bug": (213, 94, 0),
    "not finite": (204, 121, 167),  # reddish purple: no difference at all
}
BACKGROUND = "w"
FOREGROUND = (30, 30, 30)


def run_color(index: int) -> tuple[int, int, int]:
    return RUN_COLORS[index % len(RUN_COLORS)]


def class_color(k: int, alpha: int = 255) -> tuple[int, int, int, int]:
    r, g, b = CLASS_COLORS[k % len(CLASS_COLORS)]
    return int(r), int(g), int(b), alpha


def surface_rgb(probs: np.ndarray, discretize: bool) -> np.ndarray:
    """An (R, R, 3) uint8 image of class probabilities.

    probs : (R, R) p(class 1), or (R, R, K). Each pixel takes the colour of its most
    likely class, faded towards white as the prediction nears a toss-up (confidence
    c = (p_max − 1/K) / (1 − 1/K)); `discretize` draws every pixel at one fixed strength.
    """
    if probs.ndim == 2:  # two classes: the winner and its confidence from p alone
        p = np.nan_to_num(probs, nan=0.5)
        winner = p > 0.5
        confidence = np.abs(2 * p - 1)
        K = 2
    else:
        K = probs.shape[-1]
        winner = probs.argmax(axis=-1)
        confidence = np.nan_to_num((probs.max(axis=-1) - 1 / K) / (1 - 1 / K))
    if discretize:
        strength = np.full(winner.shape, 0.45, dtype=np.float32)
    else:
        strength = (0.12 + 0.6 * np.clip(confidence, 0, 1)).astype(np.float32)
    colors = CLASS_COLORS[:K].astype(np.float32)[winner.astype(np.intp)]
    white = np.float32(255.0)
    rgb = white + (colors - white) * strength[..., None]
    return rgb.astype(np.uint8)


# regression: ŷ and y on one diverging map, as the network diagram draws a unit's output:
# negative blue, 0 white, positive orange (classes 0 and 1's colours)
NEGATIVE_COLOR = tuple(int(c) for c in CLASS_COLORS[0])
POSITIVE_COLOR = tuple(int(c) for c in CLASS_COLORS[1])


def value_rgb(values: np.ndarray, limit: float) -> np.ndarray:
    """An (…, 3) uint8 image of values : (…) on the diverging map centred on 0: white at
    0, POSITIVE_COLOR at +limit and beyond, NEGATIVE_COLOR at −limit and below, linear
    between; NaN is white."""
    t = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32) / np.float32(limit)), -1, 1)
    ends = np.where(t[..., None] < 0, np.float32(NEGATIVE_COLOR), np.float32(POSITIVE_COLOR))
    white = np.float32(255.0)
    return (white + (ends - white) * np.abs(t)[..., None]).astype(np.uint8)
