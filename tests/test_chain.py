"""The lecture's linear chain: a^(L−1) exactly for W = a·I, and the init schemes' scale."""

import numpy as np
import pytest

from deepdials.core.lessons.linear_chain import identity_chain, random_chain


def test_identity_chain_gives_the_lectures_numbers():
    assert identity_chain(1.5)[-1] == pytest.approx(1.5**9)
    assert f"{identity_chain(1.5)[-1]:.2f}" == "38.44"
    assert f"{identity_chain(0.5)[-1]:.3g}" == "0.00195"


def test_identity_chain_grows_by_a_per_hidden_layer_then_the_output_keeps_it():
    gains = identity_chain(2.0, layers=5)
    np.testing.assert_allclose(gains, [2, 4, 8, 16, 16])


def test_xavier_keeps_a_linear_chain_near_one_and_normal_blows_it_up():
    xavier, _ = random_chain("xavier", 1.0, np.random.default_rng(0), units=16)
    normal, _ = random_chain("normal", 1.0, np.random.default_rng(0), units=16)
    assert np.all((xavier > 0.8) & (xavier < 1.25))
    assert normal[-1] > 1e5  # √16 = 4 per layer, 4^10 ≈ 1e6


def test_he_keeps_a_relu_chain_near_one():
    he, _ = random_chain("he", 1.0, np.random.default_rng(0), relu=True, units=16)
    assert np.all((he > 0.7) & (he < 1.4))


def test_random_chain_is_reproducible_from_its_generator():
    a, _ = random_chain("xavier", 1.0, np.random.default_rng(5))
    b, _ = random_chain("xavier", 1.0, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
