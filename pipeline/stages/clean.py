"""Clean: drop page furniture named in rules/boilerplate.yaml and read the metadata.

In: a normalised Document, one paragraph per line. Out: the Document without
its furniture lines (kept in ``furniture``), with title, date, outlet and
author read from the furniture, the first body lines and the last one.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import regex

from pipeline.document import Document, Metadata
from pipeline.offsets import Edit, apply_edits
from pipeline.rulebook import BoilerplateRules, MetadataRule, MetadataRules, Rulebook, TitleRule, ZoneRule

_LINE = regex.compile(r"[^\n]+")
_MARKER_START = regex.compile(r"[一二三四五六七八九十]+[、是]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]")
# A line that ends a sentence is report text; the page's header stands above the first such line
# and its footer below the last. A long line of clauses is report text too, when a page cut its
# sentence short.
_SENTENCE_END = regex.compile(r"[。！？!?][”’」』\"')）]*$")
# A line ending so is the report's text, never its headline (which may end in ? or !).
_TEXT_STARTS = regex.compile(r"[。；;][”’」』\"')）]*(?:[（(][^（()）]{1,12}[)）])?$")
_CLAUSES = regex.compile(r"(?=.{50}).*[，,].*[，,]")
# Table rows: cells split by pipes, tabs or two or more spaces; a markdown rule row (---|---).
_CELL_SPLIT = regex.compile(r"\s*[|｜\t]\s*|\s{2,}|\u3000+")
_RULE_ROW = regex.compile(r"[|｜]?(?:\s*:?-{3,}:?\s*[|｜])+\s*(?::?-{3,}:?)?")
_NUMERIC_CELL = regex.compile(r"[-+−]?[\d,]*\d(?:\.\d+)?\s*(?:%|％|‰|[\p{Han}]{1,2})?")


def strip_furniture(doc: Document, rulebook: Rulebook) -> Document:
    """Remove furniture lines and read the metadata."""
    lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(doc.text)]
    prefixes = [_prefix_length(text, rulebook.boilerplate) for _, _, text in lines]
    dropped = find_furniture([text[cut:] for (_, _, text), cut in zip(lines, prefixes, strict=True)],
                             rulebook.boilerplate)
    furniture = [line for line, drop in zip(lines, dropped, strict=True) if drop]
    body = [(start + cut, end, text[cut:])
            for (start, end, text), cut, drop in zip(lines, prefixes, dropped, strict=True) if not drop]
    cut_off = [(start, start + cut, text[:cut])
               for (start, _, text), cut, drop in zip(lines, prefixes, dropped, strict=True)
               if cut and not drop]
    metadata = read_metadata(
        [text for _, _, text in sorted(furniture + cut_off)], [text for _, _, text in body], rulebook.metadata
    )
    edits = [Edit(start, _line_end(doc.text, end), "") for start, end, _ in furniture]
    edits = sorted(edits + [Edit(start, end, "") for start, end, _ in cut_off], key=lambda e: e.start)
    if body and furniture and furniture[-1][0] > body[-1][0]:
        # the last body line must not keep the line break that led to dropped furniture
        last_end = body[-1][1]
        edits = [e for e in edits if e.start < last_end] + [Edit(last_end, len(doc.text), "")]
    new_text, step = apply_edits(doc.text, edits)
    return replace(
        doc, text=new_text, to_raw=doc.to_raw.then(step),
        furniture=tuple(text for _, _, text in furniture), metadata=metadata,
    )


def _prefix_length(line: str, rules: BoilerplateRules) -> int:
    """How much of the line's start a `prefix` rule cuts off (0 when none matches or it would
    leave nothing)."""
    for rule in rules.prefix:
        match = rule.match(line)
        if match and match.end() < len(line):
            return match.end()
    return 0


def find_furniture(lines: list[str], rules: BoilerplateRules) -> list[bool]:
    """Whether each line is furniture: by a `line` rule anywhere, from a `cut_from` line below the
    report's first sentence on (above it, that line alone), by a
    `header` rule above the first line that ends a sentence and by a `footer` rule below the last."""
    tables = _table_rows(lines)
    dropped = []
    cut = begun = False
    for index, text in enumerate(lines):
        if index in tables and not cut:
            dropped.append(False)
            continue
        # a related-news header above the report's first sentence heads a menu, not the page's end
        starts_cut = any(rule.fullmatch(text) for rule in rules.cut_from)
        cut = cut or (starts_cut and begun)
        drop = cut or starts_cut or bool(rules.any_line.fullmatch(text))
        begun = begun or (not drop and bool(_SENTENCE_END.search(text)))
        dropped.append(drop)
    kept = [index for index, drop in enumerate(dropped) if not drop and index not in tables]
    ends = [index for index in kept if _is_report_text(lines[index])]
    if ends:
        header = [index for index in kept if index < ends[0]]
        footer = [index for index in kept if index > ends[-1]]
    else:
        # text that ends no sentence (verse, a list): menus stand only in its first and last thirds
        third = len(kept) // 3
        header, footer = kept[:third], kept[len(kept) - third:]
    for zone, rules_of_zone in ((header, rules.header), (footer, rules.footer)):
        for index in _zone_hits(zone, lines, rules_of_zone):
            dropped[index] = True
    return dropped


def _table_rows(lines: list[str]) -> set[int]:
    """The lines of the report's own tables: two or more rows in a row split into cells by pipes,
    tabs or wide spaces, at least one of them with a number for a cell. A link list written with
    pipes has no numeric cell, so it stays furniture."""
    rows: set[int] = set()
    block: list[int] = []
    for index, text in enumerate([*lines, ""]):
        if len(table_cells(text)) >= 3 or (block and _RULE_ROW.fullmatch(text.strip())):
            block.append(index)
            continue
        if len(block) >= 2 and any(_NUMERIC_CELL.fullmatch(cell) for row in block for cell in table_cells(lines[row])):
            rows.update(block)
        block = []
    return rows


def table_cells(line: str) -> list[str]:
    """The cells of a line written as a table row (split by pipes, tabs or runs of spaces)."""
    return [cell for cell in _CELL_SPLIT.split(line.strip()) if cell]


def _is_report_text(line: str) -> bool:
    return bool(_SENTENCE_END.search(line) or _CLAUSES.match(line))


def _zone_hits(zone: list[int], lines: list[str], rules: list[ZoneRule]) -> set[int]:
    """The zone's lines that a rule drops: those in runs of at least ``rule.run`` matching lines in a
    row (lines dropped before do not break a run)."""
    hits: set[int] = set()
    for rule in rules:
        positions = [position for position, index in enumerate(zone) if rule.fullmatch(lines[index])]
        for _, run in itertools.groupby(enumerate(positions), lambda pair: pair[1] - pair[0]):
            run_lines = [zone[position] for _, position in run]
            if len(run_lines) >= rule.run:
                hits.update(run_lines)
    return hits


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
        title=_title(furniture, body, rules),
        date=_first(rules.date, places, _iso_date),
        source=_first(rules.source, places, _named("source")),
        author=_first(rules.author, places, _named("author")),
    )


def _title(furniture: list[str], body: list[str], rules: MetadataRules) -> str | None:
    """The headline a furniture line labels (标题：…), else the first body line that reads like one,
    without the site's name after it, passing over lines of the shapes that are never a headline;
    None when the page has none."""
    rule = rules.title
    for line in furniture:
        labelled = rule.labelled.search(line)
        if labelled and _is_headline(labelled.group("title"), rule):
            return labelled.group("title")
    for line in body[: rules.head_lines]:
        if _TEXT_STARTS.search(line) or _CLAUSES.match(line):
            break  # the report's text has begun: a headline stands above it
        suffix = rule.site_suffix.search(line)
        candidate = line[:suffix.start()] if suffix else line
        if _is_headline(candidate, rule):
            return candidate
        if not any(shape.fullmatch(candidate) for shape in rule.not_title):
            break  # a first line of another kind: the excerpt starts without a headline
    return None


def _is_headline(line: str, rule: TitleRule) -> bool:
    return bool(
        rule.min_length <= len(line) <= rule.max_length
        and line[-1] not in rule.not_ending
        and not _MARKER_START.match(line)
        and regex.search(r"\p{Han}", line)
        and not any(shape.fullmatch(line) for shape in rule.not_title)
    )


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
    """A reader that takes one named group of a match, tidied; a group repeated in the pattern
    (several names, each after its role) gives every capture, spaced."""
    return lambda match, rule, line: _clean(" ".join(match.captures(group)))


def _iso_date(match: regex.Match, rule: MetadataRule, line: str) -> str | None:
    """YYYY-MM-DD, or YYYY-MM when no day is given; None without a plausible year. A 民国 year
    (group ``roc_year``) is converted."""
    groups = match.groupdict()
    year = groups.get("year")
    if groups.get("roc_year"):
        year = str(int(groups["roc_year"]) + 1911)  # the 民国 calendar counts from 1912
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
