"""The training worker: owns the engine's Run, trains in time slices on its own thread.

The worker is a parentless QObject moved to a QThread; `loop` runs there until `stop`.
The GUI thread talks to it only through the thread-safe methods below (a lock-protected
mailbox where the latest experiment wins, and `threading.Event`s), because a busy loop
does not process queued slots. The worker never touches a widget: it emits

    run_started(RunInfo)   a new run exists (its data, for drawing the points)
    snapshot_ready(Snapshot)  at most `display_hz` times a second, fresh arrays
    failed(int, str)       an experiment could not start a run, or training raised; the run
                           id it was meant for and a message. The worker keeps serving.
    gradient_checked(int, object)  the answer to `request_gradient_check`: the run id and a
                           `core.probes.gradcheck.GradCheck`, or a message saying why not

Run ids are handed out by `submit` in the calling thread, so the caller knows at once
which run it is waiting for and drops snapshots of older ones.

Frames are handed over, not raced for: after emitting a snapshot the worker waits until
the window says it has drawn it (`frame_done`), or FRAME_WAIT_SECONDS at most. Both
threads need the GIL, and a frame painted while the worker trains takes several times
longer for both of them than the two done one after the other.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal, Slot

from core.engine.experiment import Experiment
from core.engine.run import Run
from core.engine.snapshot import Status
from core.errors import CancelledError, InputError
from core.probes.layerstats import LayerStats

SLICE_SECONDS = 0.015  # longest stretch of training between looks at the mailbox
MIN_SLICE_SECONDS = 0.002
IDLE_WAIT_SECONDS = 0.05
FRAME_WAIT_SECONDS = 0.1
LAYER_STATS_SECONDS = 0.1


@dataclass(frozen=True)
class Products:
    """What each snapshot carries beyond the surface: what the views on screen draw."""

    layers: bool = False  # per-layer statistics (a probe pass)
    neurons: bool = False  # each shown unit's output over the plane (the diagram)


@dataclass
class _Mailbox:
    experiment: Experiment | None = None
    run_id: int = 0
    new_run: bool = False
    playing: bool | None = None
    steps: int = 0
    stop_at_epoch: int | None = None
    gradient_check: tuple[float, int | None] | None = None  # (ε, layer to plant a bug in)
    products: Products | None = None


class TrainingWorker(QObject):
    run_started = Signal(object)
    snapshot_ready = Signal(object)
    failed = Signal(int, str)
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
        self._submitted: Experiment | None = None  # the last one sent, under the lock
        self._experiment: Experiment | None = None  # of the run below, hot changes included
        self._epochs_per_second: float | None = None
        self._run: Run | None = None
        self._products = Products()
        self._layers: tuple[int, LayerStats] | None = None  # (run id, the last statistics)
        self._layers_taken = 0.0
        self._playing = False
        self._stop_at: int | None = None

    # ----- called from the GUI thread -----

    def submit(self, experiment: Experiment, new_run: bool = False) -> int:
        """Send an experiment; returns the id of the run that will train it.

        Hot changes (see `Experiment.needs_new_run`) keep the current run and its id;
        anything else, or `new_run`, starts a fresh run with a new id.
        """
        with self._lock:
            last = self._submitted
            if new_run or last is None or last.needs_new_run(experiment):
                self._next_id += 1
                self._mail.new_run = True
            self._submitted = experiment
            self._mail.experiment = experiment
            self._mail.run_id = self._next_id
        self._wake.set()
        return self._next_id

    def set_playing(self, playing: bool) -> None:
        with self._lock:
            self._mail.playing = playing
            self._mail.stop_at_epoch = None
        self._wake.set()

    def play_until(self, epoch: int) -> None:
        """Train, then pause when the run reaches `epoch` (screenshots, self-test)."""
        with self._lock:
            self._mail.playing = True
            self._mail.stop_at_epoch = epoch
        self._wake.set()

    def step(self) -> None:
        """One epoch, then pause."""
        with self._lock:
            self._mail.playing = False
            self._mail.steps += 1
        self._wake.set()

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Limit training to this many epochs a second; None: as fast as it goes."""
        with self._lock:
            self._epochs_per_second = epochs_per_second
        self._wake.set()

    def set_products(self, products: Products) -> None:
        """What each snapshot computes besides the surface (the views on screen)."""
        with self._lock:
            self._mail.products = products
        self._wake.set()

    def request_gradient_check(self, epsilon: float, plant_bug: int | None = None) -> None:
        """Check backprop on the current run between two slices; see `gradient_checked`."""
        with self._lock:
            self._mail.gradient_check = (epsilon, plant_bug)
        self._wake.set()

    def frame_done(self) -> None:
        """The window has drawn (or dropped) the last snapshot: training may go on."""
        self._drawn.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._drawn.set()

    # ----- the worker thread -----

    @Slot()
    def loop(self) -> None:
        last_emit = 0.0
        credit = 0.0
        dirty = False  # trained since the last snapshot
        last_tick = time.perf_counter()
        while not self._stop.is_set():
            try:
                changed = self._read_mail()
            except Exception as exc:  # noqa: BLE001 - one error path: the window is told
                self._fail(self._run.run_id if self._run else -1, exc)
                changed = False
            now = time.perf_counter()
            trained = False
            run = self._run
            if run is not None and run.status == Status.RUNNING:
                try:
                    if self._playing:
                        until_frame = last_emit + 1.0 / self.display_hz - now
                        seconds = min(SLICE_SECONDS, max(until_frame, MIN_SLICE_SECONDS))
                        credit, trained = self._train_slice(run, credit, now - last_tick, seconds)
                except Exception as exc:  # noqa: BLE001 - any engine fault reaches the window
                    self._fail(run.run_id, exc)
                    self._run = None
            last_tick = now
            run = self._run
            if self._stop_at is not None and run is not None and run.epoch >= self._stop_at:
                self._playing = False
                self._stop_at = None
                changed = True
            dirty = dirty or trained
            due = time.perf_counter() - last_emit >= 1.0 / self.display_hz
            ended = run is not None and run.status != Status.RUNNING
            if run is not None and (changed or (dirty and (due or ended))):
                last_emit = time.perf_counter()
                dirty = False
                self._drawn.clear()
                self._emit(run)
                self._drawn.wait(FRAME_WAIT_SECONDS)
            elif not trained:
                self._wake.wait(IDLE_WAIT_SECONDS)
                self._wake.clear()
        self.finished.emit()

    def _train_slice(
        self, run: Run, credit: float, elapsed: float, seconds: float
    ) -> tuple[float, bool]:
        """A slice of `seconds` at full speed, or whole epochs as the speed limit allows."""
        rate = self._epochs_per_second
        budget = self._stop_at - run.epoch if self._stop_at is not None else None
        if rate is None:
            run.advance(epochs=budget, seconds=seconds)
            return 0.0, True
        credit = min(credit + elapsed * rate, 1.0 + rate * SLICE_SECONDS)
        epochs = int(credit)
        if budget is not None:
            epochs = min(epochs, budget)
        if epochs < 1:
            return credit, False
        before = run.epoch
        run.advance(epochs=epochs, seconds=seconds)
        return credit - (run.epoch - before), True

    def _read_mail(self) -> bool:
        """Apply what the GUI sent; True when the window needs a fresh snapshot."""
        with self._lock:
            mail, self._mail = self._mail, _Mailbox(run_id=self._mail.run_id)
        changed = False
        if mail.playing is not None:
            self._playing = mail.playing
            self._stop_at = mail.stop_at_epoch
            changed = True
        if mail.products is not None:
            self._products = mail.products
            changed = True  # a view now shown wants what the last snapshot left out
        if mail.experiment is not None:
            changed = True
            # a hot change after a run that failed to start may not fit the run still here
            if mail.new_run or self._run is None or self._experiment.needs_new_run(mail.experiment):
                self._start_run(mail.experiment, mail.run_id)
            else:
                self._apply_hot(mail.experiment, mail.run_id)
        if mail.gradient_check is not None:
            self._gradient_check(*mail.gradient_check)
        if mail.steps and self._run is not None:
            # a step is training to a target epoch, in the same time slices as playing
            start = self._run.epoch if self._stop_at is None else self._stop_at
            self._stop_at = start + mail.steps
            self._playing = True
        return changed

    def _gradient_check(self, epsilon: float, plant_bug: int | None) -> None:
        run = self._run
        if run is None:
            self.gradient_checked.emit(-1, "no network to check: the config did not start")
            return
        if run.status == Status.DIVERGED:
            self.gradient_checked.emit(
                run.run_id,
                f"the network diverged at epoch {run.diverged_at}: its cost is not finite, "
                "so there is no gradient to check. Reset it (R) or lower the learning rate.",
            )
            return
        try:
            result = run.gradient_check(epsilon, plant_bug, cancelled=self._stop.is_set)
        except CancelledError:
            return  # the window is closing: nobody is waiting for the answer
        except Exception as exc:  # noqa: BLE001 - the window shows it; the run goes on
            result = str(exc) if isinstance(exc, InputError) else f"internal error: {exc!r}"
        self.gradient_checked.emit(run.run_id, result)

    def _start_run(self, experiment: Experiment, run_id: int) -> None:
        try:
            run = experiment.start(run_id)
        except Exception as exc:  # noqa: BLE001 - bad data files, and anything else
            self._fail(run_id, exc)
            return
        self._run = run
        self._experiment = experiment
        self.run_started.emit(run.info())

    def _apply_hot(self, experiment: Experiment, run_id: int) -> None:
        try:
            self._run.set_config(experiment.config)
        except InputError as exc:
            self._fail(run_id, exc)
            return
        self._experiment = experiment

    def _emit(self, run: Run) -> None:
        """Snapshot the run for the window. Per-layer statistics, when asked for, are taken
        at most every LAYER_STATS_SECONDS and reused in between (a probe pass each)."""
        now = time.perf_counter()
        wanted = self._products
        fresh = wanted.layers and (
            now - self._layers_taken >= LAYER_STATS_SECONDS
            or self._layers is None
            or self._layers[0] != run.run_id
            or run.status != Status.RUNNING
        )
        try:
            snapshot = run.snapshot(self.resolution, layers=fresh, neurons=wanted.neurons)
        except Exception as exc:  # noqa: BLE001
            self._fail(run.run_id, exc)
            self._run = None
            return
        if fresh:
            self._layers, self._layers_taken = (run.run_id, snapshot.layers), now
        elif wanted.layers:
            snapshot = replace(snapshot, layers=self._layers[1])
        self.snapshot_ready.emit(snapshot)

    def _fail(self, run_id: int, exc: Exception) -> None:
        if isinstance(exc, InputError):
            message = str(exc)
        else:
            message = f"internal error: {type(exc).__name__}: {exc}"
            traceback.print_exc()
        self.failed.emit(run_id, message)
