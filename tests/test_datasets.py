import math

import numpy as np
import pytest

from deepdials.core.data import datasets
from deepdials.core.data.datasets import KINDS, class_count, log_density, sample, symmetries

CASES = [("circles", 2), ("moons", 2), ("xor", 2), ("spiral", 3), ("blobs", 3), ("linear", 2)]
ALL_CASES = CASES + [("spiral", 2), ("spiral", 5), ("blobs", 2), ("blobs", 5)]


def grid(half_width: float, step: float) -> tuple[np.ndarray, float]:
    g = np.arange(-half_width, half_width + step / 2, step)
    g1, g2 = np.meshgrid(g, g)
    return np.column_stack([g1.ravel(), g2.ravel()]), step * step


def test_kinds_and_class_counts():
    assert KINDS == ("circles", "moons", "xor", "spiral", "blobs", "linear")
    assert [class_count(k, 4) for k in KINDS] == [2, 2, 2, 4, 4, 2]


@pytest.mark.parametrize("kind, K", CASES)
def test_sample_is_balanced_shuffled_and_typed(kind, K):
    X, y = sample(kind, 101, K, 0.1, np.random.default_rng(0))
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=K)
    assert len(counts) == K and counts.max() - counts.min() <= 1
    assert np.any(np.diff(y) < 0)  # not sorted by class


@pytest.mark.parametrize("kind, K", CASES)
def test_same_seed_gives_identical_points_and_another_seed_does_not(kind, K):
    a = sample(kind, 50, K, 0.2, np.random.default_rng(7))
    b = sample(kind, 50, K, 0.2, np.random.default_rng(7))
    c = sample(kind, 50, K, 0.2, np.random.default_rng(8))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def on_support(kind: str, K: int, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where the noise-free point lies on its class's clean support (module docstring)."""
    x1, x2 = X[:, 0], X[:, 1]
    r = np.hypot(x1, x2)
    if kind == "circles":
        return np.isclose(r, np.where(y == 0, 1.0, 0.5))
    if kind == "moons":
        s = np.where(y == 0, 1.0, -1.0)
        u1, u2 = s * x1 + 0.5, s * x2 + 0.25  # back to scikit-learn's outer moon
        return np.isclose(np.hypot(u1, u2), 1.0) & (u2 >= -1e-12)
    if kind == "xor":
        inside = (np.abs(X) >= 0.1 - 1e-12).all(axis=1) & (np.abs(X) <= 1).all(axis=1)
        return inside & ((x1 * x2 > 0) == (y == 0))
    if kind == "spiral":
        turn = np.angle(np.exp(1j * (np.arctan2(x2, x1) - 2.5 * np.pi * r - 2 * np.pi * y / K)))
        return (r <= 1.4) & (np.abs(turn) < 1e-9)
    if kind == "blobs":
        alpha = np.pi / 4 + 2 * np.pi * y / K
        return np.isclose(x1, 0.6 * np.cos(alpha)) & np.isclose(x2, 0.6 * np.sin(alpha))
    c, s = math.cos(math.pi / 6), math.sin(math.pi / 6)
    u, v = -s * x1 + c * x2, c * x1 + s * x2
    inside = (np.abs(u) >= 0.1 - 1e-12) & (np.abs(u) <= 1) & (np.abs(v) <= 1)
    return inside & ((u > 0) == (y == 1))


@pytest.mark.parametrize("kind, K", ALL_CASES)
def test_noise_free_points_lie_on_their_class_support_inside_the_unit_box(kind, K):
    X, y = sample(kind, 2000, K, 0.0, np.random.default_rng(1))
    assert on_support(kind, K, X, y).all()
    assert np.abs(X).max() <= 1.5


@pytest.mark.parametrize("kind, K", CASES)
def test_density_integrates_to_one_and_matches_the_sampler(kind, K):
    """Two ways to get E[f(x) | k]: the density on a grid, and the mean over samples."""
    noise = 0.15
    G, cell = grid(2.3, 0.025)
    p = np.exp(log_density(kind, K, noise, G))  # (grid, K)
    assert np.allclose(p.sum(axis=0) * cell, 1.0, atol=1e-4)

    def stats(X):
        x1, x2 = X[:, 0], X[:, 1]
        return np.column_stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(3 * x1) * np.cos(2 * x2)])

    by_density = (stats(G).T @ p * cell).T  # (K, 6)
    X, y = sample(kind, 40_000, K, noise, np.random.default_rng(2))
    for k in range(K):
        f = stats(X[y == k])
        se = f.std(axis=0) / math.sqrt(len(f))
        assert np.all(np.abs(f.mean(axis=0) - by_density[k]) < 5 * se + 1e-3), k


