"""A lesson's steps in the window: Next step and Back (`core.lessons.player` plans them).

Loading a lesson with steps shows step 1. Next shows step k + 1 from the runs step k
ended with, and Back shows step k − 1's, to the bit. The steps' ends are copies of the
runs as they ended, told by the worker (`run_kept`, asked for by `Session.show_step`):
Back hands the worker copies of step k − 1's ends, which it shows at once without
training, and step k + 1 continues, or keeps, copies of step k's.

Next while step k still trains finishes it at full speed first (`Session.play_until`), and
shows step k + 1 once its ends are in. A run the user changed during step k (a setting,
Reset, a run removed or added) ends as the user made it, not as the lesson says: step k
is then played again at full speed from step k − 1's ends, and the status line says
once that the lesson goes on from its own step, not from the changes. A change after
step k ended leaves its ends as they were.

Playback stays the worker's: this only asks the session for runs and waits for what the
worker tells. `step_shown` says which step is on screen: the window shows its view and
speed, the step bar its text.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from deepdials.app.session import Session, StepRun
from deepdials.core.config.schema import Config
from deepdials.core.engine.state import RunState
from deepdials.core.errors import InputError
from deepdials.core.lessons.player import How, Lesson, Stage, plan, steps_of

SET_ASIDE = "Step {next} goes on from where step {now} ended, as the lesson says: the changes made since are set aside."  # noqa: E501


class StepPlayer(QObject):
    step_shown = Signal(object)  # the Stage on screen, or None: the experiment has no steps

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.stages: tuple[Stage, ...] = ()
        self.current = 0  # the step on screen, from 1 (0: none)
        self._ends: dict[int, dict[str, RunState]] = {}  # by step: each run's end, by label
        self._runs: dict[int, tuple[str, int]] = {}  # lane key → (label, run id) of the step
        self._changed = False  # the user changed a run of the step on screen
        self._then: int | None = None  # the step to show once the current one has ended
        self._goal: int | None = None  # play on at full speed up to this step (screenshots)
        self._showing = False
        session.run_kept.connect(self._on_kept)
        session.config_changed.connect(self._on_config_changed)

    @property
    def count(self) -> int:
        return len(self.stages)

    @property
    def stage(self) -> Stage | None:
        return self.stages[self.current - 1] if self.current else None

    def ended(self) -> bool:
        """Whether every run of the step on screen has ended as the lesson says."""
        return self.current > 0 and self._complete(self.current)

    # ----- what the user asks -----

    def begin(self) -> None:
        """The session loaded an experiment: step 1 of its lesson, if it has steps."""
        self._ends, self._runs = {}, {}
        self._then = self._goal = None
        self.current = 0
        lesson = self._lesson()
        try:
            self.stages = plan(lesson) if steps_of(lesson) else ()
        except InputError as exc:  # read from elsewhere than a file (the last session's)
            self.stages = ()
            self.session.say(str(exc))
        if self.stages:
            self._start(1, playing=False)  # playing or paused, as the session was
        else:
            self.step_shown.emit(None)

    def next(self) -> None:
        """Step k + 1, from where step k ends (finishing step k first)."""
        now = self.current
        if not now or now >= self.count or self._then is not None:
            return
        self._goal = None
        set_aside = self._changed or not self._as_shown()
        if set_aside:
            self.session.say(SET_ASIDE.format(next=now + 1, now=now))
        if self._complete(now):
            self._start(now + 1)
            return
        self._then = now + 1
        if set_aside:
            self._start(now, playing=False)  # step k again: its own end, at full speed
        self._finish()

    def back(self) -> None:
        """Step k − 1 as it ended."""
        if self.current <= 1:
            return
        self._then = self._goal = None
        number = self.current - 1
        stage, ends = self.stages[number - 1], self._ends[number]
        runs = [StepRun(run.label, run.config, ends[run.label]) for run in stage.runs]
        self._show(number, runs)

    def play_to(self, number: int) -> None:
        """Play the steps up to `number` at full speed and stay there (a screenshot)."""
        self._goal = min(number, self.count)
        if self._complete(self.current):
            self._ended()
        else:
            self._finish()

    # ----- showing a step -----

    def _lesson(self) -> Lesson:
        session = self.session
        return session.comparison() if session.comparing else session.config

    def _start(self, number: int, playing: bool = True) -> None:
        """Show step `number`: its new runs trained, the runs it keeps as step k − 1
        ended them."""
        stage = self.stages[number - 1]
        before = self._ends.get(number - 1, {})
        ends = self._ends[number] = {}
        runs = []
        for run in stage.runs:
            if run.how is How.KEPT:
                ends[run.label] = before[run.before]
                runs.append(StepRun(run.label, run.config, before[run.before]))
            else:
                start = before[run.before] if run.how is How.CONTINUED else None
                runs.append(StepRun(run.label, run.config, start, keep=True))
        self._show(number, runs)
        if playing:
            self.session.set_playing(True)
        if self._complete(number):
            self._ended()

    def _show(self, number: int, runs: list[StepRun]) -> None:
        session = self.session
        self._showing = True
        session.show_step(runs, self.stages[number - 1].selected)
        self._showing = False
        self._runs = {
            lane.key: (run.label, session.run_id_of(i))
            for i, (lane, run) in enumerate(zip(session.lanes, runs))
        }
        self._changed = False
        self.current = number
        self.step_shown.emit(self.stages[number - 1])

    def _finish(self) -> None:
        """Train the step on screen to its end at full speed (then the worker pauses)."""
        self.session.play_until(max(run.config.train.epochs for run in self.stage.runs))

    # ----- what the worker tells -----

    def _complete(self, number: int) -> bool:
        ends = self._ends.get(number, {})
        return number > 0 and all(run.label in ends for run in self.stages[number - 1].runs)

    def _as_shown(self) -> bool:
        """Whether the session's runs are the step's, as it started them."""
        session, stage = self.session, self.stage
        if [lane.key for lane in session.lanes] != list(self._runs):
            return False
        return all(
            session.run_id_of(i) == self._runs[lane.key][1] and lane.experiment.config == run.config
            for i, (lane, run) in enumerate(zip(session.lanes, stage.runs))
        )

    def _on_config_changed(self, config: Config) -> None:
        if self._showing or not self.current or self._complete(self.current):
            return
        if not self._as_shown():
            self._changed = True

    def _on_kept(self, key: int, state: RunState) -> None:
        label, run_id = self._runs.get(key, (None, None))
        if label is None or state.run_id != run_id or self._changed:
            return
        planned = next(run for run in self.stage.runs if run.label == label)
        if state.config != planned.config:
            return
        self._ends[self.current][label] = state
        if self._complete(self.current):
            self._ended()

    def _ended(self) -> None:
        """The step on screen has ended: go on to the step asked for, if any."""
        if self._goal is not None:
            if self.current < self._goal:
                self._start(self.current + 1, playing=False)
                if not self._complete(self.current):
                    self._finish()
            return
        if self._then is not None:
            number, self._then = self._then, None
            self._start(number)
