"""The animation export: frames are recorded as training goes, stay bounded on a long run,
and come out as a looping GIF whose frames show the boundary changing."""

import dataclasses
import json
import threading

import numpy as np
import pytest
from PIL import Image, ImageChops

from deepdials.app.tools.animation import BoundaryRecording, write_gif
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.engine.state import new_run

CONFIG = {
    "schema": 1,
    "data": {"kind": "moons", "n_points": 120, "seed": 1},
    "model": {"hidden": [8, 8], "activation": "tanh"},
    "train": {"optimizer": "adam", "lr": 0.05, "batch_size": 0, "epochs": 100000},
}


@pytest.fixture
def run():
    config = config_from_dict(json.loads(json.dumps(CONFIG)))
    r = new_run(config, run_id=7)
    return r, RunInfo(7, config, r.data, r.sizes)


def record(run_and_info, epochs, max_frames=50):
    r, info = run_and_info
    recording = BoundaryRecording(max_frames)
    for _ in range(epochs):
        advance(r, epochs=1)
        recording.add([info], ["base"], [snapshot(r, 40, layers=False)])
    return recording


def gif_frames(path):
    with Image.open(path) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(gif.convert("RGB"))
        return frames, gif.info.get("loop")


def test_the_gif_has_several_frames_that_differ_and_loops(run, tmp_path):
    recording = record(run, 30)
    path = tmp_path / "boundary.gif"
    write_gif(recording.frames(), recording.infos, recording.labels, path)
    frames, loop = gif_frames(path)
    assert len(frames) >= 10
    assert loop == 0
    assert ImageChops.difference(frames[0], frames[-1]).getbbox() is not None
    changed = sum(
        ImageChops.difference(a, b).getbbox() is not None for a, b in zip(frames, frames[1:])
    )
    assert changed >= len(frames) // 2


def test_a_long_run_keeps_a_bounded_evenly_spread_history(run):
    r, info = run
    recording = BoundaryRecording(max_frames=16)
    advance(r, epochs=1)
    snap = snapshot(r, 20, layers=False)
    for epoch in range(1, 5001):
        recording.add([info], ["base"], [dataclasses.replace(snap, epoch=epoch)])
    epochs = [frame.epoch for frame in recording.frames()]
    assert len(epochs) <= 17
    assert epochs[0] == 1 and epochs[-1] == 5000
    assert epochs == sorted(set(epochs))
    gaps = np.diff(epochs[:-1])
    assert gaps.max() <= 2 * gaps.min()


def test_snapshots_of_another_run_are_not_recorded(run):
    recording = record(run, 3)
    r, info = run
    stale = dataclasses.replace(snapshot(r, 40, layers=False), run_id=6, epoch=999)
    recording.add([info], ["base"], [stale])
    assert 999 not in [frame.epoch for frame in recording.frames()]


def test_a_new_run_starts_an_empty_recording(run):
    recording = record(run, 3)
    r, info = run
    other = dataclasses.replace(info, run_id=8)
    recording.add([other], ["base"], [])
    assert recording.frames() == [] and recording.infos == [other]


def test_compared_runs_are_recorded_and_drawn_side_by_side_at_equal_scale(tmp_path):
    configs = [
        config_from_dict(json.loads(json.dumps(CONFIG))),
        config_from_dict({**json.loads(json.dumps(CONFIG)), "train": {"lr": 0.001}}),
    ]
    runs = [new_run(c, run_id=10 + i) for i, c in enumerate(configs)]
    infos = [RunInfo(r.run_id, r.config, r.data, r.sizes) for r in runs]
    recording = BoundaryRecording()
    for _ in range(5):
        for r in runs:
            advance(r, epochs=1)
        recording.add(infos, ["base", "lr = 0.001"], [snapshot(r, 40, layers=False) for r in runs])
    path = tmp_path / "two.gif"
    write_gif(recording.frames(), recording.infos, recording.labels, path)
    frames, _ = gif_frames(path)
    width, height = frames[0].size
    assert width == 2 * 360 and len(frames) == 5
    x0, x1, y0, y1 = infos[0].data.extent  # moons: wider than tall, drawn so
    from deepdials.app.tools.gif_pictures import panel_size

    w, h = panel_size(infos[0].data.extent, 360)
    assert w == 360 and h == round(360 * (y1 - y0) / (x1 - x0)) < 360


