"""Your own data: draw points on the boundary plot; import and export them as CSV.

Data ▸ Draw your own data pauses training and shows a bar to pick the class and the split
of new points. A left click on the boundary plot adds a point there; a right click (or
Shift+click) deletes the nearest point; Clear deletes them all. Drawing starts from the
current run's points (the training points without their augmented copies, val and test)
in the plotted coordinates, so the new data has no mismatch, augmentation or x₁ scaling
of its own: the points are what you see. Every edit writes the points to a CSV file in
this session's temporary folder (the engine's format, `core.data.dataprep.load_csv`) and starts
a new run on it; leaving drawing mode plays again if training was playing before.

Points that cannot be trained on yet (one class, a class number skipped, no training
point) stay on the plot as a draft and the status bar says what is missing. Import reads
a CSV with the engine's loader: a bad file is refused with the loader's message (file,
line, column) and nothing changes. Export writes the points (drawn, or the run's own)
with a split column.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox, QToolBar

from app.style.palette import class_color
from core.config.schema import Config
from core.data.dataprep import (
    MAX_CSV_CLASSES,
    MAX_CSV_ROWS,
    SPLIT_NAMES,
    Data,
    load_csv,
    split_indices,
)
from core.errors import InputError

PICK_RADIUS_PX = 12  # a right click deletes the nearest point within this many pixels


def points_of(data: Data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X : (n, 2), y : (n,), split : (n,) str of a run's points, augmented copies left out."""
    parts = [(data.train.X[~data.train.augmented], data.train.y[~data.train.augmented], "train")]
    parts += [(getattr(data, name).X, getattr(data, name).y, name) for name in ("val", "test")]
    X = np.concatenate([p[0] for p in parts]).reshape(-1, 2)
    y = np.concatenate([p[1] for p in parts]).astype(np.int64)
    split = np.concatenate([np.full(len(p[1]), p[2]) for p in parts]).astype("<U5")
    return X, y, split


def write_csv(path: Path, X: np.ndarray, y: np.ndarray, split: np.ndarray) -> None:
    """Write the points as x1,x2,label,split (coordinates with full float precision)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["x1", "x2", "label", "split"])
        out.writerows(
            [repr(float(a)), repr(float(b)), int(k), s] for (a, b), k, s in zip(X, y, split)
        )


def read_csv(path: Path, config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points of a CSV file; without a split column they are split as the engine would
    (by `data.split`, seeded by `data.seed`). Raises `InputError` for a bad file."""
    X, y, names = load_csv(path)
    if names is None:
        seed = np.random.SeedSequence(config.data.seed).spawn(4)[1]  # dataprep's split seed
        which = split_indices(y, config.data.split, np.random.default_rng(seed))
        names = np.array(SPLIT_NAMES)[which]
    return X, y, names.astype("<U5")


def problem(y: np.ndarray, split: np.ndarray) -> str | None:
    """Why these points cannot be trained on yet, or None."""
    present = sorted(set(y.tolist()))
    if len(present) < 2:
        return "Draw points of at least two classes to train."
    missing = sorted(set(range(present[-1] + 1)) - set(present))
    if missing:
        return f"Draw a point of class {missing[0]}: classes are 0, 1, … with none skipped."
    if not (split == "train").any():
        return "Draw at least one training point."
    return None


