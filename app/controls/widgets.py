"""A slider over a list of values (a setting's stops), showing the chosen value."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget


class ValueSlider(QWidget):
    """A horizontal slider over `values` (a sorted list), showing the chosen value.

    `valueChanged(float)` fires with the value, not the slider position.
    """

    valueChanged = Signal(float)

    def __init__(self, values: list[float], fmt=lambda v: f"{v:g}", parent=None):
        super().__init__(parent)
        self.values = list(values)
        self.fmt = fmt
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, len(self.values) - 1)
        self.slider.setPageStep(max(1, len(self.values) // 10))
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self._fit_label()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)
        self._moved(self.slider.value())

    def _fit_label(self) -> None:
        """Room for the widest value, so the slider does not jump as the value changes."""
        widest = max((self.fmt(v) for v in self.values), key=len)
        self.label.setMinimumWidth(self.fontMetrics().horizontalAdvance(widest + "0"))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self._fit_label()

    def value(self) -> float:
        return self.values[self.slider.value()]

    def setValue(self, value: float) -> None:
        """Select `value`; a value between the listed stops becomes a stop of its own, so
        a config always shows (and gives back) exactly what it holds."""
        if not any(math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-12) for v in self.values):
            self.values = sorted(self.values + [value])
            self.slider.blockSignals(True)
            self.slider.setRange(0, len(self.values) - 1)
            self.slider.blockSignals(False)
        index = min(range(len(self.values)), key=lambda i: abs(self.values[i] - value))
        if index == self.slider.value():
            self._moved(index)  # same position, maybe a new value there
        else:
            self.slider.setValue(index)

    def _moved(self, index: int) -> None:
        value = self.values[index]
        self.label.setText(self.fmt(value))
        self.valueChanged.emit(value)

    def setToolTip(self, text: str) -> None:
        super().setToolTip(text)
        self.slider.setToolTip(text)
