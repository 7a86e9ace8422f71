"""Every way the program writes a file the user gets, each as a function of a folder, so
that a test can run them all, in this process or in a child under a file-size limit.

Each writer writes its files under fixed names in the folder and returns those names;
what it writes is the same on every call (the command line's report aside: its timing).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from deepdials.core.config.compare import comparison_from_dict
from deepdials.core.config.files import save_comparison, save_config, save_experiment
from deepdials.core.config.schema import config_from_dict
from deepdials.core.data.points import Points, write_points

CONFIG = {"schema": 1, "data": {"kind": "moons", "n_points": 60}, "train": {"epochs": 2}}


def points() -> Points:
    rng = np.random.default_rng(0)
    n = 2000  # about 90 kB of CSV: more than the smaller file-size limits
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    return Points(X, y, np.array(["train", "val", "test", "train"] * (n // 4), dtype="<U5"))


def config_file(folder: Path) -> list[str]:
    save_config(config_from_dict(CONFIG), folder / "c.json")
    return ["c.json"]


def experiment(folder: Path) -> list[str]:
    raw = {**CONFIG, "data": {"kind": "csv"}}
    save_experiment(config_from_dict(raw), points(), folder / "e.json")
    return ["e.json", "e.points.csv"]


def comparison(folder: Path) -> list[str]:
    raw = {"schema": 1, "base": CONFIG, "variants": [{"train": {"lr": 0.1}}, {}]}
    save_comparison(comparison_from_dict(raw), folder / "k.json")
    return ["k.json"]


def points_export(folder: Path) -> list[str]:
    write_points(folder / "p.csv", points())
    return ["p.csv"]


def gif(folder: Path) -> list[str]:
    from deepdials.app.tools.animation import BoundaryRecording, write_gif
    from deepdials.core.engine.reports import snapshot
    from deepdials.core.engine.run import advance
    from deepdials.core.engine.state import new_run, run_info

    run = new_run(config_from_dict({**CONFIG, "train": {"epochs": 50}}), run_id=1)
    info = run_info(run)
    recording = BoundaryRecording()
    for _ in range(4):
        advance(run, epochs=1)
        recording.add([info], ["run"], [snapshot(run, 24, layers=False)])
    write_gif(recording.frames(), recording.infos, recording.labels, folder / "a.gif")
    return ["a.gif"]


def png(folder: Path) -> list[str]:
    from PySide6.QtGui import QColor, QImage

    from deepdials.app.tools.png import write_png

    image = QImage(160, 120, QImage.Format_RGB32)
    image.fill(QColor(250, 250, 250))
    image.setDotsPerMeterX(3780)  # else the screen's, which an application changes
    image.setDotsPerMeterY(3780)
    for x in range(160):
        for y in range(0, 120, 7):
            image.setPixelColor(x, y, QColor((x * 3) % 256, (y * 5) % 256, (x * y) % 256))
    write_png(image, folder / "w.png")
    return ["w.png"]


def cli_out(folder: Path) -> list[str]:
    from deepdials.core.cli import main

    if main(["run", str(folder / "run.json"), "--out", str(folder / "r.json")]) != 0:
        raise OSError("deepdials run --out failed")
    return ["r.json"]


def prepare_inputs(folder: Path) -> None:
    """The files the writers read (the command line's config)."""
    (folder / "run.json").write_text(json.dumps(CONFIG))


WRITERS = {
    "config": config_file,
    "experiment": experiment,
    "comparison": comparison,
    "points": points_export,
    "gif": gif,
    "png": png,
    "cli --out": cli_out,
}


def comparable(name: str, data: bytes) -> bytes:
    """What of a written file must be the same on every call: all of it, but for the
    command line's timing figures."""
    if name != "r.json":
        return data
    report = json.loads(data)
    report.pop("timing")
    return json.dumps(report).encode()
