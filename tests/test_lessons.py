"""Lessons: every one is a preset with a title, an explanation and what to look for (or its
steps), and the notes' four bias/variance cases come out of real runs near the notes'
numbers."""

import pytest

from deepdials.app.names import SPEEDS, VIEWS
from deepdials.core.config.compare import Comparison
from deepdials.core.config.files import load_experiment
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.resources import PRESETS, lesson_names
from tests.lesson_runs import trained

NOTES_CASES = {  # lesson: (train error, val error) from the lecture's table
    "high_variance": (0.01, 0.11),
    "high_bias": (0.15, 0.16),
    "high_bias_and_variance": (0.15, 0.30),
    "low_bias_low_variance": (0.005, 0.01),
}
TOLERANCE = 0.05  # "within a few points"


def test_there_is_a_lesson_for_every_part_of_the_notes():
    names = lesson_names()
    assert len(names) == len(set(names)) >= 18
    assert set(NOTES_CASES) <= set(names)


@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_has_a_config_a_title_and_what_to_look_for(name):
    experiment = load_experiment(PRESETS / f"{name}.json")
    configs = experiment.configs if isinstance(experiment, Comparison) else [experiment]
    text = (PRESETS / f"{name}.md").read_text(encoding="utf-8")
    assert text.startswith("# ")
    # a lesson in steps says what to look for in its steps
    assert "## What to look for" in text or all(c.lesson.steps for c in configs)
    assert "\\frac" not in text and "$" not in text  # formulas are written out, not TeX


@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_names_a_view_and_a_speed_the_window_has(name):
    experiment = load_experiment(PRESETS / f"{name}.json")
    configs = experiment.configs if isinstance(experiment, Comparison) else [experiment]
    for config in configs:
        assert config.lesson.view in (None, *VIEWS)
        assert config.lesson.speed in (None, *SPEEDS)
        for step in config.lesson.steps:
            assert step.view in (None, *VIEWS) and step.speed in (None, *SPEEDS)


@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_runs_a_few_epochs_headless(name):
    experiment = load_experiment(PRESETS / f"{name}.json")
    configs = experiment.configs if isinstance(experiment, Comparison) else [experiment]
    for config in configs:
        run = new_run(config, base_dir=PRESETS)
        advance(run, epochs=3)
        assert run.status in ("running", "diverged")


@pytest.mark.parametrize("name", sorted(NOTES_CASES))
def test_the_four_bias_variance_lessons_land_near_the_notes_numbers(name):
    run = trained(name)
    train, val = NOTES_CASES[name]
    assert run.metrics["train"]["error"] == pytest.approx(train, abs=TOLERANCE)
    assert run.metrics["val"]["error"] == pytest.approx(val, abs=TOLERANCE)
