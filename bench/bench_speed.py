"""Throughput of one process against bare jieba, and where the time goes (issue 15).

    python bench/bench_speed.py [--copies 20] [--memory]      # or: nox -s bench -- --copies 20

Over the seeds copied N times (each copy made distinct), prints bare ``jieba.lcut``'s chars/s,
the pipeline's chars/s (``process`` in this process, and a whole ``run_batch --workers 1`` with
its Parquet writing), their ratio to jieba's, and the seconds each stage and each step of
normalise took. ``--memory`` adds the peak RSS of a one-worker batch of N and 4N copies, each
in a fresh process. Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import collections
import functools
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.batch import run_batch
from pipeline.rulebook import Rulebook
from pipeline.tables import DocumentTables

# the module, not the function ``pipeline.process`` that the package exports under its name
chain = importlib.import_module("pipeline.process")
normalise = importlib.import_module("pipeline.stages.normalise")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# (module, function name, label): every call of these is timed under its label
STAGES = [
    (chain, "decode", "decode"),
    (chain, "normalise", "normalise"),
    (normalise, "_tidy_edits", "  tidy"),
    (normalise, "shifted_byte_repairs", "  shifted bytes"),
    (normalise, "_delete_annotations", "  pinyin"),
    (normalise, "lost_lead_byte_repairs", "  lost lead byte"),
    (normalise, "_to_simplified", "  t2s"),
    (normalise, "_strip_lines_edits", "  strip lines"),
    (chain, "strip_furniture", "clean"),
    (chain, "split_sentences", "split sentences"),
    (chain, "find_programs", "programs"),
    (chain, "tokenize_sentences", "tokenize"),
    (chain, "find_measures", "measures"),
    (chain, "find_indicators", "indicators"),
    (DocumentTables, "build", "tables"),
]


def seed_copies(copies: int) -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed, ``copies`` times, each copy with its number appended."""
    return [
        (f"{copy:03d}_{seed.name}", (seed.read_text(encoding="utf-8") + f"\n{copy}\n").encode("utf-8"))
        for copy in range(copies) for seed in sorted(SEEDS.glob("*.txt"))
    ]


def time_jieba(texts: list[str]) -> float:
    """Seconds bare jieba.lcut takes over ``texts``, its dictionary loaded beforehand."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    started = time.perf_counter()
    for text in texts:
        tokenizer.lcut(text)
    return time.perf_counter() - started


def time_stages(files: list[tuple[str, bytes]], rulebook: Rulebook) -> tuple[float, dict[str, float]]:
    """Seconds ``process`` takes over ``files``, and the seconds spent in each stage."""
    spent: dict[str, float] = collections.defaultdict(float)

    def timed(function, label):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
        return wrapper

    originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in STAGES]
    try:
        for (owner, name, original), (_, _, label) in zip(originals, STAGES, strict=True):
            wrapped = timed(original.__func__, label) if isinstance(original, classmethod) else timed(original, label)
            setattr(owner, name, classmethod(wrapped) if isinstance(original, classmethod) else wrapped)
        started = time.perf_counter()
        for name, raw in files:
            chain.process(raw, name, rulebook)
        return time.perf_counter() - started, dict(spent)
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def time_batch(files: list[tuple[str, bytes]], rulebook: Rulebook) -> float:
    """Seconds a one-worker batch over ``files`` takes, Parquet writing included."""
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        for name, raw in files:
            (inputs / name).write_bytes(raw)
        started = time.perf_counter()
        run_batch([inputs], Path(folder) / "out", rulebook, workers=1, progress=False)
        return time.perf_counter() - started


def peak_memory(copies: int) -> str:
    """The peak-memory line of bench_batch.py for a one-worker batch of ``copies``, in a fresh process."""
    script = Path(__file__).resolve().parent / "bench_batch.py"
    output = subprocess.run([sys.executable, str(script), "--copies", str(copies), "--workers", "1"],
                            check=True, capture_output=True, text=True).stdout
    return next(line for line in output.splitlines() if line.startswith("peak memory")).split(None, 2)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each seed, N (default 20)")
    parser.add_argument("--memory", action="store_true", help="also the peak RSS of batches of N and 4N copies")
    args = parser.parse_args()
    files = seed_copies(args.copies)
    texts = [raw.decode("utf-8") for _, raw in files]
    characters = sum(map(len, texts))
    rulebook = Rulebook().warm_up()
    jieba_seconds = time_jieba(texts)
    process_seconds, spent = time_stages(files, rulebook)
    batch_seconds = time_batch(files, rulebook)
    jieba_rate = characters / jieba_seconds
    print(f"{len(files)} documents, {characters} characters ({args.copies} copies of the seeds), one process")
    print(f"{'bare jieba.lcut':24}{jieba_seconds:8.2f} s {jieba_rate / 1e3:8.0f} k chars/s")
    for label, seconds in (("pipeline (process)", process_seconds), ("pipeline (batch, 1 worker)", batch_seconds)):
        rate = characters / seconds
        print(f"{label:24}{seconds:8.2f} s {rate / 1e3:8.0f} k chars/s  {rate / jieba_rate:5.2f}× jieba")
    print("stages (process):")
    for _, _, label in STAGES:
        seconds = spent.get(label, 0.0)
        print(f"  {label:22}{seconds:8.2f} s {100 * seconds / process_seconds:5.1f} %")
    if args.memory:
        for copies in (args.copies, 4 * args.copies):
            print(f"peak RSS, {copies} copies ({5 * copies} reports), 1 worker: {peak_memory(copies)}")


if __name__ == "__main__":
    main()
