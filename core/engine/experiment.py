"""An experiment: a config and where its data comes from, all a run needs to start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deepdials.core.config.schema import Config, needs_new_run
from deepdials.core.data.kinds import DATA_KINDS
from deepdials.core.data.points import Points
from deepdials.core.engine.state import RunState, new_run


@dataclass(frozen=True)
class Experiment:
    """`config`, with `base_dir` (what a relative data.csv is relative to) and, for kind
    "csv", `points` held in memory (drawn or imported) instead of the file's."""

    config: Config
    base_dir: Path | None = None
    points: Points | None = None

    def start(self, run_id: int = 0) -> RunState:
        return new_run(self.config, run_id=run_id, base_dir=self.base_dir, points=self.points)

    def needs_new_run(self, other: Experiment) -> bool:
        """True when `other` cannot continue this experiment's run (see `needs_new_run`):
        the file and its folder count only while the points come from the file."""
        if self.points is not other.points:
            return True
        in_memory = self.points is not None
        from_file = not in_memory and not DATA_KINDS[self.config.data.kind].drawn
        if from_file and self.base_dir != other.base_dir:
            return True
        return needs_new_run(self.config, other.config, points_in_memory=in_memory)
