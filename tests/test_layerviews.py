"""Per-layer statistics against a direct NumPy computation, the story the histograms tell
(He keeps widths, normal × 1 blows them up), and the layer views drawing them."""

from dataclasses import replace

import numpy as np
import pytest

from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.losses import output_gradient, targets
from deepdials.core.engine.reports import layer_stats, snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import RunState, new_run, run_info
from deepdials.core.probes.layerstats import PROBE_ROWS


def make_config(hidden, activation="relu", init="he", scale=1.0, epochs=10):
    return config_from_dict(
        {
            "schema": 1,
            "data": {"kind": "circles", "n_points": 300},
            "model": {
                "hidden": list(hidden),
                "activation": activation,
                "init": init,
                "init_scale": scale,
            },
            "train": {"epochs": epochs, "batch_size": 0, "lr": 0.01},
        }
    )


def direct_pass(run: RunState, rows: int = PROBE_ROWS):
    """Forward and backward in float64 with plain NumPy over the first `rows` train rows:
    A[1..L], dA[1..L−1] + dZ[L], dW, and dZ[1..L]."""
    X = run.pipeline(run.data.train.X[:rows])
    T = targets(run.data.train.y[:rows], run.data.n_classes, np.float64)
    Ws = [W.astype(np.float64) for W in run.params.W]
    bs = [b.astype(np.float64) for b in run.params.b]
    g = ACTIVATIONS[run.config.model.activation]
    A, acts = X, []
    for layer, (W, b) in enumerate(zip(Ws, bs)):
        Z = A @ W + b
        A = Z if layer == len(Ws) - 1 else g.value(Z, np.empty_like(Z))
        acts.append(A)
    dZ = output_gradient(acts[-1], T, np.empty_like(acts[-1]))
    grads, dW, dZs = [dZ], [None] * len(Ws), [dZ]
    for layer in range(len(Ws) - 1, -1, -1):
        below = X if layer == 0 else acts[layer - 1]
        dW[layer] = below.T @ dZ
        if layer:
            dA = dZ @ Ws[layer].T
            grads.insert(0, dA)
            dZ = dA * g.derivative(below, np.empty_like(below))
            dZs.insert(0, dZ)
    return acts, grads, dW, dZs


def per_example_signal(dZs: list[np.ndarray]) -> np.ndarray:
    """sqrt(Σᵢ ‖B·dZᵢ[l]‖² / (B·n_l)) per layer, for dZ of a batch-mean loss over B rows."""
    return np.array([np.sqrt(np.mean((len(d) * d) ** 2)) for d in dZs])


