"""One run's picture in an exported GIF, drawn with Pillow as the window draws it: by its
task and inputs, one painter each (as `app.views.pictures` for the window).

A painter is made once per run and export: it draws what does not move during a run
(the points; for a fit, also the true f and its band) into layers, asking `cancelled()`
every CANCEL_EVERY points (about 15 µs a point); called with a frame's panel, it returns
the plot of that frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from deepdials.app.style.palette import SPLIT_COLORS, class_color, surface_rgb, value_rgb
from deepdials.app.views.contour import boundary_segments
from deepdials.app.views.fit import BAND_BRUSH, FIT_COLOR, TRUTH_COLOR, TRUTH_POINTS, law_known
from deepdials.app.views.surface import value_limit
from deepdials.core.data.laws import true_function
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.errors import CancelledError

POINT_RADIUS = 4
CANCEL_EVERY = 2000  # points drawn between two questions whether the export is cancelled
SPLITS_BENEATH_FIRST = ("test", "val", "train")


@dataclass(frozen=True)
class Panel:
    """One run's picture: probs, the snapshot's surface (a fresh array, never written to:
    (R, R) or (R, R, K) of two inputs, (R,) of one); the colours and lines are made only
    when the GIF is written."""

    probs: np.ndarray
    extent: tuple[float, float, float, float]
    train_error: float
    val_error: float


def panel_size(extent: tuple[float, float, float, float], side: int) -> tuple[int, int]:
    """(width, height) in pixels of a plot at equal scale that fits a `side` square."""
    x0, x1, y0, y1 = extent
    ratio = (y1 - y0) / (x1 - x0)
    return (
        (side, max(1, round(side * ratio))) if ratio <= 1 else (max(1, round(side / ratio)), side)
    )


class Painter:
    """Data coordinates (the panel's extent) to the pixels of a plot of `size`."""

    size: tuple[int, int]
    extent: tuple[float, float, float, float]

    def to_pixels(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self.extent
        w, h = self.size
        return (x - x0) / (x1 - x0) * w, h - (y - y0) / (y1 - y0) * h

    def dots(
        self,
        draw: ImageDraw.ImageDraw,
        splits: list[tuple[str, np.ndarray, np.ndarray, list[tuple]]],
        cancelled: Callable[[], bool],
    ) -> None:
        """Points of each split, (split, x, y, (fill, outline) per point): train filled
        circles, val circles (rings when filled white), test squares."""
        r = POINT_RADIUS
        for split, x, y, colors in splits:
            px, py = self.to_pixels(x, y)
            for i, (u, v, (fill, outline)) in enumerate(zip(px, py, colors)):
                if i % CANCEL_EVERY == 0 and cancelled():
                    raise CancelledError("the export was cancelled")
                box = (u - r, v - r, u + r, v + r)
                width = 1 if split == "train" else 2
                if split == "test":
                    draw.rectangle(box, fill=fill, outline=outline, width=width)
                else:
                    draw.ellipse(box, fill=fill, outline=outline, width=width)


class BoundaryPainter(Painter):
    """Classes: the heatmap of the class probabilities, the decision contour, the points
    in their class's colour. The grid's pixel centres sit on the extent's ends."""

    def __init__(self, info: RunInfo, panel: Panel, side: int, cancelled: Callable[[], bool]):
        self.size = panel_size(panel.extent, side)
        x0, x1, y0, y1 = panel.extent
        R = panel.probs.shape[0]
        dx, dy = (x1 - x0) / (R - 1), (y1 - y0) / (R - 1)
        self.extent = (x0 - dx / 2, x1 + dx / 2, y0 - dy / 2, y1 + dy / 2)
        self.points = Image.new("RGBA", self.size, (0, 0, 0, 0))
        splits = []
        for split in SPLITS_BENEATH_FIRST:
            s = getattr(info.data, split)
            splits.append((split, s.X[:, 0], s.X[:, 1], self._point_colors(split, s.y)))
        self.dots(ImageDraw.Draw(self.points), splits, cancelled)

    def _point_colors(self, split: str, y: np.ndarray) -> list[tuple]:
        """(fill, outline) of each point: training points filled with their class's
        colour, the others white inside their class's colour."""
        if split == "train":
            return [(class_color(int(k)), (40, 40, 40, 255)) for k in y]
        return [((255, 255, 255, 255), class_color(int(k))) for k in y]

    def __call__(self, panel: Panel) -> Image.Image:
        rgb = surface_rgb(panel.probs, discretize=False)[::-1]
        plot = Image.fromarray(np.ascontiguousarray(rgb)).resize(self.size, Image.BILINEAR)
        draw = ImageDraw.Draw(plot)
        R = panel.probs.shape[0]
        sx, sy = self.size[0] / R, self.size[1] / R
        h = self.size[1]
        for (xa, ya), (xb, yb) in boundary_segments(panel.probs):
            draw.line(
                [((xa + 0.5) * sx, h - (ya + 0.5) * sy), ((xb + 0.5) * sx, h - (yb + 0.5) * sy)],
                fill=(20, 20, 20),
                width=3,
            )
        plot.paste(self.points, (0, 0), self.points)
        return plot


class SurfacePainter(BoundaryPainter):
    """Regression of two inputs: ŷ on the diverging map over ±L (`app.views.surface`),
    every point filled with its own y's colour and ringed dark."""

    def __init__(self, info: RunInfo, panel: Panel, side: int, cancelled: Callable[[], bool]):
        self.limit = value_limit(info)
        super().__init__(info, panel, side, cancelled)

    def _point_colors(self, split: str, y: np.ndarray) -> list[tuple]:
        return [(tuple(map(int, c)), (30, 30, 30, 255)) for c in value_rgb(y, self.limit)]

    def __call__(self, panel: Panel) -> Image.Image:
        rgb = value_rgb(panel.probs, self.limit)[::-1]
        plot = Image.fromarray(np.ascontiguousarray(rgb)).resize(self.size, Image.BILINEAR)
        plot.paste(self.points, (0, 0), self.points)
        return plot


class FitPainter(Painter):
    """Regression of one input: the band f ± σ and f dashed beneath, the fit ŷ(x₁) as a
    thick line, the points of each split in its colour on top; equal scale where the
    fit view has it."""

    def __init__(self, info: RunInfo, panel: Panel, side: int, cancelled: Callable[[], bool]):
        self.extent = panel.extent
        self.size = panel_size(panel.extent, side) if law_known(info) else (side, side)
        self.beneath = Image.new("RGB", self.size, (255, 255, 255))  # the band blends on it
        if law_known(info):
            self._truth(ImageDraw.Draw(self.beneath, "RGBA"), info)
        self.points = Image.new("RGBA", self.size, (0, 0, 0, 0))
        splits = []
        for split in SPLITS_BENEATH_FIRST:
            s = getattr(info.data, split)
            color = (*SPLIT_COLORS[split], 255)
            pair = (color, (40, 40, 40, 255)) if split == "train" else ((255, 255, 255, 0), color)
            splits.append((split, s.X[:, 0], s.y, [pair] * len(s.y)))
        self.dots(ImageDraw.Draw(self.points), splits, cancelled)

    def _truth(self, draw: ImageDraw.ImageDraw, info: RunInfo) -> None:
        x = np.linspace(self.extent[0], self.extent[1], TRUTH_POINTS)
        f = true_function(info.config.data)(x[:, None])
        sigma = info.noise_sigma
        upper = list(zip(*self.to_pixels(x, f + sigma)))
        lower = list(zip(*self.to_pixels(x[::-1], (f - sigma)[::-1])))
        draw.polygon(upper + lower, fill=BAND_BRUSH)
        px, py = self.to_pixels(x, f)
        for i in range(0, TRUTH_POINTS - 1, 8):  # dashes: four segments drawn, four left out
            draw.line(list(zip(px[i : i + 5], py[i : i + 5])), fill=TRUTH_COLOR, width=2)

    def __call__(self, panel: Panel) -> Image.Image:
        plot = self.beneath.copy()
        x = np.linspace(panel.extent[0], panel.extent[1], len(panel.probs))
        px, py = self.to_pixels(x, np.nan_to_num(panel.probs))
        ImageDraw.Draw(plot).line(list(zip(px, py)), fill=FIT_COLOR, width=3)
        plot.paste(self.points, (0, 0), self.points)
        return plot


PAINTERS: dict[tuple[str, int], type[Painter]] = {
    ("classes", 2): BoundaryPainter,
    ("regression", 1): FitPainter,
    ("regression", 2): SurfacePainter,
}


def painter_for(info: RunInfo) -> type[Painter]:
    return PAINTERS[(info.task, info.n_inputs)]
