"""The gradient check's numbers: a non-finite difference is never "great"; a check stopped
by its budget or cancelled has compared an even sample of every block and says how much;
the layer-by-layer shortcut gives the same ĝ as the whole forward pass."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.losses import mean_loss, targets
from deepdials.core.engine.network import Workspace, forward, init_params
from deepdials.core.engine.params import Layout, Params
from deepdials.core.engine.regularization import Penalty
from deepdials.core.errors import CancelledError
from deepdials.core.probes.gradcheck import (
    NOT_FINITE,
    GradientCheck,
    compare,
    components,
    finish,
    gradient_check,
    relative_difference,
    spread_order,
    verdict,
)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
widths = st.lists(st.integers(1, 40), min_size=0, max_size=5)


def problem(sizes, activation="tanh", seed=0, rows=8, scale=0.7):
    rng = np.random.default_rng(seed)
    params = init_params(tuple(sizes), "normal", scale, rng, np.float64)
    params.theta[:] += rng.normal(0, 0.1, params.theta.shape)
    X = rng.standard_normal((rows, sizes[0]))
    T = targets(rng.integers(0, 2, rows), 2, np.float64)
    return params, ACTIVATIONS[activation], X, T


# ----- a difference that is not finite -----


@FAST
@given(
    g=st.lists(ANY_FLOAT, min_size=1, max_size=8),
    g_hat=st.lists(ANY_FLOAT, min_size=1, max_size=8),
)
def test_a_difference_with_any_value_not_finite_is_never_great(g, g_hat):
    n = min(len(g), len(g_hat))
    g, g_hat = np.array(g[:n]), np.array(g_hat[:n])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # huge values too
        difference = relative_difference(g, g_hat)
    finite = np.isfinite(g).all() and np.isfinite(g_hat).all()
    assert np.isfinite(difference) == finite
    if not finite:
        assert verdict(difference) == NOT_FINITE
    else:
        assert 0.0 <= difference <= 1.0


def test_a_cost_that_overflows_in_float64_gets_its_own_verdict():
    # 12 linear layers of weights ×1e27: finite θ, logits far beyond float64
    params, act, X, T = problem((2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1), "linear")
    params.theta[:] *= 1e27
    check = gradient_check(params, act, X, T, n_train=8, l2=0.0, l1=0.0)
    assert check.verdict == NOT_FINITE and not np.isfinite(check.difference)


# ----- the order: every prefix an even sample -----


@FAST
@given(n=st.integers(1, 3000))
def test_spread_order_is_a_permutation_whose_prefixes_spread_over_the_range(n):
    order = spread_order(n)
    assert sorted(order.tolist()) == list(range(n))
    for c in {1, 2, 3, n // 7 + 1, n // 2 + 1, n}:
        seen = np.sort(order[:c])
        gaps = np.diff(np.concatenate([seen, [n]]))
        assert gaps.max() <= 4 * n / c + 1


@FAST
@given(hidden=widths, limit=st.integers(1, 3000), n_in=st.integers(1, 7))
def test_every_prefix_of_the_order_samples_every_block_in_proportion(hidden, limit, n_in):
    layout = Layout((n_in, *hidden, 1))
    order = components(Params(layout, np.zeros(layout.n_params)), limit)
    spans = layout.spans()
    starts = np.array([s.start for _, s, _ in spans])
    block = np.searchsorted(starts, order, side="right") - 1
    assert len(np.unique(order)) == len(order)
    if layout.n_params <= limit:
        assert len(order) == layout.n_params
    else:
        assert len(order) <= limit + len(spans)  # the planned sample: about `limit`
    totals = np.bincount(block, minlength=len(spans))
    assert (totals >= 1).all()
    # one of every block first, then within one pick of the same fraction of each block
    assert sorted(block[: len(spans)].tolist()) == list(range(len(spans)))
    for prefix in {len(spans), len(order) // 3, len(order) // 2, len(order) - 1}:
        if prefix < len(spans):
            continue
        count = np.bincount(block[:prefix], minlength=len(spans))
        reached = (count - 0.5) / totals
        pending = np.where(count < totals, (count + 0.5) / totals, np.inf)
        assert reached[count >= 2].max(initial=0) <= pending.min() + 1e-12


# ----- the budget and cancelling: an honest sample -----


@FAST
@given(hidden=widths.filter(lambda h: sum(h) > 8), stop_after=st.integers(1, 60))
def test_a_check_stopped_early_states_its_sample_and_leaves_unreached_blocks_out(
    hidden, stop_after
):
    params, act, X, T = problem((2, *hidden, 1))
    check = GradientCheck(params, act, X, T, 8, 0.0, 0.0)
    polls = iter(range(10**6))
    if stop_after < check.planned:
        with pytest.raises(CancelledError):
            finish(check, cancelled=lambda: next(polls) >= stop_after)
    else:
        finish(check, cancelled=lambda: next(polls) >= stop_after)
        assert check.finished
    assert check.done == min(stop_after, check.planned)
    result = check.result()
    spans = params.layout.spans()
    assert result.checked == check.done and result.planned == check.planned
    assert result.complete == (check.done == check.planned)
    assert f"{check.done:,} of {params.layout.n_params:,} components" in result.sample or (
        result.sample == f"all {params.layout.n_params:,} components"
    )
    reached = [name for name, value in result.blocks.items() if value is not None]
    assert len(reached) == min(check.done, len(spans))
    assert set(result.blocks) == {name for name, _, _ in spans}
    if not result.complete:
        assert "were planned" in result.sample
        blocks_said = "every block" if len(reached) == len(spans) else f"{len(reached)} of the"
        assert blocks_said in result.sample
    # a correct backprop: each component compared agrees with its two-sided difference to
    # the difference's rounding (a few 1e-9 at ε = 1e-7), though one tiny component alone
    # can read "worry" (hidden [34, 1], one component: 2.4e-5)
    compared = check.order[: check.done]
    assert np.allclose(check.g_hat[: check.done], check.g[compared], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("budget", [0.0, 1e-9])
def test_a_spent_budget_still_compares_one_component_and_says_so(budget):
    params, act, X, T = problem((2, 30, 30, 1))
    result = gradient_check(params, act, X, T, 8, 0.0, 0.0, budget=budget)
    assert result.checked == 1 and not result.complete and result.planned == 1051
    assert "stopped by the" in result.sample and "budget; 1,051 were planned" in result.sample
    assert sum(value is not None for value in result.blocks.values()) == 1


def test_progress_is_reported_while_a_check_runs_and_each_slice_advances():
    params, act, X, T = problem((2, 12, 12, 1))
    seen = []
    result = gradient_check(
        params, act, X, T, 8, 0.1, 0.0, progress=lambda c: seen.append(c.done), progress_seconds=0
    )
    assert seen == list(range(1, result.planned))  # one component per slice of 0 s
    assert result.complete and result.verdict == "great"


# ----- in slices -----


@FAST
@given(
    hidden=widths,
    plant_bug=st.sampled_from([None, 1]),
    slices=st.lists(st.integers(1, 50), min_size=1, max_size=6),
)
def test_a_check_driven_in_slices_of_any_size_answers_as_one_run_in_one_go(
    hidden, plant_bug, slices
):
    params, act, X, T = problem((2, *hidden, 1))
    at_once = GradientCheck(params, act, X, T, 8, 0.3, 0.1, plant_bug=plant_bug)
    whole = finish(at_once)
    sliced = GradientCheck(params, act, X, T, 8, 0.3, 0.1, plant_bug=plant_bug)
    steps, ended = compare(sliced), object()
    for size in itertools.cycle(slices):
        if any(next(steps, ended) is ended for _ in range(size)):
            break
        params.theta[:] += 1.0  # the network trains on meanwhile
    answer = sliced.result().as_dict()
    expected = whole.as_dict()
    assert answer.pop("seconds") >= 0 and expected.pop("seconds") >= 0
    assert np.array_equal(sliced.g_hat, at_once.g_hat)
    assert repr(answer) == repr(expected)  # bit for bit, NaN included


# ----- the shortcut against the whole forward pass -----


def whole_pass_numeric(params, act, X, T, n_train, l2, l1, index, epsilon, masks=None):
    """ĝ_i as the definition has it: J(θ ± εe_i) by a whole forward pass, penalty included."""
    p = params.astype(np.float64)
    ws = Workspace(p.layout.sizes, len(X), np.float64)
    penalty = Penalty(p.layout.weight_mask(), n_train, l2, l1, np.float64)

    def cost():
        return mean_loss(forward(p, X, act, ws, masks=masks), T) + penalty.value(p.theta)

    saved = p.theta[index]
    p.theta[index] = saved + epsilon
    plus = cost()
    p.theta[index] = saved - epsilon
    minus = cost()
    return (plus - minus) / (2 * epsilon)


@FAST
@given(
    hidden=widths,
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    l2=st.sampled_from([0.0, 0.5]),
    l1=st.sampled_from([0.0, 0.3]),
    dropout=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_the_layer_by_layer_difference_equals_the_whole_forward_pass(
    hidden, activation, l2, l1, dropout, seed
):
    sizes = (2, *hidden, 1)
    params, act, X, T = problem(sizes, activation, seed)
    masks = None
    if dropout:
        rng = np.random.default_rng(seed)
        masks = [(rng.random((len(X), n)) < 0.7) / 0.7 for n in sizes[:-1]]
    check = GradientCheck(params, act, X, T, 8, l2, l1, epsilon=1e-3, masks=masks)
    finish(check)
    for k in range(0, check.planned, max(1, check.planned // 25)):
        i = int(check.order[k])
        expected = whole_pass_numeric(params, act, X, T, 8, l2, l1, i, 1e-3, masks)
        assert check.g_hat[k] == pytest.approx(expected, rel=1e-7, abs=1e-9)
