"""Money mentions: our pipeline against JioNLP's extract_money, same text, same rule.

    python bench/compare_money.py [--details]      (or: nox -s compare_money)

Issue 3: for money the best existing tool, JioNLP, reaches F1 0.99 on real
reports, and ours must not be worse. This scores both on money only.

Text. Both systems read the same normalised text: ``documents.text`` of our
pipeline (furniture stripped, traditional script converted to simplified;
JioNLP reads simplified only). Ours is the pipeline's ``kind == money`` rows;
JioNLP's is ``jionlp.ner.extract_money(text, with_parsing=True)`` over the
whole text, keeping mentions whose currency (``case``) is 元 and reading a
range or blur (``num`` as a list) as its low end, as the answer files do
(``5万元至10万元`` → 50000).

Gold. The money indicators (unit 元) of tests/gold (for seeds/) and
tests/corpus/gold (for tests/corpus/). Each is located in the normalised text
by its ``text``, searching the gold indicators in order (answer files list
them as the report reads), not inside a longer number. The sentences of
bench/money_sentences.yaml carry a list of expected yuan values; each
expected mention spans its whole sentence.

Rule, identical for both systems: GOLD.md's (same value, relative tolerance
1e-6), plus the span, so a right value read at the wrong place does not count.
A found mention matches a gold mention of equal value whose span overlaps its
own, one to one, a mandatory gold mention before an optional one. Matching a
mandatory one is a hit, an optional one is not scored (GOLD.md: neither
rewarded nor penalised), none a false hit. A mandatory gold mention left
unmatched is a miss. Hits, false hits and misses are summed over a set's texts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

import pipeline
from pipeline.evaluate import Tally

ROOT = Path(__file__).resolve().parent.parent
REPORT_SETS = {"seeds": (ROOT / "tests/gold", ROOT / "seeds"),
               "corpus": (ROOT / "tests/corpus/gold", ROOT / "tests/corpus")}
SENTENCES = ROOT / "bench/money_sentences.yaml"
SYSTEMS = ("ours", "jionlp")
_SENTENCE_END = regex.compile(r"[。！？；!?;\n]")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    value: float
    text: str
    optional: bool = False

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Outcome:
    hits: set[int] = field(default_factory=set)  # indices into Case.gold
    false_hits: list[Mention] = field(default_factory=list)
    misses: list[int] = field(default_factory=list)


@dataclass
class Case:
    """One text both systems read, with its gold money mentions and what each system found."""

    name: str
    text: str
    gold: list[Mention]
    found: dict[str, list[Mention]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def load_jionlp():
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints a banner on import
            import jionlp
    except ImportError:
        sys.exit("compare_money: jionlp is not installed; run `nox -s compare_money` "
                 "or `pip install jionlp` first")
    return jionlp


def report_cases(gold_dir: Path, text_dir: Path, rulebook: pipeline.Rulebook) -> list[Case]:
    cases = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        source = text_dir / gold["doc"]
        rows = pipeline.process(source.read_bytes(), source.name, rulebook).rows
        text = rows["documents"][0]["text"]
        case = Case(gold["doc"], text, _locate(text, gold["indicators"], path))
        case.found["ours"] = _ours(rows)
        cases.append(case)
    return cases


def _locate(text: str, indicators: list[dict], path: Path) -> list[Mention]:
    """The money indicators, each at its first free occurrence from the previous indicator on."""
    mentions, position, taken = [], 0, set()
    for indicator in indicators:
        pattern = regex.compile(r"(?<!\d[.,]?)" + regex.escape(indicator["text"]))
        found = pattern.search(text, position)
        while found is not None and found.span() in taken:  # the same words twice: the next one
            found = pattern.search(text, found.start() + 1)
        if found is None:
            sys.exit(f"compare_money: {path.name}: {indicator['text']!r} not found in the normalised text")
        position = found.start()
        taken.add(found.span())
        if indicator["kind"] == "money":
            mentions.append(Mention(found.start(), found.end(), float(indicator["value"]),
                                    indicator["text"], indicator["optional"]))
    return mentions


def sentence_cases(rulebook: pipeline.Rulebook) -> list[Case]:
    cases = []
    for number, entry in enumerate(yaml.safe_load(SENTENCES.read_text(encoding="utf-8")), 1):
        rows = pipeline.extract(entry["sentence"], rulebook)
        text = rows["documents"][0]["text"]
        gold = [Mention(0, len(text), float(value), "an expected amount") for value in entry["expected"]]
        case = Case(f"sentence {number}", text, gold)
        case.found["ours"] = _ours(rows)
        cases.append(case)
    return cases


def _ours(rows: dict[str, list[dict]]) -> list[Mention]:
    return [Mention(row["start"], row["end"], row["value"], row["text"])
            for row in rows["indicators"] if row["kind"] == "money"]


def jionlp_mentions(jionlp, text: str) -> list[Mention]:
    mentions = []
    for entity in jionlp.ner.extract_money(text, with_parsing=True):
        detail = entity["detail"]
        if detail["case"] != "元":
            continue
        low = detail["num"][0] if isinstance(detail["num"], list) else detail["num"]
        mentions.append(Mention(*entity["offset"], float(low), entity["text"]))
    return mentions


def score(case: Case, found: list[Mention]) -> Outcome:
    outcome, matched = Outcome(), set()
    for mention in sorted(found, key=lambda m: m.start):
        candidates = [i for i, g in enumerate(case.gold)
                      if i not in matched and g.overlaps(mention) and _same_value(g, mention)]
        if not candidates:
            outcome.false_hits.append(mention)
            continue
        match = min(candidates, key=lambda i: case.gold[i].optional)  # a mandatory one first
        matched.add(match)
        if not case.gold[match].optional:
            outcome.hits.add(match)
    outcome.misses = [i for i, g in enumerate(case.gold) if not g.optional and i not in outcome.hits]
    return outcome


def _same_value(a: Mention, b: Mention) -> bool:
    return math.isclose(a.value, b.value, rel_tol=1e-6)


def _yuan(value: float) -> str:
    return f"{value:,.10g}"


def context(text: str, start: int, end: int) -> str:
    """The sentence around a span, for reading the details."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0:after.end() if after else len(text)].strip()


