"""The views and pages beside the boundary: one shown at a time, each one click away.

Every page has a `name` (what `--view` and a lesson's `lesson.view` use) and a `title`
(what its button in the views toolbar says). The visible live view is drawn at most its
`refresh_hz` times a second; a frame that skips it starts a short timer, so that once
frames stop (paused, finished) the view is brought up to the session's newest frame.
Switching views tells the session what the new one needs from each snapshot, and so does
a live view whose needs change while it is shown (`needs_changed`, a picker). A new run
reaches the visible live view at once and a hidden one when it is shown (a storm of
control changes starts a run every few frames: only what is on screen follows each one).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont
from PySide6.QtWidgets import QStackedWidget, QWidget

from deepdials.app.frames import Frame, Products
from deepdials.app.session import Session
from deepdials.app.views.protocol import LiveView, Page
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status

SETTLE_MS = 150


class ViewStack(QStackedWidget):
    page_changed = Signal(str)  # the name of the page now shown

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.pages: list[LiveView | Page] = []
        self.actions_group = QActionGroup(self)
        self.actions_group.setExclusive(True)
        self._drawn_at: dict[int, float] = {}
        self._shown: tuple[Snapshot, ...] = ()  # the snapshots the visible view shows
        self._info: RunInfo | None = None  # the current run
        self._stale: set[int] = set()  # ids of the live pages that have not seen it yet
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.catch_up)
        self.currentChanged.connect(self._on_current_changed)

    def add(self, page: LiveView | Page) -> None:
        index = len(self.pages)
        self.pages.append(page)
        action = QAction(page.title, self)
        action.setCheckable(True)
        action.setToolTip(f"Show {page.title} beside the boundary")
        action.triggered.connect(lambda _=False, i=index: self.setCurrentIndex(i))
        self.actions_group.addAction(action)
        self.addWidget(page)
        if hasattr(page, "needs_changed"):
            page.needs_changed.connect(lambda p=page: self._on_needs_changed(p))

    def actions_list(self) -> list[QAction]:
        return self.actions_group.actions()

    def current(self) -> LiveView | Page:
        return self.pages[self.currentIndex()]

    def show_page(self, name: str) -> bool:
        """Bring the page with this name (or title) to the front; False when there is none."""
        for index, page in enumerate(self.pages):
            if name.lower() in (page.name, page.title.lower()):
                self.setCurrentIndex(index)
                return True
        return False

    def names(self) -> list[str]:
        return [page.name for page in self.pages]

    def needs(self) -> Products:
        page = self.current()
        return page.needs if is_live(page) else Products()

    def minimumSizeHint(self) -> QSize:
        """Room for the largest page: every page fits whichever is shown."""
        hints = [page.minimumSizeHint() for page in self.pages]
        return QSize(max(h.width() for h in hints), max(h.height() for h in hints))

    # ----- drawing -----

    def set_run(self, info: RunInfo) -> None:
        self._shown = ()
        self._info = info
        self._stale = {id(page) for page in self.pages if is_live(page)}
        self._bring_up_to_date(self.current())

    def _bring_up_to_date(self, page: LiveView | Page) -> None:
        if id(page) in self._stale and self._info is not None:
            self._stale.discard(id(page))
            page.set_run(self._info)

    def draw(self, frame: Frame) -> None:
        """Called with every drawn frame: redraw the visible view if it is due."""
        page = self.current()
        if not is_live(page) or frame.selected is None:
            return
        now = time.perf_counter()
        due = now - self._drawn_at.get(id(page), 0.0) >= 1.0 / page.refresh_hz
        if due or frame.snapshot.status != Status.RUNNING or not self._shown:
            self._show(page, frame, now)
        else:
            self._settle.start()

    def catch_up(self) -> None:
        """Show the session's newest frame in the visible view, if it has what the view
        needs and the view does not show it yet."""
        page = self.current()
        frame = self.session.frame()
        if not is_live(page) or frame.selected is None or _same(self._shown, frame):
            return
        if frame.snapshot.layers is not None or not page.needs.layers:
            self._show(page, frame, time.perf_counter())

    def redraw(self) -> None:
        """Draw the newest frame again in the visible view (after a change of scale)."""
        self._shown = ()
        self.catch_up()

    def _show(self, page: LiveView, frame: Frame, now: float) -> None:
        page.draw(frame)
        self._drawn_at[id(page)] = now
        self._shown = tuple(run.snapshot for run in frame.runs)

    def _on_needs_changed(self, page: LiveView) -> None:
        if page is self.current():
            self.session.set_products(self.needs())

    def _on_current_changed(self, index: int) -> None:
        self._bring_up_to_date(self.pages[index])
        self.actions_group.actions()[index].setChecked(True)
        self.session.set_products(self.needs())
        self._shown = ()
        self.catch_up()
        self.page_changed.emit(self.pages[index].name)

    def set_scale(self, scale: float, font: QFont) -> None:
        """A hidden page's layout keeps what it measured under the old font until it is
        shown: each measures again now, so the stack's minimum is true at once."""
        for page in self.pages:
            page.set_scale(scale, font)
            if page.layout() is not None:
                page.layout().invalidate()
                page.layout().activate()
        self.updateGeometry()


def is_live(page: LiveView | Page) -> bool:
    return isinstance(page, LiveView)


def _same(shown: tuple[Snapshot, ...], frame: Frame) -> bool:
    """Whether `frame` holds exactly the snapshots shown."""
    runs = frame.runs
    return len(shown) == len(runs) and all(a is b.snapshot for a, b in zip(shown, runs))
