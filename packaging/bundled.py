"""What the standalone build takes in and leaves out; read by `deepdials.spec` and the tests.

Resources are every non-Python file under `resources/`, placed at the same relative path,
so `resources.ROOT` finds them frozen as it does from source. Beside them go LICENSE and
the third-party notices, written at build time from the installed distributions'
metadata (`app.notices`). The exclusions keep the build small: the other Qt bindings
(PyInstaller refuses to collect two), the Qt modules the program never imports, the
optional back ends pyqtgraph probes for, tkinter, and the libraries every Linux desktop
has and the program takes from the system (`SYSTEM_LIBRARIES`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Imported by the app or by pyqtgraph at start-up: never exclude these.
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg")
# Imported by pyqtgraph if present, which does without (its QTest.qWait is for test suites).
QT_MODULES_OPTIONAL = ("QtTest",)

QT_MODULES_UNUSED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent",
    "QtDBus", "QtDataVisualization", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp",
    "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork",
    "QtNetworkAuth", "QtNfc", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport",
    "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
    "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvgWidgets", "QtTextToSpeech",
    "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick",
    "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
)  # fmt: skip

EXCLUDED_MODULES = (
    *(f"PySide6.{name}" for name in (*QT_MODULES_UNUSED, *QT_MODULES_OPTIONAL)),
    "PyQt5", "PyQt6", "PySide2",
    "tkinter", "_tkinter", "yaml",
    # no network, and hashlib falls back to its built-in hashes: 5 MB of OpenSSL saved
    "ssl", "_ssl", "_hashlib",
    # optional back ends pyqtgraph uses when they happen to be installed
    "scipy", "matplotlib", "OpenGL", "h5py", "cupy", "numba", "pandas", "IPython",
    "pyqtgraph.opengl", "pyqtgraph.examples", "pyqtgraph.jupyter",
    # Pillow only writes GIFs here: not its AVIF, WebP, colour-management or Tk parts
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms",
    "PIL.ImageCms", "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt",
    # every file the program reads is UTF-8: not the Chinese, Japanese and Korean codecs
    "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw",
    "_multibytecodec",
    # line editing for an interactive prompt the program never shows (and its libreadline)
    "readline",
)  # fmt: skip

# Qt plugins the program does not load, relative to PySide6/Qt/plugins: printing, SQL,
# networking, designer, QML, the GTK theme (it drags in cairo and GLib, and the system's
# GTK would have to match them), and the platforms and input devices of embedded boards.
# What stays: xcb, wayland, offscreen and minimal, SVG images and icons, input methods.
EXCLUDED_PLUGINS = (
    "designer", "qmllint", "qmltooling", "sqldrivers", "tls", "networkinformation",
    "printsupport", "egldeviceintegrations", "wayland-graphics-integration-server", "generic",
    "platformthemes/libqgtk3.so", "platforms/libqeglfs.so", "platforms/libqlinuxfb.so",
    "platforms/libqminimalegl.so", "platforms/libqvkkhrdisplay.so", "platforms/libqvnc.so",
)  # fmt: skip


# Image formats: PNG is built into Qt; of the plugins only SVG is read (the icons).
IMAGE_FORMATS_KEPT = ("qsvg",)

# pyqtgraph's logo, for the QApplication that pg.mkQApp makes; the program makes its own.
EXCLUDED_DATA = ("pyqtgraph/icons/peegee",)

# Libraries taken from the user's system, not bundled (Linux). Every desktop has them, and
# they are what a pip install of PySide6 uses from the system too:
# - the C++ runtime, GLib and X11: the manylinux policy's libraries, which any Linux
#   system is assumed to have;
# - libdbus: the client of the system's message bus (with it go libsystemd, libgcrypt and
#   the compression libraries only they use);
# - fontconfig and FreeType: the fonts' configuration is the system's (a bundled fontconfig
#   older than it warns and can find no fonts). Pillow keeps its own FreeType.
# What a desktop may lack stays bundled: the xcb utility libraries, xkbcommon, Wayland.
SYSTEM_LIBRARIES = (
    "libstdc++", "libgcc_s", "libglib-2.0", "libgthread-2.0", "libX11",
    "libdbus-1", "libfontconfig", "libfreetype",
)  # fmt: skip


def licence_files(repo: Path, workdir: Path) -> list[tuple[str, str]]:
    """(source file, destination folder): LICENSE at the top, and the third-party notices,
    written now into `workdir` from the installed distributions' metadata."""
    from deepdials.app.notices import FOLDER, write_notices

    notices = write_notices(workdir / FOLDER)
    return [(str(repo / "LICENSE"), "."), *((str(path), FOLDER) for path in notices)]


