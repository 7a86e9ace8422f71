"""The main window: controls, the boundary with the lesson beside it, and one view.

    [playback · speed · ◀ lesson ▶]
    [Curves | Bias / variance | Layers | … every view, one click each]
    controls  |  boundary (equal scale)   |  the chosen view
              |  ◀ Step 2 of 5  Next step |
              |  the lesson's text        |

It lays out and draws. The experiment lives in the `Session`, its training in the worker
the session mirrors; the controls, views, pages and tools are each handed the session.
Frames come from the session through the `Renderer`, which hands each one to the
boundary, the visible view and the status line, and tells the worker once painted.
The columns are fitted to the window: the controls and the view get the width they
need, the boundary a square as large as the rest allows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deepdials.app import preferences
from deepdials.app.controls.classroom_dialog import HiddenControlsDialog
from deepdials.app.controls.panel import ControlPanel
from deepdials.app.frames import Frame
from deepdials.app.lessons import (
    LessonNavigator,
    LessonText,
    StepBar,
    lesson_paths,
    markdown_title,
)
from deepdials.app.names import SPEEDS
from deepdials.app.pages.chain_page import ChainPage
from deepdials.app.pages.gradcheck_page import GradCheckPage
from deepdials.app.pages.normalization_page import NormalizationPage
from deepdials.app.pages.sweep_page import SweepPage
from deepdials.app.renderer import Renderer
from deepdials.app.session import Session
from deepdials.app.status_line import StatusLine
from deepdials.app.step_player import StepPlayer
from deepdials.app.tools.animation import BoundaryRecording
from deepdials.app.tools.files import FileTool
from deepdials.app.tools.own_data import OwnDataTool
from deepdials.app.view_stack import ViewStack
from deepdials.app.views.bias_variance import BiasVarianceView
from deepdials.app.views.boundary import BoundaryView
from deepdials.app.views.boundary_grid import BoundaryGrid
from deepdials.app.views.curves import CurvesView
from deepdials.app.views.fit import FitView
from deepdials.app.views.layer_space import LayerSpaceView
from deepdials.app.views.layer_views import DepthView, LayersView
from deepdials.app.views.network_diagram import DiagramView
from deepdials.app.wheel_guard import WheelGuard
from deepdials.core.config.compare import MAX_VARIANTS, Comparison
from deepdials.core.config.schema import Config, with_value
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.lessons.player import Stage
from deepdials.core.lessons.steps import keeps_test_hidden
from deepdials.core.probes.diagnosis import remedy_edit
from deepdials.resources import PRESETS, ROOT

DEFAULT_SIZE = (1280, 800)  # the classroom's screen, until the window remembers its own
LARGE_SCALE = 1.6
LESSON_SHARE = 0.24  # of the boundary column's height, for the lesson's text
STEPS_SHARE = 0.36  # … for the step bar and the lesson's text, when the lesson has steps
BOUNDARY_CHROME = (70, 60)  # pixels the boundary's axes and colour bar take beside the square
FIRST_SPEED = "50 epochs/s"  # slow enough to watch the boundary form; a lesson may name another


def preset_files() -> list[Path]:
    return sorted(PRESETS.glob("*.json"))


def preset_title(path: Path) -> str:
    """The `# Title` of the preset's description, or its file name made readable."""
    return markdown_title(path) or path.stem.replace("_", " ").capitalize()


