"""The pictures of the session's runs: one, or 2 to 4 compared side by side.

Each run is drawn by the picture of its task and inputs (`app.views.pictures`): the
decision boundary of classes, the fit of a regression of one input, the surface of two;
a cell takes another picture when its lane's run needs one.

One run fills the space. Compared runs share it: two side by side (or one above the
other when the space is taller than wide), three or four in a 2 × 2 grid; every cell
the same size whatever it holds, each boundary at equal scale, captioned with its label
in its run's colour (cut with "…" when long, whole in its tooltip). Each frame is handed
to every cell, which draws its own run. A click on a boundary selects its
run (the controls and the views follow it); the selected one is framed. The toggles
(which splits to show, discretize) and the legend of the symbols are shared, above and
below the grid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from deepdials.app.frames import Frame
from deepdials.app.session import Session
from deepdials.app.style.palette import run_color
from deepdials.app.views.boundary import BoundaryView
from deepdials.app.views.pictures import picture_for
from deepdials.app.views.run_plot import RunPlot

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
        self.truth_visible = True
        # toggles shown only while a cell draws a picture that has the thing they toggle
        self._picture_actions: list[tuple[QAction, tuple[type[RunPlot], ...]]] = []
        self.views: list[RunPlot] = []
        self.frames: list[QFrame] = []
        # (the lane keys of the cells in order, one above the other): as last placed
        self._placed: tuple[tuple[int, ...], bool] | None = None
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

    def selected_view(self) -> RunPlot:
        return self.views[min(self.session.selected, len(self.views) - 1)]

    def _sync(self) -> None:
        """One boundary per lane, in the lanes' order, placed, captioned and framed as the
        session now has them. A lane keeps its boundary (and what it drew) when others
        come or go."""
        lanes = self.session.lanes
        cells = {view.key: (view, frame) for view, frame in zip(self.views, self.frames)}
        for lane in lanes:
            if lane.key not in cells:
                cells[lane.key] = self._new_cell(lane.key)
        kept = {lane.key for lane in lanes}
        for key, (view, frame) in cells.items():
            if key not in kept:
                self.grid.removeWidget(frame)
                frame.hide()  # gone from the screen now, whenever the event loop deletes it
                frame.deleteLater()
                view.setParent(None)
        self.views = [cells[lane.key][0] for lane in lanes]
        self.frames = [cells[lane.key][1] for lane in lanes]
        self._place()
        for index in range(len(self.views)):
            self._dress(index)
        self._show_legend()
        self._show_actions()

    def offer(self, action: QAction, *pictures: type[RunPlot]) -> None:
        """`action` visible only while some cell is drawn by one of `pictures`."""
        self._picture_actions.append((action, pictures))
        self._show_actions()

    def _show_actions(self) -> None:
        drawn = {type(view) for view in self.views}
        for action, pictures in self._picture_actions:
            action.setVisible(not drawn.isdisjoint(pictures))

    def _dress(self, index: int) -> None:
        """The cell's caption, colour bar, point size and frame as the session has them."""
        view, frame = self.views[index], self.frames[index]
        comparing = self.session.comparing
        color = run_color(index) if comparing else None
        view.set_caption(self.session.label(index) if comparing else "", color)
        view.show_colorbar(not comparing)
        view.set_point_factor(COMPARED_POINTS if comparing else 1.0)
        selected = comparing and index == self.session.selected
        style = FRAME_STYLE.format(width=3 if selected else 0, color=hex_color(run_color(index)))
        if frame.styleSheet() != style:  # a new style sheet polishes and repaints the cell
            frame.setStyleSheet(style)

    def _new_view(self, key: int, picture: type[RunPlot]) -> RunPlot:
        """A picture for the lane `key`, with the shared toggles and scale."""
        view = picture(key)
        view.set_scale(self.scale, self.font_)
        view.set_discretize(self.discretize)
        view.set_truth_visible(self.truth_visible)
        for split in self.hidden_splits:
            view.set_split_visible(split, False)
        view.plot.scene().sigMouseClicked.connect(lambda event: self._clicked(view, event))
        return view

    def _new_cell(self, key: int) -> tuple[RunPlot, QFrame]:
        view = self._new_view(key, BoundaryView)
        frame = QFrame()
        frame.setObjectName("boundaryFrame")
        # the grid's stretch alone sizes a cell: never what its caption or axes ask for
        frame.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
        box = QVBoxLayout(frame)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(view)
        return view, frame

    def _repicture(self, index: int, picture: type[RunPlot]) -> RunPlot:
        """The cell at `index` drawn by a new picture of the kind its run needs."""
        old, frame = self.views[index], self.frames[index]
        view = self._new_view(old.key, picture)
        frame.layout().replaceWidget(old, view)
        old.hide()
        old.setParent(None)
        old.deleteLater()
        self.views[index] = view
        self._dress(index)
        self._show_actions()
        return view

    def _place(self) -> None:
        """Cells in a row (or a column when the space is tall), or a 2 × 2 grid; the rows
        and columns in use share the space equally, those left over by a larger
        comparison get none."""
        n = len(self.frames)
        tall = n == 2 and self.cells.height() > 1.3 * self.cells.width()
        placed = (tuple(view.key for view in self.views), tall)
        if self._placed == placed:
            return
        self._placed = placed
        for frame in self.frames:
            self.grid.removeWidget(frame)
        rows, cols = (1, 1) if n == 1 else (2, 1) if tall else (1, 2) if n == 2 else (2, 2)
        for index, frame in enumerate(self.frames):
            row, col = divmod(index, cols)
            self.grid.addWidget(frame, row, col)
        for row in range(max(self.grid.rowCount(), 2)):
            self.grid.setRowStretch(row, 1 if row < rows else 0)
            self.grid.setRowMinimumHeight(row, 0)
        for col in range(max(self.grid.columnCount(), 2)):
            self.grid.setColumnStretch(col, 1 if col < cols else 0)
            self.grid.setColumnMinimumWidth(col, 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if len(self.frames) == 2:
            self._place()

    def _clicked(self, view: RunPlot, event) -> None:
        if view not in self.views:
            return  # a boundary on its way out
        index = self.views.index(view)
        if index != self.session.selected:
            self.session.select(index)
            event.accept()
        else:
            self.plot_clicked.emit(event)

    def _show_legend(self) -> None:
        self.legend.setText(self.selected_view().legend if self.views else "")

    # ----- drawing -----

    def draw(self, frame: Frame) -> None:
        """Every cell draws its run's snapshot in `frame`, in the picture its run needs."""
        for index, view in enumerate(self.views):
            run = view.run_of(frame)
            if run is not None and type(view) is not picture_for(run.info):
                view = self._repicture(index, picture_for(run.info))
            view.draw(frame)
        self._show_legend()

    # ----- shared toggles -----

    def set_split_visible(self, split: str, visible: bool) -> None:
        (self.hidden_splits.discard if visible else self.hidden_splits.add)(split)
        for view in self.views:
            view.set_split_visible(split, visible)

    def set_truth_visible(self, on: bool) -> None:
        self.truth_visible = on
        for view in self.views:
            view.set_truth_visible(on)

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
