"""The Sweeps tab: train and val error against λ, keep-prob, depth, width or the
training-set size, one full training run per point (`core.lessons.sweep`).

Points run in a standard-library process pool (`concurrent.futures.ProcessPoolExecutor`,
'spawn' start: forking a process that holds a QApplication and threads is unsafe) of
WORKERS processes.
The window is never blocked: a QTimer polls the pending results and each finished point
is plotted as it arrives. Cancel terminates the pool's processes at once, so a long point
stops too; the points already done stay, and can be exported as CSV and PNG.

A sweep of the same setting as the one before it keeps that one drawn, faded, and says
what it was run with that differs now (e.g. a width sweep at λ = 0, then at λ = 2): the
two side by side. Another setting, or another experiment loaded, drops it.
"""

from __future__ import annotations

import csv
import io
import math
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.pages.decade_axis import DecadeAxis
from deepdials.app.session import Session
from deepdials.app.style.figures import error_look
from deepdials.app.style.palette import BAYES_COLOR, SPLIT_COLORS, SPLIT_DASH, SPLIT_LABEL
from deepdials.app.style.plot_style import apply_font, scaled
from deepdials.app.tools.files import file_problem
from deepdials.app.tools.png import write_png
from deepdials.core.config.compare import label_of
from deepdials.core.config.schema import Config
from deepdials.core.engine.snapshot import RunInfo, Status
from deepdials.core.errors import InputError
from deepdials.core.lessons.sweep import PARAMETERS, Point, PointResult, run_point, sweep_points
from deepdials.core.safe_files import write_atomically

WORKERS = 2
POLL_MS = 50
DEFAULT_EPOCHS = 500
HEADROOM = 1.3  # the y range's top, × the largest error: room for the legend
BEFORE_ALPHA = 90  # the sweep before, faded behind the current one
CSV_FIELDS = (
    "parameter",
    "value",
    "x",
    "train_error",
    "val_error",
    "train_loss",
    "val_loss",
    "status",
    "epochs",
    "train_rows",
    "seconds",
)
CHOICES = {
    "l2": "λ (L2 penalty): the U curve",
    "keep_prob": "keep-prob (dropout)",
    "depth": "depth (hidden layers)",
    "width": "width (units per layer)",
    "train_size": "training-set size: learning curves",
}


