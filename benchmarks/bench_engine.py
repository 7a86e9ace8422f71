"""Speed of the NumPy engine against an idiomatic PyTorch eager loop, on this machine.

Workloads (two-circles data, inputs x1, x2, float32, SGD, binary cross-entropy):

    W1_minibatch  250 points, hidden [8, 8, 8, 8] tanh, batch 10, lr 0.03    epochs/s
    W1_fullbatch  the same net, one step per epoch on all 250 points          steps/s
    W2            1000 points, 20 hidden layers of 32 relu, full batch        steps/s
    W3            10,000 points, hidden [256, 256] relu, full batch           steps/s
    G_W1, G_W2    p(class 1) over a 100×100 grid for the W1 and W2 nets       ms per frame

Each workload is measured as `engine` (the network functions in a bare loop), `run`
(`core.engine.run.advance` / `core.engine.reports.surface`, what the app does, including
per-epoch loss and error recording) and `torch` (when PyTorch is installed), alternating
them for several rounds so that machine noise hits all alike; each figure is the median over rounds.
Ratios are speed-ups over torch (> 1: the engine is faster), for rates and times alike.
Grids also give `engine_forward` (the unblocked `forward` over the whole grid at once).
The engine computes with one BLAS thread (importing `core` pins it, see `core.blas`).

The engine and torch run in two separate worker processes, with a short pause between
measurements: OpenBLAS's and OpenMP's thread pools spin-wait after their work, and in one
process (or back to back) on two cores each would steal the other's time.

    python benchmarks/bench_engine.py [--quick] [--rounds N] [--seconds S] [--no-torch]
                                      [--workloads G_W2,W2,…]

prints one JSON object (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deepdials.core.blas import openblas_threads  # noqa: E402
from deepdials.core.engine.activations import ACTIVATIONS  # noqa: E402
from deepdials.core.engine.losses import output_gradient, probabilities, targets  # noqa: E402
from deepdials.core.engine.network import (  # noqa: E402
    BlockedForward,
    Workspace,
    backward,
    forward,
    init_params,
)
from deepdials.core.engine.optimizers import Optimizer  # noqa: E402
from deepdials.core.engine.params import Params  # noqa: E402

DTYPE = np.float32
GRID = 100
WORKLOADS = {
    # name: (points, hidden, activation, batch (0 = full), lr, unit)
    "W1_minibatch": (250, (8, 8, 8, 8), "tanh", 10, 0.03, "epochs/s"),
    "W1_fullbatch": (250, (8, 8, 8, 8), "tanh", 0, 0.03, "steps/s"),
    "W2": (1000, (32,) * 20, "relu", 0, 0.03, "steps/s"),
    "W3": (10_000, (256, 256), "relu", 0, 0.03, "steps/s"),
}
GRIDS = {"G_W1": "W1_fullbatch", "G_W2": "W2"}
INIT = {"tanh": "xavier", "relu": "he"}
TORCH_ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU"}


def two_circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """X : (n, 2) float32, y : (n,) int — an inner disc (class 1) inside a ring (class 0)."""
    inner = rng.random(n) < 0.5
    radius = np.where(inner, rng.uniform(0, 2, n), rng.uniform(3, 5, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) / 5
    return X.astype(DTYPE), inner.astype(np.int64)


def grid_inputs() -> np.ndarray:
    """(GRID², 2) float32 points over [−1, 1]², like the app's decision surface."""
    axis = np.linspace(-1, 1, GRID)
    g1, g2 = np.meshgrid(axis, axis)
    return np.column_stack([g1.ravel(), g2.ravel()]).astype(DTYPE)


# ----- the engine, in a bare loop shaped like the training loop's -----


