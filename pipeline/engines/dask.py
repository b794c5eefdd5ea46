"""Dask engine: part tasks on a Dask cluster, an existing one (``--scheduler``) or a LocalCluster.

Workers read the inputs, the rules folder and the previous tables, and write the new parts,
by the client's own paths: these must be on storage every worker reaches by the same path
(a shared file system), and every worker needs this package and version installed. The
client only gathers small summaries. Dask reruns a task whose worker was lost; the task
rewrites its part by the same name, so the tables still come out whole.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from concurrent.futures import CancelledError

from pipeline.engines import EngineError
from pipeline.parts import Part, PartSummary, write_part

CONNECT_SECONDS = 10


class DaskEngine:
    """A Dask client: joined to ``scheduler`` (an address), or to a LocalCluster of ``workers`` processes."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        self.scheduler = scheduler
        self.local_workers = workers
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> DaskEngine:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineError("--engine dask needs Dask: pip install 'cn-report-pipeline[dask]'") from None
        try:
            if self.scheduler:
                self.client = self.stack.enter_context(Client(self.scheduler, timeout=CONNECT_SECONDS))
            else:
                cluster = self.stack.enter_context(LocalCluster(
                    n_workers=self.local_workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR))
                self.client = self.stack.enter_context(Client(cluster))
        except (OSError, TimeoutError) as error:
            self.stack.close()
            raise EngineError(f"cannot reach the Dask scheduler at {self.scheduler}: {error}") from None
        self.workers = max(1, sum(self.client.nthreads().values()))
        return self

    def __exit__(self, *exception) -> None:
        with contextlib.suppress(Exception):  # closing a client whose cluster is gone may fail too
            self.stack.close()

    def run_parts(self, parts: list[Part]) -> Iterator[PartSummary]:
        """Submit every part task and yield the summaries as they finish, in any order."""
        from distributed import as_completed
        from distributed.comm import CommClosedError

        logging.getLogger("distributed.client").setLevel(logging.CRITICAL)  # the error raised below says it
        keys = [f"write_part-{part.version.name}-{part.name}" for part in parts]
        futures = self.client.map(write_part, parts, key=keys)
        try:
            for future in as_completed(futures):
                yield future.result()
        except (CancelledError, CommClosedError, OSError, TimeoutError) as error:
            where = f" at {self.scheduler}" if self.scheduler else ""
            raise EngineError(f"lost the Dask cluster{where} before every part was written "
                              f"({type(error).__name__}); the previous tables are unchanged") from None
        finally:
            with contextlib.suppress(Exception):  # stop what still runs; the cluster may be gone already
                self.client.cancel(futures)
