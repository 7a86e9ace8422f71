"""The main window: controls on the left, the boundary in the middle, views on the right.

It draws and nothing else. Every config change goes to the training worker (throttled,
latest wins); snapshots come back on a queued signal; the window keeps only the newest
one of the current run and draws it on a render timer that re-arms after each frame.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import replace
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
)

from app import preferences as stored
from app.controls.classroom_dialog import HiddenControlsDialog
from app.controls.panel import ControlPanel
from app.pages.chain_page import ChainView
from app.pages.gradcheck_page import GradCheckView
from app.pages.lesson_page import PresetInfoView, lesson_paths, markdown_title
from app.pages.normalization_page import NormLessonView
from app.pages.sweep_page import SweepView
from app.throttle import Throttle
from app.tools.animation import BoundaryRecording, write_gif
from app.tools.own_data import OwnDataTool
from app.views.bias_variance import BiasVarianceView, apply_remedy
from app.views.boundary import BoundaryView
from app.views.curves import CurvesView
from app.views.layer_views import DepthView, LayersView
from app.views.network_diagram import DiagramView
from app.views.protocol import View
from app.worker import RunInfo, TrainingWorker
from core.config.schema import ClassroomConfig, Config, load_config, save_config
from core.engine.run import Snapshot
from core.errors import InputError
from resources import PRESETS, ROOT

THROTTLE_MS = 80
CLOSE_WAIT_MS = 2000
VIEWS_MIN_WIDTH = 300
BOUNDARY_SHARE = 0.62
SETTLE_MS = 150  # a view that skipped frames is brought up to date once frames stop
LARGE_SCALE = 1.6
SPEEDS = [
    ("max speed", None),
    ("100 epochs/s", 100.0),
    ("20 epochs/s", 20.0),
    ("5 epochs/s", 5.0),
    ("1 epoch/s", 1.0),
]
STATE_COLORS = {"diverged": "#b01515", "early_stopped": "#0b6e4f", "finished": "#333"}
STATE_TEXT = {
    "running": "running",
    "finished": "finished",
    "early_stopped": "early stopped",
    "diverged": "diverged",
}


def preset_files() -> list[Path]:
    return sorted(PRESETS.glob("*.json"))


def preset_title(path: Path) -> str:
    """The `# Title` of the preset's description, or its file name made readable."""
    return markdown_title(path) or path.stem.replace("_", " ").capitalize()


