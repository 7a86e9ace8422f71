"""What the standalone build takes in and leaves out; read by `deepdials.spec` and the tests.

Resources are every non-Python file under `resources/`, placed at the same relative path,
so `resources.ROOT` finds them frozen as it does from source. The exclusions keep the
build small: the other Qt bindings (PyInstaller refuses to collect two), the Qt modules
the program never imports, the optional back ends pyqtgraph probes for, and tkinter.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

# Imported by the app or by pyqtgraph at start-up: never exclude these.
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg", "QtTest")

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
    *(f"PySide6.{name}" for name in QT_MODULES_UNUSED),
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
)  # fmt: skip

# Qt plugins the program does not load, relative to PySide6/Qt/plugins: printing, SQL,
# networking, designer, QML, the GTK theme (it drags in cairo and GLib, and the system's
# GTK would have to match them), and the platforms and input devices of embedded boards.
# What stays: xcb, wayland, offscreen and minimal, image formats, SVG icons, input methods.
EXCLUDED_PLUGINS = (
    "designer", "qmllint", "qmltooling", "sqldrivers", "tls", "networkinformation",
    "printsupport", "egldeviceintegrations", "wayland-graphics-integration-server", "generic",
    "platformthemes/libqgtk3.so", "platforms/libqeglfs.so", "platforms/libqlinuxfb.so",
    "platforms/libqminimalegl.so", "platforms/libqvkkhrdisplay.so", "platforms/libqvnc.so",
)  # fmt: skip


def data_files(repo: Path) -> list[tuple[str, str]]:
    """(source file, destination folder) for every resource file, Python files aside."""
    resources = repo / "resources"
    return [
        (str(path), str(path.parent.relative_to(repo)))
        for path in sorted(resources.rglob("*"))
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]


def keep_binary(dest: str) -> bool:
    """False for Qt translations and the plugins in EXCLUDED_PLUGINS."""
    parts = Path(dest).parts
    if "translations" in parts:
        return False
    if "plugins" in parts:
        rest = parts[parts.index("plugins") + 1 :]
        return not any("/".join(rest[: len(Path(x).parts)]) == x for x in EXCLUDED_PLUGINS if rest)
    return True


def drop_orphans(binaries: list) -> list:
    """Without the libraries that only excluded plugins needed (the GTK theme's cairo, pango…).

    PyInstaller collects a plugin's dependencies as entries of their own, so leaving out a
    plugin leaves them behind. Kept: what is reachable through link-time imports from the
    extension modules, the Qt plugins and the Python library.
    """
    from PyInstaller.depend.bindepend import get_imports

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
        for name, _path in get_imports(src):
            entry = by_name.get(Path(name).name)
            if entry is not None and entry[0] not in kept:
                kept.add(entry[0])
                pending.append(entry)
    return [entry for entry in binaries if entry[0] in kept]


def drop_dangling_links(toc: list, binaries: list) -> list:
    """`toc` without the symbolic links to libraries that `binaries` no longer holds."""
    present = {entry[0] for entry in binaries}
    return [entry for entry in toc if entry[2] != "SYMLINK" or entry[1] in present]


def strip_debug_info(binaries: list, workdir: Path) -> list:
    """Python's own library and extension modules with their debug symbols stripped (a
    Python built from source, as pyenv does, carries 25 MB of them).

    Only Python's own: stripping NumPy's libraries breaks them. A no-op without `strip`.
    """
    strip = shutil.which("strip")
    if strip is None or not sys.platform.startswith("linux"):
        return binaries
    result = []
    for dest, src, kind in binaries:
        if Path(dest).name.startswith("libpython") or "lib-dynload" in Path(dest).parts:
            copy = workdir / "stripped" / Path(dest).name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, copy)
            subprocess.run([strip, "--strip-debug", str(copy)], check=True)
            src = str(copy)
        result.append((dest, src, kind))
    return result
