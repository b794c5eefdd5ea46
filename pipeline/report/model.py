"""Model: OUT's Parquet tables read into what the report shows, with no HTML in it.

The indicator table goes to the page as one JSON blob of rows as arrays (column names
once), with each distinct sentence stored once, so 100,000 rows stay a few megabytes.
A ``change`` column is shown when the indicators table has one, and is null otherwise.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

# The indicator table's columns, in the order of each row array in the JSON blob.
ROW_COLUMNS = ("indicator_id", "doc", "kind", "value", "value_high", "unit", "qualifier", "subject", "change",
               "text", "sentence", "rule", "start", "end", "raw_start", "raw_end", "measure_id", "program")
_DOCUMENT_COLUMNS = ("doc_id", "source_name", "title", "date", "source", "author", "text", "raw_text",
                     "status", "error", "furniture", "repairs", "encoding", "script")
_SENTENCE_COLUMNS = ("doc_id", "start", "end", "raw_start", "raw_end")


@dataclass
class Batch:
    """Every table of one OUT, grouped by document."""

    documents: list[dict]
    indicators: list[dict]
    programs_by_doc: dict[str, list[dict]]
    measures_by_doc: dict[str, list[dict]]
    sentences_by_doc: dict[str, list[dict]]
    row_counts: dict[str, int]
    indicators_by_doc: dict[str, list[dict]] = field(init=False)

    def __post_init__(self):
        self.indicators_by_doc = _group(self.indicators)

    @property
    def ok_documents(self) -> list[dict]:
        return [d for d in self.documents if d["status"] == "ok"]


def read_batch(out: Path) -> Batch:
    """Read the tables under ``out``; indicators gain a null ``change`` when the table has none."""
    if not (out / "documents").exists():
        raise FileNotFoundError(f"no tables under {out}/: run `python -m pipeline run --out {out}` first")
    documents = pq.read_table(out / "documents", columns=list(_DOCUMENT_COLUMNS)).to_pylist()
    indicators = pq.read_table(out / "indicators").to_pylist()
    for row in indicators:
        row.setdefault("change", None)
    programs = pq.read_table(out / "programs").to_pylist()
    measures = pq.read_table(out / "measures").to_pylist()
    sentences = pq.read_table(out / "sentences", columns=list(_SENTENCE_COLUMNS)).to_pylist()
    row_counts = {"documents": len(documents), "indicators": len(indicators), "programs": len(programs),
                  "measures": len(measures), "sentences": len(sentences)}
    return Batch(documents, indicators, _group(programs), _group(measures), _group(sentences), row_counts)


def _group(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["doc_id"]].append(row)
    return grouped


@dataclass(frozen=True)
class Glance:
    """The batch at a glance: the counts the report's first part shows."""

    ok: int
    errors: list[tuple[str, str]]  # (file name, reason)
    row_counts: dict[str, int]
    by_kind_and_unit: list[tuple[str, str, int]]  # (kind, unit, rows), most rows first
    repairs_certain: int
    repairs_guessed: int
    furniture_lines: int
    top_subjects: list[tuple[str, int]]
    dates: list[str]

    @property
    def by_kind(self) -> list[tuple[str, int, list[tuple[str, int]]]]:
        """(kind, rows, [(unit, rows) …]) per kind, most rows first."""
        units: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for kind, unit, n in self.by_kind_and_unit:
            units[kind].append((unit, n))
        return sorted(((kind, sum(n for _, n in pairs), pairs) for kind, pairs in units.items()),
                      key=lambda entry: -entry[1])


def glance(batch: Batch, top: int = 15) -> Glance:
    """Count what the first part of the report shows."""
    repairs = [r for d in batch.documents for r in (d["repairs"] or [])]
    by_kind_and_unit = Counter((row["kind"], row["unit"]) for row in batch.indicators)
    subjects = Counter(row["subject"] for row in batch.indicators if row["subject"])
    return Glance(
        ok=len(batch.ok_documents),
        errors=[(d["source_name"], d["error"] or "") for d in batch.documents if d["status"] != "ok"],
        row_counts=batch.row_counts,
        by_kind_and_unit=[(kind, unit, n) for (kind, unit), n in by_kind_and_unit.most_common()],
        repairs_certain=sum(r["certain"] for r in repairs),
        repairs_guessed=sum(not r["certain"] for r in repairs),
        furniture_lines=sum(len(d["furniture"] or ()) for d in batch.documents),
        top_subjects=subjects.most_common(top),
        dates=[d["date"] for d in batch.ok_documents if d["date"]],
    )


def indicator_blob(batch: Batch, document_href: dict[str, str]) -> str:
    """The indicator table as JSON, safe inside a ``<script type="application/json">`` element.

    ``document_href`` gives each document's page ("" when it is in the index); a row links to ``href#ind-<id>``.
    """
    doc_index = {d["doc_id"]: i for i, d in enumerate(batch.ok_documents)}
    documents = [[d["doc_id"], d["title"] or d["source_name"], document_href[d["doc_id"]]]
                 for d in batch.ok_documents]
    sentence_index: dict[str, int] = {}
    rows = []
    for row in batch.indicators:
        values = {**row, "doc": doc_index.get(row["doc_id"]),
                  "sentence": sentence_index.setdefault(row["sentence"], len(sentence_index)),
                  "value": _finite(row["value"]), "value_high": _finite(row["value_high"])}
        rows.append([values[column] for column in ROW_COLUMNS])
    data = {"columns": ROW_COLUMNS, "documents": documents, "sentences": list(sentence_index), "rows": rows}
    return script_safe_json(data)


def _finite(number: float | None) -> float | None:
    return number if number is not None and math.isfinite(number) else None


def script_safe_json(data) -> str:
    """JSON that cannot end its ``<script>`` element or be read as markup: ``< > &`` and U+2028/9 escaped.

    >>> script_safe_json(["</script>&\\u2028"])
    '["\\\\u003c/script\\\\u003e\\\\u0026\\\\u2028"]'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                               ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(character, escaped)
    return text
