"""Peak resident memory of a run over N and 4N reports: flat when nothing holds the whole batch.

    python bench/bench_memory.py [--copies 40] [--workers 2]

Each batch runs in a fresh interpreter, so its peak is its own. The reports are copies of
the seeds, each with its own last line, so every one is processed. Prints the peak of the
process that runs the batch and of its largest worker, and the growth from N to 4N.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_engines import write_reports  # a sibling script: its folder is on sys.path


def measure(copies: int, workers: int) -> dict:
    """Run one batch here and report its peaks (MiB) and seconds; called in a fresh interpreter."""
    from pipeline.batch import run_batch
    from pipeline.rulebook import Rulebook

    with tempfile.TemporaryDirectory() as folder:
        write_reports(Path(folder) / "in", copies)
        started = time.perf_counter()
        summary = run_batch([Path(folder) / "in"], Path(folder) / "out", Rulebook(), workers, progress=False)
        seconds = time.perf_counter() - started
    return {"documents": summary.documents, "seconds": seconds,
            "runner": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="N / 5: copies of each seed (default 40: N = 200)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child's side
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.workers)))
        return
    peaks = {}
    for copies in (args.copies, 4 * args.copies):
        child = subprocess.run([sys.executable, __file__, "--measure", str(copies), "--workers", str(args.workers)],
                               capture_output=True, text=True, check=True)
        peaks[copies] = json.loads(child.stdout)
        run = peaks[copies]
        print(f"{run['documents']:6d} reports  {run['seconds']:6.1f} s  peak RSS: runner {run['runner']:5.0f} MiB, "
              f"largest worker {run['worker']:5.0f} MiB")
    small, large = peaks[args.copies], peaks[4 * args.copies]
    for who in ("runner", "worker"):
        print(f"{who} growth from N to 4N: {large[who] / small[who] - 1:+.1%} (target at most +15%)")


if __name__ == "__main__":
    main()
