"""Holding up in front of a class: slider storms, every preset, numerical extremes."""

import numpy as np
import pytest
from PySide6.QtCore import QThread

from app.window import MainWindow, configure_pyqtgraph, preset_files
from core.config.schema import (
    config_from_dict,
    load_config,
)
from core.engine.run import Run

STORM_CHANGES = 500


@pytest.fixture
def window(qtbot):
    configure_pyqtgraph()
    config = config_from_dict(
        {"schema": 1, "data": {"n_points": 200}, "train": {"epochs": 1_000_000}}
    )
    w = MainWindow(config, remember=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    w.close()


def _storm_moves(window, rng):
    c = window.controls

    def pick(widget):
        return lambda: widget.setValue(widget.values[rng.integers(len(widget.values))])

    def spin(widget, lo, hi):
        return lambda: widget.setValue(int(rng.integers(lo, hi + 1)))

    def combo(widget):
        return lambda: widget.setCurrentIndex(int(rng.integers(widget.count())))

    return [
        pick(c.lr),
        pick(c.lam),
        pick(c.keep),
        pick(c.noise),
        pick(c.n_points),
        pick(c.init_scale),
        spin(c.depth, 0, 6),
        spin(c.width_, 1, 24),
        spin(c.seed, 0, 50),
        combo(c.activation),
        combo(c.batch),
        combo(c.optimizer),
        combo(c.init),
        combo(c.penalty),
    ]


def test_a_slider_storm_ends_on_exactly_the_last_values(qtbot, window):
    rng = np.random.default_rng(7)
    moves = _storm_moves(window, rng)
    for _ in range(STORM_CHANGES):
        moves[rng.integers(len(moves))]()
        qtbot.wait(5)  # paces the changes like a hand on a slider; not a synchronisation
    final = window.controls.config()
    qtbot.waitUntil(lambda: window.worker._config == final, timeout=10_000)
    with qtbot.waitSignal(
        window.frame_drawn, timeout=10_000, check_params_cb=lambda s: s.run_id == window.run_id
    ):
        pass
    assert window.info.config.data == final.data and window.info.config.model == final.model
    run = window.worker._run
    assert run.config.model == final.model and run.train == final.train
    threads = [t for t in window.findChildren(QThread) if t.isRunning()]
    assert threads == [window.thread]


@pytest.mark.parametrize("path", preset_files(), ids=lambda p: p.stem)
def test_every_preset_trains_or_diverges_without_a_warning(path):
    run = Run(load_config(path), base_dir=path.parent)  # a NumPy warning fails the test
    run.advance(epochs=5)
    assert run.status in ("running", "finished", "early_stopped", "diverged")
    run.snapshot(resolution=20)


def test_closing_during_a_long_gradient_check_stops_the_worker_within_2_s(qtbot):
    configure_pyqtgraph()
    big = config_from_dict(
        {
            "schema": 1,
            "data": {"n_points": 200},
            "model": {"hidden": [256, 256]},
            "train": {"epochs": 1_000_000},
        }
    )
    w = MainWindow(big, remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.worker._run is not None, timeout=5000)
    w.worker.request_gradient_check(1e-7, None)  # ~20,000 components: several seconds
    qtbot.waitUntil(lambda: w.worker._mail.gradient_check is None, timeout=5000)  # taken up
    w.close()  # waits at most 2 s for the worker
    assert w.thread.isFinished()


def test_an_error_inside_training_reaches_the_window_and_the_worker_serves_the_next_run(
    qtbot, window, monkeypatch
):
    def broken(self, *args, **kwargs):
        raise RuntimeError("a fault inside the engine")

    with qtbot.waitSignal(window.frame_drawn, timeout=10_000):
        pass
    monkeypatch.setattr(Run, "advance", broken)
    qtbot.waitUntil(
        lambda: "a fault inside the engine" in window.statusBar().currentMessage(), timeout=5000
    )
    monkeypatch.undo()
    window.controls.depth.setValue(3)
    with qtbot.waitSignal(
        window.frame_drawn,
        timeout=10_000,
        check_params_cb=lambda s: s.run_id == window.run_id and s.epoch > 0,
    ):
        pass
