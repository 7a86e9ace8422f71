"""The network's forward/backward passes, losses, initializers and dropout."""

import itertools

import numpy as np
import pytest

from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.losses import mean_loss, output_gradient, targets
from deepdials.core.engine.network import Workspace, _draw_mask, forward, init_params
from deepdials.core.probes.gradcheck import gradient_check, scalar_demo


def _problem(activation, n_classes, seed=0, rows=16, sizes=(3, 5, 4)):
    rng = np.random.default_rng(seed)
    K = 1 if n_classes == 2 else n_classes
    params = init_params((*sizes, K), "normal", 0.7, rng, np.float64)
    params.theta[:] += rng.normal(0, 0.1, params.theta.shape)  # non-zero biases too
    X = rng.standard_normal((rows, sizes[0]))
    T = targets(rng.integers(0, n_classes, rows), n_classes, np.float64)
    return params, ACTIVATIONS[activation], X, T


@pytest.mark.parametrize(
    "activation, penalty, n_classes",
    list(itertools.product(ACTIVATIONS, ["none", "l2", "l1"], [2, 3])),
)
def test_backprop_matches_central_differences(activation, penalty, n_classes):
    params, act, X, T = _problem(activation, n_classes)
    l2 = 0.7 if penalty == "l2" else 0.0
    l1 = 0.7 if penalty == "l1" else 0.0
    check = gradient_check(params, act, X, T, n_train=20, l2=l2, l1=l1)
    assert check.checked == params.layout.n_params
    assert check.difference < 1e-7, check.worst


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_backprop_with_a_fixed_dropout_mask_matches_central_differences(activation):
    params, act, X, T = _problem(activation, 2, seed=3)
    rng = np.random.default_rng(7)
    keep = (0.8, 0.5, 0.6)
    masks = [(rng.random((len(X), n)) < p) / p for n, p in zip(params.layout.sizes, keep)]
    check = gradient_check(params, act, X, T, n_train=16, l2=0.1, l1=0.0, masks=masks)
    assert not check.dropout_off
    assert check.difference < 1e-7, check.worst
    # the masks really act: without them the cost differs
    ws = Workspace(params.layout.sizes, len(X), np.float64)
    with_masks = mean_loss(forward(params, X, act, ws, masks=masks), T)
    without = mean_loss(forward(params, X, act, ws), T)
    assert abs(with_masks - without) > 1e-3


@pytest.mark.parametrize("layer", [1, 2, 3])
def test_gradient_check_catches_a_planted_bug_in_the_named_layer(layer):
    params, act, X, T = _problem("tanh", 2)
    check = gradient_check(params, act, X, T, n_train=16, l2=0.0, l1=0.0, plant_bug=layer)
    assert check.difference >= 1e-3
    assert check.verdict == "bug"
    assert max(check.blocks, key=check.blocks.get) == f"W{layer}"
    assert check.worst[0]["block"] == f"W{layer}"


def test_gradient_check_samples_large_networks_evenly_per_block():
    params, act, X, T = _problem("tanh", 2, sizes=(3, 40, 40), rows=4)
    check = gradient_check(params, act, X, T, 4, 0.0, 0.0, max_components=300)
    assert 250 <= check.checked <= 350 < check.n_params
    assert set(check.blocks) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert check.difference < 1e-7


def test_scalar_demo_gives_the_lecture_numbers():
    demo = scalar_demo(1.0, 0.01)
    assert demo.two_sided == pytest.approx(3.0001, abs=1e-10)
    assert demo.one_sided == pytest.approx(3.0301, abs=1e-10)
    assert demo.two_sided_error == pytest.approx(1e-4, rel=1e-6)
    assert demo.one_sided_error == pytest.approx(0.0301, rel=1e-6)


def _second_moments(init, depth=20, width=256, rows=1000):
    rng = np.random.default_rng(0)
    sizes = (width,) * (depth + 1) + (1,)
    params = init_params(sizes, init, 1.0, rng, np.float64)
    ws = Workspace(sizes, rows, np.float64)
    forward(params, rng.standard_normal((rows, width)), ACTIVATIONS["relu"], ws)
    return np.array([np.mean(ws.A[layer] ** 2) for layer in range(1, depth + 1)])


def test_he_init_keeps_relu_activation_scale_over_20_layers():
    moments = _second_moments("he")
    assert moments.max() / moments.min() < 2.0


def test_xavier_init_halves_relu_activation_scale_per_layer():
    moments = _second_moments("xavier")
    ratios = moments[1:] / moments[:-1]
    assert 0.4 < np.exp(np.mean(np.log(ratios))) < 0.6
    assert moments[-1] / moments[0] < 1e-4


def test_inverted_dropout_keeps_the_expected_activation():
    ws = Workspace((10, 1), 20_000, np.float64)
    mask = _draw_mask(ws, 0, 0.6, np.random.default_rng(1))
    assert set(np.unique(mask)) == {0.0, 1 / 0.6}
    assert mask.mean() == pytest.approx(1.0, abs=0.01)
    assert (mask > 0).mean() == pytest.approx(0.6, abs=0.01)