class EngineLoop:
    """init_params, Workspace, forward, output_gradient, backward, Optimizer.apply."""

    def __init__(self, name: str, rng: np.random.Generator):
        n, hidden, activation, batch, lr, _ = WORKLOADS[name]
        X, y = two_circles(n, rng)
        self.sizes = (2, *hidden, 1)
        self.act = ACTIVATIONS[activation]
        self.params = init_params(self.sizes, INIT[activation], 1.0, rng, DTYPE)
        self.grads = Params(self.params.layout, np.zeros_like(self.params.theta))
        self.optimizer = Optimizer("sgd", self.params.layout.n_params, DTYPE)
        self.X, self.T = X, targets(y, 2, DTYPE)
        self.batch = batch or n
        self.lr = lr
        self.rng = rng
        self.workspaces: dict[int, Workspace] = {}

    def _step(self, X: np.ndarray, T: np.ndarray) -> None:
        ws = self.workspaces.get(len(X))
        if ws is None:
            ws = self.workspaces[len(X)] = Workspace(self.sizes, len(X), DTYPE)
        z = forward(self.params, X, self.act, ws)
        output_gradient(z, T, ws.dZ[-1])
        backward(self.params, self.act, ws, self.grads)
        self.optimizer.apply(self.params.theta, self.grads.theta, self.lr)

    def __call__(self, epochs: int) -> None:
        N, B = len(self.X), self.batch
        for _ in range(epochs):
            if B >= N:
                self._step(self.X, self.T)
                continue
            order = self.rng.permutation(N)
            X, T = self.X[order], self.T[order]
            for start in range(0, N, B):
                self._step(X[start : start + B], T[start : start + B])


class EngineGrid:
    """The blocked evaluation pass over the grid (as `SurfaceEvaluator` does) and p(class 1)
    as a fresh (GRID, GRID) array."""

    def __init__(self, loop: EngineLoop):
        self.loop = loop
        self.pass_ = BlockedForward(loop.sizes, grid_inputs(), DTYPE)

    def __call__(self, frames: int) -> None:
        for _ in range(frames):
            z = self.pass_(self.loop.params, self.loop.act)
            probabilities(z, np.empty(z.shape, DTYPE)).reshape(GRID, GRID)


class EngineGridForward:
    """The unblocked pass: `forward` over the whole grid into a Workspace, p(class 1) into a
    buffer, then copied into a fresh (GRID, GRID) array (the surface before blocking)."""

    def __init__(self, loop: EngineLoop):
        self.loop = loop
        self.inputs = grid_inputs()
        self.ws = Workspace(loop.sizes, len(self.inputs), DTYPE)
        self.probs = np.empty((len(self.inputs), 1), DTYPE)

    def __call__(self, frames: int) -> None:
        for _ in range(frames):
            z = forward(self.loop.params, self.inputs, self.loop.act, self.ws)
            probabilities(z, self.probs).reshape(GRID, GRID).astype(DTYPE, copy=True)


# ----- the engine through its training loop, what the app and the CLI use -----


def make_run(name: str):
    """A run on the workload (split [1, 0, 0], so it does torch's work plus recording)."""
    from deepdials.core.config.schema import Config, DataConfig, ModelConfig, TrainConfig
    from deepdials.core.engine.state import new_run

    n, hidden, activation, batch, lr, _ = WORKLOADS[name]
    config = Config(
        data=DataConfig(kind="circles", n_points=n, split=(1.0, 0.0, 0.0), seed=1),
        model=ModelConfig(hidden=hidden, activation=activation, init=INIT[activation]),
        train=TrainConfig(lr=lr, batch_size=batch, epochs=1_000_000, seed=1),
    )
    return new_run(config)


def run_epochs(run) -> Callable[[int], None]:
    from deepdials.core.engine.run import advance

    return lambda epochs: advance(run, epochs)


def run_frames(run) -> Callable[[int], None]:
    from deepdials.core.engine.reports import surface

    def frames(count: int) -> None:
        for _ in range(count):
            surface(run, GRID)

    return frames


def engine_contenders(name: str) -> dict[str, Callable[[int], None]]:
    """'engine' and, once a run can build its data, 'run', for a workload or a grid."""
    base = GRIDS.get(name, name)
    loop = EngineLoop(base, np.random.default_rng(1))
    contenders = {"engine": EngineGrid(loop) if name in GRIDS else loop}
    if name in GRIDS:
        contenders["engine_forward"] = EngineGridForward(loop)
    try:
        run = make_run(base)
    except Exception as error:  # the data modules may not exist yet
        contenders["run_unavailable"] = f"{type(error).__name__}: {error}"
    else:
        contenders["run"] = run_frames(run) if name in GRIDS else run_epochs(run)
    return contenders


# ----- PyTorch: an idiomatic eager loop -----


