"""Throughput of the number reader and of indicator extraction, against an earlier reader in one run.

    python bench/bench_numbers.py [--against ebb3c55] [--repeat 5]

Reads every sentence of the seeds and test corpora with ``find_numbers`` (and, when --against
names a commit, with that commit's ``pipeline/numbers.py`` loaded beside it), then extracts
indicators from the same text, and prints characters per second for each and their ratio.
Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import default_rulebook, extract_indicators
from pipeline.numbers import find_numbers
from pipeline.stages.ingest import decode

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["seeds/*.txt", "tests/corpus/*.txt", "tests/heldout*/*.txt", "tests/realtext*/*.txt"]  # not pages


def _lines() -> list[str]:
    lines = []
    for pattern in TEXTS:
        for path in sorted(ROOT.glob(pattern)):
            text = decode(path.read_bytes(), path.name).text  # GB18030, Big5 and pages too
            lines += [line for line in text.splitlines() if line.strip()]
    return lines


def _earlier_reader(commit: str):
    """``find_numbers`` of pipeline/numbers.py as it was at ``commit`` (it imports nothing of ours)."""
    source = subprocess.run(["git", "show", f"{commit}:pipeline/numbers.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "numbers_earlier.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("numbers_earlier", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["numbers_earlier"] = module
    spec.loader.exec_module(module)
    return module.find_numbers


def _chars_per_second(read, lines: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for line in lines:
            read(line)
        best = min(best, time.perf_counter() - started)
    return sum(map(len, lines)) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="a commit whose number reader to time beside this one")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the fastest counts (default 5)")
    args = parser.parse_args()
    lines = _lines()
    default_rulebook().warm_up()
    find_numbers("预热")
    print(f"{len(lines)} lines, {sum(map(len, lines)):,} characters")
    readers = {"this tree": find_numbers}
    if args.against:
        readers[args.against] = _earlier_reader(args.against)
    speeds = {name: 0.0 for name in readers}
    for _ in range(args.repeat):  # interleaved, so a busy moment slows both alike
        for name, read in readers.items():
            speeds[name] = max(speeds[name], _chars_per_second(read, lines, 1))
    for name, speed in speeds.items():
        print(f"find_numbers ({name:<16}) {speed / 1e6:7.3f} M chars/s")
    if args.against:
        print(f"ratio this/earlier             {speeds['this tree'] / speeds[args.against]:7.2f}")
    extraction = _chars_per_second(extract_indicators, lines, 1)
    print(f"extract_indicators             {extraction / 1e6:7.3f} M chars/s (whole chain per line)")


if __name__ == "__main__":
    main()