def data_files(repo: Path) -> list[tuple[str, str]]:
    """(source file, destination folder) for every resource file, Python files aside."""
    resources = repo / "resources"
    return [
        (str(path), str(Path("deepdials") / path.parent.relative_to(repo)))
        for path in sorted(resources.rglob("*"))
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]


def keep_binary(dest: str) -> bool:
    """False for Qt translations, the plugins left out (EXCLUDED_PLUGINS, image formats but
    IMAGE_FORMATS_KEPT), EXCLUDED_DATA and SYSTEM_LIBRARIES."""
    path = Path(dest)
    parts = path.parts
    if "translations" in parts or any(path.is_relative_to(x) for x in EXCLUDED_DATA):
        return False
    if path.name.split(".so")[0] in SYSTEM_LIBRARIES and sys.platform.startswith("linux"):
        return False
    if "plugins" in parts:
        rest = parts[parts.index("plugins") + 1 :]
        if rest[:1] == ("imageformats",):
            return any(kept in rest[-1] for kept in IMAGE_FORMATS_KEPT)
        return not any("/".join(rest[: len(Path(x).parts)]) == x for x in EXCLUDED_PLUGINS if rest)
    return True


def linked_names(src: str) -> list[str]:
    """The libraries a binary itself links to. On Linux its ELF `NEEDED` entries: PyInstaller's
    `get_imports` asks ldd there, which lists the whole chain, the system's part included."""
    if sys.platform.startswith("linux"):
        env = {**os.environ, "LC_ALL": "C"}
        dump = subprocess.run(["readelf", "-d", src], capture_output=True, text=True, env=env)
        return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dump.stdout)
    from PyInstaller.depend.bindepend import get_imports

    return [name for name, _path in get_imports(src)]


def drop_orphans(binaries: list) -> list:
    """Without the libraries that only what was left out needed (the GTK theme's cairo, pango…;
    libdbus's libsystemd and libgcrypt).

    PyInstaller collects a binary's dependencies as entries of their own, so leaving out a
    plugin or a library leaves them behind. Kept: what is reachable through link-time
    imports from the extension modules, the Qt plugins and the Python library.
    """

    def is_root(dest: str) -> bool:
        name = Path(dest).name
        return (
            ".cpython-" in name
            or ".abi3." in name
            or name.endswith(".pyd")
            or name.startswith("libpython")
            or "plugins" in Path(dest).parts
        )

    by_name = {Path(entry[0]).name: entry for entry in binaries}
    pending = [entry for entry in binaries if is_root(entry[0])]
    kept = {entry[0] for entry in pending}
    while pending:
        _, src, _ = pending.pop()
        for name in linked_names(src):
            entry = by_name.get(Path(name).name)
            if entry is not None and entry[0] not in kept:
                kept.add(entry[0])
                pending.append(entry)
    return [entry for entry in binaries if entry[0] in kept]


def drop_dangling_links(toc: list, binaries: list) -> list:
    """`toc` without the symbolic links to libraries that `binaries` no longer holds."""
    present = {entry[0] for entry in binaries}
    return [entry for entry in toc if entry[2] != "SYMLINK" or entry[1] in present]


def is_stripped(dest: str) -> bool:
    """Python's own library and extension modules, Pillow's, and Qt's ICU: they come with
    debug information (a Python built from source, as pyenv does, carries 25 MB of it;
    Pillow 3 MB) or a symbol table (ICU 1.4 MB) that nothing reads. Not NumPy's libraries:
    stripping them breaks them."""
    path = Path(dest)
    return (
        path.name.startswith(("libpython", "libicu"))
        or "lib-dynload" in path.parts
        or path.parts[0] == "PIL"
    )


def strip_debug_info(binaries: list, workdir: Path) -> list:
    """The binaries `is_stripped` names, stripped of all a shared library does not need to
    be loaded (`strip --strip-unneeded` keeps the dynamic symbols). A no-op without `strip`."""
    strip = shutil.which("strip")
    if strip is None or not sys.platform.startswith("linux"):
        return binaries
    result = []
    for dest, src, kind in binaries:
        if is_stripped(dest):
            copy = workdir / "stripped" / Path(dest).name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, copy)
            subprocess.run([strip, "--strip-unneeded", str(copy)], check=True)
            src = str(copy)
        result.append((dest, src, kind))
    return result
