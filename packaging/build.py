"""Build the standalone DeepDials with PyInstaller, report its size, and smoke-test it.

    pip install ".[package]"
    python packaging/build.py              one folder: dist/deepdials/ and its .tar.gz
    python packaging/build.py --onefile    one file:   dist/deepdials (deepdials.exe)

PyInstaller builds for the platform it runs on. After the build the program is started
with `--self-test` on the offscreen platform (train a few epochs, draw a frame, exit 0);
on Linux it is also started with no display, where it must say so without a traceback.
The exit status is 0 only if the build starts and passes both, the one folder holds the
third-party notices, and it and its archive are within their size targets.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
from deepdials.app.notices import DISTRIBUTIONS, FOLDER  # noqa: E402

SPEC = REPO / "packaging" / "deepdials.spec"
DIST = REPO / "dist"
WORK = REPO / "build" / "pyinstaller"
TARGET_FOLDER_MB = 170
TARGET_ARCHIVE_MB = 75
RUN_LIMIT_S = 300


def megabytes(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.lstat().st_size for p in path.rglob("*")) / 1e6


def build(onefile: bool) -> float:
    """Run PyInstaller on the spec; return the seconds it took."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    if onefile:
        command += ["--", "--onefile"]
    subprocess.run(command, check=True, cwd=REPO)
    return time.perf_counter() - started


def archive(folder: Path) -> Path:
    """The folder as a .tar.gz beside it, named for the platform it was built on."""
    path = folder.parent / f"deepdials-{sys.platform}.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return path


def run(program: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(program), *args], env=env, capture_output=True, text=True, timeout=RUN_LIMIT_S
    )


def self_test(program: Path) -> bool:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = run(program, ["--self-test"], env)
    print((result.stdout + result.stderr).strip())
    return result.returncode == 0 and "self-test: ok" in result.stdout


def no_display_message(program: Path) -> bool:
    """Without a display and without --self-test, a message and exit 2, not a traceback."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    result = run(program, [], env)
    ok = result.returncode == 2 and "no display" in result.stderr
    ok = ok and "Traceback" not in result.stderr
    print(f"without a display: exit {result.returncode}: {result.stderr.strip()}")
    return ok


def within_target(name: str, megabytes: float, target: float) -> bool:
    """Print the size against its target; True if within it."""
    verdict = "within" if megabytes < target else "OVER"
    mebibytes = megabytes * 1e6 / 2**20
    print(
        f"{name}: {megabytes:.1f} MB = {mebibytes:.1f} MiB ({verdict} the target of {target:g} MB)"
    )
    return megabytes < target


def has_notices(folder: Path) -> bool:
    """The notices folder holds Python's and every shipped distribution's licence, and
    LICENSE is at the top."""
    notices = sorted(folder.rglob(f"{FOLDER}/*.txt"))
    names = {path.stem.rpartition("-")[0].lower().replace("-", "_") for path in notices}
    wanted = {"python", *(name.lower().replace("-", "_") for name in DISTRIBUTIONS)}
    licence = next(folder.rglob("LICENSE"), None)
    ok = names == wanted and licence is not None
    ok = ok and all("Licence: " in path.read_text(encoding="utf-8") for path in notices)
    shown = ", ".join(path.stem for path in notices) or "none"
    print(f"third-party notices: {shown}" + ("" if ok else f" (FAILED: wanted {sorted(wanted)})"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--onefile", action="store_true", help="build one file, not a folder")
    args = parser.parse_args()

    seconds = build(args.onefile)
    print(f"build time: {seconds:.0f} s")
    name = "deepdials.exe" if sys.platform == "win32" else "deepdials"
    if args.onefile:
        program = DIST / name
        print(f"one file: {megabytes(program):.1f} MB, {program}")
        ok = True
    else:
        folder = DIST / "deepdials"
        program = folder / name
        ok = within_target("one folder", megabytes(folder), TARGET_FOLDER_MB)
        tarball = archive(folder)
        ok = within_target("its .tar.gz", megabytes(tarball), TARGET_ARCHIVE_MB) and ok
        print(f"program: {program}\narchive: {tarball}")
        ok = has_notices(folder) and ok

    ok = self_test(program) and ok
    if sys.platform.startswith("linux"):
        ok = no_display_message(program) and ok
    print("smoke test: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
