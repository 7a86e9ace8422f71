"""Setting one weight or bias of a run by hand, and taking it back.

A parameter is named as the lecture writes it, units counted from 1:

    W[l][i,j]   the weight from unit i of layer l−1 to unit j of layer l  (W[l] : (n_{l−1}, n_l))
    b[l][j]     the bias of unit j of layer l

`set_parameter` writes the value into θ, keeps the value it replaced, and scores θ again
at the run's epoch (its metrics and the history's last row become the edited network's),
so that the boundary, the curves' current point and the layer views show the edit at
once; training goes on from the edited θ. An edit of the parameter edited last, at the
same epoch, is folded into that edit (a slider drag is one edit). `undo_edit` writes the
value back, bit for bit, and scores again. A run that has diverged is not edited: its θ
is not finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdials.core.engine.run import rescore
from deepdials.core.engine.snapshot import Status
from deepdials.core.engine.state import RunState
from deepdials.core.errors import InputError


@dataclass(frozen=True)
class ParamRef:
    """Which parameter: a weight (`row` its input unit) or a bias (`row` None), of unit
    `unit` in layer `layer` = 1..L; indices from 0."""

    layer: int
    row: int | None
    unit: int

    @property
    def name(self) -> str:
        if self.row is None:
            return f"b[{self.layer}][{self.unit + 1}]"
        return f"W[{self.layer}][{self.row + 1},{self.unit + 1}]"


@dataclass(frozen=True)
class ParamEdit:
    """One edit: the parameter, the value it had and the value it was given, at `epoch`;
    `status`, the run's before the edit (what undoing a divergence it caused gives back)."""

    ref: ParamRef
    old: float
    new: float
    epoch: int
    status: Status = Status.RUNNING

    def __str__(self) -> str:
        return f"{self.ref.name} = {self.new:.4g}"


def _block(state: RunState, ref: ParamRef) -> tuple[np.ndarray, tuple[int, ...]]:
    """The array of θ that holds `ref` and its index there; InputError if there is none."""
    sizes = state.sizes
    L = len(sizes) - 1
    if not 1 <= ref.layer <= L:
        raise InputError(f"{ref.name}: there is no layer {ref.layer} (layers 1 to {L})")
    if not 0 <= ref.unit < sizes[ref.layer]:
        raise InputError(f"{ref.name}: layer {ref.layer} has {sizes[ref.layer]} units")
    if ref.row is None:
        return state.params.b[ref.layer - 1], (ref.unit,)
    if not 0 <= ref.row < sizes[ref.layer - 1]:
        raise InputError(f"{ref.name}: layer {ref.layer - 1} has {sizes[ref.layer - 1]} units")
    return state.params.W[ref.layer - 1], (ref.row, ref.unit)


def set_parameter(state: RunState, ref: ParamRef, value: float) -> ParamEdit:
    """Give the parameter `ref` the value `value` (finite) and score θ again; returns the
    edit, also the last of `state.edits`."""
    if not np.isfinite(value):
        raise InputError(f"{ref.name}: {value} is not a finite number")
    if state.status == Status.DIVERGED:
        raise InputError("the network has diverged: Reset it before setting a weight")
    block, index = _block(state, ref)
    last = state.edits[-1] if state.edits else None
    if last is not None and last.ref == ref and last.epoch == state.epoch:
        old, status = last.old, last.status  # folded into the last edit
        state.edits.pop()
    else:
        old, status = block[index].item(), state.status
    with np.errstate(over="ignore"):  # past the run's float range: inf, and a divergence
        block[index] = value
    edit = ParamEdit(ref, old, block[index].item(), state.epoch, status)
    state.edits.append(edit)
    rescore(state)
    return edit


def undo_edit(state: RunState) -> ParamEdit | None:
    """Take the last edit back (its parameter gets its old value again, the same bits)
    and score θ again; returns it, or None when there is none. A run the edit made
    diverge (at the edit's epoch, not trained since) gets its status back: it runs again,
    or stays finished or early-stopped."""
    if not state.edits:
        return None
    edit = state.edits.pop()
    block, index = _block(state, edit.ref)
    block[index] = edit.old
    if state.status == Status.DIVERGED and state.diverged_at == edit.epoch == state.epoch:
        state.status, state.diverged_at = edit.status, None
    if state.status != Status.DIVERGED:
        rescore(state)
    return edit


def edits_text(edits: tuple[ParamEdit, ...] | list[ParamEdit]) -> str:
    """What a run edited by hand says of it: 'edited: W[2][3,1] = 0.5', with how many
    when there are more; '' for none."""
    if not edits:
        return ""
    if len(edits) == 1:
        return f"edited: {edits[0]}"
    return f"edited ×{len(edits)}, last: {edits[-1]}"
