"""Classroom mode's choice of controls to hide: one checkbox per control, by group."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
)

GROUPS = {"data": "Data", "model": "Network", "train": "Training"}


class HiddenControlsDialog(QDialog):
    """Pick the controls that classroom mode hides; `chosen()` gives their config keys."""

    def __init__(self, labels: dict[str, str], hidden: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Controls to hide in classroom mode")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Hide what would distract from this lesson. The choice is saved with the config\n"
                "(File › Save config), so a preset can carry it."
            )
        )
        self.boxes: dict[str, QCheckBox] = {}
        for section, title in GROUPS.items():
            group = QGroupBox(title)
            grid = QGridLayout(group)
            keys = [k for k in labels if k.startswith(section + ".")]
            for i, key in enumerate(keys):
                box = QCheckBox(labels[key])
                box.setToolTip(key)
                box.setChecked(key in hidden)
                grid.addWidget(box, i // 3, i % 3)
                self.boxes[key] = box
            layout.addWidget(group)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, ...]:
        return tuple(key for key, box in self.boxes.items() if box.isChecked())
