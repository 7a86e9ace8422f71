"""The memory budget: what a run of a config holds at its peak, and the refusal of a
config that would not fit.

Every pass over many rows runs in chunks (`core.engine.network.chunk_rows`), so apart from
the data themselves nothing grows with the number of rows. What is left is a sum over the
config (bytes; P parameters, float32 training, d inputs, K outputs, r rows in all):

    BASE                                             the interpreter, NumPy and OpenBLAS
    + r · (25 + 16 d + 12 K)                         the data (see `data_bytes`)
    + θ-sized vectors                                θ, gradient, best θ, the last finite
                                                     epoch's θ, gradient and step, the
                                                     optimizer's, the penalty's, the
                                                     gradient sums (`core.engine.buffers`)
    + workspaces                                     training chunk, scoring chunk, layer
                                                     statistics probe (sized as the run
                                                     sizes them), diagram grid, surface
                                                     (`core.probes.surface.surface_bytes`)
    + max(layer statistics, gradient check)          the larger of the two passes that
                                                     come and go (never both at once)

`MEMORY_BUDGET` is the documented figure every config the limits allow stays under (a
test measures the largest of them in a subprocess); `check_memory` refuses a config whose
estimate is over it, with a message naming the largest part. With today's limits no
config reaches it; the check keeps a future limit from breaking the promise silently.
"""

from __future__ import annotations

import math

from deepdials.core.config.table import BY_KEY, MAX_LAYERS, MAX_POINTS, MAX_UNITS
from deepdials.core.data.features import FEATURES
from deepdials.core.data.kinds import DATA_KINDS
from deepdials.core.engine.buffers import (
    gradient_sums,
    parameter_bytes,
    probe_rows,
    scoring_rows,
    training_rows,
)
from deepdials.core.engine.losses import n_outputs
from deepdials.core.engine.network import chunk_rows, workspace_bytes_per_row
from deepdials.core.errors import InputError
from deepdials.core.probes.gradcheck import DEFAULT_ROWS as GRADCHECK_ROWS
from deepdials.core.probes.neurons import GRID
from deepdials.core.probes.surface import surface_bytes

MEMORY_BUDGET = 768 << 20  # bytes: the peak of one run of any config the limits allow
BASE = 48 << 20
DISPLAY_RESOLUTION = 100  # the window's decision surface, R × R


def data_bytes(rows: int, train_rows: int, d: int, K: int) -> int:
    """The points (float64 x1, x2; int64 label; augmented flag), the network's inputs,
    targets and logits (float32), the training split's shuffled copy, and the float64
    features while the inputs are being built."""
    return rows * (16 + 8 + 1 + 4 * d + 4 * K + 4 * K + 8 * d) + train_rows * 4 * (d + K)


def _rows(data) -> tuple[int, int]:
    """(training rows with their augmented copies, all rows); for points of one's own the
    most they may hold, all of them in the training split."""
    kind = DATA_KINDS[data.kind]
    if kind.drawn:
        n = data.n_points
        train = math.ceil(data.split[0] * n)
    else:
        n, train = kind.max_rows, kind.max_rows
    train_rows = train * (1 + data.augment)
    return train_rows, train_rows + n - train


def estimate(config, resolution: int = DISPLAY_RESOLUTION) -> dict[str, int]:
    """Bytes at the peak of a run of `config`, by part (the module docstring), and 'total'."""
    data, train = config.data, config.train
    kind = DATA_KINDS[data.kind]
    classes = data.n_classes if kind.classes == "chosen" else kind.max_classes
    d = len(data.features)
    K = 1 if kind.task == "regression" else n_outputs(classes)  # a regression's one ŷ
    sizes = (d, *config.model.hidden, K)
    P = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    chunk = chunk_rows(sizes)
    train_rows, rows = _rows(data)
    batch = min(train.batch_size or train_rows, train_rows)
    keep = train.keep_prob if isinstance(train.keep_prob, tuple) else (train.keep_prob,)
    sums = gradient_sums(batch, chunk, train_rows, dropout=min(keep) < 1.0)
    bpr, bpr_forward = workspace_bytes_per_row(sizes, 4), workspace_bytes_per_row(sizes, 4, False)
    parts = {
        "base": BASE,
        "data": data_bytes(rows, train_rows, d, K),
        "parameters": parameter_bytes(P, 4, train.optimizer, sums),
        "workspaces": training_rows(chunk, batch) * bpr
        + scoring_rows(chunk, max(train_rows, rows - train_rows)) * bpr_forward
        + probe_rows(train_rows) * bpr
        + GRID * GRID * bpr_forward
        + surface_bytes(sizes, resolution, 4),
        "passes": max(12 * 4 * P, 49 * P + 2 * GRADCHECK_ROWS * workspace_bytes_per_row(sizes, 8)),
    }
    parts["total"] = sum(parts.values())
    return parts


def check_memory(config) -> None:
    """InputError when a run of `config` would need more than MEMORY_BUDGET."""
    parts = estimate(config)
    if parts["total"] <= MEMORY_BUDGET:
        return
    largest = max((k for k in parts if k != "total"), key=parts.get)
    mib = 2**20
    raise InputError(
        f"model.hidden / data.n_points: this run would need about {parts['total'] / mib:,.0f} MiB"
        f" ({largest} {parts[largest] / mib:,.0f} MiB), over the {MEMORY_BUDGET / mib:,.0f} MiB "
        "memory budget; use fewer or narrower layers, or fewer points"
    )


def largest_configs() -> dict[str, dict]:
    """Raw configs at the limits, by name: the most rows (20,000 points, every one in the
    training split, 10 augmented copies: 220,000 rows) through the deepest and widest net,
    every input feature, each batch mode with and without dropout, and five classes."""
    data = {
        "n_points": MAX_POINTS,
        "augment": BY_KEY["data.augment"].allowed.hi,
        "split": [1, 0, 0],
        "features": list(FEATURES),
    }
    model = {"hidden": [MAX_UNITS] * MAX_LAYERS, "activation": "relu", "init": "he"}
    trains = {
        "batch10": {"batch_size": 10},
        "full": {"batch_size": 0},
        "full_dropout_adam": {"batch_size": 0, "keep_prob": 0.5, "optimizer": "adam"},
        "batch20000_dropout": {"batch_size": MAX_POINTS, "keep_prob": 0.5},
    }
    out = {
        name: {"schema": 1, "data": data, "model": model, "train": {**train, "lr": 0.001}}
        for name, train in trains.items()
    }
    out["spiral5_full"] = {
        "schema": 1,
        "data": {**data, "kind": "spiral", "n_classes": 5},
        "model": model,
        "train": {"batch_size": 0, "lr": 0.001},
    }
    return out
