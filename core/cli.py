"""The headless command line: `deepdials run` and `deepdials gradcheck`.

Both print one JSON object. Exit status: 0 for every completed run, a diverged one
included (a result, not a crash); 2 for bad input (config, data file, option), with a
one-line message on stderr and nothing written.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from core.config.files import load_config
from core.config.schema import config_to_dict
from core.config.table import BY_KEY
from core.data.points import SPLITS
from core.engine.run import Run
from core.errors import InputError
from core.probes.diagnosis import diagnose
from core.probes.gradcheck import DEFAULT_EPSILON


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


def run_report(run: Run) -> dict:
    """What `deepdials run` prints for a run that has been advanced."""
    final = run.metrics
    diagnosis = diagnose(final["train"]["error"], final["val"]["error"], run.data.bayes_error)
    seconds = run.train_seconds
    return {
        "config": config_to_dict(run.config),
        "status": run.status,
        "epochs_run": run.epoch,
        "diverged_at_epoch": run.diverged_at,
        "best_epoch": run.best_epoch,
        "stopped_epoch": run.stopped_epoch,
        "final": {s: final[s] for s in SPLITS},
        "bayes_error": run.data.bayes_error,
        "bayes_error_shifted": run.data.bayes_error_shifted,
        "diagnosis": diagnosis.as_dict(),
        "history": run.history.arrays(),
        "layers": run.layer_stats().as_dict(),
        "timing": {
            "train_seconds": seconds,
            "epochs_per_second": run.epoch / seconds if seconds > 0 else None,
            "updates_per_second": run.updates / seconds if seconds > 0 else None,
        },
    }


def _load(path: str, epochs: int | None):
    config = load_config(path)
    if epochs is not None:
        epochs = BY_KEY["train.epochs"].allowed.check("--epochs", epochs)
        config = replace(config, train=replace(config.train, epochs=epochs))
    return config, Path(path).resolve().parent


def command_run(args: argparse.Namespace) -> dict:
    config, base = _load(args.config, args.epochs)
    run = Run(config, base_dir=base)
    run.advance()
    return run_report(run)


def command_gradcheck(args: argparse.Namespace) -> dict:
    config, base = _load(args.config, None)
    run = Run(config, base_dir=base)
    if args.epochs:
        run.advance(epochs=args.epochs)
    return run.gradient_check(epsilon=args.epsilon, plant_bug=args.plant_bug).as_dict()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="deepdials",
        description="DeepDials: a playground for the practical side of training deep networks.",
    )
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="train a config headless and print the results as JSON")
    run.add_argument("config", help="config file (JSON)")
    run.add_argument("--epochs", type=int, help="train this many epochs (overrides train.epochs)")
    run.add_argument("--out", help="write the JSON to this file instead of printing it")
    run.set_defaults(handler=command_run)
    check = commands.add_parser("gradcheck", help="check backprop against numerical gradients")
    check.add_argument("config", help="config file (JSON)")
    check.add_argument("--epsilon", type=float, default=DEFAULT_EPSILON, help="ε (default 1e-7)")
    check.add_argument("--plant-bug", type=int, metavar="LAYER", help="double dW of this layer")
    check.add_argument("--epochs", type=int, default=0, help="train this many epochs first")
    check.add_argument("--out", help="write the JSON to this file instead of printing it")
    check.set_defaults(handler=command_gradcheck)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if not (math.isfinite(getattr(args, "epsilon", 1.0)) and getattr(args, "epsilon", 1) > 0):
            raise InputError(f"--epsilon: {args.epsilon} is not a positive number")
        report = args.handler(args)
    except InputError as exc:
        print(f"deepdials: error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(jsonable(report), indent=1)
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"deepdials: error: {args.out}: cannot write ({exc.strerror})", file=sys.stderr)
            return 2
    else:
        print(text)
    return 0
