"""The stage chain: one document's bytes in, its rows for every table out.

    bytes ─ decode ─ normalise ─ strip_furniture ─ split_sentences ─ programs
          ─ (program names into jieba) tokenize_sentences ─ measures, indicators

Each stage is a pure function of the document and the rulebook, so the batch
runner may run documents in any process, in any order.
"""

from __future__ import annotations

from pipeline.document import Document
from pipeline.rulebook import Rulebook, rule_time_budget
from pipeline.stages.clean import strip_furniture
from pipeline.stages.indicators import find_indicators
from pipeline.stages.ingest import decode
from pipeline.stages.measures import find_measures
from pipeline.stages.normalise import normalise
from pipeline.stages.programs import find_programs
from pipeline.stages.segment import split_sentences, tokenize_sentences
from pipeline.tables import DocumentTables


def process(raw: bytes, name: str, rulebook: Rulebook, path: str = "") -> DocumentTables:
    """Run every stage over one file's bytes."""
    return process_document(decode(raw, name, path), rulebook)


def process_document(doc: Document, rulebook: Rulebook) -> DocumentTables:
    """Run every stage after decoding over a document, its rules within one time budget."""
    with rule_time_budget(len(doc.text)):
        doc = normalise(doc, rulebook)
        doc = strip_furniture(doc, rulebook)
        doc = split_sentences(doc)
        programs = find_programs(doc, rulebook.programs, rulebook.segmenter)
        with rulebook.segmenter.words_added(programs.words()) as segmenter:
            doc = tokenize_sentences(doc, segmenter)
            measures = find_measures(doc, rulebook.measures, programs)
            indicators = find_indicators(doc, rulebook.indicators, rulebook.numbers, segmenter, measures)
    return DocumentTables.build(doc, indicators, programs.rows, measures)
