"""Lesson steps: the format (`core.lessons.steps`) and the headless player
(`core.lessons.player`) that the claim tests and the window play them with."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from lesson_runs import at_step, column, seeded

from deepdials.app.names import SPEEDS, VIEWS
from deepdials.core.cli import main
from deepdials.core.config.files import load_experiment
from deepdials.core.config.schema import config_from_dict, config_to_dict, with_value
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import copied, new_run, set_config
from deepdials.core.errors import InputError
from deepdials.core.lessons.player import How, plan, steps_of
from deepdials.core.lessons.steps import markdown_table
from deepdials.resources import PRESETS, lesson_names

LESSONS = Path(__file__).parent / "lessons"
README = Path(__file__).parent.parent / "README.md"
ONE = str(LESSONS / "stepped.json")  # one config: continue, pin, run by label
COMPARED = str(LESSONS / "stepped_compare.json")  # two variants


def one_go(config, epochs=None):
    """A run of `config` trained in one go (to `epochs` when given)."""
    if epochs is not None:
        config = with_value(config, "train.epochs", epochs)
    run = new_run(config, base_dir=LESSONS)
    advance(run)
    return run


def same_bits(a, b):
    """Two runs with the same θ, optimizer state and history, bit for bit."""
    assert a.epoch == b.epoch and a.status == b.status
    assert np.array_equal(a.params.theta, b.params.theta)
    assert np.array_equal(a.optimizer.step, b.optimizer.step)
    history_a, history_b = a.history.arrays(), b.history.arrays()
    assert history_a.keys() == history_b.keys()
    for name in history_a:
        assert np.array_equal(history_a[name], history_b[name], equal_nan=True), name


def lesson_with(steps, **sections):
    """A small config with these steps (and these sections' keys), checked as a file."""
    raw = {
        "schema": 1,
        "data": {"n_points": 60},
        "model": {"hidden": [3]},
        "train": {"epochs": 5, "batch_size": 0},
    }
    for name, values in sections.items():
        raw[name] = {**raw.get(name, {}), **values}
    raw["lesson"] = {"steps": steps}
    return config_from_dict(raw)


def refusal(lesson) -> str:
    with pytest.raises(InputError) as caught:
        plan(lesson)
    return str(caught.value)


# ----- the headless player -----


def test_a_fresh_step_trains_the_bits_of_its_config_in_one_go():
    lesson = seeded(load_experiment(ONE), 3)
    (run,) = at_step(ONE, 1, seed=3).values()
    same_bits(run, one_go(lesson))


def test_continuing_gives_the_bits_of_the_same_changes_made_to_a_training_run():
    lesson = seeded(load_experiment(ONE), 0)
    by_hand = one_go(lesson, epochs=40)
    set_config(by_hand, with_value(with_value(lesson, "train.lr", 0.05), "train.epochs", 80))
    advance(by_hand)
    (run,) = at_step(ONE, 2).values()
    assert run.epoch == 80 and run.config.train.lr == 0.05
    same_bits(run, by_hand)


def test_continuing_without_changes_gives_the_bits_of_training_in_one_go():
    first = seeded(load_experiment(COMPARED), 0).variants[1].config
    relu = with_value(first, "train.l2", 0.5)
    assert at_step(COMPARED, 3)["ReLU, l2 = 0.5"].epoch == 60
    same_bits(at_step(COMPARED, 3)["ReLU, l2 = 0.5"], one_go(relu, epochs=60))


def test_a_step_leaves_the_runs_of_the_steps_before_as_they_ended():
    (first,) = at_step(ONE, 1).values()
    at_step(ONE, 2)
    assert first.epoch == 40 and first.config.train.lr == 0.1
    epochs, _ = column(first, "val_error")
    assert epochs[-1] == 40


def test_a_copied_run_trains_on_as_the_run_itself_would():
    config = seeded(load_experiment(ONE), 1)
    run = one_go(config, epochs=10)
    copy = copied(run)
    for state in (run, copy):
        set_config(state, with_value(config, "train.epochs", 25))
        advance(state)
    same_bits(copy, run)
    assert copy.params.W[0].base is copy.params.theta  # its layers are views of its own θ


def test_pin_keeps_the_runs_on_screen_and_adds_the_step_run_beside_them():
    before = at_step(ONE, 2)
    after = at_step(ONE, 3)
    assert list(after) == ["learning rate = 0.05", "l2 = 1, learning rate = 0.05"]
    assert after["learning rate = 0.05"] is before["learning rate = 0.05"]
    added = after["l2 = 1, learning rate = 0.05"]
    assert added.epoch == 80 and added.config.train.l2 == 1.0 and added.config.train.lr == 0.05


def test_without_pin_the_step_replaces_the_run_the_last_step_trained():
    after = at_step(ONE, 4)
    assert list(after) == [
        "learning rate = 0.05",
        "hidden layers = [12], l2 = 1, learning rate = 0.05",
    ]
    assert after["learning rate = 0.05"] is at_step(ONE, 3)["learning rate = 0.05"]
    assert at_step(ONE, 4)["hidden layers = [12], l2 = 1, learning rate = 0.05"].sizes == (2, 12, 1)


def test_run_names_the_one_run_a_step_changes():
    after = at_step(ONE, 5)
    wide = "hidden layers = [12], l2 = 1, learning rate = 0.05"
    assert after[wide] is at_step(ONE, 4)[wide]
    assert after["learning rate = 0.05"].epoch == 120
    assert at_step(ONE, 4)["learning rate = 0.05"].epoch == 80


def test_in_a_comparison_a_step_changes_every_run_unless_it_names_one():
    first, second, third = (at_step(COMPARED, k) for k in (1, 2, 3))
    assert list(first) == ["tanh", "ReLU"]
    assert list(second) == ["tanh, l2 = 0.5", "ReLU, l2 = 0.5"]
    assert all(run.config.train.l2 == 0.5 and run.epoch == 30 for run in second.values())
    assert third["tanh, l2 = 0.5"] is second["tanh, l2 = 0.5"]
    assert third["ReLU, l2 = 0.5"].epoch == 60


def test_pin_in_a_comparison_adds_the_named_run_changed():
    fourth = at_step(COMPARED, 4)
    assert len(fourth) == 3
    added = fourth["tanh, l2 = 0.5, learning rate = 0.3"]
    assert added.config.model.activation == "tanh" and added.config.train.lr == 0.3


def test_the_seed_is_set_in_every_run_at_load():
    runs = at_step(COMPARED, 1, seed=2)
    assert {(r.config.data.seed, r.config.train.seed) for r in runs.values()} == {(2, 2)}


def test_plan_says_how_each_step_came_by_its_runs():
    stages = plan(load_experiment(ONE))
    assert [[r.how for r in s.runs] for s in stages] == [
        [How.FRESH],
        [How.CONTINUED],
        [How.KEPT, How.FRESH],
        [How.KEPT, How.FRESH],
        [How.CONTINUED, How.KEPT],
    ]
    assert [s.selected for s in stages] == [0, 0, 1, 1, 0]
    assert stages[2].step.view == "depth" and stages[3].step.speed == "200 epochs/s"


# ----- the format, and refusals naming the step -----


def test_steps_survive_saving_and_loading():
    config = load_experiment(ONE)
    again = config_from_dict(json.loads(json.dumps(config_to_dict(config))))
    assert again == config
    assert config_to_dict(config)["lesson"]["steps"][1] == {
        "text": "Train on to 80, the learning rate halved.",
        "set": {"train.lr": 0.05},
        "continue": True,
        "epochs": 80,
    }


@pytest.mark.parametrize(
    "step, message",
    [
        ({"text": ""}, 'lesson.steps[1].text: expected a text, got ""'),
        ({"epochs": 3}, "lesson.steps[1].text: missing"),
        ({"text": "a", "sets": {}}, "lesson.steps[1].sets: unknown key; allowed: text, set,"),
        ({"text": "a", "set": {"train.l2": 200}}, "lesson.steps[1].set.train.l2: 200 is not in"),
        ({"text": "a", "set": {"lesson.view": "curves"}}, "lesson.steps[1].set.lesson.view: not"),
        ({"text": "a", "set": {"data.csv": "x.csv"}}, "lesson.steps[1].set.data.csv: not"),
        ({"text": "a", "epochs": 0}, "lesson.steps[1].epochs: 0 is not in [1, 1e+06]"),
        ({"text": "a", "pin": "yes"}, "lesson.steps[1].pin: expected true or false"),
        ({"text": "a\x07"}, "lesson.steps[1].text: holds a control character"),
    ],
)
def test_a_step_of_the_wrong_form_is_refused_naming_its_place(step, message):
    with pytest.raises(InputError) as caught:
        lesson_with([{"text": "first"}, step])
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "steps, message",
    [
        (
            [
                {"text": "a"},
                {"text": "b", "continue": True, "set": {"model.hidden": [4]}, "epochs": 9},
            ],
            "lesson.steps[1].set.model.hidden: needs a new run, so it cannot continue one",
        ),
        (
            [{"text": "a", "continue": True, "epochs": 9}],
            "lesson.steps[0].continue: the first step has no run before it",
        ),
        ([{"text": "a", "pin": True}], "lesson.steps[0].pin: the first step has no run before it"),
        (
            [{"text": "a"}, {"text": "b", "continue": True}],
            "lesson.steps[1].epochs: needed with continue",
        ),
        (
            [{"text": "a"}, {"text": "b", "continue": True, "epochs": 5}],
            "lesson.steps[1].epochs: 5 is not past the run's 5",
        ),
        (
            [{"text": "a"}, {"text": "b", "run": "He"}],
            'lesson.steps[1].run: "He" is not a run on screen (base)',
        ),
        (
            [{"text": "a"}]
            + [{"text": "b", "pin": True, "set": {"train.lr": lr}} for lr in (1, 2, 3, 4)],
            "lesson.steps[4].pin: 5 runs on screen; at most 4 side by side",
        ),
        (
            [{"text": "a"}, {"text": "b", "set": {"data.split": [0.5, 0.2, 0.2]}}],
            "lesson.steps[1].set.data.split: [0.5, 0.2, 0.2] must add up to 1",
        ),
        (
            [{"text": "a"}, {"text": "b", "set": {"train.keep_prob": [1, 0.5, 0.5]}}],
            "lesson.steps[1].set.train.keep_prob: has 3 entries; with 1 hidden layers",
        ),
    ],
)
def test_a_step_that_cannot_be_played_is_refused_naming_it(steps, message):
    assert refusal(lesson_with(steps)).startswith(message)


