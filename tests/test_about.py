"""Help → About: the versions, the settings file, and the licences of what DeepDials ships,
generated from the distributions' metadata; the standalone build shows the same texts
from the folder written at build time."""

import os
import platform
import sys

import numpy
from PySide6.QtCore import qVersion

from deepdials.app import notices
from deepdials.app.about import AboutDialog
from deepdials.core import __version__


def open_about(window):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if "About" in a.text())
    about.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_about_opens_from_the_help_menu_and_names_the_versions_and_settings(qtbot, window):
    dialog = open_about(window)
    text = dialog.summary.text()
    for version in (__version__, platform.python_version(), qVersion(), numpy.__version__):
        assert version in text
    assert os.environ["DEEPDIALS_SETTINGS"] in text


def test_about_lists_every_shipped_component_with_its_licence_text(qtbot, window):
    dialog = open_about(window)
    titles = [dialog.components.item(i).text() for i in range(dialog.components.count())]
    names = {title.split()[0].lower() for title in titles}
    assert names == {"python", "pyside6_essentials", "shiboken6", "numpy", "pyqtgraph", "pillow"}
    row = next(i for i, title in enumerate(titles) if title.startswith("numpy "))
    dialog.components.setCurrentRow(row)
    shown = dialog.licence.toPlainText()
    assert shown.startswith(f"numpy {numpy.__version__}\nLicence: ")
    assert "Copyright" in shown and "--- LICENSE.txt ---" in shown


def test_the_folder_written_at_build_time_shows_what_metadata_gives(tmp_path, monkeypatch):
    written = notices.write_notices(tmp_path / notices.FOLDER)
    assert len(written) == len(notices.DISTRIBUTIONS) + 1
    from_metadata = notices.shown_notices()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert notices.shown_notices() == from_metadata


def test_a_licence_named_only_by_its_spdx_id_is_read_from_the_system_or_linked(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(notices, "SYSTEM_LICENCES", tmp_path)
    (tmp_path / "LGPL-3").write_text("GNU LESSER GENERAL PUBLIC LICENSE, version 3")
    assert notices.spdx_ids("LGPL-3.0-only OR GPL-2.0-only") == ["LGPL-3.0-only", "GPL-2.0-only"]
    assert notices.licence_text("LGPL-3.0-only") == (
        str(tmp_path / "LGPL-3"),
        "GNU LESSER GENERAL PUBLIC LICENSE, version 3",
    )
    source, text = notices.licence_text("GPL-2.0-only")
    assert source == "https://spdx.org/licenses/GPL-2.0-only.html" and source in text
