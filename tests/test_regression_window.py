"""Regression in the window: the fit of one input (points, ŷ(x₁), the true f ± σ) at equal
scale, the surface of two on a colour map symmetric about 0, compared fits side by side,
and the GIF of a fit."""

import dataclasses
import json

import numpy as np
from PIL import Image

from deepdials.app.style.palette import value_rgb
from deepdials.app.tools.animation import BoundaryRecording, write_gif
from deepdials.app.views.boundary import BoundaryView
from deepdials.app.views.fit import FIT_COLOR, FitView
from deepdials.app.views.surface import SurfaceView
from deepdials.app.window import MainWindow, configure_pyqtgraph
from deepdials.core.config.compare import comparison_from_dict
from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.snapshot import RunInfo
from deepdials.core.engine.state import new_run

SINE = {
    "schema": 1,
    "data": {"kind": "sine", "n_points": 60, "noise": 0.2},
    "model": {"hidden": [8, 8], "activation": "tanh"},
    "train": {"epochs": 100_000},
}
GAUSS = {**SINE, "data": {"kind": "gauss", "n_points": 200, "noise": 0.1}}


def config(raw, **sections):
    raw = json.loads(json.dumps(raw))
    for name, values in sections.items():
        raw[name].update(values)
    return config_from_dict(raw)


def trained(raw, epochs=20, run_id=1, resolution=50):
    run = new_run(config(raw), run_id=run_id)
    advance(run, epochs=epochs)
    info = RunInfo(run.run_id, run.config, run.data, run.sizes)
    return run, info, snapshot(run, resolution, layers=False)


