"""The training worker: owns the engine's runs, trains them in time slices on its thread.

The worker is a parentless QObject moved to a QThread; `loop` runs there until `stop`.
The GUI thread talks to it only through the thread-safe methods below (a lock-protected
mailbox where the latest word wins, and `threading.Event`s), because a busy loop does
not process queued slots. The worker never touches a widget. It is the one owner of the
runs, their ids, playing or paused, each run's status, the speed and the epoch to stop at,
and it tells every change as an event:

    run_added(int, RunInfo)   a run started for the lane with this key (its data)
    run_removed(int, int)     the lane's run (key, run id) is trained no more
    state_changed(WorkerState) playing or paused, a run's id or status changed
    frame_ready(dict)         at most `display_hz` times a second: a snapshot of every run,
                              by lane key, taken together
    run_kept(int, RunState)   a run the lane was to keep ended (finished, early stopped or
                              diverged): a copy of its state as it ended (a lesson step's
                              end, `submit`'s `keep`), which a later `submit` may start from
    failed(int, str)          an experiment could not start a run, a hot change was refused,
                              or training raised: the lane's key and a message. The worker
                              keeps serving; `run_id` and `experiment` say what goes on.
    gradient_progress(int, object) how far the check is: the run id and a `CheckProgress`
    gradient_checked(int, object)  the answer to `request_gradient_check`: the run id and a
                           `core.probes.gradcheck.GradCheck`, a `CheckStopped` (cancelled,
                           or its network replaced), or a message saying why there is none

A weight or bias set by hand (`edit_parameter`, `undo_edit`) is a message too, applied
between slices in the order sent (`core.engine.edits`) to the run named, if the lane
still trains it: training pauses, and the next frame shows the edited network, with a
fresh surface and fresh layer statistics.

A gradient check is driven the same way (`core.probes.gradcheck.compare`, next() until
the slice is over), on a copy of θ as it was when asked, and has the worker to itself
while it runs: training waits (a snapshot of a large net costs more than many
components, so taking turns would slow the check tenfold). The mailbox is read
between slices, so every control stays live: a change that starts a new run of the
checked lane stops the check (its network is gone); hot changes apply to the run at once,
for when training goes on.

It trains one run, or the 2 to 4 runs of a comparison: each is a lane with a key the
session gives it, and the lanes take turns, one time slice each, so that every run gets
its share and every frame shows all of them. Run ids are handed out by `submit` in the
calling thread, so the caller knows at once (`run_id`) which runs it is waiting for and
drops snapshots of older ones. Whether a change needs a new run is the caller's to say
(`new_runs`): the worker does not ask again.

Frames are handed over, not raced for: after emitting a frame the worker waits until the
window says it has drawn it (`frame_done`), or FRAME_WAIT_SECONDS at most. Both threads
need the GIL, and a frame painted while the worker trains takes several times longer for
both of them than the two done one after the other.

A snapshot of a large network costs time, so frames come at most `display_hz` times a
second and take at most SNAPSHOT_SHARE of the worker's time: after a frame that took c
seconds the next waits c / SNAPSHOT_SHARE (unless something changed). The decision
surface has a share of its own: a lane's surface (over a second at 50 × 256 units) is
computed again only once c_surface / SNAPSHOT_SHARE has passed since the last one, and
frames in between carry none (the boundary keeps the last); a new run's first frame, and
a lane that stopped training, always get a fresh one. Every piece of work the worker does
between two looks at `stop` is short: each run's training is a generator
(`core.engine.run.train`) that yields between chunks, driven with next() until the slice
is over; a snapshot of a run whose epoch is not yet scored first gives its record a
slice's time; and the surface stops between two blocks when the window closes, so closing
never waits for more than a chunk.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Signal, Slot

from deepdials.app.frames import CheckProgress, CheckStopped, Products, WorkerState
from deepdials.core.engine import reports
from deepdials.core.engine.edits import ParamRef, set_parameter, undo_edit
from deepdials.core.engine.experiment import Experiment
from deepdials.core.engine.run import train
from deepdials.core.engine.snapshot import Status
from deepdials.core.engine.state import RunState, copied, run_info, set_config
from deepdials.core.errors import CancelledError, InputError
from deepdials.core.probes.gradcheck import GradientCheck, compare
from deepdials.core.probes.layerstats import LayerStats

SLICE_SECONDS = 0.015  # longest stretch of training between looks at the mailbox
MIN_SLICE_SECONDS = 0.002
IDLE_WAIT_SECONDS = 0.05
FRAME_WAIT_SECONDS = 0.1
LAYER_STATS_SECONDS = 0.1
SNAPSHOT_SHARE = 0.25  # of the worker's time, at most, for frames; as much for surfaces
CHECK_PROGRESS_SECONDS = 0.25  # a gradient check's progress, this often at most
_ENDED = object()  # what next() gives back for a run's training that has ended


@dataclass
class _Check:
    key: int  # the lane whose network is checked
    run_id: int
    epoch: int
    check: GradientCheck
    steps: Iterator[None]  # `core.probes.gradcheck.compare(check)`, driven with next()
    reported: float = 0.0  # when progress was last emitted


@dataclass
class _Lane:
    experiment: Experiment
    run: RunState
    training: Iterator[None]  # `core.engine.run.train(run)`, driven with next()
    credit: float = 0.0  # epochs owed under a speed limit
    # the run's updates and whether it had diverged when its last surface was taken (a
    # diverged run's surface is its last finite epoch's: a new one at the same updates)
    surface_of: tuple[int, bool] | None = None
    surface_taken: float = 0.0  # when (time.perf_counter)
    surface_cost: float = 0.0  # and how long it took
    keep: bool = False  # a copy of the run is told (`run_kept`) once it ends


@dataclass
class _Mailbox:
    # what each lane trains: (key, experiment, run id), in order; a new id is a new run
    lanes: tuple[tuple[int, Experiment, int], ...] | None = None
    starts: dict[int, RunState] = field(default_factory=dict)  # new runs start from these
    keep: frozenset[int] = frozenset()  # the lanes whose new runs are kept when they end
    focus: int | None = None
    playing: bool | None = None
    steps: int = 0
    stop_at_epoch: int | None = None
    # (ε, layer to plant a bug in, time budget in seconds or None, dropout left on)
    gradient_check: tuple[float, int | None, float | None, bool] | None = None
    cancel_check: bool = False
    products: Products | None = None
    # hand edits in the order sent: (lane key, run id, parameter, value; None: undo)
    edits: list[tuple[int, int, ParamRef | None, float]] = field(default_factory=list)


class TrainingWorker(QObject):
    run_added = Signal(int, object)
    run_removed = Signal(int, int)
    run_kept = Signal(int, object)
    state_changed = Signal(object)
    frame_ready = Signal(object)
    failed = Signal(int, str)
    gradient_progress = Signal(int, object)
    gradient_checked = Signal(int, object)
    finished = Signal()

    def __init__(self, resolution: int = 100, display_hz: float = 30.0):
        super().__init__()
        self.resolution = resolution
        self.display_hz = display_hz
        self._lock = threading.Lock()
        self._mail = _Mailbox()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._drawn = threading.Event()
        self._next_id = 0
        # key → (experiment, run id): what each lane trains, as asked and as it stands
        # (a run that could not start, or a refused hot change, leaves the one before)
        self._ledger: dict[int, tuple[Experiment, int]] = {}
        self._lanes: dict[int, _Lane] = {}  # in the order the session gave
        self._focus: int | None = None
        self._turn = 0
        self._epochs_per_second: float | None = None
        self._products = Products()
        self._layers: tuple[int, LayerStats] | None = None  # (run id, the last statistics)
        self._layers_taken = 0.0
        self._playing = False
        self._stop_at: int | None = None
        self._told = WorkerState()  # the state last told
        self._quiet = False  # playing until `_stop_at` for a screenshot: no frames on the way
        self._frame_interval = 0.0  # the shortest time from one frame to the next
        self._check: _Check | None = None

    # ----- called from the GUI thread -----

    def submit(
        self,
        lanes: list[tuple[int, Experiment]],
        new_runs: frozenset[int] = frozenset(),
        focus: int | None = None,
        starts: dict[int, RunState] | None = None,
        keep: frozenset[int] = frozenset(),
    ) -> None:
        """Send the experiments to train, by lane key (`run_id` then gives each one's id).

        A lane in `new_runs`, or one not trained before, starts a fresh run with a new id;
        any other keeps its run and id and takes the experiment's (hot) settings at its
        next step. Lanes left out stop. `focus` is the lane whose snapshots carry the
        products (the one the views show). A new run of a lane in `starts` goes on from
        a copy of that state (a run that ended: a lesson step's) with the experiment's hot
        settings, instead of from epoch 0; one of a lane in `keep` is told, copied, by
        `run_kept` when it ends. The states handed in are read, never trained.
        """
        with self._lock:
            ids = {}
            fresh = set()
            for key, _ in lanes:
                if key in new_runs or key not in self._ledger:
                    self._next_id += 1
                    ids[key] = self._next_id
                    fresh.add(key)
                else:
                    ids[key] = self._ledger[key][1]
            self._ledger = {key: (e, ids[key]) for key, e in lanes}
            mail = self._mail
            mail.lanes = tuple((key, e, ids[key]) for key, e in lanes)
            # what an unread submission said of a run this one does not replace still holds
            mail.starts = {k: v for k, v in mail.starts.items() if k not in fresh}
            mail.starts.update({k: v for k, v in (starts or {}).items() if k in fresh})
            mail.keep = (mail.keep - fresh) | (keep & fresh)
            mail.focus = focus if focus is not None else lanes[0][0]
        self._wake.set()

    def run_id(self, key: int) -> int | None:
        """The id of the run the lane `key` trains (or is about to), None if none."""
        with self._lock:
            entry = self._ledger.get(key)
        return entry[1] if entry is not None else None

    def experiment(self, key: int) -> Experiment | None:
        """The experiment the lane `key` trains, hot changes it took included."""
        with self._lock:
            entry = self._ledger.get(key)
        return entry[0] if entry is not None else None

    def state(self) -> WorkerState:
        """Playing or paused and every run's id and status, as last told (any thread)."""
        return self._told

    def set_playing(self, playing: bool) -> None:
        with self._lock:
            self._mail.playing = playing
            self._mail.stop_at_epoch = None
        self._wake.set()

    def play_until(self, epoch: int) -> None:
        """Train at full speed and without frames on the way, then pause when every run
        reaches `epoch`, and send that frame (screenshots, self-test)."""
        with self._lock:
            self._mail.playing = True
            self._mail.stop_at_epoch = epoch
        self._wake.set()

    def step(self) -> None:
        """One epoch of every run, then pause."""
        with self._lock:
            self._mail.playing = False
            self._mail.steps += 1
        self._wake.set()

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Limit each run to this many epochs a second; None: as fast as it goes."""
        with self._lock:
            self._epochs_per_second = epochs_per_second
        self._wake.set()

    def set_products(self, products: Products) -> None:
        """What the focus lane's snapshots compute besides the surface (the views shown)."""
        with self._lock:
            self._mail.products = products
        self._wake.set()

    def request_gradient_check(
        self,
        epsilon: float,
        plant_bug: int | None = None,
        budget: float | None = None,
        dropout_on: bool = False,
    ) -> None:
        """Check backprop on the focus run, in slices of its own, for `budget` seconds at
        most (`dropout_on`: with its dropout left on, `core.engine.reports`); see
        `gradient_progress` and `gradient_checked`. A check already running is replaced."""
        with self._lock:
            self._mail.gradient_check = (epsilon, plant_bug, budget, dropout_on)
            self._mail.cancel_check = False
        self._wake.set()

    def cancel_gradient_check(self) -> None:
        """Stop the check under way, or the one asked for and not yet begun: either is
        answered by a `CheckStopped`."""
        with self._lock:
            self._mail.cancel_check = True
        self._wake.set()

    def edit_parameter(self, key: int, run_id: int, ref: ParamRef, value: float) -> None:
        """Give one weight or bias of lane `key`'s run `run_id` this value, and pause."""
        with self._lock:
            self._mail.edits.append((key, run_id, ref, value))
        self._wake.set()

    def undo_edit(self, key: int, run_id: int) -> None:
        """Take the last hand edit of lane `key`'s run `run_id` back, and pause."""
        with self._lock:
            self._mail.edits.append((key, run_id, None, 0.0))
        self._wake.set()

    def frame_done(self) -> None:
        """The window has drawn (or dropped) the last frame: training may go on."""
        self._drawn.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._drawn.set()

    # ----- the worker thread -----

    @Slot()
    def loop(self) -> None:
        last_emit = 0.0
        dirty = False  # trained since the last frame
        ended_shown = 0  # runs that had ended when the last frame was emitted
        last_tick = time.perf_counter()
        while not self._stop.is_set():
            try:
                changed = self._read_mail()
            except Exception as exc:  # noqa: BLE001 - one error path: the window is told
                self._fail(-1, exc)
                changed = False
            checked = self._check_slice()
            now = time.perf_counter()
            trained = False
            lane = self._next_lane() if not checked else None  # a check comes first
            if lane is not None and self._playing:
                try:
                    until_frame = last_emit + 1.0 / self.display_hz - now
                    seconds = min(SLICE_SECONDS, max(until_frame, MIN_SLICE_SECONDS))
                    trained = self._train_slice(lane, now - last_tick, seconds)
                except Exception as exc:  # noqa: BLE001 - any engine fault reaches the window
                    self._fail(self._key_of(lane), exc)
                    self._drop(lane)
            last_tick = now
            self._keep_ended()
            if self._stop_at is not None and self._all_reached(self._stop_at):
                self._playing = False
                self._stop_at = None
                self._quiet = False
                changed = True
            self._tell_state()
            dirty = dirty or trained
            due = time.perf_counter() - last_emit >= self._frame_interval
            # a run that has just ended is shown at once; one that ended before waits its turn
            ended = sum(lane.run.status != Status.RUNNING for lane in self._lanes.values())
            newly_ended = ended != ended_shown
            if self._lanes and (changed or (dirty and not self._quiet and (due or newly_ended))):
                last_emit = time.perf_counter()
                dirty = False
                ended_shown = ended
                self._drawn.clear()
                try:
                    cost = self._emit()
                except CancelledError:
                    break  # the window is closing
                self._frame_interval = max(1.0 / self.display_hz, cost / SNAPSHOT_SHARE)
                self._drawn.wait(FRAME_WAIT_SECONDS)
            elif not (trained or checked):
                self._wake.wait(IDLE_WAIT_SECONDS)
                self._wake.clear()
        self.finished.emit()

    def _next_lane(self) -> _Lane | None:
        """The next running lane with work to do (round robin), or None: an epoch before
        the stop, or the scoring of the epoch it stopped at."""
        running = [
            lane
            for lane in self._lanes.values()
            if lane.run.status == Status.RUNNING
            and (self._stop_at is None or lane.run.epoch < self._stop_at or not lane.run.scored)
        ]
        if not running:
            return None
        self._turn = (self._turn + 1) % len(running)
        return running[self._turn]

    def _keep_ended(self) -> None:
        """Tell a copy of each run to keep that has ended (`run_kept`), once."""
        for key, lane in self._lanes.items():
            if lane.keep and lane.run.status != Status.RUNNING and lane.run.scored:
                lane.keep = False
                self.run_kept.emit(key, copied(lane.run))

    def _all_reached(self, epoch: int) -> bool:
        return all(
            (lane.run.epoch >= epoch and lane.run.scored) or lane.run.status != Status.RUNNING
            for lane in self._lanes.values()
        )

    def _train_slice(self, lane: _Lane, elapsed: float, seconds: float) -> bool:
        """A slice of `seconds` at full speed, or whole epochs as the speed limit allows."""
        run = lane.run
        rate = None if self._quiet else self._epochs_per_second
        budget = self._stop_at - run.epoch if self._stop_at is not None else None
        if rate is None or (budget is not None and budget <= 0):  # the stop epoch to score
            self._train_until(lane, seconds, self._stop_at)
            return True
        turns = max(len(self._lanes), 1)  # each lane's credit grows only on its turns
        lane.credit = min(lane.credit + elapsed * rate * turns, 1.0 + rate * SLICE_SECONDS)
        epochs = int(lane.credit)
        if budget is not None:
            epochs = min(epochs, budget)
        if epochs < 1:
            return False
        before = run.epoch
        self._train_until(lane, seconds, before + epochs)
        lane.credit -= run.epoch - before
        return True

    def _train_until(self, lane: _Lane, seconds: float, epoch: int | None) -> None:
        """next() on the lane's training until `seconds` have passed, the run stands
        scored at `epoch` (None: its end), or its training ends."""
        end = time.perf_counter() + seconds
        run = lane.run
        while epoch is None or run.epoch < epoch or not run.scored:
            if next(lane.training, _ENDED) is _ENDED or time.perf_counter() >= end:
                return

    def _read_mail(self) -> bool:
        """Apply what the GUI sent; True when the window needs a fresh frame."""
        with self._lock:
            mail, self._mail = self._mail, _Mailbox()
        changed = False
        if mail.playing is not None:
            self._playing = mail.playing
            self._stop_at = mail.stop_at_epoch
            self._quiet = mail.stop_at_epoch is not None
            changed = True
        if mail.products is not None:
            self._products = mail.products
            changed = True  # a view now shown wants what the last frame left out
        if mail.focus is not None:
            self._focus = mail.focus
        if mail.lanes is not None:
            changed = True
            self._set_lanes(mail.lanes, mail.starts, mail.keep)
        if mail.cancel_check:
            self._stop_check("cancelled")
            if mail.gradient_check is not None:  # asked and withdrawn before it began
                self.gradient_checked.emit(-1, CheckStopped("cancelled", 0, 0))
        elif mail.gradient_check is not None:
            self._gradient_check(*mail.gradient_check)
        if mail.edits:
            changed = self._apply_edits(mail.edits) or changed
        if mail.steps and self._lanes:
            # a step is training to a target epoch, in the same time slices as playing
            start = (
                max(lane.run.epoch for lane in self._lanes.values())
                if self._stop_at is None
                else self._stop_at
            )
            self._stop_at = start + mail.steps
            self._playing = True
        return changed

    def _apply_edits(self, edits: list[tuple[int, int, ParamRef | None, float]]) -> bool:
        """Hand edits of the runs named that are still trained; True when one applied (then
        training pauses, and the lane's next frame is taken afresh)."""
        applied = False
        for key, run_id, ref, value in edits:
            lane = self._lanes.get(key)
            if lane is None or lane.run.run_id != run_id:
                continue  # asked of a run that is gone
            run = lane.run
            ended = run.status != Status.RUNNING
            try:
                done = undo_edit(run) if ref is None else set_parameter(run, ref, value)
            except InputError as exc:
                self._fail(key, exc)
                continue
            if done is None:
                continue
            if ended and run.status == Status.RUNNING:  # an undone divergence runs again
                lane.training = train(run)
            lane.surface_of = None
            applied = True
        if applied:
            self._playing = False
            self._stop_at = None
            self._quiet = False
            self._layers = None
        return applied

    def _set_lanes(
        self,
        lanes: tuple[tuple[int, Experiment, int], ...],
        starts: dict[int, RunState],
        keep: frozenset[int],
    ) -> None:
        kept = {}
        for key, experiment, run_id in lanes:
            lane = self._lanes.get(key)
            if lane is None or lane.run.run_id != run_id:
                if self._check is not None and self._check.key == key:
                    self._stop_check("a new network started: the checked one is gone")
                started = self._start_run(key, experiment, run_id, starts.get(key))
                if started is not None:
                    started.keep = key in keep
                if started is not None and lane is not None:
                    self.run_removed.emit(key, lane.run.run_id)
                lane = started or lane  # a run that could not restart goes on
            elif lane.experiment is not experiment:
                self._apply_hot(key, lane, experiment)  # refused: the window is told
            if lane is not None:
                kept[key] = lane
        for key, lane in self._lanes.items():
            if key not in kept:
                self.run_removed.emit(key, lane.run.run_id)
        self._lanes = kept
        if self._check is not None and self._check.key not in kept:
            self._stop_check("its network is no longer trained")

    def _drop(self, lane: _Lane) -> None:
        """Train `lane` no more (its training raised): the lane has no run."""
        key = self._key_of(lane)
        self._lanes = {k: v for k, v in self._lanes.items() if v is not lane}
        with self._lock:
            if self._ledger.get(key, (None, None))[1] == lane.run.run_id:
                del self._ledger[key]
        self.run_removed.emit(key, lane.run.run_id)

    def _key_of(self, lane: _Lane) -> int:
        return next(k for k, v in self._lanes.items() if v is lane)

    def _tell_state(self) -> None:
        """Emit `state_changed` when playing or a run's id or status differs from last told."""
        runs = {key: (lane.run.run_id, lane.run.status) for key, lane in self._lanes.items()}
        if runs != self._told.runs or self._playing != self._told.playing:
            self._told = WorkerState(self._playing, runs)
            self.state_changed.emit(self._told)

    def _focus_lane(self) -> _Lane | None:
        if self._focus in self._lanes:
            return self._lanes[self._focus]
        return next(iter(self._lanes.values()), None)

    def _gradient_check(
        self, epsilon: float, plant_bug: int | None, budget: float | None, dropout_on: bool
    ):
        """Set up a check of the focus run's θ as it is now (answered at once if it cannot)."""
        self._stop_check("replaced by a new check")
        lane = self._focus_lane()
        if lane is None:
            self.gradient_checked.emit(-1, "no network to check: the config did not start")
            return
        run = lane.run
        if run.status == Status.DIVERGED:
            self.gradient_checked.emit(
                run.run_id,
                f"the network diverged at epoch {run.diverged_at}: its cost is not finite, "
                "so there is no gradient to check. Reset it (R) or lower the learning rate.",
            )
            return
        try:
            check = reports.gradient_checker(run, epsilon, plant_bug, budget, dropout_on)
        except Exception as exc:  # noqa: BLE001 - the window shows it; the run goes on
            message = str(exc) if isinstance(exc, InputError) else f"internal error: {exc!r}"
            self.gradient_checked.emit(run.run_id, message)
            return
        self._check = _Check(self._key_of(lane), run.run_id, run.epoch, check, compare(check))
        self._report_check(self._check)

    def _check_slice(self) -> bool:
        """A slice of the check under way, if any; its answer once it is finished."""
        current = self._check
        if current is None:
            return False
        end = time.perf_counter() + SLICE_SECONDS
        try:
            while not current.check.finished and time.perf_counter() < end:
                if self._stop.is_set():
                    self._check = None  # the window is closing: nobody waits for the answer
                    return False
                next(current.steps)
        except Exception as exc:  # noqa: BLE001
            self._check = None
            self.gradient_checked.emit(current.run_id, f"internal error: {exc!r}")
            return True
        if current.check.finished:
            self._check = None
            self.gradient_checked.emit(current.run_id, current.check.result())
        elif time.perf_counter() - current.reported >= CHECK_PROGRESS_SECONDS:
            self._report_check(current)
        return True

    def _report_check(self, current: _Check) -> None:
        check = current.check
        current.reported = time.perf_counter()
        progress = CheckProgress(
            check.done, check.planned, check.seconds, check.seconds_left(), current.epoch
        )
        self.gradient_progress.emit(current.run_id, progress)

    def _stop_check(self, reason: str) -> None:
        current, self._check = self._check, None
        if current is not None:
            stopped = CheckStopped(reason, current.check.done, current.check.planned)
            self.gradient_checked.emit(current.run_id, stopped)

    def _start_run(
        self, key: int, experiment: Experiment, run_id: int, start: RunState | None = None
    ) -> _Lane | None:
        """A new run for lane `key`, from epoch 0 or from a copy of `start`; None when it
        cannot start (the window is told, and the ledger goes back to the run that goes
        on, if any)."""
        try:
            if start is None:
                run = experiment.start(run_id)
            else:
                run = copied(start)
                run.run_id = run_id
                set_config(run, experiment.config)
        except Exception as exc:  # noqa: BLE001 - bad data files, and anything else
            old = self._lanes.get(key)
            self._restore(key, run_id, old)
            self._fail(key, exc)
            return None
        self.run_added.emit(key, run_info(run))
        return _Lane(experiment, run, train(run))

    def _apply_hot(self, key: int, lane: _Lane, experiment: Experiment) -> None:
        ended = lane.run.status != Status.RUNNING
        try:
            set_config(lane.run, experiment.config)
        except InputError as exc:
            self._restore(key, lane.run.run_id, lane)
            self._fail(key, exc)
            return
        lane.experiment = experiment
        if ended and lane.run.status == Status.RUNNING:  # a finished run given more epochs
            lane.training = train(lane.run)

    def _restore(self, key: int, asked: int, lane: _Lane | None) -> None:
        """What lane `key` was asked to train (run `asked`) did not happen: the ledger says
        what goes on instead, unless something newer was asked meanwhile."""
        with self._lock:
            if self._ledger.get(key, (None, None))[1] != asked:
                return
            if lane is None:
                del self._ledger[key]
            else:
                self._ledger[key] = (lane.experiment, lane.run.run_id)

    def _surface_due(self, lane: _Lane, now: float) -> bool:
        """Whether this frame computes the lane's surface (see the module docstring)."""
        run = lane.run
        if lane.surface_of is None:
            return True
        if lane.surface_of == (run.updates, run.status == Status.DIVERGED):
            return False  # θ is as it was
        training = (
            self._playing
            and run.status == Status.RUNNING
            and (self._stop_at is None or run.epoch < self._stop_at)
        )
        return not training or now - lane.surface_taken >= lane.surface_cost / SNAPSHOT_SHARE

    def _emit(self) -> float:
        """A frame of every lane; returns the seconds it took, its surfaces left out. The
        focus lane's per-layer statistics, when asked for, are taken at most every
        LAYER_STATS_SECONDS and reused in between. Raises `CancelledError` when `stop`
        came during a surface."""
        now = time.perf_counter()
        surfaces = 0.0
        wanted = self._products
        focus = self._focus_lane()
        snapshots = {}
        for key, lane in list(self._lanes.items()):
            run = lane.run
            mine = lane is focus
            wants_layers = mine and wanted.layers
            cached = self._layers[1] if self._layers and self._layers[0] == run.run_id else None
            recent = cached is not None and now - self._layers_taken < LAYER_STATS_SECONDS
            try:
                if run.status == Status.RUNNING and not run.scored:
                    self._train_until(lane, SLICE_SECONDS, run.epoch)  # its record, if it can
                snapshot = reports.snapshot(
                    run,
                    layers=wants_layers and not recent,
                    neurons=mine and wanted.neurons,
                    space=wanted.layer_space if mine else None,
                )
                if wants_layers and snapshot.layers is None:
                    # recent statistics serve a running run; one that has ended, maybe in
                    # this snapshot's own record, gets its final (or last finite) epoch's
                    running = snapshot.status == Status.RUNNING
                    stats = cached if running else reports.layer_stats(run)
                    snapshot = replace(snapshot, layers=stats)
                if self._surface_due(lane, now):
                    started = time.perf_counter()
                    surface = reports.surface(run, self.resolution, cancelled=self._stop.is_set)
                    snapshot = replace(snapshot, surface=surface)
                    lane.surface_cost = time.perf_counter() - started
                    lane.surface_taken = started
                    lane.surface_of = (run.updates, run.status == Status.DIVERGED)
                    surfaces += lane.surface_cost
            except CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                self._fail(key, exc)
                self._drop(lane)
                continue
            if wants_layers and snapshot.layers is not cached:
                self._layers, self._layers_taken = (run.run_id, snapshot.layers), now
            snapshots[key] = snapshot
        if snapshots:
            self.frame_ready.emit(snapshots)
        return time.perf_counter() - now - surfaces

    def _fail(self, key: int, exc: Exception) -> None:
        if isinstance(exc, InputError):
            message = str(exc)
        else:
            message = f"internal error: {type(exc).__name__}: {exc}"
            traceback.print_exc()
        self.failed.emit(key, message)
