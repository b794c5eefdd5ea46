"""Saved web pages: our cleaner against trafilatura and jusText, scored on the furniture gold.

    python bench/compare_html_cleaners.py [FOLDER ...]      (or: nox -s compare_html_cleaners)

Issue 13 asks whether a dedicated extractor strips a saved page's furniture better than ours.
Each *.html/*.htm page with an answer file in FOLDER/gold is rendered by our markup reader and
normalised; its non-empty lines (white space collapsed, as the scorer does) are the units scored.
A line is kept by a cleaner when its text (simplified, spaces removed) appears in that cleaner's
output, also simplified and without spaces; a furniture line that is also part of a kept line
(the site's name after the headline) counts as kept. furniture_removed is the share of the
gold's boilerplate lines not kept; body_kept the share of the other lines kept. Ours is the
pipeline's documents.text; trafilatura's is ``trafilatura.extract(html, include_tables=True,
favor_recall=True)``; jusText's the paragraphs it does not classify as boilerplate, with an
empty stoplist (it has none for Chinese).

First result (tests/heldout2/h14, the one saved page with gold): ours removed 0.944 of the
furniture and kept 1.000 of the body; trafilatura 0.944 and 0.846 (it drops the headline, in
the page's <title> and its <h1>, and keeps the publication line 发布时间…来源…作者…); jusText
1.000 and 0.000 (without a stoplist every paragraph reads as boilerplate). Ours stays.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.rulebook import Rulebook
from pipeline.stages.ingest import decode
from pipeline.stages.normalise import normalise

DEFAULT_FOLDERS = [Path("tests/heldout2"), Path("tests/realpages"), Path("tests/heldout3")]


def _squash(text: str, rulebook: Rulebook) -> str:
    return "".join(rulebook.converter.convert(text).split())


def _ours(raw: bytes, name: str, rulebook: Rulebook) -> str:
    from pipeline.process import process

    return process(raw, name, rulebook).rows["documents"][0]["text"]


def _trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_tables=True, favor_recall=True) or ""


def _justext(html: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), frozenset())
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def score(page: Path, gold: dict, rulebook: Rulebook) -> dict[str, tuple[float, float]]:
    raw = page.read_bytes()
    doc = normalise(decode(raw, page.name), rulebook)
    lines = [" ".join(line.split()) for line in doc.text.split("\n") if line.strip()]
    furniture = {" ".join(line.split()) for line in gold["boilerplate"]}
    html = decode(raw, page.name).raw_text
    outputs = {"ours": _ours(raw, page.name, rulebook), "trafilatura": _trafilatura(html),
               "justext": _justext(html)}
    scores = {}
    for cleaner, output in outputs.items():
        kept_text = _squash(output, rulebook)
        kept = [_squash(line, rulebook) in kept_text for line in lines]
        removed = [not k for line, k in zip(lines, kept, strict=True) if line in furniture]
        body = [k for line, k in zip(lines, kept, strict=True) if line not in furniture]
        scores[cleaner] = (sum(removed) / max(len(removed), 1), sum(body) / max(len(body), 1))
    return scores


def main(folders: list[Path]) -> None:
    rulebook = Rulebook()
    for folder in folders:
        for page in sorted([*folder.glob("*.html"), *folder.glob("*.htm")]):
            gold = json.loads((folder / "gold" / f"{page.stem}.json").read_text(encoding="utf-8"))
            for cleaner, (removed, kept) in score(page, gold, rulebook).items():
                print(f"{page.name:40} {cleaner:12} furniture_removed {removed:.3f}  body_kept {kept:.3f}")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]] or DEFAULT_FOLDERS)
