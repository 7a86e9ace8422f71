"""Fast checks of the standalone build's recipe; the build itself runs in .ci/run
(`python packaging/build.py`), not here."""

import configparser
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def load(name):
    # by path: a `packaging` import would find the PyPI package of that name
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundled = load("bundled")


def test_every_resource_file_is_bundled_at_its_relative_path():
    files = [
        p
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert any(p.suffix == ".json" for p in files) and any(p.suffix == ".png" for p in files)
    bundled_files = {Path(dest) / Path(src).name for src, dest in bundled.data_files(ROOT)}
    assert bundled_files == {Path("deepdials") / p.relative_to(ROOT) for p in files}


def test_the_spec_takes_its_data_and_exclusions_from_bundled():
    spec = (PACKAGING / "deepdials.spec").read_text()
    assert "datas=data_files(REPO) + licence_files(REPO, Path(workpath))" in spec
    assert "excludes=list(EXCLUDED_MODULES)" in spec
    assert "keep_binary" in spec and "drop_orphans" in spec
    assert (PACKAGING / "launch.py").is_file()


def test_no_qt_module_the_window_imports_is_excluded_but_those_pyqtgraph_can_do_without():
    import deepdials.app.window  # noqa: F401  (pyqtgraph loads QtOpenGL, QtSvg, QtTest with it)

    loaded = {name for name in sys.modules if name.startswith("PySide6.Qt")}
    optional = {f"PySide6.{m}" for m in bundled.QT_MODULES_OPTIONAL}
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= loaded
    assert not (loaded - optional) & set(bundled.EXCLUDED_MODULES)
    assert {f"PySide6.{m}" for m in bundled.QT_MODULES_USED} >= loaded - optional
    assert optional <= set(bundled.EXCLUDED_MODULES)
    assert {"PyQt5", "PyQt6", "PySide2", "tkinter", "readline"} <= set(bundled.EXCLUDED_MODULES)


def test_translations_and_unused_plugins_are_dropped_and_the_platforms_kept():
    qt = "PySide6/Qt"
    dropped = [
        f"{qt}/translations/qtbase_de.qm",
        f"{qt}/plugins/sqldrivers/libqsqlite.so",
        f"{qt}/plugins/platformthemes/libqgtk3.so",
        f"{qt}/plugins/platforms/libqvnc.so",
        f"{qt}/plugins/imageformats/libqjpeg.so",
        f"{qt}/plugins/imageformats/libqwebp.so",
        "pyqtgraph/icons/peegee/peegee_512px@2x.png",
    ]
    kept = [
        f"{qt}/plugins/platforms/libqxcb.so",
        f"{qt}/plugins/platforms/libqwayland.so",
        f"{qt}/plugins/platforms/libqoffscreen.so",
        f"{qt}/plugins/imageformats/libqsvg.so",
        f"{qt}/lib/libQt6OpenGLWidgets.so.6",
        "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
        "pyqtgraph/icons/auto.png",
    ]
    assert [d for d in dropped if bundled.keep_binary(d)] == []
    assert all(bundled.keep_binary(k) for k in kept)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux libraries")
def test_the_libraries_every_linux_desktop_has_come_from_the_system_and_pillows_stay():
    from_system = ["libstdc++.so.6", "libglib-2.0.so.0", "libdbus-1.so.3", "libfontconfig.so.1"]
    kept = [
        "libxcb-cursor.so.0",
        "libxkbcommon.so.0",
        "pillow.libs/libfreetype-57f805ba.so.6.20.6",
        "PySide6/Qt/lib/libicuuc.so.73",
    ]
    assert [d for d in from_system if bundled.keep_binary(d)] == []
    assert all(bundled.keep_binary(k) for k in kept)


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf (binutils)")
def test_a_binary_s_own_links_are_read_not_the_chain_ldd_lists():
    import PySide6.QtCore

    names = bundled.linked_names(PySide6.QtCore.__file__)
    assert "libQt6Core.so.6" in names
    assert "libicudata.so.73" not in names  # libQt6Core's, not QtCore's


def test_python_pillow_and_icu_are_stripped_numpy_never():
    stripped = [
        "libpython3.11.so.1.0",
        "python3.11/lib-dynload/_struct.cpython-311-x86_64-linux-gnu.so",
        "PIL/_imaging.cpython-311-x86_64-linux-gnu.so",
        "PySide6/Qt/lib/libicui18n.so.73",
    ]
    untouched = [
        "numpy.libs/libscipy_openblas64_-32a4b2a6.so",
        "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
        "pillow.libs/libjpeg-6dc8d115.so.62.4.0",
    ]
    assert all(bundled.is_stripped(d) for d in stripped)
    assert not any(bundled.is_stripped(d) for d in untouched)


def test_the_build_carries_the_licence_and_notices_written_from_metadata(tmp_path):
    from deepdials.app.notices import DISTRIBUTIONS, FOLDER

    files = bundled.licence_files(ROOT, tmp_path)
    assert files[0] == (str(ROOT / "LICENSE"), ".") and (ROOT / "LICENSE").is_file()
    notices = [Path(src) for src, dest in files[1:] if dest == FOLDER]
    assert len(notices) == len(files) - 1 == len(DISTRIBUTIONS) + 1
    assert all(path.is_relative_to(tmp_path) and path.stat().st_size > 500 for path in notices)


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


def test_a_build_over_its_size_target_fails(capsys):
    build = load("build")
    assert build.TARGET_FOLDER_MB == 170
    assert build.within_target("one folder", 169.9, build.TARGET_FOLDER_MB)
    assert not build.within_target("one folder", 170.1, build.TARGET_FOLDER_MB)
    assert "OVER the target of 170 MB" in capsys.readouterr().out
