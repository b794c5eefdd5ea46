"""A bad rule file stops the run with `file:line: what is wrong`, before any document."""

import shutil
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.rulebook import DEFAULT_RULES_DIR, Rulebook, RuleError

BAD_RULES = sorted((Path(__file__).parent / "bad_rules").glob("*.yaml"))


def rules_with(tmp_path: Path, bad: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    target = bad.name.split("--")[0] + ".yaml"
    shutil.copy(bad, rules / target)
    return rules


def expected_message(bad: Path) -> str:
    first = bad.read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("bad", BAD_RULES, ids=lambda p: p.stem)
def test_rulebook_reports_file_and_line(tmp_path, bad):
    with pytest.raises(RuleError) as error:
        Rulebook(rules_with(tmp_path, bad))
    assert str(error.value).startswith("rules/")
    assert expected_message(bad) in str(error.value)


def test_rulebook_loads_the_project_rules():
    rulebook = Rulebook()
    assert rulebook.indicators.units.money["元"] == 1


def test_rulebook_missing_file_is_named(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "programs.yaml").unlink()
    with pytest.raises(RuleError, match=r"programs.yaml:1: rule file is missing"):
        Rulebook(rules)


def test_cli_bad_rules_exit_2_before_any_document(tmp_path, capsys):
    rules = rules_with(tmp_path, BAD_RULES[0])
    out = tmp_path / "out"
    assert main(["run", "--rules", str(rules), "--out", str(out), "--no-progress"]) == 2
    assert "error: rules/" in capsys.readouterr().err
    assert not out.exists()
