import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from deepdials.core.engine.history import History


def test_history_keeps_every_epoch_until_full():
    h = History({"loss": None, "norms": 3, "one": 1}, capacity=8)
    for e in range(8):
        h.append(e, {"loss": float(e), "norms": [e, e, e], "one": [e]})
    out = h.arrays()
    assert out["epoch"].tolist() == list(range(8))
    assert out["norms"].shape == (8, 3)
    assert out["one"].shape == (8, 1) and out["loss"].shape == (8,)


def test_history_memory_stays_bounded_spans_the_whole_run_and_ends_at_its_last_epoch():
    h = History({"loss": None}, capacity=64)
    for e in range(100_000):
        h.append(e, {"loss": float(e)})
    out = h.arrays()
    assert 32 <= len(out["epoch"]) <= 65
    assert out["epoch"][0] == 0 and out["epoch"][-1] == 99_999
    gaps = np.diff(out["epoch"])
    assert np.all(gaps[:-1] == h.stride) and 0 < gaps[-1] <= h.stride
    assert np.array_equal(out["loss"], out["epoch"].astype(float))


def test_a_million_epochs_end_at_the_millionth():
    h = History({"loss": None, "grad_norm": 3})
    for e in range(1_000_001):
        h.append(e, {"loss": float(e), "grad_norm": [e, e, e]})
    out = h.arrays()
    assert out["epoch"][-1] == 1_000_000 and out["grad_norm"][-1].tolist() == [1e6] * 3
    assert len(out["epoch"]) <= 2049


@settings(max_examples=200, deadline=None)
@given(
    last=st.integers(0, 300_000),
    half_capacity=st.integers(1, 64),
    gaps=st.lists(st.integers(1, 5000), max_size=40),
    every=st.integers(1, 7),
)
def test_the_last_row_is_the_last_epoch_for_any_length_capacity_and_spacing(
    last, half_capacity, gaps, every
):
    """Epochs every `every` (or at the given gaps, sparse) up to `last`: the history is
    bounded, starts at epoch 0, ends at the last epoch with its own values, and the rows
    before the last are evenly spaced on the stride."""
    h = History({"loss": None, "norm": 2}, capacity=2 * half_capacity)
    epochs = list(range(0, last + 1, every)) if not gaps else np.cumsum([0, *gaps]).tolist()
    for e in epochs:
        h.append(e, {"loss": float(e), "norm": [e, -e]})
    out = h.arrays()
    assert len(out["epoch"]) == len(h) <= h.capacity + 1
    assert out["epoch"][0] == 0 and out["epoch"][-1] == epochs[-1]
    assert out["loss"][-1] == epochs[-1] and out["norm"][-1].tolist() == [epochs[-1], -epochs[-1]]
    assert np.all(np.diff(out["epoch"]) > 0)
    assert np.all(out["epoch"][:-1] % h.stride == 0)
    assert np.array_equal(out["loss"], out["epoch"].astype(float))


def test_a_run_of_any_length_reports_its_last_epoch():
    from deepdials.core.config.schema import config_from_dict
    from deepdials.core.engine.run import advance
    from deepdials.core.engine.state import new_run

    for epochs in (2049, 2050, 4097):
        config = config_from_dict(
            {
                "schema": 1,
                "data": {"n_points": 10},
                "model": {"hidden": []},
                "train": {"epochs": epochs},
            }
        )
        run = new_run(config)
        advance(run)
        assert run.history.arrays()["epoch"][-1] == epochs == run.epoch


def test_history_arrays_are_fresh_copies():
    h = History({"loss": None}, capacity=4)
    h.append(0, {"loss": 1.0})
    out = h.arrays()
    out["loss"][0] = 99
    assert h.arrays()["loss"][0] == 1.0
