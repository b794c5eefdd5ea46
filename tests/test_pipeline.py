"""The whole pipeline on the seeds: the table contract, provenance and the gold floors."""

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.evaluate import evaluate
from pipeline.stages.lost_bytes import RULES as CONTEXT_REPAIRS
from pipeline.stages.normalise import normalise_fragment
from pipeline.tables import SCHEMAS

from .conftest import CORPUS, GOLD, HELDOUT, HELDOUT2, HELDOUT3, REALPAGES, REALTEXT, REALTEXT2, SEEDS

CONTRACT = {
    "documents": "doc_id source_name source_path sha256 encoding script title date source author "
                 "raw_text text n_repairs status error",
    "indicators": "doc_id indicator_id kind value unit qualifier subject change text sentence start end "
                  "raw_start raw_end measure_id program rule",
    "programs": "doc_id program_id name kind mentions start end raw_start raw_end sentence rule",
    "measures": "doc_id measure_id parent_id level marker ordinal head program start end "
                "raw_start raw_end",
    "sentences": "doc_id sentence_id start end text tokens",
}
FLOORS = json.loads((Path(__file__).parent / "eval_floors.json").read_text())


@pytest.mark.parametrize("table", CONTRACT)
def test_pipeline_writes_every_contract_column(seeds_out, table):
    frame = pd.read_parquet(seeds_out / table)
    assert set(CONTRACT[table].split()) <= set(frame.columns)
    assert list(frame.columns) == SCHEMAS[table].names


def test_pipeline_documents_has_every_seed(seeds_out):
    documents = pd.read_parquet(seeds_out / "documents")
    assert sorted(documents["source_name"]) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert set(documents["status"]) == {"ok"}


def test_pipeline_repairs_every_lost_byte_of_seed_001(seeds_out):
    documents = pd.read_parquet(seeds_out / "documents").set_index("source_name")
    seed = documents.loc["001_3e5c44edba33ead6.txt"]
    assert seed["raw_text"].count("?h") == 3
    assert "?h" not in seed["text"] and "县委党建工作领导小组" in seed["text"]
    assert all(repair["certain"] for repair in seed["repairs"])


def test_pipeline_every_row_points_at_its_raw_characters(seeds_out, rulebook):
    """raw_text[raw_start:raw_end], normalised, is the row's text: for at least 99 % of the rows
    of indicators, programs and measures, and every exception holds a repair that needed the
    whole report's context."""
    documents = pd.read_parquet(seeds_out / "documents").set_index("doc_id")
    rows = pd.concat([pd.read_parquet(seeds_out / table)[["doc_id", "start", "end", "raw_start",
                                                          "raw_end"]]
                      for table in ("indicators", "programs", "measures")])
    assert len(rows) > 0
    mismatches = []
    for row in rows.itertuples():
        doc = documents.loc[row.doc_id]
        raw = doc.raw_text[row.raw_start:row.raw_end]
        if normalise_fragment(raw, rulebook) != doc.text[row.start:row.end]:
            mismatches.append(row)
            assert any(row.raw_start <= r["raw_start"] < row.raw_end
                       and r["rule"] in CONTEXT_REPAIRS for r in doc.repairs), row
    assert len(mismatches) <= 0.01 * len(rows)


def test_pipeline_indicator_text_is_its_slice_of_the_document(seeds_out):
    documents = pd.read_parquet(seeds_out / "documents").set_index("doc_id")
    for row in pd.read_parquet(seeds_out / "indicators").itertuples():
        assert documents.loc[row.doc_id].text[row.start:row.end] == row.text


def test_pipeline_scores_hold_the_floors(seeds_out):
    scores = evaluate(GOLD, seeds_out).as_dict()
    below = {name: (round(scores[name], 3), floor) for name, floor in FLOORS.items()
             if not name.startswith("_") and scores[name] < floor}
    assert not below, below


def test_pipeline_run_is_deterministic(seeds_out, tmp_path, rulebook):
    from pipeline.batch import run_batch

    again = tmp_path / "again"
    run_batch([SEEDS], again, rulebook, workers=1, progress=False)
    for table in CONTRACT:
        first = pd.read_parquet(seeds_out / table)
        second = pd.read_parquet(again / table)
        pd.testing.assert_frame_equal(first, second)


CORPUS_FLOORS = {"indicators_f1": 0.99, "programs_f1": 0.99, "measures_f1": 0.99, "subject": 0.94,
                 "qualifier": 0.99, "measure_parent": 0.99, "measure_program": 0.99,
                 "furniture_removed": 0.98, "body_kept": 1.0, "title": 1.0, "date": 0.99}


# tests/heldout3 is the newest blind set: its furniture, title and author rules are not yet
# tuned on it, so it holds the floors it first scored after its indicator fixes.
HELDOUT3_FLOORS = {**CORPUS_FLOORS, "indicators_f1": 0.98, "subject": 0.9, "furniture_removed": 0.94,
                   "title": 1.0, "date": 1.0}
# tests/realpages: 47 real pages from 46 sites, lines labelled by a blind annotator (furniture,
# title, date, programs, measures; no indicators). First scores, before any tuning: furniture
# removed 0.281, body kept 0.968, title 0.553, date 0.830, source 0.617, author 0.723, measures
# F1 0.947, programs F1 1.000. The floors are the scores after issue 13.
REALPAGES_FLOORS = {"programs_f1": 1.0, "measures_f1": 0.97, "measure_parent": 0.94, "measure_program": 0.96,
                    "furniture_removed": 0.81, "body_kept": 1.0, "title": 0.93, "date": 0.95, "source": 0.61,
                    "author": 0.74}


# tests/realtext: real excerpts of twelve other genres (blind; first scored at indicators F1 0.810,
# subject 0.662). Its furniture, titles and subjects are issues 12 and 13; its numbers are held here.
REALTEXT_FLOORS = {"indicators_f1": 0.97, "qualifier": 0.99, "change": 0.98, "change_f1": 0.98, "subject": 0.85,
                   "whole_row": 0.84, "measures_f1": 0.97, "date": 0.95}
# tests/realtext2: fourteen more real excerpts, scored blind after the realtext work (the rules of
# ebb3c55 gave indicators F1 0.874, subject 0.751; this session's rules, untuned on it, 0.975 and 0.829).
REALTEXT2_FLOORS = {"indicators_f1": 0.97, "qualifier": 0.99, "change": 0.97, "change_f1": 0.97, "subject": 0.82,
                    "whole_row": 0.80, "measures_f1": 0.97, "date": 1.0}


@pytest.mark.parametrize(("corpus", "floors"), [
    (CORPUS, CORPUS_FLOORS), (HELDOUT, CORPUS_FLOORS), (HELDOUT2, CORPUS_FLOORS), (HELDOUT3, HELDOUT3_FLOORS),
    (REALTEXT, REALTEXT_FLOORS), (REALTEXT2, REALTEXT2_FLOORS), (REALPAGES, REALPAGES_FLOORS),
], ids=["corpus", "heldout", "heldout2", "heldout3", "realtext", "realtext2", "realpages"])
def test_pipeline_generalises_to_reports_written_for_testing(corpus, floors, tmp_path, rulebook):
    """Reports written by other hands from GOLD.md alone; the first scores of each set were
    taken before any rule was tuned on it (see the commit that added it)."""
    from pipeline.batch import run_batch

    run_batch([corpus], tmp_path / "out", rulebook, workers=2, progress=False)
    scores = evaluate(corpus / "gold", tmp_path / "out").as_dict()
    below = {name: round(scores[name], 3) for name, floor in floors.items()
             if scores[name] < floor}
    assert not below, below
