"""The lesson navigator knows a lesson by what its config says, not by where the file is:
a checkout's `resources/presets/` beside an installed package is the same lessons."""

import json
import shutil

from deepdials.resources import PRESETS, lesson_names


def copy_preset(name, folder):
    folder.mkdir(exist_ok=True)
    for suffix in (".json", ".md"):
        shutil.copy(PRESETS / f"{name}{suffix}", folder / f"{name}{suffix}")
    return folder / f"{name}.json"


def test_a_copy_of_a_lesson_elsewhere_is_that_lesson_and_steps_to_the_bundled_ones(
    window, tmp_path
):
    names = lesson_names()
    copy = copy_preset(names[2], tmp_path / "checkout")
    window.files.open_config(copy)
    navigator = window.navigator
    assert navigator.position.text().startswith(f"Lesson 3 of {len(names)}: ")
    assert navigator.previous.isEnabled() and navigator.next.isEnabled()
    navigator.previous.click()
    assert window.session.path == PRESETS / f"{names[1]}.json"
    assert navigator.position.text().startswith(f"Lesson 2 of {len(names)}: ")


def test_a_lesson_reformatted_is_still_that_lesson(window, tmp_path):
    names = lesson_names()
    copy = copy_preset(names[-1], tmp_path)
    copy.write_text(json.dumps(json.loads(copy.read_text(encoding="utf-8")), indent=1))
    window.files.open_config(copy)
    assert window.navigator.position.text().startswith(f"Lesson {len(names)} of {len(names)}: ")
    assert not window.navigator.next.isEnabled()


def test_a_lesson_with_a_changed_setting_is_not_a_lesson(window, tmp_path):
    names = lesson_names()
    copy = copy_preset(names[2], tmp_path)
    config = json.loads(copy.read_text(encoding="utf-8"))
    config.setdefault("train", {})["seed"] = config.get("train", {}).get("seed", 0) + 1
    copy.write_text(json.dumps(config))
    window.files.open_config(copy)
    assert window.navigator.position.text() == f"{len(names)} lessons"
    assert not window.navigator.previous.isEnabled()
    window.navigator.next.click()
    assert window.session.path == PRESETS / f"{names[0]}.json"