class SweepRunner(QObject):
    """Runs a sweep's points in a process pool; lives in the GUI thread, never blocks it.

    point_done(PointResult), point_failed(value, message) as each point ends;
    finished(str) once: "done" or "cancelled".
    """

    point_done = Signal(object)
    point_failed = Signal(float, str)
    finished = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[tuple[Point, Future]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self._pool is not None

    def start(self, points: list[Point]) -> None:
        self.cancel()
        self._pool = ProcessPoolExecutor(
            min(WORKERS, len(points)), mp_context=multiprocessing.get_context("spawn")
        )
        self._pending = [(p, self._pool.submit(run_point, p)) for p in points]
        self._timer.start()

    def cancel(self) -> None:
        """Stop every process now; points still pending are dropped."""
        if self._pool is not None:
            self._close()
            self.finished.emit("cancelled")

    def _close(self) -> None:
        """Shut the pool down and kill its processes: a long point stops at once too."""
        self._timer.stop()
        # no public handle on the processes before Python 3.14's terminate_workers()
        processes = list((self._pool._processes or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        self._pool = None
        self._pending = []

    def _poll(self) -> None:
        still = []
        for point, future in self._pending:
            if not future.done():
                still.append((point, future))
                continue
            try:
                self.point_done.emit(future.result())
            except InputError as exc:
                self.point_failed.emit(point.value, str(exc))
            except BrokenProcessPool:
                self.point_failed.emit(point.value, "the sweep's worker process failed")
            except Exception as exc:  # noqa: BLE001 - one bad point must not end the sweep
                self.point_failed.emit(point.value, f"internal error: {exc!r}")
            if self._pool is None:  # a slot cancelled the sweep
                return
        self._pending = still
        if not still:
            self._close()
            self.finished.emit("done")


class SweepPage(QWidget):
    """Pick a setting and its values, run, watch the points come in, export them."""

    name = "sweeps"
    title = "Sweeps"

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        session.run_started.connect(self.set_run)
        session.loaded.connect(self._on_loaded)
        self.results: list[PointResult] = []
        self.swept: Config | None = None  # the config the results were run with
        self.before: list[PointResult] = []  # the sweep before, of the same setting
        self.parameter = "l2"
        self.scale = 1.0
        self._look = error_look(None)
        self.runner = SweepRunner(self)
        self.runner.point_done.connect(self._on_point)
        self.runner.point_failed.connect(self._on_point_failed)
        self.runner.finished.connect(self._on_finished)
        self._problems: list[str] = []

        self.choice = QComboBox()
        for key, text in CHOICES.items():
            self.choice.addItem(text, key)
        self.choice.setToolTip("The setting to vary; everything else stays as in the controls.")
        self.choice.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(12)  # long names must not widen the tab
        self.values = QLineEdit()
        self.values.setToolTip(
            "The values to train, separated by commas. Training-set size: fractions of the "
            "training split (the validation split stays as it is)."
        )
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100_000)
        self.epochs.setValue(DEFAULT_EPOCHS)
        self.epochs.setToolTip("Each point trains a fresh network for this many epochs.")
        self.run_button = QPushButton("Run sweep")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m points")
        self.progress.setValue(0)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.best_label = QLabel()
        self.best_label.setWordWrap(True)  # a long line must not widen the page
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(lambda: self._export_dialog("CSV (*.csv)", self.export_csv))
        self.png_button = QPushButton("Export PNG…")
        self.png_button.clicked.connect(lambda: self._export_dialog("PNG (*.png)", self.export_png))

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumHeight(200)
        self.plot = self.graphics.addPlot(
            title="Error at the end of each run", axisItems={"bottom": DecadeAxis("bottom")}
        )
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLabel("left", "error")
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        legend = self.plot.addLegend(
            colCount=2, labelTextColor=(20, 20, 20), brush=pg.mkBrush(255, 255, 255, 220)
        )
        legend.anchor(itemPos=(0.5, 0), parentPos=(0.5, 0), offset=(0, 4))  # top centre
        self.curves = {split: self.plot.plot(name=SPLIT_LABEL[split]) for split in ("train", "val")}
        self.before_curves = {split: self.plot.plot() for split in ("train", "val")}
        self.before_label = QLabel()
        self.before_label.setWordWrap(True)
        self.before_label.hide()  # shown with a faded sweep; empty, it would take a line
        self.best = pg.ScatterPlotItem(symbol="star")
        self.plot.addItem(self.best)
        self.bayes_line = pg.InfiniteLine(
            angle=0,
            movable=False,
            label="Bayes error {value:.1%}",
            # under the line at the left: there the curves start apart, train low and
            # validation high, for λ, keep-prob and the training-set size alike
            labelOpts={"position": 0.02, "color": BAYES_COLOR, "anchors": [(0, 0), (0, 0)]},
        )
        self.bayes_line.hide()
        self.plot.addItem(self.bayes_line)

        form = QFormLayout()
        form.addRow("Vary", self.choice)
        form.addRow("Values", self.values)
        form.addRow("Epochs per point", self.epochs)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        exports = QHBoxLayout()
        exports.addWidget(self.csv_button)
        exports.addWidget(self.png_button)
        exports.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.info)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.best_label)
        layout.addWidget(self.before_label)
        layout.addWidget(self.message)
        layout.addLayout(exports)

        self.choice.currentIndexChanged.connect(self._on_choice)
        self._on_choice()
        self.set_scale(1.0)
        self._set_running(False)
        self._draw()

    # ----- following the session -----

    def set_run(self, info: RunInfo) -> None:
        """The Bayes line and the words of the run's task (error %, or MSE)."""
        self._look = look = error_look(info)
        self.plot.setLabel("left", look.name)
        self.plot.titleLabel.setText(f"{look.title} at the end of each run")
        bayes = info.data.bayes_error
        self.bayes_line.setVisible(bayes is not None)
        if bayes is not None:
            self.bayes_line.setValue(bayes)
            self.bayes_line.label.setFormat(f"{look.bayes} {look.text(bayes)}")

    def _on_loaded(self, _path) -> None:
        """A sweep belongs to the experiment it was run on: loading another one stops it
        and clears its points. A lesson that opens this page sets it up: Vary the first of
        its controls that has a sweep, with that parameter's default values, for its
        epochs per point."""
        self.runner.cancel()
        self.results = []
        self.before = []
        self._say_before("")
        self._problems = []
        self.progress.reset()  # no count of a sweep that is not there
        for label in (self.info, self.best_label, self.message):
            label.clear()
        self._set_running(False)
        self._draw()
        config = self.session.config
        if config.lesson.view != self.name:
            return
        swept = {p.control: name for name, p in PARAMETERS.items() if p.control is not None}
        for control in config.lesson.controls:
            if control in swept:
                self.choice.setCurrentIndex(self.choice.findData(swept[control]))
                self._on_choice()
                break
        self.epochs.setValue(config.train.epochs)

    def set_scale(self, scale: float, font: QFont | None = None) -> None:
        self.scale = scale
        if font is not None:
            apply_font(self.plot, font)
            self.bayes_line.label.setFont(scaled(font, 0.9))
        for split, curve in self.curves.items():
            color = SPLIT_COLORS[split]
            curve.setPen(pg.mkPen(color, width=2.2 * scale, style=SPLIT_DASH[split]))
            curve.setSymbol("o")
            curve.setSymbolSize(8 * scale)
            curve.setSymbolBrush(pg.mkBrush(color))
            curve.setSymbolPen(pg.mkPen(color))
            faded = (*color, BEFORE_ALPHA)
            before = self.before_curves[split]
            before.setPen(pg.mkPen(faded, width=1.5 * scale, style=SPLIT_DASH[split]))
            before.setSymbol("o")
            before.setSymbolSize(6 * scale)
            before.setSymbolBrush(pg.mkBrush(faded))
            before.setSymbolPen(pg.mkPen(faded))
        self.best.setSize(22 * scale)
        self.best.setBrush(pg.mkBrush(SPLIT_COLORS["val"]))
        self.best.setPen(pg.mkPen((20, 20, 20), width=1.2 * scale))
        self.bayes_line.setPen(pg.mkPen(BAYES_COLOR, width=1.5 * scale, style=SPLIT_DASH["val"]))

    # ----- running -----

    def _on_choice(self) -> None:
        key = self.choice.currentData()
        self.values.setText(", ".join(f"{v:g}" for v in PARAMETERS[key].defaults))
        self.values.setCursorPosition(0)  # the first values shown, not the last

    def parse_values(self) -> list[float]:
        kind = PARAMETERS[self.choice.currentData()].allowed.kind
        out = []
        for token in self.values.text().replace(";", ",").split(","):
            token = token.strip()
            if not token:
                continue
            try:
                out.append(kind(token))
            except ValueError:
                whole = " whole" if kind is int else ""
                raise InputError(f"values: {token!r} is not a{whole} number") from None
        return sorted(set(out))

    def start(self) -> bool:
        """Run the sweep set up in the panel; False (and a message) for bad values."""
        session = self.session
        config = session.config
        key = self.choice.currentData()
        try:
            points = sweep_points(
                config,
                key,
                self.parse_values(),
                self.epochs.value(),
                session.base_dir,
                session.points,
            )
        except InputError as exc:
            self._say(str(exc), problem=True)
            return False
        self._keep_before(key, config)
        self.parameter = key
        self.results = []
        self.swept = config
        self._problems = []
        spec = PARAMETERS[key]
        self.plot.setLogMode(x=spec.log_x, y=False)
        self.plot.setLabel("bottom", spec.label)
        self._draw()
        t = config.train
        batch = "full batch" if t.batch_size == 0 else f"batch {t.batch_size}"
        self.info.setText(
            f"Each point trains a fresh network for {self.epochs.value()} epochs ({batch}, "
            f"{t.optimizer}, lr {t.lr:g}, seed {t.seed}); everything else as in the controls. "
            f"{len(points)} points, {min(WORKERS, len(points))} at a time."
        )
        self.progress.setRange(0, len(points))
        self.progress.setValue(0)
        self._say("")
        self.runner.start(points)
        self._set_running(True)
        return True

    def _keep_before(self, key: str, config: Config) -> None:
        """Keep the points of the sweep before when it varied the same setting `key`, and
        say what it was run with that `config` changes; drop them otherwise."""
        if key != self.parameter or not self.results or self.swept is None:
            self.before = []
            self._say_before("")
            return
        self.before = list(self.results)
        differs = label_of(config, self.swept, 1)
        run_with = "the same settings" if differs.startswith("copy") else differs
        self._say_before(f"Faded: the sweep before, run with {run_with}.")

    def _say_before(self, text: str) -> None:
        self.before_label.setText(text)
        self.before_label.setVisible(bool(text))

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.choice, self.values, self.epochs):
            widget.setEnabled(not running)
        self.csv_button.setEnabled(not running and bool(self.results))
        self.png_button.setEnabled(not running and bool(self.results))

    def _on_point(self, result: PointResult) -> None:
        self.results.append(result)
        self.results.sort(key=lambda r: r.x)
        self.progress.setValue(self.progress.value() + 1)
        if result.status == Status.DIVERGED:
            self._problems.append(f"{result.value:g} diverged")
        self._draw()

    def _on_point_failed(self, value: float, message: str) -> None:
        self.progress.setValue(self.progress.value() + 1)
        self._problems.append(f"{value:g}: {message}")

    def _on_finished(self, how: str) -> None:
        self._set_running(False)
        done = len(self.results)
        text = (
            f"Cancelled: {done} of {self.progress.maximum()} points done, kept."
            if how == "cancelled"
            else f"Done: {done} points."
        )
        if self._problems:
            text += " " + "; ".join(self._problems)
        self._say(text, problem=bool(self._problems))

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(f"⚠ {text}" if problem and text else text)

    # ----- drawing -----

    def _draw(self) -> None:
        bx = np.array([r.x for r in self.before], dtype=float)
        before = []
        for split, curve in self.before_curves.items():
            y = np.array([getattr(r, f"{split}_error") for r in self.before], dtype=float)
            keep = np.isfinite(y)
            curve.setData(bx[keep], y[keep])
            before.append(y)
        x = np.array([r.x for r in self.results], dtype=float)
        errors = {}
        for split, curve in self.curves.items():
            y = np.array([getattr(r, f"{split}_error") for r in self.results], dtype=float)
            keep = np.isfinite(y)
            curve.setData(x[keep], y[keep])
            errors[split] = y
        finite = np.concatenate([y[np.isfinite(y)] for y in (*errors.values(), *before)])
        top = max(0.05, float(finite.max(initial=0.0)))
        self.plot.setYRange(0, top * HEADROOM, padding=0)
        val = errors["val"]
        if not np.isfinite(val).any():
            self.best.setData([], [])
            self.best_label.setText("")
            return
        i = int(np.nanargmin(val))
        bx = math.log10(x[i]) if PARAMETERS[self.parameter].log_x else x[i]
        self.best.setData([bx], [val[i]])
        label = PARAMETERS[self.parameter].label
        look = self._look
        self.best_label.setText(
            f"★ lowest validation {look.name} {look.text(val[i])} at {label} = {x[i]:g} "
            f"(train {look.name} there {look.text(errors['train'][i])})"
        )

    # ----- export -----

    def export_csv(self, path: str | Path) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_FIELDS)
        for r in self.results:
            writer.writerow([self.parameter] + [getattr(r, k) for k in CSV_FIELDS[1:]])
        write_atomically(path, out.getvalue())

    def export_png(self, path: str | Path) -> None:
        write_png(self.graphics.grab(), path)

    def _export_dialog(self, kind: str, export: Callable[[str], None]) -> None:
        suffix = kind.split("*")[1].rstrip(")")
        path, _ = QFileDialog.getSaveFileName(self, "Export sweep", f"sweep{suffix}", kind)
        if not path:
            return
        try:
            export(path)
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, "Could not export", file_problem(path, exc))
