"""What several test modules share: a small config, waiting for the session's run, a
lesson's first words."""

import json

from deepdials.resources import PRESETS


def wait_for_run(qtbot, session, timeout=10_000):
    """Until the session's current run has started."""
    qtbot.waitUntil(
        lambda: session.info is not None and session.info.run_id == session.run_id,
        timeout=timeout,
    )


SMALL = {
    "schema": 1,
    "data": {"n_points": 200},
    "model": {"hidden": [6, 6]},
    "train": {"epochs": 100000},
}


def small_config(**sections):
    """A config that trains fast and long: SMALL with the given sections' keys changed."""
    from deepdials.core.config.schema import config_from_dict

    raw = json.loads(json.dumps(SMALL))
    for name, values in sections.items():
        raw[name].update(values)
    return config_from_dict(raw)


def answer_seconds(qtbot) -> tuple[float, float]:
    """How long the event loop takes to run a timer posted now, how long the window would
    take to answer a key press (a QTimer round trip, not a sleep): in seconds of the
    clock, and in seconds the GUI thread itself computed meanwhile (the window's own
    work, whatever else the machine runs)."""
    import time

    from PySide6.QtCore import QTimer

    fired = []
    start = time.perf_counter(), time.thread_time()
    QTimer.singleShot(0, lambda: fired.append((time.perf_counter(), time.thread_time())))
    qtbot.waitUntil(lambda: bool(fired), timeout=300_000)
    return fired[0][0] - start[0], fired[0][1] - start[1]


def choose(window, key, value):
    """Pick `value` in the combo box of setting `key`, as a user does."""
    box = window.controls.bindings[key].box
    box.setCurrentIndex(box.findData(value))
    box.activated.emit(box.currentIndex())


def explanation_start(name: str) -> str:
    """The first words of the lesson NAME's explanation, under its title."""
    text = (PRESETS / f"{name}.md").read_text(encoding="utf-8")
    return " ".join(text.split("\n\n")[1].split()[:4])
