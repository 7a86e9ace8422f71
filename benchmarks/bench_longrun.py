"""A long session: memory and frame rate over time while the window trains.

Opens the window offscreen on the default preset, at the largest epoch limit and reset
whenever a run reaches it, so it trains for the whole session; and samples, every
`--every` seconds: resident memory (VmRSS), frames drawn per second in the interval, the
epoch, and the history's row count. Prints one JSON object: the samples, RSS growth from
the first sample after warm-up to the last, and the frame rate of the first and last
quarter. Targets: growth under 30 MB over 30 minutes, histories bounded, no decay in
frames/s.

    python benchmarks/bench_longrun.py [--minutes 30] [--every 10]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deepdials.app.window import MainWindow, configure_pyqtgraph  # noqa: E402
from deepdials.core.config.files import load_config  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    config = load_config(ROOT / "resources/presets/default.json")
    config = replace(config, train=replace(config.train, epochs=1_000_000))
    window = MainWindow(config, remember=False)
    window.resize(1280, 800)
    window.show()
    frames = [0]
    last = {}
    window.frame_drawn.connect(
        lambda s: (frames.__setitem__(0, frames[0] + 1), last.__setitem__("s", s))
    )
    samples = []
    start = time.perf_counter()
    end = start + args.minutes * 60

    def sample() -> None:
        now = time.perf_counter()
        snap = last.get("s")
        samples.append(
            {
                "t_s": round(now - start, 1),
                "rss_mb": round(rss_mb(), 1),
                "frames_per_second": round(frames[0] / args.every, 1),
                "epoch": snap.epoch if snap else 0,
                "history_rows": len(snap.history["epoch"]) if snap else 0,
            }
        )
        frames[0] = 0
        if snap is not None and snap.status != "running":
            window.session.reset()  # a million epochs can pass in a long session: keep training
        if now >= end:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(sample)
    timer.start(int(args.every * 1000))
    app.exec()
    timer.stop()
    window.close()
    warm = samples[min(2, len(samples) - 1)]
    quarter = max(1, len(samples) // 4)
    print(
        json.dumps(
            {
                "minutes": args.minutes,
                "rss_growth_mb": round(samples[-1]["rss_mb"] - warm["rss_mb"], 1),
                "frames_per_second_first_quarter": round(
                    sum(s["frames_per_second"] for s in samples[:quarter]) / quarter, 1
                ),
                "frames_per_second_last_quarter": round(
                    sum(s["frames_per_second"] for s in samples[-quarter:]) / quarter, 1
                ),
                "max_history_rows": max(s["history_rows"] for s in samples),
                "samples": samples,
                "targets": {"rss_growth_mb": 30, "history_rows": 2048},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
