"""Forward and backward passes of a fully connected network, with inverted dropout.

Shapes, for a batch of B examples and sizes (n_0, …, n_L) (see `core.engine.params`):

    A[0] = X                     : (B, n_0)
    Z[l] = A[l−1] W[l] + b[l]    : (B, n_l)
    A[l] = g(Z[l]) ⊙ D[l] / p_l  : (B, n_l)   for hidden l = 1..L−1 (D[l] ~ Bernoulli(p_l))
    A[L] = Z[L]                  : (B, K)     the logits; the loss takes it from there

Inverted dropout (the lecture's): a keep-prob p_l per layer from the input layer on; the
mask is drawn from the caller's Generator and scaled by 1/p_l so the expected activation
is unchanged; at evaluation there is no mask at all.

Backprop (the lecture's equations, row-major):

    dW[l] = A[l−1]ᵀ dZ[l]        db[l] = Σ_rows dZ[l]
    dA[l−1] = dZ[l] W[l]ᵀ        dZ[l−1] = dA[l−1] ⊙ D[l−1]/p ⊙ g'(Z[l−1])

g' is computed from the activation's output (see `core.engine.activations`); under dropout a
kept unit's output is a/p, so g' is taken at A·p, and a dropped unit's gradient is zeroed
by the mask anyway.

A `Workspace` holds every buffer a pass needs for one batch size, so a training step
allocates nothing; its arrays are the cache backprop reads and the layer views draw.

Inside, the buffers are stored feature-major, and each layer's input carries a row of ones:

    H[l] = [A[l]ᵀ; 1] : (n_l + 1, B)        Θ[l] = [W[l]; b[l]] : (n_{l−1} + 1, n_l)
    Z[l]ᵀ = Θ[l]ᵀ H[l−1]                    dΘ[l] = [dW[l]; db[l]] = H[l−1] dZ[l]

Θ[l] is θ's block for layer l as it lies (W[l] then b[l]), so the bias costs no call of its
own in either direction, and every array a pass touches is contiguous. The Workspace's
public lists A, dZ, dA hold (B, n_l) views of these buffers, in the row-major shapes above.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deepdials.core.engine.activations import Activation, in_place
from deepdials.core.engine.initializers import init_weights
from deepdials.core.engine.params import Layout, Params
from deepdials.core.errors import CancelledError

# np.dot costs ~0.4 µs less per call; np.matmul runs larger products 5–10% faster (measured)
MATMUL_ROWS = 1000
# An evaluation pass (`BlockedForward`) works on blocks of columns whose two live layers
# (input with its row of ones, output) take at most about BLOCK_BYTES, so they stay in L2
# from the first layer to the last, and whose largest product has at most BLOCK_MACS
# multiply-adds: up to that size OpenBLAS (x86-64, AVX-512) takes its small-matrix kernel,
# which packs nothing. Layers too wide for that even at MIN_BLOCK columns take blocks of
# about a third of CHUNK_FLOPS (a forward pass is a third of a chunk's work), so that a
# pass can stop between two blocks at most ~20 ms apart (measured at 50 × 256, one BLAS
# thread: as fast as one block of every column).
BLOCK_BYTES = 512 * 1024
BLOCK_MACS = 1_000_000
MIN_BLOCK = 128


def init_params(
    sizes: tuple[int, ...], init: str, scale: float, rng: np.random.Generator, dtype=np.float32
) -> Params:
    """Weights drawn layer by layer with `rng` (float64, then cast), biases zero."""
    layout = Layout(tuple(sizes))
    params = Params(layout, np.zeros(layout.n_params, dtype=dtype))
    for W, n_in, n_out in zip(params.W, sizes[:-1], sizes[1:]):
        W[...] = init_weights(init, rng, n_in, n_out, scale)
    return params


class Blocks:
    """Per-layer views of one θ (or gradient) vector, indexed by layer l = 1..L (0 unused).

    `stacked[l]` = Θ[l] : (n_{l−1} + 1, n_l); `stacked_T[l]` = Θ[l]ᵀ; `W[l]` : (n_{l−1}, n_l).
    """

    def __init__(self, layout: Layout, theta: np.ndarray):
        self.theta = theta
        stacked = [
            theta[s].reshape(n_in + 1, n_out)
            for s, n_in, n_out in zip(layout.layer_slices(), layout.sizes[:-1], layout.sizes[1:])
        ]
        self.stacked = [None, *stacked]
        self.stacked_T = [None, *(block.T for block in stacked)]
        self.W = [None, *(block[:-1] for block in stacked)]


# ----- passes over many rows run in chunks of at most `chunk_rows(sizes)` rows -----

CHUNK_BYTES = 64 << 20  # the most one training workspace may hold
# the work of one chunk's forward + backward pass, about 50 ms: the granularity of a time
# budget (a slice overruns its budget by one chunk at most)
CHUNK_FLOPS = 2e9
MIN_CHUNK_ROWS = 128  # below this a matrix product loses a third of its speed (measured)


def workspace_bytes_per_row(sizes: tuple[int, ...], itemsize: int, backward: bool = True) -> int:
    """Bytes a `Workspace` holds per row: H (with its rows of ones) and the logits; with
    `backward` also dZ, dA, the scratch and the masks."""
    L = len(sizes) - 1
    below = sum(sizes[:L])  # n_0 + … + n_{L−1}
    floats = below + L + sizes[L]
    if backward:
        floats += sum(sizes[1:]) + 3 * below
    return floats * itemsize


def flops_per_row(sizes: tuple[int, ...]) -> int:
    """Multiply-adds ×2 of a forward and a backward pass (3 products a layer) for one row."""
    return 6 * sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def chunk_rows(sizes: tuple[int, ...], itemsize: int = 4) -> int:
    """Rows per chunk of every pass over many rows of a network of `sizes`: at most
    CHUNK_BYTES of training workspace and CHUNK_FLOPS of work, but not fewer than
    MIN_CHUNK_ROWS rows unless the bytes say so. A function of the sizes alone, so a run's
    arithmetic (and its bits) never depends on the time, the load or the free memory."""
    by_bytes = max(1, CHUNK_BYTES // workspace_bytes_per_row(sizes, itemsize))
    by_flops = max(MIN_CHUNK_ROWS, int(CHUNK_FLOPS // flops_per_row(sizes)))
    return int(min(by_bytes, by_flops))


class _Buffers:
    """Flat storage behind a Workspace and its views, for any row count up to `capacity`.
    `ones_rows` is the row count of the view whose rows of ones (H[l][-1]) are in place: a
    number, not the view, so that no reference cycle keeps the memory alive."""

    def __init__(self, sizes: tuple[int, ...], capacity: int, dtype, backward: bool):
        L = len(sizes) - 1
        self.capacity = capacity
        self.backward = backward
        self.H = [np.empty((n + 1) * capacity, dtype) for n in sizes[:L]]
        self.logits = np.empty(sizes[L] * capacity, dtype)
        if backward:
            self.dZ = [np.empty(n * capacity, dtype) for n in sizes[1:]]
            self.dA = [np.empty(n * capacity, dtype) for n in sizes[:L]]
            self.scratch = [np.empty(n * capacity, dtype) for n in sizes[:L]]
            self.masks = [np.empty(n * capacity, dtype) for n in sizes[:L]]
        self.ones_rows: int | None = None


def _shaped(flat: np.ndarray, n: int, rows: int) -> np.ndarray:
    return flat[: n * rows].reshape(n, rows)


class Workspace:
    """Buffers for a batch of B rows: activations (the cache), gradients of Z, masks.

    Public, as (B, n_l) views: A[l] for l = 0..L (A[0] the input as the pass saw it, A[L]
    the logits), dZ[l] for l = 1..L, dA[l] for l = 1..L−1; masks[l] and keep[l] for
    l = 0..L−1. The feature-major buffers behind them are described in the module docstring.

    `backward=False` holds only what a forward pass needs (H and the logits, a fifth of
    the memory): for scoring. `view(rows)` is a Workspace of fewer rows on the same memory
    (the last, shorter chunk of a pass).
    """

    def __init__(
        self,
        sizes: tuple[int, ...],
        rows: int,
        dtype,
        backward: bool = True,
        _buffers: _Buffers | None = None,
    ):
        self.rows = rows
        self.sizes = tuple(sizes)
        self.product = np.matmul if rows >= MATMUL_ROWS else np.dot
        b = self._buffers = _buffers or _Buffers(self.sizes, rows, dtype, backward)
        # the views made of this workspace; a view holds the buffers, not its root
        self._views: dict[int, Workspace] | None = {} if _buffers is None else None
        L = len(sizes) - 1
        self.H = [_shaped(flat, n + 1, rows) for flat, n in zip(b.H, sizes[:L])]
        # Z_T[l] = A[l]ᵀ : (n_l, B), the activations above H's row of ones; for l = L the logits
        self.Z_T = [H[:-1] for H in self.H] + [_shaped(b.logits, sizes[L], rows)]
        self.A: list[np.ndarray] = [Z.T for Z in self.Z_T]
        self.backward = b.backward
        if b.backward:
            self.dZ_T = [None] + [_shaped(f, n, rows) for f, n in zip(b.dZ, sizes[1:])]
            self.dA_T = [_shaped(f, n, rows) for f, n in zip(b.dA, sizes[:L])]
            self.scratch_T = [_shaped(f, n, rows) for f, n in zip(b.scratch, sizes[:L])]
            self.mask_buffers = [_shaped(f, n, rows) for f, n in zip(b.masks, sizes[:L])]
            self.dZ: list[np.ndarray | None] = [None] + [d.T for d in self.dZ_T[1:]]
            self.dA = [d.T for d in self.dA_T]
        self.no_masks: tuple[None, ...] = (None,) * L
        self.masks: list[np.ndarray | None] | tuple[None, ...] = self.no_masks
        self.masks_T: list[np.ndarray | None] | tuple[None, ...] = self.no_masks
        self.no_dropout = (1.0,) * L
        self.keep: list[float] | tuple[float, ...] = self.no_dropout
        self._blocks: dict[str, Blocks] = {}
        self.ready()

    @property
    def capacity(self) -> int:
        return self._buffers.capacity

    def view(self, rows: int) -> Workspace:
        """A Workspace for 0 < `rows` ≤ capacity rows on this one's memory."""
        if not 0 < rows <= self.capacity:
            raise ValueError(f"{rows} rows do not fit a workspace of {self.capacity}")
        if rows == self.rows:
            return self
        ws = self._views.get(rows) if self._views is not None else None
        if ws is None:
            ws = Workspace(self.sizes, rows, None, _buffers=self._buffers)
            if self._views is not None:
                self._views[rows] = ws
        return ws

    def ready(self) -> None:
        """Put this view's rows of ones in place (another view may have overwritten them)."""
        if self._buffers.ones_rows != self.rows:
            for H in self.H:
                H[-1] = 1
            self._buffers.ones_rows = self.rows

    def blocks(self, role: str, params: Params) -> Blocks:
        """Views of `params` (role 'params' or 'grads'), rebuilt only when its θ changes."""
        cached = self._blocks.get(role)
        if cached is None or cached.theta is not params.theta:
            cached = self._blocks[role] = Blocks(params.layout, params.theta)
        return cached


