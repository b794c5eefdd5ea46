"""A fresh run over the seeds and every test corpus gives the golden tables, row for row
(see tests/golden.py; ``nox -s golden -- --update`` rewrites them after an intended change)."""

import pytest

from tests.golden import SETS, first_difference, golden_lines, read_golden, t2s_lines


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SETS))
def test_golden_tables_are_unchanged(name, rulebook):
    difference = first_difference(read_golden(name), golden_lines(SETS[name], rulebook))
    assert difference is None, difference


def test_golden_t2s_gives_the_recorded_conversions(rulebook):
    """Whichever OpenCC binding is installed converts every corpus line as recorded."""
    difference = first_difference(read_golden("t2s"), t2s_lines(rulebook))
    assert difference is None, difference


@pytest.mark.parametrize(("expected", "actual", "shown"), [
    (['{"a": 1}', '{"a": 2}'], ['{"a": 1}', '{"a": 3}'], "column a: 2 → 3"),
    (['{"a": 1}'], ['{"a": 1}', '{"a": 2}'], '+ now       {"a": 2}'),
])
def test_golden_difference_names_the_first_differing_row(expected, actual, shown):
    assert shown in first_difference(expected, actual)
