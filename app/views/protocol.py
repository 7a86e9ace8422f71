"""What a tab beside the boundary must offer the window.

The window calls `set_run` on every view when a run starts, and `show_snapshot` on the
visible one only, every `refresh_every`-th frame (and on every change of the run's
state). A view that draws per-layer statistics sets `wants_layers`, one that draws each
unit's output `wants_neurons`; the worker computes them only while such a view is on
screen.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QFont

from app.worker import RunInfo
from core.engine.run import Snapshot


class View(Protocol):
    title: str
    wants_layers: bool
    wants_neurons: bool
    refresh_every: int

    def set_run(self, info: RunInfo) -> None: ...

    def show_snapshot(self, snapshot: Snapshot) -> None: ...

    def set_scale(self, scale: float, font: QFont) -> None: ...
