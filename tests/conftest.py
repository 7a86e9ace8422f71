import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _private_settings(tmp_path_factory):
    """Point QSettings at a throwaway folder: no test may write the user's real settings."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # core tests run without Qt
        yield
        return
    folder = str(tmp_path_factory.mktemp("settings"))
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, folder)
    os.environ["XDG_CONFIG_HOME"] = folder
    yield