def brute_force_curve_log_density(kind, K, noise, X, m=20_000):
    """log E_t N(x; c(t), σ²I) by a plain average over m evenly spaced t, point by point."""
    t = (np.arange(m) + 0.5) * datasets._curve_range(kind) / m
    base = datasets._curve(kind, t)
    out = np.empty((len(X), K))
    for k, M in enumerate(datasets._curve_maps(kind, K)):
        c = base @ M.T
        for i, x in enumerate(X):
            e = -((c - x) ** 2).sum(axis=1) / (2 * noise**2)
            out[i, k] = e.max() + np.log(np.mean(np.exp(e - e.max())))
    return out - math.log(2 * math.pi * noise**2)


@pytest.mark.parametrize("kind, K", [("moons", 2), ("spiral", 3)])
@pytest.mark.parametrize("noise", [0.03, 0.3])
def test_curve_quadrature_agrees_with_a_brute_force_average(kind, K, noise):
    X, _ = sample(kind, 60, K, noise, np.random.default_rng(3))
    fast = log_density(kind, K, noise, X)
    slow = brute_force_curve_log_density(kind, K, noise, X)
    assert np.median(np.abs(fast - slow)) < 2e-3
    assert np.abs(fast - slow).max() < 0.04  # the documented bound, near the curves' ends
    # Far beyond an end the integrand along the curve decays at rate d/σ²: the brute force
    # needs many more points there.
    far = np.array([[2.5, -2.5], [0.0, 0.0], [-3.0, 0.5], [1.6, 1.6]])
    fast = log_density(kind, K, noise, far)
    slow = brute_force_curve_log_density(kind, K, noise, far, m=400_000)
    assert np.abs(fast - slow).max() < 0.04


def test_circles_bessel_form_agrees_with_an_average_over_the_angle():
    theta = (np.arange(20_000) + 0.5) * 2 * np.pi / 20_000
    X, _ = sample("circles", 40, 2, 0.1, np.random.default_rng(4))
    X = np.vstack([X, [[0.0, 0.0], [3.0, -2.0]]])
    for noise in (0.02, 0.1, 0.7):
        exact = log_density("circles", 2, noise, X)
        for k, r in enumerate((1.0, 0.5)):
            c = r * np.column_stack([np.cos(theta), np.sin(theta)])
            e = -((X[:, None, :] - c[None]) ** 2).sum(axis=2) / (2 * noise**2)
            top = e.max(axis=1)
            slow = top + np.log(np.exp(e - top[:, None]).mean(axis=1))
            slow -= math.log(2 * math.pi * noise**2)
            assert np.allclose(exact[:, k], slow, atol=1e-5)


def test_log_ndtr_matches_math_erfc_into_the_far_tails():
    z = np.linspace(-37.0, 8.0, 4001)
    exact = np.array([math.log(0.5 * math.erfc(-v / math.sqrt(2))) for v in z])
    assert np.abs(datasets.log_ndtr(z) - exact).max() < 2e-7
    assert datasets.log_ndtr(np.array([-1000.0]))[0] == pytest.approx(-0.5e6 - 7.8, rel=1e-6)


@pytest.mark.parametrize("kind, K", ALL_CASES)
def test_posterior_is_defined_far_from_the_data_even_at_small_noise(kind, K):
    far = np.array([[40.0, -40.0], [-6.0, 1.0], [0.0, 12.0]])
    log_p = log_density(kind, K, 0.01, far)
    assert np.isfinite(log_p).all()


def test_density_needs_positive_noise():
    with pytest.raises(ValueError, match="noise > 0"):
        log_density("moons", 2, 0.0, np.zeros((1, 2)))


@pytest.mark.parametrize("kind, K", ALL_CASES)
def test_symmetries_map_each_class_density_onto_its_image(kind, K):
    """p(A x + t | perm[k]) = p(x | k) for every symmetry, at points of every class."""
    ops = symmetries(kind, K)
    assert any(np.array_equal(A, np.eye(2)) and np.array_equal(p, np.arange(K)) for A, _, p in ops)
    X, _ = sample(kind, 60, K, 0.2, np.random.default_rng(5))
    before = log_density(kind, K, 0.2, X)
    for A, t, perm in ops:
        assert A.shape == (2, 2) and t.shape == (2,) and sorted(perm) == list(range(K))
        assert np.allclose(A @ A.T, np.eye(2))  # |det A| = 1, so densities carry over as is
        after = log_density(kind, K, 0.2, X @ A.T + t)
        assert np.allclose(after[:, perm], before, atol=1e-7)


def test_circle_symmetries_include_non_trivial_rotations():
    angles = {
        round(math.degrees(math.atan2(A[1, 0], A[0, 0]))) % 360
        for A, _, _ in symmetries("circles", 2)
        if np.linalg.det(A) > 0
    }
    assert angles == set(range(0, 360, 45))
