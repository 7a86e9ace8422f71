"""The train / val / test data of a run, built from its `DataConfig`; and CSV loading.

Randomness: one named stream of data.seed each (`core.streams`) for sampling, splitting,
mismatch and augmentation, so that changing one setting does not reshuffle what the
others drew (a new `augment` leaves val as it was, and so on).

For a generated kind (σ = noise, m = mismatch, a = augment; `core.data.datasets` for the kinds):

1. Sample n_points points, the classes in equal numbers.
2. Split, stratified by class, into sizes ⌊f_j n⌋ for the fractions f = `split` with the
   leftover points going to the largest fractional parts (largest remainder).
3. Mismatch, m > 0: val and test keep their labels but their points are drawn afresh from
   the shifted, noisier distribution x = c + ε' + (0.5 m, 0), ε' ~ N(0, (σ² + (0.3 m)²) I):
   the lecture's "train on sharp web photos, test on blurry phone photos". The val points
   as first drawn, from the training distribution and never trained on, are kept as the
   **train-dev** split (as many points as val, its labels): it tells the variance
   (train-dev − train) apart from the data mismatch (val against train-dev). Without
   mismatch there is no train-dev split (None) and nothing is drawn for it.
4. Augment, a > 0: a copies of every training point, each x' = A x + t + 0.02 ε with
   ε ~ N(0, I) and label perm[y], for a symmetry (A, t, perm) of the generating distribution
   drawn uniformly from `datasets.symmetries` (data units: the toy sets span about ±1.5).
5. scale_x1: x1 of every split is multiplied by it (the badly scaled input).

For a regression kind (`core.data.laws`: y = f(x) + ε, 1 or 2 inputs):

1. Sample n_points inputs x uniform on [−1, 1]^d and y = f(x) + σ ε.
2. Split as above, stratified along x₁ (the points ordered by x₁ are dealt out in turn,
   so each split spreads over the whole range of x₁, the curve's training points too).
3. Mismatch, m > 0: a shift of x. Val and test are drawn afresh at x + (0.5 m, 0) (the
   same f there) with noise √(σ² + (0.3 m)²); train-dev as above.
4. Augment, a > 0: a copies of every training point, each (A x, s y) for a symmetry
   (A, s) of the law drawn uniformly (`core.data.laws`: sine is odd, |x| even; plane and
   gauss: the mirrors and turns of the square that keep f or flip its sign); exact
   copies, no jitter (jitter in x is no symmetry of y = f(x)).
5. scale_x1 as above.
The Bayes error (in mean squared error) is σ², and σ² + (0.3 m)² for val and test under
mismatch.

For kind "csv" the points (`core.data.points`: read from the file, or given in memory) give
the labels (K = largest label + 1), or real targets (a column y: regression), and, when they
carry one, the split; otherwise step 2 splits them. Steps 3 and 4 work in units of s_j, the
training split's standard deviation of column j: mismatch moves val and test by (0.5 m s_1,
0) and adds noise of std 0.3 m s_j; augmentation is jitter of std 0.02 s_j only. The Bayes
error is unknown (None).

`extent` is the bounding box of every point of every split, widened by 10% of its size on
each side (by 0.5 on each side of an axis where all points coincide); for one input, its
x2 part is the range of the targets y, widened alike: (x1_min, x1_max, y_min, y_max).
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass

import numpy as np

from deepdials.core.config.schema import DataConfig
from deepdials.core.data import laws
from deepdials.core.data.bayes import bayes_error
from deepdials.core.data.datasets import class_count, sample, sample_for_labels, symmetries
from deepdials.core.data.kinds import DATA_KINDS, points_file
from deepdials.core.data.points import SPLITS, Points, load_points
from deepdials.core.errors import InputError
from deepdials.core.streams import data_stream

MISMATCH_SHIFT = 0.5  # × m, along x1
MISMATCH_NOISE = 0.3  # × m, added in quadrature
JITTER = 0.02
MARGIN = 0.1


@dataclass(frozen=True)
class Split:
    X: np.ndarray  # (n, d) float64, d = 1 or 2 raw inputs, in the user's coordinates
    y: np.ndarray  # (n,) int64 class labels, or float64 targets (regression)
    augmented: np.ndarray  # (n,) bool, True for points made by augmentation (train only)
    shifted: bool  # drawn from the mismatched distribution


@dataclass(frozen=True)
class Data:
    train: Split
    val: Split
    test: Split
    n_classes: int  # 0 for regression
    bayes_error: float | None  # of the training distribution; None for CSV data
    bayes_error_shifted: float | None  # of the val/test distribution when mismatch > 0
    extent: tuple[float, float, float, float]  # (x1_min, x1_max, x2_min, x2_max) + margin
    own_split: bool = False  # the points came with their split (data.split did not apply)
    train_dev: Split | None = None  # training distribution, not trained on; mismatch > 0 only
    task: str = "classes"  # or "regression"
    noise: float | None = None  # σ of y's noise (regression kinds); None: unknown or classes

    @property
    def n_inputs(self) -> int:
        """Raw inputs: 1 (x₁) or 2 (x₁, x₂)."""
        return self.train.X.shape[1]


def _split(cfg, X: np.ndarray, y: np.ndarray, augmented: int, shifted: bool) -> Split:
    """Points in the data's own units (x₁ times scale_x1), the last `augmented` of them
    augmented copies."""
    flags = np.arange(len(y)) >= len(y) - augmented
    scale = np.array([cfg.scale_x1, 1.0])[: X.shape[1]]
    y = y if y.dtype.kind == "f" else y.astype(np.int64)
    return Split(X * scale, y, flags, shifted=shifted)


def build_data(
    cfg: DataConfig, base_dir: pathlib.Path | None = None, points: Points | None = None
) -> Data:
    """All three splits of `cfg` (see the module docstring). For kind "csv", `points` held
    in memory, else the file `cfg.csv` (relative to `base_dir`). Same config and points →
    bit-identical data."""
    kind = DATA_KINDS[cfg.kind]
    drawn = kind.drawn
    if not drawn:
        if points is None:
            path = points_file(cfg)
            if path is None:
                raise InputError(f'data.csv: kind "{cfg.kind}" needs a file path')
            points = load_points(_csv_path(path, base_dir))
        X, y = points.X, points.y
        task = points.task
        K = int(y.max()) + 1 if task == "classes" else 0
        which = point_splits(points, cfg.split, cfg.seed)
        _check_training_rows(cfg, points, which)
        unit = X[which == 0].std(axis=0)
    else:
        task = kind.task
        rng = data_stream(cfg.seed, "sample")
        if task == "regression":
            K = 0
            X, y = laws.sample(cfg.kind, cfg.n_points, cfg.noise, rng)
        else:
            K = class_count(cfg.kind, cfg.n_classes)
            X, y = sample(cfg.kind, cfg.n_points, K, cfg.noise, rng)
        which = split_indices(_strata(X, y, task), cfg.split, data_stream(cfg.seed, "split"))
        unit = np.ones(X.shape[1])
    parts = [(X[which == j], y[which == j]) for j in range(3)]

    m = cfg.mismatch
    train_dev = None
    if m > 0:
        train_dev = _split(cfg, *parts[1], augmented=0, shifted=False)
        rng = data_stream(cfg.seed, "mismatch")
        parts[1:] = [_mismatched(cfg, K, Xs, ys, unit, rng) for Xs, ys in parts[1:]]
    X_train, y_train = parts[0]
    n_train = len(y_train)
    if cfg.augment > 0:
        rng = data_stream(cfg.seed, "augment")
        X_aug, y_aug = _augmented(cfg, K, X_train, y_train, unit, rng)
        X_train, y_train = np.concatenate([X_train, X_aug]), np.concatenate([y_train, y_aug])
    parts[0] = (X_train, y_train)

    splits = [
        _split(cfg, Xs, ys, augmented=len(ys) - n_train if j == 0 else 0, shifted=j > 0 and m > 0)
        for j, (Xs, ys) in enumerate(parts)
    ]

    bayes = bayes_shifted = None
    if drawn and task == "regression":
        bayes = cfg.noise**2
        if m > 0:
            bayes_shifted = cfg.noise**2 + (MISMATCH_NOISE * m) ** 2
    elif drawn:
        bayes = bayes_error(cfg.kind, K, cfg.noise)
        if m > 0:
            bayes_shifted = bayes_error(cfg.kind, K, cfg.noise, extra_noise=MISMATCH_NOISE * m)
    every = np.concatenate([s.X for s in splits])
    if every.shape[1] == 1:
        every = np.column_stack([every, np.concatenate([s.y for s in splits])])
    return Data(
        *splits,
        n_classes=K,
        bayes_error=bayes,
        bayes_error_shifted=bayes_shifted,
        extent=_extent(every),
        own_split=not drawn and points.split is not None,
        train_dev=train_dev,
        task=task,
        noise=cfg.noise if drawn and task == "regression" else None,
    )


MIN_TRAIN_ROWS = 2


def _check_training_rows(cfg: DataConfig, points: Points, which: np.ndarray) -> None:
    """Refuse points whose training split holds fewer than MIN_TRAIN_ROWS rows."""
    n = int(np.count_nonzero(which == 0))
    if n >= MIN_TRAIN_ROWS:
        return
    source = cfg.csv or "the points drawn"
    if points.split is not None:
        raise InputError(
            f"{source}: column split: {n} row(s) in train; training needs at least {MIN_TRAIN_ROWS}"
        )
    raise InputError(
        f"data.split: {list(cfg.split)} leaves {n} of the {len(points)} rows of {source} "
        f"for training; it needs at least {MIN_TRAIN_ROWS}"
    )


def split_sizes(n: int, fractions: tuple[float, float, float]) -> np.ndarray:
    """(3,) int: ⌊f_j n⌋, plus one for the largest fractional parts until they sum to n."""
    exact = np.asarray(fractions, dtype=np.float64) * n
    sizes = np.floor(exact).astype(np.int64)
    leftover = n - int(sizes.sum())
    sizes[np.argsort(-(exact - sizes), kind="stable")[:leftover]] += 1
    return sizes


def split_indices(
    y: np.ndarray, fractions: tuple[float, float, float], rng: np.random.Generator
) -> np.ndarray:
    """(n,) int8: 0 train, 1 val, 2 test; sizes from `split_sizes`, stratified by class
    (or by any value y orders: a regression's x₁).

    The points are ordered by class (randomly within a class) and dealt out along that order
    by an evenly interleaved sequence of split labels (split j's k-th label sits at position
    (k + ½)/n_j of the sequence), so each class is split in the proportions f up to ±1 point.
    """
    n = len(y)
    sizes = split_sizes(n, fractions)
    order = rng.permutation(n)
    order = order[np.argsort(y[order], kind="stable")]
    positions = np.concatenate([(np.arange(c) + 0.5) / c for c in sizes if c])
    labels = np.repeat(np.arange(3, dtype=np.int8), sizes)
    which = np.empty(n, dtype=np.int8)
    which[order] = labels[np.argsort(positions, kind="stable")]
    return which


def point_splits(points: Points, fractions: tuple[float, float, float], seed: int) -> np.ndarray:
    """(n,) int8 split of each point (0 train, 1 val, 2 test): its own, or `split_indices`
    by `fractions` with the split stream of `seed`."""
    if points.split is not None:
        return np.array([SPLITS.index(str(name)) for name in points.split], dtype=np.int8)
    strata = _strata(points.X, points.y, points.task)
    return split_indices(strata, fractions, data_stream(seed, "split"))


def _strata(X: np.ndarray, y: np.ndarray, task: str) -> np.ndarray:
    """What a split is stratified by: the class, or for regression x₁."""
    return X[:, 0] if task == "regression" else y


def _mismatched(cfg: DataConfig, K: int, X, y, unit, rng) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of the mismatched distribution in place of (X, y) (module docstring, 3)."""
    m = cfg.mismatch
    shift = np.array([MISMATCH_SHIFT * m, 0.0])[: X.shape[1]] * unit
    kind = DATA_KINDS[cfg.kind]
    if not kind.drawn:
        return X + shift + MISMATCH_NOISE * m * unit * rng.standard_normal(X.shape), y
    noise = math.hypot(cfg.noise, MISMATCH_NOISE * m)
    if kind.task == "regression":
        X = laws.sample_inputs(cfg.kind, len(y), rng) + shift
        return X, laws.targets_for(cfg.kind, X, noise, rng)
    return sample_for_labels(cfg.kind, y, K, noise, rng) + shift, y


def _augmented(cfg: DataConfig, K: int, X, y, unit, rng) -> tuple[np.ndarray, np.ndarray]:
    """`augment` copies of (X, y) by random symmetries (plus jitter, for classes and for
    points of one's own) (module docstring, 4)."""
    X = np.tile(X, (cfg.augment, 1))
    y = np.tile(y, cfg.augment)
    kind = DATA_KINDS[cfg.kind]
    if kind.drawn and kind.task == "regression":
        A, s = (np.array(a) for a in zip(*laws.LAWS[cfg.kind].symmetries, strict=True))
        g = rng.integers(len(A), size=len(y))
        return np.einsum("nij,nj->ni", A[g], X), s[g] * y
    if kind.drawn:
        A, t, perm = (np.array(a) for a in zip(*symmetries(cfg.kind, K), strict=True))
        g = rng.integers(len(A), size=len(y))
        X = np.einsum("nij,nj->ni", A[g], X) + t[g]
        y = perm[g, y]
    return X + JITTER * unit * rng.standard_normal(X.shape), y


def _extent(X: np.ndarray) -> tuple[float, float, float, float]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.where(hi > lo, MARGIN * (hi - lo), 0.5)
    x1_min, x1_max, x2_min, x2_max = np.column_stack([lo - pad, hi + pad]).ravel().tolist()
    return x1_min, x1_max, x2_min, x2_max


def _csv_path(csv_path: str, base_dir: pathlib.Path | None) -> pathlib.Path:
    path = pathlib.Path(csv_path)
    return path if path.is_absolute() or base_dir is None else pathlib.Path(base_dir) / path
