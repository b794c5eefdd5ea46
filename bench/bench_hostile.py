"""Time every file of the hostile corpus (tests/hostile.py) through the stage chain, one at a time.

    python bench/bench_hostile.py [NAME_PART ...]

Prints, per file, the seconds it took, its size, and its status and row counts (a file that
fails is shown with the reason its documents row would give), then the slowest file and the
total. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.process import process
from pipeline.rulebook import Rulebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the corpus is made by tests/hostile.py
from tests.hostile import hostile_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="time only the files whose name contains one of these")
    args = parser.parse_args()
    rulebook = Rulebook().warm_up()
    print(f"{'file':32} {'seconds':>8} {'bytes':>9}  indicators/measures/sentences or error")
    timings = []
    for name, raw in hostile_files().items():
        if args.only and not any(part in name for part in args.only):
            continue
        started = time.perf_counter()
        try:
            rows = process(raw, name, rulebook).rows
            outcome = "/".join(str(len(rows[table])) for table in ("indicators", "measures", "sentences"))
        except Exception as error:  # shown as the batch would record it
            outcome = f"error: {type(error).__name__}: {error}"[:90]
        seconds = time.perf_counter() - started
        timings.append((seconds, name))
        print(f"{name:32} {seconds:8.2f} {len(raw):9d}  {outcome}", flush=True)
    seconds, name = max(timings)
    print(f"slowest {name} {seconds:.2f} s; total {sum(s for s, _ in timings):.2f} s")


if __name__ == "__main__":
    main()
