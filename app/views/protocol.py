"""The two kinds of page beside the boundary, and what each must offer.

A live view follows the training: it declares what each snapshot must carry for it
(`needs`, computed by the worker only while the view is on screen) and how often it
redraws (`refresh_hz`); the window calls `set_run` when the selected run starts and hands
the visible view each frame to `draw` (`app.frames.Frame`: the selected run, and every
compared run) at most `refresh_hz` times a second, and whenever the run's state changes.
A page (the chain, sweeps, the gradient check, …) gets the session and follows what it
needs by itself.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtGui import QFont

from deepdials.app.frames import Frame, Products
from deepdials.core.engine.snapshot import RunInfo


@runtime_checkable
class LiveView(Protocol):
    name: str  # for --view and a lesson's lesson.view: one of app.names.VIEWS
    title: str
    needs: Products
    refresh_hz: float

    def set_run(self, info: RunInfo) -> None: ...

    def draw(self, frame: Frame) -> None: ...

    def set_scale(self, scale: float, font: QFont) -> None: ...


class DrawsSelectedRun:
    """`draw` for a live view that shows the selected run only (`show_snapshot`)."""

    def draw(self, frame: Frame) -> None:
        self.show_snapshot(frame.snapshot)


class DrawsComparedRuns:
    """`draw` for a live view that shows every compared run at once (`show_lanes`, with
    the selected run's snapshot), or else the one run (`show_snapshot`)."""

    def draw(self, frame: Frame) -> None:
        if frame.comparing:
            self.show_lanes(list(frame.runs), frame.snapshot)
        else:
            self.show_snapshot(frame.snapshot)


class Page(Protocol):
    name: str
    title: str

    def set_scale(self, scale: float, font: QFont) -> None: ...
