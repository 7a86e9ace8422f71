"""Which picture draws a run in the boundary's place, by its task and its inputs: one row
each. A new kind of task or input draws itself by a new row here."""

from __future__ import annotations

from deepdials.app.views.boundary import BoundaryView
from deepdials.app.views.fit import FitView
from deepdials.app.views.run_plot import RunPlot
from deepdials.app.views.surface import SurfaceView
from deepdials.core.engine.snapshot import RunInfo

PICTURES: dict[tuple[str, int], type[RunPlot]] = {
    ("classes", 2): BoundaryView,  # regions, their boundary, points by class
    ("regression", 1): FitView,  # y against x₁: the points, ŷ(x₁), the true f ± σ
    ("regression", 2): SurfaceView,  # ŷ(x₁, x₂) on a diverging map, points by their y
}


def picture_for(info: RunInfo) -> type[RunPlot]:
    return PICTURES[(info.task, info.n_inputs)]
