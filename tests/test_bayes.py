import math

import numpy as np
import pytest

from deepdials.core.data.bayes import (
    bayes_error,
    closed_form_bayes_error,
    monte_carlo_bayes_error,
    posterior,
)
from deepdials.core.data.datasets import sample

EVERY_KIND = [
    ("circles", 2),
    ("moons", 2),
    ("xor", 2),
    ("spiral", 2),
    ("spiral", 3),
    ("spiral", 5),
    ("blobs", 2),
    ("blobs", 3),
    ("blobs", 5),
    ("linear", 2),
]


def empirical_error(kind, K, noise, classify, n=100_000, seed=99):
    X, y = sample(kind, n, K, noise, np.random.default_rng(seed))
    return float(np.mean(classify(X) != y))


@pytest.mark.parametrize(
    "kind, K, noise",
    [
        ("blobs", 2, 0.3),
        ("blobs", 2, 0.7),
        ("linear", 2, 0.2),
        ("linear", 2, 0.6),
        ("xor", 2, 0.15),
        ("xor", 2, 0.5),
    ],
)
def test_closed_forms_agree_with_monte_carlo(kind, K, noise):
    exact = closed_form_bayes_error(kind, K, noise)
    assert abs(monte_carlo_bayes_error(kind, K, noise) - exact) <= 0.005
    assert bayes_error(kind, K, noise) == exact  # the closed form is the one reported


def test_two_blobs_closed_form_is_the_normal_tail():
    assert closed_form_bayes_error("blobs", 2, 0.3) == pytest.approx(0.0227501319, abs=1e-8)
    assert closed_form_bayes_error("blobs", 3, 0.3) is None
    assert closed_form_bayes_error("circles", 2, 0.3) is None


@pytest.mark.parametrize("kind, K", EVERY_KIND)
def test_zero_noise_has_zero_bayes_error(kind, K):
    assert bayes_error(kind, K, 0.0) == 0.0


@pytest.mark.parametrize("kind, K", EVERY_KIND)
def test_bayes_error_increases_with_noise(kind, K):
    values = [bayes_error(kind, K, noise) for noise in (0.0, 0.1, 0.2, 0.4, 0.8)]
    assert all(b > a for a, b in zip(values, values[1:], strict=False)), values
    assert values[-1] < 1 - 1 / K  # never worse than guessing


@pytest.mark.parametrize("kind, K", EVERY_KIND)
def test_bayes_classifier_on_a_fresh_sample_errs_at_the_bayes_rate(kind, K):
    noise = 0.25
    error = empirical_error(kind, K, noise, lambda X: posterior(kind, K, noise, X).argmax(1))
    assert abs(error - bayes_error(kind, K, noise)) <= 0.006


def test_worse_classifiers_on_circles_err_more():
    noise = 0.2
    best = bayes_error("circles", 2, noise)
    linear = empirical_error("circles", 2, noise, lambda X: (X[:, 0] > 0).astype(int))
    assert linear > best + 0.3
    for radius in (0.6, 0.9):  # the Bayes boundary is a circle, but not of these radii
        ring = empirical_error(
            "circles", 2, noise, lambda X, r=radius: (np.hypot(X[:, 0], X[:, 1]) < r).astype(int)
        )
        assert ring > best + 0.01


def test_mismatched_distribution_depends_on_the_total_noise_only():
    shifted = bayes_error("moons", 2, 0.1, extra_noise=0.3)
    assert shifted == bayes_error("moons", 2, math.hypot(0.1, 0.3))
    assert shifted > bayes_error("moons", 2, 0.1) + 0.05


def test_monte_carlo_is_deterministic():
    assert monte_carlo_bayes_error("spiral", 3, 0.15) == monte_carlo_bayes_error("spiral", 3, 0.15)


def test_posterior_rows_are_distributions_even_far_away():
    X = np.array([[0.0, 0.0], [0.3, -0.2], [25.0, 25.0]])
    for kind, K in EVERY_KIND:
        P = posterior(kind, K, 0.05, X)
        assert P.shape == (3, K) and np.isfinite(P).all()
        assert np.allclose(P.sum(axis=1), 1.0)
