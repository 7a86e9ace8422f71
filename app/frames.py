"""What the worker tells and what the views draw: plain data, no Qt, no worker.

Products      what a snapshot carries beyond the surface (asked by the views shown)
WorkerState   playing or paused, and each run's id and status (the worker's event)
ShownRun      one run as a view draws it: label, colour, snapshot, data
Frame         every run that has a snapshot, in the session's order, and the selected
CheckProgress, CheckStopped   a gradient check under way, or one that ended unanswered
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status
from deepdials.core.probes.layer_space import LayerSpaceRequest
from deepdials.core.probes.surface import Surface


@dataclass(frozen=True)
class Products:
    """What each snapshot carries beyond the surface: what the views on screen draw."""

    layers: bool = False  # per-layer statistics (a probe pass)
    neurons: bool = False  # each shown unit's output over the plane (the diagram)
    layer_space: LayerSpaceRequest | None = None  # the plane in two units of a layer


@dataclass(frozen=True)
class WorkerState:
    """Playback as the worker has it: `playing`, and every run's (run id, status) by the
    key of the lane it trains for."""

    playing: bool = False
    runs: dict[int, tuple[int, Status]] = field(default_factory=dict)


class ShownRun(NamedTuple):
    """One run as a view draws it: `index` is its place in the session's runs; `surface`
    its newest decision surface (a snapshot taken between two surfaces carries none)."""

    label: str
    color: tuple[int, int, int]
    snapshot: Snapshot
    info: RunInfo
    index: int = 0
    key: int = 0  # the lane's, in the session
    surface: Surface | None = None


@dataclass(frozen=True)
class Frame:
    """Every run that has a snapshot of its current run, in the session's order, and the
    selected one (None while it has none); `comparing` when more than one run is shown."""

    runs: tuple[ShownRun, ...]
    selected: ShownRun | None
    comparing: bool
    playing: bool

    @property
    def snapshot(self) -> Snapshot | None:
        return self.selected.snapshot if self.selected is not None else None


@dataclass(frozen=True)
class CheckProgress:
    """How far a gradient check is, of the network as it was at `epoch`."""

    done: int
    planned: int
    seconds: float
    seconds_left: float | None  # a guess at the pace so far; None before the first
    epoch: int


@dataclass(frozen=True)
class CheckStopped:
    """A gradient check that ended without an answer: `reason` says why."""

    reason: str
    done: int
    planned: int
