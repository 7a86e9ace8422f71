"""Toy 2D data sets whose generating distribution is known exactly.

Every point is x = c + ε: a *clean* point c drawn from its class's clean distribution, plus
isotropic Gaussian noise ε ~ N(0, σ² I) with σ = `noise` in data units. Classes have equal
priors. The clean distributions (K classes; all within [−1.5, 1.5]²):

    circles  K = 2. class 0: c = (cos θ, sin θ); class 1: c = 0.5 (cos θ, sin θ); θ ~ U[0, 2π).
    moons    K = 2. class 0: c = (cos t − 0.5, sin t − 0.25); class 1: c = −(that); t ~ U[0, π].
             (scikit-learn's two moons, moved so that the pair is centred on the origin.)
    xor      K = 2. c uniform on the four squares {0.1 ≤ |c1| ≤ 1, 0.1 ≤ |c2| ≤ 1};
             class 0 where c1 c2 > 0 (quadrants I and III), class 1 where c1 c2 < 0.
    spiral   K = 2..5 arms. arm k: c = t (cos φ, sin φ), φ = 2.5π t + 2πk/K, t ~ U[0, 1.4]
             (1.75 turns out to radius 1.4).
    blobs    K = 2..5. c = μ_k = 0.6 (cos α_k, sin α_k), α_k = π/4 + 2πk/K: a point mass, so
             x ~ N(μ_k, σ² I); the noise is the blob's width (at σ = 0 a class is one point).
    linear   K = 2. In the frame v = x·d, u = x·n, with d = (cos 30°, sin 30°) along the boundary
             line and n = (−sin 30°, cos 30°) its normal, c is uniform on the square |u|, |v| ≤ 1
             minus the band |u| < 0.1; class 1 where u > 0, class 0 where u < 0.

The class-conditional density p(x | k) = E_c[N(x; c, σ² I)] (`log_density`, σ > 0):

    blobs          N(x; μ_k, σ² I).
    circles        (1 / 2πσ²) exp(−(ρ − r)² / 2σ²) I0e(ρ r / σ²), ρ = |x|, r the radius,
                   I0e(z) = e^−z I0(z) (Abramowitz–Stegun 9.8.1–2, relative error < 5e-7).
    xor, linear    uniform on a union of equal rectangles [a, b] (in the kind's frame), total
                   area A: (1/A) Σ_rect Π_axes [Φ((b − x)/σ) − Φ((a − x)/σ)], with log Φ from
                   a Chebyshev fit of erfc (relative error < 1.2e-7, no underflow in the tails).
    moons, spiral  quadrature over the clean curve: cells of arc length h = min(σ/2, 0.1),
                   the two end cells halved 12 more times towards the ends; node c_i at a
                   cell's arc-length midpoint, weight w_i = P(c in cell i);
                   p = Σ_i w_i N(x; c_i, σ² I), as a log-sum-exp. Along the curve the kernel
                   is a Gaussian of width ~σ ≥ 2h, which the midpoint rule integrates to ~1e-8
                   relative; within a few σ of the curve's ends and beyond them, to < 4%. Nodes
                   are grouped in chunks of 16; a chunk whose nearest possible node is more
                   than 8σ farther than another chunk's farthest node is skipped (it adds
                   < e^−32 relative), so the cost per point stays bounded as σ → 0.

At σ = 0 the clean supports are disjoint up to a set of measure zero, so the Bayes error is 0.
"""

from __future__ import annotations

import functools
import math

import numpy as np

KINDS: tuple[str, ...] = ("circles", "moons", "xor", "spiral", "blobs", "linear")
MULTICLASS_KINDS: tuple[str, ...] = ("spiral", "blobs")  # the kinds with K = 2..5 classes

CIRCLE_RADII = (1.0, 0.5)
MOON_OFFSET = (0.5, 0.25)
XOR_PAD = 0.1
SPIRAL_T_MAX = 1.4
SPIRAL_RATE = 2.5 * math.pi  # radians of angle per unit of radius
BLOB_RADIUS = 0.6
BLOB_PHASE = math.pi / 4
LINEAR_ANGLE = math.pi / 6
LINEAR_MARGIN = 0.1

