"""Your own data: draw points on the boundary plot; import and export them as CSV.

Data ▸ Draw your own data pauses training and shows a bar to pick the class and the split
of new points. A left click on the boundary plot adds a point there; a right click (or
Shift+click) deletes the nearest point; Clear deletes them all. Drawing starts from the
current run's points (the training points without their augmented copies, val and test)
in the plotted coordinates, so the new data has no mismatch, augmentation or x₁ scaling
of its own: the points are what you see. Every edit hands the points to the session in
memory (`core.data.points.Points`) and starts a new run on them; leaving drawing mode
plays again if training was playing before.

Points that cannot be trained on yet (one class, a class number skipped, no training
point) stay on the plot as a draft and the status bar says what is missing. Import reads
a CSV with the engine's loader, on a thread of its own so that the window never waits for
a file: a bad file is refused with the loader's message (file, line, column) and nothing
changes; a good one becomes the experiment's data file. Export writes the points (drawn,
or the run's own) with a split column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox, QToolBar, QWidget

from deepdials.app.session import Session
from deepdials.app.style.palette import class_color
from deepdials.app.tools.files import file_problem
from deepdials.app.views.boundary_grid import BoundaryGrid
from deepdials.core.config.schema import with_value
from deepdials.core.data.dataprep import Data
from deepdials.core.data.points import (
    MAX_CSV_CLASSES,
    MAX_CSV_ROWS,
    SPLITS,
    Points,
    load_points,
    write_points,
)
from deepdials.core.errors import InputError

PICK_RADIUS_PX = 12  # a right click deletes the nearest point within this many pixels


def points_of(data: Data) -> Points:
    """A run's points with the split each is in, augmented copies left out: its classes, or
    for a regression its real targets, and as many inputs as it has."""
    parts = [(data.train.X[~data.train.augmented], data.train.y[~data.train.augmented], "train")]
    parts += [(getattr(data, name).X, getattr(data, name).y, name) for name in ("val", "test")]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    split = np.concatenate([np.full(len(p[1]), p[2]) for p in parts]).astype("<U5")
    return Points(X, y, split)


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


class PointsReader(QThread):
    """`load_points` on a thread of its own: the window goes on while a file is read."""

    done = Signal(object)  # the Points, or the message saying why there are none

    def __init__(self, path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.path = path

    def run(self) -> None:
        try:
            self.done.emit(load_points(self.path))
        except InputError as exc:
            self.done.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - whatever happens, the window is told
            self.done.emit(f"{self.path}: internal error: {exc!r}")


class OwnDataTool(QObject):
    """The drawing mode with its bar, and the Data menu's actions, on the session.

    `actions` go in the Data menu and `bar` among the window's toolbars; `parent` is the
    widget message boxes belong to.

    imported(bool): an import ended: True when its points became the experiment's data.
    """

    imported = Signal(bool)

    def __init__(self, session: Session, boundaries: BoundaryGrid, parent: QWidget):
        super().__init__(parent)
        self.reader: PointsReader | None = None
        self.session = session
        self.boundaries = boundaries
        self.parent_widget = parent
        self.X = np.zeros((0, 2))
        self.y = np.zeros(0, dtype=np.int64)
        self.split = np.zeros(0, dtype="<U5")
        self._was_playing = False
        self.drawing = False

        self.draw_action = QAction("&Draw your own data", parent)
        self.draw_action.setShortcut(QKeySequence("Ctrl+D"))
        self.draw_action.setCheckable(True)
        self.draw_action.setToolTip(
            "Click on the boundary plot to add points, right-click to delete (pauses training)"
        )
        self.draw_action.toggled.connect(self.set_drawing)
        self.clear_action = QAction("&Clear points", parent)
        self.clear_action.triggered.connect(self.clear)
        self.clear_action.setEnabled(False)
        self.import_action = QAction("&Import CSV…", parent)
        self.import_action.triggered.connect(self._import_dialog)
        self.export_action = QAction("&Export CSV…", parent)
        self.export_action.triggered.connect(self._export_dialog)
        self.actions = [self.draw_action, self.clear_action, None, self.import_action]
        self.actions.append(self.export_action)
        parent.addAction(self.draw_action)

        self.classes = QComboBox()
        for k in range(MAX_CSV_CLASSES):
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(*class_color(k)))
            self.classes.addItem(QIcon(swatch), f"class {k}", k)
        self.classes.setToolTip("The class of the points a left click adds.")
        self.splits = QComboBox()
        for name in SPLITS:
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
        self.bar.hide()
        boundaries.plot_clicked.connect(self._on_click)

    # ----- drawing mode -----

    def set_drawing(self, on: bool) -> None:
        """Enter drawing mode from the current run's points (training pauses), or leave it
        (training plays again if it was playing)."""
        if on == self.drawing:
            return
        info = self.session.info
        if on and info is not None and info.task == "regression":
            self.draw_action.setChecked(False)
            self.session.say(
                "Drawing adds points of a class, for classification: a regression's points "
                "come from its law, or from a CSV file with a y column (Import)."
            )
            return
        self.drawing = on
        self.draw_action.setChecked(on)
        self.bar.setVisible(on)
        self.clear_action.setEnabled(on)
        self.boundaries.selected_view().graphics.setCursor(Qt.CrossCursor if on else Qt.ArrowCursor)
        if on:
            self._was_playing = self.session.playing
            self.session.set_playing(False)
            if self.session.info is not None:
                points = points_of(self.session.info.data)
                self.X, self.y, self.split = points.X, points.y, points.split
        elif self._was_playing:
            self.session.set_playing(True)

    def add(self, x1: float, x2: float) -> None:
        if len(self.y) >= MAX_CSV_ROWS:
            self.session.say(f"At most {MAX_CSV_ROWS} points.")
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
        if d[i] <= PICK_RADIUS_PX * self.boundaries.scale:
            keep = np.arange(len(self.y)) != i
            self.X, self.y, self.split = self.X[keep], self.y[keep], self.split[keep]
            self._commit()

    def clear(self) -> None:
        self.X, self.y, self.split = np.zeros((0, 2)), np.zeros(0, np.int64), self.split[:0]
        self._commit()

    def _on_click(self, event) -> None:
        vb = self.boundaries.selected_view().plot.vb
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
            self.boundaries.selected_view().show_draft(self.X, self.y, self.split)
            self.session.say(why)
            return
        config = self.session.config
        for key, value in (
            ("data.kind", "csv"),
            ("data.csv", None),
            ("data.mismatch", 0.0),
            ("data.augment", 0),
            ("data.scale_x1", 1.0),
        ):
            config = with_value(config, key, value)
        self.session.set_points(Points(self.X.copy(), self.y.copy(), self.split.copy()), config)

    # ----- files -----

    def import_csv(self, path: Path) -> PointsReader | None:
        """Read a CSV file on its own thread, then train on its points (`imported` says how
        it ended); a bad file is refused and nothing changes. None while another is read."""
        if self.reader is not None and self.reader.isRunning():
            self.session.say(f"Still reading {self.reader.path.name}.")
            return None
        path = Path(path)
        self.reader = PointsReader(path, self)
        self.reader.done.connect(lambda result, p=path: self._read(p, result))
        self.session.say(f"Reading {path.name}…")
        self.reader.start()
        return self.reader

    def _read(self, path: Path, result) -> None:
        if isinstance(result, str):
            QMessageBox.warning(self.parent_widget, "Could not import the points", result)
            self.imported.emit(False)
            return
        config = with_value(self.session.config, "data.kind", "csv")
        config = with_value(config, "data.csv", str(path.resolve()))
        self.set_drawing(False)
        self.session.load(config, self.session.base_dir, path=self.session.path)
        self.session.say(f"{len(result):,} points from {path.name}")
        self.imported.emit(True)

    def wait_for_reader(self) -> None:
        """Let a file being read finish (the window is closing; the limits keep it short)."""
        if self.reader is not None:
            self.reader.wait()

    def export_csv(self, path: Path) -> bool:
        """Write the drawn points, or the current run's points when not drawing."""
        points = Points(self.X, self.y, self.split)
        if not self.drawing and self.session.info is not None:
            points = points_of(self.session.info.data)
        try:
            write_points(path, points)
        except (InputError, OSError) as exc:
            QMessageBox.warning(self.parent_widget, "Could not export", file_problem(path, exc))
            return False
        return True

    def _import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget, "Import points", "", "CSV (*.csv)"
        )
        if path:
            self.import_csv(Path(path))

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "Export points", "points.csv", "CSV (*.csv)"
        )
        if path:
            self.export_csv(Path(path))
