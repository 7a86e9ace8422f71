import numpy as np

from core.engine.history import History


def test_history_keeps_every_epoch_until_full():
    h = History({"loss": None, "norms": 3, "one": 1}, capacity=8)
    for e in range(8):
        h.append(e, {"loss": float(e), "norms": [e, e, e], "one": [e]})
    out = h.arrays()
    assert out["epoch"].tolist() == list(range(8))
    assert out["norms"].shape == (8, 3)
    assert out["one"].shape == (8, 1) and out["loss"].shape == (8,)


def test_history_memory_stays_bounded_and_spans_the_whole_run():
    h = History({"loss": None}, capacity=64)
    for e in range(100_000):
        h.append(e, {"loss": float(e)})
    out = h.arrays()
    assert 32 <= len(out["epoch"]) <= 64
    assert out["epoch"][0] == 0
    assert out["epoch"][-1] > 100_000 - 2 * h.stride
    assert np.all(np.diff(out["epoch"]) == h.stride)
    assert np.array_equal(out["loss"], out["epoch"].astype(float))


def test_history_arrays_are_fresh_copies():
    h = History({"loss": None}, capacity=4)
    h.append(0, {"loss": 1.0})
    out = h.arrays()
    out["loss"][0] = 99
    assert h.arrays()["loss"][0] == 1.0
