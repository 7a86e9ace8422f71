"""Regression in the engine: the laws and their points, the linear output and its squared
error (two ways), the gradient check, the noise floor σ² that no fit beats, determinism,
CSV targets, and the settings a regression set refuses."""

import json

import numpy as np
import pytest

from deepdials.core.cli import main
from deepdials.core.config.schema import config_from_dict, edit
from deepdials.core.data import laws
from deepdials.core.data.dataprep import build_data
from deepdials.core.data.points import Points, load_points, write_points
from deepdials.core.engine import squared_error
from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.network import Workspace, forward, init_params
from deepdials.core.engine.regularization import Penalty
from deepdials.core.engine.reports import gradient_check, snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run, run_info
from deepdials.core.engine.tasks import TASKS
from deepdials.core.errors import InputError
from deepdials.core.lessons.cost_landscape import landscape, squared_cost, squared_gradient
from deepdials.core.lessons.sweep import run_point, sweep_points
from deepdials.core.probes.diagnosis import diagnose_run, regression_scale
from deepdials.core.probes.gradcheck import GradientCheck, finish


def regression(kind="sine", **sections):
    data = {"kind": kind, "n_points": 60, "noise": 0.2} | sections.pop("data", {})
    model = {"hidden": [8, 8]} | sections.pop("model", {})
    train = {"epochs": 40, "lr": 0.05, "batch_size": 10} | sections.pop("train", {})
    return config_from_dict({"schema": 1, "data": data, "model": model, "train": train})


# ----- the laws and their points -----


@pytest.mark.parametrize("kind", laws.REGRESSION_KINDS)
def test_every_symmetry_of_a_law_maps_f_onto_plus_or_minus_f(kind):
    law = laws.LAWS[kind]
    X = np.random.default_rng(1).uniform(-1, 1, (500, law.inputs))
    assert len(law.symmetries) >= 2
    for A, s in law.symmetries:
        np.testing.assert_allclose(law.f(X @ A.T), s * law.f(X), atol=1e-12)


def test_a_law_that_is_not_symmetric_would_fail_the_symmetry_check():
    f = laws.LAWS["abs"].f
    X = np.random.default_rng(1).uniform(-1, 1, (50, 1))
    assert not np.allclose(f(-X), -f(X))  # |x| is even, not odd


@pytest.mark.parametrize("kind, inputs", [("sine", 1), ("abs", 1), ("plane", 2), ("gauss", 2)])
def test_a_regression_set_holds_raw_inputs_and_real_targets(kind, inputs):
    data = build_data(regression(kind).data)
    assert data.task == "regression" and data.n_inputs == inputs and data.n_classes == 0
    for split in (data.train, data.val, data.test):
        assert split.X.shape == (len(split.y), inputs) and split.y.dtype == np.float64
    assert data.bayes_error == pytest.approx(0.2**2) and data.noise == 0.2
    state = new_run(regression(kind))
    assert state.targets["train"].shape == (len(data.train.y), 1)
    assert state.sizes[-1] == 1
    info = run_info(state)
    assert (info.task, info.n_inputs, info.noise_sigma) == ("regression", inputs, 0.2)


def test_the_points_scatter_about_the_law_with_the_noise_asked_for():
    data = build_data(regression("sine", data={"n_points": 4000, "noise": 0.3}).data)
    residual = data.train.y - laws.true_function(regression().data)(data.train.X)
    assert abs(residual.mean()) < 0.03 and residual.std() == pytest.approx(0.3, rel=0.05)


def test_the_extent_of_a_curve_spans_x1_and_the_targets():
    data = build_data(regression("sine").data)
    every = [data.train, data.val, data.test]
    x = np.concatenate([s.X[:, 0] for s in every])
    y = np.concatenate([s.y for s in every])
    x1_min, x1_max, y_min, y_max = data.extent
    assert x1_min < x.min() and x.max() < x1_max and y_min < y.min() and y.max() < y_max


def test_mismatch_shifts_x_and_adds_noise_and_raises_the_shifted_bayes_error():
    data = build_data(regression("sine", data={"mismatch": 0.5, "n_points": 3000}).data)
    assert data.train_dev is not None
    assert data.val.X[:, 0].mean() == pytest.approx(0.25, abs=0.05)
    assert data.train.X[:, 0].mean() == pytest.approx(0.0, abs=0.05)
    assert data.bayes_error_shifted == pytest.approx(0.2**2 + 0.15**2)