def _draw_mask(ws: Workspace, layer: int, keep: float, rng: np.random.Generator) -> np.ndarray:
    """D/p for inverted dropout: 1/p where a uniform draw < p, else 0. (rows, n_layer)."""
    mask = ws.mask_buffers[layer]
    rng.random(dtype=mask.dtype, out=mask)
    np.less(mask, keep, out=mask)
    mask *= 1.0 / keep
    return mask.T


def _keep_of(mask: np.ndarray | None) -> float:
    """p of a mask whose entries are 0 or 1/p."""
    top = 0.0 if mask is None else float(mask.max())
    return 1.0 / top if top > 0 else 1.0


def _set_masks(
    ws: Workspace,
    keep: tuple[float, ...] | None,
    rng: np.random.Generator | None,
    masks: list[np.ndarray | None] | None,
) -> None:
    """ws.masks, ws.masks_T and ws.keep for this pass (see `forward`)."""
    if masks is None and keep is not None:
        masks = [_draw_mask(ws, layer, p, rng) if p < 1.0 else None for layer, p in enumerate(keep)]
    if masks is None:
        ws.masks, ws.masks_T, ws.keep = ws.no_masks, ws.no_masks, ws.no_dropout
        return
    ws.masks = list(masks)
    ws.masks_T = [None if m is None else m.T for m in masks]
    ws.keep = list(keep) if keep is not None else [_keep_of(m) for m in masks]


