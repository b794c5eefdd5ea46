"""HTML input: a saved page reads as its text, and every row still points into the HTML."""

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.process import process
from pipeline.stages.markup import html_to_text, is_html

from .conftest import CORPUS

REPORT = CORPUS / "s02_bailing_livelihood.txt"
HEADINGS = (9, 21, 29, 35, 39)  # line numbers of the report's section headings


def saved_page(report: str) -> str:
    """The report as a scraped page: the title in the head, furniture around nested divisions,
    the dateline and related links in tables, quotes and a comma as character references, one
    paragraph wrapped in the source, and numbers in a script, a noscript and a comment."""
    lines = report.splitlines()
    breadcrumb, title, dateline, share = lines[:4]
    body = []
    for number, line in enumerate(lines[4:48], start=5):
        if not line:
            continue
        line = html.escape(line, quote=False).replace("“", "&ldquo;").replace("”", "&rdquo;")
        if number == 5:
            line = line.replace("，", "&#xFF0C;", 1).replace(" ", "&nbsp;", 1)
        if number == 11:
            line = line.replace("丘陵区，", "丘陵区，\n        ", 1)
        tag = "h2" if number in HEADINGS else "p"
        body.append(f"      <{tag}>{line}</{tag}>")
    date, source = dateline.split("  ")
    credits = "".join(f"<p>{line}</p>\n" for line in lines[48:52])
    related = "".join(f"<tr><td>{line}</td></tr>" for line in lines[52:55])
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <style>p {{ text-indent: 2em; }} .nav > a {{ color: #333; }}</style>
  <script>var views = 120000; if (views < 3000 && views > 1) {{ document.write("<p>浏览量12万次</p>"); }}</script>
</head>
<body>
  <div class="nav">{html.escape(breadcrumb)}</div>
  <table class="info"><tr><td>{date}</td><td>&nbsp;{source}</td></tr></table>
  <div class="share">{share}</div>
  <div class="article">
    <div class="content">
{chr(10).join(body)}
    </div>
  </div>
  {credits}<table class="related">{related}</table>
  <p>{lines[55]}</p>
  <noscript>请开启JavaScript，已有3000人开启</noscript>
  <!-- 广告位：投放量5000次 -->
</body>
</html>
"""


@pytest.mark.parametrize(("name", "encoding"), [("page.html", "utf-8"), ("page.txt", "gb18030")])
def test_saved_page_gives_the_indicators_of_the_plain_text(name, encoding, rulebook):
    report = REPORT.read_text(encoding="utf-8")
    page = saved_page(report)
    plain = process(report.encode(), REPORT.name, rulebook).rows
    rows = process(page.encode(encoding), name, rulebook).rows
    document = rows["documents"][0]
    assert document["raw_text"] == page
    assert [document[key] for key in ("title", "date", "source")] == [
        plain["documents"][0][key] for key in ("title", "date", "source")]
    assert _readings(rows["indicators"]) == _readings(plain["indicators"])
    for row, plain_row in zip(rows["indicators"], plain["indicators"], strict=True):
        assert page[row["raw_start"]:row["raw_end"]] == report[plain_row["raw_start"]:plain_row["raw_end"]]
    assert [row["name"] for row in rows["programs"]] == [row["name"] for row in plain["programs"]]
    assert [row["head"] for row in rows["measures"]] == [row["head"] for row in plain["measures"]]


def _readings(indicators: list[dict]) -> list[tuple]:
    return [(row["value"], row["unit"], row["subject"], row["text"]) for row in indicators]


def test_page_text_drops_markup_and_keeps_the_title_first():
    text, _ = html_to_text(
        "<html><head><title>标题 &amp; 副题</title><script>var a = '<p>脚本</p>';</script></head>"
        "<body><div><div>第一段<br/>第二<b>段</b></div></div><pre>  保留\n  原样</pre>"
        "<table><tr><td>指标</td><td>数值</td></tr></table>"
        "<![if !supportLists]>·<![endif]><![bogus[ x ]]>尾</body></html>"
    )
    assert [line.strip() for line in text.splitlines() if line.strip()] == [
        "标题 & 副题", "第一段", "第二段", "保留", "原样", "指标 数值", "·尾"]
    assert "  保留\n  原样" in text


def test_page_text_joins_a_source_line_break_between_chinese_characters_only():
    text, mapping = html_to_text("<p>受益农\n   民达25万户，\n   共计 2296\n   万元</p>")
    assert text.strip() == "受益农民达25万户，共计 2296 万元"
    start = text.index("农民")
    assert mapping.span(start, start + 2) == (5, 11)  # from 农 over the deleted break and indent to 民


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("a.html", "共发放贷款2296万元", True),
    ("a.HTM", "", True),
    ("a.txt", "  <!DOCTYPE html><html><body>x</body></html>", True),
    ("a.txt", "<div><p>共发放贷款</p></div>", True),
    ("a.txt", "第一段<br>", False),
    ("a.txt", "增幅<5%，x<y，R&D投入&nbsp;增加", False),
])
def test_is_html_by_name_or_content(name, text, expected):
    assert is_html(name, text) is expected


@given(st.lists(st.sampled_from([
    "<p>", "</p>", "<div class='a>b'>", "</div>", "<br/>", "<script>", "</script>", "<style>", "<title>",
    "<!--", "-->", "<![", "]]>", "<!doctype html>", "&amp;", "&#x4E00;", "&#99999999;", "&nbsp", "&", "<", ">",
    "共发放", "2296万元", " ", "\n", "\r\n", "<pre>", "</pre>", "<?xml ?>", "</>", "<a href=x>", "<td>",
]), max_size=30).map("".join))
def test_any_page_converts_and_every_character_maps_into_it(page):
    text, mapping = html_to_text(page)
    assert len(mapping) == len(text)
    for index, character in enumerate(text):
        start, end = mapping.span(index, index + 1)
        assert 0 <= start < end <= len(page)
        if end - start == 1 and not character.isspace():  # kept as it stands, not a reference
            assert page[start] == character
