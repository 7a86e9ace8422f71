"""The buffers a run allocates and their sizes: the run sizes them with these functions,
and the memory estimate (`core.engine.budget`) adds up the same ones.

Every pass over many rows goes in chunks of `chunk` rows (`core.engine.network.chunk_rows`):
the training workspace holds the largest batch's chunk, the scoring workspace the largest
split's, the layer statistics probe PROBE_ROWS training rows. Besides the optimizer's
(`core.engine.optimizers.STATE_VECTORS`) and the penalty's (`Penalty.nbytes`), a run holds
THETA_VECTORS θ-sized vectors and `gradient_sums` more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from deepdials.core.engine.network import Workspace
from deepdials.core.engine.optimizers import STATE_VECTORS
from deepdials.core.engine.params import Params
from deepdials.core.engine.regularization import Penalty
from deepdials.core.probes.layer_space import LayerSpaceEvaluator
from deepdials.core.probes.layerstats import PROBE_ROWS
from deepdials.core.probes.neurons import NeuronEvaluator
from deepdials.core.probes.surface import SurfaceEvaluator

# θ, its gradient, the best θ (early stopping), the last finite epoch's θ, gradient, step
THETA_VECTORS = 6


@dataclass
class Buffers:
    """What the passes work in, each made on first use and kept: the training workspace (of
    the largest batch so far, ≤ chunk rows), the forward-only scoring workspace, the layer
    statistics probe's, a batch's gradient summed over its chunks and one chunk's share,
    each split's logits (n, K), and the surface, diagram and layer space evaluators."""

    train: Workspace | None = None
    scoring: Workspace | None = None
    probe: Workspace | None = None
    summed: Params | None = None
    chunk_grads: Params | None = None
    logits: dict[str, np.ndarray] = field(default_factory=dict)
    surfaces: dict[int, SurfaceEvaluator] = field(default_factory=dict)
    neurons: NeuronEvaluator | None = None
    layer_space: LayerSpaceEvaluator | None = None


def fuses_scoring(batch_rows: int, n_train: int, dropout: bool) -> bool:
    """Whether an epoch is one full-batch step without dropout, whose forward pass also
    scores the training split (its gradient waits in `summed` while the epoch is scored)."""
    return batch_rows >= n_train and not dropout


def gradient_sums(batch_rows: int, chunk: int, n_train: int, dropout: bool) -> int:
    """The θ-sized gradient sums a run allocates: `summed` for a batch larger than a chunk
    or a fused full batch, and `chunk_grads` for the former."""
    chunked = batch_rows > chunk
    return chunked + (chunked or fuses_scoring(batch_rows, n_train, dropout))


def training_rows(chunk: int, batch_rows: int) -> int:
    return min(chunk, batch_rows)


def scoring_rows(chunk: int, largest_split: int) -> int:
    return min(chunk, largest_split)


def probe_rows(n_train: int) -> int:
    return min(PROBE_ROWS, n_train)


def parameter_bytes(n_params: int, itemsize: int, optimizer: str, sums: int) -> int:
    """The θ-sized vectors of a run of P = `n_params` (module docstring), in bytes."""
    floats = THETA_VECTORS + len(STATE_VECTORS[optimizer]) + sums
    return n_params * floats * itemsize + Penalty.nbytes(n_params, itemsize)
