"""Configs: defaults, validation that names the field, JSON round trips, file errors."""

import json

import pytest

from deepdials.core.config.files import load_config, save_config
from deepdials.core.config.schema import Config, config_from_dict, config_to_dict, needs_new_run
from deepdials.core.errors import InputError


def test_an_empty_config_takes_every_default():
    assert config_from_dict({"schema": 1}) == Config()


def test_config_round_trips_through_json(tmp_path):
    raw = {
        "schema": 1,
        "data": {"kind": "spiral", "n_classes": 3, "features": ["x1", "x2", "sin(x1)"]},
        "model": {"hidden": [4, 3], "activation": "relu", "init": "he"},
        "train": {"keep_prob": [1.0, 0.5, 0.8], "optimizer": "adam"},
    }
    config = config_from_dict(raw)
    path = tmp_path / "c.json"
    save_config(config, path)
    assert load_config(path) == config
    assert config_to_dict(config)["train"]["keep_prob"] == [1.0, 0.5, 0.8]


@pytest.mark.parametrize(
    "raw, message",
    [
        (
            {"schema": 1, "train": {"keep_prob": [1, 0.5, 1.5]}},
            "train.keep_prob[2]: 1.5 is not in (0, 1]",
        ),
        ({"schema": 1, "train": {"lr": 0}}, "train.lr: 0 is not in (0, 10]"),
        ({"schema": 1, "train": {"lr": "fast"}}, "train.lr: expected float"),
        (
            {"schema": 1, "model": {"hidden": [8] * 51}},
            "model.hidden: has 51 entries, allowed 0 to 50",
        ),
        (
            {"schema": 1, "model": {"hidden": [1000000]}},
            "model.hidden[0]: 1000000 is not in [1, 256]",
        ),
        ({"schema": 1, "model": {"hiden": [8]}}, "model.hiden: unknown key"),
        ({"schema": 1, "extra": {}}, "extra: unknown key"),
        ({"schema": 1, "data": {"kind": "swirl"}}, 'data.kind: "swirl" is not one of circles'),
        ({"schema": 1, "data": {"n_points": 10.5}}, "data.n_points: expected a whole number"),
        ({"schema": 1, "data": {"normalize": 1}}, "data.normalize: expected true or false"),
        ({"schema": 1, "data": {"split": [0.5, 0.5]}}, "data.split: has 2 entries"),
        (
            {"schema": 1, "data": {"split": [0.5, 0.2, 0.2]}},
            "data.split: [0.5, 0.2, 0.2] must add up to 1",
        ),
        ({"schema": 1, "data": {"features": ["x1", "x1"]}}, "data.features: lists a value twice"),
        ({"schema": 1, "data": {"kind": "moons", "n_classes": 3}}, "data.n_classes: moons has 2"),
        ({"schema": 1, "train": {"epochs": True}}, "train.epochs: expected int"),
        ({"schema": 1, "train": {"l2": float("nan")}}, "train.l2: nan is not in [0, 100]"),
        ({"schema": 1, "train": {"keep_prob": [1, 1]}}, "train.keep_prob: has 2 entries; with 2"),
        ({"schema": 1, "data": {"split": [1, 0, 0]}, "train": {"patience": 5}}, "train.patience"),
        ({"schema": 1, "data": {"noise": 0.001}}, "data.noise: 0.001 is below 0.01"),
        ({"schema": 1, "data": {"mismatch": 0.01}}, "data.mismatch: 0.01 is below 0.05"),
        ({"schema": 2}, "schema: 2 is not 1"),
        ({}, "schema: missing"),
        ([], "config: expected a JSON object"),
    ],
)
def test_bad_values_raise_one_error_naming_the_key(raw, message):
    with pytest.raises(InputError) as err:
        config_from_dict(raw)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b'{"schema": 1, "train": ', "not valid JSON (line 1"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a UTF-8 text file"),
        (b'{"schema": 1, "train": {"lr": -1}}', "train.lr: -1 is not in (0, 10]"),
    ],
)
def test_bad_files_raise_one_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_config(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_config(tmp_path / "nope.json")


def test_a_huge_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text('{"schema": 1, "pad": "' + "x" * 1_100_000 + '"}')
    with pytest.raises(InputError, match="over the 1000000-byte limit"):
        load_config(path)


def test_csv_paths_are_relative_to_the_config_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "c.json"
    path.write_text(json.dumps({"schema": 1, "data": {"kind": "csv", "csv": "pts.csv"}}))
    config = load_config(path)
    assert config.data.csv == str(tmp_path / "sub" / "pts.csv")
    save_config(config, tmp_path / "c2.json")
    assert json.loads((tmp_path / "c2.json").read_text())["data"]["csv"] == "sub/pts.csv"


def test_hot_settings_do_not_need_a_new_run():
    base = Config()
    hot = config_from_dict({"schema": 1, "train": {"lr": 0.5, "l2": 1, "batch_size": 0}})
    assert not needs_new_run(base, hot)
    for section, key, value in [
        ("model", "hidden", [3]),
        ("data", "seed", 4),
        ("train", "seed", 2),
    ]:
        changed = config_from_dict({"schema": 1, section: {key: value}})
        assert needs_new_run(base, changed)
