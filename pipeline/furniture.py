"""Suggest site furniture for a batch: lines that recur verbatim across many of its documents.

A site's menus, footers and slogans repeat on every page it serves, while report text does not
repeat across reports. The lines found are printed as proposed `line` rules for
rules/boilerplate.yaml, with their counts and example documents, for an analyst to review:
nothing is applied, so no row changes until the rules folder does (and the batch is rerun).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import regex
import yaml

from pipeline.rulebook import Rulebook
from pipeline.stages.clean import find_furniture
from pipeline.stages.ingest import decode, find_inputs
from pipeline.stages.normalise import normalise

# A line shorter than this (一、, 附件) recurs across reports without being furniture.
MIN_LINE_LENGTH = 2


@dataclass(frozen=True)
class Suggestion:
    line: str
    documents: tuple[str, ...]  # the names of the documents that hold it, in input order


def suggest_furniture(paths: list[Path], rulebook: Rulebook, min_documents: int = 3,
                      min_share: float = 0.2) -> tuple[int, list[Suggestion]]:
    """The number of documents read, and the lines the current rules keep that recur in at least
    ``min_documents`` documents and ``min_share`` of them, most frequent first."""
    holders: dict[str, list[str]] = defaultdict(list)
    files = find_inputs(paths)
    for path in files:
        try:
            doc = normalise(decode(path.read_bytes(), path.name, str(path)), rulebook)
        except (OSError, ValueError):
            continue  # an unreadable file has no lines to share; `run` reports it
        lines = [line.strip() for line in doc.text.split("\n")]
        lines = [line for line in lines if len(line) >= MIN_LINE_LENGTH]
        dropped = find_furniture(lines, rulebook.boilerplate)
        for line in dict.fromkeys(line for line, drop in zip(lines, dropped, strict=True) if not drop):
            holders[line].append(path.name)
    needed = max(min_documents, min_share * len(files))
    found = [Suggestion(line, tuple(names)) for line, names in holders.items() if len(names) >= needed]
    return len(files), sorted(found, key=lambda s: (-len(s.documents), s.line))


def as_rules(suggestions: list[Suggestion], total: int, examples: int = 3) -> str:
    """The suggestions as a YAML snippet of `line` rules, each pattern the escaped line itself."""
    rules = []
    for number, suggestion in enumerate(suggestions, 1):
        shown = ", ".join(suggestion.documents[:examples])
        more = len(suggestion.documents) - examples
        rule = yaml.safe_dump([{
            "id": f"site-line-{number}",
            "pattern": regex.escape(suggestion.line, special_only=True, literal_spaces=True),
            "examples": [suggestion.line],
        }], allow_unicode=True, width=1000, sort_keys=False)
        comment = (f"  # in {len(suggestion.documents)} of {total} documents: {shown}"
                   + (f" and {more} more" if more > 0 else "") + "\n")
        rules.append(comment + "".join("  " + line + "\n" for line in rule.splitlines()))
    head = (f"# Proposed for rules/boilerplate.yaml (under `line:`): lines that recur verbatim in many of "
            f"{total} documents.\n# Review each before adding it: a line every report shares may be "
            f"report text.\nline:\n")
    return head + "".join(rules) if rules else f"# no line recurs in enough of {total} documents\n"
