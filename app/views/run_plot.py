"""What every picture of one run shares (the boundary, the fit, the surface): a plot in a
cell of the boundary grid, its caption, the diverged banner, and the frame hand-over.

A picture draws the run of its lane (`key`, or the selected run when None): a new run's
points once (`set_run`), then each snapshot (`show_snapshot`). The grid hands it the
shared toggles (splits shown, discretize, the true function) and the scale; a picture
that has no use for one ignores it. `legend` is rich text saying what its symbols mean,
shown by the grid under the cells.

A cell smaller than BARE_BELOW (compared runs, a lesson's step bar, projector mode) drops
its axes (titles, ticks and their room) and keeps its caption: the picture takes the
whole cell, at the same scale as its neighbours'.
"""

from __future__ import annotations

import html
from dataclasses import replace

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from deepdials.app.frames import Frame, ShownRun
from deepdials.app.style.plot_style import apply_font, scaled
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status
from deepdials.core.probes.surface import Surface

SPLIT_STYLE = {  # symbol, filled
    "train": ("o", True),
    "val": ("o", False),
    "test": ("s", False),
}
SHIFTED_SYMBOL = {"val": "d", "test": "x"}  # open diamonds, crosses: told apart at a glance
LEGEND_SYMBOL = {"o": "●", "ring": "○", "s": "□", "d": "◇", "x": "✕"}
AUGMENTED_ALPHA = 70
POINT_SIZE = 7
BARE_BELOW = 250  # px: a cell this small shows its picture without axes


def split_legend(shifted: bool) -> list[str]:
    """The three splits' symbols as drawn: "● train", "○ validation", "□ test" (val and
    test drawn from the shifted distribution: diamonds and crosses)."""
    parts = []
    for split, label in (("train", "train"), ("val", "validation"), ("test", "test")):
        symbol, filled = SPLIT_STYLE[split]
        key = "ring" if symbol == "o" and not filled else symbol
        if shifted and split in SHIFTED_SYMBOL:
            key, label = SHIFTED_SYMBOL[split], f"{label} (shifted)"
        parts.append(f"{LEGEND_SYMBOL[key]} {label}")
    return parts


