"""The engine must run where no Qt is installed: nothing in core/ may import it."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "PySide2", "pyqtgraph", "qtpy", "app")


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(
                alias.name.removeprefix("deepdials.").split(".")[0] for alias in node.names
            )
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.removeprefix("deepdials.").split(".")[0])
    return names


def test_no_module_in_core_imports_qt_or_the_app():
    offenders = {
        str(p.relative_to(CORE)): sorted(_imported_modules(p) & set(FORBIDDEN))
        for p in sorted(CORE.rglob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_importing_every_core_module_loads_no_qt():
    modules = [
        ".".join(("deepdials", *p.relative_to(CORE.parent).with_suffix("").parts))
        for p in sorted(CORE.rglob("*.py"))
        if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "tops = {m: m.removeprefix('deepdials.').split('.')[0] for m in sys.modules}\n"
        f"print(sorted(m for m, top in tops.items() if top in {FORBIDDEN!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.anchor, check=True
    )
    assert out.stdout.strip() == "[]"
