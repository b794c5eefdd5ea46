"""Build: OUT's tables → one self-contained HTML report (and, for a large batch, a page per document).

Stylesheet and scripts are read from ``static/`` and inlined; the Content-Security-Policy
allows only those scripts (by hash), inline styles and ``data:`` images, so the page loads
nothing from the network and a script smuggled into scraped text could not run even if
escaping failed. Every scraped string passes through Jinja2's autoescape or markupsafe.

A batch of more than ``INLINE_DOCUMENTS`` documents, or more than ``INLINE_CHARACTERS``
characters of text, gets its document pages beside the index, in ``<PATH stem>_docs/``,
so the index stays quick to open.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline.report.charts import draw_charts
from pipeline.report.markup import Highlight, RawToText, furniture_inserts, mark_up, repair_marks
from pipeline.report.model import Batch, glance, indicator_blob, read_batch

INLINE_DOCUMENTS = 50
INLINE_CHARACTERS = 1_000_000

_PACKAGE = resources.files("pipeline.report")
_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(_PACKAGE / "templates")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
)


@dataclass(frozen=True)
class Written:
    index: Path
    document_pages: int  # 0 when the documents are inside the index


def build_report(out: Path, html_path: Path | None = None, separate_pages: bool | None = None) -> Written:
    """Write the report for the tables under ``out`` to ``html_path`` (default ``out/report.html``).

    ``separate_pages`` forces document pages beside the index (True) or inside it (False);
    by default the batch's size decides.
    """
    html_path = html_path or out / "report.html"
    batch = read_batch(out)
    documents = batch.ok_documents
    if separate_pages is None:
        separate_pages = (len(documents) > INLINE_DOCUMENTS
                          or sum(len(d["text"] or "") for d in documents) > INLINE_CHARACTERS)
    docs_folder = f"{html_path.stem}_docs"
    href = {d["doc_id"]: f"{docs_folder}/{d['doc_id']}.html" if separate_pages else f"#doc-{d['doc_id']}"
            for d in documents}
    css, table_js, document_js = (Markup((_PACKAGE / "static" / name).read_text(encoding="utf-8"))
                                  for name in ("report.css", "table.js", "document.js"))
    views = [document_view(batch, d, href[d["doc_id"]]) for d in documents]
    at_a_glance = glance(batch)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    index_scripts = [table_js, document_js]
    html_path.write_text(_ENVIRONMENT.get_template("index.html.j2").render(
        page_title="Batch report", css=css, scripts=index_scripts, csp=content_security_policy(index_scripts),
        index_href="", out=str(out), glance=at_a_glance, charts=draw_charts(at_a_glance),
        indicator_json=Markup(indicator_blob(batch, href if separate_pages else dict.fromkeys(href, ""))),
        documents=views,
        separate_pages=separate_pages, docs_folder=docs_folder,
    ), encoding="utf-8")
    if separate_pages:
        folder = html_path.parent / docs_folder
        folder.mkdir(exist_ok=True)
        template = _ENVIRONMENT.get_template("document.html.j2")
        page_scripts = [document_js]
        policy = content_security_policy(page_scripts)
        for view in views:
            (folder / f"{view['doc_id']}.html").write_text(template.render(
                page_title=view["title"] or view["source_name"], css=css, scripts=page_scripts, csp=policy,
                index_href=f"../{html_path.name}", doc=view,
            ), encoding="utf-8")
    return Written(html_path, len(views) if separate_pages else 0)


def content_security_policy(scripts: list[str]) -> str:
    """Nothing from the network: only these inline scripts, inline styles and data: images."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def document_view(batch: Batch, doc: dict, href: str) -> dict:
    """What a document's part of the report shows: metadata as read, and its text marked up."""
    doc_id = doc["doc_id"]
    text = doc["text"] or ""
    indicators = batch.indicators_by_doc.get(doc_id, [])
    programs = batch.programs_by_doc.get(doc_id, [])
    measures = batch.measures_by_doc.get(doc_id, [])
    repairs = list(doc["repairs"] or [])
    furniture = list(doc["furniture"] or [])
    mapper = RawToText(batch.sentences_by_doc.get(doc_id, []), repairs)
    repair_highlights, repair_inserts = repair_marks(repairs, text, mapper)
    highlights = ([indicator_highlight(row) for row in indicators]
                  + [program_highlight(row) for row in programs]
                  + [measure_highlight(row) for row in measures] + repair_highlights)
    inserts = furniture_inserts(furniture, doc["raw_text"] or "", len(text), mapper) + repair_inserts
    return {
        **{key: doc[key] for key in ("doc_id", "title", "date", "source", "author", "source_name",
                                     "encoding", "script")},
        "href": href, "body": mark_up(text, highlights, inserts), "repairs": repairs,
        "repairs_unplaced": len(repairs) - len(repair_highlights) - len(repair_inserts),
        "n_indicators": len(indicators), "n_programs": len(programs), "n_measures": len(measures),
        "n_furniture": len(furniture), "n_repairs": len(repairs),
    }


def indicator_highlight(row: dict) -> Highlight:
    value = _number(row["value"]) + (f"–{_number(row['value_high'])}" if row["value_high"] is not None else "")
    label = "\n".join([
        f"indicator {row['indicator_id']}: {row['text']}",
        f"value {value} {row['unit']} · kind {row['kind']}",
        f"qualifier {row['qualifier'] or '—'} · change {row['change'] or '—'}",
        f"subject {row['subject'] or '—'}",
        f"rule {row['rule']}",
        f"raw offsets {row['raw_start']}–{row['raw_end']} · text offsets {row['start']}–{row['end']}",
    ])
    attributes = {"id": f"ind-{row['indicator_id']}", "data-indicator-id": row["indicator_id"], "tabindex": "0"}
    return Highlight(row["start"], row["end"], "indicator", attributes, label)


def program_highlight(row: dict) -> Highlight:
    label = "\n".join([
        f"program {row['program_id']}: {row['name']} ({row['kind']})",
        f"{row['mentions']} mentions · aliases {', '.join(row['aliases'] or []) or '—'}",
        f"rule {row['rule']}",
        f"raw offsets {row['raw_start']}–{row['raw_end']} · text offsets {row['start']}–{row['end']}",
    ])
    attributes = {"id": f"prog-{row['program_id']}", "data-program-id": row["program_id"]}
    return Highlight(row["start"], row["end"], "program", attributes, label)


def measure_highlight(row: dict) -> Highlight:
    label = "\n".join([
        f"measure {row['measure_id']}: {row['marker']} {row['head']}",
        f"level {row['level']} · ordinal {row['ordinal']} · parent {row['parent_id'] or '—'}"
        f" · program {row['program'] or '—'}",
        f"rule {row['rule']}",
        f"raw offsets {row['raw_start']}–{row['raw_end']} · text offsets {row['start']}–{row['end']}",
    ])
    attributes = {"id": f"meas-{row['measure_id']}", "data-measure-id": row["measure_id"]}
    return Highlight(row["start"], row["end"], "measure", attributes, label)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".")
