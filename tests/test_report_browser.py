"""The report in a real browser: Debian's Chromium driven by Playwright, one browser for the module.

Every page is watched: a request for anything but the report's own file:// pages fails
the test, and so does any dialog or page error.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from playwright.sync_api import expect, sync_playwright

from pipeline.report import build_report
from tests.report_inputs import write_hostile_out, write_many_rows_out

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
LAUNCH_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every request leaving file:// and every error, and asserts there were none."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    trouble: list[str] = []
    page.on("request", lambda request: request.url.startswith(("file://", "data:"))
            or trouble.append(f"request {request.url}"))
    page.on("pageerror", lambda error: trouble.append(f"page error {error}"))
    page.on("dialog", lambda dialog: (trouble.append(f"dialog {dialog.message}"), dialog.dismiss()))
    context.route(lambda url: not url.startswith(("file://", "data:")), lambda route: route.abort())
    yield page
    context.close()
    assert trouble == []


@pytest.fixture(scope="module")
def seeds_report(seeds_out, tmp_path_factory) -> Path:
    return build_report(seeds_out, tmp_path_factory.mktemp("report") / "report.html").index


def _highlight_ids(page) -> list[str]:
    return page.eval_on_selector_all("[data-indicator-id]", "els => els.map(e => e.dataset.indicatorId)")


def _visible_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all("#indicator-table tbody tr",
                                     "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))")


def test_every_row_is_highlighted_once_and_no_id_is_unknown(page, seeds_report, seeds_out):
    page.goto(seeds_report.as_uri())
    ids = pq.read_table(seeds_out / "indicators")["indicator_id"].to_pylist()
    assert Counter(_highlight_ids(page)) == Counter(ids)


def test_separate_document_pages_highlight_every_row_once(page, seeds_out, tmp_path):
    index = build_report(seeds_out, tmp_path / "report.html", separate_pages=True).index
    seen = Counter()
    for document_page in sorted((tmp_path / "report_docs").glob("*.html")):
        page.goto(document_page.as_uri())
        seen.update(_highlight_ids(page))
    assert seen == Counter(pq.read_table(seeds_out / "indicators")["indicator_id"].to_pylist())
    # and from a document page's highlight back to the index's row
    page.goto(document_page.as_uri())
    first = page.locator("[data-indicator-id]").first
    indicator_id = first.get_attribute("data-indicator-id")
    first.click()
    page.click("#popup a.to-row")
    page.wait_for_selector("#indicator-table tr.target")
    assert page.url.startswith(index.as_uri())
    assert page.get_attribute("#indicator-table tr.target", "data-row-id") == indicator_id


def test_filters_narrow_the_table(page, seeds_report, seeds_out):
    indicators = pq.read_table(seeds_out / "indicators").to_pandas()
    page.goto(seeds_report.as_uri())
    page.select_option("#filters select[name=kind]", "money")
    assert page.text_content("#row-count") == f"{(indicators.kind == 'money').sum()} of {len(indicators)} rows"
    assert {row[1] for row in _visible_rows(page)} == {"money"}
    page.select_option("#filters select[name=qualifier]", "over")
    expected = ((indicators.kind == "money") & (indicators.qualifier == "over")).sum()
    assert page.text_content("#row-count").startswith(f"{expected} of")
    page.click("#filters button[type=reset]")
    page.select_option("#filters select[name=unit]", "户")
    assert {row[3] for row in _visible_rows(page)} == {"户"}
    page.click("#filters button[type=reset]")
    page.select_option("#filters select[name=change]", "(none)")
    assert page.text_content("#row-count") == f"{indicators.change.isna().sum()} of {len(indicators)} rows"
    page.click("#filters button[type=reset]")
    title = indicators.merge(pq.read_table(seeds_out / "documents").to_pandas(), on="doc_id").title.dropna().iloc[0]
    page.select_option("#filters select[name=doc]", title)
    assert {row[0] for row in _visible_rows(page)} == {title}
    page.click("#filters button[type=reset]")
    page.fill("#filters input[name=q]", "贷款")
    expected = (indicators.subject.fillna("").str.contains("贷款") | indicators.sentence.str.contains("贷款")).sum()
    expect(page.locator("#row-count")).to_have_text(f"{expected} of {len(indicators)} rows")


def test_sorting_by_value_orders_rows(page, seeds_report):
    page.goto(seeds_report.as_uri())
    page.click("#indicator-table th[data-sort=value]")
    page.click("#indicator-table th[data-sort=value]")  # descending: the largest first
    values = [float(row[2].split("–")[0].replace(",", "")) for row in _visible_rows(page)]
    assert values == sorted(values, reverse=True)


def test_links_go_both_ways_between_row_and_text(page, seeds_report):
    page.goto(seeds_report.as_uri())
    row = page.locator("#indicator-table tbody tr").nth(3)
    indicator_id = row.get_attribute("data-row-id")
    row.locator("a.to-text").click()
    highlight = page.locator(f'[data-indicator-id="{indicator_id}"]')
    assert page.evaluate("location.hash") == f"#ind-{indicator_id}"
    assert highlight.evaluate("el => el.matches(':target')")
    highlight.click()
    assert "subject" in page.text_content("#popup")
    page.click("#popup a.to-row")
    page.wait_for_selector("#indicator-table tr.target")
    assert page.get_attribute("#indicator-table tr.target", "data-row-id") == indicator_id
    assert page.locator("#indicator-table tr.target").is_visible()


def test_hostile_text_runs_no_script_and_stays_visible(page, tmp_path, rulebook):
    out = write_hostile_out(tmp_path, rulebook)
    page.goto(build_report(out).index.as_uri())
    page.fill("#filters input[name=q]", "script")
    page.wait_for_timeout(300)
    for highlight in page.locator("[data-indicator-id]").all()[:3]:
        highlight.click()
    assert page.evaluate("window.__pwned") is None
    text = page.inner_text("body")
    assert "<script>window.__pwned = true</script>调查报告" in text  # the title, as read
    assert '<a href="javascript:window.__pwned = true">链接</a>' in text
    assert "共计50个项目" in text
    assert page.evaluate("document.querySelectorAll('main script, main img[onerror], main a[href^=javascript]')"
                         ".length") == 0


def test_table_of_100000_rows_stays_responsive(page, tmp_path):
    rows = write_many_rows_out(tmp_path / "out", documents=500, rows_per_document=200)
    index = build_report(tmp_path / "out").index
    started = time.perf_counter()
    page.goto(index.as_uri())
    page.wait_for_selector("#indicator-table tbody tr")
    loaded = time.perf_counter() - started
    assert page.text_content("#row-count") == f"{rows:,} of {rows:,} rows"
    started = time.perf_counter()
    page.select_option("#filters select[name=kind]", "count")
    page.click("#indicator-table th[data-sort=value]")
    filtered_and_sorted = time.perf_counter() - started
    assert page.locator("#indicator-table tbody tr").count() == 50
    assert loaded < 10 and filtered_and_sorted < 2, (loaded, filtered_and_sorted)
