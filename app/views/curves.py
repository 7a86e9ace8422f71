"""Loss and error against epochs for the three splits, with the Bayes error, the
early-stopping marks and the epochs where a weight was set by hand (dotted, "edit"); under
dropout, also the cost dropout optimizes; the test curves
hidden while the test set is.

Dropout: the history's `dropout_loss`, the mean cost of each epoch's thinned networks
(`core.engine.run`), is drawn on the loss plot, dash-dotted (reddish purple; a compared
run's in its colour), for every run that trained with dropout (no curve, no legend entry
otherwise): noisy and not falling epoch by epoch, beside the training loss with dropout
off.

The test set hidden (`set_test_hidden`): no test curve is drawn and the legend says the
test set is hidden, until it is revealed.

Early stopping: a solid line at the best epoch (lowest validation loss), a dashed one
where the patience ran out, markers on the error curves at the best epoch and a line of
text with the restored parameters' errors.

"zoom errors" fits the error axis to the later epochs (`late_error_top`), where a rise of
the validation error by a point or two would be a sliver on an axis that holds the first
epochs' 50%; a lesson ticks it with `lesson.zoom_errors`.

One curve item per split and plot, created once and fed with `setData` (`skipFiniteCheck`:
NaN marks an empty split or a diverged epoch and is simply not drawn). Curves change
slowly, so the window refreshes them every few frames; there is no grid, whose redraw
(with every change of the epoch axis) cost more than all the rest of a frame.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.frames import Products, ShownRun
from deepdials.app.style.figures import error_look
from deepdials.app.style.legend import legend_html
from deepdials.app.style.palette import (
    BAYES_COLOR,
    DROPOUT_COST_COLOR,
    DROPOUT_COST_DASH,
    SPLIT_COLORS,
    SPLIT_DASH,
    SPLIT_LABEL,
)
from deepdials.app.style.plot_style import apply_font, cache_axes, scaled
from deepdials.app.views.protocol import DrawsComparedRuns
from deepdials.core.data.points import SPLITS
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status

ZOOM_FROM = 0.25  # the zoomed error axis fits the errors from this share of the epochs on
ZOOM_ROOM = 1.3  # and leaves this much head room above the highest of them
ZOOM_LEAST = 0.02  # its top at least 2%, so that 0% errors still draw on a scale


LEGEND_LABEL_CHARS = 30


class CurvesView(DrawsComparedRuns, QWidget):
    name = "curves"
    title = "Curves"
    needs = Products()
    refresh_hz = 10.0  # curves change slowly: a third of the frame rate is plenty

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scale = 1.0
        self.graphics = pg.GraphicsLayoutWidget()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.RichText)
        # the legend takes the room the column has, never widens it: labels elide to fit
        self.legend.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.legend.installEventFilter(self)
        self.log_loss = QCheckBox("log loss")
        self.log_loss.setToolTip("The loss on a logarithmic axis")
        self.log_loss.toggled.connect(self.set_log_scale)
        self.zoom = QCheckBox("zoom errors")
        self.zoom.setToolTip(
            f"The error axis from 0 to {ZOOM_ROOM:g} × the highest error after the first "
            f"{ZOOM_FROM:.0%} of the epochs: a rise of a point or two shows"
        )
        self.zoom.toggled.connect(self.set_zoom_errors)
        self._late_top = 1.0  # the zoomed error axis's top for the runs drawn last
        top = QHBoxLayout()
        top.setContentsMargins(6, 2, 6, 0)
        top.addWidget(self.legend, 1)
        top.addWidget(self.zoom)
        top.addWidget(self.log_loss)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.graphics)
        self.restored = QLabel()
        self.restored.setWordWrap(True)
        self.restored.hide()
        layout.addWidget(self.restored)
        self.loss_plot = self.graphics.addPlot(row=0, col=0, title="Loss (cross-entropy)")
        self.error_plot = self.graphics.addPlot(row=1, col=0, title="Error")
        self.error_plot.setXLink(self.loss_plot)
        self.error_plot.setLabel("bottom", "epoch")
        for plot in (self.loss_plot, self.error_plot):
            cache_axes(plot)
            # a plot applies its own modes to every curve added to it
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.curves = self._history_curves()
        self.run_curves: dict[tuple[int, str, str], pg.PlotDataItem] = {}  # compared runs
        self._compared: list[tuple[str, tuple[int, int, int]]] = []  # (label, colour) per run
        self._bayes: float | None = None
        self._look = error_look(None)
        self._dropout_drawn = False  # a run's dropout cost is on the loss plot
        self.test_hidden = False
        self.bayes_line = pg.InfiniteLine(angle=0, movable=False)
        self.error_plot.addItem(self.bayes_line)
        self.best_lines = [
            pg.InfiniteLine(
                angle=90,
                movable=False,
                label="best epoch",
                labelOpts={"position": 0.9, "color": (40, 40, 40)},
            )
            for _ in range(2)
        ]
        self.loss_plot.addItem(self.best_lines[0])
        self.error_plot.addItem(self.best_lines[1])
        self.stop_lines = [
            pg.InfiniteLine(
                angle=90,
                movable=False,
                label="patience ran out",
                labelOpts={"position": p, "color": (40, 40, 40), "anchors": [(1, 0), (1, 0)]},
            )
            for p in (0.45, 0.75)
        ]
        self.loss_plot.addItem(self.stop_lines[0])
        self.error_plot.addItem(self.stop_lines[1])
        self.edit_lines: list[pg.InfiniteLine] = []  # by distinct epoch of a hand edit
        self.mark_font: QFont | None = None  # the marks' labels', once a font is set
        self.restored_marks = pg.ScatterPlotItem(symbol="o", pxMode=True)
        self.restored_marks.setZValue(10)
        self.error_plot.addItem(self.restored_marks)
        self.set_scale(1.0)
        self.clear()

    def set_scale(self, scale: float, font: QFont | None = None) -> None:
        """Line widths (and, given a font, all text) for the projector mode."""
        self.scale = scale
        metrics = QFontMetrics(font) if font is not None else self.fontMetrics()
        self.restored.setMinimumHeight(4 * metrics.lineSpacing() + 4)  # wraps to ≤ 4 lines
        if font is not None:
            apply_font(self.loss_plot, font)
            apply_font(self.error_plot, font)
            self.mark_font = scaled(font, 0.9)
            for line in (*self.best_lines, *self.stop_lines, *self.edit_lines):
                line.label.setFont(self.mark_font)
            for label in (self.legend, self.zoom, self.log_loss, self.restored):
                label.setFont(font)
            self._show_legend()
        self._pen_curves()
        self.bayes_line.setPen(pg.mkPen(BAYES_COLOR, width=1.5 * scale, style=SPLIT_DASH["val"]))
        for line in self.best_lines:
            line.setPen(pg.mkPen((60, 60, 60), width=1.5 * scale))
        for line in self.stop_lines:
            line.setPen(pg.mkPen((60, 60, 60), width=1.5 * scale, style=Qt.DashLine))
        for line in self.edit_lines:
            line.setPen(self._edit_pen())
        self.restored_marks.setSize(10 * scale)
        self.restored_marks.setPen(pg.mkPen((30, 30, 30), width=1.2 * scale))

    def _history_curves(self) -> dict[tuple[str, str], pg.PlotDataItem]:
        """One run's curves: (split, "loss" | "error") and ("dropout", "loss")."""
        curves = {}
        for split in SPLITS:
            for name, plot in (("loss", self.loss_plot), ("error", self.error_plot)):
                curves[split, name] = history_curve(plot)
        curves["dropout", "loss"] = history_curve(self.loss_plot)
        return curves

    def set_test_hidden(self, hidden: bool) -> None:
        """Hide the test curves (the test set is looked at last), or show them again."""
        self.test_hidden = hidden
        for (run, split, _), curve in self.run_curves.items():
            if split == "test":
                curve.setVisible(not hidden and run < len(self._compared))
        for (split, _), curve in self.curves.items():
            if split == "test":
                curve.setVisible(not hidden)
        self._show_legend()

    def set_log_scale(self, on: bool) -> None:
        self.log_loss.setChecked(on)
        self.loss_plot.setLogMode(y=on)

    def set_zoom_errors(self, on: bool) -> None:
        """The error axis zoomed on the later epochs (`late_error_top`), or fitted to all."""
        self.zoom.setChecked(on)
        if on:
            self.error_plot.setYRange(0.0, self._late_top, padding=0)
        else:
            self.error_plot.enableAutoRange(y=True)

    def _fit_zoom(self, snapshots: list[Snapshot]) -> None:
        shown = tuple(s for s in SPLITS if not (s == "test" and self.test_hidden))
        tops = [late_error_top(s.history, shown) for s in snapshots]
        top = max((t for t in tops if t == t), default=math.nan)
        self._late_top = max(ZOOM_ROOM * top, ZOOM_LEAST) if top == top else 1.0
        if self.zoom.isChecked():
            self.error_plot.setYRange(0.0, self._late_top, padding=0)

    def clear(self) -> None:
        for curve in self.curves.values():
            curve.setData([], [])
        self.set_bayes_error(None)
        for line in (*self.best_lines, *self.stop_lines, *self.edit_lines):
            line.hide()
        self.restored_marks.setData([], [])
        self.restored.hide()

    def set_run(self, info: RunInfo) -> None:
        """Titles in the run's task's terms (error %, or MSE), then its Bayes line."""
        self.clear()
        self._look = look = error_look(info)
        for plot, title in ((self.loss_plot, f"Loss ({look.loss})"), (self.error_plot, look.title)):
            if plot.titleLabel.text != title:
                plot.titleLabel.setText(title)  # in the size the plot's font gave it
        self.set_bayes_error(info.data.bayes_error)

    def set_bayes_error(self, bayes: float | None) -> None:
        self._bayes = bayes
        self.bayes_line.setVisible(bayes is not None)
        if bayes is not None:
            self.bayes_line.setValue(bayes)
        self._show_legend()

    def _show_legend(self) -> None:
        """Splits by colour and dash; compared runs by colour, then the splits by dash; the
        dropout cost when drawn; "test hidden" in place of the test curve's entry."""
        grey = (90, 90, 90)
        shown = [s for s in SPLITS if not (s == "test" and self.test_hidden)]
        if self._compared:
            entries = [
                (self._fitted(label), color, Qt.SolidLine) for label, color in self._compared
            ]
            entries += [(SPLIT_LABEL[s], grey, SPLIT_DASH[s]) for s in shown]
        else:
            entries = [(SPLIT_LABEL[s], SPLIT_COLORS[s], SPLIT_DASH[s]) for s in shown]
        if self._dropout_drawn:
            color = grey if self._compared else DROPOUT_COST_COLOR
            entries.append(("train, dropout on (J optimized)", color, DROPOUT_COST_DASH))
        if self.test_hidden:
            entries.append(("test: hidden until revealed", grey, None))
        if self._bayes is not None:
            bayes = f"{self._look.bayes} {self._look.text(self._bayes)}"
            entries.append((bayes, BAYES_COLOR, SPLIT_DASH["val"]))
        self.legend.setText(legend_html(entries))
        # as wide as its widest entry but the compared runs' (theirs elide to the rest)
        metrics = QFontMetrics(self.legend.font())
        fixed = entries[len(self._compared) :]
        widest = max(metrics.horizontalAdvance(f"╸╸╸ {label}") for label, _, _ in fixed)
        self.legend.setMinimumWidth(widest + 4)
        cut = [label for label, _ in self._compared if self._fitted(label) != label]
        self.legend.setToolTip("\n".join(label for label, _ in self._compared) if cut else "")

    def _fitted(self, label: str) -> str:
        """A compared run's label elided to LEGEND_LABEL_CHARS and to the legend's width
        (less its line sample), so that a long one never widens the column."""
        metrics = QFontMetrics(self.legend.font())
        room = self.legend.contentsRect().width() - metrics.horizontalAdvance("━━ ") - 4
        short = elided(label)
        if room <= 0 or metrics.horizontalAdvance(short) <= room:
            return short
        return metrics.elidedText(short, Qt.ElideRight, room)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A legend resized across elides its labels anew."""
        if (
            watched is self.legend
            and event.type() == QEvent.Resize
            and event.size().width() != event.oldSize().width()
        ):
            self._show_legend()
        return super().eventFilter(watched, event)

    def _pen_curves(self) -> None:
        for (split, _), curve in self.curves.items():
            color = self._compared[0][1] if self._compared else SPLIT_COLORS.get(split)
            curve.setPen(self._pen(color or DROPOUT_COST_COLOR, split))
        for (run, split, _), curve in self.run_curves.items():
            color = self._compared[run][1] if run < len(self._compared) else (0, 0, 0)
            curve.setPen(self._pen(color, split))

    def _pen(self, color: tuple[int, int, int], curve: str):
        """A split's pen, or the dropout cost's: thinner, so the noise stays behind."""
        if curve == "dropout":
            return pg.mkPen(color, width=1.4 * self.scale, style=DROPOUT_COST_DASH)
        return pg.mkPen(color, width=2.2 * self.scale, style=SPLIT_DASH[curve])

    def _draw_history(self, curves, snapshot: Snapshot) -> bool:
        """Draw one run's history; returns whether it has a dropout cost to show."""
        h = snapshot.history
        epochs = h["epoch"].astype(float)
        log_loss = self.loss_plot.ctrl.logYCheck.isChecked()
        columns = {split: h[f"{split}_loss"] for split in SPLITS}
        columns["dropout"] = h["dropout_loss"]
        for split, loss in columns.items():
            if log_loss:
                loss = np.where(loss > 0, loss, np.nan)
            show_column(curves[split, "loss"], epochs, loss)
        for split in SPLITS:
            show_column(curves[split, "error"], epochs, h[f"{split}_error"])
        return bool(np.isfinite(columns["dropout"]).any())

    def _set_dropout_drawn(self, drawn: bool) -> None:
        if drawn != self._dropout_drawn:
            self._dropout_drawn = drawn
            self._show_legend()

    def show_lanes(self, lanes: list[ShownRun], selected: Snapshot) -> None:
        """Compared runs on the same axes, each in its colour; the selected run's
        early-stopping marks are drawn as for one run."""
        compared = [(lane.label, lane.color) for lane in lanes]
        if compared != self._compared:
            self._compared = compared
            self._pen_curves()
            self._show_legend()
        dropout = False
        for run, snapshot in enumerate(lane.snapshot for lane in lanes):
            if run == 0:
                dropout |= self._draw_history(self.curves, snapshot)
                continue
            if (run, "train", "loss") not in self.run_curves:
                for key, curve in self._history_curves().items():
                    self.run_curves[(run, *key)] = curve
                self._pen_curves()
            mine = {key[1:]: c for key, c in self.run_curves.items() if key[0] == run}
            dropout |= self._draw_history(mine, snapshot)
        for (run, split, _), curve in self.run_curves.items():
            curve.setVisible(run < len(lanes) and not (split == "test" and self.test_hidden))
        self._set_dropout_drawn(dropout)
        self._fit_zoom([lane.snapshot for lane in lanes])
        self._show_marks(selected)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if self._compared:
            self._compared = []
            self._pen_curves()
            self._show_legend()
            for curve in self.run_curves.values():
                curve.setVisible(False)
        self._set_dropout_drawn(self._draw_history(self.curves, snapshot))
        self._fit_zoom([snapshot])
        self._show_marks(snapshot)

    def _show_marks(self, snapshot: Snapshot) -> None:
        for line in self.best_lines:
            line.setVisible(snapshot.best_epoch is not None)
            if snapshot.best_epoch is not None:
                line.setValue(snapshot.best_epoch)
        self._show_edits(snapshot)
        self._show_early_stop(snapshot)

    def _edit_pen(self):
        return pg.mkPen((150, 60, 150), width=1.5 * self.scale, style=Qt.DotLine)

    def _show_edits(self, snapshot: Snapshot) -> None:
        """A dotted line on the error plot at each epoch where a weight was set by hand."""
        epochs = sorted({edit.epoch for edit in snapshot.edits})
        while len(self.edit_lines) < len(epochs):
            line = pg.InfiniteLine(
                angle=90,
                movable=False,
                label="edit",
                labelOpts={"position": 0.97, "color": (150, 60, 150)},
                pen=self._edit_pen(),
            )
            if self.mark_font is not None:
                line.label.setFont(self.mark_font)
            self.error_plot.addItem(line)
            self.edit_lines.append(line)
        for index, line in enumerate(self.edit_lines):
            line.setVisible(index < len(epochs))
            if index < len(epochs):
                line.setValue(epochs[index])

    def _show_early_stop(self, snapshot: Snapshot) -> None:
        """The patience line, the restored θ's errors as markers at the best epoch and text."""
        stopped = snapshot.status == Status.EARLY_STOPPED
        for line in self.stop_lines:
            line.setVisible(stopped)
            if stopped:
                line.setValue(snapshot.stopped_epoch)
        self.restored.setVisible(stopped)
        if not stopped:
            self.restored_marks.setData([], [])
            return
        errors = {s: snapshot.metrics[s]["error"] for s in SPLITS}
        hidden = {"test"} if self.test_hidden else set()
        shown = [s for s in SPLITS if errors[s] == errors[s] and s not in hidden]
        self.restored_marks.setData(
            [snapshot.best_epoch] * len(shown),
            [errors[s] for s in shown],
            brush=[pg.mkBrush(*SPLIT_COLORS[s]) for s in shown],
        )
        parts = " · ".join(f"{s} {self._look.text(errors[s])}" for s in shown)
        self.restored.setText(
            f"Stopped at epoch {snapshot.stopped_epoch}: no better val loss for "
            f"{snapshot.stopped_epoch - snapshot.best_epoch} epochs.<br>"
            f"<b>Restored epoch {snapshot.best_epoch}</b>, {self._look.name}: {parts}"
        )


