"""How long the GUI thread takes to open a hostile lesson text, and the memory it costs.

Every case of `tests/hostile_lessons.py` (nesting, raw HTML, size, resources: pipes,
device copies, a 1.2 GB sparse image, images outside the folder, as many images as are
allowed) is opened in a LessonText offscreen, in a child process, ROUNDS times: the time
from asking for the text to its first paint (median and worst per case, ms), the worst
per generator, and the peak memory (VmHWM) of a child that opens one large case against
one that opens a tiny one. Printed as JSON. The target is under 200 ms for any text.

    python benchmarks/bench_lesson_text.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LARGEST = ("one_paragraph", "spans", "star_bracket", "many_images")
BASELINE = "raw_html"


def open_cases(folder: Path, names: list[str]) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile_lessons", str(folder), *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds

    from PySide6.QtWidgets import QApplication

    from tests.hostile_lessons import write_cases

    app = QApplication.instance() or QApplication(sys.argv[:1])  # to draw the images
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_cases(folder)
        del app
        times: dict[str, list[float]] = {}
        generators: dict[str, str] = {}
        for _ in range(rounds):
            for record in open_cases(folder, []):
                if "case" in record:
                    times.setdefault(record["case"], []).append(record["ms"])
                    generators[record["case"]] = record["generator"]
        baseline = open_cases(folder, [BASELINE])[-1]["peak_memory_mb"]
        memory = {
            name: round(open_cases(folder, [name])[-1]["peak_memory_mb"] - baseline, 1)
            for name in LARGEST
        }
    worst = {}
    for name, ms in times.items():
        worst[generators[name]] = max(worst.get(generators[name], 0.0), max(ms))
    print(
        json.dumps(
            {
                "cases_ms": {n: [statistics.median(ms), max(ms)] for n, ms in times.items()},
                "worst_ms_per_generator": worst,
                "peak_memory_over_a_tiny_text_mb": memory,
                "baseline_peak_memory_mb": baseline,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
