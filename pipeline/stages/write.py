"""Write: the tables as Parquet datasets under OUT, swapped in atomically.

Each run writes a complete new version of every table under
``OUT/.versions/<run>/<table>/`` and then points ``OUT/<table>`` at it by
atomically replacing a symbolic link. A reader, and a run killed at any moment,
always finds either the previous version or the new one, never half a table.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.tables import SCHEMAS, TABLES

VERSIONS = ".versions"


def write_tables(rows: dict[str, list[dict]], out: Path) -> None:
    """Write every table of ``rows`` as ``OUT/<table>/part-00000.parquet``, atomically."""
    out.mkdir(parents=True, exist_ok=True)
    version = out / VERSIONS / uuid.uuid4().hex[:12]
    for table in TABLES:
        folder = version / table
        folder.mkdir(parents=True)
        arrow = pa.Table.from_pylist(rows.get(table, []), schema=SCHEMAS[table])
        pq.write_table(arrow, folder / "part-00000.parquet", compression="zstd")
    _fsync_tree(version)
    for table in TABLES:
        _point(out / table, version / table)
    _drop_unreferenced_versions(out)


def _point(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to ``target`` in one atomic rename."""
    if link.exists() and not link.is_symlink():
        raise FileExistsError(f"{link} exists and was not written by this tool; move it away")
    staging = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}")
    staging.symlink_to(os.path.relpath(target, link.parent))
    os.replace(staging, link)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*.parquet"):
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _drop_unreferenced_versions(out: Path) -> None:
    """Delete versions no table points at (earlier runs, and runs killed mid-way)."""
    in_use = {(out / table).resolve().parent for table in TABLES if (out / table).is_symlink()}
    for version in (out / VERSIONS).iterdir():
        if version.resolve() not in in_use:
            shutil.rmtree(version, ignore_errors=True)