def test_compared_runs_whose_surfaces_come_at_different_frames_are_recorded():
    """Each run's surface is computed on a schedule of its own: a drawn frame where only
    one run has a new surface still records, with the other's newest surface."""
    configs = [config_from_dict(json.loads(json.dumps(CONFIG))) for _ in range(2)]
    runs = [new_run(c, run_id=20 + i) for i, c in enumerate(configs)]
    infos = [RunInfo(r.run_id, r.config, r.data, r.sizes) for r in runs]
    recording = BoundaryRecording()
    for frame in range(10):
        snapshots = []
        for lane, r in enumerate(runs):
            advance(r, epochs=1)
            s = snapshot(r, 40, layers=False)
            snapshots.append(s if frame % 2 == lane else dataclasses.replace(s, surface=None))
        recording.add(infos, ["a", "b"], snapshots)
    frames = recording.frames()
    assert len(frames) == 9  # from the second frame on, when both runs have had a surface
    assert [frame.epoch for frame in frames] == list(range(2, 11))


def test_the_window_exports_the_animation_of_its_run(qtbot, tmp_path):
    configure_pyqtgraph()
    config = config_from_dict(json.loads(json.dumps(CONFIG)))
    window = MainWindow(config, remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(window.recording.frames()) >= 4, timeout=20_000)
    window.session.set_playing(False)
    path = tmp_path / "run.gif"
    writer = window.files.export_animation(path)
    assert writer is not None
    qtbot.waitUntil(writer.isFinished, timeout=20_000)  # encoded off the GUI thread
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("⚠ Wrote"))
    frames, _ = gif_frames(path)
    assert len(frames) >= 4
    assert not window.windowIcon().isNull()


def test_a_long_caption_is_set_smaller_until_it_fits_its_cell():
    from PIL import ImageDraw

    from deepdials.app.tools.animation import fitting_font

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    text = "random × 10, λ = 0.3: train error 100.0%    val error 100.0%"
    font = fitting_font(draw, text, 15, 344)
    assert (
        draw.textlength(text, font=font)
        <= 344
        < draw.textlength(text, font=fitting_font(draw, text, 15, 10**6))
    )


def test_closing_during_an_export_cancels_it_and_keeps_the_earlier_file(
    qtbot, tmp_path, monkeypatch
):
    """The window closes while the GIF's first frame is being drawn: the export stops
    there, and the file it would have replaced is as it was, with nothing beside it."""
    from deepdials.app.tools.animation import Renderer
    from deepdials.app.tools.files import GifWriter

    drawing, cancelled = threading.Event(), threading.Event()
    render, cancel = Renderer.__call__, GifWriter.cancel

    def slow_render(self, frame):
        drawing.set()
        cancelled.wait(timeout=60)
        return render(self, frame)

    def cancel_and_tell(self):
        cancel(self)
        cancelled.set()

    monkeypatch.setattr(Renderer, "__call__", slow_render)
    monkeypatch.setattr(GifWriter, "cancel", cancel_and_tell)
    configure_pyqtgraph()
    window = MainWindow(config_from_dict(json.loads(json.dumps(CONFIG))), remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(window.recording.frames()) >= 3, timeout=20_000)
    path = tmp_path / "earlier.gif"
    path.write_bytes(b"GIF89a the earlier export")
    writer = window.files.export_animation(path)
    assert drawing.wait(timeout=60)
    window.close()
    assert writer.isFinished() and cancelled.is_set()
    assert path.read_bytes() == b"GIF89a the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["earlier.gif"]


def test_an_animation_that_cannot_be_written_names_its_file_once(
    run, tmp_path, window, monkeypatch
):
    from deepdials.app.tools import files

    warnings = []
    monkeypatch.setattr(files.QMessageBox, "warning", lambda _w, _t, text: warnings.append(text))
    recording = record(run, 3)
    folder = tmp_path / "folder.gif"
    folder.mkdir()
    writer = files.GifWriter(recording.frames(), recording, folder)
    writer.done.connect(window.files._animation_written)
    writer.run()  # here, not on its thread: its answer comes at once
    assert warnings == [f"{folder}: cannot write (a folder, not a regular file)"]
