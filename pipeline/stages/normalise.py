"""Normalise: repair what scraping broke and convert to simplified script.

In: a decoded Document (``text`` is ``raw_text``, or a page's text). Out: the same Document with
``text`` tidied (line ends, control characters, full-width letters and digits),
inline pinyin removed, bytes lost in a bad GBK re-encoding repaired (see lost_bytes),
converted with OpenCC t2s, lines stripped and blank lines dropped, and ``to_raw``
mapping every character back to ``raw_text``.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import regex

from pipeline.document import Document, Repair
from pipeline.offsets import Edit, OffsetMap, apply_edits, diff_edits
from pipeline.rulebook import Rulebook
from pipeline.stages.lost_bytes import lost_lead_byte_repairs, shifted_byte_repairs

_LINE_BREAK = regex.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufeff\u200b-\u200d\u2060\ufffe]")
# ３．５: a decimal point; ４，５６５: a thousands separator between full-width digits
_WIDE_ALNUM = regex.compile(
    r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]|(?<=\d)．(?=\d)|(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")
_ODD_SPACE = regex.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE = regex.compile(r"[^\n]*")
_CONTENT = regex.compile(r"[^\s](?:[^\n]*[^\s])?")
_HAN = regex.compile(r"\p{Han}")


def normalise(doc: Document, rulebook: Rulebook) -> Document:
    """Run every normalising step over ``doc.text``, keeping provenance."""
    doc = _apply(doc, _tidy_edits(doc.text))
    doc = _repair(doc, shifted_byte_repairs(doc, rulebook))  # first: pinyin may follow the run it ends
    doc = _delete_annotations(doc, rulebook)
    doc = _repair(doc, lost_lead_byte_repairs(doc, rulebook))
    doc, script = _to_simplified(doc, rulebook.converter)
    doc = _apply(doc, _strip_lines_edits(doc.text))
    return replace(doc, script=script)


def normalise_fragment(text: str, rulebook: Rulebook) -> str:
    """The normalised form of a piece of raw text (for checking provenance)."""
    doc = Document("", "", "", "", "", text, text, OffsetMap.identity(len(text)))
    return normalise(doc, rulebook).text


def _apply(doc: Document, edits: list[Edit]) -> Document:
    if not edits:
        return doc
    text, step = apply_edits(doc.text, edits)
    return replace(doc, text=text, to_raw=doc.to_raw.then(step))


def _tidy_edits(text: str) -> list[Edit]:
    """Unify line ends, drop control characters, fold full-width letters, digits, decimal points
    (３．５) and spaces."""
    edits: list[Edit] = []
    for match in regex.finditer(
        f"{_LINE_BREAK.pattern}|{_CONTROL.pattern}|{_WIDE_ALNUM.pattern}|{_ODD_SPACE.pattern}", text
    ):
        found = match.group()
        if _LINE_BREAK.fullmatch(found):
            replacement = "\n"
        elif _CONTROL.fullmatch(found):
            replacement = ""
        elif _ODD_SPACE.fullmatch(found):
            replacement = " "
        else:  # a full-width form
            replacement = chr(ord(found) - 0xFEE0)  # ， folds to , and ． to .
        if replacement != found:
            edits.append(Edit(match.start(), match.end(), replacement))
    return edits


def _delete_annotations(doc: Document, rulebook: Rulebook) -> Document:
    """Remove inline pinyin and the like; each removal is recorded as a repair."""
    repairs = list(doc.repairs)
    for rule in rulebook.normalise.deletions:
        edits = [Edit(match.start(), match.end(), "") for match in rule.finditer(doc.text)]
        for edit in edits:
            raw_start, raw_end = doc.to_raw.span(edit.start, edit.end)
            repairs.append(Repair(raw_start, raw_end, doc.raw_text[raw_start:raw_end], "",
                                  f"normalise.{rule.id}", True))
        doc = _apply(doc, edits)
    return replace(doc, repairs=tuple(sorted(repairs, key=lambda r: r.start)))


def _repair(doc: Document, found: tuple[list[Edit], list[Repair]]) -> Document:
    """Apply a repair step's edits and keep its repairs, in raw-text order."""
    edits, repairs = found
    doc = _apply(doc, edits)
    return replace(doc, repairs=tuple(sorted([*doc.repairs, *repairs], key=lambda r: r.start)))


def _to_simplified(doc: Document, converter) -> tuple[Document, str]:
    """Convert line by line with OpenCC t2s; say whether the text was traditional."""
    edits: list[Edit] = []
    han = changed = 0
    for match in _LINE.finditer(doc.text):
        line = match.group()
        if not line:
            continue
        converted = converter.convert(line)
        han += len(_HAN.findall(line))
        if converted == line:
            continue
        if len(converted) == len(line):
            for offset, (before, after) in enumerate(zip(line, converted, strict=False)):
                if before != after:
                    changed += 1
                    edits.append(Edit(match.start() + offset, match.start() + offset + 1, after))
        else:
            line_edits = diff_edits(line, converted, match.start())
            changed += sum(edit.end - edit.start for edit in line_edits)
            edits.extend(line_edits)
    return _apply(doc, edits), _script(changed, han)


def _script(changed: int, han: int) -> str:
    """Traditional when t2s changes a good share of the Han characters; mixed when a few."""
    if han == 0 or changed / han < 0.01:
        return "simplified"
    return "traditional" if changed / han >= 0.08 else "mixed"


def _strip_lines_edits(text: str) -> list[Edit]:
    """Strip every line and drop blank ones: paragraphs are the non-empty lines.

    Everything outside the stripped lines is deleted, except the first line
    break between two kept lines.
    """
    kept = [(m.start(), m.end()) for m in _CONTENT.finditer(text)]
    if not kept:
        return [Edit(0, len(text), "")] if text else []
    edits = [Edit(0, kept[0][0], "")] if kept[0][0] else []
    for (_, end), (next_start, _) in itertools.pairwise(kept):
        line_break = text.index("\n", end)
        if line_break > end:
            edits.append(Edit(end, line_break, ""))
        if next_start > line_break + 1:
            edits.append(Edit(line_break + 1, next_start, ""))
    if kept[-1][1] < len(text):
        edits.append(Edit(kept[-1][1], len(text), ""))
    return edits