class TorchLoop:
    """nn.Sequential(Linear, act, …), BCEWithLogitsLoss, SGD, zero_grad/backward/step."""

    def __init__(self, name: str, rng: np.random.Generator):
        import torch

        n, hidden, activation, batch, lr, _ = WORKLOADS[name]
        X, y = two_circles(n, rng)
        torch.manual_seed(int(rng.integers(2**31)))
        layers, width = [], 2
        for units in hidden:
            act = getattr(torch.nn, TORCH_ACTIVATIONS[activation])
            layers += [torch.nn.Linear(width, units), act()]
            width = units
        self.model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 1))
        self.loss = torch.nn.BCEWithLogitsLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)
        self.X = torch.from_numpy(X)
        self.Y = torch.from_numpy(y.astype(DTYPE)).reshape(-1, 1)
        self.batch = batch or n
        self.generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
        self.torch = torch

    def _step(self, X, Y) -> None:
        self.optimizer.zero_grad()
        self.loss(self.model(X), Y).backward()
        self.optimizer.step()

    def __call__(self, epochs: int) -> None:
        N, B = len(self.X), self.batch
        for _ in range(epochs):
            if B >= N:
                self._step(self.X, self.Y)
                continue
            order = self.torch.randperm(N, generator=self.generator)
            X, Y = self.X[order], self.Y[order]
            for start in range(0, N, B):
                self._step(X[start : start + B], Y[start : start + B])


class TorchGrid:
    """torch.sigmoid(model(grid)) under inference_mode, as a fresh (GRID, GRID) array."""

    def __init__(self, loop: TorchLoop):
        self.loop = loop
        self.inputs = loop.torch.from_numpy(grid_inputs())

    def __call__(self, frames: int) -> None:
        torch = self.loop.torch
        with torch.inference_mode():
            for _ in range(frames):
                torch.sigmoid(self.loop.model(self.inputs)).reshape(GRID, GRID).numpy().copy()


def torch_contenders(name: str, threads: tuple[int, ...]) -> dict[str, Callable[[int], None]]:
    """'torch_<n>t': the loop (or grid) with torch.set_num_threads(n), for each n."""
    import torch

    loop = TorchLoop(GRIDS.get(name, name), np.random.default_rng(1))
    work = TorchGrid(loop) if name in GRIDS else loop

    def with_threads(count: int) -> Callable[[int], None]:
        def run(repetitions: int) -> None:
            torch.set_num_threads(count)
            work(repetitions)

        return run

    return {f"torch_{count}t": with_threads(count) for count in threads}


# ----- measuring -----


def calibrate(work: Callable[[int], None], seconds: float) -> int:
    """Repetitions of `work` that take about `seconds`, after `seconds` of warm-up."""
    count, start = 1, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work(1)
    while True:
        start = time.perf_counter()
        work(count)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4:
            return max(1, round(count * seconds / elapsed))
        count *= 4


def rate(work: Callable[[int], None], count: int) -> float:
    start = time.perf_counter()
    work(count)
    return count / (time.perf_counter() - start)


def _serve(conn, build: Callable[..., dict]) -> None:
    """A worker process: build contenders, then calibrate and time them on request."""
    contenders: dict = {}
    while True:
        command, *args = conn.recv()
        if command == "stop":
            return
        if command == "build":
            contenders = build(*args)
            conn.send({k: v for k, v in contenders.items() if isinstance(v, str)})
        elif command == "calibrate":
            conn.send(calibrate(contenders[args[0]], args[1]))
        elif command == "rate":
            conn.send(rate(contenders[args[0]], args[1]))


class Worker:
    """One process that holds one library's contenders (see the module docstring)."""

    def __init__(self, build: Callable[..., dict]):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, build), daemon=True)
        self._process.start()

    def ask(self, *command):
        self._conn.send(command)
        return self._conn.recv()

    def build(self, *args) -> dict[str, str]:
        """Build the contenders for a workload; returns the notes of those that could not be."""
        return self.ask("build", *args)

    def stop(self) -> None:
        self._conn.send(("stop",))
        self._process.join(timeout=10)


def interleaved(
    contenders: dict[str, Worker], rounds: int, seconds: float, pause: float
) -> dict[str, float]:
    """Median repetitions/s of each contender (name → its worker), alternating by round."""
    counts = {name: worker.ask("calibrate", name, seconds) for name, worker in contenders.items()}
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, worker in contenders.items():
            time.sleep(pause)
            rates[name].append(worker.ask("rate", name, counts[name]))
    return {name: statistics.median(values) for name, values in rates.items()}


def sgemm_gflops(rounds: int, n: int) -> float:
    """Best float32 n×n×n matmul rate of numpy's BLAS, all threads."""
    a = np.random.default_rng(0).standard_normal((n, n), dtype=DTYPE)
    c = np.empty_like(a)
    best = np.inf
    for _ in range(rounds):
        start = time.perf_counter()
        np.dot(a, a, out=c)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def matmul_flops_per_step(name: str) -> float:
    """2 × multiply-adds of one step: Z = A W, dW = Aᵀ dZ, and dA = dZ Wᵀ below layer 1."""
    n, hidden, *_ = WORKLOADS[name]
    sizes = (2, *hidden, 1)
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False)]
    return 2.0 * n * (2 * sum(products) + sum(products[1:]))


