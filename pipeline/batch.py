"""Run the stage chain over a batch of files and write the tables.

Documents fan out over worker processes forked after jieba and OpenCC are
loaded, so no worker loads them again. A file that fails becomes a documents
row with status ``error`` and a one-line reason; the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from pipeline.document import Document
from pipeline.offsets import OffsetMap
from pipeline.process import process
from pipeline.rulebook import Rulebook
from pipeline.stages.ingest import content_id, find_inputs
from pipeline.stages.write import write_tables
from pipeline.tables import TABLES, DocumentTables

_rulebook: Rulebook | None = None  # the worker's rulebook, inherited through fork


@dataclass
class Summary:
    documents: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        lines = [f"{self.documents} documents, {len(self.errors)} errors, "
                 f"{self.seconds:.1f} s", f"rows: {counts}"]
        lines += [f"error: {name}: {reason}" for name, reason in self.errors]
        return lines


def run_batch(
    inputs: list[Path], out: Path, rulebook: Rulebook, workers: int | None = None,
    progress: bool | None = None,
) -> Summary:
    """Process every input file and write the five tables under ``out``."""
    started = time.perf_counter()
    paths = find_inputs(inputs)
    results = _process_all(paths, rulebook, workers or os.cpu_count() or 1, progress)
    rows: dict[str, list[dict]] = {table: [] for table in TABLES}
    for result in results:
        for table in TABLES:
            rows[table].extend(result.rows[table])
    write_tables(rows, out, {})
    summary = Summary(
        documents=len(rows["documents"]),
        errors=[(d["source_name"], d["error"]) for d in rows["documents"] if d["status"] == "error"],
        rows={table: len(rows[table]) for table in TABLES},
    )
    summary.seconds = time.perf_counter() - started
    return summary


def _process_all(paths, rulebook, workers, progress) -> list[DocumentTables]:
    global _rulebook
    _rulebook = rulebook.warm_up()
    bar = dict(total=len(paths), unit="doc", disable=None if progress is None else not progress)
    if workers <= 1 or len(paths) <= 1:
        return [process_path(path) for path in tqdm(paths, **bar)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(paths)), mp_context=context) as pool:
        return list(tqdm(pool.map(process_path, paths, chunksize=1), **bar))


def process_path(path: Path) -> DocumentTables:
    """One file's rows; any failure becomes an error row instead of an exception."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return DocumentTables.failed(_stub(b"", path), f"cannot read file: {error.strerror}")
    try:
        return process(raw, path.name, _rulebook, str(path))
    except Exception as error:  # one broken file must never stop the batch
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return DocumentTables.failed(_stub(raw, path), reason)


def _stub(raw: bytes, path: Path) -> Document:
    """A documents row for a file that could not be processed: identity and bytes kept."""
    sha256, doc_id = content_id(raw)
    text = raw.decode("utf-8", errors="replace")
    return Document(doc_id, path.name, str(path), sha256, "unknown", text, "",
                    OffsetMap.identity(0), script="unknown")
