"""The `deepdials` command.

deepdials                      open the window (last session's config)
deepdials CONFIG.json          open the window with that config
deepdials --config C --epochs N --screenshot out.png
                               train N epochs offscreen, save the window as a PNG, exit
deepdials --config LESSON --step N --screenshot out.png
                               the same after the lesson's step N (its steps played)
deepdials --self-test          offscreen: train a few epochs, draw a frame, exit 0
deepdials run …, deepdials compare …, deepdials gradcheck …   headless, see `deepdials.core.cli`
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

from deepdials.app.names import VIEWS
from deepdials.core import __version__
from deepdials.core.cli import OneLineParser

STARTED = time.perf_counter()

SELF_TEST_EPOCHS = 5
WAIT_LIMIT_MS = 120_000


def window_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="deepdials",
        description="DeepDials: a playground for the practical side of training deep networks. "
        "Headless commands: `deepdials run CONFIG.json`, `deepdials compare FILE.json`, "
        "`deepdials gradcheck CONFIG.json` (see `deepdials run --help`).",
    )
    p.add_argument("config_file", nargs="?", metavar="CONFIG.json", help="config to open")
    p.add_argument("--config", help="config to open (same as the positional argument)")
    p.add_argument("--epochs", type=int, help="with --screenshot: epochs to train first")
    p.add_argument("--screenshot", metavar="PNG", help="save the window as a PNG and exit")
    p.add_argument(
        "--step",
        type=int,
        metavar="N",
        help="with --screenshot: play the lesson's steps up to step N (instead of --epochs)",
    )
    p.add_argument("--large-fonts", action="store_true", help="projector mode")
    p.add_argument(
        "--classroom",
        action="store_true",
        help="classroom mode: projector mode, the config's chosen controls hidden",
    )
    p.add_argument("--view", help="show this view beside the boundary (see --list-views)")
    p.add_argument("--tab", dest="view", help=argparse.SUPPRESS)  # the old name of --view
    p.add_argument("--list-views", action="store_true", help="print the views' names and exit")
    p.add_argument("--version", action="version", version=f"deepdials {__version__}")
    p.add_argument(
        "--settings",
        metavar="INI",
        help="keep the window's settings in this file instead of the user's (a profile)",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="start offscreen, train a few epochs, draw a frame, exit 0",
    )
    return p


def seconds_since_start() -> float:
    """Seconds since this process started, as the kernel recorded it (Linux), so that the
    interpreter's start and the imports count; elsewhere since this module was loaded."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
        return now - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - STARTED


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def run_window(argv: list[str]) -> int:
    args = window_parser().parse_args(argv)
    if args.list_views:
        print("\n".join(VIEWS))
        return 0
    if args.view is not None and args.view not in VIEWS:
        print(
            f"deepdials: error: --view: no view {args.view!r}; there are: {', '.join(VIEWS)}",
            file=sys.stderr,
        )
        return 2
    path = args.config or args.config_file
    headless = bool(args.screenshot or args.self_test)
    if args.settings:
        os.environ["DEEPDIALS_SETTINGS"] = args.settings  # read by app.preferences
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not _has_display():
        print(
            "deepdials: error: no display found (DISPLAY is not set). Run it on a desktop, "
            "or use `--screenshot`/`--self-test`, or set QT_QPA_PLATFORM=offscreen.",
            file=sys.stderr,
        )
        return 2

    from deepdials.core.config.files import load_experiment
    from deepdials.core.errors import InputError

    config = None
    if path:
        try:
            config = load_experiment(path)
        except InputError as exc:
            print(f"deepdials: error: {exc}", file=sys.stderr)
            return 2
    if args.epochs is not None and args.epochs < 0:
        print(f"deepdials: error: --epochs: {args.epochs} is negative", file=sys.stderr)
        return 2
    problem = _step_problem(args, config)
    if problem:
        print(f"deepdials: error: --step: {problem}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from deepdials.app.window import MainWindow, configure_pyqtgraph

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("DeepDials")
    app.setDesktopFileName("deepdials")  # matches packaging/deepdials.desktop
    configure_pyqtgraph()
    base = Path(path).resolve().parent if path else None
    window = MainWindow(
        config,
        base,
        remember=not headless,
        playing=not headless,
        config_path=Path(path) if path else None,
    )
    if args.large_fonts:
        window.large_fonts_action.setChecked(True)
    if args.classroom:
        window.classroom_action.setChecked(True)
    if args.view:
        window.show_view(args.view)
    if headless:
        epochs = SELF_TEST_EPOCHS if args.self_test else (args.epochs or 0)
        return capture(app, window, epochs, args.screenshot, args.self_test, args.step, args.view)
    window.show()
    code = app.exec()
    dispose(window)
    return code


def _step_problem(args, config) -> str:
    """Why --step cannot be used as given, or ""."""
    if args.step is None:
        return ""
    if not args.screenshot:
        return "goes with --screenshot (deepdials run|compare LESSON --step N for its JSON)"
    if args.epochs is not None:
        return "a step trains to its own epochs: leave out --epochs"
    from deepdials.core.lessons.player import steps_of

    count = len(steps_of(config)) if config is not None else 0
    if not 1 <= args.step <= count:
        return f"{args.step} is not a step of this lesson (it has {count})"
    return ""


def dispose(window) -> None:
    """Delete the window (and its plots) while Qt is still whole; left to interpreter exit,
    PySide6 and pyqtgraph items can be torn down in an order that crashes."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def capture(
    app,
    window,
    epochs: int,
    png: str | None,
    self_test: bool,
    step: int | None = None,
    view: str | None = None,
) -> int:
    """Train `epochs` epochs (or play the lesson's steps up to `step`), draw that frame
    in `view` (over the view the lesson's steps chose), save the window; exit code 0 on
    success."""
    from PySide6.QtCore import QCoreApplication, QEvent, QTimer
    from PySide6.QtGui import QFontDatabase, QFontInfo

    from deepdials.core.engine.snapshot import Status

    outcome = {"code": 1, "message": "timed out before a frame was drawn"}
    first_frame = []

    def on_frame(snapshot) -> None:
        if not first_frame:
            first_frame.extend((seconds_since_start(), time.process_time()))
        running = snapshot.status == Status.RUNNING
        if step is not None and not (window.steps.current == step and window.steps.ended()):
            return  # the steps before, or this one, still being played
        if running and (snapshot.epoch < epochs or snapshot.scored_epoch != snapshot.epoch):
            return  # not there yet, or its last epoch still being scored
        if view and window.views.current().name != view:
            window.show_view(view)  # the steps showed theirs; the next frame is drawn in it
            return
        window.views.catch_up()
        # widgets whose text just changed ask for a new layout in a posted event: lay them
        # out now, so the image shows what the window shows a moment later
        QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        image = window.grab()
        problem = png and _write_screenshot(image, png)
        if problem:
            outcome["message"] = problem
        elif image.isNull() or image.width() == 0:
            outcome["message"] = "the window rendered an empty image"
        elif not QFontDatabase.families():
            outcome["message"] = "no fonts found: text would render as boxes"
        else:
            outcome.update(
                code=0,
                message=(
                    f"epoch {snapshot.epoch}, status {snapshot.status}, "
                    f"train error {snapshot.metrics['train']['error']:.3f}, "
                    f"frame {image.width()}x{image.height()}, "
                    f"view {window.views.current().name}, "
                    f"font {QFontInfo(window.font()).family()}, "
                    f"first frame {first_frame[0]:.2f} s after start "
                    f"({first_frame[1]:.2f} s of CPU)"
                ),
            )
        window.frame_drawn.disconnect(on_frame)
        window.close()
        app.quit()

    window.frame_drawn.connect(on_frame)
    window.show()
    if step is None:
        window.session.play_until(epochs)
    else:
        window.steps.play_to(step)
    QTimer.singleShot(WAIT_LIMIT_MS, lambda: (window.close(), app.quit()))
    app.exec()
    dispose(window)
    stream = sys.stdout if outcome["code"] == 0 else sys.stderr
    label = "self-test" if self_test else "screenshot"
    print(
        f"deepdials {label}: {'ok' if outcome['code'] == 0 else 'failed'}: {outcome['message']}",
        file=stream,
    )
    return outcome["code"]


def _write_screenshot(image, png: str) -> str:
    """Write the window's image to `png` as every user file is written; "" or the problem."""
    from deepdials.app.tools.png import write_png
    from deepdials.core.errors import InputError

    try:
        write_png(image, png)
    except InputError as exc:
        return str(exc)
    except OSError as exc:
        return f"could not write {png} ({exc.strerror or exc})"
    return ""


def main(argv: list[str] | None = None) -> int:
    # In the frozen program a sweep's worker process starts this executable again; this
    # makes it run the worker instead of a second window (a no-op when not frozen).
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("run", "compare", "gradcheck"):
        from deepdials.core import cli

        return cli.main(argv)
    return run_window(argv)


if __name__ == "__main__":
    sys.exit(main())
