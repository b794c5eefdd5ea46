"""Run the stage chain over a batch of files and write the tables.

Files are grouped by their bytes first: identical content under several names
is processed once, and content whose rows are already in OUT (made with the
same rules) is carried over instead of processed again, so a rerun over a
folder that gained reports only processes the new ones. The tables always
describe exactly the current inputs, in input order, whichever way rows came.

The inputs are cut into consecutive parts; an engine (local processes or a Dask
cluster) runs one task per part, which writes that part of every table itself
(pipeline.parts), so no process holds the batch's rows. A file that fails
becomes a documents row with status ``error`` and a one-line reason; the batch
goes on. One run at a time holds OUT's lock; a run that fails leaves the
previous tables as they were and no partial version.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from tqdm import tqdm

from pipeline.lock import hold_lock
from pipeline.parts import Content, Part, PartSummary, fingerprint, split_parts
from pipeline.rulebook import Rulebook
from pipeline.stages.ingest import content_id, find_inputs
from pipeline.stages.write import (
    abandon_version,
    current_version,
    finish_version,
    part_name,
    read_manifest,
    start_version,
)
from pipeline.tables import TABLES

DEFAULT_MAX_BYTES = 20_000_000

@dataclass
class Summary:
    documents: int = 0
    carried_over: int = 0
    files: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    seconds: float = 0.0

    @property
    def processed(self) -> int:
        return self.documents - self.carried_over

    def add(self, part: PartSummary) -> None:
        self.documents += part.documents
        self.carried_over += part.carried_over
        self.errors += part.errors
        for table, count in part.rows.items():
            self.rows[table] += count

    def lines(self) -> list[str]:
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        lines = [f"{self.documents} documents, {len(self.errors)} errors, {self.seconds:.1f} s "
                 f"({self.processed} processed, {self.carried_over} carried over; {self.files} files)",
                 f"rows: {counts}"]
        lines += [f"error: {name}: {reason}" for name, reason in self.errors]
        return lines


def run_batch(
    inputs: list[Path], out: Path, rulebook: Rulebook, workers: int | None = None,
    progress: bool | None = None, full: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
    engine: str = "local", scheduler: str | None = None,
) -> Summary:
    """Write the five tables for every input file under ``out``, on the ``local`` or the ``dask`` engine.

    Unless ``full``, documents already in ``out`` with status ok are carried over, not processed.
    """
    started = time.perf_counter()
    paths = find_inputs(inputs)
    contents = group_by_content(paths, max_bytes)
    stamp = fingerprint(rulebook.rules_dir)
    with hold_lock(out), _engine(engine, rulebook, workers, scheduler) as runner:
        previous = None if full else carry_over(out, stamp, contents)
        version = start_version(out)
        try:
            parts = [Part(index, part_name(index), part_contents, version, previous, rulebook.rules_dir, stamp)
                     for index, part_contents in enumerate(split_parts(contents, runner.workers))]
            done: dict[int, PartSummary] = {}
            bar = tqdm(total=len(contents), unit="doc", disable=None if progress is None else not progress)
            with bar:
                for part in runner.run_parts(parts):
                    done[part.index] = part
                    bar.update(part.documents)
            finish_version(out, version, [part.name for part in parts], {"fingerprint": stamp})
        except BaseException:
            abandon_version(out, version)
            raise
    summary = Summary(files=len(paths))
    for index in sorted(done):  # input order, whatever order the parts finished in
        summary.add(done[index])
    summary.seconds = time.perf_counter() - started
    return summary


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
            by_sha256[sha256] = Content([path], sha256, size=size)
            contents.append(by_sha256[sha256])
    return contents


def carry_over(out: Path, stamp: str, contents: list[Content]) -> Path | None:
    """Mark the contents whose rows OUT already holds, made with the same fingerprint; return that version.

    Only the documents table's ids are read here, a part at a time; each part task copies its
    carried rows from the one previous part that holds them.
    """
    version = current_version(out)
    if version is None or read_manifest(version).get("fingerprint") != stamp:
        return None
    wanted = {content.sha256: content for content in contents if content.sha256}
    for part in sorted((version / "documents").glob("part-*.parquet")):
        ids = pq.read_table(part, columns=["doc_id", "sha256", "status"]).to_pydict()
        for doc_id, sha256, status in zip(ids["doc_id"], ids["sha256"], ids["status"], strict=True):
            if status == "ok" and sha256 in wanted:
                wanted[sha256].carried = (doc_id, part.name)
    return version


def _engine(name: str, rulebook: Rulebook, workers: int | None, scheduler: str | None):
    if name == "dask":
        from pipeline.engines.dask import DaskEngine

        return DaskEngine(scheduler, workers)
    from pipeline.engines.local import LocalEngine

    return LocalEngine(rulebook, workers)
