"""Stage behaviour on small texts: normalise, clean, measures, indicators linking."""

import pytest

from pipeline import extract, extract_indicators
from pipeline.stages.ingest import decode, from_text
from pipeline.stages.normalise import normalise

from .conftest import SEEDS


def normalised(text, rulebook):
    return normalise(from_text(text), rulebook)


def test_normalise_removes_pinyin_and_converts_to_simplified(rulebook):
    doc = normalised("產(chǎn)生背景:黨的服務(wù)型黨組織", rulebook)
    assert doc.text == "产生背景:党的服务型党组织"
    assert doc.script == "traditional"
    assert [r.before for r in doc.repairs] == ["(chǎn)", "(wù)"]


def test_normalise_strips_lines_and_drops_blank_ones(rulebook):
    doc = normalised("\ufeff  第一段\r\n\r\n\u3000\u3000第二段 \n\n", rulebook)
    assert doc.text == "第一段\n第二段"


def test_normalise_folds_full_width_letters_and_digits(rulebook):
    assert normalised("建成ＡＢ站点１２３个", rulebook).text == "建成AB站点123个"
    assert normalised("投资３．５亿元，增长１２．３％．", rulebook).text == "投资3.5亿元，增长12.3％．"


@pytest.mark.parametrize("text", ["党建工作", "產(chǎn)生?h委常委", "  a\n\nb  "])
def test_normalise_is_idempotent(text, rulebook):
    once = normalised(text, rulebook).text
    assert normalised(once, rulebook).text == once


def test_normalise_repairs_lost_lead_byte_in_seed_001(rulebook):
    raw = (SEEDS / "001_3e5c44edba33ead6.txt").read_bytes()
    doc = normalise(decode(raw, "001"), rulebook)
    assert "?h委常委" in doc.raw_text
    assert "联系制县委常委带头" in doc.text and "例会制县委党建" in doc.text
    assert "?h" not in doc.text
    repairs = [r for r in doc.repairs if r.rule == "normalise.lost-lead-byte"]
    assert [(r.before, r.after, r.certain) for r in repairs] == [("?h", "縣", True)] * 3


def test_clean_drops_furniture_and_reads_metadata(rulebook):
    text = ("当前位置：首页 > 新闻中心 > 基层动态\n某县推进“红色物业”行动\n"
            "发布时间：2021-04-09 10:20:11  来源：某某日报  作者：张三\n"
            "全县组建服务队120支。\n责任编辑：李四\n相关新闻\n某县召开会议")
    rows = extract(text, rulebook)
    document = rows["documents"][0]
    assert document["text"] == "某县推进“红色物业”行动\n全县组建服务队120支。"
    assert (document["title"], document["date"], document["source"], document["author"]) == (
        "某县推进“红色物业”行动", "2021-04-09", "某某日报", "张三")
    assert len(document["furniture"]) == 5


NESTED = """一、主要做法
（一）实施“强基工程”
一是建强阵地。新建党群服务中心12个。
二是配强队伍。培训村干部300人次。
（二）健全机制
全年投入资金500万元。
二、取得成效
党员参与率达95%。"""


def test_measures_nest_and_indicators_link_to_measure_and_program(rulebook):
    rows = extract(NESTED, rulebook)
    measures = {m["measure_id"]: m for m in rows["measures"]}
    by_marker = {m["marker"] + m["head"]: m for m in rows["measures"]}
    first = by_marker["一是建强阵地"]
    assert measures[first["parent_id"]]["marker"] == "（一）"
    assert measures[measures[first["parent_id"]]["parent_id"]]["marker"] == "一、"
    assert first["program"] == "强基工程"
    links = {i["text"]: (measures[i["measure_id"]]["marker"], i["program"])
             for i in rows["indicators"]}
    assert links == {"12个": ("一是", "强基工程"), "300人次": ("二是", "强基工程"),
                     "500万元": ("（二）", None), "95%": ("二、", None)}