class OwnDataTool(QObject):
    """The drawing mode, its bar and the Data menu of `window` (an `app.window.MainWindow`)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.boundary = window.boundary
        self.X = np.zeros((0, 2))
        self.y = np.zeros(0, dtype=np.int64)
        self.split = np.zeros(0, dtype="<U5")
        self._folder: tempfile.TemporaryDirectory | None = None
        self._files = 0
        self._was_playing = False
        self.drawing = False

        self.draw_action = window._action(
            "&Draw your own data",
            "Ctrl+D",
            self.set_drawing,
            checkable=True,
            tip="Click on the boundary plot to add points, right-click to delete (pauses training)",
        )
        self.clear_action = window._action("&Clear points", None, self.clear)
        self.import_action = window._action("&Import CSV…", None, self._import_dialog)
        self.export_action = window._action("&Export CSV…", None, self._export_dialog)
        menu = window.menuBar().addMenu("&Data")
        for action in (self.draw_action, self.clear_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.addAction(self.export_action)

        self.classes = QComboBox()
        for k in range(MAX_CSV_CLASSES):
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(*class_color(k)))
            self.classes.addItem(QIcon(swatch), f"class {k}", k)
        self.classes.setToolTip("The class of the points a left click adds.")
        self.splits = QComboBox()
        for name in SPLIT_NAMES:
            self.splits.addItem(name, name)
        self.splits.setToolTip("The split the new points go to (train: filled dots).")
        self.bar = QToolBar("Draw")
        self.bar.setObjectName("drawBar")
        self.bar.setMovable(False)
        self.bar.addWidget(QLabel("  Drawing: click adds  "))
        self.bar.addWidget(self.classes)
        self.bar.addWidget(QLabel("  to  "))
        self.bar.addWidget(self.splits)
        self.bar.addWidget(QLabel("  · right-click or Shift+click deletes  "))
        self.bar.addAction(self.clear_action)
        self.bar.addAction(self.draw_action)
        window.addToolBar(self.bar)
        self.bar.hide()
        self.clear_action.setEnabled(False)
        self.boundary.plot.scene().sigMouseClicked.connect(self._on_click)

    # ----- drawing mode -----

    def set_drawing(self, on: bool) -> None:
        """Enter drawing mode from the current run's points (training pauses), or leave it
        (training plays again if it was playing)."""
        if on == self.drawing:
            return
        self.drawing = on
        self.draw_action.setChecked(on)
        self.bar.setVisible(on)
        self.clear_action.setEnabled(on)
        self.boundary.graphics.setCursor(Qt.CrossCursor if on else Qt.ArrowCursor)
        if on:
            self._was_playing = self.window.playing
            self.window.set_playing(False)
            if self.window.info is not None:
                self.X, self.y, self.split = points_of(self.window.info.data)
        elif self._was_playing:
            self.window.set_playing(True)

    def add(self, x1: float, x2: float) -> None:
        if len(self.y) >= MAX_CSV_ROWS:
            self.window._show_problem(f"At most {MAX_CSV_ROWS} points.")
            return
        self.X = np.vstack([self.X, [x1, x2]])
        self.y = np.append(self.y, self.classes.currentData())
        self.split = np.append(self.split, self.splits.currentData())
        self._commit()

    def remove_near(self, x1: float, x2: float, pixel: tuple[float, float]) -> None:
        """Delete the point nearest (x1, x2) if it is within PICK_RADIUS_PX screen pixels;
        `pixel` is the size of one pixel in data units along each axis."""
        if not len(self.y):
            return
        d = np.hypot((self.X[:, 0] - x1) / pixel[0], (self.X[:, 1] - x2) / pixel[1])
        i = int(np.argmin(d))
        if d[i] <= PICK_RADIUS_PX * self.boundary.scale:
            keep = np.arange(len(self.y)) != i
            self.X, self.y, self.split = self.X[keep], self.y[keep], self.split[keep]
            self._commit()

    def clear(self) -> None:
        self.X, self.y, self.split = np.zeros((0, 2)), np.zeros(0, np.int64), self.split[:0]
        self._commit()

    def _on_click(self, event) -> None:
        vb = self.boundary.plot.vb
        if not self.drawing or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        delete = event.button() == Qt.RightButton or event.modifiers() & Qt.ShiftModifier
        if delete:
            self.remove_near(point.x(), point.y(), vb.viewPixelSize())
        elif event.button() == Qt.LeftButton:
            self.add(point.x(), point.y())
        event.accept()

    # ----- to the engine -----

    def _commit(self) -> None:
        """Start a run on the points, or show them as a draft and say what is missing."""
        why = problem(self.y, self.split)
        if why is not None:
            self.boundary.show_draft(self.X, self.y, self.split)
            self.window._show_problem(why)
            return
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="deepdials-points-")
        self._files += 1  # a new file each time: the worker may still be reading the last
        path = Path(self._folder.name) / f"points-{self._files}.csv"
        write_csv(path, self.X, self.y, self.split)
        data = replace(
            self.window.config.data,
            kind="csv",
            csv=str(path),
            mismatch=0.0,
            augment=0,
            scale_x1=1.0,
        )
        self.window.load(replace(self.window.config, data=data), self.window.base_dir)

    # ----- files -----

    def import_csv(self, path: Path) -> bool:
        """Train on the points of a CSV file; a bad file is refused and nothing changes."""
        try:
            X, y, split = read_csv(path, self.window.config)
        except InputError as exc:
            QMessageBox.warning(self.window, "Could not import the points", str(exc))
            return False
        self.X, self.y, self.split = X, y, split
        self._commit()
        return True

    def export_csv(self, path: Path) -> bool:
        """Write the drawn points, or the current run's points when not drawing."""
        points = (self.X, self.y, self.split)
        if not self.drawing and self.window.info is not None:
            points = points_of(self.window.info.data)
        try:
            write_csv(path, *points)
        except OSError as exc:
            QMessageBox.warning(self.window, "Could not export", f"{path}: {exc.strerror or exc}")
            return False
        return True

    def _import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import points", "", "CSV (*.csv)")
        if path:
            self.import_csv(Path(path))

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export points", "points.csv", "CSV (*.csv)"
        )
        if path:
            self.export_csv(Path(path))
