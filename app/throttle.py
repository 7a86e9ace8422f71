"""Throttle a stream of changes: the first goes at once, then at most one per interval,
and the last one always goes. A slider drag of fifty steps starts a handful of runs and
ends on exactly the value the user let go at. `send` reads the state as it is when it
runs, so only the fact that something changed is held back, never a copy of it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, interval_ms: int, send: Callable[[], None], parent=None):
        super().__init__(parent)
        self._send = send
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)

    def __call__(self) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._send()
        self._timer.start()

    def _flush(self) -> None:
        if self._pending:
            self._pending = False
            self._send()
            self._timer.start()

    def drop(self) -> None:
        """Forget a pending change (a newer, unthrottled one supersedes it)."""
        self._timer.stop()
        self._pending = False

    def flush_now(self) -> None:
        """Send a pending change at once (before a save, a screenshot, a close)."""
        self._timer.stop()
        if self._pending:
            self._pending = False
            self._send()
