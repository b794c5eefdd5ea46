"""Write: the tables as Parquet datasets under OUT, swapped in atomically.

Each run writes a complete new version of every table, with a small manifest,
under ``OUT/.versions/<run>/`` and then points ``OUT/.current`` at it by
atomically replacing one symbolic link; ``OUT/<table>`` links to
``.current/<table>``. A reader, and a run killed at any moment, always finds
either every table of the previous version or every table of the new one.
"""

from __future__ import annotations

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


def write_tables(rows: dict[str, list[dict]], out: Path, manifest: dict) -> None:
    """Write every table of ``rows`` as ``OUT/<table>/part-00000.parquet``, with ``manifest``, atomically."""
    out.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        if (out / table).exists() and not (out / table).is_symlink():
            raise FileExistsError(f"{out / table} exists and was not written by this tool; move it away")
    version = out / VERSIONS / uuid.uuid4().hex[:12]
    for table in TABLES:
        folder = version / table
        folder.mkdir(parents=True)
        arrow = pa.Table.from_pylist(rows.get(table, []), schema=SCHEMAS[table])
        pq.write_table(arrow, folder / "part-00000.parquet", compression="zstd")
    (version / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _fsync_tree(version)
    _point(out / CURRENT, version)
    for table in TABLES:
        _point(out / table, out / CURRENT / table)
    _drop_other_versions(out, version)


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
    os.replace(staging, link)


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