def test_a_step_of_a_comparison_is_refused_naming_it_in_the_base(tmp_path):
    raw = json.loads(Path(COMPARED).read_text())
    raw["base"]["lesson"]["steps"][2]["run"] = "sigmoid"
    path = tmp_path / "compare.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError) as caught:
        load_experiment(path)
    assert f"{path}: base.lesson.steps[2].run: " in str(caught.value)


def test_steps_are_the_base_s_not_a_variant_s():
    lesson = load_experiment(COMPARED)
    variants = list(lesson.variants)
    config = variants[1].config
    variants[1] = replace(
        variants[1], config=replace(config, lesson=replace(config.lesson, steps=()))
    )
    message = refusal(replace(lesson, variants=tuple(variants)))
    assert message == "variants[1].lesson.steps: the steps belong to the base"


def test_the_readme_lists_the_step_fields_exactly_as_their_table():
    assert f"{markdown_table()}\n" in README.read_text(encoding="utf-8")


# ----- the command line -----


def test_run_step_prints_the_run_of_that_step_as_run_prints_one(capsys):
    assert main(["run", ONE, "--step", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    (run,) = at_step(ONE, 2).values()
    assert out["epochs_run"] == 80 and out["config"]["train"]["lr"] == 0.05
    assert out["history"]["val_error"] == column(run, "val_error")[1].tolist()


def test_compare_step_prints_every_run_on_screen_by_label(capsys):
    assert main(["compare", COMPARED, "--step", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    runs = at_step(COMPARED, 4)
    assert [r["label"] for r in out["runs"]] == list(runs)
    assert [r["epochs_run"] for r in out["runs"]] == [r.epoch for r in runs.values()]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", ONE, "--step", "3"], "--step: step 3 shows 2 runs side by side: use deepdials"),
        (["run", ONE, "--step", "6"], "--step: 6 is not a step of this lesson (it has 5)"),
        (["run", ONE, "--step", "0"], "--step: 0 is not a step of this lesson (it has 5)"),
        (["run", ONE, "--step", "1", "--epochs", "9"], "--epochs: a lesson step trains to its"),
    ],
)
def test_a_step_the_command_line_cannot_print_is_one_line(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and captured.err.count("\n") == 1


def test_a_step_that_changes_nothing_keeps_every_run_as_it_is():
    lesson = lesson_with([{"text": "a"}, {"text": "b", "view": "depth"}])
    first, second = plan(lesson)
    assert [r.how for r in second.runs] == [How.KEPT] and second.runs[0].config == first.runs[
        0
    ].config


# ----- the lessons -----


@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_is_written_as_steps(name):
    lesson = load_experiment(PRESETS / f"{name}.json")
    assert steps_of(lesson), f"{name} has no lesson.steps"
    text = (PRESETS / f"{name}.md").read_text(encoding="utf-8")
    assert "What to look for" not in text, f"{name}.md still has its What to look for"


@pytest.mark.parametrize("name", lesson_names())
def test_every_step_names_a_view_and_a_speed_the_window_has(name):
    for i, step in enumerate(steps_of(load_experiment(PRESETS / f"{name}.json"))):
        assert step.view in (None, *VIEWS), f"{name}: lesson.steps[{i}].view"
        assert step.speed in (None, *SPEEDS), f"{name}: lesson.steps[{i}].speed"
