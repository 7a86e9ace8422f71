"""The frame hand-over on the window's side: draw the newest frame, wait for its paint.

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
    def __init__(self, window: QWidget, session: Session, draw: Callable[[], None]):
        super().__init__(window)
        self.window = window
        self.session = session
        self.draw = draw  # draws the session's newest snapshots
        self.drawn: Snapshot | None = None  # the selected run's snapshot last drawn
        self._drawn_number = 0
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
        session = self.session
        drawn = False
        try:
            if session.frame_number != self._drawn_number:
                self._drawn_number = session.frame_number
                self.drawn = session.latest
                self.draw()
                self._frame_times.append(time.perf_counter())
                drawn = True
        finally:
            if drawn and self.window.isVisible() and not self.window.isMinimized():
                self._awaiting_paint = True
            else:
                session.frame_done()

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
