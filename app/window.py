"""The main window: controls on the left, the boundary in the middle, views on the right.

It lays out and draws. The experiment and its training live in the `Session`; the
controls, views, pages and tools are each handed the session. Frames come from the
session through the `Renderer`, which draws the boundary, the visible view and the
status line, and hands the frame back once painted.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolBar,
)

from app import preferences
from app.controls.classroom_dialog import HiddenControlsDialog
from app.controls.panel import ControlPanel
from app.pages.chain_page import ChainPage
from app.pages.gradcheck_page import GradCheckPage
from app.pages.lesson_page import LessonPage, lesson_paths, markdown_title
from app.pages.normalization_page import NormalizationPage
from app.pages.sweep_page import SweepPage
from app.renderer import Renderer
from app.session import Session
from app.status_line import StatusLine
from app.tools.animation import BoundaryRecording
from app.tools.files import FileTool
from app.tools.own_data import OwnDataTool
from app.view_stack import ViewStack
from app.views.bias_variance import BiasVarianceView
from app.views.boundary import BoundaryView
from app.views.curves import CurvesView
from app.views.layer_views import DepthView, LayersView
from app.views.network_diagram import DiagramView
from core.config.schema import Config, with_value
from core.engine.snapshot import RunInfo, Snapshot
from core.probes.diagnosis import remedy_edit
from resources import PRESETS, ROOT

VIEWS_MIN_WIDTH = 300
BOUNDARY_SHARE = 0.62
LARGE_SCALE = 1.6
SPEEDS = [
    ("max speed", None),
    ("100 epochs/s", 100.0),
    ("20 epochs/s", 20.0),
    ("5 epochs/s", 5.0),
    ("1 epoch/s", 1.0),
]


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
        self.settings = preferences.open_settings() if remember else None
        self.scale = 1.0
        self._base_font_size = QApplication.font().pointSizeF()
        self.session = session = Session(playing, self)

        self.controls = ControlPanel(session)
        scroll = self.controls_scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.controls.sizeHint().width() + 24)
        self.boundary = BoundaryView()
        self.views = ViewStack(session)
        self.curves = CurvesView()
        self.bias_variance = BiasVarianceView()
        self.bias_variance.remedy.connect(
            lambda name: session.edit(*remedy_edit(session.config, name))
        )
        self.sweeps = SweepPage(session)
        self.lesson = LessonPage(session)
        for page in (
            self.curves,
            self.bias_variance,
            LayersView(),
            DepthView(),
            DiagramView(),
            ChainPage(session),
            self.sweeps,
            GradCheckPage(session),
            NormalizationPage(session),
            self.lesson,
        ):
            self.views.add(page)
        # the boundary is what a class looks at: it gets the larger share, and no view's
        # page may force the views wider than this (a wide page scrolls or clips instead)
        self.views.setMinimumWidth(VIEWS_MIN_WIDTH)
        split = self.views_splitter = QSplitter(Qt.Horizontal)
        split.addWidget(self.boundary)
        split.addWidget(self.views)
        split.setCollapsible(0, False)
        self._share_width()
        main = QSplitter(Qt.Horizontal)
        main.addWidget(scroll)
        main.addWidget(split)
        main.setStretchFactor(1, 1)
        main.setCollapsible(0, False)
        self.setCentralWidget(main)

        self.status = StatusLine(self.statusBar())
        self.recording = BoundaryRecording()
        self.frame_drawn.connect(self.recording.add)
        self.files = FileTool(self, session, self.settings, self.boundary, self.recording)
        self.own_data = OwnDataTool(session, self.boundary, self)
        self.lesson.open_requested.connect(self.files.open_config)
        self._build_actions()
        self.renderer = Renderer(self, session, self._draw)

        session.run_started.connect(self._on_run_started)
        session.source_changed.connect(self._on_source_changed)
        session.problem.connect(self.status.message)
        session.playback_changed.connect(self._show_playback)
        session.config_changed.connect(self._on_config_changed)

        points = None
        startup_message = None
        if config is None and self.settings is not None:
            config, points, startup_message = preferences.last_experiment(self.settings)
            geometry = self.settings.value("geometry")
            if geometry is not None:
                self.restoreGeometry(geometry)
            if self.settings.value("large_fonts", False, type=bool):
                self.large_fonts_action.setChecked(True)
        session.load(config or Config(), base_dir, points, config_path)
        if startup_message:
            self.status.message(startup_message)

    # ----- building -----

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
        session = self.session
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.files.fill(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.Quit, self.close))

        presets = bar.addMenu("&Presets")
        lessons = presets.addMenu("&Lessons")
        for number, path in enumerate(lesson_paths(), start=1):
            lessons.addAction(
                self._action(
                    f"{number}. {preset_title(path)}",
                    None,
                    lambda _=False, p=path: self.files.open_config(p),
                )
            )
        presets.addSeparator()
        lesson_set = set(lesson_paths())
        for path in preset_files():
            if path not in lesson_set:
                presets.addAction(
                    self._action(
                        preset_title(path), None, lambda _=False, p=path: self.files.open_config(p)
                    )
                )

        run_menu = bar.addMenu("&Run")
        self.play_action = self._action(
            "Pause", Qt.Key_Space, session.toggle_play, tip="Play or pause training (Space)"
        )
        self.step_action = self._action(
            "Step", Qt.Key_S, session.step, tip="Train one epoch, then pause (S)"
        )
        self.reset_action = self._action(
            "Reset", Qt.Key_R, session.reset, tip="Start again from the initial weights (R)"
        )
        for a in (self.play_action, self.step_action, self.reset_action):
            run_menu.addAction(a)

        data_menu = bar.addMenu("&Data")
        for action in self.own_data.actions:
            if action is None:
                data_menu.addSeparator()
            else:
                data_menu.addAction(action)

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
            lambda _: session.set_speed(self.speed.currentData())
        )
        toolbar.addWidget(QLabel("  Speed "))
        toolbar.addWidget(self.speed)
        toolbar.addSeparator()
        for a in (self.discretize_action, *self.split_actions.values(), self.log_action):
            toolbar.addAction(a)
        self.split_actions["train"].setText("Train")
        self.split_actions["val"].setText("Val")
        self.split_actions["test"].setText("Test")
        self.addToolBar(self.own_data.bar)

    # ----- the experiment -----

    def _on_source_changed(self, path: Path | None) -> None:
        self.setWindowTitle(f"DeepDials — {Path(path).name}" if path else "DeepDials")

    def _on_config_changed(self, config: Config) -> None:
        if self.classroom_action.isChecked():
            self.controls.set_hidden(config.classroom.hidden)

    def _on_run_started(self, info: RunInfo) -> None:
        self.recording.start(info)
        self.boundary.set_run(info)
        self.views.set_run(info)
        for split, action in self.split_actions.items():
            self.boundary.set_split_visible(split, action.isChecked())

    def _show_playback(self) -> None:
        self.play_action.setText("Pause" if self.session.playing else "Play")

    # ----- drawing -----

    def _draw(self, snapshot: Snapshot) -> None:
        self.boundary.show_snapshot(snapshot)
        self.views.draw(snapshot)
        self.status.show(
            snapshot, self.session.info, self.session.playing, self.renderer.frames_per_second()
        )
        self.frame_drawn.emit(snapshot)

    def show_view(self, title: str) -> bool:
        return self.views.show_page(title)

    # ----- view modes -----

    def set_large_fonts(self, on: bool) -> None:
        """Projector mode: every font, line and point scaled up by LARGE_SCALE."""
        self.scale = LARGE_SCALE if on else 1.0
        font = QApplication.font()
        font.setPointSizeF(self._base_font_size * self.scale)
        QApplication.setFont(font)
        self.setFont(font)
        self.boundary.set_scale(self.scale, font)
        self.views.set_scale(self.scale, font)
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
        self.controls.set_hidden(self.session.config.classroom.hidden if on else ())

    def set_hidden_controls(self, keys: tuple[str, ...]) -> None:
        """Record which controls classroom mode hides (saved with the config)."""
        self.session.set_config(with_value(self.session.config, "classroom.hidden", keys))

    def _choose_hidden(self) -> None:
        dialog = HiddenControlsDialog(
            self.controls.labels(), self.session.config.classroom.hidden, self
        )
        if dialog.exec():
            self.set_hidden_controls(dialog.chosen())

    def _toggle_fullscreen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # ----- closing -----

    def closeEvent(self, event) -> None:
        self.renderer.stop()
        self.sweeps.runner.cancel()  # terminates the sweep's processes
        self.session.close()
        if self.settings is not None:
            self.settings.setValue("geometry", self.saveGeometry())
            preferences.store_experiment(self.settings, self.session.config, self.session.points)
            self.settings.sync()
        super().closeEvent(event)


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(
        antialias=True, background="w", foreground=(30, 30, 30), imageAxisOrder="row-major"
    )
