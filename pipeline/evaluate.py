"""Score the tables under OUT against answer files in the gold/ format (GOLD.md).

Indicators match on unit and value (relative tolerance 1e-6), one to one; a
mandatory gold indicator left unmatched is a miss, an extracted one matching
no gold indicator (mandatory or optional) a false hit. Programs are compared
as sets of distinct names (aliases accepted, quotation marks removed).
Measures match on ordinal and the first six characters of the head,
punctuation and quotation marks ignored. Precision, recall and F1 are summed
over all reports (micro-averaged).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import regex

_IGNORED = regex.compile(r"[\p{P}\p{S}\s]")
HEAD_PREFIX = 6
PARENT_PREFIX = 8


def _plain(text: str | None) -> str:
    return _IGNORED.sub("", text or "")


@dataclass
class Tally:
    hits: int = 0
    false_hits: int = 0
    misses: int = 0

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.false_hits) if self.hits + self.false_hits else 1.0

    @property
    def recall(self) -> float:
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Share:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Scores:
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {t: Tally() for t in ("indicators", "programs", "measures")})
    shares: dict[str, Share] = field(default_factory=lambda: {s: Share() for s in (
        "subject", "qualifier", "change", "whole_row", "measure_parent", "measure_program",
        "furniture_removed", "body_kept", "title", "date", "source", "author")})
    details: list[str] = field(default_factory=list)
    # up/down as the positive labels, over matched rows whose answer states a change
    change_tally: Tally = field(default_factory=Tally)

    def as_dict(self) -> dict[str, float]:
        scores = {}
        for table, tally in self.tallies.items():
            scores |= {f"{table}_precision": tally.precision, f"{table}_recall": tally.recall,
                       f"{table}_f1": tally.f1}
        scores["change_f1"] = self.change_tally.f1
        return scores | {name: share.value for name, share in self.shares.items()}

    def lines(self) -> list[str]:
        lines = [f"{'table':<11} {'precision':>9} {'recall':>7} {'F1':>6}   hits false misses"]
        for table, t in self.tallies.items():
            lines.append(f"{table:<11} {t.precision:9.3f} {t.recall:7.3f} {t.f1:6.3f}   "
                         f"{t.hits:4d} {t.false_hits:5d} {t.misses:6d}")
        c = self.change_tally
        lines.append(f"{'change (up/down)':<11} {c.precision:9.3f} {c.recall:7.3f} {c.f1:6.3f}   "
                     f"{c.hits:4d} {c.false_hits:5d} {c.misses:6d}")
        for name, share in self.shares.items():
            lines.append(f"{name + ' accuracy' if name in _ACCURACIES else name:<25} "
                         f"{share.value:6.3f}  ({share.right}/{share.total})")
        return lines


_ACCURACIES = {"subject", "qualifier", "change", "measure_parent", "measure_program", "title", "date",
               "source", "author"}


def evaluate(gold_dir: Path, out: Path) -> Scores:
    """Score every report that has an answer file in ``gold_dir``."""
    tables = {name: pd.read_parquet(out / name) for name in
              ("documents", "indicators", "programs", "measures")}
    documents = tables["documents"].set_index("source_name")
    scores = Scores()
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold["doc"] not in documents.index:
            scores.details.append(f"{gold['doc']}: not in the output")
            doc = None
            rows = {name: tables[name].iloc[0:0] for name in ("indicators", "programs", "measures")}
        else:
            doc = documents.loc[gold["doc"]]
            rows = {name: tables[name][tables[name]["doc_id"] == doc["doc_id"]]
                    for name in ("indicators", "programs", "measures")}
        if "indicators" in gold:  # a furniture corpus may annotate pages without their numbers
            _score_indicators(gold, rows["indicators"], scores)
        _score_programs(gold, rows["programs"], scores)
        _score_measures(gold, rows["measures"], scores)
        _score_document(gold, doc, scores)
    return scores


def _tally_change(tally: Tally, gold: str | None, found: str | None) -> None:
    """Count a change label as a hit, a false hit (said where the answer says otherwise) and a miss."""
    if found and found == gold:
        tally.hits += 1
        return
    if found:
        tally.false_hits += 1
    if gold:
        tally.misses += 1


def _same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _score_indicators(gold: dict, found: pd.DataFrame, scores: Scores) -> None:
    tally, doc = scores.tallies["indicators"], gold["doc"]
    unmatched = list(gold["indicators"])
    for row in found.sort_values("start").itertuples():
        candidates = [g for g in unmatched if g["unit"] == row.unit
                      and _same_value(float(g["value"]), row.value)]
        if not candidates:
            tally.false_hits += 1
            scores.details.append(f"{doc}: false hit {row.text} ({row.value:g} {row.unit})")
            continue
        candidates.sort(key=lambda g: (g["optional"], not same_subject(g["subject"], row.subject)))
        match = candidates[0]
        unmatched.remove(match)
        if not match["optional"]:
            tally.hits += 1
            scores.shares["subject"].add(same_subject(match["subject"], row.subject))
            scores.shares["qualifier"].add(match["qualifier"] == _none(row.qualifier))
            change = _none(getattr(row, "change", None))
            if "change" in match:
                scores.shares["change"].add(match["change"] == change)
                _tally_change(scores.change_tally, match["change"], change)
                if match["change"] != change:
                    scores.details.append(f"{doc}: change of {row.text}: {change}, gold {match['change']}")
            scores.shares["whole_row"].add(
                same_subject(match["subject"], row.subject) and match["qualifier"] == _none(row.qualifier)
                and match.get("change", change) == change and match["kind"] == row.kind)
            if not same_subject(match["subject"], row.subject):
                scores.details.append(
                    f"{doc}: subject of {row.text}: {row.subject!r}, gold {match['subject']!r}"
                    f" in …{_context(row)}…")
            if match["qualifier"] != _none(row.qualifier):
                scores.details.append(
                    f"{doc}: qualifier of {row.text}: {row.qualifier}, gold {match['qualifier']}")
    for missed in (g for g in unmatched if not g["optional"]):
        tally.misses += 1
        scores.details.append(f"{doc}: missed {missed['text']} ({missed['value']:g} {missed['unit']})")


def _context(row) -> str:
    """The words around a mention, so a wrong subject can be judged without opening the file."""
    at = row.sentence.find(row.text)
    return row.sentence[max(at - 24, 0):at + len(row.text) + 12] if at >= 0 else row.sentence[:40]


def _none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def same_subject(gold: str | None, found: str | None) -> bool:
    gold, found = _plain(gold), _plain(_none(found))
    return bool(gold and found) and (gold in found or found in gold)


def _score_programs(gold: dict, found: pd.DataFrame, scores: Scores) -> None:
    tally, doc = scores.tallies["programs"], gold["doc"]
    names = {_plain(p["name"]): p for p in gold["programs"]}
    for program in gold["programs"]:
        names.update({_plain(alias): program for alias in program["aliases"]})
    matched: set[str] = set()
    for name in sorted(set(found["name"])):
        program = names.get(_plain(name))
        if program is None:
            tally.false_hits += 1
            scores.details.append(f"{doc}: false program {name}")
        elif not program["optional"]:
            matched.add(program["name"])
    tally.hits += len(matched)
    for program in gold["programs"]:
        if not program["optional"] and program["name"] not in matched:
            tally.misses += 1
            scores.details.append(f"{doc}: missed program {program['name']}")


def _score_measures(gold: dict, found: pd.DataFrame, scores: Scores) -> None:
    tally, doc = scores.tallies["measures"], gold["doc"]
    by_id = {row.measure_id: row for row in found.itertuples()}
    unmatched = list(gold["measures"])
    for row in found.sort_values("start").itertuples():
        key = (int(row.ordinal), _plain(row.head)[:HEAD_PREFIX])
        match = next((g for g in unmatched
                      if (g["ordinal"], _plain(g["head"])[:HEAD_PREFIX]) == key), None)
        if match is None:
            tally.false_hits += 1
            scores.details.append(f"{doc}: false measure {row.marker}{row.head}")
            continue
        unmatched.remove(match)
        tally.hits += 1
        parent = by_id.get(_none(row.parent_id))
        parent_text = f"{parent.marker}{parent.head}" if parent is not None else None
        same_parent = _plain(parent_text)[:PARENT_PREFIX] == _plain(match["parent"])[:PARENT_PREFIX]
        scores.shares["measure_parent"].add(same_parent)
        same_program = _plain(_none(row.program)) == _plain(match["program"])
        scores.shares["measure_program"].add(same_program)
        if not same_program:
            scores.details.append(f"{doc}: program of {row.marker}{row.head}: {_none(row.program)!r}, "
                                  f"gold {match['program']!r}")
        if not same_parent:
            scores.details.append(f"{doc}: parent of {row.marker}{row.head}: {parent_text!r}, "
                                  f"gold {match['parent']!r}")
    for missed in unmatched:
        tally.misses += 1
        scores.details.append(f"{doc}: missed measure {missed['marker']}{missed['head']}")


def _line(text: str) -> str:
    """A line as compared: stripped, any run of white space (NBSP too) as one space."""
    return " ".join(text.split())


def _score_document(gold: dict, doc, scores: Scores) -> None:
    meta = gold["meta"]
    furniture = {_line(line) for line in doc["furniture"]} if doc is not None else set()
    body_lines = {_line(line) for line in doc["text"].split("\n")} if doc is not None else set()
    gold_furniture = {_line(line) for line in gold["boilerplate"]}
    for line in gold_furniture:
        scores.shares["furniture_removed"].add(line in furniture)
        if line not in furniture:
            scores.details.append(f"{gold['doc']}: furniture kept: {line}")
    for line in body_lines | furniture:
        if line and line not in gold_furniture:
            scores.shares["body_kept"].add(line in body_lines)
            if line not in body_lines:
                scores.details.append(f"{gold['doc']}: body dropped: {line[:40]}")
    for name in ("title", "date", "source", "author"):
        found = _none(doc[name]) if doc is not None else None
        scores.shares[name].add(found == meta.get(name))
        if found != meta.get(name):
            scores.details.append(f"{gold['doc']}: {name} {found!r}, gold {meta.get(name)!r}")
