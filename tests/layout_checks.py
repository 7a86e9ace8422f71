"""What "fits" means for a laid-out window: nothing a user must read is cut off.

`clipped(root)` walks the visible widgets under `root` and the items of every pyqtgraph
scene among them and names each thing that is given less room than its content needs:

- a label (not word-wrapped, not one that elides by design) narrower than its text;
- a button or check box narrower than its text, a combo box narrower than its current
  choice;
- a toolbar whose actions overflow into its extension menu; a tab bar that scrolls;
- a scroll area (a table, a text box, the control panel) that scrolls sideways, or
  whose content is wider than it with no bar to scroll (cut at its right edge);
- a widget smaller than its own minimum size hint (its layout could not fit it);
- a plot title (pyqtgraph LabelItem) narrower than its text, or a view box under 40 px.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from deepdials.app.style.elided_label import ElidedLabel

SLACK = 2  # pixels of rounding
# containers whose minimum size hint is the room their content needs
SIZED = (QGroupBox, QAbstractSpinBox, QAbstractItemView)


def _name(widget) -> str:
    text = ""
    for attr in ("text", "currentText", "windowTitle"):
        if hasattr(widget, attr):
            try:
                text = getattr(widget, attr)()
            except TypeError:
                continue
            if text:
                break
    return f"{type(widget).__name__} {text[:40]!r}"


def _combo_needs(box: QComboBox) -> int:
    """The width that shows the combo box's current choice whole, with its arrow."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    metrics = box.fontMetrics()
    text = QSize(metrics.horizontalAdvance(box.currentText()), metrics.height())
    return box.style().sizeFromContents(QStyle.CT_ComboBox, option, text, box).width()


def _inside_a_compound(widget: QWidget) -> bool:
    """Part of a spin box, a table or a scroll area's frame: Qt sizes those parts itself."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QAbstractItemView)):
            return True
        parent = parent.parentWidget()
    return False


def clipped(root: QWidget) -> list[str]:
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, QAbstractScrollArea) and widget.horizontalScrollBar().isVisible():
            problems.append(f"{_name(widget)} scrolls sideways")
        elif isinstance(widget, QScrollArea) and widget.widget() is not None:
            content, room = widget.widget().width(), widget.viewport().width()
            if content > room + SLACK:
                problems.append(f"{_name(widget)} cut at its right edge: {content} px in {room}")
        if _inside_a_compound(widget):
            continue
        hint = widget.minimumSizeHint()
        if isinstance(widget, QLabel) and not isinstance(widget, ElidedLabel):
            if widget.wordWrap() or not widget.text() or widget.textFormat() == Qt.RichText:
                pass
            elif widget.contentsRect().width() + SLACK < widget.sizeHint().width():
                problems.append(
                    f"{_name(widget)}: {widget.width()} px < {widget.sizeHint().width()}"
                )
        elif isinstance(widget, QComboBox):
            if widget.width() + SLACK < (needs := _combo_needs(widget)):
                problems.append(f"{_name(widget)}: {widget.width()} px < {needs}")
        elif isinstance(widget, QAbstractButton) and not isinstance(widget, QToolButton):
            if widget.width() + SLACK < widget.minimumSizeHint().width():
                problems.append(f"{_name(widget)}: {widget.width()} px < {hint.width()}")
        elif isinstance(widget, QTabBar):
            if any(button.isVisible() for button in widget.findChildren(QToolButton)):
                tabs = [widget.tabText(i) for i in range(widget.count())]
                problems.append(f"tab bar {tabs} scrolls")
        elif isinstance(widget, QToolBar):
            ext = widget.findChild(QToolButton, "qt_toolbar_ext_button")
            if ext is not None and ext.isVisible():
                problems.append(f"toolbar {widget.windowTitle()!r} overflows")
        if isinstance(widget, pg.GraphicsView):
            problems += _scene_problems(widget)
        elif (
            hint.isValid()
            and isinstance(widget, SIZED)
            and (widget.width() + SLACK < hint.width() or widget.height() + SLACK < hint.height())
        ):
            problems.append(
                f"{_name(widget)}: {widget.width()}×{widget.height()} < "
                f"its minimum {hint.width()}×{hint.height()}"
            )
    return problems


def _in_colorbar(item) -> bool:
    while item is not None:
        if isinstance(item, pg.ColorBarItem):
            return True
        item = item.parentItem()
    return False


def _scene_problems(view: pg.GraphicsView) -> list[str]:
    problems = []
    shown = view.mapToScene(view.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    for item in view.scene().items():
        if not item.isVisible():
            continue
        if _in_colorbar(item):
            continue  # a colour bar's own axes and box sit outside by design
        if isinstance(item, (pg.ViewBox, pg.AxisItem, pg.LabelItem)) and item.parentItem():
            rect = item.mapRectToScene(item.rect())  # its own box, not what its text overhangs
            if rect.width() > 0 and not shown.contains(rect):
                problems.append(f"{type(item).__name__} outside the view: {rect.getRect()}")
                continue
        if isinstance(item, pg.LabelItem) and item.text:
            need = item.item.boundingRect().width()
            if item.boundingRect().width() + SLACK < need:
                problems.append(f"plot text {item.text!r} cut: {item.boundingRect().width():.0f}")
        elif isinstance(item, pg.ViewBox):
            rect = item.sceneBoundingRect()
            if rect.width() < 40 or rect.height() < 40:
                problems.append(f"a plot of {rect.width():.0f}×{rect.height():.0f} px")
    return problems
