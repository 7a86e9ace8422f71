"""Random valid configs, extremes included, train a few epochs without an exception or a
NumPy warning (pytest turns warnings into errors): they train, or they end diverged."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdials.core.config.schema import config_from_dict
from deepdials.core.data.datasets import KINDS, MULTICLASS_KINDS
from deepdials.core.data.features import FEATURES, ONE_INPUT_FEATURES
from deepdials.core.data.laws import LAWS, REGRESSION_KINDS
from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.initializers import INITIALIZERS
from deepdials.core.engine.optimizers import OPTIMIZERS
from deepdials.core.engine.reports import snapshot
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run


@st.composite
def raw_configs(draw, max_depth=6):
    """Valid configs of every key, classes and regression; `max_depth` hidden layers at most."""
    kind = draw(st.sampled_from(KINDS + REGRESSION_KINDS))
    one_input = kind in LAWS and LAWS[kind].inputs == 1
    features = ONE_INPUT_FEATURES if one_input else FEATURES
    hidden = draw(st.lists(st.integers(1, 16), max_size=max_depth))
    val = draw(st.sampled_from([0.0, 0.1, 0.25, 0.4]))
    test = draw(st.sampled_from([0.0, 0.1, 0.2]))
    probs = st.floats(0.05, 1.0)
    keep = draw(
        st.one_of(probs, st.lists(probs, min_size=len(hidden) + 1, max_size=len(hidden) + 1))
    )
    return {
        "schema": 1,
        "data": {
            "kind": kind,
            "n_points": draw(st.integers(10, 300)),
            "n_classes": draw(st.integers(2, 5)) if kind in MULTICLASS_KINDS else 2,
            "noise": draw(st.one_of(st.just(0.0), st.floats(0.01, 1.0))),
            "split": [round(1 - val - test, 10), val, test],
            "seed": draw(st.integers(0, 2**32 - 1)),
            "mismatch": draw(st.one_of(st.just(0.0), st.floats(0.05, 1))),
            "augment": draw(st.integers(0, 3)),
            "scale_x1": draw(st.floats(1, 1000)),
            "features": draw(
                st.lists(st.sampled_from(features), min_size=1, max_size=7, unique=True)
            ),
            "normalize": draw(st.booleans()),
        },
        "model": {
            "hidden": hidden,
            "activation": draw(st.sampled_from(list(ACTIVATIONS))),
            "init": draw(st.sampled_from(list(INITIALIZERS))),
            "init_scale": draw(st.floats(0.001, 100)),
        },
        "train": {
            "optimizer": draw(st.sampled_from(OPTIMIZERS)),
            "lr": draw(st.floats(1e-4, 10)),
            "momentum": draw(st.floats(0, 0.999)),
            "batch_size": draw(st.sampled_from([0, 1, 7, 32])),
            "l2": draw(st.floats(0, 100)),
            "l1": draw(st.floats(0, 100)),
            "keep_prob": keep,
            "patience": draw(st.integers(1, 3)) if val > 0 else 0,
            "seed": draw(st.integers(0, 2**32 - 1)),
        },
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_configs())
def test_random_valid_configs_train_or_diverge_without_an_exception(raw):
    run = new_run(config_from_dict(raw))
    advance(run, epochs=3)
    assert run.epoch == 3 or run.status != "running"  # trained on, or ended with a reason
    assert (run.status == "diverged") == (run.diverged_at is not None)
    snap = snapshot(run, resolution=8)
    assert snap.surface.probs.shape[:2] == ((8,) if run.data.n_inputs == 1 else (8, 8))
    if run.status != "diverged":
        assert np.isfinite(run.params.theta).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_configs(max_depth=50))
def test_deep_nets_huge_inits_and_lr_10_train_or_diverge_quietly(raw):
    run = new_run(config_from_dict(raw))
    advance(run, epochs=2)
    assert run.epoch == 2 or run.status in ("early_stopped", "diverged")
    snap = snapshot(run, resolution=8)
    assert (snap.status == "diverged") == isinstance(snap.diverged_at, int)