def test_layer_statistics_match_a_direct_numpy_computation():
    run = new_run(make_config([7, 5, 6], activation="relu", init="normal"), dtype=np.float64)
    advance(run, epochs=3)
    stats = layer_stats(run)
    acts, grads, dW, _ = direct_pass(run)
    np.testing.assert_allclose(stats.act_std, [a.std() for a in acts], rtol=1e-9)
    np.testing.assert_allclose(stats.act_mean, [a.mean() for a in acts], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(stats.grad_std, [d.std() for d in grads], rtol=1e-9)
    assert stats.epoch == 3
    np.testing.assert_array_equal(stats.grad_norm, run.history.arrays()["grad_norm"][-1])
    dead = [float((a <= 0).all(axis=0).mean()) for a in acts[:-1]] + [0.0]
    np.testing.assert_allclose(stats.dead, dead)
    limit = max(np.abs(d).max() for d in dW)
    edges = np.linspace(-limit, limit, stats.dw_edges.size)
    np.testing.assert_allclose(stats.dw_edges, edges)
    for row, d in enumerate(dW):
        np.testing.assert_allclose(stats.dw_hist[row], np.histogram(d, edges)[0] / d.size)


@pytest.mark.parametrize("scale", [0.3, 1.0, 3.0])
def test_near_linear_share_is_that_of_pre_activations_under_a_half(scale):
    config = make_config([7, 5, 6], activation="tanh", init="xavier", scale=scale)
    run = new_run(config, dtype=np.float64)
    advance(run, epochs=3)
    stats = layer_stats(run)
    acts, *_ = direct_pass(run)
    inputs = [run.pipeline(run.data.train.X[:PROBE_ROWS])] + acts[:-2]
    zs = [a @ W + b for a, W, b in zip(inputs, run.params.W, run.params.b)]
    shares = [float((np.abs(z) < 0.5).mean()) for z in zs] + [0.0]
    np.testing.assert_allclose(stats.near_linear, shares)
    assert 0 < stats.near_linear[0] < 1  # neither all nor nothing: the test can tell


def hist_std(hist: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The std each row of a histogram shows, from its bin centres: (L,)."""
    centres = (edges[:-1] + edges[1:]) / 2
    mean = hist @ centres
    return np.sqrt(np.maximum(hist @ centres**2 - mean**2, 0))


@pytest.mark.parametrize("chunk", [None, 50])
def test_grad_norm_is_the_per_example_signal_of_the_epochs_step(chunk):
    """Full batch: epoch e's figure is that of the step taken at θ of epoch e − 1, over
    every train row, whether the batch is one pass or summed over chunks of 50 rows."""
    run = new_run(make_config([7, 5, 6], activation="tanh", init="xavier"), dtype=np.float64)
    if chunk:
        run.chunk = chunk
    advance(run, epochs=2)
    _, _, _, dZs = direct_pass(run, rows=run.n_train)
    advance(run, epochs=1)
    history = run.history.arrays()
    assert np.isnan(history["grad_norm"][0]).all()  # epoch 0: no step yet
    np.testing.assert_allclose(history["grad_norm"][-1], per_example_signal(dZs), rtol=1e-9)


def test_grad_norm_of_minibatches_scales_each_row_by_its_own_batch():
    """Batches of 40 rows and a last one of 20 (180 rows), at a θ that stands (lr 0): each
    row's δ is scaled by its own batch's size, so the figure is the full batch's."""
    config = make_config([6, 6], activation="tanh", init="xavier")
    config = replace(config, train=replace(config.train, batch_size=40, lr=0.0))
    run = new_run(config, dtype=np.float64)
    _, _, _, dZs = direct_pass(run, rows=run.n_train)
    advance(run, epochs=1)
    assert run.n_train % 40 == 20
    np.testing.assert_allclose(
        run.history.arrays()["grad_norm"][-1], per_example_signal(dZs), rtol=1e-9
    )


def test_he_histograms_keep_their_width_while_normal_ones_grow_by_orders_of_magnitude():
    he = layer_stats(new_run(make_config([32] * 20, init="he")))
    normal = layer_stats(new_run(make_config([32] * 20, init="normal")))
    widths = hist_std(he.act_hist, he.act_edges)[:-1]
    assert widths.max() / widths.min() < 5
    assert normal.act_std[-2] / normal.act_std[0] > 1e8
    # on the shared axis the first layers of the normal net are one spike at zero
    assert np.count_nonzero(normal.act_hist[0]) <= 2
    assert np.count_nonzero(normal.act_hist[-2]) > 5


@pytest.fixture
def snapshot_of():
    def make(hidden, **kw):
        run = new_run(make_config(hidden, **kw))
        advance(run, epochs=3)
        return run, snapshot(run, layers=True)

    return make


def test_layers_view_draws_one_ridge_per_layer_and_never_overlapping_labels(qtbot, snapshot_of):
    from deepdials.app.views.layer_views import LayersView

    view = LayersView()
    qtbot.addWidget(view)
    view.resize(400, 500)
    view.show()
    run, snap = snapshot_of([8] * 50, activation="tanh", init="xavier")
    view.set_run(run_info(run))
    view.show_snapshot(snap)
    assert len(view.act_ridges) == 51
    left, right, grads = view.labels
    assert 1 < len(left) < 51  # thinned: 51 rows do not fit 500 px of text
    assert left[-1][1] == "out" and right[-1][1] == f"{snap.layers.act_std[-1]:.0e}"
    layers = snap.layers
    sat, linear = layers.saturated[0], layers.near_linear[0]
    assert right[0][1] == f"{layers.act_std[0]:.0e} {sat:.0%} {linear:.0%}"
    assert view.act_plot.getAxis("right").labelText == "σ · saturated · |z| &lt; ½"
    assert grads[0][1] == f"{snap.layers.grad_std[0]:.0e}"
    view.dW.setChecked(True)
    assert view.grad_plot.titleLabel.text == "∂J/∂W[l]"
    assert view.labels[2][0][1] == f"{snap.layers.dw_std[0]:.0e}"


def test_depth_view_has_a_curve_per_layer_and_a_layer_by_epoch_heatmap(qtbot, snapshot_of):
    from deepdials.app.views.layer_views import DepthView

    view = DepthView()
    qtbot.addWidget(view)
    run, snap = snapshot_of([6] * 4)
    view.set_run(run_info(run))
    view.show_snapshot(snap)
    assert len(view.norm_curves) == 5
    assert view.heat.image.shape == (5, len(snap.history["epoch"]))
    # epoch 0 has no step yet (NaN, not drawn); the others are the log10 of the figure
    norms = snap.history["grad_norm"][1:]
    assert np.isnan(view.heat.image[:, 0]).all()
    np.testing.assert_allclose(view.heat.image[:, 1:], np.log10(norms).T, rtol=1e-6)


def test_depth_view_draws_a_tiny_std_at_its_value_and_says_there_is_no_delta_at_epoch_0(qtbot):
    from deepdials.app.views.layer_views import NO_STEP_YET, DepthView

    view = DepthView()
    qtbot.addWidget(view)
    run = new_run(make_config([16] * 12, activation="tanh", init="normal", scale=0.01))
    snap = snapshot(run, layers=True)
    view.set_run(run_info(run))
    view.show_snapshot(snap)
    _, logs = view.act_curve.getData()
    np.testing.assert_allclose(logs, np.log10(snap.layers.act_std), rtol=1e-6)
    assert logs.min() < -15  # far below the 1e-12 a floor would have drawn
    assert view.norm_plot.titleLabel.text == NO_STEP_YET
    assert view.norm_plot.viewRange()[0] == [0.0, 1.0]
    advance(run, epochs=1)
    view.show_snapshot(snapshot(run, layers=True))
    assert view.norm_plot.titleLabel.text != NO_STEP_YET
    assert len(view.norm_dots.data) > 0  # one epoch with a δ: dots, a line needs two
    advance(run, epochs=1)
    view.show_snapshot(snapshot(run, layers=True))
    assert len(view.norm_dots.data) == 0


def test_chain_view_shows_the_lectures_numbers(qtbot, session):
    from deepdials.app.pages.chain_page import ChainPage

    view = ChainPage(session)
    qtbot.addWidget(view)
    assert "38.44" in view.summary.text()
    assert view.values[-1].textItem.toPlainText() == "38.44"
    view.half.click()
    assert "0.00195" in view.summary.text()
    assert view.values[-1].textItem.toPlainText() == "0.00195"
    view.random.setChecked(True)
    view.scheme.setCurrentText("xavier")
    assert "Random xavier" in view.summary.text()


def test_histograms_of_values_near_the_float32_limit_stay_in_range():
    import numpy as np

    from deepdials.core.probes.layerstats import BINS, _histograms

    big = np.array([[-3.3e38, 3.3e38, 1.0, np.inf]], dtype=np.float32)
    hist, edges = _histograms([big])
    assert hist.shape == (1, BINS) and np.isclose(hist.sum(), 1.0)
    assert hist[0, 0] == hist[0, -1] == 1 / 3


def test_after_a_divergence_both_views_keep_drawing_the_last_finite_epoch(qtbot):
    from deepdials.app.views.layer_views import DepthView, LayersView

    config = make_config([16] * 6, init="he", epochs=50)
    run = new_run(replace(config, train=replace(config.train, lr=10.0)))
    advance(run)
    snap = snapshot(run, layers=True)
    assert snap.status == "diverged" and snap.layers.epoch == snap.diverged_at - 1
    layers, depth = LayersView(), DepthView()
    for view in (layers, depth):
        qtbot.addWidget(view)
        view.set_run(run_info(run))
        view.show_snapshot(snap)
    title = f"Diverged at {snap.diverged_at},<br>epoch {snap.layers.epoch} shown"
    assert layers.act_plot.titleLabel.text == title
    assert depth.scale_plot.titleLabel.text == title
    assert len(layers.act_ridges) == run.params.layout.n_layers
    x, y = depth.act_curve.getData()
    assert np.isfinite(y).all() and len(y) == run.params.layout.n_layers
