"""The session: the experiment, one run's or the 2 to 4 of a comparison, and its mirror
of the training worker.

It owns the experiment: a lane per run (its config, base folder and any points held in
memory, a label from a comparison file), which lane is selected, the file it came from,
and whether the next change trains a new run. The training worker owns the runs: their
ids, playing or paused, each run's status, the speed and the epoch to stop at. The
session only mirrors what the worker tells (a run added or removed, its state, frames),
so nothing is held in two places. The window, the views, the pages and the tools are
handed the session: they change it through its methods and follow it through its
signals, and none of them keeps a copy of a config. The controls show and edit the
selected lane (`config`, `info`, `latest` are the selected lane's).

    config_changed(Config)   the selected lane's config changed (controls show it)
    source_changed(object)   the file the experiment came from (a Path, or None)
    loaded(object)           a config or comparison replaced the experiment (its file, or
                             None): what belonged to the old one (results, speed) goes
    run_started(RunInfo)     a run of the selected lane started
    lanes_changed()          a lane was added, removed, selected, relabelled or restarted
    frame_ready(Frame)       a frame newer than the last one drawn (`app.frames.Frame`)
    playback_changed()       playing, paused, or the selected run's status changed
    problem(str)             a message for the user (a refused change, a file fault)
    notice_changed(str)      a message that holds while it is true ("" when it ends)
    gradient_progress(int, object) how far the worker's gradient check is
    gradient_checked(int, object)  the worker's answer to `request_gradient_check`
    run_kept(int, object)    a run whose end was to be kept ended: its lane's key and a
                             copy of its state (`show_step`)

A change of a setting is the user's (`edit`): the keys that depend on it follow and the
whole is checked (`core.config.schema.edit`), so the session never holds a config the
engine refuses. Whether it needs a new run is asked once, here (`Experiment.needs_new_run`),
and the worker is told. A hot change applies to the selected lane, or to every lane when
`apply_to_all` is on; on a run that has ended (finished, early stopped, diverged) it
starts the run again with the new value, so its boundary and curves show it (raising the
epoch limit continues it instead). Comparing: `pin` keeps the selected run as it is and
the next change trains a new run beside it, on the same data and seeds; from then on
every structural change adds a run until there are four, then changes the selected one
(further values of the setting that made a run, as a slider drag gives, change that run).
The config changes at once; the worker hears of it throttled (a slider drag starts a
handful of runs and ends on exactly the value let go at).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from deepdials.app.frames import Frame, Products, ShownRun, WorkerState
from deepdials.app.style.palette import run_color
from deepdials.app.throttle import Throttle
from deepdials.app.worker import TrainingWorker
from deepdials.core.config.compare import MAX_VARIANTS, Comparison, Variant, label_of
from deepdials.core.config.schema import Config, edit, value_of, with_value
from deepdials.core.config.table import MAX_EPOCHS, SETTINGS
from deepdials.core.data.points import Points
from deepdials.core.engine.edits import ParamRef, edits_text
from deepdials.core.engine.experiment import Experiment
from deepdials.core.engine.snapshot import RunInfo, Snapshot, Status
from deepdials.core.engine.state import RunState
from deepdials.core.errors import InputError
from deepdials.core.probes.surface import Surface

THROTTLE_MS = 80
CLOSE_WAIT_MS = 2000
ENDED = (Status.FINISHED, Status.EARLY_STOPPED, Status.DIVERGED)
PINNED = "Pinned. Change a setting: the new run trains beside this one."
UNCHANGED = label_of(Config(), Config(), 1)  # what label_of says of no change


def continued_limit(epochs: int) -> int:
    """The epoch limit a finished run continues to: twice as many, within the limit."""
    return min(2 * epochs, MAX_EPOCHS)


@dataclass
class Lane:
    """One run of the experiment: what it trains, and the label a comparison file gave it
    (with `origin`, the config it had then: a change since is added to the label)."""

    key: int
    experiment: Experiment
    label: str | None = None
    origin: Config | None = None


@dataclass(frozen=True)
class StepRun:
    """A run of a lesson step (`Session.show_step`): its label and config, the state it
    goes on from (None: from epoch 0), and whether its end is kept (`run_kept`)."""

    label: str
    config: Config
    start: RunState | None = None
    keep: bool = False


@dataclass
class RunMirror:
    """What the worker told of a lane's run: its data, its newest snapshot and surface."""

    info: RunInfo
    latest: Snapshot | None = None
    surface: Surface | None = None