def shown(qtbot, view, size=(640, 480)):
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_fit_is_drawn_at_equal_scale_and_the_window_picks_it_for_one_input(qtbot):
    configure_pyqtgraph()
    w = MainWindow(config(SINE), remember=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(lambda: isinstance(w.boundaries.selected_view(), FitView), timeout=10_000)
    view = w.boundaries.selected_view()
    qtbot.waitUntil(lambda: view.shown() is not None, timeout=10_000)
    across, up = view.pixels_per_unit()
    assert abs(across - up) < 0.01 * across  # one unit of x₁ as many pixels as one of y
    x0, y0, x1, y1 = view.plot.vb.viewRect().getCoords()
    ex0, ex1, ey0, ey1 = w.session.info.data.extent
    assert x0 <= ex0 and x1 >= ex1 and min(y0, y1) <= ey0 and max(y0, y1) >= ey1  # all shown
    assert w.truth_action.isVisible() and not w.discretize_action.isVisible()
    w.truth_action.trigger()  # off: the dashed truth and its band go
    assert not view.truth.isVisible() and not view.band.isVisible()
    w.close()


def test_the_fitted_curve_is_the_engines_yhat_at_its_grid_points(qtbot):
    run, info, snap = trained(SINE, epochs=30)
    view = shown(qtbot, FitView())
    view.set_run(info)
    view.show_snapshot(snap)
    x, y = (np.asarray(a) for a in view.fit.getData())
    np.testing.assert_array_equal(y, snap.surface.probs)
    assert x[0] == info.data.extent[0] and x[-1] == info.data.extent[1]
    # the same ŷ a second way: the network written out by hand at the curve's x₁
    params = run.params.astype(np.float64)
    A = run.pipeline(x[:, None], np.float64)
    for layer, (W, b) in enumerate(zip(params.W, params.b), start=1):
        Z = A @ W + b
        A = Z if layer == len(params.W) else np.tanh(Z)  # a linear output unit
    np.testing.assert_allclose(y, A[:, 0], rtol=1e-4, atol=1e-5)


def test_the_truth_and_its_band_are_f_and_f_plus_minus_sigma(qtbot):
    _, info, snap = trained(SINE, epochs=1)
    view = shown(qtbot, FitView())
    view.set_run(info)
    x, f = (np.asarray(a) for a in view.truth.getData())
    np.testing.assert_allclose(f, np.sin(np.pi * x), atol=1e-12)
    low, high = (np.asarray(edge.getData()[1]) for edge in view.band_edges)
    np.testing.assert_allclose(high - low, 2 * 0.2, atol=1e-12)
    train = info.data.train
    assert len(view.points["train"]) == len(train.y)


def test_the_surface_colours_are_symmetric_about_zero_and_points_share_them(qtbot):
    _, info, snap = trained(GAUSS, epochs=5)
    view = shown(qtbot, SurfaceView(), (600, 640))
    view.set_run(info)
    view.show_snapshot(snap)
    low, high = view.colorbar.levels()
    assert low == -high and high > 0
    ys = np.concatenate([info.data.train.y, info.data.val.y, info.data.test.y])
    assert high == np.abs(ys).max()
    assert tuple(value_rgb(np.array(0.0), high)) == (255, 255, 255)  # white at 0
    np.testing.assert_array_equal(view.image.image, value_rgb(snap.surface.probs, high))
    # the points of the train split on the same map: the shade of the largest y is the end
    xy, style, styles = view._point_style(
        "train", info.data.train.X, info.data.train.y, info.data.train.augmented, False
    )
    top = int(np.argmax(info.data.train.y[np.argsort(~info.data.train.augmented, kind="stable")]))
    brush = styles[style[top]][3].color().getRgb()[:3]
    near = value_rgb(np.array(info.data.train.y.max()), high)
    assert np.abs(np.array(brush) - near).max() <= 255 / 16  # its shade, to a step


def test_compared_fits_sit_side_by_side_each_in_its_cell(qtbot):
    configure_pyqtgraph()
    base = json.loads(json.dumps({k: v for k, v in SINE.items() if k != "schema"}))
    variants = [{"model": {"hidden": h}} for h in ([], [8], [32, 32])]
    comparison = comparison_from_dict({"schema": 1, "base": base, "variants": variants})
    w = MainWindow(comparison, remember=False, playing=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.session.play_until(3)
    views = w.boundaries.views
    qtbot.waitUntil(
        lambda: (
            len(views) == 3
            and all(isinstance(v, FitView) and v.shown() for v in w.boundaries.views)
        ),
        timeout=20_000,
    )
    ids = [w.session.run_id_of(i) for i in range(3)]
    assert [v.shown()[0] for v in w.boundaries.views] == ids  # each cell its lane's run
    cells = [frame.geometry() for frame in w.boundaries.frames]
    assert len({(c.x(), c.y()) for c in cells}) == 3  # three places, no two stacked
    for view in w.boundaries.views:
        across, up = view.pixels_per_unit()
        assert abs(across - up) < 0.01 * across
    fits = [np.asarray(v.fit.getData()[1]) for v in w.boundaries.views]
    assert not np.array_equal(fits[0], fits[2])  # a line and a 32-32 net differ
    w.close()


def test_a_boundary_cell_becomes_a_fit_when_a_regression_is_loaded(qtbot):
    configure_pyqtgraph()
    w = MainWindow(config_from_dict({"schema": 1}), remember=False, playing=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.boundaries.selected_view().shown() is not None, timeout=10_000)
    assert type(w.boundaries.selected_view()) is BoundaryView
    w.session.load(config(SINE))
    qtbot.waitUntil(lambda: isinstance(w.boundaries.selected_view(), FitView), timeout=10_000)
    w.session.load(config(GAUSS))
    qtbot.waitUntil(lambda: isinstance(w.boundaries.selected_view(), SurfaceView), timeout=10_000)
    w.close()


def test_the_gif_of_a_fit_draws_the_fitted_curve(tmp_path):
    runs = [new_run(config(SINE), run_id=40)]
    infos = [RunInfo(r.run_id, r.config, r.data, r.sizes) for r in runs]
    recording = BoundaryRecording()
    for _ in range(4):
        advance(runs[0], epochs=5)
        recording.add(infos, ["sine"], [snapshot(runs[0], 60, layers=False)])
    path = tmp_path / "fit.gif"
    write_gif(recording.frames(), recording.infos, recording.labels, path)
    with Image.open(path) as gif:
        assert gif.n_frames == 4
        gif.seek(gif.n_frames - 1)
        rgb = np.asarray(gif.convert("RGB"))
    # the fit's thick line in FIT_COLOR, and the training points' blue
    assert (np.abs(rgb - np.array(FIT_COLOR)).max(axis=-1) < 20).sum() > 300
    assert (np.abs(rgb - np.array((0, 114, 178))).max(axis=-1) < 20).sum() > 50


def test_bias_and_variance_of_a_regression_read_in_mse_against_sigma_squared(qtbot):
    from deepdials.app.views.bias_variance import BiasVarianceView

    run, info, snap = trained(SINE, epochs=30)
    panel = BiasVarianceView()
    qtbot.addWidget(panel)
    panel.set_run(info)
    sigma2 = 0.2**2
    assert info.data.bayes_error == sigma2
    metrics = {k: dict(v) for k, v in snap.metrics.items()}
    metrics["train"]["error"], metrics["val"]["error"] = sigma2 + 0.005, sigma2 + 0.05
    panel.show_snapshot(dataclasses.replace(snap, metrics=metrics, scored_epoch=30))
    assert panel.verdict.text() == "High variance"  # 0.045 over the threshold σ²/2 = 0.02
    widths = panel.bars.opts["width"]
    np.testing.assert_allclose(widths[:3], [sigma2, sigma2 + 0.005, sigma2 + 0.05])  # MSEs
    x, _ = panel.threshold_line.getData()
    assert np.allclose(x, sigma2 / 2)
    assert panel.rows[:3] == ["Bayes MSE", "train MSE", "val MSE"]
    assert panel.labels[4].toPlainText() == "0.045"  # the variance gap, not "4.5%"
    assert "%" not in panel.plot.getAxis("bottom").labelText


def test_a_regression_exports_its_points_with_their_targets_and_is_not_drawn_on(qtbot, tmp_path):
    from deepdials.core.data.points import load_points

    configure_pyqtgraph()
    w = MainWindow(config(SINE), remember=False, playing=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: isinstance(w.boundaries.selected_view(), FitView), timeout=10_000)
    path = tmp_path / "sine.csv"
    assert w.own_data.export_csv(path)
    points = load_points(path)
    data = w.session.info.data
    assert points.task == "regression" and points.X.shape == (len(points.y), 1)
    np.testing.assert_array_equal(points.y[points.split == "val"], data.val.y)
    w.own_data.draw_action.trigger()  # Ctrl+D: drawing classes on a curve is refused
    assert not w.own_data.drawing and not w.own_data.draw_action.isChecked()
    assert "regression" in w.statusBar().currentMessage()
    w.close()