class MainWindow(QMainWindow):
    frame_drawn = Signal(object)  # the Snapshot just drawn

    def __init__(
        self,
        config: Config | Comparison | None = None,
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
        self.wheel_guard = WheelGuard(self.controls, scroll)
        self.boundaries = BoundaryGrid(session)
        self.lesson = LessonText(session)
        self.steps = StepPlayer(session, self)
        self.views = ViewStack(session)
        self.curves = CurvesView()
        self.bias_variance = BiasVarianceView()
        self.bias_variance.remedy.connect(self.apply_remedy)
        self.sweeps = SweepPage(session)
        self.diagram = DiagramView()
        self.diagram.edit_requested.connect(session.edit_parameter)
        self.diagram.undo_requested.connect(session.undo_edit)
        for page in (
            self.curves,
            self.bias_variance,
            LayersView(),
            DepthView(),
            self.diagram,
            LayerSpaceView(),
            ChainPage(session),
            self.sweeps,
            GradCheckPage(session),
            NormalizationPage(session),
        ):
            self.views.add(page)
        self._build_step_actions()
        self.step_bar = StepBar(self.back_action, self.next_step_action)
        lesson_panel = QWidget()
        panel_layout = QVBoxLayout(lesson_panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.setSpacing(0)
        panel_layout.addWidget(self.step_bar, 4)  # the step's text before the explanation
        panel_layout.addWidget(self.lesson, 1)
        self.lesson.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)  # it scrolls
        column = self.boundary_column = QSplitter(Qt.Vertical)
        column.addWidget(self.boundaries)
        column.addWidget(lesson_panel)
        column.setCollapsible(0, False)
        main = self.columns = QSplitter(Qt.Horizontal)
        main.addWidget(scroll)
        main.addWidget(column)
        main.addWidget(self.views)
        for index in range(3):
            main.setCollapsible(index, False)
        self.setCentralWidget(main)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self.fit_columns)
        self._marked_timer = QTimer(self)  # once the panel is laid out anew
        self._marked_timer.setSingleShot(True)
        self._marked_timer.timeout.connect(self._show_marked)

        self.status = StatusLine(self.statusBar())
        self.recording = BoundaryRecording()
        self.files = FileTool(self, session, self.settings, self.boundaries, self.recording)
        self.own_data = OwnDataTool(session, self.boundaries, self)
        self.navigator = LessonNavigator(session)
        self.navigator.open_requested.connect(self.files.open_config)
        self._build_actions()
        self.renderer = Renderer(self, session, self._draw)

        session.run_started.connect(self._on_run_started)
        session.source_changed.connect(self._on_source_changed)
        session.loaded.connect(self._on_loaded)
        session.problem.connect(self.status.message)
        session.notice_changed.connect(self.status.notice)
        session.playback_changed.connect(self._show_playback)
        session.config_changed.connect(self._on_config_changed)
        session.lanes_changed.connect(self._on_lanes_changed)
        session.lanes_changed.connect(lambda: self._fit_timer.start(0))
        self.steps.step_shown.connect(self._on_step_shown)
        self.views.page_changed.connect(lambda _: self._fit_timer.start(0))

        points = None
        startup_message = None
        first_start = config is None
        self.resize(*DEFAULT_SIZE)
        if self.settings is not None:
            kept = preferences.remembered(self.settings)
            startup_message = preferences.startup_message(self.settings, kept.problems)
            if kept.geometry is not None:
                self.restoreGeometry(kept.geometry)
            self.large_fonts_action.setChecked(kept.large_fonts)
            if config is None:
                config, points = kept.config, kept.points
                first_start = config is None and self.settings.value("last_config") is None
        if first_start:
            config_path = lesson_paths()[0]
            self.files.open_config(config_path)
        elif isinstance(config, Comparison):
            session.load_comparison(config, base_dir, config_path)
        else:
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

    def _build_step_actions(self) -> None:
        self.next_step_action = self._action(
            "Next step ▶",
            None,
            self.steps.next,
            tip="The lesson's next step: its change, trained at its speed (N, Page Down)",
        )
        self.next_step_action.setShortcuts([QKeySequence(Qt.Key_N), QKeySequence(Qt.Key_PageDown)])
        self.back_action = self._action(
            "◀",
            None,
            self.steps.back,
            tip="Back to the lesson's step before, as it ended (B, Page Up)",
        )
        self.back_action.setShortcuts([QKeySequence(Qt.Key_B), QKeySequence(Qt.Key_PageUp)])

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
        self.play_action = self._action("Pause", Qt.Key_Space, self.play_or_pause)
        self.step_action = self._action(
            "Step", Qt.Key_S, session.step, tip="Train one epoch, then pause (S)"
        )
        self.reset_action = self._action(
            "Reset", Qt.Key_R, session.reset, tip="Start again from the initial weights (R)"
        )
        self.full_speed_action = self._action(
            "Full speed",
            None,
            self._set_full_speed,
            checkable=True,
            tip="Train as fast as the machine allows (or back to the chosen speed)",
        )
        self.compare_action = self._action(
            "Compare",
            "Ctrl+K",
            session.pin,
            tip="Pin this run: the next change trains a new run beside it, on the same data "
            "and seeds (up to four) (Ctrl+K)",
        )
        self.remove_run_action = self._action(
            "Remove",
            None,
            lambda: session.remove(session.selected),
            tip="Drop the selected run",
        )
        self.only_run_action = self._action(
            "Only this",
            None,
            lambda: session.keep_only(session.selected),
            tip="Keep the selected run alone, as before comparing",
        )
        self.to_all_action = self._action(
            "To all runs",
            None,
            session.set_apply_to_all,
            checkable=True,
            tip="Hot changes (learning rate, λ, keep-prob, …) go to every compared run, "
            "not only the selected one",
        )
        for a in (self.play_action, self.step_action, self.reset_action):
            run_menu.addAction(a)
        run_menu.addAction(self.full_speed_action)
        run_menu.addSeparator()
        for a in (self.compare_action, self.remove_run_action, self.only_run_action):
            run_menu.addAction(a)
        run_menu.addAction(self.to_all_action)
        run_menu.addSeparator()
        run_menu.addAction(self.next_step_action)
        run_menu.addAction(self.back_action)

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
            self._apply_modes,
            checkable=True,
            tip="Larger text, thicker lines and bigger points for a lecture hall (Ctrl+L)",
        )
        self.classroom_action = self._action(
            "&Classroom mode",
            Qt.Key_F9,
            self._apply_modes,
            checkable=True,
            tip="Large, with the controls chosen for this config hidden (F9)",
        )
        self.choose_hidden_action = self._action(
            "Controls to &hide in classroom mode…", None, self._choose_hidden
        )
        self.discretize_action = self._action(
            "&Discretize output",
            "D",
            self.boundaries.set_discretize,
            checkable=True,
            tip="Colour each pixel by its predicted class only, not by the confidence (D)",
        )
        self.truth_action = self._action(
            "True &f(x)",
            "T",
            self.boundaries.set_truth_visible,
            checkable=True,
            tip="The law the points were drawn from: f(x) dashed and the band f ± σ (T)",
        )
        self.truth_action.setChecked(True)
        self.boundaries.offer(self.discretize_action, BoundaryView)
        self.boundaries.offer(self.truth_action, FitView)
        self.split_actions = {}
        for split, label in (("train", "Train"), ("val", "Val"), ("test", "Test")):
            action = self._action(
                label,
                None,
                lambda on, s=split: self.boundaries.set_split_visible(s, on),
                checkable=True,
                tip=f"Show the {label.lower()} points",
            )
            action.setChecked(True)
            self.split_actions[split] = action
        self.hide_test_action = self._action(
            "&Hide the test set until revealed",
            "Ctrl+T",
            self.set_test_hidden,
            checkable=True,
            tip="Look at the test set last, once: its curve, error and points stay hidden "
            "until this is unticked (Ctrl+T reveals it)",
        )
        for a in (
            self.fullscreen_action,
            self.large_fonts_action,
            self.classroom_action,
            self.choose_hidden_action,
            self.discretize_action,
            self.truth_action,
            *self.split_actions.values(),
            self.hide_test_action,
        ):
            view.addAction(a)
        for a in (*self.split_actions.values(), self.discretize_action, self.truth_action):
            self.boundaries.toolbar.addAction(a)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About DeepDials", None, self._show_about))

        toolbar = QToolBar("Playback")
        toolbar.setObjectName("playback")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        for a in (self.play_action, self.step_action, self.reset_action):
            toolbar.addAction(a)
        self.speed = QComboBox()
        self.speed.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # grows with the font
        self.speed.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)  # the lesson name yields
        for label, rate in SPEEDS.items():
            self.speed.addItem(label, rate)
        self.speed.setToolTip("How fast training runs: slow it down to watch each epoch.")
        self.speed.currentIndexChanged.connect(self._speed_chosen)
        self.speed.setCurrentIndex(self.speed.findText(FIRST_SPEED))
        toolbar.addWidget(QLabel("  Speed "))
        toolbar.addWidget(self.speed)
        toolbar.addAction(self.full_speed_action)
        toolbar.addAction(self.compare_action)
        # the compared runs' actions in one menu, so the lesson's title keeps its room
        runs = QToolButton()
        runs.setText("Runs")
        runs.setToolTip("Remove the selected run, keep it alone, or send hot changes to all")
        runs.setPopupMode(QToolButton.InstantPopup)
        runs_menu = QMenu(runs)
        for a in (self.remove_run_action, self.only_run_action, self.to_all_action):
            runs_menu.addAction(a)
        runs.setMenu(runs_menu)
        self.runs_button = toolbar.addWidget(runs)
        toolbar.addSeparator()
        toolbar.addWidget(self.navigator)
        self.addToolBarBreak()
        views_bar = self.views_bar = QToolBar("Views")
        views_bar.setObjectName("views")
        views_bar.setMovable(False)
        views_bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for action in self.views.actions_list():
            views_bar.addAction(action)
        self.addToolBar(views_bar)
        self.addToolBar(Qt.BottomToolBarArea, self.own_data.bar)

    # ----- the experiment -----

    def _on_source_changed(self, path: Path | None) -> None:
        self.setWindowTitle(f"DeepDials — {Path(path).name}" if path else "DeepDials")

    def _on_loaded(self, _path: Path | None) -> None:
        """What was loaded sets the view, the speed (its lesson's, or the first one), the
        Curves view's error zoom and the runs a hot change goes to (the selected one)."""
        lesson = self.session.config.lesson
        unknown = []
        self.curves.set_zoom_errors(lesson.zoom_errors)
        if lesson.view is not None and not self.views.show_page(lesson.view):
            unknown.append(f"lesson.view: no view {lesson.view!r}")
        speed = lesson.speed
        if speed is not None and speed not in SPEEDS:
            unknown.append(f"lesson.speed: no speed {speed!r}")
            speed = None
        for i, step in enumerate(lesson.steps):
            if step.view is not None and step.view not in self.views.names():
                unknown.append(f"lesson.steps[{i}].view: no view {step.view!r}")
            if step.speed is not None and step.speed not in SPEEDS:
                unknown.append(f"lesson.steps[{i}].speed: no speed {step.speed!r}")
        self.full_speed_action.setChecked(False)
        self.speed.setCurrentIndex(self.speed.findText(speed or FIRST_SPEED))
        self.to_all_action.setChecked(False)
        if unknown:
            self.status.message("; ".join(unknown))  # the names: --list-views, the toolbar
        self.steps.begin()

    def _on_step_shown(self, stage: Stage | None) -> None:
        """The lesson's step on screen: its view (the last a step up to it named), its
        speed (or the lesson's), its text in the step bar and marked in the list, and the
        test set hidden while a later step is to reveal it."""
        count = self.steps.count
        steps = tuple(s.step for s in self.steps.stages)
        self.set_test_hidden(keeps_test_hidden(steps, stage.number if stage else 0))
        self.step_bar.show_step(stage, count)
        texts = [s.step.text for s in self.steps.stages]
        self.lesson.show_step(stage, texts)
        self.back_action.setEnabled(stage is not None and stage.number > 1)
        self.next_step_action.setEnabled(stage is not None and stage.number < count)
        self._fit_timer.start(0)
        if stage is None:
            return
        lesson = self.session.config.lesson
        shown = self.steps.stages[: stage.number]
        view = next((s.step.view for s in reversed(shown) if s.step.view), lesson.view)
        if view is not None:
            self.views.show_page(view)
        speed = stage.step.speed or lesson.speed
        self.full_speed_action.setChecked(False)
        self.speed.setCurrentIndex(self.speed.findText(speed if speed in SPEEDS else FIRST_SPEED))

    def set_test_hidden(self, hidden: bool) -> None:
        """Hide the test set (its curves, its error in the status line, its points on the
        boundary) until it is revealed, or reveal it."""
        self.hide_test_action.setChecked(hidden)
        self.curves.set_test_hidden(hidden)
        self.status.test_hidden = hidden
        test_points = self.split_actions["test"]
        test_points.setEnabled(not hidden)
        test_points.setChecked(not hidden)
        self._show_playback()

    def _on_config_changed(self, config: Config) -> None:
        self.controls.set_hidden(config.classroom.hidden if self._classroom() else ())
        if frozenset(config.lesson.controls) != self.controls.marked():
            self.controls.set_marked(config.lesson.controls)
            self._marked_timer.start(0)

    def _show_marked(self) -> None:
        """The control panel scrolled to the controls the lesson is about: all of them if
        they fit, else from the first one down."""
        span = self.controls.marked_span()
        if span is not None:
            margin = 8
            self.controls_scroll.ensureVisible(span.left(), span.bottom(), 0, margin)
            self.controls_scroll.ensureVisible(span.left(), span.top(), 0, margin)

    def _on_run_started(self, info: RunInfo) -> None:
        self.views.set_run(info)

    def _on_lanes_changed(self) -> None:
        comparing = self.session.comparing
        self.runs_button.setVisible(comparing)
        for action in (self.remove_run_action, self.only_run_action, self.to_all_action):
            action.setVisible(comparing)
        self.compare_action.setEnabled(len(self.session.lanes) < MAX_VARIANTS)

    def apply_remedy(self, name: str) -> None:
        """One click of the basic recipe (on a run that has ended, the change starts it
        again, so that its effect is seen from the start)."""
        self.session.edit(*remedy_edit(self.session.config, name))

    # ----- playback -----

    def play_or_pause(self) -> None:
        self.session.play_or_continue()

    def _show_playback(self) -> None:
        text, tip = self.session.playback_action()
        self.play_action.setText(text)
        self.play_action.setToolTip(f"{tip} (Space)")
        selected = self.session.frame().selected
        if selected is not None:
            self.status.show(selected.snapshot, selected.info, self.session.playing, 0.0)

    def _speed_chosen(self) -> None:
        self.full_speed_action.setChecked(False)
        self.session.set_speed(self.speed.currentData())

    def _set_full_speed(self, on: bool) -> None:
        self.session.set_speed(None if on else self.speed.currentData())

    # ----- drawing -----

    def _draw(self, frame: Frame) -> None:
        self.boundaries.draw(frame)
        runs = frame.runs
        self.recording.add(
            [run.info for run in runs], [run.label for run in runs], [run.snapshot for run in runs]
        )
        selected = frame.selected
        if selected is None:
            return
        self.views.draw(frame)
        fps = self.renderer.frames_per_second()
        self.status.show(selected.snapshot, selected.info, frame.playing, fps)
        self.frame_drawn.emit(selected.snapshot)

    def show_view(self, name: str) -> bool:
        return self.views.show_page(name)

    # ----- the columns -----

    def fit_columns(self) -> None:
        """Controls and view at the width they need; the boundary a square as large as the
        rest allows (compared runs: two squares side by side, or a 2 × 2 grid of them); a
        window too narrow for all three takes from the boundary first."""
        total = self.columns.width()
        controls = (
            self.controls.sizeHint().width()
            + self.controls_scroll.verticalScrollBar().sizeHint().width()
            + 4
        )
        view = self.views.minimumSizeHint().width()
        height = self.boundary_column.height()
        share = STEPS_SHARE if self.steps.count else LESSON_SHARE
        lesson = round(height * share)
        square = height - lesson - BOUNDARY_CHROME[1] - self.boundaries.toolbar.sizeHint().height()
        across = 2 if len(self.session.lanes) == 2 else 1  # two runs sit side by side
        boundary = min(across * square + BOUNDARY_CHROME[0], total - controls - view)
        boundary = max(boundary, self.boundaries.minimumSizeHint().width())
        self.columns.setSizes([controls, boundary, max(total - controls - boundary, view)])
        self.boundary_column.setSizes([height - lesson, lesson])
        self.centralWidget().setUpdatesEnabled(True)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_timer.start(0)

    # ----- view modes -----

    def _classroom(self) -> bool:
        return self.classroom_action.isChecked()

    def _apply_modes(self, _on: bool = False) -> None:
        """Projector mode (Ctrl+L) and classroom mode (F9) are set apart; either one makes
        everything large, and leaving both restores the normal look exactly."""
        large = self.large_fonts_action.isChecked() or self._classroom()
        self.scale = LARGE_SCALE if large else 1.0
        # painted once, at the end: not once for the new fonts and again for the new columns
        self.centralWidget().setUpdatesEnabled(False)
        font = QApplication.font()
        font.setPointSizeF(self._base_font_size * self.scale)
        QApplication.setFont(font)
        self.setFont(font)
        self.boundaries.set_scale(self.scale, font)
        self.views.set_scale(self.scale, font)
        self.views.redraw()
        self.lesson.set_scale(self.scale, font)
        self.step_bar.set_scale(self.scale, font)
        self.status.restyle()
        self.controls.set_scale(self.scale)
        self.controls.set_hidden(self.session.config.classroom.hidden if self._classroom() else ())
        self._fit_timer.start(0)
        self._marked_timer.start(0)

    def set_hidden_controls(self, keys: tuple[str, ...]) -> None:
        """Record which controls classroom mode hides (saved with the config)."""
        self.session.set_config(with_value(self.session.config, "classroom.hidden", keys))

    def _choose_hidden(self) -> None:
        dialog = HiddenControlsDialog(
            self.controls.labels(), self.session.config.classroom.hidden, self
        )
        if dialog.exec():
            self.set_hidden_controls(dialog.chosen())

    def _show_about(self) -> None:
        from deepdials.app.about import AboutDialog  # on demand: it reads the packages' metadata

        path = self.settings.path if self.settings is not None else None
        dialog = AboutDialog(str(path or preferences.settings_path()), self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()

    def _toggle_fullscreen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # ----- closing -----

    def closeEvent(self, event) -> None:
        if self.scale != 1.0:  # the application's font is shared: give it back as it was
            font = QApplication.font()
            font.setPointSizeF(self._base_font_size)
            QApplication.setFont(font)
        self.renderer.stop()
        self.files.cancel_writers()
        self.own_data.wait_for_reader()
        self.sweeps.runner.cancel()  # terminates the sweep's processes
        self.session.close()
        if self.settings is not None:
            large = self.large_fonts_action.isChecked()
            preferences.store_window(self.settings, self.saveGeometry(), large)
            preferences.store_experiment(self.settings, self.session.config, self.session.points)
            problem = self.settings.sync()
            if problem:
                print(f"deepdials: {problem}", file=sys.stderr)
        super().closeEvent(event)


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(
        antialias=True, background="w", foreground=(30, 30, 30), imageAxisOrder="row-major"
    )
