"""The installed distribution: one import name, deepdials, holding every file of the
repository's core/, app/ and resources/, so that it overwrites no module named core or app,
and the tests test what is installed."""

import importlib
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import deepdials
from deepdials.core import __version__

ROOT = Path(__file__).resolve().parents[1]
INSTALLED = Path(deepdials.__file__).resolve().parent
installed_only = pytest.mark.skipif(
    INSTALLED.is_relative_to(ROOT), reason="an editable install is the checkout itself"
)


@installed_only
def test_the_distribution_installs_nothing_but_deepdials():
    (distribution,) = metadata.distributions(name="deepdials", path=[str(INSTALLED.parent)])
    tops = {f.parts[0] for f in distribution.files if not f.parts[0].startswith("..")}
    assert {top for top in tops if not top.startswith("deepdials")} == set()


@installed_only
@pytest.mark.parametrize("top", ["core", "app", "resources"])
def test_every_file_of_the_repository_s_folder_is_in_the_installed_package(top):
    package = Path(importlib.import_module(f"deepdials.{top}").__file__).parent
    assert package == INSTALLED / top
    wanted = [
        p.relative_to(ROOT / top)
        for p in (ROOT / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert [p for p in wanted if not (package / p).is_file()] == []


def test_python_m_deepdials_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "deepdials", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT.anchor,
    )
    assert result.stdout.strip() == f"deepdials {__version__}"
