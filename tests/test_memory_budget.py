"""The memory budget: the largest configs the limits allow stay under it, measured in a
subprocess; every allowed config's estimate does; a config over it is refused in one line,
by the command line and by the window's controls alike."""

import json
import resource
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepdials.core.config.schema import Config, config_from_dict, config_to_dict
from deepdials.core.config.table import MAX_LAYERS, MAX_POINTS, MAX_UNITS
from deepdials.core.data.features import FEATURES
from deepdials.core.engine import budget
from deepdials.core.engine.budget import MEMORY_BUDGET, estimate, largest_configs
from deepdials.core.engine.buffers import (
    gradient_sums,
    parameter_bytes,
    probe_rows,
    scoring_rows,
    training_rows,
)
from deepdials.core.engine.reports import snapshot, surface
from deepdials.core.engine.run import advance
from deepdials.core.engine.state import new_run
from deepdials.core.errors import InputError
from deepdials.core.probes.surface import surface_bytes

# Every kind of pass, once: scoring (a few chunks of epoch 0), a training step of the
# largest batch (its first chunks: every chunk is alike, so the peak is reached), the
# decision surface, the diagram's grid, the layer statistics and the start of a gradient
# check. Scoring 220,000 rows through 50 × 256 units takes half a minute, so the child
# marks epoch 0 as scored (keeping its θ as the last finite one, as a record does) to go
# on to training at once.
CHILD = r"""
import json, sys, time
from deepdials.core.config.schema import config_from_dict
from deepdials.core.engine.run import keep_finite, train
from deepdials.core.engine.reports import gradient_check, snapshot
from deepdials.core.engine.state import new_run
from deepdials.core.errors import CancelledError
def for_a_while(steps, seconds=0.5):
    end = time.perf_counter() + seconds
    for _ in steps:
        if time.perf_counter() >= end:
            break
run = new_run(config_from_dict(json.loads(sys.argv[1])))
for_a_while(train(run))
run.recorded = 0
keep_finite(run, 0)
for_a_while(train(run))
snapshot(run, resolution=100, layers=True, neurons=True)
try:
    gradient_check(run, cancelled=lambda: True)
except CancelledError:
    pass
with open("/proc/self/status") as status:
    print(next(line for line in status if line.startswith("VmHWM:")))
"""


def peak_of_child(raw: dict) -> int:
    """The child's peak resident memory in bytes, its address space capped at twice the
    budget so that a regression fails instead of swapping. The peak is the child's own
    VmHWM: ru_maxrss of a forked child also counts the parent's pages at the fork, so it
    reads as large as this test process has grown."""
    cap = 2 * MEMORY_BUDGET + (1 << 30)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(raw)],
        preexec_fn=limit,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr.decode()[-2000:]
    kilobytes = stdout.decode().split("VmHWM:")[1].split()[0]
    return int(kilobytes) * 1024


@pytest.mark.parametrize("name", list(largest_configs()))
def test_the_largest_configs_stay_under_the_memory_budget_and_the_estimate(name):
    raw = largest_configs()[name]
    peak = peak_of_child(raw)
    predicted = estimate(config_from_dict(raw))["total"]
    assert peak <= MEMORY_BUDGET, f"{name}: {peak / 2**20:.0f} MB"
    assert peak <= predicted, f"{name}: {peak / 2**20:.0f} MB > estimate {predicted / 2**20:.0f}"


@st.composite
def allowed_configs(draw):
    """Configs up to every limit: depth, width, points, augmentation, features, batch."""
    hidden = draw(st.lists(st.integers(1, MAX_UNITS), max_size=MAX_LAYERS))
    kind = draw(st.sampled_from(["circles", "spiral", "csv"]))
    return {
        "schema": 1,
        "data": {
            "kind": kind,
            "n_classes": draw(st.integers(2, 5)) if kind == "spiral" else 2,
            "n_points": draw(st.integers(10, MAX_POINTS)),
            "split": draw(st.sampled_from([[1, 0, 0], [0.6, 0.2, 0.2], [0.5, 0.5, 0]])),
            "augment": draw(st.integers(0, 10)),
            "features": draw(st.lists(st.sampled_from(FEATURES), min_size=1, unique=True)),
        },
        "model": {"hidden": hidden},
        "train": {
            "batch_size": draw(st.sampled_from([0, 1, 10, 128, 129, 5000, MAX_POINTS])),
            "keep_prob": draw(st.sampled_from([1.0, 0.5])),
            "optimizer": draw(st.sampled_from(["sgd", "momentum", "adam"])),
        },
    }


@settings(max_examples=200, deadline=None)
@given(raw=allowed_configs())
def test_no_config_the_limits_allow_is_over_the_budget(raw):
    if raw["data"]["kind"] == "csv":
        raw["data"]["csv"] = "points.csv"
    config = config_from_dict(raw)  # checks the budget: refused would raise here
    assert estimate(config)["total"] <= MEMORY_BUDGET


def test_the_estimate_grows_with_what_the_limits_bound():
    small = estimate(Config())["total"]
    big = estimate(config_from_dict(largest_configs()["full_dropout_adam"]))
    assert small < big["total"] <= MEMORY_BUDGET
    assert big["data"] > 10 * estimate(Config())["data"]


