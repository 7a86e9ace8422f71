"""The headless command line: `deepdials run`, `deepdials compare`, `deepdials gradcheck`.

Each prints one JSON object (or writes it whole to --out, through
`core.safe_files.replacing`: a device, a pipe, a folder or the config itself is refused
before training). Exit status: 0 for every completed run, a diverged one or one stopped
by --max-seconds included (a result, not a crash); 2 for bad input (config, data file,
option) or an output that cannot be written (a full disk, a closed standard output), with
a one-line message on stderr and nothing written; 130 for Ctrl+C, with one line and no
file left behind. A reader that stops early (`| head`) ends the output without a word.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from deepdials.core.config.compare import Comparison
from deepdials.core.config.files import load_config, load_experiment
from deepdials.core.config.schema import Config, config_to_dict
from deepdials.core.config.table import BY_KEY
from deepdials.core.data.kinds import points_file
from deepdials.core.engine import run as training
from deepdials.core.engine.reports import gradient_checker, layer_stats
from deepdials.core.engine.snapshot import Status
from deepdials.core.engine.state import RunState, new_run
from deepdials.core.errors import InputError, one_line
from deepdials.core.lessons.player import plan, play
from deepdials.core.probes.diagnosis import diagnose_run
from deepdials.core.probes.gradcheck import DEFAULT_EPSILON, GradientCheck, finish
from deepdials.core.safe_files import writable_target, write_atomically

TIME_LIMIT = "time_limit"  # the status of a run that --max-seconds stopped
PROGRESS_SECONDS = 1.0  # a gradient check's progress on a terminal, this often
PROGRESS_LINE_SECONDS = 10.0  # and as lines on a stderr that is not a terminal


def jsonable(value: Any) -> Any:
    """Plain JSON types: arrays to lists, NaN and ±inf to null (JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def run_report(run: RunState, stopped_by_time: bool = False) -> dict:
    """What `deepdials run` prints for a run that has been advanced; a run that
    --max-seconds stopped has the status `time_limit` and the figures so far."""
    final = run.metrics
    diagnosis = diagnose_run(final, run.data, run.status == Status.DIVERGED, run.epoch)
    seconds = run.train_seconds
    return {
        "config": config_to_dict(run.config),
        "task": run.task.name,
        "status": TIME_LIMIT if stopped_by_time else str(run.status),
        "epochs_run": run.epoch,
        "diverged_at_epoch": run.diverged_at,
        "best_epoch": run.best_epoch,
        "stopped_epoch": run.stopped_epoch,
        "final": {s: final[s] for s in run.splits},
        "bayes_error": run.data.bayes_error,
        "bayes_error_shifted": run.data.bayes_error_shifted,
        "diagnosis": diagnosis.as_dict(),
        "history": run.history.arrays(),
        "layers": layer_stats(run).as_dict(),
        "timing": {
            "train_seconds": seconds,
            "epochs_per_second": run.epoch / seconds if seconds > 0 else None,
            "updates_per_second": run.updates / seconds if seconds > 0 else None,
        },
    }


def _with_epochs(config: Config, epochs: int | None) -> Config:
    if epochs is None:
        return config
    epochs = BY_KEY["train.epochs"].allowed.check("--epochs", epochs)
    return replace(config, train=replace(config.train, epochs=epochs))


def _seconds(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise InputError(f"--max-seconds: {value} is not a positive number of seconds")
    return value


def train(config: Config, base: Path, max_seconds: float | None) -> dict:
    """Train `config` to its end, or for `max_seconds` of training at most; the report."""
    run = new_run(config, base_dir=base)
    end = time.perf_counter() + (math.inf if max_seconds is None else max_seconds)
    for _ in training.train(run):
        if time.perf_counter() >= end:
            break
    return run_report(run, stopped_by_time=run.status == "running")


def after_step(lesson: Config | Comparison, step: int, base: Path) -> list[tuple[str, RunState]]:
    """The runs on screen after step `step` (from 1) of the lesson, by label, in the
    window's order (`core.lessons.player.play`)."""
    stages = plan(lesson)
    if not 1 <= step <= len(stages):
        raise InputError(f"--step: {step} is not a step of this lesson (it has {len(stages)})")
    for number, runs in enumerate(play(lesson, base_dir=base), start=1):
        if number == step:
            return list(runs.items())
    raise AssertionError("play yields a stage per step")


def _check_step_options(args: argparse.Namespace) -> None:
    """A step sets its own epochs and trains to them: --epochs and --max-seconds do not go
    with --step."""
    for option, value in (("--epochs", args.epochs), ("--max-seconds", args.max_seconds)):
        if value is not None:
            raise InputError(f"{option}: a lesson step trains to its own epochs (--step)")


def command_run(args: argparse.Namespace) -> dict:
    if args.step is not None:
        _check_step_options(args)
        lesson = load_config(args.config)
        runs = after_step(lesson, args.step, Path(args.config).resolve().parent)
        if len(runs) > 1:
            raise InputError(
                f"--step: step {args.step} shows {len(runs)} runs side by side: "
                "use deepdials compare"
            )
        return run_report(runs[0][1])
    config = _with_epochs(load_config(args.config), args.epochs)
    return train(config, Path(args.config).resolve().parent, _seconds(args.max_seconds))


def command_compare(args: argparse.Namespace) -> dict:
    """Every variant trained in turn, each exactly as `deepdials run` on its config; with
    --step, the runs on screen after that step of a lesson (one config or a comparison)."""
    if args.step is not None:
        _check_step_options(args)
        lesson = load_experiment(args.config)
        runs = after_step(lesson, args.step, Path(args.config).resolve().parent)
        return {"runs": [{"label": label, **run_report(run)} for label, run in runs]}
    loaded = load_experiment(args.config)
    if not isinstance(loaded, Comparison):
        raise InputError(f"{args.config}: one config, not a comparison: use deepdials run")
    seconds = _seconds(args.max_seconds)
    base = Path(args.config).resolve().parent
    runs = []
    for variant in loaded.variants:
        report = train(_with_epochs(variant.config, args.epochs), base, seconds)
        runs.append({"label": variant.label, **report})
    return {"runs": runs}


def progress_line(check: GradientCheck) -> str:
    """How far a gradient check is, for stderr."""
    left = check.seconds_left()
    guess = f", about {left:,.0f} s left" if left is not None else ""
    return (
        f"deepdials gradcheck: {check.done:,} of {check.planned:,} components, "
        f"{check.seconds:.0f} s{guess}"
    )


class Progress:
    """Progress of a long check on stderr: one line rewritten in place on a terminal, a
    line every PROGRESS_LINE_SECONDS otherwise (a log file)."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream is not None and self.stream.isatty()
        self.shown = False
        self.last = -math.inf

    def __call__(self, check: GradientCheck) -> None:
        line = progress_line(check)
        if self.live:
            self._write("\r" + line.ljust(79))
        elif check.seconds - self.last >= PROGRESS_LINE_SECONDS:
            self._write(line + "\n")
            self.last = check.seconds
        else:
            return
        self.shown = True

    def end(self) -> None:
        if self.live and self.shown:
            self._write("\n")

    def _write(self, text: str) -> None:
        """Progress is a courtesy: a stderr that is closed or full does not stop the check."""
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = None


def command_gradcheck(args: argparse.Namespace) -> dict:
    config = load_config(args.config)
    epochs = BY_KEY["train.epochs"].allowed.check("--epochs", args.epochs) if args.epochs else 0
    budget = _seconds(args.max_seconds)
    run = new_run(config, base_dir=Path(args.config).resolve().parent)
    if epochs:
        training.advance(run, epochs)
    progress = Progress()
    check = gradient_checker(run, args.epsilon, args.plant_bug, budget, dropout_on=args.dropout_on)
    try:
        result = finish(check, progress=progress, progress_seconds=PROGRESS_SECONDS)
    finally:
        progress.end()
    return result.as_dict()


class OneLineParser(argparse.ArgumentParser):
    """A refused command line is one line on stderr and exit status 2, as every refusal."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")


def parser() -> argparse.ArgumentParser:
    top = OneLineParser(
        prog="deepdials",
        description="DeepDials: a playground for the practical side of training deep networks.",
    )
    commands = top.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name, handler, what in (
        ("run", command_run, "train a config headless and print the results as JSON"),
        ("compare", command_compare, "train each variant of a comparison file, print them all"),
    ):
        run = commands.add_parser(name, help=what)
        run.add_argument("config", help="config file (JSON)")
        run.add_argument("--epochs", type=int, help="train this many epochs (overrides the file)")
        run.add_argument(
            "--max-seconds",
            type=float,
            metavar="S",
            help="stop each run after S seconds of training (status time_limit)",
        )
        run.add_argument(
            "--step",
            type=int,
            metavar="N",
            help="a lesson's runs after its step N (lesson.steps), trained as the steps say",
        )
        run.add_argument("--out", help="write the JSON to this file instead of printing it")
        run.set_defaults(handler=handler)
    check = commands.add_parser("gradcheck", help="check backprop against numerical gradients")
    check.add_argument("config", help="config file (JSON)")
    check.add_argument("--epsilon", type=float, default=DEFAULT_EPSILON, help="ε (default 1e-7)")
    check.add_argument("--plant-bug", type=int, metavar="LAYER", help="double dW of this layer")
    check.add_argument("--epochs", type=int, default=0, help="train this many epochs first")
    check.add_argument(
        "--dropout-on",
        action="store_true",
        help="leave dropout on, fresh masks at every evaluation: shows why the check turns it off",
    )
    check.add_argument(
        "--max-seconds",
        type=float,
        metavar="S",
        help="compare components for S seconds at most: an even sample, as the result says",
    )
    check.add_argument("--out", help="write the JSON to this file instead of printing it")
    check.set_defaults(handler=command_gradcheck)
    return top


def say(line: str) -> None:
    """One line on stderr, if there is a stderr that takes it."""
    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


def refuse(message: str) -> int:
    say(f"deepdials: error: {one_line(message)}")
    return 2


def input_files(path: str) -> list[str]:
    """The files a run reads: the config and the CSV files it names."""
    loaded = load_experiment(path)
    configs = loaded.configs if isinstance(loaded, Comparison) else [loaded]
    return [path] + [file for c in configs if (file := points_file(c.data)) is not None]


def _quiet_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it is dropped
    at exit instead of failing a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def print_report(text: str) -> int:
    """Print `text` on standard output; an output that cannot take it is one line."""
    if sys.stdout is None:
        return refuse("cannot write the results: standard output is closed")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (`| head`): what it read was whole
        _quiet_stdout()
        return 0
    except (OSError, ValueError) as exc:  # ValueError: a stream closed within the program
        _quiet_stdout()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "closed"
        return refuse(f"cannot write the results to standard output ({reason})")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        say("deepdials: interrupted")
        return 130


def _main(argv: list[str] | None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a refused command line (already said, one line)
        return int(exc.code or 0)
    try:
        if not (math.isfinite(getattr(args, "epsilon", 1.0)) and getattr(args, "epsilon", 1) > 0):
            raise InputError(f"--epsilon: {args.epsilon} is not a positive number")
        if args.out is not None:
            if not Path(args.out).name:
                raise InputError(f"--out: {args.out!r} names no file")
            inputs = input_files(args.config)
            writable_target(args.out, inputs)
        report = args.handler(args)
        text = json.dumps(jsonable(report), indent=1) + "\n"
        if args.out is not None:
            try:
                write_atomically(args.out, text, inputs)
            except OSError as exc:
                return refuse(f"{args.out}: cannot write ({exc.strerror or exc})")
            return 0
    except InputError as exc:
        return refuse(str(exc))
    return print_report(text)