class Session(QObject):
    config_changed = Signal(object)
    source_changed = Signal(object)
    loaded = Signal(object)
    run_started = Signal(object)
    lanes_changed = Signal()
    frame_ready = Signal(object)
    playback_changed = Signal()
    problem = Signal(str)
    notice_changed = Signal(str)
    gradient_progress = Signal(int, object)
    gradient_checked = Signal(int, object)
    run_kept = Signal(int, object)

    def __init__(self, playing: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self._keys = itertools.count(1)
        first = Experiment(Config())
        self.lanes: list[Lane] = [Lane(next(self._keys), first, origin=first.config)]
        self.selected = 0
        self.path: Path | None = None
        self.apply_to_all = False
        self.branching = False  # pinned: the next change trains a new lane
        self.growing = False  # compared after a pin: a structural change adds a lane
        self.notice = ""  # the message that holds while it is true
        self._made: tuple[int, frozenset[str]] | None = None  # (lane key, keys that made it)
        self._restart: set[int] = set()  # lanes whose next submission starts a new run
        self._runs: dict[int, RunMirror] = {}  # by lane key, as the worker told
        self._state = WorkerState()  # as the worker told
        self.thread = QThread(self)
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.worker.run_added.connect(self._on_run_added)
        self.worker.run_removed.connect(self._on_run_removed)
        self.worker.state_changed.connect(self._on_state)
        self.worker.frame_ready.connect(self._on_frame)
        self.worker.failed.connect(self._on_failed)
        self.worker.gradient_progress.connect(self.gradient_progress)
        self.worker.gradient_checked.connect(self.gradient_checked)
        self.worker.run_kept.connect(self.run_kept)
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
        """The id of the selected lane's run, as the worker handed it out (0: none)."""
        return self.run_id_of(self.selected)

    @property
    def info(self) -> RunInfo | None:
        return self.info_of(self.selected)

    @property
    def latest(self) -> Snapshot | None:
        return self.latest_of(self.selected)

    @property
    def playing(self) -> bool:
        """Whether the worker trains (as it last told)."""
        return self._state.playing

    @property
    def status(self) -> Status | None:
        """The selected run's status as last drawn, or None before its first snapshot."""
        return self.latest.status if self.latest is not None else None

    @property
    def comparing(self) -> bool:
        return len(self.lanes) > 1

    def run_id_of(self, index: int) -> int:
        return self.worker.run_id(self.lanes[index].key) or 0

    def info_of(self, index: int) -> RunInfo | None:
        """The data of lane `index`'s run: the one trained now (a new one once it started)."""
        mirror = self._runs.get(self.lanes[index].key)
        return mirror.info if mirror is not None else None

    def latest_of(self, index: int) -> Snapshot | None:
        """The newest snapshot of lane `index`'s current run (None once a new one is asked)."""
        mirror = self._current(self.lanes[index].key)
        return mirror.latest if mirror is not None else None

    def _current(self, key: int) -> RunMirror | None:
        """The mirror of the lane's run, if it is the run the lane trains now."""
        mirror = self._runs.get(key)
        if mirror is None or mirror.info.run_id != self.worker.run_id(key):
            return None
        return mirror

    def label(self, index: int) -> str:
        """What the run is: its file's label, or what differs from the first run; with
        what changed since it joined, for the first run and a run labelled by its file."""
        lane = self.lanes[index]
        config = lane.experiment.config
        if lane.label is None and index > 0:
            return label_of(self.lanes[0].experiment.config, config, index)
        name = lane.label or "base"
        origin = lane.origin or config
        changed = label_of(origin, config, 1)
        if changed == UNCHANGED:
            return name
        return f"{lane.label}, {changed}" if lane.label else changed

    def comparison(self) -> Comparison:
        return Comparison(
            tuple(
                Variant(self.label(i), lane.experiment.config) for i, lane in enumerate(self.lanes)
            )
        )

    def frame(self) -> Frame:
        """The newest snapshots the worker sent, of every lane's current run."""
        runs = []
        selected = None
        for index, lane in enumerate(self.lanes):
            mirror = self._current(lane.key)
            if mirror is None or mirror.latest is None:
                continue
            label, color = self.label(index), run_color(index)
            if mirror.latest.edits:
                label = f"{label}, {edits_text(mirror.latest.edits)}"
            shown = ShownRun(
                label, color, mirror.latest, mirror.info, index, lane.key, mirror.surface
            )
            runs.append(shown)
            if index == self.selected:
                selected = shown
        return Frame(tuple(runs), selected, self.comparing, self.playing)

    def is_current(self, frame: Frame) -> bool:
        """Whether `frame` shows the lanes as they are: every run in its place and current
        (a frame handed over before a change of the runs is not drawn)."""
        return frame.comparing == self.comparing and all(
            run.index < len(self.lanes)
            and self.lanes[run.index].key == run.key
            and self.worker.run_id(run.key) == run.info.run_id
            for run in frame.runs
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
        lane.origin = config
        self._replace_lanes([lane], path)

    def load_comparison(
        self, comparison: Comparison, base_dir: Path | None = None, path: Path | None = None
    ) -> None:
        """Train the variants of a comparison side by side, the first one selected."""
        lanes = [
            Lane(next(self._keys), Experiment(v.config, base_dir), v.label, v.config)
            for v in comparison.variants
        ]
        self._replace_lanes(lanes, path)

    def _replace_lanes(self, lanes: list[Lane], path: Path | None) -> None:
        self._submit_throttled.drop()
        self.lanes, self.selected = lanes, 0
        self._end_comparing_moves()
        self.growing = False
        self.path = path
        self._restart |= {lane.key for lane in lanes}
        self.config_changed.emit(self.config)
        self.source_changed.emit(path)
        self.lanes_changed.emit()
        self.loaded.emit(path)
        if self._restart:  # a lesson's first step (show_step) has sent its runs already
            self._submit()

    def show_step(self, runs: list[StepRun], selected: int) -> None:
        """Make `runs` the experiment's runs, each a lane of its own with its label (a
        lesson's step), `selected` selected; the file, its folder and any points stay."""
        self._submit_throttled.drop()
        base_dir, points = self.base_dir, self.points
        # the lanes there are go on with new runs (their cells stay), and more are added
        keys = [lane.key for lane in self.lanes[: len(runs)]]
        keys += [next(self._keys) for _ in range(len(runs) - len(keys))]
        self.lanes = [
            Lane(key, Experiment(run.config, base_dir, points), run.label, run.config)
            for key, run in zip(keys, runs)
        ]
        self.selected = selected
        self._end_comparing_moves()
        self.growing = False
        self._restart = set(keys)
        self.config_changed.emit(self.config)
        self.lanes_changed.emit()
        self._submit(
            starts={key: run.start for key, run in zip(keys, runs) if run.start is not None},
            keep=frozenset(key for key, run in zip(keys, runs) if run.keep),
        )

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
        """Replace the selected lane's config (already checked). A hot change reaches the
        running network at its next step (every lane's with `apply_to_all`) and starts an
        ended one again; anything else starts a new run. After `pin`, the change trains a
        new lane beside the others; comparing after a pin, so does a structural change, up
        to four lanes (see the module docstring)."""
        if config == self.config:
            return
        old = self.lane.experiment
        new = Experiment(config, old.base_dir, old.points)
        structural = old.needs_new_run(new)
        changed = frozenset(
            s.key for s in SETTINGS if value_of(old.config, s.key) != value_of(config, s.key)
        )
        made_here = self._made == (self.lane.key, changed)
        if self.branching or (
            structural and self.growing and not made_here and len(self.lanes) < MAX_VARIANTS
        ):
            self._add_lane(new, changed)
            return
        if not made_here:
            self._made = None
        targets = range(len(self.lanes)) if self.apply_to_all and not structural else []
        for index in targets or [self.selected]:
            lane = self.lanes[index]
            mine = config
            if index != self.selected:
                mine = lane.experiment.config
                for key in changed:
                    mine = with_value(mine, key, value_of(config, key))
            ended = self._status_of(lane.key) in ENDED and changed != {"train.epochs"}
            if structural or ended:
                self._restart.add(lane.key)
            lane.experiment = Experiment(mine, lane.experiment.base_dir, lane.experiment.points)
        self.config_changed.emit(config)
        if self.comparing:
            self.lanes_changed.emit()  # the labels say what differs
        self._submit_throttled()

    def _add_lane(self, experiment: Experiment, made_by: frozenset[str]) -> None:
        """A new lane beside the others, selected, training `experiment`."""
        self._submit_throttled.drop()
        lane = Lane(next(self._keys), experiment, origin=experiment.config)
        self.lanes.append(lane)
        self.selected = len(self.lanes) - 1
        self._end_comparing_moves()
        self._made = (lane.key, made_by)
        self.config_changed.emit(experiment.config)
        self.lanes_changed.emit()
        self._submit()

    def set_points(self, points: Points, config: Config) -> None:
        """Train the selected lane on `points` held in memory, with `config` (kind "csv")."""
        self._submit_throttled.drop()
        self.lane.experiment = Experiment(config, self.base_dir, points)
        self._restart.add(self.lane.key)
        self.config_changed.emit(config)
        self._submit()

    def saved_as(self, config: Config, path: Path) -> None:
        """The experiment was saved to `path` as `config` (naming the file of its points)."""
        saved = Experiment(config, path.resolve().parent, self.points)
        if self.experiment.needs_new_run(saved):
            self._restart.add(self.lane.key)
        self.lane.experiment = saved
        self.path = path
        self.config_changed.emit(config)
        self.source_changed.emit(path)
        self._submit_throttled()

    def reset(self) -> None:
        """Start every run again from its initial parameters."""
        self._submit_throttled.drop()
        self._restart |= {lane.key for lane in self.lanes}
        self._submit()

    # ----- comparing -----

    def pin(self) -> bool:
        """Keep the selected run as it is: the next change trains a new run beside it."""
        if len(self.lanes) >= MAX_VARIANTS:
            self._set_notice(f"At most {MAX_VARIANTS} runs side by side: remove one first.")
            return False
        self.branching = self.growing = True
        self._made = None
        self._set_notice(PINNED)
        self.lanes_changed.emit()
        return True

    def select(self, index: int) -> None:
        """Show and edit lane `index` in the controls and the views."""
        if index == self.selected or not 0 <= index < len(self.lanes):
            return
        self.selected = index
        self._after_lanes_changed()  # the views' products come from the new focus

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
        """The lanes or the selected one changed: the controls, the views and the worker
        follow; a pin ends, and with one run left so does growing."""
        self._end_comparing_moves()
        self.growing = self.growing and self.comparing
        self.config_changed.emit(self.config)
        if self.info is not None:
            self.run_started.emit(self.info)
        self.lanes_changed.emit()
        self._submit()
        self.playback_changed.emit()

    def _end_comparing_moves(self) -> None:
        """A pin ends (and its message) once a lane is added, selected or removed."""
        self.branching = False
        self._made = None
        self._set_notice("")

    def _set_notice(self, text: str) -> None:
        if text != self.notice:
            self.notice = text
            self.notice_changed.emit(text)

    def set_apply_to_all(self, on: bool) -> None:
        self.apply_to_all = on

    # ----- to the worker -----

    def _submit(
        self, starts: dict[int, RunState] | None = None, keep: frozenset[int] = frozenset()
    ) -> None:
        """Send the lanes to the worker, with the runs to start afresh (`_restart`), and
        for a lesson's step the runs it starts from (`starts`) and keeps (`keep`)."""
        lanes = [(lane.key, lane.experiment) for lane in self.lanes]
        restart = frozenset(self._restart)
        self._restart.clear()
        self.worker.submit(lanes, restart, focus=self.lane.key, starts=starts, keep=keep)

    def flush(self) -> None:
        """Send a change still held back by the throttle now (before a screenshot)."""
        self._submit_throttled.flush_now()

    def say(self, message: str) -> None:
        """A message for the user, from anyone working on the session."""
        self.problem.emit(message)

    # ----- playback: the worker's -----

    def set_playing(self, playing: bool) -> None:
        self.worker.set_playing(playing)

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
        """One epoch of every run, then pause."""
        self.worker.step()

    def play_until(self, epoch: int) -> None:
        self.worker.play_until(epoch)

    def set_speed(self, epochs_per_second: float | None) -> None:
        self.worker.set_speed(epochs_per_second)

    def set_products(self, products: Products) -> None:
        self.worker.set_products(products)

    def request_gradient_check(
        self,
        epsilon: float,
        plant_bug: int | None,
        budget: float | None = None,
        dropout_on: bool = False,
    ) -> None:
        self.flush()  # check the network the controls show, not the one before a throttle
        self.worker.request_gradient_check(epsilon, plant_bug, budget, dropout_on)

    def cancel_gradient_check(self) -> None:
        self.worker.cancel_gradient_check()

    # ----- hand edits of the selected run's θ: the worker's -----

    def edit_parameter(self, run_id: int, ref: ParamRef, value: float) -> None:
        """Give one weight or bias of the selected run this value, if it is still run
        `run_id` (the one the view showed): training pauses, the next frame shows it."""
        if run_id == self.run_id:
            self.worker.edit_parameter(self.lane.key, run_id, ref, value)

    def undo_edit(self, run_id: int) -> None:
        """Take the selected run's last hand edit back (if it is still run `run_id`)."""
        if run_id == self.run_id:
            self.worker.undo_edit(self.lane.key, run_id)

    def edited(self) -> bool:
        """Whether a run shown now has weights set by hand."""
        latest = (self.latest_of(i) for i in range(len(self.lanes)))
        return any(snapshot is not None and snapshot.edits for snapshot in latest)

    # ----- from the worker -----

    def _index_of(self, key: int) -> int | None:
        return next((i for i, lane in enumerate(self.lanes) if lane.key == key), None)

    def _status_of(self, key: int) -> Status | None:
        run_id, status = self._state.runs.get(key, (None, None))
        return status if run_id == self.worker.run_id(key) else None

    def _on_run_added(self, key: int, info: RunInfo) -> None:
        self._runs[key] = RunMirror(info)
        index = self._index_of(key)
        if index is None:
            return
        if index == self.selected:
            self.run_started.emit(info)
        self.lanes_changed.emit()

    def _on_run_removed(self, key: int, run_id: int) -> None:
        mirror = self._runs.get(key)
        if mirror is not None and mirror.info.run_id == run_id:
            del self._runs[key]
            if self._index_of(key) is not None:
                self.lanes_changed.emit()

    def _on_state(self, state: WorkerState) -> None:
        key, before = self.lane.key, self._state
        self._state = state
        if state.playing != before.playing or state.runs.get(key) != before.runs.get(key):
            self.playback_changed.emit()

    def _on_frame(self, snapshots: dict[int, Snapshot]) -> None:
        fresh = False
        ended = False
        for index, lane in enumerate(self.lanes):
            snapshot = snapshots.get(lane.key)
            mirror = self._current(lane.key)
            if snapshot is None or mirror is None or snapshot.run_id != mirror.info.run_id:
                continue
            if index == self.selected:
                ended = mirror.latest is None or mirror.latest.status != snapshot.status
            mirror.latest = snapshot
            mirror.surface = snapshot.surface or mirror.surface
            fresh = True
        if not fresh:
            self.worker.frame_done()  # a stale frame: nothing to draw, let training go on
            return
        self.frame_ready.emit(self.frame())
        if ended:
            self.playback_changed.emit()

    def _on_failed(self, key: int, message: str) -> None:
        self.problem.emit(message)
        index = self._index_of(key)
        if index is None:
            return
        experiment = self.worker.experiment(key)
        if experiment is None:
            if self.comparing:
                self.remove(index)  # a lane with no run to show goes
            return
        # the run that goes on is shown as it trains, hot changes included
        self.lanes[index].experiment = experiment
        if index == self.selected:
            self.config_changed.emit(experiment.config)
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
