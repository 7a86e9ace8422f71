"""Closing the window during a GIF export of four compared runs; figures printed as JSON.

Four runs of the largest allowed data (MAX_POINTS points, circles) are trained a few
epochs and recorded MAX_FRAMES times at the window's resolution, the most an export ever
holds. The export starts on its own thread as the window starts it (`GifWriter`); after
`--after` seconds the window closes, which cancels it (`FileTool.cancel_writers`). For each
moment the figures are how long the cancel took (target < 1 s), and that the earlier file
is byte for byte as it was. The whole export, uncancelled, is timed too. Then the window
itself: four such runs compared at full speed until the recording holds `--frames`
frames, the export started from the File tool, and `window.close()` timed `--after`
seconds later (everything closing does: the export, the renderer, the worker), against
closing the same window with no export.

    python benchmarks/bench_export_close.py [--after 0.5 2 4] [--frames 40]
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

from benchmarks.bench_window import spin, wait  # noqa: E402
from deepdials.app.tools.animation import MAX_FRAMES, BoundaryRecording  # noqa: E402
from deepdials.app.tools.files import GifWriter  # noqa: E402
from deepdials.app.window import MainWindow, configure_pyqtgraph  # noqa: E402
from deepdials.core.config.compare import comparison_from_dict  # noqa: E402
from deepdials.core.config.schema import config_from_dict  # noqa: E402
from deepdials.core.config.table import MAX_POINTS  # noqa: E402
from deepdials.core.engine.budget import DISPLAY_RESOLUTION  # noqa: E402
from deepdials.core.engine.reports import snapshot, surface  # noqa: E402
from deepdials.core.engine.state import new_run, run_info  # noqa: E402


def four_configs() -> list[dict]:
    return [
        {
            "schema": 1,
            "data": {"kind": "circles", "n_points": MAX_POINTS, "seed": seed},
            "model": {"hidden": [8, 8]},
            "train": {"epochs": 100_000},
        }
        for seed in range(4)
    ]


def recording_of_four() -> BoundaryRecording:
    runs = [new_run(config_from_dict(raw), run_id=i) for i, raw in enumerate(four_configs())]
    infos = [run_info(r) for r in runs]
    labels = [f"seed {r.run_id}" for r in runs]
    recording = BoundaryRecording()
    surfaces = [surface(r, DISPLAY_RESOLUTION) for r in runs]
    for epoch in range(MAX_FRAMES):
        snapshots = []
        for r, grid in zip(runs, surfaces):
            shot = snapshot(r, layers=False)
            snapshots.append(dataclasses.replace(shot, surface=grid, epoch=epoch))
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


def window_close(app, folder: Path, after: float | None, frames: int) -> dict:
    """Close the window of four compared runs `after` seconds into an export (None: with
    no export); the seconds close() took, and the frames the export held."""
    base, *_ = four_configs()
    variants = [{"label": f"seed {seed}", "data": {"seed": seed}} for seed in range(4)]
    four = comparison_from_dict({"schema": 1, "base": base, "variants": variants})
    window = MainWindow(four, remember=False)
    window.resize(1280, 800)
    window.show()
    window.full_speed_action.setChecked(True)
    wait(app, lambda: len(window.recording.frames()) >= frames, 600)
    held = len(window.recording.frames())
    path = folder / "window.gif"
    path.write_bytes(b"the earlier export")
    if after is not None:
        window.files.export_animation(path)
        spin(app, after)
    closing = time.perf_counter()
    window.close()
    seconds = time.perf_counter() - closing
    window.deleteLater()
    app.processEvents()
    return {
        "export_after_seconds": after,
        "frames": held,
        "close_seconds": round(seconds, 3),
        "earlier_file_kept": path.read_bytes() == b"the earlier export",
    }


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--after", type=float, nargs="+", default=[0.5, 2.0, 4.0])
    options.add_argument("--frames", type=int, default=40)
    args = options.parse_args()
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    recording = recording_of_four()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "four.gif"
        path.write_bytes(b"the earlier export")
        figures = [export(recording, path, after) for after in args.after]
        whole = export(recording, path, None)
        whole.update(frames=len(recording.frames()), bytes=path.stat().st_size)
        closing = [window_close(app, Path(folder), None, args.frames)] + [
            window_close(app, Path(folder), after, args.frames) for after in args.after
        ]
    print(json.dumps({"cancelled": figures, "whole": whole, "window": closing}, indent=1))


if __name__ == "__main__":
    main()
