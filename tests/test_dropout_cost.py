"""The cost dropout optimizes: recorded per epoch beside the loss with dropout off, and a
gradient check with dropout left on, which fails with no bug in backprop."""

import numpy as np

from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.losses import mean_loss
from deepdials.core.engine.network import Workspace, forward, init_params
from deepdials.core.engine.reports import gradient_check
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.core.streams import train_stream


def make(train):
    return config_from_dict(
        {"schema": 1, "data": {"n_points": 100}, "model": {"hidden": [16]}, "train": train}
    )


def test_the_dropout_cost_is_the_thinned_networks_loss_that_the_first_step_saw():
    config = make({"keep_prob": [0.9, 0.5], "batch_size": 0, "epochs": 1})
    run = new_run(config)
    advance(run)
    recorded = run.history.arrays()["dropout_loss"]
    # again by hand: the initial θ, the first masks of the training stream, the whole batch
    params = init_params(run.sizes, "xavier", 1.0, train_stream(0, "init"))
    X, T = run.inputs["train"], run.targets["train"]
    ws = Workspace(run.sizes, len(X), np.float32)
    z = forward(params, X, run.act, ws, (0.9, 0.5), train_stream(0, "training"))
    assert np.isnan(recorded[0])  # epoch 0: no step yet
    assert recorded[1] == mean_loss(z, T)


def test_the_dropout_cost_is_recorded_after_every_epoch_with_dropout_and_nan_without():
    plain = new_run(make({"epochs": 20}))
    advance(plain)
    assert np.isnan(plain.history.arrays()["dropout_loss"]).all()
    thinned = new_run(make({"keep_prob": 0.5, "epochs": 20}))
    advance(thinned)
    h = thinned.history.arrays()
    assert np.isfinite(h["dropout_loss"][1:]).all()


def test_a_gradient_check_with_dropout_left_on_fails_where_the_check_without_it_is_great():
    run = new_run(make({"keep_prob": 0.5, "epochs": 10}))
    advance(run)
    off = gradient_check(run)
    on = gradient_check(run, dropout_on=True)
    assert off.dropout_off and off.verdict == "great"
    assert not on.dropout_off and on.verdict == "bug" and on.difference > 0.5
    again = gradient_check(run, dropout_on=True)  # its masks come from the train seed
    assert again.difference == on.difference


def test_dropout_left_on_changes_nothing_for_a_run_without_dropout():
    run = new_run(make({"epochs": 10}))
    advance(run)
    checked = gradient_check(run, dropout_on=True)
    assert checked.dropout_off and checked.verdict == "great"
