"""Back in a lesson's steps: how long from the key to the step before drawn, on the lessons
whose runs are largest; figures printed as JSON.

Each lesson is given two steps, its own config and then a lower learning rate (a fresh
run), and opened in the window offscreen at 1280×800. Both steps are played to their end
at full speed; then, for `--rounds` rounds, Back (step 2 → 1) and Next (1 → 2, its end
again, to be left) are pressed, and the time from Back to the first frame of step 1's
runs drawn is recorded; against it, paused, the time from Reset (new runs from epoch 0,
as loading a config starts them) to their first frame. Also the time
`core.engine.state.copied` takes for one such run (Back hands the worker a copy of every
run of the step).

    python benchmarks/bench_steps.py [--rounds 5] [--lessons deep_relu_he,compare_init]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_window import wait  # noqa: E402
from deepdials.app.window import MainWindow, configure_pyqtgraph  # noqa: E402
from deepdials.core.config.compare import comparison_from_dict, is_comparison  # noqa: E402
from deepdials.core.config.schema import config_from_dict  # noqa: E402
from deepdials.core.engine.run import advance  # noqa: E402
from deepdials.core.engine.state import copied, new_run  # noqa: E402
from deepdials.core.safe_files import parse_json, read_text  # noqa: E402
from deepdials.resources import PRESETS  # noqa: E402

LESSONS = ("deep_relu_he", "compare_regularization", "exploding_gradients")


def stepped(name: str):
    """The preset NAME with two steps: as it is, then at half its learning rate."""
    raw = parse_json(read_text(PRESETS / f"{name}.json", 1_000_000), name)
    lesson_of = raw["base"] if is_comparison(raw) else raw
    lr = lesson_of.get("train", {}).get("lr", 0.03)
    lesson_of.setdefault("lesson", {})["steps"] = [
        {"text": "As it is."},
        {"text": "Half the learning rate.", "set": {"train.lr": lr / 2}},
    ]
    if is_comparison(raw):
        return comparison_from_dict(raw, PRESETS)
    return config_from_dict(raw, PRESETS)


def ended_at(window, step: int) -> bool:
    session = window.session
    frame = session.frame()
    return (
        window.steps.current == step
        and window.steps.ended()
        and len(frame.runs) == len(session.lanes)
        and session.is_current(frame)
    )


def seconds_to_frame(app, window, drawn: list, act) -> float:
    """The seconds from `act()` to the first frame drawn of the runs it started."""
    drawn.clear()
    start = time.perf_counter()
    act()
    session = window.session
    ids = {session.run_id_of(i) for i in range(len(session.lanes))}
    wait(app, lambda: any(run_id in ids for _, run_id in drawn), 30)
    return next(t for t, run_id in drawn if run_id in ids) - start


def measure(app, name: str, rounds: int) -> dict:
    lesson = stepped(name)
    window = MainWindow(lesson, PRESETS, remember=False)
    window.resize(1280, 800)
    window.show()
    window.full_speed_action.setChecked(True)
    drawn = []
    window.frame_drawn.connect(lambda s: drawn.append((time.perf_counter(), s.run_id)))
    window.steps.play_to(2)
    if not wait(app, lambda: ended_at(window, 2), 600):
        raise SystemExit(f"{name}: step 2 did not end in 10 minutes")
    backs = []
    for _ in range(rounds):
        backs.append(seconds_to_frame(app, window, drawn, window.steps.back))
        window.steps.play_to(2)
        wait(app, lambda: ended_at(window, 2), 600)
    window.session.set_playing(False)
    resets = [seconds_to_frame(app, window, drawn, window.session.reset) for _ in range(rounds)]
    runs = len(window.session.lanes)
    window.close()
    config = lesson.configs[0] if hasattr(lesson, "configs") else lesson
    run = new_run(config, base_dir=PRESETS)
    advance(run, 50)
    start = time.perf_counter()
    copies = 20
    for _ in range(copies):
        copied(run)
    return {
        "lesson": name,
        "runs": runs,
        "back_to_frame_ms": sorted(round(b * 1000, 1) for b in backs),
        "reset_to_frame_ms": sorted(round(r * 1000, 1) for r in resets),
        "copy_one_run_ms": round((time.perf_counter() - start) / copies * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lessons", default=",".join(LESSONS))
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    figures = [measure(app, name, args.rounds) for name in args.lessons.split(",")]
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
