"""Presets, icons and style, found relative to this package so they work frozen too."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
PRESETS = ROOT / "presets"
