"""One BLAS thread for the engine, in every process that imports it.

OpenBLAS splits a matrix product over its threads in ways that change the order of the
sums: the gradient dW = H·dZ over the rows of a batch differs in its last bits between 1
and 2 threads (measured on a 3,000-row full batch, from the first epoch on), so a run
would be bit-identical only at the thread count it ran with. And where the cores are busy
(a classroom PC, the window's own GUI thread) OpenBLAS's threads spin-wait for each other:
2 threads measured 5–17× slower than 1 on two loaded cores. So the engine computes with
one thread, always.

`pin_one_thread` runs when `core` is imported. It sets the variables the BLAS libraries
read when they load, so that NumPy imported after it, and every process started from this
one, gets one thread; and when NumPy's OpenBLAS is loaded already (NumPy imported before
`core`), it calls that library's own setter, found among the process's mapped files as
threadpoolctl does (on Linux; elsewhere the variables are the way, and every entry point
imports `core` before NumPy).
"""

from __future__ import annotations

import ctypes
import os
import sys

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
GETTERS = tuple(name.replace("set_num", "get_num") for name in SETTERS)


def _loaded_openblas() -> list[ctypes.CDLL]:
    """The OpenBLAS libraries mapped into this process (Linux), opened once more."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return []
    libraries = []
    for path in sorted(paths):
        try:
            libraries.append(ctypes.CDLL(path))
        except OSError:
            continue
    return libraries


def _call_first(library: ctypes.CDLL, names: tuple[str, ...], *args):
    for name in names:
        function = getattr(library, name, None)
        if function is not None:
            return function(*args)
    return None


def pin_one_thread() -> None:
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    if "numpy" in sys.modules:
        for library in _loaded_openblas():
            _call_first(library, SETTERS, ctypes.c_int(1))


def openblas_threads() -> list[int]:
    """The thread count of each OpenBLAS loaded in this process (Linux; else empty)."""
    counts = [_call_first(library, GETTERS) for library in _loaded_openblas()]
    return [count for count in counts if count is not None]