CHUNK = 16  # curve nodes per chunk (see the module docstring)
CUTOFF = 8.0  # in units of σ
END_LEVELS = 12  # halvings of a curve's end cells
BATCH = 256  # points per batch in the curve quadrature (keeps temporaries in cache)

_SQRT2 = math.sqrt(2.0)


# ----- special functions -----

# Numerical Recipes' erfcc: erfc(z) = t exp(−z² + P(t)), t = 1/(1 + z/2), z ≥ 0; ascending P.
_ERFC_P = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)
# Abramowitz–Stegun 9.8.1 (I0(z) in (z/3.75)², z ≤ 3.75) and 9.8.2 (√z e^−z I0(z) in 3.75/z).
_I0_SMALL = (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813)
_I0_LARGE = (
    0.39894228,
    0.01328592,
    0.00225319,
    -0.00157565,
    0.00916281,
    -0.02057706,
    0.02635537,
    -0.01647633,
    0.00392377,
)


def _poly(coefficients: tuple[float, ...], t: np.ndarray) -> np.ndarray:
    """Σ_j a_j t^j for ascending coefficients a_j (Horner)."""
    out = np.full_like(t, coefficients[-1])
    for a in coefficients[-2::-1]:
        out = out * t + a
    return out


def log_ndtr(z: np.ndarray) -> np.ndarray:
    """log Φ(z), Φ the standard normal CDF, elementwise; Φ's relative error < 1.2e-7.

    Φ(−|z|) = ½ erfc(|z|/√2) is evaluated in log form, so the far tails do not underflow;
    for z ≥ 0, log Φ(z) = log1p(−Φ(−z)).
    """
    z = np.asarray(z, dtype=np.float64)
    a = np.abs(z) / _SQRT2
    t = 1.0 / (1.0 + 0.5 * a)
    lower = math.log(0.5) + np.log(t) - a * a + _poly(_ERFC_P, t)  # log Φ(−|z|)
    return np.where(z < 0, lower, np.log1p(-np.exp(lower)))


def ndtr(z: np.ndarray) -> np.ndarray:
    """Φ(z), the standard normal CDF, elementwise (see `log_ndtr`)."""
    return np.exp(log_ndtr(z))


