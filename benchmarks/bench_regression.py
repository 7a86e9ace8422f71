"""Speed of a regression run against the classification workload W1, in one process.

    W1           two circles, 250 points, [8, 8, 8, 8] tanh, batch 10, lr 0.03
    W1_plane     the same net on 250 points of plane (two inputs): a linear output, MSE
    W1_sine      the same on 250 points of sine (one input)
    G_W1_sine    the fitted curve of the W1_sine net over 100 points of x₁ (the fit view's)

each trained through `core.engine.run.advance` (what the app and the CLI do, recording
the train loss and error after every epoch; split [1, 0, 0]) and measured in epochs/s,
the grid in ms per frame (`core.engine.reports.surface`). The workloads are alternated
round by round and each figure is the median over the rounds, so that noise from other
work on the machine hits them alike; `ratio` is each regression's rate over W1's (≥ 1:
at least as fast).

    python benchmarks/bench_regression.py [--rounds N] [--seconds S] [--quick]

prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_engine import calibrate, rate  # noqa: E402
from deepdials.core.config.schema import config_from_dict  # noqa: E402
from deepdials.core.engine.reports import surface  # noqa: E402
from deepdials.core.engine.run import advance  # noqa: E402
from deepdials.core.engine.state import new_run  # noqa: E402

KINDS = {"W1": "circles", "W1_plane": "plane", "W1_sine": "sine"}
GRID = 100


def make_run(kind: str):
    return new_run(
        config_from_dict(
            {
                "schema": 1,
                "data": {"kind": kind, "n_points": 250, "split": [1, 0, 0], "seed": 1},
                "model": {"hidden": [8, 8, 8, 8], "activation": "tanh", "init": "xavier"},
                "train": {"lr": 0.03, "batch_size": 10, "epochs": 1_000_000, "seed": 1},
            }
        )
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 7, quick 1)")
    parser.add_argument("--seconds", type=float, help="time per measurement (default 0.5)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 7)
    seconds = args.seconds or (0.05 if args.quick else 0.5)

    runs = {name: make_run(kind) for name, kind in KINDS.items()}
    works = {name: (lambda n, r=run: advance(r, n)) for name, run in runs.items()}
    fit = make_run("sine")
    advance(fit, 20)
    works["G_W1_sine"] = lambda n: [surface(fit, GRID) for _ in range(n)]
    counts = {name: calibrate(work, seconds) for name, work in works.items()}
    rates: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(rounds):
        for name, work in works.items():
            rates[name].append(rate(work, counts[name]))
    median = {name: statistics.median(values) for name, values in rates.items()}
    out = {
        "settings": {"rounds": rounds, "seconds": seconds},
        "epochs_per_second": {name: median[name] for name in KINDS},
        "ratio": {name: median[name] / median["W1"] for name in KINDS if name != "W1"},
        "G_W1_sine_ms_per_frame": 1e3 / median["G_W1_sine"],
    }
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
