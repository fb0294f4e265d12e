"""Scorer, features and the gate on hand-built facts: every gate reason, config errors."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from indexer.facts import Fact
from indexer.store import ReportInfo
from qa.disambiguation import narrowed
from qa.engine import _own_department_words
from qa.fact_store import ReportFacts, candidates
from qa.features import FEATURES, Query, run_coverage
from qa.frame import Term, parse
from qa.gate import Decision, Reason, gate, grounded
from qa.messages import short_label
from qa.operations import operate
from qa.scorer import ConfigError, Scorer, ScoringConfig
from qa.vocabulary import base_vocabulary

INFO = ReportInfo("r1", "某局", 2024, "决算", "某局 2024年度部门决算", "x.pdf", "x", "pdf", 1, 1, 0)


def _fact(row, value, measure="actual", column=(), unit="万元", period="current", **kw) -> Fact:
    text = kw.pop("text", str(value))
    quote = kw.pop("quote", f"{' '.join(row)} {text}")
    return Fact("r1", kw.pop("origin", "cell"), tuple(row), tuple(column), measure, period,
                Decimal(str(value)), text, unit, 3, None, " › ".join(row), quote,
                kw.pop("context", ("公开07表 财政拨款“三公”经费支出决算表",)), **kw)  # fmt: skip


FACTS = [
    _fact(["财政拨款“三公”经费支出", "合计"], "100.44", total=True),
    _fact(["财政拨款“三公”经费支出", "合计"], "104.77", measure="budget", total=True),
    _fact(["公务用车购置及运行费", "公务用车运行维护费"], "80.35"),
    _fact(["公务用车购置及运行费", "公务用车运行维护费"], "84.64", measure="budget"),
    _fact(["公务接待费"], "2.10"),
    _fact(["甲项目"], "5", context=("项目绩效自评表", "北票分局"), origin="record"),
    _fact(["甲项目"], "7", context=("项目绩效自评表", "凌源分局"), origin="record"),
]


@pytest.fixture(scope="module")
def setup():
    facts = ReportFacts.build(INFO, FACTS)
    config = ScoringConfig.load()
    vocab = base_vocabulary().with_labels(facts.labels)
    return facts, config, Scorer(config), vocab


def _decide(setup, question):
    facts, config, scorer, vocab = setup
    frame = parse(question, vocab)
    query = Query(frame, INFO.kind, INFO.year, config.measure_compat)
    ranked = scorer.rank(query, candidates(facts, frame, 50))
    return gate(query, ranked, config), ranked


def _on(info: ReportInfo, fact_list: list[Fact], question: str, operation: bool = False):
    """The decision on ``question`` over hand-built facts of one report: the gate's, or
    (``operation``) an operation's."""
    facts = ReportFacts.build(info, fact_list)
    config = ScoringConfig.load()
    scorer = Scorer(config)
    frame = parse(question, base_vocabulary().with_labels(facts.labels))
    query = Query(frame, info.kind, info.year, config.measure_compat)
    ranked = scorer.rank(query, candidates(facts, frame, 50))
    return (
        operate(query, ranked, facts, scorer, config) if operation else gate(query, ranked, config)
    )


BUDGET_2025 = replace(INFO, kind="预算", year=2025)


def test_run_coverage() -> None:
    assert run_coverage("收入总计", "收入›收入支出›总计") == 1.0
    assert run_coverage("公务用车运行维护费", "公务用车购置及运行费") == pytest.approx(6 / 9)
    assert run_coverage("浓度", "公务接待费") == 0.0
    # the last character alone left over ends another word: 资 of 资本 is not 资产
    assert run_coverage("国有资产", "国有资本经营预算支出") == 0.5


def test_answers_the_asked_measure(setup) -> None:
    d, _ = _decide(setup, "公务用车运行维护费预算是多少？")
    assert d.reason is Reason.OK and d.best.fact.value == Decimal("84.64")
    d, _ = _decide(setup, "公车运行维护实际花了多少？")
    assert d.best.fact.value == Decimal("80.35")


def test_unexplained_word_is_not_found(setup) -> None:
    d, _ = _decide(setup, "PM2.5浓度是多少？")
    assert d.status == "not_found" and d.reason in (Reason.LOW_COVERAGE, Reason.NO_FACT)


