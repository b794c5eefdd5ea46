"""Report build time against the pipeline run time for the same documents.

    python bench/bench_report.py [--documents 10000] [--workers N]

The seeds are copied until there are N documents, each copy made distinct by a line
of its own, the pipeline runs over them, and the report is built from its tables.
Prints both times and their ratio; the target is a report build of at most a fifth
of the run time. Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pipeline.batch import run_batch
from pipeline.report import build_report
from pipeline.rulebook import Rulebook

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the batch (default 10000)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes of the pipeline run")
    args = parser.parse_args()
    seeds = sorted(SEEDS.glob("*.txt"))
    with tempfile.TemporaryDirectory() as folder:
        inputs, out = Path(folder) / "in", Path(folder) / "out"
        inputs.mkdir()
        for number in range(args.documents):
            seed = seeds[number % len(seeds)]
            text = seed.read_text(encoding="utf-8") + f"\n{number}\n"  # distinct content
            (inputs / f"{number:05d}_{seed.name}").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        summary = run_batch([inputs], out, Rulebook(), args.workers, progress=False)
        run_seconds = time.perf_counter() - started
        started = time.perf_counter()
        written = build_report(out)
        report_seconds = time.perf_counter() - started
        size = written.index.stat().st_size + sum(
            page.stat().st_size for page in written.index.parent.glob(f"{written.index.stem}_docs/*.html"))
    print(f"documents      {summary.documents} ({summary.rows['indicators']:,} indicator rows)")
    print(f"pipeline run   {run_seconds:.1f} s (rules loaded and jieba/OpenCC included)")
    print(f"report build   {report_seconds:.1f} s ({written.document_pages} document pages, {size / 1e6:.0f} MB)")
    print(f"ratio          {report_seconds / run_seconds:.3f} (target ≤ 0.2)")


if __name__ == "__main__":
    main()
