"""A storm of random user actions on comparisons: after every one the window shows the
worker's runs in their states, every boundary cell is the same size, and the event loop
answers a timer after at most 200 ms of the window's own work (the clock's time depends
on what else the machine runs). DEEPDIALS_STORM_ACTIONS sets how many (the suite's default keeps
it under a minute); the actions come from a seeded numpy Generator, so a failure can be
replayed."""

import json
import os

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.exceptions import TimeoutError

from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.table import BY_KEY
from deepdials.resources import PRESETS
from tests.helpers import answer_seconds, choose, small_config, wait_for_run
from tests.test_compare_behaviour import ANSWER_SECONDS, assert_cells_equal, click_boundary

ACTIONS = int(os.environ.get("DEEPDIALS_STORM_ACTIONS", "300"))
SEED = 17
PRESET_NAMES = ("compare_init.json", "compare_regularization.json", "l2.json", "high_bias.json")
SHORT = {
    "schema": 1,
    "base": {
        "data": {"n_points": 120},
        "model": {"hidden": [6, 6]},
        "train": {"epochs": 12},
    },
    "variants": [{}, {"train": {"l2": 0.1}}],
}


def options(key):
    return list(BY_KEY[key].control.options)


def stops(key):
    return list(BY_KEY[key].control.stops)


def user_actions(window, qtbot, rng, files):
    """Each thing a user may do, as a function of nothing (its choices drawn from `rng`)."""
    w = window

    def key(k, modifier=Qt.NoModifier):
        return lambda: qtbot.keyClick(w, k, modifier)

    def pick(setting):
        return lambda: choose(w, setting, rng.choice(options(setting)))

    def slide(setting):
        return lambda: w.controls.bindings[setting].slider.setValue(rng.choice(stops(setting)))

    def spin(part, low, high):
        return lambda: getattr(w.controls.bindings["model.hidden"], part).setValue(
            int(rng.integers(low, high + 1))
        )

    def select():
        click_boundary(qtbot, w, int(rng.integers(len(w.boundaries.views))))

    def open_file():
        w.files.open_config(files[int(rng.integers(len(files)))])

    def show_view():
        views = w.views.actions_list()
        views[int(rng.integers(len(views)))].trigger()

    return {
        "compare": key(Qt.Key_K, Qt.ControlModifier),
        "activation": pick("model.activation"),
        "init": pick("model.init"),
        "depth": spin("depth", 1, 3),
        "units": spin("units", 2, 12),
        "lr": slide("train.lr"),
        "l2": slide("train.l2"),
        "remove": w.remove_run_action.trigger,
        "only this": w.only_run_action.trigger,
        "select": select,
        "open": open_file,
        "view": show_view,
        "play or pause": key(Qt.Key_Space),
        "step": key(Qt.Key_S),
        "reset": key(Qt.Key_R),
    }


def mismatch(window) -> str:
    """How the window differs from the worker ("" when not): each boundary cell draws
    the run the worker trains for its lane, in its status, and the play button says what
    the worker does."""
    session = window.session
    state = session.worker.state()
    keys = [lane.key for lane in session.lanes]
    shown = [view.shown() for view in window.boundaries.views]
    trained = [state.runs.get(k) for k in keys]
    if set(state.runs) != set(keys) or shown != trained:
        return f"the window shows {shown}, the worker trains {state.runs} for lanes {keys}"
    running = state.runs[session.lane.key][1] == "running"
    if running and (window.play_action.text() == "Pause") != state.playing:
        return f"the play button reads {window.play_action.text()}, playing: {state.playing}"
    return ""


@pytest.mark.usefixtures("window_work_only")
def test_a_storm_of_user_actions_leaves_the_window_showing_the_workers_runs(qtbot, tmp_path):
    configure_pyqtgraph()
    short = tmp_path / "short.json"
    short.write_text(json.dumps(SHORT))
    files = [short, *(PRESETS / name for name in PRESET_NAMES)]
    w = MainWindow(small_config(), remember=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    wait_for_run(qtbot, w.session)
    rng = np.random.default_rng(SEED)
    actions = user_actions(w, qtbot, rng, files)
    names = list(actions)
    done = []
    for _ in range(ACTIONS):
        name = names[int(rng.integers(len(names)))]
        actions[name]()
        done.append(name)
        wall, cpu = answer_seconds(qtbot)
        assert cpu < ANSWER_SECONDS, (wall, cpu, done[-5:])
        w.session.flush()  # a change the throttle holds back goes now
        try:
            qtbot.waitUntil(lambda: not mismatch(w), timeout=20_000)
        except TimeoutError:
            pytest.fail(f"{mismatch(w)}, after {done[-6:]}")
        assert_cells_equal(w)
    w.close()
