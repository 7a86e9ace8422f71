"""Per-epoch records in bounded memory.

Rows are kept for every `stride`-th epoch. When the buffer fills up, every other row is
dropped and the stride doubles, so a run of any length keeps between capacity/2 and
capacity rows spread evenly over its whole life (epoch 0 always among them).
"""

from __future__ import annotations

import numpy as np


class History:
    """Columns of float64 values by epoch: a number per row (width None), or a vector."""

    def __init__(self, widths: dict[str, int | None], capacity: int = 2048):
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 2")
        self.capacity = capacity
        self.stride = 1
        self._n = 0
        self._epoch = np.zeros(capacity, dtype=np.int64)
        self._columns = {
            name: np.full(capacity if width is None else (capacity, width), np.nan)
            for name, width in widths.items()
        }

    def __len__(self) -> int:
        return self._n

    def append(self, epoch: int, values: dict[str, float | np.ndarray]) -> None:
        """Record `values` for `epoch` if it falls on the stride; columns not given stay NaN."""
        if epoch % self.stride:
            return
        if self._n == self.capacity:
            self._decimate()
            if epoch % self.stride:
                return
        self._epoch[self._n] = epoch
        for name, value in values.items():
            self._columns[name][self._n] = value
        self._n += 1

    def _decimate(self) -> None:
        self.stride *= 2
        keep = self._epoch[: self._n] % self.stride == 0
        n = int(keep.sum())
        self._epoch[:n] = self._epoch[: self._n][keep]
        for column in self._columns.values():
            column[:n] = column[: self._n][keep]
            column[n:] = np.nan
        self._n = n

    def arrays(self) -> dict[str, np.ndarray]:
        """Fresh copies: 'epoch' : (n,) and each column : (n,) or (n, width)."""
        out = {"epoch": self._epoch[: self._n].copy()}
        out.update({name: col[: self._n].copy() for name, col in self._columns.items()})
        return out
