"""The table contract: Arrow schemas of the five tables and the rows extractors return.

Column names of DESIGN.md are fixed; extra columns are appended after them.
Extractors return rows that index ``Document.text``; ``raw_start``/``raw_end``
are filled here only, from the document's offset map.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from pipeline.document import Document

string, int64, float64 = pa.string(), pa.int64(), pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", string), ("source_name", string), ("source_path", string),
        ("sha256", string), ("encoding", string), ("script", string),
        ("title", string), ("date", string), ("source", string), ("author", string),
        ("raw_text", string), ("text", string), ("n_repairs", int64),
        ("status", string), ("error", string),
        ("furniture", pa.list_(string)),
        ("repairs", pa.list_(pa.struct([
            ("raw_start", int64), ("raw_end", int64), ("before", string),
            ("after", string), ("rule", string), ("certain", pa.bool_()),
        ]))),
        ("source_paths", pa.list_(string)),
        ("undecodable", int64),
    ]),
    "indicators": pa.schema([
        ("doc_id", string), ("indicator_id", string), ("kind", string),
        ("value", float64), ("unit", string), ("qualifier", string), ("subject", string),
        ("change", string), ("text", string), ("sentence", string), ("start", int64), ("end", int64),
        ("raw_start", int64), ("raw_end", int64), ("measure_id", string),
        ("program", string), ("rule", string),
        ("value_high", float64), ("sentence_id", int64),
    ]),
    "programs": pa.schema([
        ("doc_id", string), ("program_id", string), ("name", string), ("kind", string),
        ("mentions", int64), ("start", int64), ("end", int64),
        ("raw_start", int64), ("raw_end", int64), ("sentence", string), ("rule", string),
        ("aliases", pa.list_(string)),
    ]),
    "measures": pa.schema([
        ("doc_id", string), ("measure_id", string), ("parent_id", string),
        ("level", int64), ("marker", string), ("ordinal", int64), ("head", string),
        ("program", string), ("start", int64), ("end", int64),
        ("raw_start", int64), ("raw_end", int64), ("rule", string),
    ]),
    "sentences": pa.schema([
        ("doc_id", string), ("sentence_id", int64), ("start", int64), ("end", int64),
        ("text", string), ("tokens", pa.list_(string)),
        ("paragraph", int64), ("raw_start", int64), ("raw_end", int64),
    ]),
}
TABLES = tuple(SCHEMAS)


@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: str
    kind: str
    value: float
    unit: str
    qualifier: str | None
    subject: str | None
    change: str | None  # up | down, or None for a level
    text: str
    sentence: str
    start: int
    end: int
    measure_id: str | None
    program: str | None
    rule: str
    value_high: float | None
    sentence_id: int


@dataclass(frozen=True)
class ProgramRow:
    program_id: str
    name: str
    kind: str
    mentions: int
    start: int
    end: int
    sentence: str
    rule: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class MeasureRow:
    measure_id: str
    parent_id: str | None
    level: int
    marker: str
    ordinal: int
    head: str
    program: str | None
    start: int  # the marker's first character
    end: int  # the end of the measure's text: its next sibling, an ancestor, or its paragraph
    rule: str


@dataclass(frozen=True)
class DocumentTables:
    """The rows one document contributes to each table."""

    rows: dict[str, list[dict]]

    @classmethod
    def build(cls, doc: Document, indicators, programs, measures) -> DocumentTables:
        def located(row) -> dict:
            record = {"doc_id": doc.doc_id, **vars(row)}  # shallow: asdict deep-copies every value
            record["raw_start"], record["raw_end"] = doc.raw_span(row.start, row.end)
            return record

        sentences = []
        for sentence in doc.sentences:
            raw_start, raw_end = doc.raw_span(sentence.start, sentence.end)
            sentences.append({
                "doc_id": doc.doc_id, "sentence_id": sentence.sentence_id,
                "start": sentence.start, "end": sentence.end, "text": sentence.text,
                "tokens": [token.word for token in sentence.tokens],
                "paragraph": sentence.paragraph, "raw_start": raw_start, "raw_end": raw_end,
            })
        return cls({
            "documents": [document_row(doc)],
            "indicators": [located(row) for row in indicators],
            "programs": [{**located(row), "aliases": list(row.aliases)} for row in programs],
            "measures": [located(row) for row in measures],
            "sentences": sentences,
        })

    @classmethod
    def failed(cls, doc: Document, error: str) -> DocumentTables:
        """A document that could not be processed: one documents row with the reason."""
        return cls({
            "documents": [document_row(doc, status="error", error=error)],
            **{table: [] for table in TABLES if table != "documents"},
        })


def document_row(doc: Document, status: str = "ok", error: str | None = None) -> dict:
    meta = doc.metadata
    return {
        "doc_id": doc.doc_id, "source_name": doc.source_name, "source_path": doc.source_path,
        "sha256": doc.sha256, "encoding": doc.encoding, "script": doc.script,
        "title": meta.title, "date": meta.date, "source": meta.source, "author": meta.author,
        "raw_text": doc.raw_text, "text": doc.text, "n_repairs": len(doc.repairs),
        "status": status, "error": error, "furniture": list(doc.furniture),
        "repairs": [
            {"raw_start": r.start, "raw_end": r.end, "before": r.before, "after": r.after,
             "rule": r.rule, "certain": r.certain}
            for r in doc.repairs
        ],
        "source_paths": [doc.source_path],  # the batch adds the other files with the same bytes
        "undecodable": doc.undecodable,
    }