def test_dropout_masks_come_from_the_given_generator():
    def logits(seed):
        params, act, X, _ = _problem("tanh", 2)
        ws = Workspace(params.layout.sizes, len(X), np.float64)
        return forward(params, X, act, ws, (0.5, 0.5, 0.5), np.random.default_rng(seed)).copy()

    assert np.array_equal(logits(4), logits(4))
    assert not np.array_equal(logits(4), logits(5))


@pytest.mark.parametrize("K", [1, 3])
def test_loss_is_finite_and_exact_for_huge_logits(K):
    z = np.array([[1e4] * K, [-1e4] * K, [0.5] * K], dtype=np.float32)
    if K == 3:
        z[:, 0] = 0
    T = np.eye(max(K, 2), dtype=np.float32)[[0, 1, 0]][:, -K:] if K == 1 else np.eye(3)[[1, 0, 2]]
    loss = mean_loss(z, T.astype(np.float32))
    assert np.isfinite(loss)
    dZ = output_gradient(z, T.astype(np.float32), np.empty_like(z))
    assert np.isfinite(dZ).all()


def test_binary_loss_matches_the_textbook_formula():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 2, (50, 1))
    y = rng.integers(0, 2, (50, 1)).astype(float)
    p = 1 / (1 + np.exp(-z))
    expected = np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p))
    assert mean_loss(z, y) == pytest.approx(expected, rel=1e-12)


def test_softmax_loss_matches_the_textbook_formula():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 2, (50, 4))
    y = np.eye(4)[rng.integers(0, 4, 50)]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert mean_loss(z, y) == pytest.approx(np.mean(-np.log((p * y).sum(axis=1))), rel=1e-12)


TEXTBOOK = {
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_the_feature_major_forward_pass_equals_the_textbook_one(activation, seed):
    """A[l] = g(A[l−1] W[l] + b[l]) layer by layer, in float64, on a random network, against
    the engine's pass over its transposed buffers with the bias row (rows ≥ MATMUL_ROWS too)."""
    rng = np.random.default_rng(seed)
    sizes = (int(rng.integers(1, 6)), *rng.integers(1, 9, rng.integers(0, 4)), 1)
    rows = int(rng.choice([1, 7, 1200]))
    params = init_params(tuple(int(n) for n in sizes), "normal", 0.8, rng, np.float64)
    params.theta[:] += rng.normal(0, 0.3, params.theta.shape)
    X = rng.standard_normal((rows, sizes[0]))
    ws = Workspace(params.layout.sizes, rows, np.float64)
    logits = forward(params, X, ACTIVATIONS[activation], ws)
    A = X
    for layer, (W, b) in enumerate(zip(params.W, params.b), start=1):
        Z = A @ W + b
        A = Z if layer == len(params.W) else TEXTBOOK[activation](Z)
        np.testing.assert_allclose(ws.A[layer], A, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(logits, A, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize(
    "sizes, rows, block",
    [((2, 32, 32, 32, 1), 1000, None), ((3, 5, 4, 3), 97, 7), ((2, 8, 3), 50, 50), ((2, 1), 9, 4)],
)
def test_the_blocked_pass_gives_forwards_logits(activation, sizes, rows, block):
    from deepdials.core.engine.network import BlockedForward

    rng = np.random.default_rng(5)
    params = init_params(sizes, "he", 1.0, rng, np.float32)
    params.theta[:] += rng.normal(0, 0.1, params.theta.shape).astype(np.float32)
    X = rng.standard_normal((rows, sizes[0])).astype(np.float32)
    act = ACTIVATIONS[activation]
    expected = forward(params, X, act, Workspace(sizes, rows, np.float32)).copy()
    blocked = BlockedForward(sizes, X, np.float32, block)
    got = blocked(params, act)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # a second call with other parameters is not stale
    params.theta *= 0.5
    np.testing.assert_allclose(
        blocked(params, act),
        forward(params, X, act, Workspace(sizes, rows, np.float32)),
        rtol=1e-5,
        atol=1e-5,
    )


def test_the_blocked_pass_is_bit_for_bit_forwards_on_the_32_unit_grid():
    from deepdials.core.engine.network import BlockedForward
    from deepdials.core.probes.surface import grid_points

    rng = np.random.default_rng(2)
    sizes = (2, *(32,) * 20, 1)
    params = init_params(sizes, "he", 1.0, rng, np.float32)
    X = grid_points((-1, 1, -1, 1), 100).astype(np.float32)
    blocked = BlockedForward(sizes, X, np.float32)
    assert blocked.block < len(X)
    act = ACTIVATIONS["relu"]
    expected = forward(params, X, act, Workspace(sizes, len(X), np.float32))
    assert np.array_equal(blocked(params, act), expected)
