"""Turn batches of scraped Chinese reports into indicator, program and measure tables.

Notebook use::

    >>> import pipeline
    >>> [(row["text"], row["value"]) for row in pipeline.extract_indicators("投入资金2296萬元")]
    [('2296万元', 22960000.0)]
"""

from __future__ import annotations

import functools

from pipeline.numbers import Number, find_numbers, read_number
from pipeline.process import process, process_document
from pipeline.rulebook import Rulebook, RuleError
from pipeline.stages.ingest import from_text

__all__ = [
    "Number",
    "RuleError",
    "Rulebook",
    "extract",
    "extract_indicators",
    "find_numbers",
    "process",
    "read_number",
]


@functools.lru_cache(maxsize=1)
def default_rulebook() -> Rulebook:
    """The project's rules, loaded once."""
    return Rulebook()


def extract(text: str, rulebook: Rulebook | None = None) -> dict[str, list[dict]]:
    """Rows of every table for one string, as the batch would write them."""
    return process_document(from_text(text), rulebook or default_rulebook()).rows


def extract_indicators(text: str, rulebook: Rulebook | None = None) -> list[dict]:
    """Indicator rows for any string, in traditional or simplified script."""
    return extract(text, rulebook)["indicators"]
