"""The frame hand-over on the window's side: draw the newest snapshot, wait for its paint.

Drawing only updates the plot items; Qt paints them in its next update pass
(QEvent.UpdateRequest on the window). The worker waits for that paint too, or it would
race it for the GIL: so the renderer tells the session a frame is done only once the
window has painted it. A window that will not paint (hidden, minimized) or a frame with
nothing new lets the worker go on at once.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.session import Session
from core.engine.snapshot import Snapshot


class Renderer(QObject):
    def __init__(self, window: QWidget, session: Session, draw: Callable[[Snapshot], None]):
        super().__init__(window)
        self.window = window
        self.session = session
        self.draw = draw
        self.drawn: Snapshot | None = None
        self._awaiting_paint = False
        self._frame_times: deque[float] = deque(maxlen=120)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render)
        self._painted_timer = QTimer(self)
        self._painted_timer.setSingleShot(True)
        self._painted_timer.setInterval(0)
        self._painted_timer.timeout.connect(self._frame_painted)
        session.frame_ready.connect(lambda: self._render_timer.start(0))
        window.installEventFilter(self)

    def _render(self) -> None:
        snapshot = self.session.latest
        drawn = False
        try:
            if snapshot is not None and snapshot is not self.drawn and self._current(snapshot):
                self.drawn = snapshot
                self.draw(snapshot)
                self._frame_times.append(time.perf_counter())
                drawn = True
        finally:
            if drawn and self.window.isVisible() and not self.window.isMinimized():
                self._awaiting_paint = True
            else:
                self.session.frame_done()

    def _current(self, snapshot: Snapshot) -> bool:
        info = self.session.info
        return info is not None and snapshot.run_id == info.run_id

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.UpdateRequest and self._awaiting_paint:
            # plots repaint through queued scene updates, which may post another update:
            # the worker goes on once those have run too
            self._painted_timer.start()
        return False

    def _frame_painted(self) -> None:
        if self._awaiting_paint:
            self._awaiting_paint = False
            self.session.frame_done()

    def stop(self) -> None:
        self._render_timer.stop()

    def frames_per_second(self) -> float:
        cutoff = time.perf_counter() - 1.0
        times = [t for t in self._frame_times if t > cutoff]
        return len(times) / (times[-1] - times[0]) if len(times) > 1 else 0.0
