"""The same config and seeds give the same bits whatever BLAS thread count the machine
would use: the engine pins OpenBLAS to one thread (`core.blas`)."""

import json
import os
import subprocess
import sys

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st


def history_with_threads(tmp_path, raw: dict, threads: str) -> dict:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(raw))
    out = tmp_path / f"out_{threads}.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS=threads)
    subprocess.run(
        [sys.executable, "-m", "deepdials", "run", str(config), "--out", str(out)],
        env=env,
        check=True,
        capture_output=True,
    )
    report = json.loads(out.read_text())
    return {"history": report["history"], "final": report["final"]}


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    n_points=st.integers(1500, 6000),
    hidden=st.lists(st.integers(16, 64), min_size=1, max_size=3),
    activation=st.sampled_from(["tanh", "relu"]),
)
@example(n_points=5000, hidden=[32, 32, 32], activation="tanh")  # differs unpinned
def test_a_full_batch_history_is_bit_identical_with_one_or_two_blas_threads(
    tmp_path_factory, n_points, hidden, activation
):
    raw = {
        "schema": 1,
        "data": {"n_points": n_points},
        "model": {"hidden": hidden, "activation": activation},
        "train": {"batch_size": 0, "epochs": 3, "lr": 0.1},
    }
    tmp_path = tmp_path_factory.mktemp("blas")
    one = history_with_threads(tmp_path, raw, "1")
    two = history_with_threads(tmp_path, raw, "2")
    assert one == two  # JSON floats round-trip exactly: equal text is equal bits


def test_numpy_imported_first_still_gets_one_thread():
    code = "import numpy, deepdials.core.blas as b; print(b.openblas_threads())"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "[1]", done.stderr
