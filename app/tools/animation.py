"""The decision boundaries' evolution over training, kept as drawn, saved as a GIF.

`BoundaryRecording` keeps at most `max_frames` frames of the runs on screen (one, or the
2 to 4 of a comparison), spaced out by epoch: it records a drawn frame once `stride`
epochs have passed since the last one, and when full drops every other frame and doubles
the stride, so a run of any length spans its whole history in bounded memory (a frame
holds each run's R×R float32 surface, 40 kB at R = 100; nothing is rendered while
training). The newest drawn frame is kept apart, so the animation always ends where
the window is. New runs (a reset, another config) start a new recording.

`write_gif` renders each frame with Pillow — per run the heatmap in the window's colours
(`app.style.palette.surface_rgb`) at equal scale, the decision contour, the points of the
three splits, a caption with its label and errors; the epoch on top; beside one run's
plot, its Layer space picture when that view was shown (`app.tools.layer_space_image`) —
reduces it to
GIF_COLORS colours and lets Pillow encode the GIF (about 50 kB a frame at 480 × 514) into
a file beside the target, renamed over it once complete (`core.safe_files.replacing`). It
reports its progress and asks between frames whether to stop, so that the window can run
it off the GUI thread and cancel it when closing: a cancelled or failed export leaves the
earlier file as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from deepdials.app.style.palette import class_color, run_color, surface_rgb
from deepdials.app.tools.layer_space_image import axes_caption, render_layer_space
from deepdials.app.views.contour import boundary_segments
from deepdials.core.engine.snapshot import RunInfo, Snapshot
from deepdials.core.errors import CancelledError
from deepdials.core.probes.layer_space import LayerSpace
from deepdials.core.safe_files import replacing

MAX_FRAMES = 120
PLOT_SIZE = 480  # pixels of one run's square plot; compared runs get COMPARED_SIZE each
COMPARED_SIZE = 360
CAPTION_HEIGHT = 34
FRAME_MS = 80
HOLD_LAST_MS = 2000
POINT_RADIUS = 4
GIF_COLORS = 64  # per frame: half the file of 256 colours, and no visible banding
CANCEL_EVERY = 2000  # points drawn between two questions whether the export is cancelled


@dataclass(frozen=True)
class Panel:
    """One run's picture: probs, the snapshot's (R, R) or (R, R, K) surface (a fresh array,
    never written to); the colours and the contour are made only when the GIF is written."""

    probs: np.ndarray
    extent: tuple[float, float, float, float]
    train_error: float
    val_error: float
    space: LayerSpace | None = None  # the Layer space view's, when it was shown


@dataclass(frozen=True)
class Frame:
    epoch: int
    panels: tuple[Panel, ...]


def make_frame(snapshots: list[Snapshot]) -> Frame:
    return Frame(
        epoch=max(s.epoch for s in snapshots),
        panels=tuple(
            Panel(
                s.surface.probs,
                s.surface.extent,
                s.metrics["train"]["error"],
                s.metrics["val"]["error"],
                s.layer_space,
            )
            for s in snapshots
        ),
    )


class BoundaryRecording:
    """Frames of the runs on screen, at most `max_frames` (+ the newest), evenly spread."""

    def __init__(self, max_frames: int = MAX_FRAMES):
        self.max_frames = max_frames
        self.infos: list[RunInfo] = []
        self.labels: list[str] = []
        self._frames: list[Frame] = []
        self._stride = 1
        # each run's newest snapshot with a surface: surfaces come on a schedule of their
        # own, so a drawn frame's snapshots rarely all have one at once
        self._latest: list[Snapshot | None] = []

    def start(self, infos: list[RunInfo], labels: list[str]) -> None:
        """Forget the frames so far: new runs begin."""
        self.infos, self.labels = list(infos), list(labels)
        self._frames = []
        self._stride = 1
        self._latest = [None] * len(infos)

    def add(self, infos: list[RunInfo], labels: list[str], snapshots: list[Snapshot]) -> None:
        """A drawn frame of these runs (other runs than recorded so far: a new recording)."""
        if [i.run_id for i in infos] != [i.run_id for i in self.infos]:
            self.start(infos, labels)
        self.labels = list(labels)
        if not infos or len(snapshots) != len(infos):
            return
        for lane, (s, info) in enumerate(zip(snapshots, infos, strict=True)):
            if s is not None and s.surface is not None and s.run_id == info.run_id:
                self._latest[lane] = s
        if any(s is None for s in self._latest):
            return
        snapshots = list(self._latest)
        epoch = max(s.epoch for s in snapshots)
        last = self._frames[-1].epoch if self._frames else None
        if last is not None and epoch < last + self._stride:
            return
        self._frames.append(make_frame(snapshots))
        if len(self._frames) > self.max_frames:
            self._frames = self._frames[::2]
            self._stride *= 2

    def frames(self) -> list[Frame]:
        """The recorded frames, ending with the newest drawn one."""
        frames = list(self._frames)
        latest = self._latest
        if latest and all(s is not None for s in latest):
            newest = make_frame(latest)
            if not frames or frames[-1].epoch != newest.epoch:
                frames.append(newest)
        return frames


# fonts with the symbols labels use (×, λ, α, √): Linux's, Windows', macOS's; Pillow's
# own default has none of them
CAPTION_FONTS = ("DejaVuSans.ttf", "arial.ttf", "Arial Unicode.ttf", "Arial.ttf")


@functools.cache
def _font(size: int) -> ImageFont.ImageFont:
    for name in CAPTION_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def fitting_font(draw: ImageDraw.ImageDraw, text: str, size: int, width: float):
    """The caption font at `size`, or smaller (down to 9 px) until `text` fits `width`."""
    while size > 9 and draw.textlength(text, font=_font(size)) > width:
        size -= 1
    return _font(size)


def panel_size(extent: tuple[float, float, float, float], side: int) -> tuple[int, int]:
    """(width, height) in pixels of a plot at equal scale that fits a `side` square."""
    x0, x1, y0, y1 = extent
    ratio = (y1 - y0) / (x1 - x0)
    return (
        (side, max(1, round(side * ratio))) if ratio <= 1 else (max(1, round(side / ratio)), side)
    )


def _to_pixels(x: np.ndarray, y: np.ndarray, panel: Panel, size: tuple[int, int]):
    """Data coordinates to plot pixels; the grid's pixel centres sit on the extent's ends."""
    x0, x1, y0, y1 = panel.extent
    R = panel.probs.shape[0]
    dx, dy = (x1 - x0) / (R - 1), (y1 - y0) / (R - 1)
    px = (x - (x0 - dx / 2)) / (R * dx) * size[0]
    py = size[1] - (y - (y0 - dy / 2)) / (R * dy) * size[1]
    return px, py


def points_layer(
    info: RunInfo,
    panel: Panel,
    size: tuple[int, int],
    cancelled: Callable[[], bool] = lambda: False,
) -> Image.Image:
    """The run's points on a transparent plot-sized layer (they do not move during a run):
    training points filled, validation points as rings, test points as open squares.
    About 15 µs a point: `cancelled()` is asked every CANCEL_EVERY points."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    r = POINT_RADIUS
    for split in ("test", "val", "train"):
        data = getattr(info.data, split)
        px, py = _to_pixels(data.X[:, 0], data.X[:, 1], panel, size)
        for i, (x, y, k) in enumerate(zip(px, py, data.y)):
            if i % CANCEL_EVERY == 0 and cancelled():
                raise CancelledError("the export was cancelled")
            color = class_color(int(k))
            box = (x - r, y - r, x + r, y + r)
            if split == "train":
                draw.ellipse(box, fill=color, outline=(40, 40, 40, 255))
            elif split == "val":
                draw.ellipse(box, fill=(255, 255, 255, 255), outline=color, width=2)
            else:
                draw.rectangle(box, fill=(255, 255, 255, 255), outline=color, width=2)
    return layer


