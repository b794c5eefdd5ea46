"""Provenance: every text change is a list of edits, and every derived text keeps
an OffsetMap back to the text it came from, so a row can point at raw characters.

Offsets are half-open ``[start, end)`` everywhere, as in Python slices.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` with ``replacement`` (empty means delete)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, eq=False)
class OffsetMap:
    """Character i of a derived text came from ``source[starts[i]:ends[i]]``."""

    starts: np.ndarray
    ends: np.ndarray
    source_length: int

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        positions = np.arange(length, dtype=np.int64)
        return cls(positions, positions + 1, length)

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the derived span ``[start, end)`` to the smallest source span covering it."""
        if start >= end:
            position = int(self.starts[start]) if start < len(self) else self.source_length
            return position, position
        return int(self.starts[start:end].min()), int(self.ends[start:end].max())

    def then(self, later: OffsetMap) -> OffsetMap:
        """Compose: ``later`` maps a text derived from this map's derived text."""
        if len(later) == 0 or len(self) == 0:
            # Text inserted where every source character had been deleted comes from all of
            # them: the widest span, never a wrong one.
            return OffsetMap(np.zeros(len(later), dtype=np.int64),
                             np.full(len(later), self.source_length, dtype=np.int64), self.source_length)
        return OffsetMap(self.starts[later.starts], self.ends[later.ends - 1], self.source_length)


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping edits; return the new text and its map back to ``text``.

    A replacement of equal length maps character to character; any other
    replacement maps each output character to the whole replaced span (wider,
    never wrong). A pure insertion takes in its left neighbour.

    >>> new, mapping = apply_edits("產(chǎn)生", [Edit(1, 7, "")])
    >>> new, mapping.span(0, 2)
    ('產生', (0, 8))
    """
    pieces: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    cursor = 0
    for edit in edits:
        if edit.start < cursor or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"edits overlap or leave the text: {edit!r}")
        _keep(text, cursor, edit.start, pieces, starts, ends)
        _replace(text, edit, pieces, starts, ends)
        cursor = edit.end
    _keep(text, cursor, len(text), pieces, starts, ends)
    if not starts:
        empty = np.zeros(0, dtype=np.int64)
        return "", OffsetMap(empty, empty, len(text))
    return "".join(pieces), OffsetMap(np.concatenate(starts), np.concatenate(ends), len(text))


def _keep(text, start, end, pieces, starts, ends) -> None:
    if end > start:
        pieces.append(text[start:end])
        positions = np.arange(start, end, dtype=np.int64)
        starts.append(positions)
        ends.append(positions + 1)


def _replace(text, edit: Edit, pieces, starts, ends) -> None:
    count = len(edit.replacement)
    if count == 0:
        return
    pieces.append(edit.replacement)
    width = edit.end - edit.start
    if count == width:
        positions = np.arange(edit.start, edit.end, dtype=np.int64)
        starts.append(positions)
        ends.append(positions + 1)
        return
    start, end = edit.start, edit.end
    if width == 0:  # insertion: borrow the left neighbour (or the right one at the start)
        start, end = (start - 1, start) if start > 0 else (0, min(1, len(text)))
    starts.append(np.full(count, start, dtype=np.int64))
    ends.append(np.full(count, end, dtype=np.int64))


def diff_edits(before: str, after: str, offset: int = 0) -> list[Edit]:
    """Edits that turn ``before`` into ``after``, for conversions that change length."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(offset + i1, offset + i2, after[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
