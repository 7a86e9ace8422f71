"""The Gradient check tab: is backprop right? And why the two-sided difference?

The check runs on the training worker's thread, on a copy of the worker's current network
(`Session.request_gradient_check`), in time slices, for BUDGET_SECONDS at most: a large
network is checked on an even sample, and the answer says how large. Meanwhile training
waits, the panel shows the check's progress with a Cancel button, and every control stays
live: hot changes apply to the run at once, a change that starts a new network stops the
check, ε and the planted bug apply to the next check. The answer comes back on
the session's `gradient_checked`. The panel shows the overall difference in its verdict's
colour, the difference of every block (W1, b1, …), the components that differ most, and
can plant a known bug (dW of layer k doubled) to watch the check catch it. A difference in
the "look closer" band is explained beside it: spread over many blocks it is float64's
rounding of J over a small gradient (a deep sigmoid net), not a bug, and a larger ε shows it.

Below, the lecture's scalar demo: f(θ) = θ³ at θ = 1, whose slope is 3; the two-sided
estimate is off by ε², the one-sided by 3ε + ε² (3.0001 against 3.0301 at ε = 0.01).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.frames import CheckProgress, CheckStopped
from deepdials.app.session import Session
from deepdials.app.style.palette import GRADCHECK_COLORS, class_color
from deepdials.app.style.plot_style import apply_font
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.probes.gradcheck import (
    BANDS,
    DEFAULT_EPSILON,
    DEFAULT_ROWS,
    NOT_FINITE,
    GradCheck,
    scalar_demo,
    verdict,
)

NOT_CHECKED = "Not checked yet."
BUDGET_SECONDS = 30.0  # a check in the window compares components for this long at most

EPSILONS = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)
DEMO_THETA = 1.0
DEMO_STEPS = 20  # slider positions per decade of ε
DEMO_RANGE = (-80, -10)  # slider range: ε from 10^-4 to 10^-0.5
DEMO_START = -40  # ε = 0.01
INTRO = (
    "Backprop's gradient g against two-sided differences "
    "ĝᵢ = (J(θ + εeᵢ) − J(θ − εeᵢ)) / 2ε, computed in float64 on the first "
    f"{DEFAULT_ROWS} training rows of the network being trained. "
    "<b>Dropout is off</b> during the check (a fresh mask at every evaluation would make J "
    "random: tick <i>Leave dropout on</i> to see the check fail with no bug in backprop), "
    "and <b>the penalty term λ/(2m)·Σ‖W‖² (and L1) is included</b> in J and g."
)
DROPOUT_ON_NOTE = (
    " Dropout was left on: g is one thinned network's gradient and every J(θ ± εeᵢ) drew "
    "masks of its own, so ĝ measures the masks, not backprop. Turn dropout off to check."
)
DEMO_INTRO = (
    "f(θ) = θ³ at θ = 1, true slope 3. The two-sided difference is off by ε², the "
    "one-sided by 3ε + ε²: with the same ε, far closer. Move ε:"
)
LOOK_CLOSER = BANDS[1][1]
ROUNDING_TEXT = (
    " Why look closer? A bug sits in one block, above 1e-3. A difference spread over "
    "many blocks, none near 1e-3, is rounding: each ĝᵢ carries float64's error in J, about "
    "10⁻¹⁶·J / ε, and where backprop's gradient is small (a deep sigmoid net passes little "
    "back) that is a visible share of it. Check again with a 100 times larger ε: rounding "
    "falls 100-fold, a bug would not move."
)
BAND_TEXT = (
    "  ·  ".join(f"< {bound:.0e} {text}" for bound, text in BANDS)
    + f"  ·  else bug  ·  NaN: {NOT_FINITE}"
)


class GradCheckPage(QWidget):
    """The check of the worker's network, and the scalar demo.

    checked(object): emitted in the GUI thread once an answer is shown: a `GradCheck`, a
    `CheckStopped`, or the message saying why there is none.
    """

    checked = Signal(object)
    name = "gradient_check"
    title = "Gradient check"

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        session.gradient_checked.connect(self._on_checked)
        session.gradient_progress.connect(self._on_progress)
        session.run_started.connect(self.set_run)
        session.loaded.connect(self._on_loaded)
        self.result: GradCheck | None = None
        self.sizes: tuple[int, ...] = ()
        self.waiting = False
        self._stale_answers = 0  # answers to come for checks of an experiment since replaced
        self.epoch: int | None = None  # of the network under check
        self.scale = 1.0

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.epsilon = QComboBox()
        for eps in EPSILONS:
            self.epsilon.addItem(f"{eps:.0e}", eps)
        self.epsilon.setCurrentIndex(EPSILONS.index(DEFAULT_EPSILON))
        self.epsilon.setToolTip(
            "Step of the numerical difference: too large and the O(ε²) error shows, too "
            "small and rounding error (~1e-16 / ε) does."
        )
        self.plant = QCheckBox("Plant a bug in layer")
        self.plant.setToolTip("Double dW of that layer in backprop: the check must catch it.")
        self.layer = QSpinBox()
        self.layer.setRange(1, 1)
        self.dropout_on = QCheckBox("Leave dropout on")
        self.dropout_on.setToolTip(
            "Check with the run's dropout on, a fresh mask at every evaluation of J, as in "
            "training: the check then fails whatever backprop does (a run without dropout "
            "is checked as it is)."
        )
        self.check_button = QPushButton("Check gradients")
        self.check_button.setToolTip("Check backprop on the current network, as trained so far")
        self.check_button.clicked.connect(self.request)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the check under way; training goes on again")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        self.verdict = QLabel(NOT_CHECKED)
        self.verdict.setWordWrap(True)
        self.verdict.setObjectName("verdict")
        self.message = QLabel()
        self.message.setWordWrap(True)
        bands = QLabel(BAND_TEXT)
        bands.setWordWrap(True)
        self.blocks = self._table(("block", "difference", "verdict"))
        self.worst = self._table(("block", "index", "backprop g", "numeric ĝ", "|g − ĝ|"))

        row = QHBoxLayout()  # two rows, so the tab stays narrow
        row.addWidget(self.check_button)
        row.addWidget(self.cancel_button)
        row.addWidget(QLabel("ε"))
        row.addWidget(self.epsilon)
        row.addStretch(1)
        bug_row = QHBoxLayout()
        bug_row.addWidget(self.plant)
        bug_row.addWidget(self.layer)
        bug_row.addStretch(1)
        bug_row.addWidget(self.dropout_on)
        network = QWidget()
        box = QVBoxLayout(network)
        box.addWidget(intro)
        box.addLayout(row)
        box.addLayout(bug_row)
        box.addWidget(self.verdict)
        box.addWidget(self.progress)
        box.addWidget(self.message)
        box.addWidget(bands)
        box.addWidget(QLabel("Per block"))
        box.addWidget(self.blocks, 3)
        box.addWidget(QLabel("The components that differ most"))
        box.addWidget(self.worst, 2)

        demo = QWidget()
        self.demo_slider = QSlider(Qt.Horizontal)
        self.demo_slider.setRange(*DEMO_RANGE)
        self.demo_slider.setValue(DEMO_START)
        self.demo_slider.setToolTip("ε, on a logarithmic scale")
        self.demo_epsilon = QLabel()
        self.demo_text = QLabel()
        self.demo_text.setWordWrap(True)
        self.demo_graphics = pg.GraphicsLayoutWidget()
        self.demo_graphics.setMinimumHeight(120)
        self.demo_plot = self.demo_graphics.addPlot()
        self.demo_plot.setLogMode(x=True, y=True)
        for axis in ("bottom", "left"):
            self.demo_plot.getAxis(axis).enableAutoSIPrefix(False)
        self.demo_plot.setLabel("bottom", "ε")
        self.demo_plot.setLabel("left", "|estimate − 3|")
        self.demo_plot.setMenuEnabled(False)
        self.demo_plot.hideButtons()
        self.demo_plot.setMouseEnabled(False, False)
        self.demo_plot.addLegend(
            offset=(8, 8), labelTextColor=(20, 20, 20), brush=pg.mkBrush(255, 255, 255, 220)
        )
        eps = 10.0 ** (np.arange(DEMO_RANGE[0], DEMO_RANGE[1] + 1) / DEMO_STEPS)
        demos = [scalar_demo(DEMO_THETA, e) for e in eps]
        self.demo_curves = {
            "two": self.demo_plot.plot(
                eps, [d.two_sided_error for d in demos], name="two-sided: error ε²"
            ),
            "one": self.demo_plot.plot(
                eps, [d.one_sided_error for d in demos], name="one-sided: error 3ε + ε²"
            ),
        }
        self.demo_marks = pg.ScatterPlotItem()
        self.demo_plot.addItem(self.demo_marks)
        self.demo_line = pg.InfiniteLine(angle=90, movable=False)
        self.demo_plot.addItem(self.demo_line)
        slider_row = QHBoxLayout()
        slider_row.addWidget(self.demo_epsilon)
        slider_row.addWidget(self.demo_slider, 1)
        demo_box = QVBoxLayout(demo)
        demo_intro = QLabel(DEMO_INTRO)
        demo_intro.setWordWrap(True)
        demo_box.addWidget(demo_intro)
        demo_box.addLayout(slider_row)
        demo_box.addWidget(self.demo_text)
        demo_box.addWidget(self.demo_graphics)

        self.pages = QTabWidget()  # two pages: each needs the height, in projector mode too
        scroll = QScrollArea()  # a long answer in projector mode scrolls, nothing is squeezed
        scroll.setWidget(network)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.pages.addTab(scroll, "This network")
        self.pages.addTab(demo, "Why two-sided?")
        self.pages.setTabToolTip(0, "Backprop's gradient against two-sided differences, here")
        self.pages.setTabToolTip(1, "Two-sided against one-sided differences on f(θ) = θ³")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        self.demo_slider.valueChanged.connect(self._show_demo)
        self.set_scale(1.0)
        self._show_demo()

    @staticmethod
    def _table(headers: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)  # no side scrolling
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        return table

    # ----- following the session -----

    def set_run(self, info: RunInfo) -> None:
        self.sizes = info.sizes
        self.layer.setRange(1, len(info.sizes) - 1)
        if self.result is not None:
            self.message.setText("A new network started: the result above is of the last one.")

    def _on_loaded(self, _path) -> None:
        """A verdict belongs to the experiment it was found on: loading another one stops
        the check under way (its answer is not shown) and clears the last answer."""
        if self.waiting:
            self.session.cancel_gradient_check()
            self._stale_answers += 1
        self.waiting = False
        self.result = None
        self.epoch = None
        self.check_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.hide()
        self.message.clear()
        self.verdict.setText(NOT_CHECKED)
        self.verdict.setStyleSheet("")
        for table in (self.blocks, self.worst):
            table.setRowCount(0)

    def set_scale(self, scale: float, font: QFont | None = None) -> None:
        self.scale = scale
        if font is not None:
            apply_font(self.demo_plot, font)
            big = QFont(font)
            big.setPointSizeF(font.pointSizeF() * 1.2)
            self.verdict.setFont(big)
        for key, k in (("two", 0), ("one", 1)):
            self.demo_curves[key].setPen(pg.mkPen(class_color(k), width=2.2 * scale))
        self.demo_line.setPen(pg.mkPen((90, 90, 90), width=1.2 * scale, style=Qt.DashLine))
        self.demo_marks.setSize(11 * scale)
        metrics = QFontMetrics(font) if font is not None else self.fontMetrics()
        rows = metrics.height() + 6
        for table in (self.blocks, self.worst):
            table.verticalHeader().setDefaultSectionSize(rows)
            table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + 2 * rows + 4)

    # ----- the check -----

    def request(self) -> None:
        """Ask the worker to check its current network (answered on `gradient_checked`)."""
        bug = self.layer.value() if self.plant.isChecked() else None
        self.waiting = True
        self.epoch = None
        self.check_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first progress
        self.progress.show()
        self.message.setText("Setting up the check: backprop's gradient, the forward pass…")
        self.session.request_gradient_check(
            self.epsilon.currentData(), bug, BUDGET_SECONDS, self.dropout_on.isChecked()
        )

    def cancel(self) -> None:
        if self.waiting:
            self.cancel_button.setEnabled(False)
            self.session.cancel_gradient_check()

    def _on_progress(self, _run_id: int, p: CheckProgress) -> None:
        if not self.waiting or self._stale_answers:
            return
        self.epoch = p.epoch
        self.progress.setRange(0, p.planned)
        self.progress.setValue(p.done)
        left = f", about {p.seconds_left:.0f} s left" if p.seconds_left is not None else ""
        self.message.setText(
            f"Checking the network of epoch {p.epoch}: {p.done:,} of {p.planned:,} "
            f"components, {p.seconds:.0f} of at most {BUDGET_SECONDS:.0f} s{left}. Training "
            "waits; a new network stops the check."
        )

    def _on_checked(self, _run_id: int, result) -> None:
        if self._stale_answers:  # each check is answered once: this is a replaced one's
            self._stale_answers -= 1
            return
        self.waiting = False
        self.check_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.hide()
        if isinstance(result, CheckStopped):
            self.message.setText(
                f"Stopped after {result.done:,} of {result.planned:,} components "
                f"({result.reason}): no result."
            )
        elif isinstance(result, str):
            self.message.setText(f"⚠ Could not check: {result}")
        else:
            self.result = result
            self._show(result)
        self.checked.emit(result)

    def _show(self, r: GradCheck) -> None:
        bug = f"; bug planted in layer {r.planted_bug}" if r.planted_bug else ""
        at = f" at epoch {self.epoch}" if self.epoch is not None else ""
        text = f"Compared {r.sample}, ε = {r.epsilon:.0e}, on {r.rows} rows{bug}{at}."
        if not r.dropout_off:
            text += DROPOUT_ON_NOTE
        if r.verdict == NOT_FINITE:
            text += (
                " ⚠ The difference is not finite: the cost or its gradient overflows in "
                "float64 at this θ, so nothing can be compared. Reset the network (R) or "
                "lower the learning rate."
            )
        if r.verdict == LOOK_CLOSER:
            text += ROUNDING_TEXT
        self.message.setText(text)
        self.verdict.setText(f"difference ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) = {r.difference:.2e}: {r.verdict}")
        red, green, blue = GRADCHECK_COLORS[r.verdict]
        self.verdict.setStyleSheet(
            f"#verdict {{ background: rgb({red}, {green}, {blue}); color: rgb(20, 20, 20);"
            " padding: 6px; border-radius: 4px; font-weight: bold; }"
        )
        self.blocks.setRowCount(len(r.blocks))
        for i, (name, diff) in enumerate(r.blocks.items()):
            band = verdict(diff) if diff is not None else None
            cells = (name, f"{diff:.2e}", band) if band else (name, "—", "not reached")
            for j, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                if j and band:
                    item.setBackground(QBrush(QColor(*GRADCHECK_COLORS[band])))
                self.blocks.setItem(i, j, item)
        self.worst.setRowCount(len(r.worst))
        for i, w in enumerate(r.worst):
            cells = (
                w["block"],
                str(w["index"]),
                f"{w['analytic']:.6g}",
                f"{w['numeric']:.6g}",
                f"{w['abs_difference']:.2e}",
            )
            for j, cell in enumerate(cells):
                self.worst.setItem(i, j, QTableWidgetItem(cell))

    # ----- the scalar demo -----

    def demo_epsilon_value(self) -> float:
        return 10.0 ** (self.demo_slider.value() / DEMO_STEPS)

    def _show_demo(self) -> None:
        eps = self.demo_epsilon_value()
        d = scalar_demo(DEMO_THETA, eps)
        self.demo_epsilon.setText(f"ε = {eps:.2g}")
        self.demo_text.setText(
            f"two-sided (f(θ+ε) − f(θ−ε)) / 2ε = <b>{d.two_sided:.6g}</b> "
            f"(error {d.two_sided_error:.1e})<br>"
            f"one-sided (f(θ+ε) − f(θ)) / ε = <b>{d.one_sided:.6g}</b> "
            f"(error {d.one_sided_error:.1e})"
        )
        self.demo_line.setValue(math.log10(eps))
        self.demo_marks.setData(
            [math.log10(eps)] * 2,
            [math.log10(d.two_sided_error), math.log10(d.one_sided_error)],
            brush=[pg.mkBrush(class_color(0)), pg.mkBrush(class_color(1))],
            pen=pg.mkPen((20, 20, 20)),
        )
