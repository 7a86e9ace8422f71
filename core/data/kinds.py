"""The data kinds by name, and what each allows: the one place that says it.

A kind is a toy set drawn from its known distribution: classes (`core.data.datasets`) or
a regression law y = f(x) + ε (`core.data.laws`), data.n_points, noise, seed and split
making its points; or "csv", points of one's own (a CSV file, or drawn and imported in
the window: `core.data.points`), which bring their own rows, classes or real targets, and
may bring their own split. Validation, the keys that follow a change, the
controls that are enabled and the memory estimate all read these traits; `points_file`
says which file a data config reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from deepdials.core.data.datasets import KINDS, MULTICLASS_KINDS
from deepdials.core.data.laws import LAWS
from deepdials.core.data.points import MAX_CSV_CLASSES, MAX_CSV_ROWS

if TYPE_CHECKING:
    from deepdials.core.config.schema import DataConfig
    from deepdials.core.data.dataprep import Data

TASKS = ("classes", "regression")
MAX_CLASSES = 5  # of a kind whose classes are chosen (data.n_classes)


@dataclass(frozen=True)
class DataKind:
    name: str
    drawn: bool  # drawn from a known distribution; False: points given (kind "csv")
    classes: str  # "two"; "chosen" (data.n_classes, 2 to MAX_CLASSES); "given" (the points');
    # "none" (a regression set)
    max_classes: int
    max_rows: int | None  # the most rows its points may have; None: data.n_points says
    task: str = "classes"  # one of TASKS; "given": the points' (a label column named y: regression)
    inputs: int | None = 2  # raw inputs x₁ (, x₂); None: the points' (1 or 2)


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
        *(
            DataKind(
                name,
                drawn=True,
                classes="none",
                max_classes=0,
                max_rows=None,
                task="regression",
                inputs=law.inputs,
            )
            for name, law in LAWS.items()
        ),
        DataKind(
            "csv",
            drawn=False,
            classes="given",
            max_classes=MAX_CSV_CLASSES,
            max_rows=MAX_CSV_ROWS,
            task="given",
            inputs=None,
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


def task_of(data_config: DataConfig, data: Data | None = None) -> str:
    """ "classes" or "regression": the kind's; for points of one's own, the run's `data`'s
    when given, else "classes" (not yet read). The kind's comes first: a config whose kind
    just changed is read before its run has data."""
    task = DATA_KINDS[data_config.kind].task
    if task != "given":
        return task
    return "classes" if data is None else data.task


def inputs_of(data_config: DataConfig, data: Data | None = None) -> int:
    """Raw inputs (1 or 2): the kind's; for points of one's own, the run's `data`'s when
    given, else 2 (not yet read)."""
    inputs = DATA_KINDS[data_config.kind].inputs
    if inputs is not None:
        return inputs
    return 2 if data is None else data.n_inputs
