"""The two kinds of page beside the boundary, and what each must offer.

A live view follows the training: it declares what each snapshot must carry for it
(`needs`, computed by the worker only while the view is on screen) and how often it
redraws (`refresh_hz`); the window calls `set_run` when a run starts and `show_snapshot`
on the visible view at most `refresh_hz` times a second, and whenever the run's state
changes. A page (the chain, sweeps, the gradient check, …) gets the session and follows
what it needs by itself.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable

from PySide6.QtGui import QFont

from app.worker import Products
from core.engine.snapshot import RunInfo, Snapshot


@runtime_checkable
class LiveView(Protocol):
    name: str  # for --view and a lesson's lesson.view: one of app.names.VIEWS
    title: str
    needs: Products
    refresh_hz: float

    def set_run(self, info: RunInfo) -> None: ...

    def show_snapshot(self, snapshot: Snapshot) -> None: ...

    def set_scale(self, scale: float, font: QFont) -> None: ...


class Page(Protocol):
    name: str
    title: str

    def set_scale(self, scale: float, font: QFont) -> None: ...


class ComparedRun(NamedTuple):
    """One compared run as a view draws it."""

    label: str
    color: tuple[int, int, int]
    snapshot: Snapshot
    info: RunInfo


@runtime_checkable
class ComparedView(LiveView, Protocol):
    """A live view that draws every compared run at once, in the session's order, with
    the selected run's snapshot."""

    def show_lanes(self, lanes: list[ComparedRun], selected: Snapshot) -> None: ...
