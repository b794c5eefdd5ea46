"""Hostile input: every file of tests/hostile.py gets a documents row, and no rule file can hang a batch."""

import shutil

import pandas as pd
import pytest

import pipeline.rulebook
from pipeline.batch import run_batch
from pipeline.rulebook import Rulebook, RuleTimeout, rule_time_budget
from pipeline.stages.lost_bytes import MIN_GUESSES

from .hostile import hostile_files, write_hostile_corpus


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory, rulebook):
    folder = tmp_path_factory.mktemp("hostile")
    write_hostile_corpus(folder / "in")
    run_batch([folder / "in"], folder / "out", rulebook, workers=2, progress=False)
    return folder / "out"


@pytest.mark.slow
def test_hostile_corpus_gets_one_documents_row_per_file(hostile_out):
    documents = pd.read_parquet(hostile_out / "documents")
    assert sorted(documents["source_name"]) == sorted(hostile_files())
    errors = documents[documents["status"] == "error"]
    assert set(documents["status"]) <= {"ok", "error"}
    assert all(error and "\n" not in error for error in errors["error"])
    assert documents.set_index("source_name").loc["binary.txt", "status"] == "error"


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    "good_gb18030.txt", "good_utf16_bom.txt", "good_utf16be_no_bom.txt", "nul_inside.txt"])
def test_hostile_good_report_in_any_wrapping_gives_the_same_indicators(hostile_out, name):
    documents = pd.read_parquet(hostile_out / "documents").set_index("source_name")
    indicators = pd.read_parquet(hostile_out / "indicators")
    columns = ["kind", "value", "unit", "qualifier", "subject", "text"]

    def rows_of(source_name):
        doc_id = documents.loc[source_name, "doc_id"]
        return indicators[indicators["doc_id"] == doc_id][columns].reset_index(drop=True)

    assert documents.loc[name, "status"] == "ok"
    assert len(rows_of("good_utf8.txt")) > 50
    pd.testing.assert_frame_equal(rows_of(name), rows_of("good_utf8.txt"))


@pytest.mark.slow
def test_hostile_pathological_texts_are_read_without_false_rows(hostile_out):
    documents = pd.read_parquet(hostile_out / "documents").set_index("source_name")
    ok = documents[documents["status"] == "ok"]
    for name in ["empty.txt", "whitespace_only.txt", "furniture_only.txt", "quotes_paired.txt",
                 "quotes_unclosed.txt", "number_200k_digits.txt", "first_secretary_repeated.txt",
                 "line_2mb.txt", "headings_yi_10k.txt", "markers_lines.txt", "lost_lead_bytes_repeated.txt",
                 "shifted_runs_repeated.txt", "rare_han_and_letters.txt"]:
        assert name in ok.index, documents.loc[name, "error"]
    for name in ["lost_lead_bytes_repeated.txt", "shifted_runs_repeated.txt"]:  # guesses are capped per report
        repairs = documents.loc[name, "n_repairs"]
        assert 100 <= repairs <= MIN_GUESSES + len(documents.loc[name, "raw_text"]) // 1000
    assert documents.loc["furniture_only.txt", "text"] == ""
    assert len(documents.loc["furniture_only.txt", "furniture"]) == 6
    by_doc = pd.read_parquet(hostile_out / "indicators").groupby("doc_id").size()
    count = {name: by_doc.get(doc_id, 0) for name, doc_id in documents["doc_id"].items()}
    assert count["number_200k_digits.txt"] == 0  # beyond the float range: not a number
    assert count["first_secretary_repeated.txt"] == 0
    assert count["line_2mb.txt"] > 10_000
    assert count["headings_yi_10k.txt"] == 10_000
    measures = pd.read_parquet(hostile_out / "measures").groupby("doc_id").size()
    assert measures[documents.loc["headings_yi_10k.txt", "doc_id"]] == 10_000


@pytest.fixture
def catastrophic_rules(tmp_path):
    """The project's rules plus a veto that backtracks exponentially on a run of a's."""
    rules = tmp_path / "rules"
    shutil.copytree(Rulebook().rules_dir, rules)
    path = rules / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "vetoes:\n", "vetoes:\n  - id: catastrophic\n    pattern: '(?:a|aa)+b'\n", 1), encoding="utf-8")
    return Rulebook(rules)


def test_hostile_rule_that_backtracks_fails_its_document_only(tmp_path, catastrophic_rules, monkeypatch):
    monkeypatch.setattr(pipeline.rulebook, "RULE_SECONDS_PER_DOCUMENT", 0.2)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "hostile.txt").write_text("共投入" + "a" * 60 + "资金20万元", encoding="utf-8")
    (inputs / "plain.txt").write_text("共投入资金20万元", encoding="utf-8")
    run_batch([inputs], tmp_path / "out", catastrophic_rules, workers=1, progress=False)
    documents = pd.read_parquet(tmp_path / "out" / "documents").set_index("source_name")
    assert documents.loc["plain.txt", "status"] == "ok"
    assert documents.loc["hostile.txt", "status"] == "error"
    assert documents.loc["hostile.txt", "error"].startswith(
        "RuleTimeout: rule indicators.catastrophic timed out on 69 characters from '共投入aaaaaaaaa'")


def test_hostile_rules_share_one_budget_per_document(rulebook, monkeypatch):
    monkeypatch.setattr(pipeline.rulebook, "RULE_SECONDS_PER_DOCUMENT", 0.0)
    monkeypatch.setattr(pipeline.rulebook, "RULE_SECONDS_PER_CHARACTER", 0.0)
    rule = rulebook.indicators.vetoes[0]
    with rule_time_budget(10_000), pytest.raises(RuleTimeout, match=r"rule indicators\.ordinal timed out"):
        rule.search("按第九届代表大会的要求")
