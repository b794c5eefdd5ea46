"""Golden tables: the rows the seeds and the test corpora give, pinned so that speed work cannot
change a result unnoticed.

    python -m tests.golden --update      # or: nox -s golden -- --update

writes ``tests/golden/<set>.jsonl.gz``: one JSON line per row, tables in contract order, rows
in table order; and ``tests/golden/t2s.jsonl.gz``: what OpenCC t2s makes of every line of those
files and of every GBK character (the candidates of a lost-byte repair), so either binding of
OpenCC is held to the same output. Left out of the tables: ``raw_text`` (the input file
itself) and the source paths (they name the temporary folder of the run). Only an intended
change of results should rewrite them; the diff of the regenerated rows is the review.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.batch import run_batch
from pipeline.rulebook import Rulebook
from pipeline.stages.ingest import decode, find_inputs
from pipeline.tables import TABLES

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
SETS = {
    "seeds": TESTS.parent / "seeds",
    **{name: TESTS / name for name in (
        "corpus", "heldout", "heldout2", "heldout3", "realtext", "realtext2", "realpages")},
}
_UNPINNED = {"raw_text", "source_path", "source_paths"}


def golden_lines(folder: Path, rulebook: Rulebook, workers: int = 2) -> list[str]:
    """The set's rows as JSON lines, ``{"table": …, <column>: …}``, from a fresh batch run."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        run_batch([folder], out, rulebook, workers=workers, progress=False)
        return [
            json.dumps({"table": table, **{k: v for k, v in row.items() if k not in _UNPINNED}},
                       ensure_ascii=False, sort_keys=False)
            for table in TABLES
            for row in pq.read_table(out / table).to_pylist()
        ]


def t2s_lines(rulebook: Rulebook) -> list[str]:
    """``[text, converted]`` JSON lines for each text t2s changes: every line of every set's
    files (as decoded, HTML read as its text) and every Han character GBK encodes in two bytes."""
    texts = {
        line for folder in SETS.values() for path in find_inputs([folder])
        for line in decode(path.read_bytes(), path.name).text.splitlines()
    }
    for lead in range(0x81, 0xFF):
        texts.update(bytes([lead, trail]).decode("gbk", errors="ignore") for trail in range(0x40, 0xFF))
    converted = ((text, rulebook.converter.convert(text)) for text in sorted(texts) if text)
    return [json.dumps([text, after], ensure_ascii=False) for text, after in converted if after != text]


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.jsonl.gz"


def read_golden(name: str) -> list[str]:
    with gzip.open(golden_path(name), "rt", encoding="utf-8") as file:
        return file.read().splitlines()


def write_golden(name: str, lines: list[str]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    # mtime=0: the same rows give the same bytes, so an unchanged set leaves git clean
    with open(golden_path(name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
        file.write("".join(line + "\n" for line in lines).encode("utf-8"))


def first_difference(expected: list[str], actual: list[str], context: int = 2) -> str | None:
    """A readable account of the first row that differs, or None when the rows are equal."""
    if expected == actual:
        return None
    at = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
              min(len(expected), len(actual)))
    lines = [f"{len(expected)} golden rows, {len(actual)} now; first difference at row {at}:"]
    for i in range(max(0, at - context), at):
        lines.append(f"  same      {expected[i][:300]}")
    if at < len(expected):
        lines.append(f"- golden    {expected[at]}")
    if at < len(actual):
        lines.append(f"+ now       {actual[at]}")
    if at < len(expected) and at < len(actual):
        old, new = json.loads(expected[at]), json.loads(actual[at])
        if not isinstance(old, dict) or not isinstance(new, dict):
            return "\n".join(lines)
        for key in dict.fromkeys([*old, *new]):
            if old.get(key) != new.get(key):
                lines.append(f"  column {key}: {old.get(key)!r} → {new.get(key)!r}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the golden files from a fresh run")
    parser.add_argument("sets", nargs="*", default=[*SETS, "t2s"], help="sets to check or update (default all)")
    args = parser.parse_args()
    rulebook = Rulebook().warm_up()
    failed = False
    for name in args.sets:
        lines = t2s_lines(rulebook) if name == "t2s" else golden_lines(SETS[name], rulebook)
        if args.update:
            write_golden(name, lines)
            print(f"{name}: wrote {len(lines)} rows to {golden_path(name).relative_to(TESTS.parent)}")
            continue
        difference = first_difference(read_golden(name), lines)
        print(f"{name}: {'same' if difference is None else difference}")
        failed |= difference is not None
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
