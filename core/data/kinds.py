"""The data kinds by name, and what each allows: the one place that says it.

A kind is a toy set drawn from its known distribution (`core.data.datasets`: data.n_points,
noise, seed and split make its points), or "csv", points of one's own (a CSV file, or
drawn and imported in the window: `core.data.points`), which bring their own rows and
classes and may bring their own split. Validation, the keys that follow a change, the
controls that are enabled and the memory estimate all read these traits; `points_file`
says which file a data config reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from deepdials.core.data.datasets import KINDS, MULTICLASS_KINDS
from deepdials.core.data.points import MAX_CSV_CLASSES, MAX_CSV_ROWS

if TYPE_CHECKING:
    from deepdials.core.config.schema import DataConfig

MAX_CLASSES = 5  # of a kind whose classes are chosen (data.n_classes)


@dataclass(frozen=True)
class DataKind:
    name: str
    drawn: bool  # drawn from a known distribution; False: points given (kind "csv")
    classes: str  # "two"; "chosen" (data.n_classes, 2 to MAX_CLASSES); "given" (the points')
    max_classes: int
    max_rows: int | None  # the most rows its points may have; None: data.n_points says


DATA_KINDS: dict[str, DataKind] = {
    kind.name: kind
    for kind in (
        *(
            DataKind(
                name,
                drawn=True,
                classes="chosen" if name in MULTICLASS_KINDS else "two",
                max_classes=MAX_CLASSES if name in MULTICLASS_KINDS else 2,
                max_rows=None,
            )
            for name in KINDS
        ),
        DataKind(
            "csv", drawn=False, classes="given", max_classes=MAX_CSV_CLASSES, max_rows=MAX_CSV_ROWS
        ),
    )
}
CHOSEN_CLASSES = tuple(name for name, kind in DATA_KINDS.items() if kind.classes == "chosen")


def points_file(data: DataConfig) -> str | None:
    """The file `data` reads its points from: data.csv, for a kind whose points are given;
    None for a kind drawn from its distribution, and for given points without a file (drawn
    or imported in the window, held in memory)."""
    return None if DATA_KINDS[data.kind].drawn or not data.csv else data.csv


def points_in_memory(data: DataConfig) -> bool:
    """Points given and no file to read them from: drawn or imported in the window."""
    return not DATA_KINDS[data.kind].drawn and points_file(data) is None
