"""The frame hand-over on the window's side: draw the newest frame, wait for its paint.

The session hands each frame over as it comes (`Session.frame_ready`); the renderer keeps
only the newest one not yet drawn and hands it to `draw` at the next turn of the event
loop (or, if the runs changed meanwhile, the session's newest of the runs as they are).

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

from deepdials.app.frames import Frame
from deepdials.app.session import Session


class Renderer(QObject):
    def __init__(self, window: QWidget, session: Session, draw: Callable[[Frame], None]):
        super().__init__(window)
        self.window = window
        self.session = session
        self.draw = draw
        self._pending: Frame | None = None  # handed over, not drawn yet
        self._awaiting_paint = False
        self._frame_times: deque[float] = deque(maxlen=120)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render)
        self._painted_timer = QTimer(self)
        self._painted_timer.setSingleShot(True)
        self._painted_timer.setInterval(0)
        self._painted_timer.timeout.connect(self._frame_painted)
        session.frame_ready.connect(self._hand_over)
        window.installEventFilter(self)

    def _hand_over(self, frame: Frame) -> None:
        self._pending = frame
        self._render_timer.start(0)

    def _render(self) -> None:
        frame, self._pending = self._pending, None
        if frame is not None and not self.session.is_current(frame):
            frame = self.session.frame()  # the runs changed since: their newest snapshots
        drawn = False
        try:
            if frame is not None:
                self.draw(frame)
                self._frame_times.append(time.perf_counter())
                drawn = True
        finally:
            if drawn and self.window.isVisible() and not self.window.isMinimized():
                self._awaiting_paint = True
            else:
                self.session.frame_done()

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
