"""Run the stage chain over a batch of files and write the tables.

Files are grouped by their bytes first: identical content under several names
is processed once, and content whose rows are already in OUT (made with the
same rules) is carried over instead of processed again, so a rerun over a
folder that gained reports only processes the new ones. The tables always
describe exactly the current inputs, in input order, whichever way rows came.

Documents fan out over worker processes forked after jieba and OpenCC are
loaded, so no worker loads them again. A file that fails becomes a documents
row with status ``error`` and a one-line reason; the batch goes on.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from tqdm import tqdm

from pipeline.document import Document
from pipeline.offsets import OffsetMap
from pipeline.process import process
from pipeline.rulebook import Rulebook
from pipeline.stages.ingest import content_id, find_inputs
from pipeline.stages.write import current_version, read_manifest, write_tables
from pipeline.tables import SCHEMAS, TABLES, DocumentTables

DEFAULT_MAX_BYTES = 20_000_000

_rulebook: Rulebook | None = None  # the worker's rulebook, inherited through fork


@dataclass
class Summary:
    documents: int = 0
    carried_over: int = 0
    files: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def processed(self) -> int:
        return self.documents - self.carried_over

    def lines(self) -> list[str]:
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        lines = [f"{self.documents} documents, {len(self.errors)} errors, {self.seconds:.1f} s "
                 f"({self.processed} processed, {self.carried_over} carried over; {self.files} files)",
                 f"rows: {counts}"]
        lines += [f"error: {name}: {reason}" for name, reason in self.errors]
        return lines


@dataclass
class Content:
    """One distinct content among the inputs: the files holding it, or why it cannot be read."""

    paths: list[Path]
    sha256: str | None = None
    error: str | None = None


def run_batch(
    inputs: list[Path], out: Path, rulebook: Rulebook, workers: int | None = None,
    progress: bool | None = None, full: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
) -> Summary:
    """Write the five tables for every input file under ``out``.

    Unless ``full``, documents already in ``out`` with status ok are carried over, not processed.
    """
    started = time.perf_counter()
    paths = find_inputs(inputs)
    contents = group_by_content(paths, max_bytes)
    stamp = fingerprint(rulebook.rules_dir)
    carried = {} if full else carry_over(out, stamp, {c.sha256 for c in contents if c.sha256})
    todo = [c for c in contents if c.error is None and c.sha256 not in carried]
    results = _process_all([c.paths[0] for c in todo], rulebook, workers or os.cpu_count() or 1, progress)
    made = carried | {c.sha256: result for c, result in zip(todo, results, strict=True)}
    rows: dict[str, list[dict]] = {table: [] for table in TABLES}
    for content in contents:
        first = content.paths[0]
        tables = (DocumentTables.failed(_stub(first, None), content.error) if content.error
                  else made[content.sha256])
        tables.rows["documents"][0].update(source_name=first.name, source_path=str(first),
                                           source_paths=[str(path) for path in content.paths])
        for table in TABLES:
            rows[table].extend(tables.rows[table])
    write_tables(rows, out, {"fingerprint": stamp})
    return Summary(
        documents=len(contents), carried_over=len(carried), files=len(paths),
        errors=[(d["source_name"], d["error"]) for d in rows["documents"] if d["status"] == "error"],
        rows={table: len(rows[table]) for table in TABLES},
        seconds=time.perf_counter() - started,
    )


def group_by_content(paths: list[Path], max_bytes: int) -> list[Content]:
    """The distinct contents of ``paths`` in input order; a file too large or unreadable stands alone."""
    contents: list[Content] = []
    by_sha256: dict[str, Content] = {}
    for path in paths:
        try:
            size = path.stat().st_size
            if size > max_bytes:  # checked before reading, so a huge file never enters memory
                contents.append(Content([path], error=f"file is {size:,} bytes, over the {max_bytes:,}-byte "
                                                      f"limit (--max-bytes)"))
                continue
            sha256, _ = content_id(path.read_bytes())
        except OSError as error:
            contents.append(Content([path], error=f"cannot read file: {error.strerror}"))
            continue
        if sha256 in by_sha256:
            by_sha256[sha256].paths.append(path)
        else:
            by_sha256[sha256] = Content([path], sha256)
            contents.append(by_sha256[sha256])
    return contents


def fingerprint(rules_dir: Path) -> str:
    """What rows depend on besides the bytes: every rules file and this package's code and version."""
    digest = hashlib.sha256(f"{_package_version()}\n{SCHEMAS}".encode())
    code_dir = Path(__file__).parent
    for folder, pattern in ((rules_dir, "*"), (code_dir, "*.py")):
        for path in sorted(path for path in folder.rglob(pattern) if path.is_file() and not _is_report(path)):
            digest.update(f"\n{path.relative_to(folder)}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _is_report(path: Path) -> bool:
    """The report package reads the tables and never shapes a row, so editing it keeps rows carried over."""
    return (Path(__file__).parent / "report") in path.parents


def carry_over(out: Path, stamp: str, wanted: set[str]) -> dict[str, DocumentTables]:
    """The rows in ``out`` of the ok documents whose sha256 is wanted, if made with the same fingerprint."""
    version = current_version(out)
    if version is None or read_manifest(version).get("fingerprint") != stamp or not wanted:
        return {}
    ok = pq.read_table(version / "documents", columns=["doc_id"],
                       filters=[("status", "==", "ok"), ("sha256", "in", sorted(wanted))])
    doc_ids = ok["doc_id"].to_pylist()
    if not doc_ids:
        return {}
    by_doc = {doc_id: {table: [] for table in TABLES} for doc_id in doc_ids}
    for table in TABLES:
        for row in pq.read_table(version / table, filters=[("doc_id", "in", doc_ids)]).to_pylist():
            by_doc[row["doc_id"]][table].append(row)
    return {rows["documents"][0]["sha256"]: DocumentTables(rows) for rows in by_doc.values()}


def _package_version() -> str:
    try:
        return importlib.metadata.version("cn-report-pipeline")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "source"


def _process_all(paths, rulebook, workers, progress) -> list[DocumentTables]:
    global _rulebook
    if not paths:
        return []
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
        return DocumentTables.failed(_stub(path, None), f"cannot read file: {error.strerror}")
    try:
        return process(raw, path.name, _rulebook, str(path))
    except Exception as error:  # one broken file must never stop the batch
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return DocumentTables.failed(_stub(path, raw), reason)


def _stub(path: Path, raw: bytes | None) -> Document:
    """A documents row for a file that could not be processed: its bytes kept, or no identity if never read."""
    sha256, doc_id = content_id(raw) if raw is not None else (None, None)
    text = raw.decode("utf-8", errors="replace") if raw else ""
    return Document(doc_id, path.name, str(path), sha256, "unknown", text, "",
                    OffsetMap.identity(0), script="unknown")
