"""How long the GUI thread stalls: a storm of control changes, projector mode, a gradient check.

The window opens offscreen, training at full speed. A stall is how late a 5 ms probe timer
on the GUI thread fires (its worst and its 99th percentile, ms). Printed as JSON:

- storm: 500 control changes 5 ms apart (sliders, spin boxes, combo boxes, as a hand
  moving over the controls would make them), with each view of --views shown in turn, on
  the default config and on a large one (20,000 points × augment 10: 132,000 training
  rows, so 165,000 points to draw) and on four compared runs of 20,000 points (with a
  click on another run now and then); these storms leave the number of points alone;
- projector: Projector mode switched on and off three times: the time until the window
  has laid itself out and painted (median and worst, s), and the worst stall around it;
- gradcheck (--gradcheck): a 50 × 256 net checked in the window: seconds from the click to
  the first progress, the worst stall while it runs, and from Cancel to its answer.

    python benchmarks/bench_stalls.py [--views curves layers depth network] [--gradcheck]
    python benchmarks/bench_stalls.py --compared-only  # the storm on four compared runs
    python benchmarks/bench_stalls.py --profile     # the GUI thread's costliest calls

The target is no stall over 200 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deepdials.app.window import MainWindow, configure_pyqtgraph  # noqa: E402
from deepdials.core.config.compare import comparison_from_dict  # noqa: E402
from deepdials.core.config.schema import config_from_dict  # noqa: E402

PROBE_MS = 5
CHANGES = 500
TARGET_MS = 200
DEFAULT = {"schema": 1, "train": {"epochs": 1_000_000}}
LARGE = {
    "schema": 1,
    "data": {"n_points": 20_000, "augment": 10},
    "train": {"epochs": 1_000_000},
}
# four compared runs of the largest number of points, one per initialization
COMPARED = {
    "schema": 1,
    "base": {"data": {"n_points": 20_000}, "train": {"epochs": 1_000_000}},
    "variants": [{"model": {"init": init}} for init in ("xavier", "he", "normal", "uniform")],
}
DEEP = {"schema": 1, "model": {"hidden": [256] * 50}, "train": {"epochs": 1_000_000}}


class Probe:
    """A 5 ms timer on the GUI thread; how late each tick comes, in ms."""

    def __init__(self):
        self.late: list[float] = []
        self.last: float | None = None
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        if self.last is not None:
            self.late.append(max(0.0, now - self.last - PROBE_MS))
        self.last = now

    def __enter__(self) -> Probe:
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.stop()

    def figures(self) -> dict:
        late = np.array(self.late or [0.0])
        return {
            "max_ms": round(float(late.max()), 1),
            "p99_ms": round(float(np.percentile(late, 99)), 1),
        }


def spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.AllEvents, 5)
        time.sleep(0.001)


def wait(app, predicate, timeout: float) -> bool:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.AllEvents, 5)
        if predicate():
            return True
    return False


def storm_moves(window, rng, points: bool) -> list:
    b = window.controls.bindings

    def pick(slider):
        return lambda: slider.setValue(slider.values[rng.integers(len(slider.values))])

    def spin_box(widget, lo, hi):
        return lambda: widget.setValue(int(rng.integers(lo, hi + 1)))

    def combo(binding):
        def choose():
            i = int(rng.integers(binding.box.count()))
            if binding.box.model().item(i).isEnabled():
                binding.box.setCurrentIndex(i)
                binding.box.activated.emit(i)

        return choose

    moves = [
        pick(b["train.lr"].slider),
        pick(b["train.l2"].slider),
        pick(b["train.keep_prob"].slider),
        pick(b["data.noise"].slider),
        pick(b["model.init_scale"].slider),
        spin_box(b["model.hidden"].depth, 0, 6),
        spin_box(b["model.hidden"].units, 1, 24),
        spin_box(b["data.seed"].spin, 0, 50),
        combo(b["model.activation"]),
        combo(b["train.batch_size"]),
        combo(b["train.optimizer"]),
        combo(b["model.init"]),
    ]
    if points:
        moves += [pick(b["data.n_points"].slider), combo(b["data.kind"])]
    return moves


def open_window(app, raw: dict) -> MainWindow:
    experiment = comparison_from_dict(raw) if "variants" in raw else config_from_dict(raw)
    window = MainWindow(experiment, remember=False)
    window.resize(1280, 800)
    window.show()
    window.full_speed_action.setChecked(True)
    wait(app, lambda: window.session.latest is not None, 120)
    spin(app, 0.5)
    return window


def storm(app, raw: dict, views: list[str], points: bool, profile: cProfile.Profile | None):
    window = open_window(app, raw)
    rng = np.random.default_rng(7)
    moves = storm_moves(window, rng, points)
    session = window.session
    if session.comparing:  # and a click on another run's boundary now and then
        moves.append(lambda: session.select(int(rng.integers(len(session.lanes)))))
    out = {}
    for view in views:
        window.show_view(view)
        spin(app, 0.5)
        with Probe() as probe:
            if profile is not None:
                profile.enable()
            for _ in range(CHANGES):
                moves[rng.integers(len(moves))]()
                spin(app, 0.005)
            spin(app, 1.0)
            if profile is not None:
                profile.disable()
        out[view] = probe.figures()
    window.close()
    return out


def projector(app) -> dict:
    window = open_window(app, DEFAULT)
    times = []
    with Probe() as probe:
        for on in (True, False) * 3:
            start = time.perf_counter()
            window.large_fonts_action.setChecked(on)
            app.processEvents()  # the new fonts' layout and paint
            while window._fit_timer.isActive():  # the columns fitted to the new sizes
                app.processEvents()
            app.processEvents()  # and painted
            times.append(time.perf_counter() - start)
            spin(app, 0.3)
    window.close()
    return {
        "toggle_median_s": round(float(np.median(times)), 3),
        "toggle_max_s": round(max(times), 3),
        "stall": probe.figures(),
    }


def gradcheck(app) -> dict:
    window = open_window(app, DEEP)
    window.show_view("gradient_check")
    page = window.views.current()
    spin(app, 0.5)
    progress, answers = [], []
    window.session.gradient_progress.connect(lambda *_: progress.append(time.perf_counter()))
    page.checked.connect(lambda r: answers.append((time.perf_counter(), r)))
    with Probe() as probe:
        clicked = time.perf_counter()
        page.check_button.click()
        wait(app, lambda: len(progress) >= 1, 120)
        first = progress[0] - clicked if progress else None
        spin(app, 10.0)
        cancelled = time.perf_counter()
        page.cancel_button.click()
        wait(app, lambda: answers, 60)
    window.close()
    return {
        "net": "50 x 256, 3,224,833 parameters",
        "click_to_first_progress_s": round(first, 2) if first is not None else None,
        "cancel_to_answer_s": round(answers[0][0] - cancelled, 3) if answers else None,
        "compared_before_cancel": getattr(answers[0][1], "done", None) if answers else None,
        "stall": probe.figures(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", nargs="+", default=["curves", "layers", "depth", "network"])
    parser.add_argument("--gradcheck", action="store_true", help="also a check of 50 × 256")
    parser.add_argument("--no-large", action="store_true", help="the default config only")
    parser.add_argument("--profile", action="store_true", help="profile the storms")
    parser.add_argument(
        "--compared-only", action="store_true", help="only the storm on four compared runs"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    profile = cProfile.Profile() if args.profile else None
    report = {"storm": {}}
    if not args.compared_only:
        report["storm"]["default"] = storm(app, DEFAULT, args.views, True, profile)
    if not args.no_large and not args.compared_only:
        report["storm"]["large"] = storm(app, LARGE, args.views, False, profile)
    if not args.no_large:
        report["storm"]["compared"] = storm(app, COMPARED, args.views, False, profile)
    if not args.compared_only:
        report["projector"] = projector(app)
    if args.gradcheck:
        report["gradcheck"] = gradcheck(app)
    report["target_max_ms"] = TARGET_MS
    print(json.dumps(report, indent=1))
    if profile is not None:
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
        print(text.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
