import numpy as np
import pytest

from deepdials.core.config.schema import DataConfig
from deepdials.core.data.dataprep import build_data
from deepdials.core.data.features import FEATURES, InputPipeline, feature_map

X = np.array([[0.5, -2.0], [1.5, 3.0], [-1.0, 0.25]])


def test_features_are_named_in_the_config_order():
    assert FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def test_feature_map_computes_each_named_column_in_the_given_order():
    x1, x2 = X[:, 0], X[:, 1]
    expected = {
        "x1": x1,
        "x2": x2,
        "x1^2": x1**2,
        "x2^2": x2**2,
        "x1*x2": x1 * x2,
        "sin(x1)": np.sin(x1),
        "sin(x2)": np.sin(x2),
    }
    names = ("sin(x2)", "x1*x2", "x1", "x2^2", "x2", "sin(x1)", "x1^2")
    F = feature_map(X, names)
    assert F.shape == (3, 7) and F.dtype == np.float64
    for j, name in enumerate(names):
        assert np.array_equal(F[:, j], expected[name]), name


def test_normalized_training_columns_have_mean_zero_and_std_one():
    rng = np.random.default_rng(0)
    X_train = rng.normal([3.0, -1.0], [10.0, 0.1], size=(500, 2))
    pipe = InputPipeline.fit(X_train, FEATURES, normalize=True)
    Z = pipe(X_train)
    assert np.allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(Z.std(axis=0), 1.0)
    assert pipe.mean.shape == pipe.std.shape == (7,)


def test_statistics_come_from_the_training_split_only():
    base = build_data(DataConfig(kind="moons", n_points=300, noise=0.2))
    shifted = build_data(DataConfig(kind="moons", n_points=300, noise=0.2, mismatch=1.0))
    assert np.array_equal(base.train.X, shifted.train.X)
    assert not np.allclose(base.val.X, shifted.val.X)
    a = InputPipeline.fit(base.train.X, ("x1", "x2^2"), normalize=True)
    b = InputPipeline.fit(shifted.train.X, ("x1", "x2^2"), normalize=True)
    assert np.array_equal(a.mean, b.mean) and np.array_equal(a.std, b.std)
    everything = np.concatenate([base.train.X, base.val.X, base.test.X])
    assert not np.allclose(a.mean, feature_map(everything, ("x1", "x2^2")).mean(axis=0))


def test_grid_and_splits_go_through_the_same_transform():
    rng = np.random.default_rng(1)
    pipe = InputPipeline.fit(rng.normal(size=(100, 2)), ("x1", "x1*x2", "sin(x2)"), True)
    grid, val = rng.uniform(-2, 2, size=(64, 2)), rng.normal(size=(10, 2))
    together = pipe(np.concatenate([grid, val]))
    assert np.array_equal(together[:64], pipe(grid))
    assert np.array_equal(together[64:], pipe(val))
    expected = (feature_map(val, pipe.names) - pipe.mean) / pipe.std
    assert np.allclose(pipe(val), expected, rtol=0, atol=1e-15)


def test_constant_column_maps_to_zero_instead_of_noise():
    X_train = np.column_stack([np.linspace(-1, 1, 50), np.full(50, 0.1)])
    pipe = InputPipeline.fit(X_train, ("x1", "x2", "x2^2"), normalize=True)
    assert np.array_equal(pipe.std[1:], [1.0, 1.0])
    assert np.allclose(pipe(X_train)[:, 1:], 0.0, atol=1e-15)


def test_without_normalization_the_input_is_the_raw_features():
    pipe = InputPipeline.fit(X, ("x1", "x2^2"), normalize=False)
    assert pipe.mean is None and pipe.std is None
    assert np.array_equal(pipe(X), feature_map(X, ("x1", "x2^2")))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_is_c_contiguous_in_the_requested_dtype(dtype):
    pipe = InputPipeline.fit(X, ("x1", "x2", "x1*x2"), normalize=True)
    out = pipe(np.asfortranarray(X), dtype)
    assert out.dtype == dtype and out.flags.c_contiguous and out.shape == (3, 3)
