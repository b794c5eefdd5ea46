"""The report's page model, markup and escaping, without a browser."""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main
from pipeline.report import build_report
from pipeline.report.markup import Highlight, Insert, mark_up
from pipeline.report.model import ROW_COLUMNS, read_batch, script_safe_json
from pipeline.tables import TABLES
from tests.report_inputs import FLAG, write_hostile_out

_BLOB = re.compile(r'<script type="application/json" id="indicator-data">(.*?)</script>', re.S)


class _Elements(HTMLParser):
    """Checks that spans nest: every end tag closes the innermost open element; collects the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.indicator_ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self.indicator_ids += [value for name, value in attrs if name == "data-indicator-id"]

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert parser.open == []
    return parser


@pytest.mark.parametrize("highlights", [
    # an indicator inside a program inside a measure
    [Highlight(0, 10, "measure"), Highlight(2, 8, "program"), Highlight(3, 5, "indicator", {"data-indicator-id": "a"})],
    # a repair crossing the indicator's end, and a program sharing the indicator's start
    [Highlight(3, 5, "indicator", {"data-indicator-id": "a"}), Highlight(4, 7, "repair"), Highlight(3, 9, "program")],
    # the indicator opened first and crossed by a program that outlives it
    [Highlight(1, 5, "indicator", {"id": "ind-a", "data-indicator-id": "a"}), Highlight(3, 9, "program")],
])
def test_mark_up_nests_spans_and_keeps_one_element_per_indicator(highlights):
    text = "<b>&\"'xyz"
    parsed = _parse(mark_up(text, highlights))
    assert "".join(parsed.text) == text
    assert parsed.indicator_ids == ["a"]


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "a&amp;b"])
def test_mark_up_escapes_every_slice_and_insert_position(text):
    html = mark_up(text, [Highlight(1, 4, "indicator", {"data-indicator-id": '"x'}, label='<"t">')],
                   [Insert(2, "")])
    assert "<script" not in html and "<img" not in html
    assert "".join(_parse(html).text) == text


def test_script_safe_json_escapes_what_could_end_the_element():
    data = {"s": "</script><!-- & \u2028\u2029 >"}
    blob = script_safe_json(data)
    assert not set("<>&\u2028\u2029") & set(blob)
    assert json.loads(blob) == data


def test_report_of_seeds_highlights_every_indicator_once(seeds_out, tmp_path):
    written = build_report(seeds_out, tmp_path / "report.html")
    html = written.index.read_text(encoding="utf-8")
    ids = pq.read_table(seeds_out / "indicators", columns=["indicator_id"])["indicator_id"].to_pylist()
    assert Counter(re.findall(r'data-indicator-id="([^"]*)"', html)) == Counter(ids)
    blob = json.loads(_BLOB.search(html).group(1))
    assert [row[0] for row in blob["rows"]] == ids
    assert written.document_pages == 0


def test_report_has_no_network_address_and_a_policy_that_forbids_loads(seeds_out, tmp_path):
    html = build_report(seeds_out, tmp_path / "report.html").index.read_text(encoding="utf-8")
    policy = unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert re.match(r"default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+';", policy)
    assert not re.search(r'\s(?:src|href)="(?!#|data:)', html)


def test_large_batch_pages_sit_beside_the_index(seeds_out, tmp_path):
    written = build_report(seeds_out, tmp_path / "r.html", separate_pages=True)
    pages = sorted((tmp_path / "r_docs").glob("*.html"))
    assert written.document_pages == len(pages) == 5
    ids = Counter()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'href="../r.html"' in html
        ids.update(re.findall(r'data-indicator-id="([^"]*)"', html))
    assert Counter(pq.read_table(seeds_out / "indicators")["indicator_id"].to_pylist()) == ids


def _copy_batch(source, target, indicators):
    """The tables of ``source`` under ``target``, with the indicators table replaced."""
    for table in TABLES:
        arrow = indicators if table == "indicators" else pq.read_table(source / table)
        (target / table).mkdir(parents=True)
        pq.write_table(arrow, target / table / "part-0.parquet")


def test_change_is_shown_as_the_tables_say(seeds_out, tmp_path):
    arrow = pq.read_table(seeds_out / "indicators")
    changes = ["up" if i % 2 else None for i in range(arrow.num_rows)]
    arrow = arrow.set_column(arrow.schema.get_field_index("change"), "change", pa.array(changes, pa.string()))
    _copy_batch(seeds_out, tmp_path / "out", arrow)
    assert read_batch(tmp_path / "out").indicators[1]["change"] == "up"
    html = build_report(tmp_path / "out").index.read_text(encoding="utf-8")
    rows = json.loads(_BLOB.search(html).group(1))["rows"]
    assert [row[ROW_COLUMNS.index("change")] for row in rows[:2]] == [None, "up"]
    assert "change up" in html


def test_change_is_null_without_the_column(seeds_out, tmp_path):
    """Tables written before the change column existed still make a report."""
    arrow = pq.read_table(seeds_out / "indicators").drop_columns(["change"])
    _copy_batch(seeds_out, tmp_path / "old", arrow)
    assert {row["change"] for row in read_batch(tmp_path / "old").indicators} == {None}


def test_hostile_text_is_escaped_in_body_title_and_blob(tmp_path, rulebook):
    out = write_hostile_out(tmp_path, rulebook)
    html = build_report(out).index.read_text(encoding="utf-8")
    assert f"<script>{FLAG}" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert html.count("<script") == 3  # the JSON blob and the two report scripts
    assert "&lt;script&gt;window.__pwned" in html
    assert "\u2028" not in _BLOB.search(html).group(1)


def test_cli_writes_the_report_and_says_how_to_open_it(seeds_out, tmp_path, capsys):
    assert main(["report", "--out", str(seeds_out), "--html", str(tmp_path / "x" / "r.html")]) == 0
    printed = capsys.readouterr().out
    assert f"report written to {tmp_path / 'x' / 'r.html'}" in printed
    assert "file://" in printed
    assert (tmp_path / "x" / "r.html").is_file()


def test_cli_without_tables_says_to_run_first(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path)]) == 2
    assert "run `python -m pipeline run" in capsys.readouterr().err