def forward(
    params: Params,
    X: np.ndarray,
    act: Activation,
    ws: Workspace,
    keep: tuple[float, ...] | None = None,
    rng: np.random.Generator | None = None,
    masks: list[np.ndarray | None] | None = None,
) -> np.ndarray:
    """Logits Z[L] : (B, K) for X : (B, n_0). Fills `ws` as the cache for `backward`.

    `keep` (one keep-prob per layer 0..L−1) with `rng` draws fresh dropout masks; `masks`
    (one (B, n_l) array or None per layer, entries 0 or 1/p) fixes them instead, for
    gradient checking with dropout. Neither: evaluation, no dropout.
    """
    ws.ready()
    _set_masks(ws, keep, rng, masks)
    Z_T, H, masks_T = ws.Z_T, ws.H, ws.masks_T
    if masks_T[0] is None:
        np.copyto(Z_T[0], X.T)
    else:
        np.multiply(X.T, masks_T[0], out=Z_T[0])
    theta_T = ws.blocks("params", params).stacked_T
    product = ws.product
    L = len(H)
    for layer in range(1, L):
        Z = Z_T[layer]
        product(theta_T[layer], H[layer - 1], out=Z)
        act.value(Z, Z)
        if masks_T[layer] is not None:
            Z *= masks_T[layer]
    product(theta_T[L], H[L - 1], out=Z_T[L])
    return ws.A[L]


