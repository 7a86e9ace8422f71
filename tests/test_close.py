"""Closing never waits for a long piece of work: the worker stops between two chunks of a
full-batch step (or of scoring, or of the surface), whatever the size of the network."""

from core.config.schema import config_from_dict
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
