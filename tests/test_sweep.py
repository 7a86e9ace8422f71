"""Sweeps in the engine: the classic curves come out of full training runs."""

import numpy as np
import pytest

from deepdials.core.config.files import load_config
from deepdials.core.config.schema import config_from_dict
from deepdials.core.data.dataprep import build_data
from deepdials.core.errors import InputError
from deepdials.core.lessons.sweep import run_point, subset_train, sweep_points
from deepdials.resources import PRESETS

LEARNING = config_from_dict(
    {
        "schema": 1,
        "data": {"kind": "circles", "n_points": 800, "noise": 0.2, "split": [0.5, 0.5, 0.0]},
        "model": {"hidden": [16, 16], "activation": "relu", "init": "he"},
        "train": {"optimizer": "adam", "lr": 0.01, "batch_size": 0},
    }
)


def sweep(config, parameter, values, epochs):
    return [run_point(p) for p in sweep_points(config, parameter, values, epochs)]


def test_l2_sweep_on_the_overfitting_preset_is_u_shaped():
    config = load_config(PRESETS / "overfitting.json")
    low, middle, high = sweep(config, "l2", [0.01, 1.0, 30.0], epochs=1000)
    assert low.train_error < middle.train_error < high.train_error  # λ costs fit
    assert middle.val_error < low.val_error - 0.03  # ... and buys generalization
    assert middle.val_error < high.val_error - 0.03  # until it underfits


def test_learning_curves_converge_as_the_training_set_grows():
    points = sweep(LEARNING, "train_size", [0.02, 0.1, 0.5, 1.0], epochs=400)
    gaps = [p.val_error - p.train_error for p in points]
    assert [p.train_rows for p in points] == [8, 40, 200, 400]
    assert points[0].val_error > points[-1].val_error + 0.2  # more data, less variance
    assert points[0].train_error <= points[-1].train_error  # harder to fit more points
    assert gaps[-1] < gaps[0] / 4 and gaps[-1] < 0.06


def test_training_subsets_are_nested_and_leave_validation_alone():
    data = build_data(LEARNING.data)
    small, large = subset_train(data, 0.1, seed=0), subset_train(data, 0.5, seed=0)
    rows = {tuple(x) for x in large.train.X}
    assert len(small.train.y) == 40 and len(large.train.y) == 200
    assert all(tuple(x) in rows for x in small.train.X)
    assert small.val is data.val and set(np.unique(small.train.y)) == {0, 1}


def test_depth_and_width_sweeps_build_those_networks():
    depth = sweep_points(LEARNING, "depth", [0, 3], epochs=5)
    width = sweep_points(LEARNING, "width", [2, 32], epochs=5)
    assert [p.config.model.hidden for p in depth] == [(), (16, 16, 16)]
    assert [p.config.model.hidden for p in width] == [(2, 2), (32, 32)]
    assert all(p.config.train.epochs == 5 for p in depth + width)


@pytest.mark.parametrize(
    ("parameter", "value", "text"),
    [
        ("keep_prob", 1.5, "keep_prob value: 1.5"),
        ("l2", 0.0, "l2 value: 0.0"),
        ("depth", 51, "depth value: 51"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_it(parameter, value, text):
    with pytest.raises(InputError, match=text):
        sweep_points(LEARNING, parameter, [value], epochs=5)