@pytest.mark.parametrize("kind", ["sine", "abs"])
def test_augmented_copies_are_the_laws_own_mirror_images(kind):
    data = build_data(regression(kind, data={"augment": 2, "noise": 0.0}).data)
    train = data.train
    f = laws.LAWS[kind].f
    np.testing.assert_allclose(train.y, f(train.X), atol=1e-12)  # σ = 0: on the law exactly
    originals = train.X[~train.augmented, 0]
    copies = train.X[train.augmented, 0]
    assert train.augmented.sum() == 2 * len(originals)
    assert np.allclose(np.abs(copies), np.tile(np.abs(originals), 2))
    assert (copies != np.tile(originals, 2)).any()  # some are mirrored


# ----- the output and its loss, two ways -----


def test_the_squared_error_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    z, T = rng.standard_normal((7, 1)), rng.standard_normal((7, 1))
    analytic = squared_error.output_gradient(z, T, np.empty_like(z))
    eps = 1e-6
    numeric = np.empty_like(z)
    for i in range(len(z)):
        up, down = z.copy(), z.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (squared_error.mean_loss(up, T) - squared_error.mean_loss(down, T)) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-10)
    assert squared_error.mean_squared_error(z, T) == pytest.approx(np.mean((z - T) ** 2))


def test_the_network_gradient_of_the_squared_error_matches_finite_differences():
    rng = np.random.default_rng(4)
    sizes = (2, 5, 3, 1)
    params = init_params(sizes, "normal", 0.7, rng, np.float64)
    X, T = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    task = TASKS["regression"]
    check = GradientCheck(params, ACTIVATIONS["tanh"], X, T, 6, 0.3, 0.0, task=task)
    result = finish(check)
    assert result.verdict == "great"

    def cost(theta):
        p = params.astype(np.float64)
        p.theta[:] = theta
        ws = Workspace(sizes, len(X), np.float64, backward=False)
        z = forward(p, X, ACTIVATIONS["tanh"], ws)
        penalty = Penalty(p.layout.weight_mask(), 6, 0.3, 0.0, np.float64)
        return squared_error.mean_loss(z, T) + penalty.value(p.theta)

    theta = params.theta.astype(np.float64)
    i = 3
    e = np.zeros_like(theta)
    e[i] = 1e-6
    assert (cost(theta + e) - cost(theta - e)) / 2e-6 == pytest.approx(check.g[i], rel=1e-5)


def test_a_planted_backprop_bug_is_caught_on_a_regression_run():
    state = new_run(regression())
    advance(state, 5)
    assert gradient_check(state).verdict == "great"
    assert gradient_check(state, plant_bug=1).verdict == "bug"


# ----- training -----


def test_metrics_are_the_mean_squared_error_without_accuracy():
    state = new_run(regression())
    advance(state)
    for split, metrics in state.metrics.items():
        assert set(metrics) == {"loss", "error"}, split
        assert metrics["error"] == pytest.approx(2 * metrics["loss"])
    history = state.history.arrays()
    assert history["val_error"][-1] == state.metrics["val"]["error"]


def test_training_fits_the_curve_down_towards_the_noise_floor():
    state = new_run(regression(train={"epochs": 300}))
    start = None
    advance(state, 1)
    start = state.metrics["train"]["error"]
    advance(state)
    assert state.metrics["train"]["error"] < 0.5 * start
    assert state.metrics["train"]["error"] < 3 * state.data.bayes_error


def test_no_trained_net_beats_the_noise_floor_on_a_large_fresh_test_set():
    """A large net on 20 points at λ = 0 fits its training points below σ², but on 20,000
    fresh points its MSE is σ² or more (up to the test set's sampling error)."""
    sigma = 0.3
    config = regression(
        data={"n_points": 20, "noise": sigma, "split": [1, 0, 0]},
        model={"hidden": [64, 64]},
        train={"epochs": 1500, "batch_size": 0, "optimizer": "adam", "lr": 0.01},
    )
    state = new_run(config)
    advance(state)
    assert state.metrics["train"]["error"] < sigma**2  # it fits the noise
    X, y = laws.sample("sine", 20_000, sigma, np.random.default_rng(99))
    ws = Workspace(state.sizes, len(X), state.dtype, backward=False)
    z = forward(state.params, state.pipeline(X, state.dtype), state.act, ws)
    mse = float(np.mean((z[:, 0] - y) ** 2))
    standard_error = sigma**2 * np.sqrt(2 / len(y))
    assert mse > sigma**2 - 4 * standard_error


