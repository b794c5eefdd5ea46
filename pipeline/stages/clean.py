"""Clean: drop page furniture named in rules/boilerplate.yaml and read the metadata.

In: a normalised Document, one paragraph per line. Out: the Document without
its furniture lines (kept in ``furniture``), with title, date, outlet and
author read from the furniture, the first body lines and the last one.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from pipeline.document import Document, Metadata
from pipeline.offsets import Edit, apply_edits
from pipeline.rulebook import MetadataRule, MetadataRules, Rulebook

_LINE = regex.compile(r"[^\n]+")
_MARKER_START = regex.compile(r"[一二三四五六七八九十]+[、是]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]")


def strip_furniture(doc: Document, rulebook: Rulebook) -> Document:
    """Remove furniture lines and read the metadata."""
    rules = rulebook.boilerplate
    lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(doc.text)]
    furniture: list[tuple[int, int, str]] = []
    body: list[tuple[int, int, str]] = []
    cut = False
    for line in lines:
        text = line[2]
        cut = cut or any(rule.fullmatch(text) for rule in rules.cut_from)
        if cut or any(rule.fullmatch(text) for rule in rules.line):
            furniture.append(line)
        else:
            body.append(line)
    metadata = read_metadata(
        [text for _, _, text in furniture], [text for _, _, text in body], rulebook.metadata
    )
    edits = [Edit(start, _line_end(doc.text, end), "") for start, end, _ in furniture]
    if body and furniture and furniture[-1][0] > body[-1][0]:
        # the last body line must not keep the line break that led to dropped furniture
        last_end = body[-1][1]
        edits = [e for e in edits if e.start < last_end] + [Edit(last_end, len(doc.text), "")]
    new_text, step = apply_edits(doc.text, edits)
    return replace(
        doc, text=new_text, to_raw=doc.to_raw.then(step),
        furniture=tuple(text for _, _, text in furniture), metadata=metadata,
    )


def _line_end(text: str, end: int) -> int:
    """Include the line break after a line, if there is one."""
    return end + 1 if end < len(text) and text[end] == "\n" else end


def read_metadata(furniture: list[str], body: list[str], rules: MetadataRules) -> Metadata:
    """Title, ISO date, outlet and author, each from the first rule that finds it."""
    places = {
        "furniture": furniture,
        "head": body[: rules.head_lines],
        "tail": body[-rules.tail_lines:],
    }
    return Metadata(
        title=_title(body, rules),
        date=_first(rules.date, places, _iso_date),
        source=_first(rules.source, places, _named("source")),
        author=_first(rules.author, places, _named("author")),
    )


def _title(body: list[str], rules: MetadataRules) -> str | None:
    """The first body line when it reads like a headline."""
    if not body:
        return None
    first = body[0]
    rule = rules.title
    if (
        rule.min_length <= len(first) <= rule.max_length
        and first[-1] not in rule.not_ending
        and not _MARKER_START.match(first)
        and regex.search(r"\p{Han}", first)
    ):
        return first
    return None


def _first(rules: list[MetadataRule], places: dict[str, list[str]], read) -> str | None:
    for rule in rules:
        for scope in rule.scope:
            for line in places[scope]:
                match = rule.search(line)
                if match:
                    value = read(match, rule, line)
                    if value:
                        return value
    return None


def _named(group: str):
    """A reader that takes one named group of a match, tidied."""
    return lambda match, rule, line: _clean(match.group(group))


def _iso_date(match: regex.Match, rule: MetadataRule, line: str) -> str | None:
    """YYYY-MM-DD, or YYYY-MM when no day is given; None without a plausible year."""
    groups = match.groupdict()
    year = groups.get("year")
    if not year and rule.year_in_line:
        year_match = rule.find_year(line)
        year = year_match.group("year") if year_match else None
    if not year:
        return None
    month = int(groups["month"])
    day = int(groups["day"]) if groups.get("day") else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")


def _clean(value: str | None) -> str | None:
    value = (value or "").strip(" :：|｜")
    return value or None