def render_panel(panel: Panel, points: Image.Image, size: tuple[int, int]) -> Image.Image:
    """One run's plot: the heatmap, its contour and the points."""
    heat = Image.fromarray(np.ascontiguousarray(surface_rgb(panel.probs, discretize=False)[::-1]))
    plot = heat.resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(plot)
    R = panel.probs.shape[0]
    sx, sy = size[0] / R, size[1] / R
    for (xa, ya), (xb, yb) in boundary_segments(panel.probs):
        draw.line(
            [((xa + 0.5) * sx, size[1] - (ya + 0.5) * sy),
             ((xb + 0.5) * sx, size[1] - (yb + 0.5) * sy)],
            fill=(20, 20, 20),
            width=3,
        )  # fmt: skip
    plot.paste(points, (0, 0), points)
    return plot


def caption_of(panel: Panel) -> str:
    parts = []
    for name, error in (("train", panel.train_error), ("val", panel.val_error)):
        if error == error:  # a split without points has NaN error and no caption
            parts.append(f"{name} error {error:.1%}")
    return "    ".join(parts)


class Renderer:
    """Frames of the recorded runs as images: one plot, or a 2-wide grid of captioned ones.
    Each run's points are drawn once, here; `cancelled()` is asked as they are drawn and
    before each run's plot in a frame."""

    def __init__(
        self,
        infos: list[RunInfo],
        labels: list[str],
        first: Frame,
        cancelled: Callable[[], bool] = lambda: False,
    ):
        self.infos, self.labels, self.cancelled = infos, labels, cancelled
        n = len(infos)
        side = PLOT_SIZE if n == 1 else COMPARED_SIZE
        self.sizes = [panel_size(p.extent, side) for p in first.panels]
        self.points = [
            points_layer(info, panel, size, cancelled)
            for info, panel, size in zip(infos, first.panels, self.sizes)
        ]
        self.cols = 1 if n == 1 else 2
        self.rows = (n + self.cols - 1) // self.cols
        self.cell = (side, side + (CAPTION_HEIGHT if n > 1 else 0))
        # one run recorded with the Layer space view shown: its picture on the right
        self.space_side = side if n == 1 and first.panels[0].space is not None else 0
        self.width = self.cols * self.cell[0] + self.space_side
        self.height = CAPTION_HEIGHT + self.rows * self.cell[1]

    def __call__(self, frame: Frame) -> Image.Image:
        image = Image.new("RGB", (self.width, self.height), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        top = f"epoch {frame.epoch}"
        if len(frame.panels) == 1:
            top += "    " + caption_of(frame.panels[0])
        font = fitting_font(draw, top, 18, self.width - 20)
        draw.text((10, 7), top, fill=(30, 30, 30), font=font)
        for index, (panel, points, size) in enumerate(zip(frame.panels, self.points, self.sizes)):
            if self.cancelled():
                raise CancelledError("the export was cancelled")
            row, col = divmod(index, self.cols)
            x = col * self.cell[0]
            y = CAPTION_HEIGHT + row * self.cell[1]
            if len(frame.panels) > 1:
                text = f"{self.labels[index]}: {caption_of(panel)}"
                font = fitting_font(draw, text, 15, self.cell[0] - 16)
                draw.text((x + 8, y + 8), text, fill=run_color(index), font=font)
                y += CAPTION_HEIGHT
            offset = ((self.cell[0] - size[0]) // 2, (self.cell[0] - size[1]) // 2)
            image.paste(render_panel(panel, points, size), (x + offset[0], y + offset[1]))
        if self.space_side and frame.panels[0].space is not None:
            self._paste_space(image, draw, frame.panels[0].space)
        return image

    def _paste_space(self, image: Image.Image, draw: ImageDraw.ImageDraw, space) -> None:
        """The layer space right of the plot, its axes named under the top caption."""
        side = self.space_side
        caption = axes_caption(space)
        text = fitting_font(draw, caption, 15, side - 16)
        left = self.width - side
        image.paste(
            render_layer_space(space, side - CAPTION_HEIGHT),
            (left + CAPTION_HEIGHT // 2, CAPTION_HEIGHT * 2),
        )
        draw.text((left + 8, CAPTION_HEIGHT + 6), caption, fill=(30, 30, 30), font=text)


def write_gif(
    frames: list[Frame],
    infos: list[RunInfo],
    labels: list[str],
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> None:
    """Encode the frames as a looping GIF; the last frame is held a little longer.
    `progress(done, total)` is told after each frame is rendered; `cancelled()` is asked
    before each, and when it says yes, CancelledError, with nothing written."""
    if not frames:
        raise ValueError("no frames to write: train for a few epochs first")
    render = Renderer(infos, labels, frames[0], cancelled)

    def images():
        for done, frame in enumerate(frames, start=1):
            if cancelled():
                raise CancelledError("the export was cancelled")
            yield render(frame).quantize(
                GIF_COLORS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
            if progress is not None:
                progress(done, len(frames))

    sequence = images()
    first = next(sequence)
    durations = [FRAME_MS] * (len(frames) - 1) + [HOLD_LAST_MS]
    with replacing(path) as fh:
        first.save(
            fh,
            format="GIF",
            save_all=True,
            append_images=sequence,
            duration=durations,
            loop=0,
            optimize=False,
        )
        if cancelled():
            raise CancelledError("the export was cancelled")