@pytest.mark.parametrize(("text", "expected"), [
    ("全市共建立社区党员服务站165个", ("165个", 165.0, "社区党员服务站")),
    ("为1149名下岗失业人员发放贷款", ("1149名", 1149.0, "下岗失业人员")),
    ("困难职工脱贫率达99.7%", ("99.7%", 99.7, "脱贫率")),
    ("累计投入帮扶资金360萬元", ("360万元", 3600000.0, "帮扶资金")),
    ("新建村级活动场所564个、村民休闲广场145个", ("145个", 145.0, "村民休闲广场")),
    ("为2167名特困职工减免税费", ("2167名", 2167.0, "特困职工")),
])
def test_indicators_read_value_and_subject(text, expected, rulebook):
    row = extract_indicators(text, rulebook)[-1]
    mention, value, subject = expected
    assert (row["text"], row["value"]) == (mention, value)
    assert row["subject"]
    # GOLD.md: a subject matches when one phrase contains the other
    assert subject in row["subject"] or row["subject"] in subject, row["subject"]


def test_program_names_are_kept_whole_by_the_segmenter_and_only_in_their_document(rulebook):
    segmenter = rulebook.segmenter
    dictionary_before = (dict(segmenter._tokenizer.FREQ), segmenter._tokenizer.total)
    sentences = extract("全面推行“三联三帮”机制，三联三帮让群众满意。", rulebook)["sentences"]
    assert "三联三帮" in sentences[0]["tokens"]
    assert (dict(segmenter._tokenizer.FREQ), segmenter._tokenizer.total) == dictionary_before
    later = extract("全面推行三联三帮。", rulebook)["sentences"][0]["tokens"]
    assert "三联三帮" not in later  # the next document segments as if the name were never seen


LAYOUT = """一、基本情况
全镇辖12个行政村。
二、主要做法
（一）夯实基层基础
1、选优配强带头人。一是拓宽来源。从返乡能人中选拔书记25名。二是加强培训。轮训书记3期。
2、推行“积分管理”制度。全镇设岗位320个。
（二）创新服务方式
实施“暖心行动”，打通服务最后一公里
“以前办事要跑县城，现在家门口就能办。”村民说。
镇里统筹资金开展服务。一是建设代办点。新建代办点18个。二是组建服务队。组建服务队12支。
其一，定期走访。其二，跟踪问效。
（1）制度管人是保障
（2）群众满意是标准"""


def test_inline_lists_nest_under_their_paragraph_item_and_end_with_the_paragraph(rulebook):
    rows = extract(LAYOUT, rulebook)["measures"]
    head = {m["measure_id"]: m["marker"] + m["head"][:4] for m in rows}
    tree = {m["marker"] + m["head"][:4]: (head.get(m["parent_id"]), m["level"], m["program"])
            for m in rows}
    assert tree == {
        "一、基本情况": (None, 1, None),
        "二、主要做法": (None, 1, None),
        "（一）夯实基层": ("二、主要做法", 2, None),
        "1、选优配强": ("（一）夯实基层", 3, None),
        "一是拓宽来源": ("1、选优配强", 4, None),
        "二是加强培训": ("1、选优配强", 4, None),
        "2、推行“积": ("（一）夯实基层", 3, None),
        "（二）创新服务": ("二、主要做法", 2, None),
        # an inline list takes the program of the nearest heading above it
        "一是建设代办": ("（二）创新服务", 3, "暖心行动"),
        "二是组建服务": ("（二）创新服务", 3, "暖心行动"),
        # a list in a later paragraph is no child of the inline list before it
        "其一，定期走访": ("（二）创新服务", 3, "暖心行动"),
        "其二，跟踪问效": ("（二）创新服务", 3, "暖心行动"),
        "（1）制度管人": ("（二）创新服务", 3, "暖心行动"),
        "（2）群众满意": ("（二）创新服务", 3, "暖心行动"),
    }


def test_segment_cuts_run_on_sentences_at_a_clause_mark_and_never_inside_a_number(rulebook):
    from pipeline.stages.segment import SENTENCE_MAX_LENGTH, split_sentences

    text = "甲" * 390 + "，" + "乙" * 500 + "。丙。" + "共投入" + "9" * 1000 + "万元"
    sentences = split_sentences(from_text(text)).sentences
    assert "".join(s.text for s in sentences) == text
    assert [s.text[-1] for s in sentences[:2]] == ["，", "乙"]
    assert len(sentences[1].text) == SENTENCE_MAX_LENGTH
    assert sentences[-1].text == "万元"
    assert sentences[-2].text.endswith("9" * 1000)
    ending_in_a_number = "甲" * 395 + "9" * 20
    assert [s.text for s in split_sentences(from_text(ending_in_a_number)).sentences] == [
        ending_in_a_number]


