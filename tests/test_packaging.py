"""Fast checks of the standalone build's recipe; the build itself runs in .ci/run
(`python packaging/build.py`), not here."""

import configparser
import importlib.util
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def load_bundled():
    # by path: a `packaging` import would find the PyPI package of that name
    spec = importlib.util.spec_from_file_location("bundled", PACKAGING / "bundled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundled = load_bundled()


def test_every_resource_file_is_bundled_at_its_relative_path():
    files = [
        p
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert any(p.suffix == ".json" for p in files) and any(p.suffix == ".png" for p in files)
    bundled_files = {Path(dest) / Path(src).name for src, dest in bundled.data_files(ROOT)}
    assert bundled_files == {p.relative_to(ROOT) for p in files}


def test_the_spec_takes_its_data_and_exclusions_from_bundled():
    spec = (PACKAGING / "deepdials.spec").read_text()
    assert "datas=data_files(REPO)" in spec
    assert "excludes=list(EXCLUDED_MODULES)" in spec
    assert "keep_binary" in spec and "drop_orphans" in spec
    assert (PACKAGING / "launch.py").is_file()


def test_no_qt_module_the_window_imports_is_excluded():
    import app.window  # noqa: F401  (pyqtgraph loads QtOpenGL, QtSvg, QtTest with it)

    loaded = {name for name in sys.modules if name.startswith("PySide6.Qt")}
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= loaded
    assert not loaded & set(bundled.EXCLUDED_MODULES)
    assert {f"PySide6.{m}" for m in bundled.QT_MODULES_USED} >= loaded
    assert {"PyQt5", "PyQt6", "PySide2", "tkinter"} <= set(bundled.EXCLUDED_MODULES)


def test_translations_and_unused_plugins_are_dropped_and_the_platforms_kept():
    qt = "PySide6/Qt"
    dropped = [
        f"{qt}/translations/qtbase_de.qm",
        f"{qt}/plugins/sqldrivers/libqsqlite.so",
        f"{qt}/plugins/platformthemes/libqgtk3.so",
        f"{qt}/plugins/platforms/libqvnc.so",
    ]
    kept = [
        f"{qt}/plugins/platforms/libqxcb.so",
        f"{qt}/plugins/platforms/libqwayland.so",
        f"{qt}/plugins/platforms/libqoffscreen.so",
        f"{qt}/plugins/imageformats/libqsvg.so",
        f"{qt}/lib/libQt6OpenGLWidgets.so.6",
        "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
    ]
    assert not any(bundled.keep_binary(d) for d in dropped)
    assert all(bundled.keep_binary(k) for k in kept)


def test_links_to_libraries_left_out_are_dropped():
    binaries = [("PySide6/Qt/lib/libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY")]
    links = [
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("resources/presets/default.json", "/x/default.json", "DATA"),
    ]
    kept = bundled.drop_dangling_links(links, binaries)
    assert [entry[0] for entry in kept] == ["libQt6Core.so.6", "resources/presets/default.json"]


def test_the_desktop_entry_launches_deepdials_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "deepdials.desktop")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "deepdials"
    assert section["Icon"] == "deepdials"
    assert (ROOT / "resources" / "icons" / "deepdials.svg").is_file()


def test_the_icon_comes_in_square_sizes_with_a_transparent_corner():
    for size in (16, 32, 48, 64, 128, 256):
        with Image.open(ROOT / "resources" / "icons" / f"deepdials-{size}.png") as icon:
            assert icon.size == (size, size)
            assert icon.convert("RGBA").getpixel((0, 0))[3] == 0
