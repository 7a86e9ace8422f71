"""Files: open and save configs, recent files, export the window, the boundary, the GIF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from deepdials.app import preferences
from deepdials.app.session import Session
from deepdials.app.tools.animation import BoundaryRecording, write_gif
from deepdials.app.tools.png import write_png
from deepdials.core.config.compare import Comparison
from deepdials.core.config.files import load_experiment, save_comparison, save_experiment
from deepdials.core.errors import CancelledError, InputError
from deepdials.core.safe_files import writable_target
from deepdials.resources import PRESETS


def file_problem(path: str | Path, exc: InputError | OSError) -> str:
    """Why `path` could not be written, for the user: an InputError names the file itself
    (`core.safe_files`), an OSError is given the path and the system's reason."""
    if isinstance(exc, InputError):
        return str(exc)
    return f"{path}: {exc.strerror or exc}"


class FileTool(QObject):
    """The File menu's actions, on the session; `settings` may be None (remember nothing)."""

    def __init__(
        self,
        window: QWidget,
        session: Session,
        settings,
        boundary: QWidget,
        recording: BoundaryRecording,
    ):
        super().__init__(window)
        self.window = window
        self.session = session
        self.settings = settings
        self.recording = recording
        self.writers: list[GifWriter] = []
        self.open_action = _action(window, "&Open config…", self._open_dialog, QKeySequence.Open)
        self.save_action = _action(window, "&Save config", self._save, QKeySequence.Save)
        self.save_as_action = _action(
            window, "Save config &as…", self._save_as, QKeySequence.SaveAs
        )
        self.recent_menu = QMenu("Open &recent", window)
        self.export_window_action = _action(
            window, "Export &window as PNG…", lambda: self._export_png(window)
        )
        self.export_boundary_action = _action(
            window, "Export &boundary as PNG…", lambda: self._export_png(boundary)
        )
        self.export_animation_action = _action(
            window, "Export &animation…", self._export_animation_dialog
        )
        self.export_animation_action.setToolTip(
            "The boundary's evolution over this run as an animated GIF, for handouts"
        )
        self.rebuild_recent_menu()

    def fill(self, menu: QMenu) -> None:
        menu.addAction(self.open_action)
        menu.addAction(self.save_action)
        menu.addAction(self.save_as_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        for action in (
            self.export_window_action,
            self.export_boundary_action,
            self.export_animation_action,
        ):
            menu.addAction(action)

    # ----- configs -----

    def open_config(self, path: Path) -> bool:
        """Load a config or comparison file; on failure say why and leave the current
        experiment as it is."""
        try:
            loaded = load_experiment(path)
        except InputError as exc:
            QMessageBox.warning(self.window, "Could not open the config", str(exc))
            return False
        path = Path(path)
        if isinstance(loaded, Comparison):
            self.session.load_comparison(loaded, path.resolve().parent, path=path)
        else:
            self.session.load(loaded, path.resolve().parent, path=path)
        if path.parent.resolve() != PRESETS.resolve():
            self._remember(path)
        return True

    def save_config(self, path: Path) -> bool:
        """Save the experiment (a comparison when runs are compared); points held in memory
        are written beside the config."""
        path = Path(path)
        session = self.session
        try:
            if session.comparing:
                save_comparison(session.comparison(), path)
            else:
                session.saved_as(save_experiment(session.config, session.points, path), path)
        except (OSError, InputError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            QMessageBox.warning(self.window, "Could not save", f"{path}: {reason or exc}")
            return False
        self._remember(path)
        if session.edited():
            session.say(
                f"Saved {path.name}: weights set by hand are not part of a config (the "
                "file's run starts from its initial weights)"
            )
        return True

    def _remember(self, path: Path) -> None:
        if self.settings is not None:
            preferences.add_recent_file(self.settings, str(path.resolve()))
            self.rebuild_recent_menu()

    def rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = preferences.recent_files(self.settings) if self.settings is not None else []
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_config(Path(p)))
        self.recent_menu.setEnabled(bool(files))

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open config", "", "Configs (*.json)")
        if path:
            self.open_config(Path(path))

    def _save(self) -> None:
        path = self.session.path
        if path is None or path.parent.resolve() == PRESETS.resolve():
            self._save_as()
        else:
            self.save_config(path)

    def _save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save config", "experiment.json", "Configs (*.json)"
        )
        if path:
            self.save_config(Path(path))

    # ----- exports -----

    def _export_png(self, widget: QWidget) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export PNG", "deepdials.png", "PNG (*.png)"
        )
        if path:
            self.export_png(widget, Path(path))

    def export_png(self, widget: QWidget, path: Path) -> bool:
        """Write the widget as it is drawn to `path`; on failure say why."""
        try:
            write_png(widget.grab(), path)
        except (InputError, OSError) as exc:
            QMessageBox.warning(self.window, "Could not export", file_problem(path, exc))
            return False
        return True

    def _export_animation_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export animation", "deepdials.gif", "GIF (*.gif)"
        )
        if path:
            self.export_animation(Path(path))

    def export_animation(self, path: Path) -> GifWriter | None:
        """Write the boundaries, as they evolved, to `path` as an animated GIF: encoded on a
        thread of its own, with its progress in the status bar. None if there is nothing."""
        frames = self.recording.frames()
        if not frames:
            QMessageBox.warning(self.window, "Nothing to export", "Train a few epochs first.")
            return None
        try:
            writable_target(path)
        except InputError as exc:
            QMessageBox.warning(self.window, "Could not export", str(exc))
            return None
        writer = GifWriter(frames, self.recording, Path(path), self)
        writer.progress.connect(
            lambda done, total: self.session.say(f"Writing {Path(path).name}: {done} of {total}")
        )
        writer.done.connect(self._animation_written)
        self.writers.append(writer)
        writer.start()
        return writer

    def _animation_written(self, path: str, problem: str) -> None:
        self.writers = [w for w in self.writers if not w.isFinished()]
        if problem:
            QMessageBox.warning(self.window, "Could not export", problem)
        else:
            self.session.say(f"Wrote {path}")

    def cancel_writers(self) -> None:
        """Stop the GIFs being written (the window is closing): each leaves the file that
        was there before."""
        for writer in self.writers:
            writer.cancel()
        for writer in self.writers:
            writer.wait()


class GifWriter(QThread):
    """write_gif on its own thread; Pillow does the work with the GIL released, mostly.
    `cancel` stops it between two frames (or once Pillow has encoded them), unwritten."""

    progress = Signal(int, int)
    done = Signal(str, str)  # the path, and "" or why it was not written; not sent when cancelled

    def __init__(self, frames, recording: BoundaryRecording, path: Path, parent=None):
        super().__init__(parent)
        self.frames = frames
        self.infos, self.labels = list(recording.infos), list(recording.labels)
        self.path = path
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def run(self) -> None:
        try:
            write_gif(
                self.frames,
                self.infos,
                self.labels,
                self.path,
                self.progress.emit,
                lambda: self.cancelled,
            )
        except CancelledError:
            return
        except (InputError, OSError) as exc:
            self.done.emit(str(self.path), file_problem(self.path, exc))
            return
        self.done.emit(str(self.path), "")


def _action(parent: QWidget, text: str, slot, shortcut=None) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    parent.addAction(action)
    return action
