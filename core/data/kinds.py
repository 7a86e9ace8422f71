"""The data kinds by name, and what each allows: the one place that says it.

A kind is a toy set drawn from its known distribution (`core.data.datasets`: data.n_points,
noise, seed and split make its points), or "csv", points of one's own (a CSV file, or
drawn and imported in the window: `core.data.points`), which bring their own rows and
classes and may bring their own split. Validation, the keys that follow a change, the
controls that are enabled and the memory estimate all read these traits.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.data.datasets import KINDS, MULTICLASS_KINDS
from core.data.points import MAX_CSV_CLASSES, MAX_CSV_ROWS

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
