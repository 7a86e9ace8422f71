"""The decision boundaries' evolution over training, kept as drawn, saved as a GIF.

`BoundaryRecording` keeps at most `max_frames` frames of the runs on screen (one, or the
2 to 4 of a comparison), spaced out by epoch: it records a drawn frame once `stride`
epochs have passed since the last one, and when full drops every other frame and doubles
the stride, so a run of any length spans its whole history in bounded memory (a frame
holds each run's R×R float32 surface, 40 kB at R = 100; nothing is rendered while
training). The newest drawn frame is kept apart, so the animation always ends where
the window is. New runs (a reset, another config) start a new recording.

`write_gif` renders each frame with Pillow — per run its picture as the window draws it
(`app.tools.gif_pictures`: the heatmap and decision contour of classes, the fit of one
input, the surface of two) with the points of the three splits, a caption with its label
and errors; the epoch on top; beside one run's picture, its Layer space when that view
was shown (`app.tools.layer_space_image`) — reduces it to
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

from PIL import Image, ImageDraw, ImageFont

from deepdials.app.style.figures import ErrorLook, error_look
from deepdials.app.style.palette import run_color
from deepdials.app.tools.gif_pictures import Panel, painter_for
from deepdials.app.tools.layer_space_image import axes_caption, render_layer_space
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
GIF_COLORS = 64  # per frame: half the file of 256 colours, and no visible banding


@dataclass(frozen=True)
class Frame:
    epoch: int
    panels: tuple[Panel, ...]
    space: LayerSpace | None = None  # one run's, recorded with the Layer space view shown


def make_frame(snapshots: list[Snapshot]) -> Frame:
    return Frame(
        epoch=max(s.epoch for s in snapshots),
        panels=tuple(
            Panel(
                s.surface.probs,
                s.surface.extent,
                s.metrics["train"]["error"],
                s.metrics["val"]["error"],
            )
            for s in snapshots
        ),
        space=snapshots[0].layer_space if len(snapshots) == 1 else None,
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


def caption_of(panel: Panel, look: ErrorLook) -> str:
    parts = []
    for name, error in (("train", panel.train_error), ("val", panel.val_error)):
        if error == error:  # a split without points has NaN error and no caption
            parts.append(f"{name} {look.name} {look.text(error)}")
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
        self.painters = [
            painter_for(info)(info, panel, side, cancelled)
            for info, panel in zip(infos, first.panels)
        ]
        self.looks = [error_look(info) for info in infos]
        self.cols = 1 if n == 1 else 2
        self.rows = (n + self.cols - 1) // self.cols
        self.cell = (side, side + (CAPTION_HEIGHT if n > 1 else 0))
        # one run recorded with the Layer space view shown: its picture on the right
        self.space_side = side if n == 1 and first.space is not None else 0
        self.width = self.cols * self.cell[0] + self.space_side
        self.height = CAPTION_HEIGHT + self.rows * self.cell[1]

    def __call__(self, frame: Frame) -> Image.Image:
        image = Image.new("RGB", (self.width, self.height), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        top = f"epoch {frame.epoch}"
        if len(frame.panels) == 1:
            top += "    " + caption_of(frame.panels[0], self.looks[0])
        font = fitting_font(draw, top, 18, self.width - 20)
        draw.text((10, 7), top, fill=(30, 30, 30), font=font)
        for index, (panel, paint) in enumerate(zip(frame.panels, self.painters)):
            if self.cancelled():
                raise CancelledError("the export was cancelled")
            row, col = divmod(index, self.cols)
            x = col * self.cell[0]
            y = CAPTION_HEIGHT + row * self.cell[1]
            if len(frame.panels) > 1:
                text = f"{self.labels[index]}: {caption_of(panel, self.looks[index])}"
                font = fitting_font(draw, text, 15, self.cell[0] - 16)
                draw.text((x + 8, y + 8), text, fill=run_color(index), font=font)
                y += CAPTION_HEIGHT
            size = paint.size
            offset = ((self.cell[0] - size[0]) // 2, (self.cell[0] - size[1]) // 2)
            image.paste(paint(panel), (x + offset[0], y + offset[1]))
        if self.space_side and frame.space is not None:
            self._paste_space(image, draw, frame.space)
        return image

    def _paste_space(self, image: Image.Image, draw: ImageDraw.ImageDraw, space) -> None:
        """The layer space right of the plot, its axes named under the top caption."""
        side = self.space_side
        caption = axes_caption(space)
        text = fitting_font(draw, caption, 15, side - 16)
        left = self.width - side
        picture = render_layer_space(space, side - CAPTION_HEIGHT)
        image.paste(picture, (left + CAPTION_HEIGHT // 2, CAPTION_HEIGHT * 2))
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
