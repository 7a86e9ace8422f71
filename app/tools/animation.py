"""The decision boundary's evolution over training, kept as it is drawn, saved as a GIF.

`BoundaryRecording` keeps at most `max_frames` frames of the current run, spaced out by
epoch: it records a drawn snapshot once `stride` epochs have passed since the last frame,
and when full drops every other frame and doubles the stride, so a run of any length
spans its whole history in bounded memory (a frame is the snapshot's R×R float32
surface, 40 kB at R = 100; nothing is rendered while training). The newest drawn snapshot
is kept apart, so the animation always ends where the window is.

`write_gif` renders each frame with Pillow — the heatmap in the window's colours
(`app.style.palette.surface_rgb`), the decision contour, the points of the three splits, and a
caption with the epoch and errors — reduces it to GIF_COLORS colours and lets Pillow
encode the GIF (about 50 kB a frame at 480×514).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.style.palette import class_color, surface_rgb
from app.views.contour import boundary_segments
from core.engine.snapshot import RunInfo, Snapshot

MAX_FRAMES = 120
PLOT_SIZE = 480  # pixels of the square plot
CAPTION_HEIGHT = 34
FRAME_MS = 80
HOLD_LAST_MS = 2000
POINT_RADIUS = 4
GIF_COLORS = 64  # per frame: half the file of 256 colours, and no visible banding


@dataclass(frozen=True)
class Frame:
    """probs : the snapshot's (R, R) or (R, R, K) surface (fresh arrays, never written to);
    the colours and the contour are made only when the GIF is written."""

    epoch: int
    probs: np.ndarray
    extent: tuple[float, float, float, float]
    train_error: float
    val_error: float


def make_frame(snapshot: Snapshot) -> Frame:
    return Frame(
        epoch=snapshot.epoch,
        probs=snapshot.surface.probs,
        extent=snapshot.surface.extent,
        train_error=snapshot.metrics["train"]["error"],
        val_error=snapshot.metrics["val"]["error"],
    )


class BoundaryRecording:
    """Frames of one run, at most `max_frames` (+ the newest), evenly spread over epochs."""

    def __init__(self, max_frames: int = MAX_FRAMES):
        self.max_frames = max_frames
        self.info: RunInfo | None = None
        self._frames: list[Frame] = []
        self._stride = 1
        self._latest: Snapshot | None = None

    def start(self, info: RunInfo) -> None:
        """Forget the frames so far: a new run begins."""
        self.info = info
        self._frames = []
        self._stride = 1
        self._latest = None

    def add(self, snapshot: Snapshot) -> None:
        if self.info is None or snapshot.run_id != self.info.run_id or snapshot.surface is None:
            return
        self._latest = snapshot
        last = self._frames[-1].epoch if self._frames else None
        if last is not None and snapshot.epoch < last + self._stride:
            return
        self._frames.append(make_frame(snapshot))
        if len(self._frames) > self.max_frames:
            self._frames = self._frames[::2]
            self._stride *= 2

    def frames(self) -> list[Frame]:
        """The recorded frames, ending with the newest drawn snapshot."""
        frames = list(self._frames)
        latest = self._latest
        if latest is not None and (not frames or frames[-1].epoch != latest.epoch):
            frames.append(make_frame(latest))
        return frames


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _to_pixels(x: np.ndarray, y: np.ndarray, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """Data coordinates to plot pixels; the grid's pixel centres sit on the extent's ends."""
    x0, x1, y0, y1 = frame.extent
    R = frame.probs.shape[0]
    dx, dy = (x1 - x0) / (R - 1), (y1 - y0) / (R - 1)
    px = (x - (x0 - dx / 2)) / (R * dx) * PLOT_SIZE
    py = PLOT_SIZE - (y - (y0 - dy / 2)) / (R * dy) * PLOT_SIZE
    return px, py


def points_layer(info: RunInfo, frame: Frame) -> Image.Image:
    """The run's points on a transparent plot-sized layer (they do not move during a run):
    training points filled, validation points as rings, test points as open squares."""
    layer = Image.new("RGBA", (PLOT_SIZE, PLOT_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    r = POINT_RADIUS
    for split in ("test", "val", "train"):
        data = getattr(info.data, split)
        px, py = _to_pixels(data.X[:, 0], data.X[:, 1], frame)
        for x, y, k in zip(px, py, data.y):
            color = class_color(int(k))
            box = (x - r, y - r, x + r, y + r)
            if split == "train":
                draw.ellipse(box, fill=color, outline=(40, 40, 40, 255))
            elif split == "val":
                draw.ellipse(box, fill=(255, 255, 255, 255), outline=color, width=2)
            else:
                draw.rectangle(box, fill=(255, 255, 255, 255), outline=color, width=2)
    return layer


def render(frame: Frame, points: Image.Image) -> Image.Image:
    """One frame: a caption on top, then the heatmap, its contour and the points."""
    heat = Image.fromarray(np.ascontiguousarray(surface_rgb(frame.probs, discretize=False)[::-1]))
    plot = heat.resize((PLOT_SIZE, PLOT_SIZE), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(plot)
    scale = PLOT_SIZE / frame.probs.shape[0]
    for (xa, ya), (xb, yb) in boundary_segments(frame.probs):
        draw.line(
            [((xa + 0.5) * scale, PLOT_SIZE - (ya + 0.5) * scale),
             ((xb + 0.5) * scale, PLOT_SIZE - (yb + 0.5) * scale)],
            fill=(20, 20, 20),
            width=3,
        )  # fmt: skip
    plot.paste(points, (0, 0), points)

    image = Image.new("RGB", (PLOT_SIZE, PLOT_SIZE + CAPTION_HEIGHT), (255, 255, 255))
    image.paste(plot, (0, CAPTION_HEIGHT))
    caption = f"epoch {frame.epoch}"
    for name, error in (("train", frame.train_error), ("val", frame.val_error)):
        if error == error:  # a split without points has NaN error and no caption
            caption += f"    {name} error {error:.1%}"
    ImageDraw.Draw(image).text((10, 7), caption, fill=(30, 30, 30), font=_font(18))
    return image


def write_gif(frames: list[Frame], info: RunInfo, path: Path) -> None:
    """Encode the frames as a looping GIF; the last frame is held a little longer."""
    if not frames:
        raise ValueError("no frames to write: train for a few epochs first")
    points = points_layer(info, frames[0])
    images = [
        render(frame, points).quantize(
            GIF_COLORS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        for frame in frames
    ]
    durations = [FRAME_MS] * (len(images) - 1) + [HOLD_LAST_MS]
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        optimize=False,
    )