def test_a_config_over_the_budget_is_refused_in_one_line_naming_the_largest_part(monkeypatch):
    monkeypatch.setattr(budget, "MEMORY_BUDGET", 200 << 20)
    with pytest.raises(InputError) as refused:
        config_from_dict(largest_configs()["full_dropout_adam"])
    message = str(refused.value)
    assert message.isprintable() and "200 MiB memory budget" in message
    assert "model.hidden / data.n_points" in message and "(passes " in message


def test_the_command_line_refuses_a_config_over_the_budget_with_exit_2(
    monkeypatch, tmp_path, capsys
):
    from deepdials.core.cli import main

    path = tmp_path / "big.json"
    path.write_text(json.dumps(largest_configs()["batch10"]))
    monkeypatch.setattr(budget, "MEMORY_BUDGET", 200 << 20)
    assert main(["run", str(path), "--out", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "memory budget" in err
    assert not (tmp_path / "out.json").exists()


def test_the_window_refuses_a_change_that_would_go_over_the_budget(session, qtbot, monkeypatch):
    """The controls cannot build a config the engine refuses: the session says why and
    keeps the config it had (the controls then show it)."""
    session.load(config_from_dict({"schema": 1, "model": {"hidden": [MAX_UNITS] * 10}}))
    monkeypatch.setattr(budget, "MEMORY_BUDGET", estimate(session.config)["total"] + 1)
    before = session.config
    with qtbot.waitSignal(session.problem) as said:
        assert not session.edit("model.hidden", (MAX_UNITS,) * MAX_LAYERS)
    assert "memory budget" in said.args[0] and session.config == before
    assert session.edit("model.hidden", (MAX_UNITS,) * 9)  # under it: taken
    assert config_to_dict(session.config)["model"]["hidden"] == [MAX_UNITS] * 9


def theta_sized_bytes(run) -> int:
    """Every θ-sized array the run holds, found by looking, in bytes."""
    P = run.params.layout.n_params
    holders = [run.params, run.grads, run.finite, run.optimizer, run.penalty, run.buffers]
    arrays = {id(run.best_theta): run.best_theta}
    for holder in holders:
        for value in vars(holder).values():
            for array in (value, getattr(value, "theta", None)):
                if isinstance(array, np.ndarray) and array.shape == (P,):
                    arrays[id(array)] = array
    return sum(a.nbytes for a in arrays.values())


@pytest.mark.parametrize(
    "train",
    [
        {"batch_size": 10, "optimizer": "momentum"},
        {"batch_size": 0},  # more rows than a chunk: summed over chunks, scoring fused
        {"batch_size": 500, "keep_prob": 0.5, "optimizer": "adam", "l2": 0.1},
        {"batch_size": 0, "keep_prob": 0.5},
    ],
)
def test_the_estimate_counts_the_buffers_the_run_allocates(train):
    raw = {
        "schema": 1,
        "data": {"n_points": 2000, "split": [0.8, 0.2, 0]},
        "model": {"hidden": [256] * 4, "activation": "relu", "init": "he"},
        "train": {**train, "patience": 5, "lr": 0.001},
    }
    config = config_from_dict(raw)
    run = new_run(config)
    advance(run, epochs=2)
    snapshot(run)  # the layer statistics' probe
    N, chunk = run.n_train, run.chunk
    batch = min(config.train.batch_size or N, N)
    assert run.buffers.train.capacity == training_rows(chunk, batch)
    assert run.buffers.scoring.capacity == scoring_rows(chunk, N)
    assert run.buffers.probe.capacity == probe_rows(N)
    sums = gradient_sums(batch, chunk, N, run.dropout)
    assert (sums > 0) == (run.buffers.summed is not None) and (batch > chunk) == (sums == 2)
    P = run.params.layout.n_params
    assert theta_sized_bytes(run) == parameter_bytes(P, 4, config.train.optimizer, sums)


def held_bytes(arrays) -> int:
    """Bytes of the distinct arrays that `arrays` are or are views of."""
    owners = {id(a if a.base is None else a.base): a if a.base is None else a.base for a in arrays}
    return sum(a.nbytes for a in owners.values())


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.sampled_from([1, 3, 32, 256]), min_size=0, max_size=5),
    resolution=st.sampled_from([2, 37, 100, 256]),
    features=st.sampled_from([["x1", "x2"], list(FEATURES)]),
)
def test_the_surface_term_of_the_estimate_is_what_the_surface_holds(hidden, resolution, features):
    config = config_from_dict(
        {"schema": 1, "data": {"n_points": 50, "features": features}, "model": {"hidden": hidden}}
    )
    run = new_run(config)
    probabilities = surface(run, resolution).probs
    forward = run.buffers.surfaces[resolution]._forward
    arrays = [forward.logits_T, probabilities]
    for steps in forward._blocks_steps:
        arrays += [array for _, _, H, Z in steps for array in (H, Z)]
    assert held_bytes(arrays) == surface_bytes(run.sizes, resolution, 4)
