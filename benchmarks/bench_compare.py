"""Four compared runs in the window: fair turns, frames and stalls; figures printed as JSON.

Each round opens the window offscreen at 1280×800, at full speed, once with one W1-sized
run alone (250 points on circles, [8, 8, 8, 8] tanh, batch 10, lr 0.03) and once with
four such runs compared (four initializations, four boundaries drawn), and measures for
`--seconds` each:

- training updates/s of each run, and each compared run's against the run alone
  (target ≥ 0.22: four runs sharing the worker get a quarter each, less a little);
- frames drawn per second with the four boundaries (target ≥ 30);
- event-loop stalls: how late a 5 ms probe timer on the GUI thread fires (p95 < 20 ms).

The two set-ups alternate, round by round, so the machine's noise hits them alike; each
figure is the median over the rounds.

    python benchmarks/bench_compare.py [--seconds 8] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_window import PROBE_MS, spin, wait  # noqa: E402
from deepdials.app.window import MainWindow, configure_pyqtgraph  # noqa: E402
from deepdials.core.config.compare import comparison_from_dict  # noqa: E402
from deepdials.core.config.schema import config_from_dict  # noqa: E402

W1 = {
    "data": {"kind": "circles", "n_points": 250, "split": [1.0, 0.0, 0.0]},
    "model": {"hidden": [8, 8, 8, 8], "activation": "tanh"},
    "train": {"optimizer": "sgd", "lr": 0.03, "batch_size": 10, "epochs": 1_000_000},
}
INITS = ("xavier", "he", "normal", "uniform")


def experiments():
    alone = config_from_dict({"schema": 1, **W1})
    variants = [{"label": init, "model": {"init": init}} for init in INITS]
    four = comparison_from_dict({"schema": 1, "base": W1, "variants": variants})
    return alone, four


def measure(app, experiment, seconds: float) -> dict:
    window = MainWindow(experiment, remember=False)
    window.resize(1280, 800)
    window.show()
    window.full_speed_action.setChecked(True)
    session = window.session
    lanes = range(len(session.lanes))
    frames = []
    window.frame_drawn.connect(lambda _: frames.append(time.perf_counter()))
    wait(app, lambda: all(session.latest_of(i) is not None for i in lanes) and frames, 15)
    spin(app, 0.5)

    start = [session.latest_of(i).updates for i in lanes]
    first_frame, t0 = len(frames), time.perf_counter()
    spin(app, seconds)
    elapsed = time.perf_counter() - t0
    ends = [session.latest_of(i).updates for i in lanes]
    rates = [(end - u) / elapsed for end, u in zip(ends, start, strict=True)]
    fps = (len(frames) - first_frame) / elapsed

    lateness, last = [], [None]
    clock = QElapsedTimer()

    def tick():
        now = clock.nsecsElapsed() / 1e6
        if last[0] is not None:
            lateness.append(max(0.0, now - last[0] - PROBE_MS))
        last[0] = now

    probe = QTimer()
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(tick)
    clock.start()
    probe.start()
    spin(app, seconds)
    probe.stop()
    boundaries = len(window.boundaries.views)
    window.close()
    window.deleteLater()
    stalls = np.array(lateness)
    return {
        "boundaries_drawn": boundaries,
        "updates_per_second": rates,
        "frames_per_second": fps,
        "stall_ms": {"p95": float(np.percentile(stalls, 95)), "max": float(stalls.max())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one round of 3 seconds")
    args = parser.parse_args()
    seconds, rounds = (3.0, 1) if args.quick else (args.seconds, args.rounds)
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    alone, four = experiments()
    measured = [(measure(app, alone, seconds), measure(app, four, seconds)) for _ in range(rounds)]
    share = [
        [rate / a["updates_per_second"][0] for rate in f["updates_per_second"]] for a, f in measured
    ]
    median = lambda values: float(np.median(values))  # noqa: E731
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rounds": rounds,
                "alone_updates_per_second": median(
                    [a["updates_per_second"][0] for a, _ in measured]
                ),
                "compared_updates_per_second": [
                    median([f["updates_per_second"][i] for _, f in measured]) for i in range(4)
                ],
                "compared_share_of_alone": [median([s[i] for s in share]) for i in range(4)],
                "compared_share_each_round": share,
                "compared_frames_per_second": median([f["frames_per_second"] for _, f in measured]),
                "compared_stall_ms": {
                    "p95": median([f["stall_ms"]["p95"] for _, f in measured]),
                    "max": median([f["stall_ms"]["max"] for _, f in measured]),
                },
                "alone_frames_per_second": median([a["frames_per_second"] for a, _ in measured]),
                "boundaries_drawn": measured[0][1]["boundaries_drawn"],
                "targets": {
                    "compared_share_of_alone": 0.22,
                    "compared_frames_per_second": 30,
                    "compared_stall_p95_ms": 20,
                },
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
