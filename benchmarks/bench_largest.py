"""The largest configs the limits allow: peak memory, and the window's first frame, stalls
and close time while they train. Figures printed as JSON lines, one per measurement.

    python benchmarks/bench_largest.py memory [--seconds 3]
    python benchmarks/bench_largest.py window [--after 2 5 9] [--view layers]
    python benchmarks/bench_largest.py window --configs full batch10 --points 3000

Every measurement runs in a child process of its own, its address space capped at
--cap-gb (so that a config that does not fit ends in a MemoryError, not in swapping):

- memory: `new_run(config)`, its training driven for S seconds, a snapshot with the
  surface, the layer statistics and the diagram's grid; the child's peak RSS (ru_maxrss)
  and how long each part took;
- window: the window opened offscreen on the config, training; seconds from creating it
  to its first drawn frame; how late a 5 ms probe timer on the GUI thread fires while it
  trains (max, p99, in ms); frames drawn; then, after --after seconds, how long
  `close()` takes (it stops the worker and joins its thread).

The configs are the largest of `core.engine.budget.largest_configs` (50 × 256 relu,
20,000 points, augment 10: 220,000 training rows), each batch mode and dropout;
--points and --augment make them smaller (the sizes an older engine could still hold).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE_MS = 5


def _capped(cap_bytes: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    return limit


def _child(kind: str, raw: dict, seconds: float, cap_gb: float, view: str | None) -> dict:
    args = [sys.executable, __file__, "--child", kind, json.dumps(raw), str(seconds)]
    if view:
        args.append(view)
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", str(ROOT)))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.run(
        args,
        preexec_fn=_capped(int(cap_gb * 2**30)),
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        return {"exit": proc.returncode, "stderr": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(lines[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_memory(raw: dict, seconds: float) -> dict:
    from deepdials.core.config.schema import config_from_dict
    from deepdials.core.engine.reports import snapshot
    from deepdials.core.engine.run import train
    from deepdials.core.engine.state import new_run

    out: dict = {}
    start = time.perf_counter()
    try:
        run = new_run(config_from_dict(raw))
        out["run_s"] = time.perf_counter() - start
        out["peak_after_run_mb"] = _peak_mb()
        end = time.perf_counter() + seconds
        for _ in train(run):
            if time.perf_counter() >= end:
                break
        out["advance_s"] = time.perf_counter() - start - out["run_s"]
        snapshot(run, resolution=100, layers=True, neurons=True)
        out["epoch"], out["updates"] = run.epoch, run.updates
    except MemoryError:
        out["error"] = "MemoryError"
    out["seconds"] = time.perf_counter() - start
    out["peak_mb"] = _peak_mb()
    return out


def child_window(raw: dict, seconds: float, view: str | None) -> dict:
    import numpy as np
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from deepdials.app.window import MainWindow, configure_pyqtgraph
    from deepdials.core.config.schema import config_from_dict

    app = QApplication([])
    configure_pyqtgraph()
    config = config_from_dict(raw)
    frames: list[tuple[float, int]] = []
    start = time.perf_counter()
    window = MainWindow(config, remember=False)
    window.resize(1280, 800)
    window.frame_drawn.connect(lambda s: frames.append((time.perf_counter(), s.epoch)))
    window.show()
    if view:
        window.show_view(view)
    window.full_speed_action.setChecked(True)
    while not frames and time.perf_counter() - start < 300:
        app.processEvents(QEventLoop.AllEvents, 5)
    first = frames[0][0] - start if frames else None
    lateness: list[float] = []
    clock = QElapsedTimer()
    last = [None]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last[0] is not None:
            lateness.append(max(0.0, now - last[0] - PROBE_MS))
        last[0] = now

    probe = QTimer()
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(tick)
    clock.start()
    probe.start()
    shown = len(frames)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.AllEvents, 5)
    probe.stop()
    t = time.perf_counter()
    window.close()
    close_s = time.perf_counter() - t
    late = np.array(lateness or [0.0])
    return {
        "first_frame_s": first,
        "stall_ms": {"max": float(late.max()), "p99": float(np.percentile(late, 99))},
        "frames": len(frames) - shown,
        "epoch_at_close": frames[-1][1] if frames else None,
        "close_s": close_s,
        "peak_mb": _peak_mb(),
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, raw, seconds = sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4])
        view = sys.argv[5] if len(sys.argv) > 5 else None
        out = child_memory(raw, seconds) if kind == "memory" else child_window(raw, seconds, view)
        print(json.dumps(out))
        return
    sys.path.insert(0, str(ROOT))
    from deepdials.core.engine.budget import MEMORY_BUDGET, largest_configs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("memory", "window"))
    parser.add_argument("--configs", nargs="+", help="names from largest_configs (default all)")
    parser.add_argument("--points", type=int, help="fewer points than the limit")
    parser.add_argument("--augment", type=int, help="fewer augmented copies than the limit")
    parser.add_argument("--seconds", type=float, default=3.0, help="memory: training time")
    parser.add_argument("--after", type=float, nargs="+", default=[2.0, 5.0, 9.0])
    parser.add_argument("--view", help="window: the view shown beside the boundary")
    parser.add_argument("--cap-gb", type=float, default=6.0)
    args = parser.parse_args()
    configs = largest_configs()
    for name in args.configs or list(configs):
        raw = configs[name]
        for key in ("points", "augment"):
            if getattr(args, key) is not None:
                name_in_file = "n_points" if key == "points" else key
                raw = {**raw, "data": {**raw["data"], name_in_file: getattr(args, key)}}
        data = raw["data"]
        base = {"config": name, "n_points": data["n_points"], "augment": data["augment"]}
        if args.what == "memory":
            out = _child("memory", raw, args.seconds, args.cap_gb, None)
            print(json.dumps({**base, "budget_mb": MEMORY_BUDGET / 2**20, **out}), flush=True)
            continue
        raw = {**raw, "train": {**raw["train"], "epochs": 1_000_000}}
        for after in args.after:
            out = _child("window", raw, after, args.cap_gb, args.view)
            print(json.dumps({**base, "after_s": after, **out}), flush=True)


if __name__ == "__main__":
    main()
