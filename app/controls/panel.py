"""The control panel: every setting with a control, as the settings table describes it.

Group boxes (Data, Network, Regularization, Optimization) hold one binding per row of
`core.config.table` that has a control, in the table's order. A user's change goes to the
session (`Session.edit`); the session's config comes back through `config_changed` and
is shown, with each row shown, enabled or hidden as its row says, so the panel never
holds a value of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from deepdials.app.controls.bindings import Binding, bind
from deepdials.app.session import Session
from deepdials.core.config.schema import Config, value_of
from deepdials.core.config.table import GROUPS, SETTINGS
from deepdials.core.engine.snapshot import RunInfo

MARKED_STYLE = "color: #0072B2; font-weight: bold;"  # a control the lesson is about


class ControlPanel(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.bindings: dict[str, Binding] = {}
        self._rows: dict[str, list[tuple[QFormLayout, int]]] = {}
        self._labels: dict[str, list[QLabel]] = {}
        self._hidden: frozenset[str] = frozenset()
        self._marked: frozenset[str] = frozenset()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.groups: dict[str, QGroupBox] = {}
        for group in GROUPS:
            box = self.groups[group] = QGroupBox(group)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
            form.setContentsMargins(8, 6, 8, 6)
            form.setVerticalSpacing(4)
            layout.addWidget(box)
            for setting in SETTINGS:
                if setting.control is not None and setting.group == group:
                    self._add(setting, form)
        layout.addStretch(1)
        session.config_changed.connect(self.show_config)
        session.run_started.connect(self._on_run_started)
        self.show_config(session.config)

    def _add(self, setting, form: QFormLayout) -> None:
        binding = self.bindings[setting.key] = bind(setting)
        rows = self._rows[setting.key] = []
        labels = self._labels[setting.key] = []
        for label, field in binding.rows:
            form.addRow(label, field)
            rows.append((form, form.rowCount() - 1))
            widget = form.labelForField(field)
            if isinstance(widget, QLabel):
                labels.append(widget)
        binding.edited.connect(lambda value, key=setting.key: self.session.edit(key, value))
        binding.problem.connect(self.session.problem)

    # ----- showing the session's config -----

    def show_config(self, config: Config) -> None:
        data = self.session.info.data if self.session.info is not None else None
        for key, binding in self.bindings.items():
            setting = binding.setting
            binding.show(value_of(config, key))
            binding.set_enabled(setting.enabled(config, data))
            binding.follow(config, data)
        self._show_rows(config)

    def _on_run_started(self, info: RunInfo) -> None:
        self.show_config(self.session.config)

    def _show_rows(self, config: Config) -> None:
        data = self.session.info.data if self.session.info is not None else None
        for key, rows in self._rows.items():
            setting = self.bindings[key].setting
            visible = key not in self._hidden and setting.shown(config, data)
            for form, row in rows:
                form.setRowVisible(row, visible)
        for box in self.groups.values():
            form = box.layout()
            box.setVisible(any(form.isRowVisible(r) for r in range(form.rowCount())))

    # ----- the lesson, projector and classroom modes -----

    def set_marked(self, keys: tuple[str, ...]) -> None:
        """Mark the controls the loaded lesson is about (its lesson.controls)."""
        self._marked = frozenset(keys)
        self._style_marked()

    def _style_marked(self) -> None:
        """A label with a style sheet keeps the font it was polished with until its sheet is
        set again: every sheet is cleared and set anew, so a marked label follows the
        window's font into and out of projector mode as the others do."""
        for key in self._labels:
            style = MARKED_STYLE if key in self._marked else ""
            for widget in self._label_widgets(key):
                widget.setStyleSheet("")
                widget.setStyleSheet(style)

    def _label_widgets(self, key: str) -> list[QWidget]:
        """What shows a control's name: its labels, or a check box's own text."""
        boxes = [w for w in self.bindings[key].widgets() if isinstance(w, QCheckBox)]
        return self._labels[key] + boxes

    def marked(self) -> frozenset[str]:
        return self._marked

    def marked_span(self) -> QRect | None:
        """Where the marked controls shown are, labels and inputs, in the panel's
        coordinates (None when none is shown)."""
        span = None
        for key in self._marked & self.bindings.keys():
            for widget in self._label_widgets(key) + self.bindings[key].widgets():
                if widget.isVisibleTo(self):
                    place = QRect(widget.mapTo(self, QPoint(0, 0)), widget.size())
                    span = place if span is None else span.united(place)
        return span

    def set_scale(self, scale: float) -> None:
        """Large fonts put each label above its control, so the panel stays narrow."""
        policy = QFormLayout.WrapAllRows if scale > 1 else QFormLayout.DontWrapRows
        for box in self.groups.values():
            box.layout().setRowWrapPolicy(policy)
        self._style_marked()
        self.adjustSize()

    def labels(self) -> dict[str, str]:
        """Each key with a control, with the label of its control."""
        return {key: b.setting.label for key, b in self.bindings.items()}

    def set_hidden(self, keys: tuple[str, ...]) -> None:
        """Hide the controls of these config keys (classroom mode); () shows them all."""
        self._hidden = frozenset(keys)
        self._show_rows(self.session.config)