def _torch_version() -> str | None:
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


def machine(torch_version: str | None) -> dict:
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    return {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
        "blas_threads": _blas_threads(),
        "torch": torch_version,
    }


def _blas_threads() -> int | None:
    """The thread count of NumPy's OpenBLAS, where `core.blas` can tell (Linux)."""
    return max(openblas_threads(), default=None)


def _best_torch(rates: dict[str, float]) -> dict[str, float | int]:
    """Add 'torch': the best rate over the thread counts tried, and that count."""
    tried = {int(k[len("torch_") : -1]): v for k, v in rates.items() if k.startswith("torch_")}
    if tried:
        best = max(tried, key=tried.get)
        rates |= {"torch": tried[best], "torch_best_threads": best}
    return rates


def _figures(name: str, rates: dict[str, float]) -> dict:
    """Rates as the workload's unit (ms/frame for grids), with speed-ups over torch."""
    unit = "ms/frame" if name in GRIDS else WORKLOADS[name][-1]
    rates = _best_torch(rates)
    figures: dict = {"unit": unit}
    for key, value in rates.items():
        is_rate = key != "torch_best_threads"
        figures[key] = 1e3 / value if is_rate and name in GRIDS else value
    for who in ("engine", "engine_forward", "run"):
        if who in rates and "torch" in rates:
            figures[f"{who}_ratio"] = rates[who] / rates["torch"]
    if name in GRIDS:  # each engine contender against each torch thread count
        for key in (k for k in rates if k.startswith("torch_") and k.endswith("t")):
            figures[f"engine_vs_{key}"] = rates["engine"] / rates[key]
    if "engine_forward" in rates:
        figures["blocked_speedup"] = rates["engine"] / rates["engine_forward"]
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (CI)")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 5, quick 1)")
    parser.add_argument("--seconds", type=float, help="time per measurement (default 0.5)")
    parser.add_argument(
        "--torch-threads", default="1,2", help="torch thread counts to try; the best counts"
    )
    parser.add_argument("--no-torch", action="store_true", help="the engine's figures alone")
    parser.add_argument(
        "--workloads", default=",".join((*WORKLOADS, *GRIDS)), help="which ones, comma-separated"
    )
    args = parser.parse_args(argv)
    names = args.workloads.split(",")
    unknown = set(names) - {*WORKLOADS, *GRIDS}
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    rounds = args.rounds or (1 if args.quick else 5)
    seconds = args.seconds or (0.05 if args.quick else 0.5)
    pause = 0.05 if args.quick else 0.25
    torch_version = None if args.no_torch else _torch_version()
    threads = tuple(int(t) for t in args.torch_threads.split(",")) if torch_version else ()

    engine = Worker(engine_contenders)
    torch = Worker(torch_contenders) if threads else None
    results, notes = {}, {}
    for name in names:
        built = engine.build(name)
        notes |= built
        contenders = {"engine": engine}
        if name in GRIDS:
            contenders["engine_forward"] = engine
        if "run_unavailable" not in notes:
            contenders["run"] = engine
        if torch is not None:
            torch.build(name, threads)
            contenders |= {f"torch_{count}t": torch for count in threads}
        results[name] = _figures(name, interleaved(contenders, rounds, seconds, pause))
    for worker in (engine, torch):
        if worker is not None:
            worker.stop()
    peak = sgemm_gflops(3 if args.quick else 10, 1024 if args.quick else 4096)
    if "W3" in results:
        w3 = results["W3"]
        w3["engine_gflops"] = matmul_flops_per_step("W3") * w3["engine"] / 1e9
        w3["engine_fraction_of_sgemm_peak"] = w3["engine_gflops"] / peak
    report = {
        "machine": machine(torch_version),
        "settings": {"rounds": rounds, "seconds": seconds, "torch_threads_tried": threads},
        "sgemm_gflops": peak,
        "workloads": {name: _rounded(figures) for name, figures in results.items()},
        **notes,
    }
    print(json.dumps(report, indent=2))
    return report


def _rounded(figures: dict) -> dict:
    return {k: float(f"{v:.4g}") if isinstance(v, float) else v for k, v in figures.items()}


if __name__ == "__main__":
    main()
