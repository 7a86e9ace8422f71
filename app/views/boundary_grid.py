"""The decision boundaries of the session's runs: one, or 2 to 4 compared side by side.

One run fills the space. Compared runs share it: two side by side (or one above the
other when the space is taller than wide), three or four in a 2 × 2 grid; each at equal
scale, captioned with its label in its run's colour. A click on a boundary selects its
run (the controls and the views follow it); the selected one is framed. The toggles
(which splits to show, discretize) and the legend of the symbols are shared, above and
below the grid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QToolBar, QVBoxLayout, QWidget

from app.session import Session
from app.style.palette import run_color
from app.views.boundary import BoundaryView
from core.engine.snapshot import RunInfo

COMPARED_POINTS = 0.6  # the size of the points when runs share the space
FRAME_STYLE = "#boundaryFrame {{ border: {width}px solid {color}; border-radius: 4px; }}"


def hex_color(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class BoundaryGrid(QWidget):
    plot_clicked = Signal(object)  # the mouse event on the selected run's plot

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.scale = 1.0
        self.font_ = QFont()
        self.discretize = False
        self.hidden_splits: set[str] = set()
        self.views: list[BoundaryView] = []
        self.frames: list[QFrame] = []
        self._cells: list[tuple[int, int]] = []  # (row, column) of each frame in the grid
        self.toolbar = QToolBar("Boundary")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.cells = QWidget()
        self.grid = QGridLayout(self.cells)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.cells, 1)
        layout.addWidget(self.legend)
        session.lanes_changed.connect(self._sync)
        self._sync()

    # ----- the runs -----

    def selected_view(self) -> BoundaryView:
        return self.views[min(self.session.selected, len(self.views) - 1)]

    def _sync(self) -> None:
        """One boundary per lane, placed, captioned and framed as the session now has them."""
        lanes = self.session.lanes
        while len(self.views) < len(lanes):
            self._add_view()
        while len(self.views) > len(lanes):
            view, frame = self.views.pop(), self.frames.pop()
            self.grid.removeWidget(frame)
            frame.deleteLater()
            view.setParent(None)
        self._place()
        comparing = self.session.comparing
        for index, (view, frame, lane) in enumerate(zip(self.views, self.frames, lanes)):
            color = run_color(index) if comparing else None
            view.set_caption(self.session.label(index) if comparing else "", color)
            view.show_colorbar(not comparing)
            view.set_point_factor(COMPARED_POINTS if comparing else 1.0)
            if lane.info is not None and view.run_id != lane.info.run_id:
                view.run_id = lane.info.run_id
                self._set_run(view, lane.info)
            selected = comparing and index == self.session.selected
            style = FRAME_STYLE.format(
                width=3 if selected else 0, color=hex_color(run_color(index))
            )
            if frame.styleSheet() != style:  # a new style sheet polishes and repaints the cell
                frame.setStyleSheet(style)
        self._show_legend()

    def _add_view(self) -> None:
        view = BoundaryView()
        view.run_id = None
        view.set_scale(self.scale, self.font_)
        view.set_discretize(self.discretize)
        frame = QFrame()
        frame.setObjectName("boundaryFrame")
        box = QVBoxLayout(frame)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(view)
        index = len(self.views)
        view.plot.scene().sigMouseClicked.connect(lambda event, i=index: self._clicked(i, event))
        self.views.append(view)
        self.frames.append(frame)

    def _place(self) -> None:
        n = len(self.frames)
        tall = self.cells.height() > 1.3 * self.cells.width()
        cells = []
        for index in range(n):
            if n == 1:
                cells.append((0, 0))
            elif n == 2:
                cells.append((index, 0) if tall else (0, index))
            else:
                cells.append(divmod(index, 2))
        if cells == self._cells and self.grid.count() == n:
            return  # placed so already: no new layout
        self._cells = cells
        for frame in self.frames:
            self.grid.removeWidget(frame)
        for frame, (row, col) in zip(self.frames, cells, strict=True):
            self.grid.addWidget(frame, row, col)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if len(self.frames) == 2:
            self._place()

    def _clicked(self, index: int, event) -> None:
        if index != self.session.selected:
            self.session.select(index)
            event.accept()
        else:
            self.plot_clicked.emit(event)

    def _set_run(self, view: BoundaryView, info: RunInfo) -> None:
        view.set_run(info)
        for split in ("train", "val", "test"):
            view.set_split_visible(split, split not in self.hidden_splits)

    def on_run_started(self, info: RunInfo) -> None:
        """The selected lane restarted: its boundary shows the new run's points."""
        self._sync()

    def _show_legend(self) -> None:
        self.legend.setText(self.selected_view().legend if self.views else "")

    # ----- drawing -----

    def draw(self) -> None:
        for view, lane in zip(self.views, self.session.lanes):
            if lane.info is not None and view.run_id != lane.info.run_id:
                view.run_id = lane.info.run_id
                self._set_run(view, lane.info)
            if lane.latest is not None and lane.latest.run_id == view.run_id:
                view.show_snapshot(lane.latest)

    # ----- shared toggles -----

    def set_split_visible(self, split: str, visible: bool) -> None:
        (self.hidden_splits.discard if visible else self.hidden_splits.add)(split)
        for view in self.views:
            view.set_split_visible(split, visible)

    def set_discretize(self, on: bool) -> None:
        self.discretize = on
        for view in self.views:
            view.set_discretize(on)

    def set_scale(self, scale: float, font: QFont) -> None:
        self.scale, self.font_ = scale, QFont(font)
        for view in self.views:
            view.set_scale(scale, font)
        self.legend.setFont(font)
        self.toolbar.setFont(font)
