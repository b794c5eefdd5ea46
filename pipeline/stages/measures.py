"""Measures: the report's own numbered enumeration, nested, found by rules/measures.yaml.

In: a segmented Document and its programs. Out: MeasureRows with ordinal,
head, level (depth in the hierarchy, 1 at the top), parent, the span
the measure covers, and the program whose heading the list sits under.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.document import Document, Span
from pipeline.numbers import read_chinese
from pipeline.rulebook import MarkerRule, MeasureRules
from pipeline.stages.programs import Programs
from pipeline.tables import MeasureRow

_FINANCIAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾", "一二三四五六七八九十")
CLAUSE_BOUNDARY = "。；;！？!?：:，,"
_SKIP_AFTER_MARKER = regex.compile(r"[\s,，、.．:：]*")
_TERMINAL = "。！？!?"
HEADING_MAX_LENGTH = 60
# A row of the report's tables (cells split by pipes or tabs): its 一、 heads a row, not a measure.
_CELL_SEPARATOR = regex.compile(r"\s[|｜]\s?|\t")
# Paragraphs a page ran together into one line: a sentence's end and a space start a new one.
_RUN_IN_PARAGRAPH = regex.compile(r"(?<=[。！？!?][”’」』\"')）]*)\s+")
# A heading run together with the next item: the head ends at the space before its marker.
_RUN_IN_MARKER = regex.compile(r"\s+(?=[一二三四五六七八九十]+[是、]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．])")
_CLAUSE_MARK = regex.compile(r"[，,。；;！？!?]")
_CONTENTS_HEADER = regex.compile(r"目\s*[录次]\s*[:：]?|(?i:contents)")
# A table of contents entry: a heading followed by leader dots or a page number.
_CONTENTS_ENTRY = regex.compile(r"(?:[.…·．]{2,}|\s)\s*+\d{1,3}\s*$")


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    ordinal: int
    rule: MarkerRule
    paragraph: int


@dataclass
class _Open:
    row_index: int
    level: int  # the rank of its marker style
    style: str
    ordinal: int
    paragraph: int
    clause: bool  # found inside a paragraph, so it ends with that paragraph


def find_measures(doc: Document, rules: MeasureRules, programs: Programs) -> list[MeasureRow]:
    """Every accepted marker, with its place in the document's hierarchy.

    Marker styles rank in the order they first appear; a marker closes the open
    measures of its rank and below. Two facts of layout override the ranks: a
    list inside a paragraph belongs to the item that opens that paragraph
    (``1、建强书记队伍。一是…``), and it ends with its paragraph, so it is never
    the parent of anything in a later one.
    """
    levels: dict[str, int] = {}
    stack: list[_Open] = []
    rows: list[dict] = []
    for marker in _candidates(doc, rules):
        style = marker.rule.id
        clause = marker.start > doc.paragraphs[marker.paragraph].start  # inside its paragraph
        level = levels.get(style, len(levels) + 1)
        if marker.ordinal == 1:
            while stack and stack[-1].level >= level and not (
                clause and not stack[-1].clause and stack[-1].paragraph == marker.paragraph
            ):
                stack.pop()
        else:
            sibling = next((o for o in reversed(stack) if o.style == style), None)
            if sibling is None or sibling.ordinal != marker.ordinal - 1:
                continue  # not the next item of an open list: an enumeration in running text
            del stack[stack.index(sibling):]
            level = sibling.level
        levels.setdefault(style, level)
        parent = next((rows[o.row_index] for o in reversed(stack)
                       if not (o.clause and o.paragraph < marker.paragraph)), None)
        program = (
            _list_program(doc, marker, parent, programs) if marker.ordinal == 1
            else rows[sibling.row_index]["program"]
        )
        rows.append({
            "marker": doc.text[marker.start:marker.end], "ordinal": marker.ordinal,
            "level": parent["level"] + 1 if parent else 1, "start": marker.start,
            "head_end": _head_end(doc.text, marker, rules),
            "head": doc.text[_head_start(doc.text, marker):_head_end(doc.text, marker, rules)],
            "parent": parent, "program": program, "rule": f"measures.{style}",
            "paragraph": marker.paragraph, "clause": clause,
        })
        stack.append(_Open(len(rows) - 1, level, style, marker.ordinal, marker.paragraph, clause))
    return _finish(doc, rows)


def _candidates(doc: Document, rules: MeasureRules) -> list[_Marker]:
    found: dict[int, _Marker] = {}
    contents: set[str] | None = None  # the entries of a table of contents being read
    for index, paragraph in enumerate(doc.paragraphs):
        line = doc.text[paragraph.start:paragraph.end].strip()
        if _CONTENTS_HEADER.fullmatch(line):
            contents = set()
            continue
        if contents is not None:
            # under 目录, bare headings are its entries, up to the first one it repeats
            if len(line) <= HEADING_MAX_LENGTH and not _CLAUSE_MARK.search(line) and line not in contents:
                contents.add(line)
                continue
            contents = None
        if _is_table_row_or_contents_entry(line):
            continue
        for rule in rules.markers:
            if rule.where == "paragraph_start":
                starts = [paragraph.start] + [m.end() for m in _RUN_IN_PARAGRAPH.finditer(
                    doc.text, paragraph.start, paragraph.end)]
                matches = [m for m in (rule.match(doc.text, start, paragraph.end) for start in starts) if m]
            else:
                matches = [
                    m for m in rule.finditer(doc.text, paragraph.start, paragraph.end)
                    if _opens_clause(doc.text, m.start(), paragraph)
                ]
            for match in matches:
                ordinal = _ordinal(match.group("ordinal"))
                marker = _Marker(match.start(), match.end(), ordinal, rule, index)
                known = found.get(marker.start)
                if known is None or marker.end > known.end:
                    found[marker.start] = marker
    return [found[start] for start in sorted(found)]


def _is_table_row_or_contents_entry(line: str) -> bool:
    if len(line) <= HEADING_MAX_LENGTH and _CONTENTS_ENTRY.search(line):
        return True
    return len(_CELL_SEPARATOR.findall(line, 0, 2000)) >= 2


def _opens_clause(text: str, position: int, paragraph: Span) -> bool:
    """After a clause mark, or after a space: Chinese prose has none, so a space before a marker
    is a line break a page collapsed (一、上半年工作成效 一是聚焦…)."""
    before = text[max(paragraph.start, position - 64):position]  # bounded: paragraphs may be huge
    return not before.strip() or before[-1].isspace() or before.rstrip()[-1] in CLAUSE_BOUNDARY


def _ordinal(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else int(read_chinese(numeral.translate(_FINANCIAL)))


def _head_start(text: str, marker: _Marker) -> int:
    """Where the head begins: right after the marker and any punctuation after it."""
    return _SKIP_AFTER_MARKER.match(text, marker.end).end()


def _head_end(text: str, marker: _Marker, rules: MeasureRules) -> int:
    """The head runs to the first stop mark, at most head_length characters, within its line, and
    not into the next item's marker."""
    start = _head_start(text, marker)
    line_end = text.find("\n", start)
    limit = min(start + rules.head_length, len(text) if line_end < 0 else line_end)
    stop = regex.compile(f"[{regex.escape(rules.head_stops)}]|{_RUN_IN_MARKER.pattern}").search(text, start, limit)
    return stop.start() if stop else limit


