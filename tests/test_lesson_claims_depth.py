"""The depth and initialization lessons' "What to look for", each line measured over SEEDS:
the figure the sentence names, on the run the window would train (Layers, Depth and the
Network diagram read the same `layer_stats`, `history` and `neurons` as here).

Runs that would take the lesson's whole length of minibatch epochs (20-layer nets, 2000
epochs: about 10 s a seed) are measured at the epoch the text names instead."""

import numpy as np
import pytest

from deepdials.core.engine.reports import (
    gradient_check,
    gradient_checker,
    layer_stats,
    neuron_maps,
    surface,
)
from deepdials.core.probes.gradcheck import relative_difference
from deepdials.core.probes.layerstats import BINS
from tests.lesson_runs import SEEDS, column, error, trained


def per_layer_factor(std: np.ndarray) -> float:
    """The geometric mean of σ[l+1] / σ[l] over consecutive layers."""
    return float(np.exp(np.mean(np.diff(np.log(std)))))


def spread_between_units(maps: np.ndarray) -> float:
    """The largest difference between two units' outputs at one grid point: maps (k, G, G)."""
    flat = maps.reshape(len(maps), -1)
    return float(np.max(flat.max(axis=0) - flat.min(axis=0)))


# ----- vanishing_gradients -----


@pytest.mark.parametrize("seed", SEEDS)
def test_vanishing_signal_shrinks_towards_the_input_and_the_first_layer_stays(seed):
    run = trained("vanishing_gradients", seed)
    stats = layer_stats(run)
    # "Depth: the gradient std falls at every layer towards the input, 400–3,500-fold
    # from the output to layer 1."
    assert np.all(np.diff(stats.grad_std) > 0)
    assert 400 <= stats.grad_std[-1] / stats.grad_std[0] <= 3500
    # "The heatmap's input rows are dark: at every epoch, RMS δ at layer 1 is over 400
    # times smaller than at the last hidden layer."
    _, signal = column(run, "grad_norm")
    assert np.all(signal[1:, -2] / signal[1:, 0] > 400)
    # "The first layer hardly changes: over 5000 epochs its weights move by 0.3–2.1% of
    # their size; the train error stays at 25% or more."
    start = trained("vanishing_gradients", seed, epochs=0)
    W1, W1_start = run.params.W[0], start.params.W[0]
    moved = np.linalg.norm(W1 - W1_start) / np.linalg.norm(W1_start)
    assert 0.003 <= moved <= 0.022
    assert error(run) >= 0.24


# ----- exploding_gradients -----


def last_finite(seed: int):
    """The exploding lesson's run, trained to its divergence, and its last finite epoch."""
    run = trained("exploding_gradients", seed)
    assert run.status == "diverged"
    return run, run.diverged_at - 1


@pytest.mark.parametrize("seed", SEEDS)
def test_exploding_net_grows_layer_by_layer_then_epoch_by_epoch_until_it_diverges(seed):
    start = layer_stats(trained("exploding_gradients", seed, epochs=0))
    # "Layers at epoch 0: σ beside each layer grows about 1.4–1.5-fold per layer, to
    # 20–70 at the logits."
    assert 1.38 <= per_layer_factor(start.act_std[:-1]) <= 1.5
    assert 20 <= start.act_std[-1] <= 70
    run, finite = last_finite(seed)
    stats = layer_stats(run)
    # "Epoch by epoch the logits' σ jumps by orders of magnitude: above 10⁵ at the last
    # finite epoch."
    assert stats.epoch == finite
    assert stats.act_std[-1] > 1e5
    # "Depth: RMS δ at layer 1 is 4–7 times the output's at epoch 1, over 1,000 times at
    # the last finite epoch."
    epochs, signal = column(run, "grad_norm")
    assert 4 <= signal[1, 0] / signal[1, -1] <= 7
    assert signal[epochs == finite][0, 0] / signal[epochs == finite][0, -1] > 1000
    # "The run diverges at epoch 3–5; every view keeps its last finite epoch under the
    # banner."
    assert 3 <= run.diverged_at <= 5
    assert np.isfinite(stats.act_std).all() and np.isfinite(stats.grad_norm).all()
    assert np.isfinite(surface(run, 20).probs).all()
    assert all(np.isfinite(maps).all() for maps in neuron_maps(run).maps)


@pytest.mark.parametrize("seed", SEEDS)
def test_exploding_net_trains_with_a_lower_rate_or_he_scale(seed):
    # "Lower the learning rate to 0.01, or set the init scale to 1 (He), and Reset: it
    # trains instead, train error at epoch 300 under 20% (lr 0.01) or 2% (scale 1)."
    slower = trained("exploding_gradients", seed, 300, train__lr=0.01)
    he = trained("exploding_gradients", seed, 300, model__init_scale=1.0)
    assert slower.status == he.status == "finished"
    assert error(slower) < 0.2 and error(he) < 0.02


# ----- deep_relu_he -----


