"""The settings table is the one place for each setting: the config dataclasses, the
registries of the engine, `needs_new_run`, classroom mode and the README agree with it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deepdials.core.config import controls
from deepdials.core.config.schema import (
    SECTION_CLASSES,
    Config,
    DataConfig,
    check_consistency,
    edit,
    needs_new_run,
    value_of,
    with_value,
)
from deepdials.core.config.table import (
    BY_KEY,
    HIDEABLE,
    SECTIONS,
    SETTINGS,
    markdown_table,
    section_rows,
)
from deepdials.core.config.values import Choice, Flag, Items, Num, NumOrItems
from deepdials.core.data.datasets import KINDS, MULTICLASS_KINDS
from deepdials.core.data.features import FEATURES
from deepdials.core.data.kinds import DATA_KINDS
from deepdials.core.data.laws import REGRESSION_KINDS
from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.initializers import INITIALIZERS
from deepdials.core.engine.optimizers import OPTIMIZERS
from deepdials.core.errors import InputError

README = Path(__file__).resolve().parents[1] / "README.md"


def as_json(value):
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_every_default_is_allowed_by_its_own_row(setting):
    assert setting.allowed.check(setting.key, as_json(setting.default)) == setting.default


def test_the_config_dataclasses_have_exactly_the_rows_with_their_defaults():
    for section in SECTIONS:
        cls = SECTION_CLASSES[section]
        rows = section_rows(section)
        assert [f for f in cls.__dataclass_fields__] == [s.name for s in rows]
        assert [getattr(cls(), s.name) for s in rows] == [s.default for s in rows]


def test_choices_list_exactly_the_engines_registries():
    assert BY_KEY["data.kind"].allowed.options == (*KINDS, *REGRESSION_KINDS, "csv")
    assert BY_KEY["model.activation"].allowed.options == tuple(ACTIVATIONS)
    assert BY_KEY["model.init"].allowed.options == tuple(INITIALIZERS)
    assert BY_KEY["train.optimizer"].allowed.options == OPTIMIZERS
    assert BY_KEY["data.features"].allowed.item.options == FEATURES
    for setting in SETTINGS:
        if isinstance(setting.control, controls.Combo) and isinstance(setting.allowed, Choice):
            assert tuple(setting.control.options) == setting.allowed.options


def test_option_texts_must_cover_the_registry_exactly():
    with pytest.raises(ValueError):
        controls.options_for(("relu", "tanh"), {"relu": ("ReLU", "")})


def another_value(setting):
    """A valid value of the row other than its default."""
    kind, default = setting.allowed, setting.default
    if isinstance(kind, Choice):
        return next(o for o in kind.options if o != default)
    if isinstance(kind, Flag):
        return not default
    if isinstance(kind, Num):
        return kind.hi if default != kind.hi else kind.lo
    if isinstance(kind, NumOrItems):
        return 0.5
    if isinstance(kind, Items):
        if isinstance(kind.item, Choice):
            return tuple(o for o in kind.item.options if o not in default)[:1] or default[:1]
        return {"data.split": (0.5, 0.25, 0.25), "model.hidden": (3,)}[setting.key]
    return "other.csv"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_a_change_needs_a_new_run_exactly_when_its_row_is_structural(setting):
    value = another_value(setting)
    assert value != setting.default
    changed = with_value(Config(), setting.key, value)
    assert value_of(changed, setting.key) == value
    assert needs_new_run(Config(), changed) == (not setting.hot)


def test_classroom_mode_may_hide_every_key_with_a_control_and_no_other():
    assert set(HIDEABLE) == {s.key for s in SETTINGS if s.control is not None}
    assert "data.csv" not in HIDEABLE and "train.seed" not in HIDEABLE
    assert BY_KEY["classroom.hidden"].allowed.item.options == HIDEABLE


@pytest.mark.parametrize("section", SECTIONS)
def test_the_readme_lists_each_section_exactly_as_the_table(section):
    text = README.read_text(encoding="utf-8")
    assert f"### `{section}`\n\n{markdown_table(section)}\n" in text


def test_every_control_has_a_label_a_group_and_a_tooltip():
    for setting in SETTINGS:
        if setting.control is not None:
            assert setting.label and setting.group and len(setting.tip) > 20


def test_early_stopping_needs_a_validation_split_in_validation_following_and_the_control():
    on = with_value(Config(), "train.patience", 20)
    without_val = with_value(on, "data.split", (0.8, 0.0, 0.2))
    with pytest.raises(InputError, match="train.patience: early stopping needs a validation"):
        check_consistency(without_val)
    assert edit(on, "data.split", (0.8, 0.0, 0.2)).train.patience == 0  # it follows
    assert not BY_KEY["train.patience"].enabled(without_val, None)
    assert BY_KEY["train.patience"].disabled_tip == "Early stopping needs a validation split."
    mine = with_value(without_val, "data.kind", "csv")
    assert BY_KEY["train.patience"].enabled(mine, None)  # the points may bring some
    assert edit(mine, "data.kind", "circles").train.patience == 0


def test_more_than_two_classes_need_a_kind_that_has_them_in_validation_following_and_control():
    spiral = with_value(with_value(Config(), "data.kind", "spiral"), "data.n_classes", 4)
    with pytest.raises(InputError, match="data.n_classes: moons has 2 classes; more are possible"):
        check_consistency(with_value(spiral, "data.kind", "moons"))
    assert edit(spiral, "data.kind", "moons").data.n_classes == 2
    assert check_consistency(with_value(spiral, "data.kind", "csv"))  # the points' own classes
    classes = BY_KEY["data.n_classes"]
    assert classes.enabled(spiral, None)
    assert not classes.enabled(Config(), None) and not classes.enabled(
        with_value(Config(), "data.kind", "csv"), None
    )
    chosen = [name for name, kind in DATA_KINDS.items() if kind.classes == "chosen"]
    assert chosen == list(MULTICLASS_KINDS)
    assert all(name in classes.disabled_tip for name in chosen)


def test_the_engine_knows_none_of_the_window_s_names_and_imports_no_circle():
    import deepdials.core.config.table as table

    assert not hasattr(table, "VIEWS") and not hasattr(table, "SPEEDS")
    code = (
        "import sys, deepdials.core.engine.budget; "
        "print('deepdials.core.config.schema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # the estimate needs no config module: no circle


def test_data_csv_is_read_by_a_kind_of_given_points_only(tmp_path):
    from deepdials.core.cli import input_files
    from deepdials.core.data.dataprep import build_data
    from deepdials.core.data.kinds import points_file, points_in_memory

    toy = DataConfig(kind="moons", csv="points.csv")
    own = DataConfig(kind="csv", csv="points.csv")
    assert points_file(toy) is None and not points_in_memory(toy)
    assert points_file(own) == "points.csv" and not points_in_memory(own)
    assert points_in_memory(DataConfig(kind="csv"))
    with pytest.raises(InputError, match='kind "csv" needs a file path'):
        build_data(DataConfig(kind="csv"))
    config = tmp_path / "toy.json"
    config.write_text(json.dumps({"schema": 1, "data": {"kind": "moons", "csv": "points.csv"}}))
    assert input_files(str(config)) == [str(config)]
