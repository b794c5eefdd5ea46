"""Write: the tables as Parquet datasets under OUT, swapped in atomically.

Each run writes a complete new version of every table, with a small manifest,
under ``OUT/.versions/<run>/`` and then points ``OUT/.current`` at it by
atomically replacing one symbolic link; ``OUT/<table>`` links to
``.current/<table>``. A reader, and a run killed at any moment, always finds
either every table of the previous version or every table of the new one.

A version is written as numbered parts (``<table>/part-000000.parquet`` …), one
per slice of the inputs in input order, so reading a table's folder gives its
rows in input order. Each part is written by one task, appending row groups as
documents come, to a hidden temporary name renamed into place when complete:
a task run twice (a retried Dask task) leaves one whole part. Any failure to
write becomes a ``WriteError`` that names the path and the system's reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.tables import SCHEMAS, TABLES

VERSIONS = ".versions"
CURRENT = ".current"
MANIFEST = "manifest.json"
ROW_GROUP_ROWS = 5_000  # rows of all tables buffered before a row group is written
ROW_GROUP_CHARS = 8_000_000  # characters of raw and normalised text buffered before a row group is written


class WriteError(Exception):
    """OUT could not be written (full disk, no permission …): one line naming the path and the reason."""


def write_error(error: OSError, path: Path | str) -> WriteError:
    """``cannot write PATH: no space left on device (errno 28)`` for an OSError met while writing ``path``."""
    if error.errno:
        reason = f"{os.strerror(error.errno).lower()} (errno {error.errno})"
    else:
        reason = str(error) or type(error).__name__
    return WriteError(f"cannot write {error.filename or path}: {reason}")


def start_version(out: Path) -> Path:
    """A new, empty version folder holding one folder per table."""
    for table in TABLES:
        if (out / table).exists() and not (out / table).is_symlink():
            raise FileExistsError(f"{out / table} exists and was not written by this tool; move it away")
    version = out / VERSIONS / uuid.uuid4().hex[:12]
    try:
        for table in TABLES:
            (version / table).mkdir(parents=True)
    except OSError as error:
        abandon_version(out, version)
        raise write_error(error, version) from None
    return version


def part_name(index: int) -> str:
    """The file name of part ``index``; names sort in input order."""
    return f"part-{index:06d}.parquet"


class PartWriter:
    """One part of every table, appended to a document at a time and flushed in row groups.

    Use as a context manager: on success every table's part is renamed into place; on any
    error the temporary files are removed and an OSError becomes a WriteError.
    """

    def __init__(self, version: Path, name: str):
        self.paths = {table: version / table / name for table in TABLES}
        self.temporaries = {table: path.with_name(f".{name}.{uuid.uuid4().hex[:8]}.tmp")
                            for table, path in self.paths.items()}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.buffers: dict[str, list[dict]] = {table: [] for table in TABLES}
        self.rows = self.chars = 0
        self.writing = self.temporaries[TABLES[0]]  # the file an OSError is reported against

    def __enter__(self) -> PartWriter:
        try:
            for table in TABLES:
                self.writing = self.temporaries[table]
                self.writers[table] = pq.ParquetWriter(self.writing, SCHEMAS[table], compression="zstd")
        except OSError as error:
            self._discard()
            raise write_error(error, self.writing) from None
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self._close()
                return
        except OSError as close_error:
            error = close_error
        self._discard()
        if isinstance(error, OSError):
            raise write_error(error, self.writing) from None

    def add(self, rows: dict[str, list[dict]]) -> None:
        """Append one document's rows; write a row group once enough rows or text are buffered."""
        for table in TABLES:
            self.buffers[table].extend(rows[table])
            self.rows += len(rows[table])
        self.chars += sum(len(row["raw_text"]) + len(row["text"]) for row in rows["documents"])
        if self.rows >= ROW_GROUP_ROWS or self.chars >= ROW_GROUP_CHARS:
            self._flush()

    def _flush(self) -> None:
        for table, buffer in self.buffers.items():
            if buffer:
                self.writing = self.temporaries[table]
                self.writers[table].write_table(pa.Table.from_pylist(buffer, schema=SCHEMAS[table]))
                buffer.clear()
        self.rows = self.chars = 0

    def _close(self) -> None:
        self._flush()
        for table, writer in list(self.writers.items()):
            self.writing = self.temporaries[table]
            del self.writers[table]
            writer.close()
        for table, temporary in self.temporaries.items():
            self.writing = self.paths[table]
            os.replace(temporary, self.paths[table])

    def _discard(self) -> None:
        for writer in self.writers.values():
            with contextlib.suppress(OSError):  # the error being raised already says what went wrong
                writer.close()
        for temporary in self.temporaries.values():
            temporary.unlink(missing_ok=True)


def finish_version(out: Path, version: Path, parts: list[str], manifest: dict) -> None:
    """Check every table holds exactly ``parts``, write the manifest and switch OUT to ``version``."""
    for table in TABLES:
        for leftover in (version / table).glob(".*.tmp"):  # from tasks killed mid-part and run again
            leftover.unlink(missing_ok=True)
        found = sorted(path.name for path in (version / table).glob("part-*.parquet"))
        if found != parts:
            raise RuntimeError(f"{version / table} holds {len(found)} parts, expected {len(parts)}")
    where = version / MANIFEST
    try:
        where.write_text(json.dumps(manifest), encoding="utf-8")
        _fsync_tree(version)
        for table in TABLES:  # the same links every run: they only need making the first time
            where = out / table
            if not where.is_symlink():
                _point(where, out / CURRENT / table)
        where = out / CURRENT
        _point(where, version)
    except OSError as error:
        raise write_error(error, where) from None
    _drop_other_versions(out, version)


def abandon_version(out: Path, version: Path) -> None:
    """Remove a version that was not switched in, so a failed run leaves no partial version behind."""
    current = current_version(out)
    if current is None or current.resolve() != version.resolve():
        shutil.rmtree(version, ignore_errors=True)


def current_version(out: Path) -> Path | None:
    """The version folder OUT's tables are read from, or None when OUT holds none of ours."""
    link = out / "documents"
    return link.resolve().parent if link.is_symlink() and link.exists() else None


def read_manifest(version: Path) -> dict:
    """The manifest written with a version; empty for versions written before manifests."""
    path = version / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _point(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to ``target`` in one atomic rename."""
    staging = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}")
    staging.symlink_to(os.path.relpath(target, link.parent))
    try:
        os.replace(staging, link)
    except OSError:
        staging.unlink(missing_ok=True)
        raise


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _drop_other_versions(out: Path, current: Path) -> None:
    """Delete every version but the current one (earlier runs, and runs killed mid-way)."""
    for version in (out / VERSIONS).iterdir():
        if version != current:
            shutil.rmtree(version, ignore_errors=True)
