"""Throughput and memory of a batch run: seeds copied N times, timed end to end.

    python bench/bench_batch.py [--copies 20] [--workers 2]

Prints documents/s, characters/s and the peak resident memory of the run. Timings
are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from pipeline.batch import run_batch
from pipeline.rulebook import Rulebook

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each seed (default 20)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        characters = 0
        for copy in range(args.copies):
            for seed in SEEDS.glob("*.txt"):
                text = seed.read_text(encoding="utf-8") + f"\n{copy}\n"  # distinct content
                (inputs / f"{copy:03d}_{seed.name}").write_text(text, encoding="utf-8")
                characters += len(text)
        started = time.perf_counter()
        rulebook = Rulebook()
        loaded = time.perf_counter()
        summary = run_batch([inputs], Path(folder) / "out", rulebook, args.workers, progress=False)
        finished = time.perf_counter()
    seconds = finished - loaded
    peak = max(resource.getrusage(who).ru_maxrss for who in
               (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(f"documents      {summary.documents}  ({summary.documents / seconds:.1f}/s)")
    print(f"characters     {characters}  ({characters / seconds / 1e3:.0f} k/s)")
    print(f"rules loaded   {loaded - started:.2f} s; batch {seconds:.2f} s (jieba/OpenCC load included)")
    print(f"peak memory    {peak:.0f} MiB (largest process)")


if __name__ == "__main__":
    main()