def test_span_set_answers_overlap_like_a_scan_of_every_span():
    from pipeline.document import SpanSet

    spans = [(3, 8), (5, 12), (20, 20), (30, 31)]
    merged = SpanSet(spans)
    for start in range(0, 35):
        for end in range(start, start + 4):
            scan = any(s < end and start < e for s, e in spans)
            assert merged.overlaps(start, end) == scan, (start, end)


def test_clean_keeps_a_table_of_numbers_and_drops_a_link_list_written_with_pipes(rulebook):
    text = ("某公司发布2024年业绩。\n业务 | 营收 | 毛利率 |\n---|---|---|\n北斗高精度业务 | 7.01亿元 | 38.9% |\n"
            "全年营收增长。\n克东县 | 农安县 | 乌审旗 | 淮安市 |\n怀安县 | 醴陵市 | 利津县 | 磐石市 |")
    document = extract(text, rulebook)["documents"][0]
    assert "北斗高精度业务 | 7.01亿元 | 38.9% |" in document["text"]
    assert "---|---|---|" in document["text"]
    assert "克东县" not in document["text"]


def test_measures_skip_table_rows_and_a_table_of_contents(rulebook):
    text = ("目录\n一、基本情况\n二、主要做法\n一、基本情况\n全县有党员1200名。\n二、主要做法\n强化培训。\n"
            "项目 | 2023年 | 2024年 |\n一、营业收入(元) | 2,003 | 2,300 |\n二、营业成本(元) | 1,905 | 2,106 |")
    measures = extract(text, rulebook)["measures"]
    assert [(m["marker"], m["head"], m["start"] > text.index("全县") - 8) for m in measures] == [
        ("一、", "基本情况", True), ("二、", "主要做法", True)]


@pytest.mark.parametrize(("text", "title", "date"), [
    ("您好!今天是2024年5月1日 星期三\n设为主页 收藏本页\n某县推进“红色物业”\n全县组建服务队120支。",
     "某县推进“红色物业”", None),
    ("沪府发〔2017〕92号\n某市人民政府关于加强诚信建设的通知\n2017年12月20日\n各区人民政府：现将意见印发。",
     "某市人民政府关于加强诚信建设的通知", "2017-12-20"),
    ("标题:2024年上半年基层党支部建设工作总结 |\n今年以来，支部开展活动12次。",
     "2024年上半年基层党支部建设工作总结", None),
    ("中华民国91年3月19日星期二\n为台湾拚经济 却开放晶圆厂登陆…这不是矛盾吗?\n政府近日宣布开放。",
     "为台湾拚经济 却开放晶圆厂登陆…这不是矛盾吗?", "2002-03-19"),
    ("1分钟\n可能是一条微博\n从无到有到发布的时间", None, None),
])
def test_clean_reads_the_headline_or_none_and_the_date_in_any_common_form(text, title, date, rulebook):
    document = extract(text, rulebook)["documents"][0]
    assert (document["title"], document["date"]) == (title, date)


def test_clean_cuts_a_date_stamp_glued_to_the_text_and_reads_the_date_from_it(rulebook):
    rows = extract("date 2026-01-15 台积电Q1毛利率上看65%，营收将续创新高。", rulebook)
    document = rows["documents"][0]
    assert document["text"] == "台积电Q1毛利率上看65%，营收将续创新高。"
    assert document["date"] == "2026-01-15"
    assert [row["text"] for row in rows["indicators"]] == ["65%"]


def test_measures_found_in_traditional_script_and_in_paragraphs_a_page_ran_together(rulebook):
    text = ("壹、主要工作成效\n（一）強化組織建設。新建黨支部12個。\n"
            "（二）完善制度。 二、存在問題 一是學習不夠。二是作風不實。")
    measures = [(m["marker"], m["head"], m["level"]) for m in extract(text, rulebook)["measures"]]
    assert measures == [("壹、", "主要工作成效", 1), ("（一）", "强化组织建设", 2), ("（二）", "完善制度", 2),
                        ("二、", "存在问题", 1), ("一是", "学习不够", 2), ("二是", "作风不实", 2)]


@pytest.mark.parametrize(("text", "expected"), [
    ("完成33公里黄河控导工程，修建12.5公里道路硬化工程。", ["黄河控导工程", "道路硬化工程"]),
    ("实施便民工程，建设安全饮水工程3处。", []),
])
def test_program_names_carry_no_number_debris_and_no_generic_phrase(text, expected, rulebook):
    assert [row["name"] for row in extract(text, rulebook)["programs"]] == expected
