"""The depth, initialization and gradient-checking lessons' steps, each step's sentence
measured over SEEDS on the runs on screen after it (`at_step`): the figure the sentence
names (Layers, Depth, the Network diagram and the Gradient check page read the same
`layer_stats`, `history`, `neurons` and `gradient_check` as here).

A figure a step gives of epoch 0, which the window shows after Reset (R), is read from a
new run of that step's config, as Reset makes it."""

import numpy as np
import pytest

from deepdials.app.pages.chain_page import SEED
from deepdials.core.engine.reports import (
    gradient_check,
    gradient_checker,
    layer_stats,
    neuron_maps,
    surface,
)
from deepdials.core.engine.state import new_run
from deepdials.core.lessons.linear_chain import identity_chain, random_chain
from deepdials.core.probes.gradcheck import relative_difference
from deepdials.core.probes.layerstats import BINS
from deepdials.resources import PRESETS
from tests.lesson_runs import SEEDS, at_step, column, error


def per_layer_factor(std: np.ndarray) -> float:
    """The geometric mean of σ[l+1] / σ[l] over consecutive layers."""
    return float(np.exp(np.mean(np.diff(np.log(std)))))


def spread_between_units(maps: np.ndarray) -> float:
    """The largest difference between two units' outputs at one grid point: maps (k, G, G)."""
    flat = maps.reshape(len(maps), -1)
    return float(np.max(flat.max(axis=0) - flat.min(axis=0)))


def only(name: str, step: int, seed: int):
    """The one run on screen after that step."""
    (run,) = at_step(name, step, seed).values()
    return run


def at_reset(run):
    """The run as Reset (R) shows it: its config's network at epoch 0."""
    return new_run(run.config, base_dir=PRESETS)


# ----- vanishing_gradients -----


@pytest.mark.parametrize("seed", SEEDS)
def test_vanishing_sigmoid_gradient_halves_per_layer_and_xavier_makes_it_worse(seed):
    stats = layer_stats(only("vanishing_gradients", 1, seed))
    # "2500 epochs. Depth: the gradient std falls about 2-fold per layer towards the
    # input, to 300–3,500 times less at layer 1 than at the output."
    assert np.all(np.diff(stats.grad_std) > 0)
    ratio = stats.grad_std[-1] / stats.grad_std[0]
    assert 300 <= ratio <= 3500 and 1.7 <= ratio**0.1 <= 2.3
    # "Train on to 5000: the heatmap's input rows stay dark at every epoch. Layer 1's
    # weights have moved by 0.3–2.1% of their size, and the train error is still 25% or
    # more." (dark: RMS δ at layer 1 over 300 times less than at the last hidden layer)
    run = only("vanishing_gradients", 2, seed)
    _, signal = column(run, "grad_norm")
    assert run.epoch == 5000 and np.all(signal[1:, -2] / signal[1:, 0] > 300)
    W1, W1_start = run.params.W[0], at_reset(run).params.W[0]
    moved = np.linalg.norm(W1 - W1_start) / np.linalg.norm(W1_start)
    assert 0.003 <= moved <= 0.022
    assert error(run) >= 0.24
    # "Init → Xavier: worse. Layer 1's gradient is 10⁶–10⁸ times less than the output's
    # … each layer divides the gradient by 4 or more."
    xavier = layer_stats(only("vanishing_gradients", 3, seed))
    ratio = xavier.grad_std[-1] / xavier.grad_std[0]
    assert 1e6 <= ratio <= 1e8 and 4 <= ratio**0.1 <= 6


@pytest.mark.parametrize("seed", SEEDS)
def test_vanishing_is_mended_by_relu_and_he(seed):
    # "relu with He's init: the gradient reaches layer 1 as large as the output's or
    # larger, and the train error is under 1% by epoch 5000."
    run = only("vanishing_gradients", 4, seed)
    assert run.config.model.activation == "relu" and run.epoch == 5000
    stats = layer_stats(run)
    assert stats.grad_std[0] >= stats.grad_std[-1]
    assert error(run) < 0.01


