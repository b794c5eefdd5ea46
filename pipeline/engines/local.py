"""Local engine: part tasks in worker processes forked after jieba and OpenCC are loaded."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from pipeline.parts import Part, PartSummary, use_rulebook, write_part
from pipeline.rulebook import Rulebook


class LocalEngine:
    """Up to ``workers`` processes on this machine (default: one per CPU core)."""

    def __init__(self, rulebook: Rulebook, workers: int | None = None):
        self.rulebook = rulebook
        self.workers = workers or os.cpu_count() or 1

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exception) -> None:
        pass  # the pool lives only as long as one run_parts

    def run_parts(self, parts: list[Part]) -> Iterator[PartSummary]:
        """Run every part task; forked workers inherit the warm rulebook, so none loads it again."""
        use_rulebook(self.rulebook.warm_up(), parts[0].stamp)
        if self.workers <= 1 or len(parts) <= 1:
            yield from map(write_part, parts)
            return
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(self.workers, len(parts)), mp_context=context) as pool:
            yield from pool.map(write_part, parts)
