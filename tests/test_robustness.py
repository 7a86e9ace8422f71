"""Holding up in front of a class: slider storms, every preset, numerical extremes."""

import numpy as np
import pytest
from PySide6.QtCore import QThread

from deepdials.app.window import MainWindow, configure_pyqtgraph, preset_files
from deepdials.core.config.compare import Comparison
from deepdials.core.config.files import load_experiment
from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.optimizers import Optimizer
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run

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
    b = window.controls.bindings

    def pick(slider):
        return lambda: slider.setValue(slider.values[rng.integers(len(slider.values))])

    def spin(widget, lo, hi):
        return lambda: widget.setValue(int(rng.integers(lo, hi + 1)))

    def combo(binding):
        def choose():
            i = int(rng.integers(binding.box.count()))
            if binding.box.model().item(i).isEnabled():
                binding.box.setCurrentIndex(i)
                binding.box.activated.emit(i)

        return choose

    return [
        pick(b["train.lr"].slider),
        pick(b["train.l2"].slider),
        pick(b["train.l1"].slider),
        pick(b["train.keep_prob"].slider),
        pick(b["data.noise"].slider),
        pick(b["data.n_points"].slider),
        pick(b["model.init_scale"].slider),
        spin(b["model.hidden"].depth, 0, 6),
        spin(b["model.hidden"].units, 1, 24),
        spin(b["data.seed"].spin, 0, 50),
        combo(b["model.activation"]),
        combo(b["train.batch_size"]),
        combo(b["train.optimizer"]),
        combo(b["model.init"]),
        combo(b["data.kind"]),
    ]


def test_a_slider_storm_ends_on_exactly_the_last_values(qtbot, window):
    rng = np.random.default_rng(7)
    moves = _storm_moves(window, rng)
    for _ in range(STORM_CHANGES):
        moves[rng.integers(len(moves))]()
        qtbot.wait(5)  # paces the changes like a hand on a slider; not a synchronisation
    final = window.session.config
    shown = {
        key: b.slider.value() for key, b in window.controls.bindings.items() if hasattr(b, "slider")
    }
    assert shown["train.lr"] == final.train.lr and shown["data.noise"] == final.data.noise
    with qtbot.waitSignal(
        window.frame_drawn,
        timeout=10_000,
        check_params_cb=lambda s: s.run_id == window.session.run_id and s.config == final,
    ):
        pass
    assert window.session.info.config.data == final.data
    assert window.session.info.config.model == final.model
    threads = [t for t in window.findChildren(QThread) if t.isRunning()]
    assert threads == [window.session.thread]


@pytest.mark.parametrize("path", preset_files(), ids=lambda p: p.stem)
def test_every_preset_trains_or_diverges_without_a_warning(path):
    loaded = load_experiment(path)
    configs = loaded.configs if isinstance(loaded, Comparison) else [loaded]
    for config in configs:
        run = new_run(config, base_dir=path.parent)  # a NumPy warning fails the test
        advance(run, epochs=5)
        assert run.epoch == 5 or run.status != "running"
        assert np.isfinite(snapshot(run, resolution=20).surface.probs).all() or run.diverged_at


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
    qtbot.waitUntil(lambda: w.session.info is not None, timeout=5000)
    w.session.request_gradient_check(1e-7, None)  # ~20,000 components: several seconds
    w.close()  # waits at most 2 s for the worker
    assert w.session.thread.isFinished()


def test_an_error_inside_training_reaches_the_window_and_the_worker_serves_the_next_run(
    qtbot, window, monkeypatch
):
    def broken(self, *args, **kwargs):
        raise RuntimeError("a fault inside the engine")

    with qtbot.waitSignal(window.frame_drawn, timeout=10_000):
        pass
    monkeypatch.setattr(Optimizer, "apply", broken)
    qtbot.waitUntil(
        lambda: "a fault inside the engine" in window.statusBar().currentMessage(), timeout=5000
    )
    monkeypatch.undo()
    window.controls.bindings["model.hidden"].depth.setValue(3)
    with qtbot.waitSignal(
        window.frame_drawn,
        timeout=10_000,
        check_params_cb=lambda s: s.run_id == window.session.run_id and s.epoch > 0,
    ):
        pass
