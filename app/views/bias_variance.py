"""The bias / variance panel: the errors read against the Bayes error, live.

Bars for the Bayes, train and validation errors and for the two gaps between them,
avoidable bias = train − Bayes and variance = val − train (`core.probes.diagnosis`), a gap bar
red when it is over the threshold (the dashed line); the verdict and the basic recipe's
advice. With mismatched data, both Bayes errors, the train-dev error and a third gap, data
mismatch. A gap below zero is drawn as no bar, its label saying it is chance (or, for a
train error far below the Bayes error, memorised noise: `below_bayes`). Where the
advice is more data or regularization, a button asks for it (`remedy(str)`;
`core.probes.diagnosis.remedy_edit` says what it changes) so the effect is seen: twice the
points (a new run), or a larger λ (the running network). A diverged run and a network not
trained yet get their verdict and no gaps.

A regression's bars are mean squared errors (`app.style.figures`), its threshold and the
margin of chance those of its data (`core.probes.diagnosis.regression_scale`: σ²/2, and
σ²/10 below σ²), in the same units as the bars.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.frames import Products, ShownRun
from deepdials.app.style.figures import ErrorLook, error_look
from deepdials.app.style.palette import BAYES_COLOR, SPLIT_COLORS
from deepdials.app.style.plot_style import apply_font, cache_axes, scaled
from deepdials.app.views.protocol import DrawsComparedRuns
from deepdials.core.data.kinds import DATA_KINDS
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status
from deepdials.core.probes.diagnosis import (
    CHANCE_MARGIN,
    THRESHOLD,
    below_bayes,
    diagnose_run,
    regression_scale,
)

TRAIN_DEV_COLOR = (86, 180, 233)  # Okabe–Ito sky blue: the training distribution, unseen
# (row label, colour) of the errors, then the gaps' labels
ERROR_ROWS = (
    ("Bayes error", BAYES_COLOR),
    ("train error", SPLIT_COLORS["train"]),
    ("val error", SPLIT_COLORS["val"]),
)
MISMATCH_ERROR_ROWS = (
    ("Bayes, train dist.", BAYES_COLOR),
    ("Bayes, val dist.", BAYES_COLOR),
    ("train error", SPLIT_COLORS["train"]),
    ("train-dev error", TRAIN_DEV_COLOR),
    ("val error", SPLIT_COLORS["val"]),
)
GAP_ROWS = ("avoidable bias", "variance")
MISMATCH_GAP_ROWS = (*GAP_ROWS, "data mismatch")
MAX_ROWS = len(MISMATCH_ERROR_ROWS) + len(MISMATCH_GAP_ROWS)
# under a row of its label and Bayes error; "var." (variance) fits its column in projector mode
RUN_COLUMNS = ("train", "val", "bias", "var.", "verdict")
HIGH_COLOR = (213, 94, 0)  # vermillion: a gap over the threshold
LOW_COLOR = (0, 158, 115)  # bluish green: a gap under it
DIAGNOSIS_COLORS = {
    "fine": "#0b6e4f",
    "high bias": "#a33b00",
    "high variance": "#a33b00",
    "high bias and high variance": "#b01515",
    "data mismatch": "#a33b00",
    "diverged": "#b01515",
    "not trained yet": "#555555",
}
# a verdict as the compared runs' table says it, short enough for its column in projector
# mode (the whole verdict is the cell's tooltip and the selected run's banner)
SHORT_VERDICTS = {
    "fine": "fine",
    "high bias": "bias",
    "high variance": "variance",
    "high bias and high variance": "bias + var.",
    "data mismatch": "mismatch",
    "diverged": "diverged",
    "not trained yet": "—",
}
ROW_PITCH = 1.4  # a bar's row, in lines of its label: labels of neighbouring rows never touch
SHOWN_RUNS = 2  # compared runs the table keeps in view when the bars need its room


class RunsTable(QTableWidget):
    """The compared runs' table, asking for the height of all its rows; given less, it
    keeps `SHOWN_RUNS` runs in view and scrolls up and down for the rest."""

    def rows_height(self, rows: int) -> int:
        return (
            self.horizontalHeader().height() + rows * self.verticalHeader().defaultSectionSize() + 4
        )

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setHeight(self.rows_height(self.rowCount()))
        return hint


MISMATCH_TIP = (
    "Mismatched data: train-dev is held out from the training distribution.\n"
    "avoidable bias = train − Bayes (train dist.)\n"
    "variance = train-dev − train\n"
    "data mismatch = (val − Bayes (val dist.)) − (train-dev − Bayes (train dist.))"
)


class BiasVarianceView(DrawsComparedRuns, QWidget):
    name = "bias_variance"
    title = "Bias / variance"
    needs = Products()
    refresh_hz = 6.0  # errors move slowly; a few updates a second read well

    remedy = Signal(str)  # "more data" or "regularize"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scale = 1.0
        self._info: RunInfo | None = None
        self.look = error_look(None)
        self.threshold, self.chance_margin = THRESHOLD, CHANCE_MARGIN  # in the errors' units
        self.verdict = QLabel("—")
        self.verdict.setObjectName("verdict")
        self.verdict.setAlignment(Qt.AlignCenter)
        self.graphics = pg.GraphicsLayoutWidget()
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.RichText)
        self.more_data = QPushButton("More data: ×2 points")
        self.more_data.setToolTip("Double the number of points (a new run on the larger set).")
        self.regularize = QPushButton("Regularize: λ up")
        self.regularize.setToolTip(
            "Raise λ of the weight penalty (L2, or L1 when only it is on): "
            "J + λ/(2m)·Σ‖W‖². The running network feels it at its next step."
        )
        self.more_data.clicked.connect(lambda: self.remedy.emit("more data"))
        self.regularize.clicked.connect(lambda: self.remedy.emit("regularize"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.more_data)
        buttons.addWidget(self.regularize)
        self.runs = RunsTable(0, len(RUN_COLUMNS))
        self.runs.setHorizontalHeaderLabels(RUN_COLUMNS)
        self.runs.verticalHeader().hide()
        self.runs.setEditTriggers(QTableWidget.NoEditTriggers)
        self.runs.setSelectionMode(QTableWidget.NoSelection)
        self.runs.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.runs.horizontalHeader().setSectionResizeMode(
            len(RUN_COLUMNS) - 1, QHeaderView.ResizeToContents
        )
        self.runs.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.runs.setToolTip(
            "Each compared run's Bayes error, errors, gaps (bias = train − Bayes, var. = "
            "val − train) and verdict; the bars below: the selected run"
        )
        self.runs.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.runs)
        layout.addWidget(self.verdict)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.advice)
        layout.addLayout(buttons)

        self.plot = self.graphics.addPlot()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("bottom", axis_label(self.look))
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)  # an MSE reads as 0.04, not 40 m
        self.plot.invertY(True)
        cache_axes(self.plot)
        self.bars = pg.BarGraphItem(x0=[0], y=[0], height=0.62, width=[0])
        self.plot.addItem(self.bars)
        self.labels = [pg.TextItem(anchor=(0, 0.5), color=(20, 20, 20)) for _ in range(MAX_ROWS)]
        for label in self.labels:
            self.plot.addItem(label)
        self.threshold_line = pg.PlotCurveItem()
        self.plot.addItem(self.threshold_line)
        self._set_rows(mismatch=False)
        self.set_scale(1.0)
        self._show_values(None)

    def _set_rows(self, mismatch: bool) -> None:
        """The rows of a run without or with a train-dev split: the errors, then the gaps."""
        errors = MISMATCH_ERROR_ROWS if mismatch else ERROR_ROWS
        self.error_colors = [color for _, color in errors]
        names = [name.replace("error", self.look.name) for name, _ in errors]
        self.rows = names + list(MISMATCH_GAP_ROWS if mismatch else GAP_ROWS)
        n = len(self.rows)
        first_gap = self.first_gap = len(errors)
        self.mismatch = mismatch
        self.plot.getAxis("left").setTicks([list(enumerate(self.rows))])
        self.bars.setOpts(x0=np.zeros(n), y=np.arange(n), width=np.zeros(n))
        line = self.look.plotted(self.threshold)
        self.threshold_line.setData([line] * 2, [first_gap - 0.4, n - 0.4])
        for i, label in enumerate(self.labels):
            label.setVisible(i < n)
        self._fit_rows()
        self.graphics.setToolTip(MISMATCH_TIP if mismatch else "")

    # ----- View -----

    def set_run(self, info: RunInfo) -> None:
        self._info = info
        self.look = error_look(info)
        if info.task == "regression":
            self.threshold, self.chance_margin = regression_scale(info.data)
        else:
            self.threshold, self.chance_margin = THRESHOLD, CHANCE_MARGIN
        self.plot.setLabel("bottom", axis_label(self.look))
        self._set_rows(mismatch=info.data.train_dev is not None)
        self.more_data.setToolTip(
            "Double the number of points (a new run on the larger set)."
            if DATA_KINDS[info.config.data.kind].drawn
            else "Not for points from a file: add points by drawing them."
        )
        self._show_values(None)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.runs.hide()
        self._show_errors(snapshot)

    def show_lanes(self, lanes: list[ShownRun], selected: Snapshot) -> None:
        """Per compared run a row with its label and Bayes error (when known: the same
        errors read otherwise against another) across the table, in its colour, and a row
        of its errors, gaps and verdict; then the selected run's bars and advice as for one
        run. The label has the whole width: in projector mode a column of its own would
        leave it a few letters."""
        self.runs.clearSpans()
        self.runs.setRowCount(2 * len(lanes))
        for index, lane in enumerate(lanes):
            d = _diagnosis(lane.snapshot, lane.info.data)
            look = error_look(lane.info)
            bayes = f" · {look.bayes} {look.text(d.bayes_error)}" if d.bayes_known else ""
            label = QTableWidgetItem(lane.label + bayes)
            label.setForeground(QBrush(QColor(*lane.color)))
            label.setToolTip(lane.label)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            self.runs.setItem(2 * index, 0, label)
            self.runs.setSpan(2 * index, 0, 1, len(RUN_COLUMNS))
            m = lane.snapshot.metrics
            train, val = m["train"]["error"], m["val"]["error"]
            verdict = d.verdict if train == train and val == val else "—"
            cells = [look.text(v) for v in (train, val, d.avoidable_bias, d.variance)]
            cells.append(SHORT_VERDICTS.get(verdict, verdict))
            for col, text in enumerate(cells):
                self.runs.setItem(2 * index + 1, col, QTableWidgetItem(text))
            self.runs.item(2 * index + 1, len(cells) - 1).setToolTip(verdict)
        rows = 2 * len(lanes)
        self.runs.setMaximumHeight(self.runs.rows_height(rows))
        self.runs.setMinimumHeight(self.runs.rows_height(min(rows, 2 * SHOWN_RUNS)))
        self.runs.updateGeometry()
        self.runs.show()
        self._show_errors(selected)

    def _show_errors(self, snapshot: Snapshot) -> None:
        self._show_values(snapshot)

    def set_scale(self, scale: float, font: QFont | None = None) -> None:
        self.scale = scale
        if font is not None:
            apply_font(self.plot, font)
            for label in self.labels:
                label.setFont(scaled(font, 0.9))
            big = scaled(font, 1.25)
            big.setBold(True)
            self.verdict.setFont(big)
        self._fit_rows()
        self.threshold_line.setPen(pg.mkPen((60, 60, 60), width=1.5 * scale, style=Qt.DashLine))
        self.bars.setOpts(pen=pg.mkPen(60, 60, 60, width=0.8 * scale))

    def _fit_rows(self) -> None:
        """Room for every bar's row: `ROW_PITCH` lines of the larger of its tick label and
        its value label, plus the axis below and a margin above."""
        axis = self.plot.getAxis("left")
        tick = axis.style["tickFont"] or self.font()
        line = max(
            QFontMetrics(tick).height(), QFontMetrics(self.labels[0].textItem.font()).height()
        )
        bottom = self.plot.getAxis("bottom")
        below = bottom.height() if bottom.height() > 0 else 3 * line
        self.graphics.setMinimumHeight(int(len(self.rows) * ROW_PITCH * line + below + line))

    # ----- drawing -----

    def _show_values(self, snapshot: Snapshot | None) -> None:
        """Bars, verdict, advice and buttons for the snapshot's errors, or blank."""
        data = self._info.data if self._info is not None else None
        m = snapshot.metrics if snapshot is not None else {}
        error = {split: values["error"] for split, values in m.items()}
        train, val = error.get("train", math.nan), error.get("val", math.nan)
        known, has_val = not math.isnan(train), not math.isnan(val)
        d = _diagnosis(snapshot, data) if known and has_val else None
        reads_gaps = d is not None and d.reads_gaps
        bayes = data.bayes_error if data is not None else None
        if self.mismatch:
            shifted, train_dev = data.bayes_error_shifted, error.get("train_dev", math.nan)
            values = [_or_nan(bayes), _or_nan(shifted), train, train_dev, val]
        else:
            values = [_or_nan(bayes), train, val]
        n_gaps = len(self.rows) - self.first_gap
        gaps = [d.avoidable_bias, d.variance, _or_nan(d.mismatch)] if reads_gaps else []
        gaps = (gaps + [math.nan] * n_gaps)[:n_gaps]
        values += gaps
        look, line = self.look, self.look.plotted(self.threshold)
        widths = np.maximum(np.nan_to_num([look.plotted(v) for v in values]), 0.0)
        brushes = [pg.mkBrush(*c) for c in self.error_colors] + [
            pg.mkBrush(*(HIGH_COLOR if v > self.threshold else LOW_COLOR)) for v in gaps
        ]
        self.bars.setOpts(width=widths, brushes=brushes)
        # at least 10/3 of the threshold (10% for classes); room for the text
        right = max(line * 10 / 3, float(np.max(widths)) * (1.3 + 0.25 * self.scale))
        self.plot.setRange(xRange=(0.0, right), yRange=(-0.5, len(self.rows) - 0.5), padding=0)
        pad = 0.01 * right
        for i, value in enumerate(values):
            label, gap = self.labels[i], i >= self.first_gap
            text = look.text(value)
            if i == self.first_gap and value < -self.chance_margin:  # avoidable bias
                text += f" ({below_bayes(value) if look.percent else 'noise fitted'})"
            elif gap and value < -self.chance_margin:
                text += " (chance)"
            label.setText(text)
            start = max(widths[i], line) if gap else widths[i]
            label.setPos(start + pad, i)  # a gap's label right of the threshold line
        if bayes is None:
            self.labels[0].setText("unknown: taken as 0")
        self._show_verdict(d, known, has_val, bayes is not None)

    def _show_verdict(self, d, known: bool, has_val: bool, bayes_known: bool) -> None:
        if d is None:
            text = "needs a validation split" if known and not has_val else "—"
            self.verdict.setText(text)
            self.verdict.setStyleSheet("#verdict { color: #333; padding: 6px; }")
            self._set_advice("")
            self.more_data.setEnabled(False)
            self.regularize.setEnabled(False)
            return
        self.verdict.setText(d.verdict[0].upper() + d.verdict[1:])
        self.verdict.setStyleSheet(
            f"#verdict {{ color: white; background: {DIAGNOSIS_COLORS[d.verdict]};"
            " border-radius: 5px; padding: 6px; }"
        )
        items = "".join(f"<li>{a}</li>" for a in d.advice)
        if d.reads_gaps:
            if self.look.percent:
                above = f"{100 * self.threshold:.0f} points"
            else:
                above = self.look.text(self.threshold)
            heading = f"<b>Basic recipe</b> (a gap counts as high above {above}):"
        else:
            heading = "<b>What to do</b>:"
        notes = [*d.notes] + (
            [] if bayes_known else ["Bayes error unknown for this data: taken as 0."]
        )
        note = "".join(f"<br><i>{n[0].upper() + n[1:]}.</i>" for n in notes)
        self._set_advice(f"{heading}<ul style='margin: 2px 0 0 -20px'>{items}</ul>{note}")
        variance_high = d.verdict in ("high variance", "high bias and high variance")
        drawn = self._info is None or DATA_KINDS[self._info.config.data.kind].drawn
        self.more_data.setEnabled(variance_high and drawn)
        self.regularize.setEnabled(variance_high)

    def _set_advice(self, text: str) -> None:
        """New advice, laid out at once: a frame grabbed next shows all of it."""
        if text != self.advice.text():
            self.advice.setText(text)
            self.layout().activate()


def _diagnosis(snapshot: Snapshot, data):
    return diagnose_run(
        snapshot.metrics, data, snapshot.status == Status.DIVERGED, snapshot.scored_epoch
    )


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def axis_label(look: ErrorLook) -> str:
    """ "error and gaps, %", or "MSE and gaps"."""
    return f"{look.name} and gaps" + (", %" if look.percent else "")