def test_the_same_config_trains_to_the_same_bits():
    a, b = new_run(regression("gauss")), new_run(regression("gauss"))
    advance(a)
    advance(b)
    assert np.array_equal(a.params.theta, b.params.theta)
    ha, hb = a.history.arrays(), b.history.arrays()
    assert all(np.array_equal(ha[k], hb[k], equal_nan=True) for k in ha)


def test_the_surface_of_a_curve_is_the_fitted_line_over_x1():
    state = new_run(regression("sine"))
    advance(state)
    surface = snapshot(state, resolution=40).surface
    assert surface.probs.shape == (40,)
    x1 = np.linspace(surface.extent[0], surface.extent[1], 40)[:, None]
    ws = Workspace(state.sizes, 40, state.dtype, backward=False)
    z = forward(state.params, state.pipeline(x1, state.dtype), state.act, ws)
    np.testing.assert_allclose(surface.probs, z[:, 0], rtol=1e-5, atol=1e-6)
    assert snapshot(new_run(regression("plane")), resolution=30).surface.probs.shape == (30, 30)


# ----- own points with real targets -----


def test_a_csv_with_a_y_column_is_a_regression_set(tmp_path):
    path = tmp_path / "curve.csv"
    rows = "\n".join(f"{x},{2 * x + 1}" for x in np.linspace(-1, 1, 30))
    path.write_text("x1,y\n" + rows + "\n")
    points = load_points(path)
    assert points.task == "regression" and points.X.shape == (30, 1)
    config = config_from_dict(
        {"schema": 1, "data": {"kind": "csv", "csv": str(path), "features": ["x1"]}}
    )
    state = new_run(config)
    assert state.data.task == "regression" and state.sizes == (1, 8, 8, 1)
    assert state.data.bayes_error is None and run_info(state).noise_sigma is None


@pytest.mark.parametrize(
    "text, match",
    [
        ("x1,y\n0,1\n1,nan\n", "line 3, column y: 'nan' is not a finite number"),
        ("x1,y\n0,1\n1,inf\n", "line 3, column y: 'inf' is not a finite number"),
        ("x1,x2,y\n0,0,1\n1,1,2e6\n", "line 3, column y: '2e6' is out of range"),
        ("x1,y\n0,1\n1,high\n", "line 3, column y: 'high' is not a number"),
    ],
)
def test_a_bad_target_is_refused_in_one_line_naming_the_line(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=match) as info:
        load_points(path)
    assert "\n" not in str(info.value)


# ----- settings that a regression set refuses -----


def test_classes_are_refused_for_a_regression_set():
    with pytest.raises(InputError, match="data.n_classes: sine is a regression set"):
        regression(data={"n_classes": 3})


def test_a_feature_of_x2_is_refused_for_a_set_with_one_input():
    with pytest.raises(InputError, match=r"data.features: \['x1', 'x2'\] uses x2, but sine"):
        regression(data={"features": ["x1", "x2"]})


def test_a_sine_config_without_features_takes_x1_alone():
    assert regression().data.features == ("x1",)
    assert regression("plane").data.features == ("x1", "x2")


def test_choosing_a_curve_in_the_window_keeps_only_the_features_of_x1():
    config = config_from_dict(
        {"schema": 1, "data": {"kind": "spiral", "n_classes": 3, "features": ["x1", "x2"]}}
    )
    config = edit(config, "data.kind", "sine")
    assert config.data.features == ("x1",) and config.data.n_classes == 2


