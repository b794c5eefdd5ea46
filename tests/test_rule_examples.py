"""Every rule's own examples and counter-examples, so a data-staff edit is tested by construction."""

import pytest

from pipeline import extract
from pipeline.evaluate import same_subject
from pipeline.numbers import find_numbers
from pipeline.rulebook import Rulebook
from pipeline.stages.indicators import extract_from_text

RULES = Rulebook()


def cases(rules, attribute="examples"):
    return [pytest.param(rule, example, id=f"{rule.id}:{example!s:.30}")
            for rule in rules for example in getattr(rule, attribute)]


@pytest.mark.parametrize(("rule", "example"), cases(RULES.normalise.deletions))
def test_normalise_rule_repairs_its_example(rule, example):
    assert rule.regex.sub("", example.text) == example.expect


@pytest.mark.parametrize(("rule", "text"), cases(RULES.normalise.deletions, "not_"))
def test_normalise_rule_leaves_its_counter_example(rule, text):
    assert rule.regex.sub("", text) == text


BOILERPLATE = RULES.boilerplate
ANYWHERE = BOILERPLATE.line + BOILERPLATE.cut_from
FURNITURE = ANYWHERE + BOILERPLATE.header + BOILERPLATE.footer


def rules_where(rule):
    """The rules that can drop a line where ``rule`` applies: a header rule's counter-example must
    be kept even above the report's first sentence."""
    zones = [zone for zone in (BOILERPLATE.header, BOILERPLATE.footer) if rule in zone]
    return ANYWHERE + (zones[0] if zones else [])


@pytest.mark.parametrize(("rule", "line"), cases(FURNITURE))
def test_boilerplate_rule_drops_its_example(rule, line):
    assert rule.regex.fullmatch(line)


@pytest.mark.parametrize(("rule", "line"), cases(FURNITURE, "not_"))
def test_boilerplate_rule_keeps_its_counter_example(rule, line):
    assert not any(r.regex.fullmatch(line) for r in rules_where(rule))


@pytest.mark.parametrize(("rule", "line"), cases(BOILERPLATE.prefix))
def test_boilerplate_prefix_cuts_its_example_and_leaves_text(rule, line):
    match = rule.regex.match(line)
    assert match and line[match.end():].strip()


@pytest.mark.parametrize(("rule", "line"), cases(BOILERPLATE.prefix, "not_"))
def test_boilerplate_prefix_leaves_its_counter_example(rule, line):
    assert not rule.regex.match(line)


@pytest.mark.parametrize(("rule", "title"), cases([RULES.metadata.title.site_suffix]))
def test_title_site_suffix_finds_its_example(rule, title):
    assert rule.regex.search(title)


@pytest.mark.parametrize(("rule", "title"), cases([RULES.metadata.title.site_suffix], "not_"))
def test_title_site_suffix_ignores_its_counter_example(rule, title):
    assert not rule.regex.search(title)


@pytest.mark.parametrize(("rule", "line"), cases([RULES.metadata.title.labelled]))
def test_title_label_finds_its_example(rule, line):
    assert rule.regex.search(line).group("title")


@pytest.mark.parametrize(("rule", "line"), cases([RULES.metadata.title.labelled], "not_"))
def test_title_label_ignores_its_counter_example(rule, line):
    assert not rule.regex.search(line)


@pytest.mark.parametrize(("rule", "line"), cases(RULES.metadata.title.not_title))
def test_not_title_shape_matches_its_example(rule, line):
    assert rule.regex.fullmatch(line)


@pytest.mark.parametrize(("rule", "line"), cases(RULES.metadata.title.not_title, "not_"))
def test_not_title_shape_leaves_a_headline(rule, line):
    assert not rule.regex.fullmatch(line)


METADATA = RULES.metadata.date + RULES.metadata.source + RULES.metadata.author


@pytest.mark.parametrize(("rule", "line"), cases(METADATA))
def test_metadata_rule_finds_its_example(rule, line):
    assert rule.regex.search(line)


@pytest.mark.parametrize(("rule", "line"), cases(METADATA, "not_"))
def test_metadata_rule_ignores_its_counter_example(rule, line):
    assert not rule.regex.search(line)


@pytest.mark.parametrize("example", RULES.programs.examples, ids=lambda e: e.text[:20])
def test_programs_example(example, rulebook):
    found = [row["name"] for row in extract(example.text, rulebook)["programs"]]
    assert found == example.expect


@pytest.mark.parametrize(("rule", "paragraph"), cases(RULES.measures.markers))
def test_measure_marker_finds_its_example(rule, paragraph, rulebook):
    found = extract(paragraph, rulebook)["measures"]
    assert [row["rule"] for row in found][:1] == [f"measures.{rule.id}"]


@pytest.mark.parametrize(("rule", "paragraph"), cases(RULES.measures.markers, "not_"))
def test_measure_marker_ignores_its_counter_example(rule, paragraph, rulebook):
    assert extract(paragraph, rulebook)["measures"] == []


@pytest.mark.parametrize(("rule", "text"), cases(RULES.indicators.vetoes))
def test_indicator_veto_covers_its_example(rule, text):
    assert rule.regex.search(text)


@pytest.mark.parametrize("example", RULES.indicators.examples, ids=lambda e: e.text[:20])
def test_indicators_example(example, rulebook):
    found = extract_from_text(example.text, rulebook.indicators, rulebook.numbers, rulebook.segmenter)
    expected = [(e.text, e.kind, e.value, e.unit, e.qualifier, e.change) for e in example.expect]
    assert [(f["text"], f["kind"], f["value"], f["unit"], f["qualifier"], f["change"]) for f in found] == expected


@pytest.mark.parametrize("example", RULES.numbers.examples, ids=lambda e: e.text[:20])
def test_numbers_example(example):
    found = [(n.text, n.value, n.high, n.kind, n.qualifier) for n in find_numbers(example.text, RULES.numbers)]
    assert found == [(e.text, e.value, e.high, e.kind, e.qualifier) for e in example.expect]


SKIPS = [*RULES.indicators.subjects.skip_before, *RULES.indicators.subjects.skip_after]


@pytest.mark.parametrize(("rule", "text"), cases(SKIPS))
def test_subject_skip_strips_its_example(rule, text):
    assert rule.regex.search(text)


@pytest.mark.parametrize(("rule", "text"), cases(SKIPS, "not_"))
def test_subject_skip_leaves_its_counter_example(rule, text):
    assert not any(r.regex.search(text) for r in SKIPS)


@pytest.mark.parametrize("example", RULES.indicators.subjects.examples, ids=lambda e: e.text[:20])
def test_subject_example(example, rulebook):
    found = extract_from_text(example.text, rulebook.indicators, rulebook.numbers, rulebook.segmenter)
    subjects = [f["subject"] for f in found]
    assert len(subjects) == len(example.expect)
    assert all(map(same_subject, example.expect, subjects)), subjects
