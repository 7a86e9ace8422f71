"""Responsiveness of the window while it trains at full speed; figures printed as JSON.

Two phases of `--seconds` each: the window alone (frames/s, training throughput), then
with a probe timer (stalls), since a 5 ms probe itself takes time from training.

Measured on the offscreen platform, with the default preset unless --config is given:

- event-loop stalls: a 5 ms probe timer on the GUI thread; a stall is how late it fires
  (max, p95, p99 in ms);
- frames drawn per second, over the measuring window;
- slider-to-frame latency: from a structural change (the depth) to the first drawn frame
  of the new run (median and max over a few changes, ms);
- start-to-first-frame: a fresh process until its first frame is drawn (s);
- training throughput with the window open against the same run headless (updates/s,
  and their ratio).

    python benchmarks/bench_window.py [--seconds 10] [--config C.json] [--quick]
    python benchmarks/bench_window.py --config benchmarks/w2.json --tabs Curves Layers Depth Network

With --tabs, the window is measured with each tab visible in turn, for --rounds rounds
(the first tab, e.g. Curves, draws no per-layer figures: the baseline); each figure is the
median over the rounds, and each tab's training throughput is given against the first's,
round by round; W2 (benchmarks/w2.json) is 1000 points, 20 layers of 32 relu.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deepdials.app.window import MainWindow, configure_pyqtgraph  # noqa: E402
from deepdials.core.config.files import load_config  # noqa: E402
from deepdials.core.engine.run import train  # noqa: E402
from deepdials.core.engine.state import new_run  # noqa: E402

PROBE_MS = 5


def wait(app, predicate, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        app.processEvents(QEventLoop.AllEvents, 5)
        if predicate():
            return True
    return False


def spin(app, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def measure_window(app, config, seconds: float, tab: str | None = None) -> dict:
    window = MainWindow(config, remember=False)
    window.resize(1280, 800)
    window.show()
    window.full_speed_action.setChecked(True)  # as fast as it trains: throughput is measured
    if tab is not None:
        window.show_view(tab)
    frames = []
    window.frame_drawn.connect(lambda s: frames.append((time.perf_counter(), s.run_id, s.updates)))
    wait(app, lambda: frames, 10)
    spin(app, 0.5)

    # phase 1, nothing but the window: frames drawn and training throughput
    start_frames = len(frames)
    t0 = time.perf_counter()
    spin(app, seconds)
    elapsed = time.perf_counter() - t0
    drawn = frames[start_frames:]
    updates_per_s = (drawn[-1][2] - drawn[0][2]) / (drawn[-1][0] - drawn[0][0])

    # phase 2, with a probe timer on the GUI thread: how late does it fire?
    lateness = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(PROBE_MS)
    last = [None]

    def tick():
        now = clock.nsecsElapsed() / 1e6
        if last[0] is not None:
            lateness.append(max(0.0, now - last[0] - PROBE_MS))
        last[0] = now

    clock.start()
    probe.timeout.connect(tick)
    probe.start()
    spin(app, seconds)
    probe.stop()

    latencies = []
    for depth in (3, 2, 4, 2, 3):
        old = window.session.run_id
        changed_at = time.perf_counter()
        window.controls.bindings["model.hidden"].depth.setValue(depth)
        run_id = window.session.run_id
        ok = wait(app, lambda o=old, r=run_id: frames[-1][1] != o and frames[-1][1] == r, 5)
        latencies.append((frames[-1][0] - changed_at) * 1000 if ok else float("inf"))
        spin(app, 0.3)
    window.close()
    window.deleteLater()
    lat = np.array(lateness)
    return {
        "stall_ms": {
            "max": float(lat.max()),
            "p95": float(np.percentile(lat, 95)),
            "p99": float(np.percentile(lat, 99)),
            "probes": len(lat),
        },
        "frames_per_second": len(drawn) / elapsed,
        "slider_to_frame_ms": {
            "median": float(np.median(latencies)),
            "max": float(np.max(latencies)),
        },
        "updates_per_second_window": updates_per_s,
    }


def headless_updates_per_second(config, seconds: float) -> float:
    run = new_run(config)
    steps = train(run)
    for _ in steps:
        if run.train_seconds >= 0.5:  # warm up
            break
    u0, t0 = run.updates, run.train_seconds
    for _ in steps:
        if run.train_seconds - t0 >= seconds:
            break
    return (run.updates - u0) / (run.train_seconds - t0)


def start_to_first_frame(config_path: Path) -> float:
    """A fresh `deepdials --self-test` process: seconds from its start to its first frame."""
    result = subprocess.run(
        [sys.executable, "-m", "deepdials", "--config", str(config_path), "--self-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    found = re.search(r"first frame ([0-9.]+) s after start", result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"self-test failed: {result.stdout} {result.stderr}")
    return float(found.group(1))


def _medians(measurements: list[dict]) -> dict:
    """The median of every number in a list of equally shaped (nested) dicts."""
    first = measurements[0]
    out = {}
    for key, value in first.items():
        if isinstance(value, dict):
            out[key] = _medians([m[key] for m in measurements])
        else:
            out[key] = float(np.median([m[key] for m in measurements]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "resources/presets/default.json")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="3 seconds of measuring")
    parser.add_argument(
        "--tabs",
        nargs="+",
        metavar="TAB",
        help="measure the window once per tab shown beside the boundary (e.g. Curves Layers "
        "Depth Network), and each one's throughput against the first's",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --tabs: rounds of turns")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else args.seconds
    config = load_config(args.config)
    # measure a run that keeps training for the whole measurement
    config = replace(config, train=replace(config.train, epochs=1_000_000))
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    headless = headless_updates_per_second(config, seconds)
    if args.tabs:
        # the tabs take turns, round after round, so that the machine's noise hits them
        # alike; each figure is the median over the rounds
        rounds = [
            {tab: measure_window(app, config, seconds, tab) for tab in args.tabs}
            for _ in range(args.rounds)
        ]
        by_tab = {tab: _medians([r[tab] for r in rounds]) for tab in args.tabs}
        ratios = {
            tab: [
                r[tab]["updates_per_second_window"] / r[args.tabs[0]]["updates_per_second_window"]
                for r in rounds
            ]
            for tab in args.tabs
        }
        for tab, figures in by_tab.items():
            figures["throughput_vs_first_tab"] = float(np.median(ratios[tab]))
            figures["throughput_vs_first_tab_each_round"] = ratios[tab]
        print(
            json.dumps(
                {
                    "config": str(args.config),
                    "seconds": seconds,
                    "rounds": args.rounds,
                    "updates_per_second_headless": headless,
                    "tabs": by_tab,
                    "targets": {
                        "stall_max_ms": 50,
                        "frames_per_second": 30,
                        "throughput_vs_first_tab": 0.8,
                    },
                },
                indent=1,
            )
        )
        return
    window = measure_window(app, config, seconds)
    report = {
        "config": str(
            args.config.relative_to(ROOT) if args.config.is_relative_to(ROOT) else args.config
        ),
        "seconds": seconds,
        **window,
        "updates_per_second_headless": headless,
        "throughput_ratio": window["updates_per_second_window"] / headless,
        "start_to_first_frame_s": start_to_first_frame(args.config),
        "targets": {
            "stall_max_ms": 50,
            "stall_p95_ms": 20,
            "frames_per_second": 30,
            "slider_to_frame_ms": 150,
            "start_to_first_frame_s": 2.0,
            "throughput_ratio": 0.7,
        },
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
