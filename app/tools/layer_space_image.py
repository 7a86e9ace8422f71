"""The Layer space view's picture drawn with Pillow, for the GIF export: the grid lines
in the colour of the class predicted along them, the training points in their class's,
on the range of what is finite (as the view's auto range), with the axes named below."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from deepdials.app.style.palette import class_color
from deepdials.core.probes.layer_space import LayerSpace

MARGIN = 0.05  # of the range, around what is drawn
LINE_ALPHA = 150
NEUTRAL = (90, 90, 90, LINE_ALPHA)  # a regression set's lines and points
POINT_RADIUS = 3


def axes_caption(space: LayerSpace) -> str:
    """'layer 2: unit 4 across, unit 8 up', 'layer 1 (one unit) against x₁', 'logit against
    layer 1, unit 3'."""
    a, b = space.units
    if space.axes == "x1":
        return f"layer {space.layer} (one unit) against x₁"
    if space.axes == "logit":
        below = "input" if space.layer == 1 else f"layer {space.layer - 1}"
        return f"logit against {below}, unit {a + 1}"
    name = "input" if space.layer == 0 else f"layer {space.layer}"
    return f"{name}: unit {a + 1} across, unit {b + 1} up"


def render_layer_space(space: LayerSpace, size: int) -> Image.Image:
    """A `size` × `size` RGB picture of `space`."""
    image = Image.new("RGB", (size, size), (255, 255, 255))
    every = np.concatenate([space.lines.reshape(-1, 2), space.points])
    finite = every[np.isfinite(every).all(axis=1)]
    if not len(finite):
        return image
    low, high = finite.min(axis=0), finite.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    low, span = low - MARGIN * span, span * (1 + 2 * MARGIN)

    def pixels(xy: np.ndarray) -> np.ndarray:
        p = (xy - low) / span
        return np.column_stack([p[..., 0].ravel() * size, (1 - p[..., 1].ravel()) * size])

    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for line, classes in zip(space.lines, space.line_class):
        px = pixels(line)
        for i in range(len(px) - 1):
            if np.isfinite(px[i : i + 2]).all():
                draw.line(
                    [tuple(px[i]), tuple(px[i + 1])], class_color(int(classes[i]), LINE_ALPHA), 2
                )
    image.paste(layer, (0, 0), layer)
    draw = ImageDraw.Draw(image)
    r = POINT_RADIUS
    for (x, y), k in zip(pixels(space.points), space.labels):
        if np.isfinite(x) and np.isfinite(y):
            fill = class_color(int(k)) if space.n_classes else NEUTRAL[:3]
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline="white")
    return image
