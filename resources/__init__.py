"""Presets, icons and style, found relative to this package so they work frozen too."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
PRESETS = ROOT / "presets"
LESSONS = ROOT / "lessons.txt"


def lesson_names() -> list[str]:
    """The presets that make up the lessons, in the order of `lessons.txt`."""
    lines = LESSONS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
