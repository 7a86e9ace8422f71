"""The mouse wheel scrolls the control panel unless a control has the focus.

The usual Qt convention for a scrolling panel of inputs: a spin box, combo box or slider
under the pointer turns only once it has been clicked (taken the focus); otherwise the
wheel event goes to the panel's scroll bar, which scrolls. Without this, ten clicks of
the wheel over Activation turn tanh into linear and restart the run.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollArea,
    QWidget,
)

TURNABLE = (QAbstractSpinBox, QComboBox, QAbstractSlider)


class WheelGuard(QObject):
    def __init__(self, panel: QWidget, scroll: QScrollArea):
        super().__init__(panel)
        self.scroll = scroll
        for widget in panel.findChildren(QWidget):
            if isinstance(widget, TURNABLE):
                widget.setFocusPolicy(Qt.StrongFocus)  # the wheel alone gives no focus
                widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Wheel and not watched.hasFocus():
            QApplication.sendEvent(self.scroll.verticalScrollBar(), event)
            return True  # the control under the pointer does not turn
        return False