def test_the_features_follow_the_number_of_inputs_there_and_back():
    config = config_from_dict(
        {"schema": 1, "data": {"kind": "circles", "features": ["x1", "x2", "x1^2", "sin(x2)"]}}
    )
    curve = edit(config, "data.kind", "abs")
    assert curve.data.features == ("x1", "x1^2")
    curve = edit(curve, "data.features", ("sin(x1)",))
    assert edit(curve, "data.kind", "sine").data.features == ("sin(x1)",)
    assert edit(curve, "data.kind", "gauss").data.features == ("x1", "x2", "sin(x1)")
    assert edit(curve, "data.kind", "csv").data.features == ("sin(x1)",)  # inputs not known
    only_x1 = edit(config, "data.features", ("x1",))
    assert edit(only_x1, "data.kind", "moons").data.features == ("x1",)  # a choice, kept


# ----- diagnosis, sweeps and the command line -----


def test_the_gaps_of_a_regression_are_read_against_sigma_squared():
    data = build_data(regression(data={"noise": 0.3}).data)
    threshold, margin = regression_scale(data)
    assert threshold == pytest.approx(0.045) and margin == pytest.approx(0.009)
    line = diagnose_run(
        {"train": {"error": 0.29}, "val": {"error": 0.30}}, data, diverged=False, scored_epoch=9
    )
    assert line.verdict == "high bias" and line.task == "regression"
    assert line.avoidable_bias == pytest.approx(0.29 - 0.09)
    assert line.advice[0].startswith("bigger network")
    wiggle = diagnose_run(
        {"train": {"error": 0.03}, "val": {"error": 0.2}}, data, diverged=False, scored_epoch=9
    )
    assert wiggle.verdict == "high variance" and "noise" in wiggle.notes[0]
    fit = diagnose_run(
        {"train": {"error": 0.10}, "val": {"error": 0.12}}, data, diverged=False, scored_epoch=9
    )
    assert fit.verdict == "fine" and fit.notes == ()


def test_own_targets_read_their_gaps_against_the_targets_spread(tmp_path):
    path = tmp_path / "own.csv"
    x = np.linspace(-1, 1, 50)
    path.write_text("x1,y\n" + "\n".join(f"{a},{3 * a}" for a in x) + "\n")
    config = config_from_dict({"schema": 1, "data": {"kind": "csv", "csv": str(path)}})
    data = build_data(config.data)
    threshold, _ = regression_scale(data)
    assert threshold == pytest.approx(0.03 * data.train.y.var())


def test_a_lambda_sweep_reports_mean_squared_errors():
    base = regression(data={"n_points": 40})
    results = [run_point(p) for p in sweep_points(base, "l2", [0.01, 30.0], epochs=60)]
    assert all(r.val_error == pytest.approx(2 * r.val_loss) for r in results)
    assert results[1].train_error > results[0].train_error  # a heavy penalty flattens the fit


