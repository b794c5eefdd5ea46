"""Parts: the unit of work of every engine, a slice of the inputs written as one part of each table.

A part task processes its documents (or copies their rows from the previous version, when
they are carried over) and writes them, in input order, to the part files of the new
version itself, so rows never travel back to the process that started the run: it only
gets a small summary. Part names follow input order, and a task writes by a fixed name
through a temporary file, so a task run twice (a Dask worker lost mid-task) gives the same
whole part. A task only needs paths: the inputs, the rules folder and OUT.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.document import Document
from pipeline.offsets import OffsetMap
from pipeline.process import process
from pipeline.rulebook import Rulebook
from pipeline.stages.ingest import content_id
from pipeline.stages.write import PartWriter
from pipeline.tables import SCHEMAS, TABLES, DocumentTables

PART_DOCUMENTS = 64  # at most this many documents per part
PART_BYTES = 32_000_000  # and at most this many input bytes, unless one file alone is larger
PARTS_PER_WORKER = 4  # small batches are cut finer, so every worker gets work

_rulebooks: dict[tuple[str, str], Rulebook] = {}  # per process: (rules folder, fingerprint) -> rulebook
_loading = threading.Lock()  # a Dask worker may run tasks in several threads


@dataclass
class Content:
    """One distinct content among the inputs: the files holding it, or why it cannot be read."""

    paths: list[Path]
    sha256: str | None = None
    error: str | None = None
    size: int = 0
    carried: tuple[str, str] | None = None  # (doc_id, part name) of its rows in the previous version


@dataclass(frozen=True)
class Part:
    """What one task needs: its contents, where to write, where carried rows are, which rules."""

    index: int
    name: str
    contents: list[Content]
    version: Path
    previous: Path | None
    rules_dir: Path
    stamp: str


@dataclass
class PartSummary:
    """What a task reports back: counts and errors, never rows."""

    index: int
    documents: int = 0
    carried_over: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))


def split_parts(contents: list[Content], workers: int) -> list[list[Content]]:
    """Consecutive slices of ``contents``: at least one (an empty batch still writes empty tables)."""
    per_part = max(1, min(PART_DOCUMENTS, math.ceil(len(contents) / (workers * PARTS_PER_WORKER))))
    slices: list[list[Content]] = [[]]
    size = 0
    for content in contents:
        if len(slices[-1]) >= per_part or (slices[-1] and size + content.size > PART_BYTES):
            slices.append([])
            size = 0
        slices[-1].append(content)
        size += content.size
    return slices


def use_rulebook(rulebook: Rulebook, stamp: str) -> None:
    """Let this process's tasks (and processes forked from it) use ``rulebook`` for rules with ``stamp``."""
    _rulebooks[str(rulebook.rules_dir), stamp] = rulebook


def write_part(part: Part) -> PartSummary:
    """Write part ``part.name`` of every table of ``part.version``; return its counts and errors."""
    rulebook = _rulebook(part.rules_dir, part.stamp)
    carried = _carried_rows(part)
    summary = PartSummary(part.index)
    with PartWriter(part.version, part.name) as writer:
        for content in part.contents:
            first = content.paths[0]
            if content.error:
                tables = DocumentTables.failed(_stub(first, None), content.error)
            elif content.carried:
                tables = DocumentTables(carried.pop(content.carried[0]))
                summary.carried_over += 1
            else:
                tables = process_path(first, rulebook)
            document = tables.rows["documents"][0]
            document.update(source_name=first.name, source_path=str(first),
                            source_paths=[str(path) for path in content.paths])
            if document["status"] == "error":
                summary.errors.append((first.name, document["error"]))
            writer.add(tables.rows)
            summary.documents += 1
            for table in TABLES:
                summary.rows[table] += len(tables.rows[table])
    return summary


def process_path(path: Path, rulebook: Rulebook) -> DocumentTables:
    """One file's rows; any failure becomes an error row instead of an exception."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return DocumentTables.failed(_stub(path, None), f"cannot read file: {error.strerror}")
    try:
        return process(raw, path.name, rulebook, str(path))
    except Exception as error:  # one broken file must never stop the batch
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return DocumentTables.failed(_stub(path, raw), reason)


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


def _rulebook(rules_dir: Path, stamp: str) -> Rulebook:
    """The rulebook for a task: the run's own one, or (on a Dask worker) loaded once per process.

    A worker whose code or rules differ from the client's would write other rows: it refuses.
    """
    with _loading:
        key = (str(rules_dir), stamp)
        if key not in _rulebooks:
            found = fingerprint(rules_dir)
            if found != stamp:
                raise RuntimeError(f"this worker's pipeline code or rules at {rules_dir} differ from the client's "
                                   f"(fingerprint {found}, expected {stamp}): install the same version everywhere")
            _rulebooks[key] = Rulebook(rules_dir).warm_up()
        return _rulebooks[key]


def _carried_rows(part: Part) -> dict[str, dict[str, list[dict]]]:
    """The previous version's rows of the part's carried documents, read from the parts that hold them."""
    by_part: dict[str, list[str]] = {}
    for content in part.contents:
        if content.carried:
            by_part.setdefault(content.carried[1], []).append(content.carried[0])
    rows = {doc_id: {table: [] for table in TABLES} for doc_ids in by_part.values() for doc_id in doc_ids}
    for name, doc_ids in by_part.items():
        for table in TABLES:
            for row in pq.read_table(part.previous / table / name, filters=[("doc_id", "in", doc_ids)]).to_pylist():
                rows[row["doc_id"]][table].append(row)
    return rows


def _package_version() -> str:
    try:
        return importlib.metadata.version("cn-report-pipeline")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "source"


def _stub(path: Path, raw: bytes | None) -> Document:
    """A documents row for a file that could not be processed: its bytes kept, or no identity if never read."""
    sha256, doc_id = content_id(raw) if raw is not None else (None, None)
    text = raw.decode("utf-8", errors="replace") if raw else ""
    return Document(doc_id, path.name, str(path), sha256, "unknown", text, "",
                    OffsetMap.identity(0), script="unknown")
