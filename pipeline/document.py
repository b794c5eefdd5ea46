"""Frozen values handed from stage to stage.

A stage never mutates a Document: text stages return ``replace(doc, text=…,
to_raw=doc.to_raw.then(step_map))``, so ``to_raw`` always maps ``doc.text``
back to ``doc.raw_text``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.offsets import OffsetMap


@dataclass(frozen=True)
class Span:
    """A half-open character span of ``Document.text``."""

    start: int
    end: int


class SpanSet:
    """Character spans, merged where they overlap, that answer overlap questions by bisection.

    A report can hold tens of thousands of vetoed or quoted spans: testing each number
    against each span would be quadratic.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self._spans: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if self._spans and start < self._spans[-1][1]:
                self._spans[-1] = (self._spans[-1][0], max(end, self._spans[-1][1]))
            else:
                self._spans.append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with a span (or holds an empty one)."""
        index = bisect.bisect_left(self._spans, (end,))
        return index > 0 and self._spans[index - 1][1] > start

    def covers(self, position: int) -> bool:
        return self.overlaps(position, position + 1)


@dataclass(frozen=True)
class Token:
    word: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    sentence_id: int
    paragraph: int
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...] = ()


@dataclass(frozen=True)
class Repair:
    """A span of damaged text replaced by a repair (or only marked, when uncertain)."""

    start: int  # offsets in the text the repair was applied to (raw_text after decoding)
    end: int
    before: str
    after: str
    rule: str
    certain: bool


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Document:
    doc_id: str
    source_name: str
    source_path: str
    sha256: str
    encoding: str
    raw_text: str
    text: str
    to_raw: OffsetMap
    script: str = "simplified"
    repairs: tuple[Repair, ...] = ()
    metadata: Metadata = Metadata()
    furniture: tuple[str, ...] = ()  # the furniture lines removed, as they read after normalising
    paragraphs: tuple[Span, ...] = ()
    sentences: tuple[Sentence, ...] = field(default=(), repr=False)
    undecodable: int = 0  # bytes of the file that could not be decoded, each a U+FFFD in raw_text

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``raw_text`` that ``text[start:end]`` came from."""
        return self.to_raw.span(start, end)
