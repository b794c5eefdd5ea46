"""Throughput of the local and the Dask engine with 1 and 2 workers over the same reports, in one run.

    python bench/bench_engines.py [--copies 40]

Each run starts cold, as a user's does: a fresh rulebook for the local engine, a new
LocalCluster for Dask (its start-up counted). Prints documents/s for each, the Dask
overhead against the local engine with as many workers ((Dask s - local s) / local s;
the target is at most 15 %), and whether every run wrote the same tables. The CPU seconds of
each run (its own and its worker processes') are printed too: on a machine shared with
other work they show the overhead where wall-clock times are swamped by the neighbours.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.batch import run_batch
from pipeline.rulebook import Rulebook
from pipeline.tables import TABLES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write_reports(folder: Path, copies: int) -> int:
    """Copies of the seeds, each with its own last line (so its own sha256); returns how many characters."""
    folder.mkdir()
    characters = 0
    for copy in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8") + f"\n{copy}\n"
            (folder / f"{copy:05d}_{seed.name}").write_text(text, encoding="utf-8")
            characters += len(text)
    return characters


def _cpu_seconds() -> float:
    """User and system time of this process and of its finished worker processes."""
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(usage.ru_utime + usage.ru_stime for usage in used)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of each seed (default 40: 200 reports)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "in"
        characters = write_reports(inputs, args.copies)
        seconds, cpu, tables = {}, {}, {}
        for engine in ("local", "dask"):
            for workers in (1, 2):
                out = Path(folder) / f"{engine}{workers}"
                started, cpu_before = time.perf_counter(), _cpu_seconds()
                summary = run_batch([inputs], out, Rulebook(), workers, progress=False, engine=engine)
                seconds[engine, workers] = time.perf_counter() - started
                cpu[engine, workers] = _cpu_seconds() - cpu_before
                tables[engine, workers] = {table: pq.read_table(out / table) for table in TABLES}
                print(f"{engine:5s} {workers} worker(s)  {summary.documents} documents in "
                      f"{seconds[engine, workers]:5.1f} s  ({summary.documents / seconds[engine, workers]:5.1f}/s, "
                      f"{characters / seconds[engine, workers] / 1e3:4.0f} k chars/s), "
                      f"{cpu[engine, workers]:5.1f} CPU s")
    for workers in (1, 2):
        overhead = seconds["dask", workers] / seconds["local", workers] - 1
        cpu_overhead = cpu["dask", workers] / cpu["local", workers] - 1
        print(f"dask overhead, {workers} worker(s): {overhead:+.1%} wall clock (target at most +15%), "
              f"{cpu_overhead:+.1%} CPU time")
    speedup = seconds["local", 1] / seconds["local", 2]
    print(f"local 2 workers over 1: x{speedup:.2f}")
    same = all(tables[key] == tables["local", 1] for key in tables)
    print(f"same tables from every engine and worker count: {'yes' if same else 'NO'}")


if __name__ == "__main__":  # Dask's LocalCluster starts worker processes that import this file
    main()