def test_unit_mismatch_and_period_conflict(setup) -> None:
    assert _decide(setup, "公务接待费是百分之几？")[0].reason is Reason.UNIT_MISMATCH
    assert _decide(setup, "公务接待费占比是多少？")[0].reason is Reason.MEASURE_CONFLICT
    assert _decide(setup, "2022年公务接待费是多少？")[0].reason is Reason.PERIOD_CONFLICT


def test_measure_conflict_on_a_count(setup) -> None:
    assert _decide(setup, "公务接待费有多少辆？")[0].status == "not_found"


def test_same_named_records_are_ambiguous(setup) -> None:
    d, _ = _decide(setup, "甲项目花了多少？")
    assert d.reason is Reason.AMBIGUOUS
    assert {s.fact.value for s in d.chosen} == {Decimal(5), Decimal(7)}


def test_contributions_explain_the_total(setup) -> None:
    _, ranked = _decide(setup, "三公经费一共花了多少？")
    best = ranked[0]
    assert best.fact.value == Decimal("100.44")
    assert sum(best.contributions.values()) == pytest.approx(best.total)
    assert set(best.contributions) == set(FEATURES)


def test_grounded_needs_the_printed_figure() -> None:
    assert grounded(FACTS[2])
    assert not grounded(_fact(["x"], "9.99", quote="x 1.00"))
    assert grounded(_fact(["x"], "0", text="", quote="x"))  # printed empty, row quoted


