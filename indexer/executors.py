"""Where an index build runs its parsing tasks: here, in a local process pool, or on a
Dask distributed cluster.

An executor maps a module-level function over a list of items and yields
``(position, result)`` pairs as results arrive; the caller puts them back in order, so a
build's contents never depend on which worker finished first::

    build_index(paths, index_dir)                                    # local process pool
    build_index(paths, index_dir, executor=LocalExecutor(workers=4))
    build_index(paths, index_dir, executor=DaskExecutor("tcp://scheduler:8786"))

Dask workers must have ReportQA installed and see the report files at the same paths
(a shared file system); ``pip install "reportqa[dist]"`` brings Dask.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` on every item; yields (position in ``items``, result) in any order."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]: ...


class SerialExecutor:
    """Every task in this process, one after another."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        for i, item in enumerate(items):
            yield i, fn(item)

    def __repr__(self) -> str:
        return "SerialExecutor()"


class LocalExecutor:
    """A pool of ``workers`` local processes (default: one per core), one task per item.

    Processes are spawned, never forked (the parent may hold model threads). Where worker
    processes cannot run (a daemon process, or a ``__main__`` they cannot import), the
    remaining tasks run in this process instead.
    """

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers or os.cpu_count() or 1

    def __repr__(self) -> str:
        return f"LocalExecutor(workers={self.workers})"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if self.workers == 1 or len(items) <= 1 or multiprocessing.current_process().daemon:
            yield from SerialExecutor().map(fn, items)
            return
        done: set[int] = set()
        ctx = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(min(self.workers, len(items)), mp_context=ctx) as pool:
                pending = {pool.submit(fn, item): i for i, item in enumerate(items)}
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        i = pending.pop(future)
                        result = future.result()
                        done.add(i)
                        yield i, result
        except BrokenProcessPool:
            log.warning("worker processes unavailable; running %d tasks in this process",
                        len(items) - len(done))  # fmt: skip
            for i, item in enumerate(items):
                if i not in done:
                    yield i, fn(item)


class DaskExecutor:
    """Tasks on a Dask distributed cluster, given a ``distributed.Client`` or the
    scheduler's address. A client made here is closed by :meth:`close`."""

    def __init__(self, client: Any) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # the optional extra is not installed
            raise ImportError('DaskExecutor needs Dask: pip install "reportqa[dist]"') from exc
        self._owned = not isinstance(client, Client)
        self.client = Client(client) if self._owned else client

    def __repr__(self) -> str:
        return f"DaskExecutor({self.client.scheduler.address})"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        from distributed import as_completed

        futures = self.client.map(fn, list(items), pure=False)
        position = {f.key: i for i, f in enumerate(futures)}
        for future, result in as_completed(futures, with_results=True):
            yield position[future.key], result

    def close(self) -> None:
        if self._owned:
            self.client.close()
