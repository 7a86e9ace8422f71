"""The session: the one owner of the current experiment and of the training behind it.

It holds the current config (with its base folder, and any points held in memory), the
file it came from, playback, the run ids, the training worker and its thread, and the
frame hand-over between them and the window. The window, the views, the pages and the
tools are handed the session: they change it through its methods and follow it through
its signals, and none of them keeps a copy of the config.

    config_changed(Config)   the current config changed (controls show it)
    source_changed(object)   the file the experiment came from (a Path, or None)
    run_started(RunInfo)     a run of the current experiment started
    frame_ready()            a snapshot newer than the last one drawn is waiting
    playback_changed()       playing, paused, or the run ended
    problem(str)             a message for the user (a refused change, a file fault)
    gradient_checked(int, object)  the worker's answer to `request_gradient_check`

A change of a setting is the user's (`edit`): the keys that depend on it follow and the
whole is checked (`core.config.schema.edit`), so the session never holds a config the
engine refuses. The config changes at once; the worker hears of it throttled (a slider
drag starts a handful of runs and ends on exactly the value let go at).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from app.throttle import Throttle
from app.worker import Products, TrainingWorker
from core.config.schema import Config, edit
from core.config.table import MAX_EPOCHS
from core.data.points import Points
from core.engine.experiment import Experiment
from core.engine.snapshot import RunInfo, Snapshot, Status
from core.errors import InputError

THROTTLE_MS = 80
CLOSE_WAIT_MS = 2000


def continued_limit(epochs: int) -> int:
    """The epoch limit a finished run continues to: twice as many, within the limit."""
    return min(2 * epochs, MAX_EPOCHS)


class Session(QObject):
    config_changed = Signal(object)
    source_changed = Signal(object)
    run_started = Signal(object)
    frame_ready = Signal()
    playback_changed = Signal()
    problem = Signal(str)
    gradient_checked = Signal(int, object)

    def __init__(self, playing: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.experiment = Experiment(Config())
        self.path: Path | None = None
        self.playing = playing
        self.run_id = 0
        self.info: RunInfo | None = None  # the current run, once it started
        self.latest: Snapshot | None = None  # its newest snapshot
        self._submitted: dict[int, Experiment] = {}  # by run id, from the current run on
        self._running: Experiment | None = None  # the experiment of `info`
        self.thread = QThread(self)
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.worker.run_started.connect(self._on_run_started)
        self.worker.snapshot_ready.connect(self._on_snapshot)
        self.worker.failed.connect(self._on_failed)
        self.worker.gradient_checked.connect(self.gradient_checked)
        self._submit_throttled = Throttle(THROTTLE_MS, self._submit, self)
        self.thread.start()
        self.worker.set_playing(playing)

    # ----- what the session holds -----

    @property
    def config(self) -> Config:
        return self.experiment.config

    @property
    def points(self) -> Points | None:
        return self.experiment.points

    @property
    def base_dir(self) -> Path | None:
        return self.experiment.base_dir

    @property
    def status(self) -> Status | None:
        """The current run's status as last drawn, or None before its first snapshot."""
        return self.latest.status if self.latest is not None else None

    # ----- changing the experiment -----

    def load(
        self,
        config: Config,
        base_dir: Path | None = None,
        points: Points | None = None,
        path: Path | None = None,
    ) -> None:
        """Make `config` the experiment (from the file `path`, if any) and start a run."""
        self._submit_throttled.drop()
        self.experiment = Experiment(config, base_dir, points)
        self.path = path
        self.config_changed.emit(config)
        self.source_changed.emit(path)
        self._submit(self.experiment, new_run=True)

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
        """Replace the config (already checked): hot changes reach the running network at
        its next step, anything else starts a new run."""
        if config == self.config:
            return
        self.experiment = Experiment(config, self.base_dir, self.points)
        self.config_changed.emit(config)
        self._submit_throttled(self.experiment)

    def set_points(self, points: Points, config: Config) -> None:
        """Train on `points` held in memory, with `config` (of kind "csv")."""
        self._submit_throttled.drop()
        self.experiment = Experiment(config, self.base_dir, points)
        self.config_changed.emit(config)
        self._submit(self.experiment)

    def saved_as(self, config: Config, path: Path) -> None:
        """The experiment was saved to `path` as `config` (naming the file of its points)."""
        self.experiment = Experiment(config, path.resolve().parent, self.points)
        self.path = path
        self.config_changed.emit(config)
        self.source_changed.emit(path)
        self._submit_throttled(self.experiment)

    def reset(self) -> None:
        """Start the current experiment again from its initial parameters."""
        self._submit_throttled.drop()
        self._submit(self.experiment, new_run=True)

    def _submit(self, experiment: Experiment, new_run: bool = False) -> None:
        run_id = self.worker.submit(experiment, new_run=new_run)
        self._submitted[run_id] = experiment
        if run_id != self.run_id:
            self.run_id = run_id
            self.latest = None

    def say(self, message: str) -> None:
        """A message for the user, from anyone working on the session."""
        self.problem.emit(message)

    def flush(self) -> None:
        """Send a change still held back by the throttle now (before a screenshot)."""
        self._submit_throttled.flush_now()

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

    def request_gradient_check(self, epsilon: float, plant_bug: int | None) -> None:
        self.worker.request_gradient_check(epsilon, plant_bug)

    # ----- from the worker -----

    def _on_run_started(self, info: RunInfo) -> None:
        if info.run_id != self.run_id:
            return
        self.info = info
        self._running = self._submitted[info.run_id]
        self._submitted = {k: v for k, v in self._submitted.items() if k >= info.run_id}
        self.run_started.emit(info)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.run_id != self.run_id:
            self.worker.frame_done()  # a stale frame: nothing to draw, let training go on
            return
        ended = self.latest is None or self.latest.status != snapshot.status
        self.latest = snapshot
        self.frame_ready.emit()
        if ended:
            self.playback_changed.emit()

    def _on_failed(self, run_id: int, message: str) -> None:
        self.problem.emit(message)
        if run_id == self.run_id and self.info is not None:
            # the run that still exists goes on: show its experiment, hot changes included
            config = self.latest.config if self.latest is not None else self.info.config
            self.run_id = self.info.run_id
            self.experiment = Experiment(config, self._running.base_dir, self._running.points)
            self.config_changed.emit(config)

    def frame_done(self) -> None:
        """The window drew the latest snapshot (or will not): the worker may train on."""
        self.worker.frame_done()

    # ----- the end -----

    def close(self) -> None:
        """Stop the worker and join its thread (training stops between slices)."""
        self._submit_throttled.drop()
        self.worker.stop()
        self.thread.quit()
        if not self.thread.wait(CLOSE_WAIT_MS):
            self.thread.wait()  # never destroy a running thread
