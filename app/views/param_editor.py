"""The small editor of one weight or bias, under the network diagram.

    W[2][3,1]  [ 0.5000 ]  ━━━━━━●━━━━━  Zero  Undo

A value typed in (Enter), a slider over a sensible range (±`span`: a round number at
least twice the largest |W| of the layer drawn and the value itself, at least 1) and Zero
each ask for the value (`value_chosen`); Undo asks for the run's last edit back. The
editor keeps no value of its own: it shows the one the newest frame carries (`show_value`),
except while the user types or drags.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

SLIDER_STEPS = 400  # positions of the slider over [−span, span]
LIMIT = 1000.0  # the value field's range: past it a weight only saturates what follows


def span_for(largest: float) -> float:
    """The slider's half range for a parameter among values up to |largest|: the 1-2-5
    number at or above 2·|largest|, at least 1."""
    target = max(2.0 * abs(largest), 1.0)
    if not math.isfinite(target):
        return 1.0
    power = 10.0 ** math.floor(math.log10(target))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= target)


class ParamEditor(QWidget):
    value_chosen = Signal(float)
    undo_asked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.span = 1.0
        self.name = QLabel()
        self.field = QDoubleSpinBox()
        self.field.setRange(-LIMIT, LIMIT)
        self.field.setDecimals(4)
        self.field.setSingleStep(0.1)
        self.field.setButtonSymbols(QDoubleSpinBox.NoButtons)  # room for the slider
        self.field.setKeyboardTracking(False)  # asked on Enter or leaving, not per key
        self.field.setToolTip("Type a value and press Enter: training pauses")
        self.field.valueChanged.connect(self._typed)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setMinimumWidth(60)
        self.slider.valueChanged.connect(self._slid)
        self.zero = QPushButton("Zero")
        self.zero.setToolTip("Set it to 0: what the network does without it")
        self.zero.clicked.connect(lambda: self.value_chosen.emit(0.0))
        self.undo = QPushButton("Undo")
        self.undo.setToolTip("Take the last edit of this run back")
        self.undo.clicked.connect(self.undo_asked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.name, self.field):
            row.addWidget(widget)
        row.addWidget(self.slider, 1)
        row.addWidget(self.zero)
        row.addWidget(self.undo)
        self._showing = False  # set while the field and slider follow a frame

    def edit(self, name: str, value: float, largest: float) -> None:
        """Edit the parameter `name`, now `value`, among values up to |largest|."""
        self.name.setText(name)
        self.span = span_for(max(abs(largest), abs(value)))
        self.slider.setToolTip(f"Drag from {-self.span:g} to {self.span:g}: training pauses")
        self.show_value(value)
        self.show()

    def show_value(self, value: float) -> None:
        """The value the newest frame carries, unless the user is typing or dragging."""
        if self.field.hasFocus() or self.slider.isSliderDown():
            return
        self._showing = True
        try:
            if math.isfinite(value):
                self.field.setValue(value)
            position = (min(max(value / self.span, -1.0), 1.0) + 1) / 2 * SLIDER_STEPS
            self.slider.setValue(round(position) if math.isfinite(position) else 0)
        finally:
            self._showing = False

    def slider_value(self) -> float:
        return (self.slider.value() / SLIDER_STEPS * 2 - 1) * self.span

    def _typed(self, value: float) -> None:
        if not self._showing:
            self.value_chosen.emit(value)

    def _slid(self, _position: int) -> None:
        if not self._showing:
            self.value_chosen.emit(self.slider_value())
