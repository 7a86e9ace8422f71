"""Throttle a stream of values: the first goes at once, then at most one per interval,
and the last one always goes. A slider drag of fifty steps starts a handful of runs and
ends on exactly the value the user let go at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, interval_ms: int, send: Callable[[Any], None], parent=None):
        super().__init__(parent)
        self._send = send
        self._pending: tuple[Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)

    def __call__(self, value: Any) -> None:
        if self._timer.isActive():
            self._pending = (value,)
            return
        self._send(value)
        self._timer.start()

    def _flush(self) -> None:
        if self._pending is not None:
            (value,), self._pending = self._pending, None
            self._send(value)
            self._timer.start()

    def drop(self) -> None:
        """Forget a pending value (a newer, unthrottled change supersedes it)."""
        self._timer.stop()
        self._pending = None

    def flush_now(self) -> None:
        """Send a pending value at once (before a save, a screenshot, a close)."""
        self._timer.stop()
        if self._pending is not None:
            (value,), self._pending = self._pending, None
            self._send(value)