def details(case: Case, system: str) -> list[str]:
    lines = []
    for i in case.outcomes[system].misses:
        gold = case.gold[i]
        lines.append(f"{system:<6} {case.name}: missed {gold.text} = {_yuan(gold.value)} "
                     f"in 「{context(case.text, gold.start, gold.end)}」")
    for mention in case.outcomes[system].false_hits:
        lines.append(f"{system:<6} {case.name}: false hit {mention.text} = {_yuan(mention.value)} "
                     f"in 「{context(case.text, mention.start, mention.end)}」")
    return lines


def losses(case: Case) -> list[str]:
    """Where JioNLP is right and we are not: a gold mention only it hit, a false hit where it made none."""
    ours, theirs = case.outcomes["ours"], case.outcomes["jionlp"]
    lines = []
    for i in sorted(theirs.hits - ours.hits):
        gold = case.gold[i]
        found = {system: ", ".join(f"{m.text} = {_yuan(m.value)}" for m in case.found[system] if m.overlaps(gold))
                 for system in SYSTEMS}
        lines.append(f"{case.name}: gold {_yuan(gold.value)}, JioNLP {found['jionlp']}, "
                     f"ours {found['ours'] or 'nothing'} in 「{context(case.text, gold.start, gold.end)}」")
    for mention in ours.false_hits:
        if not any(m.overlaps(mention) for m in theirs.false_hits):
            lines.append(f"{case.name}: false hit {mention.text} = {_yuan(mention.value)}, JioNLP none, "
                         f"in 「{context(case.text, mention.start, mention.end)}」")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every miss and false hit per system")
    args = parser.parse_args()
    jionlp = load_jionlp()
    rulebook = pipeline.Rulebook()
    sets = {name: report_cases(gold_dir, text_dir, rulebook) for name, (gold_dir, text_dir) in REPORT_SETS.items()}
    sets["both"] = sets["seeds"] + sets["corpus"]
    sets["sentences"] = sentence_cases(rulebook)
    cases = sets["both"] + sets["sentences"]
    for case in cases:
        case.found["jionlp"] = jionlp_mentions(jionlp, case.text)
        case.outcomes = {system: score(case, case.found[system]) for system in SYSTEMS}

    print(f"{'set':<10} {'system':<7} {'precision':>9} {'recall':>7} {'F1':>6}   hits false misses")
    for name, members in sets.items():
        for system in SYSTEMS:
            outcomes = [case.outcomes[system] for case in members]
            tally = Tally(sum(len(o.hits) for o in outcomes), sum(len(o.false_hits) for o in outcomes),
                          sum(len(o.misses) for o in outcomes))
            print(f"{name:<10} {system:<7} {tally.precision:9.3f} {tally.recall:7.3f} {tally.f1:6.3f}   "
                  f"{tally.hits:4d} {tally.false_hits:5d} {tally.misses:6d}")
    lost = [line for case in cases for line in losses(case)]
    print(f"\nmentions where JioNLP is right and ours is not: {len(lost)}")
    if args.details:
        print(*lost, sep="\n")
        print("\nevery miss and false hit:")
        print(*(line for system in SYSTEMS for case in cases for line in details(case, system)), sep="\n")


if __name__ == "__main__":
    main()
