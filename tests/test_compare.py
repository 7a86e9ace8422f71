"""Comparison files: variants of one base, checked like configs, labelled by what differs;
`deepdials compare` trains each exactly as `deepdials run` would."""

import json

import numpy as np
import pytest

from deepdials.core.cli import main
from deepdials.core.config.compare import comparison_from_dict, comparison_to_dict
from deepdials.core.config.files import load_experiment
from deepdials.core.errors import InputError

BASE = {
    "data": {"kind": "circles", "n_points": 80},
    "model": {"hidden": [10, 5], "activation": "relu"},
    "train": {"batch_size": 0, "lr": 0.01, "epochs": 5},
}


def comparison(*variants):
    return {"schema": 1, "base": BASE, "variants": list(variants)}


def test_variants_override_the_base_and_are_labelled_by_what_differs():
    c = comparison_from_dict(
        comparison(
            {"label": "zeros", "model": {"init": "zeros"}},
            {"model": {"init": "he"}},
            {"model": {"init": "normal", "init_scale": 10}},
        )
    )
    labels = [v.label for v in c.variants]
    assert labels == ["zeros", "init = He", "init = normal, init scale = 10"]
    assert [v.config.model.init for v in c.variants] == ["zeros", "he", "normal"]
    assert all(v.config.model.hidden == (10, 5) for v in c.variants)
    assert all(v.config.data == c.variants[0].config.data for v in c.variants)


@pytest.mark.parametrize(
    "raw, message",
    [
        (comparison({}), "variants: has 1 entries, allowed 2 to 4"),
        (comparison(*[{}] * 5), "variants: has 5 entries, allowed 2 to 4"),
        (comparison({}, {"model": {"init": "magic"}}), 'variants[1].model.init: "magic"'),
        (comparison({}, {"modle": {}}), "variants[1].modle: unknown key"),
        (comparison({}, {"train": {"lr": 0}}), "variants[1].train.lr: 0 is not in (0, 10]"),
        ({"schema": 1, "base": {"train": {"lr": -1}}, "variants": [{}, {}]}, "base.train.lr"),
        ({"schema": 1, "variants": [{}, {}], "extra": 1}, "extra: unknown key"),
        ({"schema": 2, "variants": [{}, {}]}, "schema: 2 is not 1"),
        (comparison({"label": ""}, {}), "variants[0].label: expected a text"),
        (comparison({}, {"label": "a\nb"}), "variants[1].label: holds a line break"),
        (comparison({"label": "\x1b[2J"}, {}), "variants[0].label: holds a line break"),
    ],
)
def test_bad_comparisons_are_refused_naming_the_key(raw, message):
    with pytest.raises(InputError) as err:
        comparison_from_dict(raw)
    assert message in str(err.value)


def test_a_comparison_round_trips_through_its_json_form():
    c = comparison_from_dict(comparison({"model": {"init": "zeros"}}, {"train": {"l2": 0.5}}))
    back = comparison_from_dict(json.loads(json.dumps(comparison_to_dict(c))))
    assert back == c


def test_compare_prints_each_run_as_run_does_on_its_merged_config(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(comparison({"model": {"init": "zeros"}}, {"model": {"init": "he"}})))
    assert main(["compare", str(path)]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [r["label"] for r in runs] == ["base", "init = He"]
    for variant, report in zip(load_experiment(path).variants, runs):
        assert report["config"]["model"]["init"] == variant.config.model.init
        alone = tmp_path / "alone.json"
        alone.write_text(json.dumps(report["config"]))
        assert main(["run", str(alone)]) == 0
        single = json.loads(capsys.readouterr().out)
        assert single["history"] == report["history"]
        assert single["final"] == report["final"]


def test_run_and_compare_refuse_each_others_files(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(comparison({}, {})))
    assert main(["run", str(path)]) == 2
    assert "use deepdials compare" in capsys.readouterr().err
    one = tmp_path / "one.json"
    one.write_text('{"schema": 1}')
    assert main(["compare", str(one)]) == 2
    assert "use deepdials run" in capsys.readouterr().err


def test_max_seconds_ends_a_long_run_with_the_figures_so_far(tmp_path, capsys):
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"schema": 1, "train": {"epochs": 1_000_000}}))
    assert main(["run", str(path), "--max-seconds", "0.3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "time_limit" and 0 < out["epochs_run"] < 1_000_000
    assert out["timing"]["train_seconds"] < 2
    assert np.isfinite(out["final"]["train"]["error"])
