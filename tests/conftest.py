import gc
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _private_settings(tmp_path_factory):
    """Keep the window's settings in a throwaway file: no test may write the user's own."""
    folder = tmp_path_factory.mktemp("settings")
    os.environ["DEEPDIALS_SETTINGS"] = str(folder / "deepdials.ini")
    os.environ["XDG_CONFIG_HOME"] = str(folder)
    yield


@pytest.fixture
def window_work_only():
    """For a test that times the window's own work: what the earlier tests of the session
    left on the heap is frozen out of Python's collector (a full collection of 3 million
    objects takes 0.18 s of the thread it falls on), so only the test's own are swept."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture
def session(qtbot):
    """A session with no window: paused, every frame handed straight back to the worker."""
    from deepdials.app.session import Session

    s = Session(playing=False)
    s.frame_ready.connect(s.frame_done)
    yield s
    s.close()


@pytest.fixture
def window(qtbot):
    """The window at the classroom's size on a small config, its first run started."""
    from deepdials.app.window import MainWindow, configure_pyqtgraph
    from tests.helpers import small_config, wait_for_run

    configure_pyqtgraph()
    w = MainWindow(small_config(), remember=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    wait_for_run(qtbot, w.session)
    yield w
    w.close()