class MainWindow(QMainWindow):
    frame_drawn = Signal(object)  # the Snapshot just drawn

    def __init__(
        self,
        config: Config | None = None,
        base_dir: Path | None = None,
        remember: bool = True,
        playing: bool = True,
        config_path: Path | None = None,
    ):
        super().__init__()
        self.setWindowTitle("DeepDials")
        self.setWindowIcon(QIcon(str(ROOT / "icons" / "deepdials-256.png")))
        self.settings = stored.open_settings() if remember else None
        self.config_path: Path | None = None
        self.base_dir = base_dir
        self.run_id = 0
        self.info: RunInfo | None = None
        self.playing = playing
        self.scale = 1.0
        self._base_font_size = QApplication.font().pointSizeF()
        self._latest: Snapshot | None = None
        self._drawn: Snapshot | None = None
        self._frames = 0
        self._state_color = ""
        self._awaiting_paint = False
        self._view_stale = False
        self._frame_times: deque[float] = deque(maxlen=120)
        self._update_rate = deque(maxlen=30)

        self.controls = ControlPanel()
        scroll = self.controls_scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.controls.sizeHint().width() + 24)
        self.boundary = BoundaryView()
        self.curves = CurvesView()
        self.thread = QThread(self)
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.worker.run_started.connect(self._on_run_started)
        self.worker.snapshot_ready.connect(self._on_snapshot)
        self.worker.failed.connect(self._on_failed)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.views: list[View] = []
        self.bias_variance = BiasVarianceView()
        self.bias_variance.remedy.connect(self.apply_remedy)
        self.sweeps = SweepView(lambda: (self.config, self.base_dir))
        self.preset_info = PresetInfoView()
        self.preset_info.open_requested.connect(self.open_config)
        for view in (
            self.curves,
            self.bias_variance,
            LayersView(),
            DepthView(),
            DiagramView(),
            ChainView(),
            self.sweeps,
            GradCheckView(self.worker),
            NormLessonView(),
            self.preset_info,
        ):
            self.add_view(view)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        # the boundary is what a class looks at: it gets the larger share, and no view's
        # page may force the views wider than this (a wide page scrolls or clips instead)
        self.tabs.setMinimumWidth(VIEWS_MIN_WIDTH)
        views = self.views_splitter = QSplitter(Qt.Horizontal)
        views.addWidget(self.boundary)
        views.addWidget(self.tabs)
        views.setCollapsible(0, False)
        self._share_width()
        main = QSplitter(Qt.Horizontal)
        main.addWidget(scroll)
        main.addWidget(views)
        main.setStretchFactor(1, 1)
        main.setCollapsible(0, False)
        self.setCentralWidget(main)
        self._build_status_bar()
        self._build_actions()
        self.own_data = OwnDataTool(self)
        self.recording = BoundaryRecording()
        self.frame_drawn.connect(self.recording.add)
        self.thread.start()
        self.worker.set_playing(self.playing)

        self._submit_throttled = Throttle(THROTTLE_MS, self._submit, self)
        self.controls.changed.connect(self._submit_throttled)
        self.controls.invalid.connect(self._show_problem)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render)
        self._painted_timer = QTimer(self)
        self._painted_timer.setSingleShot(True)
        self._painted_timer.setInterval(0)
        self._painted_timer.timeout.connect(self._frame_painted)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self.refresh_view)

        startup_message = None
        if config is None and self.settings is not None:
            config, startup_message = stored.last_config(self.settings)
            geometry = self.settings.value("geometry")
            if geometry is not None:
                self.restoreGeometry(geometry)
            if self.settings.value("large_fonts", False, type=bool):
                self.large_fonts_action.setChecked(True)
        self.load(config or Config(), base_dir)
        if config_path is not None:
            self._show_config_path(Path(config_path))
        if startup_message:
            self._show_problem(startup_message)

    # ----- building -----

    def _build_status_bar(self) -> None:
        self.status_label = QLabel()
        self.status_label.setMinimumWidth(1)  # long figures are clipped, never the run state
        self.state_label = QLabel()
        self.state_label.setObjectName("runState")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.state_label)

    def _action(self, text: str, shortcut=None, slot=None, checkable=False, tip=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if checkable:
            action.setCheckable(True)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&Open config…", QKeySequence.Open, self._open_dialog))
        file_menu.addAction(self._action("&Save config", QKeySequence.Save, self._save))
        file_menu.addAction(self._action("Save config &as…", QKeySequence.SaveAs, self._save_as))
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        file_menu.addAction(
            self._action("Export &window as PNG…", None, lambda: self._export_png(self))
        )
        file_menu.addAction(
            self._action("Export &boundary as PNG…", None, lambda: self._export_png(self.boundary))
        )
        file_menu.addAction(
            self._action(
                "Export &animation…",
                None,
                self._export_animation,
                tip="The boundary's evolution over this run as an animated GIF, for handouts",
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.Quit, self.close))
        self._rebuild_recent_menu()

        presets = bar.addMenu("&Presets")
        lessons = presets.addMenu("&Lessons")
        for number, path in enumerate(lesson_paths(), start=1):
            lessons.addAction(
                self._action(
                    f"{number}. {preset_title(path)}",
                    None,
                    lambda _=False, p=path: self.open_config(p),
                )
            )
        presets.addSeparator()
        lesson_set = set(lesson_paths())
        for path in preset_files():
            if path not in lesson_set:
                presets.addAction(
                    self._action(
                        preset_title(path), None, lambda _=False, p=path: self.open_config(p)
                    )
                )

        run_menu = bar.addMenu("&Run")
        self.play_action = self._action(
            "Pause", Qt.Key_Space, self.toggle_play, tip="Play or pause training (Space)"
        )
        self.step_action = self._action(
            "Step", Qt.Key_S, self.step, tip="Train one epoch, then pause (S)"
        )
        self.reset_action = self._action(
            "Reset", Qt.Key_R, self.reset, tip="Start again from the initial weights (R)"
        )
        for a in (self.play_action, self.step_action, self.reset_action):
            run_menu.addAction(a)

        view = bar.addMenu("&View")
        self.fullscreen_action = self._action(
            "&Full screen", Qt.Key_F11, self._toggle_fullscreen, checkable=True
        )
        self.large_fonts_action = self._action(
            "&Projector mode (large fonts)",
            "Ctrl+L",
            self.set_large_fonts,
            checkable=True,
            tip="Larger text, thicker lines and bigger points for a lecture hall",
        )
        self.classroom_action = self._action(
            "&Classroom mode",
            Qt.Key_F9,
            self.set_classroom,
            checkable=True,
            tip="Projector mode, with the controls chosen for this config hidden (F9)",
        )
        self.choose_hidden_action = self._action(
            "Controls to &hide in classroom mode…", None, self._choose_hidden
        )
        self.discretize_action = self._action(
            "&Discretize output",
            "D",
            self.boundary.set_discretize,
            checkable=True,
            tip="Colour each pixel by its predicted class only, not by the confidence",
        )
        self.log_action = self._action(
            "&Log-scale loss",
            None,
            self.curves.set_log_scale,
            checkable=True,
            tip="Loss on a logarithmic axis",
        )
        self.split_actions = {}
        for split, label in (
            ("train", "training points"),
            ("val", "validation points"),
            ("test", "test points"),
        ):
            action = self._action(
                f"Show {label}",
                None,
                lambda on, s=split: self.boundary.set_split_visible(s, on),
                checkable=True,
            )
            action.setChecked(True)
            self.split_actions[split] = action
        for a in (
            self.fullscreen_action,
            self.classroom_action,
            self.choose_hidden_action,
            self.large_fonts_action,
            self.discretize_action,
            self.log_action,
            *self.split_actions.values(),
        ):
            view.addAction(a)

        toolbar = QToolBar("Playback")
        toolbar.setObjectName("playback")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        for a in (self.play_action, self.step_action, self.reset_action):
            toolbar.addAction(a)
        self.speed = QComboBox()
        for label, rate in SPEEDS:
            self.speed.addItem(label, rate)
        self.speed.setToolTip("How fast training runs: slow it down to watch each epoch.")
        self.speed.currentIndexChanged.connect(
            lambda _: self.worker.set_speed(self.speed.currentData())
        )
        toolbar.addWidget(QLabel("  Speed "))
        toolbar.addWidget(self.speed)
        toolbar.addSeparator()
        for a in (self.discretize_action, *self.split_actions.values(), self.log_action):
            toolbar.addAction(a)
        self.split_actions["train"].setText("Train")
        self.split_actions["val"].setText("Val")
        self.split_actions["test"].setText("Test")

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = stored.recent_files(self.settings) if self.settings is not None else []
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_config(Path(p)))
        self.recent_menu.setEnabled(bool(files))

    # ----- views beside the boundary -----

    def add_view(self, view: View) -> None:
        self.views.append(view)
        self.tabs.addTab(view, view.title)

    def show_tab(self, title: str) -> bool:
        """Bring the view with this title to the front; False when there is none."""
        for index, view in enumerate(self.views):
            if view.title.lower() == title.lower():
                self.tabs.setCurrentIndex(index)
                return True
        return False

    def current_view(self) -> View:
        return self.views[self.tabs.currentIndex()]

    def _on_tab_changed(self, _index: int) -> None:
        view = self.current_view()
        self.worker.set_layer_stats(view.wants_layers)
        self.worker.set_neurons(view.wants_neurons)
        self._view_stale = True
        self.refresh_view()

    def refresh_view(self) -> None:
        """Show the last drawn snapshot in the visible view, if it has what the view needs."""
        view = self.current_view()
        if self._drawn is not None and (self._drawn.layers is not None or not view.wants_layers):
            view.show_snapshot(self._drawn)
            self._view_stale = False

    # ----- configs -----

    def load(self, config: Config, base_dir: Path | None = None) -> None:
        """Show `config` in the controls and start a fresh run of it."""
        self.config = config
        self.base_dir = base_dir
        self.controls.set_config(config)
        if self.classroom_action.isChecked():
            self.controls.set_hidden(config.classroom.hidden)
        self.run_id = self.worker.submit(config, base_dir, new_run=True)
        self._latest = None

    def open_config(self, path: Path) -> bool:
        """Load a config file; on failure say why and leave the current experiment as it is."""
        try:
            config = load_config(path)
        except InputError as exc:
            QMessageBox.warning(self, "Could not open the config", str(exc))
            return False
        self.load(config, Path(path).resolve().parent)
        self._show_config_path(Path(path))
        if self.settings is not None and Path(path).parent.resolve() != PRESETS.resolve():
            stored.add_recent_file(self.settings, str(Path(path).resolve()))
            self._rebuild_recent_menu()
        return True

    def _show_config_path(self, path: Path) -> None:
        """The file the experiment came from: the title, and its description if any."""
        self.config_path = path
        self.preset_info.show_config(path)
        self.setWindowTitle(f"DeepDials — {path.name}")

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open config", "", "Configs (*.json)")
        if path:
            self.open_config(Path(path))

    def save_config(self, path: Path) -> bool:
        self._submit_throttled.flush_now()
        try:
            save_config(self.config, path)
        except OSError as exc:
            QMessageBox.warning(self, "Could not save", f"{path}: {exc.strerror or exc}")
            return False
        self.config_path = Path(path)
        self.setWindowTitle(f"DeepDials — {self.config_path.name}")
        if self.settings is not None:
            stored.add_recent_file(self.settings, str(Path(path).resolve()))
            self._rebuild_recent_menu()
        return True

    def _save(self) -> None:
        if self.config_path is None or self.config_path.parent.resolve() == PRESETS.resolve():
            self._save_as()
        else:
            self.save_config(self.config_path)

    def _save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save config", "experiment.json", "Configs (*.json)"
        )
        if path:
            self.save_config(Path(path))

    def _export_png(self, widget) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export PNG", "deepdials.png", "PNG (*.png)")
        if path and not widget.grab().save(path, "PNG"):
            QMessageBox.warning(self, "Could not export", f"{path}: the image was not written")

    def _export_animation(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export animation", "deepdials.gif", "GIF (*.gif)"
        )
        if path:
            self.export_animation(Path(path))

    def export_animation(self, path: Path) -> bool:
        """Write the current run's boundary, as it evolved, to `path` as an animated GIF."""
        frames = self.recording.frames()
        if not frames:
            QMessageBox.warning(self, "Nothing to export", "Train for a few epochs first.")
            return False
        try:
            write_gif(frames, self.recording.info, path)
        except OSError as exc:
            QMessageBox.warning(self, "Could not export", f"{path}: {exc.strerror or exc}")
            return False
        return True

    def _submit(self, config: Config) -> None:
        self.config = config
        run_id = self.worker.submit(config, self.base_dir)
        if run_id != self.run_id:
            self.run_id = run_id
            self._latest = None
        self.statusBar().clearMessage()

    def apply_remedy(self, remedy: str) -> None:
        """One click of the basic recipe: "more data" or "regularize" (see `apply_remedy`)."""
        self._submit_throttled.flush_now()
        config = apply_remedy(self.config, remedy)
        self.controls.set_config(config)
        self._submit(config)

    def _show_problem(self, message: str) -> None:
        self.statusBar().showMessage(f"⚠ {message}", 10_000)

    # ----- playback -----

    def toggle_play(self) -> None:
        self.set_playing(not self.playing)

    def set_playing(self, playing: bool) -> None:
        self.playing = playing
        self.play_action.setText("Pause" if playing else "Play")
        self.worker.set_playing(playing)

    def step(self) -> None:
        self.playing = False
        self.play_action.setText("Play")
        self.worker.step()

    def reset(self) -> None:
        self._submit_throttled.flush_now()
        self.run_id = self.worker.reset()
        self._latest = None

    # ----- from the worker -----

    def _on_run_started(self, info: RunInfo) -> None:
        if info.run_id != self.run_id:
            return
        self.info = info
        self.recording.start(info)
        self.boundary.set_run(info)
        for view in self.views:
            view.set_run(info)
        for split, action in self.split_actions.items():
            self.boundary.set_split_visible(split, action.isChecked())

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.run_id != self.run_id:
            self.worker.frame_done()  # a stale frame: nothing to draw, let training go on
            return
        self._latest = snapshot
        self._render_timer.start(0)

    def _on_failed(self, run_id: int, message: str) -> None:
        self._show_problem(message)
        if run_id == self.run_id and self.info is not None:
            self.run_id = self.info.run_id  # keep showing the run that still exists
            running = self.worker.applied_config() or self.info.config  # hot changes too
            self.controls.set_config(running)
            self.config = running

    # ----- drawing -----

    def _render(self) -> None:
        """Draw the newest snapshot if it is new, then hand the GIL back to the worker.

        Drawing only updates the plot items; Qt paints them in its next update pass
        (QEvent.UpdateRequest on this window, see `event`). The worker waits for that
        paint too, or it would race it for the GIL. A window that will not paint (hidden,
        minimized) or a frame with nothing new lets the worker go on at once.
        """
        snapshot = self._latest
        drawn = False
        try:
            if (
                snapshot is not None
                and self.info is not None
                and snapshot.run_id == self.info.run_id
                and snapshot is not self._drawn
            ):
                self._drawn = snapshot
                self._draw(snapshot)
                drawn = True
        finally:
            if drawn and self.isVisible() and not self.isMinimized():
                self._awaiting_paint = True
            else:
                self.worker.frame_done()

    def event(self, event) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.UpdateRequest and self._awaiting_paint:
            # plots repaint through queued scene updates, which may post another update:
            # the worker goes on once those have run too
            self._painted_timer.start()
        return handled

    def _frame_painted(self) -> None:
        if self._awaiting_paint:
            self._awaiting_paint = False
            self.worker.frame_done()

    def _draw(self, snapshot: Snapshot) -> None:
        self.boundary.show_snapshot(snapshot)
        self._frames += 1
        view = self.current_view()
        if (
            self._frames % view.refresh_every == 0
            or snapshot.status != "running"
            or self._view_stale
        ):
            view.show_snapshot(snapshot)
            self._view_stale = False
        else:
            self._settle_timer.start()  # frames stopping here: catch the view up then
        now = time.perf_counter()
        self._frame_times.append(now)
        self._update_rate.append((now, snapshot.updates))
        self._update_status(snapshot)
        self.frame_drawn.emit(snapshot)

    def frames_per_second(self) -> float:
        cutoff = time.perf_counter() - 1.0
        times = [t for t in self._frame_times if t > cutoff]
        return len(times) / (times[-1] - times[0]) if len(times) > 1 else 0.0

    def _updates_per_second(self) -> float:
        if len(self._update_rate) < 2:
            return 0.0
        (t0, u0), (t1, u1) = self._update_rate[0], self._update_rate[-1]
        return (u1 - u0) / (t1 - t0) if t1 > t0 and u1 >= u0 else 0.0

    def _update_status(self, s: Snapshot) -> None:
        def pct(split):
            e = s.metrics[split]["error"]
            return "—" if e != e else f"{e:.1%}"

        bayes = self.info.data.bayes_error
        parts = [
            f"Epoch {s.epoch}",
            f"{self._updates_per_second():,.0f} updates/s",
            f"{self.frames_per_second():.0f} frames/s",
            f"error: train {pct('train')} · val {pct('val')} · test {pct('test')}",
        ]
        if bayes is not None:
            parts.append(f"Bayes {bayes:.1%}")
        self.status_label.setText("   ".join(parts))
        state = STATE_TEXT[s.status]
        if s.status == "running" and not self.playing:
            state = "paused"
        if s.status == "diverged":
            state = f"diverged at epoch {s.diverged_at}"
        elif s.status == "early_stopped":
            state = f"early stopped at {s.stopped_epoch} (best {s.best_epoch})"
        self.state_label.setText(f"  {state}  ")
        color = STATE_COLORS.get(s.status, "#0072B2")
        if color != self._state_color:  # a style sheet re-polishes the label: only on change
            self._state_color = color
            self.state_label.setStyleSheet(
                f"#runState {{ color: white; background: {color};"
                " border-radius: 4px; font-weight: bold; }"
            )

    # ----- view modes -----

    def set_large_fonts(self, on: bool) -> None:
        """Projector mode: every font, line and point scaled up by LARGE_SCALE."""
        self.scale = LARGE_SCALE if on else 1.0
        font = QApplication.font()
        font.setPointSizeF(self._base_font_size * self.scale)
        QApplication.setFont(font)
        self.setFont(font)
        self.boundary.set_scale(self.scale, font)
        for view in self.views:
            view.set_scale(self.scale, font)
        self._share_width()
        self.controls.adjustSize()
        self.controls_scroll.setMinimumWidth(self.controls.sizeHint().width() + 24)
        if self.settings is not None:
            self.settings.setValue("large_fonts", on)

    def _share_width(self) -> None:
        total = max(sum(self.views_splitter.sizes()), 2 * VIEWS_MIN_WIDTH)
        self.views_splitter.setSizes(
            [round(total * BOUNDARY_SHARE), round(total * (1 - BOUNDARY_SHARE))]
        )

    def set_classroom(self, on: bool) -> None:
        """Projector mode plus hiding the controls the config's classroom section names."""
        self.large_fonts_action.setChecked(on)
        self.controls.set_hidden(self.config.classroom.hidden if on else ())

    def set_hidden_controls(self, keys: tuple[str, ...]) -> None:
        """Record which controls classroom mode hides (saved with the config)."""
        self.config = replace(self.config, classroom=ClassroomConfig(hidden=keys))
        self.controls.set_config(self.config)
        if self.classroom_action.isChecked():
            self.controls.set_hidden(keys)

    def _choose_hidden(self) -> None:
        dialog = HiddenControlsDialog(self.controls.labels(), self.config.classroom.hidden, self)
        if dialog.exec():
            self.set_hidden_controls(dialog.chosen())

    def _toggle_fullscreen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # ----- closing -----

    def closeEvent(self, event) -> None:
        self._render_timer.stop()
        self.sweeps.runner.cancel()  # terminates the sweep's processes
        self.worker.stop()
        self.thread.quit()
        if not self.thread.wait(CLOSE_WAIT_MS):
            self.thread.wait()  # never destroy a running thread; training stops by slices
        if self.settings is not None:
            self.settings.setValue("geometry", self.saveGeometry())
            stored.store_config(self.settings, self.config)
            self.settings.sync()
        super().closeEvent(event)


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(
        antialias=True, background="w", foreground=(30, 30, 30), imageAxisOrder="row-major"
    )
