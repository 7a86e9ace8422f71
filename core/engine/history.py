"""Per-epoch records in bounded memory.

Rows are kept for every `stride`-th epoch. When the buffer fills up, every other row is
dropped and the stride doubles, so a run of any length keeps between capacity/2 and
capacity rows spread evenly over its whole life (epoch 0 always among them). The newest
epoch is always the last row, on the stride or not (until a newer one replaces it), so a
history ends at the run's last recorded epoch.
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
        self._n = 0  # rows on the stride
        self._newest_apart = False  # row _n holds the newest epoch, off the stride
        rows = capacity + 1
        self._epoch = np.zeros(rows, dtype=np.int64)
        self._columns = {
            name: np.full(rows if width is None else (rows, width), np.nan)
            for name, width in widths.items()
        }

    def __len__(self) -> int:
        return self._n + self._newest_apart

    def append(self, epoch: int, values: dict[str, float | np.ndarray]) -> None:
        """Record `values` for `epoch` (later than every epoch before); columns not given
        are NaN. A row off the stride is kept only until the next append."""
        while epoch % self.stride == 0 and self._n == self.capacity:
            self._decimate()  # sparse epochs may need more than one halving
        row = self._n
        self._epoch[row] = epoch
        for name, column in self._columns.items():
            column[row] = values.get(name, np.nan)
        self._newest_apart = bool(epoch % self.stride)
        if not self._newest_apart:
            self._n += 1

    def replace_last(self, values: dict[str, float | np.ndarray]) -> None:
        """Record `values` for the newest epoch again, in place of what it held."""
        row = len(self) - 1
        if row < 0:
            raise ValueError("no row to replace")
        for name, column in self._columns.items():
            column[row] = values.get(name, np.nan)

    def _decimate(self) -> None:
        self.stride *= 2
        keep = self._epoch[: self._n] % self.stride == 0
        n = int(keep.sum())
        self._epoch[:n] = self._epoch[: self._n][keep]
        for column in self._columns.values():
            column[:n] = column[: self._n][keep]
            column[n:] = np.nan
        self._n = n
        self._newest_apart = False

    def arrays(self) -> dict[str, np.ndarray]:
        """Fresh copies: 'epoch' : (n,) and each column : (n,) or (n, width)."""
        n = len(self)
        out = {"epoch": self._epoch[:n].copy()}
        out.update({name: column[:n].copy() for name, column in self._columns.items()})
        return out