def _list_program(doc: Document, marker: _Marker, parent: dict | None, programs: Programs):
    """The program named in the heading a new list sits under: the paragraph's opening for an
    inline list, else the nearest heading paragraph above it (within its parent), else the
    parent measure's head."""
    paragraph = doc.paragraphs[marker.paragraph]
    named = programs.named_in(paragraph.start, marker.start)  # an inline list's own heading
    if named:
        return named
    first = parent["paragraph"] + 1 if parent else 0
    for index in range(marker.paragraph - 1, first - 1, -1):
        candidate = doc.paragraphs[index]
        if _is_heading(doc.text[candidate.start:candidate.end]):
            named = programs.named_in(candidate.start, candidate.end)
            if named:
                return named
            break
    if parent:
        return programs.named_in(parent["start"], parent["head_end"]) or parent["program"]
    return None


def _is_heading(text: str) -> bool:
    return len(text) <= HEADING_MAX_LENGTH and text[-1] not in _TERMINAL


def _finish(doc: Document, rows: list[dict]) -> list[MeasureRow]:
    """Give each measure its id, parent id and end, and build the rows."""
    ids = [f"{doc.doc_id}-m{number}" for number in range(1, len(rows) + 1)]
    index_of = {id(row): index for index, row in enumerate(rows)}
    measures = []
    for index, row in enumerate(rows):
        end = len(doc.text)
        for later in range(index + 1, len(rows)):  # indices, not a slice: no copy per row
            if rows[later]["level"] <= row["level"]:
                end = rows[later]["start"]
                break
        if row["clause"]:
            end = min(end, doc.paragraphs[row["paragraph"]].end)
        end = row["start"] + len(doc.text[row["start"]:end].rstrip())
        parent = row["parent"]
        measures.append(MeasureRow(
            measure_id=ids[index], parent_id=ids[index_of[id(parent)]] if parent else None,
            level=row["level"], marker=row["marker"], ordinal=row["ordinal"], head=row["head"],
            program=row["program"], start=row["start"], end=end, rule=row["rule"],
        ))
    return measures