# ----- exploding_gradients -----


@pytest.mark.parametrize("seed", SEEDS)
def test_exploding_net_grows_layer_by_layer_then_epoch_by_epoch_until_it_diverges(seed):
    first = only("exploding_gradients", 1, seed)
    # "One full-batch step. Layers: σ already grows 1.5–2.7-fold per layer, to 400–70,000
    # at the logits."
    after = layer_stats(first)
    assert 1.45 <= per_layer_factor(after.act_std[:-1]) <= 2.8
    assert 350 <= after.act_std[-1] <= 75_000
    # "Reset (R) shows epoch 0: 1.4–1.5-fold, 20–70."
    start = layer_stats(at_reset(first))
    assert 1.38 <= per_layer_factor(start.act_std[:-1]) <= 1.5
    assert 20 <= start.act_std[-1] <= 70
    # "It diverges at epoch 3–5. Depth: RMS δ at layer 1 is 4–7 times the output's at
    # epoch 1, over 1,000 times at the last finite epoch" (whose logits' σ is over 10⁵;
    # every view keeps that epoch)
    run = only("exploding_gradients", 2, seed)
    epochs, signal = column(run, "grad_norm")
    assert epochs[1] == 1 and 4 <= signal[1, 0] / signal[1, -1] <= 7
    assert run.status == "diverged" and 3 <= run.diverged_at <= 5
    finite = run.diverged_at - 1
    stats = layer_stats(run)
    assert stats.epoch == finite and stats.act_std[-1] > 1e5
    assert signal[epochs == finite][0, 0] / signal[epochs == finite][0, -1] > 1000
    assert np.isfinite(stats.act_std).all() and np.isfinite(stats.grad_norm).all()
    assert np.isfinite(surface(run, 20).probs).all()
    assert all(np.isfinite(maps).all() for maps in neuron_maps(run).maps)


@pytest.mark.parametrize("seed", SEEDS)
def test_exploding_net_trains_with_a_lower_rate_or_he_scale(seed):
    # "Lower the learning rate to 0.01: train error under 20% at epoch 300."
    (slower,) = at_step("exploding_gradients", 3, seed).values()
    # "Or keep α = 0.03 and set the init scale to 1: train error under 2% at epoch 300,
    # beside the run at α = 0.01."
    both = at_step("exploding_gradients", 4, seed)
    assert list(both.values())[0] is slower
    he = list(both.values())[1]
    assert (slower.config.train.lr, he.config.model.init_scale) == (0.01, 1.0)
    assert slower.status == he.status == "finished" and slower.epoch == he.epoch == 300
    assert error(slower) < 0.2 and error(he) < 0.02


# ----- deep_relu_he -----


@pytest.mark.parametrize("seed", SEEDS)
def test_he_keeps_twenty_relu_layers_at_one_scale_and_trains(seed):
    # "after one epoch. Layers: σ of every hidden layer is within a factor of 4 of every
    # other's."
    hidden = layer_stats(only("deep_relu_he", 1, seed)).act_std[:-1]
    assert hidden.max() / hidden.min() <= 4
    # "Depth: the activation std stays between 0.1 and 3, the gradient std within 11
    # times of the output's." (the same run, at epoch 1)
    stats = layer_stats(only("deep_relu_he", 2, seed))
    assert stats.act_std[:-1].min() >= 0.1 and stats.act_std[:-1].max() <= 3
    assert stats.grad_std.min() >= stats.grad_std[-1] / 11
    # "Train on: by epoch 200 the train error is under 1%."
    assert error(only("deep_relu_he", 3, seed)) < 0.01
    # "Init → normal: every layer multiplies the scale by about 4 (3.6–4.0-fold), the
    # logits' σ is 10¹¹–10¹². The first epoch diverges, and Layers keeps epoch 0."
    normal = only("deep_relu_he", 4, seed)
    assert normal.status == "diverged" and normal.diverged_at == 1
    stats = layer_stats(normal)
    assert stats.epoch == 0
    assert 3.5 <= per_layer_factor(stats.act_std[:-1]) <= 4.1
    assert 1e11 <= stats.act_std[-1] <= 1e12


