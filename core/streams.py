"""Named random streams: one independent Generator per purpose, from one seed.

A stream is the child of `SeedSequence(seed)` at its number below, the same generator as
`SeedSequence(seed).spawn(n)[number]`, so no module depends on the order in which another
one draws. Numbers are never reused or renumbered: that would change every saved run.

    of data.seed:  sample, split, mismatch, augment, subset (a sweep's training subsets)
    of train.seed: init (the initial weights), training (dropout masks, mini-batch order),
                   gradcheck (the masks of a gradient check with dropout left on)
"""

from __future__ import annotations

import numpy as np

DATA_STREAMS = {"sample": 0, "split": 1, "mismatch": 2, "augment": 3, "subset": 4}
TRAIN_STREAMS = {"init": 0, "training": 1, "gradcheck": 2}


def data_stream(seed: int, name: str) -> np.random.Generator:
    return _child(seed, DATA_STREAMS[name])


def train_stream(seed: int, name: str) -> np.random.Generator:
    return _child(seed, TRAIN_STREAMS[name])


def _child(seed: int, number: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(number,)))