def backward(params: Params, act: Activation, ws: Workspace, grads: Params) -> Params:
    """Fill `grads` (same layout) from ws.dZ[L], which the loss has already written.

    Reads the cache `forward` left in `ws`; returns `grads`.
    """
    W = ws.blocks("params", params).W
    d_theta = ws.blocks("grads", grads).stacked
    H, dZ, dZ_T, dA_T, product = ws.H, ws.dZ, ws.dZ_T, ws.dA_T, ws.product
    for layer in range(len(H), 1, -1):
        below = layer - 1
        product(H[below], dZ[layer], out=d_theta[layer])
        dA = dA_T[below]
        product(W[layer], dZ_T[layer], out=dA)
        a = ws.Z_T[below]
        mask = ws.masks_T[below]
        if mask is not None:
            dA *= mask
            a = np.multiply(a, ws.keep[below], out=ws.scratch_T[below])
        act.derivative(a, dZ_T[below])
        dZ_T[below] *= dA
    product(H[0], dZ[1], out=d_theta[1])
    return grads


def block_columns(
    sizes: tuple[int, ...], rows: int, itemsize: int, block: int | None = None
) -> int:
    """Columns per block of a `BlockedForward` over `rows` rows (about `block` if given)."""
    if block is None:
        pairs = list(zip(sizes[:-1], sizes[1:]))
        live = max(n_in + 1 + n_out for n_in, n_out in pairs) * itemsize
        macs = max((n_in + 1) * n_out for n_in, n_out in pairs)
        block = max(MIN_BLOCK, min(BLOCK_BYTES // live, BLOCK_MACS // macs))
        if block * macs > BLOCK_MACS:  # wide layers: blocks of a bounded time
            block = max(MIN_BLOCK, int(3 * CHUNK_FLOPS // flops_per_row(sizes)))
    n_blocks = max(1, -(-rows // block))
    width = -(-rows // n_blocks)
    if width % 256 == 0 and width < rows:  # rows a multiple of 1 KiB apart alias in cache
        width += 16
    return width


def _hidden_buffer(sizes: tuple[int, ...], layer: int, columns: int) -> tuple[int, int, int]:
    """The ping-pong buffer hidden layer `layer` of a block of `columns` columns writes: one
    (n_l + 1, columns) buffer, its last row ones, per layer width, layer parity and block
    width (n_l, l mod 2, columns)."""
    return sizes[layer], layer & 1, columns


def blocked_forward_bytes(
    sizes: tuple[int, ...], rows: int, itemsize: int, block: int | None = None
) -> int:
    """Bytes of the arrays a `BlockedForward` over `rows` rows holds: each block's inputs
    with their row of ones (n_0 + 1, w), the hidden layers' buffers (`_hidden_buffer`) and
    the logits (K, rows)."""
    width = block_columns(sizes, rows, itemsize, block)
    columns = {min(start + width, rows) - start for start in range(0, rows, width)}
    L = len(sizes) - 1
    buffers = {_hidden_buffer(sizes, layer, w) for w in columns for layer in range(1, L)}
    hidden = sum((n + 1) * w for n, _, w in buffers)
    return (rows * (sizes[0] + 1) + hidden + sizes[L] * rows) * itemsize


class BlockedForward:
    """Logits for a fixed set of rows X: an evaluation pass (no dropout, no cache kept).

    The same products as `forward`, column for column, but the B columns are taken in
    blocks (sized by BLOCK_BYTES, BLOCK_MACS and CHUNK_FLOPS, above), and each block goes
    through all L layers before the next starts, ping-ponging between two feature-major
    buffers per layer width. A block's layers so stay in L2, where `forward` writes each
    layer's whole (n_l + 1, B) buffer: for the 100×100 grid through 32 units that is 1.3 MB
    a layer, and every layer reads its input back from L3. X's transpose with its row of
    ones is built once, here. No threads of its own: the products use NumPy's BLAS, as
    `forward` does.

    The logits equal `forward`'s to float rounding: the BLAS may sum a product of another
    shape in another order (for the 32-unit layers of the default nets it does not, and
    they agree bit for bit).
    """

    def __init__(self, sizes: tuple[int, ...], X: np.ndarray, dtype, block: int | None = None):
        self.sizes = tuple(sizes)
        rows, L = len(X), len(sizes) - 1
        width = block_columns(sizes, rows, np.dtype(dtype).itemsize, block)
        self.block = width
        # (K, B): block b's logits are the columns of its slice, which np.matmul writes in
        # place for any K (np.dot wants a C-contiguous out)
        self.logits_T = np.empty((sizes[L], rows), dtype)
        hidden_product = np.matmul if width >= MATMUL_ROWS else np.dot
        buffers: dict[tuple[int, int, int], np.ndarray] = {}
        # per block, layer by layer: (product, l, input H (n_{l−1} + 1, w), output Z (n_l, w))
        self._blocks_steps: list[list[tuple[object, int, np.ndarray, np.ndarray]]] = []
        for start in range(0, rows, width):
            stop = min(start + width, rows)
            H = np.ones((sizes[0] + 1, stop - start), dtype)
            H[:-1] = X[start:stop].T
            steps = []
            for layer in range(1, L):
                key = _hidden_buffer(self.sizes, layer, stop - start)
                if key not in buffers:
                    buffers[key] = np.ones((sizes[layer] + 1, stop - start), dtype)
                steps.append((hidden_product, layer, H, buffers[key][:-1]))
                H = buffers[key]
            steps.append((np.matmul, L, H, self.logits_T[:, start:stop]))
            self._blocks_steps.append(steps)
        self._blocks: Blocks | None = None
        self._act: Activation | None = None
        self._applies: list[list] = []

    def __call__(
        self, params: Params, act: Activation, cancelled: Callable[[], bool] | None = None
    ) -> np.ndarray:
        """Z[L] : (B, K), a view of a buffer that the next call overwrites. `cancelled()`,
        asked between two blocks, stops the pass with `CancelledError`."""
        if self._blocks is None or self._blocks.theta is not params.theta:
            self._blocks = Blocks(params.layout, params.theta)
        if act is not self._act:
            L = len(self.sizes) - 1
            self._applies = [
                [None if layer == L else in_place(act, Z) for _, layer, _, Z in steps]
                for steps in self._blocks_steps
            ]
            self._act = act
        theta_T = self._blocks.stacked_T
        for index, (steps, applies) in enumerate(zip(self._blocks_steps, self._applies)):
            if index and cancelled is not None and cancelled():
                raise CancelledError("stopped between two blocks")
            for (product, layer, H, Z), apply in zip(steps, applies):
                product(theta_T[layer], H, out=Z)
                if apply is not None:
                    apply()
        return self.logits_T.T
