"""The session: the one owner of the experiments and of the training behind them.

It holds one run's experiment, or the 2 to 4 of a comparison (a lane each: its config,
base folder and any points held in memory, its run id, its newest snapshot); which lane
is selected; the file it came from; playback; the training worker and its thread; and
the frame hand-over between them and the window. The window, the views, the pages and
the tools are handed the session: they change it through its methods and follow it
through its signals, and none of them keeps a copy of a config. The controls show and
edit the selected lane (`config`, `info`, `latest` are the selected lane's).

    config_changed(Config)   the selected lane's config changed (controls show it)
    source_changed(object)   the file the experiment came from (a Path, or None)
    loaded(object)           a config or comparison replaced the experiment (its file, or
                             None): what belonged to the old one (results, speed) goes
    run_started(RunInfo)     a run of the selected lane started
    lanes_changed()          a lane was added, removed, selected, relabelled or restarted
    frame_ready()            a frame newer than the last one drawn is waiting
    playback_changed()       playing, paused, or the run ended
    problem(str)             a message for the user (a refused change, a file fault)
    gradient_progress(int, object) how far the worker's gradient check is
    gradient_checked(int, object)  the worker's answer to `request_gradient_check`

A change of a setting is the user's (`edit`): the keys that depend on it follow and the
whole is checked (`core.config.schema.edit`), so the session never holds a config the
engine refuses. Comparing: `pin` keeps the selected run as it is and the next change
trains a new run beside it, on the same data and seeds. A hot change applies to the
selected lane, or to every lane when `apply_to_all` is on. The config changes at once;
the worker hears of it throttled (a slider drag starts a handful of runs and ends on
exactly the value let go at).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from app.throttle import Throttle
from app.worker import Frame, Products, TrainingWorker
from core.config.compare import MAX_VARIANTS, Comparison, Variant, label_of
from core.config.schema import Config, edit, needs_new_run, value_of, with_value
from core.config.table import MAX_EPOCHS, SETTINGS
from core.data.points import Points
from core.engine.experiment import Experiment
from core.engine.snapshot import RunInfo, Snapshot, Status
from core.errors import InputError

THROTTLE_MS = 80
CLOSE_WAIT_MS = 2000


def continued_limit(epochs: int) -> int:
    """The epoch limit a finished run continues to: twice as many, within the limit."""
    return min(2 * epochs, MAX_EPOCHS)


@dataclass
class Lane:
    """One run of the session: its experiment and what the worker reported of it."""

    key: int
    experiment: Experiment
    label: str | None = None  # given by a comparison file; else what differs from the first
    run_id: int = 0
    info: RunInfo | None = None  # the current run, once it started
    latest: Snapshot | None = None  # its newest snapshot
    submitted: dict[int, Experiment] = field(default_factory=dict)  # by run id
    running: Experiment | None = None  # the experiment of `info`


class Session(QObject):
    config_changed = Signal(object)
    source_changed = Signal(object)
    loaded = Signal(object)
    run_started = Signal(object)
    lanes_changed = Signal()
    frame_ready = Signal()
    playback_changed = Signal()
    problem = Signal(str)
    gradient_progress = Signal(int, object)
    gradient_checked = Signal(int, object)

    def __init__(self, playing: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self._keys = itertools.count(1)
        self.lanes: list[Lane] = [Lane(next(self._keys), Experiment(Config()))]
        self.selected = 0
        self.path: Path | None = None
        self.playing = playing
        self.apply_to_all = False
        self.branching = False  # pinned: the next change trains a new lane
        self.frame_number = 0  # counts the frames with something new to draw
        self.thread = QThread(self)
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.worker.run_started.connect(self._on_run_started)
        self.worker.frame_ready.connect(self._on_frame)
        self.worker.failed.connect(self._on_failed)
        self.worker.gradient_progress.connect(self.gradient_progress)
        self.worker.gradient_checked.connect(self.gradient_checked)
        self._submit_throttled = Throttle(THROTTLE_MS, lambda: self._submit(), self)
        self.thread.start()
        self.worker.set_playing(playing)

    # ----- what the session holds: the selected lane's -----

    @property
    def lane(self) -> Lane:
        return self.lanes[self.selected]

    @property
    def experiment(self) -> Experiment:
        return self.lane.experiment

    @property
    def config(self) -> Config:
        return self.lane.experiment.config

    @property
    def points(self) -> Points | None:
        return self.lane.experiment.points

    @property
    def base_dir(self) -> Path | None:
        return self.lane.experiment.base_dir

    @property
    def run_id(self) -> int:
        return self.lane.run_id

    @property
    def info(self) -> RunInfo | None:
        return self.lane.info

    @property
    def latest(self) -> Snapshot | None:
        return self.lane.latest

    @property
    def status(self) -> Status | None:
        """The selected run's status as last drawn, or None before its first snapshot."""
        return self.latest.status if self.latest is not None else None

    @property
    def comparing(self) -> bool:
        return len(self.lanes) > 1

    def label(self, index: int) -> str:
        lane = self.lanes[index]
        return lane.label or label_of(
            self.lanes[0].experiment.config, lane.experiment.config, index
        )

    def comparison(self) -> Comparison:
        return Comparison(
            tuple(
                Variant(self.label(i), lane.experiment.config) for i, lane in enumerate(self.lanes)
            )
        )

    # ----- changing the experiment -----

    def load(
        self,
        config: Config,
        base_dir: Path | None = None,
        points: Points | None = None,
        path: Path | None = None,
    ) -> None:
        """Make `config` the only experiment (from the file `path`, if any), start a run.
        The selected lane's run goes on until the new one has started (or if it cannot)."""
        lane = self.lane
        lane.experiment, lane.label = Experiment(config, base_dir, points), None
        self._replace_lanes([lane], path)

    def load_comparison(
        self, comparison: Comparison, base_dir: Path | None = None, path: Path | None = None
    ) -> None:
        """Train the variants of a comparison side by side, the first one selected."""
        lanes = [
            Lane(next(self._keys), Experiment(v.config, base_dir), label=v.label)
            for v in comparison.variants
        ]
        self._replace_lanes(lanes, path)

    def _replace_lanes(self, lanes: list[Lane], path: Path | None) -> None:
        self._submit_throttled.drop()
        self.lanes, self.selected, self.branching = lanes, 0, False
        self.path = path
        self.config_changed.emit(self.config)
        self.source_changed.emit(path)
        self.lanes_changed.emit()
        self.loaded.emit(path)
        self._submit(new_runs={lane.key for lane in lanes})

    def edit(self, key: str, value: Any) -> bool:
        """The user set `key` to `value`: apply it, with what follows from it, or refuse it
        with a message naming the key (the controls then show the config as it stays)."""
        try:
            config = edit(self.config, key, value)
        except InputError as exc:
            self.problem.emit(str(exc))
            self.config_changed.emit(self.config)
            return False
        self.set_config(config)
        return True

    def set_config(self, config: Config) -> None:
        """Replace the selected lane's config (already checked): hot changes reach the
        running network at its next step (every lane's with `apply_to_all`), anything else
        starts a new run; after `pin`, the change trains a new lane beside the others."""
        if config == self.config:
            return
        old = self.config
        if self.branching:
            self.branching = False
            experiment = Experiment(config, self.base_dir, self.points)
            self.lanes.append(Lane(next(self._keys), experiment))
            self.selected = len(self.lanes) - 1
            self.config_changed.emit(config)
            self.lanes_changed.emit()
            self._submit()
            return
        hot = not needs_new_run(old, config)
        targets = range(len(self.lanes)) if hot and self.apply_to_all else [self.selected]
        changed = [s.key for s in SETTINGS if value_of(old, s.key) != value_of(config, s.key)]
        for index in targets:
            lane = self.lanes[index]
            mine = config
            if index != self.selected:
                mine = lane.experiment.config
                for key in changed:
                    mine = with_value(mine, key, value_of(config, key))
            lane.experiment = Experiment(mine, lane.experiment.base_dir, lane.experiment.points)
        self.config_changed.emit(config)
        if self.comparing:
            self.lanes_changed.emit()  # the labels say what differs
        self._submit_throttled()

    def set_points(self, points: Points, config: Config) -> None:
        """Train the selected lane on `points` held in memory, with `config` (kind "csv")."""
        self._submit_throttled.drop()
        self.lane.experiment = Experiment(config, self.base_dir, points)
        self.config_changed.emit(config)
        self._submit()

    def saved_as(self, config: Config, path: Path) -> None:
        """The experiment was saved to `path` as `config` (naming the file of its points)."""
        self.lane.experiment = Experiment(config, path.resolve().parent, self.points)
        self.path = path
        self.config_changed.emit(config)
        self.source_changed.emit(path)
        self._submit_throttled()

    def reset(self) -> None:
        """Start every run again from its initial parameters."""
        self._submit_throttled.drop()
        self._submit(new_runs={lane.key for lane in self.lanes})

    # ----- comparing -----

    def pin(self) -> bool:
        """Keep the selected run as it is: the next change trains a new run beside it."""
        if len(self.lanes) >= MAX_VARIANTS:
            self.say(f"At most {MAX_VARIANTS} runs side by side: remove one first.")
            return False
        self.branching = True
        self.say("Pinned. Change a setting: the new run trains beside this one.")
        self.lanes_changed.emit()
        return True

    def select(self, index: int) -> None:
        """Show and edit lane `index` in the controls and the views."""
        if index == self.selected or not 0 <= index < len(self.lanes):
            return
        self.selected = index
        self.branching = False
        self.config_changed.emit(self.config)
        if self.info is not None:
            self.run_started.emit(self.info)
        self.lanes_changed.emit()
        self._submit()  # the views' products come from the new focus
        self.playback_changed.emit()

    def remove(self, index: int) -> None:
        """Stop lane `index` and drop it (the last lane cannot go)."""
        if len(self.lanes) < 2:
            return
        del self.lanes[index]
        self.selected = min(
            self.selected if self.selected < index else self.selected - 1, len(self.lanes) - 1
        )
        self._after_lanes_changed()

    def keep_only(self, index: int) -> None:
        """Make lane `index` the only run again."""
        self.lanes = [self.lanes[index]]
        self.selected = 0
        self._after_lanes_changed()

    def _after_lanes_changed(self) -> None:
        self.branching = False
        self.config_changed.emit(self.config)
        if self.info is not None:
            self.run_started.emit(self.info)
        self.lanes_changed.emit()
        self._submit()

    def set_apply_to_all(self, on: bool) -> None:
        self.apply_to_all = on

    # ----- to the worker -----

    def _submit(self, new_runs: set[int] | None = None) -> None:
        lanes = [(lane.key, lane.experiment) for lane in self.lanes]
        ids = self.worker.submit(lanes, frozenset(new_runs or ()), focus=self.lane.key)
        for lane in self.lanes:
            lane.submitted[ids[lane.key]] = lane.experiment
            if ids[lane.key] != lane.run_id:
                lane.run_id = ids[lane.key]
                lane.latest = None

    def flush(self) -> None:
        """Send a change still held back by the throttle now (before a screenshot)."""
        self._submit_throttled.flush_now()

    def say(self, message: str) -> None:
        """A message for the user, from anyone working on the session."""
        self.problem.emit(message)

    # ----- playback -----

    def set_playing(self, playing: bool) -> None:
        self.playing = playing
        self.worker.set_playing(playing)
        self.playback_changed.emit()

    def toggle_play(self) -> None:
        self.set_playing(not self.playing)

    def playback_action(self) -> tuple[str, str]:
        """What the play button does now: its text and what it will do, in words."""
        status, limit = self.status, self.config.train.epochs
        if status == Status.FINISHED:
            more = continued_limit(limit)
            if more == limit:
                return "Play", f"The run is at the largest epoch limit, {limit:,}"
            return "Continue", f"Train on: the epoch limit goes from {limit:,} to {more:,}"
        if status == Status.DIVERGED:
            return "Play", "Diverged: there is nothing to train on. Reset (R) starts again"
        if status == Status.EARLY_STOPPED:
            return "Play", (
                "Early stopping ended this run and restored its best epoch: switch early "
                "stopping off and press Reset (R) to train on"
            )
        return ("Pause", "Pause training") if self.playing else ("Play", "Train")

    def play_or_continue(self) -> None:
        """Space: pause or play; on a finished run, train on with a higher epoch limit; on a
        run that cannot go on (diverged, early stopped), say why."""
        status = self.status
        if status == Status.FINISHED:
            limit = self.config.train.epochs
            more = continued_limit(limit)
            if more == limit:
                self.say(self.playback_action()[1])
                return
            self.edit("train.epochs", more)
            self.set_playing(True)
        elif status in (Status.DIVERGED, Status.EARLY_STOPPED):
            self.say(self.playback_action()[1])
        else:
            self.toggle_play()

    def step(self) -> None:
        self.playing = False
        self.worker.step()
        self.playback_changed.emit()

    def play_until(self, epoch: int) -> None:
        self.playing = True
        self.worker.play_until(epoch)
        self.playback_changed.emit()

    def set_speed(self, epochs_per_second: float | None) -> None:
        self.worker.set_speed(epochs_per_second)

    def set_products(self, products: Products) -> None:
        self.worker.set_products(products)

    def request_gradient_check(
        self, epsilon: float, plant_bug: int | None, budget: float | None = None
    ) -> None:
        self.flush()  # check the network the controls show, not the one before a throttle
        self.worker.request_gradient_check(epsilon, plant_bug, budget)

    def cancel_gradient_check(self) -> None:
        self.worker.cancel_gradient_check()

    # ----- from the worker -----

    def lane_of(self, run_id: int) -> Lane | None:
        return next((lane for lane in self.lanes if lane.run_id == run_id), None)

    def _on_run_started(self, info: RunInfo) -> None:
        lane = self.lane_of(info.run_id)
        if lane is None:
            return
        lane.info = info
        lane.running = lane.submitted[info.run_id]
        lane.submitted = {k: v for k, v in lane.submitted.items() if k >= info.run_id}
        if lane is self.lane:
            self.run_started.emit(info)
        self.lanes_changed.emit()

    def _on_frame(self, frame: Frame) -> None:
        fresh = False
        ended = False
        for lane in self.lanes:
            snapshot = frame.snapshots.get(lane.key)
            if snapshot is None or snapshot.run_id != lane.run_id:
                continue
            if lane is self.lane:
                ended = lane.latest is None or lane.latest.status != snapshot.status
            lane.latest = snapshot
            fresh = True
        if not fresh:
            self.worker.frame_done()  # a stale frame: nothing to draw, let training go on
            return
        self.frame_number += 1
        self.frame_ready.emit()
        if ended:
            self.playback_changed.emit()

    def _on_failed(self, run_id: int, message: str) -> None:
        self.problem.emit(message)
        lane = self.lane_of(run_id)
        if lane is not None and lane.info is None and self.comparing:
            self.remove(self.lanes.index(lane))  # a new lane that never started goes
        elif lane is not None and lane.info is not None:
            # the run that still exists goes on: show its experiment, hot changes included
            config = lane.latest.config if lane.latest is not None else lane.info.config
            lane.run_id = lane.info.run_id
            running = lane.running
            lane.experiment = Experiment(config, running.base_dir, running.points)
            if lane is self.lane:
                self.config_changed.emit(config)
            self.lanes_changed.emit()

    def frame_done(self) -> None:
        """The window drew the latest frame (or will not): the worker may train on."""
        self.worker.frame_done()

    # ----- the end -----

    def close(self) -> None:
        """Stop the worker and join its thread (training stops between slices)."""
        self._submit_throttled.drop()
        self.worker.stop()
        self.thread.quit()
        if not self.thread.wait(CLOSE_WAIT_MS):
            self.thread.wait()  # never destroy a running thread