@pytest.mark.parametrize("seed", SEEDS)
def test_he_keeps_twenty_relu_layers_at_one_scale_and_trains(seed):
    start = layer_stats(trained("deep_relu_he", seed, epochs=0))
    normal = layer_stats(trained("deep_relu_he", seed, epochs=0, model__init="normal"))
    hidden = start.act_std[:-1]
    # "Layers at epoch 0: σ of every hidden layer is within a factor of 7 of every
    # other's (largest / smallest 1.6–6.4), where Init normal multiplies it by about 4
    # per layer."
    assert hidden.max() / hidden.min() <= 7
    assert 3.5 <= per_layer_factor(normal.act_std[:-1]) <= 4.5
    # "Depth at epoch 0: the activation std stays between 0.1 and 3 (its reference line
    # is 1), the gradient std within 11 times of the output's."
    assert hidden.min() >= 0.1 and hidden.max() <= 3
    assert start.grad_std.min() >= start.grad_std[-1] / 11
    # "The net trains: by epoch 200 the train error is under 1%."
    assert error(trained("deep_relu_he", seed, epochs=200)) < 0.01


# ----- deep_tanh_xavier -----


@pytest.mark.parametrize("seed", SEEDS)
def test_xavier_keeps_twenty_tanh_layers_wide_and_learns_the_circles(seed):
    run = trained("deep_tanh_xavier", seed, epochs=200)
    stats = layer_stats(run)
    hidden = stats.act_std[:-1]
    # "Layers at epoch 200: every tanh layer's σ is within a factor of 2 of every other's,
    # and at most 15% of any layer's units are saturated."
    assert hidden.max() / hidden.min() <= 2
    assert stats.saturated.max() <= 0.15
    # "The boundary closes around the inner circle: by epoch 200 train and validation
    # error are under 2%."
    assert error(run) < 0.02 and error(run, "val") < 0.02


# ----- deep_tanh_tiny_init -----


@pytest.mark.parametrize("seed", SEEDS)
def test_tiny_init_kills_the_signal_25_fold_per_layer(seed):
    start = layer_stats(trained("deep_tanh_tiny_init", seed, epochs=0))
    run = trained("deep_tanh_tiny_init", seed, epochs=100)
    stats = layer_stats(run)
    # "Layers: σ beside each layer drops about 25-fold per layer (epoch 0, on average over
    # the 20 layers: 24.7–26.6-fold); from layer 2 on the histograms are spikes at 0."
    assert 24.5 <= 1 / per_layer_factor(start.act_std[:-1]) <= 27
    central = stats.act_hist[:, [BINS // 2 - 1, BINS // 2]].sum(axis=1)
    assert np.all(central[1:-1] > 0.999)
    # "Depth: the activation std falls by ten orders of magnitude over the first six
    # layers; the gradient std at layer 1 is below 10⁻²⁵."
    assert stats.act_std[5] / stats.act_std[0] < 1e-6
    assert stats.grad_std[0] < 1e-25
    # "The boundary stays flat: the train error stays at 50%."
    assert error(run) == pytest.approx(0.5, abs=0.01)


# ----- zero_init -----


@pytest.mark.parametrize("seed", SEEDS)
def test_zero_init_units_stay_identical_xavier_breaks_the_symmetry(seed):
    run = trained("zero_init", seed)  # the lesson's 2000 epochs
    # "Network: all six thumbnails of a layer are the same picture (epoch after epoch)."
    for maps in neuron_maps(run).maps[1:-1]:
        assert spread_between_units(maps) == 0.0
    # "Switch Init to Xavier: the thumbnails differ at once, and the boundary bends around
    # the circles (train error under 1% by epoch 2000, where zeros stay at 30–50%)."
    at_once = neuron_maps(trained("zero_init", seed, epochs=1, model__init="xavier"))
    assert all(spread_between_units(maps) > 0.1 for maps in at_once.maps[1:-1])
    assert error(trained("zero_init", seed, model__init="xavier")) < 0.01
    assert 0.3 <= error(run) <= 0.5


# ----- gradient_checking -----


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_check_passes_catches_a_planted_bug_and_ignores_dropout(seed):
    run = trained("gradient_checking", seed)
    check = gradient_check(run)
    # "The Gradient check view: a difference near 10⁻⁹ (seeds 0–4: 0.8–1.0·10⁻⁹), with
    # the penalty term included: it is 20–37% of the gradient, so a check without it
    # would read above 10⁻³."
    assert 5e-10 <= check.difference <= 2e-9
    checker = gradient_checker(run)
    weights = np.concatenate([W.ravel() for W in run.params.W]).astype(np.float64)
    penalty = run.config.train.l2 / run.n_train * np.linalg.norm(weights)
    assert 0.2 <= penalty / np.linalg.norm(checker.g) <= 0.37
    mask = run.params.layout.weight_mask()
    without = checker.g - np.where(mask, run.config.train.l2 / run.n_train * run.params.theta, 0)
    assert relative_difference(checker.g, without) > 1e-3
    # "Plant a bug in layer 2: the difference jumps above 10⁻³ and the worst components
    # are all in W2."
    bug = gradient_check(run, plant_bug=2)
    assert bug.difference > 1e-3
    assert {worst["block"] for worst in bug.worst} == {"W2"}
    # "Dropout is switched off for the check: with keep-prob 0.5 the difference stays
    # near 10⁻⁹."
    dropout = gradient_check(trained("gradient_checking", seed, train__keep_prob=0.5))
    assert dropout.dropout_off and dropout.difference < 1e-8