def late_error_top(history: dict[str, np.ndarray], splits: tuple[str, ...] = SPLITS) -> float:
    """The highest error of `splits` from ZOOM_FROM of the last recorded epoch on (NaN for
    none): what the zoomed error axis must show."""
    epochs = history["epoch"]
    if len(epochs) == 0:
        return math.nan
    late = epochs >= ZOOM_FROM * epochs[-1]
    values = np.concatenate([history[f"{split}_error"][late] for split in splits])
    values = values[np.isfinite(values)]
    return float(values.max()) if len(values) else math.nan


def elided(label: str) -> str:
    """A compared run's label cut to LEGEND_LABEL_CHARS with "…", so that a long one (a
    lesson step's run on 20,000 points, split …) does not widen the view past the window;
    the boundary's caption tooltip has it whole."""
    if len(label) <= LEGEND_LABEL_CHARS:
        return label
    return label[: LEGEND_LABEL_CHARS - 1].rstrip(" ,") + "…"


def show_column(curve: pg.PlotDataItem, epochs: np.ndarray, values: np.ndarray) -> None:
    """A column with no finite value (an empty split) is no curve at all, not a path of
    NaN points to walk through at every paint."""
    if np.isfinite(values).any():
        curve.setData(epochs, values)
    else:
        curve.setData([], [])


def history_curve(plot: pg.PlotItem) -> pg.PlotDataItem:
    """A curve for a history column: up to 2048 rows, drawn as about one point per pixel
    column (the plot's peak downsampling keeps every spike's height), clipped to the view."""
    return plot.plot(skipFiniteCheck=True, antialias=False, autoDownsampleFactor=0.5)
