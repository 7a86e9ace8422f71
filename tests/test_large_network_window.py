"""The window with a large network: closing never waits for a long piece of work (the
worker stops between two chunks of a full-batch step, of scoring, of the surface), and
the status line says when an epoch is still being scored."""

from PySide6.QtWidgets import QStatusBar

from deepdials.app.status_line import StatusLine
from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import train
from deepdials.core.engine.state import new_run, run_info
from tests.helpers import wait_for_run


def test_closing_stops_the_worker_in_the_middle_of_a_full_batch_step(session, qtbot):
    # 6,000 rows through 50 × 256 units: one step is about 50 chunks, seconds of work
    config = config_from_dict(
        {
            "schema": 1,
            "data": {"n_points": 6000, "split": [1, 0, 0]},
            "model": {"hidden": [256] * 50, "activation": "relu", "init": "he"},
            "train": {"batch_size": 0, "lr": 0.001},
        }
    )
    session.load(config)
    wait_for_run(qtbot, session, timeout=30_000)
    run = next(iter(session.worker._lanes.values())).run
    session.set_playing(True)
    qtbot.waitUntil(lambda: run.train_seconds > 0, timeout=60_000)  # a slice is done
    session.close()
    assert session.thread.isFinished()
    assert run.updates == 0 and run.epoch == 0  # stopped inside the first step


def test_the_status_line_says_an_epoch_is_being_scored(qtbot):
    bar = QStatusBar()
    qtbot.addWidget(bar)
    line = StatusLine(bar)
    run = new_run(config_from_dict({"schema": 1, "data": {"n_points": 3000}}))
    run.chunk = 100  # scoring the splits takes many chunks
    steps = train(run)
    next(steps)
    line.show(snapshot(run), run_info(run), True, 30.0)
    assert "scoring epoch 0…" in line.figures.text() and "error" not in line.figures.text()
    while run.epoch < 1:
        next(steps)  # a chunk a call: epoch 1's scoring has just begun
    line.show(snapshot(run), run_info(run), True, 30.0)
    assert "error at epoch 0: train" in line.figures.text()
    while not run.scored:
        next(steps)
    line.show(snapshot(run), run_info(run), True, 30.0)
    assert "error: train" in line.figures.text()
