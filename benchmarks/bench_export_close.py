"""Closing the window during a GIF export of four compared runs; figures printed as JSON.

Four runs of the largest allowed data (MAX_POINTS points, circles) are trained a few
epochs and recorded MAX_FRAMES times at the window's resolution, the most an export ever
holds. The export starts on its own thread as the window starts it (`GifWriter`); after
`--after` seconds the window closes, which cancels it (`FileTool.cancel_writers`). For each
moment the figures are how long the cancel took (target < 1 s), and that the earlier file
is byte for byte as it was. The whole export, uncancelled, is timed too.

    python benchmarks/bench_export_close.py [--after 0.5 2 4]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.tools.animation import MAX_FRAMES, BoundaryRecording  # noqa: E402
from app.tools.files import GifWriter  # noqa: E402
from core.config.schema import config_from_dict  # noqa: E402
from core.config.table import MAX_POINTS  # noqa: E402
from core.engine.budget import DISPLAY_RESOLUTION  # noqa: E402
from core.engine.run import Run  # noqa: E402
from core.engine.snapshot import RunInfo  # noqa: E402


def recording_of_four() -> BoundaryRecording:
    runs = [
        Run(
            config_from_dict(
                {
                    "schema": 1,
                    "data": {"kind": "circles", "n_points": MAX_POINTS, "seed": seed},
                    "model": {"hidden": [8, 8]},
                    "train": {"epochs": 1000},
                }
            ),
            run_id=seed,
        )
        for seed in range(4)
    ]
    infos = [RunInfo(r.run_id, r.config, r.data, r.sizes) for r in runs]
    labels = [f"seed {r.run_id}" for r in runs]
    recording = BoundaryRecording()
    surfaces = [r.surface(DISPLAY_RESOLUTION) for r in runs]
    for epoch in range(MAX_FRAMES):
        snapshots = []
        for r, surface in zip(runs, surfaces):
            snapshot = r.snapshot(layers=False)
            snapshots.append(dataclasses.replace(snapshot, surface=surface, epoch=epoch))
        recording.add(infos, labels, snapshots)
    return recording


def export(recording, path: Path, after: float | None) -> dict:
    earlier = path.read_bytes()
    writer = GifWriter(recording.frames(), recording, path)
    started = time.perf_counter()
    writer.start()
    if after is None:
        writer.wait()
        return {"export_seconds": round(time.perf_counter() - started, 2)}
    writer.wait(int(after * 1000))
    closing = time.perf_counter()
    finished = writer.isFinished()
    writer.cancel()
    writer.wait()
    return {
        "cancel_after_seconds": after,
        "close_seconds": round(time.perf_counter() - closing, 3),
        "finished_before_cancel": finished,
        "earlier_file_kept": path.read_bytes() == earlier,
    }


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--after", type=float, nargs="+", default=[0.5, 2.0, 4.0])
    args = options.parse_args()
    app = QApplication.instance() or QApplication([])  # QThread's signals need one
    recording = recording_of_four()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "four.gif"
        path.write_bytes(b"the earlier export")
        figures = [export(recording, path, after) for after in args.after]
        whole = export(recording, path, None)
        whole.update(frames=len(recording.frames()), bytes=path.stat().st_size)
    app.processEvents()
    print(json.dumps({"cancelled": figures, "whole": whole}, indent=1))


if __name__ == "__main__":
    main()
