"""One binding per kind of control: the widgets of a setting, reading and writing its value.

A binding shows a value (`show`, emitting nothing) and emits `edited(value)` when the
user changes it, with the value in the config's own form (a tuple for a list). It keeps
no copy of the value: the session's config is the only one, and every change comes back
through `show`. Widgets listen to user actions only (`activated`, `clicked`, a slider's
or a spin box's change while not being filled), so filling them never edits anything.

`rows` are the form rows the binding puts in its group box, as (label, widget or layout).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from deepdials.app.controls.widgets import ValueSlider
from deepdials.core.config import controls as c
from deepdials.core.config.table import Setting
from deepdials.core.errors import InputError


class Binding(QObject):
    edited = Signal(object)  # the new value, from the user
    problem = Signal(str)  # what the user typed that is not a value (the key named)

    def __init__(self, setting: Setting):
        super().__init__()
        self.setting = setting
        self.rows: list[tuple[str, QWidget | QLayout]] = []
        self._filling = False

    def show(self, value) -> None:
        self._filling = True
        try:
            self._show(value)
        finally:
            self._filling = False

    def _show(self, value) -> None:
        raise NotImplementedError

    def widgets(self) -> list[QWidget]:
        """Every input widget of the binding (for enabling and tooltips)."""
        raise NotImplementedError

    def set_enabled(self, enabled: bool) -> None:
        tip = self.setting.tip
        if not enabled and self.setting.disabled_tip:
            tip = f"{self.setting.disabled_tip}\n\n{tip}"
        for widget in self.widgets():
            widget.setEnabled(enabled)
            widget.setToolTip(tip)

    def follow(self, config, data) -> None:
        """What the control offers for `config` and its run's `data` (None before a run),
        once it is enabled as its row says: everything, unless the control says less."""

    def _emit(self, value) -> None:
        if not self._filling:
            self.edited.emit(value)


def _parse_list(key: str, text: str, kind) -> tuple:
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return tuple(kind(p) for p in parts)
    except ValueError:
        raise InputError(f"{key}: {text!r} is not a list of numbers") from None


class ComboBinding(Binding):
    def __init__(self, setting: Setting):
        super().__init__(setting)
        control: c.Combo = setting.control
        self.box = QComboBox()
        for value, option in control.options.items():
            self.box.addItem(option.label, value)
            self.box.setItemData(self.box.count() - 1, option.explanation or None, 3)
        self.box.activated.connect(lambda i: self._emit(self.box.itemData(i)))
        self.rows = [(setting.label, self.box)]
        self._lockable = {self.box.findData(v) for v in control.only_when_current}

    def _show(self, value) -> None:
        index = self.box.findData(value)
        if index < 0:
            self.box.addItem(c.plain(value), value)
            index = self.box.count() - 1
        self.box.setCurrentIndex(index)
        model = self.box.model()
        for i in self._lockable:
            model.item(i).setEnabled(i == index)

    def widgets(self) -> list[QWidget]:
        return [self.box]

    def set_enabled(self, enabled: bool) -> None:
        super().set_enabled(enabled)
        options = self.setting.control.options.values()
        lines = [f"{o.label}: {o.explanation}" for o in options if o.explanation]
        if lines:
            self.box.setToolTip(self.box.toolTip() + "\n\n" + "\n".join(lines))


class SliderBinding(Binding):
    def __init__(self, setting: Setting):
        super().__init__(setting)
        control: c.Slider = setting.control
        self.slider = ValueSlider(list(control.stops), fmt=control.fmt)
        self.slider.valueChanged.connect(self._emit)
        self.rows = [(setting.label, self.slider)]

    def _show(self, value) -> None:
        self.slider.setValue(value)

    def widgets(self) -> list[QWidget]:
        return [self.slider]


class SpinBinding(Binding):
    def __init__(self, setting: Setting):
        super().__init__(setting)
        self.spin = QSpinBox()
        self.spin.setRange(int(setting.allowed.lo), int(setting.allowed.hi))
        self.spin.setSuffix(setting.control.suffix)
        self.spin.setKeyboardTracking(False)  # typing "500" is one change, not three
        self.spin.valueChanged.connect(self._emit)
        self.rows = [(setting.label, self.spin)]

    def _show(self, value) -> None:
        self.spin.setValue(value)

    def widgets(self) -> list[QWidget]:
        return [self.spin]


class CheckBinding(Binding):
    def __init__(self, setting: Setting):
        super().__init__(setting)
        self.box = QCheckBox(setting.control.text)
        self.box.clicked.connect(self._emit)
        self.rows = [("", self.box)]

    def _show(self, value) -> None:
        self.box.setChecked(value)

    def widgets(self) -> list[QWidget]:
        return [self.box]


class CheckListBinding(Binding):
    def __init__(self, setting: Setting):
        super().__init__(setting)
        control: c.CheckList = setting.control
        self.boxes = {name: QCheckBox(label) for name, label in control.options.items()}
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.boxes.values()):
            self.grid.addWidget(box, i // control.columns, i % control.columns)
            box.clicked.connect(lambda _=False, b=box: self._clicked(b))
        self.rows = [(setting.label, self.grid)]

    def _clicked(self, box: QCheckBox) -> None:
        chosen = tuple(name for name, b in self.boxes.items() if b.isChecked())
        if not chosen:
            box.setChecked(True)
            self.problem.emit(f"{self.setting.key}: keep at least one input")
            return
        self._emit(chosen)

    def _show(self, value) -> None:
        for name, box in self.boxes.items():
            box.setChecked(name in value)

    def follow(self, config, data) -> None:
        """Options the data cannot have (x₂ of a set with one input) are disabled."""
        offered = self.setting.control.offered
        if offered is None:
            return
        names = offered(config, data)
        for name, box in self.boxes.items():
            if name not in names:
                box.setEnabled(False)
                box.setToolTip("Not for this data set: it has no such input.")

    def widgets(self) -> list[QWidget]:
        return list(self.boxes.values())


class SeedBinding(Binding):
    """A seed up to 2³²−1: a spin box of doubles shown without decimals (QSpinBox stops at
    2³¹−1), and a button that takes the next seed."""

    def __init__(self, setting: Setting):
        super().__init__(setting)
        control: c.Seed = setting.control
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(0)
        self.spin.setRange(setting.allowed.lo, setting.allowed.hi)
        self.spin.setKeyboardTracking(False)
        self.spin.valueChanged.connect(lambda v: self._emit(int(v)))
        self.button = QPushButton(control.button)
        self.button.setToolTip(control.button_tip)
        self.button.clicked.connect(self._next)
        row = QHBoxLayout()
        row.addWidget(self.spin, 1)
        row.addWidget(self.button)
        self.rows = [(setting.label, row)]

    def _next(self) -> None:
        self._emit((int(self.spin.value()) + 1) % (int(self.setting.allowed.hi) + 1))

    def _show(self, value) -> None:
        self.spin.setValue(float(value))

    def widgets(self) -> list[QWidget]:
        return [self.spin, self.button]


class SplitBinding(Binding):
    def __init__(self, setting: Setting):
        super().__init__(setting)
        stops = list(setting.control.stops)
        self.val = ValueSlider(stops, fmt=c.percent)
        self.test = ValueSlider(stops, fmt=c.percent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        for slider in (self.val, self.test):
            slider.valueChanged.connect(lambda _: self._emit(self.value()))
        self.rows = [("Validation", self.val), ("Test", self.test), ("", self.summary)]

    def value(self) -> tuple[float, float, float]:
        val, test = self.val.value(), self.test.value()
        return (round(1 - val - test, 10), val, test)

    def _show(self, value) -> None:
        self.val.setValue(value[1])
        self.test.setValue(value[2])
        train, val, test = value
        self.summary.setText(f"train {train:.0%} · val {val:.0%} · test {test:.0%}")

    def widgets(self) -> list[QWidget]:
        return [self.val, self.test, self.summary]


class LayerWidthsBinding(Binding):
    """Depth and units (every hidden layer alike), or a typed list of widths."""

    def __init__(self, setting: Setting):
        super().__init__(setting)
        width = setting.allowed.item
        self.depth = QSpinBox()
        self.depth.setRange(setting.allowed.min_len, setting.allowed.max_len)
        self.units = QSpinBox()
        self.units.setRange(int(width.lo), int(width.hi))
        self.widths = QLineEdit()
        for spin in (self.depth, self.units):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._uniform)
        self.widths.editingFinished.connect(self._typed)
        self.rows = [("Hidden layers", self.depth), ("Units", self.units), ("Widths", self.widths)]

    def _uniform(self) -> None:
        self._emit((self.units.value(),) * self.depth.value())

    def _typed(self) -> None:
        if self._filling:
            return
        try:
            value = _parse_list(self.setting.key, self.widths.text(), int)
        except InputError as exc:
            self.problem.emit(str(exc))
            return
        self._emit(value)

    def _show(self, value) -> None:
        self.depth.setValue(len(value))
        if value:
            self.units.setValue(value[0])
        self.units.setEnabled(bool(value))
        self.widths.setText(", ".join(str(n) for n in value))

    def widgets(self) -> list[QWidget]:
        return [self.depth, self.units, self.widths]

    def set_enabled(self, enabled: bool) -> None:
        super().set_enabled(enabled)
        self.units.setEnabled(enabled and self.depth.value() > 0)


class KeepProbBinding(Binding):
    """One keep-prob for every hidden layer on a slider, or a typed list, one per layer."""

    def __init__(self, setting: Setting):
        super().__init__(setting)
        self.slider = ValueSlider(list(setting.control.stops), fmt=c.two_decimals)
        self.layers = QLineEdit()
        self.layers.setPlaceholderText("per layer: input, hidden 1, …")
        self.slider.valueChanged.connect(self._emit)
        self.layers.editingFinished.connect(self._typed)
        self.rows = [(setting.label, self.slider), ("", self.layers)]

    def _typed(self) -> None:
        if self._filling:
            return
        text = self.layers.text().strip()
        try:
            value = _parse_list(self.setting.key, text, float) if text else self.slider.value()
        except InputError as exc:
            self.problem.emit(str(exc))
            return
        self._emit(value)

    def _show(self, value) -> None:
        if isinstance(value, tuple):
            self.layers.setText(", ".join(f"{p:g}" for p in value))
        else:
            self.layers.clear()
            self.slider.setValue(value)
        self.slider.setEnabled(not isinstance(value, tuple))

    def widgets(self) -> list[QWidget]:
        return [self.slider, self.layers]

    def set_enabled(self, enabled: bool) -> None:
        super().set_enabled(enabled)
        self.slider.setEnabled(enabled and not self.layers.text().strip())


class PatienceBinding(Binding):
    """Early stopping: on or off, and the patience when on (0 in the config when off)."""

    def __init__(self, setting: Setting):
        super().__init__(setting)
        control: c.Patience = setting.control
        self.box = QCheckBox(control.text)
        self.spin = QSpinBox()
        self.spin.setRange(1, int(setting.allowed.hi))
        self.spin.setValue(control.default_on)
        self.spin.setKeyboardTracking(False)
        self.box.clicked.connect(lambda on: self._emit(self.spin.value() if on else 0))
        self.spin.valueChanged.connect(lambda v: self._emit(v) if self.box.isChecked() else None)
        self.spin.setSuffix(" epochs")
        self.rows = [("", self.box), ("Patience", self.spin)]

    def _show(self, value) -> None:
        self.box.setChecked(value > 0)
        if value > 0:
            self.spin.setValue(value)
        self.spin.setEnabled(value > 0)

    def widgets(self) -> list[QWidget]:
        return [self.box, self.spin]

    def set_enabled(self, enabled: bool) -> None:
        super().set_enabled(enabled)
        self.spin.setEnabled(enabled and self.box.isChecked())


BINDINGS: dict[type, type[Binding]] = {
    c.Combo: ComboBinding,
    c.Slider: SliderBinding,
    c.Spin: SpinBinding,
    c.Check: CheckBinding,
    c.CheckList: CheckListBinding,
    c.Seed: SeedBinding,
    c.SplitSliders: SplitBinding,
    c.LayerWidths: LayerWidthsBinding,
    c.KeepProb: KeepProbBinding,
    c.Patience: PatienceBinding,
}


def bind(setting: Setting) -> Binding:
    return BINDINGS[type(setting.control)](setting)