def test_config_rejects_unknown_feature_and_negative_threshold(tmp_path) -> None:
    data = json.loads(Path("qa/scoring.json").read_text(encoding="utf-8"))
    bad = dict(data, weights={**data["weights"], "shoe_size": 1.0})
    (tmp_path / "s.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        ScoringConfig.load(tmp_path / "s.json")
    assert e.value.key == "shoe_size"
    bad = dict(data, thresholds={**data["thresholds"], "ambiguity_margin": -1})
    (tmp_path / "s.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ConfigError):
        ScoringConfig.load(tmp_path / "s.json")


@pytest.mark.parametrize(
    ("row", "column", "label"),
    [
        # an item row of an amount column: the row names the figure
        (["工资福利支出", "基本工资"], ["一般公共预算基本支出"], "基本工资"),
        # a total row: its column names it (合计 › 项目支出), never the table's topic
        (["预算单位支出", "合计"], ["支出", "项目支出"], "项目支出"),
        # a measure row of an item column (三公 table: items stand in the columns)
        (["2025年预算数"], ["公务接待费"], "公务接待费"),
    ],
)
def test_short_label_names_what_the_figure_is(row, column, label) -> None:
    assert short_label(_fact(row, "1", column=column)) == label


@pytest.mark.parametrize(
    "question",
    [
        "公务接待费占公务用车运行维护费的比例是多少？",
        "公务接待费 share of 公务用车运行维护费 是多少？",
        "What percentage of the 公务用车运行维护费 goes to 公务接待费?",
        "公务用车运行维护费里面，公务接待费占百分之几？",  # the scope clause is the whole
        "公车要花钱，接待也要花钱，公务接待费占公务用车运行维护费的比例是多少？",  # last 占
        "公务接待费金额占公务用车运行维护费的百分之几？",  # 金额 names money, 百分之几 a share
    ],
)
def test_a_share_not_printed_is_computed_from_its_part_and_whole(setup, question) -> None:
    facts, config, scorer, vocab = setup
    frame = parse(question, vocab)
    query = Query(frame, INFO.kind, INFO.year, config.measure_compat)
    ranked = scorer.rank(query, candidates(facts, frame, 50))
    d = operate(query, ranked, facts, scorer, config)
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("2.61")  # 2.10 ÷ 80.35 × 100


def test_last_year_spoken_is_the_year_a_final_account_covers(setup) -> None:
    # a 决算 of 2024 is read in 2025: "去年" asks for its own year; "上年" is the report's word
    assert _decide(setup, "去年公务接待费花了多少？")[0].best.fact.value == Decimal("2.10")
    assert _decide(setup, "上年公务接待费花了多少？")[0].reason is Reason.PERIOD_CONFLICT
    budget = Query(parse("去年公务接待费是多少？", setup[3]), "预算", 2025, {})
    assert budget.asked_period == "previous"  # a 预算 of 2025 is read in 2025


def test_the_whole_of_a_share_contains_its_part_in_any_money_unit() -> None:
    # the 基本支出 column of the total row names 支出预算 too, but is smaller than the part;
    # the whole is the total, printed in 万元 while the part is in 元
    d = _on(BUDGET_2025, [
        _fact(["支出预算", "合计"], "24606775", "budget", ("基本支出",), "元", total=True),
        _fact(["支出预算", "合计"], "66410000", "budget", ("项目支出",), "元", total=True),
        _fact(["支出预算"], "9101.68", "budget", origin="sentence", context=("说明",)),
    ], "项目支出占支出预算的比例是多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("72.96")  # 66,410,000 元 ÷ 9,101.68 万元 × 100


def test_a_rate_of_change_not_printed_follows_from_the_change_and_the_level() -> None:
    # "财政拨款收入9,101.68万元，比2024年预算减少2,389.52万元": 2,389.52 ÷ 11,491.20 × 100
    quote = "财政拨款收入9,101.68万元，比2024年预算减少2,389.52万元。"
    said = {"origin": "sentence", "context": ("说明",), "quote": quote}
    d = _on(BUDGET_2025, [
        _fact(["收入预算", "财政拨款收入"], "9101.68", "budget", text="9,101.68", **said),
        _fact(["收入预算", "财政拨款收入"], "-2389.52", "change", text="2,389.52", **said),
    ], "财政拨款收入比上年下降了百分之几？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert (d.computed.value, d.computed.unit) == (Decimal("20.79"), "%")
    assert "11,491.20万元" in d.computed.formula or "11491.20万元" in d.computed.formula


def test_a_sum_of_money_reads_each_part_in_the_finest_unit_printed() -> None:
    # 事业运行 is printed as 380.73万元 in a sentence and as 3,807,295.58元 in a table
    d = _on(BUDGET_2025, [
        _fact(["行政运行"], "12029501.84", "budget", unit="元", context=("支出预算表",)),
        _fact(["事业运行"], "3807295.58", "budget", unit="元", context=("支出预算表",)),
        _fact(["事业运行"], "380.73", "budget", origin="sentence", context=("说明",)),
    ], "行政运行和事业运行的预算加起来是多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert (d.computed.value, d.computed.unit) == (Decimal("15836797.42"), "元")


def test_the_same_figure_printed_more_precisely_answers() -> None:
    # the narrative's 37,151.47万元 rounds the table's 371,514,655元: the table answers
    d = _on(BUDGET_2025, [
        _fact(["收入预算"], "37151.47", "budget", origin="sentence", context=("说明",)),
        _fact(["收入预算", "合计"], "371514655", "budget", unit="元", context=("收入预算总表",),
              total=True),
    ], "收入预算是多少？")  # fmt: skip
    assert d.status == "answered" and (d.best.fact.value, d.best.fact.unit) == (
        Decimal("371514655"),
        "元",
    )
    assert [s.fact.unit for s in d.support] == ["万元"]  # the rounded printing is cited too


def test_last_year_from_a_change_whose_sentence_names_its_subject_in_short() -> None:
    # "收入、支出预算总计13,377.11万元，与上年相比收、支预算总计各增加3,226.63万元"
    budget = replace(INFO, kind="预算", year=2019)
    quote = "2019年度收入、支出预算总计13,377.11万元，与上年相比收、支预算总计各增加3,226.63万元。"
    said = {"origin": "sentence", "context": ("说明",), "quote": quote}
    d = _on(budget, [
        _fact(["收入、支出预算总计"], "13377.11", "budget", text="13,377.11", **said),
        _fact(["收、支预算总计"], "3226.63", "change", text="3,226.63", **said),
    ], "上年的收支预算总计是多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("10150.48")


def test_a_whole_region_or_another_threshold_is_not_the_departments_figure() -> None:
    # the department's own 一般公共预算 revenue is not 全区's; 100万元以上 is not 50万元以上
    stated = [
        _fact(["收入", "一般公共预算财政拨款收入"], "2940.05", context=("收入支出决算总表",)),
        _fact(["单价100万元以上设备"], "5", "count", unit="台", origin="sentence",
              context=("国有资产占用情况",)),
    ]  # fmt: skip
    for question, expected in [
        ("一般公共预算财政拨款收入是多少？", "answered"),
        ("全区一般公共预算财政拨款收入是多少？", "not_found"),
        ("单价100万元以上的设备有几台？", "answered"),
        ("单价50万元以上的设备有几台？", "not_found"),
    ]:
        d = _on(INFO, stated, question)
        assert d.status == expected, (question, d)


def test_two_rows_the_question_names_alike_are_both_listed() -> None:
    # "运行（项）": 行政运行 and 事业运行 both end in 运行, neither is named in full
    d = _on(INFO, [
        _fact(["社会工作事务", "行政运行"], "52.00", "budget", context=("支出决算表",)),
        _fact(["社会工作事务", "事业运行"], "17.68", "budget", context=("另一张表",)),
    ], "社会工作事务下面运行的全年预算是多少？")  # fmt: skip
    assert d.status == "ambiguous"
    assert {s.fact.value for s in d.chosen} == {Decimal("52.00"), Decimal("17.68")}


def test_another_row_named_as_fully_is_stated_as_another_reading() -> None:
    # 财政拨款 names both 财政拨款收入 and 财政拨款支出: both are stated (listed, or one answers
    # and the other follows it); a child of the answered row is not another reading
    d = _on(BUDGET_2025, [
        _fact(["收入预算", "财政拨款收入"], "24558.18", "change", context=("预算情况说明",)),
        _fact(["支出预算", "财政拨款支出"], "24491.71", "change", context=("预算情况说明",)),
        _fact(["支出预算", "财政拨款支出", "一般公共预算拨款支出"], "100", "change",
              context=("预算情况说明",)),
    ], "2025年财政拨款比2024年增加了多少？")  # fmt: skip
    shown = [s.fact.value for s in (*d.chosen, *d.readings)]
    assert sorted(shown) == [Decimal("24491.71"), Decimal("24558.18")]
    d = _on(BUDGET_2025, [
        _fact(["收入预算", "财政拨款收入"], "24558.18", "change", context=("预算情况说明",)),
        _fact(["支出预算", "财政拨款支出预算"], "24491.71", "change", context=("预算总表",)),
    ], "2025年财政拨款比2024年增加了多少？")  # fmt: skip
    assert d.status == "answered" and d.best.fact.value == Decimal("24558.18")
    assert [s.fact.value for s in d.readings] == [Decimal("24491.71")]


@pytest.mark.parametrize(("question", "expected"), [
    ("中央大气污染防治资金第二批预算是多少？", "answered"),
    ("中央大气污染防治资金第一批预算是多少？", "not_found"),
])  # fmt: skip
def test_another_batch_of_a_series_does_not_answer(question, expected) -> None:
    d = _on(INFO, [
        _fact(["2024年中央大气污染防治资金(第二批)项目"], "5264.9", "budget",
              context=("项目支出情况",)),
    ], question)  # fmt: skip
    assert d.status == expected, d


def test_a_procurement_table_row_answers_only_a_question_about_procurement() -> None:
    stated = [
        _fact(["服务", "公务用车运行维护费"], "50.00", "budget",
              context=("公开12表 2019年政府采购预算表",)),
        _fact(["商品和服务支出", "公务用车运行维护费"], "156.60", "budget",
              context=("公开06表 财政拨款基本支出预算表（经济科目）",)),
    ]  # fmt: skip
    d = _on(replace(INFO, kind="预算", year=2019), stated, "公车运行维护费预算多少？")
    assert d.status == "answered" and d.best.fact.value == Decimal("156.60")
    d = _on(replace(INFO, kind="预算", year=2019), stated, "政府采购里公务用车运行维护费多少？")
    assert d.status == "answered" and d.best.fact.value == Decimal("50.00")


def test_a_list_of_uses_names_no_figure_of_its_own() -> None:
    quote = ("“一般公共服务支出”科目12,789万元，主要用于人员经费、公用经费等基本支出，"
             "国库集中收付银行代理银行费等项目支出。")  # fmt: skip
    stated = [_fact(["一般公共服务支出"], "12789", "budget", text="12,789", quote=quote,
                    origin="sentence", context=("其他相关情况说明",))]  # fmt: skip
    asked = "“国库集中收付银行代理银行费”这个项目预算是多少？"
    assert _on(BUDGET_2025, stated, asked).status == "not_found"
    d = _on(
        BUDGET_2025, stated, "一般公共服务支出（人员经费、国库集中收付银行代理银行费）预算多少？"
    )
    assert d.status == "answered"


def test_two_parts_naming_one_figure_are_not_added() -> None:
    stated = [_fact(["政府采购预算"], "1708.03", "budget", context=("政府采购预算情况",))]
    d = _on(BUDGET_2025, stated, "政府采购预算和政府采购预算一共多少？", operation=True)
    assert d is None or d.computed is None


def test_a_word_of_the_departments_own_name_refers_to_it() -> None:
    info = replace(BUDGET_2025, department="上海市普陀区人民政府万里街道办事处")
    street, office = Term("街道", ("街道",), 0), Term("办公", ("办公",), 0)
    frame = parse("街道办公费多少？", base_vocabulary())
    refused = Decision("not_found", Reason.LOW_COVERAGE, missing=(street,))
    assert _own_department_words(refused, info, frame) == {street}
    # another missing word, not of the name (办公), keeps every word a subject
    refused = Decision("not_found", Reason.LOW_COVERAGE, missing=(street, office))
    assert _own_department_words(refused, info, frame) == set()
    # refused for its measure: the asked words of the name (政协, though 政协事务 holds it too)
    cppcc = replace(info, department="江苏省政协办公厅")
    frame = parse("政协今年培训费比上年多了多少？", base_vocabulary())
    refused = Decision("not_found", Reason.MEASURE_CONFLICT)
    assert {t.text for t in _own_department_words(refused, cppcc, frame)} == {"政协"}


def test_last_year_of_a_final_account_subtracts_the_change_from_what_was_spent() -> None:
    said = {"origin": "sentence", "context": ("三公经费支出决算情况说明",)}
    d = _on(INFO, [
        _fact(["“三公”经费财政拨款支出"], "2.85", "budget", text="2.85", **said),
        _fact(["“三公”经费财政拨款支出"], "0.39", "actual", text="0.39", **said),
        _fact(["“三公”经费财政拨款支出"], "-0.15", "change", text="0.15", **said),
    ], "2023年三公经费财政拨款支出是多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("0.54")


def test_the_departments_own_unit_is_its_benji_among_units_listed_alike() -> None:
    info = replace(INFO, department="辽宁省朝阳市生态环境局")
    units = [
        _fact(["朝阳市生态环境局", "总评价得分"], "92.60", "score", unit="分", origin="record",
              context=("部门（单位）整体绩效自评表",)),
        _fact(["朝阳市生态环境局北票分局", "总评价得分"], "94.24", "score", unit="分",
              origin="record", context=("部门（单位）整体绩效自评表",)),
    ]  # fmt: skip
    facts = ReportFacts.build(info, units)
    frame = parse("局机关本级的整体绩效自评总评价得分是几分？", base_vocabulary())
    listed = _on(info, units, "整体绩效自评总评价得分是几分？")
    assert listed.status == "ambiguous"
    assert narrowed(listed, frame, info, facts).best.fact.value == Decimal("92.60")
    plain = parse("总评价得分是几分？", base_vocabulary())
    assert narrowed(listed, plain, info, facts) is listed


def test_an_amount_the_question_quotes_points_at_the_record_stating_it() -> None:
    table = {"origin": "record", "context": ("部门（单位）整体绩效自评表", "附件")}
    units = []
    for unit, planned, rate in [
        ("朝阳市执法队", "621.47", "80.00"),
        ("北票市执法队", "192.33", "95.00"),
    ]:
        units.append(
            _fact(
                [unit, "人员经费（保工资）"], planned, "budget", column=("项目下达金额",), **table
            )
        )
        units.append(
            _fact(
                [unit, "人员经费（保工资）"],
                rate,
                "completion_rate",
                unit="%",
                column=("项目执行率",),
                **table,
            )
        )
    facts = ReportFacts.build(INFO, units)
    listed = _on(INFO, units, "执法队人员经费（保工资）项目执行率是多少？")
    assert listed.status == "ambiguous"
    frame = parse("执法队人员经费（保工资）下达了621万多，项目执行率是多少？", base_vocabulary())
    assert narrowed(listed, frame, INFO, facts).best.fact.value == Decimal("80.00")


def test_which_unit_scores_highest_compares_the_units_own_scores_not_their_tasks() -> None:
    table = {"origin": "record", "unit": "分", "context": ("部门（单位）整体绩效自评表", "附件")}
    units = []  # each unit's tasks outnumber the families a ranking tries one by one
    for unit, total, task in [("甲分局", "97.73", 13), ("乙分局", "92.60", 9)]:
        units.append(_fact([unit], total, "score", column=("总评价得分",), **table))
        units += [_fact([unit, f"单位整体任务{i}"], task + i / 10, "score", column=("得分",),
                        **table) for i in range(15)]  # fmt: skip
    asked = "附件里单位都做了整体绩效自评，哪个单位得分最高？得了多少分？"
    d = _on(INFO, units, asked, operation=True)
    assert d is not None and d.best.fact.value == Decimal("97.73"), d
    assert d.best.fact.column == ("总评价得分",)


def test_a_quoted_name_stands_in_the_fact_as_written() -> None:
    stated = [
        _fact(["城乡社区住宅", "其他城乡社区住宅支出"], "10", "budget", context=("支出预算表",)),
        _fact(["财政事务", "行政运行"], "1623", "budget", context=("支出预算表",)),
    ]  # fmt: skip
    d = _on(BUDGET_2025, stated, "“其他城乡社区支出”预算多少？")
    assert d.status == "not_found"
    d = _on(BUDGET_2025, stated, "「财政事务—行政运行」这一项预算是多少？")
    assert d.status == "answered" and d.best.fact.value == Decimal("1623")


def test_of_a_row_and_its_only_child_the_one_named_answers() -> None:
    table = {"context": ("部门支出预算总表",), "unit": "元"}
    stated = [
        _fact(["卫生健康支出", "行政事业单位医疗"], "782164", "budget", **table),
        _fact(["卫生健康支出", "行政事业单位医疗", "行政单位医疗"], "782164", "budget", **table),
    ]  # fmt: skip
    d = _on(BUDGET_2025, stated, "给在职人员交医保（行政单位医疗）预算是多少？")
    assert d.status == "answered" and d.best.fact.row[-1] == "行政单位医疗"


def test_one_figure_under_two_names_is_not_added_to_itself() -> None:
    stated = [
        _fact(["基本支出", "人员经费"], "5211.57", context=("基本支出决算表",)),
        _fact(["人员经费合计"], "5211.57", origin="sentence", context=("情况说明",)),
    ]  # fmt: skip
    d = _on(INFO, stated, "人员经费和人员经费合计一共是多少？", operation=True)
    assert d is None or d.computed is None


def test_a_share_of_a_whole_named_with_a_scope_marker_in_one_clause() -> None:
    stated = [
        _fact(["“三公”经费", "因公出国（境）费"], "839", "budget", context=("三公经费预算表",)),
        _fact(["“三公”经费"], "867.50", "budget", total=True, context=("三公经费预算表",)),
    ]  # fmt: skip
    d = _on(BUDGET_2025, stated, "三公经费里出国费占了多大比例？", operation=True)
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("96.71")


def test_an_indicator_answers_only_a_question_that_names_it() -> None:
    record = {"origin": "record", "context": ("预算项目(政策)绩效自评表", "附件")}
    stated = [
        _fact(["甲项目", "环境信访工作人员人数"], "20", "count", column=("实际完成值",),
              unit="人", **record),
    ]  # fmt: skip
    d = _on(INFO, stated, "甲项目绩效表里环境信访工作人员人数实际几个人？")
    assert d.status == "answered" and d.best.fact.value == Decimal("20")
    assert _on(INFO, stated, "局里总共有多少在编人员？多少人？").status == "not_found"


def test_the_row_above_tying_parts_answers_and_states_them() -> None:
    said = {"origin": "sentence", "context": ("三公经费预算情况说明",)}
    stated = [
        _fact(["“三公”经费", "公务用车购置及运行费"], "32.20", "budget", **said),
        _fact(["“三公”经费", "公务用车购置及运行费", "公务用车运行费"], "32.20", "budget", **said),
        _fact(["“三公”经费", "公务用车购置及运行费", "公务用车购置费"], "0.00", "budget", **said),
    ]  # fmt: skip
    d = _on(BUDGET_2025, stated, "公车一年花多少钱？")
    assert d.status == "answered" and d.best.fact.row[-1] == "公务用车购置及运行费"
    assert {s.fact.row[-1] for s in d.readings} == {"公务用车运行费", "公务用车购置费"}


def test_a_count_stated_again_as_another_total_is_stated_after_the_answer() -> None:
    said = {"origin": "sentence", "unit": "辆", "context": ("国有资产占有使用情况",)}
    stated = [
        _fact(["车辆"], "34", "count", **said),
        _fact(["车辆", "执法执勤用车"], "11", "count", **said),
        _fact(["使用财政拨款开支运行维护费的公务用车保有量"], "41", "count", **said),
    ]  # fmt: skip
    d = _on(INFO, stated, "你们局手上到底有多少辆车？")
    assert d.status == "answered" and d.best.fact.value == Decimal("34")
    assert [s.fact.value for s in d.readings] == [Decimal("41")]


def test_a_row_asked_gives_its_own_figure_not_a_childs() -> None:
    from qa.gate import _named_parent
    from qa.scorer import Scored

    said = {"origin": "sentence", "context": ("政府采购情况",)}
    facts = ReportFacts.build(BUDGET_2025, [
        _fact(["面向中小企业预留政府采购项目", "预留给小型和微型企业的政府采购项目预算"],
              "232.40", "budget", **said),
        _fact(["面向中小企业预留政府采购项目"], "332.00", "budget", **said),
    ])  # fmt: skip
    scores = zip(facts.views, (12.23, 12.19), (0.53, 0.71), strict=True)
    child, parent = (Scored(v, total, {}, {"label_named": named}) for v, total, named in scores)
    assert _named_parent(child, [child, parent], 0.3) is parent
    assert _named_parent(child, [child, parent], 0.01) is child


def test_spending_words_ask_a_budgets_plan_and_a_final_accounts_spending() -> None:
    budget = [_fact(["商品和服务支出", "物业管理费"], "1206000", "budget", unit="元",
                    context=("基本支出经济分类预算表",))]  # fmt: skip
    d = _on(BUDGET_2025, budget, "物业管理费开支多少？")
    assert d.status == "answered" and d.best.fact.value == Decimal("1206000")
    row = ["商品和服务支出", "物业管理费"]
    final = [_fact(row, "100", "budget", context=("决算表",)),
             _fact(row, "90", "actual", context=("决算表",))]  # fmt: skip
    assert _on(INFO, final, "物业管理费开支多少？").best.fact.value == Decimal("90")


def test_cars_counted_in_tai_are_cars_counted_in_liang() -> None:
    stated = [_fact(["公务用车保有量"], "41", "count", unit="辆", origin="sentence",
                    context=("国有资产占有使用情况",))]  # fmt: skip
    d = _on(INFO, stated, "公务用车保有量一共还有多少台？")
    assert d.status == "answered" and d.best.fact.value == Decimal("41")


def test_a_procurement_row_answers_a_question_about_buying() -> None:
    stated = [_fact(["货物", "家具用具购置"], "198.00", "budget",
                    context=("公开12表 2019年政府采购预算表",))]  # fmt: skip
    d = _on(replace(INFO, kind="预算", year=2019), stated, "2019年打算花多少钱买家具？")
    assert d.status == "answered" and d.best.fact.value == Decimal("198.00")
    assert _on(replace(INFO, kind="预算", year=2019), stated, "家具用具预算多少？").status == (
        "not_found"
    )


def test_budget_less_spent_of_a_project_named_with_its_measure_labels() -> None:
    said = {"origin": "sentence", "context": ("项目支出绩效情况",)}
    project = "2024年中央大气污染防治资金(第二批)项目"
    stated = [
        _fact([project, "全年预算数"], "5264.9", "budget", **said),
        _fact([project, "全年执行数"], "2752", "executed", **said),
    ]  # fmt: skip
    d = _on(INFO, stated, "中央大气污染防治资金第二批，预算数和全年执行数之间差了多少没花出去？",
            operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("2512.9")