# ----- deep_tanh_xavier -----


@pytest.mark.parametrize("step", [1, 2])
@pytest.mark.parametrize("seed", SEEDS)
def test_xavier_and_glorots_average_keep_twenty_tanh_layers_wide_and_learn(seed, step):
    run = only("deep_tanh_xavier", step, seed)
    assert run.config.model.init == ("xavier", "xavier_avg")[step - 1]
    stats = layer_stats(run)
    hidden = stats.act_std[:-1]
    # "every tanh layer's σ is within a factor of 2 of every other's, and at most 15% of
    # any layer's units are saturated" (step 2: "σ within a factor of 2")
    assert hidden.max() / hidden.min() <= 2
    assert stats.saturated.max() <= 0.15
    # "train and validation error under 2%" by epoch 200
    assert run.epoch == 200 and error(run) < 0.02 and error(run, "val") < 0.02


def test_glorots_average_differs_from_xavier_only_at_the_first_and_last_layers():
    # "For the 16 → 16 layers it is the same 1/16; only the first (2 → 16) and the last
    # (16 → 1) layers differ."
    sizes = only("deep_tanh_xavier", 1, 0).sizes
    lecture = [1 / n_in for n_in in sizes[:-1]]
    glorot = [2 / (n_in + n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    differs = [i for i, (a, b) in enumerate(zip(lecture, glorot)) if not np.isclose(a, b)]
    assert differs == [0, len(sizes) - 2]


# ----- deep_tanh_tiny_init -----


@pytest.mark.parametrize("seed", SEEDS)
def test_tiny_init_kills_the_signal_25_fold_per_layer(seed):
    stats = layer_stats(only("deep_tanh_tiny_init", 1, seed))
    # "σ drops about 25-fold per layer down the first ten layers, from about 10⁻² at layer
    # 1 to 10⁻⁹ at layer 6: seven orders of magnitude. From layer 2 on spikes at 0."
    assert 22 <= 1 / per_layer_factor(stats.act_std[:10]) <= 28
    assert 0.01 <= stats.act_std[0] <= 0.02 and 5e-10 <= stats.act_std[5] <= 2e-9
    assert 5e-8 <= stats.act_std[5] / stats.act_std[0] <= 2e-7
    central = stats.act_hist[:, [BINS // 2 - 1, BINS // 2]].sum(axis=1)
    assert np.all(central[1:-1] > 0.999)


@pytest.mark.parametrize("seed", SEEDS)
def test_tiny_init_stays_flat_and_its_output_side_std_is_the_biases_spread(seed):
    run = only("deep_tanh_tiny_init", 2, seed)
    stats = layer_stats(run)
    # "Train on to epoch 100: the train error stays at 50%, the gradient std at layer 1
    # below 10⁻²⁵."
    assert run.epoch == 100 and error(run) == pytest.approx(0.5, abs=0.01)
    assert stats.grad_std[0] < 1e-25
    # "Depth: the activation std is V-shaped, lowest (about 10⁻¹⁶) near layer 11."
    hidden = stats.act_std[:-1]
    low = int(np.argmin(hidden))
    assert 9 <= low <= 12 and hidden[low] < 1e-15
    assert np.all(np.diff(hidden[: low + 1]) < 0) and np.all(np.diff(hidden[low + 1 :]) > 0)
    # the lesson's text: "Past its bottom every example gives the same A[l] = tanh(b[l])
    # … σ there is their spread across units"
    for layer in range(low + 2, len(hidden)):
        spread = np.tanh(run.params.b[layer].astype(np.float64)).std()
        assert hidden[layer] == pytest.approx(spread, rel=0.05)


@pytest.mark.parametrize("seed", SEEDS)
def test_tiny_init_scaled_to_xavier_learns(seed):
    # "Init scale → 0.25 = 1/√16 … by epoch 200 train and validation error under 2%."
    run = only("deep_tanh_tiny_init", 3, seed)
    assert run.config.model.init_scale == 0.25 == 1 / np.sqrt(16)
    assert error(run) < 0.02 and error(run, "val") < 0.02


# ----- zero_init -----


@pytest.mark.parametrize("seed", SEEDS)
def test_zero_init_units_stay_identical_xavier_breaks_the_symmetry(seed):
    # "all six thumbnails of a layer are the same picture … the train error stays at
    # 30–50%."
    run = only("zero_init", 1, seed)
    assert all(spread_between_units(maps) == 0.0 for maps in neuron_maps(run).maps[1:-1])
    assert 0.3 <= error(run) <= 0.5
    # "Init → Xavier: after one epoch the thumbnails of a layer already differ."
    at_once = neuron_maps(only("zero_init", 2, seed))
    assert all(spread_between_units(maps) > 0.1 for maps in at_once.maps[1:-1])
    # "Train on: train error under 1% by epoch 1000."
    trained = only("zero_init", 3, seed)
    assert trained.epoch == 1000 and error(trained) < 0.01


# ----- linear_chain -----


def test_the_chain_gives_the_lectures_powers():
    # "ŷ = 1.5⁹·x ≈ 38.44·x … ŷ = 0.5⁹·x ≈ 0.00195·x"
    assert identity_chain(1.5)[-1] == pytest.approx(38.44, abs=0.005)
    assert identity_chain(0.5)[-1] == pytest.approx(0.00195, abs=5e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_xavier_chains_keep_their_gain_near_one(seed):
    # "the gain stays near 1 at every layer: the root mean square over the 2000 random
    # chains drawn is 0.9–1.0 (0.75–1.5 for any of five other draws of them)" (the Chain
    # page draws with seed SEED = 0)
    gain, _ = random_chain("xavier", 1.0, np.random.default_rng(seed))
    assert np.all((gain >= 0.75) & (gain <= 1.5))
    if seed == SEED:
        assert np.all((gain >= 0.895) & (gain <= 1.015))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_real_linear_net_grows_or_shrinks_as_the_power_of_its_scale(seed):
    # "Xavier × 1.5: about 1.5-fold per layer (1.4–1.7), layer 9's is 30–90 times the
    # input's"
    big = layer_stats(only("linear_chain", 3, seed)).act_std[:-1]
    assert 1.4 <= per_layer_factor(big) <= 1.7 and 25 <= big[-1] <= 95
    # "Init scale → 0.5: 2-fold per layer (0.48–0.51), layer 9's 0.0014–0.0021"
    small = layer_stats(only("linear_chain", 4, seed)).act_std[:-1]
    assert 0.47 <= per_layer_factor(small) <= 0.52 and 0.0013 <= small[-1] <= 0.0022
    # "Init scale → 1: every layer's std stays between 0.5 and 1.4 times the input's"
    kept = layer_stats(only("linear_chain", 5, seed)).act_std
    assert np.all((kept >= 0.5) & (kept <= 1.4))


# ----- gradient_checking -----


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_check_passes_catches_a_planted_bug_and_ignores_dropout(seed):
    run = only("gradient_checking", 1, seed)
    check = gradient_check(run)
    # "(ε = 1e-7): about 10⁻⁹ (0.8–1.0·10⁻⁹), great, with the penalty term included: it
    # is 20–37% of the gradient, so leaving it out would read above 10⁻³."
    assert check.epsilon == 1e-7 and 7e-10 <= check.difference <= 1.1e-9
    checker = gradient_checker(run)
    weights = np.concatenate([W.ravel() for W in run.params.W]).astype(np.float64)
    penalty = run.config.train.l2 / run.n_train * np.linalg.norm(weights)
    assert 0.2 <= penalty / np.linalg.norm(checker.g) <= 0.37
    mask = run.params.layout.weight_mask()
    without = checker.g - np.where(mask, run.config.train.l2 / run.n_train * run.params.theta, 0)
    assert relative_difference(checker.g, without) > 1e-3
    # "Plant a bug in layer 2 and check again: above 10⁻³, the components that differ
    # most all in W2."
    again = only("gradient_checking", 2, seed)
    assert np.array_equal(again.params.theta, run.params.theta)
    bug = gradient_check(again, plant_bug=2)
    assert bug.difference > 1e-3
    assert {worst["block"] for worst in bug.worst} == {"W2"}
    # "Keep-prob → 0.5 and check: dropout is off for the check, so the difference stays
    # under 10⁻⁸."
    dropout = gradient_check(only("gradient_checking", 3, seed))
    assert dropout.dropout_off and dropout.difference < 1e-8


# ----- gradient_checking_notes -----


@pytest.mark.parametrize("seed", SEEDS)
def test_check_at_the_start_and_after_training_and_find_the_bugs_block(seed):
    # "one epoch from their random start: under 10⁻⁷"
    assert gradient_check(only("gradient_checking_notes", 1, seed)).difference < 1e-7
    # "Train on to epoch 3000 and check again: still under 10⁻⁷."
    run = only("gradient_checking_notes", 2, seed)
    assert run.epoch == 3000 and gradient_check(run).difference < 1e-7
    # "Plant a bug in layer 3 and check: above 10⁻³. W3 reads bug, every other block
    # great; the components that differ most are all W3's."
    again = only("gradient_checking_notes", 3, seed)
    assert np.array_equal(again.params.theta, run.params.theta)
    bug = gradient_check(again, plant_bug=3)
    assert bug.difference > 1e-3 and bug.blocks["W3"] >= 1e-3
    assert all(diff < 1e-7 for block, diff in bug.blocks.items() if block != "W3")
    assert {worst["block"] for worst in bug.worst} == {"W3"}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_deep_sigmoid_nets_larger_difference_is_rounding_not_a_bug(seed):
    # "Activation → sigmoid, Init → normal: 4·10⁻⁸–3·10⁻⁶, 20–4,000 times the tanh net's,
    # no block near a bug. With ε = 1e-5 it falls about 100-fold."
    tanh = gradient_check(only("gradient_checking_notes", 2, seed))
    run = only("gradient_checking_notes", 4, seed)
    check, larger = gradient_check(run), gradient_check(run, epsilon=1e-5)
    assert 3e-8 <= check.difference <= 5e-6
    assert 20 <= check.difference / tanh.difference <= 4000
    assert max(check.blocks.values()) < 1e-3
    assert 50 <= check.difference / larger.difference <= 200


# ----- linear_regime -----


@pytest.mark.parametrize("seed", SEEDS)
def test_lambda_moves_tanh_into_its_linear_middle_and_straightens_the_boundary(seed):
    # "λ = 0: only 15–18% of layer 1's and 3–5% of layer 2's z are in |z| < ½. Train 0%,
    # validation 22–26%."
    free = only("linear_regime", 1, seed)
    stats = layer_stats(free)
    assert 0.14 <= stats.near_linear[0] <= 0.19 and 0.02 <= stats.near_linear[1] <= 0.06
    assert error(free) == 0.0 and 0.21 <= error(free, "val") <= 0.27
    # "λ = 1 beside it: 77–86% of layer 1's z and all of layer 2's are in |z| < ½. Train
    # 11–19%, validation 18–21%, a gap of at most 10 points."
    runs = list(at_step("linear_regime", 2, seed).values())
    assert runs[0] is free and runs[1].config.train.l2 == 1
    stats = layer_stats(runs[1])
    assert 0.76 <= stats.near_linear[0] <= 0.87 and stats.near_linear[1] >= 0.995
    assert 0.1 <= error(runs[1]) <= 0.2 and 0.17 <= error(runs[1], "val") <= 0.22
    assert error(runs[1], "val") - error(runs[1]) <= 0.101
    # "λ = 10: every unit is in its linear middle … on circles that is 50% error."
    runs = list(at_step("linear_regime", 3, seed).values())
    assert len(runs) == 3 and runs[2].config.train.l2 == 10
    stats = layer_stats(runs[2])
    assert stats.near_linear[:2].min() >= 0.8
    assert error(runs[2]) == pytest.approx(0.5, abs=0.01)
