"""`python -m pipeline furniture --suggest`: lines a batch repeats, proposed as rules and never applied."""

import yaml

from pipeline.__main__ import main
from pipeline.furniture import as_rules, suggest_furniture
from pipeline.rulebook import PatternRule

FOOTER = "本站由某某(信息)中心维护 [联系我们] 1.0版"


def write_batch(folder, count=4):
    for number in range(1, count + 1):
        (folder / f"d{number}.txt").write_text(
            f"某县第{number}次会议召开\n全县投入资金{number}00万元，新建道路{number}公里。\n一、主要做法\n{FOOTER}\n",
            encoding="utf-8")
    (folder / "other.txt").write_text("某市召开会议\n全市新建学校3所。\n", encoding="utf-8")


def test_furniture_suggests_lines_repeated_across_documents_only(tmp_path, rulebook):
    write_batch(tmp_path)
    total, suggestions = suggest_furniture([tmp_path], rulebook)
    assert total == 5
    assert [(s.line, len(s.documents)) for s in suggestions] == [("一、主要做法", 4), (FOOTER, 4)]
    assert suggestions[1].documents[0] == "d1.txt"


def test_furniture_leaves_out_lines_the_rules_already_drop_and_rare_lines(tmp_path, rulebook):
    write_batch(tmp_path)
    for name in ("d1.txt", "d2.txt"):
        path = tmp_path / name
        path.write_text(path.read_text(encoding="utf-8") + "版权所有：某某县人民政府\n只在两篇里\n", encoding="utf-8")
    _, suggestions = suggest_furniture([tmp_path], rulebook)
    assert {s.line for s in suggestions} == {"一、主要做法", FOOTER}


def test_furniture_rules_compile_and_match_their_line(tmp_path, rulebook):
    write_batch(tmp_path)
    total, suggestions = suggest_furniture([tmp_path], rulebook)
    snippet = yaml.safe_load(as_rules(suggestions, total))
    rules = [PatternRule.model_validate(rule) for rule in snippet["line"]]
    assert [rule.regex.fullmatch(rule.examples[0]) is not None for rule in rules] == [True, True]
    assert not rules[1].regex.fullmatch("本站由某某X信息X中心维护 [联系我们] 1x0版")


def test_furniture_command_prints_counts_and_changes_no_rule(tmp_path, capsys, rulebook):
    write_batch(tmp_path)
    before = (rulebook.rules_dir / "boilerplate.yaml").read_text(encoding="utf-8")
    assert main(["furniture", "--suggest", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "# in 4 of 5 documents: d1.txt, d2.txt, d3.txt and 1 more" in printed
    assert (rulebook.rules_dir / "boilerplate.yaml").read_text(encoding="utf-8") == before