def test_the_command_line_prints_a_regression_run_in_the_same_shape(tmp_path, capsys):
    path = tmp_path / "sine.json"
    path.write_text(json.dumps({"schema": 1, "data": {"kind": "sine"}, "train": {"epochs": 5}}))
    assert main(["run", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["task"] == "regression" and out["status"] == "finished"
    assert set(out["final"]["val"]) == {"loss", "error"}
    assert out["final"]["val"]["error"] == pytest.approx(2 * out["final"]["val"]["loss"])
    assert out["history"]["val_error"][-1] == pytest.approx(out["final"]["val"]["error"])
    assert out["bayes_error"] == pytest.approx(0.01)
    assert out["diagnosis"]["task"] == "regression"
    assert out["diagnosis"]["threshold"] == pytest.approx(0.005)
    assert out["config"]["data"]["features"] == ["x1"]
    assert main(["gradcheck", str(path), "--epochs", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "great"
    assert main(["gradcheck", str(path), "--plant-bug", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "bug"


@pytest.mark.parametrize("seed", range(5))
def test_a_curves_few_training_points_spread_over_the_whole_range_of_x1(seed):
    """The split is stratified along x₁: 20 training points of 200 leave no wide gap."""
    config = regression(data={"n_points": 200, "split": [0.1, 0.9, 0.0], "seed": seed})
    x = np.sort(build_data(config.data).train.X[:, 0])
    assert len(x) == 20
    assert np.diff(np.concatenate([[-1.0], x, [1.0]])).max() < 0.3


@pytest.mark.parametrize("kind", ["plane", "gauss"])
def test_augmented_copies_of_a_surface_lie_on_its_law(kind):
    data = build_data(regression(kind, data={"augment": 3, "noise": 0.0}).data)
    train = data.train
    np.testing.assert_allclose(train.y, laws.LAWS[kind].f(train.X), atol=1e-12)
    assert np.abs(train.X).max() <= 1.0  # the square's symmetries keep [−1, 1]²
    originals = train.X[~train.augmented]
    moved = train.X[train.augmented]
    assert not np.isin(moved[:, 0], originals[:, 0]).all()  # some copies are moved


@pytest.mark.parametrize(
    "train",
    [
        {"keep_prob": 0.8},
        {"patience": 5, "epochs": 400},
        {"optimizer": "momentum", "l1": 0.01},
        {"batch_size": 0, "l2": 0.1},
    ],
    ids=["dropout", "early stopping", "momentum and L1", "full batch and L2"],
)
def test_every_training_control_works_for_a_regression(train):
    state = new_run(regression(train=train, data={"normalize": False}))
    advance(state)
    assert state.status == ("early_stopped" if "patience" in train else "finished")
    assert np.isfinite(state.metrics["val"]["error"])
    if "patience" in train:
        assert state.metrics["val"]["loss"] == state.best_val


def test_a_regression_that_diverges_is_a_result():
    state = new_run(regression(train={"lr": 10, "epochs": 200}, model={"hidden": [32] * 6}))
    advance(state)
    assert state.status == "diverged" and state.diverged_at is not None


@pytest.mark.parametrize("inputs", [1, 2])
def test_real_targets_are_written_as_a_y_column_and_read_back_to_the_bit(tmp_path, inputs):
    rng = np.random.default_rng(5)
    X, y = rng.uniform(-1, 1, (25, inputs)), rng.standard_normal(25)
    split = np.array(["train", "val", "test", "train", "train"] * 5)
    path = tmp_path / "points.csv"
    write_points(path, Points(X, y, split))
    header = path.read_text().splitlines()[0]
    assert header == ",".join([f"x{j + 1}" for j in range(inputs)] + ["y", "split"])
    back = load_points(path)
    assert back.task == "regression"
    assert np.array_equal(back.X, X) and np.array_equal(back.y, y)
    assert list(back.split) == list(split)


@pytest.mark.parametrize("kind", ["sine", "plane"])
def test_the_normalization_lesson_draws_a_regressions_squared_error_bowl(kind):
    """Linear regression's J is a quadratic: normalized inputs make its bowl round (κ = 1),
    a badly scaled x₁ a narrow valley; gradient descent goes down either way."""
    scaled = build_data(regression(kind, data={"scale_x1": 10, "n_points": 400}).data).train
    raw = landscape(scaled.X, scaled.y, normalize=False)
    norm = landscape(scaled.X, scaled.y, normalize=True)
    assert raw.model == norm.model == "linear"
    assert raw.inputs == (("x1", "1") if kind == "sine" else ("x1", "x2"))
    assert norm.condition < 1.2 < 30 < raw.condition
    assert norm.path_cost[-1] < norm.path_cost[0] and raw.path_cost[-1] < raw.path_cost[0]
    w = np.array([0.3, -0.2])
    X = np.column_stack([scaled.X[:, 0], np.ones(len(scaled.X))]) if kind == "sine" else scaled.X
    eps = 1e-6
    numeric = [
        (squared_cost(w + e, X, scaled.y) - squared_cost(w - e, X, scaled.y)) / (2 * eps)
        for e in np.eye(2) * eps
    ]
    np.testing.assert_allclose(squared_gradient(w, X, scaled.y), numeric, rtol=1e-6)


def test_a_feature_of_x2_is_refused_for_own_points_of_one_input(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("x1,y\n" + "\n".join(f"{a},{a * a}" for a in np.linspace(-1, 1, 12)) + "\n")
    raw = {"schema": 1, "data": {"kind": "csv", "csv": str(path)}}
    config = config_from_dict(raw)  # the file's inputs are not known before it is read
    with pytest.raises(InputError, match=r"data.features: \['x1', 'x2'\] uses x2, but csv"):
        new_run(config)
    raw["data"]["features"] = ["x1", "x1^2"]
    assert new_run(config_from_dict(raw)).sizes[0] == 2