def _log_ndtr_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(Φ(b) − Φ(a)) for a < b, elementwise, accurate when both are deep in one tail.

    Reflected to the lower side (Φ(b) − Φ(a) = Φ(−a) − Φ(−b)) when a + b > 0, then
    log Φ(b) + log1p(−Φ(a)/Φ(b)).
    """
    flip = a + b > 0
    a, b = np.where(flip, -b, a), np.where(flip, -a, b)
    la, lb = log_ndtr(a), log_ndtr(b)
    return lb + np.log1p(-np.exp(la - lb))


def _log_i0e(z: np.ndarray) -> np.ndarray:
    """log(e^−z I0(z)) for z ≥ 0, I0 the modified Bessel function; relative error < 5e-7."""
    small = np.minimum(z, 3.75)
    large = np.maximum(z, 3.75)
    log_small = np.log(_poly(_I0_SMALL, (small / 3.75) ** 2)) - small
    log_large = np.log(_poly(_I0_LARGE, 3.75 / large)) - 0.5 * np.log(large)
    return np.where(z < 3.75, log_small, log_large)


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    m = a.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=axis, keepdims=True))).squeeze(axis)


# ----- geometry of each kind -----


def class_count(kind: str, n_classes: int) -> int:
    """K: `n_classes` for spiral and blobs, 2 for the others."""
    return n_classes if kind in MULTICLASS_KINDS else 2


def _rotation(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def _reflection(angle: float) -> np.ndarray:
    """Mirror across the line through 0 at `angle`."""
    c, s = math.cos(2 * angle), math.sin(2 * angle)
    return np.array([[c, s], [s, -c]])


def _blob_means(n_classes: int) -> np.ndarray:
    """(K, 2) μ_k = 0.6 (cos α_k, sin α_k), α_k = π/4 + 2πk/K."""
    alpha = BLOB_PHASE + 2 * np.pi * np.arange(n_classes) / n_classes
    return BLOB_RADIUS * np.column_stack([np.cos(alpha), np.sin(alpha)])


def _rectangles(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """frame F (2, 2) and boxes (2, R, 2, 2) = [class, rectangle, axis, (lo, hi)].

    A class's clean points are uniform on its R equal rectangles in the coordinates z = F x
    (rows of F: the frame's axes); x = Fᵀ z.
    """
    if kind == "xor":
        pos, neg = (XOR_PAD, 1.0), (-1.0, -XOR_PAD)
        boxes = [[[pos, pos], [neg, neg]], [[neg, pos], [pos, neg]]]
        return np.eye(2), np.array(boxes)
    d = (math.cos(LINEAR_ANGLE), math.sin(LINEAR_ANGLE))
    n = (-d[1], d[0])
    along = (-1.0, 1.0)
    boxes = [[[along, (-1.0, -LINEAR_MARGIN)]], [[along, (LINEAR_MARGIN, 1.0)]]]
    return np.array([d, n]), np.array(boxes)


def _curve(kind: str, t: np.ndarray) -> np.ndarray:
    """(m, 2) points of class 0's clean curve at parameters t : (m,); see `_curve_maps`."""
    if kind == "moons":
        return np.column_stack([np.cos(t) - MOON_OFFSET[0], np.sin(t) - MOON_OFFSET[1]])
    phi = SPIRAL_RATE * t
    return np.column_stack([t * np.cos(phi), t * np.sin(phi)])


def _curve_range(kind: str) -> float:
    """T: the curve parameter t is uniform on [0, T]."""
    return math.pi if kind == "moons" else SPIRAL_T_MAX


def _curve_maps(kind: str, n_classes: int) -> np.ndarray:
    """(K, 2, 2) M_k: class k's clean curve is M_k applied to class 0's."""
    if kind == "moons":
        return np.array([np.eye(2), -np.eye(2)])
    return np.array([_rotation(2 * np.pi * k / n_classes) for k in range(n_classes)])


# ----- sampling -----


def _clean_points(kind: str, y: np.ndarray, n_classes: int, rng: np.random.Generator):
    """(n, 2) clean points c for the labels y : (n,)."""
    n = len(y)
    if kind == "circles":
        theta = rng.uniform(0.0, 2 * np.pi, n)
        r = np.asarray(CIRCLE_RADII)[y]
        return r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    if kind in ("moons", "spiral"):
        t = rng.uniform(0.0, _curve_range(kind), n)
        return np.einsum("nij,nj->ni", _curve_maps(kind, n_classes)[y], _curve(kind, t))
    if kind == "blobs":
        return _blob_means(n_classes)[y]
    frame, boxes = _rectangles(kind)
    box = boxes[y, rng.integers(boxes.shape[1], size=n)]  # (n, 2 axes, 2)
    z = box[:, :, 0] + (box[:, :, 1] - box[:, :, 0]) * rng.random((n, 2))
    return z @ frame


def sample_for_labels(
    kind: str, y: np.ndarray, n_classes: int, noise: float, rng: np.random.Generator
) -> np.ndarray:
    """X : (n, 2) float64, x_i = c_i + σ ε_i with c_i from class y_i's clean distribution."""
    clean = _clean_points(kind, y, n_classes, rng)
    return clean + noise * rng.standard_normal((len(y), 2))


def sample(
    kind: str, n_points: int, n_classes: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """X : (n_points, 2) float64, y : (n_points,) int64 in [0, K), K = class_count(kind, n_classes).

    Classes as equal as possible (counts differ by at most one), in shuffled order.
    """
    K = class_count(kind, n_classes)
    y = rng.permutation(np.arange(n_points, dtype=np.int64) % K)
    return sample_for_labels(kind, y, K, noise, rng), y


def symmetries(kind: str, n_classes: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Exact symmetries of the generating distribution, the identity included.

    Each is (A (2, 2), t (2,), perm (K,)): x → A x + t maps class k's distribution onto
    class perm[k]'s. All of these fix the origin, so t = 0.

        circles  the 8 rotations by multiples of 45° and the 8 mirrors across lines at
                 multiples of 22.5°; perm = identity
        moons    x → −x swaps the two moons
        xor      the 8 symmetries of the square; a quarter turn or an axis mirror swaps classes
        spiral   rotation by 2πj/K: arm k → arm k + j (mod K)
        blobs    rotation by 2πj/K: k → k + j; mirror across the line at π/4 + πj/K: k → j − k
        linear   x → −x and the mirror across the boundary swap; the mirror across the normal
                 keeps the classes
    """
    K = class_count(kind, n_classes)
    ks = np.arange(K)
    same, swap = ks, ks[::-1].copy()
    if kind == "circles":
        ops = [(_rotation(j * np.pi / 4), same) for j in range(8)]
        ops += [(_reflection(j * np.pi / 8), same) for j in range(8)]
    elif kind == "moons":
        ops = [(np.eye(2), same), (-np.eye(2), swap)]
    elif kind == "xor":
        ops = [(_rotation(j * np.pi / 2), swap if j % 2 else same) for j in range(4)]
        ops += [(_reflection(j * np.pi / 4), swap if j % 2 == 0 else same) for j in range(4)]
    elif kind == "spiral":
        ops = [(_rotation(2 * np.pi * j / K), (ks + j) % K) for j in range(K)]
    elif kind == "blobs":
        ops = [(_rotation(2 * np.pi * j / K), (ks + j) % K) for j in range(K)]
        ops += [(_reflection(BLOB_PHASE + np.pi * j / K), (j - ks) % K) for j in range(K)]
    else:
        ops = [
            (np.eye(2), same),
            (-np.eye(2), swap),
            (_reflection(LINEAR_ANGLE), swap),
            (_reflection(LINEAR_ANGLE + np.pi / 2), same),
        ]
    return [(A, np.zeros(2), perm) for A, perm in ops]


# ----- class-conditional densities -----


@functools.cache
def _arc_table(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """t : (m,) a fine grid on [0, T] and s : (m,) the arc length of class 0's curve at t."""
    t = np.linspace(0.0, _curve_range(kind), 2**15 + 1)
    steps = np.linalg.norm(np.diff(_curve(kind, t), axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(steps)])
    t.flags.writeable = s.flags.writeable = False
    return t, s


def _curve_nodes(kind: str, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint-rule nodes of class 0's curve: c : (m, 2) and log w : (m,).

    The curve is cut into ⌈length / h⌉ cells of equal arc length, and each end cell is
    halved END_LEVELS times towards the curve's end, so that the rule also resolves the
    steep (rate d/σ²) decay seen from a point at distance d beyond an end. c_i is the
    arc-length midpoint of cell i and w_i = P(t in cell i), so Σ w_i = 1 exactly.
    """
    t_tab, s_tab = _arc_table(kind)
    length = s_tab[-1]
    edges = np.linspace(0.0, length, max(2, math.ceil(length / h)) + 1)
    near_end = (edges[1] - edges[0]) * 0.5 ** np.arange(1, END_LEVELS + 1)
    edges = np.sort(np.concatenate([edges, near_end, length - near_end]))
    t_edges = np.interp(edges, s_tab, t_tab)
    t_mid = np.interp(0.5 * (edges[:-1] + edges[1:]), s_tab, t_tab)
    return _curve(kind, t_mid), np.log(np.diff(t_edges) / _curve_range(kind))


@functools.lru_cache(maxsize=32)
def _curve_quadrature(kind: str, n_classes: int, noise: float) -> tuple[tuple[np.ndarray, ...]]:
    """Per class, the chunked nodes as (A, B1, B2, centres, radii), read-only.

    With CHUNK nodes c per chunk j (the last chunk padded with log w = −inf):
    A = log w − |c|²/2σ², B1 = c1/σ², B2 = c2/σ², each (CHUNK, J), so that
    log w − |x − c|²/2σ² = A + x1 B1 + x2 B2 − |x|²/2σ². centres (J, 2), radii (J,): every
    node of chunk j lies within radii[j] of centres[j].
    """
    nodes, log_w = _curve_nodes(kind, min(noise / 2, 0.1))
    m = len(log_w)
    J = math.ceil(m / CHUNK)
    pad = J * CHUNK - m
    nodes = np.concatenate([nodes, np.repeat(nodes[-1:], pad, axis=0)])
    log_w = np.concatenate([log_w, np.full(pad, -np.inf)]).reshape(J, CHUNK).T
    s2 = noise * noise
    per_class = []
    for M in _curve_maps(kind, n_classes):
        c = (nodes @ M.T).reshape(J, CHUNK, 2).transpose(1, 0, 2)  # (CHUNK, J, 2)
        centres = 0.5 * (c.min(axis=0) + c.max(axis=0))
        radii = np.linalg.norm(c - centres, axis=2).max(axis=0)
        A = log_w - (c**2).sum(axis=2) / (2 * s2)
        arrays = (A, c[..., 0] / s2, c[..., 1] / s2, centres, radii)
        for a in arrays:
            a.flags.writeable = False
        per_class.append(arrays)
    return tuple(per_class)


def _curve_log_density(X, A, B1, B2, centres, radii, sigma: float) -> np.ndarray:
    """(n,) log Σ_i w_i N(x; c_i, σ² I) over one class's chunked nodes (`_curve_quadrature`).

    Per batch of points: the chunks within reach of each point (pairs (i, j)), a log-sum-exp
    over each pair's CHUNK nodes, then one over each point's pairs.
    """
    out = np.empty(len(X))
    for lo in range(0, len(X), BATCH):
        x = X[lo : lo + BATCH]
        dist = np.hypot(x[:, 0:1] - centres[:, 0], x[:, 1:2] - centres[:, 1])  # (b, J)
        reach = (dist + radii).min(axis=1, keepdims=True) + CUTOFF * sigma
        i, j = np.nonzero(dist - radii <= reach)  # i ascending; every point keeps ≥ 1 chunk
        logit = A[:, j]  # (CHUNK, P)
        logit += B1[:, j] * x[i, 0]
        logit += B2[:, j] * x[i, 1]
        top_pair = logit.max(axis=0)
        logit -= top_pair
        np.exp(logit, out=logit)
        starts = np.flatnonzero(np.r_[True, i[1:] != i[:-1]])
        top = np.maximum.reduceat(top_pair, starts)  # (b,)
        total = np.add.reduceat(logit.sum(axis=0) * np.exp(top_pair - top[i]), starts)
        out[lo : lo + len(x)] = top + np.log(total) - (x * x).sum(axis=1) / (2 * sigma**2)
    return out - math.log(2 * math.pi * sigma**2)


def log_density(kind: str, n_classes: int, noise: float, X: np.ndarray) -> np.ndarray:
    """(n, K) float64 log p(x_i | k) of the generating distribution, for noise σ > 0.

    X : (n, 2). Finite everywhere in the plane (see the module docstring for the formulas).
    """
    if noise <= 0:
        raise ValueError("log_density needs noise > 0; at noise 0 the classes are disjoint")
    K = class_count(kind, n_classes)
    X = np.asarray(X, dtype=np.float64)
    s2 = noise * noise
    norm = math.log(2 * math.pi * s2)
    if kind == "blobs":
        d2 = ((X[:, None, :] - _blob_means(K)[None]) ** 2).sum(axis=2)
        return -d2 / (2 * s2) - norm
    if kind == "circles":
        rho = np.linalg.norm(X, axis=1)[:, None]
        r = np.asarray(CIRCLE_RADII)[None]
        return -((rho - r) ** 2) / (2 * s2) + _log_i0e(rho * r / s2) - norm
    if kind in ("xor", "linear"):
        frame, boxes = _rectangles(kind)
        z = (X @ frame.T)[:, None, None, :]  # (n, 1, 1, 2) against boxes (K, R, 2 axes)
        lo, hi = boxes[..., 0], boxes[..., 1]
        per_box = _log_ndtr_diff((lo - z) / noise, (hi - z) / noise).sum(axis=3)  # (n, K, R)
        area = np.prod(hi - lo, axis=2).sum(axis=1)  # (K,)
        return _logsumexp(per_box, axis=2) - np.log(area)
    quadrature = _curve_quadrature(kind, K, float(noise))
    return np.column_stack([_curve_log_density(X, *q, noise) for q in quadrature])
