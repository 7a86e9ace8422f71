"""The status bar's figures: epoch, rates, the three errors, the Bayes error, the run state."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtWidgets import QLabel, QStatusBar

from deepdials.app.style.elided_label import ElidedLabel
from deepdials.app.style.figures import error_look
from deepdials.core.engine.edits import edits_text
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status

STATE_COLORS = {
    Status.DIVERGED: "#b01515",
    Status.EARLY_STOPPED: "#0b6e4f",
    Status.FINISHED: "#333",
}
RUNNING_COLOR = "#0072B2"


class StatusLine:
    def __init__(self, bar: QStatusBar):
        self.bar = bar
        self.figures = ElidedLabel(min_chars=10)  # long figures are elided, never the state
        self.state = QLabel()
        self.state.setObjectName("runState")
        bar.addWidget(self.figures, 1)
        bar.addPermanentWidget(self.state)
        self._color = ""
        self.test_hidden = False  # the test error is not shown until the test set is revealed
        self._notice = ""  # the message that holds while it is true, as shown
        self._updates: deque[tuple[float, int]] = deque(maxlen=30)
        # Qt hides the figures under a message only if they are visible at that moment: a
        # message given before the window shows (a lesson's unknown view) would be drawn
        # over them. Hidden while any message is shown, whenever it came.
        bar.messageChanged.connect(lambda text: self.figures.setVisible(not text))

    def updates_per_second(self) -> float:
        if len(self._updates) < 2:
            return 0.0
        (t0, u0), (t1, u1) = self._updates[0], self._updates[-1]
        return (u1 - u0) / (t1 - t0) if t1 > t0 and u1 >= u0 else 0.0

    def show(self, s: Snapshot, info: RunInfo, playing: bool, frames_per_second: float) -> None:
        """The figures of snapshot `s`; while paused or ended, no rates (nothing trains)."""
        training = playing and s.status == Status.RUNNING
        if training:
            self._updates.append((time.perf_counter(), s.updates))
        else:
            self._updates.clear()

        look = error_look(info)

        def pct(split):
            return look.text(s.metrics[split]["error"])

        rates = [f"{self.updates_per_second():,.0f} updates/s", f"{frames_per_second:.0f} frames/s"]
        test = "hidden" if self.test_hidden else pct("test")
        errors = f"train {pct('train')} · val {pct('val')} · test {test}"
        if s.scored_epoch is None:
            errors = f"scoring epoch {s.epoch}…"
        elif s.scored_epoch != s.epoch:  # a large network's epoch still being scored
            errors = f"{look.name} at epoch {s.scored_epoch}: {errors}"
        else:
            errors = f"{look.name}: {errors}"
        parts = [f"Epoch {s.epoch}", *(rates if training else []), errors]
        if info.data.bayes_error is not None:
            parts.append(f"Bayes {look.text(info.data.bayes_error)}")
        if info.data.bayes_error_shifted is not None:  # mismatch: val and test's own
            parts.append(f"val/test Bayes {look.text(info.data.bayes_error_shifted)}")
        if s.edits:
            parts.append(edits_text(s.edits))
        self.figures.setText("   ".join(parts))
        color = STATE_COLORS.get(s.status, RUNNING_COLOR)
        if color != self._color:  # a style sheet re-polishes the label: only on change
            self._color = color
            self.state.setStyleSheet(
                f"#runState {{ color: white; background: {color};"
                " border-radius: 4px; font-weight: bold; }"
            )
        state = f"  {state_text(s, playing)}  "
        if state != self.state.text():
            self.state.setText(state)
            self.fit_state()

    def fit_state(self) -> None:
        """The badge is never cut short: as wide as its text in its bold font, measured
        once the style sheet has been applied."""
        self.state.ensurePolished()
        self.state.setMinimumWidth(self.state.sizeHint().width())

    def restyle(self) -> None:
        """After the window's font changed (projector mode): a label with a style sheet keeps
        the font it was polished with until the sheet is applied again."""
        style = self.state.styleSheet()
        self.state.setStyleSheet("")
        self.state.setStyleSheet(style)
        self.fit_state()

    def message(self, text: str) -> None:
        self.bar.showMessage(f"⚠ {text}", 10_000)

    def notice(self, text: str) -> None:
        """A message that holds while it is true; "" ends it (if still shown)."""
        if text:
            self._notice = f"⚠ {text}"
            self.bar.showMessage(self._notice)
        elif self._notice and self.bar.currentMessage() == self._notice:
            self.bar.clearMessage()


def state_text(s: Snapshot, playing: bool) -> str:
    if s.status == Status.DIVERGED:
        return f"diverged at epoch {s.diverged_at}"
    if s.status == Status.EARLY_STOPPED:
        return f"early stopped at {s.stopped_epoch} (best {s.best_epoch})"
    if s.status == Status.FINISHED:
        return "finished"
    return "running" if playing else "paused"
