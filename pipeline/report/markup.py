"""Markup: a document's cleaned text as HTML, with its rows highlighted where they stand.

Spans may nest (an indicator inside a program inside a measure) or cross (a repair
straddling an indicator's edge). The text is cut at every span boundary and each
slice escaped; a span still open when one it sits inside must close is closed and
reopened as a continuation that carries no id, so every indicator row has exactly one
element with its ``data-indicator-id``.

Removed furniture lines and repairs are not in ``documents.text``; they are placed
back by their raw offsets, through the raw spans of the document's sentences.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# At one start, wider spans open first; at equal extent, the lower rank is the outer one.
RANK = {"measure": 0, "program": 1, "repair": 2, "indicator": 3}


@dataclass(frozen=True)
class Highlight:
    """A span of ``documents.text`` to wrap in an element of class ``hl-<kind>``."""

    start: int
    end: int
    kind: str
    attributes: dict[str, str] = field(default_factory=dict)  # on the main element; a continuation names its id
    label: str = ""  # the hover text


@dataclass(frozen=True)
class Insert:
    """Markup placed at one position of the text: a furniture line, or a deletion made by a repair."""

    position: int
    html: Markup


def mark_up(text: str, highlights: list[Highlight], inserts: list[Insert] = ()) -> Markup:
    """The escaped text with every highlight wrapped, nested correctly, and every insert placed."""
    highlights = sorted(
        (h for h in highlights if 0 <= h.start < h.end <= len(text)),
        key=lambda h: (h.start, -h.end, RANK[h.kind]),
    )
    inserts_at: dict[int, list[Markup]] = {}
    for insert in inserts:
        inserts_at.setdefault(min(max(insert.position, 0), len(text)), []).append(insert.html)
    positions = sorted({0, len(text)} | {h.start for h in highlights} | {h.end for h in highlights}
                       | set(inserts_at))
    out: list[str] = []
    stack: list[Highlight] = []
    next_highlight = 0
    previous = 0
    for position in positions:
        out.append(escape(text[previous:position]))
        previous = position
        closing = next((i for i, h in enumerate(stack) if h.end <= position), None)
        if closing is not None:
            reopened = [h for h in stack[closing:] if h.end > position]
            out.extend("</span>" for _ in stack[closing:])
            del stack[closing:]
            for highlight in reopened:
                out.append(_open(highlight, continuation=True))
                stack.append(highlight)
        out.extend(inserts_at.get(position, ()))
        while next_highlight < len(highlights) and highlights[next_highlight].start == position:
            highlight = highlights[next_highlight]
            out.append(_open(highlight, continuation=False))
            stack.append(highlight)
            next_highlight += 1
    out.extend("</span>" for _ in stack)
    return Markup("".join(out))


def _open(highlight: Highlight, continuation: bool) -> str:
    attributes = {"class": f"hl hl-{highlight.kind}" + (" cont" if continuation else "")}
    if continuation:
        attributes["data-cont"] = highlight.attributes.get("id", "")
    else:
        attributes |= highlight.attributes
    if highlight.label:
        attributes["title"] = highlight.label
    return "<span" + "".join(f' {name}="{escape(value)}"' for name, value in attributes.items()) + ">"


class RawToText:
    """Maps a raw_text offset to a documents.text offset through the document's sentences.

    Exact inside a sentence whose length change is explained by the repairs within it;
    ``None`` elsewhere (an HTML page's tags, a sentence normalised in other ways).
    """

    def __init__(self, sentences: list[dict], repairs: list[dict]):
        self._sentences = sorted(sentences, key=lambda s: s["raw_start"])
        self._raw_starts = [s["raw_start"] for s in self._sentences]
        self._applied = sorted((r for r in repairs if r["certain"]), key=lambda r: r["raw_start"])
        self._applied_starts = [r["raw_start"] for r in self._applied]

    def sentence_at(self, raw: int) -> dict | None:
        index = bisect.bisect_right(self._raw_starts, raw) - 1
        if index < 0 or raw >= self._sentences[index]["raw_end"]:
            return None
        return self._sentences[index]

    def position(self, raw: int) -> int | None:
        """The text offset of raw offset ``raw``, or None when it cannot be told exactly."""
        sentence = self.sentence_at(raw)
        if sentence is None or self._shrinkage(sentence["raw_start"], sentence["raw_end"]) != (
                (sentence["raw_end"] - sentence["raw_start"]) - (sentence["end"] - sentence["start"])):
            return None
        return sentence["start"] + (raw - sentence["raw_start"]) - self._shrinkage(sentence["raw_start"], raw)

    def insertion_point(self, raw: int) -> int | None:
        """Where a line removed at raw offset ``raw`` stood: the start of the first sentence after it."""
        index = bisect.bisect_left(self._raw_starts, raw)
        return self._sentences[index]["start"] if index < len(self._sentences) else None

    def _shrinkage(self, raw_start: int, raw_end: int) -> int:
        """Characters the applied repairs lying wholly in ``[raw_start, raw_end)`` removed."""
        first = bisect.bisect_left(self._applied_starts, raw_start)
        shrink = 0
        for repair in self._applied[first:]:
            if repair["raw_start"] >= raw_end:
                break
            if repair["raw_end"] <= raw_end:
                shrink += (repair["raw_end"] - repair["raw_start"]) - len(repair["after"])
        return shrink


def furniture_inserts(furniture: list[str], raw_text: str, text_length: int, mapper: RawToText) -> list[Insert]:
    """Each removed furniture line, greyed, where it stood; a line not found in raw_text follows the previous one.

    Lines are searched for in order, so a line repeated on the page is placed at each place in turn.
    """
    inserts = []
    raw_from = 0
    position = 0
    for line in furniture:
        found = raw_text.find(line, raw_from)
        if found >= 0:
            raw_from = found + len(line)
            point = mapper.insertion_point(found)
            position = max(position, text_length if point is None else point)
        html = Markup('<span class="furniture" title="page furniture, removed">{}</span>\n').format(line)
        inserts.append(Insert(position, html))
    return inserts


def repair_marks(repairs: list[dict], text: str, mapper: RawToText) -> tuple[list[Highlight], list[Insert]]:
    """Repaired characters as highlights (a deletion as a small mark); repairs that cannot be placed are left out."""
    highlights, inserts = [], []
    for repair in repairs:
        label = (f"{'repaired' if repair['certain'] else 'guessed, not applied'}: "
                 f"{repair['before']} → {repair['after'] or '(removed)'} · {repair['rule']} · "
                 f"raw {repair['raw_start']}–{repair['raw_end']}")
        start = mapper.position(repair["raw_start"])
        if start is None:
            continue
        shown = repair["after"] if repair["certain"] else repair["before"]
        if not shown:
            inserts.append(Insert(start, Markup('<span class="rep-del" title="{}"></span>').format(label)))
        elif start + len(shown) <= len(text):
            highlights.append(Highlight(start, start + len(shown), "repair", label=label))
    return highlights, inserts