class RunPlot(QWidget):
    def __init__(self, key: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key  # whose run of a frame it draws: a lane's key, or None for the selected
        self.scale = 1.0
        self._font = QFont()
        self._caption: tuple[str, tuple[int, int, int] | None] = ("", None)
        self._title: tuple | None = None  # the title as drawn: (text, size, colour)
        self._colorbar_wanted = True
        self.point_factor = 1.0  # smaller points when the plot shares the space
        self._info: RunInfo | None = None
        self._snapshot: Snapshot | None = None
        self._surface: Surface | None = None  # the surface drawn
        self.legend = ""  # what the symbols mean, as rich text (shown by the grid)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumSize(120, 120)  # shrinks with the window, never clips
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.graphics, 1)

        self.plot = self.graphics.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)

        self.banner = QLabel(self)
        self.banner.setObjectName("divergedBanner")
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignCenter)
        self.banner.setStyleSheet(
            "#divergedBanner { background: rgba(170, 20, 20, 225); color: white;"
            " border-radius: 6px; padding: 10px; font-weight: bold; }"
        )
        self.banner.hide()

    def set_caption(self, text: str, color: tuple[int, int, int] | None = None) -> None:
        """A title over the plot (a compared run's label), in its run's colour; "" for none.
        A label longer than the plot is wide is cut with "…" (the tooltip has it whole)."""
        self._caption = (text, color)
        self.setToolTip(text)
        title = None
        if text:
            font = QFont(self._font)
            font.setBold(True)
            room = max(self.width() - self.plot.getAxis("left").width() - 24, 40)  # over the box
            shown = QFontMetrics(font).elidedText(text, Qt.ElideRight, room)
            r, g, b = color or (30, 30, 30)
            # a label from a file is text, never markup
            title = (
                html.escape(shown),
                f"{self._font.pointSizeF():.1f}pt",
                f"#{r:02x}{g:02x}{b:02x}",
            )
        if title == self._title:
            return  # the same title: no new layout of the plot, no repaint
        self._title = title
        if title is None:
            self.plot.setTitle(None)
        else:
            self.plot.setTitle(title[0], size=title[1], color=title[2], bold=True)

    def set_point_factor(self, factor: float) -> None:
        """Points drawn `factor` times their size (compared runs share the space)."""
        if factor != self.point_factor:
            self.point_factor = factor
            self.redraw()

    def redraw(self) -> None:
        """The run's points and its last snapshot drawn again (a new size or scale)."""
        snapshot = self._snapshot
        if self._info is not None:
            self.set_run(self._info)
        if snapshot is not None:
            self.show_snapshot(snapshot)

    def show_colorbar(self, on: bool) -> None:
        """The colour bar, if the picture has one (one per window is enough when runs are
        compared)."""
        self._colorbar_wanted = on

    def pixels_per_unit(self) -> tuple[float, float]:
        """Screen pixels per data unit along the bottom axis and along the left one."""
        dx, dy = self.plot.vb.viewPixelSize()
        return 1.0 / dx, 1.0 / dy

    # ----- per run, per frame: what a picture draws -----

    def set_run(self, info: RunInfo) -> None:
        self._info = info
        self._snapshot = None
        self._surface = None
        self.hide_banner()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """The snapshot's status, and its surface when it is a new one (`draw_surface`); a
        snapshot taken between two surfaces carries none and is left for the next."""
        surface = snapshot.surface
        if surface is None:
            return
        self._snapshot = snapshot
        self.show_status(snapshot)
        if surface is not self._surface:
            self._surface = surface
            self.draw_surface(surface)

    def draw_surface(self, surface: Surface) -> None:
        """Draw the run's newest surface, each picture in its own way."""
        raise NotImplementedError

    def shown(self) -> tuple[int, Status] | None:
        """The id and status of the run drawn, None before one is."""
        if self._snapshot is None:
            return None
        return self._snapshot.run_id, self._snapshot.status

    def run_of(self, frame: Frame) -> ShownRun | None:
        """The run of `frame` this picture draws: its lane's, or the selected one."""
        if self.key is None:
            return frame.selected
        return next((run for run in frame.runs if run.key == self.key), None)

    def draw(self, frame: Frame) -> None:
        """Its run's snapshot in `frame`; a new run's points first."""
        run = self.run_of(frame)
        if run is None:
            return
        if self._info is None or self._info.run_id != run.info.run_id:
            self.set_run(run.info)
        snapshot = run.snapshot
        if snapshot.surface is None and run.surface is not None:
            snapshot = replace(snapshot, surface=run.surface)  # the run's newest
        self.show_snapshot(snapshot)

    def show_status(self, snapshot: Snapshot) -> None:
        if snapshot.status == Status.DIVERGED:
            self.show_banner(
                f"Diverged at epoch {snapshot.diverged_at}: the loss became inf or NaN.\n"
                "Lower the learning rate or use a smaller init (He, Xavier), then press Reset."
            )
        else:
            self.hide_banner()

    # ----- the shared toggles: a picture without the thing ignores them -----

    def set_split_visible(self, split: str, visible: bool) -> None:
        """Show or hide one split's points."""

    def set_discretize(self, on: bool) -> None:
        """Each pixel in its predicted class's colour only (classes)."""

    def set_truth_visible(self, on: bool) -> None:
        """The true function drawn (regression of one input)."""

    def set_scale(self, scale: float, font: QFont) -> None:
        """Point sizes, line widths and text for the projector mode; what was drawn stays."""
        self.scale = scale
        apply_font(self.plot, font)
        self._fix_axis_width(font)
        self.banner.setFont(font)
        self._font = QFont(font)
        self.set_caption(*self._caption)
        self._show_axes()
        self.redraw()

    def _show_axes(self) -> None:
        """Axes in a cell large enough for them; none in a small one (BARE_BELOW)."""
        bare = min(self.width(), self.height()) < BARE_BELOW
        for name in ("left", "bottom"):
            if self.plot.getAxis(name).isVisible() == bare:
                self.plot.showAxis(name, not bare)

    def _fix_axis_width(self, font: QFont) -> None:
        """The left axis as wide as a tick like "−0.5" and its label need, whatever ticks
        it shows. Sized by its ticks, it widened when the range brought a minus sign,
        the equal scale then changed the range, and a cell at the edge of two ranges
        laid itself out again and again for ever (the window stopped answering)."""
        ticks = QFontMetrics(scaled(font, 0.85)).horizontalAdvance("−0.5")
        axis = self.plot.getAxis("left")
        axis.setWidth(ticks + QFontMetrics(font).height() + round(8 * self.scale))

    # ----- the diverged banner -----

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self._place_banner()
        self.banner.show()
        self.banner.raise_()

    def hide_banner(self) -> None:
        self.banner.hide()

    def _place_banner(self) -> None:
        width = int(self.width() * 0.8)
        self.banner.setFixedWidth(width)
        self.banner.adjustSize()
        self.banner.move((self.width() - width) // 2, int(self.height() * 0.12))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._caption[0] and event.size().width() != event.oldSize().width():
            self.set_caption(*self._caption)
        self._show_axes()
        if self.banner.isVisible():
            self._place_banner()
